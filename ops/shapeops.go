package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Movement ops: they rearrange elements without arithmetic and keep exact bits.

// ShapeParams holds a target shape.
type ShapeParams struct {
	Shape []int
}

// PermParams holds a permutation of the axes.
type PermParams struct {
	Perm []int
}

var reshapeOp, transposeOp, broadcastOp *core.Op

func init() {
	reshapeOp = core.Declare(core.Def[ShapeParams]{
		Name: "reshape", Doc: "same elements, new shape; one dimension may be -1 (ONNX Reshape, torch.reshape)",
		View: true, DTypes: allTypes,
		Infer: func(p ShapeParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			s, err := shape.Resolve(p.Shape, in[0].Shape.Size())
			if err != nil {
				return nil, fmt.Errorf("cannot reshape %v to %v: %v", in[0].Shape, p.Shape, err)
			}
			return []core.Spec{{DType: in[0].DType, Shape: s}}, nil
		},
		Grad: func(_ ShapeParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{ReshapeLike(g[0], in[0])}
		},
	})

	transposeOp = core.Declare(core.Def[PermParams]{
		Name: "transpose", Overwrites: true, Doc: "permute axes: dimension i of the result is dimension perm[i] (ONNX Transpose, torch.permute)",
		DTypes: allTypes,
		Infer: func(p PermParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			perm, err := shape.CheckPerm(p.Perm, len(in[0].Shape))
			if err != nil {
				return nil, err
			}
			s := make(shape.Shape, len(perm))
			for i, a := range perm {
				s[i] = in[0].Shape[a]
			}
			return []core.Spec{{DType: in[0].DType, Shape: s}}, nil
		},
		Grad: func(p PermParams, in, _, g []*Tensor) []*Tensor {
			perm, _ := shape.CheckPerm(p.Perm, in[0].Rank())
			inv := make([]int, len(perm))
			for i, a := range perm {
				inv[a] = i
			}
			return []*Tensor{Transpose(g[0], inv...)}
		},
	})
	registerRef(transposeOp, allTypes, func(p PermParams, in, out []*Tensor) error {
		perm, _ := shape.CheckPerm(p.Perm, in[0].Rank())
		ref.Gather(out[0], in[0], ref.PermuteIndex(in[0].Shape(), perm))
		return nil
	})

	broadcastOp = core.Declare(core.Def[ShapeParams]{
		Name: "broadcast_to", Doc: "repeat size-1 and missing leading dimensions to a shape (ONNX Expand, torch.broadcast_to)",
		DTypes: allTypes,
		Infer: func(p ShapeParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			target := shape.Shape(p.Shape)
			if err := target.Validate(true); err != nil {
				return nil, err
			}
			if !shape.BroadcastsTo(in[0].Shape, target) {
				return nil, fmt.Errorf("cannot broadcast %v to %v", in[0].Shape, target)
			}
			return []core.Spec{{DType: in[0].DType, Shape: target.Clone()}}, nil
		},
		Grad: func(_ ShapeParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{sumTo(g[0], in[0].Shape())}
		},
	})
	registerRef(broadcastOp, allTypes, func(_ ShapeParams, in, out []*Tensor) error {
		ref.Gather(out[0], in[0], ref.BroadcastIndex(in[0].Shape(), out[0].Shape()))
		return nil
	})
}

// Reshape returns x with new dimensions holding the same elements in row-major order; one
// dimension may be -1 and is inferred. It shares x's data eagerly. It panics with a *core.Error
// if the element counts differ.
func Reshape(x *Tensor, dims ...int) *Tensor {
	if shape.Shape(dims).Equal(x.Shape()) {
		return x
	}
	return core.Apply1(reshapeOp, ShapeParams{Shape: append([]int(nil), dims...)}, x)
}

// Transpose permutes x's axes: dimension i of the result is dimension perm[i] of x. With no
// perm it reverses the axes (a matrix transpose for rank 2), as NumPy. It panics with a
// *core.Error if perm is not a permutation of x's axes.
func Transpose(x *Tensor, perm ...int) *Tensor {
	if len(perm) == 0 {
		perm = make([]int, x.Rank())
		for i := range perm {
			perm[i] = x.Rank() - 1 - i
		}
	}
	return core.Apply1(transposeOp, PermParams{Perm: append([]int(nil), perm...)}, x)
}

// BroadcastTo returns x repeated along size-1 and missing leading dimensions to the given
// shape, as NumPy's broadcast_to. It panics with a *core.Error if x does not broadcast to it.
func BroadcastTo(x *Tensor, dims ...int) *Tensor {
	if shape.Shape(dims).Equal(x.Shape()) {
		return x
	}
	return core.Apply1(broadcastOp, ShapeParams{Shape: append([]int(nil), dims...)}, x)
}
