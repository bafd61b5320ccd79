package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// withSIMD runs f with each kernel level this CPU supports, from the Go loops up.
func withSIMD(t *testing.T, f func(t *testing.T)) {
	saved := simdLevel
	defer func() { simdLevel = saved }()
	for level := 0; level <= saved; level++ {
		simdLevel = level
		t.Run(fmt.Sprintf("simd=%d", level), f)
	}
}

// TestExpSub32 checks the softmax passes against float64 math on lengths around the block of
// the vector path, with every kernel level.
func TestExpSub32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	withSIMD(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 17, expSubChunk - 1, expSubChunk, expSubChunk + 1, 1500} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.Float64()*30 - 20)
			}
			const m = 3.5
			dst := make([]float32, n)
			got := ExpSub32(dst, x, m)
			gotSum := SumExpSub32(x, m)
			var want float64
			for i, v := range x {
				e := math.Exp(float64(v - m))
				want += e
				if err := ulpErr32(dst[i], e); err > simdBound(0.51, 1.3) {
					t.Fatalf("n=%d: ExpSub32 element %d = %g, want %g (%.3g ulp)", n, i, dst[i], e, err)
				}
			}
			// The sums round each term (an ulp at most) and then the total.
			tol := 2*0x1p-24*want + 1e-30
			if math.Abs(float64(got)-want) > tol || math.Abs(float64(gotSum)-want) > tol {
				t.Errorf("n=%d: ExpSub32 sum %g, SumExpSub32 %g, want %g", n, got, gotSum, want)
			}
		}
	})
}

// TestSIMDLevels checks that each kernel level agrees with float64 math on special values
// and odd lengths (TestULP32 sweeps the default level only).
func TestSIMDLevels(t *testing.T) {
	inf := float32(math.Inf(1))
	in := []float32{float32(math.NaN()), inf, -inf, 0, -0.0, 1e-40, -1e-40, 88.8, -105, 0.3, -0.3, 2, -2, 50, -50}
	withSIMD(t, func(t *testing.T) {
		for _, c := range ulpCases()[:5] {
			for n := range len(in) + 1 {
				dst := make([]float32, n)
				c.f(dst, in[:n])
				for i, v := range in[:n] {
					if e := ulpErr32(dst[i], c.want(float64(v))); e > c.max {
						t.Errorf("%s(%g) = %g (%.3g ulp)", c.name, v, dst[i], e)
					}
				}
			}
		}
	})
}
