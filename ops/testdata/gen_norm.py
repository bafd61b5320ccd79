#!/usr/bin/python3
"""Generate norm.json: PyTorch reference values for the fused layer normalization, RMS
normalization and GELU of package ops, to first and second order.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_norm.py

The file has the layout of nn.json (oracle_common.py's Recorder with lists of "outputs" and
"dys"). Its cases are sized for the fused kernels: rows long enough for their vector paths (more
than 256 elements), many rows, float32 with a mean far larger than the spread, scales and offsets
that broadcast to the normalized shape, and several normalized axes.

layer_norm, rms_norm and gelu cases hold the op's output and the input gradients
torch.autograd.grad gives for a random upstream gradient. The *_vjp cases check the second order:
their function takes the forward op's inputs and an upstream gradient dy and returns the input
gradients computed with create_graph=True, and their recorded "grads" are the gradients of those
(for random upstream gradients of their own): PyTorch's second derivatives, which the Go test
compares with autodiff.Gradients(..., autodiff.CreateGraph()) differentiated again.

Where PyTorch 1.13 has no function the reference is a formula in torch ops: RMS normalization
(ONNX RMSNormalization, as gen_nn.py), and scales and offsets that broadcast (F.layer_norm wants
them shaped as the normalized axes) are applied after F.layer_norm without them. Tide differs
from PyTorch on purpose for float32 rows whose mean is far larger than their spread: PyTorch
1.13's float32 layer_norm is off by some 250 ulps there (6.6e-5 on layer_norm/large_mean, whose
mean is 1000 and spread 2), where Tide's corrected two-pass moments are within a few ulps, so
that case's reference is F.layer_norm in float64 rounded to float32. The file is read by
ops/norm_oracle_test.go; never edit it by hand.
"""

import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from oracle_common import F32, F64, Recorder, normal, uniform  # noqa: E402

R = Recorder(skip_empty=True)
add = R.add


def layer_norm(k, eps):
    def f(x, w, b):
        ns = x.shape[x.dim() - k:]
        full = w is None or tuple(w.shape) == tuple(ns)
        full = full and (b is None or tuple(b.shape) == tuple(ns))
        if full:
            return F.layer_norm(x, ns, w, b, eps)
        y = F.layer_norm(x, ns, None, None, eps)
        if w is not None:
            y = y * w
        return y if b is None else y + b
    return f


def rms_norm(k, eps):
    def f(x, w):
        axes = list(range(x.dim() - k, x.dim()))
        y = x / torch.sqrt((x * x).mean(axes, keepdim=True) + eps)
        return y if w is None else y * w
    return f


def vjp(fn):
    """The input gradients of fn(*args) for the upstream gradient dy (the last argument), with
    create_graph=True so that they can be differentiated again."""
    def f(*args):
        *xs, dy = args
        y = fn(*xs)
        wrt = [v for v in xs if v is not None]
        return list(torch.autograd.grad(y, wrt, dy, create_graph=True))
    return f


def gen_layer_norm():
    for sub, shape, k, eps, scale, offset, dtype, loc in [
            ("rows", (8, 96), 1, 1e-5, (96,), (96,), F32, 0.0),
            ("wide", (2, 300), 1, 1e-5, (300,), (300,), F32, 0.0),
            ("wide_float64", (1, 515), 1, 1e-5, (515,), (515,), F64, 0.0),
            ("large_mean", (3, 257), 1, 1e-5, (257,), (257,), F32, 1000.0),
            ("two_axes", (4, 3, 37), 2, 1e-5, (3, 37), (37,), F64, 0.0),
            ("three_axes", (2, 3, 4, 5), 3, 1e-3, None, None, F64, 0.0),
            ("broadcast", (5, 8), 1, 1e-5, (1,), (8,), F64, 0.0),
            ("broadcast_two_axes", (5, 3, 8), 2, 1e-5, (1, 8), (1,), F64, 0.0),
            ("scale_only", (7, 33), 1, 1e-3, (33,), None, F32, 0.0),
            ("offset_only", (7, 33), 1, 1e-5, None, (33,), F64, 0.0)]:
        name = f"layer_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0, loc=loc)
        w = uniform(name, scale, 0.5, 2.0, dtype, k=1) if scale else None
        b = normal(name, offset, dtype, k=2) if offset else None
        ref = layer_norm(k, eps)
        if loc:
            ref = in_float64(ref)
        add(name, "layer_norm", ref, [x, w, b], {"num_axes": k, "eps": eps})


def in_float64(fn):
    """fn computed in float64 and rounded to float32 (gradients too, through the casts)."""
    def f(*args):
        return fn(*[None if v is None else v.double() for v in args]).float()
    return f


def gen_rms_norm():
    for sub, shape, k, eps, scale, dtype in [
            ("rows", (8, 96), 1, 1e-5, (96,), F32), ("wide", (2, 300), 1, 1e-5, (300,), F32),
            ("two_axes", (2, 5, 7), 2, 1e-6, (5, 7), F64), ("broadcast", (4, 9), 1, 1e-5, (1,), F64),
            ("no_scale", (2, 260), 1, 1e-5, None, F64)]:
        name = f"rms_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0)
        w = uniform(name, scale, 0.5, 2.0, dtype, k=1) if scale else None
        add(name, "rms_norm", rms_norm(k, eps), [x, w], {"num_axes": k, "eps": eps})


def gen_gelu():
    for approx in ["none", "tanh"]:
        gelu = (lambda a: (lambda v: F.gelu(v, approximate=a)))(approx)
        for sub, shape, dtype in [("float32", (2, 300), F32), ("float64", (5, 7), F64)]:
            name = f"gelu/{approx}_{sub}"
            add(name, "gelu", gelu, [uniform(name, shape, -6.0, 6.0, dtype)], {"approximate": approx})


def gen_second_order():
    for sub, shape, k, scale, offset, dtype in [
            ("affine", (4, 7), 1, (7,), (7,), F64), ("two_axes", (2, 3, 5), 2, (3, 5), None, F64),
            ("broadcast", (3, 6), 1, (1,), (6,), F64), ("plain", (5, 4), 1, None, None, F64),
            ("float32", (3, 40), 1, (40,), (40,), F32)]:
        name = f"layer_norm_vjp/{sub}"
        x = normal(name, shape, dtype, scale=2.0)
        w = uniform(name, scale, 0.5, 2.0, dtype, k=1) if scale else None
        b = normal(name, offset, dtype, k=2) if offset else None
        dy = normal(name, shape, dtype, k=3)
        add(name, "layer_norm_vjp", vjp(layer_norm(k, 1e-5)), [x, w, b, dy], {"num_axes": k, "eps": 1e-5})
    for sub, shape, k, scale, dtype in [("scaled", (4, 7), 1, (7,), F64), ("two_axes", (2, 3, 5), 2, None, F64)]:
        name = f"rms_norm_vjp/{sub}"
        x = normal(name, shape, dtype, scale=2.0)
        w = uniform(name, scale, 0.5, 2.0, dtype, k=1) if scale else None
        dy = normal(name, shape, dtype, k=3)
        add(name, "rms_norm_vjp", vjp(rms_norm(k, 1e-5)), [x, w, dy], {"num_axes": k, "eps": 1e-5})
    for approx in ["none", "tanh"]:
        name = f"gelu_vjp/{approx}"
        x = uniform(name, (3, 9), -5.0, 5.0)
        dy = normal(name, (3, 9), k=3)
        add(name, "gelu_vjp", vjp((lambda a: (lambda v: F.gelu(v, approximate=a)))(approx)), [x, dy],
            {"approximate": approx})


def main():
    gen_layer_norm()
    gen_rms_norm()
    gen_gelu()
    gen_second_order()
    R.write("norm.json", "ops/testdata/gen_norm.py")


if __name__ == "__main__":
    main()
