package ops

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Normalisation layers' math. Batch, group and instance normalization are composites of
// reductions and arithmetic: their gradients (through the batch statistics too) come from the
// primitives', to every order. Layer and RMS normalization, the normalizations of transformers,
// run fused primitives instead (nn_layernorm.go). The statistics are two-pass (the mean first,
// then the mean squared deviation), which stays accurate when the mean is large compared with
// the spread. Nothing here reshapes by a static
// shape: per-channel statistics are broadcast back with ExpandLike, and group statistics are
// gathered with a small constant matrix, so a traced graph with an unknown batch size works.

// DefaultEpsilon is the epsilon the normalisations use when their params leave it 0: ONNX's and
// PyTorch's default (Keras's BatchNormalization and LayerNormalization use 1e-3).
const DefaultEpsilon = 1e-5

// BatchNormParams configures batch normalization.
type BatchNormParams struct {
	// Epsilon is added to the variance before the square root; 0 means [DefaultEpsilon].
	Epsilon float64
	// Layout says which axis holds the channels: the last (ChannelsLast, the default: NHWC,
	// or [N, C] for a matrix) or axis 1 (ChannelsFirst: NCHW).
	Layout Layout
}

// LayerNormParams configures layer and RMS normalization.
type LayerNormParams struct {
	// NumAxes is how many trailing axes are normalised together; 0 means 1 (the last), as ONNX's
	// default axis -1. PyTorch's normalized_shape of length k is NumAxes k.
	NumAxes int
	// Epsilon is added to the variance (the mean square for RMS); 0 means [DefaultEpsilon].
	Epsilon float64
}

// GroupNormParams configures group and instance normalization.
type GroupNormParams struct {
	// Groups is the number of channel groups (>= 1, dividing the channels); instance
	// normalization ignores it.
	Groups int
	// Epsilon is added to the variance; 0 means [DefaultEpsilon].
	Epsilon float64
	// Layout says where the channels are: last (ChannelsLast, NHWC, the default) or at axis 1
	// (ChannelsFirst, NCHW).
	Layout Layout
}

// nnEpsilon returns eps, or DefaultEpsilon for 0, panicking for op on a negative or NaN value.
func nnEpsilon(op string, eps float64) float64 {
	if eps == 0 {
		return DefaultEpsilon
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		panic(core.Errorf(op, "epsilon %v, want a finite number >= 0", eps))
	}
	return eps
}

// nnChannelAxis returns the channel axis of x for layout l, panicking for op when x has rank
// below min or the layout is unknown.
func nnChannelAxis(op string, x *Tensor, l Layout, minRank int) int {
	if err := nnCheckLayout(l); err != nil {
		panic(core.Errorf(op, "%v", err))
	}
	if x.Rank() < minRank {
		panic(core.Errorf(op, "input has shape %v, want rank >= %d", x.Shape(), minRank))
	}
	if l == ChannelsFirst {
		return 1
	}
	return x.Rank() - 1
}

// nnOtherAxes returns the axes of a tensor of rank r except the ones listed.
func nnOtherAxes(r int, except ...int) []int {
	var out []int
	for a := 0; a < r; a++ {
		skip := false
		for _, e := range except {
			skip = skip || a == e
		}
		if !skip {
			out = append(out, a)
		}
	}
	return out
}

// nnCheckVector panics for op unless t is nil or a vector of n elements (n unknown: any).
func nnCheckVector(op, what string, t *Tensor, n int) {
	if t == nil {
		return
	}
	if t.Rank() != 1 || (t.Dim(0) != n && n >= 0 && t.Dim(0) >= 0) {
		panic(core.Errorf(op, "%s has shape %v, want [%d] (one per channel)", what, t.Shape(), n))
	}
}

// nnToChannels broadcasts t, which has x's shape without the given axes, back to x's shape.
// When the missing axes are all leading, ordinary broadcasting does it without a copy.
func nnToChannels(t, x *Tensor, axes []int) *Tensor {
	if len(axes) == 0 {
		return t
	}
	leading := true
	for i, a := range axes {
		leading = leading && a == i
	}
	if leading {
		return t
	}
	return ExpandLike(t, x, axes...)
}

// nnAffine returns y·scale + offset, skipping a nil scale or offset; both are broadcast back to
// y's shape over axes (see nnToChannels).
func nnAffine(y, scale, offset *Tensor, axes []int) *Tensor {
	if scale != nil {
		y = Mul(y, nnToChannels(Cast(scale, y.DType()), y, axes))
	}
	if offset != nil {
		y = Add(y, nnToChannels(Cast(offset, y.DType()), y, axes))
	}
	return y
}

// BatchNormTraining normalizes x with the statistics of the batch, as a batch normalization
// layer does while training (torch.nn.functional.batch_norm with training=True, Keras's
// BatchNormalization called with training=True, ONNX BatchNormalization with training_mode):
// with the mean and (biased) variance of each channel over every other axis,
// y = (x − mean)/√(variance + ε)·scale + offset. scale and offset, of shape [C], may be nil
// (1 and 0). It also returns the batch mean and variance, of shape [C], for the layer to update
// its moving averages. The variance is the population one (divided by the count), the one used
// to normalize and the one Keras averages; PyTorch's running_var averages the unbiased variance,
// which is variance·n/(n−1). The gradient flows through the statistics. Integer inputs are
// converted to float32 first. It panics with a *core.Error if x has rank below 2, scale or
// offset is not [C], the layout is unknown or epsilon is negative.
func BatchNormTraining(x, scale, offset *Tensor, p BatchNormParams) (y, mean, variance *Tensor) {
	const op = "batch_norm"
	x = toFloat(x)
	eps := nnEpsilon(op, p.Epsilon)
	c := nnChannelAxis(op, x, p.Layout, 2)
	nnCheckVector(op, "scale", scale, x.Dim(c))
	nnCheckVector(op, "offset", offset, x.Dim(c))
	axes := nnOtherAxes(x.Rank(), c)
	mean = Mean(x, axes...)
	d := Sub(x, nnToChannels(mean, x, axes))
	variance = Mean(Mul(d, d), axes...)
	y = Div(d, nnToChannels(Sqrt(AddScalar(variance, eps)), x, axes))
	return nnAffine(y, scale, offset, axes), mean, variance
}

// BatchNorm normalizes x with given per-channel statistics, as a batch normalization layer
// does at inference (torch.nn.functional.batch_norm with training=False, ONNX
// BatchNormalization): y = (x − mean)/√(variance + ε)·scale + offset, where mean, variance,
// scale and offset have shape [C] (the channels, the last axis or axis 1 by p.Layout) and scale
// and offset may be nil. Gradients flow to every tensor argument. Integer inputs are converted
// to float32 first. It panics with a *core.Error if x has rank below 2, a statistic or
// parameter is not [C], the layout is unknown or epsilon is negative.
func BatchNorm(x, mean, variance, scale, offset *Tensor, p BatchNormParams) *Tensor {
	const op = "batch_norm"
	x = toFloat(x)
	eps := nnEpsilon(op, p.Epsilon)
	c := nnChannelAxis(op, x, p.Layout, 2)
	if mean == nil || variance == nil {
		panic(core.Errorf(op, "mean and variance are required (use BatchNormTraining for batch statistics)"))
	}
	for _, v := range []struct {
		what string
		t    *Tensor
	}{{"mean", mean}, {"variance", variance}, {"scale", scale}, {"offset", offset}} {
		nnCheckVector(op, v.what, v.t, x.Dim(c))
	}
	axes := nnOtherAxes(x.Rank(), c)
	mean, variance = Cast(mean, x.DType()), Cast(variance, x.DType())
	d := Sub(x, nnToChannels(mean, x, axes))
	y := Div(d, nnToChannels(Sqrt(AddScalar(variance, eps)), x, axes))
	return nnAffine(y, scale, offset, axes)
}

// nnTrailing returns the last k axes of x (k = 0 meaning 1) and checks that scale and offset
// broadcast to their shape, panicking for op otherwise.
func nnTrailing(op string, x *Tensor, k int, params ...*Tensor) []int {
	if k == 0 {
		k = 1
	}
	if k < 0 || k > x.Rank() {
		panic(core.Errorf(op, "normalizing over the last %d axes of %v, want 1 to %d", k, x.Shape(), x.Rank()))
	}
	axes := make([]int, k)
	for i := range axes {
		axes[i] = x.Rank() - k + i
	}
	norm := shape.Shape(x.Shape()[x.Rank()-k:])
	for i, t := range params {
		if t != nil && !nnBroadcastsTo(t.Shape(), norm) {
			panic(core.Errorf(op, "%s has shape %v, want one that broadcasts to the normalized shape %v",
				[]string{"scale", "offset"}[i], t.Shape(), norm))
		}
	}
	return axes
}

// LayerNorm normalizes x over its last p.NumAxes axes (1 by default): with the mean and biased
// variance of those axes, y = (x − mean)/√(variance + ε)·scale + offset, as
// torch.nn.functional.layer_norm, Keras's LayerNormalization and ONNX LayerNormalization.
// scale and offset broadcast to the normalized shape (x's last NumAxes dimensions) and may be
// nil. Integer inputs are converted to float32 first. It runs the layer_norm primitive: one
// fused pass over each row for the statistics (the mean, then the squared deviations from it,
// so a large mean costs no accuracy) and one for the result, and a fused gradient. It panics
// with a *core.Error if NumAxes is negative or above x's rank, scale or offset does not
// broadcast, or epsilon is negative.
func LayerNorm(x, scale, offset *Tensor, p LayerNormParams) *Tensor {
	const op = "layer_norm"
	x = toFloat(x)
	eps := nnEpsilon(op, p.Epsilon)
	axes := nnTrailing(op, x, p.NumAxes, scale, offset)
	return nnNorm(nnLayerNormOp, x, scale, offset, NormParams{NumAxes: len(axes), Epsilon: eps})[0]
}

// RMSNorm divides x by the root mean square of its last p.NumAxes axes (1 by default) and
// multiplies by scale: y = x/√(mean(x²) + ε)·scale, as ONNX RMSNormalization (opset 23) and
// torch.nn.functional.rms_norm (PyTorch 2.4; its default ε is the dtype's machine epsilon, Tide
// uses ONNX's 1e-5). Unlike layer normalization it subtracts no mean and has no offset. scale
// broadcasts to the normalized shape and may be nil. It runs the rms_norm primitive, fused as
// [LayerNorm]'s. It panics with a *core.Error as [LayerNorm].
func RMSNorm(x, scale *Tensor, p LayerNormParams) *Tensor {
	const op = "rms_norm"
	x = toFloat(x)
	eps := nnEpsilon(op, p.Epsilon)
	axes := nnTrailing(op, x, p.NumAxes, scale)
	return nnNorm(nnRMSNormOp, x, scale, nil, NormParams{NumAxes: len(axes), Epsilon: eps})[0]
}

// InstanceNorm normalizes each channel of each example of x over its spatial axes:
// y = (x − mean)/√(variance + ε)·scale + offset with the mean and biased variance of each
// (example, channel), as torch.nn.functional.instance_norm and ONNX InstanceNormalization.
// x is [N, spatial..., C] (or [N, C, spatial...] with ChannelsFirst) with at least one spatial
// axis; scale and offset are [C] or nil. p.Groups is ignored. It panics with a *core.Error if x
// has rank below 3, scale or offset is not [C], the layout is unknown or epsilon is negative.
func InstanceNorm(x, scale, offset *Tensor, p GroupNormParams) *Tensor {
	const op = "instance_norm"
	x = toFloat(x)
	eps := nnEpsilon(op, p.Epsilon)
	c := nnChannelAxis(op, x, p.Layout, 3)
	nnCheckVector(op, "scale", scale, x.Dim(c))
	nnCheckVector(op, "offset", offset, x.Dim(c))
	sp := nnOtherAxes(x.Rank(), 0, c)
	d := Sub(x, MeanKeepDims(x, sp...))
	y := Div(d, Sqrt(AddScalar(MeanKeepDims(Mul(d, d), sp...), eps)))
	return nnAffine(y, scale, offset, nnOtherAxes(x.Rank(), c))
}

// GroupNorm splits the C channels of each example of x into p.Groups groups of consecutive
// channels and normalizes each group over its channels and the spatial axes:
// y = (x − mean)/√(variance + ε)·scale + offset, as torch.nn.functional.group_norm and ONNX
// GroupNormalization (opset 21, whose scale and bias are per channel; opset 18 had them per
// group). x is [N, spatial..., C] (or [N, C, spatial...] with ChannelsFirst), with any number of
// spatial axes (none: [N, C]); scale and offset are [C] or nil. One group is layer
// normalization over all but the batch axis; C groups is instance normalization. It panics with
// a *core.Error if x has rank below 2, Groups does not divide C, scale or offset is not [C],
// the layout is unknown or epsilon is negative.
func GroupNorm(x, scale, offset *Tensor, p GroupNormParams) *Tensor {
	const op = "group_norm"
	x = toFloat(x)
	eps := nnEpsilon(op, p.Epsilon)
	c := nnChannelAxis(op, x, p.Layout, 2)
	ch := x.Dim(c)
	if ch < 0 {
		panic(core.Errorf(op, "the number of channels of %v must be known", x.Shape()))
	}
	if p.Groups < 1 || ch%p.Groups != 0 {
		panic(core.Errorf(op, "%d groups do not divide %d channels evenly (input %v)", p.Groups, ch, x.Shape()))
	}
	nnCheckVector(op, "scale", scale, ch)
	nnCheckVector(op, "offset", offset, ch)
	sp := nnOtherAxes(x.Rank(), 0, c)
	avg, spread := nnGroupMatrices(x, ch, p.Groups)
	// groupStat averages a per-(example, channel) statistic [N, C] over each group and spreads
	// the group's value back to its channels, both by a constant matrix product.
	groupStat := func(t *Tensor) *Tensor { return MatMul(MatMul(t, avg), spread) }
	perChannel := func(t *Tensor) *Tensor { // the mean over the spatial axes, [N, C]
		if len(sp) == 0 {
			return t
		}
		return Mean(t, sp...)
	}
	mean := groupStat(perChannel(x))
	d := Sub(x, nnToChannels(mean, x, sp))
	variance := groupStat(perChannel(Mul(d, d)))
	y := Div(d, nnToChannels(Sqrt(AddScalar(variance, eps)), x, sp))
	return nnAffine(y, scale, offset, nnOtherAxes(x.Rank(), c))
}

// nnGroupMatrices returns the [C, G] matrix that averages channels into their groups and the
// [G, C] matrix that copies each group's value to its channels, in x's dtype.
func nnGroupMatrices(x *Tensor, c, g int) (avg, spread *Tensor) {
	per := c / g
	a := make([]float64, c*g)
	s := make([]float64, g*c)
	for ch := 0; ch < c; ch++ {
		a[ch*g+ch/per] = 1 / float64(per)
		s[(ch/per)*c+ch] = 1
	}
	avg, spread = tensor.FromSlice(a, c, g), tensor.FromSlice(s, g, c)
	return Cast(avg, x.DType()), Cast(spread, x.DType())
}
