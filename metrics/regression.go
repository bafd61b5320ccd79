package metrics

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The regression and probabilistic metrics: weighted means over samples of the per-sample
// losses, averaged over the last axis for inputs of rank 2 and more (Keras's metric versions of
// the losses). Package losses has the same formulas as losses; MeanFunc wraps any of them.

// floatPair casts predictions and targets to dt and aligns their ranks.
func floatPair(yTrue, yPred *tensor.Tensor, dt dtype.DType) (*tensor.Tensor, *tensor.Tensor) {
	return squeezeOrExpand(ops.Cast(yTrue, dt), ops.Cast(yPred, dt))
}

func regression(name string, opts []Option, fn func(t, p *tensor.Tensor) *tensor.Tensor) *MeanMetric {
	c := newConfig(name, opts)
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t, p := floatPair(yTrue, yPred, c.dt)
		return meanLastIfMatrix(fn(t, p))
	})
}

// MeanSquaredError is Keras's MeanSquaredError metric (name "mean_squared_error"): the weighted
// mean over samples of mean((y_true - y_pred)²) (sklearn.metrics.mean_squared_error).
func MeanSquaredError(opts ...Option) *MeanMetric {
	return regression("mean_squared_error", opts, func(t, p *tensor.Tensor) *tensor.Tensor {
		return ops.Square(ops.Sub(t, p))
	})
}

// MeanAbsoluteError is Keras's MeanAbsoluteError metric (name "mean_absolute_error"):
// mean(|y_true - y_pred|) (sklearn.metrics.mean_absolute_error).
func MeanAbsoluteError(opts ...Option) *MeanMetric {
	return regression("mean_absolute_error", opts, func(t, p *tensor.Tensor) *tensor.Tensor {
		return ops.Abs(ops.Sub(t, p))
	})
}

// MeanAbsolutePercentageError is Keras's MeanAbsolutePercentageError metric (name
// "mean_absolute_percentage_error"): 100·mean(|y_true - y_pred| / max(|y_true|, 1e-7)).
func MeanAbsolutePercentageError(opts ...Option) *MeanMetric {
	return regression("mean_absolute_percentage_error", opts, func(t, p *tensor.Tensor) *tensor.Tensor {
		den := ops.Maximum(ops.Abs(t), scalar(t.DType(), epsilon))
		return ops.MulScalar(ops.Abs(ops.Div(ops.Sub(t, p), den)), 100)
	})
}

// MeanSquaredLogarithmicError is Keras's MeanSquaredLogarithmicError metric (name
// "mean_squared_logarithmic_error"): mean((log(1+max(y_pred, ε)) - log(1+max(y_true, ε)))²).
func MeanSquaredLogarithmicError(opts ...Option) *MeanMetric {
	return regression("mean_squared_logarithmic_error", opts, func(t, p *tensor.Tensor) *tensor.Tensor {
		eps := scalar(t.DType(), epsilon)
		return ops.Square(ops.Sub(ops.Log1p(ops.Maximum(p, eps)), ops.Log1p(ops.Maximum(t, eps))))
	})
}

// LogCoshError is Keras's LogCoshError metric (name "logcosh"): mean(log(cosh(y_pred -
// y_true))).
func LogCoshError(opts ...Option) *MeanMetric {
	return regression("logcosh", opts, func(t, p *tensor.Tensor) *tensor.Tensor {
		x := ops.Sub(p, t)
		return ops.AddScalar(ops.Add(x, ops.Softplus(ops.MulScalar(x, -2))), -math.Ln2)
	})
}

// CosineSimilarity is Keras's CosineSimilarity metric (name "cosine_similarity"): the mean
// cosine of the angle between targets and predictions along Axis (default -1), +1 for the same
// direction (the loss of the same name is its negative).
func CosineSimilarity(opts ...Option) *MeanMetric {
	c := newConfig("cosine_similarity", opts, "axis")
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t, p := floatPair(yTrue, yPred, c.dt)
		return ops.Sum(ops.Mul(l2Normalize(t, c.axis), l2Normalize(p, c.axis)), c.axis)
	})
}

func l2Normalize(x *tensor.Tensor, axis int) *tensor.Tensor {
	return ops.Div(x, ops.Maximum(ops.L2NormKeepDims(x, axis), scalar(x.DType(), epsilon)))
}

// RootMeanSquaredErrorMetric is Keras's RootMeanSquaredError: the square root of the running
// weighted mean squared error.
type RootMeanSquaredErrorMetric struct {
	*MeanMetric
}

// RootMeanSquaredError is Keras's RootMeanSquaredError (name "root_mean_squared_error"):
// sqrt of the weighted mean over samples of mean((y_true - y_pred)²) (the square root of
// sklearn.metrics.mean_squared_error).
func RootMeanSquaredError(opts ...Option) *RootMeanSquaredErrorMetric {
	m := regression("root_mean_squared_error", opts, func(t, p *tensor.Tensor) *tensor.Tensor {
		return ops.Square(ops.Sub(t, p))
	})
	return &RootMeanSquaredErrorMetric{m}
}

// Result returns the square root of the mean squared error.
func (m *RootMeanSquaredErrorMetric) Result() *tensor.Tensor { return ops.Sqrt(m.MeanMetric.Result()) }

// BinaryCrossentropy is Keras's BinaryCrossentropy metric (name "binary_crossentropy"): the
// mean binary cross-entropy, with probabilities clipped to [1e-7, 1-1e-7], or of logits with
// FromLogits; LabelSmoothing as the loss (sklearn.metrics.log_loss on two classes).
func BinaryCrossentropy(opts ...Option) *MeanMetric {
	c := newConfig("binary_crossentropy", opts, "from_logits", "label_smoothing")
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t, y := floatPair(yTrue, yPred, c.dt)
		if s := c.labelSmoothing; s != 0 {
			t = ops.AddScalar(ops.MulScalar(t, 1-s), s/2)
		}
		var ll *tensor.Tensor
		if c.fromLogits {
			// log σ(x) = -softplus(-x), log(1-σ(x)) = -softplus(x).
			ll = ops.Add(ops.Mul(t, ops.Softplus(ops.Neg(y))), ops.Mul(ops.Sub(ops.OnesLike(t), t), ops.Softplus(y)))
		} else {
			p := ops.ClipScalar(y, epsilon, 1-epsilon)
			one := ops.OnesLike(p)
			ll = ops.Neg(ops.Add(ops.Mul(t, ops.Log(p)), ops.Mul(ops.Sub(one, t), ops.Log(ops.Sub(one, p)))))
		}
		return meanLastIfMatrix(ll)
	})
}

// CategoricalCrossentropy is Keras's CategoricalCrossentropy metric (name
// "categorical_crossentropy"): -Σ t·log p along Axis for one-hot or soft targets, with p the
// normalised, clipped probabilities or the softmax of logits (FromLogits); LabelSmoothing as
// the loss (sklearn.metrics.log_loss).
func CategoricalCrossentropy(opts ...Option) *MeanMetric {
	c := newConfig("categorical_crossentropy", opts, "from_logits", "label_smoothing", "axis")
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		t, y := ops.Cast(yTrue, c.dt), ops.Cast(yPred, c.dt)
		if s := c.labelSmoothing; s != 0 {
			t = ops.AddScalar(ops.MulScalar(t, 1-s), s/float64(y.Dim(c.axis)))
		}
		return ops.Neg(ops.Sum(ops.Mul(t, logProbs(y, c.fromLogits, c.axis)), c.axis))
	})
}

// SparseCategoricalCrossentropy is Keras's SparseCategoricalCrossentropy metric (name
// "sparse_categorical_crossentropy"): -log p[y_true] for integer targets, p along the last
// axis as in the loss of the same name (sklearn.metrics.log_loss).
func SparseCategoricalCrossentropy(opts ...Option) *MeanMetric {
	c := newConfig("sparse_categorical_crossentropy", opts, "from_logits")
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		y := ops.Cast(yPred, c.dt)
		labels := sparseTargets(c.name, yTrue, y)
		var logp *tensor.Tensor
		if c.fromLogits {
			logp = ops.LogSoftmax(y, -1)
		} else {
			logp = ops.LogSoftmax(ops.Log(ops.ClipScalar(y, epsilon, 1-epsilon)), -1)
		}
		v, _ := pickKeep(logp, labels)
		return ops.Neg(ops.Sum(v, -1))
	})
}

// logProbs returns log-probabilities along axis: log_softmax of logits, or the log of the
// normalised, clipped probabilities.
func logProbs(y *tensor.Tensor, fromLogits bool, axis int) *tensor.Tensor {
	if fromLogits {
		return ops.LogSoftmax(y, axis)
	}
	return ops.Log(ops.ClipScalar(ops.Div(y, ops.SumKeepDims(y, axis)), epsilon, 1-epsilon))
}
