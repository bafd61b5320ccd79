package nn

import (
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Activation layers with arguments (Keras's keras.layers.ReLU, LeakyReLU, PReLU, ELU, Softmax)
// and Identity. Each computes every element from itself (Softmax from its axis), so the output
// keeps the input's mask.

// Interface checks.
var (
	_ MaskPropagator = (*ReLULayer)(nil)
	_ MaskPropagator = (*LeakyReLULayer)(nil)
	_ MaskPropagator = (*PReLULayer)(nil)
	_ MaskPropagator = (*ELULayer)(nil)
	_ MaskPropagator = (*SoftmaxLayer)(nil)
	_ MaskedCaller   = (*SoftmaxLayer)(nil)
	_ MaskPropagator = (*IdentityLayer)(nil)
	_ Constrainer    = (*PReLULayer)(nil)
)

// ReLULayer is Keras's ReLU layer.
type ReLULayer struct {
	Base
	maxValue  *float64
	slope, th float64
}

// ReLU returns Keras's ReLU layer: x above the threshold (default 0), capped at WithMaxValue
// (default none), and negative_slope·(x − threshold) at or below it (WithNegativeSlope, default
// 0; WithThreshold), as keras.activations.relu:
//
//	f(x) = min(x, max_value)              if x > threshold
//	f(x) = negative_slope·(x − threshold) otherwise
//
// It panics with a *core.Error if max_value, negative_slope or threshold is negative.
func ReLU(opts ...Option) *ReLULayer {
	o := parse("ReLU", opts, "max_value", "negative_slope", "threshold")
	l := &ReLULayer{maxValue: rnnGet[*float64](o, "max_value", nil), slope: rnnGet(o, "negative_slope", 0.0),
		th: rnnGet(o, "threshold", 0.0)}
	l.initBase("ReLU", "re_lu", o)
	if l.maxValue != nil && !(*l.maxValue >= 0) {
		panic(l.errorf("max_value cannot be negative, got %v", *l.maxValue))
	}
	if !(l.slope >= 0) {
		panic(l.errorf("negative_slope cannot be negative, got %v", l.slope))
	}
	if !(l.th >= 0) {
		panic(l.errorf("threshold cannot be negative, got %v", l.th))
	}
	return l
}

// Call applies the rectifier. Keras's formula is followed literally, so that the gradient at
// the threshold (0 there, from the comparison) matches Keras's.
func (l *ReLULayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := actFloat(&l.Base, l.one(inputs))
	var y *tensor.Tensor
	if l.th == 0 {
		y = ops.Relu(x)
	} else {
		y = ops.Mul(x, ops.Cast(ops.Greater(x, ops.FullLike(x, l.th)), x.DType()))
	}
	if l.maxValue != nil {
		y = ops.ClipScalar(y, 0, *l.maxValue)
	}
	if l.slope != 0 {
		y = ops.Sub(y, ops.MulScalar(ops.Relu(ops.AddScalar(ops.Neg(x), l.th)), l.slope))
	}
	return l.Finish(y)
}

// Config returns max_value, negative_slope and threshold.
func (l *ReLULayer) Config() map[string]any {
	c := l.baseConfig()
	var mv any
	if l.maxValue != nil {
		mv = *l.maxValue
	}
	c["max_value"], c["negative_slope"], c["threshold"] = mv, l.slope, l.th
	return c
}

// actFloat converts x to the layer's dtype, which must be floating point.
func actFloat(b *Base, x *tensor.Tensor) *tensor.Tensor {
	if !b.dt.IsFloat() {
		panic(b.errorf("needs a floating-point dtype, has %v", b.dt))
	}
	return b.cast(x)
}

// LeakyReLULayer is Keras's LeakyReLU layer.
type LeakyReLULayer struct {
	Base
	slope float64
}

// LeakyReLU returns Keras's LeakyReLU layer: x for x > 0, negative_slope·x otherwise, with
// Keras's default slope 0.3 (WithNegativeSlope; PyTorch's default is 0.01). It panics with a
// *core.Error for a negative or NaN slope.
func LeakyReLU(opts ...Option) *LeakyReLULayer {
	o := parse("LeakyReLU", opts, "negative_slope")
	l := &LeakyReLULayer{slope: rnnGet(o, "negative_slope", 0.3)}
	l.initBase("LeakyReLU", "leaky_re_lu", o)
	if !(l.slope >= 0) {
		panic(l.errorf("negative_slope cannot be negative or NaN, got %v", l.slope))
	}
	return l
}

// Call applies the leaky rectifier.
func (l *LeakyReLULayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(ops.LeakyRelu(actFloat(&l.Base, l.one(inputs)), l.slope))
}

// Config returns negative_slope.
func (l *LeakyReLULayer) Config() map[string]any {
	c := l.baseConfig()
	c["negative_slope"] = l.slope
	return c
}

// PReLULayer is Keras's PReLU layer.
type PReLULayer struct {
	Base
	shared []int
	o      *options
	alpha  *autodiff.Variable
}

// PReLU returns Keras's PReLU layer: x for x > 0, alpha·x otherwise, with a learned alpha of the
// input's shape without the batch dimension (default initializer zeros), shared (size 1) along
// the axes given with WithSharedAxes (1-based, as Keras: for [batch, H, W, C] images
// WithSharedAxes(1, 2) learns one alpha per channel). Options: WithAlphaInitializer,
// WithAlphaRegularizer, WithAlphaConstraint, WithName, WithDType. The alpha's dimensions must be
// known; a shared axis may be unknown.
func PReLU(opts ...Option) *PReLULayer {
	o := parse("PReLU", opts, "alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes")
	l := &PReLULayer{shared: rnnGet[[]int](o, "shared_axes", nil), o: o}
	l.initBase("PReLU", "p_re_lu", o)
	for _, a := range l.shared {
		if a < 1 {
			panic(l.errorf("shared_axes are 1-based axes after the batch axis, got %v", l.shared))
		}
	}
	return l
}

// Alpha returns the alpha variable (nil before the first call).
func (l *PReLULayer) Alpha() *autodiff.Variable { return l.alpha }

// Call applies the parametric rectifier.
func (l *PReLULayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := actFloat(&l.Base, l.one(inputs))
	l.BuildOnce(func() {
		dims := append([]int{}, x.Shape()[1:]...)
		for _, a := range l.shared {
			if a > len(dims) {
				panic(l.errorf("shared axis %d is out of range for an input of shape %v", a, x.Shape()))
			}
			dims[a-1] = 1
		}
		for _, d := range dims {
			if d < 0 {
				panic(l.errorf("alpha needs known dimensions, got input shape %v and shared_axes %v", x.Shape(), l.shared))
			}
		}
		l.alpha = l.AddWeight("alpha", dims, l.o.init("alpha", initializers.Zeros()),
			Regularized(l.o.regs["alpha"]), Constrained(l.o.cons["alpha"]))
	})
	if x.Rank() != len(l.alpha.Shape())+1 {
		panic(l.errorf("was built for inputs of rank %d, got shape %v", len(l.alpha.Shape())+1, x.Shape()))
	}
	// relu(x) − alpha·relu(−x), Keras's formula: its gradient at 0 is 0 for both x and alpha.
	neg := ops.Mul(ops.Neg(l.alpha.Value()), ops.Relu(ops.Neg(x)))
	return l.Finish(ops.Add(ops.Relu(x), neg))
}

// Config returns Keras's PReLU config.
func (l *PReLULayer) Config() map[string]any {
	c := l.baseConfig()
	c["alpha_initializer"] = cfgOf(l.o.init("alpha", initializers.Zeros()))
	var reg, cons any
	if r := l.o.regs["alpha"]; r != nil {
		reg = r.Config()
	}
	if k := l.o.cons["alpha"]; k != nil {
		cons = k.Config()
	}
	c["alpha_regularizer"], c["alpha_constraint"] = reg, cons
	var shared any
	if l.shared != nil {
		shared = l.shared
	}
	c["shared_axes"] = shared
	return c
}

// ELULayer is Keras's ELU layer.
type ELULayer struct {
	Base
	alpha float64
}

// ELU returns Keras's ELU layer: x for x > 0, alpha·(eˣ − 1) otherwise (WithELUAlpha, default 1).
func ELU(opts ...Option) *ELULayer {
	o := parse("ELU", opts, "alpha")
	l := &ELULayer{alpha: rnnGet(o, "alpha", 1.0)}
	l.initBase("ELU", "elu", o)
	if math.IsNaN(l.alpha) || math.IsInf(l.alpha, 0) {
		panic(l.errorf("alpha must be finite, got %v", l.alpha))
	}
	return l
}

// Call applies the exponential linear unit.
func (l *ELULayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(ops.Elu(actFloat(&l.Base, l.one(inputs)), l.alpha))
}

// Config returns alpha.
func (l *ELULayer) Config() map[string]any {
	c := l.baseConfig()
	c["alpha"] = l.alpha
	return c
}

// SoftmaxLayer is Keras's Softmax layer.
type SoftmaxLayer struct {
	Base
	axes []int
}

// Softmax returns Keras's Softmax layer: exp(x) / Σ exp(x) along the last axis or the axes given
// with WithAxis (several axes normalise jointly, as exp(x − logsumexp(x))). Call takes the
// logits and optionally a mask (bool or 0/1, broadcastable to the logits, true to keep): as
// Keras, masked logits get −1e9 added (−3e4 in float16) before the softmax, so a fully masked
// row is uniform rather than NaN. In a model, a mask flowing from earlier layers applies the
// same way (see [SoftmaxLayer.CallMasked]).
func Softmax(opts ...Option) *SoftmaxLayer {
	o := parse("Softmax", opts, "axis")
	l := &SoftmaxLayer{axes: []int{-1}}
	if o.axis != nil {
		l.axes = append([]int{}, o.axis...)
	}
	l.initBase("Softmax", "softmax", o)
	if len(l.axes) == 0 {
		panic(l.errorf("needs at least one axis"))
	}
	return l
}

// Call applies the softmax to inputs[0], masked by inputs[1] if given.
func (l *SoftmaxLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) != 1 && len(inputs) != 2 {
		panic(l.errorf("takes logits and an optional mask, got %d inputs", len(inputs)))
	}
	x := actFloat(&l.Base, inputs[0])
	if len(inputs) == 2 {
		large := -1e9
		if x.DType() == dtype.Float16 {
			large = -3e4
		}
		keep := ops.Cast(inputs[1], x.DType())
		x = ops.Add(x, ops.MulScalar(ops.AddScalar(ops.Neg(keep), 1), large))
	}
	for _, a := range l.axes {
		if a < -x.Rank() || a >= x.Rank() {
			panic(l.errorf("axis %v is out of range for an input of shape %v", l.axes, x.Shape()))
		}
	}
	if len(l.axes) == 1 {
		return l.Finish(ops.Softmax(x, l.axes[0]))
	}
	return l.Finish(ops.Exp(ops.Sub(x, ops.LogSumExpKeepDims(x, l.axes...))))
}

// CallMasked is Call with the mask that flows with the logits from earlier layers (masks[0]) as
// the mask input, as Keras passes a layer's input mask to Softmax.call; an explicit mask input
// wins. A mask of the logits' rank applies as it is. One of lower rank, such as Embedding's
// [batch, time], covers the leading axes, as Keras's masks do, and is expanded with unit axes
// where it reaches a softmax axis; where it does not, it is constant along the softmax axes and
// would change nothing, so it is left out (adding −1e9 to a whole row would only lose
// precision). It panics with a *core.Error for a mask that does not fit the logits' leading
// dimensions.
func (l *SoftmaxLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) != 1 || len(masks) == 0 || masks[0] == nil {
		return l.Call(ctx, inputs...)
	}
	x, m := inputs[0], masks[0]
	if m.Rank() > x.Rank() || !rnnDimsFit(m.Shape(), x.Shape()[:m.Rank()]) {
		panic(l.errorf("mask of shape %v does not fit logits of shape %v", m.Shape(), x.Shape()))
	}
	if !l.maskReachesAxes(m.Rank(), x.Rank()) {
		return l.Call(ctx, x)
	}
	for m.Rank() < x.Rank() {
		m = ops.Unsqueeze(m, -1)
	}
	return l.Call(ctx, x, m)
}

// maskReachesAxes reports whether a mask over the first maskRank axes of logits of rank rank
// covers one of the softmax axes.
func (l *SoftmaxLayer) maskReachesAxes(maskRank, rank int) bool {
	for _, a := range l.axes {
		if a < 0 {
			a += rank
		}
		if a < maskRank {
			return true
		}
	}
	return false
}

// OutputMask returns the logits' mask: the output keeps it, as Keras's supports_masking.
func (l *SoftmaxLayer) OutputMask(masks []*tensor.Tensor, _ ...*tensor.Tensor) *tensor.Tensor {
	if len(masks) > 0 {
		return masks[0]
	}
	return nil
}

// Config returns axis (an int for one axis, a list for several, as given to Keras).
func (l *SoftmaxLayer) Config() map[string]any {
	c := l.baseConfig()
	var axis any = l.axes
	if len(l.axes) == 1 {
		axis = l.axes[0]
	}
	c["axis"] = axis
	return c
}

// IdentityLayer is Keras's Identity layer.
type IdentityLayer struct{ Base }

// Identity returns Keras's Identity layer: it returns its inputs unchanged (a placeholder, or a
// named tap in a model). Name "identity".
func Identity(opts ...Option) *IdentityLayer {
	o := parse("Identity", opts)
	l := &IdentityLayer{}
	l.initBase("Identity", "identity", o)
	return l
}

// Call returns its inputs.
func (l *IdentityLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(inputs...)
}

// SupportsMasking reports that the output keeps the input's mask.
func (l *ReLULayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *LeakyReLULayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *PReLULayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *ELULayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *SoftmaxLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *IdentityLayer) SupportsMasking() bool { return true }
