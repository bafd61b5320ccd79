package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Indexing ops that read: gather (ONNX Gather), take_along_axis (ONNX GatherElements,
// torch.gather) and gather_nd (ONNX GatherND). Indices may be of any integer dtype; a negative
// index counts from the end of its axis, as ONNX allows. An index outside [-size, size) is a
// data-dependent error: the kernel returns it and the eager call panics with a *core.Error that
// names the index, the axis and its size. The gradients scatter-add the upstream gradient back
// (see index_scatter.go), so they can be traced and differentiated again.

// GatherParams selects the axis of gather and take_along_axis.
type GatherParams struct {
	// Axis is the axis of data the indices select along; negative counts from the end.
	Axis int
}

// GatherNDParams holds the number of leading batch dimensions of gather_nd and scatter_nd.
type GatherNDParams struct {
	// BatchDims is the number of leading dimensions that data and indices share and that are
	// iterated over together, as ONNX GatherND's batch_dims (0 by default).
	BatchDims int
}

var gatherOp, takeAlongAxisOp, gatherNDOp *core.Op

func init() {
	gatherOp = core.Declare(core.Def[GatherParams]{
		Name: "gather", Doc: "select slices along an axis by integer indices (ONNX Gather, torch.index_select / numpy.take)",
		DTypes: allTypes, Infer: ixInferGather, Grad: ixGradGather,
	})
	registerRef(gatherOp, allTypes, ixGatherRef)

	takeAlongAxisOp = core.Declare(core.Def[GatherParams]{
		Name: "take_along_axis", Overwrites: true, Doc: "pick elements along an axis by an index tensor of the same rank (ONNX GatherElements, torch.gather)",
		DTypes: allTypes, Infer: ixInferTakeAlongAxis, Grad: ixGradTakeAlongAxis,
	})
	registerRef(takeAlongAxisOp, allTypes, ixTakeAlongAxisRef)

	gatherNDOp = core.Declare(core.Def[GatherNDParams]{
		Name: "gather_nd", Doc: "gather slices addressed by index tuples in the last axis of indices (ONNX GatherND; PyTorch x[tuple(idx.unbind(-1))])",
		DTypes: allTypes, Infer: ixInferGatherND, Grad: ixGradGatherND,
	})
	registerRef(gatherNDOp, allTypes, ixGatherNDRef)
}

// ixCheckIndices returns an error unless s is an integer tensor.
func ixCheckIndices(s core.Spec) error {
	if !s.DType.IsInt() {
		return fmt.Errorf("indices are %s, want an integer dtype", s.DType)
	}
	return nil
}

// ixNormIndex maps index x of an axis of size n to [0, n), counting negative indices from the end.
func ixNormIndex(x int64, axis, n int) (int, error) {
	if x < -int64(n) || x >= int64(n) {
		return 0, fmt.Errorf("index %d out of range for axis %d of size %d", x, axis, n)
	}
	if x < 0 {
		x += int64(n)
	}
	return int(x), nil
}

// ixNormIndices normalizes every index of idx for an axis of size n.
func ixNormIndices(idx *Tensor, axis, n int) ([]int, error) {
	iv := idx.Int64s()
	out := make([]int, len(iv))
	for i, x := range iv {
		k, err := ixNormIndex(x, axis, n)
		if err != nil {
			return nil, err
		}
		out[i] = k
	}
	return out, nil
}

func ixInferGather(p GatherParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	if err := ixCheckIndices(in[1]); err != nil {
		return nil, err
	}
	ds := in[0].Shape
	if len(ds) == 0 {
		return nil, fmt.Errorf("data is a scalar, want rank >= 1")
	}
	axis, err := shape.NormalizeAxis(p.Axis, len(ds))
	if err != nil {
		return nil, err
	}
	out := append(append(append(shape.Shape{}, ds[:axis]...), in[1].Shape...), ds[axis+1:]...)
	return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
}

func ixGatherRef(p GatherParams, in, out []*Tensor) error {
	data := in[0]
	axis, _ := shape.NormalizeAxis(p.Axis, data.Rank())
	outer, n, inner := ref.AxisSplit(data.Shape(), axis)
	idx, err := ixNormIndices(in[1], axis, n)
	if err != nil {
		return err
	}
	m := len(idx)
	src := make([]int, out[0].Size())
	for o := 0; o < outer; o++ {
		for i, k := range idx {
			to, from := (o*m+i)*inner, (o*n+k)*inner
			for q := 0; q < inner; q++ {
				src[to+q] = from + q
			}
		}
	}
	ref.Gather(out[0], data, src)
	return nil
}

// ixGradGather views data as [outer, n, inner] and the gradient as [outer, m, inner] (m indices)
// and scatter-adds the gradient rows into zeros along the middle axis: rows never selected get
// zero, rows selected twice get both contributions.
func ixGradGather(p GatherParams, in, _, g []*Tensor) []*Tensor {
	data, idx := in[0], in[1]
	axis, _ := shape.NormalizeAxis(p.Axis, data.Rank())
	ds := data.Shape()
	outer, n, inner := ixProd(ds[:axis]), ds[axis], ixProd(ds[axis+1:])
	m := ixProd(idx.Shape())
	g3 := Reshape(g[0], outer, m, inner)
	i3 := BroadcastTo(Reshape(idx, 1, m, 1), outer, m, inner)
	z := Reshape(ixFullLike(data, g[0].DType(), 0), outer, n, inner)
	return []*Tensor{Reshape(ScatterAdd(z, i3, g3, 1), ds...), nil}
}

// ixProd returns the product of dims, or shape.Unknown if one is unknown (while tracing).
func ixProd(dims []int) int {
	n := shape.Shape(dims).Size()
	return max(n, shape.Unknown)
}

// ixFullLike returns a tensor of x's shape filled with v as dtype dt, computed from x with where:
// while tracing it is an op on x, so unknown dimensions stay unknown and no constant of x's size
// is captured into the graph (ops.Full, having no inputs, would run at trace time and be
// captured). Its gradient with respect to x is zero, as it should be.
func ixFullLike(x *Tensor, dt dtype.DType, v float64) *Tensor {
	return Cast(Where(tensor.Scalar(false), x, scalarLike(x, v)), dt)
}

// ixInferAlongAxis checks data and indices of the same rank whose dimensions other than axis
// fit in data's (ONNX GatherElements and ScatterElements, torch.gather and torch.scatter).
func ixInferAlongAxis(axis int, data, idx core.Spec) (int, error) {
	if err := ixCheckIndices(idx); err != nil {
		return 0, err
	}
	ds, is := data.Shape, idx.Shape
	if len(ds) == 0 {
		return 0, fmt.Errorf("data is a scalar, want rank >= 1")
	}
	a, err := shape.NormalizeAxis(axis, len(ds))
	if err != nil {
		return 0, err
	}
	if len(is) != len(ds) {
		return 0, fmt.Errorf("indices have rank %d (shape %v), want the rank of data %v", len(is), is, ds)
	}
	for d := range ds {
		if d != a && is[d] > ds[d] && ds[d] >= 0 {
			return 0, fmt.Errorf("indices %v are larger than data %v in dimension %d", is, ds, d)
		}
	}
	return a, nil
}

func ixInferTakeAlongAxis(p GatherParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	if _, err := ixInferAlongAxis(p.Axis, in[0], in[1]); err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: in[1].Shape.Clone()}}, nil
}

// ixAlongAxisOffsets returns, for each element of indices (shape is), the flat index in a tensor
// of shape ds of the element it addresses: its own coordinates with the one along axis replaced
// by the index.
func ixAlongAxisOffsets(ds, is shape.Shape, axis int, idx *Tensor) ([]int, error) {
	k, err := ixNormIndices(idx, axis, ds[axis])
	if err != nil {
		return nil, err
	}
	st := ds.Strides()
	off := make([]int, len(k))
	pos := make([]int, len(is))
	for j := range off {
		o := 0
		for d, c := range pos {
			if d == axis {
				c = k[j]
			}
			o += c * st[d]
		}
		off[j] = o
		ixNext(pos, is)
	}
	return off, nil
}

// ixNext advances the multi-index pos through shape s in row-major order.
func ixNext(pos []int, s shape.Shape) {
	for d := len(s) - 1; d >= 0; d-- {
		if pos[d]++; pos[d] < s[d] {
			return
		}
		pos[d] = 0
	}
}

func ixTakeAlongAxisRef(p GatherParams, in, out []*Tensor) error {
	axis, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
	src, err := ixAlongAxisOffsets(in[0].Shape(), in[1].Shape(), axis, in[1])
	if err != nil {
		return err
	}
	ref.Gather(out[0], in[0], src)
	return nil
}

func ixGradTakeAlongAxis(p GatherParams, in, _, g []*Tensor) []*Tensor {
	z := ixFullLike(in[0], g[0].DType(), 0)
	return []*Tensor{ScatterAdd(z, in[1], g[0], p.Axis), nil}
}

// ixInferND checks data and indices for gather_nd and scatter_nd and returns the number k of
// coordinates in an index tuple and the shape of the gathered (or scattered) part:
// indices.shape[:-1] + data.shape[batch+k:].
func ixInferND(b int, data, idx core.Spec) (int, shape.Shape, error) {
	if err := ixCheckIndices(idx); err != nil {
		return 0, nil, err
	}
	ds, is := data.Shape, idx.Shape
	r, q := len(ds), len(is)
	switch {
	case r == 0:
		return 0, nil, fmt.Errorf("data is a scalar, want rank >= 1")
	case q == 0:
		return 0, nil, fmt.Errorf("indices are a scalar, want rank >= 1")
	case b < 0 || b >= q || b >= r:
		return 0, nil, fmt.Errorf("batch_dims %d out of range for data of rank %d and indices of rank %d", b, r, q)
	}
	k := is[q-1]
	if k < 1 || k > r-b {
		return 0, nil, fmt.Errorf("index tuples have %d coordinates (last dimension of indices %v), want 1 to %d for data %v with batch_dims %d",
			k, is, r-b, ds, b)
	}
	for d := 0; d < b; d++ {
		if ds[d] != is[d] && ds[d] >= 0 && is[d] >= 0 {
			return 0, nil, fmt.Errorf("batch dimension %d differs: data %v, indices %v", d, ds, is)
		}
	}
	part := append(append(shape.Shape{}, is[:q-1]...), ds[b+k:]...)
	return k, part, nil
}

func ixInferGatherND(p GatherNDParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	_, part, err := ixInferND(p.BatchDims, in[0], in[1])
	if err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: part}}, nil
}

// ixNDOffsets returns, for each index tuple of idx (in row-major order over indices.shape[:-1]),
// the flat index in data (shape ds) where the slice it addresses starts, and the slice size.
func ixNDOffsets(ds shape.Shape, idx *Tensor, b int) ([]int, int, error) {
	is := idx.Shape()
	k := is[len(is)-1]
	slice := shape.Shape(ds[b+k:]).Size()
	batch := shape.Shape(ds[:b]).Size()
	tuples := shape.Shape(is[:len(is)-1]).Size()
	perBatch := 0
	if batch > 0 {
		perBatch = tuples / batch
	}
	batchSize := shape.Shape(ds[b:]).Size()
	st := ds.Strides()
	iv := idx.Int64s()
	offs := make([]int, tuples)
	for t := range offs {
		o := (t / max(perBatch, 1)) * batchSize
		for j := 0; j < k; j++ {
			c, err := ixNormIndex(iv[t*k+j], b+j, ds[b+j])
			if err != nil {
				return nil, 0, fmt.Errorf("index tuple %d: %w", t, err)
			}
			o += c * st[b+j]
		}
		offs[t] = o
	}
	return offs, slice, nil
}

// ixExpand turns slice starts into the flat index of every element of every slice.
func ixExpand(offs []int, slice int) []int {
	out := make([]int, 0, len(offs)*slice)
	for _, o := range offs {
		for s := 0; s < slice; s++ {
			out = append(out, o+s)
		}
	}
	return out
}

func ixGatherNDRef(p GatherNDParams, in, out []*Tensor) error {
	offs, slice, err := ixNDOffsets(in[0].Shape(), in[1], p.BatchDims)
	if err != nil {
		return err
	}
	ref.Gather(out[0], in[0], ixExpand(offs, slice))
	return nil
}

func ixGradGatherND(p GatherNDParams, in, _, g []*Tensor) []*Tensor {
	z := ixFullLike(in[0], g[0].DType(), 0)
	return []*Tensor{ScatterNDWith(z, in[1], g[0], ScatterNDParams{Reduction: "add", BatchDims: p.BatchDims}), nil}
}

// Gather returns the slices of data selected by indices along axis, as ONNX Gather and
// numpy.take: the result has shape data.shape[:axis] + indices.shape + data.shape[axis+1:], so a
// scalar index removes the axis. Indices may be of any integer dtype and negative (counting from
// the end, as ONNX; torch.index_select rejects them). It panics with a *core.Error if data is a
// scalar, the axis is out of range or indices are not integers, and, eagerly, if an index is
// outside [-size, size) of the axis (the message names the index, the axis and the size). The
// gradient with respect to data adds the upstream gradient into the selected rows (rows picked
// twice get both contributions); indices have none.
func Gather(data, indices *Tensor, axis int) *Tensor {
	return core.Apply1(gatherOp, GatherParams{Axis: axis}, data, indices)
}

// TakeAlongAxis returns, for each element of indices, the element of data at the same
// coordinates except along axis, where the index is used: out[i][j][k] = data[idx[i][j][k]][j][k]
// for axis 0. It is ONNX GatherElements and torch.gather; indices must have data's rank and no
// larger dimension than data except along axis, and the result has indices' shape. Where PyTorch
// and NumPy differ Tide follows ONNX and PyTorch: a smaller index dimension selects a prefix of
// data's (numpy.take_along_axis would broadcast instead), and negative indices count from the end
// (torch.gather rejects them). It panics with a *core.Error on mismatched ranks or shapes and,
// eagerly, on an index out of range. The gradient with respect to data scatter-adds the upstream
// gradient to the positions read.
func TakeAlongAxis(data, indices *Tensor, axis int) *Tensor {
	return core.Apply1(takeAlongAxisOp, GatherParams{Axis: axis}, data, indices)
}

// GatherND returns the slices of data addressed by the index tuples along the last axis of
// indices, as ONNX GatherND and tf.gather_nd: with k = indices.shape[-1] and b = batchDims, the
// result has shape indices.shape[:-1] + data.shape[b+k:], and the first b dimensions of data
// and indices are batch dimensions iterated together. Negative coordinates count from the end.
// It panics with a *core.Error if k is not in 1..rank(data)-b, the batch dimensions differ or
// indices are not integers, and, eagerly, on a coordinate out of range (the message names the
// tuple, the axis and its size). The gradient with respect to data scatter-adds the upstream
// gradient into the addressed slices.
func GatherND(data, indices *Tensor, batchDims int) *Tensor {
	return core.Apply1(gatherNDOp, GatherNDParams{BatchDims: batchDims}, data, indices)
}
