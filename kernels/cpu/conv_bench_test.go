package cpu_test

import (
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The benchmark case of `tide bench` and the reference scripts: NHWC, batch 64, 28×28,
// 32 → 64 channels, 3×3, "same" padding. Besides the mean rate each reports the rate of the
// fastest call (best-GFLOP/s) and, on one thread (GOMAXPROCS=1), the rate per CPU second of the
// calling thread (cpu-GFLOP/s): on a shared machine the mean mostly measures the other jobs.
const cvBenchFlops = 2 * 64 * 64 * 28 * 28 * 32 * 9

func BenchmarkConv2D(b *testing.B) {
	p := ops.ConvParams{Padding: ops.PadSame}
	x := tensor.RandomNormal(1, 64, 28, 28, 32)
	w := tensor.RandomNormal(2, 3, 3, 32, 64)
	dy := tensor.RandomNormal(3, 64, 28, 28, 64)
	tp := ops.ConvTransposeParams{Padding: ops.PadExplicit, Pads: [][2]int{{1, 1}, {1, 1}}}
	b.Run("fwd", func(b *testing.B) { cvLoopRate(b, cvBenchFlops, func() { ops.Conv2D(x, w, p) }) })
	b.Run("bwd_input", func(b *testing.B) { cvLoopRate(b, cvBenchFlops, func() { ops.ConvTranspose2D(dy, w, tp) }) })
	b.Run("bwd_filter", func(b *testing.B) {
		cvLoopRate(b, cvBenchFlops, func() { ops.ConvFilterGrad(x, dy, []int{3, 3}, p) })
	})
}

// BenchmarkConv2DKernel is BenchmarkConv2D without the output allocation: the registered
// kernels run into outputs allocated once (the forward and input-gradient kernels overwrite
// every element; the filter gradient, which accumulates, is cleared before each call). The
// difference to BenchmarkConv2D is what allocating and zeroing a fresh output costs the op.
func BenchmarkConv2DKernel(b *testing.B) {
	p := ops.ConvParams{Padding: ops.PadSame}
	tp := ops.ConvTransposeParams{Pads: [][2]int{{1, 1}, {1, 1}}}
	fp := ops.ConvFilterGradParams{Conv: p, KernelSize: []int{3, 3}}
	x := tensor.RandomNormal(1, 64, 28, 28, 32)
	w := tensor.RandomNormal(2, 3, 3, 32, 64)
	dy := tensor.RandomNormal(3, 64, 28, 28, 64)
	y, dx, dw := tensor.New(dtype.Float32, dy.Shape()), tensor.New(dtype.Float32, x.Shape()), tensor.New(dtype.Float32, w.Shape())
	for _, c := range []struct {
		name, op string
		params   any
		in       []*tensor.Tensor
		out      *tensor.Tensor
	}{
		{"fwd", "conv", p, []*tensor.Tensor{x, w}, y},
		{"bwd_input", "conv_transpose", tp, []*tensor.Tensor{dy, w}, dx},
		{"bwd_filter", "conv_filter_grad", fp, []*tensor.Tensor{x, dy}, dw},
	} {
		op := core.Lookup(c.op)
		k := op.Kernels(dtype.Float32)[0].Run
		out := []*tensor.Tensor{c.out}
		b.Run(c.name, func(b *testing.B) {
			cvLoopRate(b, cvBenchFlops, func() {
				if c.op == "conv_filter_grad" {
					clear(tensor.Data[float32](c.out))
				}
				if err := core.RunInto(op, k, c.params, c.in, out); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// cvLoopRate runs fn in a b.Loop and reports its GFLOP/s and the best call's; on one thread also
// the rates per CPU second of the calling thread, on average (cpu-GFLOP/s) and for the call that
// took the least CPU time (bestcpu-GFLOP/s).
func cvLoopRate(b *testing.B, flops float64, fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best, bestCPU := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	cpu0 := cvThreadCPU()
	for b.Loop() {
		t0, c0 := time.Now(), cvThreadCPU()
		fn()
		best, bestCPU = min(best, time.Since(t0)), min(bestCPU, cvThreadCPU()-c0)
	}
	cpu := cvThreadCPU() - cpu0
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(flops/best.Seconds()/1e9, "best-GFLOP/s")
	if runtime.GOMAXPROCS(0) == 1 && cpu > 0 && bestCPU > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "cpu-GFLOP/s")
		b.ReportMetric(flops/bestCPU.Seconds()/1e9, "bestcpu-GFLOP/s")
	}
}
