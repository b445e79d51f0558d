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
      double q = r * r * (0.5 + r * (C3 + r * (C4 + r * (C5 + r * C6))));
      // e^r = 1 + s + sErr
      double w = q + rErr;
      double s = r + w;
      double sErr = Kernels.fastTwoSumError(r, w, s);
      // 2^(j/128) e^r = tHi + tHi s + (tHi sErr + tLo (1 + s)), summed as h + l
      double tHi = TABLE_HI[j];
      double p = tHi * s;
      double pErr = Math.fma(tHi, s, -p);
      double h = tHi + p;
      double l =
          Kernels.fastTwoSumError(tHi, p, h)
              + (pErr + Math.fma(tHi, sErr, Math.fma(TABLE_LO[j], s, TABLE_LO[j])));
      double sum = h + l;
      double sumErr = Kernels.fastTwoSumError(h, l, sum);
      if (m > 1023) {
        double big = Math.scalb(1.0, (int) m - 1023); // overflows to infinity past 2^1024
        hi = sum * 0x1p1023 * big;
        lo = sumErr * 0x1p1023 * big;
      } else if (m < -1022) {
        // Below the normal range: one rounding, from the exact sum 2^-1000 (normal).
        hi = sum * 0x1p-1000 * Math.scalb(1.0, (int) m + 1000);
      } else {
        double power = Double.longBitsToDouble((m + 1023) << 52);
        hi = sum * power;
        lo = sumErr * power;
      }
    }
    return new DoubleDouble(hi, lo);
  }
}
