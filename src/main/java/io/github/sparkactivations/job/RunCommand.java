package io.github.sparkactivations.job;

import io.github.sparkactivations.core.Version;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: read the input, apply the activations, write the output atomically. */
@Command(
    name = "run",
    description = "Read logits, apply activations, write the result (the default command).",
    mixinStandardHelpOptions = true,
    versionProvider = ActivationJob.VersionProvider.class,
    sortOptions = false)
final class RunCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      split = ",",
      paramLabel = "PATH",
      description = "Input files or folders, globs as Spark allows; repeatable or comma-separated.")
  List<String> inputs;

  @Option(
      names = "--input-table",
      descriptionKey = "input.table",
      paramLabel = "TABLE",
      description =
          "A table instead of --input: db.t, catalog.db.t or delta.`/path`, as Spark's catalogs"
              + " resolve it (config key input.table).")
  String inputTable;

  @Option(
      names = "--input-format",
      defaultValue = "parquet",
      paramLabel = "FORMAT",
      description = "parquet (default), orc, json or csv (with a header row).")
  FileSource.Format inputFormat;

  @Option(
      names = "--read-option",
      paramLabel = "KEY=VALUE",
      description =
          "An option of Spark's reader for the --input files (repeatable), e.g. sep=; for CSV or"
              + " mergeSchema=true for Parquet; checked against the keys the format knows.")
  Map<String, String> readOptions = new LinkedHashMap<>();

  @Option(names = "--output", paramLabel = "PATH", description = "Output folder.")
  String output;

  @Option(
      names = "--output-table",
      descriptionKey = "output.table",
      paramLabel = "TABLE",
      description =
          "A table instead of --output, written in one commit of its format; created when missing"
              + " (config key output.table).")
  String outputTable;

  @Option(
      names = "--table-format",
      descriptionKey = "table.format",
      paramLabel = "FORMAT",
      description =
          "delta, iceberg or parquet: the format of an --output-table this run creates (default:"
              + " its catalog's; config key table.format).")
  Tables.Format tableFormat;

  @Mixin Transformation transformation;

  @Option(
      names = "--mode",
      defaultValue = "error",
      paramLabel = "MODE",
      description =
          "error (default: refuse an existing output), overwrite, ignore or append; on a table,"
              + " overwrite replaces its rows in one commit.")
  BatchOptions.Mode mode;

  @Option(
      names = "--overwrite-partitions",
      descriptionKey = "overwrite.partitions",
      description =
          "On an --output-table: replace only the partitions this run writes, in one commit (a"
              + " daily rerun).")
  boolean overwritePartitions;

  @Option(
      names = "--run-id",
      descriptionKey = "run.id",
      paramLabel = "ID",
      description =
          "Commit this run to the output once: a rerun with an ID the output already holds writes"
              + " nothing and exits 0 (config key run.id; a table must be Delta or Iceberg).")
  String runId;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Number of output files (repartition).")
  Integer partitions;

  @Option(
      names = "--partition-by",
      split = ",",
      paramLabel = "COLUMNS",
      description = "Output partition columns, comma-separated (for a table: one it creates).")
  List<String> partitionBy = new ArrayList<>();

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      description =
          "Output compression, e.g. snappy (Spark's default), zstd, gzip, none (--output only).")
  String compression;

  @Option(
      names = "--write-option",
      paramLabel = "KEY=VALUE",
      description =
          "An option of Spark's Parquet writer for --output (repeatable), e.g."
              + " maxRecordsPerFile=1000000; checked against the keys it knows.")
  Map<String, String> writeOptions = new LinkedHashMap<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with the same keys as these options (input, output, apply, ...); the command line wins.")
  String config;

  @Option(
      names = "--dry-run",
      description = "Validate, print the input and output schemas and the plan; write nothing.")
  boolean dryRun;

  @Option(
      names = "--show",
      defaultValue = "0",
      paramLabel = "N",
      description = "Print N output rows after the run.")
  int show;

  @Option(names = "--verbose", description = "Print stack traces of failures.")
  boolean verbose;

  private final PrintStream out;

  RunCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    validateOptions();
    // Paths are checked without Spark: fail fast, before one starts.
    Configuration hadoop = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    Source source =
        inputTable != null
            ? new TableSource(inputTable)
            : FileSource.batch(inputs, inputFormat, readOptions);
    BatchOptions writing =
        new BatchOptions(
            mode, overwritePartitions, runId, partitions, partitionBy, compression, dryRun);
    Sink sink =
        outputTable != null
            ? new TableSink(outputTable, tableFormat, writing)
            : new PathSink(output, hadoop, writing, writeOptions);
    Optional<String> nothingToDo = sink.beforeSpark(out, source);
    if (nothingToDo.isPresent()) {
      out.println(nothingToDo.get());
      return 0;
    }

    long start = System.nanoTime();
    SparkSession spark = SparkSession.builder().appName("activation-job").getOrCreate();
    // Reading and analysing bad input makes Spark log warnings with stack traces; the one-line
    // error says it all, so keep Spark quiet until the input is validated (--verbose shows all).
    String logLevel = LogManager.getRootLogger().getLevel().name();
    if (!verbose) {
      spark.sparkContext().setLogLevel("OFF");
    }
    Dataset<Row> input = source.read(spark);
    Dataset<Row> result = transformation.over(spark, input);
    for (String column : partitionBy) {
      if (!Arrays.asList(result.columns()).contains(column)) {
        throw new UsageException(
            "--partition-by column '"
                + column
                + "' is not in the output; columns: "
                + String.join(", ", result.columns()));
      }
    }
    nothingToDo = sink.beforeWrite(spark, source, result.schema());
    spark.sparkContext().setLogLevel(logLevel);
    if (nothingToDo.isPresent()) {
      out.println(nothingToDo.get());
      return 0;
    }
    if (dryRun) {
      out.println("Input schema:\n" + input.schema().treeString());
      out.println("Output schema:\n" + result.schema().treeString());
      out.println("Plan:\n" + result.queryExecution().simpleString());
      out.println("Dry run: nothing written.");
      return 0;
    }

    // A query may drop or add rows, so count its input; --apply keeps them, so its output's count
    // is the input's too, without a job to count the input.
    Long queryRowsIn = transformation.oneRowPerInputRow() ? null : input.count();
    try {
      Sink.Written written = sink.write(result);
      long rowsIn = queryRowsIn != null ? queryRowsIn : written.rows();
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Object> summary = summary(source, sink, rowsIn, written, seconds);
      sink.commit(summary);
      printSummary(summary);
    } catch (RuntimeException e) {
      sink.abort();
      throw e;
    }
    if (show > 0) {
      sink.read(spark).show(show, false);
    }
    return 0;
  }

  private void validateOptions() {
    transformation.validate();
    if ((inputs == null) == (inputTable == null)) {
      throw new UsageException(
          inputs == null
              ? "nothing to read: give --input PATH or --input-table TABLE"
              : "give either --input or --input-table, not both");
    }
    if ((output == null) == (outputTable == null)) {
      throw new UsageException(
          output == null
              ? "nowhere to write: give --output PATH or --output-table TABLE"
              : "give either --output or --output-table, not both");
    }
    if (inputTable != null && !readOptions.isEmpty()) {
      throw new UsageException("--read-option applies to --input files only");
    }
    if (outputTable != null && !writeOptions.isEmpty()) {
      throw new UsageException(
          "--write-option applies to --output only; a table's writer settings are its format's"
              + " table properties");
    }
    if (outputTable == null && tableFormat != null) {
      throw new UsageException("--table-format applies to --output-table only");
    }
    if (outputTable == null && overwritePartitions) {
      throw new UsageException("--overwrite-partitions applies to --output-table only");
    }
    if (overwritePartitions
        && (mode == BatchOptions.Mode.APPEND || mode == BatchOptions.Mode.IGNORE)) {
      throw new UsageException(
          "--overwrite-partitions replaces what the run's partitions held; it does not go with"
              + " --mode "
              + mode.name().toLowerCase(Locale.ROOT));
    }
    if (outputTable != null && compression != null) {
      throw new UsageException(
          "--compression applies to --output only; a table's compression is its format's"
              + " property (Delta and Spark: spark.sql.parquet.compression.codec, Iceberg:"
              + " write.parquet.compression-codec)");
    }
    if (partitions != null && partitions < 1) {
      throw new UsageException("--partitions must be at least 1, got " + partitions);
    }
    if (show < 0) {
      throw new UsageException("--show must be 0 or more, got " + show);
    }
    if (runId != null && runId.isBlank()) {
      throw new UsageException("--run-id must not be blank");
    }
    int recordName = runId == null ? 0 : OutputCommit.runRecordName(runId).length();
    if (recordName > 230) {
      throw new UsageException(
          "--run-id is too long: its record's file name would have "
              + recordName
              + " characters, at most 230 (those outside A-Za-z0-9_.- count 3)");
    }
  }

  private Map<String, Object> summary(
      Source source, Sink sink, long rowsIn, Sink.Written written, double seconds) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("version", Version.get());
    if (source instanceof FileSource files) {
      summary.put("input", files.paths());
    } else {
      summary.put("input", source.describe());
    }
    summary.put("output", sink.describe());
    summary.put("mode", mode.name().toLowerCase(Locale.ROOT));
    if (runId != null) {
      summary.put("runId", runId);
    }
    transformation.putInto(summary);
    summary.put("rowsIn", rowsIn);
    summary.put("rowsOut", written.rows());
    summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
    summary.put("rowsPerSecond", Math.round(rowsIn / Math.max(seconds, 1e-9)));
    summary.put("result", written.outcome());
    return summary;
  }

  private void printSummary(Map<String, Object> summary) {
    out.println();
    out.println("Activation job summary");
    out.printf("  rows in:    %,d%n", summary.get("rowsIn"));
    out.printf("  rows out:   %,d%n", summary.get("rowsOut"));
    transformation.print(out);
    out.println("  output:     " + summary.get("output") + " (" + summary.get("result") + ")");
    if (runId != null) {
      out.println("  run id:     " + runId);
    }
    out.printf("  time:       %.1f s%n", (Double) summary.get("seconds"));
    out.printf("  throughput: %,d rows/s%n", summary.get("rowsPerSecond"));
  }

  static String firstLine(Throwable e) {
    Throwable t = e;
    String message = t.getMessage();
    while ((message == null || message.isBlank()) && t.getCause() != null) {
      t = t.getCause();
      message = t.getMessage();
    }
    if (message == null) {
      return t.getClass().getSimpleName();
    }
    return message.strip().split("\n", 2)[0];
  }
}
