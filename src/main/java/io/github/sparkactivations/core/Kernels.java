package io.github.sparkactivations.core;

/**
 * Element-wise activation kernels on {@code double}.
 *
 * <p>Every method is static and total: finite input never overflows to infinity or NaN where the
 * true result is finite, NaN propagates, and ±infinity give the function's limits. The catalogue
 * names these methods, and the Spark layer calls them directly from generated code, so each public
 * method here is a kernel: {@code (double x, double... parameters) -> double}.
 *
 * <p>Where a plain formula would lose accuracy the kernels keep the intermediate sums and products
 * exact with {@link Math#fma} (error-free transformations) and take e^x and log(1 + x) as
 * double-doubles ({@link Exponential}, {@link Logarithm}), so that one final rounding is the only
 * one that reaches the result (gelu's erf and erfc, and expm1, still come from libraries).
 */
public final class Kernels {

  private Kernels() {}

  /**
   * Below this, e^x is under 2^-995: 1 + e^x is 1 to far below an ulp, and the low part of e^x
   * would fall below the normal range as e^x nears it, so the tails take e^x (or two halves of it)
   * formed in a scaled range and rounded once.
   */
  private static final double EXP_TAIL = -690.0;

  /** The tails' scale: 2^128 keeps e^x and its low part normal down to x = -760. */
  private static final int TAIL_SCALE = 128;

  private static final double TAIL_UNSCALE = 0x1p-128;

  /** Below this |x/alpha|, celu(x) = x (1 + x/(2 alpha) + ...) rounds to x. */
  private static final double CELU_LINEAR = 0x1p-60;

  /** For x above this, sigmoid(x) rounds to 1 in x sigmoid(x): e^-x is below 2^-54. */
  private static final double SILU_LINEAR = 40.0;

  /** For x above this, tanh(softplus(x)) rounds to 1 (its deficit 2e^-2x is below 2^-54). */
  private static final double MISH_LINEAR = 20.0;

  /** Below this |x|, SELU is scale x or scale alpha x and formed in a scaled range. */
  private static final double SELU_TINY = 0x1p-960;

  /** SELU's constants as double-double pairs (hi + lo), from their 32-digit definitions. */
  private static final double SELU_SCALE_HI = 1.0507009873554805;

  private static final double SELU_SCALE_LO = 3.9874847667154144e-17;
  private static final double SELU_SCALE_ALPHA_HI = 1.7580993408473768;
  private static final double SELU_SCALE_ALPHA_LO = 1.41535193800845e-17;

  /** 1/sqrt(2) as a double-double, so that GELU's erfc argument is carried exactly. */
  private static final double INV_SQRT2_HI = 0.7071067811865476;

  private static final double INV_SQRT2_LO = -4.833646656726457e-17;
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  /** Above this x, Phi(x) is within 2^-75 of 1 and GELU rounds to x. */
  private static final double GELU_LINEAR = 10.0;

  /** The tails' inverse scale times the 1/2 of x Phi(x) = x erfc(a)/2. */
  private static final double GELU_UNSCALE = 0.5 * TAIL_UNSCALE;

  /** Below this x, |gelu(x)| is less than half the smallest subnormal. */
  private static final double GELU_UNDERFLOW = -39.0;

  /**
   * Above this x, e^(-x^2/2) is above 2^-935: GELU's value and its sums' low parts stay normal, and
   * it needs no scaled tail.
   */
  private static final double GELU_TAIL = -36.0;

  /** sqrt(2/pi) and 0.044715, the tanh-approximated GELU's constants, as double-doubles. */
  static final double SQRT_2_OVER_PI_HI = 0.7978845608028654;

  private static final double SQRT_2_OVER_PI_LO = -4.98465440455546e-17;
  static final double GELU_TANH_CUBIC_HI = 0.044715;
  private static final double GELU_TANH_CUBIC_LO = 2.1960211427085595e-18;

  /**
   * Above this x, x sigmoid(2u) rounds to x (u > 21: x e^-2u < 2^-57, under half an ulp of x from 4
   * up); below the other, the result underflows.
   */
  private static final double GELU_TANH_LINEAR = 7.5;

  private static final double GELU_TANH_UNDERFLOW = -30.0;

  /** |x| below which tanh_shrink uses Lambert's continued fraction instead of x - tanh(x). */
  private static final double TANH_SHRINK_CF_LIMIT = 0.5;

  /** Below this |x|, tanh_shrink(x) is x^3/3 to 2^-400. */
  private static final double TANH_SHRINK_CUBIC = 0x1p-200;

  /** Continued-fraction depth whose truncation is below 2^-80 relative for |x| < 1/2. */
  private static final int TANH_SHRINK_CF_DEPTH = 10;

  public static double identity(double x) {
    return x;
  }

  /** 1/(1 + e^-x), rounded once; from -690 down that is e^x to 2^-995, formed 2^128 higher. */
  public static double sigmoid(double x) {
    if (x <= EXP_TAIL) {
      DoubleDouble e = Exponential.scaledExp(x, TAIL_SCALE);
      return scaledRoundedOnce(e.hi(), e.lo(), TAIL_UNSCALE);
    }
    DoubleDouble sigmoid = sigmoidToRound(x);
    return sigmoid.hi() + sigmoid.lo();
  }

  /**
   * sigmoid(x) as hi + lo close enough for the kernels that round it, or x times it, once next
   * (sigmoid, silu, the tanh form of GELU): their e^-|x| comes from {@link Exponential#shortExp}.
   * tanh_shrink, whose sum cancels bits of it, takes {@link #sigmoidSum}.
   */
  private static DoubleDouble sigmoidToRound(double x) {
    return sigmoidQuotient(x >= 0, Exponential.shortExp(-Math.abs(x))); // NaN stays NaN
  }

  /** sigmoid(x) as hi + lo to about 2^-66, from {@link Exponential#exp}. */
  private static DoubleDouble sigmoidSum(double x) {
    return sigmoidQuotient(x >= 0, Exponential.exp(-Math.abs(x))); // NaN stays NaN
  }

  /**
   * n/(1 + e) as hi + lo, with e = e^-|x| and n = 1 for x >= 0, e below: the quotient corrected by
   * its exact residual, the rounding error of 1 + e and the low part of e, times 1/(1 + e). The
   * quotient is divided directly and the reciprocal beside it, so that no product waits on the
   * reciprocal first. Written out rather than through {@link #divide}: here the quotient is never
   * zero or infinite, and the special cases' tests cost time in every row. One exit, so that the
   * JIT's escape analysis replaces the records by their fields.
   */
  private static DoubleDouble sigmoidQuotient(boolean positive, DoubleDouble e) {
    double s = 1 + e.hi();
    double sErr = fastTwoSumError(1, e.hi(), s) + e.lo();
    double n = positive ? 1 : e.hi();
    double q = n / s;
    double residual = Math.fma(-q, s, n) - Math.fma(q, sErr, positive ? 0 : -e.lo());
    return new DoubleDouble(q, residual * (1 / s));
  }

  public static double logSigmoid(double x) {
    return -softplus(-x, 1, Double.POSITIVE_INFINITY);
  }

  /**
   * Natural log of the odds, split into three ranges so no step cancels: around 1/2 log1p of a
   * quotient of exact differences, carried as a double-double; further out log p - log(1 - p),
   * whose parts are at least log 3 apart.
   */
  public static double logit(double p) {
    if (p >= 0.25 && p < 0.5) {
      double n = 1 - 2 * p; // exact (Sterbenz)
      double q = n / p;
      return -Logarithm.log1p(q, Math.fma(-q, p, n) / p).hi();
    }
    if (p >= 0.5 && p <= 0.75) {
      double n = 2 * p - 1; // both differences exact
      double d = 1 - p;
      double q = n / d;
      return Logarithm.log1p(q, Math.fma(-q, d, n) / d).hi();
    }
    DoubleDouble logP = Logarithm.log(p);
    DoubleDouble logQ = Logarithm.log1p(-p, 0); // 1 - p, exactly so above 1/2
    return addRoundedOnce(logP.hi(), -logQ.hi(), logP.lo() - logQ.lo());
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

  /** alpha (e^x - 1) below zero, rounded once; ±0 give alpha times themselves. */
  public static double elu(double x, double alpha) {
    if (x > 0) {
      return x;
    }
    if (x == 0) {
      return alpha * x;
    }
    DoubleDouble e = Exponential.expm1(x); // NaN stays NaN
    return Math.fma(alpha, e.hi(), alpha * e.lo());
  }

  /** scale x above zero, scale alpha (e^x - 1) below, each constant a double-double. */
  public static double selu(double x) {
    if (x == 0) {
      return x;
    }
    boolean positive = x > 0;
    if (Math.abs(x) < SELU_TINY) {
      // scale x, or scale alpha x (e^x - 1 is x to 2^-960 here): the constants' low products would
      // fall below the normal range, so the product is formed 2^200 higher
      double y = x * 0x1p200;
      double hi = positive ? SELU_SCALE_HI : SELU_SCALE_ALPHA_HI;
      double p = hi * y;
      double pErr = Math.fma(hi, y, -p) + (positive ? SELU_SCALE_LO : SELU_SCALE_ALPHA_LO) * y;
      return scaledRoundedOnce(p, pErr, 0x1p-200);
    }
    if (positive) {
      return x == Double.POSITIVE_INFINITY ? x : Math.fma(SELU_SCALE_HI, x, SELU_SCALE_LO * x);
    }
    DoubleDouble e = Exponential.expm1(x);
    return Math.fma(
        SELU_SCALE_ALPHA_HI, e.hi(), SELU_SCALE_ALPHA_HI * e.lo() + SELU_SCALE_ALPHA_LO * e.hi());
  }

  /**
   * alpha (e^(x/alpha) - 1) below zero, rounded once: the rounding error of x/alpha enters to first
   * order, e^(y + dy) - 1 = e^y - 1 + dy e^y. Where |x/alpha| < 2^-60 the result rounds to x, which
   * also keeps x/alpha and its error out of the subnormal range.
   */
  public static double celu(double x, double alpha) {
    if (x > 0 || Math.abs(x) < CELU_LINEAR * Math.abs(alpha)) {
      return x;
    }
    double y = x / alpha;
    double yErr = Double.isInfinite(y) ? 0 : Math.fma(-y, alpha, x) / alpha;
    DoubleDouble e = Exponential.expm1(y); // NaN stays NaN
    return Math.fma(alpha, e.hi(), alpha * (e.lo() + yErr * (1 + e.hi())));
  }

  /**
   * Exact GELU, x Phi(x) with Phi(x) = erfc(-x/sqrt 2)/2, rounded once: below zero x erfc(a)/2 with
   * a = |x|/sqrt 2, from {@link #geluErfc}, scaled by 2^128 in the tail so that results down to the
   * subnormal range are rounded once; above, x (1 - erfc(a)/2), which cannot cancel.
   */
  public static double gelu(double x) {
    if (x > GELU_LINEAR) {
      return x; // +inf too
    }
    if (!(x > GELU_UNDERFLOW)) {
      return x < 0 ? -0.0 : x; // NaN stays NaN
    }
    boolean tail = x < GELU_TAIL;
    DoubleDouble erfc = geluErfc(Math.abs(x), tail);
    double p = erfc.hi();
    double pErr = erfc.lo(); // up to 2^-9 of p
    if (x < 0) {
      if (tail) {
        double m = x * p;
        return scaledRoundedOnce(m, Math.fma(x, p, -m) + x * pErr, GELU_UNSCALE);
      }
      return 0.5 * Math.fma(x, p, x * pErr);
    }
    double phi = 1 - 0.5 * p; // 0.5 p <= 1/2: erfc(a) <= 1
    double phiLo = fastTwoSumError(1, -0.5 * p, phi) - 0.5 * pErr;
    return Math.fma(x, phi, x * phiLo);
  }

  /**
   * erfc(a) for a = |x|/sqrt 2 as hi + lo, times 2^128 where scaled. With a as a double-double aHi
   * + aLo, erfc(a) = e^(-aHi^2) (erfcx(aHi) - 2/sqrt(pi) aLo) to first order, aHi^2 exact through
   * fma and erfcx from {@link ErrorFunction}. Apart from {@link #gelu}, which the JIT then inlines
   * into its callers: together they pass its limit of 325 bytes of bytecode.
   */
  private static DoubleDouble geluErfc(double absX, boolean scaled) {
    double aHi = absX * INV_SQRT2_HI;
    double aLo = Math.fma(absX, INV_SQRT2_HI, -aHi) + absX * INV_SQRT2_LO;
    double square = aHi * aHi;
    double squareErr = Math.fma(aHi, aHi, -square);
    DoubleDouble erfcx = ErrorFunction.erfcx(aHi);
    double erfcxLo = erfcx.lo() - TWO_OVER_SQRT_PI * aLo;
    // e^-a^2: the result is a product with it, rounded once (or 1 minus half of one, which cannot
    // cancel), so the short exponential serves but in the scaled tail. Each record is read in its
    // own branch, so that escape analysis removes both.
    double eHi;
    double expLo;
    if (scaled) {
      DoubleDouble e = Exponential.scaledExp(-square, TAIL_SCALE);
      eHi = e.hi();
      expLo = e.lo();
    } else {
      DoubleDouble e = Exponential.shortExp(-square);
      eHi = e.hi();
      expLo = e.lo();
    }
    // The exponential's low part is ready last, so it is added last; the first-order terms of
    // squareErr and of a's low part are summed before it, squareErr's times all of erfcx, whose
    // low part can be 2^-9 of it.
    double p = eHi * erfcx.hi();
    double firstOrder = Math.fma(-squareErr, erfcx.hi() + erfcx.lo(), erfcxLo);
    double pErr = Math.fma(expLo, erfcx.hi(), Math.fma(eHi, erfcx.hi(), -p) + eHi * firstOrder);
    return new DoubleDouble(p, pErr);
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
    if (2 * u < EXP_TAIL) {
      // sigmoid(2u) = e^(2u) to 2^-995, near or below the smallest normal: x e^u e^u, rounded once
      DoubleDouble half = Exponential.exp(u);
      return xTimesSquare(x, half.hi(), Math.fma(half.hi(), uError, half.lo()));
    }
    DoubleDouble sigmoid = sigmoidToRound(2 * u);
    double s = sigmoid.hi();
    return Math.fma(x, s, x * (sigmoid.lo() + s * (1 - s) * (2 * uError)));
  }

  /** x sigmoid(x), rounded once, with x e^x kept exact where e^x is subnormal. */
  public static double silu(double x) {
    if (x > SILU_LINEAR) {
      return x;
    }
    if (x <= EXP_TAIL) {
      return xTimesExpTail(x);
    }
    if (x == 0) {
      return x; // ±0 keep their sign
    }
    DoubleDouble sigmoid = sigmoidToRound(x); // NaN stays NaN
    return Math.fma(x, sigmoid.hi(), x * sigmoid.lo());
  }

  /** x * tanh(softplus(x)) = x * n / (n + 2) with n = e^x (e^x + 2), all sums kept exact. */
  public static double mish(double x) {
    if (x >= MISH_LINEAR) {
      return x;
    }
    if (x <= EXP_TAIL) {
      return xTimesExpTail(x); // n / (n + 2) = e^x to double precision
    }
    DoubleDouble e = Exponential.exp(x);
    double a = e.hi() + 2;
    double aErr = twoSumError(e.hi(), 2, a) + e.lo();
    double n = e.hi() * a;
    double nErr = Math.fma(e.hi(), a, -n) + e.hi() * aErr + e.lo() * a;
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
    // The rounding error of beta x goes into e^(beta x) to first order: in the tail the result is
    // about e^(beta x), which would amplify it by |beta x|.
    double bxError = Double.isInfinite(bx) ? 0 : Math.fma(beta, x, -bx);
    if (bx <= EXP_TAIL) {
      // log(1 + e) = e: e^(beta x)/beta formed 2^128 higher, rounded once
      DoubleDouble e = Exponential.scaledExp(bx, TAIL_SCALE);
      double q = e.hi() / beta;
      double qError = (Math.fma(-q, beta, e.hi()) + Math.fma(e.hi(), bxError, e.lo())) / beta;
      return scaledRoundedOnce(q, qError, TAIL_UNSCALE);
    }
    if (beta == 1) {
      // beta x = x exactly: no rounding error to carry and nothing to divide by.
      DoubleDouble e = Exponential.exp(-Math.abs(x));
      DoubleDouble log = Logarithm.log1p(e.hi(), e.lo());
      return addRoundedOnce(Math.max(x, 0), log.hi(), log.lo());
    }
    DoubleDouble e = Exponential.exp(-Math.abs(bx));
    DoubleDouble log =
        Logarithm.log1p(e.hi(), Math.fma(e.hi(), bx > 0 ? -bxError : bxError, e.lo()));
    // log/beta as a double-double, then added to x (above zero) or rounded alone
    double q = log.hi() / beta;
    double qError = (Math.fma(-q, beta, log.hi()) + log.lo()) / beta;
    return bx > 0 ? addRoundedOnce(x, q, qError) : q + qError;
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
   * x - tanh(x). From |x| = 1/2 it is |x| + (q - 1) with q = 2 sigmoid(-2|x|) (tanh |x| = 1 - q), q
   * as a double-double: the sum loses at most 4 bits to cancellation. Below, where x - tanh x is
   * about x^3/3, Lambert's continued fraction tanh x = x/(1 + K), K = x^2/(3 + x^2/(5 + ...)),
   * gives x K/(1 + K) from positive terms only, its outer level and x^2 as double-doubles.
   */
  public static double tanhShrink(double x) {
    double a = Math.abs(x);
    if (a >= TANH_SHRINK_CF_LIMIT) {
      DoubleDouble sigmoid = sigmoidSum(-2 * a); // q/2
      double q = 2 * sigmoid.hi();
      double w = q - 1;
      return Math.copySign(addRoundedOnce(a, w, twoSumError(q, -1, w) + 2 * sigmoid.lo()), x);
    }
    if (a < TANH_SHRINK_CUBIC) {
      return cubeOverThree(x);
    }
    double x2 = x * x; // NaN propagates through the fraction
    double x2Err = Math.fma(x, x, -x2);
    double t = 2 * TANH_SHRINK_CF_DEPTH + 3;
    for (int k = TANH_SHRINK_CF_DEPTH; k >= 2; k--) {
      t = (2 * k + 1) + x2 / t;
    }
    // K = x^2/(3 + x^2/t), the inner levels' rounding damped below 2^-58 by then
    double u = x2 / t;
    double d = 3 + u;
    double dErr = fastTwoSumError(3, u, d) + (Math.fma(-u, t, x2) + x2Err) / t;
    double k = x2 / d;
    double kErr = (Math.fma(-k, d, x2) + x2Err - k * dErr) / d;
    double p = x * k;
    double den = 1 + k;
    return divide(p, Math.fma(x, k, -p) + x * kErr, den, fastTwoSumError(1, k, den) + kErr);
  }

  /**
   * x^3/3 rounded once, for |x| < 2^-200 where it is x - tanh x to 2^-400: x scaled up by 2^300
   * (exactly), its cube and the quotient carried as double-doubles, scaled back in one rounding, so
   * results near and below the smallest normal double are rounded only there.
   */
  private static double cubeOverThree(double x) {
    double y = x * 0x1p300;
    double square = y * y;
    double cube = square * y;
    double cubeErr = Math.fma(square, y, -cube) + Math.fma(y, y, -square) * y;
    double q = cube / 3;
    double qErr = (Math.fma(-q, 3, cube) + cubeErr) / 3;
    return Math.copySign(scaledRoundedOnce(q, qErr, 0x1p-900), x); // a zero keeps x's sign
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
   * x e^x for x where e^x is subnormal: e^(x/2) is still normal, so x e^(x/2) is kept exact as a
   * double-double and multiplied by e^(x/2) again with one rounding into the subnormal range. -inf
   * gives -0, the limit.
   */
  private static double xTimesExpTail(double x) {
    if (x == Double.NEGATIVE_INFINITY) {
      return -0.0;
    }
    DoubleDouble half = Exponential.exp(0.5 * x);
    return xTimesSquare(x, half.hi(), half.lo());
  }

  /**
   * x (hHi + hLo)^2 rounded once, for a finite x and an h whose square may be subnormal; the sign
   * is x's when it underflows to zero. Formed as a double-double scaled by 2^128, in the normal
   * range, and scaled back in one rounding.
   */
  private static double xTimesSquare(double x, double hHi, double hLo) {
    double p = x * hHi;
    double pErr = Math.fma(x, hHi, -p) + x * hLo;
    double g = hHi / TAIL_UNSCALE;
    double q = p * g;
    double qErr = Math.fma(p, g, -q) + (pErr * g + p * (hLo / TAIL_UNSCALE));
    return Math.copySign(scaledRoundedOnce(q, qErr, TAIL_UNSCALE), x);
  }

  /**
   * (hi + lo) times a power of two at most 1, rounded once, for |lo| well below |hi|. Where the
   * result's ulp is within a factor 2 of the smallest subnormal, the scaled low part is itself
   * rounded, to half that ulp, which can turn a near-tie into a second rounding: the residual of
   * the candidate, exact in the scaled range, then moves it to its neighbour if that is nearer.
   */
  private static double scaledRoundedOnce(double hi, double lo, double power) {
    double s = hi + lo;
    double sErr = fastTwoSumError(hi, lo, s);
    double r = Math.fma(s, power, sErr * power);
    double inverse = 1 / power;
    double residual = (s - r * inverse) + sErr;
    double half = Math.ulp(r) * inverse * 0.5; // scaled first: half the smallest ulp is no double
    return residual > half ? Math.nextUp(r) : residual < -half ? Math.nextDown(r) : r;
  }

  /**
   * a + (bHi + bLo) with one rounding, for |bLo| much below |bHi| or |a|; an infinite a + bHi is
   * returned as it is.
   */
  static double addRoundedOnce(double a, double bHi, double bLo) {
    double s = a + bHi;
    return Double.isInfinite(s) ? s : s + (twoSumError(a, bHi, s) + bLo);
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
