#!/usr/bin/python3
"""Generate oracle.json: PyTorch reference values for the starter ops of package ops.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_oracle.py

Each case names an op (the snake_case name of the Go function it tests), its params, its input
tensors, the output PyTorch computes, and for differentiable ops a random upstream gradient "dy"
and the input gradients torch.autograd.grad gives for it ("grads", null for inputs without one).
Inputs are drawn from NumPy generators seeded by the CRC-32 of the case name, so adding a case
changes no other and rerunning gives the same bytes; the seeding, the encoding of tensors (floats
with repr precision, NaN and infinities as "nan", "inf", "-inf", bools as 0 and 1) and the
recording of cases are oracle_common.py's. The file is read by ops/oracle_test.go; never edit it
by hand.
"""

import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import torch  # noqa: E402

from oracle_common import (BOOL, F32, F64, I8, I32, I64, INF, NAMES, NAN, U8, Recorder,  # noqa: E402
                           away_from_zero, integers, normal, uniform)

R = Recorder(single=True)
add = R.add


def f64(*v):
    return torch.tensor(v, dtype=F64)


# Shape pairs for binary ops: same shapes and every kind of broadcasting.
BINARY_SHAPES = [
    ("same", (2, 3), (2, 3)),
    ("scalar_right", (2, 3), ()),
    ("scalar_left", (), (3,)),
    ("scalars", (), ()),
    ("row", (4, 3), (3,)),
    ("column", (4, 3), (4, 1)),
    ("outer", (3, 1), (1, 4)),
    ("leading", (2, 1, 3), (4, 3)),
    ("leading_left", (3,), (2, 4, 1)),
]

BINARY = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "maximum": torch.maximum,
    "pow": torch.pow,
}


def binary_inputs(op, name, sa, sb, dtype=F64):
    if op == "pow":
        return uniform(name, sa, 0.5, 2.0, dtype, 0), uniform(name, sb, -2.0, 2.0, dtype, 1)
    if op == "div":
        return normal(name, sa, dtype, k=0), away_from_zero(name, sb, dtype, k=1)
    return normal(name, sa, dtype, k=0), normal(name, sb, dtype, k=1)


def gen_binary():
    for op, fn in BINARY.items():
        for tag, sa, sb in BINARY_SHAPES:
            name = f"{op}/{tag}"
            add(name, op, fn, binary_inputs(op, name, sa, sb))
        for tag, sa, sb in [("float32_same", (3, 4), (3, 4)), ("float32_row", (2, 5), (5,))]:
            name = f"{op}/{tag}"
            add(name, op, fn, binary_inputs(op, name, sa, sb, F32))

    # Integer arithmetic, no gradients.
    for op in ["add", "sub", "mul", "maximum"]:
        for dt, tag in [(I32, "int32"), (I64, "int64")]:
            name = f"{op}/{tag}_same"
            add(name, op, BINARY[op], [integers(name, (3, 4), -1000, 1000, dt, 0),
                                       integers(name, (3, 4), -1000, 1000, dt, 1)])
            name = f"{op}/{tag}_column"
            add(name, op, BINARY[op], [integers(name, (3, 4), -1000, 1000, dt, 0),
                                       integers(name, (3, 1), -1000, 1000, dt, 1)])
    u8 = lambda v: torch.tensor(v, dtype=U8)
    add("add/uint8_wrap", "add", torch.add, [u8([200, 100, 255, 0]), u8([100, 200, 1, 0])])
    add("sub/uint8_wrap", "sub", torch.sub, [u8([1, 100, 0, 255]), u8([2, 50, 1, 255])])
    add("mul/int8", "mul", torch.mul, [torch.tensor([-11, 7, 0, -1], dtype=I8), torch.tensor([11, -18, 5, -127], dtype=I8)])
    trunc = lambda a, b: torch.div(a, b, rounding_mode="trunc")
    ia = [7, -7, 7, -7, 0, 1, -1, 99, -99, 6]
    ib = [2, 2, -2, -2, 3, 5, 5, 10, 10, -3]
    for dt, tag in [(I32, "int32"), (I64, "int64")]:
        add(f"div/{tag}_trunc", "div", trunc, [torch.tensor(ia, dtype=dt), torch.tensor(ib, dtype=dt)])
    name = "div/int32_trunc_row"
    add(name, "div", trunc, [integers(name, (3, 4), -50, 50, I32, 0), torch.tensor([3, -4, 7, -1], dtype=I32)])
    add("pow/int64", "pow", torch.pow, [torch.tensor([2, -3, 0, 5, -1, 7, 0, 1], dtype=I64),
                                        torch.tensor([10, 3, 0, 0, 7, 2, 3, 1000], dtype=I64)])
    add("maximum/int32_row", "maximum", torch.maximum,
        [integers("maximum/int32_row", (3, 4), -5, 5, I32), torch.tensor([0, -2, 3, 1], dtype=I32)])

    # Mixed dtypes: the promoted type (PyTorch and dtype.Promote agree on these).
    name = "add/promote_int32_float64"
    add(name, "add", torch.add, [integers(name, (2, 3), -9, 9, I32, 0), normal(name, (2, 3), k=1)])
    name = "mul/promote_float32_int64"
    add(name, "mul", torch.mul, [normal(name, (2, 3), F32, k=0), integers(name, (3,), -9, 9, I64, 1)])
    name = "sub/promote_float32_float64"
    add(name, "sub", torch.sub, [normal(name, (2, 3), F32, k=0), normal(name, (2, 3), k=1)])
    name = "add/promote_int32_int64"
    add(name, "add", torch.add, [integers(name, (4,), -9, 9, I32, 0), integers(name, (2, 4), -9, 9, I64, 1)])

    # Ties: PyTorch gives each side half the gradient where x == y.
    add("maximum/ties", "maximum", torch.maximum,
        [f64(1, 2, 3, -1, 0, 0.5, -0.0), f64(1, 1, 3, -2, 0, 0.75, 0.0)])
    name = "maximum/ties_broadcast"
    add(name, "maximum", torch.maximum, [integers(name, (3, 4), -2, 3, F64, 0), integers(name, (4,), -2, 3, F64, 1)])
    add("maximum/inf", "maximum", torch.maximum, [f64(INF, -INF, -INF, 1), f64(1, 2, -INF, INF)])
    # NaN propagates; PyTorch's gradient then goes to both inputs (neither is larger, nor are
    # they equal).
    add("maximum/nan", "maximum", torch.maximum, [f64(NAN, 1, NAN), f64(1, NAN, NAN)])

    # Division by zero.
    add("div/by_zero", "div", torch.div, [f64(1, -2, 3, -4), f64(0, 0, -0.0, -0.0)])

    # pow at the boundary of its domain, where PyTorch defines the gradient.
    add("pow/zero_base", "pow", torch.pow, [f64(0, 0, 0, 0, 0), f64(2, 0, 1, 3, 2.5)])
    add("pow/zero_base_fractional", "pow", torch.pow, [f64(0, 0), f64(0.5, 1.5)])
    add("pow/zero_base_negative", "pow", torch.pow, [f64(0, 0), f64(-1, -0.5)])
    add("pow/zero_exponent", "pow", torch.pow, [f64(2, -3, 0.5, 1e-300), f64(0, 0, 0, 0)])
    add("pow/negative_base_integer_exponent", "pow", torch.pow, [f64(-2, -0.5, -3, -1.5), f64(3, 2, -1, -2)])
    add("pow/negative_exponent", "pow", torch.pow, [f64(2, 0.25, 10, 3), f64(-1, -0.5, -3, -2.5)])
    add("pow/fractional_exponent", "pow", torch.pow, [f64(4, 0.01, 2, 1e-8), f64(0.5, 1.5, 0.3, 0.25)])
    add("pow/zero_base_broadcast", "pow", torch.pow, [f64(0, 1.5, 0, 2).reshape(2, 2), f64(2, 0)])


UNARY = {
    "neg": torch.neg,
    "exp": torch.exp,
    "log": torch.log,
    "tanh": torch.tanh,
    "sqrt": torch.sqrt,
    "relu": torch.relu,
    "square": torch.square,
}


def gen_unary():
    for op, fn in UNARY.items():
        positive = op in ("log", "sqrt")
        for tag, shape in [("rank3", (2, 3, 4)), ("scalar", ())]:
            name = f"{op}/{tag}"
            x = uniform(name, shape, 0.01, 4.0) if positive else normal(name, shape, scale=2.0)
            add(name, op, fn, [x])
        name = f"{op}/float32"
        x = uniform(name, (3, 5), 0.01, 4.0, F32) if positive else normal(name, (3, 5), F32, scale=2.0)
        add(name, op, fn, [x])
    add("log/near_zero", "log", torch.log, [f64(1e-300, 1e-100, 1e-10, 2.2250738585072014e-308, 1 - 1e-16, 1 + 1e-15)])
    add("log/subnormal", "log", torch.log, [f64(5e-324, 4e-320, 1e-310, 2.225073858507201e-308)])
    add("log/zero", "log", torch.log, [f64(0, -0.0, 1)])
    add("log/negative", "log", torch.log, [f64(-1, -1e-10, -INF)])
    add("log/inf", "log", torch.log, [f64(INF, 1e308)])
    add("sqrt/near_zero", "sqrt", torch.sqrt, [f64(1e-300, 1e-100, 1e-10, 5e-324, 4e-320)])
    add("sqrt/zero", "sqrt", torch.sqrt, [f64(0, 1, 0)])
    add("sqrt/negative", "sqrt", torch.sqrt, [f64(-1, -1e-10)])
    add("sqrt/inf", "sqrt", torch.sqrt, [f64(INF, 1e308)])
    # relu's gradient at exactly 0 is 0 in PyTorch (not the 0.5 a maximum(x, 0) would give).
    add("relu/zero", "relu", torch.relu, [f64(0, -0.0, 1, -1, 1e-300, -1e-300)])
    # PyTorch's gradient mask is "not x <= 0", so the gradient passes through NaN.
    add("relu/nan", "relu", torch.relu, [f64(NAN, 1, -1)])
    add("relu/int32", "relu", torch.relu, [torch.tensor([-3, 0, 5, -2147483648, 2147483647], dtype=I32)])
    add("tanh/large", "tanh", torch.tanh, [f64(-400, -20, -1e-10, 0, 1e-300, 18.5, 20, 400, INF, -INF)])
    add("exp/extreme", "exp", torch.exp, [f64(-800, -745.2, -745.1, -700, -1e-300, 0, 700, 709.4, 710, INF, -INF)])
    # exp(x) is finite up to x = log(MaxFloat64) = 709.78271289338399684. The float64 nearest
    # 709.782712893384 lies just below that, so its exp is finite (1.7976931348622732e308), but
    # PyTorch's vectorised exp already returns inf there; that point is left out, and 710 (inf
    # for both) is in.
    add("exp/near_overflow", "exp", torch.exp, [f64(709.436139303104, 709.5, 709.78, 710.0)])
    add("exp/int32", "exp", torch.exp, [torch.tensor([-2, 0, 1, 3], dtype=I32)])
    add("neg/int32", "neg", torch.neg, [torch.tensor([-3, 0, 5, 2147483647], dtype=I32)])
    add("neg/int8", "neg", torch.neg, [torch.tensor([-3, 0, 5, 127, -127], dtype=I8)])
    add("neg/special", "neg", torch.neg, [f64(0, -0.0, INF, -INF, NAN)])
    add("square/int32", "square", torch.square, [torch.tensor([-3, 0, 5, 46340], dtype=I32)])
    add("square/special", "square", torch.square, [f64(1e200, -1e-200, INF, -INF, NAN, 0)])


def reduce_ref(fn, axes, keep):
    def ref(x):
        if x.dim() == 0:
            return fn(x)
        dims = tuple(range(x.dim())) if axes is None else tuple(axes)
        return fn(x, dims, keep)
    return ref


def gen_reduce():
    fns = {
        "sum": lambda x, *a: torch.sum(x, *a, dtype=x.dtype) if not x.is_floating_point() else torch.sum(x, *a),
        "mean": torch.mean,
        "max": torch.amax,
    }
    axes_list = [
        ("all", None),
        ("axis0", [0]),
        ("axis_neg1", [-1]),
        ("axis1", [1]),
        ("axes_1_neg1", [1, -1]),
        ("axes_neg3_neg2", [-3, -2]),
        ("axes_every", [0, 1, 2]),
        ("axes_unsorted", [2, 0]),
    ]
    for base, fn in fns.items():
        for keep in (False, True):
            op = base + ("_keepdims" if keep else "")
            for tag, axes in axes_list:
                name = f"{op}/{tag}"
                x = normal(name, (2, 3, 4))
                add(name, op, reduce_ref(fn, axes, keep), [x], {"axes": axes})
            name = f"{op}/scalar"
            add(name, op, reduce_ref(fn, None, keep), [normal(name, ())], {"axes": None})
            name = f"{op}/matrix_axis_neg2"
            add(name, op, reduce_ref(fn, [-2], keep), [normal(name, (5, 3))], {"axes": [-2]})
            name = f"{op}/float32"
            add(name, op, reduce_ref(fn, [1], keep), [normal(name, (4, 7), F32)], {"axes": [1]})
            name = f"{op}/float32_all"
            add(name, op, reduce_ref(fn, None, keep), [normal(name, (3, 5), F32)], {"axes": None})
        if base != "mean":
            for dt, tag in [(I32, "int32"), (I64, "int64")]:
                name = f"{base}/{tag}"
                add(name, base, reduce_ref(fns[base], [0], False),
                    [integers(name, (3, 4), -1000, 1000, dt)], {"axes": [0]})
    # mean of integers: Tide converts to float32 first; PyTorch needs the conversion spelled out.
    add("mean/int32", "mean", reduce_ref(lambda x, *a: torch.mean(x.to(F32), *a), [1], False),
        [torch.tensor([[1, 2, 4], [-3, 5, 7]], dtype=I32)], {"axes": [1]})
    # Ties: torch.amax splits the gradient evenly among the maxima.
    name = "max/ties"
    add(name, "max", reduce_ref(torch.amax, [1], False), [integers(name, (4, 5), -1, 2, F64)], {"axes": [1]})
    add("max/ties_all", "max", reduce_ref(torch.amax, None, False), [f64(3, 1, 3, 3, -2, 0)], {"axes": None})
    add("max_keepdims/ties", "max_keepdims", reduce_ref(torch.amax, [0, 2], True),
        [f64(1, 2, 2, 1, 0, 2, 2, 2).reshape(2, 2, 2)], {"axes": [0, 2]})
    add("max/nan", "max", reduce_ref(torch.amax, [1], False), [f64(1, NAN, 3, 4, 5, 6).reshape(2, 3)], {"axes": [1]})
    add("max/inf", "max", reduce_ref(torch.amax, [0], False), [f64(-INF, -INF, 1, -INF).reshape(2, 2)], {"axes": [0]})


def gen_matmul():
    pairs = [
        ("matrix", (3, 4), (4, 5)),
        ("vector_vector", (4,), (4,)),
        ("vector_matrix", (4,), (4, 5)),
        ("matrix_vector", (3, 4), (4,)),
        ("batch", (2, 3, 4), (2, 4, 5)),
        ("batch_broadcast", (2, 1, 3, 4), (5, 4, 2)),
        ("batch_left_matrix", (3, 4), (2, 4, 5)),
        ("batch_vector", (2, 3, 4), (4,)),
        ("vector_batch", (4,), (2, 4, 5)),
        ("inner_one", (3, 1), (1, 2)),
    ]
    for tag, sa, sb in pairs:
        name = f"matmul/{tag}"
        add(name, "matmul", torch.matmul, [normal(name, sa, k=0), normal(name, sb, k=1)])
    name = "matmul/float32"
    add(name, "matmul", torch.matmul, [normal(name, (3, 8), F32, k=0), normal(name, (8, 5), F32, k=1)])
    for dt, tag in [(I32, "int32"), (I64, "int64")]:
        name = f"matmul/{tag}"
        add(name, "matmul", torch.matmul, [integers(name, (2, 3, 4), -20, 20, dt, 0), integers(name, (4, 3), -20, 20, dt, 1)])

    for ta in (False, True):
        for tb in (False, True):
            def ref(a, b, ta=ta, tb=tb):
                return torch.matmul(a.transpose(-1, -2) if ta else a, b.transpose(-1, -2) if tb else b)
            for tag, batch_a, batch_b in [("", (), ()), ("_batch", (2, 1), (3,))]:
                sa = batch_a + ((4, 3) if ta else (3, 4))
                sb = batch_b + ((5, 4) if tb else (4, 5))
                name = f"matmul_t/{'t' if ta else 'n'}{'t' if tb else 'n'}{tag}"
                add(name, "matmul_t", ref, [normal(name, sa, k=0), normal(name, sb, k=1)],
                    {"transpose_a": ta, "transpose_b": tb})


def gen_shape_ops():
    for tag, shape, perm in [
        ("matrix_default", (2, 3), []),
        ("rank3_identity", (2, 3, 4), [0, 1, 2]),
        ("rank3_201", (2, 3, 4), [2, 0, 1]),
        ("rank3_120", (2, 3, 4), [1, 2, 0]),
        ("rank3_021", (2, 3, 4), [0, 2, 1]),
        ("rank3_default", (2, 3, 4), []),
        ("rank4_3102", (2, 3, 1, 4), [3, 1, 0, 2]),
        ("vector", (5,), [0]),
    ]:
        name = f"transpose/{tag}"
        p = perm or list(reversed(range(len(shape))))
        add(name, "transpose", lambda x, p=p: x.permute(*p), [normal(name, shape)], {"perm": perm})
    add("transpose/int32", "transpose", lambda x: x.permute(1, 0), [integers("transpose/int32", (3, 4), -99, 99, I32)], {"perm": [1, 0]})
    add("transpose/bool", "transpose", lambda x: x.permute(2, 0, 1),
        [integers("transpose/bool", (2, 2, 3), 0, 2, BOOL)], {"perm": [2, 0, 1]})

    for tag, shape, target in [
        ("flatten_tail", (2, 3, 4), [6, 4]),
        ("infer_last", (2, 3, 4), [4, -1]),
        ("flatten", (2, 3, 4), [-1]),
        ("infer_middle", (2, 3, 4), [2, -1, 2]),
        ("leading_one", (2, 3, 4), [1, 24]),
        ("to_scalar", (1, 1), []),
        ("from_scalar", (), [1, 1]),
        ("same", (2, 3), [2, 3]),
    ]:
        name = f"reshape/{tag}"
        add(name, "reshape", lambda x, s=target: torch.reshape(x, s), [normal(name, shape)], {"shape": target})
    add("reshape/int64", "reshape", lambda x: torch.reshape(x, (-1, 2)),
        [integers("reshape/int64", (2, 3), -99, 99, I64)], {"shape": [-1, 2]})

    for tag, shape, target in [
        ("scalar", (), [2, 3]),
        ("row", (3,), [2, 3]),
        ("column", (3, 1), [2, 3, 4]),
        ("middle", (1, 3, 1), [2, 3, 4]),
        ("leading", (2, 3), [4, 2, 3]),
        ("same", (2, 3), [2, 3]),
    ]:
        name = f"broadcast_to/{tag}"
        add(name, "broadcast_to", lambda x, s=target: torch.broadcast_to(x, s), [normal(name, shape)], {"shape": target})
    add("broadcast_to/int32", "broadcast_to", lambda x: torch.broadcast_to(x, (3, 2)),
        [torch.tensor([[7], [-8], [9]], dtype=I32)], {"shape": [3, 2]})
    add("broadcast_to/bool", "broadcast_to", lambda x: torch.broadcast_to(x, (2, 3)),
        [torch.tensor([True, False, True])], {"shape": [2, 3]})


def gen_cast():
    def cast(name, x, dt):
        add(name, "cast", lambda t: t.to(dt), [x], {"dtype": NAMES[dt]})

    cast("cast/float64_float32", normal("cast/float64_float32", (3, 4)), F32)
    cast("cast/float64_float32_special", f64(0.1, 1e-50, 1e50, 3.4028235677973366e38, NAN, INF, -0.0, 1 + 2**-24, 1 + 3 * 2**-24), F32)
    cast("cast/float32_float64", normal("cast/float32_float64", (2, 5), F32), F64)
    # Float to integer truncates toward zero; only values in range (elsewhere PyTorch is undefined).
    frac = f64(-2.7, -2.5, -1.5, -0.9, -0.0, 0.4, 0.5, 1.5, 2.5, 2.7, 99.99, -99.99)
    cast("cast/float64_int32", frac, I32)
    cast("cast/float64_int64", frac * 1e6, I64)
    cast("cast/float32_int32", frac.to(F32), I32)
    cast("cast/float64_int8", f64(-128.9, -127.5, -3.7, 0.2, 126.9, 127.9), I8)
    cast("cast/float64_uint8", f64(0, 0.9, 1.5, 127.5, 254.99, 255.9, -0.9), U8)
    cast("cast/float64_bool", f64(0, -0.0, 1e-300, -2.5, NAN, INF), BOOL)
    cast("cast/int32_float64", torch.tensor([-2147483648, -1, 0, 7, 2147483647], dtype=I32), F64)
    cast("cast/int64_float32", torch.tensor([16777217, -16777219, 2**40 + 1, 3, 2**62], dtype=I64), F32)
    cast("cast/int64_float64", torch.tensor([2**53 + 1, -(2**53) - 3, 5, -(2**63)], dtype=I64), F64)
    # Integer to integer wraps (two's complement), as C and NumPy.
    cast("cast/int64_int32", torch.tensor([2**31, -(2**31) - 1, 300, -5, 2**40 + 7], dtype=I64), I32)
    cast("cast/int32_int64", torch.tensor([-2147483648, -1, 0, 2147483647], dtype=I32), I64)
    cast("cast/int32_uint8", torch.tensor([300, -1, 256, 255, 0, -129], dtype=I32), U8)
    cast("cast/int32_int8", torch.tensor([300, 200, 127, 128, -129, -1], dtype=I32), I8)
    cast("cast/uint8_int8", torch.tensor([0, 127, 128, 200, 255], dtype=U8), I8)
    cast("cast/int8_int64", torch.tensor([-128, -1, 0, 127], dtype=I8), I64)
    cast("cast/uint8_float32", torch.tensor([0, 1, 200, 255], dtype=U8), F32)
    cast("cast/int32_bool", torch.tensor([0, 1, -1, 256, 0], dtype=I32), BOOL)
    cast("cast/bool_float64", torch.tensor([True, False, True]), F64)
    cast("cast/bool_int32", torch.tensor([True, False, True]), I32)
    cast("cast/bool_uint8", torch.tensor([False, True]), U8)


COMPARE = {
    "equal": torch.eq,
    "not_equal": torch.ne,
    "less": torch.lt,
    "less_equal": torch.le,
    "greater": torch.gt,
    "greater_equal": torch.ge,
}


def gen_compare():
    special_x = f64(NAN, 1, NAN, INF, -INF, 0, -0.0, 2, INF, 1.5, NAN, -1).reshape(3, 4)
    special_y = f64(1, NAN, NAN, INF, INF, -0.0, 0, 3, -INF, 1.5, 0, -2).reshape(3, 4)
    for op, fn in COMPARE.items():
        add(f"{op}/special", op, fn, [special_x, special_y])
        add(f"{op}/nan_row", op, fn, [special_x, f64(NAN, 1, 0, INF)])
        name = f"{op}/float64_broadcast"
        add(name, op, fn, [integers(name, (3, 1), -2, 3, F64, 0), integers(name, (4,), -2, 3, F64, 1)])
        name = f"{op}/int32"
        add(name, op, fn, [integers(name, (2, 5), -3, 3, I32, 0), integers(name, (2, 5), -3, 3, I32, 1)])
        name = f"{op}/int64_scalar"
        add(name, op, fn, [integers(name, (6,), -3, 3, I64, 0), torch.tensor(0, dtype=I64)])
        # float32 0.1 is not float64 0.1: the comparison happens after promotion to float64.
        add(f"{op}/promote_float32_float64", op, fn,
            [torch.tensor([0.1, 0.5, 1e-46, 3], dtype=F32), f64(0.1, 0.5, 0, 3)])
        add(f"{op}/promote_int32_float32", op, fn,
            [torch.tensor([1, 2, 16777217, -3], dtype=I32), torch.tensor([1.5, 2, 16777216, -3], dtype=F32)])
        add(f"{op}/bool", op, fn, [torch.tensor([True, True, False, False]), torch.tensor([True, False, True, False])])


def gen_where():
    def mask(name, shape):
        return integers(name, shape, 0, 2, BOOL, k=9)
    for tag, sc, sx, sy in [
        ("same", (2, 3), (2, 3), (2, 3)),
        ("broadcast_all", (3,), (2, 1), ()),
        ("broadcast_cond", (2, 1, 4), (3, 4), (3, 1)),
        ("scalar_cond", (), (2, 3), (2, 3)),
    ]:
        name = f"where/{tag}"
        add(name, "where", torch.where, [mask(name, sc), normal(name, sx, k=0), normal(name, sy, k=1)])
    add("where/special", "where", torch.where,
        [torch.tensor([True, False, True, False]), f64(NAN, NAN, INF, 1), f64(2, -INF, NAN, NAN)])
    name = "where/int32"
    add(name, "where", torch.where, [mask(name, (3, 4)), integers(name, (3, 4), -9, 9, I32, 0), integers(name, (4,), -9, 9, I32, 1)])
    name = "where/float32"
    add(name, "where", torch.where, [mask(name, (2, 3)), normal(name, (2, 3), F32, k=0), normal(name, (2, 1), F32, k=1)])
    name = "where/promote_int64_float64"
    add(name, "where", torch.where, [torch.tensor([True, False, True, False]), integers(name, (4,), -9, 9, I64, 0), normal(name, (4,), k=1)])


def gen_fill():
    for tag, shape, value, dt in [
        ("float64", [2, 3], 1.5, F64),
        ("float32_rounded", [3], 0.1, F32),
        ("int32", [2, 2], -7.0, I32),
        ("int8_truncated", [3], -1.5, I8),
        ("uint8", [2], 200.0, U8),
        ("bool", [2, 1], 1.0, BOOL),
        ("scalar", [], 3.25, F64),
        ("empty", [0, 3], 2.0, F64),
    ]:
        add(f"full/{tag}", "full", lambda s=shape, v=value, d=dt: torch.full(s, v, dtype=d), [],
            {"shape": shape, "value": value, "dtype": NAMES[dt]})
    for op, fn in [("zeros_like", torch.zeros_like), ("ones_like", torch.ones_like)]:
        add(f"{op}/float64", op, fn, [normal(f"{op}/float64", (2, 3))], grad=False)
        add(f"{op}/int32", op, fn, [torch.tensor([5, -6, 7, 8], dtype=I32)])
        add(f"{op}/bool", op, fn, [torch.tensor([[True, False], [False, True]])])
        add(f"{op}/scalar", op, fn, [f64(NAN).reshape(())], grad=False)


def gen_scalar_ops():
    for op, fn, cs in [
        ("add_scalar", torch.add, [2.5, -1e-3]),
        ("mul_scalar", torch.mul, [2.5, -0.1]),
        ("pow_scalar", torch.pow, [2.0, 3.0, 0.5, -1.0, -0.5, 1.5]),
    ]:
        for c in cs:
            name = f"{op}/{c!r}"
            x = uniform(name, (2, 3), 0.1, 3.0) if op == "pow_scalar" else normal(name, (2, 3))
            add(name, op, lambda x, c=c, fn=fn: fn(x, c), [x], {"c": c})
        name = f"{op}/float32"
        x = uniform(name, (5,), 0.1, 3.0, F32) if op == "pow_scalar" else normal(name, (5,), F32)
        add(name, op, lambda x, fn=fn: fn(x, 0.1), [x], {"c": 0.1})
        add(f"{op}/int32", op, lambda x, fn=fn: fn(x, 3), [torch.tensor([-2, 0, 1, 5], dtype=I32)], {"c": 3.0})
    # 0^c where the gradient is finite: c == 2 and c == 0 (PyTorch's pow(x, 0) has gradient 0).
    add("pow_scalar/zero_base_2", "pow_scalar", lambda x: torch.pow(x, 2.0), [f64(0, -0.0, 1, -3)], {"c": 2.0})
    add("pow_scalar/zero_base_0", "pow_scalar", lambda x: torch.pow(x, 0.0), [f64(0, -0.0, 1, -3)], {"c": 0.0})
    add("pow_scalar/zero_base_1", "pow_scalar", lambda x: torch.pow(x, 1.0), [f64(0, 2)], {"c": 1.0})


def main():
    gen_binary()
    gen_unary()
    gen_reduce()
    gen_matmul()
    gen_shape_ops()
    gen_cast()
    gen_compare()
    gen_where()
    gen_fill()
    gen_scalar_ops()
    R.write("oracle.json", "ops/testdata/gen_oracle.py")


if __name__ == "__main__":
    main()
