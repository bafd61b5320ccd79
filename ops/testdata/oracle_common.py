"""Helpers shared by the generators of the oracle files of package ops (gen_*.py beside this file).

Each generator records cases: an op name (the snake_case name of the Go function it tests), its
params, its input tensors, the reference outputs, and for differentiable cases random upstream
gradients and the input gradients torch.autograd.grad gives for them (null for an input without
one). Inputs are drawn from NumPy generators seeded by the CRC-32 of the case name, so adding a
case changes no other and rerunning gives the same bytes. A tensor is written as
{"dtype", "shape", "data"}: floats with repr precision (float32 and float16 values as the float64
holding them exactly), NaN and infinities as the strings "nan", "inf" and "-inf", bools as 0 and
1; float params are written the same way. The files differ only in the layout Recorder's options
name; ops/oracle_helpers_test.go reads every one of them.

A generator imports this module after `sys.dont_write_bytecode = True`, so that running it
leaves no __pycache__ in testdata.
"""

import json
import math
import os
import zlib

import numpy as np
import torch

torch.set_num_threads(1)  # a fixed summation order, so the output is the same on every machine

F64, F32, F16 = torch.float64, torch.float32, torch.float16
I8, U8, I32, I64, BOOL = torch.int8, torch.uint8, torch.int32, torch.int64, torch.bool
NAMES = {F64: "float64", F32: "float32", F16: "float16", I8: "int8", U8: "uint8", I32: "int32",
         I64: "int64", BOOL: "bool"}
NAN, INF = float("nan"), float("inf")
MAXINT, MININT = 2**63 - 1, -2**63  # Go's math.MaxInt and math.MinInt on 64-bit machines

HERE = os.path.dirname(os.path.abspath(__file__))


def rng(name):
    """The NumPy generator of a name: the CRC-32 of the name seeds it."""
    return np.random.default_rng(zlib.crc32(name.encode()))


def encode_number(v):
    """A JSON value for v: bools as 0 and 1, NaN and infinities as strings."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def encode(t):
    """The JSON form of a tensor or NumPy array (None, an optional input left out, stays None)."""
    if t is None:
        return None
    if isinstance(t, np.ndarray):
        t = torch.from_numpy(np.ascontiguousarray(t))
    t = t.detach()
    return {"dtype": NAMES[t.dtype], "shape": list(t.shape),
            "data": [encode_number(v) for v in t.reshape(-1).tolist()]}


def encode_params(params):
    """params with its float values encoded (an infinite bound is "inf")."""
    return {k: encode_number(v) if isinstance(v, float) else v for k, v in params.items()}


# ---- seeded inputs: input k of a case comes from the generator of f"{name}/{k}" --------------

def normal(name, shape, dtype=F64, k=0, *, scale=1.0, loc=0.0):
    """Standard normal values (times scale, plus loc) of a shape."""
    v = scale * rng(f"{name}/{k}").standard_normal(shape)
    if loc:
        v = loc + v
    return torch.from_numpy(np.asarray(v)).to(dtype)


def uniform(name, shape, lo, hi, dtype=F64, k=0):
    return torch.from_numpy(np.asarray(rng(f"{name}/{k}").uniform(lo, hi, shape))).to(dtype)


def away_from_zero(name, shape, dtype=F64, k=0):
    """Values in ±[0.5, 2): safe divisors."""
    r = rng(f"{name}/{k}")
    sign = np.where(r.random(shape) < 0.5, -1.0, 1.0)
    return torch.from_numpy(np.asarray(sign * r.uniform(0.5, 2.0, shape))).to(dtype)


def integers(name, shape, lo, hi, dtype=I64, k=0):
    """Integers in [lo, hi)."""
    r = rng(f"{name}/{k}")
    return torch.from_numpy(np.asarray(r.integers(lo, hi, shape, dtype=np.int64))).to(dtype)


def bools(name, shape, k=0):
    return torch.from_numpy(np.asarray(rng(f"{name}/{k}").random(shape) < 0.5))


def t(v, dtype=F64):
    return torch.tensor(v, dtype=dtype)


# ---- recording and writing cases --------------------------------------------------------------

class Recorder:
    """The cases of one file, and the layout it is written in.

    single: a case has one output, written "output", with its upstream gradient "dy"; otherwise
    "outputs" is a list, with a list of upstream gradients under dy_key (null for an output that
    is not differentiable).
    always_params: every case has "params" ({} when there are none), not only those given some.
    skip_empty: no gradients are recorded when every output is empty.
    dy_seed: appended to the case name, it names the generator of the upstream gradients.
    layout: "lines" (one case per line), "lines_spaced" (the same with JSON's default spacing in
    the head) or "compact" (one line).
    """

    def __init__(self, single=False, dy_key="dys", always_params=False, skip_empty=False, dy_seed="/dy",
                 layout="lines"):
        self.cases = []
        self.single, self.dy_key, self.always_params = single, dy_key, always_params
        self.skip_empty, self.dy_seed, self.layout = skip_empty, dy_seed, layout

    def add(self, name, op, ref, inputs, params=None, grad=True, grad_inputs=None, no_grad=()):
        """Record one case: ref(*inputs) is the reference result (a tensor, or a list or tuple of
        them); with grad, the gradient of every floating-point input (or of those listed in
        grad_inputs, less those in no_grad) for random upstream gradients when the result is
        differentiable. An input may be None (an optional input left out)."""
        inputs = [None if v is None else v.clone() for v in inputs]
        wants = [grad and v is not None and i not in no_grad and
                 (v.dtype.is_floating_point if grad_inputs is None else i in grad_inputs)
                 for i, v in enumerate(inputs)]
        for v, w in zip(inputs, wants):
            if v is not None:
                v.requires_grad_(w)
        ys = ref(*inputs)
        ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
        dys, grads = None, None
        if any(y.requires_grad for y in ys) and not (self.skip_empty and all(y.numel() == 0 for y in ys)):
            r = rng(name + self.dy_seed)
            dys = [torch.from_numpy(np.asarray(r.standard_normal(tuple(y.shape)))).to(y.dtype)
                   if y.requires_grad else None for y in ys]
            xs = [v for v, w in zip(inputs, wants) if w]
            gs = torch.autograd.grad([y for y in ys if y.requires_grad], xs,
                                     grad_outputs=[d for d in dys if d is not None], allow_unused=True)
            # An input the result does not use (the selector of max_pool_grad) has a zero gradient.
            gs = iter([torch.zeros_like(x) if g is None else g for x, g in zip(xs, gs)])
            grads = [next(gs) if w else None for w in wants]
        self.add_manual(name, op, inputs, ys, params, dys, grads)

    def add_manual(self, name, op, inputs, outputs, params=None, dys=None, grads=None):
        """Record a case whose outputs (and the gradients grads for the upstream gradients dys)
        were computed without autograd."""
        assert all(c["name"] != name for c in self.cases), name
        assert name.split("/")[0] == op, name
        case = {"name": name, "op": op}
        if params is not None or self.always_params:
            case["params"] = encode_params(params or {})
        case["inputs"] = [encode(v) for v in inputs]
        if self.single:
            assert len(outputs) == 1 and (dys is None or len(dys) == 1), name
            case["output"] = encode(outputs[0])
            if dys is not None:
                case["dy"] = encode(dys[0])
        else:
            case["outputs"] = [encode(y) for y in outputs]
            if dys is not None:
                case[self.dy_key] = [encode(d) for d in dys]
        if dys is not None:
            case["grads"] = [encode(g) for g in grads]
        self.cases.append(case)

    def write(self, filename, generator):
        """Write the cases to filename beside this module; generator names the script."""
        head = {"generator": generator, "torch": torch.__version__, "numpy": np.__version__}
        if self.layout == "compact":
            text = json.dumps({**head, "cases": self.cases}, separators=(",", ":"), allow_nan=False) + "\n"
        else:
            # One case per line: compact, yet a diff shows which cases changed.
            sep = (", ", ": ") if self.layout == "lines_spaced" else (",", ":")
            lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in self.cases]
            text = (json.dumps(head, separators=sep)[:-1] + sep[0] + '"cases"' + sep[1] + "[\n" +
                    ",\n".join(lines) + "\n]}\n")
        path = os.path.join(HERE, filename)
        with open(path, "w") as f:
            f.write(text)
        print(f"wrote {len(self.cases)} cases, {len(text)} bytes to {path}")
