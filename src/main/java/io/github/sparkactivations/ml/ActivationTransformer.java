package io.github.sparkactivations.ml;

import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.core.Spec;
import io.github.sparkactivations.sql.ActivationFunctions;
import io.github.sparkactivations.sql.SparkLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * Applies an activation to vector, array or scalar columns: a Pipeline stage that turns model
 * outputs into probabilities, e.g. {@code softmax(temperature=2.0)} on {@code rawPrediction}.
 *
 * <p>It runs the same native expression as the SQL functions. ML vectors are computed on their
 * internal values directly; element-wise functions with f(0) = 0 keep sparse vectors sparse. The
 * output type follows the input: vector, array of double or float, double or float.
 *
 * <pre>{@code
 * new ActivationTransformer()
 *     .setInputCol("rawPrediction").setOutputCol("calibrated")
 *     .setActivation("softmax(temperature=1.5)");
 * }</pre>
 */
public final class ActivationTransformer extends Transformer implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;
  private final Param<String> activation;

  public ActivationTransformer() {
    this(Identifiable$.MODULE$.randomUID("activation"));
  }

  public ActivationTransformer(String uid) {
    this.uid = uid;
    // Params read uid() when created, so they are made after it is set.
    inputCol =
        new Param<>(this, "inputCol", "input column: a vector, an array of numbers or a number");
    outputCol = new Param<>(this, "outputCol", "output column");
    inputCols = new StringArrayParam(this, "inputCols", "input columns, each activated alike");
    outputCols = new StringArrayParam(this, "outputCols", "output columns, one per input column");
    Function1<String, Object> validSpec =
        spec -> {
          Spec.parse(spec); // throws ActivationException with what is valid
          return true;
        };
    activation =
        new Param<>(
            this, "activation", "activation spec, e.g. softmax(temperature=2.0)", validSpec);
    setDefault(this.activation, "softmax");
    setDefault(this.outputCol, uid + "__output");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public StringArrayParam outputCols() {
    return outputCols;
  }

  public Param<String> activation() {
    return activation;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public String[] getInputCols() {
    return $(inputCols);
  }

  public String[] getOutputCols() {
    return $(outputCols);
  }

  public String getActivation() {
    return $(activation);
  }

  public ActivationTransformer setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public ActivationTransformer setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public ActivationTransformer setInputCols(String[] value) {
    set(inputCols, value);
    return this;
  }

  public ActivationTransformer setOutputCols(String[] value) {
    set(outputCols, value);
    return this;
  }

  /**
   * @throws ActivationException if the spec is not valid, naming what is
   */
  public ActivationTransformer setActivation(String spec) {
    set(activation, spec);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SparkLine.requireMatch();
    Spec spec = Spec.parse(getActivation());
    StructType out = schema;
    Set<String> existing = new HashSet<>(Arrays.asList(schema.fieldNames()));
    for (Map.Entry<String, String> pair : columnPairs().entrySet()) {
      String input = pair.getKey();
      String output = pair.getValue();
      if (!existing.contains(input)) {
        throw error(
            "input column '"
                + input
                + "' does not exist; columns: "
                + String.join(", ", schema.fieldNames()));
      }
      if (Arrays.asList(out.fieldNames()).contains(output)) {
        throw error("output column '" + output + "' already exists; choose another output column");
      }
      DataType type = schema.apply(input).dataType();
      try {
        out = out.add(output, ActivationFunctions.resultType(spec, type), true);
      } catch (ActivationException e) {
        throw error("input column '" + input + "': " + e.getMessage());
      }
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Spec spec = Spec.parse(getActivation());
    Map<String, Column> outputs = new LinkedHashMap<>();
    for (Map.Entry<String, String> pair : columnPairs().entrySet()) {
      Column input = dataset.col("`" + pair.getKey().replace("`", "``") + "`");
      outputs.put(pair.getValue(), ActivationFunctions.column(spec, input));
    }
    return dataset.toDF().withColumns(outputs);
  }

  /** input column → output column, in order, from the single- or multi-column params. */
  private Map<String, String> columnPairs() {
    Map<String, String> pairs = new LinkedHashMap<>();
    boolean single = isSet(inputCol);
    boolean multiple = isSet(inputCols);
    if (single == multiple) {
      throw error(
          single
              ? "set inputCol or inputCols, not both"
              : "no input column: set inputCol (with outputCol) or inputCols (with outputCols)");
    }
    if (single) {
      if (isSet(outputCols)) {
        throw error("outputCols goes with inputCols; with inputCol, set outputCol");
      }
      pairs.put(getInputCol(), getOutputCol());
      return pairs;
    }
    List<String> inputs = Arrays.asList(getInputCols());
    List<String> outputs = isSet(outputCols) ? Arrays.asList(getOutputCols()) : new ArrayList<>();
    if (inputs.size() != outputs.size()) {
      throw error(
          "inputCols has "
              + inputs.size()
              + " column(s) but outputCols has "
              + outputs.size()
              + "; give one output column per input column");
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (pairs.put(inputs.get(i), outputs.get(i)) != null) {
        throw error("input column '" + inputs.get(i) + "' is listed twice in inputCols");
      }
    }
    if (new HashSet<>(outputs).size() != outputs.size()) {
      throw error("outputCols lists the same column twice: " + String.join(", ", outputs));
    }
    return pairs;
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("ActivationTransformer " + uid + ": " + message);
  }

  @Override
  public ActivationTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<ActivationTransformer> read() {
    return new DefaultParamsReader<>();
  }

  public static ActivationTransformer load(String path) {
    return read().load(path);
  }
}
