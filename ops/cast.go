package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// CastParams holds the target dtype.
type CastParams struct {
	DType dtype.DType
}

// FillParams describes a constant tensor.
type FillParams struct {
	DType dtype.DType
	Shape []int
	Value float64
}

var castOp, fillOp *core.Op

func init() {
	castOp = core.Declare(core.Def[CastParams]{
		Name: "cast", Doc: "convert elements to another dtype, saturating float to int (ONNX Cast, Tensor.to)",
		DTypes: allTypes, Elementwise: true,
		Infer: func(p CastParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			if !p.DType.Valid() {
				return nil, fmt.Errorf("invalid target dtype %v", p.DType)
			}
			return []core.Spec{{DType: p.DType, Shape: in[0].Shape}}, nil
		},
		// Between floating-point types the gradient is cast back; to or from integers and bool
		// there is none (the function is piecewise constant).
		Grad: func(_ CastParams, in, out, g []*Tensor) []*Tensor {
			if !in[0].DType().IsFloat() || !out[0].DType().IsFloat() {
				return []*Tensor{nil}
			}
			return []*Tensor{Cast(g[0], in[0].DType())}
		},
	})
	registerRef(castOp, allTypes, func(_ CastParams, in, out []*Tensor) error {
		tensor.Convert(out[0], in[0])
		return nil
	})

	fillOp = core.Declare(core.Def[FillParams]{
		Name: "fill", Doc: "a tensor of one value (ONNX ConstantOfShape, torch.full)",
		NotDifferentiable: true, KeyInput: -1, DTypes: allTypes,
		Infer: func(p FillParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 0); err != nil {
				return nil, err
			}
			s := shape.Shape(p.Shape)
			if err := s.Validate(false); err != nil {
				return nil, err
			}
			if !p.DType.Valid() {
				return nil, fmt.Errorf("invalid dtype %v", p.DType)
			}
			return []core.Spec{{DType: p.DType, Shape: s.Clone()}}, nil
		},
	})
	registerRef(fillOp, allTypes, func(p FillParams, _, out []*Tensor) error {
		tensor.Convert(out[0], tensor.Full(p.DType, p.Value, out[0].Shape()...))
		return nil
	})
}

// Cast returns x converted to dt with the rules of tensor.Convert (float to integer truncates
// and saturates, NaN becomes 0). Casting to the same dtype returns x.
func Cast(x *Tensor, dt dtype.DType) *Tensor {
	if x.DType() == dt {
		return x
	}
	return core.Apply1(castOp, CastParams{DType: dt}, x)
}

// Full returns a tensor of dtype dt and the given dimensions filled with v. Unlike
// tensor.Full it is an op, so it appears in traced graphs.
func Full(dt dtype.DType, v float64, dims ...int) *Tensor {
	return core.Apply1(fillOp, FillParams{DType: dt, Shape: append([]int{}, dims...), Value: v})
}
