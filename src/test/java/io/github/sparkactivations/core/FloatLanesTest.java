package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float array kernels' lanes: the vector loops give the scalar loops' bits on hard and random
 * rows, their exponential is within 2^-45 of e^x (relative, against BigDecimal), and a JVM without
 * the vector module (or another JDK, listed in the environment variable TEST_JDKS) takes the path
 * it should and computes the same bits.
 */
class FloatLanesTest {

  /** The passes whose values come each from its own exponential. */
  private static final FloatLanes.Pass[] ELEMENTWISE = {
    FloatLanes.Pass.SIGMOID, FloatLanes.Pass.SILU, FloatLanes.Pass.GELU_TANH
  };

  /** Arguments where the exponential's steps change: limits, reduction ties, specials. */
  private static final double[] HARD = {
    0.0,
    -0.0,
    -Double.MIN_VALUE,
    -1e-300,
    -0x1p-60,
    -0.5 * Math.log(2),
    -1.5 * Math.log(2),
    -1,
    -20,
    -103.3,
    -707.99999999,
    -708,
    -708.00000001,
    -745.2,
    -1e300,
    Double.NEGATIVE_INFINITY,
    Double.NaN
  };

  @Test
  void theVectorLoopsGiveTheScalarBits() {
    SplittableRandom random = new SplittableRandom(20261201);
    List<double[]> rows = new ArrayList<>();
    rows.add(HARD.clone());
    for (int trial = 0; trial < 400; trial++) {
      int n = FloatLanes.VECTOR_MINIMUM + random.nextInt(trial < 300 ? 48 : 1200);
      double[] row = new double[n];
      for (int i = 0; i < n; i++) {
        row[i] =
            random.nextInt(10) == 0
                ? HARD[random.nextInt(HARD.length)]
                : -random.nextDouble() * Math.pow(2, random.nextInt(-30, 10));
      }
      rows.add(row);
    }
    for (double[] row : rows) {
      int n = row.length;
      // Shifted by 0 of either sign (the vector loops leave out subtracting +0 alone), by a value
      // above the row or by one far below it (y up to the ceiling and beyond, as softmax shifted
      // by its first value has them), scaled by 1 or a factor of either sign (softmin's is
      // negative, and its rows are padded with +inf).
      double shift =
          new double[] {0, -0.0, random.nextDouble(0, 5), random.nextDouble(-800, 0)}
              [random.nextInt(4)];
      double scale = random.nextBoolean() ? 1 : random.nextDouble(0.1, 3);
      scale = random.nextInt(4) == 0 ? -scale : scale;
      double padding = scale > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      // The row as floats too, from an offset: the vector loops read them as they go.
      float[] floats = new float[n + 3];
      for (int i = 0; i < n; i++) {
        floats[3 + i] = (float) row[i];
      }
      for (FloatLanes.Pass pass : FloatLanes.Pass.values()) {
        double[] scalar = padded(row, padding);
        double[] vector = padded(row, padding);
        assertSameBits(
            FloatLanes.scalarShiftedExpSum(scalar, scalar.length, shift, scale, pass),
            VectorLanes.shiftedExpSum(vector, n, shift, scale, pass),
            "sum of e^x, n = " + n + ", " + pass);
        assertSameBits(
            Arrays.copyOf(scalar, n),
            Arrays.copyOf(vector, n),
            "stored values, n = " + n + ", " + pass);
        double[] scalarFromFloats = padded(ArrayKernels.widen(floats, 3, n), padding);
        double[] vectorFromFloats = new double[scalarFromFloats.length];
        assertSameBits(
            FloatLanes.scalarShiftedExpSum(
                scalarFromFloats, scalarFromFloats.length, shift, scale, pass),
            VectorLanes.shiftedExpSum(floats, 3, n, padding, vectorFromFloats, shift, scale, pass),
            "sum of e^x read from floats, n = " + n + ", " + pass);
        assertSameBits(
            Arrays.copyOf(scalarFromFloats, n),
            Arrays.copyOf(vectorFromFloats, n),
            "stored values from floats, n = " + n + ", " + pass);
      }
      // sigmoid, silu and GELU take either sign: half the row mirrored, as floats.
      float[] mixed = new float[n];
      double[] widened = new double[n];
      for (int i = 0; i < n; i++) {
        mixed[i] = (float) (i % 2 == 0 ? -row[i] : row[i]);
        widened[i] = mixed[i];
      }
      for (FloatLanes.Pass pass : ELEMENTWISE) {
        double[] scalarExp = padded(widened, Double.NEGATIVE_INFINITY);
        double[] vectorExp = new double[scalarExp.length];
        FloatLanes.scalarShiftedExpSum(scalarExp, scalarExp.length, 0, 1, pass);
        VectorLanes.shiftedExpSum(mixed, 0, n, Double.NEGATIVE_INFINITY, vectorExp, 0, 1, pass);
        assertSameBits(
            Arrays.copyOf(scalarExp, n),
            Arrays.copyOf(vectorExp, n),
            pass + "'s e^-|x| or e^-|2u| of either sign, n = " + n);
      }
      double[] scalar = padded(widened, Double.NEGATIVE_INFINITY);
      double[] vector = padded(widened, Double.NEGATIVE_INFINITY);
      FloatLanes.scalarShiftedExpSum(scalar, scalar.length, 0, 1, FloatLanes.Pass.SIGMOID);
      VectorLanes.shiftedExpSum(vector, n, 0, 1, FloatLanes.Pass.SIGMOID);
      for (FloatLanes.Pass pass : ELEMENTWISE) {
        float[] scalarResults = new float[n];
        float[] vectorResults = new float[n];
        for (int i = 0; i < n; i++) {
          scalarResults[i] = (float) FloatLanes.fromExp(mixed[i], scalar[i], pass);
        }
        VectorLanes.fromExp(mixed, 0, vector, n, pass, vectorResults, 0);
        // In place, as the public kernels allow: x must be read before it is overwritten.
        float[] inPlace = mixed.clone();
        VectorLanes.fromExp(inPlace, 0, vector, n, pass, inPlace, 0);
        for (int i = 0; i < n; i++) {
          assertEquals(
              Float.floatToIntBits(scalarResults[i]),
              Float.floatToIntBits(vectorResults[i]),
              pass + "(" + mixed[i] + ")");
          assertEquals(
              Float.floatToIntBits(scalarResults[i]),
              Float.floatToIntBits(inPlace[i]),
              pass + "(" + mixed[i] + ") in place");
        }
      }
    }
  }

  /**
   * Rows of 9 to 15 values, held in registers where vectors have eight lanes: the bits of the
   * scalar loops from the floats to the floats (widened, shifted, summed, normalised, narrowed),
   * with ties, zeros of both signs, extremes, infinities and NaN, softmax shifted by a value of the
   * row (as the kernels try first, so sums may overflow), softmin, log_softmax, and sigmoid (also
   * in place).
   */
  @Test
  void rowsHeldInRegistersGiveTheScalarLoopsBits() {
    assumeTrue(FloatLanes.holdsInRegisters(10), "no vectors of eight lanes: " + FloatLanes.path());
    SplittableRandom random = new SplittableRandom(9_15);
    for (int trial = 0; trial < 20_000; trial++) {
      int n = 9 + random.nextInt(7);
      int offset = random.nextInt(3);
      // Sometimes room after the row (read as two vectors that do not overlap), holding anything.
      float[] x = new float[offset + n + (random.nextBoolean() ? 0 : random.nextInt(1, 12))];
      for (int i = offset + n; i < x.length; i++) {
        x[i] = random.nextInt(3) == 0 ? Float.NaN : (float) (1e30 * random.nextGaussian());
      }
      int magnitude = random.nextInt(-4, 8);
      for (int i = offset; i < offset + n; i++) {
        x[i] =
            random.nextInt(4) == 0
                ? HARD_FLOATS[random.nextInt(HARD_FLOATS.length)]
                : (float) (random.nextGaussian() * Math.pow(2, magnitude));
      }
      if (trial % 7 == 0) {
        x[offset + random.nextInt(n)] =
            new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[trial % 3];
      }
      double scale = random.nextBoolean() ? 1 : random.nextDouble(0.05, 20);
      double shift = x[offset + random.nextInt(n)];
      String what = Arrays.toString(x) + " from " + offset + " (" + n + "), scale " + scale;
      for (double signedScale : new double[] {scale, -scale}) {
        double padding = signedScale > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        float[] expected = new float[n];
        float[] actual = new float[n + 1];
        boolean finite = scalarSoftmax(x, offset, n, shift, signedScale, padding, expected);
        assertEquals(
            finite,
            VectorLanes.softmaxInRegisters(x, offset, n, shift, signedScale, padding, actual, 1),
            "softmax's sum is finite for " + what);
        assertSameFloats(finite ? expected : new float[n], actual, "softmax of " + what);
      }
      float[] expected = new float[n];
      float[] actual = new float[n + 1];
      boolean finite = scalarLogSoftmax(x, offset, n, scale, expected);
      assertEquals(
          finite,
          VectorLanes.logSoftmaxInRegisters(x, offset, n, scale, actual, 1),
          "log_softmax's pivot is finite for " + what);
      assertSameFloats(finite ? expected : new float[n], actual, "log_softmax of " + what);
      scalarSigmoid(x, offset, n, expected);
      VectorLanes.sigmoidInRegisters(x, offset, n, actual, 1);
      assertSameFloats(expected, actual, "sigmoid of " + what);
      float[] inPlace = new float[n + 1];
      System.arraycopy(x, offset, inPlace, 1, n);
      VectorLanes.sigmoidInRegisters(inPlace, 1, n, inPlace, 1);
      assertSameFloats(expected, inPlace, "sigmoid in place of " + what);
    }
  }

  /**
   * Short rows copied from bytes in native order (as Spark holds them) come out as the floats they
   * were, bit for bit, whatever lies before and after them, and the kernels give the same bits on
   * the copy (read with room after it) as on the row alone; other lengths are left to other copies.
   */
  @Test
  void shortRowsCopiedFromBytesKeepTheirBits() {
    assumeTrue(FloatLanes.holdsInRegisters(10), "no vectors of eight lanes: " + FloatLanes.path());
    SplittableRandom random = new SplittableRandom(2026_12_04);
    float[] into = new float[ArrayKernels.FLOAT_ROW_BUFFER];
    for (int trial = 0; trial < 5_000; trial++) {
      int n = 9 + random.nextInt(7);
      float[] row = new float[n];
      for (int i = 0; i < n; i++) {
        row[i] =
            random.nextInt(5) == 0
                ? Float.intBitsToFloat(random.nextInt())
                : (float) (random.nextGaussian() * 4);
      }
      int before = random.nextInt(20);
      // The row at the very end of the bytes, or with bytes after it.
      ByteBuffer bytes =
          ByteBuffer.allocate(before + Float.BYTES * n + (random.nextBoolean() ? 0 : 7))
              .order(ByteOrder.nativeOrder());
      for (int i = 0; i < n; i++) {
        bytes.putFloat(before + Float.BYTES * i, row[i]);
      }
      Arrays.fill(into, Float.NaN);
      assertTrue(ArrayKernels.copyShortFloatRow(bytes.array(), before, n, into), "copied " + n);
      String what = Arrays.toString(row);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(row[i]), Float.floatToRawIntBits(into[i]), what);
      }
      float[] expected = new float[n + 1];
      float[] actual = new float[n + 1];
      ArrayKernels.softmax(row, 0, n, expected, 1, 0.7);
      ArrayKernels.softmax(into, 0, n, actual, 1, 0.7);
      assertArrayEquals(expected, actual, "softmax of " + what);
      ArrayKernels.sigmoid(row, 0, n, expected, 1);
      ArrayKernels.sigmoid(into, 0, n, actual, 1);
      assertArrayEquals(expected, actual, "sigmoid of " + what);
      ArrayKernels.logSoftmax(row, 0, n, expected, 1, 1);
      ArrayKernels.logSoftmax(into, 0, n, actual, 1, 1);
      assertArrayEquals(expected, actual, "log_softmax of " + what);
    }
    byte[] bytes = new byte[64];
    for (int n : new int[] {0, 1, 8, 16, 40}) {
      assertFalse(ArrayKernels.copyShortFloatRow(bytes, 0, n, into), n + " values");
    }
    assertFalse(ArrayKernels.copyShortFloatRow(bytes, 0, 10, new float[15]), "a short buffer");
  }

  /** ArrayKernels' float sigmoid in the scalar loops. */
  private static void scalarSigmoid(float[] x, int offset, int n, float[] out) {
    double[] z = padded(ArrayKernels.widen(x, offset, n), Double.NEGATIVE_INFINITY);
    FloatLanes.scalarShiftedExpSum(z, z.length, 0, 1, FloatLanes.Pass.SIGMOID);
    FloatLanes.scalarFromExp(x, offset, z, n, FloatLanes.Pass.SIGMOID, out, 0);
  }

  /** ArrayKernels' softmax shifted by {@code shift}, in the scalar loops; false if not finite. */
  private static boolean scalarSoftmax(
      float[] x, int offset, int n, double shift, double scale, double padding, float[] out) {
    double[] z = padded(ArrayKernels.widen(x, offset, n), padding);
    double sum = FloatLanes.scalarShiftedExpSum(z, z.length, shift, scale, FloatLanes.Pass.SOFTMAX);
    if (!(sum < Double.POSITIVE_INFINITY)) {
      return false;
    }
    FloatLanes.scalarShiftScaleAndNarrow(z, n, 0, 1 / sum, 0.0, out, 0);
    return true;
  }

  /** ArrayKernels' float log_softmax in the scalar loops; false if the largest value is not. */
  private static boolean scalarLogSoftmax(float[] x, int offset, int n, double scale, float[] out) {
    float pivot = FloatLanes.scalarExtreme(x, offset, offset + n, true);
    if (!Float.isFinite(pivot)) {
      return false;
    }
    double[] z = padded(ArrayKernels.widen(x, offset, n), Double.NEGATIVE_INFINITY);
    double mass =
        FloatLanes.scalarShiftedExpSum(z, z.length, pivot, scale, FloatLanes.Pass.LOG_SOFTMAX);
    double zero = ArrayKernels.signedZero(mass, z, 0, n, 0);
    FloatLanes.scalarShiftScaleAndNarrow(z, n, Logarithm.log1p(mass), 1, zero, out, 0);
    return true;
  }

  /** The floats from out[1] on have the bits of {@code expected}. */
  private static void assertSameFloats(float[] expected, float[] out, String message) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Float.floatToIntBits(expected[i]),
          Float.floatToIntBits(out[i + 1]),
          message + " at " + i + " (" + expected[i] + ")");
    }
  }

  /**
   * The row widened as the kernels widen it: the padding up to whole groups of {@link
   * FloatLanes#LANES}.
   */
  private static double[] padded(double[] row, double padding) {
    double[] padded = Arrays.copyOf(row, FloatLanes.padded(row.length));
    Arrays.fill(padded, row.length, padded.length, padding);
    return padded;
  }

  /** Values where a maximum or a search could depend on the order of comparisons. */
  private static final float[] HARD_FLOATS = {
    0f,
    -0f,
    1f,
    -1f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    3.5f,
    3.5f
  };

  /** A NaN with its sign bit set, as other systems write them. */
  private static final float NEGATIVE_NAN = Float.intBitsToFloat(0xffc00000);

  @Test
  void theVectorSearchesAndConversionsGiveTheScalarResults() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 2_000; trial++) {
      int n = 10 + random.nextInt(trial < 1_500 ? 48 : 600);
      float[] row = new float[n];
      for (int i = 0; i < n; i++) {
        row[i] =
            random.nextInt(4) == 0
                ? HARD_FLOATS[random.nextInt(HARD_FLOATS.length)]
                : (float) random.nextGaussian();
      }
      if (trial % 10 == 0) {
        row[random.nextInt(n)] =
            new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, NEGATIVE_NAN}
                [trial / 10 % 4];
      }
      double[] scalarWide = new double[n];
      FloatLanes.scalarWiden(row, 0, n, scalarWide);
      double[] wide = new double[FloatLanes.padded(n)];
      float pivot = VectorLanes.widenFindingLargest(row, 0, n, wide);
      assertSameBits(
          padded(scalarWide, Double.NEGATIVE_INFINITY),
          wide,
          "widened for log_softmax " + Arrays.toString(row));
      assertEquals(
          Float.floatToIntBits(FloatLanes.scalarExtreme(row, 0, n, true)),
          Float.floatToIntBits(pivot),
          "largest found while widening " + Arrays.toString(row));
      // Shifted by one of the row's values (zero differences), scaled, a zero of either sign.
      double shift = random.nextBoolean() ? 0 : row[random.nextInt(n)];
      double scale = random.nextBoolean() ? 1 : random.nextDouble(1e-3, 1);
      double zero = random.nextBoolean() ? 0.0 : -0.0;
      float[] scalarNarrowed = new float[n + 1];
      float[] vectorNarrowed = new float[n + 1];
      FloatLanes.scalarShiftScaleAndNarrow(wide, n, shift, scale, zero, scalarNarrowed, 1);
      VectorLanes.shiftScaleAndNarrow(wide, n, shift, scale, zero, vectorNarrowed, 1);
      for (int i = 0; i < n; i++) {
        assertEquals(Double.doubleToLongBits(row[i]), Double.doubleToLongBits(wide[i]));
        assertEquals(
            Float.floatToIntBits(scalarNarrowed[i + 1]),
            Float.floatToIntBits(vectorNarrowed[i + 1]));
      }
      int from = random.nextInt(3); // eight values or more from there
      for (boolean largest : new boolean[] {true, false}) {
        float scalar = FloatLanes.scalarExtreme(row, from, n, largest);
        float vector = VectorLanes.extreme(row, from, n, largest);
        assertEquals(
            Float.floatToIntBits(scalar),
            Float.floatToIntBits(vector),
            "extreme of " + Arrays.toString(row));
      }
    }
  }

  @Test
  void theExponentialIsWithin2ToTheMinus45OfExact() {
    SplittableRandom random = new SplittableRandom(7);
    double worst = 0;
    for (int i = 0; i < 20_000; i++) {
      double x =
          switch (i % 3) {
            case 0 -> random.nextDouble(-708, 0);
            case 1 -> random.nextDouble(0, 709.4); // softmax shifted by its first value
            default -> (random.nextBoolean() ? 1 : -1) * random.nextDouble() * 0x1p-20;
          };
      BigDecimal exact = ExponentialTest.exact(x);
      double relative =
          new BigDecimal(FloatLanes.exp(x))
              .subtract(exact)
              .abs()
              .divide(exact, MathContext.DECIMAL64)
              .doubleValue();
      worst = Math.max(worst, relative);
    }
    assertTrue(worst < 0x1p-45, "worst relative error " + worst);
    System.out.printf(
        "float lanes' exp: worst relative error 2^%.1f%n", Math.log(worst) / Math.log(2));
    assertEquals(1.0, FloatLanes.exp(0.0));
    assertEquals(1.0, FloatLanes.exp(-0.0));
    assertEquals(0.0, FloatLanes.exp(-708.00000001));
    assertEquals(0.0, FloatLanes.exp(Double.NEGATIVE_INFINITY));
    // From about 709.4 up to the ceiling, 2^k overflows: +inf, so that such a sum is never finite.
    assertEquals(Double.POSITIVE_INFINITY, FloatLanes.exp(709.5));
    assertEquals(Double.POSITIVE_INFINITY, FloatLanes.exp(FloatLanes.CEILING));
    assertTrue(Double.isNaN(FloatLanes.exp(Double.NaN)));
  }

  /**
   * Where the shifted values are kept, the sum leaves out one term e^0 (the pivot's): a tie of
   * either sign is still counted, and a mass besides the pivot far below one double ulp of 1 is
   * returned whole, in both forms.
   */
  @Test
  void theLogFormReturnsTheMassBesidesOnePivot() {
    double tiny = Math.exp(-700);
    double[][] rowsAndMasses = {
      {
        0,
        -1,
        -2,
        -3,
        -4,
        -5,
        -6,
        -7,
        -8,
        Math.exp(-1)
            + Math.exp(-2)
            + Math.exp(-3)
            + Math.exp(-4)
            + Math.exp(-5)
            + Math.exp(-6)
            + Math.exp(-7)
            + Math.exp(-8)
      },
      {-700, 0, -800, -900, -1000, -1100, -1200, -1300, -1400, tiny},
      {0, -0.0, -700, 0, -800, -900, -1000, -1100, -1200, 2 + tiny},
      {-800, -900, 0, -1000, -1100, -1200, -1300, -1400, -1500, 0},
    };
    for (double[] rowAndMass : rowsAndMasses) {
      int n = rowAndMass.length - 1;
      double expected = rowAndMass[n];
      double[] row = Arrays.copyOf(rowAndMass, n);
      double[] scalar = padded(row, Double.NEGATIVE_INFINITY);
      double[] vector = padded(row, Double.NEGATIVE_INFINITY);
      double scalarMass =
          FloatLanes.scalarShiftedExpSum(scalar, scalar.length, 0, 1, FloatLanes.Pass.LOG_SOFTMAX);
      double vectorMass = VectorLanes.shiftedExpSum(vector, n, 0, 1, FloatLanes.Pass.LOG_SOFTMAX);
      String what = "mass besides the pivot of " + Arrays.toString(row);
      assertEquals(expected, scalarMass, expected * 0x1p-45, what);
      assertSameBits(scalarMass, vectorMass, what);
    }
  }

  /**
   * On both paths: rows shorter and longer than the vector loops' minimum, and of 12 (sigmoid's
   * held in registers where vectors have eight lanes). Zeros compared with their signs.
   */
  @Test
  void sigmoidSiluAndGeluKeepTheirLimits() {
    float[] limits = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -800f, Float.NaN};
    float[] sigmoid = {0.5f, 0.5f, 1f, 0f, 0f, Float.NaN};
    // silu and GELU's tanh form share their limits: x times a sigmoid.
    float[] silu = {0f, -0f, Float.POSITIVE_INFINITY, -0f, -0f, Float.NaN};
    for (int copies : new int[] {1, 2, 3}) {
      float[] x = new float[copies * limits.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = limits[i % limits.length];
      }
      float[] out = new float[x.length];
      ArrayKernels.sigmoid(x, 0, x.length, out, 0);
      for (int i = 0; i < x.length; i++) {
        assertEquals(sigmoid[i % limits.length], out[i], "sigmoid(" + x[i] + ")");
      }
      ArrayKernels.silu(x, 0, x.length, out, 0);
      for (int i = 0; i < x.length; i++) {
        assertEquals(silu[i % limits.length], out[i], "silu(" + x[i] + ")");
      }
      ArrayKernels.geluTanh(x, 0, x.length, out, 0);
      for (int i = 0; i < x.length; i++) {
        assertEquals(silu[i % limits.length], out[i], "gelu(" + x[i] + ", 'tanh')");
      }
    }
  }

  @Test
  void thisJvmTakesTheVectorPathWhereItRunsInHardware() {
    // The test JVM has the module (Spark's flags): the path follows the CPU alone.
    assertEquals(
        VectorLanes.unsupportedReason().isEmpty(),
        ArrayKernels.floatArrayPath().startsWith("vector"),
        ArrayKernels.floatArrayPath());
  }

  @Test
  void otherJvmsTakeTheirPathAndComputeTheSameBits() throws Exception {
    String expected = LanesProbe.digest();
    List<String> javas = new ArrayList<>();
    javas.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String extra = System.getenv("TEST_JDKS");
    if (extra != null && !extra.isBlank()) {
      for (String home : extra.split(File.pathSeparator)) {
        javas.add(Path.of(home, "bin", "java").toString());
      }
    }
    for (String java : javas) {
      List<String> withoutModule = probe(java, false);
      assertTrue(withoutModule.get(0).startsWith("scalar"), java + ": " + withoutModule);
      assertEquals(expected, withoutModule.get(1), java + " without the module");
      List<String> withModule = probe(java, true);
      assertEquals(
          VectorLanes.unsupportedReason().isEmpty(),
          withModule.get(0).startsWith("vector"),
          java + ": " + withModule);
      assertEquals(expected, withModule.get(1), java + " with the module");
      // Vectors of 256 bits at most: where the CPU has 512, the loops keep the eight lane sums in
      // two vectors instead of one, and must give the same bits.
      List<String> narrowVectors = probe(java, true, "-XX:MaxVectorSize=32");
      assertEquals(
          VectorLanes.unsupportedReason().isEmpty(),
          narrowVectors.get(0).startsWith("vector (jdk.incubator.vector, 256-bit"),
          java + ": " + narrowVectors);
      assertEquals(expected, narrowVectors.get(1), java + " with vectors of 256 bits");
    }
  }

  /** The probe's two lines (path, digest) from a fresh JVM. */
  private static List<String> probe(String java, boolean withModule, String... jvmOptions)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    command.addAll(List.of(jvmOptions));
    if (withModule) {
      command.add("--add-modules=jdk.incubator.vector");
    }
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), LanesProbe.class.getName()));
    Path output = Files.createTempFile("lanes-probe", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      int exit = process.waitFor();
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      // The JVM's note on incubator modules comes first where the module is added.
      List<String> probeLines = lines.subList(Math.max(0, lines.size() - 2), lines.size());
      assertEquals(0, exit, String.join("\n", lines));
      return probeLines;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static void assertSameBits(double expected, double actual, String message) {
    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual), message);
  }

  private static void assertSameBits(double[] expected, double[] actual, String message) {
    for (int i = 0; i < expected.length; i++) {
      assertSameBits(expected[i], actual[i], message + " at " + i + " (" + expected[i] + ")");
    }
  }
}
