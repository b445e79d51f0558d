package io.github.sparkactivations.core;

import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.Erfcx;

/**
 * Element-wise activation kernels on {@code double}.
 *
 * <p>Every method is static, allocation-free and total: finite input never overflows to infinity or
 * NaN where the true result is finite, NaN propagates, and ±infinity give the function's limits.
 * The catalogue names these methods, and the Spark layer calls them directly from generated code,
 * so each public method here is a kernel: {@code (double x, double... parameters) -> double}.
 *
 * <p>Where a plain formula would lose accuracy the kernels keep the intermediate sums and products
 * exact with {@link Math#fma} (error-free transformations), so the only rounding that reaches the
 * result is that of {@link Math#exp} and friends plus one final rounding.
 */
public final class Kernels {

  private Kernels() {}

  /** Below this, {@code exp(x)} is subnormal and loses relative precision. */
  private static final double EXP_SUBNORMAL = -708.0;

  /** For x above this, sigmoid(x) rounds to 1 in x sigmoid(x): e^-x is below 2^-54. */
  private static final double SILU_LINEAR = 40.0;

  /** For x above this, tanh(softplus(x)) rounds to 1 (its deficit 2e^-2x is below 2^-54). */
  private static final double MISH_LINEAR = 20.0;

  /** SELU's constants as double-double pairs (hi + lo), from their 32-digit definitions. */
  private static final double SELU_SCALE_HI = 1.0507009873554805;

  private static final double SELU_SCALE_LO = 3.9874847667154144e-17;
  private static final double SELU_SCALE_ALPHA_HI = 1.7580993408473768;
  private static final double SELU_SCALE_ALPHA_LO = 1.41535193800845e-17;

  /** -1/sqrt(2) as a double-double, so that the erfc argument of GELU is exact. */
  private static final double MINUS_INV_SQRT2_HI = -0.7071067811865476;

  private static final double MINUS_INV_SQRT2_LO = 4.833646656726457e-17;
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  /** From this x up, GELU is x/2 (1 + erf(x/sqrt 2)): 1 + erf stays above 0.6. */
  private static final double GELU_ERF_LIMIT = -0.5;

  /** Below this x, erfc(-x/sqrt 2) approaches the subnormal range (it is subnormal past -37.5). */
  private static final double GELU_SCALED_TAIL = -36.0;

  /** Below this x, |gelu(x)| is less than half the smallest subnormal. */
  private static final double GELU_UNDERFLOW = -39.0;

  /** sqrt(2/pi) and 0.044715, the tanh-approximated GELU's constants, as double-doubles. */
  private static final double SQRT_2_OVER_PI_HI = 0.7978845608028654;

  private static final double SQRT_2_OVER_PI_LO = -4.98465440455546e-17;
  private static final double GELU_TANH_CUBIC_HI = 0.044715;
  private static final double GELU_TANH_CUBIC_LO = 2.1960211427085595e-18;

  /** Above this x, sigmoid(2u) rounds to 1 (u > 43); below the other, the result underflows. */
  private static final double GELU_TANH_LINEAR = 10.0;

  private static final double GELU_TANH_UNDERFLOW = -30.0;

  /** |x| below which tanh_shrink uses Lambert's continued fraction instead of x - tanh(x). */
  private static final double TANH_SHRINK_CF_LIMIT = 3.0;

  /** Continued-fraction depth that converges to full double precision for |x| < 3. */
  private static final int TANH_SHRINK_CF_DEPTH = 24;

  public static double identity(double x) {
    return x;
  }

  /**
   * 1/(1 + e^-x) for x >= 0, e^x/(1 + e^x) below, each quotient corrected by its exact residual and
   * the rounding error of 1 + e. Written out rather than through {@link #divide}: here the quotient
   * is never zero or infinite, and the special cases' tests cost time in every row.
   */
  public static double sigmoid(double x) {
    if (x >= 0) {
      double e = Math.exp(-x);
      double s = 1 + e;
      double r = 1 / s;
      return r + (Math.fma(-r, s, 1) - r * fastTwoSumError(1, e, s)) * r;
    }
    double e = Math.exp(x); // NaN falls through here and stays NaN
    double s = 1 + e;
    double r = 1 / s;
    double q = e * r;
    return q + (Math.fma(-q, s, e) - q * fastTwoSumError(1, e, s)) * r;
  }

  public static double logSigmoid(double x) {
    return -softplus(-x, 1, Double.POSITIVE_INFINITY);
  }

  /** Natural log of the odds, split into three ranges so no step cancels. */
  public static double logit(double p) {
    if (p >= 0.25 && p < 0.5) {
      return -Math.log1p((1 - 2 * p) / p); // 1 - 2p is exact here (Sterbenz)
    }
    if (p >= 0.5 && p <= 0.75) {
      return Math.log1p((2 * p - 1) / (1 - p)); // both differences exact
    }
    return Math.log(p / (1 - p)); // |result| >= log 3: rounding of 1 - p stays below 0.1 ulp
  }

  public static double relu(double x) {
    return Math.max(x, 0.0);
  }

  public static double relu6(double x) {
    return Math.min(Math.max(x, 0.0), 6.0);
  }

  public static double leakyRelu(double x, double negativeSlope) {
    return x >= 0 ? x : negativeSlope * x;
  }

  public static double elu(double x, double alpha) {
    return x > 0 ? x : alpha * Math.expm1(x);
  }

  public static double selu(double x) {
    if (x > 0) {
      return x == Double.POSITIVE_INFINITY ? x : Math.fma(SELU_SCALE_HI, x, SELU_SCALE_LO * x);
    }
    double e = Math.expm1(x);
    return Math.fma(SELU_SCALE_ALPHA_HI, e, SELU_SCALE_ALPHA_LO * e);
  }

  public static double celu(double x, double alpha) {
    return x > 0 ? x : alpha * Math.expm1(x / alpha);
  }

  /** Exact GELU, x * Phi(x) = x/2 * erfc(-x/sqrt 2). */
  public static double gelu(double x) {
    if (x >= GELU_ERF_LIMIT) {
      // 1 + erf(x/sqrt 2) neither cancels nor amplifies the rounding of x/sqrt 2 here.
      return x * (0.5 * (1 - Erf.value(x * MINUS_INV_SQRT2_HI)));
    }
    if (x < GELU_SCALED_TAIL) {
      return geluTail(x);
    }
    // erfc's condition number grows like 2z^2: carry the rounding error of z = -x/sqrt(2) and
    // apply it as a first-order correction, erfc(z + dz) = erfc(z) - dz * 2/sqrt(pi) * e^(-z^2),
    // folded into the last product so that only one rounding follows erfc's own.
    double z = x * MINUS_INV_SQRT2_HI;
    double dz = Math.fma(x, MINUS_INV_SQRT2_HI, -z) + x * MINUS_INV_SQRT2_LO;
    double correction = -dz * TWO_OVER_SQRT_PI * Math.exp(-z * z);
    double half = 0.5 * x; // exact: x < -0.5 is far from the subnormal range
    return Math.fma(half, Erfc.value(z), half * correction);
  }

  /**
   * GELU where erfc would be subnormal: erfc(z) = erfcx(z) e^(-z^2), with z^2 = x^2/2 kept exact
   * and e^(-x^2/2) applied as two normal halves so the result is rounded into the subnormal range
   * only once.
   */
  private static double geluTail(double x) {
    if (x < GELU_UNDERFLOW) {
      return -0.0; // also keeps x * x from overflowing
    }
    double square = x * x;
    double squareError = Math.fma(x, x, -square);
    double half = Math.exp(-0.25 * square) * (1 - 0.25 * squareError);
    return x * (0.5 * Erfcx.value(x * MINUS_INV_SQRT2_HI)) * half * half;
  }

  /**
   * GELU's tanh approximation 0.5x(1 + tanh(u)), u = sqrt(2/pi)(x + 0.044715x^3), evaluated as x *
   * sigmoid(2u) to avoid cancelling 1 + tanh(u). In the negative tail sigmoid(2u) amplifies the
   * rounding error of u by |2u|, so u is carried as a double-double and applied to first order,
   * sigmoid(y + dy) = sigmoid(y)(1 + (1 - sigmoid(y)) dy).
   */
  public static double geluTanh(double x) {
    if (x > GELU_TANH_LINEAR) {
      return x;
    }
    if (x < GELU_TANH_UNDERFLOW) {
      return -0.0;
    }
    if (x >= 0) {
      // For u >= 0, sigmoid(2u) damps the rounding error of u: 2u(1 - sigmoid(2u)) <= 0.28.
      double u = SQRT_2_OVER_PI_HI * (x + GELU_TANH_CUBIC_HI * (x * x * x));
      return x * sigmoid(2 * u);
    }
    double square = x * x;
    double squareError = Math.fma(x, x, -square);
    double cube = square * x;
    double cubeError = Math.fma(square, x, -cube) + squareError * x;
    double term = GELU_TANH_CUBIC_HI * cube;
    double termError =
        Math.fma(GELU_TANH_CUBIC_HI, cube, -term)
            + GELU_TANH_CUBIC_HI * cubeError
            + GELU_TANH_CUBIC_LO * cube;
    double inner = x + term;
    double innerError = twoSumError(x, term, inner) + termError;
    double u = SQRT_2_OVER_PI_HI * inner;
    double uError =
        Math.fma(SQRT_2_OVER_PI_HI, inner, -u)
            + SQRT_2_OVER_PI_HI * innerError
            + SQRT_2_OVER_PI_LO * inner;
    if (2 * u < EXP_SUBNORMAL) {
      // sigmoid(2u) = e^(2u) would be subnormal: multiply x by the two normal halves instead.
      double half = Math.exp(u) * (1 + uError);
      return x * half * half;
    }
    double sigmoid = sigmoid(2 * u);
    return x * (sigmoid + sigmoid * (1 - sigmoid) * (2 * uError));
  }

  /** x e^x/(1 + e^x), corrected as in {@link #sigmoid}, with x e^x kept exact below zero. */
  public static double silu(double x) {
    if (x > 0) {
      if (x > SILU_LINEAR) {
        return x;
      }
      double e = Math.exp(-x);
      double s = 1 + e;
      double r = 1 / s;
      double q = x * r;
      return q + (Math.fma(-q, s, x) - q * fastTwoSumError(1, e, s)) * r;
    }
    if (x < 0) {
      if (x <= EXP_SUBNORMAL) {
        return xTimesExpTail(x);
      }
      double e = Math.exp(x);
      double s = 1 + e;
      double r = 1 / s;
      double p = x * e;
      double q = p * r;
      double residual = Math.fma(-q, s, p) + Math.fma(x, e, -p) - q * fastTwoSumError(1, e, s);
      return q + residual * r;
    }
    return x; // ±0 keep their sign; NaN stays NaN
  }

  /** x * tanh(softplus(x)) = x * n / (n + 2) with n = e^x (e^x + 2), all sums kept exact. */
  public static double mish(double x) {
    if (x >= MISH_LINEAR) {
      return x;
    }
    if (x <= EXP_SUBNORMAL) {
      return xTimesExpTail(x); // n / (n + 2) = e^x to double precision
    }
    double e = Math.exp(x);
    double a = e + 2;
    double aErr = twoSumError(e, 2, a);
    double n = e * a;
    double nErr = Math.fma(e, a, -n) + e * aErr;
    double d = n + 2;
    double dErr = twoSumError(n, 2, d) + nErr;
    double p = x * n;
    double pErr = Math.fma(x, n, -p) + x * nErr;
    return divide(p, pErr, d, dErr);
  }

  /** (1/beta) log(1 + e^(beta x)); linear where beta x exceeds the threshold (PyTorch parity). */
  public static double softplus(double x, double beta, double threshold) {
    double bx = beta * x;
    if (bx > threshold) {
      return x;
    }
    if (beta == 1) {
      // beta x = x exactly: no rounding error to carry and nothing to divide by.
      return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
    if (bx > 0) {
      return x + Math.log1p(Math.exp(-bx)) / beta; // x itself never overflows
    }
    // In the tail the result is about e^(beta x): the rounding error of beta x would be
    // amplified by |beta x|, so apply it to first order, d/dy log(1 + e^y) = sigmoid(y).
    double e = Math.exp(bx);
    double bxError = bx == Double.NEGATIVE_INFINITY ? 0 : Math.fma(beta, x, -bx);
    return (Math.log1p(e) + e / (1 + e) * bxError) / beta;
  }

  public static double softsign(double x) {
    if (Double.isInfinite(x)) {
      return Math.copySign(1.0, x);
    }
    double a = Math.abs(x);
    double s = 1 + a;
    return divide(x, 0, s, twoSumError(1, a, s));
  }

  /** clip(x/6 + 1/2, 0, 1), computed as (x + 3)/6 with the sum kept exact. */
  public static double hardSigmoid(double x) {
    if (x <= -3) {
      return 0;
    }
    if (x >= 3) {
      return 1;
    }
    double s = x + 3;
    return divide(s, twoSumError(x, 3, s), 6, 0);
  }

  public static double hardSwish(double x) {
    if (x <= -3) {
      return 0;
    }
    if (x >= 3) {
      return x;
    }
    double s = x + 3;
    double sErr = twoSumError(x, 3, s);
    double p = x * s;
    return divide(p, Math.fma(x, s, -p) + x * sErr, 6, 0);
  }

  public static double hardTanh(double x, double minVal, double maxVal) {
    return Math.min(Math.max(x, minVal), maxVal);
  }

  /**
   * x - tanh(x). Near zero the difference cancels (it is about x^3/3), so small |x| use Lambert's
   * continued fraction tanh x = x / (1 + K), K = x^2/(3 + x^2/(5 + ...)), which gives x - tanh x =
   * x K / (1 + K) from positive terms only.
   */
  public static double tanhShrink(double x) {
    if (Math.abs(x) >= TANH_SHRINK_CF_LIMIT) {
      return x - Math.tanh(x);
    }
    double x2 = x * x; // NaN propagates through the fraction
    double t = 2 * TANH_SHRINK_CF_DEPTH + 3;
    for (int k = TANH_SHRINK_CF_DEPTH; k >= 1; k--) {
      t = (2 * k + 1) + x2 / t;
    }
    double k = x2 / t;
    return x * k / (1 + k);
  }

  public static double softShrink(double x, double lambda) {
    if (x > lambda) {
      return x - lambda;
    }
    if (x < -lambda) {
      return x + lambda;
    }
    return Double.isNaN(x) ? x : 0.0;
  }

  public static double hardShrink(double x, double lambda) {
    return x >= -lambda && x <= lambda ? 0.0 : x; // NaN fails both tests and stays NaN
  }

  public static double threshold(double x, double threshold, double value) {
    return x <= threshold ? value : x; // NaN fails the test and stays NaN
  }

  /**
   * x e^x for x where e^x is subnormal: exp(x/2) is still normal, and multiplying twice rounds into
   * the subnormal range only once. -inf gives -0, the limit.
   */
  private static double xTimesExpTail(double x) {
    if (x == Double.NEGATIVE_INFINITY) {
      return -0.0;
    }
    double h = Math.exp(0.5 * x);
    return x * h * h;
  }

  /** The rounding error of s = a + b, exactly (Knuth's TwoSum). */
  static double twoSumError(double a, double b, double s) {
    double bVirtual = s - a;
    return (a - (s - bVirtual)) + (b - bVirtual);
  }

  /** The rounding error of s = a + b, exactly, given |a| >= |b| (Dekker's Fast2Sum). */
  static double fastTwoSumError(double a, double b, double s) {
    return b - (s - a);
  }

  /**
   * (n + nErr) / (d + dErr) for double-double operands, with one final rounding: the quotient's
   * residual n - q d is exact through {@link Math#fma}. One division: q = n (1/d) is within a few
   * ulps, and the correction, a few ulps in size, only needs 1/d to working precision.
   */
  static double divide(double n, double nErr, double d, double dErr) {
    double reciprocal = 1 / d;
    double q = n * reciprocal;
    if (Double.isInfinite(q) || q == 0 || Double.isInfinite(reciprocal)) {
      return n / d;
    }
    return q + (Math.fma(-q, d, n) + nErr - q * dErr) * reciprocal;
  }
}
