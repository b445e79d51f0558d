package io.github.sparkactivations.job;

import static io.github.sparkactivations.job.Io.io;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  private final Map<String, String> readOptions;

  private FileSource(
      List<String> paths,
      Format format,
      StructType schema,
      Integer maxFilesPerTrigger,
      Map<String, String> readOptions) {
    this.paths = List.copyOf(paths);
    this.format = format;
    this.schema = schema;
    this.maxFilesPerTrigger = maxFilesPerTrigger;
    this.readOptions = readOptions;
  }

  /** Files, folders or globs read once, with the reader's options (--read-option). */
  static FileSource batch(List<String> paths, Format format, Map<String, String> readOptions) {
    return new FileSource(paths, format, null, null, FileOptions.read(format, false, readOptions));
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
      Map<String, String> readOptions,
      Configuration hadoop) {
    Map<String, String> options = FileOptions.read(format, true, readOptions);
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
    return new FileSource(List.of(folder), format, schema, maxFilesPerTrigger, options);
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
              + " (check the path and --input-format)",
          e);
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
                + " (check --input-format, or give --schema)",
            e);
      }
    }
    DataStreamReader reader = spark.readStream().format(formatName()).schema(fileSchema);
    if (format == Format.CSV) {
      reader = reader.option("header", "true");
    }
    if (maxFilesPerTrigger != null) {
      reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
    }
    return reader.options(readOptions).load(paths.get(0));
  }

  /**
   * A batch reader of the format (CSV: a header row and inferred types) with the user's options,
   * which win.
   */
  private DataFrameReader reader(SparkSession spark) {
    DataFrameReader reader = spark.read().format(formatName());
    if (format == Format.CSV) {
      reader = reader.option("header", "true").option("inferSchema", "true");
    }
    return reader.options(readOptions);
  }

  private String formatName() {
    return format.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String describe() {
    return String.join(", ", paths);
  }
}
