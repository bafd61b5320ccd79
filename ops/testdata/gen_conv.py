#!/usr/bin/python3
"""Generate conv.json: PyTorch reference values for the convolution and pooling ops of package ops.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_conv.py

Each case names an op (the snake_case name of the Go function or primitive it tests), its params
(in Tide's terms: layout, strides, dilations, explicit {begin, end} pads or a padding mode, ...),
its input tensors in Tide's layout, the output PyTorch computes, and for differentiable cases a
random upstream gradient "dy" and the input gradients torch.autograd.grad gives for it ("grads",
null for inputs without one). PyTorch works channels first, so channels-last (NHWC) cases are
permuted to NCHW (and HWIO filters to OIHW) inside the function that autograd differentiates.
Padding PyTorch cannot express directly (asymmetric pads, TensorFlow's "same" split) is applied
with F.pad first: zeros for convolutions, -inf for max pooling; average pooling that excludes
asymmetric padding is the ratio of two zero-padded average poolings (of x and of ones). The
"same" pads are computed here from TensorFlow's documented rule. Gradient primitives
(conv_filter_grad, max_pool_grad, max_pool_gather, avg_pool_grad) are PyTorch's first derivatives,
and their own gradients its second derivatives (create_graph=True).

Inputs are drawn from NumPy generators seeded by the CRC-32 of the case name, so adding a case
changes no other and rerunning gives the same bytes. Floats are written with repr precision
(float32 values as the float64 holding them exactly); NaN and infinities as "nan", "inf", "-inf"
(oracle_common.py's helpers). The file is read by ops/conv_oracle_test.go; never edit it by hand.
"""

import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from oracle_common import F32, F64, I32, INF, NAN, Recorder, integers, normal  # noqa: E402

LAST, FIRST = "channels_last", "channels_first"

# The upstream gradient of a case comes from the generator of f"{name}/dy/0"; the file is one line.
R = Recorder(single=True, always_params=True, dy_seed="/dy/0", layout="compact")
add = R.add


# Layout conversions between Tide's stored layout and PyTorch's channels-first one.

def to_nc(x, layout):
    if layout == FIRST:
        return x
    r = x.dim() - 2
    return x.permute(0, r + 1, *range(1, r + 1)).contiguous()


def from_nc(y, layout):
    if layout == FIRST:
        return y
    r = y.dim() - 2
    return y.permute(0, *range(2, r + 2), 1).contiguous()


def filter_to_torch(w, layout):
    """HWIO (kernel..., I, O) to OIHW; for transposed convolutions (kernel..., O, I) to IOHW."""
    if layout == FIRST:
        return w
    r = w.dim() - 2
    return w.permute(r + 1, r, *range(r)).contiguous()


def nc_data_shape(n, c, sp, layout):
    return (n, c, *sp) if layout == FIRST else (n, *sp, c)


def nc_filter_shape(o, i, k, layout):
    return (o, i, *k) if layout == FIRST else (*k, i, o)


def expand(v, r, default):
    if v is None:
        return [default] * r
    return list(v) * r if len(v) == 1 else list(v)


def tf_same_pads(ins, ks, ss, ds, lower=False):
    """TensorFlow's SAME rule: out = ceil(in/stride); the total padding
    max((out-1)*stride + (k-1)*dilation + 1 - in, 0) is split with the odd pad at the end."""
    pads = []
    for i, k, s, d in zip(ins, ks, ss, ds):
        out = -(-i // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - i, 0)
        b = total - total // 2 if lower else total // 2
        pads.append([b, total - b])
    return pads


def torch_pad_arg(pads):
    """F.pad lists the last dimension first."""
    out = []
    for b, e in reversed(pads):
        out += [b, e]
    return out


CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONVT = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MAXPOOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVGPOOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def conv_params(r, layout, strides=None, dilations=None, pads=None, padding="explicit", groups=1):
    p = {"rank": r, "layout": layout, "strides": expand(strides, r, 1),
         "dilations": expand(dilations, r, 1), "padding": padding, "groups": groups}
    if pads is not None:
        p["pads"] = pads
    return p


def conv_explicit_pads(p, sp, ks):
    if p["padding"] == "explicit":
        return p.get("pads", [[0, 0]] * p["rank"])
    if p["padding"] == "valid":
        return [[0, 0]] * p["rank"]
    return tf_same_pads(sp, ks, p["strides"], p["dilations"], p["padding"] == "same_lower")


def torch_conv(p):
    """The convolution p describes, on tensors in Tide's layout."""
    lay, r = p["layout"], p["rank"]

    def f(x, w):
        xn, wn = to_nc(x, lay), filter_to_torch(w, lay)
        pads = conv_explicit_pads(p, list(xn.shape[2:]), list(wn.shape[2:]))
        xn = F.pad(xn, torch_pad_arg(pads))
        y = CONV[r](xn, wn, stride=p["strides"], dilation=p["dilations"], groups=p["groups"])
        return from_nc(y, lay)
    return f


def conv_case(name, n, cin, sp, cout, ks, dtype=F64, **kw):
    lay = kw.get("layout", LAST)
    p = conv_params(len(sp), **kw)
    x = normal(name, nc_data_shape(n, cin, sp, lay), dtype, 0)
    w = normal(name, nc_filter_shape(cout, cin // p["groups"], ks, lay), dtype, 1)
    add(name, "conv", torch_conv(p), [x, w], p)


def gen_conv():
    conv_case("conv/2d_nhwc_valid", 2, 3, (7, 6), 4, (3, 3), layout=LAST)
    conv_case("conv/2d_nhwc_same_stride2_odd", 1, 2, (7, 9), 3, (3, 3), layout=LAST, strides=[2], padding="same")
    conv_case("conv/2d_nhwc_same_even_kernel", 2, 2, (5, 6), 3, (2, 4), layout=LAST, padding="same")
    conv_case("conv/2d_nhwc_same_lower", 1, 2, (6, 5), 2, (2, 3), layout=LAST, strides=[2, 1], padding="same_lower")
    conv_case("conv/2d_nchw_dilation2_asymmetric", 2, 3, (8, 7), 4, (3, 2), layout=FIRST, dilations=[2],
              pads=[[1, 2], [0, 1]])
    conv_case("conv/2d_nchw_groups2_stride", 1, 4, (6, 5), 6, (3, 3), layout=FIRST, groups=2, strides=[2, 1],
              pads=[[1, 1], [1, 1]])
    conv_case("conv/2d_nhwc_groups_depthwise", 1, 3, (6, 5), 6, (3, 3), layout=LAST, groups=3)
    conv_case("conv/2d_nchw_same_stride2_dilation2", 2, 2, (9, 8), 3, (3, 3), layout=FIRST, strides=[2],
              dilations=[2], padding="same")
    conv_case("conv/1d_nwc_stride2_dilation2", 2, 3, (11,), 2, (3,), layout=LAST, strides=[2], dilations=[2],
              pads=[[2, 1]])
    conv_case("conv/1d_ncw_valid_stride3", 3, 2, (10,), 4, (2,), layout=FIRST, strides=[3], padding="valid")
    conv_case("conv/1d_nwc_pads_beyond_kernel", 1, 2, (4,), 2, (2,), layout=LAST, pads=[[3, 3]])
    conv_case("conv/3d_ndhwc_same_stride", 1, 2, (5, 4, 6), 3, (2, 3, 2), layout=LAST, strides=[1, 2, 2],
              padding="same")
    conv_case("conv/3d_ncdhw_groups2_dilation", 1, 4, (5, 5, 4), 2, (3, 2, 2), layout=FIRST, groups=2,
              dilations=[2, 1, 1], pads=[[0, 1], [1, 0], [1, 1]])
    conv_case("conv/2d_nhwc_float32", 2, 3, (6, 7), 5, (3, 3), F32, layout=LAST, strides=[2], padding="same")
    conv_case("conv/2d_nchw_float32_groups", 1, 4, (5, 5), 4, (3, 3), F32, layout=FIRST, groups=2,
              pads=[[1, 1], [1, 1]])
    conv_case("conv/2d_nhwc_empty_batch", 0, 2, (5, 5), 3, (3, 3), layout=LAST)

    # NaN and infinities propagate to the outputs whose windows hold them.
    name = "conv/2d_nchw_nan_inf"
    p = conv_params(2, FIRST)
    x = normal(name, (1, 1, 5, 5), F64, 0)
    x[0, 0, 0, 0], x[0, 0, 4, 4], x[0, 0, 2, 0] = NAN, INF, -INF
    add(name, "conv", torch_conv(p), [x, normal(name, (1, 1, 2, 2), F64, 1)], p, grad=False)

    # Integer convolution: small values, so float64 is exact and the result is cast back.
    name = "conv/2d_nhwc_int32"
    p = conv_params(2, LAST, strides=[2], pads=[[1, 0], [0, 1]])
    xi, wi = integers(name, (2, 5, 6, 3), -9, 10, I32, 0), integers(name, (3, 2, 3, 2), -9, 10, I32, 1)
    add(name, "conv", lambda x, w: torch_conv(p)(x.double(), w.double()).to(I32), [xi, wi], p, grad=False)

    # DepthwiseConv2D takes Keras's [kh, kw, in, multiplier] filter in either layout.
    for name, lay, mult, kw in [("depthwise_conv2d/nhwc_mult2_same_stride2", LAST, 2, dict(strides=[2], padding="same")),
                                ("depthwise_conv2d/nchw_mult1_valid", FIRST, 1, {})]:
        p = conv_params(2, lay, **kw)
        cin = 3
        x = normal(name, nc_data_shape(2, cin, (7, 6), lay), F64, 0)
        w = normal(name, (3, 3, cin, mult), F64, 1)

        def f(x, w, p=p, lay=lay, cin=cin, mult=mult):
            xn = to_nc(x, lay)
            wn = w.permute(2, 3, 0, 1).reshape(cin * mult, 1, 3, 3)
            pads = conv_explicit_pads(p, list(xn.shape[2:]), [3, 3])
            y = F.conv2d(F.pad(xn, torch_pad_arg(pads)), wn, stride=p["strides"], groups=cin)
            return from_nc(y, lay)
        add(name, "depthwise_conv2d", f, [x, w], p)


def torch_conv_transpose(p):
    lay, r = p["layout"], p["rank"]

    def f(x, w):
        xn, wn = to_nc(x, lay), filter_to_torch(w, lay)
        ks, ss, ds = list(wn.shape[2:]), p["strides"], p["dilations"]
        op = p["output_padding"]
        if p["padding"] == "same":
            # Keras and TensorFlow: the output is input*stride long; the forward convolution's
            # SAME pads are max(k_eff - stride, 0), the odd one at the end.
            pads, op = [], []
            for k, s, d in zip(ks, ss, ds):
                total = (k - 1) * d + 1 - s
                pads.append([max(total, 0) // 2, max(total, 0) - max(total, 0) // 2])
                op.append(max(-total, 0))
        else:
            pads = p.get("pads", [[0, 0]] * r)
        y = CONVT[r](xn, wn, stride=ss, dilation=ds, groups=p["groups"], output_padding=op)
        idx = [slice(None), slice(None)] + [slice(b, y.shape[2 + i] - e) for i, (b, e) in enumerate(pads)]
        y = y[tuple(idx)]
        if p["padding"] == "same":
            assert list(y.shape[2:]) == [i * s for i, s in zip(xn.shape[2:], ss)]
        return from_nc(y, lay)
    return f


def conv_transpose_case(name, n, cin, sp, cout, ks, dtype=F64, output_padding=None, **kw):
    lay = kw.get("layout", LAST)
    r = len(sp)
    p = conv_params(r, **kw)
    p["output_padding"] = expand(output_padding, r, 0)
    x = normal(name, nc_data_shape(n, cin, sp, lay), dtype, 0)
    # The forward convolution's filter: IOHW (channels first) or HWOI (channels last).
    w = normal(name, nc_filter_shape(cin, cout // p["groups"], ks, lay), dtype, 1)
    add(name, "conv_transpose", torch_conv_transpose(p), [x, w], p)


def gen_conv_transpose():
    conv_transpose_case("conv_transpose/2d_nhwc_stride2_output_padding", 2, 3, (3, 4), 2, (3, 3), layout=LAST,
                        strides=[2], output_padding=[1, 0], pads=[[1, 0], [1, 1]])
    conv_transpose_case("conv_transpose/2d_nchw_groups2_dilation2_stride3", 1, 4, (3, 3), 6, (2, 3), layout=FIRST,
                        groups=2, dilations=[2], strides=[3], output_padding=[2, 1])
    conv_transpose_case("conv_transpose/1d_nwc_same_stride2", 2, 3, (5,), 2, (3,), layout=LAST, strides=[2],
                        padding="same")
    conv_transpose_case("conv_transpose/1d_ncw_same_kernel_below_stride", 1, 2, (4,), 3, (2,), layout=FIRST,
                        strides=[4], padding="same")
    conv_transpose_case("conv_transpose/1d_ncw_valid", 2, 2, (5,), 3, (4,), layout=FIRST, padding="valid")
    conv_transpose_case("conv_transpose/3d_ndhwc_stride", 1, 2, (2, 3, 2), 3, (2, 2, 3), layout=LAST,
                        strides=[2, 1, 2], pads=[[0, 1], [1, 0], [1, 1]])
    conv_transpose_case("conv_transpose/2d_nhwc_float32", 2, 4, (4, 3), 3, (3, 2), F32, layout=LAST,
                        strides=[2, 3], output_padding=[1, 2])
    conv_transpose_case("conv_transpose/2d_nchw_empty_batch", 0, 2, (3, 3), 2, (2, 2), layout=FIRST, strides=[2])


def gen_conv_filter_grad():
    """conv_filter_grad(x, dy) is PyTorch's filter gradient of conv; its gradients are the
    second derivatives."""
    for name, n, cin, sp, cout, ks, kw in [
        ("conv_filter_grad/2d_nhwc_stride2_groups2", 2, 4, (7, 6), 2, (3, 2),
         dict(layout=LAST, strides=[2, 1], groups=2, pads=[[1, 0], [0, 1]])),
        ("conv_filter_grad/1d_ncw_dilation2", 2, 3, (9,), 2, (3,), dict(layout=FIRST, dilations=[2])),
        ("conv_filter_grad/3d_ncdhw_stride", 1, 2, (4, 5, 3), 2, (2, 2, 2),
         dict(layout=FIRST, strides=[2, 2, 1], pads=[[0, 1], [1, 1], [0, 0]])),
    ]:
        lay = kw["layout"]
        p = conv_params(len(sp), **kw)
        p["kernel_size"] = list(ks)
        conv = torch_conv(p)
        x = normal(name, nc_data_shape(n, cin, sp, lay), F64, 0)
        w = normal(name, nc_filter_shape(cout, cin // p["groups"], ks, lay), F64, 1).requires_grad_(True)
        dy = normal(name, tuple(conv(x, w).shape), F64, 2)

        def f(x, dy, conv=conv, w=w):
            return torch.autograd.grad(conv(x, w), w, grad_outputs=dy, create_graph=True)[0]
        add(name, "conv_filter_grad", f, [x, dy], p)


def pool_params(r, layout, window, strides=None, dilations=None, pads=None, padding="explicit", ceil_mode=False,
                count_include_pad=False):
    p = {"rank": r, "layout": layout, "window": expand(window, r, 1),
         "strides": expand(strides, r, 1) if strides is not None else expand(window, r, 1),
         "dilations": expand(dilations, r, 1), "padding": padding, "ceil_mode": ceil_mode,
         "count_include_pad": count_include_pad}
    if pads is not None:
        p["pads"] = pads
    return p


def pool_explicit_pads(p, sp):
    if p["padding"] == "explicit":
        return p.get("pads", [[0, 0]] * p["rank"])
    if p["padding"] == "valid":
        return [[0, 0]] * p["rank"]
    return tf_same_pads(sp, p["window"], p["strides"], p["dilations"], p["padding"] == "same_lower")


def torch_symmetric(pads, window):
    """The per-dimension padding PyTorch takes directly, or None when it cannot."""
    if all(b == e and b <= k // 2 for (b, e), k in zip(pads, window)):
        return [b for b, _ in pads]
    return None


def torch_max_pool(p, return_indices=False):
    lay, r = p["layout"], p["rank"]

    def f(x):
        xn = to_nc(x, lay)
        pads = pool_explicit_pads(p, list(xn.shape[2:]))
        sym = torch_symmetric(pads, p["window"])
        if sym is None:
            assert not p["ceil_mode"] and not return_indices
            xn, sym = F.pad(xn, torch_pad_arg(pads), value=-INF), 0
        y = MAXPOOL[r](xn, p["window"], p["strides"], sym, p["dilations"], ceil_mode=p["ceil_mode"],
                       return_indices=return_indices)
        if return_indices:
            return y[1]
        return from_nc(y, lay)
    return f


def torch_avg_pool(p):
    lay, r = p["layout"], p["rank"]
    assert p["dilations"] == [1] * r, "PyTorch's avg_pool has no dilation"

    def f(x):
        xn = to_nc(x, lay)
        pads = pool_explicit_pads(p, list(xn.shape[2:]))
        sym = torch_symmetric(pads, p["window"])
        args = dict(kernel_size=p["window"], stride=p["strides"], ceil_mode=p["ceil_mode"])
        if sym is not None:
            y = AVGPOOL[r](xn, padding=sym, count_include_pad=p["count_include_pad"], **args)
        else:
            assert not p["ceil_mode"]
            xp = F.pad(xn, torch_pad_arg(pads))
            y = AVGPOOL[r](xp, **args)
            if not p["count_include_pad"]:
                ones = F.pad(torch.ones_like(xn), torch_pad_arg(pads))
                y = y / AVGPOOL[r](ones, **args)
        return from_nc(y, lay)
    return f


def pool_case(name, op, n, c, sp, window, dtype=F64, x=None, grad=True, **kw):
    lay = kw.get("layout", LAST)
    p = pool_params(len(sp), window=window, **kw)
    if x is None:
        x = normal(name, nc_data_shape(n, c, sp, lay), dtype, 0)
    ref = torch_max_pool(p) if op == "max_pool" else torch_avg_pool(p)
    add(name, op, ref, [x], p, grad=grad)


def gen_max_pool():
    pool_case("max_pool/2d_nhwc_2x2_odd", "max_pool", 2, 3, (7, 5), [2], layout=LAST)
    pool_case("max_pool/2d_nchw_3x3_stride2_pad1_ceil", "max_pool", 1, 2, (8, 7), [3], layout=FIRST, strides=[2],
              pads=[[1, 1], [1, 1]], ceil_mode=True)
    pool_case("max_pool/2d_nhwc_same_stride2", "max_pool", 2, 2, (7, 6), [3], layout=LAST, strides=[2],
              padding="same")
    pool_case("max_pool/2d_nhwc_asymmetric_pads", "max_pool", 1, 2, (5, 6), [3, 2], layout=LAST, strides=[2, 2],
              pads=[[0, 2], [1, 0]])
    pool_case("max_pool/1d_nwc_dilation2", "max_pool", 2, 3, (9,), [3], layout=LAST, strides=[1], dilations=[2],
              pads=[[1, 1]])
    pool_case("max_pool/1d_ncw_ceil_stride3", "max_pool", 1, 2, (10,), [2], layout=FIRST, strides=[3], ceil_mode=True)
    pool_case("max_pool/3d_ncdhw_ceil", "max_pool", 1, 2, (3, 5, 4), [2], layout=FIRST, strides=[1, 2, 2],
              ceil_mode=True)
    pool_case("max_pool/3d_ndhwc_dilation", "max_pool", 1, 2, (5, 4, 4), [2, 2, 2], layout=LAST, strides=[1],
              dilations=[2, 1, 2])
    pool_case("max_pool/2d_nhwc_float32", "max_pool", 2, 3, (6, 6), [3], F32, layout=LAST, strides=[2],
              padding="same")
    # Ties everywhere: PyTorch sends the gradient to the first maximum of each window.
    name = "max_pool/2d_nchw_ties_overlapping"
    pool_case(name, "max_pool", 0, 0, (5, 6), [3, 2], layout=FIRST, strides=[1],
              x=integers(name, (2, 2, 5, 6), 0, 3, F64))
    name = "max_pool/1d_nwc_ties_plateau"
    pool_case(name, "max_pool", 0, 0, (7,), [3], layout=LAST, strides=[2], pads=[[1, 1]],
              x=torch.tensor([[[2.0], [2.0], [2.0], [-1.0], [5.0], [5.0], [5.0]]], dtype=F64))
    # NaN wins (the last NaN of the window gets the gradient); infinities compare as usual.
    name = "max_pool/2d_nchw_nan_inf"
    x = normal(name, (1, 1, 4, 6), F64)
    x[0, 0, 0, 1], x[0, 0, 1, 0], x[0, 0, 2, 3], x[0, 0, 3, 5], x[0, 0, 3, 4] = NAN, NAN, INF, -INF, -INF
    x[0, 0, 2, 4] = -INF
    pool_case(name, "max_pool", 0, 0, (4, 6), [2], layout=FIRST, x=x)
    # Integer max pooling (PyTorch has none on the CPU): computed in float64, exact here.
    name = "max_pool/2d_nhwc_int32"
    p = pool_params(2, LAST, [2], strides=[2], ceil_mode=True)
    add(name, "max_pool", lambda x: torch_max_pool(p)(x.double()).to(I32),
        [integers(name, (1, 5, 5, 2), -100, 100, I32)], p, grad=False)


def gen_avg_pool():
    pool_case("avg_pool/2d_nhwc_2x2", "avg_pool", 2, 3, (6, 5), [2], layout=LAST)
    pool_case("avg_pool/2d_nchw_3x3_stride2_pad1_ceil_include", "avg_pool", 1, 2, (8, 7), [3], layout=FIRST,
              strides=[2], pads=[[1, 1], [1, 1]], ceil_mode=True, count_include_pad=True)
    pool_case("avg_pool/2d_nchw_3x3_stride2_pad1_ceil_exclude", "avg_pool", 1, 2, (8, 7), [3], layout=FIRST,
              strides=[2], pads=[[1, 1], [1, 1]], ceil_mode=True)
    pool_case("avg_pool/2d_nhwc_same_stride2", "avg_pool", 2, 2, (7, 6), [3], layout=LAST, strides=[2],
              padding="same")
    pool_case("avg_pool/2d_nhwc_asymmetric_include", "avg_pool", 1, 2, (5, 6), [3, 2], layout=LAST,
              strides=[2, 1], pads=[[0, 2], [1, 0]], count_include_pad=True)
    pool_case("avg_pool/1d_ncw_ceil_pad2_exclude", "avg_pool", 2, 2, (11,), [4], layout=FIRST, strides=[3],
              pads=[[2, 2]], ceil_mode=True)
    pool_case("avg_pool/1d_nwc_ceil_pad2_include", "avg_pool", 2, 2, (11,), [4], layout=LAST, strides=[3],
              pads=[[2, 2]], ceil_mode=True, count_include_pad=True)
    pool_case("avg_pool/3d_ndhwc_include", "avg_pool", 1, 2, (4, 5, 4), [2, 3, 2], layout=LAST, strides=[2],
              pads=[[1, 1], [1, 1], [1, 1]], count_include_pad=True)
    pool_case("avg_pool/3d_ncdhw_valid", "avg_pool", 2, 1, (4, 4, 5), [2], layout=FIRST, strides=[1, 2, 2])
    pool_case("avg_pool/2d_nhwc_float32", "avg_pool", 2, 3, (7, 7), [3], F32, layout=LAST, strides=[2],
              padding="same")


def gen_pool_grads():
    """The gradient primitives of pooling: PyTorch's first derivatives, with their second."""
    for name, sp, lay, kw in [
        ("max_pool_grad/2d_nhwc_overlapping", (5, 6), LAST, dict(window=[3, 2], strides=[1, 2], pads=[[1, 1], [0, 0]])),
        ("max_pool_grad/1d_ncw_dilation_ceil", (10,), FIRST, dict(window=[2], strides=[3], dilations=[2],
                                                                   ceil_mode=True)),
    ]:
        p = pool_params(len(sp), lay, **kw)
        pool = torch_max_pool(p)
        x = normal(name, nc_data_shape(2, 2, sp, lay), F64, 0).requires_grad_(True)
        dy = normal(name, tuple(pool(x).shape), F64, 1)

        def f(x, dy, pool=pool):
            x = x.detach().requires_grad_(True)  # the selection has no gradient in x
            return torch.autograd.grad(pool(x), x, grad_outputs=dy, create_graph=True)[0]
        add(name, "max_pool_grad", f, [x.detach(), dy], p, grad_inputs=[1])

    for name, sp, lay, kw in [
        ("max_pool_gather/2d_nhwc_overlapping", (5, 6), LAST, dict(window=[3, 2], strides=[1, 2], pads=[[1, 1], [0, 0]])),
        ("max_pool_gather/3d_ncdhw_ceil", (3, 5, 4), FIRST, dict(window=[2], strides=[1, 2, 2], ceil_mode=True)),
    ]:
        p = pool_params(len(sp), lay, **kw)
        indices = torch_max_pool(p, return_indices=True)
        x = normal(name, nc_data_shape(2, 2, sp, lay), F64, 0)
        v = normal(name, nc_data_shape(2, 2, sp, lay), F64, 1)

        def f(x, v, indices=indices, lay=lay):
            idx = indices(x)
            vn = to_nc(v, lay)
            out = vn.flatten(2).gather(2, idx.flatten(2)).reshape(idx.shape)
            return from_nc(out, lay)
        add(name, "max_pool_gather", f, [x, v], p, grad_inputs=[1])

    for name, sp, lay, kw in [
        ("avg_pool_grad/2d_nchw_ceil_include", (8, 7), FIRST, dict(window=[3], strides=[2], pads=[[1, 1], [1, 1]],
                                                                     ceil_mode=True, count_include_pad=True)),
        ("avg_pool_grad/1d_nwc_exclude", (9,), LAST, dict(window=[4], strides=[2], pads=[[2, 2]])),
    ]:
        p = pool_params(len(sp), lay, **kw)
        p["input_size"] = list(sp)
        pool = torch_avg_pool(p)
        x = normal(name, nc_data_shape(2, 3, sp, lay), F64, 0).requires_grad_(True)
        dy = normal(name, tuple(pool(x).shape), F64, 1)

        def f(dy, pool=pool, x=x):
            return torch.autograd.grad(pool(x), x, grad_outputs=dy, create_graph=True)[0]
        add(name, "avg_pool_grad", f, [dy], p)


def gen_global():
    name = "global_avg_pool/2d_nhwc"
    add(name, "global_avg_pool", lambda x: x.mean(dim=(1, 2)), [normal(name, (2, 4, 3, 5))],
        {"layout": LAST, "keep_dims": False})
    name = "global_avg_pool/1d_ncw_keepdims"
    add(name, "global_avg_pool", lambda x: x.mean(dim=2, keepdim=True), [normal(name, (2, 3, 7))],
        {"layout": FIRST, "keep_dims": True})
    name = "global_max_pool/2d_nchw_keepdims"
    add(name, "global_max_pool", lambda x: x.amax(dim=(2, 3), keepdim=True), [normal(name, (2, 3, 4, 5))],
        {"layout": FIRST, "keep_dims": True})
    name = "global_max_pool/3d_ndhwc"
    add(name, "global_max_pool", lambda x: x.amax(dim=(1, 2, 3)), [normal(name, (1, 2, 3, 4, 3))],
        {"layout": LAST, "keep_dims": False})


def main():
    gen_conv()
    gen_conv_transpose()
    gen_conv_filter_grad()
    gen_max_pool()
    gen_avg_pool()
    gen_pool_grads()
    gen_global()
    R.write("conv.json", "ops/testdata/gen_conv.py")


if __name__ == "__main__":
    main()
