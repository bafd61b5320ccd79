#!/usr/bin/python3
"""Generate index.json: PyTorch/NumPy reference values for the indexing, sorting and mask ops.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_index.py

Each case names an op (the snake_case name of the Go function it tests, listed in
ops/index_oracle_test.go), its params, its input tensors, the outputs PyTorch (or NumPy, where
PyTorch has no such op or differs from the ONNX rule Tide follows) computes, and for
differentiable ops a random upstream gradient per floating-point output ("dy", null for integer
outputs) and the input gradients torch.autograd.grad gives ("grads", null for integer inputs).
Inputs come from NumPy generators seeded by the CRC-32 of the case name, so adding a case changes
no other and rerunning gives the same bytes. Floats are written with repr precision (float32
values as the float64 holding them exactly); NaN and infinities as "nan", "inf", "-inf"; bools as
0 and 1 (oracle_common.py's helpers). Never edit index.json by hand: change this script and rerun
it.

Where the ops take indices that PyTorch rejects (negative ones, which ONNX allows), the inputs
keep the negative indices and PyTorch is given them normalised.
"""

import sys
import warnings

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from oracle_common import (F32, F64, I8, I32, I64, INF, NAMES, NAN, U8, Recorder, integers,  # noqa: E402
                           normal, rng)

warnings.filterwarnings("ignore", message="scatter_reduce")  # "in beta" in torch 1.13

# A case lists its outputs with an upstream gradient each under "dy" (null for an integer output);
# the file is one line.
R = Recorder(dy_key="dy", always_params=True, layout="compact")
add = R.add


def distinct_ints(name, shape, n, dtype=I64, k=0):
    """Distinct integers in [0, n) (n >= size), so scatters with reduction none are well defined."""
    r = rng(f"{name}/{k}")
    size = int(np.prod(shape))
    return torch.from_numpy(r.permutation(n)[:size].reshape(shape).astype(np.int64)).to(dtype)


def norm_idx(idx, n):
    """Negative indices counted from the end, as ONNX; PyTorch gets them normalised."""
    idx = idx.to(I64)
    return torch.where(idx < 0, idx + n, idx)


# ---- gather (ONNX Gather) -------------------------------------------------------------------

def gather_ref(axis):
    def f(data, idx):
        a = axis % data.dim()
        return data[(slice(None),) * a + (norm_idx(idx, data.shape[a]),)]
    return f


for name, dshape, ishape, axis, lo, hi, dt, it in [
    ("rows", (4, 3), (2,), 0, 0, 4, F64, I64),
    ("cols", (3, 5), (4,), 1, -5, 5, F64, I64),
    ("negative_axis", (2, 3, 4), (3,), -1, -4, 4, F32, I32),
    ("matrix_indices", (5, 2), (2, 3), 0, -5, 5, F64, I64),
    ("scalar_index", (3, 4), (), 1, 0, 4, F64, I64),
    ("middle_axis_3d", (2, 4, 3), (2, 2), 1, 0, 4, F32, I64),
    ("repeated", (3,), (6,), 0, 0, 2, F64, I64),
    ("int32_data", (4, 2), (3,), 0, -4, 4, I32, I64),
    ("uint8_indices", (3, 3), (2,), 1, 0, 3, F64, U8),
    ("empty_indices", (3, 2), (0,), 0, 0, 3, F64, I64),
    ("empty_data", (0, 3), (2,), 1, 0, 3, F64, I64),
]:
    n = f"gather/{name}"
    data = integers(n, dshape, -9, 9, dt) if not dt.is_floating_point else normal(n, dshape, dt)
    add(n, "gather", gather_ref(axis), [data, integers(n, ishape, lo, hi, it, k=1)], {"axis": axis})
n = "gather/nan_inf"
add(n, "gather", gather_ref(0), [torch.tensor([NAN, INF, -INF, 1.0], dtype=F64), torch.tensor([2, 0, 1, 0])], {"axis": 0})

# ---- take_along_axis (ONNX GatherElements, torch.gather) -------------------------------------


def take_ref(axis):
    def f(data, idx):
        a = axis % data.dim()
        return torch.gather(data, a, norm_idx(idx, data.shape[a]))
    return f


for name, dshape, ishape, axis, dt in [
    ("axis0", (3, 4), (2, 4), 0, F64),
    ("axis1", (3, 4), (3, 6), 1, F64),
    ("smaller_index", (4, 5), (2, 3), 1, F32),
    ("negative_axis_3d", (2, 3, 4), (2, 3, 2), -2, F64),
    ("vector", (5,), (7,), 0, F64),
    ("int64_data", (3, 3), (3, 2), 1, I64),
    ("empty", (3, 4), (3, 0), 1, F64),
]:
    n = f"take_along_axis/{name}"
    a = axis % len(dshape)
    data = integers(n, dshape, -50, 50, dt) if not dt.is_floating_point else normal(n, dshape, dt)
    add(n, "take_along_axis", take_ref(axis), [data, integers(n, ishape, -dshape[a], dshape[a], k=1)], {"axis": axis})
# NumPy agrees with PyTorch where the shapes are equal.
n = "take_along_axis/numpy_argsort"
x = normal(n, (3, 5))
add(n, "take_along_axis", lambda d, i: torch.from_numpy(np.take_along_axis(d.detach().numpy(), i.numpy(), 1)),
    [x, torch.from_numpy(np.argsort(x.numpy(), axis=1, kind="stable"))], {"axis": 1}, grad=False)

# ---- gather_nd (ONNX GatherND) --------------------------------------------------------------


def gather_nd_ref(b):
    def f(data, idx):
        ds, is_ = tuple(data.shape), tuple(idx.shape)
        k = is_[-1]
        nb = int(np.prod(ds[:b]))
        db = data.reshape((nb,) + ds[b:])
        ib = idx.reshape(nb, -1, k)
        parts = []
        for i in range(nb):
            coords = tuple(norm_idx(ib[i][:, j], ds[b + j]) for j in range(k))
            parts.append(db[i][coords])
        out = torch.stack(parts) if parts else db.new_zeros((0,) + (ib.shape[1],) + ds[b + k:])
        return out.reshape(is_[:-1] + ds[b + k:])
    return f


for name, dshape, ishape, b, dt in [
    ("full_tuples", (3, 4), (5, 2), 0, F64),
    ("row_slices", (4, 3), (2, 1), 0, F64),
    ("3d_pairs", (2, 3, 4), (2, 2, 2), 0, F32),
    ("batch1", (2, 3, 4), (2, 2, 1), 1, F64),
    ("batch1_full", (3, 4, 2), (3, 1, 2), 1, F64),
    ("batch2", (2, 2, 3, 2), (2, 2, 3, 1), 2, F64),
    ("int32", (3, 3), (4, 2), 0, I32),
    ("one_tuple", (2, 3), (2,), 0, F64),
]:
    n = f"gather_nd/{name}"
    k = ishape[-1]
    data = integers(n, dshape, -50, 50, dt) if not dt.is_floating_point else normal(n, dshape, dt)
    cols = [integers(n, ishape[:-1] + (1,), -dshape[b + j], dshape[b + j], k=1 + j) for j in range(k)]
    add(n, "gather_nd", gather_nd_ref(b), [data, torch.cat(cols, -1)], {"batch_dims": b})

# ---- scatter_elements (ONNX ScatterElements, torch.scatter / scatter_reduce) -----------------

TORCH_REDUCE = {"add": "sum", "mul": "prod", "max": "amax", "min": "amin"}


def scatter_ref(axis, red):
    def f(data, idx, upd):
        a = axis % data.dim()
        i = norm_idx(idx, data.shape[a])
        if red == "none":
            return torch.scatter(data, a, i, upd)
        return torch.scatter_reduce(data, a, i, upd, TORCH_REDUCE[red], include_self=True)
    return f


for red in ["none", "add", "mul", "max", "min"]:
    for name, dshape, ishape, axis, dt in [
        ("axis0", (4, 3), (2, 3), 0, F64),
        ("axis1", (3, 5), (3, 2), 1, F64),
        ("negative_axis_3d", (2, 4, 3), (2, 2, 3), -2, F32),
        ("smaller", (5, 4), (2, 2), 0, F64),
        ("int32", (4, 3), (2, 3), 0, I32),
    ]:
        n = f"scatter_elements/{red}_{name}"
        a = axis % len(dshape)
        if dt.is_floating_point:
            data, upd = normal(n, dshape, dt), normal(n, ishape, dt, k=2)
        else:
            data, upd = integers(n, dshape, -5, 5, dt), integers(n, ishape, -5, 5, dt, k=2)
        if red == "none":  # distinct positions along the axis in each line
            r = rng(n + "/idx")
            perm = np.stack([r.permutation(dshape[a])[:ishape[a]] for _ in range(int(np.prod(ishape)) // ishape[a])])
            idx = torch.from_numpy(np.moveaxis(perm.reshape(tuple(s for d, s in enumerate(ishape) if d != a) + (ishape[a],)), -1, a).copy())
            idx = torch.where(torch.from_numpy(r.random(tuple(idx.shape)) < 0.5), idx - dshape[a], idx)
        else:  # repeats accumulate
            idx = integers(n, ishape, -dshape[a], dshape[a], k=1)
        add(n, "scatter_elements", scatter_ref(axis, red), [data, idx, upd], {"axis": axis, "reduction": red})
n = "scatter_elements/max_nan"
add(n, "scatter_elements", scatter_ref(0, "max"),
    [torch.tensor([1.0, 2.0, 3.0], dtype=F64), torch.tensor([0, 2]), torch.tensor([NAN, 5.0], dtype=F64)],
    {"axis": 0, "reduction": "max"}, grad=False)
n = "scatter_elements/none_bool"
add(n, "scatter_elements", scatter_ref(0, "none"),
    [torch.tensor([False, True, False, True]), torch.tensor([0, -1]), torch.tensor([True, False])],
    {"axis": 0, "reduction": "none"})

n = "scatter_add/duplicates"
add(n, "scatter_add", lambda d, i, u: torch.scatter_add(d, 1, i, u),
    [normal(n, (2, 4)), torch.tensor([[0, 0, 3], [1, 1, 1]]), normal(n, (2, 3), k=1)], {"axis": 1})

# ---- scatter_nd (ONNX ScatterND) --------------------------------------------------------------


def scatter_nd_ref(red, b):
    """ScatterND as a scatter along axis 0 of data viewed as [positions, slice]."""
    def f(data, idx, upd):
        ds, is_ = tuple(data.shape), tuple(idx.shape)
        k = is_[-1]
        nb = int(np.prod(ds[:b]))
        inner = ds[b:b + k]
        strides = [int(np.prod(inner[j + 1:])) for j in range(k)]
        ib = idx.reshape(nb, -1, k)
        lin = torch.zeros(ib.shape[:2], dtype=I64)
        for j in range(k):
            lin = lin + norm_idx(ib[:, :, j], inner[j]) * strides[j]
        lin = lin + torch.arange(nb).reshape(nb, 1) * int(np.prod(inner))
        slice_ = int(np.prod(ds[b + k:]))
        d2 = data.reshape(-1, slice_)
        u2 = upd.reshape(-1, slice_)
        i2 = lin.reshape(-1, 1).expand(-1, slice_)
        if red == "none":
            out = torch.scatter(d2, 0, i2, u2)
        else:
            out = torch.scatter_reduce(d2, 0, i2, u2, TORCH_REDUCE[red], include_self=True)
        return out.reshape(ds)
    return f


for red in ["none", "add", "mul", "max", "min"]:
    for name, dshape, ishape, b, dt in [
        ("elements", (3, 4), (4, 2), 0, F64),
        ("rows", (5, 3), (3, 1), 0, F64),
        ("3d_slices", (2, 3, 4), (2, 2, 2), 0, F32),
        ("batch1", (2, 4, 3), (2, 2, 1), 1, F64),
        ("int64", (4, 3), (3, 2), 0, I64),
    ]:
        n = f"scatter_nd/{red}_{name}"
        k = ishape[-1]
        if red == "none":  # distinct tuples within each batch
            r = rng(n + "/idx")
            inner = dshape[b:b + k]
            nb = int(np.prod(dshape[:b]))
            per = int(np.prod(ishape[b:-1]))
            lin = np.stack([r.permutation(int(np.prod(inner)))[:per] for _ in range(nb)])
            coords = np.stack(np.unravel_index(lin, inner), -1)
            coords = np.where(r.random(coords.shape) < 0.5, coords - np.array(inner), coords)
            idx = torch.from_numpy(coords.reshape(ishape).astype(np.int64))
        else:
            cols = [integers(n, ishape[:-1] + (1,), -dshape[b + j], dshape[b + j], k=1 + j) for j in range(k)]
            idx = torch.cat(cols, -1)
        ushape = ishape[:-1] + dshape[b + k:]
        if dt.is_floating_point:
            data, upd = normal(n, dshape, dt), normal(n, ushape, dt, k=9)
        else:
            data, upd = integers(n, dshape, -5, 5, dt), integers(n, ushape, -5, 5, dt, k=9)
        add(n, "scatter_nd", scatter_nd_ref(red, b), [data, idx, upd], {"reduction": red, "batch_dims": b})

# ---- one_hot (ONNX OneHot) --------------------------------------------------------------------


def one_hot_ref(depth, axis, on, off, dtype):
    """ONNX OneHot: negative indices count from the end, out-of-range ones give off values."""
    def f(idx):
        i = idx.to(I64)
        i = torch.where(i < 0, i + depth, i)
        valid = (i >= 0) & (i < depth)
        oh = F.one_hot(torch.where(valid, i, torch.zeros_like(i)), depth) * valid.unsqueeze(-1).to(I64)
        out = (off + (on - off) * oh.to(F64)).to(dtype)
        return torch.movedim(out, -1, axis % (idx.dim() + 1))
    return f


for name, ishape, depth, axis, on, off, dt, it, lo, hi in [
    ("vector", (5,), 4, -1, 1.0, 0.0, F32, I64, 0, 4),
    ("matrix", (2, 3), 5, -1, 1.0, 0.0, F64, I32, 0, 5),
    ("axis0", (3,), 4, 0, 1.0, 0.0, F64, I64, 0, 4),
    ("axis_middle", (2, 3), 3, 1, 1.0, 0.0, F64, I64, 0, 3),
    ("on_off", (4,), 3, -1, 5.0, -2.0, F64, I64, 0, 3),
    ("negative_and_out_of_range", (8,), 3, -1, 1.0, 0.0, F64, I64, -5, 5),
    ("int64_out", (3,), 4, -1, 1.0, 0.0, I64, U8, 0, 4),
    ("scalar", (), 3, -1, 1.0, 0.0, F32, I64, 0, 3),
    ("empty", (0,), 3, -1, 1.0, 0.0, F32, I64, 0, 3),
]:
    n = f"one_hot/{name}"
    add(n, "one_hot", one_hot_ref(depth, axis, on, off, dt), [integers(n, ishape, lo, hi, it)],
        {"depth": depth, "axis": axis, "on": on, "off": off, "dtype": NAMES[dt]})

# ---- sort, argsort, top_k --------------------------------------------------------------------


def sort_ref(axis, desc):
    return lambda x: tuple(torch.sort(x, dim=axis, descending=desc, stable=True))


for name, shape, axis, desc, dt in [
    ("vector", (7,), 0, False, F64),
    ("vector_desc", (7,), 0, True, F64),
    ("rows", (3, 5), -1, False, F32),
    ("cols_desc", (4, 3), 0, True, F64),
    ("3d_middle", (2, 4, 3), 1, False, F64),
    ("int32", (3, 6), 1, True, I32),
    ("ties", (9,), 0, False, I64),
    ("ties_desc", (9,), 0, True, I64),
    ("one", (1,), 0, False, F64),
    ("empty", (0, 3), 0, False, F64),
]:
    n = f"sort/{name}"
    x = integers(n, shape, -3, 3, dt) if not dt.is_floating_point else normal(n, shape, dt)
    add(n, "sort", sort_ref(axis, desc), [x], {"axis": axis, "descending": desc})
n = "sort/nan_inf"
add(n, "sort", sort_ref(0, False), [torch.tensor([1.0, NAN, -INF, 0.5, INF, NAN, -2.0], dtype=F64)],
    {"axis": 0, "descending": False}, grad=False)
n = "sort/nan_inf_desc"
add(n, "sort", sort_ref(0, True), [torch.tensor([1.0, NAN, -INF, 0.5, INF, NAN, -2.0], dtype=F64)],
    {"axis": 0, "descending": True}, grad=False)
n = "sort/float_ties"
add(n, "sort", sort_ref(1, True), [torch.tensor([[1.0, 2.0, 1.0, 2.0, 0.0], [3.0, 3.0, 3.0, -1.0, 3.0]], dtype=F64)],
    {"axis": 1, "descending": True})

n = "argsort/rows"
x = normal(n, (3, 4))
add(n, "argsort", lambda x: torch.argsort(x, dim=1, stable=True), [x], {"axis": 1, "descending": False})
n = "argsort/numpy_stable_ties"
x = integers(n, (10,), 0, 3)
add(n, "argsort", lambda x: torch.from_numpy(np.argsort(x.numpy(), kind="stable")), [x], {"axis": 0, "descending": False})


def topk_ref(k, axis, largest):
    return lambda x: tuple(torch.topk(x, k, dim=axis, largest=largest, sorted=True))


for name, shape, k, axis, largest, dt in [
    ("vector", (8,), 3, -1, True, F64),
    ("smallest", (8,), 3, -1, False, F64),
    ("rows", (3, 6), 2, 1, True, F32),
    ("cols_smallest", (5, 3), 4, 0, False, F64),
    ("3d", (2, 5, 3), 2, 1, True, F64),
    ("all", (4,), 4, 0, True, F64),
    ("zero", (3, 4), 0, 1, True, F64),
    ("int64", (2, 7), 3, 1, True, I64),
]:
    n = f"top_k/{name}"
    if dt.is_floating_point:
        x = normal(n, shape, dt)
    else:  # distinct values: PyTorch does not promise how ties are broken
        x = distinct_ints(n, shape, 100, dt)
    add(n, "top_k", topk_ref(k, axis, largest), [x], {"k": k, "axis": axis, "largest": largest})
n = "top_k/nan"
add(n, "top_k", topk_ref(2, 0, True), [torch.tensor([1.0, NAN, 3.0, -1.0], dtype=F64)],
    {"k": 2, "axis": 0, "largest": True}, grad=False)

# ---- nonzero, unique (data-dependent shapes) -------------------------------------------------

for name, x in [
    ("vector", torch.tensor([0.0, 1.5, 0.0, -2.0, NAN], dtype=F64)),
    ("matrix", torch.tensor([[0, 3, 0], [4, 0, 5]], dtype=I32)),
    ("bool_3d", torch.tensor([[[True, False], [False, True]], [[True, True], [False, False]]])),
    ("none", torch.zeros(2, 3, dtype=F32)),
    ("empty", torch.zeros(0, 3, dtype=F64)),
    ("negative_zero", torch.tensor([-0.0, 0.0, 1.0], dtype=F64)),
]:
    add(f"nonzero/{name}", "nonzero", lambda x: torch.nonzero(x).T.contiguous(), [x], grad=False)
add("nonzero_per_axis/matrix", "nonzero_per_axis", lambda x: tuple(torch.nonzero(x, as_tuple=True)),
    [torch.tensor([[0, 3, 0], [4, 0, 5]], dtype=I64)], grad=False)
add("arg_where/matrix", "arg_where", lambda x: torch.nonzero(x),
    [torch.tensor([[0.0, 3.0], [4.0, 0.0], [0.0, 1.0]], dtype=F32)], grad=False)


def unique_ref(x):
    return tuple(torch.unique(x, sorted=True, return_inverse=True, return_counts=True))


for name, x in [
    ("ints", torch.tensor([3, 1, 3, 2, 1, 3, 7], dtype=I64)),
    ("matrix", torch.tensor([[2.5, -1.0, 2.5], [0.0, -1.0, 4.0]], dtype=F64)),
    ("int8", torch.tensor([-128, 127, 0, 127, -128], dtype=I8)),
    ("float32", torch.tensor([1.5, -0.25, 1.5, 3.0], dtype=F32)),
    ("bool", torch.tensor([True, False, True])),
    ("one", torch.tensor([4.0], dtype=F64)),
    ("empty", torch.zeros(0, dtype=F64)),
    ("infs", torch.tensor([INF, -INF, 1.0, INF], dtype=F64)),
]:
    add(f"unique/{name}", "unique", unique_ref, [x], grad=False)


def unique_numpy(x):
    """NumPy's rule for NaN (all NaNs are one value), which Tide follows; PyTorch keeps each NaN."""
    v, inv, cnt = np.unique(x.numpy(), return_inverse=True, return_counts=True)
    return torch.from_numpy(v), torch.from_numpy(inv.reshape(x.shape).astype(np.int64)), torch.from_numpy(cnt.astype(np.int64))


add("unique/nan_numpy", "unique", unique_numpy, [torch.tensor([NAN, 2.0, NAN, 1.0, 2.0], dtype=F64)], grad=False)

# ---- range (ONNX Range, torch.arange) ---------------------------------------------------------

for name, start, limit, delta, dt in [
    ("ints", 0, 5, 1, I64),
    ("int32_step", 2, 11, 3, I32),
    ("negative_step", 5, -4, -2, I64),
    ("empty", 3, 3, 1, I64),
    ("empty_wrong_direction", 3, 0, 1, I32),
    ("float", 0.0, 1.0, 0.1, F64),
    ("float32", -1.0, 2.0, 0.3, F32),
    ("float_negative", 2.5, -1.0, -0.75, F64),
    ("int8", -3, 4, 2, I8),
]:
    n = f"range/{name}"
    if (limit - start) * delta < 0:  # torch.arange raises; ONNX and NumPy give an empty range
        ref = lambda: torch.from_numpy(np.arange(start, limit, delta)).to(dt)
    else:
        ref = lambda: torch.arange(start, limit, delta, dtype=dt)
    add(n, "range", ref, [], {"start": start, "limit": limit, "delta": delta, "dtype": NAMES[dt]})

# ---- tril, triu (ONNX Trilu) ------------------------------------------------------------------

for op, f in [("tril", torch.tril), ("triu", torch.triu)]:
    for name, shape, k, dt in [
        ("square", (4, 4), 0, F64),
        ("wide_k1", (3, 5), 1, F64),
        ("tall_km1", (5, 3), -1, F32),
        ("batch", (2, 3, 3), 0, F64),
        ("far_k", (3, 4), 7, F64),
        ("far_negative_k", (3, 4), -5, F64),
        ("int32", (3, 3), -1, I32),
        ("empty", (0, 3), 0, F64),
    ]:
        n = f"{op}/{name}"
        x = integers(n, shape, -9, 9, dt) if not dt.is_floating_point else normal(n, shape, dt)
        add(n, op, (lambda f, k: lambda x: f(x, k))(f, k), [x], {"k": k})
    add(f"{op}/nan", op, (lambda f: lambda x: f(x, 0))(f), [torch.tensor([[NAN, NAN], [NAN, INF]], dtype=F64)], {"k": 0}, grad=False)

# ---- depth_to_space, space_to_depth (ONNX DepthToSpace / SpaceToDepth) ------------------------


def d2s_nchw(x, bs, mode):
    n, c, h, w = x.shape
    if mode == "CRD":
        return F.pixel_shuffle(x, bs)
    y = x.reshape(n, bs, bs, c // (bs * bs), h, w).permute(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (bs * bs), h * bs, w * bs)


def s2d_nchw(x, bs, mode):
    n, c, h, w = x.shape
    if mode == "CRD":
        return F.pixel_unshuffle(x, bs)
    y = x.reshape(n, c, h // bs, bs, w // bs, bs).permute(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * bs * bs, h // bs, w // bs)


def space_ref(f, bs, mode, layout):
    def g(x):
        if layout == "NCHW":
            return f(x, bs, mode)
        return f(x.permute(0, 3, 1, 2), bs, mode).permute(0, 2, 3, 1).contiguous()
    return g


for op, f in [("depth_to_space", d2s_nchw), ("space_to_depth", s2d_nchw)]:
    for name, shape_nchw, bs, mode, layout, dt in [
        ("dcr_nhwc", (2, 8, 2, 3), 2, "DCR", "NHWC", F64),
        ("crd_nhwc", (1, 8, 2, 2), 2, "CRD", "NHWC", F64),
        ("dcr_nchw", (2, 12, 1, 2), 2, "DCR", "NCHW", F32),
        ("crd_nchw", (1, 18, 2, 1), 3, "CRD", "NCHW", F64),
        ("block1", (1, 3, 2, 2), 1, "DCR", "NHWC", F64),
        ("int32", (1, 4, 2, 2), 2, "DCR", "NCHW", I32),
    ]:
        n = f"{op}/{name}"
        if op == "space_to_depth":  # the inverse's input: spatial dims multiples of bs
            nb, c, h, w = shape_nchw
            shape_nchw = (nb, c // (bs * bs), h * bs, w * bs)
        s = shape_nchw if layout == "NCHW" else (shape_nchw[0], shape_nchw[2], shape_nchw[3], shape_nchw[1])
        x = integers(n, s, -9, 9, dt) if not dt.is_floating_point else normal(n, s, dt)
        add(n, op, space_ref(f, bs, mode, layout), [x], {"block_size": bs, "mode": mode, "layout": layout})

R.write("index.json", "ops/testdata/gen_index.py")
