package io.github.sparkactivations.core;

import static io.github.sparkactivations.core.ArrayKernels.NO_RESULT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Closed forms, DESIGN.md's special values, and randomized invariants of the array kernels. */
class ArrayKernelsTest {

  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double NAN = Double.NaN;
  private static final double[] LOGITS = {-2.0, 0.0, 0.5};

  /** The kernels that map an array to probabilities (or log-probabilities) of the same length. */
  private interface Normaliser {
    void apply(double[] x, int offset, int length, double[] out, int outOffset);
  }

  private static final Normaliser SOFTMAX =
      (x, o, n, out, oo) -> ArrayKernels.softmax(x, o, n, out, oo, 1);
  private static final Normaliser LOG_SOFTMAX =
      (x, o, n, out, oo) -> ArrayKernels.logSoftmax(x, o, n, out, oo, 1);
  private static final Normaliser SOFTMIN =
      (x, o, n, out, oo) -> ArrayKernels.softmin(x, o, n, out, oo, 1);
  private static final Normaliser SPARSEMAX = ArrayKernels::sparsemax;
  private static final Normaliser ENTMAX15 = ArrayKernels::entmax15;
  private static final Normaliser[] PROBABILITIES = {SOFTMAX, SOFTMIN, SPARSEMAX, ENTMAX15};
  private static final String[] PROBABILITY_NAMES = {"softmax", "softmin", "sparsemax", "entmax15"};

  private static double[] run(Normaliser f, double... x) {
    double[] out = new double[x.length];
    f.apply(x, 0, x.length, out, 0);
    return out;
  }

  /**
   * log_softmax of the top class is -log(1 + R), below zero by R: -0 where R underflows (the gap
   * exceeds 745), +0 only where R is exactly 0 (a single entry, or the others -inf); both paths.
   */
  @Test
  void logSoftmaxOfTheTopClassKeepsTheSignOfItsZero() {
    assertArrayEquals(new double[] {-800.0, -0.0}, run(LOG_SOFTMAX, 0, 800));
    assertArrayEquals(new double[] {-0.0, -1e300}, run(LOG_SOFTMAX, 1e300, 0));
    assertArrayEquals(new double[] {0.0}, run(LOG_SOFTMAX, 800));
    assertArrayEquals(new double[] {-INF, 0.0}, run(LOG_SOFTMAX, -INF, 5));
    float[] out = new float[2];
    ArrayKernels.logSoftmax(new float[] {0, 800}, 0, 2, out, 0, 1);
    assertArrayEquals(new float[] {-800f, -0f}, out);
    ArrayKernels.logSoftmax(new float[] {Float.NEGATIVE_INFINITY, 5}, 0, 2, out, 0, 1);
    assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 0f}, out);
  }

  @Test
  void sparsemaxOfTheKnownVectorIsExact() {
    // Sorted 0.5, 0, -2: the support is the top two, tau = (0.5 + 0 - 1)/2 = -0.25.
    assertArrayEquals(new double[] {0.0, 0.25, 0.75}, run(SPARSEMAX, LOGITS));
  }

  @Test
  void entmax15OfTheKnownVectorMatchesItsClosedForm() {
    // Support {0, 0.5}: tau = -1/8 - sqrt(31)/8, p = ((1 -+ sqrt 31)/8 + ...)^2 = (16 -+ sqrt
    // 31)/32.
    double[] p = run(ENTMAX15, LOGITS);
    assertEquals(0.0, p[0]);
    assertEquals((16 - Math.sqrt(31)) / 32, p[1], 2 * Math.ulp(p[1]));
    assertEquals((16 + Math.sqrt(31)) / 32, p[2], 2 * Math.ulp(p[2]));
  }

  @Test
  void floatSoftmaxOfValuesFarAboveTheFirstMatchesItsClosedForm() {
    // e^(x - first) overflows here: the kernel shifts by the largest value instead. Rows of 3 and
    // 10 take the scalar and the vector loops; the other values' e^-1000 is 0 in float.
    double top = 1 / (1 + Math.exp(-1));
    for (int n : new int[] {3, 10}) {
      float[] expected = new float[n];
      expected[1] = (float) top;
      expected[2] = (float) (Math.exp(-1) * top);
      float[] out = new float[n];
      ArrayKernels.softmax(row(n, 0, 1000, 999), 0, n, out, 0, 1);
      assertArrayEquals(expected, out);
      ArrayKernels.softmin(row(n, 0, -1000, -999), 0, n, out, 0, 1);
      assertArrayEquals(expected, out);
      ArrayKernels.softmax(row(n, 0, 500, 499.5f), 0, n, out, 0, 0.5);
      assertArrayEquals(expected, out);
    }
  }

  /** The three values, then copies of the first up to n values. */
  private static float[] row(int n, float first, float second, float third) {
    float[] row = new float[n];
    Arrays.fill(row, first);
    row[1] = second;
    row[2] = third;
    return row;
  }

  @Test
  void softmaxOfTheKnownVectorMatchesItsClosedForm() {
    double total = Math.exp(-2.5) + Math.exp(-0.5) + 1;
    double[] p = run(SOFTMAX, LOGITS);
    assertEquals(Math.exp(-2.5) / total, p[0], 2 * Math.ulp(p[0]));
    assertEquals(Math.exp(-0.5) / total, p[1], 2 * Math.ulp(p[1]));
    assertEquals(1 / total, p[2], 2 * Math.ulp(p[2]));
  }

  @Test
  void pointsStatedInTheContract() {
    // log(1/(1 + e^-999)) is below zero by less than any double: -0, as log_softmax([745, 0])
    // gives -Double.MIN_VALUE.
    assertArrayEquals(new double[] {-0.0, -999.0}, run(LOG_SOFTMAX, 1000, 1));
    assertArrayEquals(new double[] {-Double.MIN_VALUE, -745.0}, run(LOG_SOFTMAX, 745, 0));
    assertArrayEquals(new double[] {0.5, 0.5}, run(SOFTMAX, 1000, 1000));
    assertArrayEquals(new double[] {0.0, 1.0}, run(SOFTMAX, Double.NEGATIVE_INFINITY, 0));
  }

  @Test
  void emptyArraysGiveEmptyResults() {
    for (Normaliser f : new Normaliser[] {SOFTMAX, LOG_SOFTMAX, SOFTMIN, SPARSEMAX, ENTMAX15}) {
      assertArrayEquals(new double[0], run(f));
    }
    assertEquals(Double.NEGATIVE_INFINITY, ArrayKernels.logsumexp(new double[0], 0, 0, 1));
    assertEquals(NO_RESULT, ArrayKernels.argmax(new double[0], 0, 0));
    assertEquals(0, ArrayKernels.topK(new double[0], 0, 0, 3, new int[3]));
  }

  @Test
  void aNanAnywhereMakesEveryOutputNan() {
    double[] x = {1, NAN, INF};
    for (Normaliser f : new Normaliser[] {SOFTMAX, LOG_SOFTMAX, SOFTMIN, SPARSEMAX, ENTMAX15}) {
      assertArrayEquals(new double[] {NAN, NAN, NAN}, run(f, x));
    }
    assertEquals(NAN, ArrayKernels.logsumexp(x, 0, 3, 1));
    assertEquals(NO_RESULT, ArrayKernels.argmax(x, 0, 3));
    assertEquals(NO_RESULT, ArrayKernels.topK(x, 0, 3, 2, new int[2]));
  }

  @Test
  void positiveInfinitiesShareTheMass() {
    double[] x = {INF, 1, INF, -INF};
    for (Normaliser f : new Normaliser[] {SOFTMAX, SPARSEMAX, ENTMAX15}) {
      assertArrayEquals(new double[] {0.5, 0, 0.5, 0}, run(f, x));
    }
    double half = Math.log(0.5);
    assertArrayEquals(new double[] {half, -INF, half, -INF}, run(LOG_SOFTMAX, x));
    assertArrayEquals(new double[] {0, 0, 0, 1}, run(SOFTMIN, x));
    assertEquals(INF, ArrayKernels.logsumexp(x, 0, 4, 1));
    assertEquals(0, ArrayKernels.argmax(x, 0, 4));
  }

  @Test
  void allNegativeInfinityIsNan() {
    double[] x = {-INF, -INF};
    for (Normaliser f : new Normaliser[] {SOFTMAX, LOG_SOFTMAX, SPARSEMAX, ENTMAX15}) {
      assertArrayEquals(new double[] {NAN, NAN}, run(f, x));
    }
    assertArrayEquals(new double[] {0.5, 0.5}, run(SOFTMIN, x));
    assertEquals(-INF, ArrayKernels.logsumexp(x, 0, 2, 1));
    assertEquals(0, ArrayKernels.argmax(x, 0, 2));
  }

  @Test
  void topKOrdersByValueThenIndex() {
    double[] x = {1, 3, 3, -1, 3, 2};
    int[] indices = new int[4];
    assertEquals(4, ArrayKernels.topK(x, 0, x.length, 4, indices));
    assertArrayEquals(new int[] {1, 2, 4, 5}, indices);
    int[] all = new int[10];
    assertEquals(6, ArrayKernels.topK(x, 0, x.length, 10, all));
    assertArrayEquals(new int[] {1, 2, 4, 5, 0, 3}, Arrays.copyOf(all, 6));
  }

  @Test
  void rangesAndInPlaceUseGiveTheSameResults() {
    double[] padded = {9, 9, -2.0, 0.0, 0.5, 9};
    for (Normaliser f : new Normaliser[] {SOFTMAX, LOG_SOFTMAX, SOFTMIN, SPARSEMAX, ENTMAX15}) {
      double[] expected = run(f, LOGITS);
      double[] out = {7, 7, 7, 7};
      f.apply(padded, 2, 3, out, 1);
      assertArrayEquals(new double[] {7, expected[0], expected[1], expected[2]}, out);
      double[] inPlace = LOGITS.clone();
      f.apply(inPlace, 0, 3, inPlace, 0);
      assertArrayEquals(expected, inPlace);
    }
    assertEquals(2, ArrayKernels.argmax(padded, 2, 3));
    assertEquals(ArrayKernels.logsumexp(LOGITS, 0, 3, 1), ArrayKernels.logsumexp(padded, 2, 3, 1));
  }

  @Test
  void aMillionEqualLogitsGiveExactlyUniformProbabilities() {
    int n = 1_000_000;
    double[] x = new double[n];
    Arrays.fill(x, 3.25);
    double[] p = run(SOFTMAX, x);
    double[] logP = run(LOG_SOFTMAX, x);
    double uniform = 1.0 / n;
    double logUniform = -Math.log(n);
    for (int i = 0; i < n; i++) {
      assertEquals(uniform, p[i], Math.ulp(uniform));
      assertEquals(logUniform, logP[i], Math.ulp(logUniform));
    }
    assertEquals(3.25 + Math.log(n), ArrayKernels.logsumexp(x, 0, n, 1), 2 * Math.ulp(17.0));
  }

  @Test
  void aMillionRandomLogitsSumToOne() {
    Random random = new Random(7);
    double[] x = random.doubles(1_000_000, -30, 30).toArray();
    for (int f = 0; f < PROBABILITIES.length; f++) {
      assertIsDistribution(PROBABILITY_NAMES[f], run(PROBABILITIES[f], x), 4);
    }
  }

  @Test
  void randomizedInvariants() {
    Random random = new Random(20261128);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + random.nextInt(40);
      double scale = Math.scalb(1.0, random.nextInt(13) - 4);
      // 40-bit values in [-4, 4) times a power of two: adding 8 * scale is exact.
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = Math.scalb((double) (random.nextLong() >> 24), -37) * scale;
      }
      for (int f = 0; f < PROBABILITIES.length; f++) {
        double[] p = run(PROBABILITIES[f], x);
        assertIsDistribution(PROBABILITY_NAMES[f], p, 4);
        assertOrderPreserved(PROBABILITIES[f] == SOFTMIN ? negate(x) : x, p);
      }
      double[] shifted = Arrays.stream(x).map(v -> v + 8 * scale).toArray();
      assertArrayEquals(run(SOFTMAX, x), run(SOFTMAX, shifted));
      assertArrayEquals(run(LOG_SOFTMAX, x), run(LOG_SOFTMAX, shifted));
      assertArrayEquals(run(SPARSEMAX, x), run(SPARSEMAX, shifted));
      // Temperature 2 is the same as halving the logits (exact in binary).
      double[] halved = Arrays.stream(x).map(v -> v / 2).toArray();
      double[] tempered = new double[n];
      ArrayKernels.softmax(x, 0, n, tempered, 0, 2);
      assertArrayEquals(run(SOFTMAX, halved), tempered);
      assertArrayEquals(run(SOFTMAX, negate(x)), run(SOFTMIN, x));
      double lse = ArrayKernels.logsumexp(x, 0, n, 1);
      double max = Arrays.stream(x).max().orElseThrow();
      assertTrue(lse >= max && lse <= max + Math.log(n) + 1e-12, "logsumexp bounds");
      assertEquals(firstMax(x), ArrayKernels.argmax(x, 0, n));
    }
  }

  @Test
  void topKMatchesAFullSortOnRandomArraysWithTies() {
    Random random = new Random(99);
    for (int trial = 0; trial < 2000; trial++) {
      int n = random.nextInt(30);
      double[] x = random.ints(n, -3, 4).asDoubleStream().toArray();
      int k = 1 + random.nextInt(35);
      int[] expected =
          IntStream.range(0, n)
              .boxed()
              .sorted(Comparator.comparingDouble((Integer i) -> -x[i]).thenComparingInt(i -> i))
              .limit(k)
              .mapToInt(Integer::intValue)
              .toArray();
      int[] indices = new int[k];
      int count = ArrayKernels.topK(x, 0, n, k, indices);
      assertArrayEquals(expected, Arrays.copyOf(indices, count));
    }
  }

  @Test
  void projectionsKeepTheirThresholdStructure() {
    Random random = new Random(5);
    for (int trial = 0; trial < 500; trial++) {
      double[] x = random.doubles(1 + random.nextInt(20), -3, 3).toArray();
      double[] sparse = run(SPARSEMAX, x);
      double[] entmax = run(ENTMAX15, x);
      // On the support, x - p (sparsemax) and x/2 - sqrt(p) (entmax15) are one common threshold.
      double sparseTau = NAN;
      double entmaxTau = NAN;
      for (int i = 0; i < x.length; i++) {
        if (sparse[i] > 0) {
          double tau = x[i] - sparse[i];
          assertTrue(Double.isNaN(sparseTau) || Math.abs(tau - sparseTau) < 1e-14);
          sparseTau = tau;
        }
        if (entmax[i] > 0) {
          double tau = x[i] / 2 - Math.sqrt(entmax[i]);
          assertTrue(Double.isNaN(entmaxTau) || Math.abs(tau - entmaxTau) < 1e-14);
          entmaxTau = tau;
        }
      }
      for (int i = 0; i < x.length; i++) {
        assertTrue(sparse[i] > 0 || x[i] <= sparseTau + 1e-14);
        assertTrue(entmax[i] > 0 || x[i] / 2 <= entmaxTau + 1e-14);
      }
    }
  }

  /** Non-negative, and the exact sum (double-double accumulation) is 1 within a few ulps. */
  private static void assertIsDistribution(String name, double[] p, int ulps) {
    double sum = 0;
    double error = 0;
    for (double v : p) {
      assertTrue(v >= 0 && v <= 1, name + ": probability out of [0, 1]: " + v);
      double next = sum + v;
      error += Kernels.twoSumError(sum, v, next);
      sum = next;
    }
    double deviation = Math.abs((sum - 1) + error);
    assertTrue(deviation <= ulps * Math.ulp(1.0), name + ": sum differs from 1 by " + deviation);
  }

  private static void assertOrderPreserved(double[] x, double[] p) {
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        if (x[i] < x[j]) {
          assertTrue(p[i] <= p[j], "order broken at " + i + ", " + j);
        }
      }
    }
  }

  private static double[] negate(double[] x) {
    return Arrays.stream(x).map(v -> -v).toArray();
  }

  private static int firstMax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }
}
