package nn

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/nn/regularizers"
)

// Option configures a layer: nn.Dense(64, nn.WithActivation("relu"), nn.WithName("fc1")).
// A layer constructor panics with a *core.Error when given an option that does not apply to it
// (Keras raises on an unknown keyword argument the same way).
type Option struct {
	key string
	set func(*options)
}

// options is the union of every layer's settings; each constructor reads the ones it accepts.
type options struct {
	name        string
	dtype       dtype.DType
	seed        *uint64
	activation  string
	actFn       activations.Func
	useBias     *bool
	inits       map[string]initializers.Initializer
	regs        map[string]regularizers.Regularizer
	cons        map[string]constraints.Constraint
	activityReg regularizers.Regularizer

	kernelSize    []int
	poolSize      []int
	strides       []int
	padding       string
	dilation      []int
	groups        int
	dataFormat    string
	outputPadding []int
	depthMult     int
	keepDims      bool

	noiseShape []int
	axis       []int
	momentum   *float64
	epsilon    *float64
	center     *bool
	scale      *bool
	maskZero   bool
	normalize  bool
}

func opt(key string, set func(*options)) Option { return Option{key, set} }

// parse applies opts for layer class, panicking on one whose key is not in allowed (the keys every
// layer accepts — name, dtype — are always allowed).
func parse(class string, opts []Option, allowed ...string) *options {
	o := &options{
		inits: map[string]initializers.Initializer{},
		regs:  map[string]regularizers.Regularizer{},
		cons:  map[string]constraints.Constraint{},
	}
	ok := map[string]bool{"name": true, "dtype": true}
	for _, k := range allowed {
		ok[k] = true
	}
	for _, op := range opts {
		if op.set == nil {
			continue
		}
		if !ok[op.key] {
			panic(core.Errorf("nn."+class, "option %s does not apply to %s", op.key, class))
		}
		op.set(o)
	}
	return o
}

// Common option keys, grouped as the layers accept them.
var (
	denseKeys = []string{"activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
		"bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "seed"}
	convKeys = append([]string{"strides", "padding", "dilation_rate", "groups", "data_format"}, denseKeys...)
)

// WithName sets the layer's name (default: Keras's base name, "dense", "conv2d", ...).
func WithName(name string) Option { return opt("name", func(o *options) { o.name = name }) }

// WithDType sets the dtype of the layer's weights and computation (default float32); inputs of
// another dtype are converted.
func WithDType(dt dtype.DType) Option { return opt("dtype", func(o *options) { o.dtype = dt }) }

// WithSeed sets the layer's seed, from which the seeds of its weights and random masks derive
// (default: a hash of the layer's name).
func WithSeed(seed uint64) Option { return opt("seed", func(o *options) { o.seed = &seed }) }

// WithActivation sets the activation applied to the layer's output by Keras name ("relu",
// "softmax", ...; "" or "linear" for none). An unknown name panics with a *core.Error when the
// layer is constructed.
func WithActivation(name string) Option {
	return opt("activation", func(o *options) { o.activation, o.actFn = name, activations.MustGet(name) })
}

// WithActivationFunc sets a Go function as the activation; the config names it "custom".
func WithActivationFunc(f activations.Func) Option {
	return opt("activation", func(o *options) { o.activation, o.actFn = "custom", f })
}

// WithUseBias sets whether the layer adds a bias (default true).
func WithUseBias(use bool) Option { return opt("use_bias", func(o *options) { o.useBias = &use }) }

func initOpt(role string, init initializers.Initializer) Option {
	return opt(role+"_initializer", func(o *options) { o.inits[role] = init })
}

func regOpt(role string, reg regularizers.Regularizer) Option {
	return opt(role+"_regularizer", func(o *options) { o.regs[role] = reg })
}

func consOpt(role string, c constraints.Constraint) Option {
	return opt(role+"_constraint", func(o *options) { o.cons[role] = c })
}

// WithKernelInitializer sets the kernel's initializer (default glorot_uniform).
func WithKernelInitializer(init initializers.Initializer) Option { return initOpt("kernel", init) }

// WithBiasInitializer sets the bias's initializer (default zeros).
func WithBiasInitializer(init initializers.Initializer) Option { return initOpt("bias", init) }

// WithDepthwiseInitializer sets the depthwise kernel's initializer (default glorot_uniform).
func WithDepthwiseInitializer(init initializers.Initializer) Option {
	return initOpt("depthwise", init)
}

// WithPointwiseInitializer sets the pointwise kernel's initializer (default glorot_uniform).
func WithPointwiseInitializer(init initializers.Initializer) Option {
	return initOpt("pointwise", init)
}

// WithEmbeddingsInitializer sets the embedding table's initializer (default uniform(-0.05, 0.05)).
func WithEmbeddingsInitializer(init initializers.Initializer) Option {
	return initOpt("embeddings", init)
}

// WithGammaInitializer sets a normalisation's scale initializer (default ones).
func WithGammaInitializer(init initializers.Initializer) Option { return initOpt("gamma", init) }

// WithBetaInitializer sets a normalisation's offset initializer (default zeros).
func WithBetaInitializer(init initializers.Initializer) Option { return initOpt("beta", init) }

// WithMovingMeanInitializer sets BatchNormalization's moving mean initializer (default zeros).
func WithMovingMeanInitializer(init initializers.Initializer) Option {
	return initOpt("moving_mean", init)
}

// WithMovingVarianceInitializer sets BatchNormalization's moving variance initializer (default ones).
func WithMovingVarianceInitializer(init initializers.Initializer) Option {
	return initOpt("moving_variance", init)
}

// WithKernelRegularizer adds reg's penalty of the kernel to the layer's losses.
func WithKernelRegularizer(reg regularizers.Regularizer) Option { return regOpt("kernel", reg) }

// WithBiasRegularizer adds reg's penalty of the bias to the layer's losses.
func WithBiasRegularizer(reg regularizers.Regularizer) Option { return regOpt("bias", reg) }

// WithDepthwiseRegularizer adds reg's penalty of the depthwise kernel to the layer's losses.
func WithDepthwiseRegularizer(reg regularizers.Regularizer) Option { return regOpt("depthwise", reg) }

// WithPointwiseRegularizer adds reg's penalty of the pointwise kernel to the layer's losses.
func WithPointwiseRegularizer(reg regularizers.Regularizer) Option { return regOpt("pointwise", reg) }

// WithEmbeddingsRegularizer adds reg's penalty of the embedding table to the layer's losses.
func WithEmbeddingsRegularizer(reg regularizers.Regularizer) Option {
	return regOpt("embeddings", reg)
}

// WithGammaRegularizer adds reg's penalty of a normalisation's scale to the layer's losses.
func WithGammaRegularizer(reg regularizers.Regularizer) Option { return regOpt("gamma", reg) }

// WithBetaRegularizer adds reg's penalty of a normalisation's offset to the layer's losses.
func WithBetaRegularizer(reg regularizers.Regularizer) Option { return regOpt("beta", reg) }

// WithActivityRegularizer adds reg's penalty of each output of every call to the layer's losses.
func WithActivityRegularizer(reg regularizers.Regularizer) Option {
	return opt("activity_regularizer", func(o *options) { o.activityReg = reg })
}

// WithKernelConstraint constrains the kernel after each optimizer update.
func WithKernelConstraint(c constraints.Constraint) Option { return consOpt("kernel", c) }

// WithBiasConstraint constrains the bias after each optimizer update.
func WithBiasConstraint(c constraints.Constraint) Option { return consOpt("bias", c) }

// WithDepthwiseConstraint constrains the depthwise kernel after each optimizer update.
func WithDepthwiseConstraint(c constraints.Constraint) Option { return consOpt("depthwise", c) }

// WithPointwiseConstraint constrains the pointwise kernel after each optimizer update.
func WithPointwiseConstraint(c constraints.Constraint) Option { return consOpt("pointwise", c) }

// WithEmbeddingsConstraint constrains the embedding table after each optimizer update.
func WithEmbeddingsConstraint(c constraints.Constraint) Option { return consOpt("embeddings", c) }

// WithGammaConstraint constrains a normalisation's scale after each optimizer update.
func WithGammaConstraint(c constraints.Constraint) Option { return consOpt("gamma", c) }

// WithBetaConstraint constrains a normalisation's offset after each optimizer update.
func WithBetaConstraint(c constraints.Constraint) Option { return consOpt("beta", c) }

// WithStrides sets the strides of a convolution or pooling: one value for every spatial
// dimension or one per dimension (default 1 for convolutions, the pool size for pooling).
func WithStrides(s ...int) Option { return opt("strides", func(o *options) { o.strides = s }) }

// WithPadding sets "valid" (default) or "same" padding; Conv1D also accepts "causal".
func WithPadding(p string) Option { return opt("padding", func(o *options) { o.padding = p }) }

// WithDilation sets the dilation rate of a convolution (default 1).
func WithDilation(d ...int) Option { return opt("dilation_rate", func(o *options) { o.dilation = d }) }

// WithGroups splits a convolution's channels into independent groups (default 1).
func WithGroups(g int) Option { return opt("groups", func(o *options) { o.groups = g }) }

// WithDataFormat sets "channels_last" (default: [batch, spatial..., channels]) or
// "channels_first" ([batch, channels, spatial...]).
func WithDataFormat(f string) Option {
	return opt("data_format", func(o *options) { o.dataFormat = f })
}

// WithOutputPadding sets a transposed convolution's output padding (default: inferred as Keras).
func WithOutputPadding(p ...int) Option {
	return opt("output_padding", func(o *options) { o.outputPadding = p })
}

// WithDepthMultiplier sets how many output channels a depthwise convolution makes per input
// channel (default 1).
func WithDepthMultiplier(m int) Option {
	return opt("depth_multiplier", func(o *options) { o.depthMult = m })
}

// WithKeepDims keeps the pooled spatial dimensions of a global pooling with size 1.
func WithKeepDims(keep bool) Option { return opt("keepdims", func(o *options) { o.keepDims = keep }) }

// WithNoiseShape sets Dropout's noise shape (batch included; -1 takes the input's size and 1
// shares one mask value along that axis).
func WithNoiseShape(dims ...int) Option {
	return opt("noise_shape", func(o *options) { o.noiseShape = dims })
}

// WithAxis sets the axis (or axes) a normalisation or Concatenate works on.
func WithAxis(axes ...int) Option { return opt("axis", func(o *options) { o.axis = axes }) }

// WithMomentum sets BatchNormalization's moving-average momentum (default 0.99).
func WithMomentum(m float64) Option { return opt("momentum", func(o *options) { o.momentum = &m }) }

// WithEpsilon sets a normalisation's epsilon (default 1e-3).
func WithEpsilon(e float64) Option { return opt("epsilon", func(o *options) { o.epsilon = &e }) }

// WithCenter sets whether a normalisation adds the offset beta (default true).
func WithCenter(c bool) Option { return opt("center", func(o *options) { o.center = &c }) }

// WithScale sets whether a normalisation multiplies by the scale gamma (default true).
func WithScale(s bool) Option { return opt("scale", func(o *options) { o.scale = &s }) }

// WithMaskZero makes Embedding treat id 0 as padding and expose a mask.
func WithMaskZero(mask bool) Option { return opt("mask_zero", func(o *options) { o.maskZero = mask }) }

// WithNormalize makes Dot take the cosine similarity (L2-normalise along the axes first).
func WithNormalize(n bool) Option { return opt("normalize", func(o *options) { o.normalize = n }) }

// init returns the initializer for role, or def.
func (o *options) init(role string, def initializers.Initializer) initializers.Initializer {
	if i, ok := o.inits[role]; ok && i != nil {
		return i
	}
	return def
}

func (o *options) bias() bool { return o.useBias == nil || *o.useBias }

func (o *options) act() (string, activations.Func) {
	if o.actFn == nil {
		return "linear", activations.Linear
	}
	return o.activation, o.actFn
}

func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

func orTrue(p *bool) bool { return p == nil || *p }

// WithKernelSize sets a convolution's kernel size per spatial dimension, for kernels that are
// not the same size along every dimension (the constructor's size applies to all).
func WithKernelSize(k ...int) Option {
	return opt("kernel_size", func(o *options) { o.kernelSize = k })
}

// WithPoolSize sets a pooling window per spatial dimension, for windows that are not the same
// size along every dimension (the constructor's size applies to all).
func WithPoolSize(p ...int) Option { return opt("pool_size", func(o *options) { o.poolSize = p }) }

// WithMaxValue caps ReLU's output (default: no cap).
func WithMaxValue(v float64) Option { return rnnOpt("max_value", &v) }

// WithNegativeSlope sets the slope below the threshold of ReLU (default 0) and LeakyReLU
// (default 0.3).
func WithNegativeSlope(s float64) Option { return rnnOpt("negative_slope", s) }

// WithThreshold sets ReLU's threshold, at or below which the output is
// negative_slope·(x − threshold) (default 0).
func WithThreshold(t float64) Option { return rnnOpt("threshold", t) }

// WithAlpha sets ELU's alpha, the scale of the negative part (default 1).
func WithAlpha(a float64) Option { return rnnOpt("alpha", a) }

// WithSharedAxes makes PReLU share one alpha along the given axes (1-based, the batch axis
// excluded, as Keras's shared_axes).
func WithSharedAxes(axes ...int) Option {
	return rnnOpt("shared_axes", append([]int{}, axes...))
}

// WithAlphaInitializer sets PReLU's alpha initializer (default zeros).
func WithAlphaInitializer(init initializers.Initializer) Option { return initOpt("alpha", init) }

// WithAlphaRegularizer adds reg's penalty of PReLU's alpha to the layer's losses.
func WithAlphaRegularizer(reg regularizers.Regularizer) Option { return regOpt("alpha", reg) }

// WithAlphaConstraint constrains PReLU's alpha after each optimizer update.
func WithAlphaConstraint(c constraints.Constraint) Option { return consOpt("alpha", c) }

// WithBinBoundaries gives Discretization its sorted bin boundaries: bins are (-inf, b0),
// [b0, b1), ..., [bn-1, inf).
func WithBinBoundaries(b ...float64) Option {
	return rnnOpt("bin_boundaries", append([]float64{}, b...))
}

// WithNumBins makes Discretization learn num_bins bins from data with Adapt.
func WithNumBins(n int) Option { return rnnOpt("num_bins", n) }

// WithMaskValue sets Hashing's string mask value, hashed to bin 0 (default: none).
func WithMaskValue(v string) Option { return rnnOpt("mask_value", v) }

// WithIntMaskValue sets Hashing's integer mask value, hashed to bin 0 (default: none).
func WithIntMaskValue(v int64) Option { return rnnOpt("int_mask_value", v) }

// WithSalt makes Hashing use SipHash-2-4 keyed with (k0, k1), Keras's salt (a single Keras
// salt s is WithSalt(s, s)), as TensorFlow's to_hash_bucket_strong, instead of FarmHash's
// Fingerprint64.
func WithSalt(k0, k1 uint64) Option { return rnnOpt("salt", [2]uint64{k0, k1}) }
