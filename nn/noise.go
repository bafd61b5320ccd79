package nn

import (
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/nn/regularizers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Noise and regularisation layers: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout,
// AlphaDropout and ActivityRegularization. The random ones act only while training
// (Context.Training) and are the identity at inference. They draw, as Dropout does, with
// ops.DropoutStep — the random op that takes the step as a tensor — from the layer's seed
// (WithSeed, default a hash of its name) and Context.Step, so that the noise is reproducible,
// the same eagerly and compiled, needs no static batch size, and changes at every step of a
// compiled train loop without retracing.
//
// Normal noise comes from ops.RandomNormalLike, the stateless normal op that takes its shape
// from the input and the step as a tensor in the same way (its own Philox stream, so a layer's
// normal noise is not correlated with the dropout masks of the same seed): one Box–Muller pair
// per two elements, drawn straight into a tensor of the input's size, with the layer's mean and
// deviation applied in the same pass.

// Interface checks.
var (
	_ MaskPropagator = (*SpatialDropoutLayer)(nil)
	_ MaskPropagator = (*GaussianNoiseLayer)(nil)
	_ MaskPropagator = (*GaussianDropoutLayer)(nil)
	_ MaskPropagator = (*AlphaDropoutLayer)(nil)
	_ MaskPropagator = (*ActivityRegularizationLayer)(nil)
)

// noiseNormal returns normal numbers of the given mean and standard deviation shaped like x, of
// x's dtype, drawn with seed and the step (ctx.Step, or step 0 when it is nil). They carry no
// gradient.
func noiseNormal(ctx Context, x *tensor.Tensor, seed uint64, mean, stddev float64) *tensor.Tensor {
	return ops.RandomNormalLike(x, ctx.Step, ops.NormalLikeParams{Seed: seed, Mean: mean, Stddev: stddev})
}

// noiseOf returns a tensor shaped as the noise shape (batch included; 1 shares one draw along
// the axis, -1 or the input's size draws per element), made from x by slicing its size-1 axes
// so that an unknown batch dimension needs no shape. It carries no gradient.
func noiseOf(b *Base, x *tensor.Tensor, noiseShape []int) *tensor.Tensor {
	n := autodiff.StopGradient(x)
	if noiseShape == nil {
		return n
	}
	if len(noiseShape) != x.Rank() {
		panic(b.errorf("noise_shape %v does not fit an input of shape %v", noiseShape, x.Shape()))
	}
	for i, d := range noiseShape {
		switch {
		case d == 1:
			n = ops.SliceAxis(n, i, 0, 1, 1)
		case d < 0 || d == x.Dim(i):
		default:
			panic(b.errorf("noise_shape %v does not fit an input of shape %v", noiseShape, x.Shape()))
		}
	}
	return n
}

// checkRate panics unless rate is in [0, 1], or [0, 1) when one is excluded.
func checkRate(b *Base, rate float64, one bool) {
	if !(rate >= 0 && (rate < 1 || one && rate == 1)) {
		hi := ")"
		if one {
			hi = "]"
		}
		panic(b.errorf("rate must be in [0, 1%s, got %v", hi, rate))
	}
}

// SpatialDropoutLayer is Keras's SpatialDropout1D, SpatialDropout2D and SpatialDropout3D.
type SpatialDropoutLayer struct {
	Base
	spatialLayout
	rate float64
}

func newSpatialDropout(class, defName string, rank int, rate float64, opts []Option) *SpatialDropoutLayer {
	keys := []string{"seed", "data_format"}
	if rank == 1 {
		keys = keys[:1] // Keras's SpatialDropout1D is channels-last only
	}
	o := parse(class, opts, keys...)
	l := &SpatialDropoutLayer{rate: rate}
	l.initBase(class, defName, o)
	l.spatialLayout = newSpatialLayout(&l.Base, rank, o.dataFormat)
	checkRate(&l.Base, rate, true)
	return l
}

// SpatialDropout1D returns Keras's SpatialDropout1D layer: while training, whole feature maps
// (channels) of [batch, steps, channels] are dropped with probability rate, the same channels
// at every step, and the others scaled by 1/(1-rate): Dropout with noise shape
// [batch, 1, channels]. Options: WithSeed, WithName, WithDType. It panics with a *core.Error if
// rate is outside [0, 1].
func SpatialDropout1D(rate float64, opts ...Option) *SpatialDropoutLayer {
	return newSpatialDropout("SpatialDropout1D", "spatial_dropout1d", 1, rate, opts)
}

// SpatialDropout2D returns Keras's SpatialDropout2D layer: whole channels of images dropped
// (noise shape [batch, 1, 1, channels], or [batch, channels, 1, 1] with
// WithDataFormat("channels_first")).
func SpatialDropout2D(rate float64, opts ...Option) *SpatialDropoutLayer {
	return newSpatialDropout("SpatialDropout2D", "spatial_dropout2d", 2, rate, opts)
}

// SpatialDropout3D returns Keras's SpatialDropout3D layer: whole channels of volumes dropped.
func SpatialDropout3D(rate float64, opts ...Option) *SpatialDropoutLayer {
	return newSpatialDropout("SpatialDropout3D", "spatial_dropout3d", 3, rate, opts)
}

// Call drops channels when ctx.Training.
func (l *SpatialDropoutLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	l.check(&l.Base, x)
	if !ctx.Training || l.rate == 0 {
		return l.Finish(x)
	}
	ns := make([]int, x.Rank())
	for i := range ns {
		ns[i] = -1
	}
	for i := range l.rank {
		ns[l.axis(i)] = 1
	}
	mask := dropoutStep(ops.OnesLike(noiseOf(&l.Base, x, ns)), ctx.Step, ops.DropoutParams{Rate: l.rate, Seed: l.LayerSeed()})
	return l.Finish(ops.Mul(x, mask))
}

// Config returns rate, seed and (2D, 3D) data_format.
func (l *SpatialDropoutLayer) Config() map[string]any {
	c := l.baseConfig()
	c["rate"], c["seed"] = l.rate, l.LayerSeed()
	if l.rank > 1 {
		c["data_format"] = dataFormatName(l.channelsFirst)
	}
	return c
}

// GaussianNoiseLayer is Keras's GaussianNoise layer.
type GaussianNoiseLayer struct {
	Base
	stddev float64
}

// GaussianNoise returns Keras's GaussianNoise layer: while training it adds zero-mean normal
// noise of standard deviation stddev to its input (a regulariser, and a data augmentation for
// real-valued inputs); at inference it is the identity. Options: WithSeed, WithName, WithDType.
// It panics with a *core.Error if stddev is outside [0, 1], as Keras.
func GaussianNoise(stddev float64, opts ...Option) *GaussianNoiseLayer {
	o := parse("GaussianNoise", opts, "seed")
	l := &GaussianNoiseLayer{stddev: stddev}
	l.initBase("GaussianNoise", "gaussian_noise", o)
	if !(stddev >= 0 && stddev <= 1) {
		panic(l.errorf("stddev must be in [0, 1], got %v", stddev))
	}
	return l
}

// Call adds noise when ctx.Training.
func (l *GaussianNoiseLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := actFloat(&l.Base, l.one(inputs))
	if !ctx.Training || l.stddev == 0 {
		return l.Finish(x)
	}
	return l.Finish(ops.Add(x, noiseNormal(ctx, x, l.LayerSeed(), 0, l.stddev)))
}

// Config returns stddev and seed.
func (l *GaussianNoiseLayer) Config() map[string]any {
	c := l.baseConfig()
	c["stddev"], c["seed"] = l.stddev, l.LayerSeed()
	return c
}

// GaussianDropoutLayer is Keras's GaussianDropout layer.
type GaussianDropoutLayer struct {
	Base
	rate float64
}

// GaussianDropout returns Keras's GaussianDropout layer: while training it multiplies its input
// by normal noise of mean 1 and standard deviation √(rate/(1-rate)); at inference it is the
// identity. Options: WithSeed, WithName, WithDType. It panics with a *core.Error if rate is
// outside [0, 1) (Keras accepts 1, whose infinite deviation gives NaN).
func GaussianDropout(rate float64, opts ...Option) *GaussianDropoutLayer {
	o := parse("GaussianDropout", opts, "seed")
	l := &GaussianDropoutLayer{rate: rate}
	l.initBase("GaussianDropout", "gaussian_dropout", o)
	checkRate(&l.Base, rate, false)
	return l
}

// Call multiplies by noise when ctx.Training.
func (l *GaussianDropoutLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := actFloat(&l.Base, l.one(inputs))
	if !ctx.Training || l.rate == 0 {
		return l.Finish(x)
	}
	stddev := math.Sqrt(l.rate / (1 - l.rate))
	return l.Finish(ops.Mul(x, noiseNormal(ctx, x, l.LayerSeed(), 1, stddev)))
}

// Config returns rate and seed.
func (l *GaussianDropoutLayer) Config() map[string]any {
	c := l.baseConfig()
	c["rate"], c["seed"] = l.rate, l.LayerSeed()
	return c
}

// AlphaDropoutLayer is Keras's AlphaDropout layer.
type AlphaDropoutLayer struct {
	Base
	rate       float64
	noiseShape []int
}

// AlphaDropout returns Keras's AlphaDropout layer, the dropout of self-normalising (SELU)
// networks: while training each element is replaced with probability rate by SELU's negative
// saturation −λα, and the result is mapped by a·x + b with a = ((1−rate)(1 + rate·(λα)²))^−½ and
// b = a·λα·rate, so that inputs of zero mean and unit variance keep them; at inference it is the
// identity. WithNoiseShape shares one draw along axes of size 1, as Dropout's. Options:
// WithSeed, WithName, WithDType. It panics with a *core.Error if rate is outside [0, 1) (Keras
// accepts 1, which gives an infinite a).
func AlphaDropout(rate float64, opts ...Option) *AlphaDropoutLayer {
	o := parse("AlphaDropout", opts, "seed", "noise_shape")
	l := &AlphaDropoutLayer{rate: rate, noiseShape: o.noiseShape}
	l.initBase("AlphaDropout", "alpha_dropout", o)
	checkRate(&l.Base, rate, false)
	return l
}

// Call drops elements when ctx.Training.
func (l *AlphaDropoutLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := actFloat(&l.Base, l.one(inputs))
	if !ctx.Training || l.rate == 0 {
		return l.Finish(x)
	}
	alphaP := -ops.SeluAlpha * ops.SeluScale
	a := math.Pow((1-l.rate)*(1+l.rate*alphaP*alphaP), -0.5)
	b := -a * alphaP * l.rate
	mask := dropoutStep(ops.OnesLike(noiseOf(&l.Base, x, l.noiseShape)), ctx.Step,
		ops.DropoutParams{Rate: l.rate, Seed: l.LayerSeed()})
	kept := ops.Cast(ops.NotEqual(mask, ops.ZerosLike(mask)), x.DType())
	// x·kept + alphaP·(1 − kept), then a·(...) + b.
	y := ops.Add(ops.Mul(x, kept), ops.MulScalar(ops.AddScalar(ops.Neg(kept), 1), alphaP))
	return l.Finish(ops.AddScalar(ops.MulScalar(y, a), b))
}

// Config returns rate, noise_shape and seed.
func (l *AlphaDropoutLayer) Config() map[string]any {
	c := l.baseConfig()
	c["rate"], c["noise_shape"], c["seed"] = l.rate, l.noiseShape, l.LayerSeed()
	return c
}

// ActivityRegularizationLayer is Keras's ActivityRegularization layer.
type ActivityRegularizationLayer struct {
	Base
	l1, l2 float64
}

// ActivityRegularization returns Keras's ActivityRegularization layer: it returns its input
// unchanged and adds l1·Σ|x| + l2·Σx² of it to the layer's Losses at every call, as the activity
// regularizer of any layer does (regularizers.L1L2). It panics with a *core.Error if l1 or l2 is
// negative.
func ActivityRegularization(l1, l2 float64, opts ...Option) *ActivityRegularizationLayer {
	o := parse("ActivityRegularization", opts)
	l := &ActivityRegularizationLayer{l1: l1, l2: l2}
	if !(l1 >= 0 && l2 >= 0) {
		l.initBase("ActivityRegularization", "activity_regularization", o)
		panic(l.errorf("l1 and l2 must not be negative, got %v and %v", l1, l2))
	}
	o.activityReg = regularizers.L1L2(l1, l2)
	l.initBase("ActivityRegularization", "activity_regularization", o)
	return l
}

// Call returns its input and records the penalty.
func (l *ActivityRegularizationLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(l.one(inputs))
}

// Config returns l1 and l2.
func (l *ActivityRegularizationLayer) Config() map[string]any {
	c := l.baseConfig()
	c["l1"], c["l2"] = l.l1, l.l2
	return c
}

// SupportsMasking reports that the output keeps the input's mask.
func (l *SpatialDropoutLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *GaussianNoiseLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *GaussianDropoutLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *AlphaDropoutLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *ActivityRegularizationLayer) SupportsMasking() bool { return true }
