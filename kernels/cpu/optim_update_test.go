package cpu_test

import (
	"math"
	"runtime"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/tensor"
)

func TestAdamUpdateConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^adam_update$", Kernels: "^cpu$"})
}

// TestAdamUpdateMatchesComposition checks the fast kernel against the elementwise ops it fuses,
// themselves run by this package's kernels, bit for bit: on lengths that are and are not split
// across threads, with NaN, ±Inf, zero and negative second moments among the inputs.
// Float32 runs on each vector kernel the CPU has and on the Go loop.
func TestAdamUpdateMatchesComposition(t *testing.T) {
	levels := []int{0}
	if f32.HasAVX2 {
		levels = append(levels, 1)
	}
	if f32.HasAVX512 {
		levels = append(levels, 2)
	}
	defer cpu.SetAdamSIMD(cpu.SetAdamSIMD(0))
	for _, level := range levels {
		cpu.SetAdamSIMD(level)
		testAdamUpdateMatchesComposition(t)
	}
}

func testAdamUpdateMatchesComposition(t *testing.T) {
	p := ops.AdamUpdateParams{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for _, n := range []int{1, 7, 9, 15, 16, 17, 33, 65, 1000, 100_003} {
			w, g, m := tensor.Random(dt, tensor.Normal, 1, n), tensor.Random(dt, tensor.Normal, 2, n), tensor.Random(dt, tensor.Normal, 3, n)
			v := ops.MulScalar(tensor.Random(dt, tensor.Uniform, 4, n), 0.01)
			if n >= 7 {
				for i, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1} {
					g.Set(x, i)
				}
				v.Set(-0.5, 6)
				v.Set(math.Inf(1), n-1)
			}
			alpha := tensor.Full(dt, 3.1e-4)
			gotW, gotM, gotV := ops.AdamUpdate(w, g, m, v, alpha, p)
			wantM := ops.Add(m, ops.MulScalar(ops.Sub(g, m), 1-p.Beta1))
			wantV := ops.Add(v, ops.MulScalar(ops.Sub(ops.Square(g), v), 1-p.Beta2))
			wantW := ops.Sub(w, ops.Div(ops.Mul(wantM, alpha), ops.AddScalar(ops.Sqrt(wantV), p.Epsilon)))
			for j, pair := range [][2]*tensor.Tensor{{gotW, wantW}, {gotM, wantM}, {gotV, wantV}} {
				a := tensor.ToSlice[float64](ops.Cast(pair[0], dtype.Float64))
				b := tensor.ToSlice[float64](ops.Cast(pair[1], dtype.Float64))
				for i := range a {
					if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
						t.Fatalf("%s n=%d: output %d element %d is %v, composition gives %v", dt, n, j, i, a[i], b[i])
					}
				}
			}
		}
	}
}

// BenchmarkAdamUpdate is one Adam step of the 784-512-512-10 MLP's weights as one tensor; on one
// thread it also reports the CPU time of the calling thread.
func BenchmarkAdamUpdate(b *testing.B) {
	const n = 784*512 + 512*512 + 512*10
	w, g, m := tensor.RandomNormal(1, n), tensor.RandomNormal(2, n), tensor.RandomNormal(3, n)
	v, a := tensor.RandomUniform(4, n), tensor.Scalar[float32](1e-3)
	p := ops.AdamUpdateParams{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}
	b.SetBytes(7 * 4 * n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	c0 := cvThreadCPU()
	for range b.N {
		ops.AdamUpdate(w, g, m, v, a, p)
	}
	b.ReportMetric(float64(cvThreadCPU()-c0)/float64(b.N)/1e6, "thread-cpu-ms/op")
}
