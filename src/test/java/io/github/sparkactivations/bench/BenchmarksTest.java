package io.github.sparkactivations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.bench.Benchmark.Group;
import io.github.sparkactivations.bench.Benchmark.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks on tiny data: every contender agrees with its baseline (the suite refuses to time
 * cases that compute something else), every group has its baseline, and the statistics are right.
 */
@Tag("benchmark")
class BenchmarksTest {

  @Test
  void everyGroupRunsAndItsContendersAgreeWithTheBaseline() {
    Targets targets = new Targets();
    SqlBenchmarks sql =
        new SqlBenchmarks(
            SparkTestSession.get(),
            Scale.TINY,
            targets,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    List<Group> scalar = sql.scalarGroups();
    List<Group> arrays = sql.arrayGroups();
    List<Group> groups = new ArrayList<>(scalar);
    groups.addAll(arrays);
    groups.add(sql.transformerGroup());
    assertEquals(17, groups.size());
    for (Group group : groups) {
      assertEquals(Role.BASELINE, group.baseline().role());
      assertEquals(1.0, group.ratio(group.baseline().name()));
      assertEquals(group.results().size() + 4, group.table().split("\n").length, group.title());
    }
    // The per-line README row finds its groups and has a figure in every column.
    String row = LineRatios.row("4.2_2.13", "4.2.0 (2.13.18)", "2026-01-01", scalar, arrays);
    assertTrue(
        row.matches(
            "\\| 4\\.2_2\\.13 \\| 4\\.2\\.0 \\(2\\.13\\.18\\) (\\| [0-9.]+ ){5}\\| 2026-01-01 \\|"),
        row);
    String shortRows = sql.shortRows();
    // Two tables (float, double) of a title, a blank line, a header, a rule and four rows.
    assertEquals(2 * (4 + 4) + 1, shortRows.split("\n").length, shortRows);
    SqlBenchmarks.Scaling classes = sql.classScaling();
    assertEquals(4, classes.points().size());
    assertEquals(2, sql.rowScaling().points().size());
    // Two targets per element-wise group (built-in, UDF), one per array or transformer group,
    // three short-row functions against 13 ns at two sizes and the floor at three, two slopes.
    assertEquals(
        2 * 11 + 1 + 2 * 2 + 1 + 1 + 3 * (2 + 3) + 2,
        targets.table().split("\n").length - 2,
        targets.table());
  }

  @Test
  void sqlSoftmaxBaselineComputesTheMaximumAndTheSumOncePerRow() {
    Dataset<Row> t =
        SparkTestSession.get().range(3).selectExpr("array(CAST(id AS FLOAT), 1F, 2F) AS arr");
    String plan =
        SqlBenchmarks.softmaxHigherOrder(t).frame().queryExecution().optimizedPlan().toString();
    // Both are arguments of array_repeat, evaluated once per row; the exponentials stay a column
    // of their own instead of being inlined (and recomputed) into the sum and the division.
    assertTrue(plan.contains("array_repeat(cast(array_max(arr#"), plan);
    assertTrue(plan.contains("zip_with(e#") && plan.contains("array_repeat(aggregate(e#"), plan);
  }

  /** A quick run's row replaces its own line's row of the README table and keeps the others. */
  @Test
  void lineRatiosKeepOneRowPerLine() {
    String table =
        "<!-- line-ratios:begin (generated) -->\n"
            + "| line | Spark (Scala) |\n|---|---|\n"
            + "| 3.5_2.12 | old |\n| 4.0_2.13 | old |\n"
            + "<!-- line-ratios:end -->\n";
    String merged =
        LineRatios.merge(LineRatios.merge(table, "| 4.0_2.13 | new |"), "| 4.2_2.13 | new |");
    List<String> rows = merged.lines().filter(l -> l.matches("\\| \\d.*")).toList();
    assertEquals(List.of("| 4.2_2.13 | new |", "| 4.0_2.13 | new |", "| 3.5_2.12 | old |"), rows);
  }

  @Test
  void summaryStatistics() {
    Benchmark.Result r = Benchmark.summarise("case", Role.CASE, 1000, new double[] {3, 1, 2});
    assertEquals(1, r.bestMs());
    assertEquals(2, r.avgMs());
    assertEquals(1, r.stdevMs(), 1e-15);
    assertEquals(1e6, r.rowsPerSecond());
    assertEquals(1000, r.nsPerRow());
  }

  @Test
  void slopeOfALine() {
    double[] x = {0, 1, 2, 3};
    double[] y = {1, 3, 5, 7};
    assertEquals(2, SqlBenchmarks.slope(x, y), 1e-15);
    assertTrue(Double.isNaN(SqlBenchmarks.slope(new double[] {1, 1}, y)));
  }
}
