#!/usr/bin/env python3
"""Random points with exact values, for the accuracy report beyond the reference set.

For every element-wise spec of reference_values.py: POINTS doubles where the exact result is
finite and normal, half uniform over the binades of x (every exponent, random mantissa and sign;
for logit p and 1 - p for p in every binade below 1/2), half uniform on [-40, 40] (logit: (0, 1));
and POINTS/10 floats chosen the same way; for every array spec: random logit rows (length 2 to
100, scales 2^-8 to 2^9) holding POINTS values in all (POINTS/10 for entmax15, whose reference is a
bisection), and a tenth of that in float rows. Exact values from mpmath at 256 bits.

    python3 src/test/python/random_points.py [--points 1000000] [--processes 2] [--out DIR]

Writes DIR/<spec>.{double,float,array,float-array}.tsv.gz (default target/random-points) for
io.github.sparkactivations.core.RandomAccuracyReport; scripts/accuracy.sh runs both.
"""
import argparse
import gzip
import multiprocessing
import os
import random
import struct

from mpmath import mp, mpf

import reference_values as ref

mp.prec = 256
SMALLEST_NORMAL = mpf(2) ** -1022
LARGEST = mpf(2) ** 1024
ARRAY_SPECS = (
    [f"{name}{suffix}" for suffix in ("", "(temperature=0.5)", "(temperature=3.0)")
     for name in ("softmax", "log_softmax", "softmin", "logsumexp")]
    + ["sparsemax", "entmax15"])


def random_double(rng):
    """Half the time every binade equally likely (a random exponent field, subnormals included,
    mantissa and sign), half the time uniform on [-40, 40], where the functions bend."""
    if rng.getrandbits(1):
        return rng.uniform(-40, 40)
    bits = (rng.getrandbits(1) << 63) | (rng.randrange(2047) << 52) | rng.getrandbits(52)
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def random_float(rng):
    if rng.getrandbits(1):
        return rng.uniform(-40, 40)  # rounded to float by the caller
    bits = (rng.getrandbits(1) << 31) | (rng.randrange(255) << 23) | rng.getrandbits(23)
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def to_float(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def random_probability(rng, draw):
    """p uniform on (0, 1) or, as often, in every binade below 1/2 or 1 minus that: both tails of
    logit's domain."""
    if rng.getrandbits(1):
        return rng.random()
    p = abs(draw(rng))
    while not 0 < p < 0.5:
        p = abs(draw(rng))
    return p if rng.getrandbits(1) else 1 - p


def exact_if_normal(f, x):
    v = mpf(f(mpf(x)))
    return v if SMALLEST_NORMAL <= abs(v) < LARGEST else None


def write_elementwise(job):
    index, points, out = job
    name, spec, f, _ = ref.ELEMENTWISE[index]
    rng = random.Random(index)
    for kind, draw, count in (("double", random_double, points),
                              ("float", random_float, max(points // 10, 1))):
        path = os.path.join(out, f"{spec}.{kind}.tsv.gz")
        with gzip.open(path + ".part", "wt", encoding="utf-8") as file:
            written = 0
            while written < count:
                x = random_probability(rng, draw) if name == "logit" else draw(rng)
                x = to_float(x) if kind == "float" else x
                v = exact_if_normal(f, x)
                if v is not None:
                    file.write(f"{ref.hexf(x)}\t{ref.fmt(v)}\n")
                    written += 1
        os.replace(path + ".part", path)
    return spec


def array_function(spec):
    name, _, rest = spec.partition("(")
    t = mpf(rest.split("=")[1].rstrip(")")) if rest else mpf(1)
    return {
        "softmax": lambda m: ref.softmax(m, t),
        "log_softmax": lambda m: ref.log_softmax(m, t),
        "softmin": lambda m: ref.softmax([-v for v in m], t),
        "logsumexp": lambda m: [ref.logsumexp(m, t)],
        "sparsemax": ref.sparsemax,
        "entmax15": ref.entmax15,
    }[name]


def write_arrays(job):
    index, points, out = job
    spec = ARRAY_SPECS[index]
    rng = random.Random(1000 + index)
    f = array_function(spec)
    values = points // 10 if spec == "entmax15" else points
    for kind, count in (("array", values), ("float-array", values // 10)):
        path = os.path.join(out, f"{spec}.{kind}.tsv.gz")
        with gzip.open(path + ".part", "wt", encoding="utf-8") as file:
            written = 0
            while written < count:
                n = rng.choice((2, 3, 5, 10, 16, 30, 100))
                scale = 2 ** rng.uniform(-8, 9)
                xs = [rng.gauss(0, 1) * scale for _ in range(n)]
                xs = [to_float(x) for x in xs] if kind == "float-array" else xs
                exact = f([mpf(x) for x in xs])
                file.write(" ".join(map(ref.hexf, xs)) + "\t" + " ".join(map(ref.fmt, exact)) + "\n")
                written += n
        os.replace(path + ".part", path)
    return spec


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                      "target", "random-points"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # Functions travel to the worker processes by index: lambdas do not pickle.
    jobs = [(write_elementwise, (i, args.points, args.out)) for i in range(len(ref.ELEMENTWISE))]
    jobs += [(write_arrays, (i, args.points, args.out)) for i in range(len(ARRAY_SPECS))]
    with multiprocessing.Pool(args.processes) as pool:
        for spec in pool.imap_unordered(run, jobs):
            print(spec, flush=True)


def run(job):
    function, arguments = job
    return function(arguments)


if __name__ == "__main__":
    main()
