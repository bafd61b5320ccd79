package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Max and average pooling with 1 to 3 spatial dimensions. Max pooling's gradient is the
// primitive max_pool_grad (scatter each output gradient to the element its window selected),
// whose gradient is max_pool_gather (gather from the selected elements) and back, so every order
// exists; average pooling's gradient is avg_pool_grad, its adjoint, whose gradient is avg_pool.

// PoolParams describes a max or average pooling. Window must be set; the zero value of every
// other field is useful: strides equal to the window, dilation 1, no padding, floor mode,
// padding excluded from averages, channels last, spatial rank taken from the input.
type PoolParams struct {
	// Rank is the number of spatial dimensions (1, 2 or 3); 0 takes it from the input's rank.
	Rank int
	// Window is the window size per spatial dimension; a single value applies to all.
	Window []int
	// Strides per spatial dimension; nil is the window size (Keras and PyTorch; ONNX's default
	// is 1), a single value applies to all.
	Strides []int
	// Dilations per spatial dimension (ONNX MaxPool and AveragePool dilations); nil is 1.
	Dilations []int
	// Padding chooses the pads; with PadExplicit (the zero value) Pads holds them. Padding is
	// never a candidate for the maximum.
	Padding Padding
	// Pads holds {begin, end} padding per spatial dimension, used with PadExplicit; nil is none.
	Pads [][2]int
	// CeilMode rounds the number of windows up instead of down (ONNX ceil_mode, PyTorch's
	// ceil_mode); a last window that would start in the end padding is dropped, as PyTorch.
	CeilMode bool
	// CountIncludePad makes average pooling divide by the number of window positions inside
	// the padded input instead of the number of input elements (ONNX count_include_pad, whose
	// default is false like Tide's; PyTorch's default is true). Positions past the end padding
	// in ceil mode are never counted, as PyTorch. Max pooling ignores it.
	CountIncludePad bool
	// Layout of the data: NHWC (the default) or NCHW.
	Layout Layout
}

// AvgPoolGradParams describes the gradient of an average pooling: the pooling and the input's
// spatial size (which the output's shape does not determine).
type AvgPoolGradParams struct {
	Pool PoolParams
	// InputSize is the pooled input's size per spatial dimension.
	InputSize []int
}

var maxPoolOp, maxPoolGradOp, maxPoolGatherOp, avgPoolOp, avgPoolGradOp *core.Op

// plGeom is a resolved pooling: every parameter explicit, per spatial dimension.
type plGeom struct {
	rank             int
	layout           Layout
	n, c             int
	in, win, out     []int
	stride, dil      []int
	pads             [][2]int
	ceil, includePad bool
}

// plResolve checks a pooling of data shape x and resolves its params.
func plResolve(p PoolParams, x shape.Shape) (*plGeom, error) {
	r, err := cvRank(p.Rank, p.Layout, x)
	if err != nil {
		return nil, err
	}
	g := &plGeom{rank: r, layout: p.Layout, ceil: p.CeilMode, includePad: p.CountIncludePad}
	g.n, g.c, g.in = cvSplit(x, p.Layout)
	if len(p.Window) == 0 {
		return nil, fmt.Errorf("window size is not set")
	}
	if g.win, err = cvSpatial("window", p.Window, r, 1, 1); err != nil {
		return nil, err
	}
	if g.stride, err = cvSpatial("strides", p.Strides, r, 1, 1); err != nil {
		return nil, err
	}
	if len(p.Strides) == 0 {
		g.stride = append([]int(nil), g.win...)
	}
	if g.dil, err = cvSpatial("dilations", p.Dilations, r, 1, 1); err != nil {
		return nil, err
	}
	if g.pads, err = cvPads(p.Padding, p.Pads, g.in, g.win, g.stride, g.dil); err != nil {
		return nil, err
	}
	g.out = make([]int, r)
	for i := range g.out {
		if err := g.size(i); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// size computes the output size of spatial dimension i and checks that every window holds at
// least one input element.
func (g *plGeom) size(i int) error {
	if g.in[i] < 0 {
		g.out[i] = shape.Unknown
		return nil
	}
	eff := (g.win[i]-1)*g.dil[i] + 1
	out, ok := cvOutSize(g.in[i], eff, g.stride[i], g.pads[i], g.ceil)
	if !ok {
		return fmt.Errorf("output would be empty: input %d, window %d with dilation %d and pads %v",
			g.in[i], g.win[i], g.dil[i], g.pads[i])
	}
	g.out[i] = out
	for o := 0; o < out; o++ {
		if !g.windowHitsInput(i, o) {
			return fmt.Errorf("window %d of spatial dimension %d covers only padding: input %d, window %d with dilation %d, stride %d and pads %v",
				o, i, g.in[i], g.win[i], g.dil[i], g.stride[i], g.pads[i])
		}
	}
	return nil
}

// windowHitsInput reports whether window o of dimension i holds an input element.
func (g *plGeom) windowHitsInput(i, o int) bool {
	for k := 0; k < g.win[i]; k++ {
		if p := o*g.stride[i] + k*g.dil[i] - g.pads[i][0]; p >= 0 && p < g.in[i] {
			return true
		}
	}
	return false
}

// params returns the geometry as complete, explicit PoolParams.
func (g *plGeom) params() PoolParams {
	return PoolParams{Rank: g.rank, Window: g.win, Strides: g.stride, Dilations: g.dil,
		Padding: PadExplicit, Pads: g.pads, CeilMode: g.ceil, CountIncludePad: g.includePad, Layout: g.layout}
}

func (g *plGeom) xShape() shape.Shape { return cvJoin(g.n, g.c, g.in, g.layout) }
func (g *plGeom) yShape() shape.Shape { return cvJoin(g.n, g.c, g.out, g.layout) }

// ref returns the reference kernels' description of the pooling.
func (g *plGeom) ref() *ref.PoolGeom {
	rg := &ref.PoolGeom{N: g.n, C: g.c, In: cvPad3(g.in, 1), Out: cvPad3(g.out, 1),
		Window: cvPad3(g.win, 1), Stride: cvPad3(g.stride, 1), Dilation: cvPad3(g.dil, 1),
		X: cvDataStrides(g.xShape(), g.layout), Y: cvDataStrides(g.yShape(), g.layout),
		CountIncludePad: g.includePad}
	for i, p := range g.pads {
		rg.Pad[i], rg.PadEnd[i] = p[0], p[1]
	}
	return rg
}

// Geometry resolves p for a pooling of data shape x into the loop description the reference
// kernels use: every parameter explicit, for three spatial dimensions, with the strides of x
// and the output in p.Layout. Fast kernels use it to read params the same way. It returns the
// error the op's shape inference would.
func (p PoolParams) Geometry(x shape.Shape) (*ref.PoolGeom, error) {
	g, err := plResolve(p, x)
	if err != nil {
		return nil, err
	}
	return g.ref(), nil
}

// plArgmax returns the offset in x of the element each window of the pooling selects.
func plArgmax(x *Tensor, g *plGeom) []int {
	n := g.yShape().Size()
	if x.DType().IsFloat() {
		return ref.MaxPoolIndex(ref.Values[float64](x), g.ref(), n)
	}
	return ref.MaxPoolIndex(ref.Values[int64](x), g.ref(), n)
}

// plInferSelect checks the inputs of max_pool_grad and max_pool_gather: x, and a second tensor
// of x's dtype whose shape is x's (gather) or the pooling output's (grad).
func plInferSelect(p PoolParams, in []core.Spec, grad bool) ([]core.Spec, error) {
	if err := cvTwoInputs(in); err != nil {
		return nil, err
	}
	g, err := plResolve(p, in[0].Shape)
	if err != nil {
		return nil, err
	}
	if grad {
		if !in[1].Shape.Equal(g.yShape()) {
			return nil, fmt.Errorf("upstream gradient has shape %v, want %v (the pooling's output for input %v)", in[1].Shape, g.yShape(), in[0].Shape)
		}
		return []core.Spec{{DType: in[0].DType, Shape: in[0].Shape.Clone()}}, nil
	}
	if !in[1].Shape.Equal(in[0].Shape) {
		return nil, fmt.Errorf("values have shape %v, want the input's %v", in[1].Shape, in[0].Shape)
	}
	return []core.Spec{{DType: in[0].DType, Shape: g.yShape()}}, nil
}

// plResolveAvgGrad checks an avg_pool_grad of upstream gradient shape dy and returns its
// pooling.
func plResolveAvgGrad(p AvgPoolGradParams, dy shape.Shape) (*plGeom, error) {
	r, err := cvRank(p.Pool.Rank, p.Pool.Layout, dy)
	if err != nil {
		return nil, err
	}
	if len(p.InputSize) != r {
		return nil, fmt.Errorf("input size %v has %d values, want %d", p.InputSize, len(p.InputSize), r)
	}
	n, c, _ := cvSplit(dy, p.Pool.Layout)
	xs := cvJoin(n, c, p.InputSize, p.Pool.Layout)
	if err := xs.Validate(true); err != nil {
		return nil, fmt.Errorf("input size %v: %v", p.InputSize, err)
	}
	g, err := plResolve(p.Pool, xs)
	if err != nil {
		return nil, err
	}
	if !g.yShape().Equal(dy) {
		return nil, fmt.Errorf("upstream gradient has shape %v, want %v (the pooling's output for input %v)", dy, g.yShape(), xs)
	}
	return g, nil
}

func init() {
	plDeclareMax()
	plDeclareAvg()
}

func plDeclareMax() {
	maxPoolOp = core.Declare(core.Def[PoolParams]{
		Name:       "max_pool",
		Overwrites: true,
		Doc:        "1-3D max pooling with strides, dilations, pads and ceil mode; ties pick the first maximum (ONNX MaxPool, torch.nn.functional.max_pool1d/2d/3d)",
		DTypes:     numericTypes,
		Infer: func(p PoolParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			g, err := plResolve(p, in[0].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: g.yShape()}}, nil
		},
		Grad: func(p PoolParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{core.Apply1(maxPoolGradOp, p, in[0], g[0])}
		},
	})
	registerRef(maxPoolOp, numericTypes, func(p PoolParams, in, out []*Tensor) error {
		g, err := plResolve(p, in[0].Shape())
		if err != nil {
			return err
		}
		ref.Gather(out[0], in[0], plArgmax(in[0], g)) // exact bits, NaN payloads included
		return nil
	})

	// The selection is piecewise constant in x, so neither op has a gradient with respect to
	// x; with respect to the second input each is the other's adjoint.
	maxPoolGradOp = core.Declare(core.Def[PoolParams]{
		Name:   "max_pool_grad",
		Doc:    "gradient of max_pool: adds each output gradient to the input element its window selected (ONNX none, torch max_pool2d_with_indices_backward)",
		DTypes: numericTypes,
		Infer:  func(p PoolParams, in []core.Spec) ([]core.Spec, error) { return plInferSelect(p, in, true) },
		Grad: func(p PoolParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{nil, core.Apply1(maxPoolGatherOp, p, in[0], g[0])}
		},
	})
	registerRef(maxPoolGradOp, numericTypes, func(p PoolParams, in, out []*Tensor) error {
		g, err := plResolve(p, in[0].Shape())
		if err != nil {
			return err
		}
		arg := plArgmax(in[0], g)
		if out[0].DType().IsFloat() {
			dx := make([]float64, out[0].Size())
			ref.ScatterAdd(dx, ref.Values[float64](in[1]), arg)
			ref.Store(out[0], dx)
		} else {
			dx := make([]int64, out[0].Size())
			ref.ScatterAdd(dx, ref.Values[int64](in[1]), arg)
			ref.Store(out[0], dx)
		}
		return nil
	})

	maxPoolGatherOp = core.Declare(core.Def[PoolParams]{
		Name:       "max_pool_gather",
		Overwrites: true,
		Doc:        "takes from v, shaped like x, the element each max_pool window of x selects (ONNX MaxPool indices with GatherElements, torch.gather with max_pool indices)",
		DTypes:     numericTypes,
		Infer:      func(p PoolParams, in []core.Spec) ([]core.Spec, error) { return plInferSelect(p, in, false) },
		Grad: func(p PoolParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{nil, core.Apply1(maxPoolGradOp, p, in[0], g[0])}
		},
	})
	registerRef(maxPoolGatherOp, numericTypes, func(p PoolParams, in, out []*Tensor) error {
		g, err := plResolve(p, in[0].Shape())
		if err != nil {
			return err
		}
		ref.Gather(out[0], in[1], plArgmax(in[0], g))
		return nil
	})
}

func plDeclareAvg() {
	avgPoolOp = core.Declare(core.Def[PoolParams]{
		Name:       "avg_pool",
		Overwrites: true,
		Doc:        "1-3D average pooling with strides, dilations, pads, ceil mode and count_include_pad (ONNX AveragePool, torch.nn.functional.avg_pool1d/2d/3d)",
		DTypes:     floatTypes,
		Infer: func(p PoolParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			g, err := plResolve(p, in[0].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: g.yShape()}}, nil
		},
		Grad: func(p PoolParams, in, _, g []*Tensor) []*Tensor {
			_, _, sp := cvSplit(in[0].Shape(), p.Layout)
			return []*Tensor{core.Apply1(avgPoolGradOp, AvgPoolGradParams{Pool: p, InputSize: sp}, g[0])}
		},
	})
	registerRef(avgPoolOp, floatTypes, func(p PoolParams, in, out []*Tensor) error {
		g, err := plResolve(p, in[0].Shape())
		if err != nil {
			return err
		}
		y := make([]float64, out[0].Size())
		ref.AvgPool(y, ref.Values[float64](in[0]), g.ref())
		ref.Store(out[0], y)
		return nil
	})

	avgPoolGradOp = core.Declare(core.Def[AvgPoolGradParams]{
		Name:   "avg_pool_grad",
		Doc:    "gradient of avg_pool, its adjoint: spreads each output gradient evenly over its window (ONNX none, torch avg_pool2d_backward)",
		DTypes: floatTypes,
		Infer: func(p AvgPoolGradParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			g, err := plResolveAvgGrad(p, in[0].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: g.xShape()}}, nil
		},
		Grad: func(p AvgPoolGradParams, _, _, g []*Tensor) []*Tensor {
			return []*Tensor{core.Apply1(avgPoolOp, p.Pool, g[0])}
		},
	})
	registerRef(avgPoolGradOp, floatTypes, func(p AvgPoolGradParams, in, out []*Tensor) error {
		g, err := plResolveAvgGrad(p, in[0].Shape())
		if err != nil {
			return err
		}
		dx := make([]float64, out[0].Size())
		ref.AvgPoolTranspose(dx, ref.Values[float64](in[0]), g.ref())
		ref.Store(out[0], dx)
		return nil
	})
}

// plApply resolves p for x (recording complete, explicit params) and applies op.
func plApply(op *core.Op, x *Tensor, p PoolParams) *Tensor {
	if g, err := plResolve(p, x.Shape()); err == nil {
		p = g.params()
	}
	return core.Apply1(op, p, x)
}

// MaxPool returns the maximum of each pooling window of x, with 1 to 3 spatial dimensions taken
// from p.Rank or else from x's rank; x is [batch, spatial..., channels] (NHWC, the default) or
// [batch, channels, spatial...] with ChannelsFirst. Each spatial dimension has
// floor((in + padBegin + padEnd − (window−1)·dilation − 1)/stride) + 1 windows (ceil with
// p.CeilMode). Padding never wins, and NaN does (NaN propagates). The gradient goes to the first
// maximal element of each window in row-major window order, as PyTorch (not split among ties as
// [Max]'s is), or to the last NaN; it accumulates where windows overlap.
//
// Tide follows Keras and PyTorch in defaulting the strides to the window (ONNX MaxPool's default
// is 1). It panics with a *core.Error if the rank or a parameter is out of range, the output
// would be empty or a window covers only padding.
func MaxPool(x *Tensor, p PoolParams) *Tensor { return plApply(maxPoolOp, x, p) }

// MaxPool1D is [MaxPool] with one spatial dimension (NWC or NCW); p.Rank is set to 1.
func MaxPool1D(x *Tensor, p PoolParams) *Tensor { p.Rank = 1; return MaxPool(x, p) }

// MaxPool2D is [MaxPool] with two spatial dimensions (NHWC or NCHW); p.Rank is set to 2.
func MaxPool2D(x *Tensor, p PoolParams) *Tensor { p.Rank = 2; return MaxPool(x, p) }

// MaxPool3D is [MaxPool] with three spatial dimensions (NDHWC or NCDHW); p.Rank is set to 3.
func MaxPool3D(x *Tensor, p PoolParams) *Tensor { p.Rank = 3; return MaxPool(x, p) }

// AvgPool returns the mean of each pooling window of x, laid out and sized as [MaxPool]'s. By
// default padding is not counted (ONNX AveragePool, TensorFlow and Keras); with
// p.CountIncludePad the divisor counts the window positions inside the padded input (PyTorch's
// default). Only floating-point dtypes are supported.
//
// It panics with a *core.Error as [MaxPool] does, or for an integer dtype.
func AvgPool(x *Tensor, p PoolParams) *Tensor { return plApply(avgPoolOp, x, p) }

// AvgPool1D is [AvgPool] with one spatial dimension; p.Rank is set to 1.
func AvgPool1D(x *Tensor, p PoolParams) *Tensor { p.Rank = 1; return AvgPool(x, p) }

// AvgPool2D is [AvgPool] with two spatial dimensions; p.Rank is set to 2.
func AvgPool2D(x *Tensor, p PoolParams) *Tensor { p.Rank = 2; return AvgPool(x, p) }

// AvgPool3D is [AvgPool] with three spatial dimensions; p.Rank is set to 3.
func AvgPool3D(x *Tensor, p PoolParams) *Tensor { p.Rank = 3; return AvgPool(x, p) }

// plSpatialAxes returns the spatial axes of x for the layout, panicking for op on a bad rank.
func plSpatialAxes(op string, x *Tensor, l Layout) []int {
	r, err := cvRank(0, l, x.Shape())
	if err != nil {
		panic(core.Errorf(op, "%w", err))
	}
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i + 1
		if l == ChannelsFirst {
			axes[i] = i + 2
		}
	}
	return axes
}

// GlobalAvgPool returns the mean of x over its spatial dimensions: [batch, channels], or with
// keepDims the spatial dimensions kept with size 1 (ONNX GlobalAveragePool keeps them; Keras's
// GlobalAveragePooling2D drops them by default). Integer inputs are converted to float32. It
// panics with a *core.Error unless x has rank 3, 4 or 5.
func GlobalAvgPool(x *Tensor, l Layout, keepDims bool) *Tensor {
	axes := plSpatialAxes("global_avg_pool", x, l)
	if keepDims {
		return MeanKeepDims(x, axes...)
	}
	return Mean(x, axes...)
}

// GlobalMaxPool returns the maximum of x over its spatial dimensions, shaped as
// [GlobalAvgPool]'s. Its gradient is [Max]'s: split evenly among tied maxima. It panics with a
// *core.Error unless x has rank 3, 4 or 5 with non-empty spatial dimensions.
func GlobalMaxPool(x *Tensor, l Layout, keepDims bool) *Tensor {
	axes := plSpatialAxes("global_max_pool", x, l)
	if keepDims {
		return MaxKeepDims(x, axes...)
	}
	return Max(x, axes...)
}
