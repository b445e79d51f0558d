package io.github.sparkactivations.core;

import static io.github.sparkactivations.core.FloatLanes.C2;
import static io.github.sparkactivations.core.FloatLanes.C3;
import static io.github.sparkactivations.core.FloatLanes.C4;
import static io.github.sparkactivations.core.FloatLanes.C5;
import static io.github.sparkactivations.core.FloatLanes.C6;
import static io.github.sparkactivations.core.FloatLanes.C7;
import static io.github.sparkactivations.core.FloatLanes.C8;
import static io.github.sparkactivations.core.FloatLanes.C9;
import static io.github.sparkactivations.core.FloatLanes.EXPONENT_BIAS;
import static io.github.sparkactivations.core.FloatLanes.LANES;
import static io.github.sparkactivations.core.FloatLanes.LN2_HI;
import static io.github.sparkactivations.core.FloatLanes.LN2_LO;
import static io.github.sparkactivations.core.FloatLanes.LOG2E;
import static io.github.sparkactivations.core.FloatLanes.LOWEST;
import static io.github.sparkactivations.core.FloatLanes.SHIFTER;

import java.util.Optional;
import java.util.stream.IntStream;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLanes}' kernels with the JDK's Vector API, lane for lane the same operations as the
 * scalar forms there. Loaded only where the module is in the JVM.
 *
 * <p>A vector that crosses a call the JIT did not inline is boxed, and the JIT inlines a method
 * into its caller until the caller's budget of nodes is spent; past it, it still inlines the API's
 * own methods (marked to be inlined, later) but no helper of ours. So helpers that take or return
 * vectors ({@link #exp}, {@link #widened}, {@link #keys}, ...) are called only from methods larger
 * than the JIT inlines into a caller ({@link #shiftedExpSum}, {@link #inRegisters}, {@link
 * #extreme}), which are compiled on their own budget; the smaller ones, which may be inlined into
 * Spark's generated code, use the API's methods alone. Inlined there, {@link #widenFindingLargest}
 * had its helpers left out for want of budget (the JIT's compilation log), and sigmoid's rows of
 * 100 and 1,000 ran at times four times slower, as boxed vectors would make them.
 */
final class VectorLanes {

  private VectorLanes() {}

  /**
   * Vectors of eight doubles where the CPU has them (AVX-512), else of four: two of them hold the
   * eight partial sums that the scalar form keeps, so the sums are the same whatever the CPU.
   */
  private static final VectorSpecies<Double> SPECIES =
      DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512
          ? DoubleVector.SPECIES_512
          : DoubleVector.SPECIES_256;

  /** As many longs as {@link #SPECIES} has doubles. */
  private static final VectorSpecies<Long> LONGS = SPECIES.withLanes(long.class);

  /** Doubles per vector: {@link #LANES} or half as many. */
  private static final int STEP = SPECIES.length();

  /** As many floats as {@link #SPECIES} has doubles. */
  private static final VectorSpecies<Float> NARROW =
      STEP == LANES ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;

  /** The searches' eight floats at a time. */
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;

  /**
   * Lane i to i ^ 1, i ^ 2 and i ^ 4: the swaps that add eight lanes in pairs (unused with four).
   */
  private static final VectorShuffle<Double> NEIGHBOUR = VectorShuffle.fromOp(SPECIES, i -> i ^ 1);

  private static final VectorShuffle<Double> NEIGHBOURING_PAIR =
      VectorShuffle.fromOp(SPECIES, i -> i ^ 2);

  private static final VectorShuffle<Double> OTHER_HALF =
      VectorShuffle.fromOp(SPECIES, i -> (i ^ 4) % STEP);

  /** Empty if vectors of four doubles or more run in hardware here, else why not. */
  static Optional<String> unsupportedReason() {
    int preferred = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    return preferred < 256
        ? Optional.of("the CPU's vectors have " + preferred + " bits, fewer than 256")
        : Optional.empty();
  }

  /** The vectors the loops take, for {@link FloatLanes#path()}. */
  static String shape() {
    return SPECIES.vectorBitSize() + "-bit vectors, " + LANES + " lane sums";
  }

  /** {@link FloatLanes#shiftedExpSum(double[], int, double, double, FloatLanes.Pass)}. */
  static double shiftedExpSum(
      double[] z, int length, double shift, double scale, FloatLanes.Pass pass) {
    return shiftedExpSum(null, 0, length, 0, z, shift, scale, pass);
  }

  /**
   * {@link FloatLanes#shiftedExpSum}, from the floats (x not null) or from z widened already: the
   * pass's exponentials lane by lane, {@link FloatLanes#exp}'s steps, summed, and y or the
   * exponentials stored. Larger than the JIT inlines into its callers: it is compiled on its own
   * with every vector operation intrinsified, whatever their inlining budget (where a vector
   * crosses a call the JIT did not inline, it is boxed, and the loop runs ten times slower); its
   * helpers ({@link #exp}, {@link #shifted}, {@link #widened}, {@link #lastValues}) fit in its own
   * budget. Its branches, on the pass and the source, take the same way through a whole row: the
   * masks that log_softmax alone needs (which terms are left out) would cost every other pass
   * compares and blends between vectors and mask registers, up to a sixth of the loop's time.
   */
  static double shiftedExpSum(
      float[] x,
      int offset,
      int length,
      double padding,
      double[] z,
      double shift,
      double scale,
      FloatLanes.Pass pass) {
    // Whole vectors over the row and its padding; a last vector of padding alone would add zeros.
    int to = (length + STEP - 1) / STEP * STEP;
    boolean fromFloats = x != null;
    DoubleVector lastValues =
        fromFloats ? lastValues(x, offset, length, padding) : DoubleVector.zero(SPECIES);
    LongVector ceiling = LongVector.broadcast(LONGS, pass.ceilingBits);
    LongVector signBit = LongVector.broadcast(LONGS, pass.signBit);
    DoubleVector sums = DoubleVector.zero(SPECIES);
    // Where a vector has four lanes, the partial sums of lanes 4 to 7 wait here, swapped in turn.
    DoubleVector upperSums = sums;
    int leftOutTerms = 0;
    for (int i = 0; i + STEP <= to; i += STEP) {
      DoubleVector v =
          !fromFloats
              ? DoubleVector.fromArray(SPECIES, z, i)
              : i + STEP <= length ? widened(x, offset + i) : lastValues;
      if (pass == FloatLanes.Pass.GELU_TANH) {
        v = v.mul(v.mul(v).fma(FloatLanes.GELU_C3, FloatLanes.GELU_C1));
      }
      DoubleVector y = shifted(v, shift, scale);
      LongVector bits = y.reinterpretAsLongs().min(ceiling);
      y = bits.reinterpretAsDoubles();
      DoubleVector e = exp(bits.or(signBit).reinterpretAsDoubles());
      if (pass.storesExp) {
        e.intoArray(z, i);
      } else {
        VectorMask<Double> isLeftOut = y.eq(0.0);
        leftOutTerms += isLeftOut.trueCount();
        e = e.blend(0.0, isLeftOut);
        y.intoArray(z, i);
      }
      sums = sums.add(e);
      if (STEP < LANES) {
        DoubleVector next = upperSums;
        upperSums = sums;
        sums = next;
      }
    }
    if (STEP < LANES && to / STEP % 2 != 0) {
      DoubleVector lowerSums = upperSums;
      upperSums = sums;
      sums = lowerSums;
    }
    double total;
    if (STEP < LANES) {
      total =
          FloatLanes.total(
              sums.lane(0),
              sums.lane(1),
              sums.lane(2),
              sums.lane(3),
              upperSums.lane(0),
              upperSums.lane(1),
              upperSums.lane(2),
              upperSums.lane(3));
    } else {
      // FloatLanes.total's pairs, then pairs of pairs, then halves, with a swap of lanes each: a
      // short row waits on these three steps where it would wait on eight reads of lanes.
      DoubleVector pairs = sums.add(sums.rearrange(NEIGHBOUR));
      DoubleVector quads = pairs.add(pairs.rearrange(NEIGHBOURING_PAIR));
      total = quads.add(quads.rearrange(OTHER_HALF)).lane(0);
    }
    return pass.storesExp ? total : total + (leftOutTerms - 1);
  }

  /**
   * (v - shift) scale, leaving out a subtraction of +0 and a product by 1, which give v's bits
   * whatever v is (not so a subtraction of -0, which turns -0 into +0): the element-wise passes,
   * and softmax at temperature 1, spend one or two operations fewer a vector.
   */
  private static DoubleVector shifted(DoubleVector v, double shift, double scale) {
    DoubleVector y = Double.doubleToRawLongBits(shift) == 0 ? v : v.sub(shift);
    return scale == 1 ? y : y.mul(scale);
  }

  /** Whether a row of this length fills more than one vector and less than two of eight lanes. */
  static boolean holdsInRegisters(int length) {
    return STEP == LANES && length > STEP && length < 2 * STEP;
  }

  /**
   * softmax of a row that {@link #holdsInRegisters}, shifted by {@code shift}: {@link
   * #inRegisters}. False, with nothing written, where the sum is not finite.
   */
  static boolean softmaxInRegisters(
      float[] x,
      int offset,
      int length,
      double shift,
      double scale,
      double padding,
      float[] out,
      int outOffset) {
    return inRegisters(
        x, offset, length, shift, scale, padding, FloatLanes.Pass.SOFTMAX, out, outOffset);
  }

  /**
   * log_softmax of a row that {@link #holdsInRegisters}, the temperature positive: {@link
   * #inRegisters}. False, with nothing written, where the largest value is not finite.
   */
  static boolean logSoftmaxInRegisters(
      float[] x, int offset, int length, double scale, float[] out, int outOffset) {
    float pivot = largestInRegisters(x, offset, length);
    return Float.isFinite(pivot)
        && inRegisters(
            x,
            offset,
            length,
            pivot,
            scale,
            Double.NEGATIVE_INFINITY,
            FloatLanes.Pass.LOG_SOFTMAX,
            out,
            outOffset);
  }

  /**
   * The largest value of a row that {@link #holdsInRegisters} (NaN if one is), from the two vectors
   * that {@link #inRegisters} reads, what lies past the row replaced by the row's first values.
   * Apart from {@link #inRegisters}, which then has no search in it for the other kernels.
   */
  private static float largestInRegisters(float[] x, int offset, int length) {
    int rest = length - STEP;
    FloatVector first = FloatVector.fromArray(NARROW, x, offset);
    FloatVector last =
        hasRoom(x, offset)
            ? FloatVector.fromArray(NARROW, x, offset + STEP).blend(first, PAST_ROW[rest])
            : FloatVector.fromArray(NARROW, x, offset + rest);
    // Math.max's order lane by lane, then keys' steps written out, as in widenFindingLargest.
    IntVector bits = first.max(last).reinterpretAsInts();
    IntVector negativeFlips =
        bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, Integer.MAX_VALUE);
    VectorMask<Integer> nan =
        bits.lanewise(VectorOperators.AND, Integer.MAX_VALUE)
            .compare(VectorOperators.GT, Float.floatToRawIntBits(Float.POSITIVE_INFINITY));
    return value(
        bits.lanewise(VectorOperators.XOR, negativeFlips)
            .blend(Integer.MAX_VALUE, nan)
            .reduceLanes(VectorOperators.MAX));
  }

  /**
   * Element-wise sigmoid of a row that {@link #holdsInRegisters}: {@link #inRegisters}, with the
   * lanes and operations of {@link #shiftedExpSum}'s sigmoid pass and {@link #fromExp}.
   */
  static void sigmoidInRegisters(float[] x, int offset, int length, float[] out, int outOffset) {
    inRegisters(
        x, offset, length, 0, 1, Double.NEGATIVE_INFINITY, FloatLanes.Pass.SIGMOID, out, outOffset);
  }

  /**
   * A short row's softmax, log_softmax or sigmoid with its two vectors held in registers from the
   * floats to the floats (log_softmax's shift is its pivot, {@link #largestInRegisters}): the lanes
   * and the operations of {@link #shiftedExpSum} and {@link #shiftScaleAndNarrow} or {@link
   * #fromExp}, without the stores and loads of the widened row between them, nor the thread's
   * scratch buffer (a fifth of a row of ten's time for softmax, over half for sigmoid). The
   * exponential is {@link #exp}, in a loop of two turns so that it is inlined once; the shift and
   * the narrowing are written out, as more helpers taking vectors are past what the JIT inlines
   * into a method this large (for the reason given at {@link #shiftedExpSum}). One method for the
   * three: small enough to be inlined into a caller, it would take its budget from the caller's
   * (Spark's generated code), which runs out before its helpers. Everything is read before anything
   * is stored, as out may be x.
   *
   * <p>Rows with room after them in x are read as two vectors that do not overlap, from x[offset]
   * and x[offset + 8], what lies past the row replaced by padding; else the second vector ends with
   * the row. The lanes are the same either way. The first way is how {@link #copyShortRow} stores a
   * row just copied in: a vector load over stores of other sizes or places waits for them to reach
   * the cache (about 10 ns per row of ten after a copy value by value; log_softmax, which read its
   * row the second way, waited about 11 ns per row of ten after the copy's two vector stores).
   */
  private static boolean inRegisters(
      float[] x,
      int offset,
      int length,
      double shift,
      double scale,
      double padding,
      FloatLanes.Pass pass,
      float[] out,
      int outOffset) {
    int rest = length - STEP;
    boolean room = hasRoom(x, offset);
    FloatVector first = FloatVector.fromArray(NARROW, x, offset);
    LongVector ceiling = LongVector.broadcast(LONGS, pass.ceilingBits);
    LongVector signBit = LongVector.broadcast(LONGS, pass.signBit);
    // The second vector as lastValues lays it out: the last values first, then padding.
    DoubleVector second =
        room
            ? widened(x, offset + STEP).blend(padding, PADDING[rest])
            : lastValues(x, offset, length, padding);
    DoubleVector values = widened(first);
    DoubleVector kept = values; // both overwritten: the first vector's results, then the second's
    DoubleVector keptFirst = values;
    DoubleVector sums = DoubleVector.zero(SPECIES);
    int leftOutTerms = 0;
    for (int turn = 0; turn < 2; turn++) {
      DoubleVector y = shifted(values, shift, scale);
      LongVector bits = y.reinterpretAsLongs().min(ceiling);
      y = bits.reinterpretAsDoubles();
      DoubleVector e = exp(bits.or(signBit).reinterpretAsDoubles());
      keptFirst = kept;
      // Masks only where a pass needs them: each costs compares and blends between vectors and
      // mask registers, on the way from the row to its results.
      if (pass.storesExp) {
        sums = sums.add(e);
        if (pass == FloatLanes.Pass.SIGMOID) {
          // fromExp's lanes, written out: a helper taking vectors is not inlined into a method this
          // large, and its vectors boxed take the row twice as long.
          LongVector negative = values.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
          kept =
              e.reinterpretAsLongs()
                  .and(negative)
                  .or(ONE_BITS.lanewise(VectorOperators.AND_NOT, negative))
                  .reinterpretAsDoubles()
                  .div(e.add(1.0));
        } else {
          kept = e;
        }
      } else {
        VectorMask<Double> isLeftOut = y.eq(0.0);
        leftOutTerms += isLeftOut.trueCount();
        sums = sums.add(e.blend(0.0, isLeftOut));
        kept = y;
      }
      values = second;
    }
    // What ArrayKernels does between shiftedExpSum and shiftScaleAndNarrow (nothing for sigmoid,
    // whose lanes are kept as they are: v 1 - 0 is v, and none is -0).
    double outShift = 0;
    double outScale = 1;
    double zero = 0.0;
    // A flag set where zero is, not zero's bits tested where the branches meet: the JIT then
    // leaves the blends below off the paths that keep zero at +0 (rows of ten 9% faster).
    boolean replacesZeros = false;
    if (pass != FloatLanes.Pass.SIGMOID) {
      DoubleVector pairs = sums.add(sums.rearrange(NEIGHBOUR));
      DoubleVector quads = pairs.add(pairs.rearrange(NEIGHBOURING_PAIR));
      double total = quads.add(quads.rearrange(OTHER_HALF)).lane(0);
      if (pass.storesExp) {
        if (!(total < Double.POSITIVE_INFINITY)) {
          return false;
        }
        outScale = 1 / total;
      } else {
        double mass = total + (leftOutTerms - 1);
        outShift = Logarithm.log1p(mass);
        if (mass == 0) {
          double[] shifted = new double[2 * STEP];
          keptFirst.intoArray(shifted, 0);
          kept.intoArray(shifted, STEP);
          zero = ArrayKernels.signedZero(mass, shifted, 0, length, 0);
          replacesZeros = FloatLanes.replacesZeros(zero);
        }
      }
    }
    DoubleVector firstResults = keptFirst.fma(outScale, -outShift);
    DoubleVector lastResults = kept.fma(outScale, -outShift);
    if (replacesZeros) {
      // Elsewhere no result is -0: e^y and sigmoid are at least +0, and y - log(1 + R) is below 0
      // where R is not 0.
      firstResults = firstResults.blend(zero, firstResults.eq(0.0));
      lastResults = lastResults.blend(zero, lastResults.eq(0.0));
    }
    FloatVector firstFloats =
        (FloatVector) firstResults.convertShape(VectorOperators.D2F, NARROW, 0);
    FloatVector lastFloats = (FloatVector) lastResults.convertShape(VectorOperators.D2F, NARROW, 0);
    firstFloats.intoArray(out, outOffset);
    // The row's last eight results, from the end of the first vector and the start of the second.
    VectorShuffle<Float> rotation = ROTATIONS[rest];
    firstFloats
        .rearrange(rotation)
        .blend(lastFloats.rearrange(rotation), ROTATED_IN[rest])
        .intoArray(out, outOffset + rest);
    return true;
  }

  /**
   * Whether x holds two whole vectors from offset, so that {@link #inRegisters} reads a row's
   * second vector right after the first; else it reads the one that ends with the row.
   */
  private static boolean hasRoom(float[] x, int offset) {
    return x.length - offset >= 2 * STEP;
  }

  /**
   * For r values in the second vector: lane i to lane (i + r) mod 8, and the lanes that then come
   * from the second vector. Arrays: a list's get, not inlined in so large a method, leaves a
   * shuffle the JIT cannot see into.
   */
  @SuppressWarnings("unchecked")
  private static final VectorShuffle<Float>[] ROTATIONS =
      IntStream.range(0, STEP)
          .mapToObj(r -> VectorShuffle.fromOp(NARROW, lane -> (lane + r) % STEP))
          .toArray(VectorShuffle[]::new);

  /** For r values in the second vector: the lanes past them. */
  @SuppressWarnings("unchecked")
  private static final VectorMask<Float>[] PAST_ROW =
      IntStream.range(0, STEP)
          .mapToObj(r -> NARROW.indexInRange(-r, STEP - r))
          .toArray(VectorMask[]::new);

  @SuppressWarnings("unchecked")
  private static final VectorMask<Float>[] ROTATED_IN =
      IntStream.range(0, STEP)
          .mapToObj(r -> NARROW.indexInRange(r - STEP, r))
          .toArray(VectorMask[]::new);

  /**
   * {@link FloatLanes#copyShortRow}: the row's first eight floats to into[0, 8) and the others to
   * into[8, length), as two vectors stored where {@link #inRegisters} loads them from a row with
   * room after it (into[length, 16) takes some of the row's values again). Reads the row's bytes
   * alone.
   */
  static void copyShortRow(byte[] bytes, int byteOffset, int length, float[] into) {
    ByteVector.fromArray(ROW_BYTES, bytes, byteOffset).reinterpretAsFloats().intoArray(into, 0);
    // The last eight values, the ones past the first eight moved to the front.
    ByteVector.fromArray(ROW_BYTES, bytes, byteOffset + Float.BYTES * (length - STEP))
        .reinterpretAsFloats()
        .rearrange(ROTATIONS[2 * STEP - length])
        .intoArray(into, STEP);
  }

  /** The bytes of {@link #NARROW}'s floats. */
  private static final VectorSpecies<Byte> ROW_BYTES = ByteVector.SPECIES_256;

  /** {@link FloatLanes#exp}'s steps lane by lane: e^x, 0 below {@link FloatLanes#LOWEST}. */
  private static DoubleVector exp(DoubleVector x) {
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector t = x.fma(LOG2E, SHIFTER);
    DoubleVector minusK = DoubleVector.broadcast(SPECIES, SHIFTER).sub(t);
    DoubleVector r = minusK.fma(DoubleVector.broadcast(SPECIES, LN2_HI), x);
    r = minusK.fma(DoubleVector.broadcast(SPECIES, LN2_LO), r);
    DoubleVector r2 = r.mul(r);
    DoubleVector even =
        r2.fma(C8, C6)
            .fma(r2, DoubleVector.broadcast(SPECIES, C4))
            .fma(r2, DoubleVector.broadcast(SPECIES, C2))
            .fma(r2, one);
    DoubleVector odd =
        r2.fma(C9, C7)
            .fma(r2, DoubleVector.broadcast(SPECIES, C5))
            .fma(r2, DoubleVector.broadcast(SPECIES, C3))
            .fma(r2, one);
    DoubleVector powerOfTwo =
        t.reinterpretAsLongs()
            .add(EXPONENT_BIAS)
            .lanewise(VectorOperators.LSHL, 52)
            .reinterpretAsDoubles();
    return odd.fma(r, even).mul(powerOfTwo).blend(0.0, x.lt(LOWEST));
  }

  /**
   * {@link FloatLanes#fromExp}, a vector at a time, the last values as one more vector: read first,
   * as out may be x, and stored last. With the API's methods alone, as it may be inlined into a
   * caller (see the class comment), the last values' read and the first ones' in one loop body.
   */
  static void fromExp(
      float[] x,
      int offset,
      double[] z,
      int length,
      FloatLanes.Pass pass,
      float[] out,
      int outOffset) {
    int last = length - STEP;
    FloatVector lastFloats = FloatVector.fromArray(NARROW, x, offset + last);
    for (int i = 0; ; i += STEP) {
      int at = Math.min(i, last);
      FloatVector floats = i < last ? FloatVector.fromArray(NARROW, x, offset + i) : lastFloats;
      DoubleVector values = (DoubleVector) floats.convertShape(VectorOperators.F2D, SPECIES, 0);
      DoubleVector e = DoubleVector.fromArray(SPECIES, z, at);
      // sigmoid's numerator: e where the sign bit of x is set, else 1, chosen by bit operations
      // from the sign (a compare and a blend would pass through mask registers).
      LongVector negative = values.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
      DoubleVector s =
          e.reinterpretAsLongs()
              .and(negative)
              .or(ONE_BITS.lanewise(VectorOperators.AND_NOT, negative))
              .reinterpretAsDoubles()
              .div(e.add(1.0));
      if (pass != FloatLanes.Pass.SIGMOID) {
        s = values.mul(s).blend(-0.0, s.eq(0.0));
      }
      ((FloatVector) s.convertShape(VectorOperators.D2F, NARROW, 0)).intoArray(out, outOffset + at);
      if (at == last) {
        return;
      }
    }
  }

  /** The bits of 1.0 in every lane. */
  private static final LongVector ONE_BITS =
      LongVector.broadcast(LONGS, Double.doubleToRawLongBits(1.0));

  /**
   * {@link FloatLanes#extreme} of at least eight floats, eight at a time as integer {@link #keys}
   * (the JIT's max and min of floats are several instructions each, NaN and -0 as {@link Math#max}
   * has them, and their reduction across lanes waits on a chain of them): four running extremes
   * over long ranges (one chain would wait on itself), and the last eight values as one more
   * vector, which may take some values twice.
   */
  static float extreme(float[] x, int from, int to, boolean largest) {
    int step = FLOATS.length();
    IntVector m = keys(x, from, largest);
    int i = from + step;
    if (to - i >= 4 * step) {
      IntVector m1 = m;
      IntVector m2 = m;
      IntVector m3 = m;
      for (; i + 4 * step <= to; i += 4 * step) {
        IntVector v0 = keys(x, i, largest);
        IntVector v1 = keys(x, i + step, largest);
        IntVector v2 = keys(x, i + 2 * step, largest);
        IntVector v3 = keys(x, i + 3 * step, largest);
        m = largest ? m.max(v0) : m.min(v0);
        m1 = largest ? m1.max(v1) : m1.min(v1);
        m2 = largest ? m2.max(v2) : m2.min(v2);
        m3 = largest ? m3.max(v3) : m3.min(v3);
      }
      m = largest ? m.max(m1).max(m2.max(m3)) : m.min(m1).min(m2.min(m3));
    }
    for (; i < to; i += step) {
      IntVector v = keys(x, Math.min(i, to - step), largest);
      m = largest ? m.max(v) : m.min(v);
    }
    return value(m.reduceLanes(largest ? VectorOperators.MAX : VectorOperators.MIN));
  }

  /**
   * {@link FloatLanes#widenFindingLargest} of at least a vector of floats: the row widened a vector
   * at a time, and {@link #extreme}'s largest value, in one pass over the floats. The last values
   * and their padding are one vector, {@link #lastValues}, so that the exponential's loop reads it
   * as it was stored (a vector read of values stored one at a time cannot take them from the
   * pending stores, and waits for all of them).
   */
  static float widenFindingLargest(float[] x, int offset, int length, double[] z) {
    int last = length - STEP;
    IntVector m = IntVector.broadcast(NARROW_KEYS, Integer.MIN_VALUE);
    for (int i = 0; ; i += STEP) {
      FloatVector values = FloatVector.fromArray(NARROW, x, offset + Math.min(i, last));
      // keys' steps written out, as this method may be inlined into a caller (the class comment).
      IntVector bits = values.reinterpretAsInts();
      IntVector negativeFlips =
          bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, Integer.MAX_VALUE);
      VectorMask<Integer> nan =
          bits.lanewise(VectorOperators.AND, Integer.MAX_VALUE)
              .compare(VectorOperators.GT, Float.floatToRawIntBits(Float.POSITIVE_INFINITY));
      m = m.max(bits.lanewise(VectorOperators.XOR, negativeFlips).blend(Integer.MAX_VALUE, nan));
      DoubleVector wide = (DoubleVector) values.convertShape(VectorOperators.F2D, SPECIES, 0);
      if (i < last) {
        wide.intoArray(z, i);
        continue;
      }
      // The last values, read from the row's last floats, moved down and padded as lastValues has
      // them where they are not a whole vector.
      if (i > last) {
        int rest = length % STEP;
        wide =
            wide.rearrange(LAST_VALUES_FIRST[rest]).blend(Double.NEGATIVE_INFINITY, PADDING[rest]);
      }
      wide.intoArray(z, i);
      i += STEP;
      // Vectors of four lanes leave up to a vector of padding alone before the padded length.
      for (; i < FloatLanes.padded(length); i += STEP) {
        DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY).intoArray(z, i);
      }
      return value(m.reduceLanes(VectorOperators.MAX));
    }
  }

  /** {@link #keys}' species over {@link #NARROW}'s shape. */
  private static final VectorSpecies<Integer> NARROW_KEYS = NARROW.withLanes(int.class);

  /**
   * The floats of x from i as integers in the order of their values: the bits, with those after the
   * sign flipped where the sign is set (so -0 is below +0, as {@link Math#max} has them), and any
   * NaN as the key that wins, which reads back as a NaN. Flipping is its own inverse.
   */
  private static IntVector keys(float[] x, int i, boolean largest) {
    IntVector bits = FloatVector.fromArray(FLOATS, x, i).reinterpretAsInts();
    IntVector negativeFlips =
        bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, Integer.MAX_VALUE);
    VectorMask<Integer> nan =
        bits.lanewise(VectorOperators.AND, Integer.MAX_VALUE)
            .compare(VectorOperators.GT, Float.floatToRawIntBits(Float.POSITIVE_INFINITY));
    return bits.lanewise(VectorOperators.XOR, negativeFlips)
        .blend(largest ? Integer.MAX_VALUE : Integer.MIN_VALUE, nan);
  }

  /** The float of which this is the {@link #keys} key. */
  private static float value(int key) {
    return Float.intBitsToFloat(key ^ ((key >> 31) & Integer.MAX_VALUE));
  }

  /**
   * The row's values after its last whole vector, fewer than a vector (none where the length is a
   * multiple of it), and the padding after them: read from the row's last floats and moved down.
   */
  private static DoubleVector lastValues(float[] x, int offset, int length, double padding) {
    int rest = length % STEP;
    return widened(x, offset + length - STEP)
        .rearrange(LAST_VALUES_FIRST[rest])
        .blend(padding, PADDING[rest]);
  }

  private static DoubleVector widened(float[] x, int at) {
    return widened(FloatVector.fromArray(NARROW, x, at));
  }

  private static DoubleVector widened(FloatVector values) {
    return (DoubleVector) values.convertShape(VectorOperators.F2D, SPECIES, 0);
  }

  /** For r values left over: the last r lanes moved to the first r. */
  @SuppressWarnings("unchecked")
  private static final VectorShuffle<Double>[] LAST_VALUES_FIRST =
      IntStream.range(0, STEP)
          .mapToObj(r -> VectorShuffle.fromOp(SPECIES, lane -> Math.min(STEP - r + lane, STEP - 1)))
          .toArray(VectorShuffle[]::new);

  /** For r values left over: the lanes after the first r. */
  @SuppressWarnings("unchecked")
  private static final VectorMask<Double>[] PADDING =
      IntStream.range(0, STEP)
          .mapToObj(r -> SPECIES.indexInRange(-r, STEP - r))
          .toArray(VectorMask[]::new);

  /**
   * {@link FloatLanes#shiftScaleAndNarrow} of at least a vector of values, a vector at a time, the
   * last values as one more vector (rounding some values twice, to the same floats).
   */
  static void shiftScaleAndNarrow(
      double[] z, int length, double shift, double scale, double zero, float[] out, int outOffset) {
    boolean replacesZeros = FloatLanes.replacesZeros(zero);
    for (int i = 0; i < length; i += STEP) {
      int at = Math.min(i, length - STEP);
      DoubleVector v = DoubleVector.fromArray(SPECIES, z, at).fma(scale, -shift);
      if (replacesZeros) {
        v = v.blend(zero, v.eq(0.0));
      }
      ((FloatVector) v.convertShape(VectorOperators.D2F, NARROW, 0)).intoArray(out, outOffset + at);
    }
  }
}
