package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Resize resamples the spatial dimensions of a batch of images (or signals, or volumes) with
// ONNX Resize's modes. Every mode is separable: along each spatial axis, output position j reads
// a few input positions with weights (ref.Taps), so a resize is linear in its input and its
// gradient is the transposed resampling, resize_grad; the two are each other's adjoint, so
// gradients of every order exist.

// ResizeParams configures resize. The zero value (with Scales or Sizes set) is ONNX Resize's
// default: nearest neighbour, half_pixel coordinates, round_prefer_floor, channels last.
type ResizeParams struct {
	// Mode is "nearest" (or ""), "linear" (bilinear in 2D, trilinear in 3D) or "cubic"
	// (bicubic), as ONNX Resize's mode.
	Mode string
	// CoordinateTransform maps an output coordinate x to the input coordinate it samples, for
	// an axis resized from length in to out with scale s, as ONNX Resize's
	// coordinate_transformation_mode:
	//   "half_pixel" (or ""): (x + 0.5)/s − 0.5
	//   "pytorch_half_pixel": as half_pixel, but 0 when out is 1 (PyTorch's align_corners=False
	//     for linear and cubic)
	//   "align_corners": x·(in − 1)/(out − 1), 0 when out is 1 (PyTorch's align_corners=True)
	//   "asymmetric": x/s (PyTorch's mode="nearest")
	//   "tf_half_pixel_for_nn": (x + 0.5)/s
	//   "half_pixel_symmetric": half_pixel shifted so that the sampled region stays centred when
	//     out is not exactly in·s (ONNX opset 19)
	CoordinateTransform string
	// NearestMode rounds the input coordinate to an index in nearest mode, as ONNX Resize's
	// nearest_mode: "round_prefer_floor" (or ""), "round_prefer_ceil", "floor" or "ceil".
	// PyTorch's mode="nearest" is asymmetric with floor; mode="nearest-exact" is half_pixel
	// with round_prefer_ceil.
	NearestMode string
	// CubicCoeff is the "a" of the cubic convolution kernel; 0 means ONNX's and PyTorch's
	// default -0.75 (TensorFlow uses -0.5).
	CubicCoeff float64
	// ExcludeOutside gives taps that fall outside the input weight 0 and renormalises the
	// others, as ONNX's exclude_outside; by default they read the edge element.
	ExcludeOutside bool
	// Scales (output length / input length per spatial dimension, each > 0) or Sizes (the
	// output lengths, each >= 0): exactly one must be non-empty. With Scales the output length is
	// ⌊in·scale⌋ and the coordinate transform uses the scale given; with Sizes it uses
	// out/in, as ONNX Resize. One value applies to every spatial dimension.
	Scales []float64
	Sizes  []int
	// Layout says where the channels are: ChannelsLast ([N, spatial..., C], the default) or
	// ChannelsFirst ([N, C, spatial...]). The input has at least one spatial dimension.
	Layout Layout
}

var nnResizeOp, nnResizeGradOp *core.Op

func init() {
	nnResizeOp = core.Declare(core.Def[ResizeParams]{
		Name: "resize", Doc: "resample the spatial dimensions: nearest, (bi/tri)linear or cubic with ONNX coordinate transforms (ONNX Resize, torch.nn.functional.interpolate)",
		DTypes: allTypes, Infer: nnInferResize,
		Grad: func(p ResizeParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{core.Apply1(nnResizeGradOp, p, g[0], in[0])}
		},
	})
	registerRef(nnResizeOp, allTypes, nnResizeRef)

	nnResizeGradOp = core.Declare(core.Def[ResizeParams]{
		Name: "resize_grad", Doc: "the adjoint of resize: spreads each output gradient over the input positions it was sampled from (ONNX none, torch upsample_*_backward)",
		DTypes: floatTypes, Infer: nnInferResizeGrad,
		Grad: func(p ResizeParams, _, _, g []*Tensor) []*Tensor {
			return []*Tensor{core.Apply1(nnResizeOp, p, g[0]), nil}
		},
	})
	registerRef(nnResizeGradOp, floatTypes, nnResizeGradRef)
}

// nnSpatialAxes returns the spatial axes of a tensor of the given rank in layout l: all but the
// first (batch) and the channel axis.
func nnSpatialAxes(rank int, l Layout) []int {
	var axes []int
	for a := 1; a < rank; a++ {
		if (l == ChannelsFirst && a == 1) || (l != ChannelsFirst && a == rank-1) {
			continue
		}
		axes = append(axes, a)
	}
	return axes
}

// nnCheckLayout returns an error unless l is a known layout.
func nnCheckLayout(l Layout) error {
	if l != ChannelsLast && l != ChannelsFirst {
		return fmt.Errorf("unknown layout %v (want ChannelsLast or ChannelsFirst)", l)
	}
	return nil
}

// nnResizeGeometry validates p for an input of shape x and returns the output shape and the
// scale of each spatial axis (used by the coordinate transforms).
func nnResizeGeometry(p ResizeParams, x shape.Shape) (shape.Shape, []float64, error) {
	if err := nnCheckLayout(p.Layout); err != nil {
		return nil, nil, err
	}
	if len(x) < 3 {
		return nil, nil, fmt.Errorf("input has shape %v, want rank >= 3 (batch, spatial dimensions and channels)", x)
	}
	switch p.Mode {
	case "", "nearest", "linear", "cubic":
	default:
		return nil, nil, fmt.Errorf("unknown mode %q (want nearest, linear or cubic)", p.Mode)
	}
	switch p.CoordinateTransform {
	case "", "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn", "half_pixel_symmetric":
	default:
		return nil, nil, fmt.Errorf("unknown coordinate transform %q (want half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn or half_pixel_symmetric)", p.CoordinateTransform)
	}
	switch p.NearestMode {
	case "", "round_prefer_floor", "round_prefer_ceil", "floor", "ceil":
	default:
		return nil, nil, fmt.Errorf("unknown nearest mode %q (want round_prefer_floor, round_prefer_ceil, floor or ceil)", p.NearestMode)
	}
	if math.IsNaN(p.CubicCoeff) || math.IsInf(p.CubicCoeff, 0) {
		return nil, nil, fmt.Errorf("cubic coefficient %v is not finite", p.CubicCoeff)
	}
	axes := nnSpatialAxes(len(x), p.Layout)
	// Lengths, not nil-ness: params decoded from a saved graph may hold empty slices.
	if (len(p.Scales) == 0) == (len(p.Sizes) == 0) {
		return nil, nil, fmt.Errorf("exactly one of scales and sizes must be set, got scales %v and sizes %v", p.Scales, p.Sizes)
	}
	n := max(len(p.Scales), len(p.Sizes))
	if n != 1 && n != len(axes) {
		return nil, nil, fmt.Errorf("got %d scales or sizes for %d spatial dimensions of %v", n, len(axes), x)
	}
	out := x.Clone()
	scales := make([]float64, len(axes))
	for i, a := range axes {
		in := x[a]
		if len(p.Scales) > 0 {
			s := p.Scales[min(i, n-1)]
			if !(s > 0) || math.IsInf(s, 0) {
				return nil, nil, fmt.Errorf("scale %v, want a finite number > 0", s)
			}
			scales[i] = s
			if in >= 0 {
				out[a] = int(math.Floor(float64(in) * s))
			}
		} else {
			o := p.Sizes[min(i, n-1)]
			if o < 0 {
				return nil, nil, fmt.Errorf("output size %d is negative", o)
			}
			out[a] = o
			scales[i] = float64(o) / float64(in)
		}
		if in == 0 && out[a] > 0 {
			return nil, nil, fmt.Errorf("cannot resize the empty dimension %d of %v to %d", a, x, out[a])
		}
	}
	return out, scales, nil
}

func nnInferResize(p ResizeParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	out, _, err := nnResizeGeometry(p, in[0].Shape)
	if err != nil {
		return nil, err
	}
	if p.Mode != "" && p.Mode != "nearest" && !in[0].DType.IsFloat() {
		return nil, fmt.Errorf("mode %s needs a floating-point input, got %s", p.Mode, in[0].DType)
	}
	return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
}

// nnInferResizeGrad checks g against the resize of x, whose spec the result takes.
func nnInferResizeGrad(p ResizeParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	g, x := in[0], in[1]
	out, _, err := nnResizeGeometry(p, x.Shape)
	if err != nil {
		return nil, err
	}
	if g.DType != x.DType {
		return nil, fmt.Errorf("gradient is %s, input %s: want the same dtype", g.DType, x.DType)
	}
	if !nnShapesFit(g.Shape, out) {
		return nil, fmt.Errorf("gradient has shape %v, want the resized shape %v of %v", g.Shape, out, x.Shape)
	}
	return []core.Spec{{DType: x.DType, Shape: x.Shape.Clone()}}, nil
}

// nnSourceCoord returns the input coordinate that output coordinate j samples along an axis
// resized from in to out elements with scale s.
func nnSourceCoord(mode string, j, in, out int, s float64) float64 {
	x := float64(j)
	switch mode {
	case "pytorch_half_pixel":
		if out <= 1 {
			return 0
		}
		return (x+0.5)/s - 0.5
	case "align_corners":
		if out <= 1 {
			return 0
		}
		return x * float64(in-1) / float64(out-1)
	case "asymmetric":
		return x / s
	case "tf_half_pixel_for_nn":
		return (x + 0.5) / s
	case "half_pixel_symmetric":
		adj := float64(out) / (s * float64(in))
		center := float64(in) / 2
		return center*(1-adj) + (x+0.5)/s - 0.5
	}
	return (x+0.5)/s - 0.5 // half_pixel
}

// nnNearest rounds an input coordinate to an index by the nearest mode.
func nnNearest(mode string, x float64) int {
	switch mode {
	case "floor":
		return int(math.Floor(x))
	case "ceil":
		return int(math.Ceil(x))
	case "round_prefer_ceil":
		return int(math.Floor(x + 0.5))
	}
	if x-math.Floor(x) == 0.5 { // round_prefer_floor
		return int(math.Floor(x))
	}
	return int(math.Round(x))
}

// nnCubicWeights returns the four weights of the cubic convolution kernel with coefficient a
// for the taps at floor(x)-1 .. floor(x)+2, where r = x - floor(x) (Keys 1981, as ONNX Resize).
func nnCubicWeights(a, r float64) [4]float64 {
	far := func(t float64) float64 { return ((a*t-5*a)*t+8*a)*t - 4*a } // 1 <= t < 2
	near := func(t float64) float64 { return ((a+2)*t-(a+3))*t*t + 1 }  // 0 <= t < 1
	return [4]float64{far(r + 1), near(r), near(1 - r), far(2 - r)}
}

// nnResizeTaps returns the taps of one axis resized from in to out elements with scale s.
func nnResizeTaps(p ResizeParams, in, out int, s float64) *ref.Taps {
	t := &ref.Taps{Index: make([][]int, out)}
	clamp := func(i int) int { return min(max(i, 0), in-1) }
	mode := p.Mode
	if mode == "" {
		mode = "nearest"
	}
	if mode != "nearest" {
		t.Weight = make([][]float64, out)
	}
	a := p.CubicCoeff
	if a == 0 {
		a = -0.75
	}
	for j := range t.Index {
		x := nnSourceCoord(p.CoordinateTransform, j, in, out, s)
		switch mode {
		case "nearest":
			t.Index[j] = []int{clamp(nnNearest(p.NearestMode, x))}
		case "linear":
			// Coordinates beyond the edges read the edge element, as ONNX (whose reference
			// pads with the edge) and PyTorch (which clamps the coordinate) both do.
			f := math.Floor(x)
			r := x - f
			t.Index[j] = []int{clamp(int(f)), clamp(int(f) + 1)}
			t.Weight[j] = []float64{1 - r, r}
		case "cubic":
			f := math.Floor(x)
			w := nnCubicWeights(a, x-f)
			idx := make([]int, 4)
			sum := 0.0
			for k := range idx {
				i := int(f) - 1 + k
				if p.ExcludeOutside && (i < 0 || i >= in) {
					w[k] = 0
				}
				idx[k] = clamp(i)
				sum += w[k]
			}
			if p.ExcludeOutside && sum != 0 {
				for k := range w {
					w[k] /= sum
				}
			}
			t.Index[j], t.Weight[j] = idx, w[:]
		}
	}
	return t
}

// nnResizePlan returns the taps of every spatial axis of a resize of shape x by p.
func nnResizePlan(p ResizeParams, x shape.Shape) (axes []int, taps []*ref.Taps, out shape.Shape) {
	out, scales, _ := nnResizeGeometry(p, x) // the op's inference has checked p
	axes = nnSpatialAxes(len(x), p.Layout)
	taps = make([]*ref.Taps, len(axes))
	for i, a := range axes {
		taps[i] = nnResizeTaps(p, x[a], out[a], scales[i])
	}
	return axes, taps, out
}

func nnResizeRef(p ResizeParams, in, out []*Tensor) error {
	x := in[0]
	axes, taps, _ := nnResizePlan(p, x.Shape())
	if taps[0].Weight == nil {
		// Nearest: a pure selection, done as a gather so every dtype keeps its exact bits.
		maps := make([][]int, x.Rank())
		for a, d := range x.Shape() {
			maps[a] = make([]int, d)
			for i := range maps[a] {
				maps[a][i] = i
			}
		}
		for i, a := range axes {
			maps[a] = make([]int, taps[i].Len())
			for j, idx := range taps[i].Index {
				maps[a][j] = idx[0]
			}
		}
		ref.Gather(out[0], x, ref.AxisMapIndex(x.Shape(), maps))
		return nil
	}
	cur, s := ref.Values[float64](x), x.Shape().Clone()
	for i, a := range axes {
		outer, n, inner := ref.AxisSplit(s, a)
		next := make([]float64, outer*taps[i].Len()*inner)
		ref.ResampleAxis(next, cur, outer, n, inner, taps[i])
		cur, s[a] = next, taps[i].Len()
	}
	ref.Store(out[0], cur)
	return nil
}

func nnResizeGradRef(p ResizeParams, in, out []*Tensor) error {
	g, x := in[0], in[1]
	axes, taps, _ := nnResizePlan(p, x.Shape())
	cur, s := ref.Values[float64](g), g.Shape().Clone()
	for i := len(axes) - 1; i >= 0; i-- {
		a := axes[i]
		s[a] = x.Dim(a)
		outer, n, inner := ref.AxisSplit(s, a)
		next := make([]float64, outer*n*inner)
		ref.ResampleAxisAdjoint(next, cur, outer, n, inner, taps[i])
		cur = next
	}
	ref.Store(out[0], cur)
	return nil
}

// Resize resamples the spatial dimensions of x (channels last, [N, spatial..., C], unless
// p.Layout says ChannelsFirst) to the sizes or by the scales of p, by nearest neighbour,
// (bi/tri)linear or cubic interpolation, with the coordinate transforms and rounding modes of
// ONNX Resize (see [ResizeParams]). Tide follows ONNX where PyTorch's interpolate differs:
// half_pixel is the default coordinate transform and round_prefer_floor the default rounding;
// PyTorch's modes map to ONNX's as the params document. Nearest keeps exact values of every
// dtype (bool masks included); linear and cubic need floats. The gradient with respect to x spreads each
// output gradient over the inputs it was sampled from (resize_grad). It panics with a
// *core.Error on an unknown mode, layout or transform, on scales that are not positive, on
// negative sizes, when both or neither of Scales and Sizes are given, or on a rank below 3.
func Resize(x *Tensor, p ResizeParams) *Tensor { return core.Apply1(nnResizeOp, p, x) }

// ResizeGrad returns the gradient of [Resize] with params p with respect to x, for the
// gradient g of its output: the adjoint resampling, shaped like x (only x's shape is used).
// It panics with a *core.Error if g does not have the resized shape of x.
func ResizeGrad(g, x *Tensor, p ResizeParams) *Tensor {
	return core.Apply1(nnResizeGradOp, p, g, x)
}
