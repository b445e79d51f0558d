package io.github.sparkactivations.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A Parquet folder. A batch run writes a staging folder and commits it by rename ({@link
 * OutputCommit}), with the run's summary and, given a run id, its record inside; a stream writes
 * through Spark's file sink, exactly once with its checkpoint.
 */
final class PathSink implements Sink {

  static final String SUMMARY_FILE = "_ACTIVATIONS.json";

  private final String output;
  private final Configuration hadoop;
  private final BatchOptions options;
  private final Map<String, String> writeOptions;
  private final OutputCommit commit;
  private boolean appending;

  /** A folder that {@code run} writes, with the Parquet writer's options (--write-option). */
  PathSink(
      String output, Configuration hadoop, BatchOptions options, Map<String, String> writeOptions) {
    this.output = output;
    this.hadoop = hadoop;
    this.options = options;
    this.writeOptions = FileOptions.write(writeOptions);
    this.commit = new OutputCommit(Io.fileSystem(output, hadoop), qualify(output, hadoop));
  }

  /** A stream's output folder. */
  static PathSink stream(String output, Configuration hadoop, Map<String, String> writeOptions) {
    return new PathSink(output, hadoop, null, writeOptions);
  }

  @Override
  public Optional<String> beforeSpark(PrintStream notes, Source source) {
    refuseOverlap(source);
    commit.recoverInterruptedRuns().forEach(line -> notes.println("note: " + line));
    String runId = options.runId();
    if (runId != null && commit.holdsRun(runId)) {
      return Optional.of(
          "run " + runId + " is already committed to " + output + ": nothing written");
    }
    if (commit.targetExists() && options.mode() == BatchOptions.Mode.ERROR && !options.dryRun()) {
      throw new UsageException(
          "output "
              + output
              + " already exists; use --mode overwrite to replace it, --mode append"
              + " to add to it, or choose another --output");
    }
    if (commit.targetExists() && options.mode() == BatchOptions.Mode.IGNORE) {
      return Optional.of("output " + output + " already exists; --mode ignore: nothing written");
    }
    return Optional.empty();
  }

  @Override
  public Written write(Dataset<Row> result) {
    Dataset<Row> data =
        options.partitions() == null ? result : result.repartition(options.partitions());
    DataFrameWriter<Row> writer =
        data.write().mode(SaveMode.ErrorIfExists).format("parquet").options(writeOptions);
    if (options.compression() != null) {
      writer = writer.option("compression", options.compression());
    }
    if (!options.partitionBy().isEmpty()) {
      writer = writer.partitionBy(options.partitionBy().toArray(String[]::new));
    }
    writer.save(commit.staging().toString());
    // Counted from the written files: what the output holds, not what the plan meant to write.
    List<String> staged = commit.stagedDataFiles();
    long rows =
        staged.isEmpty()
            ? 0
            : result.sparkSession().read().parquet(staged.toArray(String[]::new)).count();
    boolean exists = commit.targetExists();
    appending = options.mode() == BatchOptions.Mode.APPEND && exists;
    String outcome =
        appending ? "appended " + staged.size() + " files" : exists ? "replaced" : "created";
    return new Written(rows, outcome);
  }

  @Override
  public void commit(Map<String, Object> summary) {
    writeSummary(summary, SUMMARY_FILE);
    if (options.runId() != null) {
      writeSummary(summary, OutputCommit.runRecord(options.runId()));
    }
    if (appending) {
      commit.appendToTarget(options.runId(), SUMMARY_FILE);
    } else {
      commit.commit(options.mode() == BatchOptions.Mode.OVERWRITE);
    }
  }

  private void writeSummary(Map<String, Object> summary, String file) {
    try (OutputStream stream = commit.createInStaging(file)) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(stream, summary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void abort() {
    commit.abort();
  }

  @Override
  public Dataset<Row> read(SparkSession spark) {
    return spark.read().parquet(commit.target().toString());
  }

  /** A folder of other files is not the file sink's: refuse rather than mix with them. */
  @Override
  public void beforeStream(Source source) {
    Path path = new Path(output);
    FileSystem fs = Io.fileSystem(output, hadoop);
    if (Io.io(() -> fs.exists(path))
        && Io.io(() -> fs.listStatus(path)).length > 0
        && !Io.io(() -> fs.exists(new Path(path, "_spark_metadata")))) {
      throw new UsageException(
          "--output "
              + output
              + " holds files that no stream wrote; choose an empty or new folder");
    }
    refuseOverlap(source);
  }

  @Override
  public StreamingQuery startStream(Dataset<Row> result, String checkpoint, Trigger trigger)
      throws TimeoutException {
    return result
        .writeStream()
        .format("parquet")
        .options(writeOptions)
        .option("path", output)
        .option("checkpointLocation", checkpoint)
        .trigger(trigger)
        .start();
  }

  /** Output equal to, inside, or containing an input would destroy what it reads. */
  private void refuseOverlap(Source source) {
    if (!(source instanceof FileSource files)) {
      return;
    }
    String targetPath = qualify(output, hadoop).toUri().getPath() + "/";
    for (String input : files.paths()) {
      String inputPath = qualify(globFreePrefix(input), hadoop).toUri().getPath() + "/";
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

  private static Path qualify(String path, Configuration hadoop) {
    return Io.fileSystem(path, hadoop).makeQualified(new Path(path));
  }

  @Override
  public String describe() {
    return output;
  }
}
