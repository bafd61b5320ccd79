package cpu

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/philox"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// random_normal_like draws the reference kernel's Philox words a block at a time into a small
// buffer and turns each pair of words (two pairs for float64) into the two values of one
// Box–Muller pair, with the reference's arithmetic, so the result is the reference's bit for
// bit. Element i depends only on its position, and the work is split at even offsets (whole
// pairs), so any split across threads gives the same result. The half types use the reference.

func init() {
	op := core.Lookup("random_normal_like")
	core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, normalLikeKernel[float32])
	core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, normalLikeKernel[float64])
}

// normalLikeBlock is the number of elements drawn per block: even, so blocks hold whole pairs.
const normalLikeBlock = 1024

// normalLikeNs is the single-thread cost of an element (measured at 25 to 40 ns): half a
// logarithm, square root and sine-cosine pair, computed in float64 by philox's portable
// polynomials, and a Philox word or two.
const normalLikeNs = 40

func normalLikeKernel[T float32 | float64](p ops.NormalLikeParams, in, out []*tensor.Tensor) error {
	var step int64
	if len(in) == 2 {
		if step = in[1].Int64s()[0]; step < 0 {
			return fmt.Errorf("step %d is negative", step)
		}
	}
	seed, stream := ops.RandomNormalLikeStream(p, step)
	key := philox.KeyFromSeed(seed)
	z := tensor.Data[T](out[0])
	_, f64 := any(z).([]float64)
	mean, sd := p.Mean, p.Stddev
	run := func(lo, hi int) { // lo is even
		var w [2 * normalLikeBlock]uint32
		for ; lo < hi; lo += normalLikeBlock {
			n := min(normalLikeBlock, hi-lo)
			pairs := (n + 1) / 2
			if f64 {
				philox.Uint32sAt(key, stream, 2*lo, w[:4*pairs])
				normalLike64(z[lo:lo+n], w[:4*pairs], mean, sd)
			} else {
				philox.Uint32sAt(key, stream, lo, w[:2*pairs])
				normalLike32(z[lo:lo+n], w[:2*pairs], mean, sd)
			}
		}
	}
	if ewSerial(len(z), normalLikeNs) {
		run(0, len(z))
		return nil
	}
	ewSplit(len(z), normalLikeNs, normalLikeBlock, run)
	return nil
}

// normalLike32 sets z from the Box–Muller pairs of the words w (two per pair; z may end with
// half a pair): z = float64(sd·x) + mean for each float32 normal x, rounded once to T.
func normalLike32[T float32 | float64](z []T, w []uint32, mean, sd float64) {
	for k := 0; 2*k < len(z); k++ {
		a, b := philox.Normal32(w[2*k], w[2*k+1])
		z[2*k] = T(float64(sd*float64(a)) + mean)
		if 2*k+1 < len(z) {
			z[2*k+1] = T(float64(sd*float64(b)) + mean)
		}
	}
}

// normalLike64 is normalLike32 for float64 pairs, made from four words each.
func normalLike64[T float32 | float64](z []T, w []uint32, mean, sd float64) {
	for k := 0; 2*k < len(z); k++ {
		q := w[4*k : 4*k+4]
		a, b := philox.Normal64(uint64(q[0])<<32|uint64(q[1]), uint64(q[2])<<32|uint64(q[3]))
		z[2*k] = T(float64(sd*a) + mean)
		if 2*k+1 < len(z) {
			z[2*k+1] = T(float64(sd*b) + mean)
		}
	}
}
