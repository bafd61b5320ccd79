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

// ewValues returns a tensor of dtype dt and shape s: for floats, small integers with halves
// (so that ties occur) and special values; for integers, values over a small range.
func ewValues(dt dtype.DType, seed uint64, s ...int) *tensor.Tensor {
	if dt.IsFloat() {
		x := ewSpecials(dt, seed, 3, true, s...)
		v := x.Float64s()
		for i := range v {
			if i%3 == 0 {
				v[i] = float64(int(v[i]*2)) / 2 // ties between the operands
			}
		}
		out := tensor.New(dt, shape.Shape(s))
		tensor.Convert(out, tensor.FromSlice(v, s...))
		return out
	}
	x := tensor.Random(dtype.Float64, tensor.Uniform, seed, s...)
	v := x.Float64s()
	for i := range v {
		v[i] = float64(int(v[i]*7)) - 3
		if dt == dtype.Uint8 || dt == dtype.Bool {
			v[i] = float64(int(v[i]+3) % 2)
		}
	}
	out := tensor.New(dt, shape.Shape(s))
	tensor.Convert(out, tensor.FromSlice(v, s...))
	return out
}

// TestCompareMatchesReference checks every comparison, bit for bit, on every dtype with a fast
// kernel, over odd sizes and the broadcast shapes.
func TestCompareMatchesReference(t *testing.T) {
	op := core.Lookup("compare")
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64, dtype.Int32, dtype.Int64, dtype.Uint8, dtype.Int8} {
		for _, kind := range []string{"eq", "ne", "lt", "le", "gt", "ge"} {
			p := ops.CompareParams{Kind: kind}
			for _, n := range ewSizes {
				ewCheck(t, fmt.Sprintf("%s/%s/%d", kind, dt, n), op, dt, p, ewExact, ewValues(dt, 1, n), ewValues(dt, 2, n))
			}
			for i, s := range ewBroadcastShapes {
				ewCheck(t, fmt.Sprintf("%s/%s/%v,%v", kind, dt, s[0], s[1]), op, dt, p, ewExact,
					ewValues(dt, uint64(2*i), s[0]...), ewValues(dt, uint64(2*i+1), s[1]...))
			}
		}
	}
}

// TestWhereMatchesReference checks where on every dtype: a full mask with full operands, the
// relu-gradient pattern (a scalar on either side), scalars on both sides, and broadcast
// masks and operands.
func TestWhereMatchesReference(t *testing.T) {
	op := core.Lookup("where")
	shapes := [][3][]int{
		{{9}, {9}, {9}}, {{1<<16 + 3}, {}, {1<<16 + 3}}, {{65}, {65}, {}}, {{31}, {}, {}},
		{{0}, {0}, {}}, {{6, 1}, {6, 9}, {9}}, {{9}, {6, 9}, {6, 1}}, {{}, {4, 5}, {5}},
		{{2, 1, 4}, {3, 1}, {2, 3, 4}}, {{3, 70000}, {3, 1}, {}},
	}
	for _, dt := range dtype.All {
		for i, s := range shapes {
			c := ewValues(dtype.Bool, uint64(i), s[0]...)
			x, y := ewValues(dt, uint64(3*i), s[1]...), ewValues(dt, uint64(3*i+1), s[2]...)
			if dt == dtype.Float16 || dt == dtype.BFloat16 {
				x, y = ewCast(ewSpecials(dtype.Float32, uint64(i), 2, true, s[1]...), dt), ewCast(ewSpecials(dtype.Float32, uint64(i+1), 2, true, s[2]...), dt)
			}
			ewCheck(t, fmt.Sprintf("where/%s/%v", dt, s), op, dt, ops.None{}, ewExact, c, x, y)
		}
	}
}
