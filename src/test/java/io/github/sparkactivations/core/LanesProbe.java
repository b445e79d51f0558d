package io.github.sparkactivations.core;

import java.util.SplittableRandom;

/**
 * Prints which loops the float array kernels take in this JVM, then a digest of their results on
 * fixed rows: {@link FloatLanesTest} runs it in JVMs with and without the vector module.
 */
final class LanesProbe {

  private LanesProbe() {}

  public static void main(String[] args) {
    System.out.println(ArrayKernels.floatArrayPath());
    System.out.println(digest());
  }

  /**
   * A hash of the bits of softmax, log_softmax, softmin, sigmoid, silu and GELU (tanh) on fixed
   * float rows: of 1 to 300 values, every other one of 9 to 15 (which one path holds in registers),
   * some with ties and extremes.
   */
  static String digest() {
    SplittableRandom random = new SplittableRandom(42);
    float[] hard = {0f, -0f, 3.5f, 3.5f, -88f, 100f, Float.MAX_VALUE, -Float.MAX_VALUE};
    long hash = 17;
    for (int trial = 0; trial < 400; trial++) {
      int n = trial % 2 == 0 ? 1 + random.nextInt(300) : 9 + random.nextInt(7);
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] =
            trial % 4 == 1 && random.nextInt(3) == 0
                ? hard[random.nextInt(hard.length)]
                : (float) (random.nextGaussian() * Math.pow(2, random.nextInt(-4, 8)));
      }
      float[] out = new float[n];
      ArrayKernels.softmax(x, 0, n, out, 0, 1);
      hash = mix(hash, out);
      ArrayKernels.logSoftmax(x, 0, n, out, 0, 0.5);
      hash = mix(hash, out);
      ArrayKernels.softmin(x, 0, n, out, 0, 3);
      hash = mix(hash, out);
      ArrayKernels.sigmoid(x, 0, n, out, 0);
      hash = mix(hash, out);
      ArrayKernels.silu(x, 0, n, out, 0);
      hash = mix(hash, out);
      ArrayKernels.geluTanh(x, 0, n, out, 0);
      hash = mix(hash, out);
    }
    return Long.toHexString(hash);
  }

  private static long mix(long hash, float[] values) {
    for (float v : values) {
      hash = hash * 1_000_003 + Float.floatToIntBits(v);
    }
    return hash;
  }
}
