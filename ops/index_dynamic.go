package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Ops whose output shape depends on the input's values: nonzero (ONNX NonZero) and unique
// (torch.unique). Such an op can only run eagerly. Its params carry the output length: the
// exported function counts it from the concrete input before applying the op, so that the
// declared shape is exact and the kernel runs through the registry as any other. On a symbolic
// input (while tracing) the length is shape.Unknown, and the inferred shape has an unknown (-1)
// dimension a tracer can see; a graph executor must then run the op eagerly or reject it.

// NonZeroParams gives nonzero its output length.
type NonZeroParams struct {
	// Count is the number of non-zero elements of the input, or shape.Unknown (-1) when it is
	// not known (symbolic input). The kernel fails if the input does not have exactly Count.
	Count int
}

// UniqueParams gives unique its output length.
type UniqueParams struct {
	// Size is the number of distinct values of the input, or shape.Unknown (-1) when it is
	// not known (symbolic input). The kernel fails if the input does not have exactly Size.
	Size int
}

var nonZeroOp, uniqueOp *core.Op

func init() {
	nonZeroOp = core.Declare(core.Def[NonZeroParams]{
		Name: "nonzero", Doc: "int64 coordinates [rank, n] of the non-zero elements, data-dependent shape, eager only (ONNX NonZero, torch.nonzero().T)",
		NotDifferentiable: true, DTypes: allTypes, Infer: ixInferNonZero,
	})
	registerRef(nonZeroOp, allTypes, ixNonZeroRef)

	uniqueOp = core.Declare(core.Def[UniqueParams]{
		Name: "unique", Doc: "sorted distinct values with int64 inverse indices and counts, data-dependent shape, eager only (torch.unique(sorted=True), ONNX Unique)",
		NotDifferentiable: true, DTypes: allTypes, Infer: ixInferUnique,
	})
	registerRef(uniqueOp, allTypes, ixUniqueRef)
}

// ixCheckLength returns an error unless n is a valid data-dependent length for an input of size.
func ixCheckLength(what string, n, size int) error {
	if n < shape.Unknown || (size >= 0 && n > size) {
		return fmt.Errorf("%s %d is impossible for an input of %d elements (want -1 for unknown, or 0 to %d)", what, n, size, size)
	}
	return nil
}

func ixInferNonZero(p NonZeroParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if err := ixCheckLength("count", p.Count, in[0].Shape.Size()); err != nil {
		return nil, err
	}
	return []core.Spec{{DType: dtype.Int64, Shape: shape.Shape{len(in[0].Shape), p.Count}}}, nil
}

// ixNonZeroFlat returns the flat positions of x's non-zero (or NaN, or true) elements.
func ixNonZeroFlat(x *Tensor) []int {
	var pos []int
	for i, v := range x.Float64s() {
		if v != 0 { // NaN != 0
			pos = append(pos, i)
		}
	}
	return pos
}

func ixNonZeroRef(p NonZeroParams, in, out []*Tensor) error {
	pos := ixNonZeroFlat(in[0])
	if len(pos) != p.Count {
		return fmt.Errorf("input has %d non-zero elements, the output was sized for %d", len(pos), p.Count)
	}
	s := in[0].Shape()
	st := s.Strides()
	n := len(pos)
	ov := make([]int64, len(s)*n)
	for j, f := range pos {
		for d := range s {
			ov[d*n+j] = int64(f / st[d] % s[d])
		}
	}
	ref.Store(out[0], ov)
	return nil
}

func ixInferUnique(p UniqueParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if err := ixCheckLength("size", p.Size, in[0].Shape.Size()); err != nil {
		return nil, err
	}
	if in[0].Shape.Size() > 0 && p.Size == 0 {
		return nil, fmt.Errorf("size 0 is impossible for an input of %d elements", in[0].Shape.Size())
	}
	return []core.Spec{
		{DType: in[0].DType, Shape: shape.Shape{p.Size}},
		{DType: dtype.Int64, Shape: in[0].Shape},
		{DType: dtype.Int64, Shape: shape.Shape{p.Size}},
	}, nil
}

// ixUniqueGroups sorts x's elements (NaN last) and returns the sorting permutation and, for each
// sorted position, the number of its group of equal values. All NaNs form one group, as NumPy's
// unique (equal_nan=True).
func ixUniqueGroups(x *Tensor) (perm, group []int) {
	if x.DType().IsFloat() {
		return ixGroups(ref.Values[float64](x))
	}
	return ixGroups(ref.Values[int64](x))
}

func ixGroups[T ref.Scalar](v []T) (perm, group []int) {
	perm = make([]int, len(v))
	for i := range perm {
		perm[i] = i
	}
	ref.SortPerm(v, perm, false)
	group = make([]int, len(v))
	for i := 1; i < len(perm); i++ {
		group[i] = group[i-1]
		if ref.CompareNaNLast(v[perm[i-1]], v[perm[i]]) != 0 {
			group[i]++
		}
	}
	return perm, group
}

func ixUniqueRef(p UniqueParams, in, out []*Tensor) error {
	perm, group := ixUniqueGroups(in[0])
	n := 0
	if len(group) > 0 {
		n = group[len(group)-1] + 1
	}
	if n != p.Size {
		return fmt.Errorf("input has %d distinct values, the output was sized for %d", n, p.Size)
	}
	first := make([]int, n) // the first element (in input order) of each group
	inverse := make([]int64, len(perm))
	counts := make([]int64, n)
	for i, j := range perm {
		g := group[i]
		if counts[g] == 0 {
			first[g] = j
		}
		counts[g]++
		inverse[j] = int64(g)
	}
	ref.Gather(out[0], in[0], first)
	ref.Store(out[1], inverse)
	ref.Store(out[2], counts)
	return nil
}

// NonZero returns the coordinates of the non-zero elements of x (true for bool, and NaN counts as
// non-zero) as an int64 tensor of shape [rank, n], in row-major order of the elements, as ONNX
// NonZero (torch.nonzero gives the transpose, [n, rank]: see [ArgWhere]). Its shape depends on
// x's values, so it runs only eagerly: on a symbolic x (while tracing) it returns a symbolic
// result of shape [rank, ?] that a graph cannot compute ahead of time. It is not differentiable.
func NonZero(x *Tensor) *Tensor {
	n := shape.Unknown
	if !x.IsSymbolic() {
		n = len(ixNonZeroFlat(x))
	}
	return core.Apply1(nonZeroOp, NonZeroParams{Count: n}, x)
}

// NonZeroPerAxis returns the coordinates of the non-zero elements of x as one int64 vector per
// axis, as numpy.nonzero and torch.nonzero(as_tuple=True): element j of vector d is the d-th
// coordinate of the j-th non-zero element. It runs only eagerly; see [NonZero].
func NonZeroPerAxis(x *Tensor) []*Tensor {
	nz := NonZero(x)
	out := make([]*Tensor, x.Rank())
	for d := range out {
		out[d] = Gather(nz, tensor.Scalar(int64(d)), 0)
	}
	return out
}

// ArgWhere returns the coordinates of the non-zero elements of x as an int64 tensor of shape
// [n, rank], one row per element, as torch.nonzero and tf.where with one argument. It runs only
// eagerly; see [NonZero].
func ArgWhere(x *Tensor) *Tensor {
	return Transpose(NonZero(x))
}

// Unique returns the distinct values of x (flattened), sorted ascending, as
// torch.unique(sorted=True) and numpy.unique. See [UniqueAll].
func Unique(x *Tensor) *Tensor {
	v, _, _ := UniqueAll(x)
	return v
}

// UniqueAll returns the distinct values of x (flattened) sorted ascending, the int64 inverse
// indices (for each element of x, the position of its value in values; x's shape) and the int64
// count of each value, as torch.unique(sorted=True, return_inverse=True, return_counts=True).
// All NaNs are one value, sorted last, as numpy.unique's default (PyTorch keeps each NaN apart);
// -0 and +0 are one value, represented by whichever comes first in x. The result's length depends
// on x's values, so it runs only eagerly: on a symbolic x (while tracing) values and counts have
// an unknown (-1) length that a graph cannot compute ahead of time. It is not differentiable.
func UniqueAll(x *Tensor) (values, inverse, counts *Tensor) {
	n := shape.Unknown
	if !x.IsSymbolic() {
		_, group := ixUniqueGroups(x)
		n = 0
		if len(group) > 0 {
			n = group[len(group)-1] + 1
		}
	}
	out := core.Apply(uniqueOp, UniqueParams{Size: n}, x)
	return out[0], out[1], out[2]
}
