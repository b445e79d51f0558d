package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * erfcx(z) = e^(z^2) erfc(z), the double-double kernel under GELU, against mpmath at 256 bits
 * (src/test/python/reference_values.py) over its range [0, 32): every 32nd of each binade, its
 * edges and the ulp below them, tiny and random points.
 */
class ErrorFunctionTest {

  @Test
  void erfcxIsWithin2ToTheMinus61OfExact() {
    double worst = 0;
    for (Map.Entry<Double, BigDecimal> point : Reference.erfcx().entrySet()) {
      double z = point.getKey();
      double relative = Reference.relativeError(ErrorFunction.erfcx(z), point.getValue());
      assertTrue(relative < 0x1p-61, "erfcx(" + z + "): relative error " + relative);
      worst = Math.max(worst, relative);
    }
    System.out.printf("erfcx: worst relative error 2^%.1f%n", Math.log(worst) / Math.log(2));
  }
}
