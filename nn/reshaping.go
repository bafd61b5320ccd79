package nn

import (
	"strings"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Reshaping layers of the spatial dimensions: ZeroPadding1D/2D/3D, Cropping1D/2D/3D and
// UpSampling1D/2D/3D. Inputs are [batch, spatial..., channels] or, with
// WithDataFormat("channels_first"), [batch, channels, spatial...], as the convolutions. Padding
// and cropping are one ops.Pad (a negative constant pad removes elements), so a spatial
// dimension may be unknown while tracing; nearest upsampling is ops.Repeat, bilinear and bicubic
// upsampling ops.Resize.

// Interface checks.
var (
	_ Layer = (*ZeroPaddingLayer)(nil)
	_ Layer = (*CroppingLayer)(nil)
	_ Layer = (*UpSamplingLayer)(nil)
)

// spatialLayout holds a reshaping layer's rank and data format.
type spatialLayout struct {
	rank          int
	channelsFirst bool
}

func newSpatialLayout(b *Base, rank int, format string) spatialLayout {
	switch format {
	case "", "channels_last":
		return spatialLayout{rank: rank}
	case "channels_first":
		return spatialLayout{rank: rank, channelsFirst: true}
	}
	panic(b.errorf("unknown data_format %q (want channels_last or channels_first)", format))
}

// axis returns the input axis of spatial dimension i.
func (s spatialLayout) axis(i int) int {
	if s.channelsFirst {
		return i + 2
	}
	return i + 1
}

// check panics unless x has rank spatial+2.
func (s spatialLayout) check(b *Base, x *tensor.Tensor) {
	if x.Rank() != s.rank+2 {
		panic(b.errorf("needs an input of rank %d, got shape %v", s.rank+2, x.Shape()))
	}
}

// sidePairs expands a padding or cropping argument to (before, after) per spatial dimension: one
// value for every side, one per dimension (both sides), or two per dimension in the order
// before, after of the first dimension, then of the second... (Keras's ((top, bottom),
// (left, right))). It panics with a *core.Error for another length or a negative value.
func sidePairs(b *Base, what string, v []int, rank int) [][2]int {
	out := make([][2]int, rank)
	for i := range out {
		switch len(v) {
		case 1:
			out[i] = [2]int{v[0], v[0]}
		case rank:
			out[i] = [2]int{v[i], v[i]}
		case 2 * rank:
			out[i] = [2]int{v[2*i], v[2*i+1]}
		default:
			panic(b.errorf("%s needs 1, %d or %d values, got %v", what, rank, 2*rank, v))
		}
		if out[i][0] < 0 || out[i][1] < 0 {
			panic(b.errorf("%s must not be negative, got %v", what, v))
		}
	}
	return out
}

// pairsConfig returns the pairs as Keras's config writes them: (before, after) in 1D, a pair per
// dimension otherwise.
func pairsConfig(p [][2]int) any {
	if len(p) == 1 {
		return []int{p[0][0], p[0][1]}
	}
	out := make([][]int, len(p))
	for i, q := range p {
		out[i] = []int{q[0], q[1]}
	}
	return out
}

// padSpatial returns ops.Pad of x with sign·pairs on the spatial axes (a negative pad crops).
func (s spatialLayout) padSpatial(x *tensor.Tensor, pairs [][2]int, sign int) *tensor.Tensor {
	r := x.Rank()
	pads := make([]int, 2*r)
	for i, p := range pairs {
		a := s.axis(i)
		pads[a], pads[r+a] = sign*p[0], sign*p[1]
	}
	return ops.Pad(x, ops.PadConstant, 0, pads...)
}

// ZeroPaddingLayer is Keras's ZeroPadding1D, ZeroPadding2D and ZeroPadding3D.
type ZeroPaddingLayer struct {
	Base
	spatialLayout
	pads [][2]int
}

func newZeroPadding(class, defName string, rank int, padding []int, opts []Option) *ZeroPaddingLayer {
	o := parse(class, opts, "data_format")
	l := &ZeroPaddingLayer{}
	l.initBase(class, defName, o)
	l.spatialLayout = newSpatialLayout(&l.Base, rank, o.dataFormat)
	if padding == nil {
		padding = []int{1}
	}
	l.pads = sidePairs(&l.Base, "padding", padding, rank)
	return l
}

// ZeroPadding1D returns Keras's ZeroPadding1D layer: zeros added before and after the steps of
// [batch, steps, features]. padding is one value for both sides or (before, after); nil is
// Keras's default 1. Options: WithDataFormat, WithName, WithDType. It panics with a *core.Error
// for a negative or ill-sized padding.
func ZeroPadding1D(padding []int, opts ...Option) *ZeroPaddingLayer {
	return newZeroPadding("ZeroPadding1D", "zero_padding1d", 1, padding, opts)
}

// ZeroPadding2D returns Keras's ZeroPadding2D layer: zeros added around the rows and columns of
// images. padding is one value for all sides, (rows, columns) for both sides of each, or
// (top, bottom, left, right), Keras's ((top, bottom), (left, right)); nil is 1.
func ZeroPadding2D(padding []int, opts ...Option) *ZeroPaddingLayer {
	return newZeroPadding("ZeroPadding2D", "zero_padding2d", 2, padding, opts)
}

// ZeroPadding3D returns Keras's ZeroPadding3D layer: padding is one value, three (one per
// dimension) or six ((before, after) per dimension); nil is 1.
func ZeroPadding3D(padding []int, opts ...Option) *ZeroPaddingLayer {
	return newZeroPadding("ZeroPadding3D", "zero_padding3d", 3, padding, opts)
}

// Call pads its one input.
func (l *ZeroPaddingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	l.check(&l.Base, x)
	return l.Finish(l.padSpatial(x, l.pads, 1))
}

// Config returns padding and data_format.
func (l *ZeroPaddingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["padding"], c["data_format"] = pairsConfig(l.pads), dataFormatName(l.channelsFirst)
	return c
}

// CroppingLayer is Keras's Cropping1D, Cropping2D and Cropping3D.
type CroppingLayer struct {
	Base
	spatialLayout
	crops [][2]int
}

func newCropping(class, defName string, rank int, cropping, def []int, opts []Option) *CroppingLayer {
	o := parse(class, opts, "data_format")
	l := &CroppingLayer{}
	l.initBase(class, defName, o)
	l.spatialLayout = newSpatialLayout(&l.Base, rank, o.dataFormat)
	if cropping == nil {
		cropping = def
	}
	l.crops = sidePairs(&l.Base, "cropping", cropping, rank)
	return l
}

// Cropping1D returns Keras's Cropping1D layer: steps removed at the start and end of
// [batch, steps, features]. cropping is one value for both ends or (start, end); nil is Keras's
// default (1, 1). It panics with a *core.Error for a negative or ill-sized cropping, and when
// called on an input whose cropped dimension would be left with nothing.
func Cropping1D(cropping []int, opts ...Option) *CroppingLayer {
	return newCropping("Cropping1D", "cropping1d", 1, cropping, []int{1}, opts)
}

// Cropping2D returns Keras's Cropping2D layer: rows and columns removed at the borders of
// images. cropping is one value, (rows, columns) or (top, bottom, left, right); nil is Keras's
// default, no cropping.
func Cropping2D(cropping []int, opts ...Option) *CroppingLayer {
	return newCropping("Cropping2D", "cropping2d", 2, cropping, []int{0}, opts)
}

// Cropping3D returns Keras's Cropping3D layer: cropping is one value, three or six; nil is
// Keras's default 1 on every side.
func Cropping3D(cropping []int, opts ...Option) *CroppingLayer {
	return newCropping("Cropping3D", "cropping3d", 3, cropping, []int{1}, opts)
}

// Call crops its one input.
func (l *CroppingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	l.check(&l.Base, x)
	for i, p := range l.crops {
		if d := x.Dim(l.axis(i)); d >= 0 && p[0]+p[1] >= d {
			panic(l.errorf("cropping %v must leave something of spatial dimension %d (size %d) of an input of shape %v",
				pairsConfig(l.crops), i, d, x.Shape()))
		}
	}
	return l.Finish(l.padSpatial(x, l.crops, -1))
}

// Config returns cropping and data_format.
func (l *CroppingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["cropping"], c["data_format"] = pairsConfig(l.crops), dataFormatName(l.channelsFirst)
	return c
}

// UpSamplingLayer is Keras's UpSampling1D, UpSampling2D and UpSampling3D.
type UpSamplingLayer struct {
	Base
	spatialLayout
	size          []int
	interpolation string
}

func newUpSampling(class, defName string, rank int, size []int, opts []Option) *UpSamplingLayer {
	keys := []string{"data_format"}
	if rank == 2 {
		keys = append(keys, "interpolation")
	}
	if rank == 1 {
		keys = nil // Keras's UpSampling1D has no data_format
	}
	o := parse(class, opts, keys...)
	l := &UpSamplingLayer{interpolation: strings.ToLower(rnnGet(o, "interpolation", "nearest"))}
	l.initBase(class, defName, o)
	l.spatialLayout = newSpatialLayout(&l.Base, rank, o.dataFormat)
	if size == nil {
		size = []int{2}
	}
	switch len(size) {
	case 1:
		for range rank {
			l.size = append(l.size, size[0])
		}
	case rank:
		l.size = append([]int{}, size...)
	default:
		panic(l.errorf("size needs 1 or %d values, got %v", rank, size))
	}
	for _, s := range l.size {
		if s <= 0 {
			panic(l.errorf("size must be positive, got %v", size))
		}
	}
	switch l.interpolation {
	case "nearest", "bilinear", "bicubic":
	default:
		panic(l.errorf("interpolation must be nearest, bilinear or bicubic, got %q", l.interpolation))
	}
	return l
}

// UpSampling1D returns Keras's UpSampling1D layer: each step of [batch, steps, features]
// repeated size times ([a b] → [a a b b]); nil is Keras's default 2. It panics with a
// *core.Error for a size that is not positive.
func UpSampling1D(size []int, opts ...Option) *UpSamplingLayer {
	return newUpSampling("UpSampling1D", "up_sampling1d", 1, size, opts)
}

// UpSampling2D returns Keras's UpSampling2D layer: images enlarged by the integer factors size
// (one for both, or (rows, columns); nil is 2). The default interpolation "nearest" repeats
// each pixel, as Keras's; WithInterpolation("bilinear") (or "bicubic") resamples with half-pixel
// centres: bilinear equals torch.nn.functional.interpolate(mode="bilinear",
// align_corners=False), checked against it, which for integer factors is also
// tf.image.resize's bilinear, what Keras's TensorFlow backend computes; bicubic is Keys's
// kernel with a = -0.5 over the taps inside the image, renormalised, as jax.image.resize
// (TensorFlow's table-based kernel agrees to about 1e-3; PyTorch's bicubic, a = -0.75 with
// clamped taps, differs). Keras's lanczos3 and lanczos5 are not provided.
func UpSampling2D(size []int, opts ...Option) *UpSamplingLayer {
	return newUpSampling("UpSampling2D", "up_sampling2d", 2, size, opts)
}

// UpSampling3D returns Keras's UpSampling3D layer: each voxel repeated size times along each
// spatial dimension (one value or three; nil is 2).
func UpSampling3D(size []int, opts ...Option) *UpSamplingLayer {
	return newUpSampling("UpSampling3D", "up_sampling3d", 3, size, opts)
}

// Call enlarges its one input.
func (l *UpSamplingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	l.check(&l.Base, x)
	if l.interpolation == "nearest" {
		for i, s := range l.size {
			if s != 1 {
				x = ops.Repeat(x, l.axis(i), s)
			}
		}
		return l.Finish(x)
	}
	if !x.DType().IsFloat() {
		panic(l.errorf("%s interpolation needs a floating-point input, got %v", l.interpolation, x.DType()))
	}
	scales := make([]float64, len(l.size))
	for i, s := range l.size {
		scales[i] = float64(s)
	}
	p := ops.ResizeParams{Scales: scales, Mode: "linear", CoordinateTransform: "half_pixel"}
	if l.interpolation == "bicubic" {
		keysBicubic(&p)
	}
	if l.channelsFirst {
		p.Layout = ops.ChannelsFirst
	}
	return l.Finish(ops.Resize(x, p))
}

// keysBicubic sets p to Keras's bicubic resampling (UpSampling2D and Resizing): Keys's cubic
// kernel with a = -0.5 at half-pixel centres, no antialiasing, the taps that fall outside the
// image dropped and the remaining weights renormalised to sum to one, as jax.image.resize
// (scale_and_translate) and TensorFlow's half-pixel resize_bicubic compute it. ONNX's and
// PyTorch's cubic (a = -0.75, taps clamped to the border) differ near the edges.
func keysBicubic(p *ops.ResizeParams) {
	p.Mode, p.CoordinateTransform, p.CubicCoeff, p.ExcludeOutside = "cubic", "half_pixel", -0.5, true
}

// Config returns size, data_format (2D and 3D) and interpolation (2D), as Keras's.
func (l *UpSamplingLayer) Config() map[string]any {
	c := l.baseConfig()
	switch l.rank {
	case 1:
		c["size"] = l.size[0]
	case 2:
		c["size"], c["interpolation"] = l.size, l.interpolation
		c["data_format"] = dataFormatName(l.channelsFirst)
	default:
		c["size"], c["data_format"] = l.size, dataFormatName(l.channelsFirst)
	}
	return c
}
