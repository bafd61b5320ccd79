package ops

import (
	"fmt"
	"slices"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Sorting: sort (torch.sort with stable=True) and top_k (ONNX TopK, torch.topk). Both are
// primitives with two outputs, the values and their int64 positions along the axis, as in
// jax.lax, where sort and top_k are primitives too: top_k needs no full sort, and sort needs no k
// (so it works when the axis length is only known at run time).
//
// Order: NaN is greater than every number (PyTorch's rule), so it comes last in ascending order
// and first in descending order; -0 equals +0. Both ops are stable: equal values keep the order of
// their positions, lower index first, whatever the direction, as torch.sort(stable=True) and as
// ONNX TopK requires for ties. The gradient of the values scatters the upstream gradient back to
// the positions they came from; the indices have none.

// SortParams configures sort.
type SortParams struct {
	// Axis to sort along; negative counts from the end.
	Axis int
	// Descending sorts from largest to smallest.
	Descending bool
}

// TopKParams configures top_k. The zero value (apart from K) is ONNX's default except for Axis:
// the largest values, sorted.
type TopKParams struct {
	// K is how many values to return; it must not exceed the axis length.
	K int
	// Axis to select along; negative counts from the end (ONNX's default is -1).
	Axis int
	// Smallest selects the k smallest values instead of the largest (ONNX largest=0).
	Smallest bool
	// Unsorted returns the selected values in the order of their positions instead of sorted
	// (ONNX sorted=0 leaves the order unspecified; Tide fixes it).
	Unsorted bool
}

var sortOp, topKOp *core.Op

func init() {
	sortOp = core.Declare(core.Def[SortParams]{
		Name: "sort", Doc: "stable sort along an axis, giving values and int64 positions (torch.sort(stable=True); ONNX TopK with k = axis length)",
		DTypes: allTypes, Infer: ixInferSort, Grad: ixGradSort,
	})
	registerRef(sortOp, allTypes, func(p SortParams, in, out []*Tensor) error {
		axis, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		ixSortRef(in[0], out, axis, in[0].Dim(axis), p.Descending, true)
		return nil
	})

	topKOp = core.Declare(core.Def[TopKParams]{
		Name: "top_k", Doc: "k largest or smallest values along an axis and their int64 positions, ties to the lower index (ONNX TopK, torch.topk)",
		DTypes: allTypes, Infer: ixInferTopK, Grad: ixGradTopK,
	})
	registerRef(topKOp, allTypes, func(p TopKParams, in, out []*Tensor) error {
		axis, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		ixSortRef(in[0], out, axis, p.K, !p.Smallest, !p.Unsorted)
		return nil
	})
}

func ixInferSort(p SortParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if len(in[0].Shape) == 0 {
		return nil, fmt.Errorf("input is a scalar, want rank >= 1")
	}
	if _, err := shape.NormalizeAxis(p.Axis, len(in[0].Shape)); err != nil {
		return nil, err
	}
	return []core.Spec{in[0], {DType: dtype.Int64, Shape: in[0].Shape}}, nil
}

func ixInferTopK(p TopKParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape
	if len(s) == 0 {
		return nil, fmt.Errorf("input is a scalar, want rank >= 1")
	}
	axis, err := shape.NormalizeAxis(p.Axis, len(s))
	if err != nil {
		return nil, err
	}
	if p.K < 0 || (s[axis] >= 0 && p.K > s[axis]) {
		return nil, fmt.Errorf("k = %d out of range for axis %d of size %d", p.K, axis, s[axis])
	}
	out := s.Clone()
	out[axis] = p.K
	return []core.Spec{{DType: in[0].DType, Shape: out}, {DType: dtype.Int64, Shape: out}}, nil
}

// ixSortRef sorts each line of x along axis and writes its first k values and positions to
// out[0] and out[1]; with sorted false the k selected are written in position order.
func ixSortRef(x *Tensor, out []*Tensor, axis, k int, descending, sorted bool) {
	if x.DType().IsFloat() {
		ixSortLines(ref.Values[float64](x), x, out, axis, k, descending, sorted)
	} else {
		ixSortLines(ref.Values[int64](x), x, out, axis, k, descending, sorted)
	}
}

func ixSortLines[T ref.Scalar](v []T, x *Tensor, out []*Tensor, axis, k int, descending, sorted bool) {
	outer, n, inner := ref.AxisSplit(x.Shape(), axis)
	src := make([]int, 0, outer*k*inner)
	pos := make([]int64, 0, outer*k*inner)
	line := make([]T, n)
	perm := make([]int, n)
	for o := 0; o < outer; o++ {
		for q := 0; q < inner; q++ {
			for i := range line {
				line[i] = v[(o*n+i)*inner+q]
				perm[i] = i
			}
			ref.SortPerm(line, perm, descending)
			sel := perm[:k]
			if !sorted {
				sel = append([]int(nil), sel...)
				slices.Sort(sel) // position order
			}
			for _, i := range sel {
				src = append(src, (o*n+i)*inner+q)
				pos = append(pos, int64(i))
			}
		}
	}
	// The loops above visit (o, q) outermost and the k results innermost; the outputs are laid
	// out (o, r, q), so transpose the two inner coordinates.
	srcT := make([]int, len(src))
	posT := make([]int64, len(pos))
	for o := 0; o < outer; o++ {
		for q := 0; q < inner; q++ {
			for r := 0; r < k; r++ {
				from, to := (o*inner+q)*k+r, (o*k+r)*inner+q
				srcT[to], posT[to] = src[from], pos[from]
			}
		}
	}
	ref.Gather(out[0], x, srcT)
	ref.Store(out[1], posT)
}

// ixGradValues sends the gradient of selected values back to the positions they came from.
func ixGradValues(x, pos, g *Tensor, axis int) *Tensor {
	return ScatterAdd(ixFullLike(x, g.DType(), 0), pos, g, axis)
}

func ixGradSort(p SortParams, in, out, g []*Tensor) []*Tensor {
	return []*Tensor{ixGradValues(in[0], out[1], g[0], p.Axis)}
}

func ixGradTopK(p TopKParams, in, out, g []*Tensor) []*Tensor {
	return []*Tensor{ixGradValues(in[0], out[1], g[0], p.Axis)}
}

// SortWithIndices sorts x along axis and returns the sorted values and their int64 positions in
// x, as torch.sort(x, dim=axis, descending=descending, stable=True). The sort is stable: equal
// values keep their order (lower position first) in both directions. NaN counts as larger than
// every number: last ascending, first descending. It panics with a *core.Error if x is a scalar
// or the axis is out of range. The values are differentiable (the gradient goes back to where
// each value came from); the positions are not.
func SortWithIndices(x *Tensor, axis int, descending bool) (values, indices *Tensor) {
	out := core.Apply(sortOp, SortParams{Axis: axis, Descending: descending}, x)
	return out[0], out[1]
}

// Sort returns x sorted along axis, stably, ascending or descending, with NaN as the largest
// value; see [SortWithIndices].
func Sort(x *Tensor, axis int, descending bool) *Tensor {
	v, _ := SortWithIndices(x, axis, descending)
	return v
}

// Argsort returns the int64 positions that sort x along axis, as torch.argsort(stable=True) and
// numpy.argsort(kind="stable"); see [SortWithIndices]. It is not differentiable.
func Argsort(x *Tensor, axis int, descending bool) *Tensor {
	_, i := SortWithIndices(x, axis, descending)
	return i
}

// TopK returns the k largest values along the last axis of x, largest first, and their int64
// positions, as ONNX TopK and torch.topk with their defaults. See [TopKWith].
func TopK(x *Tensor, k int) (values, indices *Tensor) {
	return TopKWith(x, TopKParams{K: k, Axis: -1})
}

// TopKWith returns the p.K largest (or smallest) values of x along p.Axis and their int64
// positions, as ONNX TopK and torch.topk. Ties are broken by position, lower first, as ONNX
// requires. NaN counts as larger than every number, as in PyTorch. With p.Unsorted the selected
// values come in position order. It panics with a *core.Error if x is a scalar, the axis is out of
// range or K is negative or larger than the axis. The values are differentiable; the positions
// are not.
func TopKWith(x *Tensor, p TopKParams) (values, indices *Tensor) {
	out := core.Apply(topKOp, p, x)
	return out[0], out[1]
}
