package io.github.sparkactivations.core;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The scaled complementary error function erfcx(z) = e^(z^2) erfc(z) on [0, 32) as a {@link
 * DoubleDouble} within about 2^-62 of exact (relative), for GELU: erfc(z) = e^(-z^2) erfcx(z) then
 * takes its exponential from {@link Exponential}, and erfcx, smooth and within a factor 50 of 1
 * there, suits polynomials. Commons Numbers' erfc carries about 2 ulp.
 *
 * <p>Taylor polynomials around 321 centres: 0 for z < 1/32, then the midpoints of 32 equal parts of
 * each binade from 1/32 to 32, so |z - c| <= c/64. erfcx solves y' = 2zy - 2/sqrt(pi), so around c
 * its Taylor coefficients follow from a_0 = erfcx(c) by a_1 = 2c a_0 - 2/sqrt(pi) and (n + 1)
 * a_(n+1) = 2c a_n + 2 a_(n-1); a_0 comes from e^(c^2) minus erf's series of positive terms below c
 * = 4, from Laplace's continued fraction above. All is computed once, in {@link BigDecimal} at 60
 * digits.
 */
final class ErrorFunction {

  private ErrorFunction() {}

  /** Parts per binade: each interval's width is 1/32 of its binade's start. */
  private static final int PARTS_BITS = 5;

  private static final int PARTS = 1 << PARTS_BITS;

  /** The first binade with a table of its own starts at 2^-5; below it, the centre 0. */
  private static final int FIRST_EXPONENT = -5;

  private static final int BINADES = 10;

  private static final int INTERVALS = 1 + BINADES * PARTS;

  /**
   * A positive double's top bits, exponent and the first {@link #PARTS_BITS} of its significand,
   * less this are its interval's index: 1 from 2^{@link #FIRST_EXPONENT} on, 0 or less below.
   */
  private static final int BEFORE_FIRST =
      ((Double.MAX_EXPONENT + FIRST_EXPONENT) << PARTS_BITS) - 1;

  private static final double[] CENTRE = new double[INTERVALS];

  /**
   * Terms after a_1 in every interval: those from a_12 on sum to below 2^-69 of a_0 over every
   * interval. One count for all, so that the polynomial is a fixed tree of fmas with no loop.
   */
  private static final int TERMS_PER_INTERVAL = 10;

  /** a_0 and a_1 as double-doubles, the rest as doubles in {@link #TERMS}. */
  private static final double[] A0_HI = new double[INTERVALS];

  private static final double[] A0_LO = new double[INTERVALS];
  private static final double[] A1_HI = new double[INTERVALS];
  private static final double[] A1_LO = new double[INTERVALS];

  /** a_2 to a_11 of each interval, {@link #TERMS_PER_INTERVAL} a row. */
  private static final double[] TERMS;

  static {
    MathContext digits = new MathContext(60);
    BigDecimal pi =
        new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494459230781");
    BigDecimal twoOverSqrtPi = BigDecimal.valueOf(2).divide(pi.sqrt(digits), digits);
    TERMS = new double[INTERVALS * TERMS_PER_INTERVAL];
    for (int i = 0; i < INTERVALS; i++) {
      BigDecimal c;
      if (i == 0) {
        c = BigDecimal.ZERO;
      } else {
        int exponent = FIRST_EXPONENT + (i - 1) / PARTS;
        int part = (i - 1) % PARTS;
        double start = Math.scalb(1.0 + (double) part / PARTS, exponent);
        c = new BigDecimal(start).add(new BigDecimal(Math.scalb(1.0, exponent - PARTS_BITS - 1)));
      }
      CENTRE[i] = c.doubleValue(); // exact: seven significant bits at most
      BigDecimal previous = erfcx(c, twoOverSqrtPi, digits);
      BigDecimal current =
          c.multiply(BigDecimal.valueOf(2)).multiply(previous).subtract(twoOverSqrtPi);
      A0_HI[i] = previous.doubleValue();
      A0_LO[i] = previous.subtract(new BigDecimal(A0_HI[i])).doubleValue();
      A1_HI[i] = current.doubleValue();
      A1_LO[i] = current.subtract(new BigDecimal(A1_HI[i])).doubleValue();
      for (int n = 1; n <= TERMS_PER_INTERVAL; n++) {
        BigDecimal next =
            c.multiply(current)
                .add(previous)
                .multiply(BigDecimal.valueOf(2))
                .divide(BigDecimal.valueOf(n + 1), digits);
        previous = current;
        current = next;
        TERMS[i * TERMS_PER_INTERVAL + n - 1] = current.doubleValue();
      }
    }
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
   * erfcx(z) for 0 <= z < 32 as hi + lo, |lo| below 2^-9 of hi: a_0 + a_1 h as a double-double,
   * where h = z - c is exact (Sterbenz: z and c share a binade), and h^2 times the terms from a_2
   * on added to its low part in one fma. That share is below 2^-9 of a_0 (|h| is at most c/64, or
   * 1/32 around 0), so the terms' roundings in doubles cost about 2^-62. The terms form a fixed
   * tree of fmas (Estrin's scheme), whose chain of dependent operations is four fmas long and runs
   * beside the sum a_0 + a_1 h.
   */
  static DoubleDouble erfcx(double z) {
    // z's exponent and the first bits of its significand, read together, count its interval
    int i = Math.max(0, (int) (Double.doubleToRawLongBits(z) >>> (52 - PARTS_BITS)) - BEFORE_FIRST);
    double h = z - CENTRE[i];
    double square = h * h;
    double tail = tail(i * TERMS_PER_INTERVAL, h, square);
    double p = h * A1_HI[i];
    double hi = A0_HI[i] + p;
    double small =
        Kernels.fastTwoSumError(A0_HI[i], p, hi) // |a_1 h| is below a_0/28
            + (Math.fma(h, A1_HI[i], -p) + Math.fma(h, A1_LO[i], A0_LO[i]));
    double lo = Math.fma(square, tail, small);
    return new DoubleDouble(hi, lo);
  }

  /** a_2 + a_3 h + ... + a_11 h^9 for the interval whose terms start at {@code at}. */
  private static double tail(int at, double h, double square) {
    double fourth = square * square;
    double low = Math.fma(square, pair(at + 2, h), pair(at, h));
    double high = Math.fma(square, pair(at + 6, h), pair(at + 4, h));
    return Math.fma(fourth, Math.fma(fourth, pair(at + 8, h), high), low);
  }

  private static double pair(int at, double h) {
    return Math.fma(h, TERMS[at + 1], TERMS[at]);
  }
}
