package metrics

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The accuracy metrics: weighted means of per-sample 0/1 matches. For targets and predictions
// of rank 2 and more the matches of the last axis are averaged first, as in Keras (multi-label
// binary accuracy); rank-1 inputs are one value per sample.

// Accuracy is Keras's Accuracy (name "accuracy"): how often predictions equal targets exactly
// (sklearn.metrics.accuracy_score).
func Accuracy(opts ...Option) *MeanMetric {
	c := newConfig("accuracy", opts)
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		yPred = floatAs(yPred, c.dt)
		yTrue, yPred = squeezeOrExpand(ops.Cast(yTrue, yPred.DType()), yPred)
		return meanLastIfMatrix(ops.Cast(ops.Equal(yTrue, yPred), c.dt))
	})
}

// BinaryAccuracy is Keras's BinaryAccuracy (name "binary_accuracy"): how often a prediction
// above the Threshold (default 0.5) matches a 0/1 target.
func BinaryAccuracy(opts ...Option) *MeanMetric {
	c := newConfig("binary_accuracy", opts, "threshold")
	thr := 0.5
	if c.hasThreshold {
		thr = c.threshold
	}
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		yPred = floatAs(yPred, c.dt)
		yTrue, yPred = squeezeOrExpand(ops.Cast(yTrue, yPred.DType()), yPred)
		pos := ops.Cast(ops.Greater(yPred, scalar(yPred.DType(), thr)), yPred.DType())
		return meanLastIfMatrix(ops.Cast(ops.Equal(yTrue, pos), c.dt))
	})
}

// CategoricalAccuracy is Keras's CategoricalAccuracy (name "categorical_accuracy"): how often
// the argmax of the predictions equals the argmax of the one-hot targets along the last axis.
func CategoricalAccuracy(opts ...Option) *MeanMetric {
	c := newConfig("categorical_accuracy", opts)
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return ops.Cast(ops.Equal(ops.Argmax(yTrue, -1), ops.Argmax(yPred, -1)), c.dt)
	})
}

// SparseCategoricalAccuracy is Keras's SparseCategoricalAccuracy (name
// "sparse_categorical_accuracy"): how often the argmax of the predictions equals the integer
// target (targets have the predictions' shape without the class axis, or with it as 1).
func SparseCategoricalAccuracy(opts ...Option) *MeanMetric {
	c := newConfig("sparse_categorical_accuracy", opts)
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		labels := sparseTargets(c.name, yTrue, yPred)
		return ops.Cast(ops.Equal(labels, ops.Argmax(yPred, -1)), c.dt)
	})
}

// TopKCategoricalAccuracy is Keras's TopKCategoricalAccuracy (name
// "top_k_categorical_accuracy"): how often the target class (the argmax of one-hot targets) is
// among the K (default 5) highest predictions. As TensorFlow's in_top_k, classes tied with the
// k-th highest prediction count as among them.
func TopKCategoricalAccuracy(opts ...Option) *MeanMetric {
	c := newConfig("top_k_categorical_accuracy", opts, "k")
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return ops.Cast(inTopK(ops.Argmax(yTrue, -1), yPred, c.k), c.dt)
	})
}

// SparseTopKCategoricalAccuracy is Keras's SparseTopKCategoricalAccuracy (name
// "sparse_top_k_categorical_accuracy"): how often the integer target is among the K (default
// 5) highest predictions (sklearn.metrics.top_k_accuracy_score, up to ties).
func SparseTopKCategoricalAccuracy(opts ...Option) *MeanMetric {
	c := newConfig("sparse_top_k_categorical_accuracy", opts, "k")
	return newMean(c, func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return ops.Cast(inTopK(sparseTargets(c.name, yTrue, yPred), yPred, c.k), c.dt)
	})
}

// inTopK reports, per sample, whether fewer than k predictions exceed the target's (TensorFlow's
// in_top_k): targets has pred's shape without the last axis. A target outside the classes is
// never in the top k.
func inTopK(targets, pred *tensor.Tensor, k int) *tensor.Tensor {
	at, valid := pickKeep(pred, targets)
	above := ops.Sum(ops.Cast(ops.Greater(pred, at), dtype.Int64), -1)
	return ops.LogicalAnd(valid, ops.Less(above, tensor.Full(dtype.Int64, float64(k))))
}

// sparseTargets returns integer class targets as int64 with pred's shape without its last
// axis, dropping a trailing axis of size 1.
func sparseTargets(metric string, yTrue, yPred *tensor.Tensor) *tensor.Tensor {
	if yTrue.Rank() == yPred.Rank() {
		yTrue = squeezeLast(yTrue)
	}
	if yTrue.Rank() != yPred.Rank()-1 {
		panic(core.Errorf("metrics", "%s: targets %v do not fit predictions %v: want the predictions' shape without the class axis",
			metric, yTrue.Shape(), yPred.Shape()))
	}
	return ops.Cast(yTrue, dtype.Int64)
}
