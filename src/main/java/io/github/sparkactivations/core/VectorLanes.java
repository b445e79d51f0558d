package io.github.sparkactivations.core;

import static io.github.sparkactivations.core.FloatLanes.C10;
import static io.github.sparkactivations.core.FloatLanes.C11;
import static io.github.sparkactivations.core.FloatLanes.C12;
import static io.github.sparkactivations.core.FloatLanes.C13;
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
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLanes}' kernels with the JDK's Vector API, lane for lane the same operations as the
 * scalar forms there. Loaded only where the module is in the JVM.
 */
final class VectorLanes {

  private VectorLanes() {}

  /** Four lanes whatever the CPU offers, so that the partial sums match the scalar form's. */
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_256;

  /** Empty if vectors of four doubles run in hardware here, else why not. */
  static Optional<String> unsupportedReason() {
    if (SPECIES.length() != LANES) {
      return Optional.of("unexpected lane count " + SPECIES.length());
    }
    int preferred = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    return preferred < SPECIES.vectorBitSize()
        ? Optional.of("the CPU's vectors have " + preferred + " bits, fewer than 256")
        : Optional.empty();
  }

  static double expSum(double[] z, int from, int to, boolean store) {
    DoubleVector sums = DoubleVector.zero(SPECIES);
    int i = from;
    for (; i + LANES <= to; i += LANES) {
      DoubleVector e = exp(DoubleVector.fromArray(SPECIES, z, i));
      if (store) {
        e.intoArray(z, i);
      }
      sums = sums.add(e);
    }
    return FloatLanes.total(
        sums.lane(0), sums.lane(1), sums.lane(2), sums.lane(3), z, i, to, store);
  }

  static void sigmoid(double[] z, int from, int to) {
    int i = from;
    for (; i + LANES <= to; i += LANES) {
      DoubleVector x = DoubleVector.fromArray(SPECIES, z, i);
      DoubleVector e = exp(x.abs().neg());
      DoubleVector r = constant(1).div(e.add(1.0));
      r.blend(e.mul(r), x.lt(0.0)).intoArray(z, i);
    }
    for (; i < to; i++) {
      z[i] = FloatLanes.sigmoid(z[i]);
    }
  }

  /** {@link FloatLanes#exp}, lane by lane. */
  private static DoubleVector exp(DoubleVector x) {
    DoubleVector t = x.fma(LOG2E, SHIFTER);
    DoubleVector minusK = t.sub(SHIFTER).neg();
    DoubleVector r = minusK.fma(constant(LN2_HI), x);
    r = minusK.fma(constant(LN2_LO), r);
    DoubleVector p = r.fma(C13, C12);
    p = horner(p, r, C11);
    p = horner(p, r, C10);
    p = horner(p, r, C9);
    p = horner(p, r, C8);
    p = horner(p, r, C7);
    p = horner(p, r, C6);
    p = horner(p, r, C5);
    p = horner(p, r, C4);
    p = horner(p, r, C3);
    p = horner(p, r, C2);
    p = horner(p, r, 1);
    p = horner(p, r, 1);
    DoubleVector scale =
        t.reinterpretAsLongs()
            .add(EXPONENT_BIAS)
            .lanewise(VectorOperators.LSHL, 52)
            .reinterpretAsDoubles();
    return p.mul(scale).blend(0.0, x.lt(LOWEST));
  }

  /** p r + c in one rounding. */
  private static DoubleVector horner(DoubleVector p, DoubleVector r, double c) {
    return p.fma(r, constant(c));
  }

  private static DoubleVector constant(double c) {
    return DoubleVector.broadcast(SPECIES, c);
  }
}
