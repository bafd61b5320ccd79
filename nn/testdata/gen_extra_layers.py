#!/usr/bin/python3
"""Generate extra_layers.json: PyTorch and NumPy references for the reshaping, activation and
categorical layers of package nn (reshaping.go, activation_layers.go, categorical.go).

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 nn/testdata/gen_extra_layers.py

Each case names a layer ("layer"), its Keras arguments ("args"), its weights in Keras's layout
(PReLU's alpha: the input's shape without the batch, 1 along shared axes), an input (and for
Softmax an optional mask) and the expected output:

  - ZeroPadding1D/2D/3D: torch.nn.functional.pad; Cropping1D/2D/3D: slicing.
  - UpSampling1D/2D/3D nearest: torch.repeat_interleave along each spatial axis (Keras repeats);
    UpSampling2D bilinear: F.interpolate(scale_factor, mode="bilinear", align_corners=False);
    bicubic: Keys's cubic kernel (a = -0.5) at half-pixel centres with the taps outside the
    image dropped and the others renormalised, as jax.image.resize, written out in numpy.
  - ReLU (Keras's formula with max_value, negative_slope, threshold, written with torch.where),
    LeakyReLU (F.leaky_relu), PReLU (torch.where(x > 0, x, alpha * x) with a broadcast alpha),
    ELU (F.elu), Softmax (Keras adds (1 - mask) * -1e9 to the logits, then torch.softmax, or
    exp(x - logsumexp) over several axes).
  - CategoryEncoding: numpy counts of each id per row.
  - Discretization: numpy.digitize with given boundaries; for num_bins, Keras's adapt
    algorithm (summarise each batch by every epsilon-quantile of its sorted float32 values,
    merge and compress the summaries by numpy.interp of their cumulative weights, then compress
    to num_bins quantiles and drop the last) written out in numpy, then numpy.digitize.

Everything but the Discretization inputs is float64. Inputs are drawn from NumPy generators
seeded by the CRC-32 of the case name. The file is read by the nn tests for these layers; never
edit it by hand.
"""

import json
import math
import zlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
cases = []


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def t(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": a.reshape(-1).tolist()}


def add(name, layer, args, x, y, weights=None, mask=None, **extra):
    c = {"name": name, "layer": layer, "args": args, "input": t(x), "output": t(y)}
    if weights is not None:
        c["weights"] = [t(w) for w in weights]
    if mask is not None:
        c["mask"] = t(mask)
    c.update(extra)
    cases.append(c)


def to_first(x):  # channels_last numpy -> channels_first
    return np.moveaxis(x, -1, 1)


def to_last(x):
    return np.moveaxis(x, 1, -1)


# Padding and cropping: pads per spatial dimension as (before, after).
def pad_case(name, rank, padding, pairs, first=False):
    r = rng(name)
    spatial = [4, 3, 5][:rank]
    x = r.standard_normal([2] + spatial + [3])
    tx = torch.from_numpy(to_first(x))
    flat = []
    for p in reversed(pairs):
        flat += list(p)
    y = to_last(F.pad(tx, flat).numpy())
    args = {"padding": padding}
    if first:
        args["data_format"] = "channels_first"
        x, y = to_first(x), to_first(y)
    add(name, "ZeroPadding%dD" % rank, args, x, y)


def crop_case(name, rank, cropping, pairs, first=False):
    r = rng(name)
    spatial = [6, 5, 7][:rank]
    x = r.standard_normal([2] + spatial + [3])
    sl = [slice(None)] + [slice(b, d - a) for (b, a), d in zip(pairs, spatial)] + [slice(None)]
    y = x[tuple(sl)]
    args = {"cropping": cropping}
    if first:
        args["data_format"] = "channels_first"
        x, y = to_first(x), to_first(y)
    add(name, "Cropping%dD" % rank, args, x, y)


pad_case("zero_padding1d", 1, [2], [(2, 2)])
pad_case("zero_padding1d_asym", 1, [1, 3], [(1, 3)])
pad_case("zero_padding2d", 2, [1, 2], [(1, 1), (2, 2)])
pad_case("zero_padding2d_asym_cf", 2, [1, 0, 2, 3], [(1, 0), (2, 3)], first=True)
pad_case("zero_padding3d", 3, [1], [(1, 1)] * 3)
pad_case("zero_padding3d_asym", 3, [0, 1, 2, 0, 1, 1], [(0, 1), (2, 0), (1, 1)])
crop_case("cropping1d", 1, [1, 2], [(1, 2)])
crop_case("cropping2d", 2, [1, 0, 2, 1], [(1, 0), (2, 1)])
crop_case("cropping2d_cf", 2, [1], [(1, 1), (1, 1)], first=True)
crop_case("cropping3d", 3, [1, 2, 1], [(1, 1), (2, 2), (1, 1)])


def up_case(name, rank, size, interp="nearest", first=False):
    r = rng(name)
    spatial = [3, 4, 2][:rank]
    x = r.standard_normal([2] + spatial + [3])
    sizes = size * rank if len(size) == 1 else size
    if interp == "nearest":
        y = torch.from_numpy(x)
        for i, s in enumerate(sizes):
            y = torch.repeat_interleave(y, s, dim=i + 1)
        y = y.numpy()
    else:
        tx = torch.from_numpy(to_first(x))
        y = to_last(F.interpolate(tx, scale_factor=tuple(float(s) for s in sizes), mode="bilinear",
                                  align_corners=False).numpy())
    args = {"size": size, "interpolation": interp}
    if first:
        args["data_format"] = "channels_first"
        x, y = to_first(x), to_first(y)
    add(name, "UpSampling%dD" % rank, args, x, y)


def keys_cubic_1d(x, axis, scale):
    """Resizes x along axis by the integer scale with Keys's cubic kernel (a = -0.5) at half-pixel
    centres, taps outside the input dropped and the others renormalised (jax.image.resize)."""
    n = x.shape[axis]
    out = []
    for o in range(n * scale):
        c = (o + 0.5) / scale - 0.5
        base = math.floor(c)
        taps, ws = [], []
        for k in range(base - 1, base + 3):
            d = abs(c - k)
            if d <= 1:
                w = 1.5 * d ** 3 - 2.5 * d ** 2 + 1
            elif d < 2:
                w = -0.5 * d ** 3 + 2.5 * d ** 2 - 4 * d + 2
            else:
                w = 0.0
            if 0 <= k < n:
                taps.append(k)
                ws.append(w)
        ws = np.array(ws) / sum(ws)
        out.append(sum(w * np.take(x, k, axis=axis) for w, k in zip(ws, taps)))
    return np.stack(out, axis=axis)


r = rng("up_sampling2d_bicubic")
x = r.standard_normal([2, 3, 4, 2])
add("up_sampling2d_bicubic", "UpSampling2D", {"size": [2, 3], "interpolation": "bicubic"}, x,
    keys_cubic_1d(keys_cubic_1d(x, 1, 2), 2, 3))

up_case("up_sampling1d", 1, [3])
up_case("up_sampling2d", 2, [2, 3])
up_case("up_sampling2d_cf", 2, [2], first=True)
up_case("up_sampling3d", 3, [2, 1, 3])
up_case("up_sampling2d_bilinear", 2, [2], interp="bilinear")
up_case("up_sampling2d_bilinear_3x2", 2, [3, 2], interp="bilinear")
up_case("up_sampling2d_bilinear_cf", 2, [2, 4], interp="bilinear", first=True)


# Activations.
def act_input(name, dims=(3, 4, 5)):
    return rng(name).standard_normal(list(dims)) * 3


def keras_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    x = torch.from_numpy(x)
    y = torch.where(x > threshold, x, torch.zeros_like(x))
    if max_value is not None:
        y = torch.clamp(y, 0.0, max_value)
    return (y - negative_slope * torch.relu(threshold - x)).numpy()


for name, kw in [("relu", {}), ("relu_max", {"max_value": 2.5}),
                 ("relu_slope", {"negative_slope": 0.2}),
                 ("relu_all", {"max_value": 4.0, "negative_slope": 0.1, "threshold": 0.5}),
                 ("relu_threshold", {"threshold": 1.0})]:
    x = act_input(name)
    add(name, "ReLU", kw, x, keras_relu(x, **kw))

for name, slope in [("leaky_relu", None), ("leaky_relu_0.05", 0.05)]:
    x = act_input(name)
    s = 0.3 if slope is None else slope
    args = {} if slope is None else {"negative_slope": slope}
    add(name, "LeakyReLU", args, x, F.leaky_relu(torch.from_numpy(x), s).numpy())

for name, alpha in [("elu", None), ("elu_0.5", 0.5)]:
    x = act_input(name)
    a = 1.0 if alpha is None else alpha
    args = {} if alpha is None else {"alpha": alpha}
    add(name, "ELU", args, x, F.elu(torch.from_numpy(x), a).numpy())

for name, shared in [("prelu", None), ("prelu_shared", [1, 2])]:
    x = rng(name).standard_normal([2, 3, 4, 5])
    shape = [3, 4, 5]
    for a in shared or []:
        shape[a - 1] = 1
    alpha = rng(name + "/alpha").standard_normal(shape) * 0.5
    tx, ta = torch.from_numpy(x), torch.from_numpy(alpha)
    y = torch.where(tx > 0, tx, ta * tx).numpy()
    args = {} if shared is None else {"shared_axes": shared}
    add(name, "PReLU", args, x, y, weights=[alpha])

x = act_input("softmax")
add("softmax", "Softmax", {}, x, torch.softmax(torch.from_numpy(x), -1).numpy())
x = act_input("softmax_axis1")
add("softmax_axis1", "Softmax", {"axis": [1]}, x, torch.softmax(torch.from_numpy(x), 1).numpy())
x = act_input("softmax_axes")
tx = torch.from_numpy(x)
add("softmax_axes", "Softmax", {"axis": [1, 2]}, x,
    torch.exp(tx - torch.logsumexp(tx, dim=(1, 2), keepdim=True)).numpy())
x = act_input("softmax_mask")
mask = (rng("softmax_mask/mask").random([3, 1, 5]) > 0.4).astype(np.float64)
mask[0, 0, :] = 0  # a fully masked row: uniform, as Keras
tx = torch.from_numpy(x) + (1.0 - torch.from_numpy(mask)) * -1e9
add("softmax_mask", "Softmax", {}, x, torch.softmax(tx, -1).numpy(), mask=mask)


# Category encoding.
def encode(ids, depth, mode, weights=None):
    ids = np.asarray(ids)
    if mode == "one_hot":
        if ids.ndim >= 2 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        out = np.zeros(ids.shape + (depth,))
        for idx in np.ndindex(ids.shape):
            if 0 <= ids[idx] < depth:
                out[idx + (ids[idx],)] = 1
        return out
    out = np.zeros(ids.shape[:-1] + (depth,))
    for idx in np.ndindex(ids.shape):
        v = ids[idx]
        if 0 <= v < depth:
            w = 1.0 if weights is None else weights[idx]
            if mode == "multi_hot":
                out[idx[:-1] + (v,)] = 1
            else:
                out[idx[:-1] + (v,)] += w
    return out


for name, mode, dims in [("category_multi_hot", "multi_hot", (4, 6)), ("category_count", "count", (4, 6)),
                         ("category_one_hot", "one_hot", (5,)), ("category_one_hot_col", "one_hot", (5, 1)),
                         ("category_multi_hot_1d", "multi_hot", (7,))]:
    ids = rng(name).integers(-1, 8, size=dims)  # -1 and 7 are out of range for 7 tokens
    add(name, "CategoryEncoding", {"num_tokens": 7, "output_mode": mode}, ids, encode(ids, 7, mode))
ids = rng("category_count_weights").integers(0, 5, size=(3, 4))
w = rng("category_count_weights/w").random((3, 4))
add("category_count_weights", "CategoryEncoding", {"num_tokens": 5, "output_mode": "count"}, ids,
    encode(ids, 5, "count", w), count_weights=t(w))


# Discretization: Keras's adapt algorithm in numpy (float32 summaries).
def summarize(values, epsilon):
    values = np.sort(np.reshape(values, [-1]))
    n = np.size(values)
    increment = n / (1.0 / epsilon)
    step = max(increment, 1)
    bounds = values[int(increment)::int(step)]
    return np.stack([bounds, np.ones_like(bounds) * step])


def compress(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    frac = cum / cum[-1]
    new_bins = np.interp(percents, frac, summary[0])
    cum = np.interp(percents, frac, cum)
    new_weights = cum - np.concatenate((np.array([0]), cum[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")


def merge(prev, nxt, epsilon):
    m = np.concatenate((prev, nxt), axis=1)
    m = np.take(m, np.argsort(m[0], kind="stable"), axis=1)
    return compress(m, epsilon)


def adapt(batches, num_bins, epsilon):
    summary = np.array([[], []], dtype="float32")
    for b in batches:
        summary = merge(summarize(np.asarray(b, dtype="float32"), epsilon), summary, epsilon)
    return compress(summary, 1.0 / num_bins)[0, :-1]


x = rng("discretization").standard_normal((4, 5)) * 2
bounds = [-1.0, 0.0, 0.5, 2.0]
add("discretization", "Discretization", {"bin_boundaries": bounds}, x, np.digitize(x, bounds))
x = np.array([[-1.0, 0.0, 0.5, 2.0, 3.0, -2.0]])  # values on the boundaries go up
add("discretization_edges", "Discretization", {"bin_boundaries": bounds}, x, np.digitize(x, bounds))
for name, n, eps, sizes in [("discretization_adapt", 4, 0.01, [200]),
                            ("discretization_adapt_batches", 5, 0.01, [300, 120, 77]),
                            ("discretization_adapt_3bins", 3, 0.01, [500]),
                            ("discretization_adapt_eps", 4, 0.05, [64, 64]),
                            ("discretization_adapt_small", 8, 0.01, [5])]:
    r = rng(name)
    batches = [r.standard_normal(s).astype("float32") * 3 + 1 for s in sizes]
    b = adapt(batches, n, eps)
    x = r.standard_normal((6, 4)).astype("float32") * 3 + 1
    add(name, "Discretization", {"num_bins": n, "epsilon": eps}, x,
        np.digitize(x, b), adapt=[t(bb) for bb in batches], boundaries=t(b))

with open("nn/testdata/extra_layers.json", "w") as f:
    json.dump({"cases": cases}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(len(cases), "cases")
