package io.github.sparkactivations.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.github.sparkactivations.bench.Benchmark.Group;
import io.github.sparkactivations.bench.Benchmark.Role;
import io.github.sparkactivations.ml.ActivationTransformer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Our SQL functions and transformer against what a user would otherwise write: Spark's built-in
 * formulas, higher-order functions and Java UDFs. Every side of a comparison reads the same data in
 * the same session and writes to the same sink; before timing, each contender's results are checked
 * against the baseline's, so no side can win by computing something else.
 */
final class SqlBenchmarks {

  /** Where results go: Spark's noop writer (every value computed, nothing stored) or a sum. */
  enum Sink {
    NOOP,
    SUM
  }

  /** Agreement required between a contender and the baseline: |a - b| <= rel |b| + abs. */
  record Tolerance(double relative, double absolute) {
    static final Tolerance DOUBLE = new Tolerance(1e-9, 1e-12);
    // Float results, each rounded once from a double computation: within one float ulp.
    static final Tolerance FLOAT = new Tolerance(2.4e-7, 1e-37);
  }

  record Query(String name, Role role, Dataset<Row> frame) {}

  /** One size of a scaling run: {@code size} rows or classes, each row holding that many values. */
  record Point(long size, long valuesPerRow, Benchmark.Result timing) {}

  /** Cost against size, with the least-squares slope of the log-log fit: 1 is linear. */
  record Scaling(String title, String unit, List<Point> points, double slope) {

    String table() {
      // Row scaling has one value per row: the size is the row count, no per-value column.
      boolean perValue = points.stream().anyMatch(p -> p.valuesPerRow() > 1);
      StringBuilder table = new StringBuilder("**" + title + "**\n\n| " + unit);
      table.append(perValue ? " | rows" : "").append(" | best ms | avg ms | ns/row |");
      table.append(perValue ? " ns/value |\n|--:|--:|--:|--:|--:|--:|\n" : "\n|--:|--:|--:|--:|\n");
      for (Point p : points) {
        Benchmark.Result t = p.timing();
        table.append(String.format(Locale.ROOT, "| %,d", p.size()));
        table.append(perValue ? String.format(Locale.ROOT, " | %,d", t.rows()) : "");
        table.append(
            String.format(
                Locale.ROOT, " | %.0f | %.0f | %.1f |", t.bestMs(), t.avgMs(), t.nsPerRow()));
        table.append(
            perValue
                ? String.format(Locale.ROOT, " %.2f |%n", t.nsPerRow() / p.valuesPerRow())
                : "\n");
      }
      return table
          .append(String.format(Locale.ROOT, "%nslope (log-log): %.2f%n", slope))
          .toString();
    }
  }

  private static final int SAMPLE_ROWS = 500;
  static final String UDF = "Java UDF";
  static final String HIGHER_ORDER = "SQL zip_with/aggregate";

  private final SparkSession spark;
  private final Scale scale;
  private final Targets targets;
  private final PrintStream log;

  SqlBenchmarks(SparkSession spark, Scale scale, Targets targets, PrintStream log) {
    this.spark = spark;
    this.scale = scale;
    this.targets = targets;
    this.log = log;
    NaiveUdfs.register(spark);
  }

  /** An element-wise function, Spark's built-in formula for it (and its label), and a UDF. */
  private record Contest(String ours, String label, String formula, String udf) {}

  /**
   * The element-wise kernels against the built-in formula and a UDF, in both sinks, over doubles
   * held in Spark's in-memory cache: how logits read from a table reach the functions. One more
   * group computes its input in the same generated loop (see {@link #generatedInputGroup}).
   */
  List<Group> scalarGroups() {
    Dataset<Row> t = cache(scalars(scale.scalarRows()));
    List<Group> groups = new ArrayList<>();
    List<Contest> kernels =
        List.of(
            new Contest("sigmoid(x)", "1/(1+exp(-x))", "1 / (1 + exp(-x))", "udf_sigmoid(x)"),
            new Contest(
                "log_sigmoid(x)",
                "-(greatest(-x,0)+log1p(exp(-abs(x))))",
                "-(greatest(-x, 0D) + log1p(exp(-abs(x))))",
                "udf_log_sigmoid(x)"),
            new Contest(
                "softplus(x)",
                "greatest(x,0)+log1p(exp(-abs(x)))",
                "greatest(x, 0D) + log1p(exp(-abs(x)))",
                "udf_softplus(x)"),
            new Contest("silu(x)", "x/(1+exp(-x))", "x / (1 + exp(-x))", "udf_silu(x)"),
            new Contest(
                "gelu(x, 'tanh')",
                "0.5x(1+tanh(√(2/π)(x+0.044715x³)))",
                "0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))",
                "udf_gelu_tanh(x)"));
    for (Contest contest : kernels) {
      for (Sink sink : Sink.values()) {
        boolean withFloor = contest == kernels.get(0);
        groups.add(againstBuiltIn(t, sink, contest, withFloor, 0.9));
      }
    }
    Contest relu = new Contest("relu(x)", "greatest(x, 0)", "greatest(x, 0D)", "udf_relu(x)");
    groups.add(againstBuiltIn(t, Sink.NOOP, relu, false, 1.05));
    Group exactGelu =
        compare(
            "gelu(x) exact (Spark has no erf: the baseline is a UDF), "
                + scalarSize()
                + ", noop sink",
            scale.scalarRows(),
            Sink.NOOP,
            Tolerance.DOUBLE,
            query(UDF + ", Commons Numbers erf", Role.BASELINE, t, "udf_gelu(x)"),
            query("gelu(x)", Role.CASE, t, "gelu(x)"));
    targets.speedupAtLeast(exactGelu, "gelu(x)", exactGelu.baseline().name(), 1);
    groups.add(exactGelu);
    t.unpersist(true);
    groups.add(generatedInputGroup());
    return groups;
  }

  /**
   * sigmoid where x is computed from CAST(id AS DOUBLE) in the same generated loop, for the record
   * (no target): the JIT's long-to-double conversion writes only the low half of its register and
   * so waits for that register's previous value, which can chain every row to the one before.
   * Whichever formula's last instruction lands in that register pays its whole latency per row.
   */
  private Group generatedInputGroup() {
    Dataset<Row> t = scalars(scale.scalarRows());
    return compare(
        "sigmoid(x), x = CAST(id % 40000 AS DOUBLE)/1000 - 20 in the same loop, "
            + scalarSize()
            + ", sum sink",
        scale.scalarRows(),
        Sink.SUM,
        Tolerance.DOUBLE,
        query("SELECT x", Role.FLOOR, t, "x"),
        query("built-in 1/(1+exp(-x))", Role.BASELINE, t, "1 / (1 + exp(-x))"),
        query("sigmoid(x)", Role.CASE, t, "sigmoid(x)"),
        query(UDF, Role.CASE, t, "udf_sigmoid(x)"));
  }

  /** Targets: at most {@code limit} times the built-in formula's time, and no slower than a UDF. */
  private Group againstBuiltIn(
      Dataset<Row> t, Sink sink, Contest contest, boolean withFloor, double limit) {
    List<Query> queries = new ArrayList<>();
    if (withFloor) {
      queries.add(query("SELECT x", Role.FLOOR, t, "x"));
    }
    queries.add(query("built-in " + contest.label(), Role.BASELINE, t, contest.formula()));
    queries.add(query(contest.ours(), Role.CASE, t, contest.ours()));
    queries.add(query(UDF, Role.CASE, t, contest.udf()));
    String sinkName = sink.name().toLowerCase(Locale.ROOT);
    Group group =
        compare(
            contest.ours() + ", " + scalarSize() + ", " + sinkName + " sink",
            scale.scalarRows(),
            sink,
            Tolerance.DOUBLE,
            queries.toArray(Query[]::new));
    targets.timeRatioAtMost(group, contest.ours(), limit);
    targets.speedupAtLeast(group, contest.ours(), UDF, 1);
    return group;
  }

  private String scalarSize() {
    return millions(scale.scalarRows()) + " doubles";
  }

  List<Group> arrayGroups() {
    List<Group> groups = new ArrayList<>();
    for (int classes : new int[] {10, 1000}) {
      long rows = scale.arrayElements() / classes;
      Dataset<Row> t = cachedArrays(rows, classes);
      String title = "softmax(array<float>[" + classes + "]), " + count(rows) + " rows";
      Group softmax =
          compare(
              title + ", noop sink",
              rows,
              Sink.NOOP,
              Tolerance.FLOAT,
              query("SELECT arr", Role.FLOOR, t, "arr"),
              softmaxHigherOrder(t),
              query("softmax(arr)", Role.CASE, t, "softmax(arr)"),
              query(UDF + " over Seq", Role.CASE, t, "udf_softmax(arr)"));
      targets.speedupAtLeast(softmax, "softmax(arr)", HIGHER_ORDER, 3);
      targets.speedupAtLeast(softmax, "softmax(arr)", UDF + " over Seq", 1.5);
      groups.add(softmax);
      if (classes == 1000) {
        Group sigmoid =
            compare(
                "sigmoid(array<float>[1000]) element-wise, " + count(rows) + " rows, noop sink",
                rows,
                Sink.NOOP,
                Tolerance.FLOAT,
                query("SELECT arr", Role.FLOOR, t, "arr"),
                query(
                    "transform(arr, x -> 1/(1+exp(-x)))",
                    Role.BASELINE,
                    t,
                    "transform(arr, x -> CAST(1 / (1 + exp(-x)) AS FLOAT))"),
                query("sigmoid(arr)", Role.CASE, t, "sigmoid(arr)"));
        targets.speedupAtLeast(sigmoid, "sigmoid(arr)", sigmoid.baseline().name(), 3);
        groups.add(sigmoid);
      }
      t.unpersist(true);
    }
    return groups;
  }

  private static final List<String> SHORT_ROW_FUNCTIONS =
      List.of("softmax(arr)", "log_softmax(arr)", "sigmoid(arr)");

  /**
   * Spark's own copy of each row through a projection, for scale: the floor reads the cached rows
   * and writes them as they are, with no projection at all.
   */
  private static final String SPARK_PROJECTION = "reverse(arr)";

  /**
   * Short rows: ns per value (best time over the values of a run) of softmax, log_softmax and
   * element-wise sigmoid on array&lt;float&gt;[C] and array&lt;double&gt;[C], the same number of
   * values for every C, next to reading and writing the arrays alone. Float targets: at most 13 ns
   * at C = 10 and 100, and at most 2.5 times the floor at C = 10, twice at C = 100 and 1000. A run
   * takes 20 to 100 ms here, where a pause of the machine weighs more than in the long groups: each
   * case, the floor too, is timed twice as many times as elsewhere, and its best time kept.
   */
  String shortRows() {
    return shortRows("float") + "\n" + shortRows("double");
  }

  private String shortRows(String elementType) {
    long values = scale.scalingElements();
    StringBuilder table = new StringBuilder("**Short rows: array<" + elementType + ">[C], ");
    table.append(millions(values)).append(" values per run, noop sink, ns per value**\n\n");
    table
        .append("| C | rows | SELECT arr (floor) | ")
        .append(SPARK_PROJECTION)
        .append(" (Spark) |");
    SHORT_ROW_FUNCTIONS.forEach(f -> table.append(' ').append(f).append(" |"));
    table.append("\n|--:|--:|--:|--:|").append("--:|".repeat(SHORT_ROW_FUNCTIONS.size()));
    table.append('\n');
    boolean targeted = elementType.equals("float");
    for (int classes : new int[] {2, 10, 100, 1000}) {
      long rows = values / classes;
      Dataset<Row> t = cachedArrays(rows, classes, elementType.toUpperCase(Locale.ROOT));
      log.println("  short rows: array<" + elementType + ">[" + classes + "] ...");
      Benchmark benchmark =
          new Benchmark("C = " + classes, rows, scale.warmups(), 2 * scale.iterations());
      benchmark.add("SELECT arr", Role.BASELINE, () -> run(t.selectExpr("arr"), Sink.NOOP));
      benchmark.add(
          SPARK_PROJECTION, Role.FLOOR, () -> run(t.selectExpr(SPARK_PROJECTION), Sink.NOOP));
      for (String function : SHORT_ROW_FUNCTIONS) {
        benchmark.add(function, Role.CASE, () -> run(t.selectExpr(function), Sink.NOOP));
      }
      Group group = benchmark.run();
      table.append(String.format(Locale.ROOT, "| %,d | %,d |", classes, rows));
      double floor = group.baseline().bestMs();
      for (Benchmark.Result r : group.results()) {
        double nsPerValue = r.bestMs() * 1e6 / values;
        table.append(String.format(Locale.ROOT, " %.2f |", nsPerValue));
        if (!targeted || r.role() != Role.CASE || classes == 2) {
          continue;
        }
        String name = r.name() + " on array<float>[" + classes + "]";
        if (classes <= 100) {
          targets.add(name + ": ns per value", nsPerValue, "≤ 13 ns", nsPerValue <= 13);
        }
        double limit = classes == 10 ? 2.5 : 2.0;
        double ratio = r.bestMs() / floor;
        targets.add(
            name + ": time over the floor (SELECT arr)",
            ratio,
            String.format(Locale.ROOT, "≤ %.1f×", limit),
            ratio <= limit);
      }
      table.append('\n');
      t.unpersist(true);
    }
    return table.toString();
  }

  /**
   * Softmax as a careful SQL user writes it. The row's maximum and sum enter the lambdas through
   * zip_with over array_repeat: referenced inside a lambda, Spark's optimizer would inline them and
   * recompute them for every element (quadratic). The maximum is a double so that x - m is not
   * rounded to float.
   */
  static Query softmaxHigherOrder(Dataset<Row> t) {
    Dataset<Row> frame =
        t.selectExpr(
                "zip_with(arr, array_repeat(CAST(array_max(arr) AS DOUBLE), size(arr)),"
                    + " (x, m) -> exp(x - m)) AS e")
            .selectExpr(
                "zip_with(e, array_repeat(aggregate(e, 0D, (s, v) -> s + v), size(e)),"
                    + " (v, total) -> CAST(v / total AS FLOAT))");
    return new Query(HIGHER_ORDER, Role.BASELINE, frame);
  }

  Group transformerGroup() {
    long rows = scale.vectorRows();
    Dataset<Row> t =
        cache(
            spark
                .range(rows)
                .selectExpr(randomArray(100, "DOUBLE") + " AS arr")
                .select(org.apache.spark.ml.functions.array_to_vector(col("arr")).as("v")));
    Dataset<Row> transformed =
        new ActivationTransformer()
            .setInputCol("v")
            .setOutputCol("p")
            .setActivation("softmax")
            .transform(t)
            .select("p");
    Dataset<Row> roundTrip =
        t.select(
            org.apache.spark.ml.functions.array_to_vector(
                io.github.sparkactivations.functions.softmax(
                    org.apache.spark.ml.functions.vector_to_array(col("v"), "float64"))));
    Group group =
        compare(
            "ActivationTransformer softmax, vector[100], " + count(rows) + " rows, noop sink",
            rows,
            Sink.NOOP,
            Tolerance.DOUBLE,
            query("SELECT v", Role.FLOOR, t, "v"),
            new Query("vector_to_array → softmax → array_to_vector", Role.BASELINE, roundTrip),
            new Query("ActivationTransformer", Role.CASE, transformed));
    targets.speedupAtLeast(group, "ActivationTransformer", group.baseline().name(), 1);
    t.unpersist(true);
    return group;
  }

  /** sigmoid over growing row counts: the slope of log(time) on log(rows), 1 when linear. */
  Scaling rowScaling() {
    List<Point> points = new ArrayList<>();
    for (long rows : scale.scalingRows()) {
      Dataset<Row> frame = scalars(rows).selectExpr("sigmoid(x)");
      points.add(new Point(rows, 1, timeOne(count(rows) + " rows", rows, frame)));
    }
    double[] x = points.stream().mapToDouble(p -> Math.log(p.size())).toArray();
    double[] y = points.stream().mapToDouble(p -> Math.log(p.timing().bestMs())).toArray();
    return linear(
        new Scaling("Scaling in rows: sigmoid(x), noop sink", "rows", points, slope(x, y)));
  }

  /**
   * softmax over arrays of growing length, the same number of values each run: the slope of
   * log(time per row) on log(length), 1 when linear.
   */
  Scaling classScaling() {
    List<Point> points = new ArrayList<>();
    for (int classes : new int[] {10, 100, 1000, 10_000}) {
      long rows = scale.scalingElements() / classes;
      Dataset<Row> t = cachedArrays(rows, classes);
      Dataset<Row> frame = t.selectExpr("softmax(arr)");
      points.add(new Point(classes, classes, timeOne("C = " + classes, rows, frame)));
      t.unpersist(true);
    }
    double[] x = points.stream().mapToDouble(p -> Math.log(p.size())).toArray();
    double[] y = points.stream().mapToDouble(p -> Math.log(p.timing().nsPerRow())).toArray();
    return linear(
        new Scaling(
            "Scaling in classes: softmax(array<float>[C]), "
                + millions(scale.scalingElements())
                + " values per run, noop sink",
            "C",
            points,
            slope(x, y)));
  }

  /** Linear or better: a log-log slope of at most 1.1 (noise allowed, nothing quadratic). */
  private Scaling linear(Scaling scaling) {
    targets.add(scaling.title() + ": slope", scaling.slope(), "≤ 1.1", scaling.slope() <= 1.1);
    return scaling;
  }

  private Benchmark.Result timeOne(String name, long rows, Dataset<Row> frame) {
    log.println("  scaling: " + name + " ...");
    return new Benchmark(name, rows, scale.warmups(), scale.iterations())
        .add(name, Role.BASELINE, () -> run(frame, Sink.NOOP))
        .run()
        .results()
        .get(0);
  }

  /** Least-squares slope of y on x. */
  static double slope(double[] x, double[] y) {
    double meanX = java.util.Arrays.stream(x).average().orElseThrow();
    double meanY = java.util.Arrays.stream(y).average().orElseThrow();
    double covariance = 0;
    double variance = 0;
    for (int i = 0; i < x.length; i++) {
      covariance += (x[i] - meanX) * (y[i] - meanY);
      variance += (x[i] - meanX) * (x[i] - meanX);
    }
    return covariance / variance;
  }

  private Group compare(String title, long rows, Sink sink, Tolerance tolerance, Query... queries) {
    log.println("  " + title + " ...");
    checkAgreement(title, sink, tolerance, queries);
    Benchmark benchmark = new Benchmark(title, rows, scale.warmups(), scale.iterations());
    for (Query q : queries) {
      benchmark.add(q.name(), q.role(), () -> run(q.frame(), sink));
    }
    return benchmark.run();
  }

  private static void run(Dataset<Row> frame, Sink sink) {
    if (sink == Sink.NOOP) {
      frame.write().format("noop").mode("overwrite").save();
    } else {
      frame.agg(sum(col(frame.columns()[0]))).collect();
    }
  }

  /** Every contender must give the baseline's values on a sample (or the same sum). */
  private static void checkAgreement(
      String title, Sink sink, Tolerance tolerance, Query... queries) {
    double[] expected = null;
    for (Query q : queries) {
      if (q.role() == Role.BASELINE) {
        expected = sample(q.frame(), sink);
      }
    }
    for (Query q : queries) {
      if (q.role() != Role.CASE) {
        continue;
      }
      double[] actual = sample(q.frame(), sink);
      if (actual.length != expected.length) {
        throw new IllegalStateException(title + ": " + q.name() + " gives another shape");
      }
      for (int i = 0; i < actual.length; i++) {
        double allowed = tolerance.relative() * Math.abs(expected[i]) + tolerance.absolute();
        if (!(Math.abs(actual[i] - expected[i]) <= allowed)) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "%s: %s disagrees with the baseline at value %d: %s vs %s",
                  title,
                  q.name(),
                  i,
                  actual[i],
                  expected[i]));
        }
      }
    }
  }

  /** The first rows' values, flattened, or the sum for a sum sink. */
  private static double[] sample(Dataset<Row> frame, Sink sink) {
    if (sink == Sink.SUM) {
      return new double[] {frame.agg(sum(col(frame.columns()[0]))).first().getDouble(0)};
    }
    List<Double> values = new ArrayList<>();
    for (Row row : frame.limit(SAMPLE_ROWS).collectAsList()) {
      Object value = row.get(0);
      if (value instanceof Vector vector) {
        for (double v : vector.toArray()) {
          values.add(v);
        }
      } else if (value instanceof scala.collection.Seq<?> seq) {
        seq.foreach(v -> values.add(((Number) v).doubleValue()));
      } else {
        values.add(((Number) value).doubleValue());
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private Dataset<Row> scalars(long rows) {
    // x in [-20, 20): both tails of every function, computed on the fly by every case alike.
    return spark.range(rows).selectExpr("CAST(id % 40000 AS DOUBLE) / 1000.0 - 20.0 AS x");
  }

  /** Pseudo-random float logits in [-3, 3], materialised in memory before any timing. */
  private Dataset<Row> cachedArrays(long rows, int classes) {
    return cachedArrays(rows, classes, "FLOAT");
  }

  private Dataset<Row> cachedArrays(long rows, int classes, String elementType) {
    return cache(spark.range(rows).selectExpr(randomArray(classes, elementType) + " AS arr"));
  }

  static String randomArray(int length, String type) {
    return "transform(sequence(0, "
        + (length - 1)
        + "), i -> CAST(3 * sin(id * 12.9898 + i * 78.233) AS "
        + type
        + "))";
  }

  private static Dataset<Row> cache(Dataset<Row> frame) {
    Dataset<Row> cached = frame.persist(StorageLevel.MEMORY_ONLY());
    cached.count();
    return cached;
  }

  private static Query query(String name, Role role, Dataset<Row> t, String expression) {
    // Named, so that the sum sink can refer to any expression's column.
    return new Query(name, role, t.selectExpr(expression + " AS value"));
  }

  static String millions(long n) {
    return n % 1_000_000 == 0 ? (n / 1_000_000) + "M" : count(n);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
