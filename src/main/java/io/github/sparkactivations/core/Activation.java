package io.github.sparkactivations.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One activation function of the catalogue: everything a surface needs to expose it — name,
 * aliases, kind, parameters, docs, example — and the kernel method that computes it.
 *
 * <p>Element-wise kernels live in {@link Kernels} as {@code double f(double x, params...)};
 * array-normalising kernels live in {@link ArrayKernels} with signatures fixed by {@link Output}.
 */
public final class Activation {

  /** How the function consumes its input. */
  public enum Kind {
    /** Applied to a scalar, or to every element of an array. */
    ELEMENTWISE,
    /** Applied to a whole array at once. */
    NORMALISING
  }

  /** What a normalising kernel produces, which fixes its method signature. */
  public enum Output {
    /**
     * Element-wise, or {@code void f(double[] x, int off, int len, double[] out, int outOff,
     * params...)}.
     */
    SAME_AS_INPUT,
    /** {@code double f(double[] x, int off, int len, params...)}. */
    DOUBLE,
    /** {@code int f(double[] x, int off, int len)}, {@link ArrayKernels#NO_RESULT} for null. */
    INDEX,
    /** {@code int f(double[] x, int off, int len, int k, int[] indices)}: (index, value) pairs. */
    TOP_K
  }

  private final String name;
  private final List<String> aliases;
  private final Kind kind;
  private final Output output;
  private final String kernel;
  private final List<Parameter> parameters;
  private final String doc;
  private final Example example;
  private final String constraint;
  private final Predicate<Map<String, Object>> constraintTest;

  private Activation(Builder b) {
    this.name = b.name;
    this.aliases = List.copyOf(b.aliases);
    this.kind = b.kind;
    this.output = b.output;
    this.kernel = b.kernel;
    this.parameters = List.copyOf(b.parameters);
    this.doc = Objects.requireNonNull(b.doc, b.name + ": doc");
    this.example = Objects.requireNonNull(b.example, b.name + ": example");
    this.constraint = b.constraint;
    this.constraintTest = b.constraintTest;
  }

  static Builder elementwise(String name, String kernel) {
    return new Builder(name, Kind.ELEMENTWISE, Output.SAME_AS_INPUT, kernel);
  }

  static Builder normalising(String name, String kernel, Output output) {
    return new Builder(name, Kind.NORMALISING, output, kernel);
  }

  public String name() {
    return name;
  }

  public List<String> aliases() {
    return aliases;
  }

  public Kind kind() {
    return kind;
  }

  public Output output() {
    return output;
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  /** One line: what the function computes. */
  public String doc() {
    return doc;
  }

  public Example example() {
    return example;
  }

  /** The class holding this activation's kernels. */
  public Class<?> kernelClass() {
    return kind == Kind.ELEMENTWISE ? Kernels.class : ArrayKernels.class;
  }

  /** {@code softplus(x[, beta[, threshold]])}, required parameters without brackets. */
  public String signature() {
    StringBuilder s = new StringBuilder(name).append("(x");
    int optional = 0;
    for (Parameter p : parameters) {
      if (p.isRequired()) {
        s.append(", ").append(p.name());
      } else {
        s.append("[, ").append(p.name());
        optional++;
      }
    }
    return s.append("]".repeat(optional)).append(')').toString();
  }

  /** Binds parameters given by position after {@code x}, as SQL passes them. */
  public Spec bind(List<?> positional) {
    if (positional.size() > parameters.size()) {
      throw new ActivationException(
          name
              + " takes at most "
              + parameters.size()
              + " parameter(s) after x, got "
              + positional.size()
              + "; usage: "
              + signature());
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < positional.size(); i++) {
      Parameter p = parameters.get(i);
      values.put(p.name(), p.accept(name, positional.get(i)));
    }
    return complete(values);
  }

  /** Binds parameters given by name (case-insensitive) as text, as a spec writes them. */
  public Spec bindNamed(Map<String, String> named) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : named.entrySet()) {
      Parameter p = parameter(e.getKey());
      values.put(p.name(), p.parse(name, e.getValue()));
    }
    return complete(values);
  }

  private Parameter parameter(String parameterName) {
    String key = parameterName.trim().toLowerCase(Locale.ROOT);
    return parameters.stream()
        .filter(p -> p.name().equals(key))
        .findFirst()
        .orElseThrow(
            () ->
                new ActivationException(
                    name
                        + ": unknown parameter '"
                        + parameterName.trim()
                        + "'; "
                        + (parameters.isEmpty()
                            ? "it takes no parameters"
                            : "valid parameters: "
                                + parameters.stream()
                                    .map(Parameter::name)
                                    .collect(Collectors.joining(", ")))));
  }

  private Spec complete(Map<String, Object> given) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      Object v = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue();
      if (v == null) {
        throw new ActivationException(
            name + ": parameter '" + p.name() + "' is required; usage: " + signature());
      }
      values.put(p.name(), v);
    }
    if (constraintTest != null && !constraintTest.test(values)) {
      throw new ActivationException(
          name
              + ": "
              + constraint
              + ", got "
              + values.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", ")));
    }
    String method = kernel;
    for (Parameter p : parameters) {
      if (p.type() == Parameter.Type.CHOICE) {
        method = p.kernelFor(values.get(p.name()));
      }
    }
    return new Spec(this, values, method);
  }

  @Override
  public String toString() {
    return signature();
  }

  /** Assembles a catalogue entry; see {@link Activations}. */
  static final class Builder {
    private final String name;
    private final Kind kind;
    private final Output output;
    private final String kernel;
    private final List<String> aliases = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private String doc;
    private Example example;
    private String constraint;
    private Predicate<Map<String, Object>> constraintTest;

    private Builder(String name, Kind kind, Output output, String kernel) {
      this.name = name;
      this.kind = kind;
      this.output = output;
      this.kernel = kernel;
    }

    Builder alias(String alias) {
      aliases.add(alias);
      return this;
    }

    Builder parameter(Parameter parameter) {
      parameters.add(parameter);
      return this;
    }

    Builder doc(String doc) {
      this.doc = doc;
      return this;
    }

    Builder example(Example example) {
      this.example = example;
      return this;
    }

    /** A rule across parameters, with the words of its error message. */
    Builder constraint(String rule, Predicate<Map<String, Object>> test) {
      this.constraint = rule;
      this.constraintTest = test;
      return this;
    }

    Activation build() {
      return new Activation(this);
    }
  }
}
