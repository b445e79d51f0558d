package io.github.sparkactivations.core;

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

  private static double check(Spec spec, ArrayCase c) {
    int n = c.x().length;
    double[] out;
    if (spec.activation().output() == Activation.Output.DOUBLE) {
      out = new double[] {spec.reduce(c.x(), 0, n)};
    } else {
      out = new double[n];
      spec.apply(c.x(), 0, n, out, 0);
    }
    return Reference.assertArrayResult(spec.toString(), c, out);
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
