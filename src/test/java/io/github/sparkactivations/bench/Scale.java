package io.github.sparkactivations.bench;

/**
 * Data sizes and repetitions of one benchmark run: the full run of the targets, a quick run
 * of the same cases on smaller data, or a tiny one for tests of the benchmarks themselves.
 */
record Scale(
    String name,
    long scalarRows,
    long arrayElements,
    long vectorRows,
    long[] scalingRows,
    long scalingElements,
    long driverRows,
    long wholeRunRows,
    long streamRows,
    int driverRepetitions,
    int warmups,
    int iterations) {

  /** The long-row memory case takes a driver JVM of its own: full runs only. */
  boolean longRowMemoryCase() {
    return this == FULL;
  }

  static final Scale FULL =
      new Scale(
          "full",
          50_000_000L,
          20_000_000L,
          200_000L,
          new long[] {1_000_000L, 10_000_000L, 50_000_000L},
          10_000_000L,
          10_000_000L,
          2_000_000L,
          1_000_000L,
          3, // a driver job's time swings by 10% from run to run: the best of three
          2,
          5);

  static final Scale QUICK =
      new Scale(
          "quick",
          1_000_000L,
          500_000L,
          10_000L,
          new long[] {100_000L, 1_000_000L, 5_000_000L},
          1_000_000L,
          50_000L,
          50_000L,
          50_000L,
          1,
          1,
          2);

  static final Scale TINY =
      new Scale(
          "tiny", 20_000L, 20_000L, 200L, new long[] {2_000L, 20_000L}, 20_000L, 0, 0, 0, 0, 0, 1);
}
