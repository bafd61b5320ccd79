package nn

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Preprocessing layers that live in the model: Rescaling, Normalization (adapted to data),
// CenterCrop and Resizing here; the random augmentation layers in preprocessing_random.go; the
// lookup and text layers in text.go and text_vectorization.go.

// Interface checks.
var (
	_ Layer = (*RescalingLayer)(nil)
	_ Layer = (*NormalizationLayer)(nil)
	_ Layer = (*CenterCropLayer)(nil)
	_ Layer = (*ResizingLayer)(nil)
)

// WithInvert makes Normalization denormalise (x·std + mean) and a lookup layer map indices back
// to tokens (default false).
func WithInvert(b bool) Option { return rnnOpt("invert", b) }

// WithMeanVariance gives Normalization its mean and variance (one value for all, or one per
// kept feature) instead of adapting it; it then has no weights.
func WithMeanVariance(mean, variance []float64) Option {
	return rnnOpt("mean_variance", [2][]float64{append([]float64{}, mean...), append([]float64{}, variance...)})
}

// WithInterpolation sets the interpolation of Resizing ("bilinear", the default, "nearest" or
// "bicubic") and of the random affine layers ("bilinear" or "nearest").
func WithInterpolation(mode string) Option { return rnnOpt("interpolation", mode) }

// WithCropToAspectRatio makes Resizing crop the largest centred window of the target aspect
// ratio before resizing, so the image is not distorted (default false).
func WithCropToAspectRatio(b bool) Option { return rnnOpt("crop_to_aspect_ratio", b) }

// preFloat returns x converted to the layer's dtype, which must be floating point.
func preFloat(b *Base, x *tensor.Tensor) *tensor.Tensor {
	if !b.dt.IsFloat() {
		panic(b.errorf("needs a floating-point dtype, has %v", b.dt))
	}
	return b.cast(x)
}

// RescalingLayer is Keras's Rescaling.
type RescalingLayer struct {
	Base
	scale, offset float64
}

// Rescaling returns Keras's Rescaling layer: x·scale + offset in the layer's dtype
// (Rescaling(1.0/255, 0) maps bytes to [0, 1]). Name "rescaling".
func Rescaling(scale, offset float64, opts ...Option) *RescalingLayer {
	o := parse("Rescaling", opts)
	l := &RescalingLayer{scale: scale, offset: offset}
	l.initBase("Rescaling", "rescaling", o)
	return l
}

// Call rescales its one input.
func (l *RescalingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := preFloat(&l.Base, l.one(inputs))
	return l.Finish(ops.AddScalar(ops.MulScalar(x, l.scale), l.offset))
}

// Config returns scale and offset.
func (l *RescalingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["scale"], c["offset"] = l.scale, l.offset
	return c
}

// preEpsilon is Keras's backend epsilon, the floor of Normalization's standard deviation.
const preEpsilon = 1e-7

// NormalizationLayer is Keras's Normalization.
type NormalizationLayer struct {
	Base
	axis      []int // the kept axes as given
	invert    bool
	fixed     bool // mean and variance given, no weights
	meanIn    []float64
	varIn     []float64
	rank      int   // the inputs' rank, set when built
	keep      []int // kept axes, normalised and sorted
	keepDims  []int
	mean, vr  *autodiff.Variable
	count     *autodiff.Variable
	fixedMean *tensor.Tensor
	fixedVar  *tensor.Tensor
}

// Normalization returns Keras's Normalization layer: (x - mean) / max(√variance, 1e-7) with a
// mean and variance per index of the kept axes (WithAxis, default -1: per feature), learned from
// data with
// [NormalizationLayer.Adapt] or given with WithMeanVariance. Adapted statistics are the
// non-trainable weights "mean", "variance" (the kept axes' shape) and "count", so they are saved
// with the model. WithInvert(true) maps normalised values back. Name "normalization".
func Normalization(opts ...Option) *NormalizationLayer {
	o := parse("Normalization", opts, "axis", "invert", "mean_variance")
	l := &NormalizationLayer{axis: []int{-1}, invert: rnnGet(o, "invert", false)}
	if o.axis != nil {
		l.axis = append([]int{}, o.axis...)
	}
	l.initBase("Normalization", "normalization", o)
	if mv := rnnGet[[2][]float64](o, "mean_variance", [2][]float64{}); mv[0] != nil || mv[1] != nil {
		if len(mv[0]) == 0 || len(mv[0]) != len(mv[1]) {
			panic(l.errorf("mean and variance must have the same non-zero length, got %d and %d", len(mv[0]), len(mv[1])))
		}
		l.fixed, l.meanIn, l.varIn = true, mv[0], mv[1]
	}
	return l
}

// setup fixes the input rank and the kept axes and creates the weights (once).
func (l *NormalizationLayer) setup(s shape.Shape) {
	l.BuildOnce(func() {
		l.rank = len(s)
		axes, err := shape.NormalizeAxes(l.axis, len(s))
		if err != nil {
			panic(l.errorf("axis %v does not fit inputs of shape %v", l.axis, s))
		}
		l.keep = preSorted(axes)
		for _, a := range l.keep {
			if a == 0 && len(s) > 1 || s[a] < 0 {
				panic(l.errorf("kept axis %d of inputs %v must be known and not the batch axis", a, s))
			}
			l.keepDims = append(l.keepDims, s[a])
		}
		if l.fixed {
			l.fixedMean, l.fixedVar = l.constant(l.meanIn), l.constant(l.varIn)
			return
		}
		l.mean = l.AddWeight("mean", l.keepDims, initializers.Zeros(), NonTrainable())
		l.vr = l.AddWeight("variance", l.keepDims, initializers.Ones(), NonTrainable())
		l.count = l.AddWeight("count", []int{}, initializers.Zeros(), NonTrainable())
	})
	if len(s) != l.rank {
		panic(l.errorf("was built for inputs of rank %d, got shape %v", l.rank, s))
	}
	for i, a := range l.keep {
		if s[a] >= 0 && s[a] != l.keepDims[i] {
			panic(l.errorf("was built for size %d along axis %d, got shape %v", l.keepDims[i], a, s))
		}
	}
}

// constant returns the given mean or variance with the kept axes' shape.
func (l *NormalizationLayer) constant(v []float64) *tensor.Tensor {
	n := 1
	for _, d := range l.keepDims {
		n *= d
	}
	if len(v) != 1 && len(v) != n {
		panic(l.errorf("got %d values for kept axes of shape %v", len(v), l.keepDims))
	}
	full := make([]float64, n)
	for i := range full {
		full[i] = v[i%len(v)]
	}
	return ops.Cast(tensor.FromSlice(full, n).Reshape(l.keepDims...), l.dt)
}

// Adapt computes the mean and (population) variance of data, a sequence of batches whose kept
// axes have the same sizes, and stores them in the layer's weights, building the layer for
// inputs of the batches' rank; statistics are merged across batches exactly (Chan et al.), in
// float64. It returns an error for no data, mismatched batches, or a layer given
// WithMeanVariance.
func (l *NormalizationLayer) Adapt(data ...*tensor.Tensor) (err error) {
	defer core.Recover(&err)
	if l.fixed {
		return fmt.Errorf("nn: layer %q has a fixed mean and variance; it cannot be adapted", l.name)
	}
	if len(data) == 0 {
		return fmt.Errorf("nn: layer %q: Adapt needs data", l.name)
	}
	var n float64
	var mean, m2 *tensor.Tensor
	for _, x := range data {
		l.setup(x.Shape())
		x = ops.Cast(x.Detach(), dtype.Float64)
		reduce := preComplement(l.keep, x.Rank())
		nb := 1.0
		for _, a := range reduce {
			nb *= float64(x.Dim(a))
		}
		if nb == 0 {
			continue
		}
		mb, vb := ops.Mean(x, reduce...), ops.Variance(x, 0, reduce...)
		if mean == nil {
			n, mean, m2 = nb, mb, ops.MulScalar(vb, nb)
			continue
		}
		delta := ops.Sub(mb, mean)
		tot := n + nb
		mean = ops.Add(mean, ops.MulScalar(delta, nb/tot))
		m2 = ops.Add(ops.Add(m2, ops.MulScalar(vb, nb)), ops.MulScalar(ops.Square(delta), n*nb/tot))
		n = tot
	}
	if mean == nil {
		return fmt.Errorf("nn: layer %q: Adapt got only empty batches", l.name)
	}
	l.mean.Assign(ops.Cast(mean, l.dt))
	l.vr.Assign(ops.Cast(ops.MulScalar(m2, 1/n), l.dt))
	l.count.Assign(ops.Cast(tensor.Scalar(n), l.dt))
	return nil
}

// Mean returns the mean weight (nil before the layer is built or with WithMeanVariance).
func (l *NormalizationLayer) Mean() *autodiff.Variable { return l.mean }

// Variance returns the variance weight (nil before the layer is built or with WithMeanVariance).
func (l *NormalizationLayer) Variance() *autodiff.Variable { return l.vr }

// Call normalises its one input.
func (l *NormalizationLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := preFloat(&l.Base, l.one(inputs))
	l.setup(x.Shape())
	mean, vr := l.fixedMean, l.fixedVar
	if !l.fixed {
		mean, vr = l.mean.Value(), l.vr.Value()
	}
	bs := make([]int, l.rank)
	for i := range bs {
		bs[i] = 1
	}
	for i, a := range l.keep {
		bs[a] = l.keepDims[i]
	}
	mean, vr = ops.Reshape(mean, bs...), ops.Reshape(vr, bs...)
	std := ops.Maximum(ops.Sqrt(vr), ops.FullLike(vr, preEpsilon))
	if l.invert {
		return l.Finish(ops.Add(mean, ops.Mul(x, std)))
	}
	return l.Finish(ops.Div(ops.Sub(x, mean), std))
}

// Config returns Keras's Normalization config.
func (l *NormalizationLayer) Config() map[string]any {
	c := l.baseConfig()
	var axis any = l.axis
	if len(l.axis) == 0 {
		axis = nil
	}
	c["axis"], c["invert"] = axis, l.invert
	var mean, vr any
	if l.fixed {
		mean, vr = l.meanIn, l.varIn
	}
	c["mean"], c["variance"] = mean, vr
	return c
}

// preFormatName returns Keras's data_format value.
func preFormatName(first bool) string {
	if first {
		return "channels_first"
	}
	return "channels_last"
}

// preSorted returns a sorted copy of axes.
func preSorted(axes []int) []int {
	out := append([]int{}, axes...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// preComplement returns the axes of a rank-r tensor not in keep.
func preComplement(keep []int, r int) []int {
	in := map[int]bool{}
	for _, a := range keep {
		in[a] = true
	}
	var out []int
	for a := 0; a < r; a++ {
		if !in[a] {
			out = append(out, a)
		}
	}
	return out
}

// preImage holds the layout of image layers: [batch, H, W, C] (channels_last, the default) or
// [batch, C, H, W]; unbatched [H, W, C] images are accepted too.
type preImage struct {
	first bool
}

// toBatch returns x as a channels-last batch and a function that undoes the conversion.
func (p preImage) toBatch(b *Base, x *tensor.Tensor) (*tensor.Tensor, func(*tensor.Tensor) *tensor.Tensor) {
	if x.Rank() != 3 && x.Rank() != 4 {
		panic(b.errorf("needs images [batch, height, width, channels] or [height, width, channels], got shape %v", x.Shape()))
	}
	unbatched := x.Rank() == 3
	if unbatched {
		x = ops.Unsqueeze(x, 0)
	}
	if p.first {
		x = ops.Transpose(x, 0, 2, 3, 1)
	}
	return x, func(y *tensor.Tensor) *tensor.Tensor {
		if p.first {
			y = ops.Transpose(y, 0, 3, 1, 2)
		}
		if unbatched {
			y = ops.Squeeze(y, 0)
		}
		return y
	}
}

// preResize resizes channels-last images x to h×w with Keras's (TensorFlow's) conventions:
// half-pixel centres, no antialiasing.
func preResize(x *tensor.Tensor, h, w int, interpolation string) *tensor.Tensor {
	p := ops.ResizeParams{Sizes: []int{h, w}, Layout: ops.ChannelsLast}
	switch interpolation {
	case "nearest":
		p.Mode, p.CoordinateTransform, p.NearestMode = "nearest", "tf_half_pixel_for_nn", "floor"
	case "bicubic":
		// Keras's bicubic drops the taps outside the image and renormalises the others
		// (TensorFlow's resize_bicubic with half-pixel centres, JAX's scale_and_translate);
		// clamping them to the border, ONNX's default, weighs the edge pixels too much.
		keysBicubic(&p)
	default:
		p.Mode, p.CoordinateTransform = "linear", "half_pixel"
	}
	return ops.Resize(x, p)
}

// preCropBox returns the largest centred window of the aspect ratio h:w in an H×W image, as
// Keras's smart_resize.
func preCropBox(hIn, wIn, h, w int) (top, left, ch, cw int) {
	ch = min(hIn, max(int(float64(wIn*h)/float64(w)), 1))
	cw = min(wIn, max(int(float64(hIn*w)/float64(h)), 1))
	return (hIn - ch) / 2, (wIn - cw) / 2, ch, cw
}

// preCrop returns x[:, top:top+h, left:left+w, :].
func preCrop(x *tensor.Tensor, top, left, h, w int) *tensor.Tensor {
	return ops.SliceAxis(ops.SliceAxis(x, 1, top, top+h, 1), 2, left, left+w, 1)
}

// CenterCropLayer is Keras's CenterCrop.
type CenterCropLayer struct {
	Base
	preImage
	h, w int
}

// CenterCrop returns Keras's CenterCrop layer: the centred h×w window of each image; an image
// smaller than that along a side is instead cropped to the target aspect ratio and resized
// (bilinear), as Keras. Images are [batch, H, W, C] (WithDataFormat("channels_first"):
// [batch, C, H, W]) or unbatched, with H and W known. Name "center_crop".
func CenterCrop(height, width int, opts ...Option) *CenterCropLayer {
	o := parse("CenterCrop", opts, "data_format")
	l := &CenterCropLayer{preImage: preImage{first: o.dataFormat == "channels_first"}, h: height, w: width}
	l.initBase("CenterCrop", "center_crop", o)
	if height <= 0 || width <= 0 {
		panic(l.errorf("height and width must be positive, got %d and %d", height, width))
	}
	return l
}

// Call crops its one input.
func (l *CenterCropLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, back := l.toBatch(&l.Base, preFloat(&l.Base, l.one(inputs)))
	hIn, wIn := x.Dim(1), x.Dim(2)
	if hIn < 0 || wIn < 0 {
		panic(l.errorf("needs known height and width, got shape %v", inputs[0].Shape()))
	}
	if hIn >= l.h && wIn >= l.w {
		return l.Finish(back(preCrop(x, (hIn-l.h)/2, (wIn-l.w)/2, l.h, l.w)))
	}
	top, left, ch, cw := preCropBox(hIn, wIn, l.h, l.w)
	return l.Finish(back(preResize(preCrop(x, top, left, ch, cw), l.h, l.w, "bilinear")))
}

// Config returns height, width and data_format.
func (l *CenterCropLayer) Config() map[string]any {
	c := l.baseConfig()
	c["height"], c["width"], c["data_format"] = l.h, l.w, preFormatName(l.first)
	return c
}

// ResizingLayer is Keras's Resizing.
type ResizingLayer struct {
	Base
	preImage
	h, w          int
	interpolation string
	crop          bool
}

// Resizing returns Keras's Resizing layer: images resized to height×width with
// WithInterpolation ("bilinear", the default, "nearest" or "bicubic"; half-pixel centres, as
// TensorFlow) through ops.Resize, after cropping to the target aspect ratio with
// WithCropToAspectRatio(true). Bicubic is Keys's kernel with a = -0.5, the taps outside the
// image dropped and the others renormalised, as jax.image.resize; TensorFlow's resize_bicubic
// follows the same rule with weights from a 1024-entry table, so it agrees to about 1e-3. Images are [batch, H, W, C] (or channels_first, or unbatched).
// Name "resizing". It panics with a *core.Error for another interpolation.
func Resizing(height, width int, opts ...Option) *ResizingLayer {
	o := parse("Resizing", opts, "data_format", "interpolation", "crop_to_aspect_ratio")
	l := &ResizingLayer{preImage: preImage{first: o.dataFormat == "channels_first"}, h: height, w: width,
		interpolation: rnnGet(o, "interpolation", "bilinear"), crop: rnnGet(o, "crop_to_aspect_ratio", false)}
	l.initBase("Resizing", "resizing", o)
	switch l.interpolation {
	case "bilinear", "nearest", "bicubic":
	default:
		panic(l.errorf("interpolation must be bilinear, nearest or bicubic, got %q", l.interpolation))
	}
	if height <= 0 || width <= 0 {
		panic(l.errorf("height and width must be positive, got %d and %d", height, width))
	}
	return l
}

// Call resizes its one input.
func (l *ResizingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, back := l.toBatch(&l.Base, preFloat(&l.Base, l.one(inputs)))
	if l.crop {
		hIn, wIn := x.Dim(1), x.Dim(2)
		if hIn < 0 || wIn < 0 {
			panic(l.errorf("crop_to_aspect_ratio needs known height and width, got shape %v", inputs[0].Shape()))
		}
		top, left, ch, cw := preCropBox(hIn, wIn, l.h, l.w)
		x = preCrop(x, top, left, ch, cw)
	}
	return l.Finish(back(preResize(x, l.h, l.w, l.interpolation)))
}

// Config returns Keras's Resizing config.
func (l *ResizingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["height"], c["width"], c["interpolation"] = l.h, l.w, l.interpolation
	c["crop_to_aspect_ratio"], c["data_format"] = l.crop, preFormatName(l.first)
	return c
}
