package io.github.sparkactivations.core;

import java.util.Locale;
import java.util.Map;

/**
 * One parameter of an activation: its name, type, default and the values it accepts. Numeric
 * parameters are passed to the kernel in declaration order; a choice parameter instead selects
 * which kernel runs (gelu's {@code approximate}).
 */
public final class Parameter {

  /** The kinds of values a parameter takes. */
  public enum Type {
    REAL,
    INTEGER,
    CHOICE
  }

  /** Stands for "no value" in an optional real parameter: softplus without a threshold. */
  private static final double NONE = Double.POSITIVE_INFINITY;

  private final String name;
  private final Type type;
  private final Object defaultValue;
  private final Range range;
  private final Map<String, String> optionKernels;
  private final String doc;

  private Parameter(
      String name,
      Type type,
      Object defaultValue,
      Range range,
      Map<String, String> optionKernels,
      String doc) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.range = range;
    this.optionKernels = optionKernels;
    this.doc = doc;
  }

  public static Parameter real(String name, double defaultValue, Range range, String doc) {
    return new Parameter(name, Type.REAL, defaultValue, range, Map.of(), doc);
  }

  /** A real parameter that may be left out; absent, it is +inf and shown as {@code none}. */
  public static Parameter optionalReal(String name, Range range, String doc) {
    return new Parameter(name, Type.REAL, NONE, range, Map.of(), doc);
  }

  public static Parameter requiredReal(String name, Range range, String doc) {
    return new Parameter(name, Type.REAL, null, range, Map.of(), doc);
  }

  public static Parameter requiredInteger(String name, Range range, String doc) {
    return new Parameter(name, Type.INTEGER, null, range, Map.of(), doc);
  }

  /**
   * A parameter whose value picks the kernel method; {@code optionKernels} maps each option (in
   * display order) to that method's name.
   */
  public static Parameter choice(
      String name, String defaultOption, Map<String, String> optionKernels, String doc) {
    return new Parameter(name, Type.CHOICE, defaultOption, null, optionKernels, doc);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String doc() {
    return doc;
  }

  public boolean isRequired() {
    return defaultValue == null;
  }

  /** The default value (a Double, Integer or String), or null if the parameter is required. */
  public Object defaultValue() {
    return defaultValue;
  }

  /** Whether the kernel receives this parameter's value as an argument. */
  public boolean isKernelArgument() {
    return type != Type.CHOICE;
  }

  /** The Java type the kernel method declares for this parameter. */
  public Class<?> kernelType() {
    return type == Type.INTEGER ? int.class : double.class;
  }

  String kernelFor(Object option) {
    return optionKernels.get((String) option);
  }

  /** What the parameter accepts, in words: "finite and > 0", "one of none, tanh". */
  public String allowed() {
    return type == Type.CHOICE
        ? "one of " + String.join(", ", optionKernels.keySet())
        : range.description();
  }

  /** The default as shown in docs: a number, an option, {@code none} or {@code required}. */
  public String defaultText() {
    if (isRequired()) {
      return "required";
    }
    return format(defaultValue);
  }

  /** Formats a value of this parameter as docs and canonical specs show it. */
  public String format(Object value) {
    if (value instanceof Double d && d == NONE && type == Type.REAL && !isRequired()) {
      return "none";
    }
    return String.valueOf(value);
  }

  /** Parses a value written in a spec, e.g. {@code 2.0}, {@code inf}, {@code tanh}. */
  Object parse(String function, String text) {
    String value = text.trim();
    switch (type) {
      case CHOICE:
        return accept(function, value.toLowerCase(Locale.ROOT));
      case INTEGER:
        try {
          return accept(function, Integer.parseInt(value));
        } catch (NumberFormatException e) {
          throw invalid(function, value);
        }
      default:
        return accept(function, parseReal(function, value));
    }
  }

  /**
   * Checks a value given directly (a SQL literal: any Number, or a String for a choice) and returns
   * it as the parameter's own type.
   */
  Object accept(String function, Object value) {
    switch (type) {
      case CHOICE:
        if (value instanceof String s && optionKernels.containsKey(s.toLowerCase(Locale.ROOT))) {
          return s.toLowerCase(Locale.ROOT);
        }
        throw invalid(function, value);
      case INTEGER:
        if (value instanceof Number n
            && n.doubleValue() == Math.rint(n.doubleValue())
            && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE
            && range.contains(n.doubleValue())) {
          return n.intValue();
        }
        throw invalid(function, value);
      default:
        if (value instanceof Number n && range.contains(n.doubleValue())) {
          return n.doubleValue();
        }
        throw invalid(function, value);
    }
  }

  private double parseReal(String function, String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "none":
        if (isRequired() || !(defaultValue instanceof Double d && d == NONE)) {
          throw invalid(function, "none");
        }
        return NONE;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw invalid(function, text);
        }
    }
  }

  private ActivationException invalid(String function, Object got) {
    String shown = got instanceof String text ? "'" + text + "'" : String.valueOf(got);
    return new ActivationException(
        function + ": " + name + " must be " + allowed() + ", got " + shown);
  }
}
