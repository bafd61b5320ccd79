package losses

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The hinge losses for "maximum-margin" classification. Hinge and SquaredHinge expect targets
// of -1 and 1; as in Keras, targets that are all 0 or 1 are first mapped to -1 and 1 (the
// check runs on the data, so it works traced too).

// Hinge is Keras's Hinge: mean(max(1 - y_true·y_pred, 0)) over the last axis.
func Hinge(opts ...Option) *Func {
	c := newConfig("hinge", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return meanLast(hingeMargin(yTrue, yPred), -1)
	}))
}

// SquaredHinge is Keras's SquaredHinge: mean(max(1 - y_true·y_pred, 0)²) over the last axis.
func SquaredHinge(opts ...Option) *Func {
	c := newConfig("squared_hinge", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return meanLast(ops.Square(hingeMargin(yTrue, yPred)), -1)
	}))
}

// hingeMargin returns max(1 - t·y, 0) with 0/1 targets mapped to -1/1.
func hingeMargin(t, y *tensor.Tensor) *tensor.Tensor {
	t = signedLabels(t)
	return ops.Relu(ops.Sub(ops.OnesLike(y), ops.Mul(t, y)))
}

// signedLabels is Keras's convert_binary_labels_to_hinge: 2t - 1 when every target is 0 or 1,
// t otherwise.
func signedLabels(t *tensor.Tensor) *tensor.Tensor {
	dt := t.DType()
	binary := ops.All(ops.LogicalOr(ops.Equal(t, scalar(dt, 0)), ops.Equal(t, scalar(dt, 1))))
	return ops.Where(binary, ops.AddScalar(ops.MulScalar(t, 2), -1), t)
}

// CategoricalHinge is Keras's CategoricalHinge for one-hot targets:
// max(1 + max((1-t)·y) - Σ t·y, 0), the margin between the best wrong class and the true one,
// over the last axis.
func CategoricalHinge(opts ...Option) *Func {
	c := newConfig("categorical_hinge", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		pos := ops.Sum(ops.Mul(yTrue, yPred), -1)
		neg := ops.Max(ops.Mul(ops.Sub(ops.OnesLike(yTrue), yTrue), yPred), -1)
		return ops.Relu(ops.AddScalar(ops.Sub(neg, pos), 1))
	}))
}
