package io.github.sparkactivations.core;

import java.util.Arrays;
import org.apache.logging.log4j.LogManager;

/**
 * Kernels for float data widened to double, whose results are rounded to float: e^z over a range
 * after a shift and a scale (summed, with the exponentials or the scaled values stored) and
 * sigmoid. Relative error below 2^-46, 2^-22 of a float ulp, so the rounded results are within half
 * a float ulp plus that.
 *
 * <p>Each kernel is defined lane by lane here ({@link #exp}, {@link #sigmoidFromExp(double,
 * double)}) and written a second time with the JDK's Vector API in {@link VectorLanes}: the same
 * operations in the same order, each of them an IEEE operation or an exact {@link Math#fma}, so
 * both give the same bits. Sums are split the same way in both: a row is widened into whole groups
 * of {@link #LANES}, padded with -inf (whose exponential, 0, adds nothing), and summed in that many
 * partial sums, one per lane. The vector loops run where the module {@code jdk.incubator.vector} is
 * in the JVM (Spark 4 starts its JVMs with it) and the range has at least {@link #VECTOR_MINIMUM}
 * values.
 */
final class FloatLanes {

  private FloatLanes() {}

  /**
   * Shorter ranges take the scalar loops: their setup would cost more than the vectors save (and
   * the float searches read eight values at a time, as a vector of 512 bits holds eight doubles).
   */
  static final int VECTOR_MINIMUM = 8;

  /**
   * Partial sums per row in both forms, and the groups a row is widened into: the lanes of one
   * vector of 512 bits, or of two of 256 bits, whatever the CPU offers.
   */
  static final int LANES = 8;

  /** Whether the vector loops are in use, and why: for logs and {@link #path()}. */
  private static final String PATH = choosePath();

  private static final boolean VECTOR = PATH.startsWith("vector");

  /** Adding 1.5 * 2^52 rounds a double below 2^51 in magnitude to an integer in the low bits. */
  static final double SHIFTER = 0x1.8p52;

  /** The exponent field of 2^k is k + 1023, and k sits in the low bits of x/ln2 + SHIFTER. */
  static final long EXPONENT_BIAS = 1023 - Double.doubleToRawLongBits(SHIFTER);

  static final double LOG2E = 0x1.71547652b82fep0;

  /** ln2 rounded to double, and the rest: k ln2 - x is exact to 2^-100 for |k| < 1024. */
  static final double LN2_HI = 0x1.62e42fefa39efp-1;

  static final double LN2_LO = 0x1.abc9e3b39803fp-56;

  /** Below this e^x is 0 here (it is below 2^-1021, far under any float or any sum's ulp). */
  static final double LOWEST = -708;

  /**
   * 1/n! for e^r = 1 + r + ... + r^11/11!; the next term is below 2^-47 for |r| <= ln2/2, far below
   * the 2^-30 that a float result needs.
   */
  static final double C2 = 0.5;

  static final double C3 = 1.0 / 6;
  static final double C4 = 1.0 / 24;
  static final double C5 = 1.0 / 120;
  static final double C6 = 1.0 / 720;
  static final double C7 = 1.0 / 5040;
  static final double C8 = 1.0 / 40320;
  static final double C9 = 1.0 / 362880;
  static final double C10 = 1.0 / 3628800;
  static final double C11 = 1.0 / 39916800;

  /** "vector (...)" or "scalar (why)": which loops the float array kernels use in this JVM. */
  static String path() {
    return PATH;
  }

  /** A row's length rounded up to whole groups of {@link #LANES}: its length once widened. */
  static int padded(int length) {
    return (length + LANES - 1) & -LANES;
  }

  /**
   * Over a widened row z[0, padded(length)): y_i = (z[i] - shift) scale (at most 0, or NaN), z[i]
   * set to e^y_i if {@code storeExp}, else to y_i, for i below length (the padding may be left as
   * it is). Returns the sum of the e^y_i if {@code storeExp}, else the sum less one of its terms
   * with y_i = 0 (each exactly 1; there must be one, the pivot's): those terms are left out of the
   * partial sums and their count less one, read from the stored y, added last, so that a
   * log_softmax's log1p sees the mass besides the pivot unrounded, found without a search for the
   * pivot's index (whose store of -inf into the row made the vector loop wait).
   */
  static double shiftedExpSum(
      double[] z, int length, double shift, double scale, boolean storeExp) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      return VectorLanes.shiftedExpSum(z, length, shift, scale, storeExp);
    }
    return scalarShiftedExpSum(z, padded(length), shift, scale, storeExp);
  }

  /**
   * The largest (or smallest) of x[from, to), from + 1 <= to, NaN if one of them is: {@link
   * Math#max}'s order, -0 below +0, so any order of comparisons gives the same value.
   */
  static float extreme(float[] x, int from, int to, boolean largest) {
    if (VECTOR && to - from >= VECTOR_MINIMUM) {
      return VectorLanes.extreme(x, from, to, largest);
    }
    return scalarExtreme(x, from, to, largest);
  }

  static float scalarExtreme(float[] x, int from, int to, boolean largest) {
    float m = x[from];
    for (int i = from + 1; i < to; i++) {
      m = largest ? Math.max(m, x[i]) : Math.min(m, x[i]);
    }
    return m;
  }

  /**
   * z[0, length) = x[offset, offset + length) widened, and -inf up to {@link #padded}(length),
   * where the exponential's loops read whole groups.
   */
  static void widen(float[] x, int offset, int length, double[] z) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      VectorLanes.widen(x, offset, length, z);
      return;
    }
    scalarWiden(x, offset, length, z);
    Arrays.fill(z, length, padded(length), Double.NEGATIVE_INFINITY);
  }

  /** z[0, length) = x[offset, offset + length) widened, no padding. */
  static void scalarWiden(float[] x, int offset, int length, double[] z) {
    for (int i = 0; i < length; i++) {
      z[i] = x[offset + i];
    }
  }

  /**
   * out[outOffset + i] = v rounded to float for i in [0, length), v = (z[i] - shift) scale, and
   * {@code zero} where v is zero: the caller chooses its sign.
   */
  static void shiftScaleAndNarrow(
      double[] z, int length, double shift, double scale, double zero, float[] out, int outOffset) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      VectorLanes.shiftScaleAndNarrow(z, length, shift, scale, zero, out, outOffset);
      return;
    }
    scalarShiftScaleAndNarrow(z, length, shift, scale, zero, out, outOffset);
  }

  static void scalarShiftScaleAndNarrow(
      double[] z, int length, double shift, double scale, double zero, float[] out, int outOffset) {
    for (int i = 0; i < length; i++) {
      double v = (z[i] - shift) * scale;
      out[outOffset + i] = (float) (v == 0 ? zero : v);
    }
  }

  /**
   * out[outOffset + i] = sigmoid(x[offset + i]) rounded to float, i in [0, length), given z[i] =
   * e^-|x[offset + i]| (from {@link #shiftedExpSum} with no shift and scale 1).
   */
  static void sigmoidFromExp(
      float[] x, int offset, double[] z, int length, float[] out, int outOffset) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      VectorLanes.sigmoidFromExp(x, offset, z, length, out, outOffset);
      return;
    }
    scalarSigmoidFromExp(x, offset, z, length, out, outOffset);
  }

  static void scalarSigmoidFromExp(
      float[] x, int offset, double[] z, int length, float[] out, int outOffset) {
    for (int i = 0; i < length; i++) {
      out[outOffset + i] = (float) sigmoidFromExp(x[offset + i], z[i]);
    }
  }

  /** {@link #shiftedExpSum} over z[0, to), to a multiple of {@link #LANES}. */
  static double scalarShiftedExpSum(
      double[] z, int to, double shift, double scale, boolean storeExp) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double s5 = 0;
    double s6 = 0;
    double s7 = 0;
    for (int i = 0; i < to; i += LANES) {
      s0 += shiftedExp(z, i, shift, scale, storeExp);
      s1 += shiftedExp(z, i + 1, shift, scale, storeExp);
      s2 += shiftedExp(z, i + 2, shift, scale, storeExp);
      s3 += shiftedExp(z, i + 3, shift, scale, storeExp);
      s4 += shiftedExp(z, i + 4, shift, scale, storeExp);
      s5 += shiftedExp(z, i + 5, shift, scale, storeExp);
      s6 += shiftedExp(z, i + 6, shift, scale, storeExp);
      s7 += shiftedExp(z, i + 7, shift, scale, storeExp);
    }
    if (storeExp) {
      return total(s0, s1, s2, s3, s4, s5, s6, s7);
    }
    int ones = 0;
    for (int i = 0; i < to; i++) {
      ones += z[i] == 0 ? 1 : 0; // y_i, whose e^y_i was left out
    }
    return total(s0, s1, s2, s3, s4, s5, s6, s7) + (ones - 1);
  }

  /** The partial sums of the lanes added pairwise. */
  static double total(
      double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * e^-|y|, y = (z[i] - shift) scale, stored in z[i] with y itself unless {@code storeExp}: e^y
   * where y is at most 0, as in the softmax family, and sigmoid's e^-|x| with no shift and scale 1.
   * Returns the term for the sum: e^-|y|, or 0 where y is 0 and y is stored.
   */
  private static double shiftedExp(
      double[] z, int i, double shift, double scale, boolean storeExp) {
    double y = (z[i] - shift) * scale;
    double e = exp(-Math.abs(y));
    z[i] = storeExp ? e : y;
    return storeExp || y != 0 ? e : 0;
  }

  /**
   * e^x for x <= 0 (NaN stays NaN): x = k ln2 + r, |r| <= ln2/2, e^x = 2^k e^r with e^r from its
   * Taylor polynomial in fma, no table (vector lanes cannot share one cheaply): its even and odd
   * terms by Horner's rule in r^2, side by side, so that six steps wait on each other where
   * Horner's rule in r has eleven (a short row waits on its exponentials from start to end).
   */
  static double exp(double x) {
    double t = Math.fma(x, LOG2E, SHIFTER);
    double k = t - SHIFTER;
    double r = Math.fma(-k, LN2_HI, x);
    r = Math.fma(-k, LN2_LO, r);
    double r2 = r * r;
    double even = Math.fma(Math.fma(r2, C10, C8), r2, C6);
    even = Math.fma(Math.fma(Math.fma(even, r2, C4), r2, C2), r2, 1);
    double odd = Math.fma(Math.fma(r2, C11, C9), r2, C7);
    odd = Math.fma(Math.fma(Math.fma(odd, r2, C5), r2, C3), r2, 1);
    double p = Math.fma(odd, r, even);
    double scale = Double.longBitsToDouble((Double.doubleToRawLongBits(t) + EXPONENT_BIAS) << 52);
    return x < LOWEST ? 0 : p * scale;
  }

  /** 1/(1 + e) for x >= 0, e/(1 + e) below, e = e^-|x|: no overflow, no cancellation. */
  static double sigmoidFromExp(double x, double e) {
    double r = 1 / (1 + e);
    return x < 0 ? e * r : r;
  }

  private static String choosePath() {
    String path;
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      path = "scalar (the JVM was started without --add-modules=jdk.incubator.vector)";
    } else {
      try {
        path = VectorLanes.unsupportedReason().map(why -> "scalar (" + why + ")").orElse(null);
        if (path == null) {
          path = "vector (jdk.incubator.vector, " + VectorLanes.shape() + ")";
        }
      } catch (LinkageError e) {
        path = "scalar (jdk.incubator.vector failed to load: " + e + ")";
      }
    }
    LogManager.getLogger(FloatLanes.class).debug("Float array kernels: {}", path);
    return path;
  }
}
