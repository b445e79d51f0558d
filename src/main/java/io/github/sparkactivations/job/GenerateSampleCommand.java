package io.github.sparkactivations.job;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate-sample}: deterministic synthetic logits for trying the job. Rows hold an {@code
 * id}, {@code logits} (C standard-normal values scaled by 3, as float or double array or ML vector)
 * and a scalar {@code score}. The same seed and partitions give the same data.
 */
@Command(
    name = "generate-sample",
    description = "Write deterministic synthetic logits as Parquet.",
    mixinStandardHelpOptions = true,
    versionProvider = ActivationJob.VersionProvider.class,
    sortOptions = false)
final class GenerateSampleCommand implements Callable<Integer> {

  /** Element type of the logits column. */
  enum LogitType {
    FLOAT,
    DOUBLE,
    VECTOR
  }

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder.")
  String output;

  @Option(
      names = "--rows",
      defaultValue = "1000000",
      paramLabel = "N",
      description = "Rows (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--classes",
      defaultValue = "10",
      paramLabel = "C",
      description = "Logits per row (default ${DEFAULT-VALUE}).")
  int classes;

  @Option(
      names = "--type",
      defaultValue = "float",
      paramLabel = "TYPE",
      description = "float (default), double or vector.")
  LogitType type;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "SEED",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      paramLabel = "N",
      description = "Output files (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--overwrite", description = "Replace an existing output folder.")
  boolean overwrite;

  private final PrintStream out;

  GenerateSampleCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (rows < 0 || classes < 1 || partitions < 1) {
      throw new UsageException("--rows must be >= 0, --classes and --partitions >= 1");
    }
    long start = System.nanoTime();
    SparkSession spark =
        SparkSession.builder().appName("activation-job generate-sample").getOrCreate();
    // randn(seed) is Spark's own codegen'd generator, deterministic for a fixed partitioning.
    String element = type == LogitType.FLOAT ? "FLOAT" : "DOUBLE";
    String logits =
        IntStream.range(0, classes)
            .mapToObj(i -> "CAST(3 * randn(" + (seed * 1_000_003L + i) + ") AS " + element + ")")
            .collect(Collectors.joining(", ", "array(", ")"));
    Dataset<Row> sample =
        spark
            .range(0, rows, 1, partitions)
            .selectExpr("id", logits + " AS logits", "randn(" + (seed - 1) + ") * 4 AS score");
    if (type == LogitType.VECTOR) {
      Column vector = org.apache.spark.ml.functions.array_to_vector(sample.col("logits"));
      sample = sample.withColumn("logits", vector);
    }
    sample.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
    out.printf(
        Locale.ROOT,
        "generated %,d rows x %d %s logits in %s (%.1f s)%n",
        rows,
        classes,
        type.name().toLowerCase(Locale.ROOT),
        output,
        (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
