package applications

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Two Keras layers that package nn does not have, as much of them as the applications use:
// ZeroPadding2D and ReLU, channels last. They carry Keras's class names, so summaries show
// "conv1_pad (ZeroPadding2D)" and "Conv1_relu (ReLU)".

var (
	_ nn.Layer = (*zeroPadding2D)(nil)
	_ nn.Layer = (*reLU)(nil)
)

// zeroPadding2D is Keras's ZeroPadding2D: zeros added above, below, left and right of
// [batch, height, width, channels] images.
type zeroPadding2D struct {
	nn.Base
	top, bottom, left, right int
}

// newZeroPadding2D returns ZeroPadding2D(padding=((top, bottom), (left, right))).
func newZeroPadding2D(top, bottom, left, right int, opts ...nn.Option) *zeroPadding2D {
	l := &zeroPadding2D{top: top, bottom: bottom, left: left, right: right}
	l.Init("ZeroPadding2D", "zero_padding2d", opts...)
	return l
}

// Call pads one rank-4 input. It panics with a *core.Error for another rank.
func (l *zeroPadding2D) Call(_ nn.Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) != 1 || inputs[0].Rank() != 4 {
		panic(core.Errorf("applications.ZeroPadding2D", "layer %q takes one input of rank 4", l.Name()))
	}
	l.BuildOnce(func() {}) // no weights; built, so that models keeps its name
	x := inputs[0]
	if x.Shape()[1] <= 0 || x.Shape()[2] <= 0 {
		p := ops.PadParams{Before: []int{0, l.top, l.left, 0}, After: []int{0, l.bottom, l.right, 0}}
		return l.Finish(ops.PadWith(x, p))
	}
	return l.Finish(padZeros(padZeros(x, 1, l.top, l.bottom), 2, l.left, l.right))
}

// padZeros adds lo zeros before and hi zeros after x along axis a, whose size is known. It
// concatenates zeros shaped like slices of x rather than calling ops.PadWith, whose gradient
// (a slice up to the input's size) cuts the last element of an axis of unknown size — the
// batch — in a compiled train step.
func padZeros(x *tensor.Tensor, a, lo, hi int) *tensor.Tensor {
	d := x.Shape()[a]
	zeros := func(n int) []*tensor.Tensor {
		var out []*tensor.Tensor
		for ; n > 0; n -= min(n, d) {
			out = append(out, ops.ZerosLike(ops.SliceAxis(x, a, 0, min(n, d), 1)))
		}
		return out
	}
	parts := append(append(zeros(lo), x), zeros(hi)...)
	if len(parts) == 1 {
		return x
	}
	return ops.Concat(a, parts...)
}

// Config returns padding and data_format as Keras's.
func (l *zeroPadding2D) Config() map[string]any {
	c := l.Base.Config()
	c["padding"] = [][2]int{{l.top, l.bottom}, {l.left, l.right}}
	c["data_format"] = "channels_last"
	return c
}

// reLU is Keras's ReLU layer with a max_value (no negative slope, no threshold): min(max(x, 0),
// maxValue).
type reLU struct {
	nn.Base
	maxValue float64
}

// newReLU returns ReLU(max_value=maxValue).
func newReLU(maxValue float64, opts ...nn.Option) *reLU {
	l := &reLU{maxValue: maxValue}
	l.Init("ReLU", "re_lu", opts...)
	return l
}

// Call applies the clipped rectifier to one input.
func (l *reLU) Call(_ nn.Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) != 1 {
		panic(core.Errorf("applications.ReLU", "layer %q takes one input, got %d", l.Name(), len(inputs)))
	}
	l.BuildOnce(func() {})
	x := inputs[0]
	if l.maxValue == 6 {
		return l.Finish(ops.Relu6(x))
	}
	return l.Finish(ops.ClipScalar(x, 0, l.maxValue))
}

// Config returns max_value, negative_slope and threshold as Keras's.
func (l *reLU) Config() map[string]any {
	c := l.Base.Config()
	c["max_value"], c["negative_slope"], c["threshold"] = l.maxValue, 0.0, 0.0
	return c
}
