package nn

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/nn/regularizers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Recurrent layers. An [RNNLayer] loops a [Cell] over the time axis of a batch-major input
// [batch, time, features] with graph.Scan over the time-major transpose, so that a traced call
// (a compiled train step) holds one scan node whatever the sequence length, and the length may
// be unknown (-1) until the graph runs. Eagerly the scan is a Go loop recorded on the tape.
//
// The built-in cells (SimpleRNN, LSTM, GRU) compute the input projection x·W + b of every step
// before the loop, in one matrix product, so that the loop body holds only the recurrent product
// and the gates.

// Interface checks.
var (
	_ MaskedCaller = (*RNNLayer)(nil)
	_ Cell         = (*SimpleRNNCellLayer)(nil)
	_ Cell         = (*LSTMCellLayer)(nil)
	_ Cell         = (*GRUCellLayer)(nil)
)

// MaskedCaller is implemented by layers that use the masks of their inputs (Keras's layers with
// a mask argument): the recurrent layers, Bidirectional, TimeDistributed and the attention
// layers. A model that feeds such a layer the output of a [Masker] (Embedding with mask_zero,
// Masking) calls CallMasked with the masks; masks[i] belongs to inputs[i] and may be nil.
type MaskedCaller interface {
	Layer
	// CallMasked is Call with the inputs' masks (bool, true where a position is valid).
	CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor
	// OutputMask returns the mask of the first output for inputs with these masks, or nil.
	OutputMask(masks []*tensor.Tensor, inputs ...*tensor.Tensor) *tensor.Tensor
}

// rnnExt carries a setting of the layers of these files through the shared Option type: the
// options struct has no field for it, so the value rides in its initializer map under a key no
// weight role uses (a NUL prefix). It is never used as an initializer.
type rnnExt struct{ v any }

func (rnnExt) Init(uint64, dtype.DType, ...int) *tensor.Tensor {
	panic(core.Errorf("nn", "internal error: a layer setting was used as an initializer"))
}

func (rnnExt) Config() map[string]any { return nil }

const rnnExtPrefix = "\x00"

// rnnOpt returns the Option with Keras key key that sets v.
func rnnOpt(key string, v any) Option {
	return opt(key, func(o *options) { o.inits[rnnExtPrefix+key] = rnnExt{v} })
}

// rnnGet returns the value set by rnnOpt for key, or def.
func rnnGet[T any](o *options, key string, def T) T {
	if e, ok := o.inits[rnnExtPrefix+key].(rnnExt); ok {
		return e.v.(T)
	}
	return def
}

// WithReturnSequences makes a recurrent layer return the output of every step, [batch, time,
// units], rather than the last one, [batch, units] (default false).
func WithReturnSequences(b bool) Option { return rnnOpt("return_sequences", b) }

// WithReturnState makes a recurrent layer also return its final states (h; h and c for LSTM)
// after its output (default false).
func WithReturnState(b bool) Option { return rnnOpt("return_state", b) }

// WithGoBackwards makes a recurrent layer read the sequence backwards; with return_sequences its
// outputs are then in reverse time order, as Keras's (default false).
func WithGoBackwards(b bool) Option { return rnnOpt("go_backwards", b) }

// WithRecurrentActivation sets the gates' activation of LSTM and GRU by Keras name (default
// "sigmoid"). An unknown name panics with a *core.Error.
func WithRecurrentActivation(name string) Option {
	activations.MustGet(name)
	return rnnOpt("recurrent_activation", name)
}

// WithRecurrentInitializer sets the recurrent kernel's initializer (default orthogonal).
func WithRecurrentInitializer(init initializers.Initializer) Option {
	return initOpt("recurrent", init)
}

// WithRecurrentRegularizer adds reg's penalty of the recurrent kernel to the layer's losses.
func WithRecurrentRegularizer(reg regularizers.Regularizer) Option { return regOpt("recurrent", reg) }

// WithRecurrentConstraint constrains the recurrent kernel after each optimizer update.
func WithRecurrentConstraint(c constraints.Constraint) Option { return consOpt("recurrent", c) }

// WithUnitForgetBias sets whether LSTM initialises the forget gate's bias to one (default true).
func WithUnitForgetBias(b bool) Option { return rnnOpt("unit_forget_bias", b) }

// WithResetAfter sets GRU's formulation: true (the default, Keras's and cuDNN's and PyTorch's)
// applies the reset gate after the recurrent product and has a bias [2, 3·units]; false applies
// it before, with a bias [3·units].
func WithResetAfter(b bool) Option { return rnnOpt("reset_after", b) }

// WithDropout sets the dropout rate of a recurrent layer's inputs (one mask per sequence, as
// Keras), of attention weights (MultiHeadAttention, Attention) or of a TransformerEncoder's
// sublayers (default 0). It acts only while training.
func WithDropout(rate float64) Option { return rnnOpt("dropout", rate) }

// WithRecurrentDropout sets the dropout rate of the state entering the recurrent product (one
// mask per sequence; default 0). It acts only while training.
func WithRecurrentDropout(rate float64) Option { return rnnOpt("recurrent_dropout", rate) }

var (
	rnnCellKeys = []string{"activation", "recurrent_activation", "use_bias", "kernel_initializer",
		"recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
		"bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
		"recurrent_dropout", "seed"}
	rnnLayerKeys = []string{"return_sequences", "return_state", "go_backwards", "activity_regularizer"}
)

// RNNLayer is Keras's RNN layer and its SimpleRNN, LSTM and GRU forms: a [Cell] looped over time.
type RNNLayer struct {
	Base
	cell     Cell
	cellName string // the cell's name below the layer's ("lstm_cell")
	retSeq   bool
	retState bool
	back     bool
	zeroMask bool // masked steps output zeros (Bidirectional sets it with return_sequences)
	// clone makes an unbuilt copy with another name and direction (for Bidirectional); nil for a
	// layer of a user's cell.
	clone func(name string, back bool) *RNNLayer
}

// RNN returns Keras's RNN layer looping cell over the time axis. Options: WithReturnSequences,
// WithReturnState, WithGoBackwards, WithActivityRegularizer, WithName (default "rnn"). The cell
// is renamed "<layer>/<cell>" while unbuilt, so that its weights are "rnn/<cell>/kernel", as
// Keras's variable paths.
func RNN(cell Cell, opts ...Option) *RNNLayer {
	o := parse("RNN", opts, rnnLayerKeys...)
	l := &RNNLayer{cell: cell, cellName: cell.Name()}
	l.initRNN("RNN", "rnn", o)
	l.SetName(l.Name())
	return l
}

func (l *RNNLayer) initRNN(class, defName string, o *options) {
	l.initBase(class, defName, o)
	l.retSeq = rnnGet(o, "return_sequences", false)
	l.retState = rnnGet(o, "return_state", false)
	l.back = rnnGet(o, "go_backwards", false)
}

// newRNN makes a SimpleRNN, LSTM or GRU layer: the layer's options, and a cell named
// "<layer>/<cellName>" from the same options.
func newRNN(class, defName, cellName string, units int, opts []Option, extra []string,
	mk func(units int, o *options, name string) Cell) *RNNLayer {
	keys := append(append(append([]string{}, rnnCellKeys...), rnnLayerKeys...), extra...)
	o := parse(class, opts, keys...)
	l := &RNNLayer{cellName: cellName}
	l.initRNN(class, defName, o)
	co := *o
	co.activityReg = nil
	l.cell = mk(units, &co, l.Name()+"/"+cellName)
	l.clone = func(name string, back bool) *RNNLayer {
		copts := append(append([]Option{}, opts...), WithName(name))
		if o.seed != nil { // a copy with the same seed would start with the same weights
			copts = append(copts, WithSeed(mix(*o.seed, hashString("backward"))))
		}
		c := newRNN(class, defName, cellName, units, copts, extra, mk)
		c.back = back
		return c
	}
	return l
}

// SimpleRNN returns Keras's SimpleRNN layer: h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel
// + bias), with kernel [in, units] (glorot_uniform), recurrent_kernel [units, units]
// (orthogonal) and bias [units] (zeros). Options: WithActivation (default tanh), WithUseBias,
// kernel/recurrent/bias initializers, regularizers and constraints, WithDropout,
// WithRecurrentDropout, WithReturnSequences, WithReturnState, WithGoBackwards,
// WithActivityRegularizer, WithSeed, WithName (default "simple_rnn"), WithDType. It panics with
// a *core.Error if units is not positive.
func SimpleRNN(units int, opts ...Option) *RNNLayer {
	return newRNN("SimpleRNN", "simple_rnn", "simple_rnn_cell", units, opts, nil,
		func(u int, o *options, name string) Cell { return newSimpleRNNCell(u, o, name) })
}

// LSTM returns Keras's LSTM layer with kernel [in, 4·units], recurrent_kernel [units, 4·units]
// and bias [4·units], the gates in Keras's order i, f, c, o (PyTorch's i, f, g, o):
// i, f, o = recurrent_activation(·), c_t = f·c_{t-1} + i·activation(·), h_t = o·activation(c_t).
// Its states are h and c. Options as [SimpleRNN], plus WithRecurrentActivation (default
// sigmoid) and WithUnitForgetBias (default true: the forget gate's bias starts at one); name
// "lstm".
func LSTM(units int, opts ...Option) *RNNLayer {
	return newRNN("LSTM", "lstm", "lstm_cell", units, opts, []string{"unit_forget_bias"},
		func(u int, o *options, name string) Cell { return newLSTMCell(u, o, name) })
}

// GRU returns Keras's GRU layer with kernel [in, 3·units] and recurrent_kernel [units, 3·units],
// the gates in Keras's order z (update), r (reset), h; h_t = z·h_{t-1} + (1-z)·ĥ. With
// reset_after (the default, as Keras 2.x+ and PyTorch) the bias is [2, 3·units] (input bias, then
// recurrent bias) and ĥ = activation(x·W_h + b_h + r·(h·U_h + b'_h)); WithResetAfter(false) gives
// ĥ = activation(x·W_h + (r·h)·U_h + b_h) with a bias [3·units]. Options as [LSTM] without
// unit_forget_bias, plus WithResetAfter; name "gru".
func GRU(units int, opts ...Option) *RNNLayer {
	return newRNN("GRU", "gru", "gru_cell", units, opts, []string{"reset_after"},
		func(u int, o *options, name string) Cell { return newGRUCell(u, o, name) })
}

// Cell returns the layer's cell (an *LSTMCellLayer for LSTM, ...), which holds the weights.
func (l *RNNLayer) Cell() Cell { return l.cell }

// SetName renames the layer and its cell ("<name>/<cell>"); it panics with a *core.Error once
// the layer is built.
func (l *RNNLayer) SetName(name string) {
	l.Base.SetName(name)
	if r, ok := l.cell.(interface{ SetName(string) }); ok && !rnnBuilt(l.cell) {
		r.SetName(name + "/" + l.cellName)
	}
}

// Built reports whether the cell has made its weights.
func (l *RNNLayer) Built() bool { return rnnBuilt(l.cell) }

// Weights returns the cell's weights: kernel, recurrent_kernel, bias for the built-in cells.
func (l *RNNLayer) Weights() []*autodiff.Variable { return l.cell.Weights() }

// TrainableWeights returns the cell's trainable weights.
func (l *RNNLayer) TrainableWeights() []*autodiff.Variable { return rnnTrainable(l.cell, true) }

// NonTrainableWeights returns the cell's other weights.
func (l *RNNLayer) NonTrainableWeights() []*autodiff.Variable { return rnnTrainable(l.cell, false) }

// Losses returns the cell's weight penalties and the layer's activity penalty.
func (l *RNNLayer) Losses() []*tensor.Tensor { return append(l.cell.Losses(), l.Base.Losses()...) }

// Constrain applies the cell's weight constraints.
func (l *RNNLayer) Constrain() { rnnConstrain(l.cell) }

// ConstraintOf returns the constraint of the cell's weight v, or nil.
func (l *RNNLayer) ConstraintOf(v *autodiff.Variable) constraints.Constraint {
	return rnnConstraintOf(v, l.cell)
}

// Call runs the layer on inputs: the sequence [batch, time, features], then optionally a bool
// mask [batch, time] (true for the steps to use; recognised by its dtype) and the initial states
// ([batch, size] each, in the cell's order: h, then c for LSTM; zeros by default). It returns the
// output — [batch, units], or [batch, time, units] with return_sequences — followed with
// return_state by the final states. A masked step leaves the states unchanged and outputs the
// previous step's output (zeros before the first valid step), as Keras. It panics with a
// *core.Error on inputs of the wrong rank, dtype or shape.
func (l *RNNLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, mask, states := l.splitInputs(inputs)
	return l.run(ctx, x, mask, states)
}

// CallMasked is Call with the mask of the sequence in masks[0] (an explicit mask input wins).
func (l *RNNLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, mask, states := l.splitInputs(inputs)
	return l.run(ctx, x, seqMask(mask, masks), states)
}

// OutputMask returns the input mask with return_sequences (and nil otherwise), as Keras (which
// does not reverse it for go_backwards either).
func (l *RNNLayer) OutputMask(masks []*tensor.Tensor, inputs ...*tensor.Tensor) *tensor.Tensor {
	if !l.retSeq {
		return nil
	}
	_, mask, _ := l.splitInputs(inputs)
	return seqMask(mask, masks)
}

// splitInputs separates the sequence, the optional bool mask and the initial states.
func (l *RNNLayer) splitInputs(inputs []*tensor.Tensor) (x, mask *tensor.Tensor, states []*tensor.Tensor) {
	return seqInputs(&l.Base, "[batch, time, features]", inputs)
}

// seqInputs separates a recurrent layer's inputs: the sequence (laid out as layout says, for the
// error when it is missing), the optional bool mask (recognised by its dtype) and the initial
// states.
func seqInputs(b *Base, layout string, inputs []*tensor.Tensor) (x, mask *tensor.Tensor, states []*tensor.Tensor) {
	if len(inputs) == 0 {
		panic(b.errorf("needs an input sequence %s, got no inputs", layout))
	}
	for _, t := range inputs[1:] {
		if t.DType() == dtype.Bool && mask == nil {
			mask = t
			continue
		}
		states = append(states, t)
	}
	return inputs[0], mask, states
}

// seqMask returns a recurrent layer's mask: the explicit mask input if there is one, else the
// mask propagated to its sequence (masks[0]), or nil.
func seqMask(explicit *tensor.Tensor, masks []*tensor.Tensor) *tensor.Tensor {
	if explicit == nil && len(masks) > 0 {
		return masks[0]
	}
	return explicit
}

// run checks the inputs, builds the cell and scans it over time.
func (l *RNNLayer) run(ctx Context, x, mask *tensor.Tensor, init []*tensor.Tensor) []*tensor.Tensor {
	x = l.cast(x)
	if x.Rank() != 3 || x.Dim(2) < 0 {
		panic(l.errorf("needs an input [batch, time, features] with known features, got shape %v", x.Shape()))
	}
	l.BuildOnce(func() { l.cell.BuildCell(x.Dim(2)) })
	if mask != nil {
		mask = l.checkMask(x, mask)
	}
	states := l.initialStates(x, init)
	if l.back {
		x = ops.Flip(x, 1)
		if mask != nil {
			mask = ops.Flip(mask, 1)
		}
	}
	last, seq, final := l.scan(ctx, x, mask, states)
	var out *tensor.Tensor
	if l.retSeq {
		out = seq
	} else {
		out = last
	}
	res := l.Finish(out)
	if l.retState {
		res = append(res, final...)
	}
	return res
}

// checkMask returns mask as bool [batch, time] or panics.
func (l *RNNLayer) checkMask(x, mask *tensor.Tensor) *tensor.Tensor {
	if mask.Rank() != 2 || !rnnDimsFit(mask.Shape()[:2], x.Shape()[:2]) {
		panic(l.errorf("mask of shape %v does not fit an input of shape %v (want [batch, time])", mask.Shape(), x.Shape()))
	}
	if mask.DType() != dtype.Bool {
		mask = ops.NotEqual(mask, ops.ZerosLike(mask))
	}
	return mask
}

// initialStates returns the given states (checked and cast) or zeros.
func (l *RNNLayer) initialStates(x *tensor.Tensor, init []*tensor.Tensor) []*tensor.Tensor {
	sizes := l.cell.StateSizes()
	if len(init) == 0 {
		states := make([]*tensor.Tensor, len(sizes))
		for i, n := range sizes {
			states[i] = rnnZeros(x, n)
		}
		return states
	}
	if len(init) != len(sizes) {
		panic(l.errorf("got %d initial states, the cell has %d (sizes %v)", len(init), len(sizes), sizes))
	}
	states := make([]*tensor.Tensor, len(init))
	for i, s := range init {
		if s.Rank() != 2 || !rnnDimsFit(s.Shape(), []int{x.Dim(0), sizes[i]}) {
			panic(l.errorf("initial state %d has shape %v, want [batch, %d] for an input of shape %v", i, s.Shape(), sizes[i], x.Shape()))
		}
		states[i] = l.cast(s)
	}
	return states
}

// scan loops the cell over the time axis of x [batch, time, features] and returns the last
// output, the outputs [batch, time, out] and the final states.
func (l *RNNLayer) scan(ctx Context, x, mask *tensor.Tensor, states []*tensor.Tensor) (last, seq *tensor.Tensor, final []*tensor.Tensor) {
	ns := len(states)
	fused, isFused := l.cell.(rnnFusedCell)
	var recMask *tensor.Tensor
	xt := x
	if isFused {
		x, recMask = l.dropoutMasks(ctx, fused, x, states[0])
		xt = rnnProjectTime(fused, ops.Transpose(x, 1, 0, 2))
	} else {
		xt = ops.Transpose(x, 1, 0, 2)
	}
	seqs := []*tensor.Tensor{xt}
	if mask != nil {
		seqs = append(seqs, ops.Transpose(mask, 1, 0))
	}
	// The carry holds the previous output only for a mask (a masked step repeats it): a
	// built-in cell's output is its first state.
	withPrev := mask != nil || !isFused
	carry := append([]*tensor.Tensor{}, states...)
	if withPrev {
		carry = append(carry, rnnZeros(x, l.cell.OutputSize()))
	}
	rmAt := len(carry)
	if recMask != nil {
		carry = append(carry, recMask)
	}
	step := func(c, s []*tensor.Tensor) ([]*tensor.Tensor, []*tensor.Tensor) {
		st := c[:ns]
		var out *tensor.Tensor
		var next []*tensor.Tensor
		if isFused {
			var rm *tensor.Tensor
			if recMask != nil {
				rm = c[rmAt]
			}
			out, next = fused.rnnStep(s[0], st, rm)
		} else {
			out, next = l.cell.Step(ctx, s[0], st)
		}
		y := out
		if mask != nil {
			m := ops.Unsqueeze(s[1], -1)
			for i := range next {
				next[i] = ops.Where(m, next[i], st[i])
			}
			if l.zeroMask {
				y = ops.Where(m, out, ops.ZerosLike(out))
				out = y
			} else {
				out = ops.Where(m, out, c[ns])
				y = out
			}
		}
		nc := append([]*tensor.Tensor{}, next...)
		if withPrev {
			nc = append(nc, out)
		}
		if recMask != nil {
			nc = append(nc, c[rmAt])
		}
		return nc, []*tensor.Tensor{y}
	}
	fin, ys := graph.Scan(step, carry, seqs...)
	if !withPrev {
		return fin[0], ops.Transpose(ys[0], 1, 0, 2), fin[:ns]
	}
	return fin[ns], ops.Transpose(ys[0], 1, 0, 2), fin[:ns]
}

// rnnProjectTime returns the input projection of every step of xt [time, batch, in] as
// [time, batch, gates·units]. It is one matrix product over the time·batch rows, so that the
// kernel's gradient is one product too (that of a product over a rank-3 xt is one product per
// time step, then a sum); only when both time and batch are unknown is xt kept rank 3 (a
// reshape back would have two unknown dimensions).
func rnnProjectTime(c rnnFusedCell, xt *tensor.Tensor) *tensor.Tensor {
	t, b := xt.Dim(0), xt.Dim(1)
	if t < 0 && b < 0 {
		return c.rnnProject(xt)
	}
	p := c.rnnProject(ops.Reshape(xt, -1, xt.Dim(2)))
	return ops.Reshape(p, t, b, p.Dim(1))
}

// dropoutMasks applies the input dropout mask (one per sequence, shared by its steps) to x and
// returns the recurrent dropout mask for states like h (nil when not training or rate 0).
func (l *RNNLayer) dropoutMasks(ctx Context, c rnnFusedCell, x, h *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	if !ctx.Training {
		return x, nil
	}
	rate, recRate := c.rnnRates()
	seed := c.(interface{ LayerSeed() uint64 }).LayerSeed()
	if rate > 0 {
		first := ops.OnesLike(autodiff.StopGradient(ops.SliceAxis(x, 1, 0, 1, 1)))
		x = ops.Mul(x, rnnDropout(first, ctx.Step, rate, mix(seed, 1)))
	}
	var rec *tensor.Tensor
	if recRate > 0 {
		rec = rnnDropout(ops.OnesLike(autodiff.StopGradient(h)), ctx.Step, recRate, mix(seed, 2))
	}
	return x, rec
}

// rnnDropout returns inverted dropout of x with the step tensor (if any) mixed in.
func rnnDropout(x, step *tensor.Tensor, rate float64, seed uint64) *tensor.Tensor {
	return dropoutStep(x, step, ops.DropoutParams{Rate: rate, Seed: seed})
}

// dropoutStep is ops.Dropout or, with a step tensor, ops.DropoutStep.
func dropoutStep(x, step *tensor.Tensor, p ops.DropoutParams) *tensor.Tensor {
	if step == nil {
		return ops.Dropout(x, p)
	}
	return ops.DropoutStep(x, step, p)
}

// Config returns Keras's config of the layer: the cell's settings and the layer's.
func (l *RNNLayer) Config() map[string]any {
	c := l.baseConfig()
	if l.clone == nil {
		c["cell"] = map[string]any{"class_name": rnnClassName(l.cell), "config": l.cell.Config()}
	} else {
		for k, v := range l.cell.Config() {
			if k != "name" && k != "trainable" && k != "dtype" {
				c[k] = v
			}
		}
	}
	c["return_sequences"], c["return_state"], c["go_backwards"] = l.retSeq, l.retState, l.back
	c["stateful"], c["unroll"], c["zero_output_for_mask"] = false, false, l.zeroMask
	return c
}

func rnnClassName(l Layer) string {
	if c, ok := l.(interface{ ClassName() string }); ok {
		return c.ClassName()
	}
	return "Layer"
}

// rnnDimsFit reports whether two shapes agree where both are known.
func rnnDimsFit(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] >= 0 && b[i] >= 0 && a[i] != b[i] {
			return false
		}
	}
	return true
}

// rnnZeros returns zeros [batch, n] of x's dtype for x [batch, ...]; an unknown batch dimension
// is taken from x at run time.
func rnnZeros(x *tensor.Tensor, n int) *tensor.Tensor {
	if b := x.Dim(0); b >= 0 {
		return tensor.Zeros(x.DType(), b, n)
	}
	first := x
	for a := 1; a < x.Rank(); a++ {
		first = ops.SliceAxis(first, a, 0, 1, 1)
	}
	col := ops.ZerosLike(ops.Reshape(first, -1, 1)) // [batch, 1]
	return ops.Add(col, tensor.Zeros(x.DType(), n))
}

// rnnBuilt reports whether l has made its weights.
func rnnBuilt(l Layer) bool {
	if b, ok := l.(interface{ Built() bool }); ok {
		return b.Built()
	}
	return len(l.Weights()) > 0
}

// rnnTrainable returns the weights of the layers that are (or are not) trainable.
func rnnTrainable(l Layer, trainable bool) []*autodiff.Variable {
	var out []*autodiff.Variable
	for _, v := range l.Weights() {
		if v.Trainable() == trainable {
			out = append(out, v)
		}
	}
	return out
}

// rnnConstrain applies the weight constraints of the layers.
func rnnConstrain(ls ...Layer) {
	for _, l := range ls {
		if c, ok := l.(interface{ Constrain() }); ok {
			c.Constrain()
		}
	}
}

// rnnConstraintOf returns the constraint of v in the first of the layers that has one.
func rnnConstraintOf(v *autodiff.Variable, ls ...Layer) constraints.Constraint {
	for _, l := range ls {
		if c, ok := l.(interface {
			ConstraintOf(*autodiff.Variable) constraints.Constraint
		}); ok {
			if k := c.ConstraintOf(v); k != nil {
				return k
			}
		}
	}
	return nil
}
