package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Ops that take their output shape from another tensor rather than from params, so that code
// (gradient rules above all) works unchanged on graphs whose batch dimension is only known when
// they run.

// FillLikeParams holds the fill value.
type FillLikeParams struct {
	Value float64
}

// ExpandParams lists the axes of the larger tensor that the smaller one lacks or has as 1.
type ExpandParams struct {
	Axes []int
}

// SizeParams selects the axes whose sizes are multiplied and the result's dtype.
type SizeParams struct {
	Axes  []int // nil: all axes
	DType dtype.DType
}

var fillLikeOp, expandLikeOp, reshapeLikeOp, sizeOp *core.Op

func init() {
	fillLikeOp = core.Declare(core.Def[FillLikeParams]{
		Name: "fill_like", Overwrites: true, Doc: "a tensor of one value with another tensor's dtype and shape (ONNX ConstantOfShape(Shape(x)), torch.full_like)",
		NotDifferentiable: true, DTypes: allTypes,
		Infer: func(_ FillLikeParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			return []core.Spec{in[0]}, nil
		},
	})
	registerRef(fillLikeOp, allTypes, func(p FillLikeParams, _, out []*Tensor) error {
		tensor.Convert(out[0], tensor.Full(out[0].DType(), p.Value, out[0].Shape()...))
		return nil
	})

	expandLikeOp = core.Declare(core.Def[ExpandParams]{
		Name: "expand_like", Overwrites: true, Doc: "broadcast x, which lacks (or has as 1) the given axes of like, to like's shape: the gradient of a reduction (XLA BroadcastInDim)",
		DTypes: allTypes, Infer: inferExpandLike,
		Grad: func(p ExpandParams, in, _, g []*Tensor) []*Tensor {
			if in[0].Rank() == in[1].Rank() {
				return []*Tensor{SumKeepDims(g[0], p.Axes...), nil}
			}
			return []*Tensor{Sum(g[0], p.Axes...), nil}
		},
	})
	registerRef(expandLikeOp, allTypes, func(p ExpandParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, out[0].Rank())
		idx, _ := ref.ReduceIndex(out[0].Shape(), axes)
		ref.Gather(out[0], in[0], idx)
		return nil
	})

	reshapeLikeOp = core.Declare(core.Def[None]{
		Name: "reshape_like", Doc: "x's elements with like's shape (ONNX Reshape(x, Shape(like)), torch.reshape_as)",
		View: true, DTypes: allTypes,
		Infer: func(_ None, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 2); err != nil {
				return nil, err
			}
			a, b := in[0].Shape, in[1].Shape
			if a.Known() && b.Known() && a.Size() != b.Size() {
				return nil, fmt.Errorf("cannot reshape %v (%d elements) like %v (%d elements)", a, a.Size(), b, b.Size())
			}
			return []core.Spec{{DType: in[0].DType, Shape: b.Clone()}}, nil
		},
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{ReshapeLike(g[0], in[0]), nil}
		},
	})

	sizeOp = core.Declare(core.Def[SizeParams]{
		Name: "size", Doc: "the number of elements of x along axes, as a scalar (ONNX Size, torch.numel)",
		NotDifferentiable: true, DTypes: allTypes,
		Infer: func(p SizeParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			if _, err := shape.NormalizeAxes(p.Axes, len(in[0].Shape)); err != nil {
				return nil, err
			}
			if !p.DType.Valid() {
				return nil, fmt.Errorf("invalid dtype %v", p.DType)
			}
			return []core.Spec{{DType: p.DType, Shape: shape.Shape{}}}, nil
		},
	})
	registerRef(sizeOp, allTypes, func(p SizeParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, in[0].Rank())
		n := 1
		for _, a := range axes {
			n *= in[0].Shape()[a]
		}
		tensor.Convert(out[0], tensor.Scalar(float64(n)))
		return nil
	})
}

func inferExpandLike(p ExpandParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	x, like := in[0].Shape, in[1].Shape
	axes, err := shape.NormalizeAxes(p.Axes, len(like))
	if err != nil {
		return nil, err
	}
	want := reducedShape(like, axes, len(x) == len(like))
	if len(want) != len(x) {
		return nil, fmt.Errorf("x %v does not match %v with axes %v removed or kept", x, like, p.Axes)
	}
	for i := range x {
		if x[i] != want[i] && x[i] != shape.Unknown && want[i] != shape.Unknown {
			return nil, fmt.Errorf("x %v does not match %v with axes %v removed or kept", x, like, p.Axes)
		}
	}
	return []core.Spec{{DType: in[0].DType, Shape: like.Clone()}}, nil
}

// ZerosLike returns zeros with x's dtype and shape; in a traced graph the shape is x's at run
// time.
func ZerosLike(x *Tensor) *Tensor { return core.Apply1(fillLikeOp, FillLikeParams{}, x) }

// OnesLike returns ones with x's dtype and shape.
func OnesLike(x *Tensor) *Tensor { return core.Apply1(fillLikeOp, FillLikeParams{Value: 1}, x) }

// FullLike returns v (converted to x's dtype) with x's dtype and shape.
func FullLike(x *Tensor, v float64) *Tensor {
	return core.Apply1(fillLikeOp, FillLikeParams{Value: v}, x)
}

// ExpandLike broadcasts x to like's shape along axes, where x has like's shape without those
// axes (or with them as 1): it undoes a reduction over axes. It panics with a *core.Error when
// the shapes do not fit.
func ExpandLike(x, like *Tensor, axes ...int) *Tensor {
	return core.Apply1(expandLikeOp, ExpandParams{Axes: axesOrAll(axes)}, x, like)
}

// ReshapeLike returns x's elements with like's shape. It panics with a *core.Error when the
// element counts differ.
func ReshapeLike(x, like *Tensor) *Tensor {
	if x.Shape().Equal(like.Shape()) && x.Shape().Known() {
		return x
	}
	return core.Apply1(reshapeLikeOp, None{}, x, like)
}

// Size returns the number of elements of x along axes (all axes when none are given) as a
// scalar of dtype dt; in a traced graph it is computed when the graph runs.
func Size(x *Tensor, dt dtype.DType, axes ...int) *Tensor {
	return core.Apply1(sizeOp, SizeParams{Axes: axesOrAll(axes), DType: dt}, x)
}

// AxesParams lists axes (negative counting from the end of the result for unsqueeze, of the
// input for squeeze).
type AxesParams struct {
	Axes []int
}

var squeezeOp, unsqueezeOp *core.Op

func init() {
	squeezeOp = core.Declare(core.Def[AxesParams]{
		Name: "squeeze", Doc: "drop axes of size 1, keeping unknown dimensions unknown (ONNX Squeeze, torch.squeeze)",
		View: true, DTypes: allTypes,
		Infer: func(p AxesParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			s := in[0].Shape
			axes, err := shape.NormalizeAxes(p.Axes, len(s))
			if err != nil {
				return nil, err
			}
			drop := map[int]bool{}
			for _, a := range axes {
				if s[a] != 1 && s[a] != shape.Unknown {
					return nil, fmt.Errorf("axis %d of %v has size %d, want 1", a, s, s[a])
				}
				drop[a] = true
			}
			out := shape.Shape{}
			for a, d := range s {
				if !drop[a] {
					out = append(out, d)
				}
			}
			return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
		},
		Grad: func(_ AxesParams, in, _, g []*Tensor) []*Tensor { return []*Tensor{ReshapeLike(g[0], in[0])} },
	})
	unsqueezeOp = core.Declare(core.Def[AxesParams]{
		Name: "unsqueeze", Doc: "insert axes of size 1, keeping unknown dimensions unknown (ONNX Unsqueeze, torch.unsqueeze)",
		View: true, DTypes: allTypes,
		Infer: func(p AxesParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			if len(p.Axes) == 0 {
				return nil, fmt.Errorf("no axes given")
			}
			s := in[0].Shape
			r := len(s) + len(p.Axes)
			axes, err := shape.NormalizeAxes(p.Axes, r)
			if err != nil {
				return nil, fmt.Errorf("%v (the result has rank %d)", err, r)
			}
			out := make(shape.Shape, r)
			j, k := 0, 0
			for i := range out {
				if k < len(axes) && axes[k] == i {
					out[i] = 1
					k++
					continue
				}
				out[i] = s[j]
				j++
			}
			return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
		},
		Grad: func(_ AxesParams, in, _, g []*Tensor) []*Tensor { return []*Tensor{ReshapeLike(g[0], in[0])} },
	})
}
