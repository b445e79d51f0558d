package io.github.sparkactivations.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.ActivationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationTransformerTest {

  private final SparkSession spark = SparkTestSession.get();

  /** Three separable classes in the plane, with noise. */
  private Dataset<Row> classes(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    double[][] centres = {{0, 0}, {3, 1}, {1, 4}};
    for (int i = 0; i < 300; i++) {
      int label = i % count;
      rows.add(
          RowFactory.create(
              (double) label,
              Vectors.dense(
                  centres[label][0] + random.nextGaussian(),
                  centres[label][1] + random.nextGaussian())));
    }
    return spark.createDataFrame(
        rows,
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("features", SQLDataTypes.VectorType()));
  }

  private static void assertMatchesProbability(Dataset<Row> predictions, String activation) {
    List<Row> rows =
        new ActivationTransformer()
            .setInputCol("rawPrediction")
            .setOutputCol("ours")
            .setActivation(activation)
            .transform(predictions)
            .select("probability", "ours")
            .collectAsList();
    assertEquals(300, rows.size());
    for (Row row : rows) {
      double[] expected = ((Vector) row.get(0)).toArray();
      double[] ours = ((Vector) row.get(1)).toArray();
      assertArrayEquals(expected, ours, 1e-12);
    }
  }

  @Test
  void softmaxOfRawPredictionIsTheMultinomialLogisticRegressionsProbability() {
    Dataset<Row> predictions =
        new LogisticRegression()
            .setFamily("multinomial")
            .setMaxIter(30)
            .fit(classes(3, 1))
            .transform(classes(3, 2));
    assertMatchesProbability(predictions, "softmax");
  }

  @Test
  void sigmoidOfRawPredictionIsTheBinomialLogisticRegressionsProbability() {
    Dataset<Row> predictions =
        new LogisticRegression()
            .setFamily("binomial")
            .setMaxIter(30)
            .fit(classes(2, 3))
            .transform(classes(2, 4));
    assertMatchesProbability(predictions, "sigmoid");
  }

  @Test
  void softmaxOfRawPredictionIsTheMultilayerPerceptronsProbability() {
    Dataset<Row> predictions =
        new MultilayerPerceptronClassifier()
            .setLayers(new int[] {2, 5, 3})
            .setMaxIter(50)
            .setSeed(7)
            .fit(classes(3, 5))
            .transform(classes(3, 6));
    assertMatchesProbability(predictions, "softmax");
  }

  private Dataset<Row> inputs() {
    List<Row> rows =
        List.of(
            RowFactory.create(
                Vectors.dense(-2.0, 0.0, 0.5),
                Vectors.sparse(5, new int[] {1, 3}, new double[] {-2.0, 0.5}),
                List.of(-2.0, 0.0, 0.5),
                List.of(-2.0f, 0.0f, 0.5f),
                -1.0,
                -1.0f),
            RowFactory.create(null, null, null, null, null, null));
    StructType schema =
        new StructType()
            .add("dense", SQLDataTypes.VectorType())
            .add("sparse", SQLDataTypes.VectorType())
            .add("doubles", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("floats", DataTypes.createArrayType(DataTypes.FloatType))
            .add("d", DataTypes.DoubleType)
            .add("f", DataTypes.FloatType);
    return spark.createDataFrame(rows, schema);
  }

  private Row transform(String activation, String... inputs) {
    String[] outputs = new String[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      outputs[i] = "out_" + inputs[i];
    }
    Dataset<Row> out =
        new ActivationTransformer()
            .setInputCols(inputs)
            .setOutputCols(outputs)
            .setActivation(activation)
            .transform(inputs());
    // Vectors go through the same expression as SQL: both execution modes must agree.
    List<Row> rows =
        SparkTestSession.collectBothModes(
            session -> out.select(Arrays.stream(outputs).map(o -> col(o)).toArray(Column[]::new)));
    for (int i = 0; i < inputs.length; i++) {
      assertNull(rows.get(1).get(i), "null row stays null: " + inputs[i]);
    }
    return rows.get(0);
  }

  @Test
  void everyInputTypeGivesTheSameValuesAndKeepsItsType() {
    // softmax([-2, 0, 0.5]) from mpmath (0.048610824031302264936, 0.35918810578253861804,
    // 0.59220107018615911703), rounded to double.
    double[] softmax = {0.04861082403130226, 0.3591881057825386, 0.5922010701861591};
    Row row = transform("softmax", "dense", "doubles", "floats");
    double[] vector = ((DenseVector) row.get(0)).toArray();
    List<Double> doubles = row.getList(1);
    List<Float> floats = row.getList(2);
    for (int i = 0; i < 3; i++) {
      // Within the softmax family's budget of 4 ulp; floats rounded once from the double result.
      assertEquals(softmax[i], vector[i], 4 * Math.ulp(softmax[i]), "vector " + i);
      assertEquals(vector[i], doubles.get(i), "the same kernel for arrays and vectors, " + i);
      assertEquals((float) softmax[i], floats.get(i), Math.ulp((float) softmax[i]), "float " + i);
    }
    Row scalars = transform("sigmoid", "d", "f");
    assertEquals(0.2689414213699951, scalars.getDouble(0));
    assertEquals(0.26894143f, scalars.getFloat(1));
  }

  @Test
  void sparseVectorsStaySparseExactlyWhenTheFunctionKeepsZeroAtZero() {
    SparseVector relu = (SparseVector) transform("relu", "sparse").get(0);
    assertArrayEquals(new int[] {1, 3}, relu.indices());
    assertArrayEquals(new double[] {0.0, 0.5}, relu.values());
    SparseVector leaky =
        (SparseVector) transform("leaky_relu(negative_slope=0.1)", "sparse").get(0);
    assertArrayEquals(new double[] {-0.2, 0.5}, leaky.values());
    DenseVector sigmoid = (DenseVector) transform("sigmoid", "sparse").get(0);
    assertEquals(5, sigmoid.size());
    assertEquals(0.5, sigmoid.apply(0));
    assertEquals(0.11920292202211756, sigmoid.apply(1)); // mpmath: 0.119202922022117555940...
    Vector softmax = (Vector) transform("softmax", "sparse").get(0);
    assertInstanceOf(DenseVector.class, softmax);
    // softmax over [0, -2, 0, 0.5, 0]: the implicit zeros count.
    double total = 3 + Math.exp(-2) + Math.exp(0.5);
    assertEquals(1 / total, softmax.apply(0), 1e-16);
    assertEquals(Math.exp(0.5) / total, softmax.apply(3), 1e-16);
  }

  @Test
  void temperatureAndReductionsWorkOnVectors() {
    Row row = transform("softmax(temperature=2.0)", "dense");
    double[] p = ((Vector) row.get(0)).toArray();
    double total = Math.exp(-1) + 1 + Math.exp(0.25);
    assertEquals(Math.exp(0.25) / total, p[2], 1e-16);
    assertEquals(2, transform("argmax", "dense").getInt(0));
    assertEquals(3, transform("argmax", "sparse").getInt(0));
  }

  @Test
  void nanAndEmptyBehaveAsInSql() {
    Dataset<Row> df =
        spark.sql(
            "SELECT array(1.0D, double('NaN')) AS nan, CAST(array() AS ARRAY<DOUBLE>) AS empty");
    Row row =
        new ActivationTransformer()
            .setInputCols(new String[] {"nan", "empty"})
            .setOutputCols(new String[] {"p_nan", "p_empty"})
            .transform(df)
            .select("p_nan", "p_empty")
            .first();
    assertTrue(row.<Double>getList(0).stream().allMatch(v -> v.isNaN()));
    assertEquals(List.of(), row.getList(1));
  }

  @Test
  void schemaErrorsSayWhatIsWrong() {
    Dataset<Row> df = inputs();
    assertError(
        "input column 'missing' does not exist; columns: dense, sparse, doubles, floats, d, f",
        new ActivationTransformer().setInputCol("missing").setOutputCol("o"),
        df);
    assertError(
        "output column 'd' already exists; choose another output column",
        new ActivationTransformer().setInputCol("dense").setOutputCol("d"),
        df);
    assertError(
        "input column 'd': softmax: x must be an array of numbers",
        new ActivationTransformer().setInputCol("d").setOutputCol("o"),
        df);
    assertError(
        "inputCols has 2 column(s) but outputCols has 1; give one output column per input column",
        new ActivationTransformer()
            .setInputCols(new String[] {"dense", "doubles"})
            .setOutputCols(new String[] {"o"}),
        df);
    assertError(
        "no input column: set inputCol (with outputCol) or inputCols (with outputCols)",
        new ActivationTransformer(),
        df);
    assertError(
        "set inputCol or inputCols, not both",
        new ActivationTransformer().setInputCol("dense").setInputCols(new String[] {"doubles"}),
        df);
    ActivationException bad =
        assertThrows(
            ActivationException.class,
            () -> new ActivationTransformer().setActivation("softmax(temperature=-1)"));
    assertEquals("softmax: temperature must be finite and > 0, got -1.0", bad.getMessage());
  }

  private static void assertError(
      String expected, ActivationTransformer transformer, Dataset<Row> df) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> transformer.transformSchema(df.schema()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("ActivationTransformer " + transformer.uid()), e.getMessage());
  }

  @Test
  void savesAndLoadsAloneInAPipelineAndInAFittedPipelineModel(@TempDir Path dir) throws Exception {
    ActivationTransformer stage =
        new ActivationTransformer()
            .setInputCol("rawPrediction")
            .setOutputCol("calibrated")
            .setActivation("softmax(temperature=1.5)");
    stage.save(dir.resolve("stage").toString());
    ActivationTransformer loaded = ActivationTransformer.load(dir.resolve("stage").toString());
    assertEquals(stage.uid(), loaded.uid());
    assertEquals("softmax(temperature=1.5)", loaded.getActivation());
    assertEquals("calibrated", loaded.getOutputCol());

    Pipeline pipeline =
        new Pipeline()
            .setStages(new PipelineStage[] {new LogisticRegression().setMaxIter(20), stage});
    pipeline.save(dir.resolve("pipeline").toString());
    Pipeline loadedPipeline = Pipeline.load(dir.resolve("pipeline").toString());
    assertEquals(2, loadedPipeline.getStages().length);

    PipelineModel model = loadedPipeline.fit(classes(3, 8));
    model.save(dir.resolve("model").toString());
    PipelineModel loadedModel = PipelineModel.load(dir.resolve("model").toString());
    Dataset<Row> test = classes(3, 9);
    assertEquals(
        model.transform(test).select("calibrated").collectAsList(),
        loadedModel.transform(test).select("calibrated").collectAsList());
    assertInstanceOf(ActivationTransformer.class, loadedModel.stages()[1]);
  }

  /**
   * Spark Connect ML finds stages by class name through this service list and builds them with the
   * {@code (String uid)} constructor; the list itself needs the no-argument one.
   */
  @Test
  void isAServiceWithTheConstructorsConnectMlUses() throws Exception {
    assertTrue(
        ServiceLoader.load(Transformer.class).stream()
            .anyMatch(p -> p.type() == ActivationTransformer.class));
    assertEquals(
        "activation_1",
        ActivationTransformer.class.getConstructor(String.class).newInstance("activation_1").uid());
    assertTrue(
        ActivationTransformer.class.getConstructor().newInstance().uid().startsWith("activation_"));
  }
}
