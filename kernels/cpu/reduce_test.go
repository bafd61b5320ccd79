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

// rdCase is a reduction input shape with the axes to reduce (nil: all).
type rdCase struct {
	shape []int
	axes  []int
}

func rdCases() []rdCase {
	var cs []rdCase
	for _, n := range ewSizes {
		cs = append(cs, rdCase{[]int{n}, nil})
	}
	for mask := 0; mask < 8; mask++ { // every subset of the axes of a rank-3 tensor
		var axes []int
		for a := 0; a < 3; a++ {
			if mask&(1<<a) != 0 {
				axes = append(axes, a)
			}
		}
		cs = append(cs, rdCase{[]int{4, 5, 6}, axes}, rdCase{[]int{3, 1, 7}, axes}, rdCase{[]int{1, 300, 2}, axes})
	}
	return append(cs,
		rdCase{[]int{7, 9}, []int{-1}}, rdCase{[]int{2, 3, 4, 5}, []int{0, 2}}, rdCase{[]int{2, 3, 4, 5}, []int{1, 3}},
		rdCase{[]int{2, 3, 4, 5}, []int{0, 1, 3}}, rdCase{[]int{2, 0, 3}, []int{1}}, rdCase{[]int{2, 0, 3}, []int{0}},
		rdCase{[]int{3, 100003}, []int{1}}, rdCase{[]int{300001}, nil}, rdCase{[]int{100003, 3}, []int{0}},
		rdCase{[]int{513, 600}, []int{0}}, rdCase{[]int{64, 3000}, []int{0}},
		// Few column blocks of many rows, whose rows are cut into parts: a convolution's bias
		// gradient, and several outer entries each.
		rdCase{[]int{16, 26, 26, 32}, []int{0, 1, 2}}, rdCase{[]int{3, 7001, 40}, []int{1}},
		rdCase{[]int{2001, 300}, []int{0}})
}

// rdTol is the tolerance of a sum over n elements of magnitude about scale: the bound of the
// blocked pairwise float32 sum (or n ulps of float64) over the sum of magnitudes.
func rdTol(dt dtype.DType, n int, scale float64) ewTol {
	if dt == dtype.Float32 {
		return ewTol{ulps: 1, abs: (131 + math.Log2(float64(n)+1)) * 0x1p-24 * float64(n) * scale}
	}
	return ewTol{ulps: 1, abs: float64(n) * 0x1p-52 * float64(n) * scale}
}

// TestReduceMatchesReference compares reduce_sum, reduce_max and reduce_min with the reference
// on every axis pattern, kept dimensions or not: max and min bit for bit, sums within the bound
// of their summation order.
func TestReduceMatchesReference(t *testing.T) {
	for _, name := range []string{"reduce_sum", "reduce_max", "reduce_min"} {
		op := core.Lookup(name)
		for _, dt := range ewFloatTypes {
			for i, c := range rdCases() {
				x := ewSpecials(dt, uint64(i), 2, false, c.shape...)
				if x.Size() == 0 && name != "reduce_sum" {
					continue
				}
				n := x.Size()
				tol := ewExact
				if name == "reduce_sum" {
					tol = rdTol(dt, n, 2)
				}
				for _, keep := range []bool{false, true} {
					p := ops.ReduceParams{Axes: c.axes, KeepDims: keep}
					ewCheck(t, fmt.Sprintf("%s/%s/%v axes %v keep %v", name, dt, c.shape, c.axes, keep), op, dt, p, tol, x)
				}
			}
		}
	}
}

// TestReduceSpecials checks that NaN and infinities propagate through every reduction path.
func TestReduceSpecials(t *testing.T) {
	for _, name := range []string{"reduce_sum", "reduce_max", "reduce_min"} {
		op := core.Lookup(name)
		for _, dt := range ewFloatTypes {
			for _, sp := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)} {
				for _, c := range []rdCase{{[]int{5, 37}, []int{1}}, {[]int{37, 5}, []int{0}}, {[]int{300001}, nil}, {[]int{3, 4, 5}, []int{0, 2}}} {
					x := ewSpecials(dt, 3, 1, false, c.shape...)
					v := x.Float64s()
					for i := 7; i < len(v); i += 101 {
						v[i] = sp
					}
					if sp == 0 {
						for i := range v {
							v[i] = math.Copysign(0, float64(i%2)-0.5) // ±0 only
						}
					}
					x = ewCast(tensor.FromSlice(v, c.shape...), dt)
					tol := ewExact
					if name == "reduce_sum" {
						tol = rdTol(dt, len(v), 1)
					}
					ewCheck(t, fmt.Sprintf("%s/%s/%v/%v", name, dt, sp, c.shape), op, dt, ops.ReduceParams{Axes: c.axes}, tol, x)
				}
			}
		}
	}
}

// TestArgMatchesReference checks argmax and argmin along every axis, first and last of ties,
// with ties and NaNs in the data.
func TestArgMatchesReference(t *testing.T) {
	for _, name := range []string{"argmax", "argmin"} {
		op := core.Lookup(name)
		for _, dt := range ewFloatTypes {
			for i, s := range [][]int{{1}, {9}, {4, 7}, {3, 5, 6}, {2, 70000}, {70000, 2}} {
				x := ewValues(dt, uint64(i), s...) // ties, NaN, ±Inf
				if i%2 == 0 {
					x = ewCast(ewValues(dtype.Int8, uint64(i), s...), dt) // ties without NaN
				}
				for axis := -len(s); axis < len(s); axis++ {
					for _, last := range []bool{false, true} {
						p := ops.ArgParams{Axis: axis, KeepDims: last, SelectLastIndex: last}
						ewCheck(t, fmt.Sprintf("%s/%s/%v axis %d last %v", name, dt, s, axis, last), op, dt, p, ewExact, x)
					}
				}
			}
		}
	}
}

// BenchmarkReduceBiasGrad sums a convnet layer's output gradient over all but its channels,
// [128, 26, 26, 32] to [32], the bias gradient of the first layer of mnist_convnet.
func BenchmarkReduceBiasGrad(b *testing.B) {
	x := tensor.RandomNormal(1, 128, 26, 26, 32)
	b.SetBytes(int64(4 * x.Size()))
	for b.Loop() {
		ops.Sum(x, 0, 1, 2)
	}
}
