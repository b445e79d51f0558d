package io.github.sparkactivations.job;

import static io.github.sparkactivations.job.Io.io;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.StructType;

/** Files at paths (Parquet, ORC, JSON, CSV): read as a batch, or as a landing folder's stream. */
final class FileSource implements Source {

  /** Input formats Spark reads natively. */
  enum Format {
    PARQUET,
    ORC,
    JSON,
    CSV
  }

  private final List<String> paths;
  private final Format format;
  private final StructType schema;
  private final Integer maxFilesPerTrigger;

  private FileSource(
      List<String> paths, Format format, StructType schema, Integer maxFilesPerTrigger) {
    this.paths = List.copyOf(paths);
    this.format = format;
    this.schema = schema;
    this.maxFilesPerTrigger = maxFilesPerTrigger;
  }

  /** Files, folders or globs read once. */
  static FileSource batch(List<String> paths, Format format) {
    return new FileSource(paths, format, null, null);
  }

  /**
   * A folder that receives files: it must exist, and without a schema ({@code schemaDdl} null) it
   * must hold files already to infer one from.
   */
  static FileSource landingFolder(
      String folder,
      Format format,
      String schemaDdl,
      Integer maxFilesPerTrigger,
      Configuration hadoop) {
    Path path = new Path(folder);
    FileSystem fs = Io.fileSystem(folder, hadoop);
    if (!io(() -> fs.isDirectory(path))) {
      throw new UsageException(
          "--input " + folder + " is not a folder; create it, or check the path");
    }
    StructType schema = schemaDdl == null ? null : Ddl.parse("--schema", schemaDdl);
    if (schema == null
        && Arrays.stream(io(() -> fs.listStatus(path)))
            .map(FileStatus::getPath)
            .allMatch(p -> p.getName().startsWith("_") || p.getName().startsWith("."))) {
      throw new UsageException(
          "--input "
              + folder
              + " is empty, so its schema cannot be inferred; give --schema 'DDL', e.g. 'id BIGINT,"
              + " logits ARRAY<FLOAT>'");
    }
    return new FileSource(List.of(folder), format, schema, maxFilesPerTrigger);
  }

  List<String> paths() {
    return paths;
  }

  @Override
  public Dataset<Row> read(SparkSession spark) {
    try {
      Dataset<Row> input = reader(spark).load(paths.toArray(String[]::new));
      input.schema();
      if (input.columns().length == 0) {
        throw new UsageException("input " + describe() + " has no columns");
      }
      return input;
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) {
      throw new UsageException(
          "cannot read --input "
              + describe()
              + " as "
              + formatName()
              + ": "
              + RunCommand.firstLine(e)
              + " (check the path and --input-format)");
    }
  }

  @Override
  public Dataset<Row> readStream(SparkSession spark) {
    StructType fileSchema = schema;
    if (fileSchema == null) {
      try {
        fileSchema = reader(spark).load(paths.get(0)).schema();
      } catch (Exception e) {
        throw new UsageException(
            "cannot read the files in --input "
                + describe()
                + " as "
                + formatName()
                + ": "
                + RunCommand.firstLine(e)
                + " (check --input-format, or give --schema)");
      }
    }
    DataStreamReader reader = spark.readStream().format(formatName()).schema(fileSchema);
    if (format == Format.CSV) {
      reader = reader.option("header", "true");
    }
    if (maxFilesPerTrigger != null) {
      reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
    }
    return reader.load(paths.get(0));
  }

  /** A batch reader of the format; CSV with a header row and inferred types. */
  private DataFrameReader reader(SparkSession spark) {
    DataFrameReader reader = spark.read().format(formatName());
    return format == Format.CSV
        ? reader.option("header", "true").option("inferSchema", "true")
        : reader;
  }

  private String formatName() {
    return format.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String describe() {
    return String.join(", ", paths);
  }
}
