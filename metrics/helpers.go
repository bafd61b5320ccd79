package metrics

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Shape helpers written without static batch sizes, so that updates trace with an unknown
// batch dimension: a squeeze of a size-1 axis is a Sum over it, an expansion a ReshapeLike,
// and a broadcast along trailing axes an ExpandLike.

// epsilon is Keras's backend.epsilon().
const epsilon = 1e-7

// scalar returns a rank-0 constant of dtype dt.
func scalar(dt dtype.DType, v float64) *tensor.Tensor { return tensor.Full(dt, v) }

// squeezeOrExpand is Keras's squeeze_or_expand_to_same_rank(x1, x2) with expand_rank_1=True.
func squeezeOrExpand(x1, x2 *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	r1, r2 := x1.Rank(), x2.Rank()
	switch {
	case r1 == r2+1 && x1.Dim(-1) == 1:
		if r2 == 1 {
			return x1, ops.ReshapeLike(x2, x1)
		}
		return ops.Sum(x1, -1), x2
	case r2 == r1+1 && x2.Dim(-1) == 1:
		if r1 == 1 {
			return ops.ReshapeLike(x1, x2), x2
		}
		return x1, ops.Sum(x2, -1)
	}
	return x1, x2
}

// broadcastLike broadcasts weights w to like's shape, aligning them from the leading (batch)
// axis: [batch] weights of [batch, classes] values weight whole rows, as Keras's expansion of
// sample weights does.
func broadcastLike(w, like *tensor.Tensor) *tensor.Tensor {
	w = ops.Cast(w, like.DType())
	if r := w.Rank(); r > 0 && r < like.Rank() {
		return ops.ExpandLike(w, like, axesFrom(r, like.Rank())...)
	}
	return ops.Mul(w, ops.OnesLike(like))
}

// axesFrom returns lo, lo+1, ..., hi-1.
func axesFrom(lo, hi int) []int {
	axes := make([]int, 0, max(hi-lo, 0))
	for a := lo; a < hi; a++ {
		axes = append(axes, a)
	}
	return axes
}

// divNoNaN returns a / b, and 0 where b is 0 (Keras's divide_no_nan).
func divNoNaN(a, b *tensor.Tensor) *tensor.Tensor {
	zero := ops.Equal(b, ops.ZerosLike(b))
	safe := ops.Where(zero, ops.OnesLike(b), b)
	q := ops.Div(a, safe)
	return ops.Where(zero, ops.ZerosLike(q), q)
}

// squeezeLast drops a last axis of size 1.
func squeezeLast(x *tensor.Tensor) *tensor.Tensor {
	if x.Rank() > 0 && x.Dim(-1) == 1 {
		return ops.Sum(x, -1)
	}
	return x
}

// meanLastIfMatrix averages per-element values over the last axis, Keras's mean(..., axis=-1),
// except for rank-1 values, whose elements are the samples. (Keras averages those too, which
// turns a batch of rank-1 targets into a single sample.)
func meanLastIfMatrix(x *tensor.Tensor) *tensor.Tensor {
	if x.Rank() < 2 {
		return x
	}
	return ops.Mean(x, -1)
}

// floatAs returns x as dt if it is not floating-point already.
func floatAs(x *tensor.Tensor, dt dtype.DType) *tensor.Tensor {
	if x.DType().IsFloat() {
		return x
	}
	return ops.Cast(x, dt)
}

// pickKeep returns x[..., idx] along x's last axis with that axis kept as 1: idx has x's shape
// without it. Indices outside [0, classes) read class 0; valid reports which were inside.
func pickKeep(x, idx *tensor.Tensor) (v, valid *tensor.Tensor) {
	idx = ops.Cast(idx, dtype.Int64)
	n := tensor.Full(dtype.Int64, float64(x.Dim(-1)))
	valid = ops.LogicalAnd(ops.GreaterEqual(idx, tensor.Full(dtype.Int64, 0)), ops.Less(idx, n))
	idx = ops.Where(valid, idx, ops.ZerosLike(idx))
	col := ops.SliceAxis(x.Detach(), -1, 0, 1, 1)
	return ops.TakeAlongAxis(x, ops.ReshapeLike(idx, col), -1), valid
}
