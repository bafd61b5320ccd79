#!/usr/bin/python3
"""Generate nn.json: PyTorch reference values for the neural-network ("nn") ops of package ops.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_nn.py

Each case names an op (the snake_case name of the Go function it tests), its params in Tide's
terms, its inputs (null for an optional tensor left out), the outputs PyTorch computes (a list:
batch_norm_training has three), and for differentiable cases one random upstream gradient per
output ("dys") and the input gradients torch.autograd.grad gives for them ("grads", null for an
input without one). Inputs are drawn from NumPy generators seeded by the CRC-32 of the case name,
so adding a case changes no other and rerunning gives the same bytes (oracle_common.py's
helpers). Data is in Tide's layout (channels last unless the params say "nchw"); the reference
functions permute to PyTorch's channels-first layout inside the differentiated function. The file
is read by ops/nn_oracle_test.go; never edit it by hand.

Where PyTorch 1.13 has no function the reference is an explicit formula in torch ops (so it is
still differentiated by torch): RMS normalization (ONNX RMSNormalization), scaled dot-product
attention (torch 2.0's documented math), batch normalization with given statistics (whose
running_mean/var have no gradient in torch; its output is checked against F.batch_norm), and the
ONNX Resize modes PyTorch cannot express, written from the ONNX operator specification as one
dense interpolation matrix per spatial axis (checked against F.interpolate for every mode PyTorch
has). Dropout is only checked where PyTorch's result does not depend on its random generator:
rate 0 (identity) and rate 1 (zeros; NaN and Inf times 0 give NaN); ops/nn_test.go checks Tide's
masks statistically.
"""

import math
import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from oracle_common import (BOOL, F32, F64, I32, I64, INF, NAN, Recorder, integers, normal, rng, t,  # noqa: E402
                           uniform)

# A case lists its outputs and their upstream gradients ("outputs", "dys"); a case whose outputs
# are all empty records no gradients.
R = Recorder(skip_empty=True)
add = R.add


def to_first(x):
    """NHWC -> NCHW for any number of spatial axes."""
    return x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))


def to_last(x):
    """NCHW -> NHWC."""
    return x.permute(0, *range(2, x.dim()), 1)


# ---------------------------------------------------------------- softmax, log_softmax

def gen_softmax():
    for op, fn in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        def ref(axis):
            return lambda x: fn(x, axis)
        for sub, shape, axis in [("2d_last", (3, 5), -1), ("2d_first", (4, 3), 0), ("3d_middle", (2, 4, 3), 1),
                                 ("3d_neg", (2, 3, 4), -2), ("4d", (2, 3, 2, 4), 3), ("length1", (3, 1), -1),
                                 ("vector", (7,), 0)]:
            name = f"{op}/{sub}"
            add(name, op, ref(axis), [normal(name, shape, scale=2.0)], {"axis": axis})
        name = f"{op}/large"
        add(name, op, ref(-1), [normal(name, (3, 4), loc=1000.0)], {"axis": -1})
        name = f"{op}/spread"  # exp of the smaller entries underflows to 0
        add(name, op, ref(-1), [t([[-1e4, 0.0, 1.0], [-800.0, -700.0, 0.0], [1e300, -1e300, 0.0]])], {"axis": -1})
        add(f"{op}/nonfinite", op, ref(-1),
            [t([[NAN, 1.0, 2.0], [INF, 1.0, 2.0], [-INF, -INF, -INF], [-INF, 0.0, 1.0], [INF, INF, 0.0]])],
            {"axis": -1})
        name = f"{op}/float32"
        add(name, op, ref(1), [normal(name, (4, 6), F32, scale=3.0)], {"axis": 1})
        add(f"{op}/empty_rows", op, ref(-1), [torch.zeros((0, 3), dtype=F64)], {"axis": -1})
        add(f"{op}/empty_axis", op, ref(-1), [torch.zeros((3, 0), dtype=F64)], {"axis": -1})
        # Integers are converted to float32 first.
        add(f"{op}/int32", op, (lambda f: lambda x: f(x.to(F32), -1))(fn), [t([[1, 2, 3], [-4, 0, 4]], I32)],
            {"axis": -1})


# ---------------------------------------------------------------- normalizations

def bn_axes(x, layout):
    """The reduction axes of batch normalization in Tide's layout."""
    c = 1 if layout == "nchw" else x.dim() - 1
    return [a for a in range(x.dim()) if a != c], c


def bn_view(v, x, c):
    shape = [1] * x.dim()
    shape[c] = -1
    return v.reshape(shape)


def gen_batch_norm():
    def training(layout, eps):
        def f(x, w, b):
            xt = to_first(x) if layout == "nhwc" and x.dim() > 2 else x
            y = F.batch_norm(xt, None, None, w, b, training=True, eps=eps)
            y = to_last(y) if layout == "nhwc" and x.dim() > 2 else y
            axes, _ = bn_axes(x, layout)
            return y, x.mean(axes), x.var(axes, unbiased=False)
        return f

    for sub, shape, layout, eps, affine, dtype, loc in [
            ("nhwc", (4, 3, 3, 2), "nhwc", 1e-5, True, F64, 0.0),
            ("nchw", (3, 2, 4, 3), "nchw", 1e-5, True, F64, 0.0),
            ("matrix_no_affine", (5, 4), "nhwc", 1e-5, False, F64, 0.0),
            ("nwc_eps", (2, 5, 3), "nhwc", 1e-2, True, F64, 0.0),
            ("float32", (6, 3), "nhwc", 1e-3, True, F32, 0.0),
            ("large_mean", (8, 2), "nhwc", 1e-5, True, F64, 1000.0),
            ("batch1", (1, 3, 3, 2), "nhwc", 1e-5, True, F64, 0.0),
            ("ncdhw", (2, 3, 2, 2, 2), "nchw", 1e-5, True, F64, 0.0)]:
        name = f"batch_norm_training/{sub}"
        x = normal(name, shape, dtype, scale=2.0, loc=loc)
        c = shape[1] if layout == "nchw" else shape[-1]
        w = uniform(name, (c,), 0.5, 2.0, dtype, k=1) if affine else None
        b = normal(name, (c,), dtype, k=2) if affine else None
        add(name, "batch_norm_training", training(layout, eps), [x, w, b], {"layout": layout, "eps": eps})

    def inference(layout, eps):
        def f(x, m, v, w, b):
            axes, c = bn_axes(x, layout)
            y = (x - bn_view(m, x, c)) / torch.sqrt(bn_view(v, x, c) + eps)
            if w is not None:
                y = y * bn_view(w, x, c)
            if b is not None:
                y = y + bn_view(b, x, c)
            # The formula must be F.batch_norm(training=False), whose running statistics
            # have no gradient in torch, so it is only compared here.
            xt = to_first(x) if layout == "nhwc" and x.dim() > 2 else x
            want = F.batch_norm(xt.detach(), m.detach(), v.detach(), None if w is None else w.detach(),
                                None if b is None else b.detach(), training=False, eps=eps)
            want = to_last(want) if layout == "nhwc" and x.dim() > 2 else want
            assert torch.allclose(y.detach(), want, rtol=1e-5, atol=1e-6), (y, want)
            return y
        return f

    for sub, shape, layout, eps, affine, dtype in [
            ("nhwc", (2, 3, 3, 4), "nhwc", 1e-5, True, F64),
            ("nchw", (2, 3, 2, 2), "nchw", 1e-3, True, F64),
            ("matrix_no_affine", (5, 3), "nhwc", 1e-5, False, F64),
            ("float32", (4, 2, 3), "nhwc", 1e-5, True, F32)]:
        name = f"batch_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0)
        c = shape[1] if layout == "nchw" else shape[-1]
        m = normal(name, (c,), dtype, k=1)
        v = uniform(name, (c,), 0.5, 3.0, dtype, k=2)
        w = uniform(name, (c,), 0.5, 2.0, dtype, k=3) if affine else None
        b = normal(name, (c,), dtype, k=4) if affine else None
        add(name, "batch_norm", inference(layout, eps), [x, m, v, w, b], {"layout": layout, "eps": eps})


def gen_layer_norm():
    def ref(k, eps):
        return lambda x, w, b: F.layer_norm(x, x.shape[x.dim() - k:], w, b, eps)
    for sub, shape, k, eps, affine, dtype, loc in [
            ("last", (3, 4), 1, 1e-5, "both", F64, 0.0),
            ("two_axes", (2, 3, 4), 2, 1e-5, "both", F64, 0.0),
            ("all_axes", (2, 3, 2), 3, 1e-3, "both", F64, 0.0),
            ("no_affine", (4, 5), 1, 1e-5, "none", F64, 0.0),
            ("scale_only", (3, 6), 1, 1e-5, "scale", F64, 0.0),
            ("float32", (5, 8), 1, 1e-5, "both", F32, 0.0),
            ("large_mean", (3, 7), 1, 1e-5, "both", F64, 1000.0),
            ("length1", (4, 1), 1, 1e-5, "both", F64, 0.0)]:
        name = f"layer_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0, loc=loc)
        ns = shape[len(shape) - k:]
        w = uniform(name, ns, 0.5, 2.0, dtype, k=1) if affine in ("both", "scale") else None
        b = normal(name, ns, dtype, k=2) if affine == "both" else None
        add(name, "layer_norm", ref(k, eps), [x, w, b], {"num_axes": k, "eps": eps})
    add("layer_norm/empty_batch", "layer_norm", ref(1, 1e-5), [torch.zeros((0, 4), dtype=F64), None, None],
        {"num_axes": 1, "eps": 1e-5})


def gen_rms_norm():
    # ONNX RMSNormalization: x / sqrt(mean(x^2 over the last k axes) + eps) * scale.
    def ref(k, eps):
        def f(x, w):
            axes = list(range(x.dim() - k, x.dim()))
            y = x / torch.sqrt((x * x).mean(axes, keepdim=True) + eps)
            return y if w is None else y * w
        return f
    for sub, shape, k, eps, scaled, dtype in [
            ("last", (3, 4), 1, 1e-5, True, F64), ("two_axes", (2, 3, 4), 2, 1e-6, True, F64),
            ("no_scale", (4, 5), 1, 1e-5, False, F64), ("float32", (3, 16), 1, 1e-5, True, F32)]:
        name = f"rms_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0)
        w = uniform(name, shape[len(shape) - k:], 0.5, 2.0, dtype, k=1) if scaled else None
        add(name, "rms_norm", ref(k, eps), [x, w], {"num_axes": k, "eps": eps})


def gen_group_instance_norm():
    def group(layout, g, eps):
        def f(x, w, b):
            xt = to_first(x) if layout == "nhwc" and x.dim() > 2 else x
            y = F.group_norm(xt, g, w, b, eps)
            return to_last(y) if layout == "nhwc" and x.dim() > 2 else y
        return f
    for sub, shape, layout, g, eps, affine, dtype in [
            ("nchw", (2, 6, 3, 3), "nchw", 3, 1e-5, True, F64),
            ("nhwc", (2, 3, 3, 6), "nhwc", 2, 1e-5, True, F64),
            ("one_group", (2, 2, 2, 4), "nhwc", 1, 1e-5, True, F64),
            ("per_channel", (2, 3, 2, 4), "nhwc", 4, 1e-5, True, F64),
            ("matrix", (4, 6), "nhwc", 3, 1e-5, True, F64),
            ("nwc_no_affine", (2, 5, 4), "nhwc", 2, 1e-3, False, F64),
            ("float32", (2, 4, 4, 8), "nhwc", 4, 1e-5, True, F32),
            ("ncdhw", (1, 4, 2, 3, 2), "nchw", 2, 1e-5, True, F64)]:
        name = f"group_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0, loc=0.5)
        c = shape[1] if layout == "nchw" else shape[-1]
        w = uniform(name, (c,), 0.5, 2.0, dtype, k=1) if affine else None
        b = normal(name, (c,), dtype, k=2) if affine else None
        add(name, "group_norm", group(layout, g, eps), [x, w, b], {"layout": layout, "groups": g, "eps": eps})

    def instance(layout, eps):
        def f(x, w, b):
            xt = to_first(x) if layout == "nhwc" else x
            y = F.instance_norm(xt, weight=w, bias=b, eps=eps)
            return to_last(y) if layout == "nhwc" else y
        return f
    for sub, shape, layout, eps, affine, dtype in [
            ("nhwc", (2, 3, 4, 3), "nhwc", 1e-5, True, F64),
            ("nchw", (2, 3, 4, 4), "nchw", 1e-5, True, F64),
            ("nwc", (2, 5, 3), "nhwc", 1e-3, True, F64),
            ("no_affine", (3, 4, 2), "nhwc", 1e-5, False, F64),
            ("float32", (2, 4, 4, 2), "nhwc", 1e-5, True, F32),
            ("ndhwc", (1, 2, 3, 3, 2), "nhwc", 1e-5, True, F64)]:
        name = f"instance_norm/{sub}"
        x = normal(name, shape, dtype, scale=2.0, loc=-0.5)
        c = shape[1] if layout == "nchw" else shape[-1]
        w = uniform(name, (c,), 0.5, 2.0, dtype, k=1) if affine else None
        b = normal(name, (c,), dtype, k=2) if affine else None
        add(name, "instance_norm", instance(layout, eps), [x, w, b], {"layout": layout, "eps": eps})


# ---------------------------------------------------------------- embedding

def gen_embedding():
    def ref(table, ids):
        return F.embedding(ids.to(I64), table)
    name = "embedding/int64_repeats"
    add(name, "embedding", ref, [normal(name, (5, 3)), t([[4, 0, 4, 2], [1, 1, 0, 3]], I64)])
    name = "embedding/int32_ids"
    add(name, "embedding", ref, [normal(name, (6, 2), F32), t([5, 0, 3, 3, 1], I32)])
    name = "embedding/scalar_id"
    add(name, "embedding", ref, [normal(name, (4, 3)), t(2, I64)])
    name = "embedding/empty_ids"
    add(name, "embedding", ref, [normal(name, (4, 3)), torch.zeros((0,), dtype=I64)])
    name = "embedding/int_table"
    add(name, "embedding", ref, [integers(name, (4, 3), -100, 100, I32), t([[3, 1], [0, 3]], I64)])
    name = "embedding/wide"
    add(name, "embedding", ref, [normal(name, (3, 17)), integers(name, (2, 3, 2), 0, 3, I64, k=1)])

    # embedding_grad's value is the first derivative of embedding with respect to the table; its
    # gradient (with respect to g) is the second derivative.
    def grad_ref(g, ids, table):
        tb = table.detach().requires_grad_(True)
        return torch.autograd.grad(F.embedding(ids.to(I64), tb), tb, grad_outputs=g, create_graph=True)[0]
    name = "embedding_grad/repeats"
    ids = t([[4, 0, 4, 2], [1, 1, 0, 4]], I64)
    add(name, "embedding_grad", grad_ref, [normal(name, (2, 4, 3)), ids, torch.zeros((5, 3), dtype=F64)],
        no_grad=(2,))
    name = "embedding_grad/float32"
    add(name, "embedding_grad", grad_ref, [normal(name, (5, 2), F32), t([2, 0, 2, 2, 1], I32),
                                           torch.zeros((3, 2), dtype=F32)], no_grad=(2,))


# ---------------------------------------------------------------- resize

def src_coord(mode, j, n_in, n_out, s):
    """ONNX Resize's coordinate_transformation_mode."""
    x = float(j)
    if mode == "pytorch_half_pixel":
        return (x + 0.5) / s - 0.5 if n_out > 1 else 0.0
    if mode == "align_corners":
        return 0.0 if n_out == 1 else x * (n_in - 1) / (n_out - 1)
    if mode == "asymmetric":
        return x / s
    if mode == "tf_half_pixel_for_nn":
        return (x + 0.5) / s
    if mode == "half_pixel_symmetric":
        adj = n_out / (s * n_in)
        center = n_in / 2
        return center * (1 - adj) + (x + 0.5) / s - 0.5
    return (x + 0.5) / s - 0.5  # half_pixel


def nearest_index(mode, x):
    if mode == "floor":
        return math.floor(x)
    if mode == "ceil":
        return math.ceil(x)
    if mode == "round_prefer_ceil":
        return math.floor(x + 0.5)
    return math.ceil(x - 0.5)  # round_prefer_floor


def cubic_coeffs(a, r):
    """The cubic convolution kernel as ONNX's specification writes it."""
    def k(d):
        d = abs(d)
        if d <= 1:
            return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1
        if d < 2:
            return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a
        return 0.0
    return [k(r + 1), k(r), k(1 - r), k(2 - r)]


def resize_matrix(p, n_in, n_out, s):
    """The [n_out, n_in] matrix of one axis of ONNX Resize with params p."""
    m = np.zeros((n_out, n_in))
    mode = p.get("mode", "nearest")
    for j in range(n_out):
        x = src_coord(p.get("coord", "half_pixel"), j, n_in, n_out, s)
        if mode == "nearest":
            m[j, min(max(nearest_index(p.get("nearest", "round_prefer_floor"), x), 0), n_in - 1)] = 1
        elif mode == "linear":
            f = math.floor(x)
            r = x - f
            for i, w in [(f, 1 - r), (f + 1, r)]:
                m[j, min(max(i, 0), n_in - 1)] += w
        else:
            f = math.floor(x)
            ws = cubic_coeffs(p.get("cubic_a", -0.75), x - f)
            idx = [f - 1 + k for k in range(4)]
            if p.get("exclude_outside"):
                ws = [w if 0 <= i < n_in else 0.0 for w, i in zip(ws, idx)]
                tot = sum(ws)
                ws = [w / tot for w in ws]
            for i, w in zip(idx, ws):
                m[j, min(max(i, 0), n_in - 1)] += w
    return m


def resize_ref(p):
    """ONNX Resize with params p on a Tide-layout tensor, as torch ops (so torch differentiates
    it): one dense matrix per spatial axis."""
    def f(x):
        r = x.dim()
        spatial = list(range(2, r)) if p.get("layout") == "nchw" else list(range(1, r - 1))
        for i, a in enumerate(spatial):
            n_in = x.shape[a]
            if "sizes" in p:
                sz = p["sizes"]
                n_out = sz[min(i, len(sz) - 1)]
                s = n_out / n_in
            else:
                sc = p["scales"]
                s = sc[min(i, len(sc) - 1)]
                n_out = math.floor(n_in * s)
            m = torch.from_numpy(resize_matrix(p, n_in, n_out, s)).to(x.dtype)
            x = torch.movedim(torch.tensordot(m, torch.movedim(x, a, 0), dims=1), 0, a)
        return x
    return f


def torch_resize(p, **kw):
    """F.interpolate on a Tide-layout tensor; p gives the layout."""
    def f(x):
        nchw = p.get("layout") == "nchw"
        y = F.interpolate(x if nchw else to_first(x), **kw)
        return y if nchw else to_last(y)
    return f


def gen_resize():
    # Modes PyTorch has, each mapped to ONNX's terms (the mapping is checked against the
    # dense-matrix reference before the case is written):
    #   mode="nearest"                      -> nearest, asymmetric, floor
    #   mode="nearest-exact"                -> nearest, half_pixel, round_prefer_ceil
    #   bilinear/linear/trilinear, align_corners=False -> linear, half_pixel (PyTorch does not
    #       special-case an output of length 1, which ONNX's pytorch_half_pixel does)
    #   bilinear/linear/trilinear, align_corners=True  -> linear, align_corners
    #   bicubic, align_corners=False/True   -> cubic (a = -0.75), half_pixel / align_corners
    torch_cases = [
        ("nearest_up2", (1, 3, 4, 2), {"mode": "nearest", "coord": "asymmetric", "nearest": "floor", "scales": [2.0]},
         dict(scale_factor=2.0, mode="nearest")),
        ("nearest_size", (2, 4, 3, 1), {"mode": "nearest", "coord": "asymmetric", "nearest": "floor", "sizes": [5, 7]},
         dict(size=(5, 7), mode="nearest")),
        ("nearest_down", (1, 6, 5, 2), {"mode": "nearest", "coord": "asymmetric", "nearest": "floor", "scales": [0.5]},
         dict(scale_factor=0.5, mode="nearest")),
        ("nearest_exact", (1, 5, 3, 2), {"mode": "nearest", "coord": "half_pixel", "nearest": "round_prefer_ceil",
                                         "sizes": [3, 7]}, dict(size=(3, 7), mode="nearest-exact")),
        ("bilinear_up2", (2, 3, 4, 2), {"mode": "linear", "scales": [2.0]},
         dict(scale_factor=2.0, mode="bilinear", align_corners=False)),
        ("bilinear_align_corners", (1, 3, 4, 3), {"mode": "linear", "coord": "align_corners", "sizes": [5, 7]},
         dict(size=(5, 7), mode="bilinear", align_corners=True)),
        ("bilinear_down", (1, 5, 4, 2), {"mode": "linear", "sizes": [3, 2]},
         dict(size=(3, 2), mode="bilinear", align_corners=False)),
        ("bilinear_fraction", (1, 4, 5, 1), {"mode": "linear", "scales": [1.5, 0.7]},
         dict(scale_factor=(1.5, 0.7), mode="bilinear", align_corners=False)),
        ("bilinear_size1", (1, 4, 5, 2), {"mode": "linear", "sizes": [1, 3]},
         dict(size=(1, 3), mode="bilinear", align_corners=False)),
        ("bilinear_nchw", (2, 2, 3, 4), {"mode": "linear", "scales": [2.0], "layout": "nchw"},
         dict(scale_factor=2.0, mode="bilinear", align_corners=False)),
        ("bicubic_up2", (1, 4, 4, 2), {"mode": "cubic", "scales": [2.0]},
         dict(scale_factor=2.0, mode="bicubic", align_corners=False)),
        ("bicubic_align_corners", (1, 4, 3, 1), {"mode": "cubic", "coord": "align_corners", "sizes": [6, 5]},
         dict(size=(6, 5), mode="bicubic", align_corners=True)),
        ("bicubic_down", (1, 7, 6, 1), {"mode": "cubic", "sizes": [4, 3]},
         dict(size=(4, 3), mode="bicubic", align_corners=False)),
        ("linear_1d", (2, 5, 3), {"mode": "linear", "scales": [1.5]},
         dict(scale_factor=1.5, mode="linear", align_corners=False)),
        ("nearest_1d", (2, 5, 3), {"mode": "nearest", "coord": "asymmetric", "nearest": "floor", "sizes": [8]},
         dict(size=8, mode="nearest")),
        ("trilinear", (1, 3, 2, 4, 2), {"mode": "linear", "sizes": [4, 3, 5]},
         dict(size=(4, 3, 5), mode="trilinear", align_corners=False)),
        ("trilinear_align_corners", (1, 2, 3, 2, 1), {"mode": "linear", "coord": "align_corners", "scales": [2.0]},
         dict(scale_factor=2.0, mode="trilinear", align_corners=True)),
    ]
    for sub, shape, p, kw in torch_cases:
        name = f"resize/{sub}"
        x = normal(name, shape)
        want = torch_resize(p, **kw)(x)
        got = resize_ref(p)(x)
        assert want.shape == got.shape and torch.allclose(want, got, rtol=1e-12, atol=1e-12), (sub, want, got)
        add(name, "resize", torch_resize(p, **kw), [x], p)
    name = "resize/bilinear_float32"
    p = {"mode": "linear", "scales": [2.0]}
    add(name, "resize", torch_resize(p, scale_factor=2.0, mode="bilinear", align_corners=False),
        [normal(name, (1, 3, 3, 2), F32)], p)

    # ONNX modes PyTorch has no flag for: the dense-matrix reference from the specification.
    onnx_cases = [
        ("onnx_nearest_default", (1, 5, 4, 2), {"scales": [1.5, 2.5]}),
        ("onnx_nearest_round_floor_halves", (1, 4, 2, 1), {"sizes": [8, 1]}),
        ("onnx_nearest_ceil_tf", (1, 3, 5, 1), {"coord": "tf_half_pixel_for_nn", "nearest": "ceil", "sizes": [7, 2]}),
        ("onnx_nearest_align_corners", (1, 4, 4, 1), {"coord": "align_corners", "sizes": [7, 3]}),
        ("onnx_linear_asymmetric", (1, 4, 3, 2), {"mode": "linear", "coord": "asymmetric", "scales": [1.7]}),
        ("onnx_linear_pytorch_half_pixel_size1", (1, 4, 5, 1),
         {"mode": "linear", "coord": "pytorch_half_pixel", "sizes": [1, 3]}),
        ("onnx_linear_half_pixel_symmetric", (1, 5, 4, 1),
         {"mode": "linear", "coord": "half_pixel_symmetric", "scales": [1.7, 0.6]}),
        ("onnx_cubic_exclude_outside", (1, 5, 4, 1),
         {"mode": "cubic", "cubic_a": -0.5, "exclude_outside": True, "scales": [2.0, 1.5]}),
        ("onnx_cubic_asymmetric", (1, 4, 4, 1), {"mode": "cubic", "coord": "asymmetric", "sizes": [6, 3]}),
    ]
    for sub, shape, p in onnx_cases:
        name = f"resize/{sub}"
        add(name, "resize", resize_ref(p), [normal(name, shape)], p)
    # Nearest keeps integers exactly; an empty batch stays empty.
    p = {"coord": "asymmetric", "nearest": "floor", "scales": [2.0]}
    name = "resize/nearest_int32"
    x = integers(name, (1, 2, 3, 2), -1000, 1000, I32)
    add(name, "resize", lambda v: resize_ref(p)(v.to(F64)).round().to(I32), [x], p)
    name = "resize/empty_batch"
    add(name, "resize", resize_ref(p), [torch.zeros((0, 2, 2, 1), dtype=F64)], p)

    # resize_grad's value is resize's first derivative with respect to x, for the upstream
    # gradient g; its gradient with respect to g is the second derivative (resize again).
    def grad_ref(p, kw):
        fwd = torch_resize(p, **kw) if kw else resize_ref(p)

        def f(g, x):
            xx = x.detach().requires_grad_(True)
            return torch.autograd.grad(fwd(xx), xx, grad_outputs=g, create_graph=True)[0]
        return f
    for sub, shape, p, kw in [
            ("bilinear", (1, 3, 4, 2), {"mode": "linear", "scales": [2.0]},
             dict(scale_factor=2.0, mode="bilinear", align_corners=False)),
            ("nearest_down", (1, 6, 5, 1), {"mode": "nearest", "coord": "asymmetric", "nearest": "floor", "sizes": [4, 2]},
             dict(size=(4, 2), mode="nearest")),
            ("bicubic_align_corners", (1, 3, 4, 1), {"mode": "cubic", "coord": "align_corners", "sizes": [5, 6]},
             dict(size=(5, 6), mode="bicubic", align_corners=True)),
            ("onnx_nearest_default", (1, 5, 3, 2), {"scales": [0.6, 2.0]}, None)]:
        name = f"resize_grad/{sub}"
        x = normal(name, shape, k=1)
        gshape = (torch_resize(p, **kw) if kw else resize_ref(p))(x).shape
        add(name, "resize_grad", grad_ref(p, kw), [normal(name, tuple(gshape)), x], p, no_grad=(1,))


# ---------------------------------------------------------------- attention

def attention_ref(causal=False, scale=None, mask_kind=None):
    """torch 2.0's scaled_dot_product_attention math (not in torch 1.13)."""
    def f(q, k, v, mask=None):
        s = q @ k.transpose(-2, -1) * (scale if scale is not None else 1 / math.sqrt(q.shape[-1]))
        if mask_kind == "bool":
            s = s.masked_fill(~mask, -INF)
        elif mask_kind == "float":
            s = s + mask
        if causal:
            lq, lk = q.shape[-2], k.shape[-2]
            s = s.masked_fill(~torch.ones(lq, lk, dtype=BOOL).tril(), -INF)
        return torch.softmax(s, -1) @ v
    return f


def gen_attention():
    op = "scaled_dot_product_attention"
    name = f"{op}/basic"
    add(name, op, attention_ref(), [normal(name, (2, 3, 4)), normal(name, (2, 5, 4), k=1), normal(name, (2, 5, 6), k=2)])
    name = f"{op}/heads"
    add(name, op, attention_ref(), [normal(name, (2, 2, 3, 4)), normal(name, (2, 2, 4, 4), k=1),
                                    normal(name, (2, 2, 4, 3), k=2)])
    name = f"{op}/broadcast_kv"
    add(name, op, attention_ref(), [normal(name, (2, 2, 3, 4)), normal(name, (1, 4, 4), k=1),
                                    normal(name, (4, 5), k=2)])
    name = f"{op}/float_mask"
    add(name, op, attention_ref(mask_kind="float"),
        [normal(name, (2, 3, 4)), normal(name, (2, 5, 4), k=1), normal(name, (2, 5, 2), k=2),
         normal(name, (3, 5), k=3)], {"mask": "float"})
    name = f"{op}/bool_mask"
    mask = torch.from_numpy(rng(name + "/mask").random((1, 3, 5)) < 0.6)
    mask[..., 0] = True
    add(name, op, attention_ref(mask_kind="bool"),
        [normal(name, (2, 3, 4)), normal(name, (2, 5, 4), k=1), normal(name, (2, 5, 3), k=2), mask], {"mask": "bool"})
    name = f"{op}/causal"
    add(name, op, attention_ref(causal=True),
        [normal(name, (2, 4, 3)), normal(name, (2, 4, 3), k=1), normal(name, (2, 4, 3), k=2)], {"causal": True})
    name = f"{op}/causal_rectangular"
    add(name, op, attention_ref(causal=True),
        [normal(name, (1, 3, 2)), normal(name, (1, 5, 2), k=1), normal(name, (1, 5, 4), k=2)], {"causal": True})
    name = f"{op}/causal_and_mask"
    add(name, op, attention_ref(causal=True, mask_kind="float"),
        [normal(name, (4, 3)), normal(name, (4, 3), k=1), normal(name, (4, 2), k=2), normal(name, (4, 4), k=3)],
        {"causal": True, "mask": "float"})
    name = f"{op}/scale"
    add(name, op, attention_ref(scale=0.3),
        [normal(name, (3, 4)), normal(name, (5, 4), k=1), normal(name, (5, 4), k=2)], {"scale": 0.3})
    name = f"{op}/float32"
    add(name, op, attention_ref(), [normal(name, (2, 4, 8), F32), normal(name, (2, 6, 8), F32, k=1),
                                    normal(name, (2, 6, 8), F32, k=2)])
    name = f"{op}/fully_masked_row"
    mask = t([[True, False, True], [False, False, False]], BOOL)
    add(name, op, attention_ref(mask_kind="bool"),
        [normal(name, (2, 2)), normal(name, (3, 2), k=1), normal(name, (3, 2), k=2), mask], {"mask": "bool"},
        grad=False)


# ---------------------------------------------------------------- dropout

def gen_dropout():
    name = "dropout/rate0"
    add(name, "dropout", lambda x: F.dropout(x, 0.0, training=True), [normal(name, (3, 4))], {"rate": 0.0, "seed": 7})
    name = "dropout/rate1"
    add(name, "dropout", lambda x: F.dropout(x, 1.0, training=True), [normal(name, (2, 5))], {"rate": 1.0, "seed": 7})
    add("dropout/rate1_nonfinite", "dropout", lambda x: F.dropout(x, 1.0, training=True),
        [t([1.0, NAN, INF, -INF, 0.0])], {"rate": 1.0, "seed": 3}, grad=False)


def main():
    gen_softmax()
    gen_batch_norm()
    gen_layer_norm()
    gen_rms_norm()
    gen_group_instance_norm()
    gen_embedding()
    gen_resize()
    gen_attention()
    gen_dropout()
    R.write("nn.json", "ops/testdata/gen_nn.py")


if __name__ == "__main__":
    main()
