#!/usr/bin/python3
"""Generate elem.json: PyTorch reference values for the elementwise ("elem") ops of package ops.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_elem.py

The format is that of oracle.json (see gen_oracle.py): each case names an op (the snake_case name
of the Go function it tests), its params, its input tensors, the output PyTorch computes, and for
differentiable ops a random upstream gradient "dy" and the input gradients torch.autograd.grad
gives for it ("grads", null for inputs without one). Inputs are drawn from NumPy generators
seeded by the CRC-32 of the case name, so adding a case changes no other and rerunning gives the
same bytes; seeding, encoding and recording are oracle_common.py's. The file is read by
ops/elem_oracle_test.go; never edit it by hand.

Where Tide deliberately differs from PyTorch (sign of NaN, ONNX's HardSigmoid parameters) the
reference is computed with NumPy or an explicit formula and the case says so.
"""

import math
import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from oracle_common import (BOOL, F32, F64, I8, I32, I64, INF, NAN, U8, Recorder,  # noqa: E402
                           away_from_zero, integers, normal, t, uniform)

# A case whose result is empty records no upstream gradient.
R = Recorder(single=True, skip_empty=True)
add = R.add


SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, 1e300, -1e300]

# Unary float ops: PyTorch function and the interval their random inputs come from.
UNARY_FLOAT = {
    "reciprocal": (torch.reciprocal, None),
    "rsqrt": (torch.rsqrt, (0.2, 4.0)),
    "expm1": (torch.expm1, (-3.0, 3.0)),
    "log1p": (torch.log1p, (-0.9, 3.0)),
    "sin": (torch.sin, (-4.0, 4.0)),
    "cos": (torch.cos, (-4.0, 4.0)),
    "tan": (torch.tan, (-1.4, 1.4)),
    "asin": (torch.asin, (-0.95, 0.95)),
    "acos": (torch.acos, (-0.95, 0.95)),
    "atan": (torch.atan, (-4.0, 4.0)),
    "sinh": (torch.sinh, (-3.0, 3.0)),
    "cosh": (torch.cosh, (-3.0, 3.0)),
    "asinh": (torch.asinh, (-4.0, 4.0)),
    "acosh": (torch.acosh, (1.1, 4.0)),
    "atanh": (torch.atanh, (-0.95, 0.95)),
    "erf": (torch.erf, (-3.0, 3.0)),
    "sigmoid": (torch.sigmoid, (-8.0, 8.0)),
    "softplus": (F.softplus, (-8.0, 8.0)),
    "softsign": (F.softsign, (-4.0, 4.0)),
    "selu": (F.selu, (-3.0, 3.0)),
    "silu": (F.silu, (-5.0, 5.0)),
    "mish": (F.mish, (-5.0, 5.0)),
    "hard_swish": (F.hardswish, (-5.0, 5.0)),
}


def unary_input(name, op, shape, dtype=F64, k=0):
    lohi = UNARY_FLOAT[op][1]
    if lohi is None:
        return away_from_zero(name, shape, dtype, k)
    return uniform(name, shape, lohi[0], lohi[1], dtype, k)


def gen_unary_float():
    for op, (fn, _) in UNARY_FLOAT.items():
        add(f"{op}/float64", op, fn, [unary_input(f"{op}/float64", op, (3, 4))])
        add(f"{op}/float32_odd", op, fn, [unary_input(f"{op}/float32_odd", op, (7,), F32)])
        add(f"{op}/scalar", op, fn, [unary_input(f"{op}/scalar", op, ())])
        add(f"{op}/special", op, fn, [t(SPECIAL)], grad=False)
        add(f"{op}/special_float32", op, fn, [t(SPECIAL, F32)], grad=False)
        add(f"{op}/empty", op, fn, [torch.zeros((0, 3), dtype=F64)])
        # Integers are converted to float32 first, in Tide as in PyTorch's transcendental functions.
        add(f"{op}/int32", op, (lambda f: (lambda v: f(v.to(F32))))(fn), [t([-3, -1, 0, 1, 2, 5], I32)])
    # Regions where a naive formula overflows or cancels.
    add("sigmoid/large", "sigmoid", torch.sigmoid, [t([-800.0, -100, -40, 40, 100, 800])])
    add("sigmoid/large_float32", "sigmoid", torch.sigmoid, [t([-120.0, -90, -30, 30, 90, 120], F32)])
    add("softplus/large", "softplus", F.softplus, [t([-800.0, -40, -19.5, 19.5, 20.5, 40, 800])])
    add("softplus/zero", "softplus", F.softplus, [t([0.0, -0.0])])
    add("expm1/small", "expm1", torch.expm1, [t([1e-10, -1e-10, 1e-20, 3e-8])])
    add("log1p/small", "log1p", torch.log1p, [t([1e-10, -1e-10, 1e-20, 3e-8])])
    add("log1p/domain", "log1p", torch.log1p, [t([-1.0, -1.5, -0.999999])], grad=False)
    add("asin/domain", "asin", torch.asin, [t([-1.0, 1.0, 1.5, -2.0])], grad=False)
    add("acosh/domain", "acosh", torch.acosh, [t([1.0, 0.5, -1.0])], grad=False)
    add("atanh/domain", "atanh", torch.atanh, [t([1.0, -1.0, 1.5])], grad=False)
    add("selu/zero", "selu", F.selu, [t([0.0, 100.0, -100.0])])
    add("silu/large", "silu", F.silu, [t([-800.0, -100, 100, 800])])
    add("mish/large", "mish", F.mish, [t([-100.0, -30, 30, 100])])
    add("mish/large_float32", "mish", F.mish, [t([-100.0, -30, 30, 100], F32)])
    add("hard_swish/kinks", "hard_swish", F.hardswish, [t([-3.0, 3.0, 0.0, -4.0, 4.0])])
    add("softsign/zero", "softsign", F.softsign, [t([0.0, -0.0, 1e300])])
    add("reciprocal/zero", "reciprocal", torch.reciprocal, [t([0.0, -0.0])], grad=False)

    # Parameterised activations.
    for beta, thr in [(1.0, 20.0), (2.0, 10.0), (0.5, 5.0), (-1.5, 20.0), (3.0, INF)]:
        name = f"softplus_beta/b{beta}_t{thr}"
        x = torch.cat([uniform(name, (8,), -12.0, 12.0), t([0.0, 30.0, -30.0])])
        ref = (lambda b, h: (lambda v: F.softplus(v, beta=b, threshold=h)))(beta, thr)
        if math.isinf(thr):  # PyTorch needs a finite threshold; none is ever reached here
            ref = (lambda b: (lambda v: F.softplus(v, beta=b, threshold=1e300)))(beta)
        add(name, "softplus_beta", ref, [x], {"beta": beta, "threshold": thr})
    add("softplus_beta/float32", "softplus_beta", lambda v: F.softplus(v, beta=2.0, threshold=10.0),
        [uniform("softplus_beta/float32", (9,), -8.0, 8.0, F32)], {"beta": 2.0, "threshold": 10.0})

    for alpha in [0.01, 0.3, 2.0]:
        name = f"leaky_relu/a{alpha}"
        x = torch.cat([normal(name, (9,)), t([0.0, -0.0])])
        add(name, "leaky_relu", (lambda a: (lambda v: F.leaky_relu(v, a)))(alpha), [x], {"alpha": alpha})
    add("leaky_relu/float32", "leaky_relu", lambda v: F.leaky_relu(v, 0.2), [normal("leaky_relu/float32", (2, 3), F32)],
        {"alpha": 0.2})
    add("leaky_relu/special", "leaky_relu", lambda v: F.leaky_relu(v, 0.1), [t(SPECIAL)], {"alpha": 0.1}, grad=False)
    add("leaky_relu/int32", "leaky_relu", lambda v: F.leaky_relu(v.float(), 0.5), [t([-4, 0, 3], I32)], {"alpha": 0.5})

    for alpha in [1.0, 0.5, 2.0]:
        name = f"elu/a{alpha}"
        x = torch.cat([uniform(name, (9,), -4.0, 4.0), t([0.0, 100.0, 800.0, -800.0])])
        add(name, "elu", (lambda a: (lambda v: F.elu(v, a)))(alpha), [x], {"alpha": alpha})
    add("elu/float32", "elu", lambda v: F.elu(v, 1.0), [t([-2.0, -0.5, 0.0, 0.5, 100.0, 200.0], F32)], {"alpha": 1.0})
    add("elu/special", "elu", lambda v: F.elu(v, 1.0), [t(SPECIAL)], {"alpha": 1.0}, grad=False)

    for approx in ["none", "tanh"]:
        gelu = (lambda a: (lambda v: F.gelu(v, approximate=a)))(approx)
        add(f"gelu/{approx}", "gelu", gelu, [uniform(f"gelu/{approx}", (3, 4), -5.0, 5.0)], {"approximate": approx})
        add(f"gelu/{approx}_float32", "gelu", gelu, [uniform(f"gelu/{approx}_float32", (7,), -5.0, 5.0, F32)],
            {"approximate": approx})
        add(f"gelu/{approx}_special", "gelu", gelu, [t(SPECIAL[:9])], {"approximate": approx}, grad=False)
        add(f"gelu/{approx}_tails", "gelu", gelu, [t([-30.0, -8.0, 8.0, 30.0, 0.0])], {"approximate": approx})

    # relu6: the gradient is 0 at both kinks.
    add("relu6/float64", "relu6", F.relu6, [torch.cat([uniform("relu6/float64", (9,), -3.0, 9.0), t([0.0, 6.0])])])
    add("relu6/float32", "relu6", F.relu6, [uniform("relu6/float32", (7,), -3.0, 9.0, F32)])
    add("relu6/special", "relu6", F.relu6, [t(SPECIAL)], grad=False)
    add("relu6/int32", "relu6", lambda v: torch.clamp(v, 0, 6), [t([-3, 0, 4, 6, 9], I32)])

    # hard_sigmoid: PyTorch's hardsigmoid is alpha 1/6, beta 1/2 (kinks included); ONNX's
    # default alpha 0.2, beta 0.5 is checked against clamp away from the kinks (at x = ±2.5).
    # It is float32 because PyTorch 1.13's hardsigmoid backward multiplies by the float32 1/6
    # even in float64 (a relative error of 3e-8).
    add("hard_sigmoid/torch", "hard_sigmoid", F.hardsigmoid,
        [torch.cat([uniform("hard_sigmoid/torch", (9,), -5.0, 5.0, F32), t([-3.0, 3.0, 0.0], F32)])],
        {"alpha": 1 / 6, "beta": 0.5})
    for alpha, beta in [(0.2, 0.5), (0.5, 0.25), (-1.0, 0.3)]:
        name = f"hard_sigmoid/a{alpha}_b{beta}"
        x = uniform(name, (10,), -4.0, 4.0)
        x = x[((alpha * x + beta) - 0).abs() > 1e-3]
        x = x[((alpha * x + beta) - 1).abs() > 1e-3]
        add(name, "hard_sigmoid", (lambda a, b: (lambda v: torch.clamp(a * v + b, 0, 1)))(alpha, beta), [x],
            {"alpha": alpha, "beta": beta})
    add("hard_sigmoid/special", "hard_sigmoid", F.hardsigmoid, [t(SPECIAL)], {"alpha": 1 / 6, "beta": 0.5}, grad=False)


def np_ref(fn):
    """A reference computed by NumPy (where Tide follows NumPy/ONNX rather than PyTorch)."""
    return lambda v: torch.from_numpy(np.asarray(fn(v.detach().numpy())))


# Ops that keep integer dtypes: abs, sign and rounding.
INT_UNARY = {
    "abs": torch.abs,
    "sign": torch.sign,
    "floor": torch.floor,
    "ceil": torch.ceil,
    "round": torch.round,
    "trunc": torch.trunc,
}


def gen_unary_int():
    for op, fn in INT_UNARY.items():
        add(f"{op}/float64", op, fn, [normal(f"{op}/float64", (3, 4), scale=3.0)])
        add(f"{op}/float32_odd", op, fn, [normal(f"{op}/float32_odd", (7,), F32, scale=3.0)])
        add(f"{op}/empty", op, fn, [torch.zeros((2, 0), dtype=F32)])
        special = [v for v in SPECIAL if not math.isnan(v)] if op == "sign" else SPECIAL
        add(f"{op}/special", op, fn, [t(special)], grad=False)
        add(f"{op}/halves", op, fn, [t([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -3.5, 0.49999999999999994, 4503599627370495.5])],
            grad=False)
        add(f"{op}/int8", op, fn, [t([-128, -127, -1, 0, 1, 127], I8)])
        add(f"{op}/uint8", op, fn, [t([0, 1, 127, 128, 255], U8)])
        add(f"{op}/int32", op, fn, [integers(f"{op}/int32", (2, 3), -1000, 1000, I32)])
        add(f"{op}/int64", op, fn, [t([-(2 ** 63), -(2 ** 63) + 1, -5, 0, 5, 2 ** 63 - 1], I64)])
    # Abs at 0 has PyTorch's subgradient 0.
    add("abs/zero", "abs", torch.abs, [t([0.0, -0.0, 2.0, -3.0])])
    # Tide's sign of NaN is NaN, as NumPy and ONNX Sign; PyTorch gives 0.
    add("sign/nan_numpy", "sign", np_ref(np.sign), [t([NAN, -NAN, 1.0, -0.0])], grad=False)


# Binary float ops with broadcasting.
BINARY_SHAPES = [
    ("same", (2, 3), (2, 3)),
    ("scalar_right", (2, 3), ()),
    ("scalar_left", (), (3,)),
    ("row", (4, 3), (3,)),
    ("column", (4, 3), (4, 1)),
    ("outer", (3, 1), (1, 4)),
    ("leading_left", (3,), (2, 4, 1)),
]

floor_div = lambda a, b: torch.div(a, b, rounding_mode="floor")

BINARY = {
    "minimum": torch.minimum,
    "atan2": torch.atan2,
    "squared_difference": lambda a, b: (a - b) ** 2,
    "mod": torch.remainder,
    "fmod": torch.fmod,
    "floor_div": floor_div,
}


def binary_inputs(op, name, sa, sb, dtype=F64):
    if op in ("mod", "fmod", "floor_div"):
        # Away from the jumps of the quotient, where finite gradients are defined.
        a = normal(name, sa, dtype, scale=4.0, k=0)
        b = away_from_zero(name, sb, dtype, k=1)
        return a, b
    return normal(name, sa, dtype, k=0), normal(name, sb, dtype, k=1)


def gen_binary():
    for op, fn in BINARY.items():
        for tag, sa, sb in BINARY_SHAPES:
            name = f"{op}/{tag}"
            add(name, op, fn, binary_inputs(op, name, sa, sb))
        name = f"{op}/float32_row"
        add(name, op, fn, binary_inputs(op, name, (2, 5), (5,), F32))
        add(f"{op}/empty", op, fn, [torch.zeros((0, 3), dtype=F64), torch.zeros((3,), dtype=F64)])

    # Integers: the sign conventions, wrap-around and promotion.
    ia = [7, -7, 7, -7, 0, 1, -1, 99, -99, 6, 5, -5]
    ib = [2, 2, -2, -2, 3, 5, 5, 10, 10, -3, 7, -7]
    for op in ["floor_div", "mod", "fmod", "minimum"]:
        fn = BINARY[op]
        for dt, tag in [(I8, "int8"), (I32, "int32"), (I64, "int64")]:
            add(f"{op}/{tag}", op, fn, [t(ia, dt), t(ib, dt)])
        add(f"{op}/uint8", op, fn, [t([200, 7, 255, 0, 13], U8), t([7, 200, 16, 3, 13], U8)])
        name = f"{op}/int32_row"
        add(name, op, fn, [integers(name, (3, 4), -50, 50, I32), t([3, -4, 7, -1], I32)])
        name = f"{op}/promote_int32_float64"
        add(name, op, fn, [integers(name, (2, 3), -9, 9, I32, 0), away_from_zero(name, (3,), k=1)])
    add("floor_div/int8_wrap", "floor_div", floor_div, [t([-128, -128, 127], I8), t([-1, 1, -1], I8)])
    add("mod/int8_min", "mod", torch.remainder, [t([-128, -128, 127], I8), t([-1, 3, -128], I8)])
    add("fmod/int8_min", "fmod", torch.fmod, [t([-128, -128, 127], I8), t([-1, 3, -128], I8)])
    # (PyTorch dies of SIGFPE on int64 -2^63 mod -1; elem_test.go checks Tide's 0.)
    add("mod/int64_extreme", "mod", torch.remainder, [t([-(2 ** 63), 2 ** 63 - 1, -(2 ** 63)], I64), t([2 ** 63 - 1, -(2 ** 63), 7], I64)])

    # Float division by zero and infinities.
    za = [5.0, -5.0, 0.0, INF, -INF, NAN, 3.0, -3.0, 0.5]
    zb = [0.0, -0.0, 0.0, 2.0, 3.0, 1.0, INF, INF, -INF]
    for op in ["floor_div", "mod", "fmod"]:
        add(f"{op}/special", op, BINARY[op], [t(za), t(zb)], grad=False)
        add(f"{op}/exact_multiples", op, BINARY[op], [t([6.0, -6.0, 6.0, -6.0, 0.0, -0.0, 7.5]), t([3.0, 3.0, -3.0, -3.0, 2.0, -2.0, 2.5])],
            grad=False)
    add("floor_div/rounding", "floor_div", floor_div,
        [t([1.0, -1.0, 0.3, 1e300, -7.0, 2.0 ** 60 + 1]), t([0.1, 0.1, 0.1, 1e-300, 0.7, 3.0])], grad=False)

    # minimum: ties split the gradient; NaN propagates.
    add("minimum/ties", "minimum", torch.minimum, [t([1.0, 2, 3, -1, 0, 0.5]), t([1.0, 1, 3, -2, 0, 0.75])])
    name = "minimum/ties_broadcast"
    add(name, "minimum", torch.minimum, [integers(name, (3, 4), -2, 3, F64, 0), integers(name, (4,), -2, 3, F64, 1)])
    add("minimum/nan", "minimum", torch.minimum, [t([NAN, 1.0, NAN, INF, -INF]), t([1.0, NAN, NAN, 2.0, 2.0])], grad=False)

    # atan2: quadrants, signed zeros, infinities, integer inputs.
    add("atan2/special", "atan2", torch.atan2,
        [t([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, INF, -INF, INF, 1.0, NAN]),
         t([0.0, 0.0, -0.0, -0.0, -INF, INF, INF, -INF, 1.0, 0.0, 1.0])], grad=False)
    add("atan2/int32", "atan2", torch.atan2, [t([1, -1, 0, 3], I32), t([1, 1, -2, 0], I32)])

    add("squared_difference/int32", "squared_difference", BINARY["squared_difference"],
        [t([3, -4, 100, 0], I32), t([1, 4, -100, 0], I32)])
    add("squared_difference/special", "squared_difference", BINARY["squared_difference"],
        [t([INF, INF, NAN, 1e200]), t([INF, 1.0, 1.0, -1e200])], grad=False)


def gen_clip():
    def clamp_t(has_min, has_max):
        def f(x, *b):
            b = list(b)
            lo = b.pop(0) if has_min else None
            hi = b.pop(0) if has_max else None
            return torch.clamp(x, min=lo, max=hi)
        return f

    shapes = [("same", (2, 3), (2, 3), (2, 3)), ("row", (4, 3), (3,), (3,)), ("scalar_bounds", (5,), (), ()),
              ("mixed", (3, 1), (1, 4), (3, 4)), ("bounds_broadcast_x", (3,), (2, 3), (2, 1, 1))]
    for tag, sx, sl, sh in shapes:
        name = f"clip/{tag}"
        x = normal(name, sx, scale=2.0, k=0)
        lo = normal(name, sl, k=1) - 1.0
        hi = normal(name, sh, k=2) + 1.0
        # PyTorch 1.13's clamp backward fails when x itself is broadcast ("output with shape
        # [2, 3] doesn't match the broadcast shape"): that case is forward only here and
        # gradient-checked in autodiff/gradcheck.
        add(name, "clip", clamp_t(True, True), [x, lo, hi], {"has_min": True, "has_max": True},
            grad=tag != "bounds_broadcast_x")
    name = "clip/min_only"
    add(name, "clip", clamp_t(True, False), [normal(name, (3, 4), k=0), normal(name, (4,), k=1)], {"has_min": True})
    name = "clip/max_only"
    add(name, "clip", clamp_t(False, True), [normal(name, (3, 4), k=0), normal(name, (3, 1), k=1)], {"has_max": True})
    # lo > hi in some places: every result is hi, and only hi has a gradient there.
    name = "clip/crossed"
    add(name, "clip", clamp_t(True, True), [normal(name, (8,), scale=2.0), normal(name, (8,), k=1), normal(name, (8,), k=2)],
        {"has_min": True, "has_max": True})
    # Ties with the bounds: x keeps the gradient.
    add("clip/ties", "clip", clamp_t(True, True), [t([-1.0, 1.0, 0.0, 2.0, -2.0]), t([-1.0, -1.0, 0.0, 0.0, -2.0]), t([1.0, 1.0, 0.0, 2.0, 3.0])],
        {"has_min": True, "has_max": True})
    add("clip/nan", "clip", clamp_t(True, True), [t([NAN, 1.0, 1.0, 0.5]), t([0.0, NAN, 0.0, 0.0]), t([1.0, 2.0, NAN, 1.0])],
        {"has_min": True, "has_max": True}, grad=False)
    add("clip/int32", "clip", clamp_t(True, True), [t([-5, 0, 5, 9, 3], I32), t([-1], I32), t([4, 4, 4, 4, 2], I32)],
        {"has_min": True, "has_max": True})
    add("clip/uint8", "clip", clamp_t(True, False), [t([0, 100, 200, 255], U8), t([150], U8)], {"has_min": True})
    add("clip/promote_int32_float64", "clip", clamp_t(True, True), [t([-5, 0, 5, 9], I32), t([-1.5]), t([4.5])],
        {"has_min": True, "has_max": True})
    add("clip/float32", "clip", clamp_t(True, True),
        [normal("clip/float32", (7,), F32, scale=2.0), t(-1.0, F32), t(1.0, F32)], {"has_min": True, "has_max": True})
    add("clip/empty", "clip", clamp_t(True, True), [torch.zeros((0, 2)), t([0.0, 1.0]), t(2.0)], {"has_min": True, "has_max": True})

    for lo, hi in [(-1.0, 1.0), (0.0, 6.0), (-INF, 0.5), (-0.5, INF), (1.0, -1.0)]:
        name = f"clip_scalar/{lo}_{hi}"
        x = torch.cat([normal(name, (9,), scale=2.0), t([v for v in (lo, hi) if not math.isinf(v)])])
        ref = (lambda a, b: (lambda v: torch.clamp(v, min=None if math.isinf(a) else a, max=None if math.isinf(b) else b)))(lo, hi)
        add(name, "clip_scalar", ref, [x], {"lo": lo, "hi": hi})
    add("clip_scalar/int64", "clip_scalar", lambda v: torch.clamp(v, -3, 3), [t([-(2 ** 63), -4, 0, 4, 2 ** 63 - 1], I64)],
        {"lo": -3.0, "hi": 3.0})
    add("clip_scalar/int8_no_min", "clip_scalar", lambda v: torch.clamp(v, max=3), [t([-128, 0, 3, 4, 127], I8)],
        {"lo": -INF, "hi": 3.0})
    add("clip_scalar/special", "clip_scalar", lambda v: torch.clamp(v, -1.0, 1.0), [t(SPECIAL)], {"lo": -1.0, "hi": 1.0}, grad=False)


def gen_logical():
    fl = [NAN, INF, -INF, 0.0, -0.0, 1.0, 1e308]
    for dt, tag in [(F64, "float64"), (F32, "float32")]:
        add(f"is_nan/{tag}", "is_nan", torch.isnan, [t(fl, dt)])
        for sign, fn in [(0, torch.isinf), (1, torch.isposinf), (-1, torch.isneginf)]:
            add(f"is_inf/{tag}_sign{sign}", "is_inf", fn, [t(fl, dt)], {"sign": sign})
    add("is_nan/int32", "is_nan", torch.isnan, [t([0, 1, -5], I32)])
    add("is_inf/int64", "is_inf", torch.isinf, [t([0, 2 ** 62, -5], I64)], {"sign": 0})
    add("is_nan/bool", "is_nan", torch.isnan, [t([True, False], BOOL)])
    add("is_nan/empty", "is_nan", torch.isnan, [torch.zeros((0,), dtype=F32)])
    add("is_nan/matrix", "is_nan", torch.isnan, [t([[NAN, 1.0, 2.0], [3.0, NAN, INF]])])

    add("logical_not/bool", "logical_not", torch.logical_not, [t([[True, False], [False, False]], BOOL)])
    add("logical_not/float64", "logical_not", torch.logical_not, [t([0.0, -0.0, NAN, 2.0, -INF])])
    add("logical_not/int8", "logical_not", torch.logical_not, [t([0, -128, 1], I8)])
    add("logical_not/empty", "logical_not", torch.logical_not, [torch.zeros((0, 2), dtype=BOOL)])

    b1 = t([[True, True, False, False]], BOOL)
    b2 = t([True, False, True, False], BOOL)
    for kind, fn in [("and", torch.logical_and), ("or", torch.logical_or), ("xor", torch.logical_xor)]:
        op = f"logical_{kind}"
        add(f"{op}/bool", op, fn, [b1, b2])
        name = f"{op}/broadcast"
        add(name, op, fn, [integers(name, (3, 1), 0, 2, BOOL, 0), integers(name, (1, 4), 0, 2, BOOL, 1)])
        add(f"{op}/mixed", op, fn, [t([0.0, NAN, 2.0, 0.0]), t([3, 0, 1, 0], I32)])
        add(f"{op}/empty", op, fn, [torch.zeros((0, 2), dtype=BOOL), torch.ones((2,), dtype=BOOL)])

    for kind in ["and", "or", "xor"]:
        op = f"bitwise_{kind}"
        fn = getattr(torch, op)
        for dt, tag, lo, hi in [(I8, "int8", -128, 128), (U8, "uint8", 0, 256), (I32, "int32", -2 ** 31, 2 ** 31),
                                (I64, "int64", -2 ** 62, 2 ** 62)]:
            name = f"{op}/{tag}"
            add(name, op, fn, [integers(name, (3, 4), lo, hi, dt, 0), integers(name, (4,), lo, hi, dt, 1)])
        add(f"{op}/bool", op, fn, [b1, b2])
        # uint8 with int8 promotes to int32 in Tide (int16 in PyTorch, which Tide lacks).
        name = f"{op}/promote_uint8_int8"
        add(name, op, (lambda f: (lambda a, b: f(a.to(I32), b.to(I32))))(fn), [t([200, 7, 255], U8), t([-1, 3, -128], I8)])
    add("bitwise_not/int8", "bitwise_not", torch.bitwise_not, [t([-128, -1, 0, 5, 127], I8)])
    add("bitwise_not/uint8", "bitwise_not", torch.bitwise_not, [t([0, 5, 255], U8)])
    add("bitwise_not/int32", "bitwise_not", torch.bitwise_not, [t([-2 ** 31, -1, 0, 5, 2 ** 31 - 1], I32)])
    add("bitwise_not/int64", "bitwise_not", torch.bitwise_not, [t([-2 ** 63, -1, 0, 5, 2 ** 63 - 1], I64)])
    add("bitwise_not/bool", "bitwise_not", torch.bitwise_not, [t([True, False], BOOL)])

    # Shifts: within the width for every type; beyond it only for 8-bit types, where PyTorch
    # 1.13 computes in int and so agrees with Tide's rule (0 for left, the sign for right).
    for kind in ["left", "right"]:
        op = f"bitwise_{kind}_shift"
        fn = getattr(torch, op)
        add(f"{op}/int8", op, fn, [t([-128, -1, 1, 127, 64, -5, 3, -3], I8), t([1, 8, 9, 3, 1, 2, 0, 7], I8)])
        add(f"{op}/uint8", op, fn, [t([255, 1, 128, 7, 200], U8), t([1, 8, 9, 0, 7], U8)])
        add(f"{op}/int32", op, fn, [t([-2 ** 31, -1, 1, 2 ** 31 - 1, 12345, -12345], I32), t([1, 31, 31, 4, 7, 3], I32)])
        add(f"{op}/int64", op, fn, [t([-2 ** 63, -1, 1, 2 ** 63 - 1, 5], I64), t([1, 63, 62, 4, 0], I64)])
        name = f"{op}/broadcast"
        add(name, op, fn, [integers(name, (3, 1), -100, 100, I32, 0), t([0, 1, 2, 5], I32)])


def main():
    gen_unary_float()
    gen_unary_int()
    gen_binary()
    gen_clip()
    gen_logical()
    R.write("elem.json", "ops/testdata/gen_elem.py")


if __name__ == "__main__":
    main()
