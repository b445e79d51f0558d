package io.github.sparkactivations.bench;

import io.github.sparkactivations.core.ArrayKernels;
import io.github.sparkactivations.core.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: the core kernels on one row against the cost of its exponentials alone; the float kernels
 * also on the short rows of the SQL benchmarks, for the kernel's part of a row's time there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KernelBenchmarks {

  /** Rows of 10 and 100 take only the float kernels and Math.exp (the suite's second run). */
  @Param({"10", "100", "1000"})
  public int length;

  private float[] logits;
  private double[] wide;
  private float[] floatOut;
  private double[] doubleOut;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    logits = new float[length];
    wide = new double[length];
    for (int i = 0; i < length; i++) {
      logits[i] = (float) (3 * random.nextGaussian());
      wide[i] = logits[i];
    }
    floatOut = new float[length];
    doubleOut = new double[length];
  }

  /** The floor of any exact softmax: one exponential per value. */
  @Benchmark
  public double[] mathExp() {
    for (int i = 0; i < length; i++) {
      doubleOut[i] = Math.exp(logits[i]);
    }
    return doubleOut;
  }

  @Benchmark
  public float[] softmaxFloat() {
    ArrayKernels.softmax(logits, 0, length, floatOut, 0, 1.0);
    return floatOut;
  }

  @Benchmark
  public float[] logSoftmaxFloat() {
    ArrayKernels.logSoftmax(logits, 0, length, floatOut, 0, 1.0);
    return floatOut;
  }

  @Benchmark
  public float[] sigmoidFloat() {
    ArrayKernels.sigmoid(logits, 0, length, floatOut, 0);
    return floatOut;
  }

  @Benchmark
  public double[] softmaxDouble() {
    ArrayKernels.softmax(wide, 0, length, doubleOut, 0, 1.0);
    return doubleOut;
  }

  @Benchmark
  public double[] logSoftmaxDouble() {
    ArrayKernels.logSoftmax(wide, 0, length, doubleOut, 0, 1.0);
    return doubleOut;
  }

  @Benchmark
  public double[] sigmoidDouble() {
    for (int i = 0; i < length; i++) {
      doubleOut[i] = Kernels.sigmoid(wide[i]);
    }
    return doubleOut;
  }
}
