package metrics

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// ConfusionMatrix returns the numClasses × numClasses confusion matrix of integer labels and
// predictions of the same shape (Keras's metrics_utils.confusion_matrix,
// sklearn.metrics.confusion_matrix with labels 0..numClasses-1): element [i, j] counts the
// elements with label i predicted as j, each weighted by weights (nil for 1; broadcast along
// trailing axes, so [batch] weights weight whole rows). The result is int64 counts without
// weights and the weights' dtype with them. Labels and predictions outside [0, numClasses) are
// not counted (negative ones count from the end, as ONNX OneHot). It is written with ops
// (one-hot encodings and a matrix product), so it works traced for any batch size. It panics
// with a *core.Error if numClasses < 1 or the shapes differ.
func ConfusionMatrix(labels, predictions *tensor.Tensor, numClasses int, weights *tensor.Tensor) *tensor.Tensor {
	if numClasses < 1 {
		panic(core.Errorf("confusion_matrix", "num_classes %d, want >= 1", numClasses))
	}
	labels, predictions = squeezeOrExpand(labels, predictions)
	if !labels.Shape().Equal(predictions.Shape()) && labels.Shape().Known() && predictions.Shape().Known() {
		panic(core.Errorf("confusion_matrix", "labels %v and predictions %v have different shapes", labels.Shape(), predictions.Shape()))
	}
	dt := dtype.Int64
	if weights != nil {
		dt = weights.DType()
		if !dt.IsFloat() {
			dt = dtype.Int64
		}
	}
	l := ops.OneHot(ops.Reshape(ops.Cast(labels, dtype.Int64), -1), numClasses, dt)
	p := ops.OneHot(ops.Reshape(ops.Cast(predictions, dtype.Int64), -1), numClasses, dt)
	if weights != nil {
		w := ops.Reshape(broadcastLike(ops.Cast(weights, dt), ops.Cast(labels, dt)), -1)
		l = ops.Mul(l, ops.ExpandLike(w, l, 1))
	}
	return ops.MatMulT(l, p, true, false)
}

// IoUMetric is Keras's MeanIoU: the intersection over union of each class, accumulated in a
// confusion matrix, averaged over the classes that occur.
type IoUMetric struct {
	state
	numClasses int
	ignore     int
	hasIgnore  bool
	denseTrue  bool
	densePred  bool
	axis       int
	cm         *autodiff.Variable
}

var _ Metric = (*IoUMetric)(nil)

// MeanIoU is Keras's MeanIoU (name "mean_io_u") for numClasses classes: the confusion matrix of
// targets and predictions is accumulated (weighted), and the result is the mean over classes
// of tp / (tp + fp + fn), over the classes that appear as a target or a prediction
// (sklearn.metrics.jaccard_score with average="macro"). Targets and predictions are class
// indices of any shape (they are flattened); options DenseTargets and DensePredictions take
// one-hot targets or per-class scores instead, reduced by argmax along Axis; IgnoreClass leaves
// out the elements whose target is that class. It panics with a *core.Error if numClasses < 2.
func MeanIoU(numClasses int, opts ...Option) *IoUMetric {
	c := newConfig("mean_io_u", opts, "ignore_class", "sparse_y_true", "sparse_y_pred", "axis")
	if numClasses < 2 {
		panic(core.Errorf("metrics", "%s: num_classes %d, want >= 2", c.name, numClasses))
	}
	m := &IoUMetric{state: c.state(), numClasses: numClasses, ignore: c.ignoreClass, hasIgnore: c.hasIgnore,
		denseTrue: c.denseTrue, densePred: c.densePred, axis: c.axis}
	m.cm = m.variable("total_confusion_matrix", numClasses, numClasses)
	return m
}

// Update adds the batch's weighted confusion matrix.
func (m *IoUMetric) Update(yTrue, yPred, sampleWeight *tensor.Tensor) {
	if m.denseTrue {
		yTrue = ops.Argmax(yTrue, m.axis)
	}
	if m.densePred {
		yPred = ops.Argmax(yPred, m.axis)
	}
	yTrue, yPred = ops.Cast(yTrue, dtype.Int64), ops.Cast(yPred, dtype.Int64)
	yTrue, yPred = squeezeOrExpand(yTrue, yPred)
	w := ops.OnesLike(ops.Cast(yTrue, m.dt))
	if sampleWeight != nil {
		w = broadcastLike(sampleWeight, w)
	}
	if m.hasIgnore {
		valid := ops.NotEqual(yTrue, tensor.Full(dtype.Int64, float64(m.ignore)))
		w = ops.Where(valid, w, ops.ZerosLike(w))
		yTrue = ops.Where(valid, yTrue, ops.ZerosLike(yTrue))
	}
	assignAdd(m.cm, ConfusionMatrix(yTrue, yPred, m.numClasses, w))
}

// ConfusionMatrix returns the accumulated confusion matrix (rows targets, columns predictions).
func (m *IoUMetric) ConfusionMatrix() *tensor.Tensor { return ops.AddScalar(m.cm.Value(), 0) }

// Result returns the mean IoU over the classes that occur (0 before any update).
func (m *IoUMetric) Result() *tensor.Tensor {
	cm := m.cm.Value()
	predicted, actual := ops.Sum(cm, 0), ops.Sum(cm, 1)
	eye := tensor.New(m.dt, []int{m.numClasses, m.numClasses})
	tensor.Convert(eye, tensor.Eye(dtype.Float64, m.numClasses))
	tp := ops.Sum(ops.Mul(cm, eye), 1)
	den := ops.Sub(ops.Add(predicted, actual), tp)
	present := ops.Sum(ops.Cast(ops.NotEqual(den, ops.ZerosLike(den)), m.dt))
	return divNoNaN(ops.Sum(divNoNaN(tp, den)), present)
}
