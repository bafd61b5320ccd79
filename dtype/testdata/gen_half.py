#!/usr/bin/python3
"""Generate half_cases.txt: reference float16 and bfloat16 roundings.

Run from the repository root with Debian's python3-numpy and python3-torch:

    /usr/bin/python3 dtype/testdata/gen_half.py > dtype/testdata/half_cases.txt

Each data line is

    KIND INPUT F16 BF16

KIND is f32 or f64, INPUT the input's IEEE bits in hex, F16 and BF16 the
expected result bits in hex. The oracles:

  f32 -> f16   NumPy:  np.float32 array .astype(np.float16)
  f32 -> bf16  PyTorch: torch.float32 tensor .to(torch.bfloat16)
  f64 -> f16   NumPy:  np.float64 array .astype(np.float16), which rounds
               once from the double; the script asserts it agrees with the
               exact rational rule below
  f64 -> bf16  the exact rational rule below (fractions.Fraction), because
               PyTorch converts double to float first and so rounds twice;
               the script counts the inputs where that makes PyTorch differ

Both oracles are also checked against the exact rule for every line. NaN
results are NaN by class only, since NaN encodings differ between
implementations (this PyTorch build returns 0xffff for every NaN); Tide's
own NaN rule (sign kept, quiet bit set) is tested in half_test.go.
The output is deterministic (fixed seed).
"""

import math
import struct
import sys
from fractions import Fraction

import numpy as np
import torch

# Binary formats as (fraction bits, maximum exponent).
F16 = (10, 15)
BF16 = (7, 127)


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f32_from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f64_from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def exact_round(x, fmt):
    """Round the float x to fmt, nearest with ties to even, by exact rationals."""
    frac, emax = fmt
    emin = 1 - emax
    inf = (2 * emax + 1) << frac
    if x != x:
        return None  # NaN: compared by class
    sign = 0x8000 if math.copysign(1.0, x) < 0 else 0
    if x in (float("inf"), float("-inf")):
        return sign | inf
    a = abs(Fraction(x))
    if a == 0:
        return sign
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    e = max(e, emin)
    q = a / Fraction(2) ** (e - frac)
    n = q.numerator // q.denominator
    rem = q - n
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2 == 1):
        n += 1
    bits = ((e - emin + 1) << frac) + n - (1 << frac)
    return sign | min(bits, inf)


def is_nan(bits, fmt):
    frac, emax = fmt
    inf = (2 * emax + 1) << frac
    return (bits & 0x7FFF) > inf


def np_f16(xs, dtype):
    with np.errstate(over="ignore"):  # overflow to Inf is what is tested
        h = np.array(xs, dtype=dtype).astype(np.float16)
    return [int(b) for b in h.view(np.uint16)]


def torch_bf16_from_f32(xs):
    t = torch.tensor(np.array(xs, dtype=np.float32)).to(torch.bfloat16)
    return [int(b) & 0xFFFF for b in t.view(torch.int16).tolist()]


def torch_bf16_from_f64(xs):
    t = torch.tensor(np.array(xs, dtype=np.float64)).to(torch.bfloat16)
    return [int(b) & 0xFFFF for b in t.view(torch.int16).tolist()]


def f32_inputs(rng):
    bits = set()
    specials = [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000,
                0xFFC00000, 0x7F800001, 0xFF812345, 0x7F7FFFFF, 0xFF7FFFFF,
                0x00000001, 0x80000001, 0x007FFFFF, 0x00800000, 0x3F800000,
                0xBF800000]
    bits.update(specials)
    for v in [65504.0, 65519.0, 65519.99, 65520.0, 65536.0, 2.0**-14, 2.0**-24,
              2.0**-25, 2.0**-26, 1.5 * 2.0**-25, 3.0 * 2.0**-26, 1e-8, 0.1, 1 / 3]:
        for s in (1.0, -1.0):
            bits.add(f32_bits(s * v))
    # Halfway points between neighbouring float16 and bfloat16 values, and
    # their float32 neighbours, across the whole binary16 range.
    for _ in range(300):
        h = int(rng.integers(0, 0x7C00))
        lo = float(np.uint16(h).view(np.float16))
        hi = float(np.uint16(h + 1).view(np.float16))
        mid = f32_bits((lo + hi) / 2)
        bits.update({mid, mid - 1, mid + 1})
        b = int(rng.integers(0, 0x7F80))
        mid = (b << 16) | 0x8000
        bits.update({mid, mid - 1, mid + 1})
    # Random bit patterns, half of them in the binary16 exponent range.
    while len(bits) < 3000:
        if rng.integers(0, 2):
            e = int(rng.integers(100, 146))
            b = (int(rng.integers(0, 2)) << 31) | (e << 23) | int(rng.integers(0, 1 << 23))
        else:
            b = int(rng.integers(0, 1 << 32))
        bits.add(b)
    return sorted(bits)


def f64_inputs(rng):
    # NaNs of both signs, quiet and signalling, by bits (Python arithmetic
    # does not reliably make a negative NaN).
    bits = {0xFFF8000000000000, 0x7FF0000000000001, 0xFFF0000000000001,
            0x7FF4000000000000, 0xFFFFFFFFFFFFFFFF}
    for v in [0.0, float("inf"), float("nan"), 5e-324, 2.2250738585072014e-308,
              1.7976931348623157e308, 65504.0, 65519.999999999, 65520.0,
              2.0**-24, 2.0**-25, 2.0**-25 * (1 + 2.0**-52), 1.0, 2.0**-133,
              2.0**-134, 2.0**-134 * (1 + 2.0**-52), 2.0**128, 3.3895313892515355e38]:
        for s in (1.0, -1.0):
            bits.add(f64_bits(s * v))
    # Double-rounding traps: just above a narrow halfway point by less than
    # float32 can hold, so float32 first lands on the tie and rounds to even.
    for _ in range(300):
        h = int(rng.integers(0, 0x7BFF))
        lo = float(np.uint16(h).view(np.float16))
        hi = float(np.uint16(h + 1).view(np.float16))
        mid = f64_bits((lo + hi) / 2)
        bits.update({mid, mid - 1, mid + 1})
        b = int(rng.integers(0, 0x7F7F))
        mid = f64_bits(f32_from_bits((b << 16) | 0x8000))
        bits.update({mid, mid - 1, mid + 1})
    while len(bits) < 2200:
        if rng.integers(0, 2):
            e = int(rng.integers(1023 - 140, 1023 + 130))
            b = (int(rng.integers(0, 2)) << 63) | (e << 52) | int(rng.integers(0, 1 << 52, dtype=np.uint64))
        else:
            b = int(rng.integers(0, 1 << 63, dtype=np.uint64)) | (int(rng.integers(0, 2)) << 63)
        bits.add(b)
    return sorted(bits)


def check(kind, x, got, fmt, oracle):
    want = exact_round(x, fmt)
    if want is None:
        assert is_nan(got, fmt), (kind, x, hex(got), oracle)
    else:
        assert got == want, (kind, x, hex(got), hex(want), oracle)


def main():
    rng = np.random.default_rng(20240611)
    out = sys.stdout
    out.write("# Generated by dtype/testdata/gen_half.py; DO NOT EDIT.\n")
    out.write("# numpy %s, torch %s\n" % (np.__version__, torch.__version__))
    out.write("# KIND INPUT F16 BF16 (hex bits; see gen_half.py for the oracles)\n")

    b32 = f32_inputs(rng)
    xs = [f32_from_bits(b) for b in b32]
    f16 = np_f16(xs, np.float32)
    bf16 = torch_bf16_from_f32(xs)
    for b, x, h, g in zip(b32, xs, f16, bf16):
        check("f32", x, h, F16, "numpy")
        check("f32", x, g, BF16, "torch")
        out.write("f32 %08x %04x %04x\n" % (b, h, g))

    b64 = f64_inputs(rng)
    xs = [f64_from_bits(b) for b in b64]
    f16 = np_f16(xs, np.float64)
    torch_bf16 = torch_bf16_from_f64(xs)
    twice = 0
    for b, x, h, t in zip(b64, xs, f16, torch_bf16):
        check("f64", x, h, F16, "numpy")
        g = exact_round(x, BF16)
        if g is None:
            g = 0x7FC0 | ((b >> 48) & 0x8000)
        elif t != g:
            twice += 1
        out.write("f64 %016x %04x %04x\n" % (b, h, g))
    sys.stderr.write("f32: %d lines, f64: %d lines; torch double-rounds %d f64->bf16 cases\n"
                     % (len(b32), len(b64), twice))


if __name__ == "__main__":
    main()
