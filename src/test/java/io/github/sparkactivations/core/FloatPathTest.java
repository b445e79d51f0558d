package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Float inputs are computed in double and rounded once: bit for bit (float) of the double path,
 * except for the float kernels (the softmax family, sigmoid, silu and GELU's tanh form), which must
 * be within half a float ulp (plus 1e-4 ulp for the double roundings) of the double path's result,
 * itself within two double ulps of exact.
 */
class FloatPathTest {

  private static final float[] SPECIAL = {
    0f,
    -0f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MIN_NORMAL,
    1e-30f,
    0.5f,
    1f,
    -1f,
    3f,
    -3f,
    20f,
    -20f,
    88.7f,
    -103f,
    -745f,
    1e30f,
    -1e30f,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.NaN
  };

  @TestFactory
  Stream<DynamicTest> everyFunctionRoundsItsDoubleResultOnce() {
    return Activations.all().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.name(),
                    () -> {
                      Spec spec = a.bind(a.example().parameters());
                      Random random = new Random(a.name().hashCode());
                      for (int trial = 0; trial < 200; trial++) {
                        int n = trial < SPECIAL.length ? 1 : 1 + random.nextInt(12);
                        float[] x = new float[n];
                        for (int i = 0; i < n; i++) {
                          // The float kernels take specials inside rows too: ranges past
                          // e^709, NaN, infinities.
                          x[i] =
                              trial < SPECIAL.length
                                  ? SPECIAL[trial]
                                  : spec.hasFloatKernel() && random.nextInt(6) == 0
                                      ? SPECIAL[random.nextInt(SPECIAL.length)]
                                      : (float) (random.nextGaussian() * 8);
                        }
                        assertRoundedOnce(spec, x);
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> floatKernelsStayWithinHalfAnUlpOnLongRows() {
    return Stream.of(
            "softmax",
            "softmax(temperature=0.3)",
            "softmin(temperature=7)",
            "log_softmax",
            "sigmoid",
            "silu",
            "gelu(approximate=tanh)")
        .map(Spec::parse)
        .map(
            spec ->
                DynamicTest.dynamicTest(
                    spec.toString(),
                    () -> {
                      assertTrue(spec.hasFloatKernel());
                      Random random = new Random(spec.toString().hashCode());
                      for (int n : new int[] {100, 1000, 10_000}) {
                        float[] x = new float[n];
                        for (int i = 0; i < n; i++) {
                          x[i] = (float) (random.nextGaussian() * 12);
                        }
                        assertRoundedOnce(spec, x);
                      }
                    }));
  }

  private static void assertWithinHalfUlp(double expected, float actual, String message) {
    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      assertEquals((float) expected, actual, message);
      return;
    }
    double allowed = 0.5 * Math.ulp((float) expected) * (1 + 1e-4);
    assertTrue(
        Math.abs(actual - expected) <= allowed,
        message + ": " + actual + " vs " + expected + ", allowed " + allowed);
  }

  private static void assertRoundedOnce(Spec spec, float[] x) {
    int n = x.length;
    double[] wide = ArrayKernels.widen(x, 0, n);
    switch (spec.activation().output()) {
      case SAME_AS_INPUT -> {
        float[] out = new float[n];
        spec.apply(x, 0, n, out, 0);
        double[] expected = new double[n];
        spec.apply(wide, 0, n, expected, 0);
        for (int i = 0; i < n; i++) {
          if (spec.hasFloatKernel()) {
            assertWithinHalfUlp(expected[i], out[i], spec + " at " + x[i] + " of " + n);
            continue;
          }
          assertEquals((float) expected[i], out[i], spec + " at " + x[i]);
          if (spec.activation().kind() == Activation.Kind.ELEMENTWISE) {
            assertEquals((float) spec.apply(wide[i]), spec.apply(x[i]), spec + " at " + x[i]);
          }
        }
      }
      // Reductions and indices read the widened values exactly: checked against plain
      // definitions over the float row itself.
      case DOUBLE -> {
        double temperature = (Double) spec.arguments().get("temperature");
        double expected = naiveLogSumExp(x, temperature);
        double actual = spec.reduce(wide, 0, n);
        if (Double.isFinite(expected)) {
          // The naive sum carries about n roundings of its own, and max + T·log(sum) cancels
          // where the two terms are larger than the result: bounded in their ulps.
          double max = Arrays.stream(wide).max().orElseThrow();
          double terms = Math.abs(expected) + 2 * Math.abs(max);
          assertEquals(expected, actual, (n + 2) * Math.ulp(terms), spec + " of " + n);
        } else {
          assertEquals(expected, actual, spec + " of " + n);
        }
      }
      case INDEX -> assertEquals(firstMaximum(x), spec.index(wide, 0, n), spec + " of " + n);
      case TOP_K -> {
        int k = (Integer) spec.arguments().get("k");
        int[] indices = new int[n];
        int count = spec.topK(wide, 0, n, indices);
        boolean nan = false;
        for (float v : x) {
          nan |= Float.isNaN(v);
        }
        if (nan) {
          assertEquals(ArrayKernels.NO_RESULT, count, spec + " with a NaN");
          return;
        }
        // Descending by value, ties by index: a stable sort of the indices.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          order.add(i);
        }
        order.sort((a, b) -> Float.compare(x[b], x[a]));
        assertEquals(order.subList(0, Math.min(k, n)), toList(indices, count), spec + " of " + n);
      }
    }
  }

  /** T·log Σ e^(x/T) from the maximum, in the plain order; -inf for a row of -inf. */
  private static double naiveLogSumExp(float[] x, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      if (Float.isNaN(v)) {
        return Double.NaN;
      }
      max = Math.max(max, v);
    }
    if (Double.isInfinite(max)) {
      return max;
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp((v - max) / temperature);
    }
    return max + temperature * Math.log(sum);
  }

  /** The index of the first maximum, or NO_RESULT for a NaN anywhere. */
  private static int firstMaximum(float[] x) {
    int best = 0;
    for (int i = 0; i < x.length; i++) {
      if (Float.isNaN(x[i])) {
        return ArrayKernels.NO_RESULT;
      }
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  private static List<Integer> toList(int[] values, int count) {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(values[i]);
    }
    return list;
  }
}
