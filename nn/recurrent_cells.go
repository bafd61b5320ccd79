package nn

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Cell is one step of a recurrent layer (Keras's RNN cell): [RNN] loops it over time. The
// built-in cells are [SimpleRNNCell], [LSTMCell] and [GRUCell]; a user's cell implements Cell
// with ops only (its Step is traced into the loop body of a compiled graph and must not read
// values). Its Call takes the step's input and the states and returns the output and the next
// states.
type Cell interface {
	Layer
	// StateSizes returns the size of each state ([units] for SimpleRNN and GRU, [units, units]
	// for LSTM's h and c).
	StateSizes() []int
	// OutputSize returns the size of a step's output.
	OutputSize() int
	// BuildCell creates the weights for inputs with inputDim features, the first time only.
	BuildCell(inputDim int)
	// Step computes one step from x [batch, in] and the states ([batch, size] each): the output
	// [batch, OutputSize()] and the next states. It builds the cell if needed.
	Step(ctx Context, x *tensor.Tensor, states []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor)
}

// rnnFusedCell is implemented by the built-in cells: the RNN layer projects the inputs of all
// steps before the loop and applies per-sequence dropout masks itself.
type rnnFusedCell interface {
	Cell
	// rnnProject returns x·kernel + input bias for x [..., in].
	rnnProject(x *tensor.Tensor) *tensor.Tensor
	// rnnStep is Step given the projected input; recMask (nil: none) multiplies the state
	// entering the recurrent product.
	rnnStep(xp *tensor.Tensor, states []*tensor.Tensor, recMask *tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor)
	// rnnRates returns the input and recurrent dropout rates.
	rnnRates() (float64, float64)
}

// rnnCell holds what the built-in cells share.
type rnnCell struct {
	Base
	units           int
	gates           int
	actName, recAct string
	act, recActFn   activations.Func
	useBias         bool
	rate, recRate   float64
	o               *options
	kernel, rec     *autodiff.Variable
	bias            *autodiff.Variable
	biasDims        []int
}

func (c *rnnCell) initCell(class, defName string, units, gates int, o *options, name string) {
	c.initBase(class, defName, o)
	if name != "" {
		c.name = name
	}
	if units <= 0 {
		panic(c.errorf("units must be positive, got %d", units))
	}
	c.units, c.gates, c.o, c.useBias = units, gates, o, o.bias()
	c.actName, c.act = "tanh", activations.MustGet("tanh")
	if o.actFn != nil {
		c.actName, c.act = o.activation, o.actFn
	}
	c.recAct = rnnGet(o, "recurrent_activation", "sigmoid")
	c.recActFn = activations.MustGet(c.recAct)
	c.rate = rnnGet(o, "dropout", 0.0)
	c.recRate = rnnGet(o, "recurrent_dropout", 0.0)
	if !(c.rate >= 0 && c.rate <= 1) || !(c.recRate >= 0 && c.recRate <= 1) {
		panic(c.errorf("dropout rates must be in [0, 1], got %v and %v", c.rate, c.recRate))
	}
	c.biasDims = []int{gates * units}
}

// Units returns the number of units.
func (c *rnnCell) Units() int { return c.units }

// Kernel returns the input kernel [in, gates·units] (nil before the first call).
func (c *rnnCell) Kernel() *autodiff.Variable { return c.kernel }

// RecurrentKernel returns the recurrent kernel [units, gates·units] (nil before the first call).
func (c *rnnCell) RecurrentKernel() *autodiff.Variable { return c.rec }

// Bias returns the bias (nil before the first call or without a bias).
func (c *rnnCell) Bias() *autodiff.Variable { return c.bias }

// OutputSize returns units.
func (c *rnnCell) OutputSize() int { return c.units }

func (c *rnnCell) rnnRates() (float64, float64) { return c.rate, c.recRate }

// buildWith creates kernel, recurrent_kernel and bias (with biasInit).
func (c *rnnCell) buildWith(inputDim int, biasInit initializers.Initializer) {
	c.BuildOnce(func() {
		n := c.gates * c.units
		c.kernel = c.AddWeight("kernel", []int{inputDim, n}, c.o.init("kernel", initializers.GlorotUniform()),
			Regularized(c.o.regs["kernel"]), Constrained(c.o.cons["kernel"]))
		c.rec = c.AddWeight("recurrent_kernel", []int{c.units, n}, c.o.init("recurrent", initializers.Orthogonal(1)),
			Regularized(c.o.regs["recurrent"]), Constrained(c.o.cons["recurrent"]))
		if c.useBias {
			c.bias = c.AddWeight("bias", c.biasDims, biasInit,
				Regularized(c.o.regs["bias"]), Constrained(c.o.cons["bias"]))
		}
	})
}

// project returns x·kernel (+ bias row when given).
func (c *rnnCell) project(x, bias *tensor.Tensor) *tensor.Tensor {
	y := ops.MatMul(x, c.kernel.Value())
	if bias != nil {
		y = ops.Add(y, bias)
	}
	return y
}

// recIn returns h, multiplied by the recurrent dropout mask if any.
func recIn(h, recMask *tensor.Tensor) *tensor.Tensor {
	if recMask == nil {
		return h
	}
	return ops.Mul(h, recMask)
}

// stepInputs checks and prepares a direct Step call: the cast input (with dropout while
// training: fresh masks per call) and the recurrent mask.
func (c *rnnCell) stepInputs(ctx Context, x *tensor.Tensor, states []*tensor.Tensor, n int) (*tensor.Tensor, *tensor.Tensor) {
	x = c.cast(x)
	if x.Rank() != 2 || x.Dim(1) < 0 {
		panic(c.errorf("a step needs an input [batch, features] with known features, got shape %v", x.Shape()))
	}
	if len(states) != n {
		panic(c.errorf("a step needs %d states, got %d", n, len(states)))
	}
	for i, s := range states {
		if s.Rank() != 2 || s.Dim(1) != c.units {
			panic(c.errorf("state %d has shape %v, want [batch, %d]", i, s.Shape(), c.units))
		}
	}
	var rm *tensor.Tensor
	if ctx.Training && c.rate > 0 {
		x = ops.Mul(x, rnnDropout(ops.OnesLike(autodiff.StopGradient(x)), ctx.Step, c.rate, mix(c.LayerSeed(), 1)))
	}
	if ctx.Training && c.recRate > 0 {
		rm = rnnDropout(ops.OnesLike(autodiff.StopGradient(states[0])), ctx.Step, c.recRate, mix(c.LayerSeed(), 2))
	}
	return x, rm
}

// callStep implements a cell's Call: inputs are x then the states; the result is the output
// then the next states.
func callStep(c Cell, ctx Context, inputs []*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) == 0 {
		panic(core.Errorf("nn."+rnnClassName(c), "cell %q: a step needs an input and the states, got no inputs", c.Name()))
	}
	out, next := c.Step(ctx, inputs[0], inputs[1:])
	return append([]*tensor.Tensor{out}, next...)
}

// cellConfig returns the keys the built-in cells' configs share.
func (c *rnnCell) cellConfig() map[string]any {
	cfg := c.baseConfig()
	cfg["units"], cfg["activation"], cfg["use_bias"] = c.units, c.actName, c.useBias
	cfg["kernel_initializer"] = cfgOf(c.o.init("kernel", initializers.GlorotUniform()))
	cfg["recurrent_initializer"] = cfgOf(c.o.init("recurrent", initializers.Orthogonal(1)))
	cfg["bias_initializer"] = cfgOf(c.o.init("bias", initializers.Zeros()))
	cfg["dropout"], cfg["recurrent_dropout"], cfg["seed"] = c.rate, c.recRate, c.LayerSeed()
	addRegConfig(cfg, c.o, "kernel", "recurrent", "bias")
	delete(cfg, "activity_regularizer")
	return cfg
}

// SimpleRNNCellLayer is Keras's SimpleRNNCell.
type SimpleRNNCellLayer struct{ rnnCell }

// SimpleRNNCell returns Keras's SimpleRNNCell (see [SimpleRNN]): one step
// h = activation(x·kernel + h·recurrent_kernel + bias). Name "simple_rnn_cell".
func SimpleRNNCell(units int, opts ...Option) *SimpleRNNCellLayer {
	return newSimpleRNNCell(units, parse("SimpleRNNCell", opts, rnnCellKeys...), "")
}

func newSimpleRNNCell(units int, o *options, name string) *SimpleRNNCellLayer {
	c := &SimpleRNNCellLayer{}
	c.initCell("SimpleRNNCell", "simple_rnn_cell", units, 1, o, name)
	return c
}

// StateSizes returns [units].
func (c *SimpleRNNCellLayer) StateSizes() []int { return []int{c.units} }

// BuildCell creates the weights.
func (c *SimpleRNNCellLayer) BuildCell(inputDim int) {
	c.buildWith(inputDim, c.o.init("bias", initializers.Zeros()))
}

func (c *SimpleRNNCellLayer) rnnProject(x *tensor.Tensor) *tensor.Tensor {
	return c.project(x, rnnValue(c.bias))
}

func (c *SimpleRNNCellLayer) rnnStep(xp *tensor.Tensor, states []*tensor.Tensor, rm *tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	h := c.act(ops.Add(xp, ops.MatMul(recIn(states[0], rm), c.rec.Value())))
	return h, []*tensor.Tensor{h}
}

// Step computes one step.
func (c *SimpleRNNCellLayer) Step(ctx Context, x *tensor.Tensor, states []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	c.BuildCell(c.cast(x).Dim(-1))
	x, rm := c.stepInputs(ctx, x, states, 1)
	return c.rnnStep(c.rnnProject(x), states, rm)
}

// Call runs one step: inputs x, h; outputs the output and the next h.
func (c *SimpleRNNCellLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return callStep(c, ctx, inputs)
}

// Config returns Keras's SimpleRNNCell config.
func (c *SimpleRNNCellLayer) Config() map[string]any { return c.cellConfig() }

// LSTMCellLayer is Keras's LSTMCell.
type LSTMCellLayer struct {
	rnnCell
	forgetBias bool
}

// LSTMCell returns Keras's LSTMCell (see [LSTM]). Name "lstm_cell".
func LSTMCell(units int, opts ...Option) *LSTMCellLayer {
	return newLSTMCell(units, parse("LSTMCell", opts, append([]string{"unit_forget_bias"}, rnnCellKeys...)...), "")
}

func newLSTMCell(units int, o *options, name string) *LSTMCellLayer {
	c := &LSTMCellLayer{forgetBias: rnnGet(o, "unit_forget_bias", true)}
	c.initCell("LSTMCell", "lstm_cell", units, 4, o, name)
	return c
}

// StateSizes returns [units, units]: h and c.
func (c *LSTMCellLayer) StateSizes() []int { return []int{c.units, c.units} }

// BuildCell creates the weights.
func (c *LSTMCellLayer) BuildCell(inputDim int) {
	init := c.o.init("bias", initializers.Zeros())
	if c.forgetBias {
		init = rnnForgetBias{init}
	}
	c.buildWith(inputDim, init)
}

func (c *LSTMCellLayer) rnnProject(x *tensor.Tensor) *tensor.Tensor {
	return c.project(x, rnnValue(c.bias))
}

func (c *LSTMCellLayer) rnnStep(xp *tensor.Tensor, states []*tensor.Tensor, rm *tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	z := ops.Add(xp, ops.MatMul(recIn(states[0], rm), c.rec.Value()))
	g := ops.Split(z, -1, 4)
	i, f, o := c.recActFn(g[0]), c.recActFn(g[1]), c.recActFn(g[3])
	cNext := ops.Add(ops.Mul(f, states[1]), ops.Mul(i, c.act(g[2])))
	h := ops.Mul(o, c.act(cNext))
	return h, []*tensor.Tensor{h, cNext}
}

// Step computes one step.
func (c *LSTMCellLayer) Step(ctx Context, x *tensor.Tensor, states []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	c.BuildCell(c.cast(x).Dim(-1))
	x, rm := c.stepInputs(ctx, x, states, 2)
	return c.rnnStep(c.rnnProject(x), states, rm)
}

// Call runs one step: inputs x, h, c; outputs the output and the next h and c.
func (c *LSTMCellLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return callStep(c, ctx, inputs)
}

// Config returns Keras's LSTMCell config.
func (c *LSTMCellLayer) Config() map[string]any {
	cfg := c.cellConfig()
	cfg["recurrent_activation"], cfg["unit_forget_bias"] = c.recAct, c.forgetBias
	return cfg
}

// rnnForgetBias is LSTM's bias initializer with unit_forget_bias: the inner initializer for the
// i, c and o gates and ones for the f gate, as Keras.
type rnnForgetBias struct{ inner initializers.Initializer }

func (f rnnForgetBias) Init(seed uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	u := dims[0] / 4
	return ops.Concat(0, f.inner.Init(seed, dt, u), tensor.Ones(dt, u), f.inner.Init(mix(seed, 2), dt, 2*u))
}

func (f rnnForgetBias) Config() map[string]any { return f.inner.Config() }

// GRUCellLayer is Keras's GRUCell.
type GRUCellLayer struct {
	rnnCell
	resetAfter bool
}

// GRUCell returns Keras's GRUCell (see [GRU]). Name "gru_cell".
func GRUCell(units int, opts ...Option) *GRUCellLayer {
	return newGRUCell(units, parse("GRUCell", opts, append([]string{"reset_after"}, rnnCellKeys...)...), "")
}

func newGRUCell(units int, o *options, name string) *GRUCellLayer {
	c := &GRUCellLayer{resetAfter: rnnGet(o, "reset_after", true)}
	c.initCell("GRUCell", "gru_cell", units, 3, o, name)
	if c.resetAfter {
		c.biasDims = []int{2, 3 * units}
	}
	return c
}

// StateSizes returns [units].
func (c *GRUCellLayer) StateSizes() []int { return []int{c.units} }

// BuildCell creates the weights.
func (c *GRUCellLayer) BuildCell(inputDim int) {
	c.buildWith(inputDim, c.o.init("bias", initializers.Zeros()))
}

// biasRow returns row i of the reset_after bias [2, 3·units], or the whole bias otherwise.
func (c *GRUCellLayer) biasRow(i int) *tensor.Tensor {
	if c.bias == nil {
		return nil
	}
	b := c.bias.Value()
	if !c.resetAfter {
		return b
	}
	return ops.Reshape(ops.SliceAxis(b, 0, i, i+1, 1), 3*c.units)
}

func (c *GRUCellLayer) rnnProject(x *tensor.Tensor) *tensor.Tensor {
	return c.project(x, c.biasRow(0))
}

func (c *GRUCellLayer) rnnStep(xp *tensor.Tensor, states []*tensor.Tensor, rm *tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	h := states[0]
	hIn := recIn(h, rm)
	x3 := ops.Split(xp, -1, 3)
	u := c.rec.Value()
	var z, hh *tensor.Tensor
	if c.resetAfter {
		rec := ops.MatMul(hIn, u)
		if c.bias != nil {
			rec = ops.Add(rec, c.biasRow(1))
		}
		r3 := ops.Split(rec, -1, 3)
		z = c.recActFn(ops.Add(x3[0], r3[0]))
		r := c.recActFn(ops.Add(x3[1], r3[1]))
		hh = c.act(ops.Add(x3[2], ops.Mul(r, r3[2])))
	} else {
		n := c.units
		rec := ops.MatMul(hIn, ops.SliceAxis(u, 1, 0, 2*n, 1))
		r2 := ops.Split(rec, -1, 2)
		z = c.recActFn(ops.Add(x3[0], r2[0]))
		r := c.recActFn(ops.Add(x3[1], r2[1]))
		hh = c.act(ops.Add(x3[2], ops.MatMul(ops.Mul(r, hIn), ops.SliceAxis(u, 1, 2*n, 3*n, 1))))
	}
	next := ops.Add(ops.Mul(z, h), ops.Mul(ops.Sub(ops.OnesLike(z), z), hh))
	return next, []*tensor.Tensor{next}
}

// Step computes one step.
func (c *GRUCellLayer) Step(ctx Context, x *tensor.Tensor, states []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	c.BuildCell(c.cast(x).Dim(-1))
	x, rm := c.stepInputs(ctx, x, states, 1)
	return c.rnnStep(c.rnnProject(x), states, rm)
}

// Call runs one step: inputs x, h; outputs the output and the next h.
func (c *GRUCellLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return callStep(c, ctx, inputs)
}

// Config returns Keras's GRUCell config.
func (c *GRUCellLayer) Config() map[string]any {
	cfg := c.cellConfig()
	cfg["recurrent_activation"], cfg["reset_after"] = c.recAct, c.resetAfter
	return cfg
}

// rnnValue returns v's value, or nil for a nil variable.
func rnnValue(v *autodiff.Variable) *tensor.Tensor {
	if v == nil {
		return nil
	}
	return v.Value()
}
