package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The double-double log1p against log(1 + y) in BigDecimal (2 atanh(y/(2 + y)) by its series for
 * |y| < 1/2, else k ln2 plus 2 atanh((m - 1)/(m + 1)), at 60 digits): hi + lo within 2^-66 of
 * exact, hi within half an ulp plus 2^-12, over every binade of y from -1 to 10^308, near the
 * method's boundaries, and for double-double input; log over every binade, subnormals included; the
 * plain double log1p within 2^-37.
 */
class LogarithmTest {

  private static final MathContext DIGITS = new MathContext(60);
  private static final BigDecimal LN2 =
      new BigDecimal("0.69314718055994530941723212145817656807550013436025525412068");

  /** log(1 + y), to about 55 significant digits however small y is. */
  static BigDecimal exactLog1p(BigDecimal y) {
    if (y.abs().compareTo(new BigDecimal("0.5")) < 0) {
      return atanhSeries(y.divide(y.add(BigDecimal.valueOf(2)), DIGITS));
    }
    return exactLog(BigDecimal.ONE.add(y));
  }

  /** 2 atanh(u) = 2 (u + u^3/3 + u^5/5 + ...), for |u| <= 1/3. */
  private static BigDecimal atanhSeries(BigDecimal u) {
    BigDecimal square = u.multiply(u, DIGITS);
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal power = u;
    BigDecimal negligible = u.abs().movePointLeft(60);
    for (int n = 1; power.abs().compareTo(negligible) > 0; n += 2) {
      sum = sum.add(power.divide(BigDecimal.valueOf(n), DIGITS), DIGITS);
      power = power.multiply(square, DIGITS);
    }
    return sum.multiply(BigDecimal.valueOf(2), DIGITS);
  }

  /** log x for x > 0, to about 55 digits. */
  static BigDecimal exactLog(BigDecimal x) {
    int k = 0;
    BigDecimal two = BigDecimal.valueOf(2);
    while (x.compareTo(two) >= 0) {
      x = x.divide(two, DIGITS);
      k++;
    }
    while (x.compareTo(BigDecimal.ONE) < 0) {
      x = x.multiply(two, DIGITS);
      k--;
    }
    BigDecimal u = x.subtract(BigDecimal.ONE).divide(x.add(BigDecimal.ONE), DIGITS);
    return atanhSeries(u).add(LN2.multiply(BigDecimal.valueOf(k), DIGITS), DIGITS);
  }

  private static List<Double> points() {
    List<Double> points = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(20261202);
    for (int i = 0; i < 6_000; i++) {
      // Every binade, both signs where the value stays above -1.
      double y = Math.scalb(random.nextDouble(1, 2), random.nextInt(-1060, 1023));
      points.add(y);
      if (y < 1) {
        points.add(-y);
      }
    }
    for (int i = 0; i < 3_000; i++) {
      points.add(random.nextDouble(-1, 3));
    }
    for (double edge : new double[] {1.0 / 128, -1.0 / 128, 1, -0.5, Math.E - 1}) {
      for (int ulps = -3; ulps <= 3; ulps++) {
        points.add(edge + ulps * Math.ulp(edge));
      }
    }
    points.add(-1 + 0x1p-53);
    points.add(Double.MAX_VALUE);
    points.add(0.0);
    return points;
  }

  private static double worst;

  private static void assertClose(double y, double yLo, DoubleDouble log, String what) {
    BigDecimal exact = exactLog1p(new BigDecimal(y).add(new BigDecimal(yLo)));
    if (exact.signum() == 0) {
      assertEquals(0.0, log.hi(), what);
      return;
    }
    double relative = Reference.relativeError(log, exact);
    double ulps = Reference.ulpsOfHi(log, exact);
    assertTrue(relative < 0x1p-66, what + ": relative error " + relative);
    worst = Math.max(worst, relative);
    assertTrue(ulps <= 0.5 + 0x1p-12, what + ": hi " + ulps + " ulp from exact");
  }

  @Test
  void hiPlusLoIsWithin2ToTheMinus66OfExact() {
    for (double y : points()) {
      assertClose(y, 0, Logarithm.log1p(y, 0), "log1p(" + y + ")");
    }
    System.out.printf(
        "log1p: worst relative error of hi + lo 2^%.1f%n", Math.log(worst) / Math.log(2));
  }

  @Test
  void theLowPartOfTheArgumentCounts() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 3_000; i++) {
      double y = Math.scalb(random.nextDouble(1, 2), random.nextInt(-60, 10));
      double yLo = Math.ulp(y) * random.nextDouble(-0.5, 0.5);
      assertClose(y, yLo, Logarithm.log1p(y, yLo), "log1p(" + y + " + " + yLo + ")");
    }
  }

  @Test
  void logOfEveryBinadeSubnormalsIncluded() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 4_000; i++) {
      double v = Math.scalb(random.nextDouble(1, 2), random.nextInt(-1074, 1024));
      DoubleDouble log = Logarithm.log(v);
      BigDecimal exact = exactLog(new BigDecimal(v));
      double relative = Reference.relativeError(log, exact);
      assertTrue(relative < 0x1p-66, "log(" + v + "): relative error " + relative);
    }
  }

  @Test
  void plainLog1pIsWithin2ToTheMinus37OfExactForEveryNonNegativeArgument() {
    SplittableRandom random = new SplittableRandom(5);
    List<Double> points = new ArrayList<>(List.of(0.0, Double.MIN_VALUE, 0x1p-53, 1.0, 1e9));
    for (int i = 0; i < 20_000; i++) {
      // Every binade a row's sum can take, and evenly over the first few, where the table's
      // entries change fastest.
      points.add(Math.scalb(random.nextDouble(1, 2), random.nextInt(-1074, 40)));
      points.add(random.nextDouble(0, 4));
    }
    for (int j = 0; j <= 128; j++) {
      double edge = 1.0 / 128 * j; // where u = 1 + y moves to the next entry
      for (int ulps = -2; ulps <= 2; ulps++) {
        points.add(Math.max(0, edge + ulps * Math.ulp(edge)));
      }
    }
    assertEquals(0.0, Logarithm.log1p(0));
    double worst = 0;
    for (double y : points) {
      if (y == 0) {
        continue;
      }
      double log = Logarithm.log1p(y);
      BigDecimal exact = exactLog1p(new BigDecimal(y));
      double relative =
          new BigDecimal(log).subtract(exact).abs().divide(exact, DIGITS).doubleValue();
      assertTrue(relative < 0x1p-37, "log1p(" + y + ") = " + log + ", relative error " + relative);
      worst = Math.max(worst, relative);
    }
    System.out.printf(
        "log1p in doubles: worst relative error 2^%.1f%n", Math.log(worst) / Math.log(2));
  }

  @Test
  void limitsAndNan() {
    assertEquals(Double.NEGATIVE_INFINITY, Logarithm.log1p(-1, 0).hi());
    assertTrue(Double.isNaN(Logarithm.log1p(-1.5, 0).hi()));
    assertTrue(Double.isNaN(Logarithm.log1p(Double.NaN, 0).hi()));
    assertEquals(Double.POSITIVE_INFINITY, Logarithm.log1p(Double.POSITIVE_INFINITY, 0).hi());
    assertEquals(new DoubleDouble(0.0, 0), Logarithm.log1p(-0.0, 0));
    assertEquals(Double.NEGATIVE_INFINITY, Logarithm.log(0).hi());
    assertTrue(Double.isNaN(Logarithm.log(-1).hi()));
  }
}
