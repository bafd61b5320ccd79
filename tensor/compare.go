package tensor

import (
	"math"

	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/shape"
)

// AllClose reports whether a and b have broadcast-compatible shapes and every pair of elements
// satisfies |a-b| <= atol + rtol*|b|, as NumPy's allclose (NaNs are never close; infinities are
// close only to the same infinity). Elements are compared in float64.
// It panics with a *core.Error on a symbolic tensor.
func AllClose(a, b *Tensor, rtol, atol float64) bool {
	ok, _ := closeIndex(a, b, rtol, atol)
	return ok
}

// Equal reports whether a and b have the same dtype, shape and elements (NaN equals nothing).
func Equal(a, b *Tensor) bool {
	if a.dt != b.dt || !a.shape.Equal(b.shape) {
		return false
	}
	ok, _ := closeIndex(a, b, 0, 0)
	return ok
}

// MaxDiff returns the largest |a-b| over broadcast elements and its flat index in the broadcast
// shape; NaN is reported if any pair differs in NaN-ness. Tests use it to report how far apart
// two tensors are. It panics with a *core.Error if the shapes do not broadcast.
func MaxDiff(a, b *Tensor) (diff float64, index int) {
	av, bv, _, err := broadcastPair(a, b)
	if err != nil {
		panic(errs.Wrap("tensor.MaxDiff", err))
	}
	for i := range av {
		d := math.Abs(av[i] - bv[i])
		if math.IsNaN(av[i]) != math.IsNaN(bv[i]) {
			return math.NaN(), i
		}
		if av[i] == bv[i] {
			d = 0
		}
		if d > diff {
			diff, index = d, i
		}
	}
	return diff, index
}

func closeIndex(a, b *Tensor, rtol, atol float64) (bool, int) {
	av, bv, _, err := broadcastPair(a, b)
	if err != nil {
		return false, -1
	}
	for i := range av {
		x, y := av[i], bv[i]
		if x == y {
			continue
		}
		if math.IsInf(x, 0) || math.IsInf(y, 0) || !(math.Abs(x-y) <= atol+rtol*math.Abs(y)) {
			return false, i
		}
	}
	return true, -1
}

// broadcastPair returns a's and b's elements as float64 broadcast to their common shape.
func broadcastPair(a, b *Tensor) ([]float64, []float64, shape.Shape, error) {
	s, err := shape.Broadcast(a.shape, b.shape)
	if err != nil {
		return nil, nil, nil, err
	}
	return broadcastFloat64s(a, s), broadcastFloat64s(b, s), s, nil
}

func broadcastFloat64s(t *Tensor, s shape.Shape) []float64 {
	v := t.Float64s()
	if t.shape.Equal(s) {
		return v
	}
	out := make([]float64, s.Size())
	src := BroadcastStrides(t.shape, s)
	idx := make([]int, len(s))
	for i := range out {
		off := 0
		for d := range idx {
			off += idx[d] * src[d]
		}
		out[i] = v[off]
		for d := len(idx) - 1; d >= 0; d-- {
			if idx[d]++; idx[d] < s[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// BroadcastStrides returns, for each dimension of target, the stride in elements of a row-major
// tensor of shape s broadcast to target (0 along broadcast dimensions). s must broadcast to target.
func BroadcastStrides(s, target shape.Shape) []int {
	st := s.Strides()
	out := make([]int, len(target))
	off := len(target) - len(s)
	for i := range s {
		if s[i] != 1 || target[off+i] == 1 {
			out[off+i] = st[i]
		}
	}
	return out
}
