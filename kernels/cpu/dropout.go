package cpu

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/philox"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Dropout draws the reference kernel's Philox mask a block at a time into a small buffer and
// applies it in the same pass, with the reference's result (x·mask in float64, rounded once) bit
// for bit.

func init() {
	op := core.Lookup("dropout")
	core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, dropoutKernel[float32])
	core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, dropoutKernel[float64])
}

const dropoutBlock = 2048

func dropoutKernel[T float32 | float64](p ops.DropoutParams, in, out []*tensor.Tensor) error {
	var step int64
	if len(in) == 2 {
		if step = in[1].Int64s()[0]; step < 0 {
			return fmt.Errorf("step %d is negative", step)
		}
	}
	seed, stream, threshold, scale := ops.DropoutStream(p, step)
	key := philox.KeyFromSeed(seed)
	x, z := tensor.Data[T](in[0]), tensor.Data[T](out[0])
	// The factor is picked from a table by the word's comparison with the threshold, without a
	// branch: half the elements of a dropout of rate 0.5 would mispredict one. Where the scale
	// is exact in T (2 for rate 0.5), x·scale rounded once in T is the reference's float64
	// product rounded to T, and the product stays in T.
	factors := [2]T{0, T(scale)}
	exact := float64(T(scale)) == scale
	factors64 := [2]float64{0, scale}
	// The mask of an element depends only on its position, so any split gives the same result.
	run := func(lo, hi int) {
		var w [dropoutBlock]uint32
		for ; lo < hi; lo += dropoutBlock {
			n := min(dropoutBlock, hi-lo)
			philox.Uint32sAt(key, stream, lo, w[:n])
			xs, zs := x[lo:lo+n], z[lo:lo+n]
			if exact {
				dropoutApply(zs, xs, w[:n], threshold, &factors)
			} else {
				dropoutApply64(zs, xs, w[:n], threshold, &factors64)
			}
		}
	}
	if ewSerial(len(x), dropoutNs) {
		run(0, len(x))
		return nil
	}
	ewSplit(len(x), dropoutNs, dropoutBlock, run)
	return nil
}

// dropoutNs is the single-thread cost of an element, most of it drawing the Philox word.
const dropoutNs = 5

// dropoutKeep returns 1 if the word u keeps its element (u ≥ threshold, threshold ≤ 2^32), else 0.
func dropoutKeep(u uint32, threshold uint64) uint64 { return 1 - (uint64(u)-threshold)>>63 }

// dropoutApply sets z[i] = x[i]·f[keep]: a multiplication, not a selection, so that a dropped
// NaN or Inf stays NaN, as in the reference.
func dropoutApply[T float32 | float64](z, x []T, w []uint32, threshold uint64, f *[2]T) {
	x, w = x[:len(z)], w[:len(z)]
	for i, u := range w {
		z[i] = x[i] * f[dropoutKeep(u, threshold)]
	}
}

// dropoutApply64 is dropoutApply with the product taken in float64 and rounded once to T, for
// scales that T cannot hold exactly.
func dropoutApply64[T float32 | float64](z, x []T, w []uint32, threshold uint64, f *[2]float64) {
	x, w = x[:len(z)], w[:len(z)]
	for i, u := range w {
		z[i] = T(float64(x[i]) * f[dropoutKeep(u, threshold)])
	}
}
