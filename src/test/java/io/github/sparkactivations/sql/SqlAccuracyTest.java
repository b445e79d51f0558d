package io.github.sparkactivations.sql;

import static io.github.sparkactivations.SparkTestSession.collectBothModes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Reference;
import io.github.sparkactivations.core.Reference.ArrayCase;
import io.github.sparkactivations.core.Reference.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every SQL function against the core's mpmath reference values, through {@code spark.sql}, in
 * whole-stage codegen and interpreted modes (which must agree to the bit).
 */
class SqlAccuracyTest {

  private static final Map<String, List<Point>> POINTS =
      Reference.elementwise().stream()
          .collect(Collectors.groupingBy(Point::spec, LinkedHashMap::new, Collectors.toList()));

  @BeforeAll
  static void tables() {
    SparkSession spark = SparkTestSession.get();
    Set<Double> xs = new LinkedHashSet<>();
    POINTS.values().forEach(points -> points.forEach(p -> xs.add(p.x())));
    List<Row> rows = xs.stream().map(RowFactory::create).collect(Collectors.toList());
    spark
        .createDataFrame(rows, new StructType().add("x", DataTypes.DoubleType))
        .createOrReplaceTempView("points");
    List<Row> arrays = new ArrayList<>();
    for (ArrayCase c : Reference.arrays()) {
      List<Double> x = new ArrayList<>();
      for (double v : c.x()) {
        x.add(v);
      }
      arrays.add(RowFactory.create(c.name(), x));
    }
    spark
        .createDataFrame(
            arrays.stream().distinct().collect(Collectors.toList()),
            new StructType()
                .add("name", DataTypes.StringType)
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false)))
        .createOrReplaceTempView("logit_arrays");
  }

  @Test
  void everyElementwiseFunctionMatchesTheReference() {
    List<String> specs = new ArrayList<>(POINTS.keySet());
    String select =
        "SELECT x, "
            + specs.stream().map(s -> SqlCalls.call(s, "x")).collect(Collectors.joining(", "))
            + " FROM points";
    Map<Double, Row> byX = new LinkedHashMap<>();
    for (Row row : collectBothModes(spark -> spark.sql(select))) {
      byX.put(row.getDouble(0), row);
    }
    List<String> failures = new ArrayList<>();
    for (int s = 0; s < specs.size(); s++) {
      double budget = Reference.ULP_BUDGET;
      for (Point p : POINTS.get(specs.get(s))) {
        double y = byX.get(p.x()).getDouble(s + 1);
        double error = p.expected().ulpError(y);
        if (!(error < budget)) {
          failures.add(specs.get(s) + "(" + p.x() + ") = " + y + ": " + error + " ulp");
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * A float result is the double result rounded once: within half a float ulp of the exact value
   * plus the double path's own budget, with infinities, NaN and the sign of zero exact.
   */
  @Test
  void floatInputStaysFloatAndIsRoundedOnce() {
    List<String> specs = new ArrayList<>(POINTS.keySet());
    String select =
        "SELECT f, "
            + specs.stream().map(s -> SqlCalls.call(s, "f")).collect(Collectors.joining(", "))
            + " FROM (SELECT CAST(x AS FLOAT) AS f, x FROM points WHERE CAST(CAST(x AS FLOAT) AS"
            + " DOUBLE) = x OR isnan(x))";
    List<Row> rows = collectBothModes(spark -> spark.sql(select));
    StructType schema = SparkTestSession.get().sql(select).schema();
    List<String> failures = new ArrayList<>();
    for (int s = 0; s < specs.size(); s++) {
      assertEquals(DataTypes.FloatType, schema.fields()[s + 1].dataType(), specs.get(s));
      double budget = Reference.ULP_BUDGET;
      Map<Double, Reference.Exact> exact = new LinkedHashMap<>();
      POINTS.get(specs.get(s)).stream()
          .filter(p -> (double) (float) p.x() == p.x() || Double.isNaN(p.x()))
          .forEach(p -> exact.put(p.x(), p.expected()));
      int checked = 0;
      for (Row row : rows) {
        double x = row.getFloat(0);
        Reference.Exact expected = exact.get(x);
        if (expected == null) {
          continue; // a point of another function's input set (logit's are probabilities)
        }
        checked++;
        float y = row.getFloat(s + 1);
        double wide = expected.rounded();
        float rounded = (float) wide;
        boolean ok;
        if (Float.isNaN(rounded) || Float.isInfinite(rounded) || (y == 0 && rounded == 0)) {
          ok = Float.compare(y, rounded) == 0;
        } else {
          double allowed = 0.5 * Math.ulp(rounded) + (budget + 0.5) * Math.ulp(wide);
          ok = Math.abs(y - wide) <= allowed;
        }
        if (!ok) {
          failures.add(specs.get(s) + "(" + x + "f) = " + y + "f, exact " + expected);
        }
      }
      assertEquals(exact.size(), checked, specs.get(s) + ": points checked");
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void everyArrayFunctionMatchesTheReference() {
    Map<String, Map<String, ArrayCase>> cases = new LinkedHashMap<>();
    for (ArrayCase c : Reference.arrays()) {
      cases.computeIfAbsent(c.spec(), k -> new LinkedHashMap<>()).put(c.name(), c);
    }
    List<String> specs = new ArrayList<>(cases.keySet());
    String select =
        "SELECT name, "
            + specs.stream().map(s -> SqlCalls.call(s, "x")).collect(Collectors.joining(", "))
            + " FROM logit_arrays";
    int checked = 0;
    for (Row row : collectBothModes(spark -> spark.sql(select))) {
      for (int s = 0; s < specs.size(); s++) {
        ArrayCase c = cases.get(specs.get(s)).get(row.getString(0));
        if (c == null) {
          continue;
        }
        double[] out =
            row.get(s + 1) instanceof Double d
                ? new double[] {d}
                : row.<Double>getList(s + 1).stream().mapToDouble(Double::doubleValue).toArray();
        Reference.assertArrayResult(specs.get(s), c, out);
        checked++;
      }
    }
    assertEquals(Reference.arrays().size(), checked);
  }
}
