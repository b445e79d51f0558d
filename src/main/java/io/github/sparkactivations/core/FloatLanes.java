package io.github.sparkactivations.core;

import java.util.Arrays;
import org.apache.logging.log4j.LogManager;

/**
 * Kernels for float data widened to double, whose results are rounded to float: e^z over a range
 * after a shift and a scale (summed, with the exponentials or the scaled values stored), sigmoid,
 * silu and GELU's tanh form. Relative error below 2^-45, 2^-21 of a float ulp, so the rounded
 * results are within half a float ulp plus that.
 *
 * <p>Each kernel is defined lane by lane here ({@link #exp}, {@link #fromExp(double, double,
 * Pass)}) and written a second time with the JDK's Vector API in {@link VectorLanes}: the same
 * operations in the same order, each of them an IEEE operation or an exact {@link Math#fma}, so
 * both give the same bits. Sums are split the same way in both: a row is widened into whole groups
 * of {@link #LANES}, padded with an infinity whose exponential is 0 and adds nothing, and summed in
 * that many partial sums, one per lane. The vector loops run where the module {@code
 * jdk.incubator.vector} is in the JVM (Spark 4 starts its JVMs with it) and the range has at least
 * {@link #VECTOR_MINIMUM} values.
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
   * e^r = 1 + r + C2 r^2 + ... + C9 r^9 for |r| <= ln2/2: the polynomial of degree nine with the
   * least largest relative error, 2^-45.8 (Remez's algorithm, {@code
   * src/test/python/exp_polynomial.py}), far below the 2^-30 that a float result needs. Taylor's
   * polynomial reaches that only at degree eleven: two more fmas for every value.
   */
  static final double C2 = 0x1.fffffffff13f6p-2;

  static final double C3 = 0x1.5555555589f01p-3;
  static final double C4 = 0x1.5555557deeefdp-5;
  static final double C5 = 0x1.1111108e2ca2ep-7;
  static final double C6 = 0x1.6c163be922fe8p-10;
  static final double C7 = 0x1.a01b73842a6f9p-13;
  static final double C8 = 0x1.a16e32b8b406fp-16;
  static final double C9 = 0x1.7101826301f57p-19;

  /** "vector (...)" or "scalar (why)": which loops the float array kernels use in this JVM. */
  static String path() {
    return PATH;
  }

  /**
   * Whether the vector loops are in use and hold a row of this length in registers whole, from the
   * floats to the floats (softmax, log_softmax and sigmoid of 9 to 15 values, with vectors of eight
   * lanes).
   */
  static boolean holdsInRegisters(int length) {
    return VECTOR && VectorLanes.holdsInRegisters(length);
  }

  /**
   * Copies a row of floats held in little-endian bytes from bytes[byteOffset] to into[0, length) as
   * {@link VectorLanes#inRegisters} reads it at once, where it holds the row in registers (and may
   * write into[length, 16)): false, with nothing written, where it does not.
   */
  static boolean copyShortRow(byte[] bytes, int byteOffset, int length, float[] into) {
    if (!holdsInRegisters(length) || into.length < 2 * LANES) {
      return false;
    }
    VectorLanes.copyShortRow(bytes, byteOffset, length, into);
    return true;
  }

  /** A row's length rounded up to whole groups of {@link #LANES}: its length once widened. */
  static int padded(int length) {
    return (length + LANES - 1) & -LANES;
  }

  /** What a pass of {@link #shiftedExpSum} computes from y = (z - shift) scale, and keeps. */
  enum Pass {
    /** e^-|y|, stored; the sum is unused (sigmoid, no shift and scale 1). */
    SIGMOID(true, Long.MAX_VALUE, Long.MIN_VALUE),
    /** SIGMOID's exponentials, for silu = x sigmoid(x). */
    SILU(true, Long.MAX_VALUE, Long.MIN_VALUE),
    /**
     * SIGMOID's exponentials of z = 2u ({@link #tanhGeluArgument}), for GELU's tanh form x
     * sigmoid(2u).
     */
    GELU_TANH(true, Long.MAX_VALUE, Long.MIN_VALUE),
    /**
     * e^y, stored, and their sum: y of either sign, the shift being any value of the row; from
     * {@link #CEILING} up, e^y is +inf (from about 709.4, where 2^k overflows), and so is the sum.
     */
    SOFTMAX(true, Double.doubleToRawLongBits(CEILING), 0),
    /**
     * y stored (the shift is the pivot, y at most 0), and the sum of the e^y less one of its terms
     * with y = 0 (each exactly 1; there must be one, the pivot's): those terms are left out of the
     * partial sums and their count less one added last, so that a log_softmax's log1p sees the mass
     * besides the pivot unrounded, found without a search for the pivot's index (whose store of
     * -inf into the row made the vector loop wait).
     */
    LOG_SOFTMAX(false, Long.MAX_VALUE, Long.MIN_VALUE);

    /**
     * Whether the exponentials are stored; else y is, and the terms with y = 0 are left out of the
     * sum (log_softmax's, see {@link #LOG_SOFTMAX}).
     */
    final boolean storesExp;

    /**
     * The bits of a ceiling on y: a y whose bits are larger as signed integers (a larger positive
     * y, or a NaN with its sign bit clear) is taken as the ceiling, by a minimum of integers (one
     * instruction). Long.MAX_VALUE where y stays as it is.
     */
    final long ceilingBits;

    /** OR-ed into the bits of y: the sign bit gives -|y|. */
    final long signBit;

    Pass(boolean storesExp, long ceilingBits, long signBit) {
      this.storesExp = storesExp;
      this.ceilingBits = ceilingBits;
      this.signBit = signBit;
    }
  }

  /** e^710 overflows whatever the rounding: SOFTMAX's ceiling on y. */
  static final double CEILING = 710;

  /**
   * Over a widened row z[0, padded(length)): the {@link Pass}'s exponentials of y_i = (z[i] -
   * shift) scale (2u in place of z[i] for {@link Pass#GELU_TANH}, {@link #tanhGeluArgument}), z[i]
   * set to them or to y_i, for i below length (the padding may be left as it is), and their sum.
   */
  static double shiftedExpSum(double[] z, int length, double shift, double scale, Pass pass) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      return VectorLanes.shiftedExpSum(z, length, shift, scale, pass);
    }
    return scalarShiftedExpSum(z, padded(length), shift, scale, pass);
  }

  /**
   * {@link #shiftedExpSum(double[], int, double, double, Pass)} over x[offset, offset + length)
   * widened into z, as {@link #widen} widens it; z holds at least the padded length. The vector
   * loops read the floats as they go, one pass over the row instead of two.
   */
  static double shiftedExpSum(
      float[] x,
      int offset,
      int length,
      double padding,
      double[] z,
      double shift,
      double scale,
      Pass pass) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      return VectorLanes.shiftedExpSum(x, offset, length, padding, z, shift, scale, pass);
    }
    widen(x, offset, length, z, padding);
    return scalarShiftedExpSum(z, padded(length), shift, scale, pass);
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
   * The scalar loops' z[0, length) = x[offset, offset + length) widened, and {@code padding} up to
   * {@link #padded}(length), where the exponential's loops read whole groups: the infinity whose y
   * is -inf, -inf unless a softmax pass scales by a negative factor. Widened in a loop of its own:
   * the JIT's float-to-double conversion writes half a register and waits on its last writer, which
   * fused with arithmetic chains each value to the one before.
   */
  private static void widen(float[] x, int offset, int length, double[] z, double padding) {
    scalarWiden(x, offset, length, z);
    Arrays.fill(z, length, padded(length), padding);
  }

  /**
   * {@link #widen} with the padding -inf, returning the largest of the values as {@link #extreme}
   * finds it.
   */
  static float widenFindingLargest(float[] x, int offset, int length, double[] z) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      return VectorLanes.widenFindingLargest(x, offset, length, z);
    }
    widen(x, offset, length, z, Double.NEGATIVE_INFINITY);
    return scalarExtreme(x, offset, offset + length, true);
  }

  /** z[0, length) = x[offset, offset + length) widened, no padding. */
  static void scalarWiden(float[] x, int offset, int length, double[] z) {
    for (int i = 0; i < length; i++) {
      z[i] = x[offset + i];
    }
  }

  /**
   * out[outOffset + i] = v rounded to float for i in [0, length), v = z[i] scale - shift rounded
   * once (one fma: a row's results wait on it), and -0 where v is zero if {@code zero} is -0: the
   * caller chooses that sign (log_softmax's {@link ArrayKernels#signedZero}); with +0 the zeros are
   * left as they are, none of the callers' being -0 then.
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
    boolean replacesZeros = replacesZeros(zero);
    for (int i = 0; i < length; i++) {
      double v = Math.fma(z[i], scale, -shift);
      out[outOffset + i] = (float) (replacesZeros && v == 0 ? zero : v);
    }
  }

  /** Whether {@link #shiftScaleAndNarrow} is to give its zero results {@code zero}'s sign. */
  static boolean replacesZeros(double zero) {
    return Double.doubleToRawLongBits(zero) != 0;
  }

  /**
   * out[outOffset + i] = the element-wise pass's function of x[offset + i] rounded to float, i in
   * [0, length), given z[i] = e^-|x[offset + i]| (from {@link #shiftedExpSum} with no shift and
   * scale 1).
   */
  static void fromExp(
      float[] x, int offset, double[] z, int length, Pass pass, float[] out, int outOffset) {
    if (VECTOR && length >= VECTOR_MINIMUM) {
      VectorLanes.fromExp(x, offset, z, length, pass, out, outOffset);
      return;
    }
    scalarFromExp(x, offset, z, length, pass, out, outOffset);
  }

  static void scalarFromExp(
      float[] x, int offset, double[] z, int length, Pass pass, float[] out, int outOffset) {
    for (int i = 0; i < length; i++) {
      out[outOffset + i] = (float) fromExp(x[offset + i], z[i], pass);
    }
  }

  /** {@link #shiftedExpSum} over z[0, to), to a multiple of {@link #LANES}. */
  static double scalarShiftedExpSum(double[] z, int to, double shift, double scale, Pass pass) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double s5 = 0;
    double s6 = 0;
    double s7 = 0;
    for (int i = 0; i < to; i += LANES) {
      s0 += shiftedExp(z, i, shift, scale, pass);
      s1 += shiftedExp(z, i + 1, shift, scale, pass);
      s2 += shiftedExp(z, i + 2, shift, scale, pass);
      s3 += shiftedExp(z, i + 3, shift, scale, pass);
      s4 += shiftedExp(z, i + 4, shift, scale, pass);
      s5 += shiftedExp(z, i + 5, shift, scale, pass);
      s6 += shiftedExp(z, i + 6, shift, scale, pass);
      s7 += shiftedExp(z, i + 7, shift, scale, pass);
    }
    if (pass.storesExp) {
      return total(s0, s1, s2, s3, s4, s5, s6, s7);
    }
    int ones = 0;
    for (int i = 0; i < to; i++) {
      ones += z[i] == 0 ? 1 : 0;
    }
    return total(s0, s1, s2, s3, s4, s5, s6, s7) + (ones - 1);
  }

  /** The partial sums of the lanes added pairwise. */
  static double total(
      double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * The pass's exponential of y = (v - shift) scale, v = z[i] or GELU's 2u of it, or y, stored;
   * returns the term to sum.
   */
  private static double shiftedExp(double[] z, int i, double shift, double scale, Pass pass) {
    double v = pass == Pass.GELU_TANH ? tanhGeluArgument(z[i]) : z[i];
    long bits = Math.min(Double.doubleToRawLongBits((v - shift) * scale), pass.ceilingBits);
    double y = Double.longBitsToDouble(bits);
    double e = exp(Double.longBitsToDouble(bits | pass.signBit));
    z[i] = pass.storesExp ? e : y;
    return !pass.storesExp && y == 0 ? 0 : e;
  }

  /**
   * e^x for x <= {@link #CEILING} (NaN stays NaN), +inf from about 709.4: x = k ln2 + r, |r| <=
   * ln2/2, e^x = 2^k e^r with e^r from a polynomial ({@link #C2}) in fma, no table (vector lanes
   * cannot share one cheaply): its even and odd terms by Horner's rule in r^2, side by side, so
   * that five steps wait on each other where Horner's rule in r has nine (a short row waits on its
   * exponentials from start to end).
   */
  static double exp(double x) {
    double t = Math.fma(x, LOG2E, SHIFTER);
    double k = t - SHIFTER;
    double r = Math.fma(-k, LN2_HI, x);
    r = Math.fma(-k, LN2_LO, r);
    double r2 = r * r;
    double even = Math.fma(Math.fma(Math.fma(Math.fma(r2, C8, C6), r2, C4), r2, C2), r2, 1);
    double odd = Math.fma(Math.fma(Math.fma(Math.fma(r2, C9, C7), r2, C5), r2, C3), r2, 1);
    double p = Math.fma(odd, r, even);
    double scale = Double.longBitsToDouble((Double.doubleToRawLongBits(t) + EXPONENT_BIAS) << 52);
    return x < LOWEST ? 0 : p * scale;
  }

  /**
   * sigmoid(x), given e = e^-|x|, or silu(x) = x sigmoid(x), or GELU's tanh form x sigmoid(2u)
   * given e = e^-|2u| (2u has x's sign): 1/(1 + e) for x >= 0, e/(1 + e) below (no overflow, no
   * cancellation; one division, rounded once), times x but for sigmoid (one rounding more, of
   * 2^-53); -0 where sigmoid is 0 (x is -inf, or far below 0), as x times 0 would be NaN at -inf.
   * The numerator is chosen by x's sign bit, as the vector form chooses it with bit operations (no
   * compare and blend): at -0, e is 1 either way.
   */
  static double fromExp(double x, double e, Pass pass) {
    double s = (Double.doubleToRawLongBits(x) < 0 ? e : 1) / (1 + e);
    if (pass == Pass.SIGMOID) {
      return s;
    }
    return s == 0 ? -0.0 : x * s;
  }

  /**
   * 2 sqrt(2/pi) and its product with 0.044715, from the double kernel's constants: 2u = x (C1 + C3
   * x^2) in GELU's tanh form.
   */
  static final double GELU_C1 = 2 * Kernels.SQRT_2_OVER_PI_HI;

  static final double GELU_C3 = GELU_C1 * Kernels.GELU_TANH_CUBIC_HI;

  /**
   * 2u = x (C1 + C3 x^2) (-inf stays -inf): a few roundings of 2^-53 each, which sigmoid(2u) turns
   * into a relative error of about 2^-51 |2u|, 2^-44 where |2u| is 100 and the float result near
   * its smallest.
   */
  static double tanhGeluArgument(double x) {
    return x * Math.fma(x * x, GELU_C3, GELU_C1);
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
