package nn

import (
	"fmt"
	"strings"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Convolutional LSTMs. A [ConvLSTMLayer] is an LSTM whose matrix products are convolutions:
// its input is a sequence of images [batch, time, spatial..., channels] and its states h and c
// are images [batch, spatial'..., filters]. It runs its own graph.Scan over the time-major
// input rather than an [RNNLayer] over a [Cell], because a Cell's states are flat [batch, size]
// vectors; masks, go_backwards, return_sequences/return_state and the per-sequence dropout
// masks follow the RNN layer's rules.

var _ MaskedCaller = (*ConvLSTMLayer)(nil)

// ConvLSTMLayer is Keras's ConvLSTM1D, ConvLSTM2D and ConvLSTM3D.
type ConvLSTMLayer struct {
	Base
	rank, filters   int
	kernelSize      []int
	strides         []int
	dilation        []int
	padding         string
	channelsFirst   bool
	actName, recAct string
	act, recActFn   activations.Func
	useBias         bool
	forgetBias      bool
	rate, recRate   float64
	retSeq          bool
	retState        bool
	back            bool
	o               *options

	kernel, rec, bias *autodiff.Variable
}

var convLSTMKeys = append([]string{"kernel_size", "strides", "padding", "data_format", "dilation_rate",
	"unit_forget_bias"}, append(append([]string{}, rnnCellKeys...), rnnLayerKeys...)...)

// ConvLSTM1D returns Keras's ConvLSTM1D layer on sequences [batch, time, steps, channels]; see
// [ConvLSTM2D].
func ConvLSTM1D(filters, kernelSize int, opts ...Option) *ConvLSTMLayer {
	return newConvLSTM("ConvLSTM1D", "conv_lstm1d", 1, filters, kernelSize, opts)
}

// ConvLSTM2D returns Keras's ConvLSTM2D layer: an LSTM over a sequence of images
// [batch, time, height, width, channels] ([batch, time, channels, height, width] with
// channels_first) whose products are convolutions. Its weights are kernel
// [kh, kw, in, 4·filters] (glorot_uniform), recurrent_kernel [kh, kw, filters, 4·filters]
// (orthogonal) and bias [4·filters] (zeros, the forget block ones with unit_forget_bias), the
// gates in Keras's order i, f, c, o:
//
//	z = conv(x_t, kernel; strides, padding, dilation) + bias + conv(h, recurrent_kernel; 1, "same")
//	i, f, o = recurrent_activation(z_i, z_f, z_o)
//	c_t = f·c + i·activation(z_c), h_t = o·activation(c_t)
//
// The recurrent convolution always has stride 1, no dilation and "same" padding, as Keras's,
// so the states keep the shape [batch, h', w', filters] of the input convolution's output.
// Options: WithKernelSize (per dimension), WithStrides, WithPadding ("valid", the default, or
// "same"), WithDilation, WithDataFormat, WithActivation (default tanh),
// WithRecurrentActivation (default sigmoid), WithUseBias, kernel/recurrent/bias initializers,
// regularizers and constraints, WithUnitForgetBias (default true), WithDropout,
// WithRecurrentDropout, WithReturnSequences, WithReturnState, WithGoBackwards,
// WithActivityRegularizer, WithSeed, WithName (default "conv_lstm2d"), WithDType. It panics
// with a *core.Error for filters or sizes that are not positive, an unknown padding or data
// format, or a dropout rate outside [0, 1].
func ConvLSTM2D(filters, kernelSize int, opts ...Option) *ConvLSTMLayer {
	return newConvLSTM("ConvLSTM2D", "conv_lstm2d", 2, filters, kernelSize, opts)
}

// ConvLSTM3D returns Keras's ConvLSTM3D layer on sequences of volumes
// [batch, time, depth, height, width, channels]; see [ConvLSTM2D].
func ConvLSTM3D(filters, kernelSize int, opts ...Option) *ConvLSTMLayer {
	return newConvLSTM("ConvLSTM3D", "conv_lstm3d", 3, filters, kernelSize, opts)
}

func newConvLSTM(class, defName string, rank, filters, kernelSize int, opts []Option) *ConvLSTMLayer {
	o := parse(class, opts, convLSTMKeys...)
	l := &ConvLSTMLayer{rank: rank, filters: filters, o: o, useBias: o.bias()}
	l.initBase(class, defName, o)
	if filters <= 0 {
		panic(l.errorf("filters must be positive, got %d", filters))
	}
	ks := []int{kernelSize}
	if o.kernelSize != nil {
		ks = o.kernelSize
	}
	l.kernelSize = spatialDims(&l.Base, rank, "kernel_size", ks, 1)
	l.strides = spatialDims(&l.Base, rank, "strides", o.strides, 1)
	l.dilation = spatialDims(&l.Base, rank, "dilation_rate", o.dilation, 1)
	switch l.padding = strings.ToLower(o.padding); l.padding {
	case "":
		l.padding = "valid"
	case "valid", "same":
	default:
		panic(l.errorf("unknown padding %q (want valid or same)", o.padding))
	}
	switch o.dataFormat {
	case "", "channels_last":
	case "channels_first":
		l.channelsFirst = true
	default:
		panic(l.errorf("unknown data_format %q", o.dataFormat))
	}
	l.actName, l.act = "tanh", activations.MustGet("tanh")
	if o.actFn != nil {
		l.actName, l.act = o.activation, o.actFn
	}
	l.recAct = rnnGet(o, "recurrent_activation", "sigmoid")
	l.recActFn = activations.MustGet(l.recAct)
	l.forgetBias = rnnGet(o, "unit_forget_bias", true)
	l.rate, l.recRate = rnnGet(o, "dropout", 0.0), rnnGet(o, "recurrent_dropout", 0.0)
	if !(l.rate >= 0 && l.rate <= 1) || !(l.recRate >= 0 && l.recRate <= 1) {
		panic(l.errorf("dropout rates must be in [0, 1], got %v and %v", l.rate, l.recRate))
	}
	l.retSeq = rnnGet(o, "return_sequences", false)
	l.retState = rnnGet(o, "return_state", false)
	l.back = rnnGet(o, "go_backwards", false)
	return l
}

// Filters returns the number of output channels.
func (l *ConvLSTMLayer) Filters() int { return l.filters }

// Kernel returns the input kernel [k..., in, 4·filters] (nil before the first call).
func (l *ConvLSTMLayer) Kernel() *autodiff.Variable { return l.kernel }

// RecurrentKernel returns the recurrent kernel [k..., filters, 4·filters] (nil before the first
// call).
func (l *ConvLSTMLayer) RecurrentKernel() *autodiff.Variable { return l.rec }

// Bias returns the bias [4·filters] (nil before the first call or without a bias).
func (l *ConvLSTMLayer) Bias() *autodiff.Variable { return l.bias }

// create makes the weights for in input channels, named "<layer>/conv_lstm_cell/<weight>" as
// Keras's variable paths.
func (l *ConvLSTMLayer) create(in int) {
	n := 4 * l.filters
	wopts := func(role string) []WeightOption {
		return []WeightOption{Regularized(l.o.regs[role]), Constrained(l.o.cons[role])}
	}
	l.kernel = l.AddWeight("conv_lstm_cell/kernel", dimsOf(l.kernelSize, in, n),
		l.o.init("kernel", initializers.GlorotUniform()), wopts("kernel")...)
	l.rec = l.AddWeight("conv_lstm_cell/recurrent_kernel", dimsOf(l.kernelSize, l.filters, n),
		l.o.init("recurrent", initializers.Orthogonal(1)), wopts("recurrent")...)
	if l.useBias {
		var init initializers.Initializer = l.o.init("bias", initializers.Zeros())
		if l.forgetBias {
			init = rnnForgetBias{init}
		}
		l.bias = l.AddWeight("conv_lstm_cell/bias", []int{n}, init, wopts("bias")...)
	}
}

// Call runs the layer on inputs: the sequence [batch, time, spatial..., channels], then
// optionally a bool mask [batch, time] (true for the steps to use; recognised by its dtype) and
// the initial states h and c ([batch, spatial'..., filters] each, the input convolution's output
// shape; zeros by default). It returns the output — [batch, spatial'..., filters], or
// [batch, time, spatial'..., filters] with return_sequences — followed with return_state by the
// final h and c. A masked step leaves the states unchanged and repeats the previous output, as
// Keras. It panics with a *core.Error on inputs of the wrong rank, shape or dtype, or with
// unknown spatial or channel dimensions.
func (l *ConvLSTMLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, mask, states := l.splitInputs(inputs)
	return l.run(ctx, x, mask, states)
}

// CallMasked is Call with the mask of the sequence in masks[0] (an explicit mask input wins).
func (l *ConvLSTMLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, mask, states := l.splitInputs(inputs)
	return l.run(ctx, x, seqMask(mask, masks), states)
}

// OutputMask returns the input mask with return_sequences (and nil otherwise), as Keras.
func (l *ConvLSTMLayer) OutputMask(masks []*tensor.Tensor, inputs ...*tensor.Tensor) *tensor.Tensor {
	if !l.retSeq {
		return nil
	}
	_, mask, _ := l.splitInputs(inputs)
	return seqMask(mask, masks)
}

// splitInputs separates the sequence, the optional bool mask and the initial states.
func (l *ConvLSTMLayer) splitInputs(inputs []*tensor.Tensor) (x, mask *tensor.Tensor, states []*tensor.Tensor) {
	return seqInputs(&l.Base, "[batch, time, spatial..., channels]", inputs)
}

// chAxis returns the channel axis of a tensor [batch, spatial..., channels] (or channels first).
func (l *ConvLSTMLayer) chAxis() int {
	if l.channelsFirst {
		return 1
	}
	return l.rank + 1
}

// run checks the inputs, builds the weights and scans the cell over time.
func (l *ConvLSTMLayer) run(ctx Context, x, mask *tensor.Tensor, init []*tensor.Tensor) []*tensor.Tensor {
	x = l.cast(x)
	if x.Rank() != l.rank+3 {
		panic(l.errorf("needs an input [batch, time, %s] of rank %d, got shape %v", l.stepLayout("channels"), l.rank+3, x.Shape()))
	}
	in := x.Dim(l.chAxis() + 1)
	if in < 0 {
		panic(l.errorf("the channel dimension of the input must be known, got shape %v", x.Shape()))
	}
	l.BuildOnce(func() { l.create(in) })
	stateDims := l.stateDims(x)
	if mask != nil {
		mask = l.checkMask(x, mask)
	}
	states := l.initialStates(x, stateDims, init)
	if l.back {
		x = ops.Flip(x, 1)
		if mask != nil {
			mask = ops.Flip(mask, 1)
		}
	}
	last, seq, final := l.scan(ctx, x, mask, states)
	out := last
	if l.retSeq {
		out = seq
	}
	res := l.Finish(out)
	if l.retState {
		res = append(res, final...)
	}
	return res
}

// stepLayout describes one step's layout for messages, with what in the channel place.
func (l *ConvLSTMLayer) stepLayout(what string) string {
	sp := []string{"depth", "height", "width"}[3-l.rank:]
	if l.rank == 1 {
		sp = []string{"steps"}
	}
	if l.channelsFirst {
		return what + ", " + strings.Join(sp, ", ")
	}
	return strings.Join(sp, ", ") + ", " + what
}

// stateDims returns the shape of a state without the batch dimension: the input convolution's
// output for one step of x [batch, time, ...].
func (l *ConvLSTMLayer) stateDims(x *tensor.Tensor) []int {
	first := 2
	if l.channelsFirst {
		first = 3
	}
	out := make([]int, l.rank)
	for i := range out {
		n := x.Dim(first + i)
		if n < 0 {
			panic(l.errorf("needs known spatial dimensions, got shape %v", x.Shape()))
		}
		k := l.dilation[i]*(l.kernelSize[i]-1) + 1
		if l.padding == "same" {
			out[i] = (n + l.strides[i] - 1) / l.strides[i]
		} else if out[i] = (n-k)/l.strides[i] + 1; n < k {
			panic(l.errorf("input of shape %v is smaller than the dilated kernel %v", x.Shape(), l.kernelSize))
		}
	}
	if l.channelsFirst {
		return append([]int{l.filters}, out...)
	}
	return append(out, l.filters)
}

// checkMask returns mask as bool [batch, time] or panics.
func (l *ConvLSTMLayer) checkMask(x, mask *tensor.Tensor) *tensor.Tensor {
	if mask.Rank() != 2 || !rnnDimsFit(mask.Shape(), x.Shape()[:2]) {
		panic(l.errorf("mask of shape %v does not fit an input of shape %v (want [batch, time])", mask.Shape(), x.Shape()))
	}
	if mask.DType() != dtype.Bool {
		mask = ops.NotEqual(mask, ops.ZerosLike(mask))
	}
	return mask
}

// initialStates returns the given h and c (checked and cast) or zeros [batch, dims...].
func (l *ConvLSTMLayer) initialStates(x *tensor.Tensor, dims []int, init []*tensor.Tensor) []*tensor.Tensor {
	if len(init) == 0 {
		z := convLSTMZeros(x, dims)
		return []*tensor.Tensor{z, z}
	}
	if len(init) != 2 {
		panic(l.errorf("got %d initial states, want 2 (h and c)", len(init)))
	}
	want := append([]int{x.Dim(0)}, dims...)
	states := make([]*tensor.Tensor, 2)
	for i, s := range init {
		if !rnnDimsFit(s.Shape(), want) {
			panic(l.errorf("initial state %d has shape %v, want %v for an input of shape %v", i, s.Shape(), want, x.Shape()))
		}
		states[i] = l.cast(s)
	}
	return states
}

// convLSTMZeros returns zeros [batch, dims...] of x's dtype for x [batch, ...]; an unknown batch
// dimension is taken from x at run time.
func convLSTMZeros(x *tensor.Tensor, dims []int) *tensor.Tensor {
	if b := x.Dim(0); b >= 0 {
		return tensor.Zeros(x.DType(), append([]int{b}, dims...)...)
	}
	first := x
	for a := 1; a < x.Rank(); a++ {
		first = ops.SliceAxis(first, a, 0, 1, 1)
	}
	col := make([]int, len(dims)+1)
	for i := range col {
		col[i] = 1
	}
	col[0] = -1
	return ops.Add(ops.ZerosLike(ops.Reshape(first, col...)), tensor.Zeros(x.DType(), dims...))
}

// filter converts a Keras kernel [k..., in, out] to ops.Conv's layout: unchanged for
// channels_last, [out, in, k...] for channels_first.
func (l *ConvLSTMLayer) filter(w *tensor.Tensor) *tensor.Tensor {
	if !l.channelsFirst {
		return w
	}
	perm := []int{l.rank + 1, l.rank}
	for i := 0; i < l.rank; i++ {
		perm = append(perm, i)
	}
	return ops.Transpose(w, perm...)
}

func (l *ConvLSTMLayer) layout() ops.Layout {
	if l.channelsFirst {
		return ops.ChannelsFirst
	}
	return ops.ChannelsLast
}

// gates returns the pre-activations z [batch, spatial'..., 4·filters] of one step from its
// input x and the state h entering the recurrent convolution.
func (l *ConvLSTMLayer) gates(x, h *tensor.Tensor) *tensor.Tensor {
	p := ops.ConvParams{Rank: l.rank, Strides: l.strides, Dilations: l.dilation, Padding: ops.PadValid, Layout: l.layout()}
	if l.padding == "same" {
		p.Padding = ops.PadSame
	}
	z := ops.Conv(x, l.filter(l.kernel.Value()), p)
	if l.bias != nil {
		b := l.bias.Value()
		if l.channelsFirst {
			dims := []int{-1}
			for i := 0; i < l.rank; i++ {
				dims = append(dims, 1)
			}
			b = ops.Reshape(b, dims...)
		}
		z = ops.Add(z, b)
	}
	rp := ops.ConvParams{Rank: l.rank, Padding: ops.PadSame, Layout: l.layout()}
	return ops.Add(z, ops.Conv(h, l.filter(l.rec.Value()), rp))
}

// step computes the output and the next h and c from x_t and the states h, c.
func (l *ConvLSTMLayer) step(x, h, c, recMask *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	g := ops.Split(l.gates(x, recIn(h, recMask)), l.chAxis(), 4)
	i, f, o := l.recActFn(g[0]), l.recActFn(g[1]), l.recActFn(g[3])
	cNext := ops.Add(ops.Mul(f, c), ops.Mul(i, l.act(g[2])))
	return ops.Mul(o, l.act(cNext)), cNext
}

// scan loops the cell over the time axis of x and returns the last output, the outputs
// [batch, time, ...] and the final h and c. The carry is h, c, the previous output (for masked
// steps) and the recurrent dropout mask while training.
func (l *ConvLSTMLayer) scan(ctx Context, x, mask *tensor.Tensor, states []*tensor.Tensor) (last, seq *tensor.Tensor, final []*tensor.Tensor) {
	x, recMask := l.dropoutMasks(ctx, x, states[0])
	perm := make([]int, x.Rank())
	for i := range perm {
		perm[i] = i
	}
	perm[0], perm[1] = 1, 0
	seqs := []*tensor.Tensor{ops.Transpose(x, perm...)}
	if mask != nil {
		seqs = append(seqs, ops.Transpose(mask, 1, 0))
	}
	carry := []*tensor.Tensor{states[0], states[1], ops.ZerosLike(states[0])}
	if recMask != nil {
		carry = append(carry, recMask)
	}
	stepFn := func(cr, s []*tensor.Tensor) ([]*tensor.Tensor, []*tensor.Tensor) {
		var rm *tensor.Tensor
		if recMask != nil {
			rm = cr[3]
		}
		h, c := l.step(s[0], cr[0], cr[1], rm)
		out := h
		if mask != nil {
			m := s[1]
			for m.Rank() < h.Rank() {
				m = ops.Unsqueeze(m, -1)
			}
			h, c = ops.Where(m, h, cr[0]), ops.Where(m, c, cr[1])
			out = ops.Where(m, out, cr[2])
		}
		return append([]*tensor.Tensor{h, c, out}, cr[3:]...), []*tensor.Tensor{out}
	}
	fin, ys := graph.Scan(stepFn, carry, seqs...)
	return fin[2], ops.Transpose(ys[0], perm...), fin[:2]
}

// dropoutMasks applies the input dropout mask (one per sequence, shared by its steps, as
// Keras's) to x and returns the recurrent dropout mask for states like h (nil when not training
// or rate 0).
func (l *ConvLSTMLayer) dropoutMasks(ctx Context, x, h *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	if !ctx.Training {
		return x, nil
	}
	if l.rate > 0 {
		first := ops.OnesLike(autodiff.StopGradient(ops.SliceAxis(x, 1, 0, 1, 1)))
		x = ops.Mul(x, rnnDropout(first, ctx.Step, l.rate, mix(l.LayerSeed(), 1)))
	}
	var rec *tensor.Tensor
	if l.recRate > 0 {
		rec = rnnDropout(ops.OnesLike(autodiff.StopGradient(h)), ctx.Step, l.recRate, mix(l.LayerSeed(), 2))
	}
	return x, rec
}

// Config returns Keras's ConvLSTM config.
func (l *ConvLSTMLayer) Config() map[string]any {
	c := l.baseConfig()
	c["filters"], c["kernel_size"], c["strides"], c["padding"] = l.filters, l.kernelSize, l.strides, l.padding
	c["data_format"], c["dilation_rate"] = dataFormatName(l.channelsFirst), l.dilation
	c["activation"], c["recurrent_activation"], c["use_bias"] = l.actName, l.recAct, l.useBias
	c["kernel_initializer"] = cfgOf(l.o.init("kernel", initializers.GlorotUniform()))
	c["recurrent_initializer"] = cfgOf(l.o.init("recurrent", initializers.Orthogonal(1)))
	c["bias_initializer"] = cfgOf(l.o.init("bias", initializers.Zeros()))
	c["unit_forget_bias"], c["dropout"], c["recurrent_dropout"] = l.forgetBias, l.rate, l.recRate
	c["seed"] = l.LayerSeed()
	addRegConfig(c, l.o, "kernel", "recurrent", "bias")
	c["return_sequences"], c["return_state"], c["go_backwards"] = l.retSeq, l.retState, l.back
	c["stateful"] = false
	return c
}

// String describes the layer briefly, as "ConvLSTM2D(8, [3 3])".
func (l *ConvLSTMLayer) String() string {
	return fmt.Sprintf("%s(%d, %v)", l.class, l.filters, l.kernelSize)
}
