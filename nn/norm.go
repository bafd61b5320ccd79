package nn

import (
	"math"
	"slices"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

var normKeys = []string{"axis", "epsilon", "center", "scale", "gamma_initializer", "beta_initializer",
	"gamma_regularizer", "beta_regularizer", "gamma_constraint", "beta_constraint", "activity_regularizer", "seed"}

// normBase holds the scale (gamma) and offset (beta) of a normalisation.
type normBase struct {
	Base
	axes          []int
	epsilon       float64
	center, scale bool
	o             *options
	gamma, beta   *autodiff.Variable
}

func (n *normBase) initNorm(class, defName string, o *options, defAxes []int) {
	n.initBase(class, defName, o)
	n.o = o
	n.axes = defAxes
	if o.axis != nil {
		n.axes = o.axis
	}
	n.epsilon = orDefault(o.epsilon, 1e-3)
	if n.epsilon < 0 {
		panic(n.errorf("epsilon must be >= 0, got %v", n.epsilon))
	}
	n.center, n.scale = orTrue(o.center), orTrue(o.scale)
}

// normAxes returns the layer's axes normalised for rank.
func (n *normBase) normAxes(rank int) []int {
	axes, err := shape.NormalizeAxes(n.axes, rank)
	if err != nil {
		panic(n.errorf("axis %v does not fit an input of rank %d: %v", n.axes, rank, err))
	}
	slices.Sort(axes)
	return axes
}

// createScaleOffset adds gamma and beta of the given shape (as configured).
func (n *normBase) createScaleOffset(dims []int) {
	if n.scale {
		n.gamma = n.AddWeight("gamma", dims, n.o.init("gamma", initializers.Ones()),
			Regularized(n.o.regs["gamma"]), Constrained(n.o.cons["gamma"]))
	}
	if n.center {
		n.beta = n.AddWeight("beta", dims, n.o.init("beta", initializers.Zeros()),
			Regularized(n.o.regs["beta"]), Constrained(n.o.cons["beta"]))
	}
}

// opsEpsilon passes epsilon to the normalisation ops, whose zero value means their own default
// (1e-5): an epsilon of 0 becomes the smallest positive float64, which is 0 in any sum with a
// variance.
func opsEpsilon(e float64) float64 {
	if e == 0 {
		return math.SmallestNonzeroFloat64
	}
	return e
}

func value(v *autodiff.Variable) *tensor.Tensor {
	if v == nil {
		return nil
	}
	return v.Value()
}

func (n *normBase) normConfig() map[string]any {
	c := n.baseConfig()
	if len(n.axes) == 1 {
		c["axis"] = n.axes[0]
	} else {
		c["axis"] = n.axes
	}
	c["epsilon"], c["center"], c["scale"] = n.epsilon, n.center, n.scale
	c["gamma_initializer"] = cfgOf(n.o.init("gamma", initializers.Ones()))
	c["beta_initializer"] = cfgOf(n.o.init("beta", initializers.Zeros()))
	addRegConfig(c, n.o, "gamma", "beta")
	return c
}

// dimsAt returns x's dimensions at axes, which must be known.
func (n *normBase) dimsAt(x *tensor.Tensor, axes []int) []int {
	var dims []int
	for _, a := range axes {
		d := x.Shape()[a]
		if d < 0 {
			panic(n.errorf("the normalised dimensions of the input must be known, got shape %v", x.Shape()))
		}
		dims = append(dims, d)
	}
	return dims
}

// broadcastShape returns the shape that places a parameter of x's dimensions at axes so that it
// broadcasts against x: those dimensions at axes, 1 elsewhere.
func broadcastShape(x *tensor.Tensor, axes []int) []int {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	for _, a := range axes {
		dims[a] = x.Shape()[a]
	}
	return dims
}

// BatchNormLayer is Keras's BatchNormalization.
type BatchNormLayer struct {
	normBase
	momentum                   float64
	movingMean, movingVariance *autodiff.Variable
}

// BatchNormalization returns Keras's BatchNormalization layer over the channel axis (WithAxis,
// default -1): while training (Context.Training) it normalises with the batch's mean and
// (population) variance over every other axis and updates the moving averages
// moving = moving·momentum + batch·(1 - momentum) with Variable.Assign (a write-back in a
// compiled graph); at inference it normalises with the moving averages. Then
// y = gamma·x̂ + beta. Defaults: momentum 0.99, epsilon 1e-3, center and scale true; weights
// gamma, beta (trainable) and moving_mean, moving_variance (not trainable), each [C].
func BatchNormalization(opts ...Option) *BatchNormLayer {
	o := parse("BatchNormalization", opts, append([]string{"momentum", "moving_mean_initializer", "moving_variance_initializer"}, normKeys...)...)
	l := &BatchNormLayer{momentum: orDefault(o.momentum, 0.99)}
	l.initNorm("BatchNormalization", "batch_normalization", o, []int{-1})
	if len(l.axes) != 1 {
		panic(l.errorf("takes one axis, got %v", l.axes))
	}
	return l
}

// MovingMean returns the moving mean variable (nil before the first call).
func (l *BatchNormLayer) MovingMean() *autodiff.Variable { return l.movingMean }

// MovingVariance returns the moving variance variable (nil before the first call).
func (l *BatchNormLayer) MovingVariance() *autodiff.Variable { return l.movingVariance }

// Call normalises one input.
func (l *BatchNormLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.cast(l.one(inputs))
	if x.Rank() < 2 {
		panic(l.errorf("needs an input of rank >= 2, got shape %v", x.Shape()))
	}
	axis := l.normAxes(x.Rank())[0]
	dims := l.dimsAt(x, []int{axis})
	l.BuildOnce(func() {
		l.createScaleOffset(dims)
		l.movingMean = l.AddWeight("moving_mean", dims, l.o.init("moving_mean", initializers.Zeros()), NonTrainable())
		l.movingVariance = l.AddWeight("moving_variance", dims, l.o.init("moving_variance", initializers.Ones()), NonTrainable())
	})
	p := ops.BatchNormParams{Epsilon: opsEpsilon(l.epsilon)}
	fused := axis == x.Rank()-1 || axis == 1
	if axis != x.Rank()-1 {
		p.Layout = ops.ChannelsFirst
	}
	if !ctx.Training || !l.IsTrainable() { // a frozen layer runs in inference mode, as Keras's
		if fused {
			return l.Finish(ops.BatchNorm(x, l.movingMean.Value(), l.movingVariance.Value(), value(l.gamma), value(l.beta), p))
		}
		return l.Finish(l.normalize(x, axis, l.movingMean.Value(), l.movingVariance.Value()))
	}
	var y, mean, variance *tensor.Tensor
	if fused {
		y, mean, variance = ops.BatchNormTraining(x, value(l.gamma), value(l.beta), p)
	} else {
		mean, variance = moments(x, axis)
		y = l.normalize(x, axis, mean, variance)
	}
	l.update(l.movingMean, mean)
	l.update(l.movingVariance, variance)
	return l.Finish(y)
}

// update moves a moving statistic towards the batch's.
func (l *BatchNormLayer) update(v *autodiff.Variable, batch *tensor.Tensor) {
	batch = autodiff.StopGradient(batch)
	v.Assign(ops.Add(ops.MulScalar(v.Value(), l.momentum), ops.MulScalar(batch, 1-l.momentum)))
}

// moments returns the mean and population variance of x over every axis but axis, each of shape
// [x.Shape()[axis]].
func moments(x *tensor.Tensor, axis int) (mean, variance *tensor.Tensor) {
	var red []int
	for i := 0; i < x.Rank(); i++ {
		if i != axis {
			red = append(red, i)
		}
	}
	return ops.Mean(x, red...), ops.Variance(x, 0, red...)
}

// normalize is batch normalisation composed of ops, for a channel axis that is neither the last
// nor axis 1.
func (l *BatchNormLayer) normalize(x *tensor.Tensor, axis int, mean, variance *tensor.Tensor) *tensor.Tensor {
	bs := broadcastShape(x, []int{axis})
	bs[0] = 1
	r := func(t *tensor.Tensor) *tensor.Tensor { return ops.Reshape(t, bs...) }
	y := ops.Mul(ops.Sub(x, r(mean)), ops.Rsqrt(ops.AddScalar(r(variance), l.epsilon)))
	if l.gamma != nil {
		y = ops.Mul(y, r(l.gamma.Value()))
	}
	if l.beta != nil {
		y = ops.Add(y, r(l.beta.Value()))
	}
	return y
}

// Config returns Keras's BatchNormalization config.
func (l *BatchNormLayer) Config() map[string]any {
	c := l.normConfig()
	c["momentum"] = l.momentum
	c["moving_mean_initializer"] = cfgOf(l.o.init("moving_mean", initializers.Zeros()))
	c["moving_variance_initializer"] = cfgOf(l.o.init("moving_variance", initializers.Ones()))
	c["synchronized"] = false
	return c
}

// LayerNormLayer is Keras's LayerNormalization.
type LayerNormLayer struct{ normBase }

// LayerNormalization returns Keras's LayerNormalization layer: each example is normalised over
// the axes (WithAxis, default -1) with its own mean and variance, then scaled by gamma and
// shifted by beta, of the normalised axes' shape. Defaults: epsilon 1e-3, center and scale true.
func LayerNormalization(opts ...Option) *LayerNormLayer {
	o := parse("LayerNormalization", opts, normKeys...)
	l := &LayerNormLayer{}
	l.initNorm("LayerNormalization", "layer_normalization", o, []int{-1})
	return l
}

// Call normalises one input.
func (l *LayerNormLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.cast(l.one(inputs))
	axes := l.normAxes(x.Rank())
	dims := l.dimsAt(x, axes)
	l.BuildOnce(func() { l.createScaleOffset(dims) })
	trailing := axes[0] == x.Rank()-len(axes) // contiguous and last: the fused op applies
	if trailing {
		return l.Finish(ops.LayerNorm(x, value(l.gamma), value(l.beta), ops.LayerNormParams{NumAxes: len(axes), Epsilon: opsEpsilon(l.epsilon)}))
	}
	mean := ops.MeanKeepDims(x, axes...)
	variance := ops.VarianceKeepDims(x, 0, axes...)
	y := ops.Mul(ops.Sub(x, mean), ops.Rsqrt(ops.AddScalar(variance, l.epsilon)))
	bs := broadcastShape(x, axes)
	bs[0] = 1
	if l.gamma != nil {
		y = ops.Mul(y, ops.Reshape(l.gamma.Value(), bs...))
	}
	if l.beta != nil {
		y = ops.Add(y, ops.Reshape(l.beta.Value(), bs...))
	}
	return l.Finish(y)
}

// Config returns Keras's LayerNormalization config.
func (l *LayerNormLayer) Config() map[string]any { return l.normConfig() }

// GroupNormLayer is Keras's GroupNormalization.
type GroupNormLayer struct {
	normBase
	groups int
}

// GroupNormalization returns Keras's GroupNormalization layer: the channels (axis -1, or 1 with
// WithAxis(1)) are split into groups of consecutive channels, each normalised per example over
// its channels and the spatial axes, then scaled by gamma and shifted by beta, of shape [C].
// Keras's default is 32 groups; groups must divide the channels.
func GroupNormalization(groups int, opts ...Option) *GroupNormLayer {
	o := parse("GroupNormalization", opts, normKeys...)
	l := &GroupNormLayer{groups: groups}
	l.initNorm("GroupNormalization", "group_normalization", o, []int{-1})
	if groups <= 0 || len(l.axes) != 1 {
		panic(l.errorf("needs positive groups and one axis, got %d and %v", groups, l.axes))
	}
	return l
}

// Call normalises one input.
func (l *GroupNormLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.cast(l.one(inputs))
	if x.Rank() < 2 {
		panic(l.errorf("needs an input of rank >= 2, got shape %v", x.Shape()))
	}
	axis := l.normAxes(x.Rank())[0]
	p := ops.GroupNormParams{Groups: l.groups, Epsilon: opsEpsilon(l.epsilon)}
	switch axis {
	case x.Rank() - 1:
	case 1:
		p.Layout = ops.ChannelsFirst
	default:
		panic(l.errorf("the channel axis must be the last or 1, got %d", axis))
	}
	dims := l.dimsAt(x, []int{axis})
	if dims[0]%l.groups != 0 {
		panic(l.errorf("groups %d must divide the %d channels", l.groups, dims[0]))
	}
	l.BuildOnce(func() { l.createScaleOffset(dims) })
	return l.Finish(ops.GroupNorm(x, value(l.gamma), value(l.beta), p))
}

// Config returns Keras's GroupNormalization config.
func (l *GroupNormLayer) Config() map[string]any {
	c := l.normConfig()
	c["groups"] = l.groups
	return c
}

// UnitNormLayer is Keras's UnitNormalization.
type UnitNormLayer struct {
	Base
	axes []int
}

// UnitNormalization returns Keras's UnitNormalization layer: x / sqrt(max(Σx², 1e-12)) along
// the axes (WithAxis, default -1), so each vector has unit L2 norm.
func UnitNormalization(opts ...Option) *UnitNormLayer {
	o := parse("UnitNormalization", opts, "axis")
	l := &UnitNormLayer{axes: []int{-1}}
	if o.axis != nil {
		l.axes = o.axis
	}
	l.initBase("UnitNormalization", "unit_normalization", o)
	return l
}

// Call normalises one input.
func (l *UnitNormLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.cast(l.one(inputs))
	sq := ops.SumKeepDims(ops.Square(x), l.axes...)
	return l.Finish(ops.Mul(x, ops.Rsqrt(ops.Maximum(sq, ops.FullLike(sq, 1e-12)))))
}

// Config returns axis.
func (l *UnitNormLayer) Config() map[string]any {
	c := l.baseConfig()
	c["axis"] = l.axes
	return c
}
