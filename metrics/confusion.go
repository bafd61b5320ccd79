package metrics

import (
	"math"
	"slices"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The confusion-matrix metrics (Keras's confusion_metrics.py): Precision, Recall, the four
// counts, and AUC. They count, for each threshold t, the (weighted) targets and predictions
// with target ≠ 0 and prediction > t (true positives), and so on, over every element of the
// inputs (a [batch, classes] input is batch·classes binary decisions unless ClassID picks one
// class or AUC's MultiLabel keeps the labels apart).

// negInf is Keras's NEG_INF, what TopK sets the predictions outside the top k to, and the
// default threshold with TopK.
const negInf = -1e10

type cmKind int

const (
	truePos cmKind = iota
	falsePos
	trueNeg
	falseNeg
)

// confusionSpec says how predictions become decisions.
type confusionSpec struct {
	thresholds   []float64
	evenly       bool // thresholds evenly spaced over [0, 1]: predictions are clipped to [0, 1] first
	topK         int
	classID      int
	hasClassID   bool
	multiLabel   bool
	labelWeights []float64
}

// update adds the counts of a batch to the variables in vars (indexed by cmKind; nil entries
// are not counted). Each variable has shape [thresholds], or [thresholds, labels] with
// multiLabel.
func (s *confusionSpec) update(vars [4]*autodiff.Variable, dt dtype.DType, yTrue, yPred, sampleWeight *tensor.Tensor) {
	yTrue, yPred, w := s.prepare(dt, yTrue, yPred, sampleWeight)
	thrDims := []int{len(s.thresholds), 1}
	if s.multiLabel {
		thrDims = append(thrDims, 1)
	}
	predPos := ops.Greater(yPred, constant(s.thresholds, dt, thrDims...)) // [T, N] or [T, B, L]
	labelPos := ops.NotEqual(yTrue, ops.ZerosLike(yTrue))
	for k, v := range vars {
		if v == nil {
			continue
		}
		label, pred := labelPos, predPos
		if cmKind(k) == falsePos || cmKind(k) == trueNeg {
			label = ops.LogicalNot(label)
		}
		if cmKind(k) == trueNeg || cmKind(k) == falseNeg {
			pred = ops.LogicalNot(pred)
		}
		c := ops.Cast(ops.LogicalAnd(label, pred), dt)
		if w != nil {
			c = ops.Mul(c, w)
		}
		assignAdd(v, ops.Sum(c, 1))
	}
}

// prepare casts targets and predictions to dt, aligns the weights (sample weights times label
// weights, nil for none) with them, applies TopK and ClassID, and flattens all three unless
// multiLabel.
func (s *confusionSpec) prepare(dt dtype.DType, yTrue, yPred, sampleWeight *tensor.Tensor) (t, p, w *tensor.Tensor) {
	t, p = ops.Cast(yTrue, dt), ops.Cast(yPred, dt)
	p, t = squeezeOrExpand(p, t)
	if sampleWeight != nil {
		w = broadcastLike(sampleWeight, p)
	}
	if s.labelWeights != nil && !s.multiLabel {
		lw := ops.Mul(constant(s.labelWeights, dt), ops.OnesLike(p))
		if w == nil {
			w = lw
		} else {
			w = ops.Mul(w, lw)
		}
	}
	if s.evenly {
		p = ops.ClipScalar(p, 0, 1)
	}
	if s.topK > 0 {
		p = filterTopK(p, s.topK)
	}
	if s.hasClassID {
		if p.Rank() < 2 {
			panic(core.Errorf("metrics", "class_id needs predictions of shape [batch, classes], got %v", p.Shape()))
		}
		pick := func(x *tensor.Tensor) *tensor.Tensor { return ops.SliceAxis(x, -1, s.classID, s.classID+1, 1) }
		t, p = pick(t), pick(p)
		if w != nil {
			w = pick(w)
		}
	}
	if s.multiLabel {
		if p.Rank() != 2 {
			panic(core.Errorf("metrics", "multi-label AUC needs predictions of shape [batch, labels], got %v", p.Shape()))
		}
		return t, p, w
	}
	flat := func(x *tensor.Tensor) *tensor.Tensor { return ops.Reshape(x, -1) }
	if w != nil {
		w = flat(w)
	}
	return flat(t), flat(p), w
}

// filterTopK keeps the k largest values along the last axis of x and sets the others to negInf
// (Keras's _filter_top_k).
func filterTopK(x *tensor.Tensor, k int) *tensor.Tensor {
	_, idx := ops.TopK(x, k)
	mask := ops.Sum(ops.OneHot(idx, x.Dim(-1), x.DType()), -2)
	keep := ops.Mul(x, mask)
	return ops.Add(keep, ops.MulScalar(ops.Sub(ops.OnesLike(mask), mask), negInf))
}

// constant returns the values v as a tensor of dtype dt and the given shape (v's length when
// none), rounded as tensor.Convert rounds.
func constant(v []float64, dt dtype.DType, dims ...int) *tensor.Tensor {
	if dims == nil {
		dims = []int{len(v)}
	}
	out := tensor.New(dt, dims)
	tensor.Convert(out, tensor.FromSlice(v, dims...))
	return out
}

// evenlySpaced reports whether ts are i/(n-1) for i = 0..n-1, as Keras's
// is_evenly_distributed_thresholds decides it (numpy.allclose with atol 1e-7, rtol 1e-5).
func evenlySpaced(ts []float64) bool {
	n := len(ts)
	if n < 3 {
		return false
	}
	for i, t := range ts {
		e := float64(float32(i) / float32(n-1))
		if math.Abs(t-e) > epsilon+1e-5*math.Abs(e) {
			return false
		}
	}
	return true
}

// ConfusionMetric is a metric computed from confusion counts at thresholds: Precision, Recall,
// TruePositives, FalsePositives, TrueNegatives, FalseNegatives.
type ConfusionMetric struct {
	state
	spec   confusionSpec
	counts [4]*autodiff.Variable
	result func(v [4]*tensor.Tensor) *tensor.Tensor
}

var _ Metric = (*ConfusionMetric)(nil)

// Precision is Keras's Precision (name "precision"): tp / (tp + fp), counting predictions above
// the threshold (default 0.5; Thresholds gives one result per threshold) as positive
// (sklearn.metrics.precision_score of y_pred > threshold). Options: Thresholds, TopK (only the
// k highest predictions of a sample are positive; the default threshold is then -1e10, so all
// of them are), ClassID (only that class of [batch, classes] inputs).
func Precision(opts ...Option) *ConfusionMetric {
	return newConfusion("precision", opts, []cmKind{truePos, falsePos}, func(v [4]*tensor.Tensor) *tensor.Tensor {
		return divNoNaN(v[truePos], ops.Add(v[truePos], v[falsePos]))
	})
}

// Recall is Keras's Recall (name "recall"): tp / (tp + fn), with the options of Precision
// (sklearn.metrics.recall_score of y_pred > threshold).
func Recall(opts ...Option) *ConfusionMetric {
	return newConfusion("recall", opts, []cmKind{truePos, falseNeg}, func(v [4]*tensor.Tensor) *tensor.Tensor {
		return divNoNaN(v[truePos], ops.Add(v[truePos], v[falseNeg]))
	})
}

// TruePositives is Keras's TruePositives (name "true_positives"): the weighted count of
// targets ≠ 0 with predictions above the Thresholds (default 0.5).
func TruePositives(opts ...Option) *ConfusionMetric { return newCount("true_positives", truePos, opts) }

// FalsePositives is Keras's FalsePositives (name "false_positives").
func FalsePositives(opts ...Option) *ConfusionMetric {
	return newCount("false_positives", falsePos, opts)
}

// TrueNegatives is Keras's TrueNegatives (name "true_negatives").
func TrueNegatives(opts ...Option) *ConfusionMetric { return newCount("true_negatives", trueNeg, opts) }

// FalseNegatives is Keras's FalseNegatives (name "false_negatives").
func FalseNegatives(opts ...Option) *ConfusionMetric {
	return newCount("false_negatives", falseNeg, opts)
}

func newCount(name string, k cmKind, opts []Option) *ConfusionMetric {
	c := newConfig(name, opts, "thresholds")
	m := &ConfusionMetric{state: c.state(), spec: thresholdSpec(c, 0.5)}
	m.counts[k] = m.variable("accumulator", len(m.spec.thresholds))
	m.result = func(v [4]*tensor.Tensor) *tensor.Tensor { return ops.AddScalar(v[k], 0) }
	return m
}

func newConfusion(name string, opts []Option, kinds []cmKind, result func(v [4]*tensor.Tensor) *tensor.Tensor) *ConfusionMetric {
	c := newConfig(name, opts, "thresholds", "top_k", "class_id")
	def := 0.5
	if c.topK > 0 {
		def = negInf
	}
	if slices.Contains(c.set, "top_k") && c.topK < 1 {
		panic(core.Errorf("metrics", "%s: top_k %d, want >= 1", name, c.topK))
	}
	m := &ConfusionMetric{state: c.state(), spec: thresholdSpec(c, def), result: result}
	m.spec.topK, m.spec.classID, m.spec.hasClassID = c.topK, c.classID, c.hasClassID
	names := [4]string{"true_positives", "false_positives", "true_negatives", "false_negatives"}
	for _, k := range kinds {
		m.counts[k] = m.variable(names[k], len(m.spec.thresholds))
	}
	return m
}

// thresholdSpec returns the thresholds of c (checked to be in [0, 1]) or [def].
func thresholdSpec(c *config, def float64) confusionSpec {
	ts := []float64{def}
	if c.thresholds != nil {
		if len(c.thresholds) == 0 {
			panic(core.Errorf("metrics", "%s: no thresholds given", c.name))
		}
		for _, t := range c.thresholds {
			checkRange(c.name, "threshold", t, 0, 1)
		}
		ts = c.thresholds
	}
	return confusionSpec{thresholds: ts, evenly: evenlySpaced(ts)}
}

// Update adds the batch's confusion counts.
func (m *ConfusionMetric) Update(yTrue, yPred, sampleWeight *tensor.Tensor) {
	m.spec.update(m.counts, m.dt, yTrue, yPred, sampleWeight)
}

// Result returns the metric: a scalar for one threshold, else one value per threshold.
func (m *ConfusionMetric) Result() *tensor.Tensor {
	var v [4]*tensor.Tensor
	for k, x := range m.counts {
		if x != nil {
			v[k] = x.Value()
		}
	}
	r := m.result(v)
	if len(m.spec.thresholds) == 1 {
		return ops.Reshape(r)
	}
	return r
}
