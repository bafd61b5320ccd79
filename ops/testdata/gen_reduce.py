#!/usr/bin/python3
"""Generate reduce.json: PyTorch/NumPy reference values for the "reduce" family of package ops
(ops/reduce_more.go: prod, min, argmax/argmin, any/all, cumsum/cumprod, logsumexp, variance, std,
L1/L2 norms; ops/linalg.go: dot_general, einsum, outer, gemm).

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 ops/testdata/gen_reduce.py

Each case names an op (the snake_case name of the Go function it tests), its params, its input
tensors, the outputs, and for differentiable cases random upstream gradients "dys" and the input
gradients torch.autograd.grad gives for them ("grads", null for inputs without one). Inputs come
from NumPy generators seeded by the CRC-32 of the case name, so adding a case changes no other and
rerunning gives the same bytes. Floats are written with repr precision (float32 and float16 values
as the float64 holding them exactly); NaN and infinities as "nan", "inf", "-inf"; bools as 0 and 1.
Seeding, encoding and recording are oracle_common.py's. The file is read by
ops/rlm_oracle_test.go; never edit it by hand.
"""

import sys

sys.dont_write_bytecode = True  # importing oracle_common must leave no __pycache__ in testdata

import numpy as np  # noqa: E402
import torch  # noqa: E402

from oracle_common import (BOOL, F32, F64, I8, I32, I64, INF, NAN, U8, Recorder, bools, integers,  # noqa: E402
                           normal, t)


# ---- reference functions ----------------------------------------------------------------------

def all_axes(x, axes):
    """The normalized axes a reduction over axes (None: all) runs over."""
    return list(range(x.dim())) if axes is None else [a % x.dim() for a in axes]


def t_prod(x, axes, keep):
    # torch.prod takes one dim at a time; integer products come back as int64 and wrap when
    # converted back, as ONNX ReduceProd does in the input's type.
    y = x
    if axes is None and not keep:
        y = torch.prod(x)
    else:
        for a in sorted(all_axes(x, axes), reverse=True):
            y = torch.prod(y, dim=a, keepdim=keep)
    return y.to(x.dtype)


def t_amin(x, axes, keep):
    return torch.amin(x, dim=all_axes(x, axes), keepdim=keep)


def t_arg(fn, x, axis, keep, last):
    if not last:
        return fn(x, dim=axis, keepdim=keep)
    # select_last_index: the first of the flipped axis, counted from the end.
    n = x.shape[axis]
    return n - 1 - fn(torch.flip(x, [axis]), dim=axis, keepdim=keep)


def t_cum(fn, ident, x, axis, exclusive, reverse):
    y = torch.flip(x, [axis]) if reverse else x
    n = y.shape[axis]
    c = fn(y, dim=axis).to(x.dtype)
    if exclusive and n > 0:
        first = torch.full_like(y.narrow(axis, 0, 1), ident)
        c = torch.cat([first, c.narrow(axis, 0, n - 1)], dim=axis)
    return torch.flip(c, [axis]) if reverse else c


def t_bool_reduce(fn, x, axes, keep):
    a = tuple(all_axes(x, axes))
    return torch.from_numpy(np.asarray(fn(x.detach().numpy(), axis=a, keepdims=keep)))


def t_dot_general(a, b, lc, rc, lb, rb):
    """dot_general through torch.einsum: batch letters, then a's free, then b's free."""
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    la, lbb = [None] * a.dim(), [None] * b.dim()
    batch = []
    for i, j in zip(lb, rb):
        c = next(letters)
        la[i % a.dim()], lbb[j % b.dim()] = c, c
        batch.append(c)
    for i, j in zip(lc, rc):
        c = next(letters)
        la[i % a.dim()], lbb[j % b.dim()] = c, c
    fa, fb = [], []
    for k in range(a.dim()):
        if la[k] is None:
            la[k] = next(letters)
            fa.append(la[k])
    for k in range(b.dim()):
        if lbb[k] is None:
            lbb[k] = next(letters)
            fb.append(lbb[k])
    eq = "".join(la) + "," + "".join(lbb) + "->" + "".join(batch + fa + fb)
    return torch.einsum(eq, a, b)


def t_gemm(a, b, c, alpha, beta, ta, tb):
    y = (a.T if ta else a) @ (b.T if tb else b)
    if alpha != 1:
        y = y * alpha
    if c is None or beta == 0:
        return y
    return y + (c * beta if beta != 1 else c)


# ---- cases ------------------------------------------------------------------------------------

def reductions(R):
    def p(axes, keep=False):
        return {"axes": axes, "keepdims": keep}

    # prod: axes and keepdims, zeros (exact gradients), empty (1), NaN, integers wrapping.
    for name, x, axes, keep in [
        ("all", normal("prod/all", (2, 3)), None, False),
        ("all_keepdims", normal("prod/all_keepdims", (2, 3)), None, True),
        ("axis", normal("prod/axis", (2, 3, 4)), [1], False),
        ("axes_neg", normal("prod/axes_neg", (2, 3, 4)), [0, -1], False),
        ("keepdims", normal("prod/keepdims", (3, 4)), [-1], True),
        ("one_zero", t([[1.5, 0.0, -2.0, 0.5], [0.7, 1.1, 0.0, 0.0]]), [1], False),
        ("zeros_all", t([2.0, 0.0, 3.0, 0.0, 5.0]), None, False),
        ("empty_axis", torch.zeros((3, 0), dtype=F64), [1], False),
        ("scalar", t(2.5), None, False),
        ("nan_inf", t([[1.0, NAN, 2.0], [INF, 0.0, 1.0], [-INF, 2.0, 3.0]]), [1], False),
        ("float32", normal("prod/float32", (3, 5), F32), [1], False),
        ("int32", integers("prod/int32", (2, 3), -5, 6, I32), [0], False),
        ("int8_wrap", t([[100, 3], [-7, 20]], I8), [1], False),
        ("uint8_wrap", t([[200, 2, 3]], U8), None, False),
        ("int64", t([[1 << 40, 1 << 30], [3, -2]], I64), [1], True),
    ]:
        op = "prod_keepdims" if keep else "prod"
        R.add(f"{op}/{name}", op, lambda x, a=axes, k=keep: t_prod(x, a, k), [x], p(axes))

    # min: ties share the gradient (torch.amin), NaN propagates, integers.
    for name, x, axes, keep in [
        ("all", normal("min/all", (3, 4)), None, False),
        ("axis", normal("min/axis", (2, 5, 3)), [1], False),
        ("axes_keepdims", normal("min/axes_keepdims", (2, 3, 4)), [0, 2], True),
        ("ties", t([[1.0, -2.0, -2.0, 3.0], [0.5, 0.5, 0.5, 0.5]]), [1], False),
        ("nan", t([[1.0, NAN, -3.0], [2.0, 1.0, INF]]), [1], False),
        ("float32", normal("min/float32", (4, 3), F32), [0], False),
        ("int8", integers("min/int8", (3, 4), -128, 128, I8), [-1], False),
        ("uint8", integers("min/uint8", (3, 4), 0, 256, U8), None, False),
    ]:
        op = "min_keepdims" if keep else "min"
        R.add(f"{op}/{name}", op, lambda x, a=axes, k=keep: t_amin(x, a, k), [x], p(axes))

    # argmax/argmin: first of ties, NaN wins, select_last_index, keepdims, integers.
    for fn, op in [(torch.argmax, "argmax"), (torch.argmin, "argmin")]:
        for name, x, axis, keep, last in [
            ("rows", normal(f"{op}/rows", (3, 5)), 1, False, False),
            ("cols_keepdims", normal(f"{op}/cols_keepdims", (3, 5)), 0, True, False),
            ("neg_axis", normal(f"{op}/neg_axis", (2, 3, 4)), -2, False, False),
            ("ties", t([[1.0, 3.0, 3.0, -1.0, -1.0], [2.0, 2.0, 2.0, 2.0, 2.0]]), 1, False, False),
            ("ties_last", t([[1.0, 3.0, 3.0, -1.0, -1.0], [2.0, 2.0, 2.0, 2.0, 2.0]]), 1, False, True),
            ("nan", t([[1.0, NAN, 5.0, NAN], [-INF, INF, 0.0, 1.0]]), 1, False, False),
            ("int32", integers(f"{op}/int32", (4, 6), -3, 4, I32), 1, False, False),
            ("uint8", integers(f"{op}/uint8", (5, 2), 0, 3, U8), 0, True, False),
            ("float32", normal(f"{op}/float32", (6,), F32), 0, False, False),
        ]:
            R.add(f"{op}/{name}", op, lambda x, a=axis, k=keep, l=last, f=fn: t_arg(f, x, a, k, l), [x],
                  {"axis": axis, "keepdims": keep, "select_last_index": last})

    # any/all: bools, numbers (NaN is true), empty reductions.
    for fn, op in [(np.any, "any"), (np.all, "all")]:
        for name, x, axes, keep in [
            ("bool_rows", bools(f"{op}/bool_rows", (4, 3)), [1], False),
            ("bool_all", bools(f"{op}/bool_all", (2, 3)), None, False),
            ("bool_keepdims", t([[True, True], [False, True], [False, False]], BOOL), [0], True),
            ("float_nan", t([[0.0, NAN], [0.0, 0.0], [1.0, -0.5]]), [1], False),
            ("int32", t([[0, 3, 0], [0, 0, 0]], I32), [-1], False),
            ("empty", torch.zeros((2, 0), dtype=BOOL), [1], False),
        ]:
            o = op + ("_keepdims" if keep else "")
            R.add(f"{o}/{name}", o, lambda x, a=axes, k=keep, f=fn: t_bool_reduce(f, x, a, k), [x], p(axes))

    # cumsum/cumprod: every flavour of ONNX CumSum, zeros (exact cumprod gradients), integers.
    flavours = [("plain", False, False), ("exclusive", True, False), ("reverse", False, True),
                ("exclusive_reverse", True, True)]
    for fn, ident, op in [(torch.cumsum, 0, "cumsum"), (torch.cumprod, 1, "cumprod")]:
        for fl, ex, rev in flavours:
            for name, x, axis in [
                ("rows", normal(f"{op}/rows_{fl}", (3, 5)), 1),
                ("cols", normal(f"{op}/cols_{fl}", (4, 3)), -2),
                ("zeros", t([[2.0, 0.0, 3.0, 0.0, 5.0], [0.5, 1.5, -2.0, 0.0, 1.0], [0.0, 2.0, 3.0, 4.0, 0.5]]), 1),
            ]:
                R.add(f"{op}/{name}_{fl}", op, lambda x, a=axis, e=ex, r=rev, f=fn, i=ident: t_cum(f, i, x, a, e, r),
                      [x], {"axis": axis, "exclusive": ex, "reverse": rev})
        for name, x, axis, ex, rev in [
            ("float32", normal(f"{op}/float32", (2, 7), F32), 1, False, False),
            ("nan", t([1.0, NAN, 2.0, INF, -1.0]), 0, False, False),
            ("empty_axis", torch.zeros((3, 0), dtype=F64), 1, True, False),
            ("long", normal(f"{op}/long", (17,), scale=1.2), 0, False, False),
            ("int8_wrap", t([[100, 100, 100], [-100, 3, 7]], I8), 1, False, False),
            ("int32", integers(f"{op}/int32", (3, 4), -4, 5, I32), 0, True, True),
            ("uint8", t([[200, 100, 3, 4]], U8), -1, False, True),
        ]:
            R.add(f"{op}/{name}", op, lambda x, a=axis, e=ex, r=rev, f=fn, i=ident: t_cum(f, i, x, a, e, r),
                  [x], {"axis": axis, "exclusive": ex, "reverse": rev})

    # logsumexp: stable for large values, infinities, NaN, empty (-inf), integers (float32).
    for name, x, axes, keep in [
        ("axis", normal("logsumexp/axis", (3, 4)), [1], False),
        ("all", normal("logsumexp/all", (2, 3)), None, False),
        ("axes_keepdims", normal("logsumexp/axes_keepdims", (2, 3, 4)), [0, -1], True),
        ("large", t([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]]), [1], False),
        ("inf", t([[INF, 1.0], [-INF, -INF], [-INF, 2.0], [NAN, 1.0]]), [1], False),
        ("empty", torch.zeros((2, 0), dtype=F64), [1], False),
        ("float32", normal("logsumexp/float32", (5, 3), F32, scale=10), [0], False),
        ("int32", integers("logsumexp/int32", (2, 3), -3, 4, I32), [1], False),
    ]:
        op = "logsumexp_keepdims" if keep else "logsumexp"
        grad = name not in ("inf",)  # PyTorch's gradient at ±Inf is NaN either way
        R.add(f"{op}/{name}", op,
              lambda x, a=axes, k=keep: torch.logsumexp(x if x.dtype.is_floating_point else x.float(),
                                                       dim=all_axes(x, a), keepdim=k),
              [x], p(axes), grad=grad)

    # variance/std with a correction; a constant input (std's gradient is 0 there, as PyTorch);
    # divisors of 0 (Inf and NaN values; gradients not compared).
    for fn, op in [(torch.var, "variance"), (torch.std, "std")]:
        for name, x, axes, keep, c, grad in [
            ("population", normal(f"{op}/population", (3, 5)), [1], False, 0, True),
            ("sample", normal(f"{op}/sample", (3, 5)), [1], False, 1, True),
            ("all", normal(f"{op}/all", (2, 3)), None, False, 1, True),
            ("correction2_keepdims", normal(f"{op}/correction2_keepdims", (2, 3, 4)), [0, 2], True, 2, True),
            ("constant", torch.full((2, 4), 1.5, dtype=F64), [1], False, 1, True),
            ("nan", t([[1.0, NAN, 2.0], [1.0, 2.0, INF]]), [1], False, 1, False),
            ("one_element", t([[1.0], [2.0]]), [1], False, 1, False),
            ("big_correction", t([[1.0, 2.0], [3.0, 5.0]]), [1], False, 3, False),
            ("float32", normal(f"{op}/float32", (4, 6), F32, scale=100), [1], False, 1, True),
            ("int32", integers(f"{op}/int32", (3, 4), -5, 6, I32), [1], False, 0, True),
        ]:
            o = op + ("_keepdims" if keep else "")
            R.add(f"{o}/{name}", o,
                  lambda x, a=axes, k=keep, c=c, f=fn: f(x if x.dtype.is_floating_point else x.float(),
                                                          dim=all_axes(x, a), correction=c, keepdim=k),
                  [x], {"axes": axes, "keepdims": keep, "correction": c}, grad=grad)

    # L1 and L2 norms; zeros (gradient 0, as PyTorch), integers.
    for ordv, op in [(1, "l1_norm"), (2, "l2_norm")]:
        for name, x, axes, keep in [
            ("axis", normal(f"{op}/axis", (3, 4)), [1], False),
            ("all", normal(f"{op}/all", (2, 3)), None, False),
            ("keepdims", normal(f"{op}/keepdims", (2, 3, 4)), [0, -1], True),
            ("zeros", t([[0.0, 0.0, 0.0], [0.0, 3.0, -4.0]]), [1], False),
            ("nan_inf", t([[NAN, 1.0], [INF, -1.0], [-INF, 2.0]]), [1], False),
            ("float32", normal(f"{op}/float32", (3, 5), F32), [1], False),
        ]:
            o = op + ("_keepdims" if keep else "")
            R.add(f"{o}/{name}", o,
                  lambda x, a=axes, k=keep, n=ordv: torch.linalg.vector_norm(x, ord=n, dim=all_axes(x, a), keepdim=k),
                  [x], p(axes), grad=name != "nan_inf")
    x = t([[3, -4, 0], [-1, 1, -2]], I32)
    R.add("l1_norm/int32", "l1_norm", lambda x: x.abs().sum(dim=1).to(I32), [x], p([1]))
    R.add("l2_norm/int32", "l2_norm", lambda x: torch.linalg.vector_norm(x.float(), dim=1), [x], p([1]))


def linalg(R):
    for name, a, b, dims in [
        ("batch", normal("dot_general/batch", (2, 3, 4)), normal("dot_general/batch", (4, 2, 5), k=1),
         {"lhs_contracting": [2], "rhs_contracting": [0], "lhs_batch": [0], "rhs_batch": [1]}),
        ("two_contractions", normal("dot_general/two_contractions", (2, 3, 4)),
         normal("dot_general/two_contractions", (4, 5, 2), k=1),
         {"lhs_contracting": [0, -1], "rhs_contracting": [2, 0], "lhs_batch": [], "rhs_batch": []}),
        ("matmul", normal("dot_general/matmul", (3, 4)), normal("dot_general/matmul", (4, 2), k=1),
         {"lhs_contracting": [1], "rhs_contracting": [0], "lhs_batch": [], "rhs_batch": []}),
        ("transposed", normal("dot_general/transposed", (4, 3)), normal("dot_general/transposed", (2, 4), k=1),
         {"lhs_contracting": [0], "rhs_contracting": [1], "lhs_batch": [], "rhs_batch": []}),
        ("outer_batch", normal("dot_general/outer_batch", (3, 2)), normal("dot_general/outer_batch", (3, 4), k=1),
         {"lhs_contracting": [], "rhs_contracting": [], "lhs_batch": [0], "rhs_batch": [0]}),
        ("scrambled", normal("dot_general/scrambled", (2, 5, 3, 4)), normal("dot_general/scrambled", (3, 6, 2, 4), k=1),
         {"lhs_contracting": [3, 2], "rhs_contracting": [3, 0], "lhs_batch": [0], "rhs_batch": [2]}),
        ("float32", normal("dot_general/float32", (3, 8), F32), normal("dot_general/float32", (8,), F32, k=1),
         {"lhs_contracting": [1], "rhs_contracting": [0], "lhs_batch": [], "rhs_batch": []}),
        ("int64", integers("dot_general/int64", (2, 3), -5, 6, I64), integers("dot_general/int64", (3, 2), -5, 6, I64, k=1),
         {"lhs_contracting": [1], "rhs_contracting": [0], "lhs_batch": [], "rhs_batch": []}),
        ("empty", torch.zeros((2, 0), dtype=F64), torch.zeros((0, 3), dtype=F64),
         {"lhs_contracting": [1], "rhs_contracting": [0], "lhs_batch": [], "rhs_batch": []}),
    ]:
        R.add(f"dot_general/{name}", "dot_general",
              lambda a, b, d=dims: t_dot_general(a, b, d["lhs_contracting"], d["rhs_contracting"],
                                                 d["lhs_batch"], d["rhs_batch"]), [a, b], dims)

    for name, eq, shapes, dtype in [
        ("matmul", "ij,jk->ik", [(3, 4), (4, 2)], F64),
        ("batch_matmul", "bij,bjk->bik", [(2, 3, 4), (2, 4, 5)], F64),
        ("dot", "i,i->", [(5,), (5,)], F64),
        ("transpose", "ij->ji", [(3, 4)], F64),
        ("diagonal", "ii->i", [(4, 4)], F64),
        ("trace", "ii", [(3, 3)], F64),
        ("attention", "bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)], F64),
        ("ellipsis", "...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)], F64),
        ("ellipsis_broadcast", "...ij,...jk->...ik", [(2, 1, 3, 4), (3, 4, 2)], F64),
        ("outer", "i,j->ij", [(3,), (4,)], F64),
        ("row_sums", "ij->i", [(3, 4)], F64),
        ("sum_all", "ijk->", [(2, 3, 4)], F64),
        ("implicit", "ij,jk", [(2, 3), (3, 4)], F64),
        ("implicit_order", "ba", [(2, 3)], F64),
        ("three", "ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)], F64),
        ("bilinear", "bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)], F64),
        ("broadcast_label", "i,ij->j", [(1,), (3, 2)], F64),
        ("batch_diagonal", "bii->bi", [(2, 3, 3)], F64),
        ("float32", "ij,kj->ik", [(3, 6), (2, 6)], F32),
        ("int64", "ij,jk->ik", [(2, 3), (3, 2)], I64),
    ]:
        ins = [normal(f"einsum/{name}", s, dtype, k=i) if dtype.is_floating_point
               else integers(f"einsum/{name}", s, -4, 5, dtype, k=i) for i, s in enumerate(shapes)]
        R.add(f"einsum/{name}", "einsum", lambda *xs, e=eq: torch.einsum(e, *xs), ins, {"equation": eq})

    for name, a, b in [
        ("float64", normal("outer/float64", (3,)), normal("outer/float64", (4,), k=1)),
        ("float32", normal("outer/float32", (5,), F32), normal("outer/float32", (2,), F32, k=1)),
        ("int32", integers("outer/int32", (3,), -5, 6, I32), integers("outer/int32", (2,), -5, 6, I32, k=1)),
        ("empty", torch.zeros((0,), dtype=F64), normal("outer/empty", (3,))),
        ("promote", integers("outer/promote", (3,), -5, 6, I32), normal("outer/promote", (2,), F32, k=1)),
    ]:
        R.add(f"outer/{name}", "outer", torch.outer, [a, b])

    for name, sa, sb, sc, alpha, beta, ta, tb in [
        ("plain", (3, 4), (4, 2), (3, 2), 1.0, 1.0, False, False),
        ("trans_a", (4, 3), (4, 2), (3, 2), 1.0, 1.0, True, False),
        ("trans_b", (3, 4), (2, 4), (2,), 0.5, 2.0, False, True),
        ("trans_ab", (4, 3), (2, 4), (3, 1), -1.5, 0.25, True, True),
        ("c_row", (2, 3), (3, 5), (1, 5), 1.0, -1.0, False, False),
        ("c_scalar", (2, 3), (3, 5), (), 2.0, 3.0, False, False),
        ("no_c", (2, 3), (3, 2), None, 2.0, 1.0, False, False),
    ]:
        ins = [normal(f"gemm/{name}", sa), normal(f"gemm/{name}", sb, k=1)]
        if sc is not None:
            ins.append(normal(f"gemm/{name}", sc, k=2))
        params = {"alpha": alpha, "beta": beta, "trans_a": ta, "trans_b": tb}
        R.add(f"gemm/{name}", "gemm",
              lambda a, b, c=None, al=alpha, be=beta, x=ta, y=tb: t_gemm(a, b, c, al, be, x, y), ins, params)
    # beta 0: C is not read, so its NaN does not reach the result (as torch.addmm).
    ins = [normal("gemm/beta0_nan", (2, 3)), normal("gemm/beta0_nan", (3, 2), k=1), t([[NAN, 1.0], [INF, 0.0]])]
    R.add("gemm/beta0_nan", "gemm", lambda a, b, c: t_gemm(a, b, c, 1.5, 0.0, False, False), ins,
          {"alpha": 1.5, "beta": 0.0, "trans_a": False, "trans_b": False})


if __name__ == "__main__":
    # A case lists its outputs and their upstream gradients ("outputs", "dys") and always has
    # params; move.json is written the same way.
    R = Recorder(always_params=True, layout="lines_spaced")
    reductions(R)
    linalg(R)
    R.write("reduce.json", "ops/testdata/gen_reduce.py")
