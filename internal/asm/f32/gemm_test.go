package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// microKernel is one kernel under test with its tile size.
type microKernel struct {
	name   string
	mr, nr int
	ok     bool
	fn     func(k int, a, b, c []float32, ldc int, accumulate bool)
}

func kernels() []microKernel {
	return []microKernel{
		{"AVX512", MRAVX512, NRAVX512, HasAVX512, GemmAVX512},
		{"AVX2", MRAVX2, NRAVX2, HasAVX2, GemmAVX2},
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.Float64()*2 - 1)
	}
	return s
}

// guard fills the C buffer outside the tile and checks it later.
const guardVal = -12345

func TestGemmKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, kern := range kernels() {
		if !kern.ok {
			t.Logf("%s: not supported by this CPU/build, skipped", kern.name)
			continue
		}
		for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 64, 255} {
			for _, accumulate := range []bool{false, true} {
				ldc := kern.nr + 3
				name := fmt.Sprintf("%s/k=%d/acc=%v", kern.name, k, accumulate)
				a := randSlice(r, k*kern.mr)
				b := randSlice(r, k*kern.nr)
				c := make([]float32, (kern.mr+2)*ldc)
				for i := range c {
					c[i] = guardVal
				}
				// The tile starts at row 1, column 1; everything else is guard.
				tile := c[ldc+1:]
				for i := 0; i < kern.mr; i++ {
					for j := 0; j < kern.nr; j++ {
						tile[i*ldc+j] = float32(i - j)
						if !accumulate {
							tile[i*ldc+j] = float32(math.NaN()) // must be overwritten
						}
					}
				}
				want := append([]float32(nil), c...)
				gemmRef(kern.mr, kern.nr, k, a, b, want[ldc+1:], ldc, accumulate)
				kern.fn(k, a, b, tile, ldc, accumulate)
				for i := range c {
					tol := 1e-5 * float32(k+1)
					if d := c[i] - want[i]; !(d <= tol && d >= -tol) {
						t.Fatalf("%s: c[%d] (row %d, col %d) = %v, want %v", name, i, i/ldc, i%ldc, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestGemmEdge(t *testing.T) {
	if !HasAVX512 {
		t.Log("AVX-512 not available: checking the Go twin only")
	}
	r := rand.New(rand.NewPCG(3, 4))
	const mr, nr = MRAVX512, NRAVX512
	for _, k := range []int{0, 1, 5, 33} {
		for rows := 0; rows <= mr+1; rows++ {
			for _, cols := range []int{1, 3, nr / 2, nr/2 + 1, nr - 1, nr} {
				for _, accumulate := range []bool{false, true} {
					cmask := uint64(1)<<uint(cols) - 1
					ldc := nr + 3
					a := randSlice(r, k*mr)
					b := randSlice(r, k*nr)
					c := make([]float32, (mr+2)*ldc)
					for i := range c {
						c[i] = float32(r.Float64())
					}
					want := append([]float32(nil), c...)
					if rows >= 1 && rows <= mr {
						gemmEdgeRef(mr, nr, k, a, b, want[ldc+1:], ldc, accumulate, rows, cmask)
					}
					GemmAVX512Edge(k, a, b, c[ldc+1:], ldc, accumulate, rows, cmask)
					for i := range c {
						tol := 1e-5 * float32(k+1)
						if d := c[i] - want[i]; !(d <= tol && d >= -tol) {
							t.Fatalf("k=%d rows=%d cols=%d acc=%v: c[%d] (row %d, col %d) = %v, want %v", k, rows, cols, accumulate, i, i/ldc, i%ldc, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

func BenchmarkGemmKernel(b *testing.B) {
	for _, k := range []int{64, 128, 256} {
		for _, kern := range kernels() {
			if !kern.ok {
				continue
			}
			b.Run(fmt.Sprintf("%s/k=%d", kern.name, k), func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 2))
				pa := randSlice(r, k*kern.mr)
				pb := randSlice(r, k*kern.nr)
				c := make([]float32, kern.mr*kern.nr)
				for b.Loop() {
					kern.fn(k, pa, pb, c, kern.nr, true)
				}
				flops := 2 * float64(kern.mr*kern.nr*k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
