package io.github.sparkactivations.sql;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.functions;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag$;

/** The two installation routes, every way of calling, and the trip through serialization. */
class RegistrationTest {

  private final SparkSession spark = SparkTestSession.get();

  private static Dataset<Row> logits(SparkSession session) {
    return session
        .range(3)
        .selectExpr("array(CAST(id AS DOUBLE), 1.0D, -1.0D) AS x", "CAST(id AS DOUBLE) AS y");
  }

  @Test
  void theExtensionInstallsEveryNameInNewSessions() {
    Set<String> shown =
        spark.sql("SHOW FUNCTIONS").collectAsList().stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toSet());
    for (Activation a : Activations.all()) {
      assertTrue(shown.contains(a.name()), a.name());
    }
  }

  @Test
  void registerInstallsTheFunctionsInAnExistingSessionIdempotently() {
    SparkSession session = spark.newSession();
    FunctionRegistry registry = SparkShims.functionRegistry(session);
    Set<String> ours = Activations.all().stream().map(Activation::name).collect(Collectors.toSet());
    for (FunctionIdentifier id : ScalaCollections.list(registry.listFunction())) {
      if (ours.contains(id.funcName())) {
        registry.dropFunction(id);
      }
    }
    AnalysisException missing =
        assertThrows(AnalysisException.class, () -> session.sql("SELECT sigmoid(0.0D)").collect());
    assertTrue(missing.getMessage().contains("UNRESOLVED_ROUTINE"), missing.getMessage());

    // The Column API needs no registration.
    assertEquals(
        0.5,
        logits(session).select(functions.sigmoid(col("y").minus(col("y")))).first().getDouble(0));

    ActivationFunctions.register(session);
    ActivationFunctions.register(session);
    assertEquals(0.5, session.sql("SELECT sigmoid(0.0D)").first().getDouble(0));
    assertEquals(
        "softmax(x[, temperature]) - e^(x_i/T) / sum_j e^(x_j/T): probabilities summing to 1.",
        session
            .sql("DESCRIBE FUNCTION softmax")
            .collectAsList()
            .get(2)
            .getString(0)
            .replace("Usage: ", ""));
  }

  @Test
  void everyWayOfCallingGivesTheSameResult() {
    Dataset<Row> df = logits(spark);
    List<Row> expected =
        spark
            .sql(
                "SELECT softmax(x, 2.0) FROM (SELECT array(CAST(id AS DOUBLE), 1.0D, -1.0D) AS x FROM range(3))")
            .collectAsList();
    assertEquals(expected, df.selectExpr("softmax(x, 2.0)").collectAsList());
    assertEquals(expected, df.select(expr("softmax(x, 2.0)")).collectAsList());
    assertEquals(
        expected,
        df.select(call_function("softmax", col("x"), org.apache.spark.sql.functions.lit(2.0)))
            .collectAsList());
    assertEquals(expected, df.select(functions.softmax(col("x"), 2.0)).collectAsList());
    assertEquals(
        expected,
        df.select(functions.activation("SoftMax(temperature=2)", col("x"))).collectAsList());
    assertEquals(
        "softmax(x, 2.0)",
        df.select(functions.activation("softmax(temperature=2)", col("x"))).columns()[0]);
    assertEquals("gelu(y, 'tanh')", df.select(functions.gelu(col("y"), "tanh")).columns()[0]);
    assertEquals(
        df.selectExpr("gelu(y, 'tanh')").collectAsList(),
        df.select(functions.activation("gelu(approximate=tanh)", col("y"))).collectAsList());
  }

  @Test
  void theColumnApiHasAMethodForEveryFunctionAndChecksParametersAtOnce() {
    Set<String> methods =
        Arrays.stream(functions.class.getMethods())
            .filter(m -> Modifier.isStatic(m.getModifiers()))
            .map(Method::getName)
            .collect(Collectors.toSet());
    for (Activation a : Activations.all()) {
      assertTrue(methods.contains(a.name()), "functions." + a.name() + " is missing");
      a.aliases().forEach(alias -> assertTrue(methods.contains(alias), "functions." + alias));
    }
    ActivationException e =
        assertThrows(ActivationException.class, () -> functions.softmax(col("x"), -1.0));
    assertEquals("softmax: temperature must be finite and > 0, got -1.0", e.getMessage());
    AnalysisException wrongType =
        assertThrows(
            AnalysisException.class,
            () -> logits(spark).select(functions.softmax(col("y"))).collect());
    assertTrue(
        wrongType.getMessage().contains("softmax: x must be an array of numbers"),
        wrongType.getMessage());
  }

  @Test
  void expressionsSurviveJavaAndKryoSerialization() {
    assertEquals(
        "org.apache.spark.serializer.KryoSerializer", spark.conf().get("spark.serializer"));
    Expression softmax =
        ActivationFunctions.create(
            "softmax",
            new BoundReference(0, DataTypes.createArrayType(DataTypes.DoubleType, false), false),
            List.of(2.0));
    SerializerInstance java = new JavaSerializer(new SparkConf()).newInstance();
    Expression copy =
        java.deserialize(
            java.serialize(softmax, ClassTag$.MODULE$.apply(Expression.class)),
            ClassTag$.MODULE$.apply(Expression.class));
    assertEquals(softmax, copy);
    GenericInternalRow row =
        new GenericInternalRow(
            new Object[] {
              org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.fromPrimitiveArray(
                  new double[] {0, 2})
            });
    assertEquals(softmax.eval(row).toString(), copy.eval(row).toString());
  }

  @Test
  void parquetRoundTrip(@TempDir Path dir) throws Exception {
    Dataset<Row> input =
        spark
            .range(200)
            .selectExpr(
                "id",
                "transform(sequence(0, 9), i -> CAST(sin(id + i) * 10 AS FLOAT)) AS flogits",
                "transform(sequence(0, 9), i -> cos(id * i) * 5) AS dlogits",
                "CAST(id AS DOUBLE) / 50 - 2 AS score");
    input.write().parquet(dir.resolve("logits").toString());
    Dataset<Row> activated =
        spark
            .read()
            .parquet(dir.resolve("logits").toString())
            .selectExpr(
                "id",
                "softmax(flogits) AS fp",
                "log_softmax(dlogits) AS dp",
                "sigmoid(score) AS s",
                "top_k(dlogits, 3) AS top");
    List<Row> before = activated.orderBy("id").collectAsList();
    activated.write().mode(SaveMode.ErrorIfExists).parquet(dir.resolve("activated").toString());
    Dataset<Row> back = spark.read().parquet(dir.resolve("activated").toString());
    assertEquals(
        DataTypes.createArrayType(DataTypes.FloatType, true), back.schema().apply("fp").dataType());
    assertEquals(before.toString(), back.orderBy("id").collectAsList().toString());
    assertEquals(200, before.size());
    assertTrue(Files.isDirectory(dir.resolve("activated")));
  }
}
