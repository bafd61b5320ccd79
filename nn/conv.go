package nn

import (
	"fmt"
	"strings"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// convKind tells the convolution layers apart.
type convKind int

const (
	convPlain convKind = iota
	convTranspose
	convDepthwise
	convSeparable
)

// ConvLayer is every convolution layer of Keras: Conv1D/2D/3D, Conv1D/2D/3DTranspose,
// DepthwiseConv1D/2D and SeparableConv1D/2D. Kernels use Keras's layouts whatever the data
// format: [k..., in/groups, filters] (transposed: [k..., filters, in]; depthwise:
// [k..., in, depth_multiplier]; pointwise: [1..., in·depth_multiplier, filters]).
type ConvLayer struct {
	Base
	kind          convKind
	rank          int
	filters       int
	kernelSize    []int
	strides       []int
	dilation      []int
	padding       string
	groups        int
	depthMult     int
	outputPadding []int
	channelsFirst bool
	actName       string
	act           activations.Func
	useBias       bool
	o             *options

	kernel, depthwise, pointwise, bias *autodiff.Variable
}

// spatial expands a per-dimension setting: nil gives def everywhere, one value applies to all.
func (l *ConvLayer) spatial(what string, v []int, def int) []int {
	return spatialDims(&l.Base, l.rank, what, v, def)
}

func spatialDims(b *Base, rank int, what string, v []int, def int) []int {
	out := make([]int, rank)
	switch len(v) {
	case 0:
		for i := range out {
			out[i] = def
		}
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	case rank:
		copy(out, v)
	default:
		panic(b.errorf("%s %v: want 1 or %d values", what, v, rank))
	}
	for _, d := range out {
		if d < 0 || (d == 0 && what != "output_padding") {
			panic(b.errorf("%s %v must be positive", what, v))
		}
	}
	return out
}

func newConv(class, defName string, kind convKind, rank, filters, kernelSize int, opts []Option, keys ...string) *ConvLayer {
	o := parse(class, opts, append(keys, "kernel_size")...)
	l := &ConvLayer{kind: kind, rank: rank, filters: filters, useBias: o.bias(), o: o, groups: 1, depthMult: 1}
	l.initBase(class, defName, o)
	ks := []int{kernelSize}
	if o.kernelSize != nil {
		ks = o.kernelSize
	}
	l.kernelSize = l.spatial("kernel_size", ks, 1)
	l.strides = l.spatial("strides", o.strides, 1)
	l.dilation = l.spatial("dilation_rate", o.dilation, 1)
	l.padding = strings.ToLower(o.padding)
	switch l.padding {
	case "":
		l.padding = "valid"
	case "valid", "same":
	case "causal":
		if rank != 1 || kind != convPlain {
			panic(l.errorf("causal padding is only for Conv1D"))
		}
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
	if o.groups != 0 {
		l.groups = o.groups
	}
	if o.depthMult != 0 {
		l.depthMult = o.depthMult
	}
	if o.outputPadding != nil {
		l.outputPadding = l.spatial("output_padding", o.outputPadding, 0)
		for i, p := range l.outputPadding {
			if p >= l.strides[i] {
				panic(l.errorf("output_padding %v must be smaller than the strides %v", l.outputPadding, l.strides))
			}
		}
	}
	if (kind == convPlain || kind == convTranspose || kind == convSeparable) && filters <= 0 {
		panic(l.errorf("filters must be positive, got %d", filters))
	}
	if l.groups <= 0 || filters%l.groups != 0 && kind == convPlain {
		panic(l.errorf("groups %d must be positive and divide filters %d", l.groups, filters))
	}
	if l.depthMult <= 0 {
		panic(l.errorf("depth_multiplier must be positive, got %d", l.depthMult))
	}
	l.actName, l.act = o.act()
	return l
}

var (
	transposeKeys = []string{"strides", "padding", "dilation_rate", "data_format", "output_padding", "activation", "use_bias",
		"kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
		"kernel_constraint", "bias_constraint", "seed"}
	depthwiseKeys = []string{"strides", "padding", "dilation_rate", "data_format", "depth_multiplier", "activation", "use_bias",
		"depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
		"depthwise_constraint", "bias_constraint", "seed"}
	separableKeys = append([]string{"pointwise_initializer", "pointwise_regularizer", "pointwise_constraint"}, depthwiseKeys...)
)

// Conv1D returns Keras's Conv1D layer: filters output channels, a kernel of kernelSize taps.
// Inputs are [batch, steps, channels] ([batch, channels, steps] with channels_first). Options:
// WithStrides, WithPadding ("valid", "same", "causal"), WithDilation, WithGroups,
// WithDataFormat, WithActivation, WithUseBias, WithKernelSize, kernel/bias initializers,
// regularizers and constraints, WithActivityRegularizer, WithSeed, WithName, WithDType.
func Conv1D(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv1D", "conv1d", convPlain, 1, filters, kernelSize, opts, convKeys...)
}

// Conv2D returns Keras's Conv2D layer on [batch, height, width, channels] images (kernel
// [kh, kw, in/groups, filters]); options as Conv1D (padding "valid" or "same").
func Conv2D(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv2D", "conv2d", convPlain, 2, filters, kernelSize, opts, convKeys...)
}

// Conv3D returns Keras's Conv3D layer on [batch, depth, height, width, channels] volumes.
func Conv3D(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv3D", "conv3d", convPlain, 3, filters, kernelSize, opts, convKeys...)
}

// Conv1DTranspose returns Keras's Conv1DTranspose layer (kernel [k, filters, in]): the
// gradient of a Conv1D, upsampling by the strides. Output length: "valid" (L-1)·s +
// max(k_eff, s), "same" L·s, or with WithOutputPadding(p) (L-1)·s + k_eff - 2·⌊k_eff/2⌋ + p
// ("same") and (L-1)·s + k_eff + p ("valid"), where k_eff = d·(k-1)+1.
func Conv1DTranspose(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv1DTranspose", "conv1d_transpose", convTranspose, 1, filters, kernelSize, opts, transposeKeys...)
}

// Conv2DTranspose returns Keras's Conv2DTranspose layer (kernel [kh, kw, filters, in]).
func Conv2DTranspose(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv2DTranspose", "conv2d_transpose", convTranspose, 2, filters, kernelSize, opts, transposeKeys...)
}

// Conv3DTranspose returns Keras's Conv3DTranspose layer (kernel [kd, kh, kw, filters, in]).
func Conv3DTranspose(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv3DTranspose", "conv3d_transpose", convTranspose, 3, filters, kernelSize, opts, transposeKeys...)
}

// DepthwiseConv1D returns Keras's DepthwiseConv1D layer: each input channel is convolved with
// its own depth_multiplier filters (kernel [k, in, depth_multiplier]); output channel
// c·depth_multiplier + m.
func DepthwiseConv1D(kernelSize int, opts ...Option) *ConvLayer {
	return newConv("DepthwiseConv1D", "depthwise_conv1d", convDepthwise, 1, 0, kernelSize, opts, depthwiseKeys...)
}

// DepthwiseConv2D returns Keras's DepthwiseConv2D layer (kernel [kh, kw, in, depth_multiplier]).
func DepthwiseConv2D(kernelSize int, opts ...Option) *ConvLayer {
	return newConv("DepthwiseConv2D", "depthwise_conv2d", convDepthwise, 2, 0, kernelSize, opts, depthwiseKeys...)
}

// SeparableConv1D returns Keras's SeparableConv1D layer: a depthwise convolution (kernel
// [k, in, depth_multiplier], with the strides, padding and dilation) followed by a pointwise
// one (kernel [1, in·depth_multiplier, filters]) and the bias.
func SeparableConv1D(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("SeparableConv1D", "separable_conv1d", convSeparable, 1, filters, kernelSize, opts, separableKeys...)
}

// SeparableConv2D returns Keras's SeparableConv2D layer (depthwise [kh, kw, in, m], pointwise
// [1, 1, in·m, filters]).
func SeparableConv2D(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("SeparableConv2D", "separable_conv2d", convSeparable, 2, filters, kernelSize, opts, separableKeys...)
}

// Kernel returns the kernel variable (the depthwise kernel of a depthwise convolution; nil before
// the first call).
func (l *ConvLayer) Kernel() *autodiff.Variable {
	if l.kind == convDepthwise || l.kind == convSeparable {
		return l.depthwise
	}
	return l.kernel
}

// Bias returns the bias variable (nil before the first call or without a bias).
func (l *ConvLayer) Bias() *autodiff.Variable { return l.bias }

func (l *ConvLayer) layout() ops.Layout {
	if l.channelsFirst {
		return ops.ChannelsFirst
	}
	return ops.ChannelsLast
}

// Call convolves one input of rank spatial+2.
func (l *ConvLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.cast(l.one(inputs))
	if x.Rank() != l.rank+2 {
		panic(l.errorf("needs an input of rank %d, got shape %v", l.rank+2, x.Shape()))
	}
	chAxis := x.Rank() - 1
	if l.channelsFirst {
		chAxis = 1
	}
	in := x.Shape()[chAxis]
	if in < 0 {
		panic(l.errorf("the channel dimension of the input must be known, got shape %v", x.Shape()))
	}
	l.BuildOnce(func() { l.create(in) })
	var y *tensor.Tensor
	switch l.kind {
	case convPlain:
		y = ops.Conv(x, l.filterLayout(l.kernel.Value()), l.convParams(l.groups))
	case convTranspose:
		y = ops.ConvTranspose(x, l.transposeFilter(), l.transposeParams())
	case convDepthwise:
		y = l.depthwiseConv(x, in)
	case convSeparable:
		y = l.depthwiseConv(x, in)
		p := ops.ConvParams{Rank: l.rank, Layout: l.layout()}
		y = ops.Conv(y, l.filterLayout(l.pointwise.Value()), p)
	}
	if l.bias != nil {
		b := l.bias.Value()
		if l.channelsFirst {
			dims := []int{-1}
			for i := 0; i < l.rank; i++ {
				dims = append(dims, 1)
			}
			b = ops.Reshape(b, dims...)
		}
		y = ops.Add(y, b)
	}
	return l.Finish(l.act(y))
}

// create makes the weights for in input channels.
func (l *ConvLayer) create(in int) {
	ks := l.kernelSize
	wopts := func(role string) []WeightOption {
		return []WeightOption{Regularized(l.o.regs[role]), Constrained(l.o.cons[role])}
	}
	glorot := initializers.GlorotUniform()
	outC := l.filters
	switch l.kind {
	case convPlain:
		if in%l.groups != 0 {
			panic(l.errorf("groups %d must divide the %d input channels", l.groups, in))
		}
		l.kernel = l.AddWeight("kernel", dimsOf(ks, in/l.groups, l.filters), l.o.init("kernel", glorot), wopts("kernel")...)
	case convTranspose:
		l.kernel = l.AddWeight("kernel", dimsOf(ks, l.filters, in), l.o.init("kernel", glorot), wopts("kernel")...)
	case convDepthwise, convSeparable:
		l.depthwise = l.AddWeight("depthwise_kernel", dimsOf(ks, in, l.depthMult), l.o.init("depthwise", glorot), wopts("depthwise")...)
		outC = in * l.depthMult
		if l.kind == convSeparable {
			ones := make([]int, l.rank)
			for i := range ones {
				ones[i] = 1
			}
			l.pointwise = l.AddWeight("pointwise_kernel", dimsOf(ones, outC, l.filters), l.o.init("pointwise", glorot), wopts("pointwise")...)
			outC = l.filters
		}
	}
	if l.useBias {
		l.bias = l.AddWeight("bias", []int{outC}, l.o.init("bias", initializers.Zeros()), wopts("bias")...)
	}
}

func dimsOf(k []int, rest ...int) []int { return append(append([]int{}, k...), rest...) }

// filterLayout converts a Keras kernel [k..., in, out] to the layout ops.Conv expects: unchanged
// for channels_last, [out, in, k...] for channels_first.
func (l *ConvLayer) filterLayout(w *tensor.Tensor) *tensor.Tensor {
	if !l.channelsFirst {
		return w
	}
	perm := []int{l.rank + 1, l.rank}
	for i := 0; i < l.rank; i++ {
		perm = append(perm, i)
	}
	return ops.Transpose(w, perm...)
}

// transposeFilter converts the Keras kernel [k..., filters, in] to ops.ConvTranspose's layout:
// unchanged for channels_last, [in, filters, k...] for channels_first.
func (l *ConvLayer) transposeFilter() *tensor.Tensor {
	return l.filterLayout(l.kernel.Value())
}

func (l *ConvLayer) convParams(groups int) ops.ConvParams {
	p := ops.ConvParams{Rank: l.rank, Strides: l.strides, Dilations: l.dilation, Groups: groups, Layout: l.layout()}
	switch l.padding {
	case "same":
		p.Padding = ops.PadSame
	case "causal":
		p.Padding = ops.PadExplicit
		p.Pads = [][2]int{{l.dilation[0] * (l.kernelSize[0] - 1), 0}}
	default:
		p.Padding = ops.PadValid
	}
	return p
}

// depthwiseConv is the grouped convolution with one group per input channel: the kernel
// [k..., in, m] is read as [k..., 1, in·m], whose output channel c·m + j is filter j of channel c.
func (l *ConvLayer) depthwiseConv(x *tensor.Tensor, in int) *tensor.Tensor {
	w := ops.Reshape(l.depthwise.Value(), dimsOf(l.kernelSize, 1, in*l.depthMult)...)
	return ops.Conv(x, l.filterLayout(w), l.convParams(in))
}

// transposeParams gives the pads of Keras's output length (see Conv1DTranspose) as the forward
// convolution's {begin, end} pads and an output padding, per spatial dimension: TensorFlow pads
// the forward convolution from the output of length O by total = (L-1)·s + k_eff - O, the odd one
// at the end, and adds what a negative total would need as output padding.
func (l *ConvLayer) transposeParams() ops.ConvTransposeParams {
	p := ops.ConvTransposeParams{Rank: l.rank, Strides: l.strides, Dilations: l.dilation, Padding: ops.PadExplicit, Layout: l.layout()}
	for i := 0; i < l.rank; i++ {
		s, kEff := l.strides[i], l.dilation[i]*(l.kernelSize[i]-1)+1
		var total int // (L-1)·s + k_eff - O, which does not depend on L
		switch {
		case l.padding == "valid" && l.outputPadding == nil:
			total = -(max(kEff, s) - kEff)
		case l.padding == "valid":
			total = -l.outputPadding[i]
		case l.outputPadding == nil: // same: O = L·s
			total = kEff - s
		default:
			total = 2*(kEff/2) - l.outputPadding[i]
		}
		pads, extra := [2]int{}, 0
		if total >= 0 {
			pads = [2]int{total / 2, total - total/2}
		} else {
			extra = -total
		}
		p.Pads = append(p.Pads, pads)
		p.OutputPadding = append(p.OutputPadding, extra)
	}
	return p
}

// Config returns Keras's convolution config.
func (l *ConvLayer) Config() map[string]any {
	c := l.baseConfig()
	if l.kind != convDepthwise {
		c["filters"] = l.filters
	}
	c["kernel_size"], c["strides"], c["padding"] = l.kernelSize, l.strides, l.padding
	c["data_format"], c["dilation_rate"] = dataFormatName(l.channelsFirst), l.dilation
	c["activation"], c["use_bias"] = l.actName, l.useBias
	c["bias_initializer"] = cfgOf(l.o.init("bias", initializers.Zeros()))
	glorot := initializers.GlorotUniform()
	switch l.kind {
	case convPlain:
		c["groups"] = l.groups
		c["kernel_initializer"] = cfgOf(l.o.init("kernel", glorot))
		addRegConfig(c, l.o, "kernel", "bias")
	case convTranspose:
		c["output_padding"] = l.outputPadding
		c["kernel_initializer"] = cfgOf(l.o.init("kernel", glorot))
		addRegConfig(c, l.o, "kernel", "bias")
	case convDepthwise:
		c["depth_multiplier"] = l.depthMult
		c["depthwise_initializer"] = cfgOf(l.o.init("depthwise", glorot))
		addRegConfig(c, l.o, "depthwise", "bias")
	case convSeparable:
		c["depth_multiplier"] = l.depthMult
		c["depthwise_initializer"] = cfgOf(l.o.init("depthwise", glorot))
		c["pointwise_initializer"] = cfgOf(l.o.init("pointwise", glorot))
		addRegConfig(c, l.o, "depthwise", "pointwise", "bias")
	}
	return c
}

// String describes the layer briefly, as "Conv2D(32, [3 3])".
func (l *ConvLayer) String() string {
	return fmt.Sprintf("%s(%d, %v)", l.class, l.filters, l.kernelSize)
}
