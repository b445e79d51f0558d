package io.github.sparkactivations.core;

/**
 * An unevaluated sum {@code hi + lo} of two doubles with {@code |lo| <= ulp(hi)/2}: about 106 bits,
 * what a kernel needs from an intermediate value so that only its own final rounding reaches the
 * result. Where the JIT inlines the method that returns it, escape analysis replaces the record by
 * its two fields.
 */
record DoubleDouble(double hi, double lo) {}
