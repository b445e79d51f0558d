package io.github.sparkactivations.sql;

import static io.github.sparkactivations.RowArrays.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sparkactivations.LineRuntime;
import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL functions in sessions that also run Iceberg's or Delta's extensions, this project's
 * listed first and last (each order: every function, CREATE TABLE AS SELECT): INSERT, UPDATE and
 * MERGE on a table of each format, and ActivationTransformer's output saved as a table, checked
 * against closed forms. Runs TableSqlProbe in a JVM of its own with the line's runtime and the
 * formats' packages; Iceberg's catalog there is a JDBC catalog on an embedded SQLite database.
 */
class TableSqlIT {

  @TempDir static Path dir;

  @Test
  void everyStatementComputesTheActivationsNextToTheFormatsExtensions() throws Exception {
    List<String> formats =
        Stream.of("iceberg", "delta").filter(f -> !Version.tablePackage(f).isEmpty()).toList();
    assumeTrue(!formats.isEmpty(), "neither Iceberg nor Delta has a package for this line");
    LineRuntime.assemble(formats);
    Path out = dir.resolve("probe.out");
    int exit = LineRuntime.run(probeCommand(formats), out, 5);
    String log = Files.readString(out);
    assertEquals(0, exit, log);
    for (String format : formats) {
      for (String order : List.of("first", "last")) {
        String run = format + " " + order;
        assertTrue(
            log.contains("functions " + run + ": " + Activations.all().size() + "\n"),
            "every function in the session: " + log);
        Path tables = dir.resolve(format + "-" + order);
        if (order.equals(TableSqlProbe.fullOrder(format))) {
          assertScores(tables.resolve("dml"), run);
          assertTransformed(tables.resolve("transformer"), run);
        } else {
          assertCreated(tables.resolve("ctas"), run);
        }
      }
    }
  }

  /**
   * After CREATE (ids 0-3: p = sigmoid, probs = softmax), INSERT (ids 4-5, the same), UPDATE (p =
   * silu for even ids) and MERGE (ids 4-5 matched: probs = softmin; ids 6-7 inserted: sigmoid and
   * softmax).
   */
  private static void assertScores(Path parquet, String run) {
    List<Row> rows = rows(parquet, run);
    for (Row row : rows) {
      long id = row.getLong(row.fieldIndex("id"));
      double score = row.getDouble(row.fieldIndex("score"));
      double p = row.getDouble(row.fieldIndex("p"));
      double expected = id % 2 == 0 && id < 6 ? score * sigmoid(score) : sigmoid(score);
      assertTrue(
          Math.abs(p - expected) <= 4 * Math.ulp(expected),
          run + ": p of id " + id + " is " + p + ", expected " + expected);
      float[] logits = floats(row.getList(row.fieldIndex("logits")));
      boolean merged = id == 4 || id == 5;
      assertSoftmax(
          merged ? negated(logits) : logits,
          floats(row.getList(row.fieldIndex("probs"))),
          run + ": probs of id " + id);
    }
  }

  /** After CREATE alone (ids 0-3): p = sigmoid, probs = softmax. */
  private static void assertCreated(Path parquet, String run) {
    List<Row> rows =
        SparkTestSession.get().read().parquet(parquet.toString()).orderBy("id").collectAsList();
    assertEquals(List.of(0L, 1L, 2L, 3L), rows.stream().map(r -> r.getLong(0)).toList(), run);
    for (Row row : rows) {
      double score = row.getDouble(row.fieldIndex("score"));
      double p = row.getDouble(row.fieldIndex("p"));
      assertTrue(Math.abs(p - sigmoid(score)) <= 4 * Math.ulp(sigmoid(score)), run + ": p " + p);
      assertSoftmax(
          floats(row.getList(row.fieldIndex("logits"))),
          floats(row.getList(row.fieldIndex("probs"))),
          run + ": probs of id " + row.getLong(0));
    }
  }

  private static void assertTransformed(Path parquet, String run) {
    for (Row row : rows(parquet, run)) {
      assertSoftmax(
          floats(row.getList(row.fieldIndex("logits"))),
          floats(row.getList(row.fieldIndex("probs"))),
          run + ": transformer's probs of id " + row.getLong(row.fieldIndex("id")));
    }
  }

  /** The rows of a table's copy, ids 0 to 7 each once. */
  private static List<Row> rows(Path parquet, String run) {
    List<Row> rows =
        SparkTestSession.get().read().parquet(parquet.toString()).orderBy("id").collectAsList();
    assertEquals(
        LongStream.range(0, 8).boxed().toList(),
        rows.stream().map(r -> r.getLong(r.fieldIndex("id"))).toList(),
        run);
    return rows;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static float[] negated(float[] values) {
    float[] negated = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      negated[i] = -values[i];
    }
    return negated;
  }

  /** Softmax in double, max-shifted, against the float result within one float ulp. */
  private static void assertSoftmax(float[] logits, float[] probs, String what) {
    assertEquals(logits.length, probs.length, what);
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : logits) {
      sum += Math.exp(x - max);
    }
    for (int i = 0; i < logits.length; i++) {
      float expected = (float) (Math.exp(logits[i] - max) / sum);
      assertTrue(
          Math.abs(probs[i] - expected) <= Math.ulp(expected),
          what + "[" + i + "] is " + probs[i] + ", expected " + expected);
    }
  }

  /** The probe, in a JVM with the line's runtime, the formats' jars and this project's jar. */
  private static List<String> probeCommand(List<String> formats) throws Exception {
    List<String> classpath = new ArrayList<>();
    formats.forEach(
        f -> classpath.add(LineRuntime.folder().resolve("formats").resolve(f) + "/jars/*"));
    classpath.add("target/" + Version.jarName());
    classpath.add(LineRuntime.codeSource(TableSqlIT.class));
    classpath.add(LineRuntime.codeSource(org.sqlite.JDBC.class));
    List<String> args = new ArrayList<>(List.of(dir.toString()));
    args.addAll(formats);
    return LineRuntime.java(classpath, TableSqlProbe.class.getName(), args);
  }
}
