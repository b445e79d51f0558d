package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of bad input, end to end through spark-submit: exit code 2, one line that names the
 * problem and the fix, no stack trace, nothing written and nothing existing touched.
 */
class BadInputIT {

  @TempDir static Path dir;
  private static String input;
  private static String out;

  @BeforeAll
  static void data() throws Exception {
    input = dir.resolve("in").toString();
    out = dir.resolve("out").toString();
    SparkTestSession.get()
        .range(10)
        .selectExpr(
            "id",
            "array(CAST(id AS FLOAT), 1.0F) AS farr",
            "concat('n', id) AS name",
            "named_struct('a', id) AS st")
        .write()
        .parquet(input);
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("garbage.parquet"), "this is not parquet");
    Files.createDirectories(dir.resolve("existing"));
    Files.writeString(dir.resolve("existing/keep.txt"), "keep");
  }

  private static DynamicTest bad(String name, String expected, String output, String... args) {
    return DynamicTest.dynamicTest(
        name,
        () -> {
          String[] all =
              Stream.concat(
                      Stream.of(args),
                      output == null ? Stream.empty() : Stream.of("--output", output))
                  .toArray(String[]::new);
          SparkSubmit.Run run = SparkSubmit.local(all);
          assertEquals(2, run.code(), run.err());
          assertEquals(1, run.errorLines().size(), run.err());
          assertTrue(run.errorLines().get(0).contains(expected), run.errorLines().get(0));
          assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
          assertFalse(Files.exists(Path.of(out)), "nothing written");
          assertEquals("keep", Files.readString(dir.resolve("existing/keep.txt")));
          try (Stream<Path> files = Files.list(dir.resolve("existing"))) {
            assertEquals(1, files.count());
          }
        });
  }

  /** What only Spark can decide (reading, analysing, catalogs), on every line. */
  @TestFactory
  Stream<DynamicTest> badInputIsRefusedBeforeAnythingIsWritten() {
    String apply = "p=softmax(farr)";
    return Stream.of(
        bad(
            "input path missing",
            "cannot read --input " + dir.resolve("nope") + " as parquet",
            out,
            "--input",
            dir.resolve("nope").toString(),
            "--apply",
            apply),
        bad(
            "input not parquet",
            "cannot read --input " + dir.resolve("garbage.parquet") + " as parquet",
            out,
            "--input",
            dir.resolve("garbage.parquet").toString(),
            "--apply",
            apply),
        bad(
            "empty input folder",
            "cannot read --input " + dir.resolve("empty") + " as parquet",
            out,
            "--input",
            dir.resolve("empty").toString(),
            "--apply",
            apply),
        bad(
            "column missing",
            "column 'nope' is not in the input; columns: id, farr, name, st",
            out,
            "--input",
            input,
            "--apply",
            "p=softmax(nope)"),
        bad(
            "string column",
            "column 'name': softmax: x must be an array of numbers",
            out,
            "--input",
            input,
            "--apply",
            "p=softmax(name)"),
        bad(
            "struct column",
            "column 'st': sigmoid: x must be a number",
            out,
            "--input",
            input,
            "--apply",
            "p=sigmoid(st)"),
        bad(
            "input table missing",
            "--input-table logits_nowhere does not exist; check the name and its catalog",
            out,
            "--input-table",
            "logits_nowhere",
            "--apply",
            apply),
        bad(
            "catalog missing",
            "--output-table nocat.db.probs: no catalog 'nocat' is configured; set"
                + " spark.sql.catalog.nocat",
            null,
            "--input",
            input,
            "--output-table",
            "nocat.db.probs",
            "--apply",
            apply),
        bad(
            "format's jar missing",
            Version.tablePackage("iceberg").isEmpty()
                ? "Apache Iceberg publishes no Spark package for Spark " + Version.sparkLine()
                : "Apache Iceberg's jar is not on the classpath: add --packages "
                    + Version.tablePackage("iceberg")
                    + " to spark-submit (scripts/spark-submit: --with iceberg)",
            null,
            "--input",
            input,
            "--output-table",
            "probs",
            "--table-format",
            "iceberg",
            "--apply",
            apply),
        bad(
            "sql does not analyse",
            "--sql does not analyse:",
            out,
            "--input",
            input,
            "--sql",
            "SELECT nope FROM input"));
  }

  /**
   * What the command line decides before Spark starts, the same on every line: tagged cli, run on
   * the default line.
   */
  @Tag("cli")
  @TestFactory
  Stream<DynamicTest> commandLineMistakesAreRefusedBeforeSparkStarts() {
    String apply = "p=softmax(farr)";
    return Stream.of(
        bad(
            "unknown function",
            "unknown activation 'sofmax' (did you mean softmax?)",
            out,
            "--input",
            input,
            "--apply",
            "p=sofmax(farr)"),
        bad(
            "unknown parameter",
            "softmax: unknown parameter 'temp'; valid parameters: temperature",
            out,
            "--input",
            input,
            "--apply",
            "p=softmax(farr, temp=2)"),
        bad(
            "invalid parameter",
            "softmax: temperature must be finite and > 0, got -1.0",
            out,
            "--input",
            input,
            "--apply",
            "p=softmax(farr, temperature=-1)"),
        bad(
            "malformed apply",
            "malformed --apply 'softmax farr'",
            out,
            "--input",
            input,
            "--apply",
            "softmax farr"),
        bad(
            "output exists",
            "already exists; use --mode overwrite",
            dir.resolve("existing").toString(),
            "--input",
            input,
            "--apply",
            apply),
        bad("output equals input", "overlaps --input", input, "--input", input, "--apply", apply),
        bad(
            "output inside input",
            "overlaps --input",
            input + "/sub",
            "--input",
            input,
            "--apply",
            apply),
        bad(
            "output contains input",
            "overlaps --input",
            dir.toString(),
            "--input",
            input,
            "--apply",
            apply),
        bad(
            "two applies, one column",
            "two --apply write column 'p'",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--apply",
            "p=sigmoid(farr)"),
        bad(
            "blank run id",
            "--run-id must not be blank",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--run-id",
            " "),
        bad(
            "run id too long",
            "--run-id is too long: its record's file name would have 305 characters, at most 230",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--run-id",
            ":".repeat(100)),
        bad(
            "unknown mode",
            "Invalid value for option '--mode'",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--mode",
            "sideways"),
        bad(
            "unknown input format",
            "Invalid value for option '--input-format'",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--input-format",
            "xml"),
        bad(
            "unreadable config",
            "cannot read --config " + dir.resolve("nope.properties"),
            out,
            "--config",
            dir.resolve("nope.properties").toString(),
            "--input",
            input,
            "--apply",
            apply),
        bad(
            "zero partitions",
            "--partitions must be at least 1, got 0",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--partitions",
            "0"),
        bad(
            "apply and sql",
            "give either --apply or --sql, not both",
            out,
            "--input",
            input,
            "--apply",
            apply,
            "--sql",
            "SELECT * FROM input"));
  }
}
