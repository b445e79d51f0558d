package io.github.sparkactivations.sql;

import static io.github.sparkactivations.SparkTestSession.collectBothModes;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.Example;
import io.github.sparkactivations.core.Parameter;
import io.github.sparkactivations.core.Version;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** SQL semantics, types, plans, errors and docs of every function, through {@code spark.sql}. */
class SqlFunctionsTest {

  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
    spark
        .range(4)
        .selectExpr(
            "CAST(id AS DOUBLE) - 1.5 AS x",
            "CAST(CAST(id AS DOUBLE) - 1.5 AS FLOAT) AS f",
            "array(CAST(id AS DOUBLE), 0.5D, -1.0D) AS arr",
            "array(CAST(id AS FLOAT), CAST(0.5 AS FLOAT)) AS farr",
            "CAST(id AS DOUBLE) AS y")
        .createOrReplaceTempView("t");
  }

  /**
   * The single value of {@code SELECT call FROM VALUES (value) AS v(x)}, in both modes. The tests'
   * expected values are mpmath-rounded (e.g. sigmoid(2) = 0.880797077977882444...).
   */
  private static Object value(String call, String value) {
    List<Row> rows =
        collectBothModes(s -> s.sql("SELECT " + call + " FROM VALUES (" + value + ") AS v(x)"));
    return rows.get(0).get(0);
  }

  private static DataType type(String call, String value) {
    return spark
        .sql("SELECT " + call + " FROM VALUES (" + value + ") AS v(x)")
        .schema()
        .fields()[0]
        .dataType();
  }

  /** Arrays as [a, b] on every Scala version (2.12 and 2.13 name their Seq classes differently). */
  private static String text(Object value) {
    return value instanceof scala.collection.Seq<?> seq
        ? ScalaCollections.list(seq).toString()
        : String.valueOf(value);
  }

  @Test
  void nullsFollowTheContract() {
    assertEquals(null, value("sigmoid(x)", "CAST(NULL AS DOUBLE)"));
    assertEquals(null, value("softmax(x)", "CAST(NULL AS ARRAY<DOUBLE>)"));
    assertEquals("[0.5, null]", text(value("sigmoid(x)", "array(0.0D, NULL)")));
    // Float arrays take the float kernel, except where an element is null.
    assertEquals("[0.5, null]", text(value("sigmoid(x)", "array(CAST(0 AS FLOAT), NULL)")));
    assertEquals("[0.5, 1.0]", text(value("sigmoid(x)", "array(CAST(0 AS FLOAT), 1E30F)")));
    for (String f :
        List.of(
            "softmax(x)",
            "log_softmax(x)",
            "sparsemax(x)",
            "logsumexp(x)",
            "argmax(x)",
            "top_k(x, 1)")) {
      assertEquals(null, value(f, "array(1.0D, NULL)"), f);
    }
  }

  @Test
  void aNullAnywhereInALongFloatArrayIsFound() {
    // Spark keeps an array's null flags in words of 64: the float kernels test a word at a time.
    int n = 130;
    for (int position : new int[] {0, 63, 64, 129}) {
      String array =
          IntStream.range(0, n)
              .mapToObj(i -> i == position ? "NULL" : "CAST(" + i + " AS FLOAT)")
              .collect(Collectors.joining(", ", "array(", ")"));
      assertEquals(null, value("softmax(x)", array), "softmax, null at " + position);
      List<?> sigmoid = ScalaCollections.list((scala.collection.Seq<?>) value("sigmoid(x)", array));
      assertEquals(n, sigmoid.size());
      for (int i = 0; i < n; i++) {
        // Only the null stays null; sigmoid(i) rounds to 1/2 at 0 and to 1 from 18 on (e^-18 is
        // below half a float ulp of 1).
        String where = "sigmoid element " + i + ", null at " + position;
        if (i == position) {
          assertEquals(null, sigmoid.get(i), where);
        } else if (i == 0 || i >= 18) {
          assertEquals(i == 0 ? 0.5f : 1.0f, sigmoid.get(i), where);
        } else {
          assertTrue(sigmoid.get(i) instanceof Float, where);
        }
      }
    }
  }

  /**
   * Float rows of every length from 1 to 40, as Spark stores them (read from the cache), against
   * closed forms in double: each value within a float ulp of its exact value, in its place. The
   * lengths cover the scalar loops, the rows held in registers, the vector loops, and rows read
   * value by value and copied whole.
   */
  @Test
  void floatRowsOfEveryLengthKeepTheirValuesInPlace() {
    Dataset<Row> rows =
        spark
            .range(1, 41)
            .selectExpr(
                "transform(sequence(1, id), i -> CAST(4 * sin(i * 1.7 + id) AS FLOAT)) AS x")
            .persist();
    rows.count();
    rows.createOrReplaceTempView("float_rows");
    try {
      for (Row row :
          collectBothModes(
              s -> s.sql("SELECT x, softmax(x), log_softmax(x), sigmoid(x) FROM float_rows"))) {
        double[] x = floats(row, 0);
        double max = Arrays.stream(x).max().orElseThrow();
        double sum = Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
        double[][] expected = {
          Arrays.stream(x).map(v -> Math.exp(v - max) / sum).toArray(),
          Arrays.stream(x).map(v -> v - max - Math.log(sum)).toArray(),
          Arrays.stream(x).map(v -> 1 / (1 + Math.exp(-v))).toArray()
        };
        for (int f = 0; f < expected.length; f++) {
          double[] y = floats(row, f + 1);
          assertEquals(x.length, y.length);
          for (int i = 0; i < x.length; i++) {
            float exact = (float) expected[f][i];
            assertTrue(
                Math.abs(y[i] - expected[f][i]) <= Math.ulp(exact),
                row.schema().fieldNames()[f + 1] + " of " + row.get(0) + " at " + i);
          }
        }
      }
    } finally {
      rows.unpersist();
    }
  }

  private static double[] floats(Row row, int column) {
    return row.<Float>getList(column).stream().mapToDouble(Float::doubleValue).toArray();
  }

  @Test
  void nanInfinityAndEmptyArraysFollowTheContract() {
    assertEquals("[NaN, NaN]", text(value("softmax(x)", "array(1.0D, double('NaN'))")));
    assertEquals(null, value("argmax(x)", "array(1.0D, double('NaN'))"));
    assertEquals(null, value("top_k(x, 2)", "array(1.0D, double('NaN'))"));
    assertEquals(Double.NaN, value("logsumexp(x)", "array(1.0D, double('NaN'))"));
    assertEquals(
        "[0.5, 0.0, 0.5]", text(value("softmax(x)", "array(double('inf'), 1.0D, double('inf'))")));
    assertEquals(
        "[" + Math.log(0.5) + ", -Infinity, " + Math.log(0.5) + "]",
        text(value("log_softmax(x)", "array(double('inf'), 1.0D, double('inf'))")));
    assertEquals("[NaN, NaN]", text(value("softmax(x)", "array(double('-inf'), double('-inf'))")));
    assertEquals("[]", text(value("softmax(x)", "CAST(array() AS ARRAY<DOUBLE>)")));
    assertEquals(Double.NEGATIVE_INFINITY, value("logsumexp(x)", "CAST(array() AS ARRAY<DOUBLE>)"));
    assertEquals(null, value("argmax(x)", "CAST(array() AS ARRAY<DOUBLE>)"));
    assertEquals("[]", text(value("top_k(x, 3)", "CAST(array() AS ARRAY<DOUBLE>)")));
    assertEquals(-0.0, value("silu(x)", "double('-inf')"));
    assertEquals(1.0, value("softsign(x)", "double('inf')"));
  }

  @Test
  void floatStaysFloatAndOtherNumbersBecomeDouble() {
    assertEquals(DataTypes.FloatType, type("sigmoid(x)", "CAST(0 AS FLOAT)"));
    assertEquals(0.5f, value("sigmoid(x)", "CAST(0 AS FLOAT)"));
    assertEquals(
        DataTypes.createArrayType(DataTypes.FloatType, true),
        type("relu(x)", "array(CAST(-1 AS FLOAT), NULL)"));
    assertEquals(
        DataTypes.createArrayType(DataTypes.FloatType, false),
        type("softmax(x)", "array(CAST(1 AS FLOAT))"));
    assertEquals("[1.0]", text(value("softmax(x)", "array(CAST(1 AS FLOAT))")));
    assertEquals(DataTypes.DoubleType, type("logsumexp(x)", "array(CAST(1 AS FLOAT))"));
    assertEquals(
        "[[1,2.0], [0,1.0]]",
        text(value("top_k(x, 2)", "array(CAST(1 AS FLOAT), CAST(2 AS FLOAT))")));
    assertEquals(
        "array<struct<index:int,value:float>>",
        type("top_k(x, 2)", "array(CAST(1 AS FLOAT))").simpleString());
    for (String number :
        List.of("1", "CAST(1 AS BIGINT)", "CAST(1 AS SMALLINT)", "CAST(1 AS TINYINT)", "1.0")) {
      assertEquals(DataTypes.DoubleType, type("sigmoid(x)", number), number);
      assertEquals(0.7310585786300049, value("sigmoid(x)", number), number);
    }
    assertEquals(
        DataTypes.createArrayType(DataTypes.DoubleType, false), type("softmax(x)", "array(1, 2)"));
    assertEquals(
        "[0.2689414213699951, 0.7310585786300049]", text(value("softmax(x)", "array(1, 2)")));
    assertEquals(
        "[0.7310585786300049, 0.8807970779778824]", text(value("sigmoid(x)", "array(1, 2)")));
    assertEquals(null, value("sigmoid(x)", "NULL"));
  }

  @Test
  void unaliasedColumnsAreNamedLikeTheCall() {
    assertEquals("sigmoid(x)", spark.sql("SELECT sigmoid(x) FROM t").columns()[0]);
    assertEquals("softmax(arr, 2.0)", spark.sql("SELECT softmax(arr, 2.0) FROM t").columns()[0]);
    assertEquals("gelu(x, 'tanh')", spark.sql("SELECT gelu(x, 'tanh') FROM t").columns()[0]);
    assertEquals("swish(x)", spark.sql("SELECT swish(x) FROM t").columns()[0]);
  }

  /** The call of each function on the matching column of view t, with its example's parameters. */
  private static List<String> callsOnEveryInputType(Activation a) {
    String parameters =
        a.example().parameters().stream()
            .map(p -> ", " + SqlCalls.literal(p))
            .collect(Collectors.joining());
    List<String> columns =
        a.kind() == Activation.Kind.ELEMENTWISE
            ? List.of("x", "f", "arr", "farr")
            : List.of("arr", "farr");
    return columns.stream().map(c -> a.name() + "(" + c + parameters + ")").toList();
  }

  @TestFactory
  Stream<DynamicTest> everyFunctionRunsAsAStaticKernelCallInsideWholeStageCodegen() {
    return Activations.all().stream()
        .flatMap(
            a ->
                callsOnEveryInputType(a).stream()
                    .map(
                        call ->
                            DynamicTest.dynamicTest(
                                call,
                                () -> {
                                  Dataset<Row> df = spark.sql("SELECT " + call + " AS out FROM t");
                                  SparkPlan plan = df.queryExecution().executedPlan();
                                  String explain = plan.toString();
                                  assertTrue(
                                      explain.startsWith(
                                              "*(1) Project ["
                                                  + call.replaceAll("\\((\\w+)", "($1#"))
                                          || explain.contains("*(1) Project"),
                                      explain);
                                  assertFalse(explain.toLowerCase().contains("udf"), explain);
                                  String generated =
                                      org.apache.spark.sql.execution.debug.package$.MODULE$
                                          .codegenString(plan);
                                  String kernel = a.bind(a.example().parameters()).kernelMethod();
                                  String owner =
                                      a.kind() == Activation.Kind.ELEMENTWISE
                                          ? "core.Kernels."
                                          : "core.ArrayKernels.";
                                  assertTrue(
                                      generated.contains(owner + kernel + "("),
                                      "no direct call of " + owner + kernel + " in\n" + generated);
                                  df.collectAsList();
                                })));
  }

  @Test
  void badCallsFailAnalysisWithOneClearMessage() {
    assertAll(
        Stream.of(
                new String[] {"sigmoid()", "sigmoid: x is missing; usage: sigmoid(x)"},
                new String[] {
                  "sigmoid(x, 1.0)",
                  "sigmoid takes at most 0 parameter(s) after x, got 1; usage: sigmoid(x)"
                },
                new String[] {
                  "softmax(arr, 1.0, 2.0)", "softmax takes at most 1 parameter(s) after x, got 2"
                },
                new String[] {
                  "sigmoid('abc')",
                  "sigmoid: x must be a number (DOUBLE, FLOAT, or another numeric type read as DOUBLE), an array of numbers or an ML vector, got STRING"
                },
                new String[] {
                  "softmax(x)",
                  "softmax: x must be an array of numbers (ARRAY<DOUBLE> or ARRAY<FLOAT>; other numeric elements are read as DOUBLE) or an ML vector, got DOUBLE"
                },
                new String[] {"softmax(array('a'))", "got ARRAY<STRING>"},
                new String[] {"softmax(named_struct('a', 1))", "got STRUCT<a: INT"},
                new String[] {"softmax(arr, y)", "softmax: temperature must be a constant, got"},
                new String[] {
                  "softmax(arr, 0)", "softmax: temperature must be finite and > 0, got 0"
                },
                new String[] {
                  "softmax(arr, -1.0)", "softmax: temperature must be finite and > 0, got -1.0"
                },
                new String[] {
                  "softmax(arr, double('NaN'))",
                  "softmax: temperature must be finite and > 0, got NaN"
                },
                new String[] {
                  "softmax(arr, 'hot')", "softmax: temperature must be finite and > 0, got 'hot'"
                },
                new String[] {"softmax(arr, NULL)", "softmax: temperature must not be NULL"},
                new String[] {
                  "gelu(x, 'fast')", "gelu: approximate must be one of none, tanh, got 'fast'"
                },
                new String[] {"top_k(arr, 0)", "top_k: k must be an integer >= 1, got 0"},
                new String[] {"top_k(arr)", "top_k: parameter 'k' is required; usage: top_k(x, k)"},
                new String[] {
                  "hard_tanh(x, 2.0, 1.0)",
                  "hard_tanh: min_val must be less than max_val, got min_val=2.0, max_val=1.0"
                })
            .map(
                c ->
                    () -> {
                      AnalysisException e =
                          assertThrows(
                              AnalysisException.class,
                              () -> spark.sql("SELECT " + c[0] + " FROM t"),
                              c[0]);
                      assertTrue(e.getMessage().contains(c[1]), c[0] + " gave: " + e.getMessage());
                    }));
  }

  @TestFactory
  Stream<DynamicTest> describeShowsUsageArgumentsExamplesAndVersion() {
    return Activations.all().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.name(),
                    () -> {
                      String described =
                          spark
                              .sql("DESCRIBE FUNCTION EXTENDED " + a.name())
                              .collectAsList()
                              .stream()
                              .map(r -> r.getString(0))
                              .collect(Collectors.joining("\n"));
                      assertTrue(described.contains("Function: " + a.name()), described);
                      assertTrue(
                          described.contains("Usage: " + a.signature() + " - " + a.doc()),
                          described);
                      assertTrue(described.contains("* x - "), described);
                      for (Parameter p : a.parameters()) {
                        assertTrue(
                            described.contains("* " + p.name() + " - " + p.doc()), described);
                      }
                      Example e = a.example();
                      assertTrue(
                          described.contains(
                              "> SELECT " + e.sql(a.name()) + ";\n       " + e.result()),
                          described);
                      assertTrue(
                          described.contains("Since: " + Version.get().replace("-SNAPSHOT", "")),
                          described);
                    }));
  }

  @Test
  void showFunctionsListsEveryNameAndAlias() {
    List<String> shown =
        spark.sql("SHOW FUNCTIONS").collectAsList().stream().map(r -> r.getString(0)).toList();
    for (Activation a : Activations.all()) {
      assertTrue(shown.contains(a.name()), a.name());
      a.aliases().forEach(alias -> assertTrue(shown.contains(alias), alias));
    }
  }

  /** The examples in DESCRIBE run in Spark and print the results they state. */
  @TestFactory
  Stream<DynamicTest> everyExampleGivesItsStatedResultInSpark() {
    return Activations.all().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.example().sql(a.name()),
                    () -> {
                      Object value =
                          spark
                              .sql("SELECT " + a.example().sql(a.name()))
                              .collectAsList()
                              .get(0)
                              .get(0);
                      String shown =
                          value instanceof scala.collection.Seq<?> seq
                              ? ScalaCollections.list(seq).stream()
                                  .map(
                                      v ->
                                          v instanceof Row r
                                              ? "{" + r.get(0) + ", " + r.get(1) + "}"
                                              : String.valueOf(v))
                                  .collect(Collectors.joining(", ", "[", "]"))
                              : String.valueOf(value);
                      assertEquals(a.example().result(), shown);
                    }));
  }
}
