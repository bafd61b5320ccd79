package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Indexing ops that write: scatter_elements (ONNX ScatterElements, torch.scatter /
// scatter_reduce) and scatter_nd (ONNX ScatterND). Both return a copy of data with updates
// written, or combined by a reduction, at the addressed positions; data is never modified.
//
// Differentiability: the gradients with respect to data and updates are defined for every
// reduction; indices have none (they are integers). With reduction "none" and a repeated index
// the last update (in row-major order of indices) is kept, and, as in PyTorch, every update at
// that position receives the gradient: the gradient is only exact for distinct indices. With
// "mul" the gradient of an update is computed as g·out/update, which is NaN or infinite where
// that update is zero (PyTorch special-cases zeros). With "max" and "min" the gradient goes to
// every operand equal to the result (data included), split evenly among ties, as torch.amax.

// ScatterParams configures scatter_elements.
type ScatterParams struct {
	// Axis is the axis of data that indices address; negative counts from the end.
	Axis int
	// Reduction says how an update is combined with the element it lands on: "none" (or "",
	// the update replaces it), "add", "mul", "max" or "min", as ONNX ScatterElements.
	Reduction string
}

// ScatterNDParams configures scatter_nd.
type ScatterNDParams struct {
	// Reduction is "none" (or ""), "add", "mul", "max" or "min", as ONNX ScatterND.
	Reduction string
	// BatchDims is the number of leading dimensions shared by data and indices, as in
	// [GatherNDParams]; ONNX ScatterND has no batch dimensions (0), Tide adds them so that it is
	// the exact adjoint of gather_nd.
	BatchDims int
}

var scatterOp, scatterNDOp *core.Op

func init() {
	scatterOp = core.Declare(core.Def[ScatterParams]{
		Name: "scatter_elements", Overwrites: true, Doc: "copy of data with updates written or reduced (none/add/mul/max/min) at positions given along an axis (ONNX ScatterElements, torch.scatter_reduce)",
		DTypes: allTypes, Infer: ixInferScatter, Grad: ixGradScatterElements,
	})
	registerRef(scatterOp, allTypes, ixScatterRef)

	scatterNDOp = core.Declare(core.Def[ScatterNDParams]{
		Name: "scatter_nd", Doc: "copy of data with update slices written or reduced (none/add/mul/max/min) at index tuples (ONNX ScatterND; torch Tensor.index_put_)",
		DTypes: allTypes, Infer: ixInferScatterND, Grad: ixGradScatterND,
	})
	registerRef(scatterNDOp, allTypes, ixScatterNDRef)
}

// ixCheckReduction returns an error unless red is a known reduction that dt supports.
func ixCheckReduction(red string, dt dtype.DType) error {
	switch red {
	case "", "none":
		return nil
	case "add", "mul", "max", "min":
		if dt == dtype.Bool {
			return fmt.Errorf("reduction %q needs a numeric dtype, got bool", red)
		}
		return nil
	}
	return fmt.Errorf("unknown reduction %q (want none, add, mul, max or min)", red)
}

// ixCheckUpdates returns an error unless updates have data's dtype and the shape want.
func ixCheckUpdates(data, upd core.Spec, want shape.Shape) error {
	if upd.DType != data.DType {
		return fmt.Errorf("updates are %s, data %s: want the same dtype", upd.DType, data.DType)
	}
	ok := len(upd.Shape) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = upd.Shape[i] == want[i] || upd.Shape[i] < 0 || want[i] < 0
	}
	if !ok {
		return fmt.Errorf("updates have shape %v, want %v", upd.Shape, want)
	}
	return nil
}

func ixInferScatter(p ScatterParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 3); err != nil {
		return nil, err
	}
	if err := ixCheckReduction(p.Reduction, in[0].DType); err != nil {
		return nil, err
	}
	if _, err := ixInferAlongAxis(p.Axis, in[0], in[1]); err != nil {
		return nil, err
	}
	if err := ixCheckUpdates(in[0], in[2], in[1].Shape); err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: in[0].Shape.Clone()}}, nil
}

func ixInferScatterND(p ScatterNDParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 3); err != nil {
		return nil, err
	}
	if err := ixCheckReduction(p.Reduction, in[0].DType); err != nil {
		return nil, err
	}
	_, part, err := ixInferND(p.BatchDims, in[0], in[1])
	if err != nil {
		return nil, err
	}
	if err := ixCheckUpdates(in[0], in[2], part); err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: in[0].Shape.Clone()}}, nil
}

// ixScatterApply writes out = data with updates element i combined into flat position dst[i].
func ixScatterApply(out, data, upd *Tensor, dst []int, red string) {
	switch {
	case red == "" || red == "none":
		tensor.Convert(out, data) // same dtype: an exact copy
		ref.Scatter(out, upd, dst)
	case data.DType().IsFloat():
		ref.ScatterReduce(out, data, upd, dst, ref.ScatterReducer[float64](red))
	default:
		ref.ScatterReduce(out, data, upd, dst, ref.ScatterReducer[int64](red))
	}
}

func ixScatterRef(p ScatterParams, in, out []*Tensor) error {
	axis, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
	dst, err := ixAlongAxisOffsets(in[0].Shape(), in[1].Shape(), axis, in[1])
	if err != nil {
		return err
	}
	ixScatterApply(out[0], in[0], in[2], dst, p.Reduction)
	return nil
}

func ixScatterNDRef(p ScatterNDParams, in, out []*Tensor) error {
	offs, slice, err := ixNDOffsets(in[0].Shape(), in[1], p.BatchDims)
	if err != nil {
		return err
	}
	ixScatterApply(out[0], in[0], in[2], ixExpand(offs, slice), p.Reduction)
	return nil
}

// ixScatterFamily abstracts over scatter_elements and scatter_nd for their common gradient:
// read gathers x at the positions the updates address (a tensor of the updates' shape) and
// write scatters u into x with a reduction.
type ixScatterFamily struct {
	read  func(x *Tensor) *Tensor
	write func(x, u *Tensor, red string) *Tensor
}

// grad returns the gradients of out = write(data, upd, red) with respect to data and upd.
func (f ixScatterFamily) grad(red string, data, upd, out, g *Tensor) (gd, gu *Tensor) {
	dt := g.DType()
	switch red {
	case "add":
		return g, f.read(g)
	case "mul":
		prod := f.write(ixFullLike(data, dt, 1), upd, "mul")
		return Mul(g, prod), Div(f.read(Mul(g, out)), upd)
	case "max", "min":
		eqd := Cast(Equal(data, out), dt)
		equ := Cast(Equal(upd, f.read(out)), dt)
		count := Add(eqd, f.write(ixFullLike(data, dt, 0), equ, "add"))
		return Div(Mul(g, eqd), count), Mul(f.read(Div(g, count)), equ)
	default: // none: the written positions lose data's gradient and pass it to the updates
		hit := f.write(ixFullLike(data, dtype.Bool, 0), ixFullLike(upd, dtype.Bool, 1), "none")
		return Where(hit, scalarLike(g, 0), g), f.read(g)
	}
}

func ixGradScatterElements(p ScatterParams, in, out, g []*Tensor) []*Tensor {
	idx := in[1]
	f := ixScatterFamily{
		read:  func(x *Tensor) *Tensor { return TakeAlongAxis(x, idx, p.Axis) },
		write: func(x, u *Tensor, red string) *Tensor { return ScatterReduce(x, idx, u, p.Axis, red) },
	}
	gd, gu := f.grad(p.Reduction, in[0], in[2], out[0], g[0])
	return []*Tensor{gd, nil, gu}
}

func ixGradScatterND(p ScatterNDParams, in, out, g []*Tensor) []*Tensor {
	idx := in[1]
	f := ixScatterFamily{
		read: func(x *Tensor) *Tensor { return GatherND(x, idx, p.BatchDims) },
		write: func(x, u *Tensor, red string) *Tensor {
			return ScatterNDWith(x, idx, u, ScatterNDParams{Reduction: red, BatchDims: p.BatchDims})
		},
	}
	gd, gu := f.grad(p.Reduction, in[0], in[2], out[0], g[0])
	return []*Tensor{gd, nil, gu}
}

// Scatter returns a copy of data in which each element of updates replaces the element of data
// at its own coordinates, except along axis where the index is used: for axis 0,
// out[idx[i][j]][j] = upd[i][j]. It is ONNX ScatterElements (reduction none) and torch.scatter.
// indices and updates have the same shape, data's rank, and no larger dimension than data except
// along axis; negative indices count from the end (ONNX; PyTorch rejects them). With a repeated
// index the last update in row-major order wins (ONNX leaves it undefined). It panics with a
// *core.Error on mismatched shapes or dtypes and, eagerly, on an index out of range. See the
// package notes above [ScatterParams] for what is differentiable.
func Scatter(data, indices, updates *Tensor, axis int) *Tensor {
	return ScatterReduce(data, indices, updates, axis, "none")
}

// ScatterReduce is [Scatter] along axis with a reduction: "none" (replace), "add", "mul", "max"
// or "min" combine each update with the element it lands on, in row-major order of indices, as
// ONNX ScatterElements and torch.scatter_reduce(include_self=True). Float reductions are computed
// in float64 and rounded once, integer ones wrap on overflow. max and min return NaN if any
// operand is NaN. Bool data only allows "none". It panics with a *core.Error as [Scatter].
func ScatterReduce(data, indices, updates *Tensor, axis int, reduction string) *Tensor {
	return core.Apply1(scatterOp, ScatterParams{Axis: axis, Reduction: reduction}, data, indices, updates)
}

// ScatterAdd returns a copy of data with each update added to the element of data it addresses
// along axis, as torch.scatter_add and ONNX ScatterElements with reduction "add"; repeated
// indices accumulate. It is the gradient of [TakeAlongAxis] and [Gather].
func ScatterAdd(data, indices, updates *Tensor, axis int) *Tensor {
	return ScatterReduce(data, indices, updates, axis, "add")
}

// ScatterND returns a copy of data with the slices of updates written or reduced at the index
// tuples along the last axis of indices, as ONNX ScatterND and tf.tensor_scatter_nd_update (or
// _add, _max, _min with a reduction): with k = indices.shape[-1], updates have shape
// indices.shape[:-1] + data.shape[k:]. reduction is "none", "add", "mul", "max" or "min"; a
// repeated tuple with "none" keeps the last update. Negative coordinates count from the end.
// It panics with a *core.Error on mismatched shapes or dtypes and, eagerly, on a coordinate out
// of range.
func ScatterND(data, indices, updates *Tensor, reduction string) *Tensor {
	return ScatterNDWith(data, indices, updates, ScatterNDParams{Reduction: reduction})
}

// ScatterNDWith is [ScatterND] with batch dimensions: the first p.BatchDims dimensions of data,
// indices and updates are iterated together, and updates have shape
// indices.shape[:-1] + data.shape[BatchDims+k:]. It is the gradient of [GatherND].
func ScatterNDWith(data, indices, updates *Tensor, p ScatterNDParams) *Tensor {
	return core.Apply1(scatterNDOp, p, data, indices, updates)
}
