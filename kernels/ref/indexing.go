package ref

import (
	"cmp"
	"slices"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Reference loops of the indexing, sorting and masking ops (gather, scatter, sort, top-k, unique).

// AxisSplit views a row-major tensor of shape s as a three-dimensional one around axis: outer is
// the product of the dimensions before axis, n the size of axis and inner the product of the
// dimensions after it, so element (o, i, q) is at flat index (o*n+i)*inner+q.
func AxisSplit(s shape.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, s[axis], inner
}

// Scatter sets dst's flat element idx[i] to src's flat element i, keeping exact bits; where idx
// repeats a position the last write wins. dst and src have the same dtype. It is the adjoint of
// [Gather].
func Scatter(dst, src *tensor.Tensor, idx []int) {
	switch s := src.Raw().(type) {
	case []bool:
		ixScatter(dst.Raw().([]bool), s, idx)
	case []uint8:
		ixScatter(dst.Raw().([]uint8), s, idx)
	case []int8:
		ixScatter(dst.Raw().([]int8), s, idx)
	case []int32:
		ixScatter(dst.Raw().([]int32), s, idx)
	case []int64:
		ixScatter(dst.Raw().([]int64), s, idx)
	case []dtype.F16:
		ixScatter(dst.Raw().([]dtype.F16), s, idx)
	case []dtype.BF16:
		ixScatter(dst.Raw().([]dtype.BF16), s, idx)
	case []float32:
		ixScatter(dst.Raw().([]float32), s, idx)
	case []float64:
		ixScatter(dst.Raw().([]float64), s, idx)
	}
}

func ixScatter[E any](d, s []E, idx []int) {
	for i, j := range idx {
		d[j] = s[i]
	}
}

// CompareNaNLast orders a before b (-1), after it (1) or equal (0) with NaN greater than every
// number and equal to itself, as PyTorch's sort and topk do; -0 equals +0. For int64 it is
// cmp.Compare.
func CompareNaNLast[T Scalar](a, b T) int {
	an, bn := a != a, b != b // only float64 NaN differs from itself
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

// SortPerm stably sorts perm, positions into v, by the values they point at: ascending with NaN
// last, or descending with NaN first (see [CompareNaNLast]). Equal values keep the order they have
// in perm, in both directions.
func SortPerm[T Scalar](v []T, perm []int, descending bool) {
	slices.SortStableFunc(perm, func(i, j int) int {
		if descending {
			return CompareNaNLast(v[j], v[i])
		}
		return CompareNaNLast(v[i], v[j])
	})
}

// ScatterReducer returns the combining function of a scatter reduction: "add", "mul", "max" or "min"
// (max and min return NaN if either operand is NaN), or nil for any other name.
func ScatterReducer[T Scalar](reduction string) func(acc, v T) T {
	switch reduction {
	case "add":
		return func(a, v T) T { return a + v }
	case "mul":
		return func(a, v T) T { return a * v }
	case "max":
		return func(a, v T) T {
			if a != a || v != v {
				return ixNaNOf(a, v)
			}
			return max(a, v)
		}
	case "min":
		return func(a, v T) T {
			if a != a || v != v {
				return ixNaNOf(a, v)
			}
			return min(a, v)
		}
	}
	return nil
}

// ixNaNOf returns whichever of a and v is NaN.
func ixNaNOf[T Scalar](a, v T) T {
	if a != a {
		return a
	}
	return v
}

// ScatterReduce computes out = data with each updates element i combined into flat position
// idx[i] by f, in the order of i, computing in T (float64 for float dtypes, int64 for integers,
// which wrap on store).
func ScatterReduce[T Scalar](out, data, updates *tensor.Tensor, idx []int, f func(acc, v T) T) {
	ov := Values[T](data)
	uv := Values[T](updates)
	for i, j := range idx {
		ov[j] = f(ov[j], uv[i])
	}
	Store(out, ov)
}
