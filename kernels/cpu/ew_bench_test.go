package cpu_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Benchmarks of the elementwise, reduction and softmax kernels at named sizes, reporting the
// memory traffic per second the way the reference scripts count it (bytes read and written by
// one call). Outputs are allocated once and reused, as a graph's memory plan does, so the
// figures are the kernels' and not the allocator's. GB/cpu-s divides by the process's CPU time
// instead of the wall clock: on a shared machine it is the steadier figure (with -cpu 1 it is
// the single-thread rate).

// ewProcessCPU returns the CPU time the process has used.
func ewProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ewBench times op's selected kernel on in, writing into preallocated outputs.
func ewBench(b *testing.B, op *core.Op, params any, bytes float64, in ...*tensor.Tensor) {
	specs := make([]core.Spec, len(in))
	for i, x := range in {
		specs[i] = core.SpecOf(x)
	}
	outSpecs, err := op.Infer(params, specs)
	if err != nil {
		b.Fatal(err)
	}
	k, err := op.Select(specs, outSpecs)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]*tensor.Tensor, len(outSpecs))
	for i, s := range outSpecs {
		out[i] = tensor.New(s.DType, s.Shape)
	}
	if err := core.RunInto(op, k, params, in, out); err != nil { // touch the pages once
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := ewProcessCPU()
	for b.Loop() {
		if err := core.RunInto(op, k, params, in, out); err != nil {
			b.Fatal(err)
		}
	}
	cpu := ewProcessCPU() - cpu0
	b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
	if cpu > 0 {
		b.ReportMetric(bytes*float64(b.N)/cpu.Seconds()/1e9, "GB/cpu-s")
	}
}

// ewBenchSizes are the sizes of the elementwise benchmarks: in cache, and far beyond it
// (the reference scripts' 2^18 and 2^25).
var ewBenchSizes = []int{4096, 262144, 33554432}

func ewBenchBinary(b *testing.B, name string) {
	for _, n := range ewBenchSizes {
		x, y := tensor.RandomUniform(1, n), tensor.RandomUniform(2, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { ewBench(b, core.Lookup(name), ops.None{}, 12*float64(n), x, y) })
	}
}

func ewBenchUnary(b *testing.B, name string, params any, scale float64) {
	for _, n := range ewBenchSizes {
		x := ewSpecials(dtype.Float32, 1, scale, false, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { ewBench(b, core.Lookup(name), params, 8*float64(n), x) })
	}
}

func BenchmarkAdd(b *testing.B) { ewBenchBinary(b, "add") }
func BenchmarkMul(b *testing.B) { ewBenchBinary(b, "mul") }
func BenchmarkDiv(b *testing.B) { ewBenchBinary(b, "div") }

// BenchmarkAddRow adds a bias row to a batch: [n/512, 512] + [512], and [n/10, 10] + [10]
// (tiled rows).
func BenchmarkAddRow(b *testing.B) {
	for _, w := range []int{10, 512} {
		n := 262144 / w * w
		x, y := tensor.RandomUniform(1, n/w, w), tensor.RandomUniform(2, w)
		b.Run(fmt.Sprintf("%dx%d", n/w, w), func(b *testing.B) { ewBench(b, core.Lookup("add"), ops.None{}, 8*float64(n), x, y) })
	}
}

func BenchmarkExp(b *testing.B) { ewBenchUnary(b, "exp", ops.None{}, 3) }
func BenchmarkLog(b *testing.B) {
	for _, n := range ewBenchSizes {
		x := ops.Exp(ewSpecials(dtype.Float32, 1, 3, false, n)) // positive
		b.Run(fmt.Sprint(n), func(b *testing.B) { ewBench(b, core.Lookup("log"), ops.None{}, 8*float64(n), x) })
	}
}
func BenchmarkTanh(b *testing.B)    { ewBenchUnary(b, "tanh", ops.None{}, 3) }
func BenchmarkSigmoid(b *testing.B) { ewBenchUnary(b, "sigmoid", ops.None{}, 3) }
func BenchmarkErf(b *testing.B)     { ewBenchUnary(b, "erf", ops.None{}, 3) }
func BenchmarkRelu(b *testing.B)    { ewBenchUnary(b, "relu", ops.None{}, 3) }
func BenchmarkSqrt(b *testing.B)    { ewBenchUnary(b, "sqrt", ops.None{}, 3) }
func BenchmarkSoftplus(b *testing.B) {
	ewBenchUnary(b, "softplus", ops.SoftplusParams{Beta: 1, Threshold: 20}, 3)
}

// BenchmarkSum reduces all elements, and the rows and columns of a matrix.
func BenchmarkSum(b *testing.B) {
	op := core.Lookup("reduce_sum")
	for _, n := range ewBenchSizes {
		x := tensor.RandomUniform(1, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { ewBench(b, op, ops.ReduceParams{}, 4*float64(n), x) })
	}
	m := tensor.RandomUniform(1, 512, 512)
	b.Run("512x512/rows", func(b *testing.B) { ewBench(b, op, ops.ReduceParams{Axes: []int{1}}, 4*512*512, m) })
	b.Run("512x512/columns", func(b *testing.B) { ewBench(b, op, ops.ReduceParams{Axes: []int{0}}, 4*512*512, m) })
}

// BenchmarkSoftmax normalises rows of 1000 classes (and log-softmax).
func BenchmarkSoftmax(b *testing.B) {
	x := ewSpecials(dtype.Float32, 1, 3, false, 256, 1000)
	b.Run("256x1000", func(b *testing.B) { ewBench(b, core.Lookup("softmax"), ops.SoftmaxParams{Axis: -1}, 8*256*1000, x) })
	b.Run("log/256x1000", func(b *testing.B) {
		ewBench(b, core.Lookup("log_softmax"), ops.SoftmaxParams{Axis: -1}, 8*256*1000, x)
	})
}

// BenchmarkExpandLike broadcasts a reduced gradient back: [512] to [512, 512] along axis 0
// (rows copied) and along axis 1 (elements repeated).
func BenchmarkExpandLike(b *testing.B) {
	like := tensor.New(dtype.Float32, []int{512, 512})
	g := tensor.RandomUniform(1, 512)
	for _, axis := range []int{0, 1} {
		b.Run(fmt.Sprintf("axis%d", axis), func(b *testing.B) {
			ewBench(b, core.Lookup("expand_like"), ops.ExpandParams{Axes: []int{axis}}, 4*512*512, g, like)
		})
	}
}

// BenchmarkReluGrad is the relu gradient: the fused relu_grad kernel, and the composition
// where(x <= 0, 0, g) it replaced as its two kernels, on x around 0 (a random mask). The
// second size is the first activation of a batch of 128 mnist_convnet images.
func BenchmarkReluGrad(b *testing.B) {
	for _, n := range []int{262144, 128 * 26 * 26 * 32} {
		x, g := ewSpecials(dtype.Float32, 1, 1, false, n), tensor.RandomUniform(2, n)
		mask := ops.LessEqual(x, tensor.Scalar(float32(0)))
		b.Run(fmt.Sprintf("fused/%d", n), func(b *testing.B) {
			ewBench(b, core.Lookup("relu_grad"), ops.None{}, 12*float64(n), x, g)
		})
		b.Run(fmt.Sprintf("compare/%d", n), func(b *testing.B) {
			ewBench(b, core.Lookup("compare"), ops.CompareParams{Kind: "le"}, 5*float64(n), x, tensor.Scalar(float32(0)))
		})
		b.Run(fmt.Sprintf("where/%d", n), func(b *testing.B) {
			ewBench(b, core.Lookup("where"), ops.None{}, 9*float64(n), mask, tensor.Scalar(float32(0)), g)
		})
	}
}
