#!/usr/bin/env python3
"""Writes the high-precision reference values the core tests compare against.

Every expected value is computed from the mathematical definition with mpmath at 256-bit
precision (about 77 decimal digits), independently of the Java kernels, and written with 25
significant digits: enough to measure errors to a small fraction of an ulp. Inputs are written
as hexadecimal floats so Java reads back the exact doubles.

    python3 src/test/python/reference_values.py    # needs mpmath (1.3 used)

Output: src/test/resources/reference/{elementwise,arrays,erfcx}.tsv.gz (gzip-compressed TSV)
"""
import gzip
import io
import math
import os
import random

from mpmath import mp, mpf

mp.prec = 256
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "reference")
INF = mp.inf

SELU_ALPHA = mpf("1.6732632423543772848170429916717")
SELU_SCALE = mpf("1.0507009873554804934193349852946")


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def softplus1(x):
    return mp.log1p(mp.exp(x))


def elu(x, alpha):
    return x if x > 0 else alpha * mp.expm1(x)


def hard_sigmoid(x):
    return min(max(x / 6 + mpf(1) / 2, 0), 1)


def softplus(beta, threshold):
    def f(x):
        if beta * x > threshold:
            return x
        return softplus1(beta * x) / beta
    return f


def clip(lo, hi):
    return lambda x: min(max(x, lo), hi)


def gelu_tanh(x):
    u = mp.sqrt(2 / mp.pi) * (x + mpf("0.044715") * x ** 3)
    return x / (1 + mp.exp(-2 * u))  # = x/2 (1 + tanh u), without cancelling 1 + tanh u


def gelu(x):
    z = -x / mp.sqrt(2)
    if abs(z) < 1e6:
        return x / 2 * mp.erfc(z)
    # mpmath's erfc overflows past this; the asymptotic series is exact to far below an ulp here.
    tail = mp.exp(-z * z) / (abs(z) * mp.sqrt(mp.pi)) * (1 - 1 / (2 * z * z))
    return x / 2 * (tail if z > 0 else 2 - tail)


def tanh_shrink(x):
    # x - tanh x cancels to about x^3/3: subnormal x needs some 2200 bits.
    with mp.workprec(4096):
        return +(x - mp.tanh(x))


def logit(p):
    if p == 0:
        return -INF
    if p == 1:
        return INF
    if p < 0 or p > 1:
        return mp.nan
    return mp.log(p / (1 - p))


# name, spec, f(x) on finite x, (f(-inf), f(+inf)); "-0" where a limit is zero from below
ELEMENTWISE = [
    ("identity", "identity", lambda x: x, (-INF, INF)),
    ("sigmoid", "sigmoid", sigmoid, (0, 1)),
    ("log_sigmoid", "log_sigmoid", lambda x: -softplus1(-x), (-INF, "-0")),
    ("logit", "logit", logit, (mp.nan, mp.nan)),
    ("relu", "relu", lambda x: max(x, 0), (0, INF)),
    ("relu6", "relu6", clip(0, 6), (0, 6)),
    ("leaky_relu", "leaky_relu", lambda x: x if x >= 0 else mpf(0.01) * x, (-INF, INF)),
    ("leaky_relu", "leaky_relu(negative_slope=0.2)", lambda x: x if x >= 0 else mpf(0.2) * x, (-INF, INF)),
    ("elu", "elu", lambda x: elu(x, 1), (-1, INF)),
    ("elu", "elu(alpha=2.0)", lambda x: elu(x, 2), (-2, INF)),
    ("selu", "selu", lambda x: SELU_SCALE * elu(x, SELU_ALPHA), (-SELU_SCALE * SELU_ALPHA, INF)),
    ("celu", "celu", lambda x: x if x > 0 else mp.expm1(x), (-1, INF)),
    ("celu", "celu(alpha=0.5)", lambda x: x if x > 0 else mpf(0.5) * mp.expm1(x / mpf(0.5)), (-0.5, INF)),
    ("celu", "celu(alpha=2.0)", lambda x: x if x > 0 else 2 * mp.expm1(x / 2), (-2, INF)),
    ("gelu", "gelu", gelu, ("-0", INF)),
    ("gelu", "gelu(approximate=tanh)", gelu_tanh, ("-0", INF)),
    ("silu", "silu", lambda x: x * sigmoid(x), ("-0", INF)),
    ("silu", "swish", lambda x: x * sigmoid(x), ("-0", INF)),
    ("mish", "mish", lambda x: x * mp.tanh(softplus1(x)), ("-0", INF)),
    ("softplus", "softplus", softplus(1, INF), (0, INF)),
    ("softplus", "softplus(beta=2.0)", softplus(2, INF), (0, INF)),
    ("softplus", "softplus(beta=0.7)", softplus(mpf(0.7), INF), (0, INF)),
    ("softplus", "softplus(threshold=20.0)", softplus(1, 20), (0, INF)),
    ("softsign", "softsign", lambda x: x / (1 + abs(x)), (-1, 1)),
    ("hard_sigmoid", "hard_sigmoid", hard_sigmoid, (0, 1)),
    ("hard_swish", "hard_swish", lambda x: x * hard_sigmoid(x), (0, INF)),
    ("hard_tanh", "hard_tanh", clip(-1, 1), (-1, 1)),
    ("hard_tanh", "hard_tanh(min_val=-2.0, max_val=3.0)", clip(-2, 3), (-2, 3)),
    ("tanh_shrink", "tanh_shrink", tanh_shrink, (-INF, INF)),
    ("soft_shrink", "soft_shrink", lambda x: x - mpf(0.5) if x > 0.5 else x + mpf(0.5) if x < -0.5 else 0, (-INF, INF)),
    ("soft_shrink", "soft_shrink(lambda=1.0)", lambda x: x - 1 if x > 1 else x + 1 if x < -1 else 0, (-INF, INF)),
    ("hard_shrink", "hard_shrink", lambda x: x if abs(x) > 0.5 else 0, (-INF, INF)),
    ("hard_shrink", "hard_shrink(lambda=1.0)", lambda x: x if abs(x) > 1 else 0, (-INF, INF)),
    ("threshold", "threshold(threshold=0.5, value=-1.0)", lambda x: x if x > 0.5 else -1, (-1, INF)),
    ("threshold", "threshold(threshold=1.0, value=-1.0)", lambda x: x if x > 1 else -1, (-1, INF)),
]


def real_inputs(rng):
    magnitudes = [0.0, 5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-100, 1e-20,
                  1e-10, 1e-5, 1e-3, 0.01, 0.1, 0.25, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 2.999,
                  3.0, 3.001, 5.0, 6.0, 7.5, 10.0, 19.0, 20.0, 21.0, 30.0, 36.0, 37.0, 40.0, 100.0, 700.0,
                  707.0, 708.0, 708.5, 709.0, 709.8, 710.0, 740.0, 745.0, 745.2, 746.0, 1000.0,
                  1e10, 1e100, 1e300, 1e308, 1.7976931348623157e308]
    xs = [s * m for m in magnitudes for s in (1.0, -1.0)]
    xs += [rng.uniform(-50, 50) for _ in range(600)]
    xs += [rng.uniform(-5, 5) for _ in range(300)]
    xs += [rng.uniform(-750, -700) for _ in range(100)]
    xs += [rng.choice((-1.0, 1.0)) * 10 ** rng.uniform(-320, 308) for _ in range(300)]
    return xs


def probability_inputs(rng):
    xs = [0.0, -0.0, 1.0, 0.5, 0.25, 0.75, 5e-324, 1e-300, 1e-100, 1e-10, 1 - 2 ** -53,
          0.5 + 2 ** -53, 0.5 - 2 ** -54, 0.49999999, 0.50000001, 0.2499999, 0.7500001, -0.5, 1.5,
          -1e-300, 1 + 2 ** -52]
    xs += [rng.random() for _ in range(800)]
    xs += [10 ** -rng.uniform(1, 300) for _ in range(200)]
    xs += [1 - 10 ** -rng.uniform(1, 15.9) for _ in range(200)]
    return xs


def fmt(v):
    if isinstance(v, str):
        return v  # "-0": mpmath has no signed zero
    if mp.isnan(v):
        return "nan"
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    if abs(v) < mpf("1e-1000"):
        # Far below the smallest subnormal: its rounding is a zero of its sign (and this keeps
        # exponents within Java's BigDecimal).
        return "-0" if v < 0 else "0"
    return mp.nstr(v, 25, min_fixed=1, max_fixed=0)


def signed(f, x):
    """f(x), with an exact zero signed as the limit from x's side gives it (mpmath has no -0)."""
    v = mpf(f(mpf(x)))
    if v != 0:
        return v
    step = mpf(2) ** -1200
    near = f(mpf(x) + (step if math.copysign(1, x) > 0 else -step))
    return "-0" if near < 0 else mpf(0)


def hexf(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float.hex(x)


def open_output(name):
    # mtime=0 keeps the compressed bytes reproducible.
    compressed = gzip.GzipFile(os.path.join(OUT, name), mode="wb", mtime=0)
    return io.TextIOWrapper(compressed, encoding="utf-8")


def write_elementwise(rng):
    reals = real_inputs(rng)
    probabilities = probability_inputs(rng)
    with open_output("elementwise.tsv.gz") as out:
        out.write("# spec\tx (hex double)\texpected (mpmath, 256-bit precision)\n")
        for name, spec, f, (at_minus_inf, at_inf) in ELEMENTWISE:
            xs = probabilities if name == "logit" else reals
            for x in xs + [math.inf, -math.inf, math.nan]:
                if math.isnan(x):
                    v = mp.nan
                elif math.isinf(x):
                    v = at_inf if x > 0 else at_minus_inf
                    v = v if isinstance(v, str) else mpf(v)
                else:
                    v = signed(f, x)
                out.write(f"{spec}\t{hexf(x)}\t{fmt(v)}\n")


# ---- arrays -------------------------------------------------------------------------------

def softmax(xs, t):
    m = max(xs)
    e = [mp.exp((x - m) / t) for x in xs]
    s = mp.fsum(e)
    return [v / s for v in e]


def log_softmax(xs, t):
    # (x - m)/t - log1p(R), R the mass besides one maximum: log(1 + R) would lose an R below the
    # working precision, the whole of the maximum's value.
    m = max(xs)
    top = xs.index(m)
    rest = mp.fsum(mp.exp((x - m) / t) for i, x in enumerate(xs) if i != top)
    return [(x - m) / t - mp.log1p(rest) for x in xs]


def logsumexp(xs, t):
    m = max(xs)
    return m + t * mp.log(mp.fsum(mp.exp((x - m) / t) for x in xs))


def sparsemax(xs):
    z = sorted(xs, reverse=True)
    cumulative, tau = mpf(0), None
    for k, v in enumerate(z, start=1):
        cumulative += v
        if 1 + k * v > cumulative:
            tau = (cumulative - 1) / k
    return [max(x - tau, 0) for x in xs]


def entmax15(xs):
    # The threshold solves sum_i [x_i/2 - tau]_+^2 = 1; bisection at high precision, an
    # independent route from the sort-based closed form the kernel uses.
    z = [x / 2 for x in xs]
    lo, hi = max(z) - 1, max(z)
    for _ in range(400):
        mid = (lo + hi) / 2
        if mp.fsum(max(v - mid, 0) ** 2 for v in z) > 1:
            lo = mid
        else:
            hi = mid
    tau = (lo + hi) / 2
    return [max(v - tau, 0) ** 2 for v in z]


def write_arrays(rng):
    cases = [("known", [-2.0, 0.0, 0.5])]
    for n in (1, 2, 5, 10, 100, 1000):
        for sigma in (1.0, 30.0):
            cases.append((f"normal-n{n}-s{int(sigma)}", [rng.gauss(0, sigma) for _ in range(n)]))
    cases.append(("shifted-n1000", [1e6 + rng.uniform(-300, 300) for _ in range(1000)]))
    cases.append(("wide-n1000", [rng.uniform(-740, 0) for _ in range(1000)]))
    cases.append(("huge-n100", [rng.uniform(-1, 1) * 1e300 for _ in range(100)]))
    long_case = ("normal-n10000-s10", [rng.gauss(0, 10) for _ in range(10000)])

    with open_output("arrays.tsv.gz") as out:
        out.write("# case\tspec\tx (hex doubles)\texpected (mpmath, 256-bit precision)\n")

        def emit(case, spec, xs, values):
            out.write(f"{case}\t{spec}\t{' '.join(map(hexf, xs))}\t{' '.join(fmt(v) for v in values)}\n")

        for case, xs in cases:
            m = [mpf(x) for x in xs]
            temperatures = (1, 0.5, 3.0) if case in ("known", "normal-n100-s1") else (1,)
            for t in temperatures:
                suffix = "" if t == 1 else f"(temperature={float(t)})"
                emit(case, "softmax" + suffix, xs, softmax(m, mpf(t)))
                emit(case, "log_softmax" + suffix, xs, log_softmax(m, mpf(t)))
                emit(case, "softmin" + suffix, xs, softmax([-v for v in m], mpf(t)))
                emit(case, "logsumexp" + suffix, xs, [logsumexp(m, mpf(t))])
            if len(xs) <= 1000 and case != "huge-n100":
                emit(case, "sparsemax", xs, sparsemax(m))
                emit(case, "entmax15", xs, entmax15(m))
        case, xs = long_case
        m = [mpf(x) for x in xs]
        emit(case, "softmax", xs, softmax(m, 1))
        emit(case, "log_softmax", xs, log_softmax(m, 1))


def write_erfcx(rng):
    """e^(z^2) erfc(z) on [0, 32), the range GELU's kernel tabulates: every 1/32 of each binade
    from 2^-6 up, its edges, tiny and random points."""
    zs = [0.0, 5e-324, 1e-300, 1e-20, 2 ** -6 - 2 ** -60, 31.999999999]
    for e in range(-6, 5):
        for k in range(33):
            edge = 2.0 ** e * (1 + k / 32)
            zs += [edge, math.nextafter(edge, 0), rng.uniform(edge, edge * (1 + 1 / 32))]
    zs += [rng.uniform(0, 32) for _ in range(1500)]
    zs += [2 ** rng.uniform(-20, 5) for _ in range(1500)]
    with open_output("erfcx.tsv.gz") as out:
        out.write("# z (hex double)\terfcx(z) (mpmath, 256-bit precision)\n")
        for z in zs:
            if z < 32:
                out.write(f"{hexf(z)}\t{fmt(mp.exp(mpf(z) ** 2) * mp.erfc(mpf(z)))}\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_elementwise(random.Random(20261128))
    write_arrays(random.Random(4242))
    write_erfcx(random.Random(16))
