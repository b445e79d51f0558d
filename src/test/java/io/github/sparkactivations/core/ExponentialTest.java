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
 * The double-double exponential against e^x in BigDecimal (Taylor series of x/2^20, squared 20
 * times, at 80 digits): hi + lo within 2^-66 of exact where lo is a normal double (e^x above
 * 2^-969), hi within half an ulp plus 2^-12 over the normal range and faithful below it; the limits
 * and NaN.
 */
class ExponentialTest {

  private static final MathContext DIGITS = new MathContext(80);
  private static final BigDecimal SUBNORMAL_ULP = new BigDecimal(Double.MIN_VALUE);

  /** From here down, e^x is below 2^-969 and its low part below the normal range. */
  private static final double LO_NORMAL = -671;

  /** e^x to about 70 significant digits. */
  static BigDecimal exact(double x) {
    BigDecimal y = new BigDecimal(x).divide(BigDecimal.valueOf(1 << 20), DIGITS);
    BigDecimal sum = BigDecimal.ONE;
    BigDecimal term = BigDecimal.ONE;
    for (int n = 1; n < 40; n++) {
      term = term.multiply(y, DIGITS).divide(BigDecimal.valueOf(n), DIGITS);
      sum = sum.add(term, DIGITS);
    }
    for (int i = 0; i < 20; i++) {
      sum = sum.multiply(sum, DIGITS);
    }
    return sum;
  }

  /** The points: random over the normal range, near reduction boundaries, tiny and edge values. */
  private static List<Double> points() {
    List<Double> points = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(20261201);
    for (int i = 0; i < 20_000; i++) {
      points.add(random.nextDouble(LO_NORMAL, 709.78));
    }
    for (int i = 0; i < 5_000; i++) {
      points.add(random.nextDouble(-1, 1) * Math.pow(2, -random.nextInt(60)));
    }
    double step = Math.log(2) / 128;
    for (int k = -300; k <= 300; k++) {
      for (double d : new double[] {-1e-12, 0, 1e-12, step / 2, -step / 2}) {
        points.add(k * step * 17 + d);
      }
    }
    for (double x : new double[] {0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, 709.78}) {
      points.add(x);
    }
    return points;
  }

  @Test
  void hiPlusLoIsWithin2ToTheMinus66OfExactAndHiIsRoundedToNearest() {
    double worstRelative = 0;
    double worstUlps = 0;
    for (double x : points()) {
      DoubleDouble e = Exponential.exp(x);
      BigDecimal exact = exact(x);
      double relative = Reference.relativeError(e, exact);
      double ulps = Reference.ulpsOfHi(e, exact);
      assertTrue(relative < 0x1p-66, "exp(" + x + "): relative error " + relative);
      assertTrue(ulps <= 0.5 + 0x1p-12, "exp(" + x + "): hi " + ulps + " ulp from exact");
      worstRelative = Math.max(worstRelative, relative);
      worstUlps = Math.max(worstUlps, ulps);
    }
    System.out.printf(
        "exp: worst relative error of hi + lo 2^%.1f, of hi %.4f ulp%n",
        Math.log(worstRelative) / Math.log(2), worstUlps);
  }

  @Test
  void whereLoIsSubnormalHiIsStillRoundedToNearest() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 2_000; i++) {
      double x = random.nextDouble(-708.39, LO_NORMAL);
      DoubleDouble e = Exponential.exp(x);
      double ulps =
          new BigDecimal(e.hi()).subtract(exact(x)).abs().doubleValue() / Math.ulp(e.hi());
      assertTrue(ulps <= 0.5 + 0x1p-12, "exp(" + x + "): hi " + ulps + " ulp from exact");
    }
  }

  @Test
  void belowTheNormalRangeHiIsFaithful() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      double x = random.nextDouble(-745.1, -708.4);
      DoubleDouble e = Exponential.exp(x);
      BigDecimal error = new BigDecimal(e.hi()).subtract(exact(x)).abs();
      assertTrue(error.compareTo(SUBNORMAL_ULP) < 0, "exp(" + x + ") = " + e.hi());
      assertEquals(0, Math.abs(e.lo()));
    }
  }

  /**
   * The short exponential over its domain, x <= 0: hi + lo within 2^-59 where lo is normal, hi
   * within 2^-52 down to the normal range's edge.
   */
  @Test
  void shortExpIsWithin2ToTheMinus59OfExact() {
    double worst = 0;
    for (double x : points()) {
      double negative = -Math.abs(x);
      if (negative <= LO_NORMAL) {
        continue;
      }
      DoubleDouble e = Exponential.shortExp(negative);
      double relative = Reference.relativeError(e, exact(negative));
      assertTrue(relative < 0x1p-59, "shortExp(" + negative + "): relative error " + relative);
      worst = Math.max(worst, relative);
    }
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 2_000; i++) {
      double x = random.nextDouble(Exponential.SHORT_UNDERFLOW, LO_NORMAL);
      double relative =
          new BigDecimal(Exponential.shortExp(x).hi())
              .subtract(exact(x))
              .abs()
              .divide(exact(x), DIGITS)
              .doubleValue();
      assertTrue(relative < 0x1p-52, "shortExp(" + x + "): hi's relative error " + relative);
    }
    System.out.printf("shortExp: worst relative error 2^%.1f%n", Math.log(worst) / Math.log(2));
  }

  @Test
  void shortExpLimitsZerosAndNan() {
    assertEquals(new DoubleDouble(1, 0), Exponential.shortExp(0));
    assertEquals(new DoubleDouble(1, 0), Exponential.shortExp(-0.0));
    assertEquals(0.0, Exponential.shortExp(-708).hi());
    assertEquals(0.0, Exponential.shortExp(Double.NEGATIVE_INFINITY).hi());
    assertTrue(Exponential.shortExp(-707.9).hi() >= Double.MIN_NORMAL);
    assertTrue(Double.isNaN(Exponential.shortExp(Double.NaN).hi()));
  }

  /** e^x - 1 in BigDecimal: the series where |x| < 1/2, e^x minus 1 elsewhere. */
  private static BigDecimal exactExpm1(double x) {
    if (Math.abs(x) >= 0.5) {
      return exact(x).subtract(BigDecimal.ONE, DIGITS);
    }
    BigDecimal y = new BigDecimal(x);
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal term = BigDecimal.ONE;
    for (int n = 1; n < 60; n++) {
      term = term.multiply(y, DIGITS).divide(BigDecimal.valueOf(n), DIGITS);
      sum = sum.add(term, DIGITS);
    }
    return sum;
  }

  /** e^x - 1 over every binade from 2^-1074 to 2^9, both signs, and at the series' limit. */
  @Test
  void expm1IsWithin2ToTheMinus59OfExact() {
    SplittableRandom random = new SplittableRandom(11);
    List<Double> points = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      double x = (1 + random.nextDouble()) * Math.scalb(1.0, random.nextInt(-1074, 10));
      points.add(random.nextBoolean() ? Math.min(x, 709) : -x);
    }
    for (double d : new double[] {-1e-16, 0, 1e-16}) {
      points.add(Exponential.EXPM1_SERIES_LIMIT + d);
      points.add(-Exponential.EXPM1_SERIES_LIMIT + d);
    }
    double worst = 0;
    for (double x : points) {
      DoubleDouble e = Exponential.expm1(x);
      double relative = Reference.relativeError(e, exactExpm1(x));
      assertTrue(relative < 0x1p-59, "expm1(" + x + "): relative error " + relative);
      worst = Math.max(worst, relative);
    }
    System.out.printf("expm1: worst relative error 2^%.1f%n", Math.log(worst) / Math.log(2));
  }

  @Test
  void expm1LimitsZerosAndNan() {
    assertEquals(new DoubleDouble(-0.0, -0.0), Exponential.expm1(-0.0));
    assertEquals(new DoubleDouble(0.0, 0.0), Exponential.expm1(0.0));
    assertEquals(new DoubleDouble(-1, 0), Exponential.expm1(Double.NEGATIVE_INFINITY));
    assertEquals(-1, Exponential.expm1(-40).hi());
    assertEquals(Double.POSITIVE_INFINITY, Exponential.expm1(709.8).hi());
    assertEquals(Double.POSITIVE_INFINITY, Exponential.expm1(Double.POSITIVE_INFINITY).hi());
    assertTrue(Double.isNaN(Exponential.expm1(Double.NaN).hi()));
  }

  @Test
  void limitsAndNan() {
    assertEquals(Double.POSITIVE_INFINITY, Exponential.exp(709.79).hi());
    assertEquals(Double.POSITIVE_INFINITY, Exponential.exp(1e300).hi());
    assertEquals(Double.POSITIVE_INFINITY, Exponential.exp(Double.POSITIVE_INFINITY).hi());
    assertEquals(0.0, Exponential.exp(-745.2).hi());
    assertEquals(0.0, Exponential.exp(Double.NEGATIVE_INFINITY).hi());
    assertEquals(Double.MIN_VALUE, Exponential.exp(-745.1).hi());
    assertTrue(Double.isNaN(Exponential.exp(Double.NaN).hi()));
    assertEquals(new DoubleDouble(1, 0), Exponential.exp(0));
    assertEquals(Math.E, Exponential.exp(1).hi());
  }
}
