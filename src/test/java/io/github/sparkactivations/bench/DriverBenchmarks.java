package io.github.sparkactivations.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkactivations.bench.Benchmark.Group;
import io.github.sparkactivations.bench.Benchmark.Role;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The batch driver end to end through scripts/spark-submit, each run its own JVM with 1 GiB of
 * driver memory (local mode: the executors live in the driver): the softmax job against the same
 * job copying its input unchanged, and the memory cases. Times are the job's own, from session
 * start to commit, as its summary reports them.
 */
final class DriverBenchmarks {

  static final String MEMORY = "1g";
  private static final int CLASSES = 100;
  private static final int LONG_ARRAY = 1_000_000;

  /** One memory case: whether it ran within {@link #MEMORY} and how long it took. */
  record MemoryCase(String name, boolean passed, double seconds, String detail) {}

  private final Path root;
  private final Path jar;
  private final Path work;
  private final Scale scale;
  private final Targets targets;
  private final PrintStream log;

  DriverBenchmarks(Path root, Path jar, Path work, Scale scale, Targets targets, PrintStream log) {
    this.root = root;
    this.jar = jar;
    this.work = work;
    this.scale = scale;
    this.targets = targets;
    this.log = log;
  }

  /** Softmax job against a plain copy: same input, same output size, same commit. */
  Group endToEnd(SparkSession spark) {
    long rows = scale.driverRows();
    Path input = logits(spark, rows);
    int repetitions = scale.driverRepetitions();
    double[] copy = new double[repetitions];
    double[] softmax = new double[repetitions];
    for (int i = 0; i < repetitions; i++) {
      log.println("  driver: round " + (i + 1) + " of " + repetitions + " ...");
      copy[i] = 1e3 * runJob("copy", input, "--sql", "SELECT * FROM input");
      softmax[i] = 1e3 * runJob("softmax", input, "--apply", "softmax(logits)");
    }
    String title =
        String.format(
            Locale.ROOT,
            "Driver end to end: %s rows x %d float logits, Parquet to Parquet, local[*], %s driver"
                + " memory, job time from its summary",
            SqlBenchmarks.millions(rows),
            CLASSES,
            MEMORY);
    String ours = "softmax (--apply 'softmax(logits)')";
    Group group =
        new Group(
            title,
            List.of(
                Benchmark.summarise(
                    "plain copy (--sql 'SELECT * FROM input')", Role.BASELINE, rows, copy),
                Benchmark.summarise(ours, Role.CASE, rows, softmax)));
    targets.timeRatioAtMost(group, ours, 1.10);
    return group;
  }

  /**
   * The stream command on a landing folder (available-now: every file, then stop) against run on
   * the same folder; both timed as whole processes, JVM start to exit.
   */
  Group streamAgainstRun(SparkSession spark) {
    long rows = scale.streamRows();
    Path input = logits(spark, rows);
    int repetitions = scale.driverRepetitions();
    double[] run = new double[repetitions];
    double[] stream = new double[repetitions];
    for (int i = 0; i < repetitions; i++) {
      log.println("  stream: round " + (i + 1) + " of " + repetitions + " ...");
      run[i] =
          wallMillis(
              "batch",
              "run",
              "--input",
              input.toString(),
              "--output",
              work.resolve("out/batch").toString(),
              "--mode",
              "overwrite",
              "--apply",
              "softmax(logits)");
      delete(work.resolve("out/stream"));
      delete(work.resolve("out/stream-checkpoint"));
      stream[i] =
          wallMillis(
              "stream",
              "stream",
              "--input",
              input.toString(),
              "--output",
              work.resolve("out/stream").toString(),
              "--checkpoint",
              work.resolve("out/stream-checkpoint").toString(),
              "--apply",
              "softmax(logits)");
    }
    String title =
        String.format(
            Locale.ROOT,
            "Streaming: %s rows x %d float logits in a landing folder, softmax to Parquet, local[*],"
                + " %s driver memory, whole process",
            SqlBenchmarks.millions(rows),
            CLASSES,
            MEMORY);
    String ours = "stream --trigger available-now";
    Group group =
        new Group(
            title,
            List.of(
                Benchmark.summarise("run (batch)", Role.BASELINE, rows, run),
                Benchmark.summarise(ours, Role.CASE, rows, stream)));
    targets.timeRatioAtMost(group, ours, 1.25); // at least 0.8x the batch throughput
    return group;
  }

  /** {@code rows} x {@link #CLASSES} random float logits in 8 Parquet files, written once. */
  private Path logits(SparkSession spark, long rows) {
    Path input = work.resolve("data/logits-" + rows + "x" + CLASSES);
    if (!Files.exists(input.resolve("_SUCCESS"))) {
      log.println("  driver: writing " + input + " ...");
      spark
          .range(0, rows, 1, 8)
          .selectExpr("id", SqlBenchmarks.randomArray(CLASSES, "FLOAT") + " AS logits")
          .write()
          .mode("overwrite")
          .parquet(input.toString());
    }
    return input;
  }

  private double wallMillis(String name, String... arguments) {
    long start = System.nanoTime();
    job(name, arguments);
    return (System.nanoTime() - start) / 1e6;
  }

  private static void delete(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (var paths = Files.walk(folder)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One row holding a 10^6-element array, softmax in place, within the memory limit. */
  MemoryCase longArray(SparkSession spark) {
    Path input = work.resolve("data/one-row-" + LONG_ARRAY);
    if (!Files.exists(input.resolve("_SUCCESS"))) {
      float[] logits = new float[LONG_ARRAY];
      for (int i = 0; i < LONG_ARRAY; i++) {
        logits[i] = (float) (3 * Math.sin(i * 78.233));
      }
      StructType schema =
          new StructType()
              .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false);
      Row row = RowFactory.create((Object) logits);
      spark
          .createDataFrame(List.of(row), schema)
          .write()
          .mode("overwrite")
          .parquet(input.toString());
    }
    String name = "softmax of one row with a 10^6-element array<float>";
    try {
      double seconds = runJob("long-array", input, "--apply", "softmax(logits)");
      Row check =
          spark
              .read()
              .parquet(work.resolve("out/long-array").toString())
              .selectExpr("size(logits)", "aggregate(logits, 0D, (s, p) -> s + p)")
              .first();
      boolean normalised = check.getInt(0) == LONG_ARRAY && Math.abs(check.getDouble(1) - 1) < 1e-4;
      return memory(
          new MemoryCase(name, normalised, seconds, "sum of probabilities " + check.get(1)));
    } catch (IllegalStateException e) {
      return memory(new MemoryCase(name, false, Double.NaN, e.getMessage()));
    }
  }

  private MemoryCase memory(MemoryCase c) {
    targets.add(c.name() + " in " + MEMORY, c.passed() ? "ran" : "failed", "runs", c.passed());
    return c;
  }

  /** Runs the job on {@code input} and returns the time its summary reports, in seconds. */
  private double runJob(String name, Path input, String... what) {
    Path output = work.resolve("out/" + name);
    List<String> arguments =
        new ArrayList<>(List.of("run", "--input", input.toString(), "--output", output.toString()));
    arguments.addAll(List.of("--mode", "overwrite"));
    arguments.addAll(List.of(what));
    job(name, arguments.toArray(String[]::new));
    try {
      return new ObjectMapper()
          .readTree(output.resolve("_ACTIVATIONS.json").toFile())
          .get("seconds")
          .asDouble();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void job(String name, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("scripts/spark-submit").toString());
    command.addAll(List.of("--driver-memory", MEMORY, "--class"));
    command.add("io.github.sparkactivations.job.ActivationJob");
    command.add(jar.toString());
    command.addAll(List.of(arguments));
    File logFile = work.resolve("logs/" + name + ".log").toFile();
    try {
      Files.createDirectories(logFile.toPath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile);
      // scripts/spark-submit sizes its own JVM from this when no Spark distribution is used.
      builder.environment().put("SPARK_DRIVER_MEMORY", MEMORY);
      int exit = builder.start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException(
            "driver run '" + name + "' exited with " + exit + "; see " + logFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
