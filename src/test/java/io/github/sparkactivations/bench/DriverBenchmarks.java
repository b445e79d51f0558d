package io.github.sparkactivations.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkactivations.bench.Benchmark.Group;
import io.github.sparkactivations.bench.Benchmark.Role;
import io.github.sparkactivations.core.Version;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
  private static final long STARTUP_ROWS = 50_000;
  private static final String[] COPY = {"--sql", "SELECT * FROM input"};
  private static final String[] SOFTMAX = {"--apply", "softmax(logits)"};

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
    Path input = logits(spark, scale.driverRows());
    return againstCopy(
        scale.driverRows(),
        "Driver end to end: %s rows x %d float logits, Parquet to Parquet, local[*], %s driver"
            + " memory, job time from its summary",
        1.10,
        (name, what) -> 1e3 * runJob(name, input, what));
  }

  /**
   * The whole process, JVM start to exit through scripts/spark-submit: the softmax job against the
   * same job copying its input unchanged.
   */
  Group wholeProcess(SparkSession spark) {
    Path input = logits(spark, scale.wholeRunRows());
    return againstCopy(
        scale.wholeRunRows(),
        "Driver, whole process: %s rows x %d float logits, Parquet to Parquet through"
            + " scripts/spark-submit, local[*], %s driver memory, JVM start to exit",
        1.05,
        (name, what) -> wallMillis(name, runArguments(name, input, what)));
  }

  /**
   * Rounds of the copy and the softmax job, the first of a round alternating between them, so that
   * neither always follows the other's writes; {@code millis} runs the job named by its first
   * argument doing the rest and gives its time. Target: softmax at most {@code limit} times the
   * copy's best time.
   */
  private Group againstCopy(
      long rows,
      String titleFormat,
      double limit,
      java.util.function.BiFunction<String, String[], Double> millis) {
    int repetitions = scale.driverRepetitions();
    double[] copy = new double[repetitions];
    double[] softmax = new double[repetitions];
    for (int i = 0; i < repetitions; i++) {
      log.println("  driver, " + rows + " rows: round " + (i + 1) + " of " + repetitions + " ...");
      if (i % 2 == 0) {
        copy[i] = millis.apply("copy", COPY);
        softmax[i] = millis.apply("softmax", SOFTMAX);
      } else {
        softmax[i] = millis.apply("softmax", SOFTMAX);
        copy[i] = millis.apply("copy", COPY);
      }
    }
    String title =
        String.format(Locale.ROOT, titleFormat, SqlBenchmarks.millions(rows), CLASSES, MEMORY);
    String ours = "softmax (--apply 'softmax(logits)')";
    Group group =
        new Group(
            title,
            List.of(
                Benchmark.summarise(
                    "plain copy (--sql 'SELECT * FROM input')", Role.BASELINE, rows, copy),
                Benchmark.summarise(ours, Role.CASE, rows, softmax)));
    targets.timeRatioAtMost(group, ours, limit);
    return group;
  }

  /**
   * Where a small job's time goes: {@link #STARTUP_ROWS} rows through the softmax job, each phase
   * read from Spark's event log and timed from the process start (the fastest of the rounds).
   */
  String startupProfile(SparkSession spark) {
    Path input = logits(spark, STARTUP_ROWS);
    List<Profile> profiles = new ArrayList<>();
    for (int i = 0; i < Math.max(scale.driverRepetitions(), 1) + 1; i++) {
      log.println("  driver, startup profile: round " + (i + 1) + " ...");
      Path events = work.resolve("events/startup-" + i);
      delete(events);
      try {
        Files.createDirectories(events);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long start = System.currentTimeMillis();
      job(
          "startup",
          List.of(
              "--conf",
              "spark.eventLog.enabled=true",
              "--conf",
              "spark.eventLog.rolling.enabled=false", // one plain file of JSON lines
              "--conf",
              "spark.eventLog.compress=false",
              "--conf",
              "spark.eventLog.dir=" + events.toAbsolutePath().toUri()),
          runArguments("startup", input, "--apply", "softmax(logits)"));
      profiles.add(Profile.read(events, start, System.currentTimeMillis()));
    }
    // The first round warms the file cache; the fastest of the others is reported.
    Profile best =
        profiles.stream()
            .skip(1)
            .min(java.util.Comparator.comparingLong(Profile::exit))
            .orElseThrow();
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "**Driver, startup profile: %s rows x %d float logits, softmax job through"
                    + " scripts/spark-submit, local[*], ms from the process start (Spark event"
                    + " log)**%n%n| phase | starts | ends | ms |%n|---|--:|--:|--:|%n",
                SqlBenchmarks.millions(STARTUP_ROWS),
                CLASSES));
    best.phases()
        .forEach(
            p ->
                table.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %d |%n",
                        p.name(),
                        p.start(),
                        p.end(),
                        p.end() - p.start())));
    table.append(
        String.format(
            Locale.ROOT,
            "%nStart to first task: %d ms; end to end (process exit): %d ms.%n",
            best.firstTask(),
            best.exit()));
    return table.toString();
  }

  /** Phases of one run, in ms from the process start. */
  record Phase(String name, long start, long end) {}

  record Profile(List<Phase> phases, long firstTask, long exit) {

    /** Reads the one event log in {@code folder}; times relative to {@code processStart}. */
    static Profile read(Path folder, long processStart, long processEnd) {
      ObjectMapper json = new ObjectMapper();
      List<Phase> phases = new ArrayList<>();
      java.util.Map<Integer, String> jobNames = new java.util.HashMap<>();
      java.util.Map<Integer, Long> jobStarts = new java.util.HashMap<>();
      long applicationStart = -1;
      long applicationEnd = -1;
      long firstTask = Long.MAX_VALUE;
      try (var files = Files.list(folder)) {
        Path log = files.findFirst().orElseThrow();
        for (String line : Files.readAllLines(log)) {
          var event = json.readTree(line);
          switch (event.get("Event").asText()) {
            case "SparkListenerApplicationStart" ->
                applicationStart = event.get("Timestamp").asLong();
            case "SparkListenerApplicationEnd" -> applicationEnd = event.get("Timestamp").asLong();
            case "SparkListenerJobStart" -> {
              int id = event.get("Job ID").asInt();
              jobStarts.put(id, event.get("Submission Time").asLong());
              jobNames.put(id, event.get("Stage Infos").get(0).get("Stage Name").asText());
            }
            case "SparkListenerJobEnd" -> {
              int id = event.get("Job ID").asInt();
              phases.add(
                  new Phase(
                      "Spark job " + id + ": " + jobNames.get(id),
                      jobStarts.get(id) - processStart,
                      event.get("Completion Time").asLong() - processStart));
            }
            case "SparkListenerTaskStart" ->
                firstTask = Math.min(firstTask, event.get("Task Info").get("Launch Time").asLong());
            default -> {}
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      phases.add(
          0,
          new Phase(
              "JVM start, Spark classes, SparkContext up", 0, applicationStart - processStart));
      long lastJobEnd = phases.get(phases.size() - 1).end();
      phases.add(
          new Phase(
              "after the last job: commit, summary, SparkContext stop",
              lastJobEnd,
              applicationEnd - processStart));
      phases.add(new Phase("JVM exit", applicationEnd - processStart, processEnd - processStart));
      return new Profile(phases, firstTask - processStart, processEnd - processStart);
    }
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
              output("batch").toString(),
              "--mode",
              "overwrite",
              "--apply",
              "softmax(logits)");
      delete(output("stream"));
      delete(output("stream-checkpoint"));
      stream[i] =
          wallMillis(
              "stream",
              "stream",
              "--input",
              input.toString(),
              "--output",
              output("stream").toString(),
              "--checkpoint",
              output("stream-checkpoint").toString(),
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

  /**
   * The softmax job appending to a Delta table (by path) and to an Iceberg table (Hadoop catalog)
   * against the same job appending to a Parquet folder, each a whole process, JVM start to exit.
   * Each output is created by a first, untimed run; the rounds then append to it. Empty where the
   * line has no package of either format.
   */
  Optional<Group> tablesAgainstPath(SparkSession spark) {
    if (Version.tablePackage("delta").isEmpty() || Version.tablePackage("iceberg").isEmpty()) {
      log.println(
          "  tables: Delta and Iceberg have no package for Spark "
              + Version.sparkLine()
              + " (they have for "
              + Version.tableLines("iceberg")
              + "): skipped");
      return Optional.empty();
    }
    long rows = scale.wholeRunRows();
    Path input = logits(spark, rows);
    Path tables = work.resolve("out/tables");
    delete(tables);
    Path folder = tables.resolve("parquet");
    String delta = "delta.`" + tables.toAbsolutePath().resolve("delta") + "`";
    String iceberg = "ice.bench.probs";
    List<String> icebergCatalog =
        List.of(
            "--with",
            "iceberg",
            "--conf",
            "spark.sql.catalog.ice=org.apache.iceberg.spark.SparkCatalog",
            "--conf",
            "spark.sql.catalog.ice.type=hadoop",
            "--conf",
            "spark.sql.catalog.ice.warehouse=" + tables.toAbsolutePath().resolve("iceberg"));
    String[] path = {"--output", folder.toString()};
    String[] deltaTable = {"--output-table", delta, "--table-format", "delta"};
    String[] icebergTable = {"--output-table", iceberg, "--table-format", "iceberg"};
    int repetitions = scale.driverRepetitions();
    double[][] millis = new double[3][repetitions];
    for (int i = -1; i < repetitions; i++) { // round -1 creates the outputs
      log.println("  tables, " + rows + " rows: round " + (i + 2) + " of " + (repetitions + 1));
      double[] round = {
        appendMillis("path", List.of(), input, path),
        appendMillis("delta", List.of("--with", "delta"), input, deltaTable),
        appendMillis("iceberg", icebergCatalog, input, icebergTable)
      };
      for (int k = 0; i >= 0 && k < round.length; k++) {
        millis[k][i] = round[k];
      }
    }
    String title =
        String.format(
            Locale.ROOT,
            "Tables: %s rows x %d float logits, softmax appended through scripts/spark-submit,"
                + " local[*], %s driver memory, JVM start to exit",
            SqlBenchmarks.millions(rows),
            CLASSES,
            MEMORY);
    String toDelta = "Delta table by path (--with delta)";
    String toIceberg = "Iceberg table, Hadoop catalog (--with iceberg)";
    Group group =
        new Group(
            title,
            List.of(
                Benchmark.summarise(
                    "Parquet folder, --mode append", Role.BASELINE, rows, millis[0]),
                Benchmark.summarise(toDelta, Role.CASE, rows, millis[1]),
                Benchmark.summarise(toIceberg, Role.CASE, rows, millis[2])));
    targets.timeRatioAtMost(group, toDelta, 1.15);
    targets.timeRatioAtMost(group, toIceberg, 1.15);
    return Optional.of(group);
  }

  /** One append of the softmax job's output, as a whole process. */
  private double appendMillis(
      String name, List<String> submitOptions, Path input, String... output) {
    List<String> arguments = new ArrayList<>(List.of("run", "--input", input.toString()));
    arguments.addAll(List.of(output));
    arguments.addAll(List.of("--mode", "append", "--apply", "probs=softmax(logits)"));
    long start = System.nanoTime();
    job("tables-" + name, submitOptions, arguments.toArray(String[]::new));
    return (System.nanoTime() - start) / 1e6;
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
              .parquet(output("long-array").toString())
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
    job(name, runArguments(name, input, what));
    try {
      return new ObjectMapper()
          .readTree(output(name).resolve("_ACTIVATIONS.json").toFile())
          .get("seconds")
          .asDouble();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code run} from {@code input} to out/{@code name}, overwriting it, doing {@code what}. */
  private String[] runArguments(String name, Path input, String... what) {
    List<String> arguments =
        new ArrayList<>(
            List.of("run", "--input", input.toString(), "--output", output(name).toString()));
    arguments.addAll(List.of("--mode", "overwrite"));
    arguments.addAll(List.of(what));
    return arguments.toArray(String[]::new);
  }

  private Path output(String name) {
    return work.resolve("out/" + name);
  }

  private void job(String name, String... arguments) {
    job(name, List.of(), arguments);
  }

  private void job(String name, List<String> submitOptions, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("scripts/spark-submit").toString());
    command.addAll(submitOptions); // first: scripts/spark-submit takes --with only there
    command.addAll(List.of("--driver-memory", MEMORY));
    command.add("--class");
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
