package ref

import (
	"math"

	"github.com/tideml/tide/internal/philox"
)

// Reference loops of the neural-network ("nn") family: softmax, resampling along one axis
// (resize and its adjoint) and the dropout mask.

// Softmax computes, for each lane of x viewed as [outer, n, inner] (a lane is the n elements
// at fixed outer and inner positions), the softmax of the lane into y, or the log-softmax when
// log is set. The lane's maximum is subtracted first, so exp never overflows; a lane holding a
// NaN gives NaN throughout, as does a lane whose maximum is infinite (+Inf - +Inf is NaN for the
// infinite elements, and a lane of -Inf has no finite shift), as in PyTorch.
func Softmax(y, x []float64, outer, n, inner int, log bool) {
	for o := 0; o < outer; o++ {
		for q := 0; q < inner; q++ {
			base := o*n*inner + q
			m := math.Inf(-1)
			for i := 0; i < n; i++ {
				v := x[base+i*inner]
				if v != v || v > m {
					m = v
					if v != v {
						break
					}
				}
			}
			s := 0.0
			for i := 0; i < n; i++ {
				s += Exp(x[base+i*inner] - m)
			}
			if log {
				ls := Log(s)
				for i := 0; i < n; i++ {
					y[base+i*inner] = x[base+i*inner] - m - ls
				}
				continue
			}
			for i := 0; i < n; i++ {
				y[base+i*inner] = Exp(x[base+i*inner]-m) / s
			}
		}
	}
}

// Taps describes a resampling along one axis: output position j reads the input positions
// Index[j] with the weights Weight[j] (nil weights: one tap of weight 1 per position, a pure
// selection). Resize, its adjoint, and every interpolation mode are written with it.
type Taps struct {
	Index  [][]int
	Weight [][]float64
}

// Len returns the number of output positions.
func (t *Taps) Len() int { return len(t.Index) }

// ResampleAxis computes y[o, j, q] = Σ_k Weight[j][k]·x[o, Index[j][k], q] for x viewed as
// [outer, nIn, inner] and y as [outer, t.Len(), inner].
func ResampleAxis(y, x []float64, outer, nIn, inner int, t *Taps) {
	nOut := t.Len()
	for o := 0; o < outer; o++ {
		for j := 0; j < nOut; j++ {
			yo := (o*nOut + j) * inner
			for k, i := range t.Index[j] {
				w := 1.0
				if t.Weight != nil {
					w = t.Weight[j][k]
				}
				xo := (o*nIn + i) * inner
				for q := 0; q < inner; q++ {
					y[yo+q] += w * x[xo+q]
				}
			}
		}
	}
}

// ResampleAxisAdjoint is the transpose of [ResampleAxis]: it adds Weight[j][k]·y[o, j, q] into
// x[o, Index[j][k], q] for y viewed as [outer, t.Len(), inner] and x, which must be zeroed, as
// [outer, nIn, inner]. It is the gradient of a resampling with respect to its input.
func ResampleAxisAdjoint(x, y []float64, outer, nIn, inner int, t *Taps) {
	nOut := t.Len()
	for o := 0; o < outer; o++ {
		for j := 0; j < nOut; j++ {
			yo := (o*nOut + j) * inner
			for k, i := range t.Index[j] {
				w := 1.0
				if t.Weight != nil {
					w = t.Weight[j][k]
				}
				xo := (o*nIn + i) * inner
				for q := 0; q < inner; q++ {
					x[xo+q] += w * y[yo+q]
				}
			}
		}
	}
}

// DropoutKeep returns n booleans: element i is true (kept) when word i of Philox stream stream
// under the key of seed is at least threshold, which happens with probability
// 1 - threshold/2^32 (threshold 2^32 keeps nothing). Element i depends only on (seed, stream,
// i), so the mask is the same on every machine and for any GOMAXPROCS.
func DropoutKeep(n int, seed, stream, threshold uint64) []bool {
	w := make([]uint32, n)
	philox.Uint32s(philox.KeyFromSeed(seed), stream, w)
	keep := make([]bool, n)
	for i, u := range w {
		keep[i] = uint64(u) >= threshold
	}
	return keep
}
