"""Fits the polynomial and rational coefficients of package vmath and prints them as Go
constants (run: python3 fit.py; needs NumPy). The fits minimise the maximum error by Lawson's
iteratively reweighted least squares on dense Chebyshev-clustered grids, in float64, which is
ample for approximations whose results are float32. The table of 2^(j/64) is computed with
the decimal module and rounded correctly."""
import math
import struct
from decimal import Decimal, getcontext

import numpy as np


def lawson(basis, target, x, weight, iters=200):
    """Coefficients c minimising max |Σ c_k basis_k(x) − target| · weight over the grid x."""
    a = np.stack([b(x) for b in basis], 1)
    w = np.ones(len(x)) / len(x)
    for _ in range(iters):
        sw = np.sqrt(w) * weight
        c, *_ = np.linalg.lstsq(a * sw[:, None], target * sw, rcond=None)
        e = np.abs(a @ c - target) * weight
        w = w * (e + 1e-300)
        w /= w.sum()
    return c, e.max()


def cheb(a, b, n):
    return (a + b) / 2 + (b - a) / 2 * np.cos(np.pi * (np.arange(n) + 0.5) / n)


def exp2_table():
    getcontext().prec = 60
    bits = []
    for j in range(64):
        v = float(Decimal(2) ** (Decimal(j) / Decimal(64)))  # correctly rounded
        bits.append("0x%016x" % struct.unpack("<Q", struct.pack("<d", v))[0])
    print("// exp2Table")
    for i in range(0, 64, 4):
        print("\t" + ", ".join(bits[i:i + 4]) + ",")


def expm1_poly():
    # e^r − 1 ≈ r + r²/2 + r³·(m3 + m4·r + m5·r² + m6·r³ + m7·r⁴), |r| <= ln2/2, relative error.
    h = math.log(2) / 2
    x = cheb(-h, h, 8000)
    x = x[x != 0]
    basis = [lambda r, k=k: r ** (k + 3) for k in range(5)]
    c, err = lawson(basis, np.expm1(x) - x - x * x / 2, x, 1 / np.abs(np.expm1(x)))
    print("// expm1c3..expm1c7, relative error %.2g" % err)
    for k, v in enumerate(c):
        print("\texpm1c%d = %s" % (k + 3, float(v).hex()))


def erf_rational():
    # erf(x)/x ≈ P(t)/Q(t), t = x², |x| <= 3.92, P(0) = 2/√π, Q(0) = 1: linearised as
    # P(t) − y·Q(t) = 0 and reweighted by 1/|Q| (Loeb's method) inside Lawson's iteration.
    X, dp, dq, p0 = 3.92, 6, 5, 2 / math.sqrt(math.pi)
    x = np.concatenate([X * (1 + np.cos(np.pi * (np.arange(10000) + 0.5) / 10000)) / 2, np.linspace(1e-4, X, 10000)])
    t, y = x * x, np.array([math.erf(v) for v in x]) / x
    w, q = np.ones(len(x)), np.ones(len(x))
    for _ in range(150):
        a = np.concatenate([np.stack([t ** k for k in range(1, dp + 1)], 1),
                            -np.stack([y * t ** k for k in range(1, dq + 1)], 1)], 1)
        sw = np.sqrt(w) / np.abs(q)
        c, *_ = np.linalg.lstsq(a * sw[:, None], (y - p0) * sw, rcond=None)
        p = p0 + sum(c[k - 1] * t ** k for k in range(1, dp + 1))
        q = 1 + sum(c[dp + k - 1] * t ** k for k in range(1, dq + 1))
        e = np.abs(p / q - y) / np.abs(y)
        w = w * (e + 1e-300)
        w /= w.sum()
    print("// erfP0..erfP6, erfQ1..erfQ5, relative error %.2g" % e.max())
    print("\terfP0 = %s" % float(p0).hex())
    for k in range(1, dp + 1):
        print("\terfP%d = %s" % (k, float(c[k - 1]).hex()))
    for k in range(1, dq + 1):
        print("\terfQ%d = %s" % (k, float(c[dp + k - 1]).hex()))


if __name__ == "__main__":
    exp2_table()
    expm1_poly()
    erf_rational()
