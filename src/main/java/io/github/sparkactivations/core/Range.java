package io.github.sparkactivations.core;

import java.util.function.DoublePredicate;

/** The values a numeric parameter accepts, with the words that explain them in errors and docs. */
public record Range(String description, DoublePredicate test) {

  public static final Range FINITE = new Range("finite", Double::isFinite);
  public static final Range POSITIVE =
      new Range("finite and > 0", v -> Double.isFinite(v) && v > 0);
  public static final Range NON_NEGATIVE =
      new Range("finite and >= 0", v -> Double.isFinite(v) && v >= 0);
  public static final Range NON_ZERO =
      new Range("finite and != 0", v -> Double.isFinite(v) && v != 0);
  public static final Range NOT_NAN = new Range("a number (not NaN)", v -> !Double.isNaN(v));
  public static final Range AT_LEAST_ONE = new Range("an integer >= 1", v -> v >= 1);

  public boolean contains(double value) {
    return test.test(value);
  }
}
