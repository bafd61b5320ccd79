package cpu_test

import (
	"fmt"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func ewCast(x *tensor.Tensor, dt dtype.DType) *tensor.Tensor {
	out := tensor.New(dt, x.Shape())
	tensor.Convert(out, x)
	return out
}

// TestCastMatchesReference checks casts from every dtype with a fast kernel to every dtype:
// rounding, saturation, NaN to 0, wrapping and bool, bit for bit.
func TestCastMatchesReference(t *testing.T) {
	op := core.Lookup("cast")
	for _, from := range []dtype.DType{dtype.Bool, dtype.Uint8, dtype.Int8, dtype.Int32, dtype.Int64, dtype.Float32, dtype.Float64} {
		for _, to := range dtype.All {
			for _, n := range []int{0, 7, 1<<16 + 3} {
				var x *tensor.Tensor
				switch {
				case from == dtype.Bool:
					x = ewValues(dtype.Bool, uint64(n), n)
				case from.IsFloat():
					x = ewSpecials(from, uint64(n), 1e3, true, n)
				default:
					x = ewCast(tensor.Random(dtype.Float64, tensor.Normal, uint64(n), n), dtype.Float64)
					v := x.Float64s()
					for i := range v {
						v[i] *= 1e10 // wraps when narrowed
						if i%5 == 0 {
							v[i] = float64(int64(1)<<62 + int64(i)) // rounds twice to float32
						}
					}
					x = tensor.New(from, shape.Shape{n})
					tensor.Convert(x, ewCast(tensor.FromSlice(v, n), dtype.Int64))
				}
				ewCheck(t, fmt.Sprintf("cast/%s->%s/%d", from, to, n), op, from, ops.CastParams{DType: to}, ewExact, x)
			}
		}
	}
}
