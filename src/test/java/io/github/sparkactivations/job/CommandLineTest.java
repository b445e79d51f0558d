package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.Docs;
import io.github.sparkactivations.core.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command line in-process, for what is decided before Spark starts. */
class CommandLineTest {

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ActivationJob.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpVersionAndFunctions() {
    Result help = run("--help");
    assertEquals(0, help.code());
    assertTrue(
        help.out().contains("Commands:") && help.out().contains("generate-sample"), help.out());
    Result runHelp = run("run", "--help");
    assertTrue(runHelp.out().contains("--apply=[OUT=]SPEC(COLUMN)"), runHelp.out());
    Result version = run("--version");
    assertEquals(
        "spark-activations " + Version.get() + " (Spark " + Version.sparkVersion() + ")",
        version.out().strip());
    Result functions = run("functions");
    assertEquals(0, functions.code());
    Activations.all().forEach(a -> assertTrue(functions.out().contains(a.signature()), a.name()));
  }

  @Test
  void usageMistakesAreOneLineWithExitCodeTwo() {
    assertUsage(
        "error: nothing to apply: give --apply '[out=]function(column)' or --sql 'SELECT ... FROM input'",
        "--input",
        "in",
        "--output",
        "out");
    assertUsage(
        "error: --partitions must be at least 1, got 0",
        "--input",
        "in",
        "--output",
        "out",
        "--apply",
        "softmax(x)",
        "--partitions",
        "0");
    assertUsage(
        "error: nowhere to write: give --output PATH or --output-table TABLE",
        "--input",
        "in",
        "--apply",
        "softmax(x)");
    assertUsage(
        "error: give either --input or --input-table, not both",
        "--input",
        "in",
        "--input-table",
        "db.logits",
        "--output",
        "out",
        "--apply",
        "softmax(x)");
    assertUsage(
        "error: --table-format applies to --output-table only",
        "--input",
        "in",
        "--output",
        "out",
        "--table-format",
        "delta",
        "--apply",
        "softmax(x)");
    assertUsage(
        "error: --overwrite-partitions replaces what the run's partitions held; it does not go"
            + " with --mode append",
        "--input-table",
        "db.logits",
        "--output-table",
        "db.probs",
        "--overwrite-partitions",
        "--mode",
        "append",
        "--apply",
        "softmax(x)");
    assertUsage(
        "error: --compression applies to --output only; a table's compression is its format's"
            + " property (Delta and Spark: spark.sql.parquet.compression.codec, Iceberg:"
            + " write.parquet.compression-codec)",
        "--input",
        "in",
        "--output-table",
        "db.probs",
        "--compression",
        "zstd",
        "--apply",
        "softmax(x)");
    assertUsage(
        "error: --read-option delimter is not an option of csv files; known:"
            + " charToEscapeQuoteEscaping, columnNameOfCorruptRecord, comment, dateFormat,"
            + " delimiter, emptyValue, encoding, enforceSchema, escape, header, ignoreCorruptFiles,"
            + " ignoreLeadingWhiteSpace, ignoreMissingFiles, ignoreTrailingWhiteSpace, inferSchema,"
            + " lineSep, locale, maxCharsPerColumn, maxColumns, mode, modifiedAfter, modifiedBefore,"
            + " multiLine, nanValue, negativeInf, nullValue, pathGlobFilter, positiveInf,"
            + " preferDate, quote, recursiveFileLookup, samplingRatio, sep, timeZone,"
            + " timestampFormat, timestampNTZFormat, unescapedQuoteHandling",
        "--input",
        "in",
        "--input-format",
        "csv",
        "--read-option",
        "delimter=;",
        "--output",
        "out",
        "--apply",
        "softmax(x)");
    assertUsage(
        "error: two --apply write column 'p'; give each its own output name (out=...)",
        "--input",
        "in",
        "--output",
        "out",
        "--apply",
        "p=softmax(x)",
        "--apply",
        "p=sigmoid(y)");
    assertUsage(
        "error: Invalid value for option '--mode': expected one of [ERROR, OVERWRITE, IGNORE, APPEND] (case-insensitive) but was 'sideways'",
        "--input",
        "in",
        "--output",
        "out",
        "--apply",
        "softmax(x)",
        "--mode",
        "sideways");
  }

  private static void assertUsage(String expected, String... args) {
    Result result = run(args);
    assertEquals(2, result.code(), result.err());
    assertEquals(expected, result.err().lines().findFirst().orElse(""), result.err());
    assertTrue(
        result.err().lines().count() <= 2, "one line (and a pointer to --help): " + result.err());
  }

  @Test
  void theReadmeCommandLineReferenceIsTheGeneratedOne() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    assertEquals(
        Docs.embed(readme, "cli-reference", CliReference.markdown()),
        readme,
        "README.md's command-line reference is out of date; regenerate it with: scripts/spark-submit"
            + " --class io.github.sparkactivations.job.CliReference target/"
            + Version.jarName()
            + " --update README.md");
  }
}
