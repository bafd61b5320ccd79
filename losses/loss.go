package losses

import (
	"maps"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Loss is a training objective, as a Keras Loss object: Compute turns targets and predictions
// into one scalar (or, with the None reduction, per-sample values) that autodiff can
// differentiate.
type Loss interface {
	// Name returns the loss's name (Keras `name`), used as its key in training logs.
	Name() string
	// Compute returns the loss of predictions yPred for targets yTrue, each per-sample loss
	// weighted by sampleWeight (nil for 1) and then reduced. It works eagerly, on tensors
	// tracked for gradients and on symbolic tensors while traced, whatever the batch size.
	Compute(yTrue, yPred, sampleWeight *tensor.Tensor) *tensor.Tensor
	// Config returns the constructor arguments under their Keras names (`get_config`).
	Config() map[string]any
}

// Reduction says how Compute combines the weighted per-sample losses (Keras `reduction`).
type Reduction string

// The reductions. SumOverBatchSize is the Keras default.
const (
	// SumOverBatchSize sums the weighted losses and divides by their number (not by the sum of
	// the weights), or by the number of unmasked ones when the loss masks some (IgnoreClass).
	SumOverBatchSize Reduction = "sum_over_batch_size"
	// Sum sums the weighted losses.
	Sum Reduction = "sum"
	// None returns the weighted per-sample losses.
	None Reduction = "none"
	// MeanReduction is Keras's "mean", a synonym of SumOverBatchSize.
	MeanReduction Reduction = "mean"
	// MeanWithSampleWeight divides the sum of the weighted losses by the sum of the weights.
	MeanWithSampleWeight Reduction = "mean_with_sample_weight"
)

var reductions = []Reduction{SumOverBatchSize, Sum, None, MeanReduction, MeanWithSampleWeight}

func (r Reduction) valid() bool {
	for _, v := range reductions {
		if r == v {
			return true
		}
	}
	return false
}

// Func is a Loss computed from a function of targets and predictions that returns one loss
// per sample (or per element, for the losses that keep more axes), as Keras's
// LossFunctionWrapper. Every loss of this package is a *Func; NewFunc makes custom ones.
type Func struct {
	name      string
	reduction Reduction
	config    map[string]any
	fn        func(yTrue, yPred *tensor.Tensor) (values, mask *tensor.Tensor)
}

var _ Loss = (*Func)(nil)

// NewFunc returns a Loss named name (unless WithName says otherwise) that reduces the values of
// fn with the reduction of opts (default SumOverBatchSize). Only WithName and WithReduction
// apply; NewFunc panics with a *core.Error on other options. fn must be written with package
// ops so that it can be differentiated and traced.
func NewFunc(name string, fn func(yTrue, yPred *tensor.Tensor) *tensor.Tensor, opts ...Option) *Func {
	c := newConfig(name, opts)
	return newFunc(c, nil, func(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		return fn(yTrue, yPred), nil
	})
}

func newFunc(c *config, extra map[string]any, fn func(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor)) *Func {
	cfg := map[string]any{"name": c.name, "reduction": string(c.reduction)}
	maps.Copy(cfg, extra)
	return &Func{name: c.name, reduction: c.reduction, config: cfg, fn: fn}
}

// Name returns the loss's name.
func (f *Func) Name() string { return f.name }

// Reduction returns the loss's reduction.
func (f *Func) Reduction() Reduction { return f.reduction }

// Config returns the loss's constructor arguments under their Keras names: "name",
// "reduction" and the loss's own ("from_logits", "label_smoothing", "axis", ...). The map is a
// copy.
func (f *Func) Config() map[string]any { return maps.Clone(f.config) }

// Call returns the unreduced, unweighted per-sample losses (the Keras loss function, e.g.
// keras.losses.mean_squared_error): usually yPred's shape without its last axis. Values the
// loss masks (IgnoreClass) are 0.
func (f *Func) Call(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
	v, _ := f.fn(yTrue, yPred)
	return v
}

// Compute returns the loss reduced as the Reduction says. A sampleWeight (nil for none) is
// aligned with the per-sample losses as Keras aligns it — a trailing axis of size 1 is added
// or dropped when the ranks differ by one — and otherwise broadcast along the losses' trailing
// axes ([batch] weights for [batch, time] losses weight whole sequences). It panics with a
// *core.Error on shapes that do not fit.
func (f *Func) Compute(yTrue, yPred, sampleWeight *tensor.Tensor) *tensor.Tensor {
	v, mask := f.fn(yTrue, yPred)
	return reduceWeighted(v, sampleWeight, mask, f.reduction)
}

// reduceWeighted is Keras's reduce_weighted_values: it weights values by sampleWeight and the
// mask (1 where a value counts, nil for all) and reduces them.
func reduceWeighted(values, sampleWeight, mask *tensor.Tensor, r Reduction) *tensor.Tensor {
	dt := values.DType()
	var sw, swSum *tensor.Tensor
	if sampleWeight != nil {
		sw = ops.Cast(sampleWeight, dt)
		values, sw = squeezeOrExpand(values, sw)
		// Keras divides by the sum of the weights as given, not as broadcast: [batch, 1]
		// weights of [batch, time] losses sum to Σw.
		swSum = ops.Sum(sw)
		if r := sw.Rank(); r > 0 && r < values.Rank() {
			sw = ops.ExpandLike(sw, values, axesFrom(r, values.Rank())...)
		}
		values = ops.Mul(values, sw)
	}
	if r == None {
		return values
	}
	total := ops.Sum(values)
	switch {
	case r == Sum:
		return total
	case r == MeanWithSampleWeight && sw != nil:
		if mask != nil {
			swSum = ops.Sum(ops.Mul(sw, ops.Cast(mask, dt)))
		}
		return divNoNaN(total, swSum)
	case mask != nil:
		// Keras rescales the mask by total/valid, so the mean runs over the unmasked values.
		return ops.Div(total, ops.Maximum(ops.Sum(ops.Cast(mask, dt)), scalar(dt, 1)))
	}
	return ops.Div(total, count(values))
}

// count returns the number of elements of x as a scalar of x's dtype, at least 1 (an empty
// batch has a zero sum, so it gives a zero mean as Keras's divide_no_nan does).
func count(x *tensor.Tensor) *tensor.Tensor {
	if n := x.Shape().Size(); n >= 0 {
		return scalar(x.DType(), float64(max(n, 1)))
	}
	return ops.Maximum(ops.Size(x, x.DType()), scalar(x.DType(), 1))
}

// divNoNaN returns a / b, and 0 where b is 0 (Keras's divide_no_nan), with a gradient that is
// finite everywhere.
func divNoNaN(a, b *tensor.Tensor) *tensor.Tensor {
	zero := ops.Equal(b, ops.ZerosLike(b))
	safe := ops.Where(zero, ops.OnesLike(b), b)
	return ops.Where(zero, ops.ZerosLike(a), ops.Div(a, safe))
}

// squeezeOrExpand is Keras's squeeze_or_expand_to_same_rank(x1, x2) (expand_rank_1=True): when
// the ranks differ by one and the larger tensor's last axis has size 1, that axis is dropped,
// except that a rank-1 tensor is expanded instead. Squeezes and expansions are written with
// Sum over the size-1 axis and ReshapeLike, which need no static batch size.
func squeezeOrExpand(x1, x2 *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	r1, r2 := x1.Rank(), x2.Rank()
	switch {
	case r1 == r2+1 && x1.Dim(-1) == 1:
		if r2 == 1 {
			return x1, ops.ReshapeLike(x2, x1)
		}
		return ops.Sum(x1, -1), x2
	case r2 == r1+1 && x2.Dim(-1) == 1:
		if r1 == 1 {
			return ops.ReshapeLike(x1, x2), x2
		}
		return x1, ops.Sum(x2, -1)
	}
	return x1, x2
}

// axesFrom returns lo, lo+1, ..., hi-1.
func axesFrom(lo, hi int) []int {
	axes := make([]int, 0, hi-lo)
	for a := lo; a < hi; a++ {
		axes = append(axes, a)
	}
	return axes
}

// scalar returns a rank-0 constant of dtype dt.
func scalar(dt dtype.DType, v float64) *tensor.Tensor { return tensor.Full(dt, v) }

// floatPair returns yPred as a floating-point tensor (integers become float32) and yTrue cast to
// its dtype, aligned in rank as Keras's LossFunctionWrapper aligns them.
func floatPair(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	yPred = toFloat(yPred)
	yTrue = ops.Cast(yTrue, yPred.DType())
	return squeezeOrExpand(yTrue, yPred)
}

func toFloat(x *tensor.Tensor) *tensor.Tensor {
	if x.DType().IsFloat() {
		return x
	}
	return ops.Cast(x, dtype.Float32)
}

// mustSameShape panics unless a and b have the same rank and the same dimensions where both
// are known.
func mustSameShape(name string, a, b *tensor.Tensor) {
	sa, sb := a.Shape(), b.Shape()
	ok := len(sa) == len(sb)
	for i := 0; ok && i < len(sa); i++ {
		ok = sa[i] < 0 || sb[i] < 0 || sa[i] == sb[i]
	}
	if !ok {
		panic(core.Errorf(name, "targets %v and predictions %v have different shapes", sa, sb))
	}
}

// meanLast averages elementwise losses over axis, Keras's mean(..., axis=-1), except that the
// elements of rank-1 losses are the samples and are kept. (Keras averages those too, so a batch
// of rank-1 predictions becomes one value: the same loss under the default reduction, but sample
// weights are then averaged rather than applied per sample, and the None reduction returns one
// value.)
func meanLast(x *tensor.Tensor, axis int) *tensor.Tensor {
	if x.Rank() < 2 {
		return x
	}
	return ops.Mean(x, axis)
}
