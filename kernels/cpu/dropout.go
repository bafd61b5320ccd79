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
// applies it in the same pass, in the reference's arithmetic (x·mask in float64, rounded once),
// so the result is bit for bit the reference's.

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
	var w [dropoutBlock]uint32
	for lo := 0; lo < len(x); lo += dropoutBlock {
		hi := min(lo+dropoutBlock, len(x))
		philox.Uint32sAt(key, stream, lo, w[:hi-lo])
		for i, u := range w[:hi-lo] {
			m := 0.0
			if uint64(u) >= threshold {
				m = scale
			}
			// A multiplication, not a selection: a dropped NaN or Inf stays NaN, as the reference.
			z[lo+i] = T(float64(x[lo+i]) * m)
		}
	}
	return nil
}
