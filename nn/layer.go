package nn

import (
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/nn/regularizers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Layer is implemented by every layer. Layers build their weights lazily on the first Call from
// the inputs' shapes (the batch dimension may be unknown).
type Layer interface {
	// Name returns the layer's name ("dense" by default; a model makes names unique).
	Name() string
	// Call applies the layer. Eagerly it computes the outputs at once; on symbolic inputs (while a
	// function is traced by graph.Compile) it records the same ops. It panics with a *core.Error
	// when the inputs do not fit the layer.
	Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor
	// Weights returns the layer's variables, trainable first, then non-trainable; it is empty
	// before the first call.
	Weights() []*autodiff.Variable
	// Losses returns the regularisation losses of the last call: the kernel and bias regularizers'
	// penalties of the current weights and the activity regularizer's penalty of the outputs.
	Losses() []*tensor.Tensor
	// Config returns the Keras-style configuration ("units": 64, "activation": "relu", ...).
	Config() map[string]any
}

// Context carries the call mode.
type Context struct {
	// Training makes dropout drop, batch normalisation use (and update) batch statistics and
	// random augmentation act; false is inference.
	Training bool
	// Step is an int64 scalar (a variable's value in a train loop) that random layers mix into
	// their seeds, so that masks differ per step also inside a compiled graph. It may be nil: then
	// the layer's seed alone is used and every call draws the same mask.
	Step *tensor.Tensor
}

// Training is the Context of a training call without a step counter.
var Training = Context{Training: true}

// Inference is the Context of an inference call.
var Inference = Context{}

// Masker is implemented by layers that produce a mask for the following layers (Embedding with
// mask_zero, Masking): true marks the positions (timesteps) to use.
type Masker interface {
	Layer
	// ComputeMask returns the boolean mask of the output for inputs, or nil when there is none.
	ComputeMask(inputs ...*tensor.Tensor) *tensor.Tensor
}

// Constrainer is implemented by layers with weight constraints (every layer embedding [Base]).
type Constrainer interface {
	// Constrain projects every constrained weight onto its allowed set (eagerly, by Assign).
	Constrain()
	// ConstraintOf returns the constraint of v, or nil.
	ConstraintOf(v *autodiff.Variable) constraints.Constraint
}

// Apply calls a single-input, single-output layer: Apply(l, ctx, x) is l.Call(ctx, x)[0].
// It panics with a *core.Error if the layer returns more than one output.
func Apply(l Layer, ctx Context, x *tensor.Tensor) *tensor.Tensor {
	out := l.Call(ctx, x)
	if len(out) != 1 {
		panic(core.Errorf("nn.Apply", "layer %q returned %d outputs, want 1", l.Name(), len(out)))
	}
	return out[0]
}

// Sequence applies layers one after the other to x: a Sequential model without the model.
func Sequence(ctx Context, x *tensor.Tensor, layers ...Layer) *tensor.Tensor {
	for _, l := range layers {
		x = Apply(l, ctx, x)
	}
	return x
}

// OutputSpecs builds l (if not yet built) for inputs of the given specs, whose dimensions may be
// unknown (-1), and returns the specs of its outputs, without computing anything: the call is
// traced. Errors of the layer (inputs that do not fit) are returned.
func OutputSpecs(l Layer, ctx Context, inputs ...core.Spec) ([]core.Spec, error) {
	if ctx.Step != nil {
		ctx.Step = nil // a concrete step cannot mix with the traced call; it changes no shape
	}
	g, err := graph.Trace(inputs, func(args []*tensor.Tensor) []*tensor.Tensor { return l.Call(ctx, args...) })
	if err != nil {
		return nil, err
	}
	specs := make([]core.Spec, len(g.Outputs))
	for i, v := range g.Outputs {
		specs[i] = v.Spec
	}
	return specs, nil
}

// Build builds l for inputs of the given shapes (batch dimension included, -1 for unknown) of the
// layer's dtype, as Keras's layer.build(input_shape). It returns the error of a misfit.
func Build(l Layer, inputs ...shape.Shape) error {
	dt := dtype.Float32
	if d, ok := l.(interface{ DType() dtype.DType }); ok {
		dt = d.DType()
	}
	specs := make([]core.Spec, len(inputs))
	for i, s := range inputs {
		specs[i] = core.Spec{DType: dt, Shape: s}
	}
	_, err := OutputSpecs(l, Inference, specs...)
	return err
}

// SetWeights copies values into l's weights in the order of Layer.Weights (Keras's
// set_weights). The layer must be built. It returns an error when the count or a shape differs.
func SetWeights(l Layer, values ...*tensor.Tensor) (err error) {
	defer core.Recover(&err)
	ws := l.Weights()
	if len(ws) != len(values) {
		return fmt.Errorf("nn: layer %q has %d weights, got %d values", l.Name(), len(ws), len(values))
	}
	for i, w := range ws {
		if !w.Shape().Equal(values[i].Shape()) {
			return fmt.Errorf("nn: layer %q weight %s has shape %v, value has %v", l.Name(), w.Name(), w.Shape(), values[i].Shape())
		}
	}
	for i, w := range ws {
		w.Assign(values[i])
	}
	return nil
}

// CountParams returns the number of scalars in l's weights (trainable and not), as the
// "Param #" column of a Keras summary.
func CountParams(l Layer) int {
	n := 0
	for _, w := range l.Weights() {
		size := 1
		for _, d := range w.Shape() {
			size *= d
		}
		n += size
	}
	return n
}

// Base holds what every layer shares: its name and Keras class, dtype, seed, weights with their
// regularizers and constraints, and the losses of the last call. Layers embed it and create their
// weights with [Base.AddWeight] when first called.
type Base struct {
	name, class string
	named       bool // the name came from WithName
	dt          dtype.DType
	seed        uint64
	seedSet     bool

	mu           sync.Mutex
	built        bool
	frozen       bool                 // SetTrainable(false): weights made trainable are frozen
	trainable    []*autodiff.Variable // weights made trainable, frozen or not
	nonTrainable []*autodiff.Variable
	regs         []weightPenalty
	cons         map[*autodiff.Variable]constraints.Constraint
	activityReg  regularizers.Regularizer
	activity     []*tensor.Tensor
}

type weightPenalty struct {
	v   *autodiff.Variable
	reg regularizers.Regularizer
}

// Init prepares the Base of a layer written outside this package: class is its Keras-style class
// name, defaultName its name unless WithName is given; WithDType, WithSeed and
// WithActivityRegularizer are accepted too, any other option panics with a *core.Error.
//
//	type Scale struct{ nn.Base; w *autodiff.Variable }
//
//	func NewScale(opts ...nn.Option) *Scale {
//		s := &Scale{}
//		s.Init("Scale", "scale", opts...)
//		return s
//	}
//
//	func (s *Scale) Call(ctx nn.Context, in ...*tensor.Tensor) []*tensor.Tensor {
//		s.BuildOnce(func() { s.w = s.AddWeight("w", in[0].Shape()[1:], initializers.Ones()) })
//		return s.Finish(ops.Mul(in[0], s.w.Value()))
//	}
func (b *Base) Init(class, defaultName string, opts ...Option) {
	b.initBase(class, defaultName, parse(class, opts, "seed", "activity_regularizer"))
}

// initBase fills b from the common options: the name (default defName), dtype, seed and activity
// regularizer.
func (b *Base) initBase(class, defName string, o *options) {
	b.class, b.name, b.dt = class, defName, dtype.Float32
	if o.name != "" {
		b.name, b.named = o.name, true
	}
	if o.dtype != dtype.Invalid {
		b.dt = o.dtype
	}
	if o.seed != nil {
		b.seed, b.seedSet = *o.seed, true
	}
	b.activityReg = o.activityReg
}

// Name returns the layer's name.
func (b *Base) Name() string { return b.name }

// SetName renames the layer (a model makes default names unique: "dense_1"). Since the default
// seeds of the weights derive from the name, renaming must happen before the first call; it panics
// with a *core.Error after.
func (b *Base) SetName(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.built {
		panic(core.Errorf("nn.SetName", "layer %q is built; rename it before its first call", b.name))
	}
	b.name = name
}

// NamedExplicitly reports whether the layer's name was given with WithName: a model keeps such
// names as they are (Keras makes only default names unique), so weight files keyed by them load.
func (b *Base) NamedExplicitly() bool { return b.named }

// ClassName returns the Keras class name ("Dense", "Conv2D"), as a summary shows it.
func (b *Base) ClassName() string { return b.class }

// DType returns the dtype of the layer's weights and outputs (float32 unless set with WithDType).
func (b *Base) DType() dtype.DType { return b.dt }

// Built reports whether the layer has created its weights.
func (b *Base) Built() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.built
}

// Weights returns the trainable variables, then the non-trainable ones.
func (b *Base) Weights() []*autodiff.Variable {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append(append([]*autodiff.Variable{}, b.trainable...), b.nonTrainable...)
}

// TrainableWeights returns the variables an optimizer updates: none while the layer is frozen.
func (b *Base) TrainableWeights() []*autodiff.Variable {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*autodiff.Variable
	for _, v := range b.trainable {
		if v.Trainable() {
			out = append(out, v)
		}
	}
	return out
}

// NonTrainableWeights returns the other variables: the frozen weights, then those the layer
// updates itself (moving statistics).
func (b *Base) NonTrainableWeights() []*autodiff.Variable {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*autodiff.Variable
	for _, v := range b.trainable {
		if !v.Trainable() {
			out = append(out, v)
		}
	}
	return append(out, b.nonTrainable...)
}

// SetTrainable freezes the layer (false) or unfreezes it (true), as Keras's layer.trainable: a
// frozen layer's weights are not trained (no gradient is computed for them and optimizers leave
// them alone), and a frozen BatchNormalization normalises with its moving statistics even while
// training, as Keras's does. Weights created later, at the first call, follow the setting.
// Layers made of other layers (RNN, Bidirectional, TimeDistributed, TransformerEncoder, models)
// pass the setting on to them. A model compiled before the change retraces its steps.
func (b *Base) SetTrainable(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.frozen = !on
	for _, v := range b.trainable {
		v.SetFrozen(!on)
	}
}

// IsTrainable reports whether the layer is trainable (SetTrainable(false) was not called, or was
// undone).
func (b *Base) IsTrainable() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.frozen
}

// Losses returns the weight regularizers' penalties of the current weights and the activity
// regularizer's penalties of the last call's outputs.
func (b *Base) Losses() []*tensor.Tensor {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*tensor.Tensor
	for _, p := range b.regs {
		out = append(out, p.reg.Loss(p.v.Value()))
	}
	return append(out, b.activity...)
}

// Constrain applies each weight's constraint to its current value with Variable.Assign. The
// training loop calls it after an eager optimizer update; a compiled step should rather apply
// [Base.ConstraintOf] to the updated value before assigning it, since reads inside a compiled
// call see the values from before the call.
func (b *Base) Constrain() {
	for _, v := range b.Weights() {
		if c := b.ConstraintOf(v); c != nil {
			v.Assign(c.Apply(v.Value().Detach()))
		}
	}
}

// ConstraintOf returns the constraint of weight v, or nil.
func (b *Base) ConstraintOf(v *autodiff.Variable) constraints.Constraint {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cons[v]
}

// WeightOption configures [Base.AddWeight].
type WeightOption func(*weightConfig)

type weightConfig struct {
	trainable bool
	reg       regularizers.Regularizer
	cons      constraints.Constraint
}

// NonTrainable makes a weight the layer updates itself rather than the optimizer.
func NonTrainable() WeightOption { return func(c *weightConfig) { c.trainable = false } }

// Regularized adds reg's penalty of the weight to the layer's losses (nil: none).
func Regularized(reg regularizers.Regularizer) WeightOption {
	return func(c *weightConfig) { c.reg = reg }
}

// Constrained records a constraint applied to the weight after each optimizer update (nil: none).
func Constrained(cons constraints.Constraint) WeightOption {
	return func(c *weightConfig) { c.cons = cons }
}

// AddWeight creates a variable of the layer's dtype named "<layer>/<name>" with init's value for
// the given dimensions, drawn with [Base.WeightSeed] of name, and registers it with the layer.
// Layers call it inside [Base.BuildOnce]. It panics with a *core.Error if a dimension is unknown.
func (b *Base) AddWeight(name string, dims []int, init initializers.Initializer, opts ...WeightOption) *autodiff.Variable {
	for _, d := range dims {
		if d < 0 {
			panic(core.Errorf("nn."+b.class, "layer %q: weight %s needs known dimensions, got %v (are the input's non-batch dimensions unknown?)", b.name, name, dims))
		}
	}
	cfg := weightConfig{trainable: true}
	for _, o := range opts {
		o(&cfg)
	}
	var vopts []autodiff.VariableOption
	if !cfg.trainable {
		vopts = append(vopts, autodiff.NotTrainable())
	}
	v := autodiff.NewVariable(b.name+"/"+name, init.Init(b.WeightSeed(name), b.dt, dims...), vopts...)
	if cfg.trainable {
		v.SetFrozen(b.frozen)
		b.trainable = append(b.trainable, v)
	} else {
		b.nonTrainable = append(b.nonTrainable, v)
	}
	if cfg.reg != nil {
		b.regs = append(b.regs, weightPenalty{v, cfg.reg})
	}
	if cfg.cons != nil {
		if b.cons == nil {
			b.cons = map[*autodiff.Variable]constraints.Constraint{}
		}
		b.cons[v] = cfg.cons
	}
	return v
}

// WeightSeed returns the seed of the layer's weight called name: a hash of the layer's seed (set
// with WithSeed) or, by default, of the layer's name, and of the weight's name. The same model
// code thus gives the same initial weights on every machine and in every run.
func (b *Base) WeightSeed(name string) uint64 {
	return mix(b.LayerSeed(), hashString(name))
}

// LayerSeed returns the layer's seed: the one set with WithSeed or a hash of its name. Random
// layers (dropout) draw with it.
func (b *Base) LayerSeed() uint64 {
	if b.seedSet {
		return b.seed
	}
	return hashString(b.name)
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// mix combines two words with SplitMix64's finaliser, so nearby inputs give unrelated seeds.
func mix(a, b uint64) uint64 {
	z := a ^ (b + 0x9e3779b97f4a7c15 + (a << 6) + (a >> 2))
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// BuildOnce runs fn (which creates the weights with AddWeight) the first time it is called and
// never again: a layer calls it at the start of Call with its inputs' shapes. It holds the
// layer's lock, so fn must not call the layer's other methods.
func (b *Base) BuildOnce(fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.built {
		return
	}
	fn()
	b.built = true
}

// Finish records the activity regularizer's penalties of a call's outputs (for Losses) and returns
// the outputs: a layer's Call ends with return l.Finish(outputs...).
func (b *Base) Finish(outs ...*tensor.Tensor) []*tensor.Tensor {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.activity = nil
	if b.activityReg != nil {
		for _, o := range outs {
			b.activity = append(b.activity, b.activityReg.Loss(o))
		}
	}
	return outs
}

// Config returns the keys every layer's config has: name, trainable and dtype. Layers add theirs.
func (b *Base) Config() map[string]any { return b.baseConfig() }

func (b *Base) baseConfig() map[string]any {
	return map[string]any{"name": b.name, "trainable": true, "dtype": b.dt.String()}
}

// one returns the only input, or panics with a *core.Error naming the layer.
func (b *Base) one(inputs []*tensor.Tensor) *tensor.Tensor {
	if len(inputs) != 1 {
		panic(core.Errorf("nn."+b.class, "layer %q takes one input, got %d", b.name, len(inputs)))
	}
	return inputs[0]
}

// cast converts x to the layer's dtype (Keras's autocasting of inputs).
func (b *Base) cast(x *tensor.Tensor) *tensor.Tensor {
	if x.DType() == b.dt {
		return x
	}
	return ops.Cast(x, b.dt)
}

// errorf returns the *core.Error a layer panics with.
func (b *Base) errorf(format string, args ...any) *core.Error {
	return core.Errorf("nn."+b.class, "layer %q: "+format, append([]any{b.name}, args...)...)
}
