package io.github.sparkactivations.bench;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.bench.Benchmark.Group;
import io.github.sparkactivations.bench.DriverBenchmarks.MemoryCase;
import io.github.sparkactivations.bench.SqlBenchmarks.Scaling;
import io.github.sparkactivations.core.Docs;
import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the benchmarks (scripts/bench.sh), prints each table as it completes, and writes them all
 * with the targets and the machine's description to a Markdown file, optionally into the README.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks of the SQL functions, transformer, driver and kernels.")
public final class BenchmarkSuite implements Callable<Integer> {

  enum Part {
    SQL,
    TRANSFORMER,
    SCALING,
    JMH,
    DRIVER,
    TABLES
  }

  @Option(names = "--quick", description = "Smaller data and fewer iterations (about 2 minutes).")
  boolean quick;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "PART",
      description = "Run only these parts: ${COMPLETION-CANDIDATES}.")
  Set<Part> parts = EnumSet.allOf(Part.class);

  @Option(names = "--jar", paramLabel = "JAR", description = "The application jar (driver part).")
  Path jar;

  @Option(
      names = "--work",
      defaultValue = "target/bench",
      paramLabel = "DIR",
      description = "Data, logs and results.")
  Path work;

  @Option(
      names = "--readme",
      paramLabel = "FILE",
      description = "Also write the results into this file's 'performance' section.")
  Path readme;

  @Option(names = "--command", hidden = true, defaultValue = "scripts/bench.sh")
  String command;

  private final PrintStream log = System.out;
  private final List<String> sections = new ArrayList<>();
  private final Targets targets = new Targets();

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new BenchmarkSuite())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .execute(args));
  }

  @Override
  public Integer call() throws IOException, RunnerException {
    Scale scale = quick ? Scale.QUICK : Scale.FULL;
    long start = System.nanoTime();
    if ((parts.contains(Part.DRIVER) || parts.contains(Part.TABLES)) && jar == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "the driver parts need --jar (scripts/bench.sh passes it)");
    }
    String header;
    String lineRow = null;
    // The tests' session: local, through the extension route, Kryo; one core per task slot here.
    SparkSession spark = SparkTestSession.get();
    try {
      header = header(scale, spark);
      SqlBenchmarks sql = new SqlBenchmarks(spark, scale, targets, log);
      if (parts.contains(Part.SQL)) {
        List<Group> scalar = sql.scalarGroups();
        List<Group> arrays = sql.arrayGroups();
        scalar.forEach(g -> addSection(g.table()));
        arrays.forEach(g -> addSection(g.table()));
        addSection(sql.shortRows());
        lineRow =
            LineRatios.row(
                Version.sparkLine() + "_" + Version.scalaBinaryVersion(),
                spark.version() + " (" + scala.util.Properties.versionNumberString() + ")",
                LocalDate.now(ZoneOffset.UTC).toString(),
                scalar,
                arrays);
      }
      if (parts.contains(Part.TRANSFORMER)) {
        addSection(sql.transformerGroup().table());
      }
      if (parts.contains(Part.SCALING)) {
        Scaling rows = sql.rowScaling();
        Scaling classes = sql.classScaling();
        addSection(rows.table());
        addSection(classes.table());
      }
      if (parts.contains(Part.DRIVER)) {
        DriverBenchmarks driver = new DriverBenchmarks(Path.of(""), jar, work, scale, targets, log);
        MemoryCase longRow = scale.longRowMemoryCase() ? driver.longArray(spark) : null;
        Group endToEnd = driver.endToEnd(spark);
        addSection(endToEnd.table());
        addSection(driver.wholeProcess(spark).table());
        addSection(driver.startupProfile(spark));
        addSection(driver.streamAgainstRun(spark).table());
        addMemory(longRow, endToEnd, scale);
      }
      if (parts.contains(Part.TABLES)) {
        new DriverBenchmarks(Path.of(""), jar, work, scale, targets, log)
            .tablesAgainstPath(spark)
            .ifPresent(group -> addSection(group.table()));
      }
    } finally {
      spark.stop();
    }
    if (parts.contains(Part.JMH)) {
      kernels(scale);
    }
    String results = results(header, (System.nanoTime() - start) / 1e9);
    Files.createDirectories(work);
    Path file = work.resolve("results-" + scale.name() + ".md");
    Files.writeString(file, results, StandardCharsets.UTF_8);
    log.println();
    log.println(results);
    log.println("Results written to " + file);
    if (readme != null) {
      // A full run replaces the Performance tables; a quick one, its line's row of ratios.
      String document = Files.readString(readme, StandardCharsets.UTF_8);
      if (!quick) {
        Files.writeString(readme, Docs.embed(document, "performance", results));
      } else if (lineRow != null) {
        Files.writeString(readme, LineRatios.merge(document, lineRow));
      }
      log.println("and into " + readme);
    }
    return 0;
  }

  private void addMemory(MemoryCase longRow, Group endToEnd, Scale scale) {
    StringBuilder table = new StringBuilder("**Memory: driver runs with ");
    table.append(DriverBenchmarks.MEMORY).append(" of driver memory, local[*]**\n\n");
    table.append("| case | result | time s |\n|---|---|--:|\n");
    if (longRow != null) {
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %s (%s) | %.1f |%n",
              longRow.name(),
              longRow.passed() ? "ran" : "FAILED",
              longRow.detail(),
              longRow.seconds()));
    }
    table.append(
        String.format(
            Locale.ROOT,
            "| softmax job, %s rows x 100 | ran | %.1f |%n",
            SqlBenchmarks.millions(scale.driverRows()),
            endToEnd.results().get(1).bestMs() / 1e3));
    addSection(table.toString());
  }

  /** The float kernels of the SQL benchmarks' short rows, with the loop of exponentials. */
  private static final String FLOAT_KERNELS = "(mathExp|softmaxFloat|logSoftmaxFloat|sigmoidFloat)";

  private void kernels(Scale scale) throws RunnerException {
    log.println("  JMH kernels ...");
    boolean full = scale == Scale.FULL;
    // Every kernel on rows of 1,000; the float ones on short rows too (full runs), and in quick
    // runs the target's pair only.
    Map<String, double[]> scores = new TreeMap<>(); // by kernel, then by length
    jmh(full ? "\\." : ".(mathExp|softmaxFloat)", "1000", full, scores);
    if (full) {
      jmh("." + FLOAT_KERNELS, "10,100", true, scores);
    }
    StringBuilder table = new StringBuilder();
    table.append("**JMH kernels, one row of C values, ns per call**\n\n");
    table.append("| kernel | C | ns/op | ± 99.9% | ns/value | vs Math.exp loop |\n");
    table.append("|---|--:|--:|--:|--:|--:|\n");
    for (Map.Entry<String, double[]> e : scores.entrySet()) {
      String[] nameAndLength = e.getKey().split(" ");
      int length = Integer.parseInt(nameAndLength[1]);
      double[] s = e.getValue();
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %.0f | %.0f | %.2f | %.2f× |%n",
              nameAndLength[0],
              length,
              s[0],
              s[1],
              s[0] / length,
              s[0] / scores.get(kernelKey("mathExp", length))[0]));
    }
    addSection(table.toString());
    double ratio =
        scores.get(kernelKey("softmaxFloat", 1000))[0] / scores.get(kernelKey("mathExp", 1000))[0];
    targets.add("JMH softmax float[1000] / 1000 Math.exp", ratio, "≤ 1.30×", ratio <= 1.3);
  }

  /** Runs the kernel benchmarks matching {@code pattern} on rows of these lengths. */
  private static void jmh(
      String pattern, String lengths, boolean full, Map<String, double[]> scores)
      throws RunnerException {
    Collection<RunResult> runs =
        new Runner(
                new OptionsBuilder()
                    .include(KernelBenchmarks.class.getName() + pattern)
                    .param("length", lengths.split(","))
                    .forks(1)
                    .warmupIterations(full ? 3 : 2)
                    .warmupTime(TimeValue.milliseconds(full ? 1000 : 300))
                    .measurementIterations(full ? 5 : 3)
                    .measurementTime(TimeValue.milliseconds(full ? 1000 : 300))
                    .verbosity(VerboseMode.SILENT)
                    .build())
            .run();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      int length = Integer.parseInt(run.getParams().getParam("length"));
      scores.put(
          kernelKey(name.substring(name.lastIndexOf('.') + 1), length),
          new double[] {run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError()});
    }
  }

  /** Sorted by kernel, then by length (zero-padded). */
  private static String kernelKey(String kernel, int length) {
    return String.format(Locale.ROOT, "%s %05d", kernel, length);
  }

  private void addSection(String section) {
    sections.add(section);
    log.println();
    log.println(section);
  }

  private String header(Scale scale, SparkSession spark) {
    return String.join(
        "\n",
        "Run "
            + ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))
            + " with `"
            + command
            + (quick ? " --quick" : "")
            + "` ("
            + scale.name()
            + " scale).",
        "",
        "- Machine: "
            + cpu()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + memoryGiB()
            + " GiB RAM, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version"),
        "- JDK: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version"),
        "- Spark "
            + spark.version()
            + " (Scala "
            + scala.util.Properties.versionNumberString()
            + "), "
            + spark.sparkContext().master()
            + ", Kryo; benchmark JVM "
            + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MiB heap",
        "");
  }

  private String results(String header, double seconds) {
    StringBuilder out = new StringBuilder(header);
    if (quick) {
      out.append(
          "\nQuick scale: small data and two iterations, so per-job overhead and noise dominate;"
              + " targets are judged on the full run.\n");
    }
    out.append('\n').append(targets.table());
    for (String section : sections) {
      out.append('\n').append(section);
    }
    out.append(String.format(Locale.ROOT, "%nTotal benchmark time: %.0f s.%n", seconds));
    return out.toString();
  }

  private static String cpu() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (IOException e) {
      return System.getProperty("os.arch");
    }
  }

  private static long memoryGiB() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
      return lines
          .filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / (1 << 20))
          .findFirst()
          .orElse(0L);
    } catch (IOException e) {
      return 0;
    }
  }
}
