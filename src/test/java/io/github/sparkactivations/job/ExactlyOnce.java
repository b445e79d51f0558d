package io.github.sparkactivations.job;

import static io.github.sparkactivations.RowArrays.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Inputs whose rows are told apart by id, and the check that an output of {@code
 * probs=softmax(logits)} holds each input row exactly once, with the softmax the core kernel gives.
 */
final class ExactlyOnce {

  private ExactlyOnce() {}

  /** Ids {@code firstId} to {@code firstId + rows - 1}, 10 float logits each, in {@code files}. */
  static Dataset<Row> logits(long firstId, int rows, int files) {
    return SparkTestSession.get()
        .range(firstId, firstId + rows, 1, files)
        .selectExpr(
            "id", "transform(sequence(0, 9), i -> CAST(sin(id * 3 + i) * 7 AS FLOAT)) AS logits");
  }

  /** Every id of these ranges (first id, count, ...) exactly once in {@code output}. */
  static void assertEachIdOnce(Dataset<Row> output, String name, long... ranges) {
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < ranges.length; i += 2) {
      LongStream.range(ranges[i], ranges[i] + ranges[i + 1]).forEach(expected::add);
    }
    List<Row> rows = output.orderBy("id").collectAsList();
    System.out.println(name + ": " + rows.size() + " rows, " + expected.size() + " expected");
    assertEquals(expected, rows.stream().map(r -> r.getLong(0)).toList());
    Spec softmax = Spec.parse("softmax");
    for (Row row : rows) {
      float[] logits = floats(row.getList(1));
      float[] probs = new float[logits.length];
      softmax.apply(logits, 0, logits.length, probs, 0);
      assertArrayEquals(probs, floats(row.getList(2)), "id " + row.getLong(0));
    }
  }
}
