#!/usr/bin/env python3
"""Derives the polynomial of the float kernels' exponential (FloatLanes.C2 to C9).

e^r = 1 + r + r^2 q(r) for |r| <= ln2/2, q of degree 7 chosen by Remez's exchange algorithm to
minimise the largest relative error of e^r (1 and r are kept exact, so that e^0 is exactly 1).
Prints the coefficients as Java hexadecimal doubles and the largest relative error, measured with
the coefficients rounded to double, in exact arithmetic (the evaluation's own roundings, a few
2^-53, come on top).

    python3 src/test/python/exp_polynomial.py    # needs mpmath (1.3 used)
"""
from mpmath import mp, mpf

mp.dps = 60
DEGREE = 7  # of q: e^r's polynomial has degree 9
HALF_WIDTH = mp.log(2) / 2
GRID = [HALF_WIDTH * (2 * mpf(i) / 4000 - 1) for i in range(4001)]


def q_exact(r):
    """(e^r - 1 - r) / r^2, which q approximates."""
    return (mp.exp(r) - 1 - r) / r**2 if r != 0 else mpf(1) / 2


def weight(r):
    """Turns an error of q into a relative error of e^r."""
    return r**2 * mp.exp(-r)


def error(coefficients, r):
    return weight(r) * (q_exact(r) - mp.polyval(coefficients[::-1], r))


def remez():
    unknowns = DEGREE + 1
    points = DEGREE + 2
    # Chebyshev-like start, kept off r = 0, where the weight (and every error) vanishes.
    reference = [
        HALF_WIDTH * mp.cos(mp.pi * (points - 1 - i + mpf("0.37")) / (points - mpf("0.4")))
        for i in range(points)
    ]
    for _ in range(30):
        system = mp.matrix(points, points)
        values = mp.matrix(points, 1)
        for i, r in enumerate(reference):
            for j in range(unknowns):
                system[i, j] = r**j
            system[i, unknowns] = (-1) ** i / weight(r)
            values[i] = q_exact(r)
        solution = mp.lu_solve(system, values)
        coefficients = [solution[j] for j in range(unknowns)]
        errors = [error(coefficients, r) for r in GRID]
        # The new reference: the error's extremes, alternating in sign.
        extremes = []
        for i, e in enumerate(errors):
            neighbours = errors[max(i - 1, 0) : i + 2]
            if abs(e) < max(abs(n) for n in neighbours):
                continue
            if extremes and mp.sign(extremes[-1][1]) == mp.sign(e):
                if abs(e) > abs(extremes[-1][1]):
                    extremes[-1] = (GRID[i], e)
            else:
                extremes.append((GRID[i], e))
        while len(extremes) > points:
            extremes.pop(0 if abs(extremes[0][1]) < abs(extremes[-1][1]) else -1)
        if len(extremes) == points:
            reference = [r for r, _ in extremes]
    return coefficients


def main():
    rounded = [float(c) for c in remez()]
    for j, c in enumerate(rounded):
        print(f"  static final double C{j + 2} = {c.hex()};")
    worst = max(abs(error([mpf(c) for c in rounded], r)) for r in GRID)
    print(f"largest relative error of e^r: 2^{float(mp.log(worst, 2)):.2f}")


if __name__ == "__main__":
    main()
