package io.github.sparkactivations.core;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Array-normalising kernels on ranges of {@code double[]}: {@code (x, offset, length, ...)}.
 *
 * <p>Kernels that return an array write {@code length} values to {@code out} from {@code
 * outOffset}; {@code out} may be {@code x} itself (same offsets) for in-place use. They allocate
 * nothing except sparsemax and entmax15, which sort a copy of the row, and the double softmax and
 * softmin, which keep the low parts of the row's exponentials.
 *
 * <p>Shared semantics: an empty range gives an empty result; a NaN anywhere makes every output NaN
 * (argmax and top_k report "no result" instead); +inf entries share the probability mass equally
 * (the limit of finite inputs growing together) and the others get 0; all entries -inf give NaN.
 */
public final class ArrayKernels {

  private ArrayKernels() {}

  /** Returned by {@link #argmax} and {@link #topK} when there is no answer (empty range or NaN). */
  public static final int NO_RESULT = -1;

  /**
   * Which loops the float array kernels take in this JVM: "vector (...)" where the module {@code
   * jdk.incubator.vector} is present and the CPU has 256-bit vectors, else "scalar (why)". Both
   * give the same bits.
   */
  public static String floatArrayPath() {
    return FloatLanes.path();
  }

  /**
   * Copies a row of floats held in native byte order from bytes[byteOffset] (as Spark's arrays hold
   * them) to into[0, length), the way the float kernels read it at once where they hold a short row
   * in registers, into an array of at least {@link #FLOAT_ROW_BUFFER} floats: true if it did, false
   * (nothing written) where the row is better copied another way. It may write into[length, 16).
   */
  public static boolean copyShortFloatRow(byte[] bytes, int byteOffset, int length, float[] into) {
    return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        && FloatLanes.copyShortRow(bytes, byteOffset, length, into);
  }

  /**
   * The least length of a buffer that float rows are copied into for the kernels: room for {@link
   * #copyShortFloatRow}, and for the kernels to read a short row whole.
   */
  public static final int FLOAT_ROW_BUFFER = 2 * FloatLanes.LANES;

  public static void softmax(
      double[] x, int offset, int length, double[] out, int outOffset, double temperature) {
    exponentialNormalise(x, offset, length, out, outOffset, temperature, false);
  }

  public static void softmin(
      double[] x, int offset, int length, double[] out, int outOffset, double temperature) {
    exponentialNormalise(x, offset, length, out, outOffset, -temperature, false);
  }

  public static void logSoftmax(
      double[] x, int offset, int length, double[] out, int outOffset, double temperature) {
    exponentialNormalise(x, offset, length, out, outOffset, temperature, true);
  }

  // Float forms of the softmax family. Float results leave 29 bits of double precision spare, so a
  // plain double computation (one FloatLanes exponential per value, plain sums, relative error
  // about length * 2^-53) rounds to within half a float ulp plus 1e-4 ulp up to 10^4 values,
  // where the double kernels need compensated arithmetic. Inputs with a NaN or an infinite pivot
  // take the double kernels, which own those semantics.

  public static void softmax(
      float[] x, int offset, int length, float[] out, int outOffset, double temperature) {
    exponentialNormalise(x, offset, length, out, outOffset, temperature, false);
  }

  public static void softmin(
      float[] x, int offset, int length, float[] out, int outOffset, double temperature) {
    exponentialNormalise(x, offset, length, out, outOffset, -temperature, false);
  }

  public static void logSoftmax(
      float[] x, int offset, int length, float[] out, int outOffset, double temperature) {
    exponentialNormalise(x, offset, length, out, outOffset, temperature, true);
  }

  /**
   * Element-wise sigmoid of float values, in double with {@link FloatLanes} (vector loops where the
   * JVM has them, a short row held in registers) and rounded once to float.
   */
  public static void sigmoid(float[] x, int offset, int length, float[] out, int outOffset) {
    fromExp(x, offset, length, FloatLanes.Pass.SIGMOID, out, outOffset);
  }

  /**
   * Element-wise silu of float values: x sigmoid(x), as {@link #sigmoid(float[], int, int, float[],
   * int)}.
   */
  public static void silu(float[] x, int offset, int length, float[] out, int outOffset) {
    fromExp(x, offset, length, FloatLanes.Pass.SILU, out, outOffset);
  }

  /**
   * GELU's tanh form of float values: x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715x^3), as {@link
   * #silu(float[], int, int, float[], int)} with 2u in place of x in the exponential.
   */
  public static void geluTanh(float[] x, int offset, int length, float[] out, int outOffset) {
    fromExp(x, offset, length, FloatLanes.Pass.GELU_TANH, out, outOffset);
  }

  private static void fromExp(
      float[] x, int offset, int length, FloatLanes.Pass pass, float[] out, int outOffset) {
    // silu's and GELU's rows of 9 to 15 take the scratch buffer: silu's product in the one method
    // that holds short rows in registers measured up to 0.3 ns per value slower for log_softmax's
    // rows of ten.
    if (pass == FloatLanes.Pass.SIGMOID && FloatLanes.holdsInRegisters(length)) {
      VectorLanes.sigmoidInRegisters(x, offset, length, out, outOffset);
      return;
    }
    double[] z = scratch(length);
    // e^-|x|, or e^-|2u| for GELU
    FloatLanes.shiftedExpSum(x, offset, length, Double.NEGATIVE_INFINITY, z, 0, 1, pass);
    FloatLanes.fromExp(x, offset, z, length, pass, out, outOffset);
  }

  /** The range's values as a new double array: how float input reaches the double kernels. */
  public static double[] widen(float[] x, int offset, int length) {
    double[] wide = new double[length];
    FloatLanes.scalarWiden(x, offset, length, wide);
    return wide;
  }

  /** Every value rounded once to float, written to {@code out} from {@code outOffset}. */
  public static void narrow(double[] values, float[] out, int outOffset) {
    int length = values.length;
    for (int i = 0; i < length; i++) {
      out[outOffset + i] = (float) values[i];
    }
  }

  /**
   * Rows up to this length are widened into a buffer the thread keeps, longer ones into their own.
   */
  private static final int SCRATCH_LIMIT = 1 << 16;

  private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

  /**
   * The thread's scratch buffer, or a new array for rows over {@link #SCRATCH_LIMIT}, for a row of
   * this length once padded: allocating a row for each call cost the float kernels more than their
   * arithmetic (1.3 of 2.9 ns per value on rows of 100).
   */
  private static double[] scratch(int length) {
    int padded = FloatLanes.padded(length);
    double[] z = length > SCRATCH_LIMIT ? new double[padded] : SCRATCH.get();
    if (z.length < padded) {
      z = new double[Math.min(SCRATCH_LIMIT, Math.max(padded, 2 * z.length))];
      SCRATCH.set(z);
    }
    return z;
  }

  /** T log(sum e^(x/T)): -inf for an empty or all -inf range, NaN if any entry is NaN. */
  public static double logsumexp(double[] x, int offset, int length, double temperature) {
    if (length == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    int p = pivot(x, offset, length, temperature);
    if (p == NO_RESULT) {
      return Double.NaN;
    }
    double max = x[offset + p];
    if (Double.isInfinite(max)) {
      return max;
    }
    DoubleDouble mass = remainingMass(x, offset, length, p, temperature);
    DoubleDouble log = Logarithm.log1p(mass.hi(), mass.lo());
    double product = temperature * log.hi();
    double productError = Math.fma(temperature, log.hi(), -product) + temperature * log.lo();
    return Kernels.addRoundedOnce(max, product, productError);
  }

  /** 0-based index of the first maximum, or {@link #NO_RESULT} for an empty range or a NaN. */
  public static int argmax(double[] x, int offset, int length) {
    return length == 0 ? NO_RESULT : pivot(x, offset, length, 1);
  }

  /**
   * Fills {@code indices[0..min(k, length))} with the 0-based indices of the k largest entries,
   * value descending, ties by lower index; returns how many, or {@link #NO_RESULT} on a NaN.
   */
  public static int topK(double[] x, int offset, int length, int k, int[] indices) {
    for (int i = 0; i < length; i++) {
      if (Double.isNaN(x[offset + i])) {
        return NO_RESULT;
      }
    }
    // indices[0..size) is a binary heap whose root is the worst of the best seen so far.
    int size = 0;
    int capacity = Math.min(k, length);
    for (int i = 0; i < length; i++) {
      if (size < capacity) {
        indices[size] = i;
        siftUp(x, offset, indices, size++);
      } else if (ranksBefore(x, offset, i, indices[0])) {
        indices[0] = i;
        siftDown(x, offset, indices, size);
      }
    }
    // Heap sort in place: repeatedly move the worst to the end.
    for (int end = size - 1; end > 0; end--) {
      int worst = indices[0];
      indices[0] = indices[end];
      indices[end] = worst;
      siftDown(x, offset, indices, end);
    }
    return size;
  }

  /** Euclidean projection onto the probability simplex (Martins and Astudillo, 2016). */
  public static void sparsemax(double[] x, int offset, int length, double[] out, int outOffset) {
    double max = finiteMaxOrFill(x, offset, length, out, outOffset);
    if (Double.isNaN(max)) {
      return;
    }
    double[] sorted = sortedShifted(x, offset, length, max, 1);
    // Support size k: the largest k with 1 + k z_(k) > sum_{j<=k} z_(j), z sorted descending.
    double cumulative = 0;
    double compensation = 0;
    double tau = 0;
    for (int rank = 1; rank <= length; rank++) {
      double z = sorted[length - rank];
      double next = cumulative + z;
      compensation += Kernels.twoSumError(cumulative, z, next);
      cumulative = next;
      double sum = cumulative + compensation;
      if (1 + rank * z > sum) {
        tau = (sum - 1) / rank;
      }
    }
    for (int i = 0; i < length; i++) {
      out[outOffset + i] = Math.max(x[offset + i] - max - tau, 0);
    }
  }

  /**
   * 1.5-entmax, exact sort-based threshold (Peters, Niculae and Martins, 2019, Algorithm 2): p_i =
   * [x_i/2 - tau]_+^2 with tau chosen so the p sum to 1.
   */
  public static void entmax15(double[] x, int offset, int length, double[] out, int outOffset) {
    double max = finiteMaxOrFill(x, offset, length, out, outOffset);
    if (Double.isNaN(max)) {
      return;
    }
    double[] sorted = sortedShifted(x, offset, length, max, 0.5);
    // Welford's running mean and sum of squared deviations: rank * (mean(z^2) - mean(z)^2)
    // without the cancellation of the textbook formula.
    double mean = 0;
    double squares = 0;
    double tau = 0;
    int support = 0;
    for (int rank = 1; rank <= length; rank++) {
      double z = sorted[length - rank];
      double delta = z - mean;
      mean += delta / rank;
      squares += delta * (z - mean);
      double candidate = mean - Math.sqrt(Math.max((1 - squares) / rank, 0));
      if (candidate <= z) {
        tau = candidate;
        support = rank;
      }
    }
    // 1 - squares cancels when the support is large; one Newton step on sum (z - tau)^2 = 1,
    // summed with compensation, restores the normalisation to a few ulps.
    double excess = -1;
    double compensation = 0;
    double slope = 0;
    for (int rank = 1; rank <= support; rank++) {
      double d = sorted[length - rank] - tau;
      double square = d * d;
      double next = excess + square;
      compensation += Kernels.twoSumError(excess, square, next);
      excess = next;
      slope += d;
    }
    tau += (excess + compensation) / (2 * slope);
    for (int i = 0; i < length; i++) {
      double p = Math.max(0.5 * (x[offset + i] - max) - tau, 0);
      out[outOffset + i] = p * p;
    }
  }

  /**
   * Softmax family over z_i = x_i/t, t signed (softmin passes -T), shifted by the pivot so every
   * exponent is <= 0. The shift x_i - pivot and the division by t are carried as double-doubles:
   * exp amplifies their rounding error by |z|, which would cost hundreds of ulps for tiny
   * probabilities.
   */
  private static void exponentialNormalise(
      double[] x, int offset, int length, double[] out, int outOffset, double t, boolean log) {
    if (length == 0) {
      return;
    }
    int p = pivot(x, offset, length, t);
    if (p == NO_RESULT) {
      Arrays.fill(out, outOffset, outOffset + length, Double.NaN);
      return;
    }
    double pivot = x[offset + p];
    if (Double.isInfinite(pivot)) {
      shareAmongInfinities(x, offset, length, out, outOffset, pivot, t, log);
      return;
    }
    if (log) {
      // log p_i = z_i - log(1 + R), R the mass besides the pivot: log1p keeps the dominant class
      // exact instead of rounding 1 + R first. Both terms as double-doubles, rounded once.
      DoubleDouble mass = remainingMass(x, offset, length, p, t);
      DoubleDouble logTotal = Logarithm.log1p(mass.hi(), mass.lo());
      double zero = signedZero(mass.hi(), x, offset, length, pivot);
      for (int i = 0; i < length; i++) {
        double z = shifted(x[offset + i], pivot, t);
        double zError = shiftError(x[offset + i], pivot, t, z);
        double v = Kernels.addRoundedOnce(z, -logTotal.hi(), zError - logTotal.lo());
        out[outOffset + i] = v == 0 ? zero : v;
      }
      return;
    }
    // Each e^z_i 2^128 as hi (in out) + lo, summed with Neumaier's compensation (its error does not
    // grow with the length), then each quotient rounded once: the scale, which cancels, keeps the
    // low parts of probabilities down to the subnormal range.
    double[] lows = new double[length];
    double sum = 0;
    double compensation = 0;
    for (int i = 0; i < length; i++) {
      DoubleDouble e = exactExp(x[offset + i], pivot, t, 128);
      out[outOffset + i] = e.hi();
      lows[i] = e.lo();
      double next = sum + e.hi();
      compensation += Kernels.twoSumError(sum, e.hi(), next) + e.lo();
      sum = next;
    }
    double total = sum + compensation;
    double totalError = Kernels.twoSumError(sum, compensation, total);
    for (int i = 0; i < length; i++) {
      out[outOffset + i] = Kernels.divide(out[outOffset + i], lows[i], total, totalError);
    }
  }

  private static void exponentialNormalise(
      float[] x, int offset, int length, float[] out, int outOffset, double t, boolean log) {
    if (length == 0) {
      return;
    }
    double scale = 1 / t;
    if (log) {
      // log p_i = z_i - log(1 + R), R the mass besides the pivot, as in the double kernel: the
      // pivot's term (exactly 1) is left out of R, so that log1p sees the rest unrounded. The
      // temperature is positive: the pivot is the largest value, the padding -inf.
      if (FloatLanes.holdsInRegisters(length)
          && VectorLanes.logSoftmaxInRegisters(x, offset, length, scale, out, outOffset)) {
        return;
      }
      double[] z = scratch(length);
      float pivot = FloatLanes.widenFindingLargest(x, offset, length, z);
      if (Float.isFinite(pivot)) {
        double rest =
            FloatLanes.shiftedExpSum(z, length, pivot, scale, FloatLanes.Pass.LOG_SOFTMAX);
        double logTotal = Logarithm.log1p(rest);
        double zero = signedZero(rest, z, 0, length, 0);
        FloatLanes.shiftScaleAndNarrow(z, length, logTotal, 1, zero, out, outOffset);
        return;
      }
    } else {
      // The row's padding must give y = -inf, whose e^y adds nothing, whatever the sign of t.
      double padding = t > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      // softmax tries the row's first value as its shift: the row need not wait for a search.
      if (normaliseShiftedBy(x[offset], x, offset, length, out, outOffset, scale, padding)) {
        return;
      }
      float pivot = FloatLanes.extreme(x, offset, offset + length, t > 0);
      if (Float.isFinite(pivot)) {
        normaliseShiftedBy(pivot, x, offset, length, out, outOffset, scale, padding);
        return;
      }
    }
    double[] wide = widen(x, offset, length);
    exponentialNormalise(wide, 0, length, wide, 0, t, log);
    narrow(wide, out, outOffset);
  }

  /**
   * softmax shifted by one of the row's values: by the largest, or by any other (e^y of either sign
   * is as exact, and the shift's own term, 1, keeps the sum from underflowing). False, with nothing
   * written, where the sum is not finite: a NaN or an infinity in the row, or a value about 709
   * above the shift once scaled (never with the largest value as the shift).
   */
  private static boolean normaliseShiftedBy(
      float shift,
      float[] x,
      int offset,
      int length,
      float[] out,
      int outOffset,
      double scale,
      double padding) {
    if (FloatLanes.holdsInRegisters(length)) {
      return VectorLanes.softmaxInRegisters(
          x, offset, length, shift, scale, padding, out, outOffset);
    }
    double[] z = scratch(length);
    double sum =
        FloatLanes.shiftedExpSum(
            x, offset, length, padding, z, shift, scale, FloatLanes.Pass.SOFTMAX);
    if (!(sum < Double.POSITIVE_INFINITY)) {
      return false;
    }
    FloatLanes.shiftScaleAndNarrow(z, length, 0, 1 / sum, 0.0, out, outOffset);
    return true;
  }

  /**
   * log_softmax where z_i - log(1 + R) is 0 (the pivot and its ties): -0 when the mass R besides
   * the pivot underflowed to zero yet another entry is finite (R is positive, log p below zero by
   * less than any double), else +0 (R is exactly 0, and no entry but the pivot equals it: a tie
   * would add 1).
   */
  static double signedZero(double mass, double[] x, int offset, int length, double pivot) {
    if (mass != 0) {
      return 0.0; // unused: z - log(1 + R) is below zero
    }
    for (int i = 0; i < length; i++) {
      if (x[offset + i] != pivot && Double.isFinite(x[offset + i])) {
        return -0.0;
      }
    }
    return 0.0;
  }

  /**
   * Sum of e^(z_i) over every entry but the pivot (whose term is exactly 1), compensated, as a
   * double-double.
   */
  private static DoubleDouble remainingMass(double[] x, int offset, int length, int p, double t) {
    double pivot = x[offset + p];
    double sum = 0;
    double compensation = 0;
    for (int i = 0; i < length; i++) {
      if (i != p) {
        DoubleDouble e = exactExp(x[offset + i], pivot, t, 0);
        double next = sum + e.hi();
        compensation += Kernels.twoSumError(sum, e.hi(), next) + e.lo();
        sum = next;
      }
    }
    double total = sum + compensation;
    return new DoubleDouble(total, Kernels.twoSumError(sum, compensation, total));
  }

  /**
   * e^((x - pivot)/t) 2^scale as hi + lo, the rounding error of the exponent applied to first
   * order.
   */
  private static DoubleDouble exactExp(double x, double pivot, double t, int scale) {
    double z = shifted(x, pivot, t);
    DoubleDouble e = Exponential.scaledExp(z, scale);
    return new DoubleDouble(e.hi(), Math.fma(e.hi(), shiftError(x, pivot, t, z), e.lo()));
  }

  private static double shifted(double x, double pivot, double t) {
    double d = x - pivot;
    return t == 1 ? d : d / t;
  }

  /** (x - pivot)/t - z, exactly up to the final rounding; 0 where the difference overflowed. */
  private static double shiftError(double x, double pivot, double t, double z) {
    double d = x - pivot;
    if (Double.isInfinite(d)) {
      return 0;
    }
    double dError = Kernels.twoSumError(x, -pivot, d);
    return t == 1 ? dError : (Math.fma(-z, t, d) + dError) / t;
  }

  /**
   * Index of the first entry with the largest x/t (the largest x for t > 0, the smallest for t <
   * 0), or {@link #NO_RESULT} if any entry is NaN. Requires length > 0.
   */
  private static int pivot(double[] x, int offset, int length, double t) {
    int best = 0;
    double bestValue = x[offset];
    for (int i = 0; i < length; i++) {
      double v = x[offset + i];
      if (Double.isNaN(v)) {
        return NO_RESULT;
      }
      if (t > 0 ? v > bestValue : v < bestValue) {
        best = i;
        bestValue = v;
      }
    }
    return best;
  }

  /**
   * The pivot is infinite: if x/t is +inf there, those entries split the mass equally; otherwise
   * every entry is the same infinity pointing away (softmax of all -inf) and the result is NaN.
   */
  private static void shareAmongInfinities(
      double[] x,
      int offset,
      int length,
      double[] out,
      int outOffset,
      double pivot,
      double t,
      boolean log) {
    if ((pivot > 0) != (t > 0)) {
      Arrays.fill(out, outOffset, outOffset + length, Double.NaN);
      return;
    }
    int winners = 0;
    for (int i = 0; i < length; i++) {
      if (x[offset + i] == pivot) {
        winners++;
      }
    }
    double share = log ? -Math.log(winners) : 1.0 / winners;
    double rest = log ? Double.NEGATIVE_INFINITY : 0.0;
    for (int i = 0; i < length; i++) {
      out[outOffset + i] = x[offset + i] == pivot ? share : rest;
    }
  }

  /**
   * The finite maximum of x, after handling the cases the sort-based projections share with
   * softmax: empty, NaN, +inf entries, all -inf. Returns NaN when {@code out} is already filled.
   */
  private static double finiteMaxOrFill(
      double[] x, int offset, int length, double[] out, int outOffset) {
    if (length == 0) {
      return Double.NaN;
    }
    int p = pivot(x, offset, length, 1);
    if (p == NO_RESULT) {
      Arrays.fill(out, outOffset, outOffset + length, Double.NaN);
      return Double.NaN;
    }
    double max = x[offset + p];
    if (Double.isInfinite(max)) {
      shareAmongInfinities(x, offset, length, out, outOffset, max, 1, false);
      return Double.NaN;
    }
    return max;
  }

  /** scale * (x_i - max), sorted ascending; a fresh array, one per call. */
  private static double[] sortedShifted(
      double[] x, int offset, int length, double max, double scale) {
    double[] sorted = new double[length];
    for (int i = 0; i < length; i++) {
      sorted[i] = scale * (x[offset + i] - max);
    }
    Arrays.sort(sorted);
    return sorted;
  }

  /** True if entry i ranks before entry j: larger value, or equal value and lower index. */
  private static boolean ranksBefore(double[] x, int offset, int i, int j) {
    double a = x[offset + i];
    double b = x[offset + j];
    return a > b || (a == b && i < j);
  }

  private static void siftUp(double[] x, int offset, int[] heap, int child) {
    while (child > 0) {
      int parent = (child - 1) / 2;
      if (!ranksBefore(x, offset, heap[parent], heap[child])) {
        return;
      }
      swap(heap, parent, child);
      child = parent;
    }
  }

  private static void siftDown(double[] x, int offset, int[] heap, int size) {
    int parent = 0;
    while (true) {
      int worst = parent;
      int left = 2 * parent + 1;
      int right = left + 1;
      if (left < size && ranksBefore(x, offset, heap[worst], heap[left])) {
        worst = left;
      }
      if (right < size && ranksBefore(x, offset, heap[worst], heap[right])) {
        worst = right;
      }
      if (worst == parent) {
        return;
      }
      swap(heap, parent, worst);
      parent = worst;
    }
  }

  private static void swap(int[] a, int i, int j) {
    int tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
  }
}
