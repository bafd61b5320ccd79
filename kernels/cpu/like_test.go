package cpu_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// TestExpandLikeMatchesReference checks expand_like, bit for bit, on every dtype: each axis
// pattern of a rank-3 tensor (leading, middle, trailing, several), with the axes removed and
// kept as 1, plus empty and large shapes.
func TestExpandLikeMatchesReference(t *testing.T) {
	op := core.Lookup("expand_like")
	likes := [][]int{{3, 5, 7}, {1, 9, 1}, {0, 4}, {600, 130}, {2, 70000}}
	for _, dt := range dtype.All {
		for _, ls := range likes {
			like := tensor.New(dt, shape.Shape(ls))
			for mask := 1; mask < 1<<len(ls); mask++ {
				var axes []int
				for a := range ls {
					if mask&(1<<a) != 0 {
						axes = append(axes, a)
					}
				}
				for _, keep := range []bool{false, true} {
					var xs []int
					for a, d := range ls {
						switch {
						case mask&(1<<a) == 0:
							xs = append(xs, d)
						case keep:
							xs = append(xs, 1)
						}
					}
					x := ewCast(ewValues(dtype.Float64, uint64(mask), xs...), dt)
					ewCheck(t, fmt.Sprintf("expand_like/%s/%v axes %v keep %v", dt, ls, axes, keep), op, dt,
						ops.ExpandParams{Axes: axes}, ewExact, x, like)
				}
			}
		}
	}
}

// TestBroadcastToMatchesReference checks broadcast_to on every dtype.
func TestBroadcastToMatchesReference(t *testing.T) {
	op := core.Lookup("broadcast_to")
	cases := [][2][]int{{{}, {4, 5}}, {{5}, {4, 5}}, {{4, 1}, {4, 5}}, {{2, 1, 3}, {4, 2, 5, 3}}, {{1}, {1 << 17}}, {{3}, {0, 3}}}
	for _, dt := range dtype.All {
		for i, c := range cases {
			x := ewCast(ewValues(dtype.Float64, uint64(i), c[0]...), dt)
			ewCheck(t, fmt.Sprintf("broadcast_to/%s/%v->%v", dt, c[0], c[1]), op, dt, ops.ShapeParams{Shape: c[1]}, ewExact, x)
		}
	}
}

// TestFillMatchesReference checks fill_like and fill on every dtype, with values that round,
// saturate, are NaN or negative zero.
func TestFillMatchesReference(t *testing.T) {
	fl, f := core.Lookup("fill_like"), core.Lookup("fill")
	for _, dt := range dtype.All {
		for _, v := range []float64{0, math.Copysign(0, -1), 1, -2.5, 1e10, math.NaN(), math.Inf(-1), 1.0 / 3} {
			for _, n := range []int{0, 9, 1<<17 + 1} {
				x := tensor.New(dt, shape.Shape{n, 1})
				ewCheck(t, fmt.Sprintf("fill_like/%s/%v/%d", dt, v, n), fl, dt, ops.FillLikeParams{Value: v}, ewExact, x)
				ewCheck(t, fmt.Sprintf("fill/%s/%v/%d", dt, v, n), f, dt, ops.FillParams{DType: dt, Shape: []int{n, 1}, Value: v}, ewExact)
			}
		}
	}
}
