package io.github.sparkactivations.job;

import static io.github.sparkactivations.job.ActivationJobIT.fingerprint;
import static io.github.sparkactivations.job.ActivationJobIT.leftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Spec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job and the SQL functions on a real standalone cluster (scripts/cluster.sh: a master and two
 * workers on 127.0.0.1, executors in their own JVMs), and what losing an executor or the driver
 * does. Every process is stopped by PID at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster")
class ClusterIT {

  private static final Path WORK = Path.of("target/cluster");

  @TempDir static Path dir;
  private static String master;
  private static Path logits;
  private static Path localResult;

  /** Scalar and array functions, compiled and run on the executors. */
  private static final String[] JOB = {
    "--sql",
    "SELECT id, score, logits, sigmoid(score) AS s, softmax(logits) AS probs, log_softmax(logits, 2.0) AS lp,"
        + " top_k(logits, 3) AS top3, argmax(logits) AS a FROM input",
    "--partitions",
    "8"
  };

  private static int cluster(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("scripts/cluster.sh"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).inheritIO().start();
    // A line's first start records the runtime's class-data archive too (a sample run).
    if (!process.waitFor(4, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("cluster.sh " + List.of(args) + " did not finish");
    }
    return process.exitValue();
  }

  @BeforeAll
  static void startCluster() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    master = "spark://127.0.0.1:" + port;
    assertEquals(0, cluster("start", "--workers", "2", "--port", Integer.toString(port)));
    logits = dir.resolve("logits");
    SparkSubmit.Run generated =
        SparkSubmit.local(
            "generate-sample",
            "--output",
            logits.toString(),
            "--rows",
            "100000",
            "--classes",
            "50",
            "--partitions",
            "8");
    assertEquals(0, generated.code(), generated.err());
    localResult = dir.resolve("local");
    SparkSubmit.Run local = SparkSubmit.local(job(localResult));
    assertEquals(0, local.code(), local.err());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster("stop");
  }

  private static String[] job(Path output, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--input", logits.toString(), "--output", output.toString()));
    args.addAll(List.of(JOB));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** The applications that ran on the cluster, and the executor ids each worker gave them. */
  private static Set<String> executorFolders() throws IOException {
    Set<String> folders = new HashSet<>();
    for (int worker = 1; worker <= 2; worker++) {
      Path work = WORK.resolve("worker-" + worker + "/work");
      if (Files.isDirectory(work)) {
        try (Stream<Path> apps = Files.walk(work, 2)) {
          apps.filter(p -> p.getNameCount() == work.getNameCount() + 2)
              .forEach(
                  p ->
                      folders.add(
                          p.getParent().getFileName() + "/" + p.getFileName() + " on worker-"));
        }
      }
    }
    return folders;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static void assertSameRows(Path expected, Path actual) {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> a = spark.read().parquet(expected.toString());
    Dataset<Row> b = spark.read().parquet(actual.toString());
    assertEquals(a.count(), b.count());
    assertEquals(0, a.exceptAll(b).count(), "rows of " + expected + " missing in " + actual);
    assertEquals(0, b.exceptAll(a).count(), "rows of " + actual + " missing in " + expected);
  }

  @Test
  @Order(1)
  void theJobAndItsSqlFunctionsOnTheClusterGiveWhatALocalRunGives() throws Exception {
    Set<String> before = executorFolders();
    Path output = dir.resolve("cluster");
    SparkSubmit.Run run = SparkSubmit.run(master, job(output));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("rows out:   100,000"), run.out());
    Set<String> executors = executorFolders();
    executors.removeAll(before);
    System.out.println("cluster run executors (app/executor): " + executors);
    assertTrue(executors.size() >= 2, "executors in other JVMs: " + executors);
    assertSameRows(localResult, output);

    // And the values are the core kernels' (a sample of rows).
    Spec sigmoid = Spec.parse("sigmoid");
    Spec logSoftmax = Spec.parse("log_softmax(temperature=2)");
    Spec argmax = Spec.parse("argmax");
    List<Row> rows =
        SparkTestSession.get()
            .read()
            .parquet(output.toString())
            .where("id % 211 = 0")
            .collectAsList();
    assertTrue(rows.size() > 250);
    for (Row row : rows) {
      assertEquals(sigmoid.apply(row.getDouble(1)), row.getDouble(3));
      List<Float> x = row.getList(2);
      float[] in = new float[x.size()];
      double[] wide = new double[x.size()];
      for (int i = 0; i < in.length; i++) {
        in[i] = x.get(i);
        wide[i] = in[i];
      }
      float[] expected = new float[in.length];
      logSoftmax.apply(in, 0, in.length, expected, 0);
      List<Float> lp = row.getList(5);
      for (int i = 0; i < in.length; i++) {
        assertEquals(expected[i], lp.get(i));
      }
      assertEquals(argmax.index(wide, 0, wide.length), row.getInt(7));
    }
  }

  private static Optional<ProcessHandle> executorOf(String app) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(app))
                    .orElse(false))
        .findFirst();
  }

  private static Optional<String> newApplication(Set<String> known) throws IOException {
    Path work = WORK.resolve("worker-1/work");
    if (!Files.isDirectory(work)) {
      return Optional.empty();
    }
    try (Stream<Path> apps = Files.list(work)) {
      return apps.map(p -> p.getFileName().toString()).filter(a -> !known.contains(a)).findFirst();
    }
  }

  private static Set<String> applications() throws IOException {
    Path work = WORK.resolve("worker-1/work");
    try (Stream<Path> apps = Files.list(work)) {
      return new HashSet<>(apps.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  @Order(2)
  void losingAnExecutorMidJobLosesNoData() throws Exception {
    Set<String> known = applications();
    Path output = dir.resolve("executor-lost");
    Process job = SparkSubmit.start(master, dir.resolve("executor-lost.log"), job(output));
    long deadline = System.currentTimeMillis() + 180_000;
    Optional<ProcessHandle> executor = Optional.empty();
    Optional<String> app = Optional.empty();
    // Wait until the job writes (its staging folder exists) and one of its executors is found.
    while (job.isAlive()
        && System.currentTimeMillis() < deadline
        && (executor.isEmpty() || leftovers(output).isEmpty())) {
      Thread.sleep(50);
      app = newApplication(known);
      executor = app.flatMap(ClusterIT::executorOf);
    }
    assertTrue(
        job.isAlive() && executor.isPresent(), "could not catch an executor of the running job");
    long pid = executor.get().pid();
    executor.get().destroyForcibly();
    System.out.println("killed executor PID " + pid + " of " + app.get());
    assertTrue(job.waitFor(4, TimeUnit.MINUTES), "the job did not finish");
    String log = Files.readString(dir.resolve("executor-lost.log"));
    assertEquals(0, job.exitValue(), log);
    String application = app.get();
    Set<String> executors = executorFolders();
    executors.removeIf(e -> !e.startsWith(application));
    System.out.println("executor folders of " + application + " after the loss: " + executors);
    assertTrue(executors.size() >= 3, "a replacement executor was started: " + executors);
    assertSameRows(localResult, output);
  }

  @Test
  @Order(3)
  void losingTheDriverMidOverwriteKeepsThePreviousOutput() throws Exception {
    Path output = dir.resolve("driver-lost");
    SparkSubmit.Run first =
        SparkSubmit.local(
            "--input",
            logits.toString(),
            "--output",
            output.toString(),
            "--apply",
            "probs=softmax(logits)");
    assertEquals(0, first.code(), first.err());
    Map<String, String> before = fingerprint(output);

    Process driver =
        SparkSubmit.start(
            master, dir.resolve("driver-lost.log"), job(output, "--mode", "overwrite"));
    long deadline = System.currentTimeMillis() + 180_000;
    while (driver.isAlive()
        && leftovers(output).isEmpty()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(driver.isAlive(), "the run ended before its driver could be killed while writing");
    driver.destroyForcibly().waitFor();
    assertEquals(before, fingerprint(output));
    assertFalse(leftovers(output).isEmpty(), "the killed driver left its staging");

    // The next run (here a local one, to keep the test short) cleans up and succeeds.
    SparkSubmit.Run next = SparkSubmit.local(job(output, "--mode", "overwrite"));
    assertEquals(0, next.code(), next.err());
    assertTrue(next.out().contains("(staging left by an interrupted run)"), next.out());
    assertEquals(List.of(), leftovers(output));
    assertSameRows(localResult, output);
  }
}
