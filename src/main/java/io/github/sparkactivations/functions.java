package io.github.sparkactivations;

import io.github.sparkactivations.core.Spec;
import io.github.sparkactivations.sql.ActivationColumns;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The activations as DataFrame functions, mirroring {@code org.apache.spark.sql.functions}: one
 * static method per catalogue entry (the SQL name), overloads for its parameters, and {@link
 * #activation(String, Column)} for a spec string. In a classic session each builds the same native
 * expression as the SQL function and needs no registration; on a Spark Connect client each is a
 * call of the SQL function by name, which a server with the extension resolves.
 *
 * <pre>{@code
 * import static io.github.sparkactivations.functions.*;
 * df.select(softmax(col("logits"), 2.0).as("probs"), sigmoid(col("score")));
 * }</pre>
 *
 * Invalid parameters throw {@link io.github.sparkactivations.core.ActivationException} at once; an
 * unsupported column type fails when the query is analysed.
 */
public final class functions {

  private functions() {}

  /** Any activation by spec, e.g. {@code activation("softmax(temperature=2)", col("logits"))}. */
  public static Column activation(String spec, Column x) {
    Spec parsed = Spec.parse(spec);
    return ActivationColumns.column(parsed.activation().name(), x, parsed.positionalArguments());
  }

  public static Column identity(Column x) {
    return call("identity", x);
  }

  public static Column sigmoid(Column x) {
    return call("sigmoid", x);
  }

  public static Column log_sigmoid(Column x) {
    return call("log_sigmoid", x);
  }

  public static Column logit(Column p) {
    return call("logit", p);
  }

  public static Column relu(Column x) {
    return call("relu", x);
  }

  public static Column relu6(Column x) {
    return call("relu6", x);
  }

  public static Column leaky_relu(Column x) {
    return call("leaky_relu", x);
  }

  public static Column leaky_relu(Column x, double negativeSlope) {
    return call("leaky_relu", x, negativeSlope);
  }

  public static Column elu(Column x) {
    return call("elu", x);
  }

  public static Column elu(Column x, double alpha) {
    return call("elu", x, alpha);
  }

  public static Column selu(Column x) {
    return call("selu", x);
  }

  public static Column celu(Column x) {
    return call("celu", x);
  }

  public static Column celu(Column x, double alpha) {
    return call("celu", x, alpha);
  }

  public static Column gelu(Column x) {
    return call("gelu", x);
  }

  /** {@code approximate} is {@code "none"} (exact) or {@code "tanh"}. */
  public static Column gelu(Column x, String approximate) {
    return call("gelu", x, approximate);
  }

  public static Column silu(Column x) {
    return call("silu", x);
  }

  public static Column swish(Column x) {
    return call("swish", x);
  }

  public static Column mish(Column x) {
    return call("mish", x);
  }

  public static Column softplus(Column x) {
    return call("softplus", x);
  }

  public static Column softplus(Column x, double beta) {
    return call("softplus", x, beta);
  }

  public static Column softplus(Column x, double beta, double threshold) {
    return call("softplus", x, beta, threshold);
  }

  public static Column softsign(Column x) {
    return call("softsign", x);
  }

  public static Column hard_sigmoid(Column x) {
    return call("hard_sigmoid", x);
  }

  public static Column hard_swish(Column x) {
    return call("hard_swish", x);
  }

  public static Column hard_tanh(Column x) {
    return call("hard_tanh", x);
  }

  public static Column hard_tanh(Column x, double minVal, double maxVal) {
    return call("hard_tanh", x, minVal, maxVal);
  }

  public static Column tanh_shrink(Column x) {
    return call("tanh_shrink", x);
  }

  public static Column soft_shrink(Column x) {
    return call("soft_shrink", x);
  }

  public static Column soft_shrink(Column x, double lambda) {
    return call("soft_shrink", x, lambda);
  }

  public static Column hard_shrink(Column x) {
    return call("hard_shrink", x);
  }

  public static Column hard_shrink(Column x, double lambda) {
    return call("hard_shrink", x, lambda);
  }

  public static Column threshold(Column x, double threshold, double value) {
    return call("threshold", x, threshold, value);
  }

  public static Column softmax(Column x) {
    return call("softmax", x);
  }

  public static Column softmax(Column x, double temperature) {
    return call("softmax", x, temperature);
  }

  public static Column log_softmax(Column x) {
    return call("log_softmax", x);
  }

  public static Column log_softmax(Column x, double temperature) {
    return call("log_softmax", x, temperature);
  }

  public static Column softmin(Column x) {
    return call("softmin", x);
  }

  public static Column softmin(Column x, double temperature) {
    return call("softmin", x, temperature);
  }

  public static Column sparsemax(Column x) {
    return call("sparsemax", x);
  }

  public static Column entmax15(Column x) {
    return call("entmax15", x);
  }

  public static Column logsumexp(Column x) {
    return call("logsumexp", x);
  }

  public static Column logsumexp(Column x, double temperature) {
    return call("logsumexp", x, temperature);
  }

  public static Column argmax(Column x) {
    return call("argmax", x);
  }

  public static Column top_k(Column x, int k) {
    return call("top_k", x, k);
  }

  private static Column call(String name, Column x, Object... parameters) {
    return ActivationColumns.column(name, x, List.of(parameters));
  }
}
