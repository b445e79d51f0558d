package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.Spec;
import java.util.List;
import java.util.stream.Collectors;

/** Writes a spec (e.g. {@code gelu(approximate=tanh)}) as a SQL call on a column. */
final class SqlCalls {

  private SqlCalls() {}

  static String call(String specText, String column) {
    String name = specText.replaceAll("\\(.*", "").trim();
    List<Object> parameters = Spec.parse(specText).positionalArguments();
    return name
        + "("
        + column
        + parameters.stream().map(p -> ", " + literal(p)).collect(Collectors.joining())
        + ")";
  }

  static String literal(Object value) {
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Double d && d.isInfinite()) {
      return d > 0 ? "double('inf')" : "double('-inf')";
    }
    return String.valueOf(value);
  }
}
