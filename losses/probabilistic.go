package losses

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The cross-entropies and other probabilistic losses. Probabilities are clipped to
// [Epsilon, 1-Epsilon] before their logarithm, as in Keras; with FromLogits the losses use the
// log-softmax (or the softplus form of the log-sigmoid) of the logits instead, which is exact
// and stable for any logits.

// BinaryCrossentropy is Keras's BinaryCrossentropy: the element-wise
// -(t·log p + (1-t)·log(1-p)) averaged along Axis (default -1). Options: FromLogits
// (torch.nn.functional.binary_cross_entropy_with_logits; otherwise p is clipped to
// [Epsilon, 1-Epsilon], where torch.nn.functional.binary_cross_entropy clamps the logarithm at
// -100 instead), LabelSmoothing (t·(1-s) + s/2) and Axis.
func BinaryCrossentropy(opts ...Option) *Func {
	c := newConfig("binary_crossentropy", opts, "from_logits", "label_smoothing", "axis")
	extra := map[string]any{"from_logits": c.fromLogits, "label_smoothing": c.labelSmoothing, "axis": c.axis}
	return newFunc(c, extra, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t := smoothBinary(yTrue, c.labelSmoothing)
		return meanLast(binaryCrossentropy(t, yPred, c.fromLogits), c.axis)
	}))
}

// BinaryFocalCrossentropy is Keras's BinaryFocalCrossentropy (Lin et al. 2017): the binary
// cross-entropy of the probabilities p (sigmoid(y_pred) with FromLogits) weighted by
// (1 - p_t)^gamma, where p_t = t·p + (1-t)·(1-p), and with ClassBalancing by alpha for
// positives and 1-alpha for negatives, averaged along Axis. Options: Gamma (default 2), Alpha
// (default 0.25), ClassBalancing, FromLogits, LabelSmoothing, Axis. As in Keras the
// cross-entropy is computed from clipped probabilities even with FromLogits.
func BinaryFocalCrossentropy(opts ...Option) *Func {
	c := newConfig("binary_focal_crossentropy", opts, "from_logits", "label_smoothing", "axis", "alpha", "gamma", "apply_class_balancing")
	extra := map[string]any{"from_logits": c.fromLogits, "label_smoothing": c.labelSmoothing, "axis": c.axis,
		"alpha": c.alpha, "gamma": c.gamma, "apply_class_balancing": c.classBalancing}
	return newFunc(c, extra, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t := smoothBinary(yTrue, c.labelSmoothing)
		p := yPred
		if c.fromLogits {
			p = ops.Sigmoid(p)
		}
		bce := binaryCrossentropy(t, p, false)
		one := ops.OnesLike(t)
		pt := ops.Add(ops.Mul(t, p), ops.Mul(ops.Sub(one, t), ops.Sub(one, p)))
		focal := ops.Mul(ops.PowScalar(ops.Sub(one, pt), c.gamma), bce)
		if c.classBalancing {
			w := ops.Add(ops.MulScalar(t, c.alpha), ops.MulScalar(ops.Sub(one, t), 1-c.alpha))
			focal = ops.Mul(w, focal)
		}
		return meanLast(focal, c.axis)
	}))
}

// smoothBinary returns t·(1-s) + s/2.
func smoothBinary(t *tensor.Tensor, s float64) *tensor.Tensor {
	if s == 0 {
		return t
	}
	return ops.AddScalar(ops.MulScalar(t, 1-s), s/2)
}

// binaryCrossentropy returns the element-wise binary cross-entropy of targets t and
// predictions y (Keras's backend binary_crossentropy, TensorFlow flavour).
func binaryCrossentropy(t, y *tensor.Tensor, fromLogits bool) *tensor.Tensor {
	dt := y.DType()
	if fromLogits {
		// TensorFlow's sigmoid_cross_entropy_with_logits: max(x, 0) - x·t + log(1 + e^-|x|).
		// max and |x| are both written with one Where on x >= 0 so that the gradient at 0 is
		// the true sigmoid(0) - t; relu and abs would each take a one-sided derivative there.
		pos := ops.GreaterEqual(y, scalar(dt, 0))
		relu := ops.Where(pos, y, ops.ZerosLike(y))
		negAbs := ops.Where(pos, ops.Neg(y), y)
		return ops.Add(ops.Sub(relu, ops.Mul(y, t)), ops.Log1p(ops.Exp(negAbs)))
	}
	p := ops.ClipScalar(y, Epsilon, 1-Epsilon)
	one := ops.OnesLike(p)
	ll := ops.Add(ops.Mul(t, ops.Log(p)), ops.Mul(ops.Sub(one, t), ops.Log(ops.Sub(one, p))))
	return ops.Neg(ll)
}

// CategoricalCrossentropy is Keras's CategoricalCrossentropy for one-hot (or soft) targets:
// -Σ t·log p along Axis (default -1). Options: FromLogits (log p = log_softmax(y_pred), as
// torch.nn.functional.cross_entropy with probability targets; otherwise p is y_pred divided by
// its sum along Axis and clipped to [Epsilon, 1-Epsilon]), LabelSmoothing (t·(1-s) + s/classes,
// as PyTorch's label_smoothing) and Axis.
func CategoricalCrossentropy(opts ...Option) *Func {
	c := newConfig("categorical_crossentropy", opts, "from_logits", "label_smoothing", "axis")
	extra := map[string]any{"from_logits": c.fromLogits, "label_smoothing": c.labelSmoothing, "axis": c.axis}
	return newFunc(c, extra, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		mustSameShape(c.name, yTrue, yPred)
		t := smoothCategorical(yTrue, yPred, c.labelSmoothing, c.axis)
		return ops.Neg(ops.Sum(ops.Mul(t, logProbs(yPred, c.fromLogits, c.axis)), c.axis))
	}))
}

// CategoricalFocalCrossentropy is Keras's CategoricalFocalCrossentropy: Σ alpha·(1-p)^gamma ·
// (-t·log p) along Axis, with p the normalised, clipped probabilities (softmax(y_pred) with
// FromLogits). Options: Alpha (default 0.25), Gamma (default 2), FromLogits, LabelSmoothing,
// Axis.
func CategoricalFocalCrossentropy(opts ...Option) *Func {
	c := newConfig("categorical_focal_crossentropy", opts, "from_logits", "label_smoothing", "axis", "alpha", "gamma")
	extra := map[string]any{"from_logits": c.fromLogits, "label_smoothing": c.labelSmoothing, "axis": c.axis,
		"alpha": c.alpha, "gamma": c.gamma}
	return newFunc(c, extra, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		mustSameShape(c.name, yTrue, yPred)
		t := smoothCategorical(yTrue, yPred, c.labelSmoothing, c.axis)
		p := yPred
		if c.fromLogits {
			p = ops.Softmax(p, c.axis)
		}
		p = clipProbs(ops.Div(p, ops.SumKeepDims(p, c.axis)))
		ce := ops.Neg(ops.Mul(t, ops.Log(p)))
		w := ops.MulScalar(ops.PowScalar(ops.Sub(ops.OnesLike(p), p), c.gamma), c.alpha)
		return ops.Sum(ops.Mul(w, ce), c.axis)
	}))
}

// smoothCategorical returns t·(1-s) + s/classes, classes being the size of pred's axis.
func smoothCategorical(t, pred *tensor.Tensor, s float64, axis int) *tensor.Tensor {
	if s == 0 {
		return t
	}
	return ops.AddScalar(ops.MulScalar(t, 1-s), s/float64(pred.Dim(axis)))
}

// logProbs returns the log-probabilities of y along axis: log_softmax of logits, or the log of
// the clipped, normalised probabilities (Keras's backend categorical_crossentropy).
func logProbs(y *tensor.Tensor, fromLogits bool, axis int) *tensor.Tensor {
	if fromLogits {
		return ops.LogSoftmax(y, axis)
	}
	return ops.Log(clipProbs(ops.Div(y, ops.SumKeepDims(y, axis))))
}

func clipProbs(p *tensor.Tensor) *tensor.Tensor { return ops.ClipScalar(p, Epsilon, 1-Epsilon) }

// SparseCategoricalCrossentropy is Keras's SparseCategoricalCrossentropy for integer class
// targets: -log p[y_true] with p along the last axis of y_pred. Targets have y_pred's shape
// without its last axis, or with it as 1; they may be any integer or float dtype (floats are
// truncated). Options: FromLogits (log p = log_softmax(y_pred), torch.nn.functional.cross_entropy
// and nll_loss; otherwise, as Keras with TensorFlow, log p = log_softmax(log(clip(y_pred)))) and
// IgnoreClass (such targets give 0 and, with SumOverBatchSize, are not counted).
func SparseCategoricalCrossentropy(opts ...Option) *Func {
	c := newConfig("sparse_categorical_crossentropy", opts, "from_logits", "ignore_class")
	extra := map[string]any{"from_logits": c.fromLogits, "ignore_class": nil}
	if c.hasIgnore {
		extra["ignore_class"] = c.ignoreClass
	}
	return newFunc(c, extra, func(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		yPred = toFloat(yPred)
		labels := sparseLabels(c.name, yTrue, yPred)
		var valid *tensor.Tensor
		if c.hasIgnore {
			valid = ops.NotEqual(labels, tensor.Full(labels.DType(), float64(c.ignoreClass)))
			labels = ops.Where(valid, labels, ops.ZerosLike(labels))
		}
		var logp *tensor.Tensor
		if c.fromLogits {
			logp = ops.LogSoftmax(yPred, -1)
		} else {
			logp = ops.LogSoftmax(ops.Log(clipProbs(yPred)), -1)
		}
		v := ops.Neg(pick(logp, labels))
		if valid != nil {
			v = ops.Where(valid, v, ops.ZerosLike(v))
		}
		return v, valid
	})
}

// sparseLabels returns integer targets as int64 with yPred's shape without its last axis,
// dropping a trailing axis of size 1. It panics with a *core.Error on other shapes.
func sparseLabels(name string, yTrue, yPred *tensor.Tensor) *tensor.Tensor {
	if yTrue.Rank() == yPred.Rank() && yTrue.Dim(-1) == 1 {
		yTrue = ops.Sum(yTrue, -1) // drops the axis of size 1 without a static batch size
	}
	st, sp := yTrue.Shape(), yPred.Shape()
	ok := len(st) == len(sp)-1
	for i := 0; ok && i < len(st); i++ {
		ok = st[i] < 0 || sp[i] < 0 || st[i] == sp[i]
	}
	if !ok {
		panic(core.Errorf(name, "targets %v do not fit predictions %v: want the predictions' shape without its class axis", st, sp))
	}
	if yTrue.DType() != dtype.Int64 {
		yTrue = ops.Cast(yTrue, dtype.Int64)
	}
	return yTrue
}

// pick returns x[..., idx] along x's last axis: idx has x's shape without it.
func pick(x, idx *tensor.Tensor) *tensor.Tensor {
	col := ops.SliceAxis(x.Detach(), -1, 0, 1, 1) // x's shape with a last axis of 1
	v := ops.TakeAlongAxis(x, ops.ReshapeLike(idx, col), -1)
	return ops.Sum(v, -1)
}

// KLDivergence is Keras's KLDivergence: Σ t·log(t/p) over the last axis, with t and p clipped
// to [Epsilon, 1] (torch.nn.functional.kl_div(log p, t) summed over the last axis, on the
// clipped values).
func KLDivergence(opts ...Option) *Func {
	c := newConfig("kl_divergence", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t := ops.ClipScalar(yTrue, Epsilon, 1)
		p := ops.ClipScalar(yPred, Epsilon, 1)
		return ops.Sum(ops.Mul(t, ops.Log(ops.Div(t, p))), -1)
	}))
}

// Poisson is Keras's Poisson: mean(y_pred - y_true·log(y_pred + Epsilon)) over the last axis
// (torch.nn.functional.poisson_nll_loss with log_input=False and eps=1e-7).
func Poisson(opts ...Option) *Func {
	c := newConfig("poisson", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		l := ops.Log(ops.AddScalar(yPred, Epsilon))
		return meanLast(ops.Sub(yPred, ops.Mul(yTrue, l)), -1)
	}))
}
