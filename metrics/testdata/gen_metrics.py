#!/usr/bin/python3
"""Generate metrics.json: streamed-metric fixtures for package metrics, checked against
scikit-learn.

Run from the repository root with Debian's interpreter and packages (python3-sklearn 1.2,
python3-numpy 1.24):

    /usr/bin/python3 metrics/testdata/gen_metrics.py

Each case names a metric by its Keras name (as metrics.Get takes it; "mean_io_u" and
"confusion_matrix" are constructed by the test), its options under their Keras names, and the
data split into several batches of different sizes, each with sample weights. The test feeds the
batches to one metric and compares the streamed result with:

  sklearn      scikit-learn's function on the concatenated data, within sklearn_tol. The
               tolerance is 1e-9 where Keras's formula and scikit-learn's agree exactly;
               1e-6 for F-scores, where Keras adds 1e-7 to each denominator (the effect is at
               most a few 1e-7 for these counts); and for ROC AUC the bound computed by
               auc_bound below: Keras's thresholded AUC is exactly the AUC of the predictions
               rounded up to the thresholds, so it can differ from the exact one only on
               positive-negative pairs that fall between the same two thresholds, each by at
               most half its weight.
  want         Keras's own formula, computed here with NumPy in float64, where it is not
               scikit-learn's (AUC, F-scores, cosine similarity); otherwise the scikit-learn
               value. The test compares with it to 1e-9 in float64.

PR AUC has no scikit-learn equivalent with a provable bound (average_precision_score is a step
sum over every distinct score; Keras interpolates between 200 thresholds), so its cases carry
Keras's formula only, and the scikit-learn average precision as "info" for the test log. For
ROC AUC, scikit-learn's value must also lie between Keras's minoring and majoring sums, which
the test checks.

Inputs come from NumPy generators seeded by the CRC-32 of the case name, so rerunning writes the
same bytes. Floats are written with repr precision. The file is read by
metrics/sklearn_test.go; never edit it by hand.
"""

import json
import zlib

import numpy as np
import sklearn
from sklearn import metrics as skm

EPS = 1e-7


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def enc(a):
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return {"dtype": "int64", "shape": list(a.shape), "data": [int(v) for v in a.reshape(-1)]}
    return {"dtype": "float64", "shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


CASES = []
SIZES = (13, 7, 20)  # the batch sizes the data is streamed in


def add(name, metric, options, y_true, y_pred, w, want, sklearn_value=None, sklearn_tol=1e-9, info=None):
    assert all(c["name"] != name for c in CASES), name
    batches, lo = [], 0
    for n in SIZES:
        batches.append({"y_true": enc(y_true[lo:lo + n]), "y_pred": enc(y_pred[lo:lo + n]),
                        "sample_weight": None if w is None else enc(w[lo:lo + n])})
        lo += n
    assert lo == len(y_true)
    case = {"name": name, "metric": metric, "options": options, "batches": batches, "want": enc(want)}
    if sklearn_value is not None:
        case["sklearn"], case["sklearn_tol"] = enc(sklearn_value), sklearn_tol
    if info is not None:
        case["info"] = info
    CASES.append(case)


N = sum(SIZES)


def data(name, kind, shape=(), classes=4):
    r = rng(name)
    w = r.uniform(0, 2, N)
    w[r.integers(0, N, 4)] = 0  # some samples weigh nothing
    if kind == "binary":
        y = r.integers(0, 2, (N,) + shape)
        p = np.clip(0.35 * y + r.uniform(0, 0.65, (N,) + shape), 0, 1)  # informative scores
        return y, p, w
    if kind == "classes":
        y = r.integers(0, classes, (N,) + shape)
        logits = r.standard_normal((N,) + shape + (classes,)) + 1.2 * np.eye(classes)[y]
        return y, logits, w
    raise ValueError(kind)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# ---- Keras's formulas ---------------------------------------------------------------------------

def keras_counts(y, p, w, thresholds, multi_label=False):
    """tp, fp, tn, fn per threshold (Keras's update_confusion_matrix_variables)."""
    w = np.broadcast_to(w.reshape(w.shape + (1,) * (p.ndim - w.ndim)), p.shape)
    if not multi_label:
        y, p, w = y.reshape(-1), p.reshape(-1), w.reshape(-1)
    t = np.asarray(thresholds).reshape((-1,) + (1,) * p.ndim)
    pos, lab = p[None] > t, (y != 0)[None]
    s = lambda c: (c * w[None]).sum(1)
    return s(lab & pos), s(~lab & pos), s(~lab & ~pos), s(lab & ~pos)


def auc_thresholds(n=200):
    return [-EPS] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + EPS]


def keras_auc(y, p, w, curve="ROC", summation="interpolation", multi_label=False, label_weights=None, n=200):
    tp, fp, tn, fn = keras_counts(y, np.clip(p, 0, 1), w, auc_thresholds(n), multi_label)
    dnn = lambda a, b: np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))
    if curve == "PR" and summation == "interpolation":
        dtp = tp[:-1] - tp[1:]
        pp = tp + fp
        dp = pp[:-1] - pp[1:]
        slope = dnn(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * pp[1:]
        ratio = np.where((pp[:-1] > 0) & (pp[1:] > 0), dnn(pp[:-1], np.maximum(pp[1:], 0)), 1.0)
        terms = dnn(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
    else:
        recall = dnn(tp, tp + fn)
        x, yy = (dnn(fp, fp + tn), recall) if curve == "ROC" else (recall, dnn(tp, tp + fp))
        h = {"interpolation": (yy[:-1] + yy[1:]) / 2, "minoring": np.minimum(yy[:-1], yy[1:]),
             "majoring": np.maximum(yy[:-1], yy[1:])}[summation]
        terms = (x[:-1] - x[1:]) * h
    if not multi_label:
        return terms.sum()
    by_label = terms.sum(0)
    if label_weights is None:
        return by_label.mean()
    lw = np.asarray(label_weights)
    return (by_label * lw).sum() / lw.sum()


def auc_bound(y, p, w, n=200):
    """Half the weight of the positive-negative pairs whose predictions fall between the same two
    thresholds, over the weight of all pairs: how far Keras's ROC AUC can be from the exact one."""
    t = np.asarray(auc_thresholds(n))
    bucket = (np.clip(p, 0, 1)[:, None] > t[None]).sum(1)
    pos, neg = y != 0, y == 0
    wp = np.bincount(bucket[pos], weights=w[pos], minlength=n + 1)
    wn = np.bincount(bucket[neg], weights=w[neg], minlength=n + 1)
    return 0.5 * (wp * wn).sum() / (w[pos].sum() * w[neg].sum())


def keras_fbeta(y, pred_pos, w, beta, average):
    ww = w[:, None]
    tp = (pred_pos * y * ww).sum(0)
    fp = (pred_pos * (1 - y) * ww).sum(0)
    fn = ((1 - pred_pos) * y * ww).sum(0)
    sup = (y * ww).sum(0)
    if average == "micro":
        tp, fp, fn, sup = tp.sum(), fp.sum(), fn.sum(), sup.sum()
    prec = tp / (tp + fp + EPS)
    rec = tp / (tp + fn + EPS)
    f = (1 + beta ** 2) * prec * rec / (beta ** 2 * prec + rec + EPS)
    if average == "weighted":
        return (f * sup / (sup.sum() + EPS)).sum()
    if average in ("micro", "macro"):
        return np.mean(f)
    return f


# ---- cases --------------------------------------------------------------------------------------

def accuracy_cases():
    y, logits, w = data("accuracy", "classes")
    pred = logits.argmax(-1)
    acc = skm.accuracy_score(y, pred, sample_weight=w)
    add("accuracy/labels", "accuracy", {}, y, pred, w, acc, acc)

    y, p, w = data("binary_accuracy", "binary")
    for thr in (0.5, 0.3):
        acc = skm.accuracy_score(y, p > thr, sample_weight=w)
        opts = {} if thr == 0.5 else {"threshold": thr}
        add(f"binary_accuracy/threshold{thr}", "binary_accuracy", opts, y, p, w, acc, acc)
    acc = skm.accuracy_score(y, p > 0.5, sample_weight=w)
    add("binary_accuracy/column", "binary_accuracy", {}, y[:, None], p[:, None], w, acc, acc)
    y, p, w = data("binary_accuracy/multilabel", "binary", (3,))
    acc = 1 - skm.hamming_loss(y, p > 0.5, sample_weight=w)  # Keras averages each row's matches
    add("binary_accuracy/multilabel", "binary_accuracy", {}, y, p, w, acc, acc)

    y, logits, w = data("categorical_accuracy", "classes", classes=5)
    acc = skm.accuracy_score(y, logits.argmax(-1), sample_weight=w)
    add("categorical_accuracy/onehot", "categorical_accuracy", {}, np.eye(5)[y], softmax(logits), w, acc, acc)
    add("sparse_categorical_accuracy/labels", "sparse_categorical_accuracy", {}, y, logits, w, acc, acc)
    add("sparse_categorical_accuracy/column", "sparse_categorical_accuracy", {}, y[:, None], softmax(logits), w, acc, acc)

    y, logits, w = data("top_k", "classes", classes=6)
    for k in (1, 3):
        acc = skm.top_k_accuracy_score(y, logits, k=k, sample_weight=w, labels=np.arange(6))
        add(f"sparse_top_k_categorical_accuracy/k{k}", "sparse_top_k_categorical_accuracy", {"k": k}, y, logits, w, acc, acc)
        add(f"top_k_categorical_accuracy/k{k}", "top_k_categorical_accuracy", {"k": k}, np.eye(6)[y], softmax(logits), w, acc, acc)


def confusion_cases():
    y, p, w = data("precision_recall", "binary")
    for metric, fn in (("precision", skm.precision_score), ("recall", skm.recall_score)):
        v = fn(y, p > 0.5, sample_weight=w, zero_division=0)
        add(f"{metric}/binary", metric, {}, y, p, w, v, v)
        ts = [0.2, 0.5, 0.8]
        v = np.array([fn(y, p > t, sample_weight=w, zero_division=0) for t in ts])
        add(f"{metric}/thresholds", metric, {"thresholds": ts}, y, p, w, v, v)
        # Evenly spaced thresholds take Keras's bucketed path, which clips predictions to [0, 1].
        ts = [0.0, 0.25, 0.5, 0.75, 1.0]
        v = np.array([fn(y, np.clip(p, 0, 1) > t, sample_weight=w, zero_division=0) for t in ts])
        add(f"{metric}/even_thresholds", metric, {"thresholds": ts}, y, p, w, v, v)

    y, logits, w = data("precision_recall/multiclass", "classes", classes=4)
    onehot, prob = np.eye(4)[y], softmax(logits)
    for metric, fn in (("precision", skm.precision_score), ("recall", skm.recall_score)):
        v = fn(onehot[:, 2], prob[:, 2] > 0.5, sample_weight=w, zero_division=0)
        add(f"{metric}/class_id", metric, {"class_id": 2}, onehot, prob, w, v, v)
        # top_k: the k highest predictions of each sample are positive, the rest negative, over
        # all sample-class pairs.
        top = np.zeros_like(prob, dtype=bool)
        np.put_along_axis(top, np.argsort(-prob, -1)[:, :2], True, -1)
        v = fn(onehot.reshape(-1), top.reshape(-1), sample_weight=np.repeat(w, 4), zero_division=0)
        add(f"{metric}/top_k", metric, {"top_k": 2}, onehot, prob, w, v, v)
        top1 = np.zeros_like(prob, dtype=bool)
        np.put_along_axis(top1, np.argsort(-prob, -1)[:, :1], True, -1)
        v = fn(onehot[:, 1], (top1 & (prob > 0.3))[:, 1], sample_weight=w, zero_division=0)
        add(f"{metric}/top_k_class_id", metric, {"top_k": 1, "class_id": 1, "thresholds": [0.3]}, onehot, prob, w, v, v)

    y, p, w = data("counts", "binary")
    for metric, cell in (("true_positives", (1, 1)), ("false_positives", (0, 1)), ("true_negatives", (0, 0)), ("false_negatives", (1, 0))):
        v = skm.confusion_matrix(y, p > 0.5, sample_weight=w, labels=[0, 1])[cell]
        add(f"{metric}/binary", metric, {}, y, p, w, v, v)


def auc_cases():
    y, p, w = data("auc", "binary")
    exact = skm.roc_auc_score(y, p, sample_weight=w)
    bound = auc_bound(y, p, w)
    lo, hi = keras_auc(y, p, w, summation="minoring"), keras_auc(y, p, w, summation="majoring")
    assert lo - 1e-12 <= exact <= hi + 1e-12, (lo, exact, hi)
    add("auc/roc", "auc", {}, y, p, w, keras_auc(y, p, w), exact, bound + 1e-12,
        info={"minoring": lo, "majoring": hi})
    for s in ("minoring", "majoring"):
        add(f"auc/roc_{s}", "auc", {"summation_method": s}, y, p, w, keras_auc(y, p, w, summation=s))
    ap = skm.average_precision_score(y, p, sample_weight=w)
    for s in ("interpolation", "minoring", "majoring"):
        add(f"auc/pr_{s}", "auc", {"curve": "PR", "summation_method": s}, y, p, w,
            keras_auc(y, p, w, curve="PR", summation=s), info={"sklearn_average_precision": ap})
    n = "auc/num_thresholds"
    add(n, "auc", {"num_thresholds": 37}, y, p, w, keras_auc(y, p, w, n=37), exact, auc_bound(y, p, w, 37) + 1e-12)

    # Logits: the sigmoid is monotone, so the exact AUC is the same as of the probabilities.
    y, p, w = data("auc/logits", "binary")
    logits = np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6)))
    sig = 1 / (1 + np.exp(-logits))
    add("auc/logits", "auc", {"from_logits": True}, y, logits, w, keras_auc(y, sig, w),
        skm.roc_auc_score(y, logits, sample_weight=w), auc_bound(y, sig, w) + 1e-12)

    y, p, w = data("auc/multilabel", "binary", (3,))
    per = np.array([skm.roc_auc_score(y[:, j], p[:, j], sample_weight=w) for j in range(3)])
    bounds = np.array([auc_bound(y[:, j], p[:, j], w) for j in range(3)])
    add("auc/multi_label", "auc", {"multi_label": True}, y, p, w, keras_auc(y, p, w, multi_label=True),
        per.mean(), bounds.mean() + 1e-12)
    lw = [0.5, 2.0, 1.0]
    add("auc/multi_label_weights", "auc", {"multi_label": True, "label_weights": lw}, y, p, w,
        keras_auc(y, p, w, multi_label=True, label_weights=lw),
        (per * lw).sum() / sum(lw), (bounds * lw).sum() / sum(lw) + 1e-12)
    # Flattened multi-label data is one binary problem over all pairs.
    flat = skm.roc_auc_score(y.reshape(-1), p.reshape(-1), sample_weight=np.repeat(w, 3))
    add("auc/flattened", "auc", {}, y, p, w, keras_auc(y, p, w), flat,
        auc_bound(y.reshape(-1), p.reshape(-1), np.repeat(w, 3)) + 1e-12)


def fscore_cases():
    y, logits, w = data("fscore", "classes", classes=4)
    r = rng("fscore/multilabel")
    yl = (r.uniform(0, 1, (N, 4)) < 0.4).astype(np.int64)
    pl = np.clip(0.4 * yl + r.uniform(0, 0.6, (N, 4)), 0, 1)
    onehot, prob = np.eye(4)[y], softmax(logits)
    argmax = (prob >= prob.max(-1, keepdims=True)).astype(float)
    for average in (None, "micro", "macro", "weighted"):
        opts = {} if average is None else {"average": average}
        tag = average or "none"
        # Multi-class with the argmax decision (threshold None).
        want = keras_fbeta(onehot, argmax, w, 1.0, average)
        sk = skm.f1_score(y, prob.argmax(-1), average=average, sample_weight=w, zero_division=0, labels=range(4))
        add(f"f1_score/argmax_{tag}", "f1_score", opts, onehot, prob, w, want, sk, 1e-6)
        # Multi-label with a threshold.
        want = keras_fbeta(yl, (pl > 0.5).astype(float), w, 1.0, average)
        sk = skm.f1_score(yl, pl > 0.5, average=average, sample_weight=w, zero_division=0)
        add(f"f1_score/threshold_{tag}", "f1_score", dict(opts, threshold=0.5), yl, pl, w, want, sk, 1e-6)
        want = keras_fbeta(yl, (pl > 0.5).astype(float), w, 2.0, average)
        sk = skm.fbeta_score(yl, pl > 0.5, beta=2.0, average=average, sample_weight=w, zero_division=0)
        add(f"fbeta_score/beta2_{tag}", "fbeta_score", dict(opts, beta=2.0, threshold=0.5), yl, pl, w, want, sk, 1e-6)


def iou_cases():
    y, logits, w = data("mean_io_u", "classes", classes=5)
    pred = logits.argmax(-1)
    pred[pred == 3] = 1  # class 3 is never predicted
    y[y == 4] = 0
    pred[pred == 4] = 0  # class 4 never occurs: it is not averaged
    v = skm.jaccard_score(y, pred, average="macro", sample_weight=w)
    add("mean_io_u/labels", "mean_io_u", {"num_classes": 5}, y, pred, w, v, v)
    v = skm.jaccard_score(y, logits.argmax(-1), average="macro", sample_weight=w)
    add("mean_io_u/dense", "mean_io_u", {"num_classes": 5, "sparse_y_true": False, "sparse_y_pred": False},
        np.eye(5)[y], softmax(logits), w, v, v)
    y2, logits2, _ = data("mean_io_u/segmentation", "classes", (3,), classes=4)
    pred2 = logits2.argmax(-1)
    y2[rng("mean_io_u/ignore").uniform(0, 1, y2.shape) < 0.2] = 255
    keep = y2 != 255
    w2 = np.broadcast_to(w[:, None], y2.shape)
    v = skm.jaccard_score(y2[keep], pred2[keep], average="macro", sample_weight=w2[keep])
    add("mean_io_u/ignore_class", "mean_io_u", {"num_classes": 4, "ignore_class": 255}, y2, pred2, w, v, v)
    cm = skm.confusion_matrix(y, pred, labels=range(5), sample_weight=w)
    add("confusion_matrix/weighted", "confusion_matrix", {"num_classes": 5}, y, pred, w, cm, cm)


def reduction_cases():
    r = rng("mean")
    v, w = r.standard_normal(N), r.uniform(0, 2, N)
    add("mean/values", "mean", {}, np.zeros(N), v, w, np.average(v, weights=w), np.average(v, weights=w))
    add("sum/values", "sum", {}, np.zeros(N), v, w, np.sum(v * w), np.sum(v * w))
    m = r.standard_normal((N, 3))
    want = np.average(m.mean(1), weights=w)  # rows are averaged first
    add("mean/rows", "mean", {}, np.zeros(N), m, w, want, want)


def regression_cases():
    r = rng("regression")
    y, p, w = r.uniform(0.5, 3, (N, 3)), r.uniform(0.5, 3, (N, 3)), r.uniform(0, 2, N)
    w[3] = 0
    cases = [
        ("mean_squared_error", skm.mean_squared_error(y, p, sample_weight=w)),
        ("mean_absolute_error", skm.mean_absolute_error(y, p, sample_weight=w)),
        ("mean_absolute_percentage_error", 100 * skm.mean_absolute_percentage_error(y, p, sample_weight=w)),
        ("mean_squared_logarithmic_error", skm.mean_squared_log_error(y, p, sample_weight=w)),
        ("root_mean_squared_error", np.sqrt(skm.mean_squared_error(y, p, sample_weight=w))),
    ]
    for metric, v in cases:
        add(f"{metric}/multioutput", metric, {}, y, p, w, v, v)
    v = skm.mean_squared_error(y[:, 0], p[:, 0], sample_weight=w)
    add("mean_squared_error/vector", "mean_squared_error", {}, y[:, 0], p[:, 0], w, v, v)
    add("mean_squared_error/column_predictions", "mean_squared_error", {}, y[:, 0], p[:, :1], w, v, v)
    cos = (y * p).sum(1) / np.linalg.norm(y, axis=1) / np.linalg.norm(p, axis=1)
    add("cosine_similarity/rows", "cosine_similarity", {}, y, p, w, np.average(cos, weights=w))
    lc = np.log(np.cosh(p - y)).mean(1)
    add("logcosh/rows", "logcosh", {}, y, p, w, np.average(lc, weights=w))


def crossentropy_cases():
    y, p, w = data("binary_crossentropy", "binary")
    p = np.clip(p, 0.02, 0.98)
    v = skm.log_loss(y, p, sample_weight=w)
    add("binary_crossentropy/probs", "binary_crossentropy", {}, y, p, w, v, v)
    logit = np.log(p / (1 - p))
    add("binary_crossentropy/logits", "binary_crossentropy", {"from_logits": True}, y[:, None], logit[:, None], w, v, v)
    y, logits, w = data("categorical_crossentropy", "classes", classes=5)
    prob = softmax(logits)
    v = skm.log_loss(y, prob, sample_weight=w, labels=range(5))
    add("categorical_crossentropy/probs", "categorical_crossentropy", {}, np.eye(5)[y], prob, w, v, v)
    add("categorical_crossentropy/logits", "categorical_crossentropy", {"from_logits": True}, np.eye(5)[y], logits, w, v, v)
    add("sparse_categorical_crossentropy/probs", "sparse_categorical_crossentropy", {}, y, prob, w, v, v)
    add("sparse_categorical_crossentropy/logits", "sparse_categorical_crossentropy", {"from_logits": True}, y[:, None], logits, w, v, v)


def main():
    accuracy_cases()
    confusion_cases()
    auc_cases()
    fscore_cases()
    iou_cases()
    reduction_cases()
    regression_cases()
    crossentropy_cases()
    head = {"generator": "metrics/testdata/gen_metrics.py", "sklearn": sklearn.__version__, "numpy": np.__version__}
    with open("metrics/testdata/metrics.json", "w") as f:
        f.write('{"generator": %s, "sklearn": %s, "numpy": %s, "cases": [\n' % tuple(json.dumps(head[k]) for k in ("generator", "sklearn", "numpy")))
        f.write(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in CASES))
        f.write("\n]}\n")
    print(f"wrote {len(CASES)} cases to metrics/testdata/metrics.json")


if __name__ == "__main__":
    main()
