package io.github.sparkactivations.job;

import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.sql.ActivationFunctions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * What a job computes, shared by {@code run} and {@code stream}: activations on columns ({@code
 * --apply}) or a query over the view {@code input} ({@code --sql}), for a batch or a streaming
 * input alike.
 */
final class Transformation {

  @Option(
      names = "--apply",
      split = ";",
      paramLabel = "[OUT=]SPEC(COLUMN)",
      description = {
        "An activation on a column, e.g. 'probs=softmax(logits, temperature=2)'; without OUT= the"
            + " column is replaced. Repeatable (or ';'-separated). Other columns pass through."
      })
  List<String> applies = new ArrayList<>();

  @Option(
      names = "--sql",
      paramLabel = "QUERY",
      description =
          "A query over the view 'input' instead of --apply, e.g. 'SELECT *, softmax(logits) AS probs FROM input'.")
  String sql;

  private List<Apply> parsed = List.of();

  /** Checks the options alone, before Spark starts. */
  void validate() {
    if ((sql == null) == applies.isEmpty()) {
      throw new UsageException(
          sql == null
              ? "nothing to apply: give --apply '[out=]function(column)' or --sql 'SELECT ... FROM input'"
              : "give either --apply or --sql, not both");
    }
    parsed = applies.stream().map(Apply::parse).toList();
    Set<String> outputs = new HashSet<>();
    for (Apply apply : parsed) {
      if (!outputs.add(apply.output())) {
        throw new UsageException(
            "two --apply write column '"
                + apply.output()
                + "'; give each its own output name (out=...)");
      }
    }
  }

  /** The result over {@code input}; what does not analyse is a usage error naming the fix. */
  Dataset<Row> over(SparkSession spark, Dataset<Row> input) {
    ActivationFunctions.register(spark);
    return sql != null ? query(spark, input) : applyAll(input);
  }

  /**
   * Whether every input row gives exactly one output row: --apply only adds or replaces columns.
   */
  boolean oneRowPerInputRow() {
    return sql == null;
  }

  /** One line per applied activation, or the query: for summaries and checkpoints. */
  List<String> describe() {
    return sql != null
        ? List.of("sql: " + sql)
        : parsed.stream().map(a -> "applied: " + a.describe()).toList();
  }

  void putInto(Map<String, Object> summary) {
    if (sql != null) {
      summary.put("sql", sql);
    } else {
      summary.put("applied", parsed.stream().map(Apply::describe).toList());
    }
  }

  void print(PrintStream out) {
    for (String line : describe()) {
      int colon = line.indexOf(": ");
      out.printf("  %-11s %s%n", line.substring(0, colon + 1), line.substring(colon + 2));
    }
  }

  private Dataset<Row> query(SparkSession spark, Dataset<Row> input) {
    input.createOrReplaceTempView("input");
    try {
      Dataset<Row> result = spark.sql(sql);
      result.schema();
      return result;
    } catch (Exception e) {
      throw new UsageException("--sql does not analyse: " + RunCommand.firstLine(e));
    }
  }

  private Dataset<Row> applyAll(Dataset<Row> input) {
    Set<String> columns = new HashSet<>(Arrays.asList(input.columns()));
    Map<String, Column> outputs = new LinkedHashMap<>();
    for (Apply apply : parsed) {
      if (!columns.contains(apply.column())) {
        throw new UsageException(
            "--apply '"
                + apply.text()
                + "': column '"
                + apply.column()
                + "' is not in the input; columns: "
                + String.join(", ", input.columns()));
      }
      if (!apply.output().equals(apply.column()) && columns.contains(apply.output())) {
        throw new UsageException(
            "--apply '"
                + apply.text()
                + "' would overwrite input column '"
                + apply.output()
                + "'; choose another output name, or leave out 'out=' to replace the input column");
      }
      try {
        ActivationFunctions.resultType(
            apply.spec(), input.schema().apply(apply.column()).dataType());
      } catch (ActivationException e) {
        throw new UsageException(
            "--apply '" + apply.text() + "': column '" + apply.column() + "': " + e.getMessage());
      }
      outputs.put(
          apply.output(),
          ActivationFunctions.column(apply.spec(), input.col("`" + apply.column() + "`")));
    }
    return input.withColumns(outputs);
  }
}
