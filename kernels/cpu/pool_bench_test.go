package cpu

import (
	"math"
	"testing"
	"time"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// PoolVecSets returns the names of the vector pooling kernel sets this CPU can run, best
// first, for tests to run each ("" is the plain loops).
func PoolVecSets() []string {
	names := []string{""}
	for _, s := range plVecSets {
		names = append(names, s.name)
	}
	return names
}

// SetPoolVec selects the vector pooling kernels by name ("" for the plain loops) and returns
// the previous name.
func SetPoolVec(name string) string {
	old := ""
	if plVecKernels != nil {
		old = plVecKernels.name
	}
	plVecKernels = nil
	for _, s := range plVecSets {
		if s.name == name {
			plVecKernels = s
		}
	}
	return old
}

// BenchmarkMaxPool times max pooling forward and backward at the shapes of the Keras
// mnist_convnet example (NHWC, batch 128, 2×2 windows with stride 2 after each convolution),
// through the op dispatch, output allocation included. best-ns/op is the fastest iteration,
// which on a shared machine is less noisy than the mean.
func BenchmarkMaxPool(b *testing.B) {
	p := ops.PoolParams{Window: []int{2}}
	grad := core.Lookup("max_pool_grad")
	for _, s := range []struct {
		name string
		dims []int
	}{
		{"n128_h26_w26_c32", []int{128, 26, 26, 32}},
		{"n128_h11_w11_c64", []int{128, 11, 11, 64}},
	} {
		x := tensor.RandomNormal(1, s.dims...)
		y := ops.MaxPool2D(x, p)
		dy := tensor.RandomNormal(2, y.Shape()...)
		b.Run("fwd/"+s.name, func(b *testing.B) { plBestOf(b, func() { ops.MaxPool2D(x, p) }) })
		b.Run("bwd/"+s.name, func(b *testing.B) { plBestOf(b, func() { core.Apply1(grad, p, x, dy) }) })
	}
}

// plBestOf runs fn in a benchmark loop and reports its fastest run too.
func plBestOf(b *testing.B, fn func()) {
	best := time.Duration(math.MaxInt64)
	for b.Loop() {
		t0 := time.Now()
		fn()
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Nanoseconds()), "best-ns/op")
}
