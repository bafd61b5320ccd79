#!/usr/bin/python3
"""Generate move.json: PyTorch/NumPy reference values for the "move" family of package ops
(ops/move.go, ops/move_pad.go: concat, stack, split, slice, pad, tile, repeat, segment_sum, flip,
roll, squeeze, unsqueeze, flatten).

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_move.py

The format, seeding and encoding are those of gen_reduce.py (oracle_common.py's helpers).
Where PyTorch has no such op (ONNX Slice's clamping with negative steps, ONNX Pad's modes on any
rank, interior padding) the reference is NumPy: numpy.pad, and index lists built with ONNX's
clamping rules (checked here against Python's slicing where the two agree); their gradients
scatter-add the upstream gradient through the same index maps. The file is read by
ops/rlm_oracle_test.go; never edit it by hand.
"""

import math
import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import numpy as np  # noqa: E402
import torch  # noqa: E402

from oracle_common import (BOOL, F16, F32, F64, I8, I32, I64, MAXINT, MININT, NAN, U8, Recorder,  # noqa: E402
                           bools, integers, normal)


def some(name, shape, dtype, k=0):
    """Inputs of any dtype: normal floats, small integers, random bools."""
    if dtype == BOOL:
        return bools(name, shape, k)
    if dtype.is_floating_point:
        return normal(name, shape, F64, k=k).to(dtype)
    lo = 0 if dtype == U8 else -100
    return integers(name, shape, lo, 100, dtype, k)


def onnx_slice(d, start, end, step):
    """The indices ONNX Slice takes on an axis of size d."""
    if start < 0:
        start += d
    if end < 0:
        end += d
    if step > 0:
        start, end = min(max(start, 0), d), min(max(end, 0), d)
    else:
        start, end = min(max(start, 0), d - 1), min(max(end, -1), d - 1)
    return list(range(start, end, step))


def slice_indices(shape, p, python_agrees=True):
    idx = [list(range(d)) for d in shape]
    n = len(p["starts"])
    axes = p.get("axes") or list(range(n))
    steps = p.get("steps") or [1] * n
    for a, s, e, k in zip(axes, p["starts"], p["ends"], steps):
        a %= len(shape)
        idx[a] = onnx_slice(shape[a], s, e, k)
        if python_agrees:  # Python clamps a start below -d with a negative step to "before 0"
            py = list(range(shape[a]))[slice(None if s == MAXINT else s, None if e == MININT else e, k)]
            assert py == idx[a], (shape, p, py, idx[a])
    return idx


def take(x, idx):
    y = x
    for a, ix in enumerate(idx):
        y = np.take(y, np.asarray(ix, dtype=np.int64), axis=a)
    return y


def scatter_add(shape, idx_map, dy):
    """The gradient of a gather by idx_map (flat source indices, -1 for none): dy added back."""
    m = idx_map.reshape(-1)
    w = dy.reshape(-1)
    keep = m >= 0
    g = np.bincount(m[keep], weights=w[keep], minlength=int(np.prod(shape)))
    return g.astype(np.float64).reshape(shape)  # bincount of nothing is int64


def np_pad(x, before, after, interior, mode, value):
    """ONNX Pad in NumPy, with negative pads (constant mode) and XLA's interior padding."""
    if mode == "constant":
        if x.dtype == np.bool_:
            value = value != 0
        elif np.issubdtype(x.dtype, np.integer):
            value = int(math.trunc(value))
    if any(interior):
        shape = [d + max(d - 1, 0) * i for d, i in zip(x.shape, interior)]
        y = np.full(shape, value, dtype=x.dtype)
        y[tuple(slice(0, None, i + 1) for i in interior)] = x
        x = y
    widths = [(max(b, 0), max(a, 0)) for b, a in zip(before, after)]
    if mode == "constant":
        y = np.pad(x, widths, mode="constant", constant_values=value)
    else:
        y = np.pad(x, widths, mode=mode)
    crop = tuple(slice(-min(b, 0), y.shape[k] + min(a, 0)) for k, (b, a) in enumerate(zip(before, after)))
    return y[crop]


def main():
    R = Recorder(always_params=True, layout="lines_spaced")  # the layout of reduce.json

    # concat: axes, empty parts, every dtype, promotion.
    for name, shapes, axis, dtypes in [
        ("axis1", [(2, 1, 3), (2, 4, 3), (2, 2, 3)], 1, [F64] * 3),
        ("neg_axis", [(3, 2), (3, 3)], -1, [F64] * 2),
        ("vectors", [(2,), (0,), (3,)], 0, [F64] * 3),
        ("empty_other", [(0, 2), (0, 3)], 1, [F64] * 2),
        ("one", [(2, 3)], 0, [F64]),
        ("float32", [(2, 3), (1, 3)], 0, [F32] * 2),
        ("float16", [(2, 2), (2, 1)], 1, [F16] * 2),
        ("bool", [(2, 2), (2, 3)], 1, [BOOL] * 2),
        ("int8", [(1, 3), (2, 3)], 0, [I8] * 2),
        ("uint8", [(3,), (2,)], 0, [U8] * 2),
        ("promote", [(2, 2), (2, 1)], 1, [I32, F32]),
    ]:
        ins = [some(f"concat/{name}", s, d, k) for k, (s, d) in enumerate(zip(shapes, dtypes))]
        R.add(f"concat/{name}", "concat", lambda *xs, a=axis: torch.cat(xs, dim=a), ins, {"axis": axis})

    for name, shape, n, axis, dtype in [
        ("axis0", (2, 3), 3, 0, F64),
        ("last", (2, 3), 2, -1, F64),
        ("middle", (2, 3), 2, 1, F64),
        ("scalars", (), 3, 0, F64),
        ("bool", (2,), 2, 1, BOOL),
        ("float16", (3,), 2, 0, F16),
    ]:
        ins = [some(f"stack/{name}", shape, dtype, k) for k in range(n)]
        R.add(f"stack/{name}", "stack", lambda *xs, a=axis: torch.stack(xs, dim=a), ins, {"axis": axis})

    # split: by sizes (zero sizes allowed) and into equal parts; every output's gradient.
    for name, shape, axis, sizes, dtype in [
        ("sizes", (5, 2), 0, [1, 3, 0, 1], F64),
        ("neg_axis", (2, 6), -1, [2, 2, 2], F64),
        ("one_part", (2, 3), 1, [3], F64),
        ("int32", (4, 3), 0, [1, 3], I32),
        ("float16", (2, 4), 1, [3, 1], F16),
    ]:
        x = some(f"split/{name}", shape, dtype)
        R.add(f"split/{name}", "split", lambda x, a=axis, s=sizes: list(torch.split(x, s, dim=a)), [x],
              {"axis": axis, "sizes": sizes})
    for name, shape, axis, n, dtype in [
        ("equal", (2, 6), 1, 3, F64),
        ("equal_bool", (4, 1), 0, 2, BOOL),
    ]:
        x = some(f"split_equal/{name}", shape, dtype)
        R.add(f"split_equal/{name}", "split_equal",
              lambda x, a=axis, n=n: list(torch.split(x, x.shape[a] // n, dim=a)), [x], {"axis": axis, "n": n})

    # slice: ONNX Slice with clamping and negative steps; gradients scatter dy back.
    for name, shape, p, dtype, agrees in [
        ("basic", (5, 4), {"starts": [1, 0], "ends": [4, 3]}, F64, True),
        ("steps", (6, 5), {"starts": [1, -1], "ends": [MAXINT, MININT], "steps": [2, -2]}, F64, True),
        ("reverse", (4,), {"starts": [MAXINT], "ends": [MININT], "steps": [-1]}, F64, True),
        ("clamped", (2, 7), {"axes": [-1], "starts": [-100], "ends": [100], "steps": [3]}, F64, True),
        ("negative_bounds", (6,), {"starts": [-2], "ends": [-5], "steps": [-1]}, F64, True),
        ("empty", (4, 2), {"axes": [0], "starts": [3], "ends": [1]}, F64, True),
        ("empty_negative_step", (4, 2), {"axes": [0], "starts": [1], "ends": [3], "steps": [-1]}, F64, True),
        ("axes_order", (3, 4, 5), {"axes": [2, 0], "starts": [1, 2], "ends": [4, 0], "steps": [2, -1]}, F64, True),
        ("end_of_axis_negative_step", (5,), {"starts": [10], "ends": [-10], "steps": [-3]}, F64, True),
        # ONNX clamps a start below -d to 0 with a negative step; Python would take nothing.
        ("onnx_start_clamp", (3,), {"starts": [-10], "ends": [MININT], "steps": [-1]}, F64, False),
        ("bool", (3, 4), {"starts": [0, 3], "ends": [3, 0], "steps": [2, -1]}, BOOL, True),
        ("float16", (5,), {"starts": [4], "ends": [MININT], "steps": [-2]}, F16, True),
        ("int8", (2, 3), {"axes": [1], "starts": [1], "ends": [3]}, I8, True),
    ]:
        x = some(f"slice/{name}", shape, dtype)
        idx = slice_indices(shape, p, agrees)
        y = torch.from_numpy(take(x.numpy(), idx))
        params = {"axes": p.get("axes"), "starts": p["starts"], "ends": p["ends"], "steps": p.get("steps")}
        if not dtype.is_floating_point or dtype == F16:
            R.add_manual(f"slice/{name}", "slice", [x], [y], params)
            continue
        dy = normal(f"slice/{name}/dy", tuple(y.shape))
        src = take(np.arange(x.numel()).reshape(shape), idx)
        gx = torch.from_numpy(scatter_add(shape, src, dy.numpy()))
        R.add_manual(f"slice/{name}", "slice", [x], [y], params, [dy], [gx])

    # flip: the same reversal through torch.
    for name, shape, axes, dtype in [
        ("one_axis", (3, 4), [0], F64),
        ("two_axes", (2, 3, 4), [0, -1], F64),
        ("all", (2, 3), None, F64),
        ("bool", (5,), [0], BOOL),
        ("float16", (2, 2), [1], F16),
    ]:
        x = some(f"flip/{name}", shape, dtype)
        dims = list(range(len(shape))) if axes is None else axes
        R.add(f"flip/{name}", "flip", lambda x, d=dims: torch.flip(x, d), [x], {"axes": axes})

    # pad: ONNX modes and layout through numpy.pad, negative pads, interior padding.
    for name, shape, mode, value, before, after, interior, dtype in [
        ("constant", (2, 3), "constant", 1.5, [1, 0], [2, 3], None, F64),
        ("constant_nan", (2,), "constant", NAN, [1], [1], None, F64),
        ("crop", (4, 5), "constant", 0.0, [-1, 2], [1, -3], None, F64),
        ("crop_all", (3,), "constant", 7.0, [-2], [-1], None, F64),
        ("interior", (3, 2), "constant", -1.0, [1, 0], [0, 2], [2, 1], F64),
        ("interior_crop", (4,), "constant", 0.0, [-2], [-1], [1], F64),
        ("empty", (0, 2), "constant", 3.0, [1, 1], [2, 0], None, F64),
        ("reflect", (3, 4), "reflect", 0.0, [2, 1], [1, 3], None, F64),
        ("reflect_3d", (2, 3, 4), "reflect", 0.0, [0, 2, 3], [1, 1, 0], None, F64),
        ("edge", (3, 4), "edge", 0.0, [0, 3], [2, 1], None, F64),
        ("edge_single", (1, 2), "edge", 0.0, [2, 0], [1, 2], None, F64),
        ("wrap", (3, 4), "wrap", 0.0, [3, 1], [1, 4], None, F64),
        ("float32_reflect", (5,), "reflect", 0.0, [4], [2], None, F32),
        ("int8_constant", (2, 2), "constant", -3.7, [1, 1], [0, 1], None, I8),
        ("bool_constant", (2, 2), "constant", 2.0, [0, 1], [1, 0], None, BOOL),
        ("float16_edge", (3,), "edge", 0.0, [2], [2], None, F16),
        ("uint8_wrap", (2, 3), "wrap", 0.0, [1, 2], [1, 0], None, U8),
    ]:
        x = some(f"pad/{name}", shape, dtype)
        itr = interior or [0] * len(shape)
        y = torch.from_numpy(np_pad(x.numpy(), before, after, itr, mode, value))
        params = {"mode": mode, "value": value, "before": before, "after": after, "interior": interior}
        if not dtype.is_floating_point or dtype == F16:
            R.add_manual(f"pad/{name}", "pad", [x], [y], params)
            continue
        src = np_pad(np.arange(x.numel(), dtype=np.int64).reshape(shape), before, after, itr, mode, -1.0)
        dy = normal(f"pad/{name}/dy", tuple(y.shape), dtype)
        gx = torch.from_numpy(scatter_add(shape, src, dy.to(F64).numpy())).to(dtype)
        R.add_manual(f"pad/{name}", "pad", [x], [y], params, [dy], [gx])
    # The ONNX layout of Pad's pads input.
    x = some("pad_onnx/reflect", (3, 4), F64)
    y = torch.from_numpy(np_pad(x.numpy(), [1, 2], [2, 0], [0, 0], "reflect", 0.0))
    R.add_manual("pad_onnx/reflect", "pad_onnx", [x], [y], {"mode": "reflect", "value": 0.0, "pads": [1, 2, 2, 0]})

    # tile, repeat, segment_sum: copies and their sums.
    for name, shape, reps, dtype in [
        ("same_rank", (2, 3), [2, 1], F64),
        ("more_reps", (2, 3), [2, 1, 3], F64),
        ("fewer_reps", (2, 3), [2], F64),
        ("zero", (2, 3), [0, 2], F64),
        ("bool", (2,), [3], BOOL),
    ]:
        x = some(f"tile/{name}", shape, dtype)
        R.add(f"tile/{name}", "tile", lambda x, r=reps: torch.tile(x, tuple(r)), [x], {"reps": reps})

    for name, shape, axis, counts, dtype in [
        ("count", (2, 3), 1, [3], F64),
        ("counts", (4, 2), 0, [2, 0, 1, 3], F64),
        ("neg_axis", (2, 3), -1, [1, 2, 0], F64),
        ("zero_count", (2, 3), 0, [0], F64),
        ("bool", (3,), 0, [2], BOOL),
        ("float16", (2, 2), 1, [1, 3], F16),
        ("int64", (3, 1), 0, [1, 2, 1], I64),
    ]:
        x = some(f"repeat/{name}", shape, dtype)
        rep = counts[0] if len(counts) == 1 else torch.tensor(counts)
        R.add(f"repeat/{name}", "repeat", lambda x, a=axis, r=rep: torch.repeat_interleave(x, r, dim=a), [x],
              {"axis": axis, "counts": counts})

    def segment_sum(x, axis, counts):
        parts = torch.split(x, counts, dim=axis)
        return torch.stack([p.sum(dim=axis) for p in parts], dim=axis % x.dim()).to(x.dtype)

    for name, shape, axis, counts, dtype in [
        ("counts", (2, 6), -1, [2, 0, 3, 1], F64),
        ("rows", (5, 2), 0, [1, 4], F64),
        ("float32", (7,), 0, [3, 3, 1], F32),
        ("int32", (2, 4), 1, [1, 0, 3], I32),
    ]:
        x = some(f"segment_sum/{name}", shape, dtype)
        R.add(f"segment_sum/{name}", "segment_sum", lambda x, a=axis, c=counts: segment_sum(x, a, c), [x],
              {"axis": axis, "counts": counts})

    # roll: torch.roll, with several axes, large and negative shifts, and flattened.
    for name, shape, shifts, axes, dtype in [
        ("one", (3, 5), [2], [1], F64),
        ("two", (3, 5), [1, -4], [0, 1], F64),
        ("large", (4,), [9], [0], F64),
        ("flat", (2, 3), [4], None, F64),
        ("bool", (2, 3), [-1], [-1], BOOL),
    ]:
        x = some(f"roll/{name}", shape, dtype)
        R.add(f"roll/{name}", "roll", lambda x, s=shifts, a=axes: torch.roll(x, s, a), [x],
              {"shifts": shifts, "axes": axes})

    # squeeze, unsqueeze, flatten: shapes from NumPy and ONNX's rules.
    for name, shape, axes in [("all", (1, 3, 1, 2), None), ("named", (1, 3, 1, 2), [-2]), ("scalar", (1, 1), None)]:
        x = some(f"squeeze/{name}", shape, F64)
        s = np.squeeze(np.empty(shape), axis=None if axes is None else tuple(axes)).shape
        R.add(f"squeeze/{name}", "squeeze", lambda x, s=s: x.reshape(s), [x], {"axes": axes})
    for name, shape, axes in [("front", (2, 3), [0]), ("several", (2, 3), [0, 3, -1]), ("scalar", (), [0])]:
        x = some(f"unsqueeze/{name}", shape, F64)
        s = np.expand_dims(np.empty(shape), axis=tuple(axes)).shape
        R.add(f"unsqueeze/{name}", "unsqueeze", lambda x, s=s: x.reshape(s), [x], {"axes": axes})
    for name, shape, axis in [("middle", (2, 3, 4), 2), ("zero", (2, 3), 0), ("end", (2, 3), 2),
                              ("negative", (2, 3, 4), -1), ("scalar", (), 0)]:
        x = some(f"flatten/{name}", shape, F64)
        a = axis + len(shape) if axis < 0 else axis
        s = (int(np.prod(shape[:a])), int(np.prod(shape[a:])))
        R.add(f"flatten/{name}", "flatten", lambda x, s=s: x.reshape(s), [x], {"axis": axis})
    x = some("flatten_batch/images", (2, 3, 2, 2), F64)
    R.add("flatten_batch/images", "flatten_batch", lambda x: torch.flatten(x, 1), [x])

    R.write("move.json", "ops/testdata/gen_move.py")


if __name__ == "__main__":
    main()
