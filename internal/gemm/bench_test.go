package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

func randFloats[T float](n int, seed uint64) []T {
	r := rand.New(rand.NewPCG(seed, 7))
	s := make([]T, n)
	for i := range s {
		s[i] = T(r.Float64()*2 - 1)
	}
	return s
}

// reportGFLOPS reports the rate of b.N products of 2*m*n*k flops each.
func reportGFLOPS(b *testing.B, m, n, k int) {
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// loopBest runs fn in a b.Loop and reports, besides the mean rate, the rate
// of the fastest call ("best-GFLOP/s") and, when running on one thread
// (GOMAXPROCS=1), the rate per CPU second of this thread ("cpu-GFLOP/s").
// Both estimate what the code can do when nothing else runs on the machine:
// shared machines make the mean noisy.
func loopBest(b *testing.B, m, n, k int, fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	flops := 2 * float64(m) * float64(n) * float64(k)
	// Reading the clock costs ~100 ns here: time single calls only when
	// that is noise.
	timeCalls := flops > 1e6
	best := time.Duration(math.MaxInt64)
	cpu0 := threadCPU()
	for b.Loop() {
		if !timeCalls {
			fn()
			continue
		}
		t0 := time.Now()
		fn()
		best = min(best, time.Since(t0))
	}
	cpu := threadCPU() - cpu0
	reportGFLOPS(b, m, n, k)
	if timeCalls {
		b.ReportMetric(flops/best.Seconds()/1e9, "best-GFLOP/s")
	}
	if runtime.GOMAXPROCS(0) == 1 && Threads() == 1 && cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "cpu-GFLOP/s")
	}
}

// benchSizes are the square sizes of the GEMM benchmarks.
var benchSizes = []int{128, 256, 512, 1024, 2048}

// BenchmarkSgemm measures square float32 products, C = A*B, with Threads
// threads (GOMAXPROCS by default: run with GOMAXPROCS=1 for one thread).
func BenchmarkSgemm(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a, bb, c := randFloats[float32](n*n, 1), randFloats[float32](n*n, 2), make([]float32, n*n)
			loopBest(b, n, n, n, func() { Sgemm(false, false, n, n, n, 1, a, n, bb, n, 0, c, n) })
		})
	}
}

// BenchmarkSgemmTrans measures the transposed-operand layouts at 512.
func BenchmarkSgemmTrans(b *testing.B) {
	const n = 512
	for _, tr := range [][2]bool{{false, true}, {true, false}, {true, true}} {
		b.Run(fmt.Sprintf("tA=%v/tB=%v", tr[0], tr[1]), func(b *testing.B) {
			a, bb, c := randFloats[float32](n*n, 1), randFloats[float32](n*n, 2), make([]float32, n*n)
			loopBest(b, n, n, n, func() { Sgemm(tr[0], tr[1], n, n, n, 1, a, n, bb, n, 0, c, n) })
		})
	}
}

// BenchmarkDgemm measures square float64 products.
func BenchmarkDgemm(b *testing.B) {
	for _, n := range benchSizes[:4] {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a, bb, c := randFloats[float64](n*n, 1), randFloats[float64](n*n, 2), make([]float64, n*n)
			loopBest(b, n, n, n, func() { Dgemm(false, false, n, n, n, 1, a, n, bb, n, 0, c, n) })
		})
	}
}

// BenchmarkSgemmSmall measures shapes where call overhead and packing
// matter: tiny squares, matrix-vector products and a skinny layer.
func BenchmarkSgemmSmall(b *testing.B) {
	for _, s := range [][3]int{{4, 4, 4}, {8, 8, 8}, {16, 16, 16}, {32, 32, 32}, {64, 64, 64}, {1, 1024, 1024}, {1024, 1, 1024}, {128, 512, 784}} {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			a, bb, c := randFloats[float32](m*k, 1), randFloats[float32](k*n, 2), make([]float32, m*n)
			loopBest(b, m, n, k, func() { Sgemm(false, false, m, n, k, 1, a, k, bb, n, 0, c, n) })
		})
	}
}

// BenchmarkKernel measures each micro-kernel alone on packed panels that fit
// in cache (k = 256), with its C tile accumulated.
func BenchmarkKernel(b *testing.B) {
	const k = 256
	for _, kn := range kernels32 {
		b.Run("f32/"+kn.name, func(b *testing.B) {
			benchKernel(b, kn, k)
		})
	}
	for _, kn := range kernels64 {
		b.Run("f64/"+kn.name, func(b *testing.B) {
			benchKernel(b, kn, k)
		})
	}
}

func benchKernel[T float](b *testing.B, kn *kernel[T], k int) {
	pa, pb := randFloats[T](k*kn.mr, 1), randFloats[T](k*kn.nr, 2)
	c := make([]T, kn.mr*kn.nr)
	for b.Loop() {
		kn.fn(k, pa, pb, c, kn.nr, true)
	}
	reportGFLOPS(b, kn.mr, kn.nr, k)
}

// BenchmarkSgemmMLP measures the products of a 784-512-512-10 MLP training
// step at batch 128: the forward layers, and the backward weight gradients
// (dW = Xᵀ·dY) and input gradients (dX = dY·Wᵀ).
func BenchmarkSgemmMLP(b *testing.B) {
	for _, s := range []struct {
		name           string
		transA, transB bool
		m, n, k        int
	}{
		{"fwd/128x512x784", false, false, 128, 512, 784},
		{"fwd/128x512x512", false, false, 128, 512, 512},
		{"dW/784x512x128", true, false, 784, 512, 128},
		{"dW/512x512x128", true, false, 512, 512, 128},
		{"dX/128x512x512", false, true, 128, 512, 512},
		{"fwd/128x10x512", false, false, 128, 10, 512},
		{"dW/512x10x128", true, false, 512, 10, 128},
		{"dX/128x512x10", false, true, 128, 512, 10},
	} {
		b.Run(s.name, func(b *testing.B) {
			m, n, k := s.m, s.n, s.k
			lda, ldb := k, n
			if s.transA {
				lda = m
			}
			if s.transB {
				ldb = k
			}
			a, bb, c := randFloats[float32](m*k, 1), randFloats[float32](k*n, 2), make([]float32, m*n)
			loopBest(b, m, n, k, func() { Sgemm(s.transA, s.transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n) })
		})
	}
}
