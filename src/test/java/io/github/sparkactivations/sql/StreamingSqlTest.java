package io.github.sparkactivations.sql;

import static io.github.sparkactivations.RowArrays.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.SparkTestSession.Mode;
import io.github.sparkactivations.core.Spec;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL functions in a user's own Structured Streaming query, in both execution modes. */
class StreamingSqlTest {

  private static final int ROWS = 300;

  @TempDir Path dir;

  @Test
  void functionsInAStreamingQueryGiveTheKernelsResultsInBothModes() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String landing = dir.resolve("landing").toString();
    spark
        .range(0, ROWS, 1, 3)
        .selectExpr(
            "id",
            "transform(sequence(0, 5), i -> CAST(sin(id + i) * 6 AS FLOAT)) AS logits",
            "CAST(id AS DOUBLE) / 10 - 15 AS score")
        .write()
        .parquet(landing);
    StructType schema = spark.read().parquet(landing).schema();
    Map<Mode, List<Row>> results = new EnumMap<>(Mode.class);
    for (Mode mode : Mode.values()) {
      String sink = "probs_" + mode.name().toLowerCase(Locale.ROOT);
      results.put(
          mode,
          SparkTestSession.inMode(
              mode,
              session -> {
                try {
                  StreamingQuery query =
                      session
                          .readStream()
                          .schema(schema)
                          .option("maxFilesPerTrigger", 1)
                          .parquet(landing)
                          .selectExpr(
                              "id",
                              "logits",
                              "softmax(logits) AS probs",
                              "score",
                              "sigmoid(score) AS p",
                              "gelu(score, 'tanh') AS g")
                          .writeStream()
                          .format("memory")
                          .queryName(sink)
                          .trigger(Trigger.AvailableNow())
                          .start();
                  query.awaitTermination();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
                return session.sql("SELECT * FROM " + sink + " ORDER BY id").collectAsList();
              }));
    }
    List<Row> rows = results.get(Mode.CODEGEN);
    assertEquals(
        rows.toString(), results.get(Mode.INTERPRETED).toString(), "codegen = interpreted");
    assertEquals(ROWS, rows.size());
    Spec softmax = Spec.parse("softmax");
    for (Row row : rows) {
      float[] logits = floats(row.getList(1));
      float[] expected = new float[logits.length];
      softmax.apply(logits, 0, logits.length, expected, 0);
      assertArrayEquals(expected, floats(row.getList(2)));
      double score = row.getDouble(3);
      assertEquals(Spec.parse("sigmoid").apply(score), row.getDouble(4));
      assertEquals(Spec.parse("gelu(approximate=tanh)").apply(score), row.getDouble(5));
    }
  }
}
