package io.github.sparkactivations.job;

import static io.github.sparkactivations.RowArrays.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch driver end to end: the shaded jar through scripts/spark-submit (Spark's own
 * SparkSubmit) in a subprocess on local[2].
 */
class ActivationJobIT {

  @TempDir static Path dir;
  private static Path input;

  @BeforeAll
  static void inputs() {
    input = dir.resolve("input");
    SparkTestSession.get()
        .range(0, 1000, 1, 4)
        .selectExpr(
            "id",
            "transform(sequence(0, 9), i -> CAST(sin(id * 7 + i) * 8 AS FLOAT)) AS farr",
            "transform(sequence(0, 4), i -> cos(id + i * 3) * 20) AS darr",
            "transform(sequence(0, 5), i -> CAST(id % (i + 2) AS DOUBLE)) AS vec",
            "CAST(id AS DOUBLE) / 20 - 25 AS score",
            "CAST(id % 13 - 6 AS FLOAT) AS fscore",
            "concat('row-', id) AS name",
            "named_struct('a', id, 'b', 'x') AS st")
        .withColumn(
            "vec",
            org.apache.spark.ml.functions.array_to_vector(
                org.apache.spark.sql.functions.col("vec")))
        .write()
        .parquet(input.toString());
  }

  @Test
  void activatesEveryInputTypeAndPassesOtherColumnsThrough() throws Exception {
    Path output = dir.resolve("activated");
    SparkSubmit.Run run =
        SparkSubmit.local(
            "--input", input.toString(),
            "--output", output.toString(),
            "--apply", "fp=softmax(farr)",
            "--apply", "dp=log_softmax(darr, temperature=2)",
            "--apply", "vp=softmax(vec)",
            "--apply", "score=sigmoid(score)",
            "--apply", "fs=gelu(fscore, approximate=tanh)",
            "--partitions", "3");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("Activation job summary"), run.out());
    assertTrue(run.out().contains("rows in:    1,000"), run.out());
    assertTrue(run.out().contains("rows out:   1,000"), run.out());
    assertTrue(
        run.out().contains("applied:    dp = log_softmax(temperature=2.0) of darr"), run.out());
    assertTrue(Files.exists(output.resolve(PathSink.SUMMARY_FILE)));
    // Spark draws the bar only for stages running over 500 ms, so check the setting, not the
    // drawing.
    assertTrue(
        Files.readString(Path.of("conf/spark-defaults.conf"))
            .matches("(?s).*\\nspark\\.ui\\.showConsoleProgress\\s+true\\n.*"),
        "console progress bar on in conf/spark-defaults.conf");

    SparkSession spark = SparkTestSession.get();
    Dataset<Row> in =
        spark.read().parquet(input.toString()).withColumnRenamed("score", "raw_score");
    List<Row> rows =
        spark
            .read()
            .parquet(output.toString())
            .join(in.select("id", "raw_score"), "id")
            .orderBy("id")
            .collectAsList();
    List<Row> originals = in.orderBy("id").collectAsList();
    assertEquals(1000, rows.size());
    Spec softmax = Spec.parse("softmax");
    Spec logSoftmax = Spec.parse("log_softmax(temperature=2)");
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      Row original = originals.get(r);
      assertEquals(original.getLong(0), row.<Long>getAs("id"));
      assertEquals(original.<String>getAs("name"), row.<String>getAs("name"));
      assertEquals(original.<Row>getAs("st"), row.<Row>getAs("st"));
      assertEquals(original.<List<Float>>getList(1), row.<Float>getList(row.fieldIndex("farr")));

      float[] farr = new float[10];
      List<Float> f = original.getList(1);
      for (int i = 0; i < 10; i++) {
        farr[i] = f.get(i);
      }
      float[] fp = new float[10];
      softmax.apply(farr, 0, 10, fp, 0);
      List<Float> got = row.getList(row.fieldIndex("fp"));
      for (int i = 0; i < 10; i++) {
        assertEquals(fp[i], got.get(i));
      }
      double[] darr = doubles(original.getList(2));
      double[] dp = new double[darr.length];
      logSoftmax.apply(darr, 0, darr.length, dp, 0);
      assertArrayEquals(dp, doubles(row.getList(row.fieldIndex("dp"))));
      double[] vec = ((Vector) original.get(3)).toArray();
      double[] vp = new double[vec.length];
      softmax.apply(vec, 0, vec.length, vp, 0);
      assertArrayEquals(vp, ((Vector) row.getAs("vp")).toArray());
      assertEquals(
          Spec.parse("sigmoid").apply(row.<Double>getAs("raw_score")), row.<Double>getAs("score"));
      assertEquals(
          Spec.parse("gelu(approximate=tanh)").apply(original.<Float>getAs("fscore")),
          row.<Float>getAs("fs"));
    }
  }

  static Map<String, String> fingerprint(Path folder) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        files.put(folder.relativize(p).toString(), HexFormat.of().formatHex(digest));
      }
    }
    return files;
  }

  static List<String> leftovers(Path output) throws IOException {
    try (Stream<Path> siblings = Files.list(output.getParent())) {
      return siblings
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("." + output.getFileName()))
          .toList();
    }
  }

  /** A successful run into {@code output}: what a failed or killed later run must leave intact. */
  private static void writePreviousOutput(Path output) throws Exception {
    SparkSubmit.Run run =
        SparkSubmit.local(
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--apply",
            "p=softmax(darr)");
    assertEquals(0, run.code(), run.err());
  }

  @Test
  void aRunThatFailsWhileWritingLeavesThePreviousOutputByteIdentical() throws Exception {
    Path output = dir.resolve("kept");
    writePreviousOutput(output);
    Map<String, String> before = fingerprint(output);

    // Fails at run time, in some tasks, after others have written their files.
    SparkSubmit.Run failed =
        SparkSubmit.local(
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--mode",
            "overwrite",
            "--partitions",
            "4",
            "--sql",
            "SELECT *, softmax(darr) AS p, assert_true(id < 900) AS check FROM input");
    assertEquals(1, failed.code(), failed.err());
    assertEquals(1, failed.errorLines().size(), failed.err());
    assertTrue(failed.errorLines().get(0).contains("is not true"), failed.err());
    assertEquals(before, fingerprint(output));
    assertEquals(List.of(), leftovers(output));
  }

  @Tag("faults")
  @Test
  void aKilledRunLeavesThePreviousOutputAndTheNextRunCleansUp() throws Exception {
    Path big = dir.resolve("big");
    assertEquals(
        0,
        SparkSubmit.local(
                "generate-sample",
                "--output",
                big.toString(),
                "--rows",
                "400000",
                "--classes",
                "50",
                "--partitions",
                "4")
            .code());
    Path output = dir.resolve("swapped");
    writePreviousOutput(output);
    Map<String, String> before = fingerprint(output);

    Process process =
        SparkSubmit.start(
            "local[2]",
            dir.resolve("killed.txt"),
            "--input",
            big.toString(),
            "--output",
            output.toString(),
            "--mode",
            "overwrite",
            "--apply",
            "probs=softmax(logits)",
            "--partitions",
            "8");
    long deadline = System.currentTimeMillis() + 120_000;
    while (leftovers(output).isEmpty()
        && process.isAlive()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(process.isAlive(), "the run ended before it could be killed while writing");
    process.destroyForcibly().waitFor();
    assertFalse(leftovers(output).isEmpty(), "the killed run left its staging");
    assertEquals(before, fingerprint(output));

    SparkSubmit.Run next =
        SparkSubmit.local(
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--mode",
            "overwrite",
            "--apply",
            "p=sigmoid(score)");
    assertEquals(0, next.code(), next.err());
    assertTrue(next.out().contains("(staging left by an interrupted run)"), next.out());
    assertEquals(List.of(), leftovers(output));
  }

  /** --read-option reaches the CSV reader and --write-option the Parquet writer. */
  @Test
  void readerAndWriterOptionsArePassedOn() throws Exception {
    Path csv = dir.resolve("scores.csv");
    StringBuilder lines = new StringBuilder("id;score\n");
    for (int id = 0; id < 10; id++) {
      lines.append(id).append(';').append(id - 4.5).append('\n');
    }
    Files.writeString(csv, lines, StandardCharsets.UTF_8);
    Path output = dir.resolve("from-csv");
    SparkSubmit.Run run =
        SparkSubmit.local(
            "--input",
            csv.toString(),
            "--input-format",
            "csv",
            "--read-option",
            "SEP=;",
            "--output",
            output.toString(),
            "--write-option",
            "maxRecordsPerFile=3",
            "--partitions",
            "1",
            "--apply",
            "p=sigmoid(score)");
    assertEquals(0, run.code(), run.err());
    List<Row> rows =
        SparkTestSession.get().read().parquet(output.toString()).orderBy("id").collectAsList();
    assertEquals(10, rows.size());
    for (Row row : rows) {
      double score = row.getInt(0) - 4.5;
      double expected = 1 / (1 + Math.exp(-score));
      assertEquals(expected, row.getDouble(2), 4 * Math.ulp(expected), "p of " + score);
    }
    try (Stream<Path> files = Files.list(output)) {
      assertEquals(
          4, files.filter(f -> f.toString().endsWith(".parquet")).count(), "3 rows per file");
    }
  }

  @Test
  void dryRunAndConfigFile() throws Exception {
    Path output = dir.resolve("from-config");
    Path config = dir.resolve("job.properties");
    Files.writeString(
        config,
        "input = "
            + input
            + "\noutput = "
            + output
            + "\napply = p=softmax(farr);q=argmax(darr)\nmode = error\n",
        StandardCharsets.UTF_8);
    SparkSubmit.Run dry = SparkSubmit.local("--config", config.toString(), "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(
        dry.out().contains("Output schema:") && dry.out().contains("|-- q: integer"), dry.out());
    assertTrue(dry.out().contains("Dry run: nothing written."), dry.out());
    assertFalse(Files.exists(output));
    SparkSubmit.Run real =
        SparkSubmit.local("--config", config.toString(), "--apply", "p=sigmoid(score)");
    assertEquals(0, real.code(), real.err());
    assertTrue(
        real.out().contains("applied:    p = sigmoid of score") && !real.out().contains("argmax"),
        "the command line wins: " + real.out());
  }
}
