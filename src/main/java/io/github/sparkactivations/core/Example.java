package io.github.sparkactivations.core;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A worked example for the docs: an input, parameter values as SQL passes them, and the result as
 * Spark prints it. Tests evaluate every example, so the docs cannot drift from the kernels.
 */
public record Example(double[] input, boolean isArray, List<Object> parameters, String result) {

  public static Example scalar(String result, double x, Object... parameters) {
    return new Example(new double[] {x}, false, List.of(parameters), result);
  }

  public static Example array(String result, double[] x, Object... parameters) {
    return new Example(x.clone(), true, List.of(parameters), result);
  }

  /** The call in SQL, e.g. {@code softmax(array(-2.0, 0.0, 0.5), 2.0)}. */
  public String sql(String function) {
    String x =
        isArray
            ? Arrays.stream(input)
                .mapToObj(Double::toString)
                .collect(Collectors.joining(", ", "array(", ")"))
            : Double.toString(input[0]);
    StringBuilder call = new StringBuilder(function).append('(').append(x);
    for (Object p : parameters) {
      call.append(", ").append(p instanceof String s ? "'" + s + "'" : p);
    }
    return call.append(')').toString();
  }
}
