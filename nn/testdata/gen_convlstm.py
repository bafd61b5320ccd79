#!/usr/bin/python3
"""Generate convlstm.json: references for ConvLSTM1D/2D/3D and Resizing's bicubic interpolation.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 nn/testdata/gen_convlstm.py

"cases": each names a layer ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"), its filters and Keras-style
arguments, the weights in Keras's layouts and in the order of Layer.Weights (kernel
[k..., in, 4f], recurrent_kernel [k..., f, 4f], bias [4f]; gates i, f, c, o), the input
[batch, time, spatial..., channels] (channels first after time with data_format
"channels_first"), optional initial states h, c and a bool mask [batch, time], and the outputs the
layer returns (the output, then h and c with return_state). The outputs come from an explicit loop
over the time steps, written from Keras's ConvLSTMCell: one torch.nn.functional.conv1d/2d/3d per
gate for the input (with the layer's strides, dilation and padding; "same" pads as TensorFlow, the
odd pad at the end) and one per gate for the recurrent state (stride 1, no dilation, "same"), then
i, f, o = sigmoid, c = f*c + i*tanh(x_c + h_c), h = o*tanh(c). go_backwards reads the steps in
reverse and keeps the outputs in processing order; a masked step keeps the states and repeats the
previous output (zeros before the first valid step), as Keras's RNN.

"resize": images [batch, height, width, channels], output sizes and the result of Keras's
Resizing(interpolation="bicubic") as JAX's jax.image.resize (scale_and_translate) and TensorFlow's
half-pixel resize_bicubic compute it, in NumPy: Keys's cubic kernel (a = -0.5) at half-pixel
centres, the taps outside the image dropped and the remaining weights renormalised to sum to one.
TensorFlow's kernel reads its weights from a 1024-entry table, so it agrees with this to about 1e-3.

Everything is float64, drawn from NumPy generators seeded by the CRC-32 of the case name. The file is
read by nn/convlstm_test.go; never edit it by hand.
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
resize = []


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def enc(x):
    x = torch.as_tensor(x)
    if x.dtype == torch.bool:
        return {"shape": list(x.shape), "data": [1.0 if v else 0.0 for v in x.reshape(-1).tolist()]}
    x = x.detach().to(torch.float64)
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def conv(x, w, strides, dilation, padding):
    """x [batch, channels, spatial...] (PyTorch's layout), w Keras's [k..., in, out]; TF padding."""
    rank = x.dim() - 2
    wt = w.permute(rank + 1, rank, *range(rank))  # [out, in, k...]
    if padding == "same":
        pads = []
        for i in reversed(range(rank)):  # F.pad wants the last dimension first
            n, k, s, d = x.shape[2 + i], w.shape[i], strides[i], dilation[i]
            out = -(-n // s)
            total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
            pads += [total // 2, total - total // 2]
        x = F.pad(x, pads)
    fn = [F.conv1d, F.conv2d, F.conv3d][rank - 1]
    return fn(x, wt, stride=tuple(strides), dilation=tuple(dilation))


def conv_lstm(x, kernel, rec, bias, strides, dilation, padding, h, c, mask, back, filters):
    """x [batch, time, channels, spatial...]; returns outputs [batch, time, f, sp'...], h, c."""
    rank = x.dim() - 3
    ks = torch.split(kernel, filters, dim=-1)
    rs = torch.split(rec, filters, dim=-1)
    bs = torch.split(bias, filters) if bias is not None else [None] * 4
    steps = list(range(x.shape[1]))
    if back:
        steps.reverse()
    prev = torch.zeros_like(h)
    outs = []
    for t in steps:
        z = []
        for g in range(4):
            v = conv(x[:, t], ks[g], strides, dilation, padding)
            if bs[g] is not None:
                v = v + bs[g].reshape(-1, *([1] * rank))
            z.append(v + conv(h, rs[g], [1] * rank, [1] * rank, "same"))
        i, f, o = torch.sigmoid(z[0]), torch.sigmoid(z[1]), torch.sigmoid(z[3])
        cn = f * c + i * torch.tanh(z[2])
        hn = o * torch.tanh(cn)
        out = hn
        if mask is not None:
            m = mask[:, t].reshape(-1, *([1] * (rank + 1)))
            hn, cn, out = torch.where(m, hn, h), torch.where(m, cn, c), torch.where(m, hn, prev)
        h, c, prev = hn, cn, out
        outs.append(out)
    return torch.stack(outs, 1), h, c


def to_last(x, lead):
    """[lead..., channels, spatial...] -> [lead..., spatial..., channels]."""
    n = x.dim()
    return x.permute(*range(lead), *range(lead + 1, n), lead)


def to_first(x, lead):
    n = x.dim()
    return x.permute(*range(lead), n - 1, *range(lead, n - 1))


def add(name, rank, filters, spatial, channels, batch=2, time=3, ks=3, strides=1, dilation=1,
        padding="valid", first=False, seqs=False, state=False, back=False, masked=False,
        init_states=False, use_bias=True):
    r = rng(name)
    ks = [ks] * rank if isinstance(ks, int) else ks
    strides = [strides] * rank if isinstance(strides, int) else strides
    dilation = [dilation] * rank if isinstance(dilation, int) else dilation
    f = filters
    kernel = torch.tensor(r.standard_normal(ks + [channels, 4 * f]) * 0.4)
    rec = torch.tensor(r.standard_normal(ks + [f, 4 * f]) * 0.3)
    bias = torch.tensor(r.standard_normal([4 * f]) * 0.3) if use_bias else None
    x = torch.tensor(r.standard_normal([batch, time, channels] + spatial))  # channels first inside
    out_sp = []
    for i in range(rank):
        k = dilation[i] * (ks[i] - 1) + 1
        out_sp.append(-(-spatial[i] // strides[i]) if padding == "same" else (spatial[i] - k) // strides[i] + 1)
    h = torch.zeros([batch, f] + out_sp, dtype=torch.float64)
    c = torch.zeros_like(h)
    if init_states:
        h = torch.tensor(r.standard_normal([batch, f] + out_sp) * 0.5)
        c = torch.tensor(r.standard_normal([batch, f] + out_sp) * 0.5)
    mask = None
    if masked:
        mask = torch.tensor(r.uniform(size=[batch, time]) > 0.35)
        mask[0, -1] = False  # a trailing masked step
        mask[-1, 0] = False  # a leading one
    seq, hn, cn = conv_lstm(x, kernel, rec, bias, strides, dilation, padding, h, c, mask, back, f)
    out = seq if seqs else seq[:, -1]
    outputs = [out, hn, cn] if state else [out]
    if first:
        xin, states = x, [h, c]
    else:
        xin = to_last(x, 2)
        outputs = [to_last(o, o.dim() - 1 - rank) for o in outputs]
        states = [to_last(h, 1), to_last(c, 1)]
    args = {"kernel_size": ks, "strides": strides, "dilation_rate": dilation, "padding": padding,
            "return_sequences": seqs, "return_state": state, "go_backwards": back, "use_bias": use_bias,
            "data_format": "channels_first" if first else "channels_last"}
    weights = [kernel, rec] + ([bias] if use_bias else [])
    case = {"name": name, "layer": "ConvLSTM%dD" % rank, "filters": f, "args": args,
            "weights": [enc(w) for w in weights], "input": enc(xin), "outputs": [enc(o) for o in outputs]}
    if init_states:
        case["states"] = [enc(s) for s in states]
    if mask is not None:
        case["mask"] = enc(mask)
    cases.append(case)


add("conv_lstm2d_same_sequences_state", 2, 3, [5, 4], 2, padding="same", seqs=True, state=True)
add("conv_lstm2d_valid_strides", 2, 2, [7, 6], 3, strides=2, state=True)
add("conv_lstm2d_dilation_kernel_2x3", 2, 2, [6, 7], 2, ks=[2, 3], dilation=2, seqs=True)
add("conv_lstm2d_same_strides_even_kernel", 2, 2, [5, 6], 2, ks=2, strides=[2, 1], padding="same", state=True)
add("conv_lstm2d_channels_first_backwards", 2, 3, [4, 5], 2, padding="same", first=True, seqs=True, back=True)
add("conv_lstm2d_masked", 2, 2, [4, 4], 2, batch=3, time=5, padding="same", seqs=True, state=True, masked=True)
add("conv_lstm2d_initial_states_no_bias", 2, 2, [5, 5], 2, state=True, init_states=True, use_bias=False)
add("conv_lstm1d_backwards", 1, 2, [7], 3, time=4, seqs=True, state=True, back=True)
add("conv_lstm1d_same_channels_first", 1, 3, [6], 2, padding="same", first=True, strides=2)
add("conv_lstm3d_same_even_kernel", 3, 2, [3, 4, 3], 2, batch=1, ks=2, padding="same", seqs=True, state=True)
add("conv_lstm3d_valid_masked", 3, 2, [4, 3, 3], 1, batch=2, time=4, ks=[2, 2, 1], masked=True, state=True)


def keys_weights(n_in, n_out):
    """The [n_out, n_in] matrix of Keys's cubic kernel (a = -0.5) at half-pixel centres with the
    taps outside the input dropped and the rest renormalised; no antialiasing."""
    scale = n_out / n_in
    m = np.zeros([n_out, n_in])
    for o in range(n_out):
        centre = (o + 0.5) / scale - 0.5
        for k in range(math.floor(centre) - 2, math.floor(centre) + 4):
            d = abs(centre - k)
            if d <= 1:
                w = 1.5 * d ** 3 - 2.5 * d ** 2 + 1
            elif d < 2:
                w = -0.5 * d ** 3 + 2.5 * d ** 2 - 4 * d + 2
            else:
                w = 0.0
            if 0 <= k < n_in:
                m[o, k] = w
        m[o] /= m[o].sum()
    return m


def add_resize(name, shape, size):
    x = rng(name).standard_normal(shape)
    wh, ww = keys_weights(shape[1], size[0]), keys_weights(shape[2], size[1])
    y = np.einsum("ph,bhwc->bpwc", wh, x)
    y = np.einsum("qw,bpwc->bpqc", ww, y)
    resize.append({"name": name, "size": size, "input": enc(torch.tensor(x)), "output": enc(torch.tensor(y))})


add_resize("resize_bicubic_up", [2, 4, 5, 2], [9, 7])
add_resize("resize_bicubic_down", [1, 9, 8, 3], [4, 5])
add_resize("resize_bicubic_mixed", [2, 6, 3, 1], [3, 8])
add_resize("resize_bicubic_integer", [1, 3, 4, 2], [6, 12])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "convlstm.json")
with open(path, "w") as fh:
    json.dump({"cases": cases, "resize": resize}, fh)
    fh.write("\n")
print("wrote %d ConvLSTM and %d resize cases to %s" % (len(cases), len(resize), path))
