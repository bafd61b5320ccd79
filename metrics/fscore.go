package metrics

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// FBetaMetric is Keras's FBetaScore: the weighted harmonic mean of precision and recall,
// (1+β²)·P·R / (β²·P + R), per class of [batch, classes] inputs or averaged.
type FBetaMetric struct {
	state
	average   Average
	beta      float64
	threshold float64
	hasThr    bool
	tp, fp    *autodiff.Variable
	fn, sup   *autodiff.Variable
}

var _ Metric = (*FBetaMetric)(nil)

// FBetaScore is Keras's FBetaScore (name "fbeta_score") for multi-class or multi-label
// [batch, classes] inputs (sklearn.metrics.fbeta_score on indicator matrices). A prediction is
// positive where it exceeds the Threshold, or, without one, where it is its row's maximum (and
// not 0). Options: Beta (default 1), WithAverage (NoAverage, the default, gives one score per
// class; Micro, Macro, Weighted as in scikit-learn), Threshold (in (0, 1]). As in Keras, 1e-7
// is added to the denominators, so the scores are below scikit-learn's by about 1e-7 relative,
// and an undefined score is 0 (scikit-learn's zero_division=0).
func FBetaScore(opts ...Option) *FBetaMetric {
	return newFBeta(newConfig("fbeta_score", opts, "beta", "average", "threshold"))
}

// F1Score is Keras's F1Score (name "f1_score"): FBetaScore with β = 1
// (sklearn.metrics.f1_score).
func F1Score(opts ...Option) *FBetaMetric {
	return newFBeta(newConfig("f1_score", opts, "average", "threshold"))
}

func newFBeta(c *config) *FBetaMetric {
	mustValid(c.name, c.average.valid(), "average", c.average)
	if !(c.beta > 0) {
		panic(core.Errorf("metrics", "%s: beta %v, want > 0", c.name, c.beta))
	}
	if c.hasThreshold && !(c.threshold > 0 && c.threshold <= 1) {
		panic(core.Errorf("metrics", "%s: threshold %v is outside (0, 1]", c.name, c.threshold))
	}
	return &FBetaMetric{state: c.state(), average: c.average, beta: c.beta, threshold: c.threshold, hasThr: c.hasThreshold}
}

// Update adds the batch's per-class true positives, false positives, false negatives and
// support. The first update fixes the number of classes.
func (m *FBetaMetric) Update(yTrue, yPred, sampleWeight *tensor.Tensor) {
	if yTrue.Rank() != 2 || yPred.Rank() != 2 || yPred.Dim(1) < 0 {
		panic(core.Errorf("metrics", "%s: inputs have shapes %v and %v, want [batch, classes]", m.name, yTrue.Shape(), yPred.Shape()))
	}
	if m.tp == nil {
		var dims []int
		if m.average != Micro {
			dims = []int{yPred.Dim(1)}
		}
		m.tp, m.fp = m.variable("true_positives", dims...), m.variable("false_positives", dims...)
		m.fn, m.sup = m.variable("false_negatives", dims...), m.variable("intermediate_weights", dims...)
	}
	t, y := ops.Cast(yTrue, m.dt), ops.Cast(yPred, m.dt)
	var pos *tensor.Tensor
	if m.hasThr {
		pos = ops.Greater(y, scalar(m.dt, m.threshold))
	} else {
		top := ops.GreaterEqual(y, ops.MaxKeepDims(y, -1))
		pos = ops.LogicalAnd(top, ops.Greater(ops.Abs(y), scalar(m.dt, 1e-9)))
	}
	p := ops.Cast(pos, m.dt)
	one := ops.OnesLike(p)
	sum := func(v *tensor.Tensor) *tensor.Tensor {
		if sampleWeight != nil {
			v = ops.Mul(v, broadcastLike(sampleWeight, v))
		}
		if m.average == Micro {
			return ops.Sum(v)
		}
		return ops.Sum(v, 0)
	}
	assignAdd(m.tp, sum(ops.Mul(p, t)))
	assignAdd(m.fp, sum(ops.Mul(p, ops.Sub(one, t))))
	assignAdd(m.fn, sum(ops.Mul(ops.Sub(one, p), t)))
	assignAdd(m.sup, sum(t))
}

// Result returns the score: per class with NoAverage, else one value (0 before any update).
func (m *FBetaMetric) Result() *tensor.Tensor {
	if m.tp == nil {
		return scalar(m.dt, 0)
	}
	tp, fp, fn := m.tp.Value(), m.fp.Value(), m.fn.Value()
	precision := ops.Div(tp, ops.AddScalar(ops.Add(tp, fp), epsilon))
	recall := ops.Div(tp, ops.AddScalar(ops.Add(tp, fn), epsilon))
	b2 := m.beta * m.beta
	den := ops.AddScalar(ops.Add(ops.MulScalar(precision, b2), recall), epsilon)
	f := ops.MulScalar(ops.Div(ops.Mul(precision, recall), den), 1+b2)
	switch m.average {
	case Weighted:
		sup := m.sup.Value()
		return ops.Sum(ops.Mul(f, ops.Div(sup, ops.AddScalar(ops.Sum(sup), epsilon))))
	case Micro, Macro:
		return ops.Mean(f)
	}
	return f
}
