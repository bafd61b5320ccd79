package nn

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Interface checks.
var (
	_ Layer       = (*InputLayer)(nil)
	_ Layer       = (*DenseLayer)(nil)
	_ Layer       = (*ActivationLayer)(nil)
	_ Layer       = (*DropoutLayer)(nil)
	_ Layer       = (*FlattenLayer)(nil)
	_ Layer       = (*ReshapeLayer)(nil)
	_ Layer       = (*PermuteLayer)(nil)
	_ Layer       = (*RepeatVectorLayer)(nil)
	_ Layer       = (*LambdaLayer)(nil)
	_ Layer       = (*ConvLayer)(nil)
	_ Layer       = (*PoolLayer)(nil)
	_ Layer       = (*GlobalPoolLayer)(nil)
	_ Layer       = (*BatchNormLayer)(nil)
	_ Layer       = (*LayerNormLayer)(nil)
	_ Layer       = (*GroupNormLayer)(nil)
	_ Layer       = (*UnitNormLayer)(nil)
	_ Layer       = (*MergeLayer)(nil)
	_ Masker      = (*EmbeddingLayer)(nil)
	_ Constrainer = (*DenseLayer)(nil)
	_ Masker      = (*MaskingLayer)(nil)
)

// cfgOf returns the Keras config of an initializer, regularizer or constraint, or nil.
func cfgOf(x interface{ Config() map[string]any }) any {
	if x == nil {
		return nil
	}
	return x.Config()
}

// InputLayer declares a model's input: its shape without the batch dimension and its dtype.
type InputLayer struct {
	Base
	dims []int
}

// Input returns the input declaration of a model whose examples have the given dimensions (the
// batch dimension excluded; -1 for a dimension of any size), Keras's keras.Input(shape). Its
// Call returns its input after checking it fits. Options: WithName (default "input_layer"),
// WithDType (default float32).
func Input(dims ...int) *InputLayer {
	o := parse("InputLayer", nil)
	l := &InputLayer{dims: append([]int{}, dims...)}
	l.initBase("InputLayer", "input_layer", o)
	return l
}

// InputWith is Input with options (name, dtype).
func InputWith(dims []int, opts ...Option) *InputLayer {
	o := parse("InputLayer", opts)
	l := &InputLayer{dims: append([]int{}, dims...)}
	l.initBase("InputLayer", "input_layer", o)
	return l
}

// Spec returns the spec of a batch of inputs: the dtype and shape with an unknown batch dimension.
func (l *InputLayer) Spec() core.Spec {
	return core.Spec{DType: l.dt, Shape: append(shape.Shape{shape.Unknown}, l.dims...)}
}

// Call returns its input unchanged. It panics with a *core.Error if its shape does not fit.
func (l *InputLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	s := x.Shape()
	if len(s) != len(l.dims)+1 {
		panic(l.errorf("expected inputs of shape (None, %v), got %v", l.dims, s))
	}
	for i, d := range l.dims {
		if d >= 0 && s[i+1] >= 0 && s[i+1] != d {
			panic(l.errorf("expected inputs of shape (None, %v), got %v", l.dims, s))
		}
	}
	return []*tensor.Tensor{x}
}

// Config returns batch_shape, dtype and name.
func (l *InputLayer) Config() map[string]any {
	c := l.baseConfig()
	c["batch_shape"] = append([]int{-1}, l.dims...)
	c["sparse"] = false
	return c
}

// DenseLayer is a densely connected layer: activation(x·kernel + bias).
type DenseLayer struct {
	Base
	units        int
	actName      string
	act          activations.Func
	useBias      bool
	o            *options
	kernel, bias *autodiff.Variable
}

// Dense returns Keras's Dense layer with the given number of units: for inputs of rank >= 2 it
// computes activation(x·kernel + bias) over the last axis, with a kernel [in, units] (default
// glorot_uniform) and a bias [units] (default zeros). Options: WithActivation, WithUseBias,
// kernel/bias initializers, regularizers and constraints, WithActivityRegularizer, WithSeed,
// WithName, WithDType. It panics with a *core.Error if units is not positive.
func Dense(units int, opts ...Option) *DenseLayer {
	o := parse("Dense", opts, denseKeys...)
	l := &DenseLayer{units: units, useBias: o.bias(), o: o}
	l.initBase("Dense", "dense", o)
	if units <= 0 {
		panic(l.errorf("units must be positive, got %d", units))
	}
	l.actName, l.act = o.act()
	return l
}

// Kernel returns the kernel variable (nil before the first call).
func (l *DenseLayer) Kernel() *autodiff.Variable { return l.kernel }

// Bias returns the bias variable (nil before the first call or without a bias).
func (l *DenseLayer) Bias() *autodiff.Variable { return l.bias }

// Call applies the layer to one input of rank >= 2.
func (l *DenseLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.cast(l.one(inputs))
	if x.Rank() < 2 {
		panic(l.errorf("needs an input of rank >= 2, got shape %v", x.Shape()))
	}
	l.BuildOnce(func() {
		in := x.Shape()[x.Rank()-1]
		l.kernel = l.AddWeight("kernel", []int{in, l.units}, l.o.init("kernel", initializers.GlorotUniform()),
			Regularized(l.o.regs["kernel"]), Constrained(l.o.cons["kernel"]))
		if l.useBias {
			l.bias = l.AddWeight("bias", []int{l.units}, l.o.init("bias", initializers.Zeros()),
				Regularized(l.o.regs["bias"]), Constrained(l.o.cons["bias"]))
		}
	})
	y := ops.MatMul(x, l.kernel.Value())
	if l.bias != nil {
		y = ops.Add(y, l.bias.Value())
	}
	return l.Finish(l.act(y))
}

// Config returns Keras's Dense config.
func (l *DenseLayer) Config() map[string]any {
	c := l.baseConfig()
	c["units"] = l.units
	c["activation"] = l.actName
	c["use_bias"] = l.useBias
	c["kernel_initializer"] = cfgOf(l.o.init("kernel", initializers.GlorotUniform()))
	c["bias_initializer"] = cfgOf(l.o.init("bias", initializers.Zeros()))
	addRegConfig(c, l.o, "kernel", "bias")
	return c
}

// addRegConfig adds the regularizer and constraint entries of the given weight roles and the
// activity regularizer.
func addRegConfig(c map[string]any, o *options, roles ...string) {
	for _, r := range roles {
		var reg, cons any
		if v := o.regs[r]; v != nil {
			reg = v.Config()
		}
		if v := o.cons[r]; v != nil {
			cons = v.Config()
		}
		c[r+"_regularizer"], c[r+"_constraint"] = reg, cons
	}
	var act any
	if o.activityReg != nil {
		act = o.activityReg.Config()
	}
	c["activity_regularizer"] = act
}

// ActivationLayer applies an activation function.
type ActivationLayer struct {
	Base
	actName string
	act     activations.Func
}

// Activation returns Keras's Activation layer applying the named activation ("relu", ...).
// It panics with a *core.Error for an unknown name.
func Activation(name string, opts ...Option) *ActivationLayer {
	o := parse("Activation", append([]Option{WithActivation(name)}, opts...), "activation")
	l := &ActivationLayer{}
	l.initBase("Activation", "activation", o)
	l.actName, l.act = o.act()
	return l
}

// Call applies the activation.
func (l *ActivationLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(l.act(l.one(inputs)))
}

// Config returns the activation's name.
func (l *ActivationLayer) Config() map[string]any {
	c := l.baseConfig()
	c["activation"] = l.actName
	return c
}

// DropoutLayer randomly zeroes inputs while training.
type DropoutLayer struct {
	Base
	rate       float64
	noiseShape []int
}

// Dropout returns Keras's Dropout layer: while training (Context.Training) each element is
// dropped with probability rate and the others scaled by 1/(1-rate); at inference it is the
// identity. The mask comes from the layer's seed (WithSeed, default a hash of its name) mixed
// with Context.Step, so it is reproducible, differs per step, and is the same eagerly and
// compiled. WithNoiseShape shares one mask value along axes of size 1 (batch included, -1 for the
// input's size). It panics with a *core.Error if rate is outside [0, 1].
func Dropout(rate float64, opts ...Option) *DropoutLayer {
	o := parse("Dropout", opts, "seed", "noise_shape")
	l := &DropoutLayer{rate: rate, noiseShape: o.noiseShape}
	l.initBase("Dropout", "dropout", o)
	if !(rate >= 0 && rate <= 1) {
		panic(l.errorf("rate must be in [0, 1], got %v", rate))
	}
	return l
}

// Call drops elements when ctx.Training.
func (l *DropoutLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if !ctx.Training || l.rate == 0 {
		return l.Finish(x)
	}
	p := ops.DropoutParams{Rate: l.rate, Seed: l.LayerSeed()}
	if l.noiseShape == nil {
		return l.Finish(dropout(x, ctx.Step, p))
	}
	if len(l.noiseShape) != x.Rank() {
		panic(l.errorf("noise_shape %v does not fit an input of shape %v", l.noiseShape, x.Shape()))
	}
	// A tensor of the noise shape, made from x by slicing its size-1 axes, so that an unknown
	// batch dimension needs no shape: the scaled mask broadcasts back over x.
	noise := x
	for i, d := range l.noiseShape {
		switch {
		case d == 1:
			noise = ops.SliceAxis(noise, i, 0, 1, 1)
		case d < 0 || d == x.Shape()[i]:
		default:
			panic(l.errorf("noise_shape %v does not fit an input of shape %v", l.noiseShape, x.Shape()))
		}
	}
	mask := dropout(ops.OnesLike(autodiff.StopGradient(noise)), ctx.Step, p)
	return l.Finish(ops.Mul(x, mask))
}

func dropout(x, step *tensor.Tensor, p ops.DropoutParams) *tensor.Tensor {
	if step == nil {
		return ops.Dropout(x, p)
	}
	return ops.DropoutStep(x, step, p)
}

// Config returns rate, noise_shape and seed.
func (l *DropoutLayer) Config() map[string]any {
	c := l.baseConfig()
	c["rate"] = l.rate
	c["noise_shape"] = l.noiseShape
	c["seed"] = l.LayerSeed()
	return c
}

// FlattenLayer flattens each example into a vector.
type FlattenLayer struct {
	Base
	channelsFirst bool
}

// Flatten returns Keras's Flatten layer: [batch, d1, d2, ...] becomes [batch, d1·d2·...]. With
// WithDataFormat("channels_first") the channels are moved last first, as Keras does, so that
// the order matches a channels_last model.
func Flatten(opts ...Option) *FlattenLayer {
	o := parse("Flatten", opts, "data_format")
	l := &FlattenLayer{channelsFirst: o.dataFormat == "channels_first"}
	l.initBase("Flatten", "flatten", o)
	return l
}

// Call flattens the input.
func (l *FlattenLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if l.channelsFirst && x.Rank() > 2 {
		perm := []int{0}
		for i := 2; i < x.Rank(); i++ {
			perm = append(perm, i)
		}
		x = ops.Transpose(x, append(perm, 1)...)
	}
	n := 1
	for _, d := range x.Shape()[1:] {
		n *= d
	}
	if x.Rank() < 2 || n < 0 {
		return l.Finish(ops.FlattenBatch(x))
	}
	return l.Finish(ops.Reshape(x, -1, n))
}

// Config returns data_format.
func (l *FlattenLayer) Config() map[string]any {
	c := l.baseConfig()
	c["data_format"] = dataFormatName(l.channelsFirst)
	return c
}

func dataFormatName(first bool) string {
	if first {
		return "channels_first"
	}
	return "channels_last"
}

// ReshapeLayer reshapes each example.
type ReshapeLayer struct {
	Base
	target []int
}

// Reshape returns Keras's Reshape layer: each example gets the target shape (batch excluded; one
// dimension may be -1 and is inferred from the input's non-batch dimensions).
func Reshape(target []int, opts ...Option) *ReshapeLayer {
	o := parse("Reshape", opts)
	l := &ReshapeLayer{target: append([]int{}, target...)}
	l.initBase("Reshape", "reshape", o)
	return l
}

// Call reshapes the input, keeping the batch dimension.
func (l *ReshapeLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	target := append([]int{}, l.target...)
	free := -1
	known := 1
	for i, d := range target {
		if d < 0 {
			free = i
		} else {
			known *= d
		}
	}
	if free >= 0 {
		n := 1
		for _, d := range x.Shape()[1:] {
			if d < 0 {
				panic(l.errorf("cannot infer the -1 of target shape %v from an input of shape %v", l.target, x.Shape()))
			}
			n *= d
		}
		if known == 0 || n%known != 0 {
			panic(l.errorf("cannot reshape an input of shape %v to (None, %v)", x.Shape(), l.target))
		}
		target[free] = n / known
	}
	return l.Finish(ops.Reshape(x, append([]int{-1}, target...)...))
}

// Config returns target_shape.
func (l *ReshapeLayer) Config() map[string]any {
	c := l.baseConfig()
	c["target_shape"] = l.target
	return c
}

// PermuteLayer permutes the non-batch axes.
type PermuteLayer struct {
	Base
	dims []int
}

// Permute returns Keras's Permute layer: dims is a permutation of 1..rank-1 (1-based, the batch
// axis excluded); Permute(2, 1) swaps the two axes of [batch, a, b].
func Permute(dims []int, opts ...Option) *PermuteLayer {
	o := parse("Permute", opts)
	l := &PermuteLayer{dims: append([]int{}, dims...)}
	l.initBase("Permute", "permute", o)
	return l
}

// Call permutes the input's axes.
func (l *PermuteLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if len(l.dims) != x.Rank()-1 {
		panic(l.errorf("dims %v do not fit an input of shape %v", l.dims, x.Shape()))
	}
	return l.Finish(ops.Transpose(x, append([]int{0}, l.dims...)...))
}

// Config returns dims.
func (l *PermuteLayer) Config() map[string]any {
	c := l.baseConfig()
	c["dims"] = l.dims
	return c
}

// RepeatVectorLayer repeats a vector n times.
type RepeatVectorLayer struct {
	Base
	n int
}

// RepeatVector returns Keras's RepeatVector layer: [batch, features] becomes [batch, n, features].
func RepeatVector(n int, opts ...Option) *RepeatVectorLayer {
	o := parse("RepeatVector", opts)
	l := &RepeatVectorLayer{n: n}
	l.initBase("RepeatVector", "repeat_vector", o)
	if n < 0 {
		panic(l.errorf("n must be >= 0, got %d", n))
	}
	return l
}

// Call repeats the input.
func (l *RepeatVectorLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if x.Rank() != 2 {
		panic(l.errorf("needs an input of rank 2, got shape %v", x.Shape()))
	}
	return l.Finish(ops.Repeat(ops.Unsqueeze(x, 1), 1, l.n))
}

// Config returns n.
func (l *RepeatVectorLayer) Config() map[string]any {
	c := l.baseConfig()
	c["n"] = l.n
	return c
}

// LambdaLayer wraps a Go function as a layer without weights.
type LambdaLayer struct {
	Base
	fn func(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor
}

// Lambda returns Keras's Lambda layer applying fn to its one input. fn should use ops only (no
// reading of values), so that it also traces.
func Lambda(fn func(x *tensor.Tensor) *tensor.Tensor, opts ...Option) *LambdaLayer {
	return LambdaN(func(_ Context, xs ...*tensor.Tensor) []*tensor.Tensor {
		if len(xs) != 1 {
			panic(core.Errorf("nn.Lambda", "takes one input, got %d", len(xs)))
		}
		return []*tensor.Tensor{fn(xs[0])}
	}, opts...)
}

// LambdaN returns a Lambda layer of any number of inputs and outputs that also sees the
// call's Context.
func LambdaN(fn func(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor, opts ...Option) *LambdaLayer {
	o := parse("Lambda", opts)
	l := &LambdaLayer{fn: fn}
	l.initBase("Lambda", "lambda", o)
	return l
}

// Call applies the function.
func (l *LambdaLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(l.fn(ctx, inputs...)...)
}

// Config returns the base config; a Go function cannot be serialised.
func (l *LambdaLayer) Config() map[string]any {
	c := l.baseConfig()
	c["function"] = "go"
	return c
}

// EmbeddingLayer maps integer ids to vectors.
type EmbeddingLayer struct {
	Base
	inputDim, outputDim int
	maskZero            bool
	o                   *options
	table               *autodiff.Variable
}

// Embedding returns Keras's Embedding layer: a table [inputDim, outputDim] (default initializer
// uniform(-0.05, 0.05)) whose rows are looked up by integer ids, so ids [batch, seq] give
// [batch, seq, outputDim]. Float ids are converted to int64. With WithMaskZero(true) id 0 is
// padding: ComputeMask marks the other positions. Options: embeddings initializer, regularizer
// and constraint, WithActivityRegularizer, WithSeed, WithName, WithDType.
func Embedding(inputDim, outputDim int, opts ...Option) *EmbeddingLayer {
	o := parse("Embedding", opts, "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint",
		"activity_regularizer", "mask_zero", "seed")
	l := &EmbeddingLayer{inputDim: inputDim, outputDim: outputDim, maskZero: o.maskZero, o: o}
	l.initBase("Embedding", "embedding", o)
	if inputDim <= 0 || outputDim <= 0 {
		panic(l.errorf("input_dim and output_dim must be positive, got %d and %d", inputDim, outputDim))
	}
	return l
}

// Table returns the embedding table variable (nil before the first call).
func (l *EmbeddingLayer) Table() *autodiff.Variable { return l.table }

// Call looks up the ids.
func (l *EmbeddingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	ids := l.one(inputs)
	if !ids.DType().IsInt() {
		ids = ops.Cast(ids, dtype.Int64)
	}
	l.BuildOnce(func() {
		l.table = l.AddWeight("embeddings", []int{l.inputDim, l.outputDim},
			l.o.init("embeddings", initializers.RandomUniform(-0.05, 0.05)),
			Regularized(l.o.regs["embeddings"]), Constrained(l.o.cons["embeddings"]))
	})
	return l.Finish(ops.Embedding(l.table.Value(), ids))
}

// ComputeMask returns ids != 0 with WithMaskZero, else nil.
func (l *EmbeddingLayer) ComputeMask(inputs ...*tensor.Tensor) *tensor.Tensor {
	if !l.maskZero {
		return nil
	}
	ids := l.one(inputs)
	return ops.NotEqual(ids, ops.ZerosLike(ids))
}

// Config returns Keras's Embedding config.
func (l *EmbeddingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["input_dim"], c["output_dim"], c["mask_zero"] = l.inputDim, l.outputDim, l.maskZero
	c["embeddings_initializer"] = cfgOf(l.o.init("embeddings", initializers.RandomUniform(-0.05, 0.05)))
	addRegConfig(c, l.o, "embeddings")
	return c
}

// MaskingLayer masks timesteps equal to a value.
type MaskingLayer struct {
	Base
	value float64
}

// Masking returns Keras's Masking layer: a timestep (a vector along the last axis) whose every
// feature equals maskValue is set to zero and masked out by ComputeMask.
func Masking(maskValue float64, opts ...Option) *MaskingLayer {
	o := parse("Masking", opts)
	l := &MaskingLayer{value: maskValue}
	l.initBase("Masking", "masking", o)
	return l
}

// Call zeroes the masked timesteps.
func (l *MaskingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	keep := ops.Unsqueeze(l.ComputeMask(x), -1)
	return l.Finish(ops.Mul(x, ops.Cast(keep, x.DType())))
}

// ComputeMask returns, per timestep, whether any feature differs from the mask value.
func (l *MaskingLayer) ComputeMask(inputs ...*tensor.Tensor) *tensor.Tensor {
	x := l.one(inputs)
	return ops.Any(ops.NotEqual(x, ops.FullLike(x, l.value)), -1)
}

// Config returns mask_value.
func (l *MaskingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["mask_value"] = l.value
	return c
}
