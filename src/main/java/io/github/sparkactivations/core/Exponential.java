package io.github.sparkactivations.core;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * e^x as a {@link DoubleDouble} within about 2^-68 of exact (relative), for kernels that round
 * once: {@link Math#exp} is faithful, but its error of up to one ulp would add to theirs.
 *
 * <p>Tang's table method: x = (128 m + j) ln2/128 + r with |r| <= ln2/256, so e^x = 2^m 2^(j/128)
 * e^r, the 128 values 2^(j/128) held as double-doubles and e^r - 1 = r + r^2/2 + ... + r^6/720 (the
 * next term is below 2^-72). The reduction is exact: ln2/128 is split so that m's multiple of its
 * high part is exact, and x minus that is exact by Sterbenz's lemma. Every step is one double
 * operation or {@link Math#fma} in a fixed order: a vector version making the same steps lane by
 * lane gives the same bits.
 */
final class Exponential {

  private Exponential() {}

  private static final int TABLE_BITS = 7;
  private static final int TABLE_SIZE = 1 << TABLE_BITS;

  /** 2^(j/128), j = 0..127, as high and low parts. */
  static final double[] TABLE_HI = new double[TABLE_SIZE];

  static final double[] TABLE_LO = new double[TABLE_SIZE];

  /** Adding 1.5 * 2^52 rounds a double below 2^51 in magnitude to an integer in the low bits. */
  static final double SHIFTER = 0x1.8p52;

  static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);

  /** 128/ln2: any value near it picks a valid reduction, both paths use this one. */
  static final double SIZE_OVER_LN2 = 0x1.71547652b82fep7;

  /** ln2/128 with 35 significant bits: k times it is exact for |k| < 2^18, |x| < 1419. */
  static final double LN2_OVER_SIZE_HI;

  /** ln2/128 minus the high part. */
  static final double LN2_OVER_SIZE_LO;

  /** 1/n! for the polynomial, n = 3..6 (1/2 is exact). */
  static final double C3 = 1.0 / 6;

  static final double C4 = 1.0 / 24;
  static final double C5 = 1.0 / 120;
  static final double C6 = 1.0 / 720;

  /**
   * {@link #shortExp}'s coefficients of r^2 and r^4: 1/2 and 1/24 with the series' r^6/720 folded
   * into them by Chebyshev's economisation over |r| <= R = ln2/256 (r^6 = 3/2 R^2 r^4 - 9/16 R^4
   * r^2 + R^6 (1 + T6(r/R))/32): a series to r^5, one step shorter than to r^6 and closer to e^r -
   * 1, within R^6/(16 720) = 2^-64.6.
   */
  static final double SHORT_C2;

  static final double SHORT_C4;

  /** ln2/128 rounded to double, and its remainder: the short reduction's two constants. */
  static final double LN2_OVER_SIZE_ROUNDED;

  static final double LN2_OVER_SIZE_ROUNDED_LO;

  /** From here down e^x is below the normal range: {@link #shortExp} returns 0. */
  static final double SHORT_UNDERFLOW = -708;

  /** Below this |x|, e^x - 1 is summed from x and the series, without the table. */
  static final double EXPM1_SERIES_LIMIT = 0x1p-9;

  /** e^x overflows from about 709.78. */
  static final double OVERFLOW = 710;

  /** Below this, e^x 2^scale is below half the smallest subnormal for every scale up to 512. */
  static final double UNDERFLOW = -1400;

  static {
    MathContext digits = new MathContext(45);
    BigDecimal ln2 =
        new BigDecimal("0.69314718055994530941723212145817656807550013436025525412068");
    BigDecimal step = ln2.divide(BigDecimal.valueOf(TABLE_SIZE), digits);
    LN2_OVER_SIZE_HI =
        Double.longBitsToDouble(Double.doubleToRawLongBits(step.doubleValue()) & (-1L << 18));
    LN2_OVER_SIZE_LO = step.subtract(new BigDecimal(LN2_OVER_SIZE_HI)).doubleValue();
    LN2_OVER_SIZE_ROUNDED = step.doubleValue();
    LN2_OVER_SIZE_ROUNDED_LO = step.subtract(new BigDecimal(LN2_OVER_SIZE_ROUNDED)).doubleValue();
    double largestSquare = step.doubleValue() * step.doubleValue() / 4;
    SHORT_C2 = 0.5 - 9.0 / 16 * largestSquare * largestSquare * C6;
    SHORT_C4 = C4 + 1.5 * largestSquare * C6;
    BigDecimal root = BigDecimal.valueOf(2);
    for (int i = 0; i < TABLE_BITS; i++) {
      root = root.sqrt(digits);
    }
    BigDecimal power = BigDecimal.ONE;
    for (int j = 0; j < TABLE_SIZE; j++) {
      TABLE_HI[j] = power.doubleValue();
      TABLE_LO[j] = power.subtract(new BigDecimal(TABLE_HI[j])).doubleValue();
      power = power.multiply(root, digits);
    }
  }

  /**
   * e^x as hi + lo, hi being hi + lo rounded to double. NaN gives NaN; results below the normal
   * range carry no low part (they are rounded once, from hi).
   */
  static DoubleDouble exp(double x) {
    return scaledExp(x, 0);
  }

  /**
   * e^x 2^scale, 0 <= scale <= 512, as {@link #exp}: a scale keeps small values in the normal
   * range, low part included, for a quotient that cancels it.
   */
  static DoubleDouble scaledExp(double x, int scale) {
    // One exit, one allocation: the JIT's escape analysis then replaces the record by its fields.
    double hi;
    double lo = 0;
    if (!(x > UNDERFLOW && x < OVERFLOW)) {
      // The limits beyond the range; NaN stays NaN.
      hi = x >= OVERFLOW ? Double.POSITIVE_INFINITY : x <= UNDERFLOW ? 0 : x;
    } else {
      double t = Math.fma(x, SIZE_OVER_LN2, SHIFTER);
      double k = t - SHIFTER; // exact: the integer nearest x 128/ln2
      long n = Double.doubleToRawLongBits(t) - SHIFTER_BITS; // k as a long
      int j = (int) (n & (TABLE_SIZE - 1));
      long m = (n >> TABLE_BITS) + scale;
      double rHi = Math.fma(-k, LN2_OVER_SIZE_HI, x);
      double rLo = k * LN2_OVER_SIZE_LO;
      double r = rHi - rLo;
      double rErr = Kernels.twoSumError(rHi, -rLo, r);
      // 2^(j/128) e^r = tHi + tHi r + tHi w + tLo (1 + r + w), w = e^r - 1 - r: tHi + tHi r exact
      // as
      // h + hErr + aErr, the rest small; summed as h + l. The tail w comes last, in parallel.
      double tHi = TABLE_HI[j];
      double a = tHi * r;
      double h = tHi + a;
      double w = expm1Tail(r) + rErr;
      double l =
          Kernels.fastTwoSumError(tHi, a, h)
              + (Math.fma(tHi, r, -a) + Math.fma(tHi, w, Math.fma(TABLE_LO[j], r, TABLE_LO[j])));
      double sum = h + l;
      double sumErr = Kernels.fastTwoSumError(h, l, sum);
      hi = timesPowerOfTwo(sum, m);
      lo = timesPowerOfTwo(sumErr, m);
    }
    return new DoubleDouble(hi, lo);
  }

  /**
   * e^x for x <= 0 as hi + lo within 2^-59 of exact (relative) where lo is normal (from -671 up;
   * below, hi alone is faithful): a shorter chain than {@link #exp} for a kernel that rounds a
   * quotient or a product of it once, where 2^-59 is a 64th of an ulp. The reduction r = x - k
   * ln2/128 takes two fmas (rounding errors near 2^-62), the series stops at r^5 with {@link
   * #SHORT_C2} and {@link #SHORT_C4}, and 2^(j/128) e^r = tHi + (tHi (e^r - 1) + tLo) rounds only
   * the small second term. From -708 down, where e^x is not normal, it is 0; NaN stays NaN.
   */
  static DoubleDouble shortExp(double x) {
    double hi;
    double lo = 0;
    if (!(x > SHORT_UNDERFLOW)) {
      hi = x <= SHORT_UNDERFLOW ? 0 : x;
    } else {
      double t = Math.fma(x, SIZE_OVER_LN2, SHIFTER);
      double k = t - SHIFTER;
      long n = Double.doubleToRawLongBits(t) - SHIFTER_BITS;
      int j = (int) (n & (TABLE_SIZE - 1));
      double r = Math.fma(-k, LN2_OVER_SIZE_ROUNDED_LO, Math.fma(-k, LN2_OVER_SIZE_ROUNDED, x));
      double square = r * r;
      double expm1 =
          Math.fma(
              square, Math.fma(square, Math.fma(r, C5, SHORT_C4), Math.fma(r, C3, SHORT_C2)), r);
      double tHi = TABLE_HI[j];
      double a = Math.fma(tHi, expm1, TABLE_LO[j]);
      double h = tHi + a;
      double power = Double.longBitsToDouble(((n >> TABLE_BITS) + 1023) << 52); // normal here
      hi = h * power;
      lo = Kernels.fastTwoSumError(tHi, a, h) * power;
    }
    return new DoubleDouble(hi, lo);
  }

  /**
   * e^x - 1 as hi + lo within about 2^-60 of exact (relative); ±0 and NaN return themselves as hi,
   * -inf gives -1 and an overflow +inf. Where |x| < 2^-9, x is its own reduced argument (k = 0
   * above) and e^x - 1 is x plus the series' tail, with no cancellation; elsewhere e^x - 1 cancels
   * at most 9 bits of the double-double e^x.
   */
  static DoubleDouble expm1(double x) {
    double hi;
    double lo;
    if (x == 0) {
      hi = x;
      lo = x;
    } else if (Math.abs(x) < EXPM1_SERIES_LIMIT) {
      double tail = expm1Tail(x);
      hi = x + tail;
      lo = Kernels.fastTwoSumError(x, tail, hi);
    } else {
      DoubleDouble e = exp(x); // NaN stays NaN
      double d = e.hi() - 1;
      double dErr = Kernels.twoSumError(e.hi(), -1, d) + e.lo();
      hi = d + dErr;
      lo = Kernels.fastTwoSumError(d, dErr, hi);
      if (d == Double.POSITIVE_INFINITY) {
        hi = d; // e^x overflowed: its low part is no number
        lo = 0;
      }
    }
    return new DoubleDouble(hi, lo);
  }

  /** e^r - 1 - r for |r| <= ln2/256, to 2^-72. */
  private static double expm1Tail(double r) {
    // Estrin's scheme: a shorter chain of dependent operations than Horner's rule
    double square = r * r;
    return square
        * Math.fma(square, Math.fma(C6, square, Math.fma(r, C5, C4)), Math.fma(r, C3, 0.5));
  }

  /**
   * v 2^m for v near 1 and |m| < 2100: one product where 2^m is a normal double, else two exact
   * powers of two, v 2^(m/2) being normal, so the one rounding is the second product's, into the
   * subnormal range (where a low part becomes 0) or to infinity. Apart, to keep {@link #scaledExp}
   * small enough for the JIT to inline it, which lets escape analysis remove its record.
   */
  private static double timesPowerOfTwo(double v, long m) {
    if (m > -1023 && m < 1024) {
      return v * Double.longBitsToDouble((m + 1023) << 52);
    }
    long half = m >> 1;
    return v
        * Double.longBitsToDouble((half + 1023) << 52)
        * Double.longBitsToDouble((m - half + 1023) << 52);
  }
}
