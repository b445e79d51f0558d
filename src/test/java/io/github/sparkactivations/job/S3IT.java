package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * s3a:// output through Hadoop's S3A connector against a real S3-compatible server (S3Proxy, from
 * scripts/s3.sh), which checks every request's signature. What the job wrote is read back from the
 * server's own store (an object is a file there), independently of S3A.
 */
@Tag("s3")
class S3IT {

  private static final int ROWS = 300;
  private static final int BIG_ROWS = 200_000;

  @TempDir static Path dir;
  private static Path state;
  private static Path bucket;
  private static List<String> s3Conf;
  private static String secretKey;

  @BeforeAll
  static void serverAndInputs() throws Exception {
    state = dir.resolve("s3");
    ServerScript.run("s3", state, "start", "--port", Integer.toString(ServerScript.freePort()));
    bucket = state.resolve("data").resolve("activations");
    Path conf = state.resolve("s3a.conf");
    s3Conf = List.of("--properties-file", conf.toString());
    Properties settings = new Properties();
    try (var reader = Files.newBufferedReader(conf)) {
      settings.load(reader);
    }
    secretKey = settings.getProperty("spark.hadoop.fs.s3a.secret.key");
    for (int day = 1; day <= 2; day++) {
      ExactlyOnce.logits(day * 1000L, ROWS, 3).write().parquet(dir.resolve("day" + day).toString());
    }
    ExactlyOnce.logits(100_000L, BIG_ROWS, 8).write().parquet(dir.resolve("big").toString());
  }

  @AfterAll
  static void stopServer() throws Exception {
    ServerScript.run("s3", state, "stop");
  }

  private static String[] job(String input, String output, String mode, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                dir.resolve(input).toString(),
                "--output",
                "s3a://activations/" + output,
                "--mode",
                mode,
                "--apply",
                "probs=softmax(logits)"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static SparkSubmit.Run s3(String... args) throws Exception {
    SparkSubmit.Run run = SparkSubmit.submit(s3Conf, args);
    assertFalse(
        (run.out() + run.err()).contains(secretKey), "the secret key was printed: " + run.err());
    return run;
  }

  private static void assertExactlyOnce(String output, long... ranges) {
    ExactlyOnce.assertEachIdOnce(read(output), output, ranges);
  }

  /** The output's objects as the server stores them, read as Parquet. */
  private static org.apache.spark.sql.Dataset<Row> read(String output) {
    return SparkTestSession.get().read().parquet(bucket.resolve(output).toString());
  }

  /**
   * Folders next to {@code output} (its staging) that hold an object. The server keeps a folder
   * marker as a directory carrying the object's MD5 attribute; a bare directory is no object (no S3
   * request shows it) and can outlive concurrent deletes of its last objects on the server.
   */
  private static List<String> leftovers(String output) throws IOException {
    try (Stream<Path> folders = Files.list(bucket)) {
      return folders
          .filter(p -> p.getFileName().toString().startsWith("." + output))
          .filter(S3IT::holdsAnObject)
          .map(p -> p.getFileName().toString())
          .toList();
    }
  }

  private static boolean holdsAnObject(Path folder) {
    try (Stream<Path> tree = Files.walk(folder)) {
      return tree.anyMatch(p -> !Files.isDirectory(p) || isFolderMarker(p));
    } catch (IOException | UncheckedIOException e) {
      return true; // changing while the job runs: it is there
    }
  }

  private static boolean isFolderMarker(Path directory) {
    try {
      return Files.getFileAttributeView(directory, UserDefinedFileAttributeView.class)
          .list()
          .contains("user.content-md5"); // the name S3Proxy gives it
    } catch (IOException e) {
      return false; // deleted meanwhile
    }
  }

  /** No object of the output holds the secret key (the summary, the run records). */
  private static void assertNoSecretIn(String output) throws IOException {
    try (Stream<Path> objects = Files.walk(bucket.resolve(output))) {
      for (Path object : objects.filter(Files::isRegularFile).toList()) {
        assertFalse(
            new String(Files.readAllBytes(object), StandardCharsets.ISO_8859_1).contains(secretKey),
            object.toString());
      }
    }
  }

  @Test
  void runAppendWithARunIdAndOverwriteOnS3() throws Exception {
    SparkSubmit.Run created = s3(job("day1", "daily", "error", "--run-id", "day-1"));
    assertEquals(0, created.code(), created.err());
    assertTrue(created.out().contains("s3a://activations/daily (created)"), created.out());
    assertExactlyOnce("daily", 1000, ROWS);

    SparkSubmit.Run dayTwo = s3(job("day2", "daily", "append", "--run-id", "day-2"));
    assertEquals(0, dayTwo.code(), dayTwo.err());
    SparkSubmit.Run again = s3(job("day2", "daily", "append", "--run-id", "day-2"));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("run day-2 is already committed"), again.out());
    assertExactlyOnce("daily", 1000, ROWS, 2000, ROWS);
    assertEquals(List.of(), leftovers("daily"));

    SparkSubmit.Run replaced = s3(job("day2", "daily", "overwrite"));
    assertEquals(0, replaced.code(), replaced.err());
    assertTrue(replaced.out().contains("s3a://activations/daily (replaced)"), replaced.out());
    assertExactlyOnce("daily", 2000, ROWS);
    assertEquals(List.of(), leftovers("daily"));
    assertNoSecretIn("daily");
  }

  /**
   * Credentials from the environment (S3A's default chain) when the configuration has none: the
   * same run works, and prints neither key.
   */
  @Test
  void credentialsFromTheEnvironment() throws Exception {
    Properties settings = new Properties();
    try (var reader = Files.newBufferedReader(state.resolve("s3a.conf"))) {
      settings.load(reader);
    }
    Path withoutKeys = dir.resolve("no-keys.conf");
    List<String> lines = new ArrayList<>();
    for (String key : settings.stringPropertyNames()) {
      if (!key.endsWith(".access.key") && !key.endsWith(".secret.key")) {
        lines.add(key + " " + settings.getProperty(key));
      }
    }
    Files.write(withoutKeys, lines);
    SparkSubmit.Run run =
        SparkSubmit.submit(
            "local[2]",
            List.of("--properties-file", withoutKeys.toString()),
            Map.of(
                "AWS_ACCESS_KEY_ID",
                settings.getProperty("spark.hadoop.fs.s3a.access.key"),
                "AWS_SECRET_ACCESS_KEY",
                secretKey),
            job("day1", "from-environment", "error"));
    assertEquals(0, run.code(), run.err());
    assertFalse((run.out() + run.err()).contains(secretKey));
    assertExactlyOnce("from-environment", 1000, ROWS);
  }

  /**
   * A real kill -9 of an append while Spark writes its staging objects, then the retry: every row
   * exactly once. Then the commit held halfway through its copies: what a reader of the output sees
   * at that moment, measured (on S3 a rename is a copy and a delete, one object at a time).
   */
  @Test
  void killedWhileWritingThenRetriedAndWhatAReaderSeesDuringTheCommit() throws Exception {
    SparkSubmit.Run dayOne = s3(job("day1", "killed", "error", "--run-id", "day-1"));
    assertEquals(0, dayOne.code(), dayOne.err());
    // 40 files to copy in the commit.
    String[] big = job("big", "killed", "append", "--run-id", "big", "--partitions", "40");
    Path log = dir.resolve("killed.log");
    Process process = SparkSubmit.startSubmit(s3Conf, log, Map.of(), big);
    long deadline = System.currentTimeMillis() + 180_000;
    while (process.isAlive()
        && System.currentTimeMillis() < deadline
        && leftovers("killed").isEmpty()) {
      Thread.sleep(10);
    }
    assertTrue(process.isAlive(), "the run ended before it could be killed: " + read(log));
    process.destroyForcibly().waitFor();
    assertFalse(leftovers("killed").isEmpty(), "killed while writing its staging");
    assertExactlyOnce("killed", 1000, ROWS); // readers see nothing of the killed run

    Process held =
        SparkSubmit.startSubmit(s3Conf, log, Map.of(FaultPoints.PAUSE_POINT, "after-move-20"), big);
    deadline = System.currentTimeMillis() + 180_000;
    while (held.isAlive()
        && System.currentTimeMillis() < deadline
        && !read(log).contains("paused at after-move-20")) {
      Thread.sleep(10);
    }
    assertTrue(held.isAlive(), "the commit was not reached: " + read(log));
    long seen = read("killed").count();
    System.out.println(
        "a reader during the commit, 20 of 42 objects moved: "
            + seen
            + " rows of "
            + (ROWS + BIG_ROWS));
    assertTrue(seen > ROWS && seen < ROWS + BIG_ROWS, "part of the append is visible: " + seen);
    held.destroyForcibly().waitFor();

    SparkSubmit.Run retry = s3(big);
    assertEquals(0, retry.code(), retry.err());
    assertTrue(retry.out().contains("moved its last 22 of 42 files (run id big)"), retry.out());
    assertExactlyOnce("killed", 1000, ROWS, 100_000, BIG_ROWS);
    assertEquals(List.of(), leftovers("killed"));
    assertNoSecretIn("killed");
  }

  private static String read(Path log) throws IOException {
    return Files.readString(log);
  }

  /** A bucket that does not exist, and a wrong secret: one line each, nothing written. */
  @Test
  void anUnknownBucketAndWrongCredentialsAreOneLineEach() throws Exception {
    SparkSubmit.runtimeReady();
    long start = System.nanoTime();
    SparkSubmit.Run noBucket =
        SparkSubmit.submit(
            s3Conf,
            "--input",
            dir.resolve("day1").toString(),
            "--output",
            "s3a://no-such-bucket/probs",
            "--apply",
            "probs=softmax(logits)");
    assertEquals(2, noBucket.code(), noBucket.err());
    assertEquals(
        List.of(
            "error: bucket s3a://no-such-bucket does not exist; create it, or check the path's"
                + " bucket"),
        noBucket.errorLines());

    Path wrong = dir.resolve("wrong-secret.conf");
    Files.writeString(
        wrong,
        Files.readString(state.resolve("s3a.conf")).replace(secretKey, "not-the-secret-key"));
    SparkSubmit.Run refused =
        SparkSubmit.submit(
            List.of("--properties-file", wrong.toString()), job("day1", "refused", "error"));
    assertEquals(1, refused.code(), refused.err());
    assertEquals(
        List.of(
            "error: the object store refused the credentials for s3a://activations"
                + " (SignatureDoesNotMatch): check spark.hadoop.fs.s3a.access.key and"
                + " spark.hadoop.fs.s3a.secret.key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                + " in the environment"),
        refused.errorLines());
    assertFalse(refused.err().contains("not-the-secret-key"));
    assertFalse(Files.exists(bucket.resolve("refused")));
    assertEquals(List.of(), leftovers("refused"));
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    System.out.println("two refusals in " + seconds + " s");
    assertTrue(seconds < 60, "each within 30 s");
  }
}
