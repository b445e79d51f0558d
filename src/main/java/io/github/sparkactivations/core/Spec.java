package io.github.sparkactivations.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An activation with all its parameter values: what {@code softmax(temperature=2.0)} means. It
 * names the kernel method and its arguments (what the Spark layer compiles into generated code) and
 * can also evaluate the kernel directly on primitives.
 *
 * <p>Float inputs are computed in double and rounded once, so a float result is {@code (float)} of
 * the double result; except that softmax, softmin, log_softmax, sigmoid, silu and GELU's tanh form
 * have float kernels ({@link #hasFloatKernel()}), whose results are within half a float ulp (plus
 * 1e-4 ulp) of exact.
 */
public final class Spec {

  private static final Pattern SPEC =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\((.*)\\))?\\s*", Pattern.DOTALL);
  private static final Pattern ARGUMENT =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(['\"]?)([^'\"]*)\\2\\s*");

  private final Activation activation;
  private final Map<String, Object> arguments;
  private final String kernelMethod;
  private MethodHandle boundKernel;
  private Optional<MethodHandle> boundFloatKernel; // looked up on first use

  Spec(Activation activation, Map<String, Object> arguments, String kernelMethod) {
    this.activation = activation;
    this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    this.kernelMethod = kernelMethod;
  }

  /**
   * Parses {@code function} or {@code function(name=value, ...)}; names are case-insensitive.
   *
   * @throws ActivationException naming what is wrong and what is valid
   */
  public static Spec parse(String text) {
    Matcher m = SPEC.matcher(text);
    if (!m.matches()) {
      throw new ActivationException(
          "malformed activation spec '"
              + text
              + "': expected function or function(name=value, ...), e.g. softmax(temperature=2.0)");
    }
    Activation activation = Activations.get(m.group(1));
    Map<String, String> named = new LinkedHashMap<>();
    String body = m.group(2);
    if (body != null && !body.isBlank()) {
      for (String part : body.split(",", -1)) {
        Matcher a = ARGUMENT.matcher(part);
        if (!a.matches()) {
          throw new ActivationException(
              activation.name()
                  + ": expected name=value, got '"
                  + part.trim()
                  + "'; usage: "
                  + activation.signature());
        }
        String key = a.group(1).toLowerCase(Locale.ROOT);
        if (named.put(key, a.group(3)) != null) {
          throw new ActivationException(
              activation.name() + ": parameter '" + key + "' is given twice");
        }
      }
    }
    return activation.bindNamed(named);
  }

  public Activation activation() {
    return activation;
  }

  /** Every parameter's value (defaults included), in declaration order. */
  public Map<String, Object> arguments() {
    return arguments;
  }

  /**
   * The parameter values in order, up to the last one that differs from its default: what a
   * positional call ({@code softmax(x, 2.0)}) needs to say.
   */
  public List<Object> positionalArguments() {
    List<Object> values = new ArrayList<>(arguments.values());
    List<Parameter> parameters = activation.parameters();
    int last = parameters.size();
    while (last > 0 && values.get(last - 1).equals(parameters.get(last - 1).defaultValue())) {
      last--;
    }
    return values.subList(0, last);
  }

  /** The static method of {@link Activation#kernelClass()} that computes this spec. */
  public String kernelMethod() {
    return kernelMethod;
  }

  /** The values passed to the kernel after its input, in order (Double or Integer). */
  public List<Object> kernelArguments() {
    List<Object> values = new ArrayList<>();
    for (Parameter p : activation.parameters()) {
      if (p.isKernelArgument()) {
        values.add(arguments.get(p.name()));
      }
    }
    return values;
  }

  /** The kernel's parameter types: its fixed leading ones, then one per kernel argument. */
  public MethodType kernelType() {
    MethodType leading =
        switch (activation.output()) {
          case SAME_AS_INPUT ->
              activation.kind() == Activation.Kind.ELEMENTWISE
                  ? MethodType.methodType(double.class, double.class)
                  : MethodType.methodType(
                      void.class, double[].class, int.class, int.class, double[].class, int.class);
          case DOUBLE -> MethodType.methodType(double.class, double[].class, int.class, int.class);
          case INDEX, TOP_K ->
              MethodType.methodType(int.class, double[].class, int.class, int.class);
        };
    for (Parameter p : activation.parameters()) {
      if (p.isKernelArgument()) {
        leading = leading.appendParameterTypes(p.kernelType());
      }
    }
    return activation.output() == Activation.Output.TOP_K
        ? leading.appendParameterTypes(int[].class)
        : leading;
  }

  /**
   * The type of a kernel's float array form in {@link ArrayKernels} ({@code float[]} in and out, as
   * the array-to-array kernels take doubles), or null for kernels that do not map a row to a row.
   */
  private MethodType floatKernelType() {
    if (activation.output() != Activation.Output.SAME_AS_INPUT) {
      return null;
    }
    List<Class<?>> parameters = kernelType().parameterList();
    int leading = activation.kind() == Activation.Kind.ELEMENTWISE ? 1 : 5;
    return MethodType.methodType(
            void.class, float[].class, int.class, int.class, float[].class, int.class)
        .appendParameterTypes(parameters.subList(leading, parameters.size()));
  }

  /** True if the kernel has a float form, which float arrays use instead of widening. */
  public boolean hasFloatKernel() {
    return floatKernel() != null;
  }

  /** Canonical text: the name, plus the parameters that differ from their defaults. */
  @Override
  public String toString() {
    String changed =
        activation.parameters().stream()
            .filter(p -> !arguments.get(p.name()).equals(p.defaultValue()))
            .map(p -> p.name() + "=" + p.format(arguments.get(p.name())))
            .collect(Collectors.joining(", "));
    return changed.isEmpty() ? activation.name() : activation.name() + "(" + changed + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Spec s && s.activation == activation && s.arguments.equals(arguments);
  }

  @Override
  public int hashCode() {
    return activation.hashCode() * 31 + arguments.hashCode();
  }

  // Direct evaluation. The Spark layer compiles static calls instead; these serve tests and
  // callers outside Spark, through a method handle bound to the parameter values.

  /** An element-wise function at x. */
  public double apply(double x) {
    requireKind(Activation.Kind.ELEMENTWISE);
    try {
      return (double) kernel().invokeExact(x);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** An element-wise function at a float: computed in double, rounded once. */
  public float apply(float x) {
    return (float) apply((double) x);
  }

  /** Element-wise or normalising, array in, array of the same length out. */
  public void apply(double[] x, int offset, int length, double[] out, int outOffset) {
    if (activation.kind() == Activation.Kind.ELEMENTWISE) {
      for (int i = 0; i < length; i++) {
        out[outOffset + i] = apply(x[offset + i]);
      }
      return;
    }
    requireOutput(Activation.Output.SAME_AS_INPUT);
    try {
      kernel().invokeExact(x, offset, length, out, outOffset);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * The float form of {@link #apply(double[], int, int, double[], int)}: the float kernel if there
   * is one, else the double kernel on widened values.
   */
  public void apply(float[] x, int offset, int length, float[] out, int outOffset) {
    MethodHandle floatKernel = floatKernel();
    if (floatKernel != null) {
      try {
        floatKernel.invokeExact(x, offset, length, out, outOffset);
      } catch (Throwable t) {
        throw rethrow(t);
      }
      return;
    }
    double[] wide = ArrayKernels.widen(x, offset, length);
    apply(wide, 0, length, wide, 0);
    ArrayKernels.narrow(wide, out, outOffset);
  }

  /** A normalising function that reduces the array to one double (logsumexp). */
  public double reduce(double[] x, int offset, int length) {
    requireOutput(Activation.Output.DOUBLE);
    try {
      return (double) kernel().invokeExact(x, offset, length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * A normalising function that picks an index (argmax); {@link ArrayKernels#NO_RESULT} for null.
   */
  public int index(double[] x, int offset, int length) {
    requireOutput(Activation.Output.INDEX);
    try {
      return (int) kernel().invokeExact(x, offset, length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** top_k: fills indices (length >= k) and returns how many, or {@link ArrayKernels#NO_RESULT}. */
  public int topK(double[] x, int offset, int length, int[] indices) {
    requireOutput(Activation.Output.TOP_K);
    try {
      return (int) kernel().invokeExact(x, offset, length, indices);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private MethodHandle kernel() {
    if (boundKernel == null) {
      MethodType type = kernelType();
      try {
        boundKernel = bound(activation.kernelClass(), type);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            activation.name() + ": no kernel " + kernelMethod + type, e);
      }
    }
    return boundKernel;
  }

  private MethodHandle floatKernel() {
    if (boundFloatKernel == null) {
      MethodType type = floatKernelType();
      MethodHandle handle = null;
      if (type != null) {
        try {
          handle = bound(ArrayKernels.class, type);
        } catch (NoSuchMethodException e) {
          // No float form: callers widen.
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(activation.name() + ": " + e.getMessage(), e);
        }
      }
      boundFloatKernel = Optional.ofNullable(handle);
    }
    return boundFloatKernel.orElse(null);
  }

  /** The kernel of that type with the parameter values bound. */
  private MethodHandle bound(Class<?> owner, MethodType type) throws ReflectiveOperationException {
    MethodHandle handle = MethodHandles.publicLookup().findStatic(owner, kernelMethod, type);
    int position = type.parameterCount() - kernelArguments().size();
    if (activation.output() == Activation.Output.TOP_K) {
      position--;
    }
    return MethodHandles.insertArguments(handle, position, kernelArguments().toArray());
  }

  private void requireKind(Activation.Kind kind) {
    if (activation.kind() != kind) {
      throw new IllegalStateException(activation.name() + " is not " + kind);
    }
  }

  private void requireOutput(Activation.Output output) {
    if (activation.output() != output || activation.kind() != Activation.Kind.NORMALISING) {
      throw new IllegalStateException(activation.name() + " does not produce " + output);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
