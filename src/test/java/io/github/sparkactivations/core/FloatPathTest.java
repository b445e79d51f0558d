package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Float inputs are computed in double and rounded once: bit for bit (float) of the double path. */
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
                          x[i] =
                              trial < SPECIAL.length
                                  ? SPECIAL[trial]
                                  : (float) (random.nextGaussian() * 8);
                        }
                        assertRoundedOnce(spec, x);
                      }
                    }));
  }

  private static void assertRoundedOnce(Spec spec, float[] x) {
    int n = x.length;
    double[] wide = Spec.widen(x, 0, n);
    switch (spec.activation().output()) {
      case SAME_AS_INPUT -> {
        float[] out = new float[n];
        spec.apply(x, 0, n, out, 0);
        double[] expected = new double[n];
        spec.apply(wide, 0, n, expected, 0);
        for (int i = 0; i < n; i++) {
          assertEquals((float) expected[i], out[i], spec + " at " + x[i]);
          if (spec.activation().kind() == Activation.Kind.ELEMENTWISE) {
            assertEquals((float) spec.apply(wide[i]), spec.apply(x[i]), spec + " at " + x[i]);
          }
        }
      }
      // Reductions and indices read the widened values: nothing to round but the result.
      default -> {}
    }
  }
}
