#!/usr/bin/python3
"""Generate losses.json: reference values and gradients for package losses.

Run from the repository root with Debian's interpreter and packages (python3-torch 1.13,
python3-numpy):

    /usr/bin/python3 losses/testdata/gen_losses.py

Every case names a loss by its Keras name (the name losses.Get takes), its options in Keras's
terms, the inputs (y_true, y_pred, optional sample weights and, for the ctc_loss function, the
lengths), and:

  none     the unweighted per-sample losses (Go: Func.Call, the Keras loss function),
  reduced  the weighted loss under each reduction (sum_over_batch_size, sum,
           mean_with_sample_weight; "none" is none times the aligned weights),
  dy, grad an upstream gradient for `none` and its vector-Jacobian product with respect to
           y_pred,
  grad_reduced
           the gradient of the sum_over_batch_size loss with respect to y_pred.

All arithmetic is float64, on the CPU, single-threaded. Where PyTorch has the loss it is used
(torch.nn.functional: mse_loss, l1_loss, huber_loss, binary_cross_entropy(_with_logits),
cross_entropy with label_smoothing and probability targets, nll_loss, kl_div,
poisson_nll_loss, cosine_similarity, ctc_loss); where Keras's formula differs from PyTorch's or
PyTorch has none, Keras's formula is written here with torch operations so that autograd gives
its gradient, and the function says so. The reductions follow Keras's reduce_weighted_values
and are written out below. Inputs come from NumPy generators seeded by the CRC-32 of the case
name, so adding a case changes no other and rerunning writes the same bytes. Floats are written
with repr precision; "inf", "-inf" and "nan" as strings. The file is read by
losses/oracle_test.go; never edit it by hand.
"""

import json
import math
import zlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

F64, I64 = torch.float64, torch.int64
EPS = 1e-7  # keras.backend.epsilon()


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def encode_number(v):
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
    if t is None:
        return None
    if isinstance(t, np.ndarray):
        t = torch.from_numpy(np.ascontiguousarray(t))
    t = t.detach()
    name = {F64: "float64", I64: "int64"}[t.dtype]
    return {"dtype": name, "shape": list(t.shape), "data": [encode_number(v) for v in t.reshape(-1).tolist()]}


# ---- inputs ------------------------------------------------------------------------------------

def normal(name, shape, k, scale=1.0):
    return torch.from_numpy(np.asarray(scale * rng(f"{name}/{k}").standard_normal(shape)))


def uniform(name, shape, k, lo=0.0, hi=1.0):
    return torch.from_numpy(np.asarray(rng(f"{name}/{k}").uniform(lo, hi, shape)))


def integers(name, shape, k, lo, hi):
    return torch.from_numpy(np.asarray(rng(f"{name}/{k}").integers(lo, hi, shape, dtype=np.int64)))


def one_hot(name, shape, k):
    labels = integers(name, shape[:-1], k, 0, shape[-1])
    return F.one_hot(labels, shape[-1]).to(F64)


def probs(name, shape, k, axis=-1):
    return torch.softmax(normal(name, shape, k), dim=axis)


# ---- per-sample losses (y_true, y_pred) -> values, mask -----------------------------------------

def keras_align(y_true, y_pred):
    """keras squeeze_or_expand_to_same_rank(y_true, y_pred)."""
    if y_true.dim() == y_pred.dim() + 1 and y_true.shape[-1] == 1:
        return (y_true, y_pred.unsqueeze(-1)) if y_pred.dim() == 1 else (y_true.squeeze(-1), y_pred)
    if y_pred.dim() == y_true.dim() + 1 and y_pred.shape[-1] == 1:
        return (y_true.unsqueeze(-1), y_pred) if y_true.dim() == 1 else (y_true, y_pred.squeeze(-1))
    return y_true, y_pred


def mean_last(v, axis=-1):
    """Keras's mean over the last axis, except that rank-1 losses are per sample and kept (Tide
    differs from Keras there: Keras would average a rank-1 batch into one value)."""
    return v if v.dim() < 2 else v.mean(axis)


def mse(yt, yp, o):
    return mean_last(F.mse_loss(yp, yt, reduction="none"))


def mae(yt, yp, o):
    return mean_last(F.l1_loss(yp, yt, reduction="none"))


def mape(yt, yp, o):
    # Keras's formula (PyTorch has no MAPE): 100 mean(|t - p| / max(|t|, eps)).
    return mean_last(100 * ((yt - yp).abs() / yt.abs().clamp(min=EPS)))


def msle(yt, yp, o):
    # Keras's formula (PyTorch has no MSLE).
    return mean_last((torch.log(yp.clamp(min=EPS) + 1) - torch.log(yt.clamp(min=EPS) + 1)).square())


def huber(yt, yp, o):
    return mean_last(F.huber_loss(yp, yt, reduction="none", delta=o.get("delta", 1.0)))


def log_cosh(yt, yp, o):
    # Keras's loss; computed here directly as log(cosh(x)) (the inputs keep cosh finite), an
    # independent formula from the softplus form Keras and Tide use.
    return mean_last(torch.log(torch.cosh(yp - yt)))


def cosine(yt, yp, o):
    # -cosine_similarity; PyTorch's eps handling differs from Keras's only for near-zero
    # vectors, which the cases avoid.
    return -F.cosine_similarity(yt, yp, dim=o.get("axis", -1))


def bce(yt, yp, o):
    s = o.get("label_smoothing", 0.0)
    t = yt * (1 - s) + 0.5 * s
    if o.get("from_logits"):
        v = F.binary_cross_entropy_with_logits(yp, t, reduction="none")
    else:
        # Keras clips the probabilities to [eps, 1-eps]; PyTorch clamps the log at -100 instead.
        v = F.binary_cross_entropy(yp.clamp(EPS, 1 - EPS), t, reduction="none")
    return mean_last(v, o.get("axis", -1))


def binary_focal(yt, yp, o):
    # Keras's formula (PyTorch has no focal loss).
    s = o.get("label_smoothing", 0.0)
    t = yt * (1 - s) + 0.5 * s
    p = torch.sigmoid(yp) if o.get("from_logits") else yp
    ce = F.binary_cross_entropy(p.clamp(EPS, 1 - EPS), t, reduction="none")
    pt = t * p + (1 - t) * (1 - p)
    v = (1 - pt) ** o.get("gamma", 2.0) * ce
    if o.get("apply_class_balancing"):
        a = o.get("alpha", 0.25)
        v = (t * a + (1 - t) * (1 - a)) * v
    return mean_last(v, o.get("axis", -1))


def cce(yt, yp, o):
    axis, s = o.get("axis", -1), o.get("label_smoothing", 0.0)
    if o.get("from_logits"):
        # cross_entropy's class axis is 1.
        v = F.cross_entropy(yp.movedim(axis, 1), yt.movedim(axis, 1), reduction="none", label_smoothing=s)
        return v
    # Keras's formula for probabilities: normalise, clip, -sum t log p (PyTorch has none).
    t = yt * (1 - s) + s / yt.shape[axis]
    p = (yp / yp.sum(axis, keepdim=True)).clamp(EPS, 1 - EPS)
    return -(t * torch.log(p)).sum(axis)


def categorical_focal(yt, yp, o):
    # Keras's formula (PyTorch has no focal loss).
    axis, s = o.get("axis", -1), o.get("label_smoothing", 0.0)
    t = yt * (1 - s) + s / yt.shape[axis]
    p = torch.softmax(yp, axis) if o.get("from_logits") else yp
    p = (p / p.sum(axis, keepdim=True)).clamp(EPS, 1 - EPS)
    return (o.get("alpha", 0.25) * (1 - p) ** o.get("gamma", 2.0) * -(t * torch.log(p))).sum(axis)


def scce(yt, yp, o):
    labels = yt.to(I64)
    if labels.dim() == yp.dim() and labels.shape[-1] == 1:
        labels = labels.squeeze(-1)
    ic = o.get("ignore_class")
    logits = yp if o.get("from_logits") else torch.log(yp.clamp(EPS, 1 - EPS))  # Keras (TF backend)
    v = F.cross_entropy(logits.movedim(-1, 1), labels, reduction="none",
                        ignore_index=-100 if ic is None else ic)
    mask = None if ic is None else (labels != ic).to(F64)
    return v, mask


def kld(yt, yp, o):
    t, p = yt.clamp(EPS, 1), yp.clamp(EPS, 1)
    return F.kl_div(torch.log(p), t, reduction="none").sum(-1)


def poisson(yt, yp, o):
    return mean_last(F.poisson_nll_loss(yp, yt, log_input=False, full=False, eps=EPS, reduction="none"))


def hinge_labels(yt):
    b = ((yt == 0) | (yt == 1)).all()
    return 2 * yt - 1 if b else yt


def hinge(yt, yp, o):
    # Keras's formula (PyTorch's hinge_embedding_loss is a different loss).
    return mean_last(torch.clamp(1 - hinge_labels(yt) * yp, min=0))


def squared_hinge(yt, yp, o):
    return mean_last(torch.clamp(1 - hinge_labels(yt) * yp, min=0).square())


def categorical_hinge(yt, yp, o):
    pos = (yt * yp).sum(-1)
    neg = ((1 - yt) * yp).amax(-1)
    return torch.clamp(neg - pos + 1, min=0)


def ctc_core(labels, logits, label_lengths, logit_lengths, o):
    logp = torch.log_softmax(logits, -1).transpose(0, 1)  # [T, B, C]
    return F.ctc_loss(logp, labels, logit_lengths, label_lengths, blank=o.get("blank", 0),
                      reduction="none", zero_infinity=o.get("zero_infinity", False))


def ctc(yt, yp, o):
    # Keras's CTC loss: labels padded with the blank, full input lengths.
    labels = yt.to(I64)
    blank = o.get("blank", 0)
    label_lengths = (labels != blank).sum(1)
    logit_lengths = torch.full((yp.shape[0],), yp.shape[1], dtype=I64)
    return ctc_core(labels, yp, label_lengths, logit_lengths, o)


LOSSES = {
    "mean_squared_error": mse, "mean_absolute_error": mae, "mean_absolute_percentage_error": mape,
    "mean_squared_logarithmic_error": msle, "huber_loss": huber, "log_cosh": log_cosh,
    "cosine_similarity": cosine, "binary_crossentropy": bce, "binary_focal_crossentropy": binary_focal,
    "categorical_crossentropy": cce, "categorical_focal_crossentropy": categorical_focal,
    "sparse_categorical_crossentropy": scce, "kl_divergence": kld, "poisson": poisson,
    "hinge": hinge, "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge, "ctc": ctc,
}

# Losses whose y_true and y_pred go through Keras's LossFunctionWrapper rank alignment first
# (all of them; the sparse and CTC ones are unaffected by it for the shapes used here).


# ---- reductions (Keras reduce_weighted_values) --------------------------------------------------

def align_weights(v, w):
    """Keras squeeze_or_expand_to_same_rank(values, sample_weight), then Tide's broadcast of
    lower-rank weights along the values' trailing axes."""
    if v.dim() == w.dim() + 1 and v.shape[-1] == 1:
        if w.dim() == 1:
            w = w.unsqueeze(-1)
        else:
            v = v.squeeze(-1)
    elif w.dim() == v.dim() + 1 and w.shape[-1] == 1:
        if v.dim() == 1:
            v = v.unsqueeze(-1)
        else:
            w = w.squeeze(-1)
    while 0 < w.dim() < v.dim():
        w = w.unsqueeze(-1)
    return v, w


def reductions(v, w, mask):
    """The weighted values and each reduction of them."""
    sw = None
    if w is not None:
        v, sw = align_weights(v, w)
        v = v * sw
    out = {"none": v, "sum": v.sum()}
    if mask is not None:
        out["sum_over_batch_size"] = v.sum() / max(float(mask.sum()), 1.0)
    else:
        out["sum_over_batch_size"] = v.sum() / max(v.numel(), 1)
    if sw is not None:
        den = (sw * mask).sum() if mask is not None else sw.sum()
        out["mean_with_sample_weight"] = v.sum() / den if float(den) != 0 else v.sum() * 0
    else:
        out["mean_with_sample_weight"] = out["sum_over_batch_size"]
    return out


# ---- cases --------------------------------------------------------------------------------------

CASES = []


def add(name, loss, y_true, y_pred, options=None, sample_weight=None, lengths=None):
    """Record a case of the loss with Keras name `loss`. lengths = (label_lengths, logit_lengths)
    makes it a case of the ctc_loss function instead."""
    assert all(c["name"] != name for c in CASES), name
    o = options or {}
    yp = y_pred.clone().requires_grad_(True)
    yt = y_true
    if lengths is not None:
        v, mask = ctc_core(yt, yp, lengths[0], lengths[1], o), None
    else:
        if loss not in ("sparse_categorical_crossentropy", "ctc"):
            yt, ypa = keras_align(yt, yp)
        else:
            ypa = yp
        r = LOSSES[loss](yt, ypa, o)
        v, mask = r if isinstance(r, tuple) else (r, None)
    red = reductions(v, sample_weight, mask)
    dy = torch.from_numpy(np.asarray(rng(name + "/dy").standard_normal(tuple(v.shape))))
    (grad,) = torch.autograd.grad(v, yp, grad_outputs=dy, retain_graph=True)
    (grad_red,) = torch.autograd.grad(red["sum_over_batch_size"], yp)
    case = {"name": name, "loss": loss, "options": o,
            "y_true": encode(y_true), "y_pred": encode(y_pred), "sample_weight": encode(sample_weight),
            "none": encode(v), "reduced": {k: encode(x) for k, x in red.items()},
            "dy": encode(dy), "grad": encode(grad), "grad_reduced": encode(grad_red)}
    if lengths is not None:
        case["label_lengths"], case["logit_lengths"] = encode(lengths[0]), encode(lengths[1])
    CASES.append(case)


def weights(name, shape):
    return uniform(name, shape, 9, 0.0, 2.0)


def regression_cases():
    for loss in ("mean_squared_error", "mean_absolute_error", "huber_loss", "log_cosh"):
        n = f"{loss}/basic"
        add(n, loss, normal(n, (4, 3), 0), normal(n, (4, 3), 1))
        n = f"{loss}/weighted"
        add(n, loss, normal(n, (5, 2), 0), normal(n, (5, 2), 1), sample_weight=weights(n, (5,)))
        n = f"{loss}/rank3"
        add(n, loss, normal(n, (2, 3, 4), 0), normal(n, (2, 3, 4), 1), sample_weight=weights(n, (2,)))
    n = "huber_loss/delta"
    add(n, "huber_loss", normal(n, (4, 5), 0, 2), normal(n, (4, 5), 1, 2), {"delta": 0.7}, weights(n, (4,)))
    n = "mean_squared_error/vector_targets"  # y_true [B] with y_pred [B, 1]: y_true is expanded
    add(n, "mean_squared_error", normal(n, (6,), 0), normal(n, (6, 1), 1), sample_weight=weights(n, (6,)))
    n = "mean_squared_error/rank1"  # rank-1 predictions: one loss per element
    add(n, "mean_squared_error", normal(n, (7,), 0), normal(n, (7,), 1), sample_weight=weights(n, (7,)))
    n = "binary_crossentropy/rank1"
    add(n, "binary_crossentropy", integers(n, (6,), 0, 0, 2).to(F64), normal(n, (6,), 1, 2), {"from_logits": True},
        weights(n, (6,)))
    n = "mean_squared_error/column_weights"  # weights [B, 1] for values [B]: values are expanded
    add(n, "mean_squared_error", normal(n, (4, 3), 0), normal(n, (4, 3), 1), sample_weight=weights(n, (4, 1)))
    n = "log_cosh/large"
    add(n, "log_cosh", normal(n, (3, 4), 0, 8), normal(n, (3, 4), 1, 8))
    for loss in ("mean_absolute_percentage_error", "mean_squared_logarithmic_error"):
        n = f"{loss}/basic"
        add(n, loss, uniform(n, (4, 3), 0, 0.5, 3), uniform(n, (4, 3), 1, 0.5, 3), sample_weight=weights(n, (4,)))
        n = f"{loss}/signs"  # negative values hit the epsilon guards
        yt = normal(n, (3, 4), 0)
        yt[0, 0] = 0.0
        add(n, loss, yt, normal(n, (3, 4), 1) + 0.1)
    for axis in (-1, 1):
        n = f"cosine_similarity/axis{axis}"
        add(n, "cosine_similarity", normal(n, (3, 4, 2), 0), normal(n, (3, 4, 2), 1), {"axis": axis},
            weights(n, (3,)))


def probabilistic_cases():
    for logits in (False, True):
        tag = "logits" if logits else "probs"
        o = {"from_logits": True} if logits else {}
        n = f"binary_crossentropy/{tag}"
        yp = normal(n, (4, 3), 1, 2) if logits else uniform(n, (4, 3), 1, 0.02, 0.98)
        add(n, "binary_crossentropy", integers(n, (4, 3), 0, 0, 2).to(F64), yp, o, weights(n, (4,)))
        n = f"binary_crossentropy/{tag}_smoothing"
        yp = normal(n, (5, 2), 1, 3) if logits else uniform(n, (5, 2), 1, 0.02, 0.98)
        add(n, "binary_crossentropy", integers(n, (5, 2), 0, 0, 2).to(F64), yp, dict(o, label_smoothing=0.2))
        n = f"binary_focal_crossentropy/{tag}"
        yp = normal(n, (4, 3), 1, 2) if logits else uniform(n, (4, 3), 1, 0.02, 0.98)
        add(n, "binary_focal_crossentropy", integers(n, (4, 3), 0, 0, 2).to(F64), yp, o, weights(n, (4,)))
        n = f"binary_focal_crossentropy/{tag}_balanced"
        yp = normal(n, (4, 3), 1, 2) if logits else uniform(n, (4, 3), 1, 0.02, 0.98)
        add(n, "binary_focal_crossentropy", integers(n, (4, 3), 0, 0, 2).to(F64), yp,
            dict(o, apply_class_balancing=True, alpha=0.4, gamma=1.5, label_smoothing=0.1))

        n = f"categorical_crossentropy/{tag}"
        yp = normal(n, (5, 4), 1, 2) if logits else probs(n, (5, 4), 1)
        add(n, "categorical_crossentropy", one_hot(n, (5, 4), 0), yp, o, weights(n, (5,)))
        n = f"categorical_crossentropy/{tag}_smoothing"
        yp = normal(n, (4, 6), 1, 2) if logits else probs(n, (4, 6), 1)
        add(n, "categorical_crossentropy", one_hot(n, (4, 6), 0), yp, dict(o, label_smoothing=0.1))
        n = f"categorical_crossentropy/{tag}_soft_targets_rank3"
        yp = normal(n, (2, 3, 4), 1, 2) if logits else probs(n, (2, 3, 4), 1)
        add(n, "categorical_crossentropy", probs(n, (2, 3, 4), 0), yp, o, weights(n, (2, 3)))
        n = f"categorical_crossentropy/{tag}_axis1"
        yp = normal(n, (3, 4, 2), 1, 2) if logits else probs(n, (3, 4, 2), 1, axis=1)
        add(n, "categorical_crossentropy", probs(n, (3, 4, 2), 0, axis=1), yp, dict(o, axis=1))
        n = f"categorical_focal_crossentropy/{tag}"
        yp = normal(n, (5, 4), 1, 2) if logits else probs(n, (5, 4), 1)
        add(n, "categorical_focal_crossentropy", one_hot(n, (5, 4), 0), yp,
            dict(o, alpha=0.3, gamma=2.5, label_smoothing=0.05), weights(n, (5,)))

        n = f"sparse_categorical_crossentropy/{tag}"
        yp = normal(n, (6, 5), 1, 2) if logits else probs(n, (6, 5), 1)
        add(n, "sparse_categorical_crossentropy", integers(n, (6,), 0, 0, 5), yp, o, weights(n, (6,)))
        n = f"sparse_categorical_crossentropy/{tag}_column_labels"
        yp = normal(n, (4, 3), 1, 2) if logits else probs(n, (4, 3), 1)
        add(n, "sparse_categorical_crossentropy", integers(n, (4, 1), 0, 0, 3).to(F64), yp, o)
        n = f"sparse_categorical_crossentropy/{tag}_ignore"
        yp = normal(n, (3, 4, 5), 1, 2) if logits else probs(n, (3, 4, 5), 1)
        labels = integers(n, (3, 4), 0, 0, 5)
        labels[integers(n, (3, 4), 2, 0, 3) == 0] = -1
        add(n, "sparse_categorical_crossentropy", labels, yp, dict(o, ignore_class=-1), weights(n, (3,)))
    n = "binary_crossentropy/probs_clipped"  # exact 0 and 1 predictions hit the clipping
    yp = uniform(n, (3, 4), 1, 0.1, 0.9)
    yp[0, 0], yp[1, 2], yp[2, 3] = 0.0, 1.0, 0.0
    add(n, "binary_crossentropy", integers(n, (3, 4), 0, 0, 2).to(F64), yp)
    n = "binary_crossentropy/logits_vector_targets"
    add(n, "binary_crossentropy", integers(n, (6,), 0, 0, 2).to(F64), normal(n, (6, 1), 1, 3), {"from_logits": True})
    n = "binary_crossentropy/logits_large"
    add(n, "binary_crossentropy", integers(n, (2, 4), 0, 0, 2).to(F64), normal(n, (2, 4), 1, 60), {"from_logits": True})
    n = "sparse_categorical_crossentropy/logits_large"
    add(n, "sparse_categorical_crossentropy", integers(n, (4,), 0, 0, 3), normal(n, (4, 3), 1, 200), {"from_logits": True})

    n = "kl_divergence/basic"
    yt = probs(n, (4, 5), 0)
    yt[0, 1] = 0.0  # clipped to eps
    add(n, "kl_divergence", yt, probs(n, (4, 5), 1), sample_weight=weights(n, (4,)))
    n = "poisson/basic"
    add(n, "poisson", integers(n, (4, 3), 0, 0, 5).to(F64), uniform(n, (4, 3), 1, 0.1, 4), sample_weight=weights(n, (4,)))


def hinge_cases():
    for loss in ("hinge", "squared_hinge"):
        n = f"{loss}/binary_labels"  # 0/1 labels are converted to -1/1
        add(n, loss, integers(n, (4, 3), 0, 0, 2).to(F64), normal(n, (4, 3), 1), sample_weight=weights(n, (4,)))
        n = f"{loss}/signed_labels"
        add(n, loss, 2 * integers(n, (4, 3), 0, 0, 2).to(F64) - 1, normal(n, (4, 3), 1))
    n = "categorical_hinge/basic"
    add(n, "categorical_hinge", one_hot(n, (5, 4), 0), normal(n, (5, 4), 1), sample_weight=weights(n, (5,)))


def ctc_cases():
    n = "ctc/basic"  # Keras's loss: labels padded with the blank 0
    labels = integers(n, (3, 4), 0, 1, 5)
    labels[0, 3] = 0
    labels[1, 2:] = 0
    add(n, "ctc", labels, normal(n, (3, 8, 5), 1), sample_weight=weights(n, (3,)))
    n = "ctc/repeats"  # repeated labels need a blank between them
    labels = torch.tensor([[1, 1, 2, 0], [3, 3, 3, 0]], dtype=I64)
    add(n, "ctc", labels, normal(n, (2, 7, 4), 1))
    n = "ctc/blank_last"
    labels = integers(n, (2, 3), 0, 0, 4)
    labels[1, 2] = 4
    add(n, "ctc", labels, normal(n, (2, 6, 5), 1), {"blank": 4})
    n = "ctc/infeasible_zero_infinity"
    labels = torch.tensor([[1, 2, 1, 2], [1, 2, 0, 0]], dtype=I64)
    add(n, "ctc", labels, normal(n, (2, 3, 3), 1), {"zero_infinity": True})
    n = "ctc_loss/lengths"  # the function with per-sample lengths
    labels = integers(n, (4, 5), 0, 1, 6)
    add(n, "ctc_loss", labels, normal(n, (4, 9, 6), 1), {"blank": 0},
        lengths=(torch.tensor([5, 3, 0, 2], dtype=I64), torch.tensor([9, 7, 4, 2], dtype=I64)))
    n = "ctc_loss/long"
    labels = integers(n, (2, 6), 0, 0, 7)
    add(n, "ctc_loss", labels, normal(n, (2, 30, 8), 1, 2), {"blank": 7},
        lengths=(torch.tensor([6, 4], dtype=I64), torch.tensor([30, 21], dtype=I64)))


def main():
    regression_cases()
    probabilistic_cases()
    hinge_cases()
    ctc_cases()
    out = {"generator": "losses/testdata/gen_losses.py", "torch": torch.__version__, "numpy": np.__version__}
    with open("losses/testdata/losses.json", "w") as f:
        f.write('{"generator": %s, "torch": %s, "numpy": %s, "cases": [\n' % (
            json.dumps(out["generator"]), json.dumps(out["torch"]), json.dumps(out["numpy"])))
        f.write(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in CASES))
        f.write("\n]}\n")
    print(f"wrote {len(CASES)} cases to losses/testdata/losses.json")


if __name__ == "__main__":
    main()
