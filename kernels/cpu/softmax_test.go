package cpu_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestSoftmaxMatchesReference compares softmax and log-softmax with the reference along every
// axis, on long and short lanes and lanes with NaN and infinities.
func TestSoftmaxMatchesReference(t *testing.T) {
	for _, name := range []string{"softmax", "log_softmax"} {
		op := core.Lookup(name)
		for _, dt := range ewFloatTypes {
			eps := 0x1p-24
			if dt == dtype.Float64 {
				eps = 0x1p-53
			}
			for i, s := range [][]int{{1}, {7}, {65}, {1<<16 + 3}, {4, 9}, {2, 3, 5}, {64, 1000}, {1000, 300}, {3, 0}, {300, 3, 7}} {
				for _, specials := range []bool{false, true} {
					x := ewSpecials(dt, uint64(i), 3, false, s...)
					if specials {
						v := x.Float64s()
						for j := 0; j < len(v); j += 97 {
							v[j] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[j%3]
						}
						x = ewCast(tensor.FromSlice(v, s...), dt)
					}
					for axis := -len(s); axis < len(s); axis++ {
						n := s[(axis+len(s))%len(s)]
						tol := ewTol{ulps: 4, abs: 4 * eps * float64(n)}
						if name == "log_softmax" {
							tol = ewTol{ulps: 4, abs: 4 * eps * 40}
						}
						ewCheck(t, fmt.Sprintf("%s/%s/%v axis %d specials %v", name, dt, s, axis, specials), op, dt, ops.SoftmaxParams{Axis: axis}, tol, x)
					}
				}
			}
		}
	}
}
