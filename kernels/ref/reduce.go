package ref

import (
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Reference loops of the reductions along one axis: running folds (cumulative sum and product),
// arg-reductions and segment sums.

// rdAxisSplit views shape s around axis as (outer, n, inner): element (o, i, q) is at flat index
// (o*n+i)*inner+q.
func rdAxisSplit(s shape.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, s[axis], inner
}

// Scan computes a running fold of x along axis into out (same shape): out[i] = f(out[i-1], x[i])
// starting from f(init, x[0]), or, when exclusive, out[i] = the fold of the elements strictly
// before i (out[0] = init). With reverse the fold runs from the end of the axis, as ONNX CumSum's
// reverse attribute.
func Scan[T Scalar](out, x *tensor.Tensor, axis int, exclusive, reverse bool, init T, f func(acc, v T) T) {
	xv := Values[T](x)
	ov := make([]T, len(xv))
	outer, n, inner := rdAxisSplit(x.Shape(), axis)
	acc := make([]T, inner) // one running value per position after the axis, walked row by row
	for o := 0; o < outer; o++ {
		for q := range acc {
			acc[q] = init
		}
		for k := 0; k < n; k++ {
			i := k
			if reverse {
				i = n - 1 - k
			}
			row := (o*n + i) * inner
			for q := range acc {
				j := row + q
				if exclusive {
					ov[j] = acc[q]
					acc[q] = f(acc[q], xv[j])
				} else {
					acc[q] = f(acc[q], xv[j])
					ov[j] = acc[q]
				}
			}
		}
	}
	Store(out, ov)
}

// ArgReduce writes into out (int64, x's shape without axis) the position along axis of the
// element that ranks first: before(a, b) reports whether a ranks strictly ahead of b. Of equal
// elements the first wins, or the last when last is set (ONNX's select_last_index). The axis must
// not be empty.
func ArgReduce[T Scalar](out, x *tensor.Tensor, axis int, last bool, before func(a, b T) bool) {
	xv := Values[T](x)
	outer, n, inner := rdAxisSplit(x.Shape(), axis)
	ov := make([]int64, outer*inner)
	for o := 0; o < outer; o++ {
		for q := 0; q < inner; q++ {
			base := o*n*inner + q
			best, bi := xv[base], 0
			for k := 1; k < n; k++ {
				v := xv[base+k*inner]
				if before(v, best) || (last && !before(best, v)) {
					best, bi = v, k
				}
			}
			ov[o*inner+q] = int64(bi)
		}
	}
	Store(out, ov)
}

// SegmentSum sums runs of consecutive elements of x along axis into out: output position i along
// the axis is the sum of the counts[i] elements that follow the first counts[0]+...+counts[i-1]
// (zero for a count of 0). A single count applies to every output position. It is the adjoint of
// gathering with [RepeatIndex].
func SegmentSum[T Scalar](out, x *tensor.Tensor, axis int, counts []int) {
	xv := Values[T](x)
	outer, n, inner := rdAxisSplit(x.Shape(), axis)
	m := out.Shape()[axis]
	ov := make([]T, outer*m*inner)
	for o := 0; o < outer; o++ {
		k := 0
		for i := 0; i < m; i++ {
			c := counts[0]
			if len(counts) > 1 {
				c = counts[i]
			}
			for ; c > 0 && k < n; c-- {
				src := (o*n + k) * inner
				dst := (o*m + i) * inner
				for q := 0; q < inner; q++ {
					ov[dst+q] += xv[src+q]
				}
				k++
			}
		}
	}
	Store(out, ov)
}
