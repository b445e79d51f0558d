package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sparkactivations.SparkTestSession;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver on YARN with its data on HDFS: a single-node Hadoop of the line's Hadoop version
 * (scripts/hadoop.sh), jobs submitted with {@code --master yarn} through scripts/spark-submit.
 * Every output row is checked against the core kernels, and every input row must be there exactly
 * once, after the faults the local tests also cut runs with: the driver dead before, at and after
 * the commit point of an append, a stream's driver killed, an executor's container killed.
 */
class HadoopIT {

  private static final int ROWS = 400;
  private static final int BIG_ROWS = 200_000;
  private static final int FILES = 4;

  /** One executor using both cores of a small machine: one JVM fewer to start per application. */
  private static final List<String> EXECUTORS =
      List.of("--conf", "spark.executor.instances=1", "--conf", "spark.executor.cores=2");

  @TempDir static Path dir;
  private static Path state;
  private static Map<String, String> hadoopConf;
  private static String hdfs;
  private static FileSystem fs;

  /** Whether Maven Central has Spark's YARN module for the line (the pom's spark.yarn.version). */
  private static boolean lineHasYarnModule() {
    return !System.getProperty("spark.yarn.version", "x").isEmpty();
  }

  @BeforeEach
  void lineHasYarn() {
    assumeTrue(lineHasYarnModule(), "Maven Central has no Spark YARN module for this line");
  }

  @BeforeAll
  static void hadoopAndInputs() throws Exception {
    if (!lineHasYarnModule()) {
      return;
    }
    state = dir.resolve("hadoop");
    int port = ServerScript.freePort();
    ServerScript.run(
        "hadoop",
        state,
        "start",
        "--port",
        Integer.toString(port),
        "--rm-port",
        Integer.toString(ServerScript.freePort()));
    hadoopConf = Map.of("HADOOP_CONF_DIR", state.resolve("conf").toString());
    hdfs = "hdfs://127.0.0.1:" + port + "/it";
    fs = FileSystem.get(URI.create(hdfs), new Configuration());
    ExactlyOnce.logits(1000, ROWS, 2).write().parquet(hdfs + "/day1");
    ExactlyOnce.logits(2000, ROWS, 2).write().parquet(hdfs + "/day2");
    ExactlyOnce.logits(100_000, BIG_ROWS, 16).write().parquet(hdfs + "/big");
    // One file per micro-batch with --max-per-trigger 1.
    ExactlyOnce.logits(0, FILES * ROWS, FILES).write().parquet(hdfs + "/landing");
  }

  @AfterAll
  static void stopHadoop() throws Exception {
    if (state != null) {
      ServerScript.run("hadoop", state, "stop");
    }
  }

  /** A run on YARN: the driver here (client mode) unless {@code submitArgs} say otherwise. */
  private static SparkSubmit.Run yarn(
      List<String> submitArgs, Map<String, String> environment, String... args) throws Exception {
    List<String> all = new ArrayList<>(EXECUTORS);
    all.addAll(submitArgs);
    return SparkSubmit.submit("yarn", all, withHadoop(environment), args);
  }

  private static Process startOnYarn(Path log, String... args) throws IOException {
    return SparkSubmit.startSubmit("yarn", EXECUTORS, log, withHadoop(Map.of()), args);
  }

  private static Map<String, String> withHadoop(Map<String, String> environment) {
    Map<String, String> all = new HashMap<>(hadoopConf);
    all.putAll(environment);
    return all;
  }

  private static String[] append(String output, String input, String runId) {
    return new String[] {
      "--input",
      hdfs + "/" + input,
      "--output",
      hdfs + "/" + output,
      "--mode",
      "append",
      "--apply",
      "probs=softmax(logits)",
      "--run-id",
      runId
    };
  }

  private static void assertExactlyOnce(String output, long... ranges) {
    ExactlyOnce.assertEachIdOnce(
        SparkTestSession.get().read().parquet(hdfs + "/" + output), output, ranges);
  }

  private static List<String> list(String folder) throws IOException {
    org.apache.hadoop.fs.Path path = hdfsPath(folder);
    if (!fs.exists(path)) {
      return List.of();
    }
    return Arrays.stream(fs.listStatus(path))
        .map(FileStatus::getPath)
        .map(org.apache.hadoop.fs.Path::getName)
        .sorted()
        .toList();
  }

  /** Staging folders a run left next to {@code output}. */
  private static List<String> leftovers(String output) throws IOException {
    return list("").stream().filter(n -> n.startsWith("." + output)).toList();
  }

  /**
   * A cluster-mode run: the driver in YARN's application master. spark-submit reports the
   * application and its final status; the summary is in the driver's log, which YARN keeps.
   */
  @Tag("yarn")
  @Test
  void aClusterModeRunWritesEveryRowAndItsSummaryIsInYarnsLogs() throws Exception {
    String[] args = {
      "--input",
      hdfs + "/day1",
      "--output",
      hdfs + "/cluster-mode",
      "--apply",
      "probs=softmax(logits)"
    };
    SparkSubmit.Run run = yarn(List.of("--deploy-mode", "cluster"), Map.of(), args);
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("final status: SUCCEEDED"), run.err());
    Matcher application = Pattern.compile("application_\\d+_\\d+").matcher(run.err());
    assertTrue(application.find(), run.err());
    assertExactlyOnce("cluster-mode", 1000, ROWS);
    assertTrue(list("cluster-mode").contains("_ACTIVATIONS.json"));

    // YARN gathers the logs once the application has ended, shortly after spark-submit returns.
    String driverOutput = "";
    for (int attempt = 0; attempt < 30 && !driverOutput.contains("rows out"); attempt++) {
      Thread.sleep(1000);
      driverOutput =
          ServerScript.run("hadoop", state, "logs", application.group(), "-log_files", "stdout");
    }
    System.out.println(driverOutput);
    assertTrue(driverOutput.contains("  rows out:   " + ROWS + "\n"), driverOutput);

    // A failure in the application master reaches the user as the application's diagnostics.
    SparkSubmit.Run refused =
        yarn(
            List.of("--deploy-mode", "cluster", "--conf", "spark.yarn.maxAppAttempts=1"),
            Map.of(),
            args);
    assertEquals(1, refused.code(), refused.err());
    assertTrue(refused.err().contains("final status: FAILED"), refused.err());
    assertTrue(
        refused.err().contains("output " + hdfs + "/cluster-mode already exists"), refused.err());
  }

  /**
   * The driver stops dead before the commit point of an append, just after it, and halfway through
   * the moves; the retry with the same run id undoes or finishes what it left on HDFS.
   */
  @Tag("faults")
  @ParameterizedTest
  @ValueSource(strings = {"before-manifest", "after-manifest", "after-move-2"})
  void anAppendCutAtAnyPointIsUndoneOrFinishedOnHdfs(String point) throws Exception {
    String output = "cut-" + point;
    FileUtil.copy(fs, hdfsPath(dayOne()), fs, hdfsPath(output), false, fs.getConf());

    SparkSubmit.Run cut =
        yarn(List.of(), Map.of(FaultPoints.CRASH_POINT, point), append(output, "day2", "day-2"));
    assertEquals(137, cut.code(), cut.out() + cut.err());
    if (point.equals("before-manifest")) {
      assertExactlyOnce(output, 1000, ROWS); // nothing of the cut run is visible
    }

    SparkSubmit.Run retry = yarn(List.of(), Map.of(), append(output, "day2", "day-2"));
    assertEquals(0, retry.code(), retry.err());
    System.out.println(point + ": " + retry.out());
    assertExactlyOnce(output, 1000, ROWS, 2000, ROWS);
    assertEquals(List.of(), leftovers(output));
    assertFalse(list(output).contains(OutputCommit.APPEND_MANIFEST));
    assertEquals(List.of("day-1.json", "day-2.json"), list(output + "/" + OutputCommit.RUNS));
  }

  private static String dayOne;

  /** An output holding day 1's run (run id day-1), made once; tests append to copies of it. */
  private static synchronized String dayOne() throws Exception {
    if (dayOne == null) {
      SparkSubmit.Run first = SparkSubmit.local(append("day-one", "day1", "day-1"));
      assertEquals(0, first.code(), first.err());
      dayOne = "day-one";
    }
    return dayOne;
  }

  private static org.apache.hadoop.fs.Path hdfsPath(String name) {
    return new org.apache.hadoop.fs.Path(hdfs + "/" + name);
  }

  /** A stream with its checkpoint on HDFS, its driver killed, then restarted: exactly once. */
  @Tag("faults")
  @Test
  void aStreamKilledAndRestartedOnHdfsDeliversEveryRowOnce() throws Exception {
    String[] args = {
      "stream",
      "--input",
      hdfs + "/landing",
      "--output",
      hdfs + "/streamed",
      "--checkpoint",
      hdfs + "/streamed-checkpoint",
      "--apply",
      "probs=softmax(logits)",
      "--max-per-trigger",
      "1"
    };
    Path log = dir.resolve("stream.log");
    Process process = startOnYarn(log, args);
    long deadline = System.currentTimeMillis() + 180_000;
    while (process.isAlive() && committedBatches() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(process.isAlive(), "the stream ended first: " + Files.readString(log));
    process.destroyForcibly().waitFor();
    int before = committedBatches();
    System.out.println("stream killed after " + before + " of " + FILES + " micro-batches");
    assertTrue(before < FILES, "killed in the middle");

    SparkSubmit.Run restart = yarn(List.of(), Map.of(), args);
    assertEquals(0, restart.code(), restart.err());
    assertExactlyOnce("streamed", 0, FILES * ROWS);
  }

  private static int committedBatches() throws IOException {
    return (int) list("streamed/_spark_metadata").stream().filter(n -> n.matches("\\d+")).count();
  }

  /** HDFS that does not answer: one line, exit 1, within 30 s. */
  @Tag("faults")
  @Test
  void anUnreachableNameNodeIsOneLine() throws Exception {
    String nowhere = "hdfs://127.0.0.1:" + ServerScript.freePort();
    SparkSubmit.runtimeReady();
    long start = System.nanoTime();
    SparkSubmit.Run run =
        SparkSubmit.local(
            "--input", hdfs + "/day1", "--output", nowhere + "/probs", "--apply", "p=sigmoid(id)");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(1, run.code(), run.err());
    assertEquals(1, run.errorLines().size(), run.err());
    // Hadoop's client names the address as it resolves it (localhost, here).
    String port = nowhere.substring(nowhere.lastIndexOf(':') + 1);
    assertTrue(
        run.errorLines()
            .get(0)
            .matches(
                "error: cannot reach the NameNode at (127\\.0\\.0\\.1|localhost):"
                    + port
                    + " \\(connection refused\\): check the hdfs:// address \\(or fs.defaultFS in"
                    + " HADOOP_CONF_DIR\\), and that HDFS runs"),
        run.err());
    assertTrue(seconds < 30, seconds + " s");
  }

  /** An executor's container killed while the job writes: Spark reruns its tasks elsewhere. */
  @Tag("faults")
  @Test
  void anExecutorKilledMidRunLosesNothing() throws Exception {
    Path log = dir.resolve("executor-killed.log");
    Process process =
        startOnYarn(
            log,
            "--input",
            hdfs + "/big",
            "--output",
            hdfs + "/executor-killed",
            "--apply",
            "probs=softmax(logits)",
            "--partitions",
            "40");
    long deadline = System.currentTimeMillis() + 180_000;
    Optional<ProcessHandle> executor = Optional.empty();
    while (process.isAlive()
        && System.currentTimeMillis() < deadline
        && (executor.isEmpty() || leftovers("executor-killed").isEmpty())) {
      executor = executorOfThisCluster();
      Thread.sleep(50);
    }
    assertTrue(process.isAlive(), "the run ended first: " + Files.readString(log));
    assertTrue(executor.isPresent(), "no executor found");
    executor.get().destroyForcibly();
    System.out.println("killed executor process " + executor.get().pid() + " while writing");
    assertTrue(process.waitFor(180, TimeUnit.SECONDS));
    String output = Files.readString(log);
    assertEquals(0, process.exitValue(), output);
    assertExactlyOnce("executor-killed", 100_000, BIG_ROWS);
  }

  /**
   * The JVM of a Spark executor that this test's NodeManager started (its folders are under the
   * state), not the shell the container runs it from.
   */
  private static Optional<ProcessHandle> executorOfThisCluster() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().filter(c -> c.endsWith("/java")).isPresent())
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .filter(c -> c.contains("YarnCoarseGrainedExecutorBackend"))
                    .filter(c -> c.contains(state.toString()))
                    .isPresent())
        .findFirst();
  }
}
