package metrics

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// MeanMetric is a weighted running mean, Keras's Mean and MeanMetricWrapper: its state is the
// weighted sum of the values seen ("total") and the sum of their weights ("count"), and its
// result total/count (0 before any update). Mean averages values given directly; MeanFunc and
// the accuracy and regression metrics average the per-sample values of a function of targets
// and predictions.
type MeanMetric struct {
	state
	total, count *autodiff.Variable
	fn           func(yTrue, yPred *tensor.Tensor) *tensor.Tensor
}

var _ Metric = (*MeanMetric)(nil)

// Mean returns Keras's Mean metric (name "mean"): the weighted mean of the values passed to
// UpdateValues (or as yPred to Update).
func Mean(opts ...Option) *MeanMetric {
	return newMean(newConfig("mean", opts), nil)
}

// MeanFunc returns a metric named name that averages fn(yTrue, yPred) over samples, Keras's
// MeanMetricWrapper. fn returns one value per sample (or per element: values of rank above 1
// are first averaged over their non-batch axes) and must be written with package ops. The
// per-sample losses of package losses fit: MeanFunc("kl_divergence",
// losses.KLDivergence().Call).
func MeanFunc(name string, fn func(yTrue, yPred *tensor.Tensor) *tensor.Tensor, opts ...Option) *MeanMetric {
	return newMean(newConfig(name, opts), fn)
}

func newMean(c *config, fn func(yTrue, yPred *tensor.Tensor) *tensor.Tensor) *MeanMetric {
	m := &MeanMetric{state: c.state(), fn: fn}
	m.total = m.variable("total")
	m.count = m.variable("count")
	return m
}

// Update folds fn(yTrue, yPred) into the mean; for Mean, which has no function, yPred are the
// values and yTrue is ignored.
func (m *MeanMetric) Update(yTrue, yPred, sampleWeight *tensor.Tensor) {
	if m.fn == nil {
		m.UpdateValues(yPred, sampleWeight)
		return
	}
	m.UpdateValues(m.fn(yTrue, yPred), sampleWeight)
}

// UpdateValues folds values, weighted by sampleWeight (nil for 1), into the mean, as Keras's
// Mean.update_state: values are reduced to one per sample by averaging over the axes the
// weights lack (weights of [batch] for values of [batch, d] weight each row's mean), and each
// sample counts with its weight (or 1).
func (m *MeanMetric) UpdateValues(values, sampleWeight *tensor.Tensor) {
	values, sw := samplewise(values, sampleWeight, m.dt, false)
	assignAdd(m.total, ops.Sum(values))
	switch {
	case sw != nil:
		assignAdd(m.count, ops.Sum(sw))
	case values.Rank() == 0:
		assignAdd(m.count, scalar(m.dt, 1))
	default:
		assignAdd(m.count, ops.Size(values, m.dt, 0))
	}
}

// Result returns total / count, 0 when count is 0.
func (m *MeanMetric) Result() *tensor.Tensor {
	return divNoNaN(m.total.Value(), m.count.Value())
}

// samplewise is Keras's reduce_to_samplewise_values: it casts values to dt, multiplies them by
// the aligned sample weights, and reduces both to one value per sample (by mean, or by sum
// when sum is set).
func samplewise(values, sampleWeight *tensor.Tensor, dt dtype.DType, sum bool) (*tensor.Tensor, *tensor.Tensor) {
	reduce := ops.Mean
	if sum {
		reduce = ops.Sum
	}
	values = ops.Cast(values, dt)
	var sw *tensor.Tensor
	if sampleWeight != nil {
		sw = ops.Cast(sampleWeight, dt)
		values, sw = squeezeOrExpand(values, sw)
		if values.Rank() > sw.Rank() {
			values = reduce(values, axesFrom(sw.Rank(), values.Rank())...)
		}
		sw = ops.Mul(sw, ops.OnesLike(values))
		values = ops.Mul(values, sw)
		if sw.Rank() > 1 {
			sw = reduce(sw, axesFrom(1, sw.Rank())...)
		}
	}
	if values.Rank() > 1 {
		values = reduce(values, axesFrom(1, values.Rank())...)
	}
	return values, sw
}

// SumMetric is a weighted running sum, Keras's Sum.
type SumMetric struct {
	state
	total *autodiff.Variable
}

var _ Metric = (*SumMetric)(nil)

// Sum returns Keras's Sum metric (name "sum"): the weighted sum of the values passed to
// UpdateValues (or as yPred to Update).
func Sum(opts ...Option) *SumMetric {
	c := newConfig("sum", opts)
	m := &SumMetric{state: c.state()}
	m.total = m.variable("total")
	return m
}

// Update adds the values yPred, weighted by sampleWeight; yTrue is ignored.
func (m *SumMetric) Update(yTrue, yPred, sampleWeight *tensor.Tensor) {
	m.UpdateValues(yPred, sampleWeight)
}

// UpdateValues adds the sum of values weighted by sampleWeight (nil for 1).
func (m *SumMetric) UpdateValues(values, sampleWeight *tensor.Tensor) {
	values, _ = samplewise(values, sampleWeight, m.dt, true)
	assignAdd(m.total, ops.Sum(values))
}

// Result returns the sum.
func (m *SumMetric) Result() *tensor.Tensor { return ops.Add(m.total.Value(), scalar(m.dt, 0)) }
