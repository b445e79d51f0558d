package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.core.Reference.ArrayCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Array functions against mpmath on random logits of length 1 to 10^4, at scales where
 * probabilities reach e^-700, shifted by 10^6 (where x - max must stay exact) and near ±1e300.
 */
class ArrayAccuracyTest {

  /** Per element, in ulps of the exact value. */
  private static final double SOFTMAX_FAMILY_BUDGET = 4.0;

  private static final double LOGSUMEXP_BUDGET = 2.0;

  /**
   * sparsemax and entmax15 subtract a threshold from each logit, which cancels for the smallest
   * kept probabilities: their error is bounded in absolute terms, in ulps of 1.
   */
  private static final double PROJECTION_ABSOLUTE_BUDGET = 8 * Math.ulp(1.0);

  private static final Map<String, String> REPORT = new ConcurrentSkipListMap<>();

  @TestFactory
  Stream<DynamicTest> everyArrayFunctionMatchesTheReference() {
    List<ArrayCase> cases = Reference.arrays();
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.spec() + " on " + c.name(),
                    () -> {
                      Spec spec = Spec.parse(c.spec());
                      double worst = check(spec, c);
                      REPORT.merge(
                          c.spec(),
                          String.format("%.3f", worst),
                          (a, b) -> Double.parseDouble(a) >= Double.parseDouble(b) ? a : b);
                    }));
  }

  /** Returns the worst error: ulps, or ulps of 1 for the projections. */
  private static double check(Spec spec, ArrayCase c) {
    int n = c.x().length;
    String name = spec.activation().name();
    if (name.equals("logsumexp")) {
      double error = c.expected()[0].ulpError(spec.reduce(c.x(), 0, n));
      assertTrue(error <= LOGSUMEXP_BUDGET, spec + " on " + c.name() + ": " + error + " ulp");
      return error;
    }
    double[] out = new double[n];
    spec.apply(c.x(), 0, n, out, 0);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double error;
      if (name.equals("sparsemax") || name.equals("entmax15")) {
        double exact = c.expected()[i].value().doubleValue();
        error = Math.abs(out[i] - exact) / Math.ulp(1.0);
        assertTrue(
            Math.abs(out[i] - exact) <= PROJECTION_ABSOLUTE_BUDGET,
            spec + " on " + c.name() + "[" + i + "]: " + out[i] + " vs " + c.expected()[i]);
        if (exact == 0) {
          assertEquals(0.0, out[i], spec + " on " + c.name() + "[" + i + "] must be exactly 0");
        }
      } else {
        error = c.expected()[i].ulpError(out[i]);
        assertTrue(
            error <= SOFTMAX_FAMILY_BUDGET,
            spec
                + " on "
                + c.name()
                + "["
                + i
                + "]: "
                + out[i]
                + " vs "
                + c.expected()[i]
                + ", "
                + error
                + " ulp");
      }
      worst = Math.max(worst, error);
    }
    return worst;
  }

  @AfterAll
  static void writeReport() throws IOException {
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      StringBuilder table =
          new StringBuilder(
              "| spec | max error (ulp; ulp of 1 for sparsemax/entmax15) |\n|---|---|\n");
      REPORT.forEach(
          (spec, worst) ->
              table.append("| ").append(spec).append(" | ").append(worst).append(" |\n"));
      Files.writeString(target.resolve("accuracy-arrays.md"), table);
    }
  }
}
