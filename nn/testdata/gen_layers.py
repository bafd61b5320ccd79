#!/usr/bin/python3
"""Generate layers.json: PyTorch reference outputs for the layers of package nn.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 nn/testdata/gen_layers.py

Each case names a layer constructor of package nn and its Keras-style arguments ("args"), the
layer's weights in Keras's layouts and in the order of Layer.Weights (Dense kernel [in, units];
Conv kernels [k..., in/groups, filters]; transposed-conv kernels [k..., filters, in]; depthwise
kernels [k..., in, multiplier]; batch-norm gamma, beta, moving mean, moving variance), an input,
whether the call is in training mode, and the output PyTorch computes with the same weights mapped
to its layouts (NCHW data, OIHW filters). For batch normalisation in training mode the case also
holds the moving statistics after the call, computed with Keras's rule (momentum 0.99, population
variance: PyTorch's running_var would use the unbiased one). TensorFlow's "same" padding, whose
odd pad goes at the end, is applied with F.pad; transposed convolutions are computed unpadded and
cropped (or extended with zeros) to Keras's output length, with TensorFlow's pads.

Everything is float64. Inputs and weights are drawn from NumPy generators seeded by the CRC-32 of
the case name, so adding a case changes no other. The file is read by nn/oracle_test.go; never edit
it by hand.
"""

import json
import math
import os
import zlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
cases = []


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def enc(t):
    t = torch.as_tensor(t).detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def add(name, layer, args, weights, x, out, training=False, after=None):
    c = {"name": name, "layer": layer, "args": args, "weights": [enc(w) for w in weights],
         "input": enc(x), "training": training, "output": enc(out)}
    if after is not None:
        c["after"] = [enc(w) for w in after]
    cases.append(c)


def rand(r, *shape):
    return torch.tensor(r.standard_normal(shape), dtype=torch.float64)


def to_first(x):
    """NHWC -> NCHW for any rank."""
    return x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))


def to_last(x):
    return x.permute(0, *range(2, x.dim()), 1)


def keras_to_torch(k):
    """Keras conv kernel [k..., in, out] -> PyTorch [out, in, k...]."""
    r = k.dim() - 2
    return k.permute(r + 1, r, *range(r))


def same_pads(sizes, kernel, strides, dilation):
    pads = []
    for L, k, s, d in zip(sizes, kernel, strides, dilation):
        keff = d * (k - 1) + 1
        out = -(-L // s)
        total = max((out - 1) * s + keff - L, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def fpad(x, pads, value=0.0):
    """pads per spatial dim (first to last) of an NC... tensor."""
    flat = []
    for b, a in reversed(pads):
        flat += [b, a]
    return F.pad(x, flat, value=value)


CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONVT = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def conv_case(name, rank, filters, k, cin, sizes, strides=1, padding="valid", dilation=1, groups=1,
              first=False, activation=None):
    r = rng(name)
    ks, ss, ds = [k] * rank, [strides] * rank, [dilation] * rank
    x = rand(r, 2, *sizes, cin)
    kernel = rand(r, *ks, cin // groups, filters) * 0.5
    bias = rand(r, filters)
    xf = to_first(x)
    if padding == "same":
        xf = fpad(xf, same_pads(sizes, ks, ss, ds))
    elif padding == "causal":
        xf = fpad(xf, [(dilation * (k - 1), 0)])
    y = CONV[rank](xf, keras_to_torch(kernel), bias, stride=ss, dilation=ds, groups=groups)
    if activation == "relu":
        y = F.relu(y)
    args = {"filters": filters, "kernel_size": k, "strides": strides, "padding": padding,
            "dilation_rate": dilation, "groups": groups, "activation": activation or "linear"}
    if first:
        args["data_format"] = "channels_first"
        x, out = to_first(x), y
    else:
        out = to_last(y)
    add(name, "Conv%dD" % rank, args, [kernel, bias], x, out)


def deconv_length(L, k, s, d, padding, op):
    keff = d * (k - 1) + 1
    if op is None:
        return L * s + max(keff - s, 0) if padding == "valid" else L * s
    pad = keff // 2 if padding == "same" else 0
    return (L - 1) * s + keff - 2 * pad + op


def conv_transpose_case(name, rank, filters, k, cin, sizes, strides, padding="valid", dilation=1, op=None,
                        first=False):
    r = rng(name)
    x = rand(r, 2, *sizes, cin)
    kernel = rand(r, *[k] * rank, filters, cin) * 0.5  # Keras: [k..., filters, in]
    bias = rand(r, filters)
    # PyTorch's conv_transpose weight is [in, out, k...].
    w = kernel.permute(rank + 1, rank, *range(rank))
    full = CONVT[rank](to_first(x), w, None, stride=strides, dilation=dilation)
    for i, L in enumerate(sizes):
        keff = dilation * (k - 1) + 1
        O = deconv_length(L, k, strides, dilation, padding, op)
        total = (L - 1) * strides + keff - O
        before = total // 2 if total > 0 else 0
        axis = 2 + i
        need = before + O - full.shape[axis]
        if need > 0:
            shape = list(full.shape)
            shape[axis] = need
            full = torch.cat([full, torch.zeros(shape, dtype=full.dtype)], axis)
        full = full.narrow(axis, before, O)
    y = full + bias.reshape(1, -1, *[1] * rank)
    args = {"filters": filters, "kernel_size": k, "strides": strides, "padding": padding, "dilation_rate": dilation}
    if op is not None:
        args["output_padding"] = op
    if first:
        args["data_format"] = "channels_first"
        x, out = to_first(x), y
    else:
        out = to_last(y)
    add(name, "Conv%dDTranspose" % rank, args, [kernel, bias], x, out)


def depthwise_case(name, rank, k, cin, mult, sizes, strides=1, padding="valid", dilation=1, separable_filters=0):
    r = rng(name)
    ks, ss, ds = [k] * rank, [strides] * rank, [dilation] * rank
    x = rand(r, 2, *sizes, cin)
    dw = rand(r, *ks, cin, mult) * 0.5  # Keras [k..., in, m]
    xf = to_first(x)
    if padding == "same":
        xf = fpad(xf, same_pads(sizes, ks, ss, ds))
    # PyTorch depthwise weight [in*m, 1, k...]: output channel c*m + j is dw[..., c, j].
    w = dw.reshape(*ks, 1, cin * mult)
    y = CONV[rank](xf, keras_to_torch(w), None, stride=ss, dilation=ds, groups=cin)
    args = {"kernel_size": k, "strides": strides, "padding": padding, "dilation_rate": dilation, "depth_multiplier": mult}
    if separable_filters:
        pw = rand(r, *[1] * rank, cin * mult, separable_filters) * 0.5
        bias = rand(r, separable_filters)
        y = CONV[rank](y, keras_to_torch(pw), bias)
        args["filters"] = separable_filters
        add(name, "SeparableConv%dD" % rank, args, [dw, pw, bias], x, to_last(y))
    else:
        bias = rand(r, cin * mult)
        y = y + bias.reshape(1, -1, *[1] * rank)
        add(name, "DepthwiseConv%dD" % rank, args, [dw, bias], x, to_last(y))


POOL_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
POOL_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def pool_case(name, kind, rank, pool, sizes, c, strides=None, padding="valid", first=False):
    r = rng(name)
    x = rand(r, 2, *sizes, c)
    ps, ss = [pool] * rank, [strides or pool] * rank
    xf = to_first(x)
    if padding == "same":
        pads = same_pads(sizes, ps, ss, [1] * rank)
        if kind == "max":
            y = POOL_MAX[rank](fpad(xf, pads, -math.inf), ps, ss)
        else:
            # TensorFlow averages over the window positions inside the input only.
            num = POOL_AVG[rank](fpad(xf, pads), ps, ss)
            den = POOL_AVG[rank](fpad(torch.ones_like(xf), pads), ps, ss)
            y = num / den
    else:
        y = (POOL_MAX if kind == "max" else POOL_AVG)[rank](xf, ps, ss)
    cls = ("MaxPooling%dD" if kind == "max" else "AveragePooling%dD") % rank
    args = {"pool_size": pool, "strides": strides or pool, "padding": padding}
    if first:
        args["data_format"] = "channels_first"
        add(name, cls, args, [], xf, y)
    else:
        add(name, cls, args, [], x, to_last(y))


def global_pool_case(name, kind, rank, sizes, c, keepdims=False):
    r = rng(name)
    x = rand(r, 2, *sizes, c)
    axes = list(range(1, rank + 1))
    y = torch.amax(x, axes, keepdim=keepdims) if kind == "max" else torch.mean(x, axes, keepdim=keepdims)
    cls = ("GlobalMaxPooling%dD" if kind == "max" else "GlobalAveragePooling%dD") % rank
    add(name, cls, {"keepdims": keepdims}, [], x, y)


def main():
    # Dense: Keras kernel [in, units] is PyTorch's Linear weight transposed.
    for name, shape, units, act in [("dense", (3, 5), 4, "linear"), ("dense_relu_rank3", (2, 3, 5), 4, "relu")]:
        r = rng(name)
        x = rand(r, *shape)
        kernel, bias = rand(r, shape[-1], units), rand(r, units)
        y = F.linear(x, kernel.T, bias)
        if act == "relu":
            y = F.relu(y)
        add(name, "Dense", {"units": units, "activation": act}, [kernel, bias], x, y)

    conv_case("conv2d_valid", 2, 4, 3, 3, (7, 6))
    conv_case("conv2d_same_stride2", 2, 4, 3, 3, (7, 6), strides=2, padding="same", activation="relu")
    conv_case("conv2d_same_even_kernel", 2, 2, 4, 2, (6, 5), padding="same")
    conv_case("conv2d_dilated", 2, 3, 3, 2, (8, 7), dilation=2)
    conv_case("conv2d_groups", 2, 6, 3, 4, (5, 5), groups=2)
    conv_case("conv2d_channels_first", 2, 4, 3, 3, (6, 6), strides=2, padding="same", first=True)
    conv_case("conv1d_causal", 1, 3, 3, 2, (9,), padding="causal", dilation=2)
    conv_case("conv1d_same", 1, 3, 4, 2, (9,), strides=2, padding="same")
    conv_case("conv3d", 3, 2, 2, 2, (4, 3, 4))
    conv_transpose_case("conv2d_transpose_valid", 2, 3, 3, 2, (4, 3), strides=2)
    conv_transpose_case("conv2d_transpose_same", 2, 3, 3, 2, (4, 3), strides=2, padding="same")
    conv_transpose_case("conv2d_transpose_same_k4", 2, 2, 4, 3, (3, 3), strides=2, padding="same")
    conv_transpose_case("conv2d_transpose_same_outpad", 2, 2, 3, 2, (3, 4), strides=2, padding="same", op=1)
    conv_transpose_case("conv2d_transpose_channels_first", 2, 3, 3, 2, (4, 3), strides=2, padding="same", first=True)
    conv_transpose_case("conv1d_transpose_stride_gt_kernel", 1, 2, 2, 3, (4,), strides=3)
    conv_transpose_case("conv1d_transpose_dilated", 1, 2, 3, 2, (5,), strides=1, dilation=2)
    conv_transpose_case("conv3d_transpose", 3, 2, 2, 2, (2, 3, 2), strides=2)
    depthwise_case("depthwise_conv2d", 2, 3, 3, 2, (6, 5))
    depthwise_case("depthwise_conv2d_same_s2", 2, 3, 2, 1, (7, 6), strides=2, padding="same")
    depthwise_case("depthwise_conv1d", 1, 3, 3, 2, (8,), dilation=2)
    depthwise_case("separable_conv2d", 2, 3, 3, 2, (6, 5), separable_filters=4)
    depthwise_case("separable_conv1d_same", 1, 3, 2, 1, (7,), padding="same", separable_filters=3)

    pool_case("max_pooling2d", "max", 2, 2, (7, 6), 3)
    pool_case("max_pooling2d_same_s2", "max", 2, 3, (7, 6), 2, strides=2, padding="same")
    pool_case("average_pooling2d", "avg", 2, 2, (6, 6), 3)
    pool_case("average_pooling2d_same", "avg", 2, 3, (7, 5), 2, strides=2, padding="same")
    pool_case("average_pooling2d_channels_first", "avg", 2, 2, (6, 4), 3, first=True)
    pool_case("max_pooling1d", "max", 1, 3, (10,), 2, strides=2)
    pool_case("average_pooling1d_same", "avg", 1, 2, (7,), 2, padding="same")
    pool_case("max_pooling3d", "max", 3, 2, (4, 4, 5), 2)
    pool_case("average_pooling3d", "avg", 3, 2, (4, 4, 4), 1)
    global_pool_case("global_average_pooling2d", "avg", 2, (4, 5), 3)
    global_pool_case("global_max_pooling1d_keepdims", "max", 1, (6,), 3, keepdims=True)
    global_pool_case("global_max_pooling3d", "max", 3, (2, 3, 2), 2)

    # Batch normalisation: inference uses the moving statistics; training the batch's, and updates
    # the moving ones with Keras's rule.
    for name, shape, axis, training in [("batch_norm_inference", (4, 3), -1, False),
                                        ("batch_norm_training", (6, 4), -1, True),
                                        ("batch_norm_training_nhwc", (3, 4, 5, 2), -1, True),
                                        ("batch_norm_training_axis1", (3, 2, 4, 5), 1, True),
                                        ("batch_norm_training_axis2", (3, 4, 2, 3), 2, True)]:
        r = rng(name)
        x = rand(r, *shape) * 2 + 1
        c = shape[axis]
        gamma, beta = rand(r, c), rand(r, c)
        mm, mv = rand(r, c), torch.tensor(r.uniform(0.5, 2, c))
        a = axis % len(shape)
        xf = x.movedim(a, 1)
        red = [i for i in range(len(shape)) if i != a]
        bshape = [1] * len(shape)
        bshape[a] = c
        if training:
            mean, var = x.mean(red), x.var(red, unbiased=False)
            y = (x - mean.reshape(bshape)) / torch.sqrt(var.reshape(bshape) + 1e-3) * gamma.reshape(bshape) + beta.reshape(bshape)
            ref = F.batch_norm(xf, None, None, gamma, beta, training=True, eps=1e-3).movedim(1, a)
            assert torch.allclose(ref, y)
            after = [gamma, beta, mm * 0.99 + mean * 0.01, mv * 0.99 + var * 0.01]
        else:
            y = F.batch_norm(xf, mm, mv, gamma, beta, training=False, eps=1e-3).movedim(1, a)
            after = None
        add(name, "BatchNormalization", {"axis": axis}, [gamma, beta, mm, mv], x, y, training, after)

    for name, shape, axes in [("layer_norm", (3, 4, 5), [-1]), ("layer_norm_two_axes", (2, 3, 4), [-2, -1]),
                              ("layer_norm_axis1", (2, 3, 4), [1])]:
        r = rng(name)
        x = rand(r, *shape) * 3 + 1
        pshape = [shape[a] for a in axes]
        gamma, beta = rand(r, *pshape), rand(r, *pshape)
        if axes == [1]:
            mean = x.mean(1, keepdim=True)
            var = x.var(1, unbiased=False, keepdim=True)
            y = (x - mean) / torch.sqrt(var + 1e-3) * gamma.reshape(1, -1, 1) + beta.reshape(1, -1, 1)
        else:
            y = F.layer_norm(x, pshape, gamma, beta, eps=1e-3)
        add(name, "LayerNormalization", {"axis": axes}, [gamma, beta], x, y)

    for name, shape, groups in [("group_norm", (2, 3, 4, 6), 3), ("group_norm_1d", (2, 5, 4), 2)]:
        r = rng(name)
        x = rand(r, *shape) * 2 - 1
        c = shape[-1]
        gamma, beta = rand(r, c), rand(r, c)
        y = to_last(F.group_norm(to_first(x), groups, gamma, beta, eps=1e-3))
        add(name, "GroupNormalization", {"groups": groups}, [gamma, beta], x, y)

    r = rng("unit_norm")
    x = rand(r, 3, 4)
    add("unit_norm", "UnitNormalization", {}, [], x, F.normalize(x, dim=-1, eps=1e-6))

    out = {"torch": torch.__version__, "numpy": np.__version__, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), path))


main()
