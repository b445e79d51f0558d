package io.github.sparkactivations.core;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Natural logarithms as {@link DoubleDouble}s within about 2^-67 of exact, for kernels that round
 * once: {@link Math#log1p} is faithful, but its error of up to one ulp would add to theirs.
 *
 * <p>v = 2^k m with m in [1, 2); with c = 1 + j/128 the start of m's 128th and r = 1/c rounded, m r
 * = 1 + t with t in about [0, 1/128), so log v = k ln2 - log r + log1p(t), the 128 values -log r
 * held as double-doubles and log1p(t) by its Taylor series to t^10. Near 1 (|v - 1| < 1/128), where
 * k ln2 and -log r would cancel, log1p(t) of t = v - 1 alone. {@link #log1p(double)} takes the same
 * steps in plain doubles and a shorter series, for the float kernels.
 */
final class Logarithm {

  private Logarithm() {}

  private static final int TABLE_BITS = 7;
  private static final int TABLE_SIZE = 1 << TABLE_BITS;
  private static final double NEAR_ONE = 1.0 / TABLE_SIZE;

  /** 1/(1 + j/128) rounded, and -log of that double as high and low parts. */
  private static final double[] RECIPROCAL = new double[TABLE_SIZE];

  private static final double[] MINUS_LOG_HI = new double[TABLE_SIZE];
  private static final double[] MINUS_LOG_LO = new double[TABLE_SIZE];

  private static final long SIGNIFICAND_BITS = (1L << 52) - 1;

  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

  private static final long EXPONENT_BITS = 2047L << 52;

  /** Less the exponent bits of 2^k, those of 2^-k (|k| < 1023). */
  private static final long INVERSE_EXPONENT_BITS = 2046L << 52;

  /** ln2 rounded to double. */
  private static final double LN2;

  /** ln2 with 42 significant bits (k times it is exact for |k| < 2^11) and the rest. */
  private static final double LN2_HI;

  private static final double LN2_LO;

  static {
    MathContext digits = new MathContext(45);
    BigDecimal ln2 =
        new BigDecimal("0.69314718055994530941723212145817656807550013436025525412068");
    LN2 = ln2.doubleValue();
    LN2_HI = Double.longBitsToDouble(Double.doubleToRawLongBits(LN2) & (-1L << 11));
    LN2_LO = ln2.subtract(new BigDecimal(LN2_HI)).doubleValue();
    for (int j = 0; j < TABLE_SIZE; j++) {
      RECIPROCAL[j] = 1 / (1 + (double) j / TABLE_SIZE);
      BigDecimal minusLog = exactLog(new BigDecimal(RECIPROCAL[j]), digits).negate();
      MINUS_LOG_HI[j] = minusLog.doubleValue();
      MINUS_LOG_LO[j] = minusLog.subtract(new BigDecimal(MINUS_LOG_HI[j])).doubleValue();
    }
  }

  /** log r = 2 atanh((r - 1)/(r + 1)) by its series, for r in (1/2, 1]. */
  private static BigDecimal exactLog(BigDecimal r, MathContext digits) {
    BigDecimal u = r.subtract(BigDecimal.ONE).divide(r.add(BigDecimal.ONE), digits);
    BigDecimal square = u.multiply(u, digits);
    BigDecimal power = u;
    BigDecimal sum = BigDecimal.ZERO;
    for (int n = 1; n < 200 && power.signum() != 0; n += 2) {
      BigDecimal term = power.divide(BigDecimal.valueOf(n), digits);
      if (term.abs().compareTo(BigDecimal.ONE.movePointLeft(50)) < 0) {
        break;
      }
      sum = sum.add(term, digits);
      power = power.multiply(square, digits);
    }
    return sum.multiply(BigDecimal.valueOf(2), digits);
  }

  /**
   * log(1 + y + yLo) for the double-double y + yLo (|yLo| <= ulp(y)/2) above -1; -1 gives -inf,
   * below it NaN, +inf gives +inf, and a zero result is +0.
   */
  static DoubleDouble log1p(double y, double yLo) {
    double hi;
    double lo;
    if (Math.abs(y) < NEAR_ONE) {
      // The series alone, as log(1 + y) takes it near one, without forming 1 + y: its rounding
      // error, recovered, would give back y and cost a chain of dependent operations.
      double h = y - 0.5 * (y * y);
      double low = seriesLow(y, yLo, h);
      hi = h + low;
      lo = Kernels.fastTwoSumError(h, low, hi);
    } else {
      double v = 1 + y;
      DoubleDouble log = log(v, Kernels.twoSumError(1, y, v), yLo, 0);
      hi = log.hi();
      lo = log.lo();
    }
    return new DoubleDouble(hi, lo);
  }

  /**
   * log(1 + y) for finite y >= 0 as a double within 2^-37 of exact (relative): the float kernels'
   * one logarithm per row, which the row's results wait on, rounded to float after a subtraction
   * that cannot cancel it (2^-13 of a float ulp), with a shorter chain from argument to result than
   * {@link Math#log} and the product a log1p from it needs. log(1 + y) = log u + (y - (u - 1))/u
   * for u = 1 + y rounded (the second term restores y's bits lost in u, its 1/u taken from the
   * table's r and u's exponent, to 2^-7 of a term below u's ulp), log u = k ln2 - log r + log1p(t)
   * from the table, and log1p(t), t in about [0, 1/128), by its Taylor series to t^5 (the next term
   * is below 2^-37.5 of t). Near 1, j = 0 and k = 0 leave log1p(t) alone: nothing cancels.
   */
  static double log1p(double y) {
    double u = 1 + y;
    long bits = Double.doubleToRawLongBits(u);
    int j = (int) (bits >>> (52 - TABLE_BITS)) & (TABLE_SIZE - 1);
    double reciprocal = RECIPROCAL[j];
    double m = Double.longBitsToDouble(bits & SIGNIFICAND_BITS | ONE_BITS);
    double inversePowerOfTwo =
        Double.longBitsToDouble(INVERSE_EXPONENT_BITS - (bits & EXPONENT_BITS));
    double lostBits = (y - (u - 1)) * reciprocal * inversePowerOfTwo;
    double t = Math.fma(m, reciprocal, -1);
    double square = t * t;
    // log1p(t) = t + t^2 (-1/2 + t/3 + t^2 (-1/4 + t/5))
    double tail = Math.fma(square, Math.fma(t, 1.0 / 5, -1.0 / 4), Math.fma(t, 1.0 / 3, -0.5));
    double otherTerms = Math.fma(Math.getExponent(u), LN2, MINUS_LOG_HI[j]) + lostBits;
    return Math.fma(square, tail, t) + otherTerms;
  }

  /** log v; 0 gives -inf, negative values NaN, +inf +inf. */
  static DoubleDouble log(double v) {
    boolean subnormal = v > 0 && v < Double.MIN_NORMAL;
    return log(subnormal ? v * 0x1p64 : v, 0, 0, subnormal ? -64 : 0); // scaled exactly
  }

  /**
   * log(2^exponent (v + vErr + extra)) with |vErr| <= ulp(v)/2 and |extra| below it, v normal or a
   * limit; |exponent| below 1000. One exit and one allocation, so that the JIT's escape analysis
   * replaces the record by its fields.
   */
  private static DoubleDouble log(double v, double vErr, double extra, int exponent) {
    int k = 0;
    int j = 0;
    double t;
    double tLo;
    if (exponent == 0 && Math.abs(v - 1) < NEAR_ONE) {
      // log1p(t) alone, t = v - 1 exact (Sterbenz) plus the low parts: k ln2 and -log r would
      // cancel here.
      double d = v - 1;
      t = d + vErr;
      tLo = Kernels.twoSumError(d, vErr, t) + extra;
    } else {
      // m: v's significand in [1, 2), from its bits (shorter than a scaling, which waits on k)
      long bits = Double.doubleToRawLongBits(v);
      k = Math.getExponent(v) + exponent;
      double m = Double.longBitsToDouble(bits & SIGNIFICAND_BITS | ONE_BITS);
      double mLo = Math.scalb(vErr + extra, exponent - k);
      j = (int) (bits >>> (52 - TABLE_BITS)) & (TABLE_SIZE - 1);
      double r = RECIPROCAL[j];
      double p = m * r;
      double d = p - 1; // exact: p is within 1/64 of 1
      double dLo = Math.fma(m, r, -p) + mLo * r;
      t = d + dLo;
      tLo = Kernels.twoSumError(d, dLo, t);
    }
    // log1p(t + tLo) for |t| < 1/64: t - t^2/2 + t^3 (1/3 - t/4 + ... - t^7/10), the first two
    // terms exact as a double-double (the next term is below 2^-77 relative)
    double h = t - 0.5 * (t * t);
    double seriesLo = seriesLow(t, tLo, h);
    // k ln2 + (-log r) + log1p(t), the large parts first
    double a = k * LN2_HI;
    double b = a + MINUS_LOG_HI[j];
    double bErr = Kernels.twoSumError(a, MINUS_LOG_HI[j], b);
    double c = b + h;
    double cErr = Kernels.twoSumError(b, h, c);
    double rest = cErr + bErr + (k * LN2_LO + MINUS_LOG_LO[j] + seriesLo);
    double hi = c + rest;
    double lo = Kernels.fastTwoSumError(c, rest, hi); // rest holds the small parts
    if (!(v > 0 && v < Double.POSITIVE_INFINITY)) {
      // The limits; NaN stays NaN.
      hi = logOfLimit(v);
      lo = 0;
    }
    return new DoubleDouble(hi, lo);
  }

  /**
   * The low part of log1p(t + tLo) = h + low: h's rounding error, tLo's first-order terms and t^3
   * (1/3 - t/4 + ... - t^7/10). Apart, as is {@link #logOfLimit}, to keep the core small enough for
   * the JIT to inline, which lets escape analysis remove its record.
   */
  private static double seriesLow(double t, double tLo, double h) {
    double square = t * t;
    double squareErr = Math.fma(t, t, -square) + 2 * t * tLo;
    // t^3 (1/3 - t/4 + t^2/5 - ... - t^7/10) by Estrin's scheme: pairs, then pairs of pairs, a
    // shorter chain of dependent operations than Horner's rule.
    double quarticTerms =
        Math.fma(square, Math.fma(t, -1.0 / 10, 1.0 / 9), Math.fma(t, -1.0 / 8, 1.0 / 7));
    double quadraticTerms =
        Math.fma(square, Math.fma(t, -1.0 / 6, 1.0 / 5), Math.fma(t, -1.0 / 4, 1.0 / 3));
    double series = Math.fma(square * square, quarticTerms, quadraticTerms);
    double cubicTail = square * t * series;
    return Kernels.fastTwoSumError(t, -0.5 * square, h) + (tLo - 0.5 * squareErr + cubicTail);
  }

  /** log v for v = 0 (-inf), +inf and NaN or a negative v (NaN). */
  private static double logOfLimit(double v) {
    return v == 0 ? Double.NEGATIVE_INFINITY : v > 0 ? v : Double.NaN;
  }
}
