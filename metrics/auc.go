package metrics

import (
	"slices"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// AUCMetric is Keras's AUC: the area under the ROC or precision-recall curve, approximated from
// confusion counts at fixed thresholds.
type AUCMetric struct {
	state
	spec      confusionSpec
	curve     Curve
	summation Summation
	logits    bool
	weights   []float64 // label weights of the multi-label average
	counts    [4]*autodiff.Variable
}

var _ Metric = (*AUCMetric)(nil)

// AUC is Keras's AUC (name "auc"). It accumulates true and false positives and negatives at
// NumThresholds (default 200) thresholds — 0 - 1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7 —
// or at the given Thresholds plus those two end points, and computes from them the area under
// the ROC curve (default, sklearn.metrics.roc_auc_score) or, WithCurve(PR), the precision-recall
// curve (compare sklearn.metrics.average_precision_score). WithSummation chooses the Riemann sum:
// Interpolation (trapezoids for ROC; for PR the interpolation of Davis & Goadrich 2006),
// Minoring or Majoring. The thresholds make it an approximation: for ROC it is the exact AUC of
// the predictions rounded up to the thresholds, so it differs from the exact AUC by at most half
// the weight of the positive-negative pairs that fall between the same two thresholds.
// Other options: FromLogits (a sigmoid is applied first), MultiLabel (one AUC per label of
// [batch, labels] inputs, averaged), LabelWeights.
func AUC(opts ...Option) *AUCMetric {
	c := newConfig("auc", opts, "num_thresholds", "thresholds", "curve", "summation_method", "from_logits", "multi_label", "label_weights")
	mustValid(c.name, c.curve.valid(), "curve", c.curve)
	mustValid(c.name, c.summation.valid(), "summation method", c.summation)
	ts, evenly := aucThresholds(c)
	m := &AUCMetric{state: c.state(), curve: c.curve, summation: c.summation, logits: c.fromLogits,
		spec: confusionSpec{thresholds: ts, evenly: evenly, multiLabel: c.multiLabel}}
	if c.multiLabel {
		m.weights = c.labelWeights
		if c.labelWeights != nil {
			m.build(len(c.labelWeights))
		}
	} else {
		m.spec.labelWeights = c.labelWeights
		m.build(0)
	}
	return m
}

// aucThresholds returns AUC's thresholds — the given ones sorted, or n-2 evenly spaced ones
// inside (0, 1) — with the end points -1e-7 and 1+1e-7, and whether they are evenly spaced.
func aucThresholds(c *config) ([]float64, bool) {
	var ts []float64
	evenly := true
	if c.thresholds != nil {
		ts = slices.Clone(c.thresholds)
		for _, t := range ts {
			checkRange(c.name, "threshold", t, 0, 1)
		}
		slices.Sort(ts)
		evenly = evenlySpaced(append(append([]float64{0}, ts...), 1))
	} else {
		n := c.numThresholds
		if n < 2 {
			panic(core.Errorf("metrics", "%s: num_thresholds %d, want > 1", c.name, n))
		}
		for i := 0; i < n-2; i++ {
			ts = append(ts, float64(i+1)/float64(n-1))
		}
	}
	return append(append([]float64{-epsilon}, ts...), 1+epsilon), evenly
}

// build creates the counts, of shape [thresholds] or [thresholds, labels].
func (m *AUCMetric) build(labels int) {
	dims := []int{len(m.spec.thresholds)}
	if m.spec.multiLabel {
		dims = append(dims, labels)
	}
	for k, name := range [4]string{"true_positives", "false_positives", "true_negatives", "false_negatives"} {
		m.counts[k] = m.variable(name, dims...)
	}
}

// Thresholds returns the thresholds, end points included.
func (m *AUCMetric) Thresholds() []float64 { return slices.Clone(m.spec.thresholds) }

// Update adds the batch's counts. With MultiLabel the first update fixes the number of labels.
func (m *AUCMetric) Update(yTrue, yPred, sampleWeight *tensor.Tensor) {
	if m.counts[0] == nil {
		if yPred.Rank() != 2 || yPred.Dim(1) < 0 {
			panic(core.Errorf("metrics", "%s: multi-label predictions have shape %v, want [batch, labels]", m.name, yPred.Shape()))
		}
		m.build(yPred.Dim(1))
	}
	if m.logits {
		yPred = ops.Sigmoid(ops.Cast(yPred, m.dt))
	}
	m.spec.update(m.counts, m.dt, yTrue, yPred, sampleWeight)
}

// Result returns the area (0 before any update).
func (m *AUCMetric) Result() *tensor.Tensor {
	if m.counts[0] == nil {
		return scalar(m.dt, 0)
	}
	terms := m.terms(m.counts[truePos].Value(), m.counts[falsePos].Value(), m.counts[trueNeg].Value(), m.counts[falseNeg].Value())
	if !m.spec.multiLabel {
		return ops.Sum(terms)
	}
	byLabel := ops.Sum(terms, 0)
	if m.weights == nil {
		return ops.Mean(byLabel)
	}
	w := constant(m.weights, m.dt)
	return divNoNaN(ops.Sum(ops.Mul(byLabel, w)), ops.Sum(w))
}

// terms returns the area of each interval between consecutive thresholds.
func (m *AUCMetric) terms(tp, fp, tn, fn *tensor.Tensor) *tensor.Tensor {
	if m.curve == PR && m.summation == Interpolation {
		return interpolatePR(tp, fp, fn)
	}
	recall := divNoNaN(tp, ops.Add(tp, fn))
	x, y := divNoNaN(fp, ops.Add(fp, tn)), recall
	if m.curve == PR {
		x, y = recall, divNoNaN(tp, ops.Add(tp, fp))
	}
	var heights *tensor.Tensor
	switch m.summation {
	case Interpolation:
		heights = ops.MulScalar(ops.Add(head(y), tail(y)), 0.5)
	case Minoring:
		heights = ops.Minimum(head(y), tail(y))
	default:
		heights = ops.Maximum(head(y), tail(y))
	}
	return ops.Mul(ops.Sub(head(x), tail(x)), heights)
}

// interpolatePR is Keras's interpolate_pr_auc: within each interval between thresholds the true
// positives and the predicted positives vary linearly, and precision is integrated exactly.
func interpolatePR(tp, fp, fn *tensor.Tensor) *tensor.Tensor {
	dtp := ops.Sub(head(tp), tail(tp))
	p := ops.Add(tp, fp)
	dp := ops.Sub(head(p), tail(p))
	zero := ops.ZerosLike(dp)
	slope := divNoNaN(dtp, ops.Maximum(dp, zero))
	intercept := ops.Sub(tail(tp), ops.Mul(slope, tail(p)))
	both := ops.LogicalAnd(ops.Greater(head(p), zero), ops.Greater(tail(p), zero))
	ratio := ops.Where(both, divNoNaN(head(p), ops.Maximum(tail(p), zero)), ops.OnesLike(dp))
	inc := ops.Mul(slope, ops.Add(dtp, ops.Mul(intercept, ops.Log(ratio))))
	return divNoNaN(inc, ops.Maximum(ops.Add(tail(tp), tail(fn)), zero))
}

// head returns x[:-1] along axis 0; tail x[1:].
func head(x *tensor.Tensor) *tensor.Tensor { return ops.SliceAxis(x, 0, 0, x.Dim(0)-1, 1) }

func tail(x *tensor.Tensor) *tensor.Tensor { return ops.SliceAxis(x, 0, 1, x.Dim(0), 1) }
