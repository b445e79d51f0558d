package io.github.sparkactivations.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
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

  /** Save modes of the output. */
  enum Mode {
    ERROR,
    OVERWRITE,
    IGNORE,
    APPEND
  }

  /** Input formats Spark reads natively. */
  enum InputFormat {
    PARQUET,
    ORC,
    JSON,
    CSV
  }

  static final String SUMMARY_FILE = "_ACTIVATIONS.json";

  @Option(
      names = "--input",
      required = true,
      split = ",",
      paramLabel = "PATH",
      description = "Input files or folders, globs as Spark allows; repeatable or comma-separated.")
  List<String> inputs;

  @Option(
      names = "--input-format",
      defaultValue = "parquet",
      paramLabel = "FORMAT",
      description = "parquet (default), orc, json or csv (with a header row).")
  InputFormat inputFormat;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder.")
  String output;

  @Mixin Transformation transformation;

  @Option(
      names = "--mode",
      defaultValue = "error",
      paramLabel = "MODE",
      description = "error (default: refuse an existing output), overwrite, ignore or append.")
  Mode mode;

  @Option(
      names = "--run-id",
      descriptionKey = "run.id",
      paramLabel = "ID",
      description =
          "Commit this run to the output once: a rerun with an ID the output already holds writes"
              + " nothing and exits 0 (config key run.id).")
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
      description = "Output partition columns, comma-separated.")
  List<String> partitionBy = new ArrayList<>();

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      description = "Output compression, e.g. snappy (Spark's default), zstd, gzip, none.")
  String compression;

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
    // File system checks need no Spark context: fail fast, before one starts.
    Configuration hadoop = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    OutputCommit commit = new OutputCommit(fileSystem(output, hadoop), qualify(output, hadoop));
    refuseOverlap(output, inputs, hadoop);
    commit.recoverInterruptedRuns().forEach(line -> out.println("note: " + line));
    if (runId != null && commit.holdsRun(runId)) {
      out.println("run " + runId + " is already committed to " + output + ": nothing written");
      return 0;
    }
    if (commit.targetExists() && mode == Mode.ERROR && !dryRun) {
      throw new UsageException(
          "output "
              + output
              + " already exists; use --mode overwrite to replace it, --mode append"
              + " to add to it, or choose another --output");
    }
    if (commit.targetExists() && mode == Mode.IGNORE) {
      out.println("output " + output + " already exists; --mode ignore: nothing written");
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
    Dataset<Row> input = read(spark);
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
    spark.sparkContext().setLogLevel(logLevel);
    if (dryRun) {
      out.println("Input schema:\n" + input.schema().treeString());
      out.println("Output schema:\n" + result.schema().treeString());
      out.println("Plan:\n" + result.queryExecution().simpleString());
      out.println("Dry run: nothing written.");
      return 0;
    }

    // A query may drop or add rows, so count its input; --apply keeps them, so its output's count
    // (read back from the written files) is the input's too, without a job to count the input.
    Long queryRowsIn = transformation.oneRowPerInputRow() ? null : input.count();
    try {
      write(result, commit.staging().toString());
      List<String> staged = commit.stagedDataFiles();
      long rowsOut =
          staged.isEmpty() ? 0 : spark.read().parquet(staged.toArray(String[]::new)).count();
      long rowsIn = queryRowsIn != null ? queryRowsIn : rowsOut;
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean exists = commit.targetExists();
      boolean appending = mode == Mode.APPEND && exists;
      String outcome =
          appending ? "appended " + staged.size() + " files" : exists ? "replaced" : "created";
      Map<String, Object> summary = summary(rowsIn, rowsOut, seconds, outcome);
      writeSummary(commit, summary, SUMMARY_FILE);
      if (runId != null) {
        writeSummary(commit, summary, OutputCommit.runRecord(runId));
      }
      if (appending) {
        commit.appendToTarget(runId, SUMMARY_FILE);
      } else {
        commit.commit(mode == Mode.OVERWRITE);
      }
      printSummary(summary);
    } catch (RuntimeException e) {
      commit.abort();
      throw e;
    }
    if (show > 0) {
      spark.read().parquet(commit.target().toString()).show(show, false);
    }
    return 0;
  }

  private void validateOptions() {
    transformation.validate();
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

  private Dataset<Row> read(SparkSession spark) {
    DataFrameReader reader = reader(spark, inputFormat);
    try {
      Dataset<Row> input = reader.load(inputs.toArray(String[]::new));
      input.schema();
      if (input.columns().length == 0) {
        throw new UsageException("input " + String.join(", ", inputs) + " has no columns");
      }
      return input;
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) {
      throw new UsageException(
          "cannot read --input "
              + String.join(", ", inputs)
              + " as "
              + inputFormat.name().toLowerCase(Locale.ROOT)
              + ": "
              + firstLine(e)
              + " (check the path and --input-format)");
    }
  }

  private void write(Dataset<Row> result, String path) {
    Dataset<Row> data = partitions == null ? result : result.repartition(partitions);
    DataFrameWriter<Row> writer = data.write().mode(SaveMode.ErrorIfExists).format("parquet");
    if (compression != null) {
      writer = writer.option("compression", compression);
    }
    if (!partitionBy.isEmpty()) {
      writer = writer.partitionBy(partitionBy.toArray(String[]::new));
    }
    writer.save(path);
  }

  private Map<String, Object> summary(long rowsIn, long rowsOut, double seconds, String outcome) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("version", Version.get());
    summary.put("input", inputs);
    summary.put("output", output);
    summary.put("mode", mode.name().toLowerCase(Locale.ROOT));
    if (runId != null) {
      summary.put("runId", runId);
    }
    transformation.putInto(summary);
    summary.put("rowsIn", rowsIn);
    summary.put("rowsOut", rowsOut);
    summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
    summary.put("rowsPerSecond", Math.round(rowsIn / Math.max(seconds, 1e-9)));
    summary.put("result", outcome);
    return summary;
  }

  private static void writeSummary(OutputCommit commit, Map<String, Object> summary, String file) {
    try (OutputStream stream = commit.createInStaging(file)) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(stream, summary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** Output equal to, inside, or containing an input would destroy what it reads. */
  static void refuseOverlap(String output, List<String> inputs, Configuration hadoop) {
    String targetPath = qualify(output, hadoop).toUri().getPath() + "/";
    for (String input : inputs) {
      Path in = qualify(globFreePrefix(input), hadoop);
      String inputPath = in.toUri().getPath() + "/";
      if (targetPath.startsWith(inputPath) || inputPath.startsWith(targetPath)) {
        throw new UsageException(
            "--output "
                + output
                + " overlaps --input "
                + input
                + " (equal, inside or containing it); write somewhere else");
      }
    }
  }

  /** The folder part of a path before its first glob character. */
  private static String globFreePrefix(String path) {
    int glob = -1;
    for (int i = 0; i < path.length() && glob < 0; i++) {
      if ("*?[{".indexOf(path.charAt(i)) >= 0) {
        glob = i;
      }
    }
    if (glob < 0) {
      return path;
    }
    int slash = path.lastIndexOf('/', glob);
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** A batch reader of the format; CSV with a header row and inferred types. */
  static DataFrameReader reader(SparkSession spark, InputFormat format) {
    DataFrameReader reader = spark.read().format(format.name().toLowerCase(Locale.ROOT));
    return format == InputFormat.CSV
        ? reader.option("header", "true").option("inferSchema", "true")
        : reader;
  }

  static FileSystem fileSystem(String path, Configuration hadoop) {
    try {
      return new Path(path).getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UsageException("cannot access " + path + ": " + e.getMessage());
    }
  }

  private static Path qualify(String path, Configuration hadoop) {
    Path p = new Path(path);
    return fileSystem(path, hadoop).makeQualified(p);
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
