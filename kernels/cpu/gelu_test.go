package cpu_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/tensor"
)

// TestGeluConformance runs the op conformance suite on the fast GELU kernels (both forms,
// every shape class, broadcasting for the gradient, NaN and infinities).
func TestGeluConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^(gelu|gelu_grad)$", Kernels: "^cpu$"})
}

// TestGeluUlps sweeps float32 inputs over [-10, 10] and compares the fast kernels with
// float64 math: within 1.5 ulps of max(1, |result|) (measured: at most 0.88), the tanh form's
// derivative included, whose 1 − tanh² the kernel computes without cancellation.
func TestGeluUlps(t *testing.T) {
	const n = 1<<16 + 7
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(-10 + 20*float64(i)/(n-1))
	}
	x := tensor.FromSlice(v, n)
	g := ops.AddScalar(tensor.Random(dtype.Float32, tensor.Uniform, 5, n), -0.5)
	x64, g64 := ops.Cast(x, dtype.Float64), ops.Cast(g, dtype.Float64)
	for _, c := range []struct {
		form          string
		fwdUlp, grUlp float64
	}{{"none", 1.5, 1.5}, {"tanh", 1.5, 1.5}} {
		p := ops.GeluParams{Approximate: c.form}
		check := func(what string, got, want *tensor.Tensor, ulps float64) {
			t.Helper()
			gv, wv := got.Float64s(), want.Float64s()
			worst, at := 0.0, 0
			for i := range gv {
				if e := math.Abs(gv[i]-wv[i]) / max(1, math.Abs(wv[i])) / 0x1p-23; e > worst {
					worst, at = e, i
				}
			}
			if worst > ulps {
				t.Errorf("%s %s: %.2f ulps at x = %v (got %v, want %v)", c.form, what, worst, v[at], gv[at], wv[at])
			}
		}
		check("gelu", core.Apply1(core.Lookup("gelu"), p, x), core.Apply1(core.Lookup("gelu"), p, x64), c.fwdUlp)
		check("gelu_grad", core.Apply1(core.Lookup("gelu_grad"), p, x, g), core.Apply1(core.Lookup("gelu_grad"), p, x64, g64), c.grUlp)
	}
}

// BenchmarkGeluKernels times the fast kernels alone on 2^20 float32 elements.
func BenchmarkGeluKernels(b *testing.B) {
	const n = 1 << 20
	x := ops.MulScalar(tensor.Random(dtype.Float32, tensor.Normal, 1, n), 2)
	g := tensor.Random(dtype.Float32, tensor.Normal, 2, n)
	for _, form := range []string{"none", "tanh"} {
		p := ops.GeluParams{Approximate: form}
		b.Run(fmt.Sprintf("gelu/%s", form), func(b *testing.B) {
			b.SetBytes(n * 8)
			b.ReportAllocs()
			for b.Loop() {
				core.Apply1(core.Lookup("gelu"), p, x).Release()
			}
		})
		b.Run(fmt.Sprintf("gelu_grad/%s", form), func(b *testing.B) {
			b.SetBytes(n * 12)
			b.ReportAllocs()
			for b.Loop() {
				core.Apply1(core.Lookup("gelu_grad"), p, x, g).Release()
			}
		})
	}
}
