import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A single-node Hadoop for scripts/hadoop.sh: an HDFS NameNode and DataNode and a YARN
 * ResourceManager and NodeManager in this JVM, on 127.0.0.1, from Hadoop's own minicluster
 * classes. Writes the client configuration (core-site.xml, hdfs-site.xml, yarn-site.xml) to
 * CONF_DIR once every server is up, then runs until it is sent SIGTERM.
 *
 * <p>Arguments: STATE_DIR CONF_DIR NAMENODE_PORT RESOURCEMANAGER_PORT. The file system's data and
 * the containers' folders live under STATE_DIR, formatted at each start.
 */
public class MiniHadoop {
  /** Where the ResourceManager listens: set here, and given to clients in yarn-site.xml. */
  private static final String[] RESOURCE_MANAGER_ADDRESSES = {
    YarnConfiguration.RM_ADDRESS,
    YarnConfiguration.RM_SCHEDULER_ADDRESS,
    YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
    YarnConfiguration.RM_ADMIN_ADDRESS,
    YarnConfiguration.RM_WEBAPP_ADDRESS
  };

  public static void main(String[] args) {
    try {
      start(args);
    } catch (Throwable e) { // the servers' threads would keep a half-started JVM alive
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void start(String[] args) throws Exception {
    Path state = Path.of(args[0]).toAbsolutePath();
    Path confDir = Path.of(args[1]).toAbsolutePath();
    int nameNodePort = Integer.parseInt(args[2]);
    int resourceManagerPort = Integer.parseInt(args[3]);

    Configuration conf = new YarnConfiguration();
    conf.set("hadoop.tmp.dir", state.resolve("tmp").toString());
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, state.resolve("dfs").toString());
    conf.setInt("dfs.replication", 1);
    MiniDFSCluster dfs =
        new MiniDFSCluster.Builder(conf)
            .nameNodePort(nameNodePort)
            .numDataNodes(1)
            .manageNameDfsDirs(true)
            .manageDataDfsDirs(true)
            .build();
    dfs.waitActive();

    // Fixed addresses on 127.0.0.1 (the minicluster would otherwise pick the host's name): the
    // ResourceManager's client port is the one clients are given, its other ports free ones (with
    // fixed ports the minicluster tells no one which port a 0 became).
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_USE_RPC, true);
    conf.set(YarnConfiguration.RM_ADDRESS, "127.0.0.1:" + resourceManagerPort);
    for (String key : RESOURCE_MANAGER_ADDRESSES) {
      if (!key.equals(YarnConfiguration.RM_ADDRESS)) {
        conf.set(key, "127.0.0.1:" + freePort());
      }
    }
    for (String key :
        new String[] {
          YarnConfiguration.NM_ADDRESS,
          YarnConfiguration.NM_LOCALIZER_ADDRESS,
          YarnConfiguration.NM_WEBAPP_ADDRESS,
          YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS
        }) {
      conf.set(key, "127.0.0.1:0");
    }
    conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    // Room for a driver and a few executors of Spark's default sizes on a small machine.
    conf.setInt(YarnConfiguration.NM_PMEM_MB, 8192);
    conf.setInt(YarnConfiguration.NM_VCORES, 8);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // Containers' logs are kept in HDFS once their application ends (`yarn logs`, hadoop.sh logs).
    conf.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, true);
    // A stop waits this long for the containers' applications to clean up (default 6 s and more).
    conf.setLong(YarnConfiguration.NM_PROCESS_KILL_WAIT_MS, 1000);
    // One queue; Spark's driver in cluster mode is an application master of 1.4 GB.
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
    conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
    conf.setFloat(
        YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f); // a full disk is not ours
    // Containers inherit the NodeManager's JAVA_HOME, and its SPARK_LOCAL_IP so that Spark in them
    // binds and advertises loopback (by default, the host's external address: nothing listens).
    conf.set(YarnConfiguration.NM_ENV_WHITELIST, "JAVA_HOME,PATH,LANG,TZ,SPARK_LOCAL_IP");

    MiniYARNCluster yarn = new MiniYARNCluster("yarn", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    if (!yarn.waitForNodeManagersToConnect(60_000)) {
      throw new IllegalStateException("the NodeManager did not register in 60 s");
    }

    Files.createDirectories(confDir);
    Map<String, String> core = new TreeMap<>();
    core.put("fs.defaultFS", "hdfs://127.0.0.1:" + nameNodePort);
    write(confDir.resolve("core-site.xml"), core);
    write(confDir.resolve("hdfs-site.xml"), Map.of("dfs.replication", "1"));
    Map<String, String> site = new TreeMap<>();
    for (String key : RESOURCE_MANAGER_ADDRESSES) {
      site.put(key, conf.get(key));
    }
    site.put(
        YarnConfiguration.LOG_AGGREGATION_ENABLED,
        conf.get(YarnConfiguration.LOG_AGGREGATION_ENABLED));
    write(confDir.resolve("yarn-site.xml"), site);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  yarn.stop();
                  dfs.shutdown();
                  stopped.countDown();
                }));
    System.out.println("ready");
    stopped.await();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void write(Path file, Map<String, String> properties) throws IOException {
    Configuration conf = new Configuration(false);
    properties.forEach(conf::set);
    File partial = new File(file + ".partial");
    try (OutputStream out = new FileOutputStream(partial)) {
      conf.writeXml(out);
    }
    Files.move(partial.toPath(), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
