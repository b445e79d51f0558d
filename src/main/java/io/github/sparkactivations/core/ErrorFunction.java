package io.github.sparkactivations.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * The scaled complementary error function erfcx(z) = e^(z^2) erfc(z) on [0, 32) as a {@link
 * DoubleDouble} within about 2^-62 of exact (relative), for GELU: erfc(z) = e^(-z^2) erfcx(z) then
 * takes its exponential from {@link Exponential}, and erfcx, smooth and within a factor 50 of 1
 * there, suits polynomials. Commons Numbers' erfc carries about 2 ulp.
 *
 * <p>Taylor polynomials around 161 centres: 0 for z < 1/32, then the midpoints of 16 equal parts of
 * each binade from 1/32 to 32, so |z - c| <= c/32. erfcx solves y' = 2zy - 2/sqrt(pi), so around c
 * its Taylor coefficients follow from a_0 = erfcx(c) by a_1 = 2c a_0 - 2/sqrt(pi) and (n + 1)
 * a_(n+1) = 2c a_n + 2 a_(n-1); a_0 comes from e^(c^2) minus erf's series of positive terms below c
 * = 4, from Laplace's continued fraction above. All is computed once, in {@link BigDecimal} at 60
 * digits, the terms kept until two in a row fall below 2^-66 of a_0 over the interval (7 to 14 of
 * them after a_1).
 */
final class ErrorFunction {

  private ErrorFunction() {}

  /** Parts per binade: each interval's width is 1/16 of its binade's start. */
  private static final int PARTS_BITS = 4;

  private static final int PARTS = 1 << PARTS_BITS;

  /** The first binade with a table of its own starts at 2^-5; below it, the centre 0. */
  private static final int FIRST_EXPONENT = -5;

  private static final int BINADES = 10;

  private static final int INTERVALS = 1 + BINADES * PARTS;

  private static final double[] CENTRE = new double[INTERVALS];

  /** a_0 and a_1 as double-doubles, the rest as doubles from {@link #FIRST_TERM}. */
  private static final double[] A0_HI = new double[INTERVALS];

  private static final double[] A0_LO = new double[INTERVALS];
  private static final double[] A1_HI = new double[INTERVALS];
  private static final double[] A1_LO = new double[INTERVALS];

  /** Where an interval's a_2, a_3, ... start in {@link #TERMS}; the next interval's start ends. */
  private static final int[] FIRST_TERM = new int[INTERVALS + 1];

  private static final double[] TERMS;

  static {
    MathContext digits = new MathContext(60);
    BigDecimal pi =
        new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494459230781");
    BigDecimal twoOverSqrtPi = BigDecimal.valueOf(2).divide(pi.sqrt(digits), digits);
    BigDecimal enough = BigDecimal.ONE.scaleByPowerOfTen(-20); // 2^-66 is 1.4e-20
    double[] terms = new double[INTERVALS * 24];
    int count = 0;
    for (int i = 0; i < INTERVALS; i++) {
      BigDecimal c;
      BigDecimal radius;
      if (i == 0) {
        c = BigDecimal.ZERO;
        radius = new BigDecimal(Math.scalb(1.0, FIRST_EXPONENT));
      } else {
        int exponent = FIRST_EXPONENT + (i - 1) / PARTS;
        int part = (i - 1) % PARTS;
        double start = Math.scalb(1.0 + (double) part / PARTS, exponent);
        radius = new BigDecimal(Math.scalb(1.0, exponent - PARTS_BITS - 1));
        c = new BigDecimal(start).add(radius);
      }
      CENTRE[i] = c.doubleValue(); // exact: five significant bits
      BigDecimal previous = erfcx(c, twoOverSqrtPi, digits);
      BigDecimal current =
          c.multiply(BigDecimal.valueOf(2)).multiply(previous).subtract(twoOverSqrtPi);
      A0_HI[i] = previous.doubleValue();
      A0_LO[i] = previous.subtract(new BigDecimal(A0_HI[i])).doubleValue();
      A1_HI[i] = current.doubleValue();
      A1_LO[i] = current.subtract(new BigDecimal(A1_HI[i])).doubleValue();
      FIRST_TERM[i] = count;
      // Until two terms in a row are negligible over the interval (one can be small by chance).
      BigDecimal bound = previous.multiply(enough);
      BigDecimal power = radius;
      boolean lastNegligible = false;
      for (int n = 1; ; n++) {
        boolean negligible = power.multiply(current.abs()).compareTo(bound) < 0;
        if (negligible && lastNegligible) {
          break;
        }
        lastNegligible = negligible;
        BigDecimal next =
            c.multiply(current)
                .add(previous)
                .multiply(BigDecimal.valueOf(2))
                .divide(BigDecimal.valueOf(n + 1), digits);
        previous = current;
        current = next;
        power = power.multiply(radius, digits);
        terms[count++] = current.doubleValue();
      }
    }
    FIRST_TERM[INTERVALS] = count;
    TERMS = Arrays.copyOf(terms, count);
  }

  /**
   * erfcx(c) to the context's precision: e^(c^2) - 2/sqrt(pi) sum 2^m c^(2m+1)/(2m+1)!! (both
   * series of positive terms, cancelling 7 digits at most) below 4; above, Laplace's continued
   * fraction 1/sqrt(pi) / (c + (1/2)/(c + 1/(c + (3/2)/(c + ...)))).
   */
  private static BigDecimal erfcx(BigDecimal c, BigDecimal twoOverSqrtPi, MathContext digits) {
    BigDecimal square = c.multiply(c);
    MathContext wider = new MathContext(digits.getPrecision() + 10);
    if (c.compareTo(BigDecimal.valueOf(4)) < 0) {
      BigDecimal exp = BigDecimal.ZERO;
      BigDecimal erfSeries = BigDecimal.ZERO;
      BigDecimal expTerm = BigDecimal.ONE;
      BigDecimal erfTerm = c;
      BigDecimal negligible = BigDecimal.ONE.scaleByPowerOfTen(-wider.getPrecision());
      for (int m = 0; expTerm.compareTo(negligible) > 0 || erfTerm.compareTo(negligible) > 0; m++) {
        exp = exp.add(expTerm, wider);
        erfSeries = erfSeries.add(erfTerm, wider);
        expTerm = expTerm.multiply(square).divide(BigDecimal.valueOf(m + 1), wider);
        erfTerm =
            erfTerm
                .multiply(square)
                .multiply(BigDecimal.valueOf(2))
                .divide(BigDecimal.valueOf(2L * m + 3), wider);
      }
      return exp.subtract(twoOverSqrtPi.multiply(erfSeries), digits);
    }
    BigDecimal fraction = c;
    // Deep enough for 10^-70 from c = 4 (420 levels) to 32 (66)
    for (int n = 6400 / square.intValue() + 60; n >= 1; n--) {
      fraction =
          c.add(BigDecimal.valueOf(n).divide(BigDecimal.valueOf(2).multiply(fraction), wider));
    }
    return twoOverSqrtPi.divide(BigDecimal.valueOf(2).multiply(fraction), digits);
  }

  /**
   * erfcx(z) for 0 <= z < 32 as hi + lo (|lo| within about an ulp of hi): the terms from a_2 on by
   * Horner's rule in fma (two terms a step), then a_1 and a_0 as double-doubles, where h = z - c is
   * exact (Sterbenz: z and c share a binade) and |h| <= c/32 damps the doubles' rounding below
   * 2^-63.
   */
  static DoubleDouble erfcx(double z) {
    int i =
        z < 0x1p-5
            ? 0
            : 1
                + (Math.getExponent(z) - FIRST_EXPONENT) * PARTS
                + (int) (Double.doubleToRawLongBits(z) >>> (52 - PARTS_BITS)) % PARTS;
    double h = z - CENTRE[i];
    // Horner's rule two terms a step, tail = a_n + h a_(n+1) + h^2 tail: half the chain of
    // dependent operations; an odd count starts from the last term.
    int first = FIRST_TERM[i];
    int n = FIRST_TERM[i + 1] - 1;
    double tail = 0;
    if (((n - first) & 1) == 0) {
      tail = TERMS[n--];
    }
    double square = h * h;
    for (; n > first; n -= 2) {
      tail = Math.fma(square, tail, Math.fma(h, TERMS[n], TERMS[n - 1]));
    }
    // a_1 + h tail, then a_0 + h (that), each sum's and product's error carried
    double p = h * tail;
    double v = A1_HI[i] + p;
    double vLo = Kernels.twoSumError(A1_HI[i], p, v) + (A1_LO[i] + Math.fma(h, tail, -p));
    double q = h * v;
    double hi = A0_HI[i] + q;
    double lo = Kernels.twoSumError(A0_HI[i], q, hi) + (A0_LO[i] + (Math.fma(h, v, -q) + h * vLo));
    return new DoubleDouble(hi, lo);
  }
}
