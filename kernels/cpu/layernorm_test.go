package cpu_test

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// normOps are the fused normalizations and their gradients.
var normOps = []string{"layer_norm", "layer_norm_grad", "rms_norm", "rms_norm_grad"}

// TestNormConformance runs the op conformance suite on the fast normalization kernels:
// inference against outputs, illegal cases, guard bands, unchanged inputs, every output
// element written (they start as garbage), and the reference's values.
func TestNormConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^(layer_norm|layer_norm_grad|rms_norm|rms_norm_grad)$", Kernels: "^cpu$"})
}

// TestNormDirtyOutputs runs the fast kernels on every conformance case into zeroed outputs and
// into outputs of 0xFF bytes: the gradients' parameter sums must not add into their outputs.
func TestNormDirtyOutputs(t *testing.T) {
	for _, name := range normOps {
		op := core.Lookup(name)
		for _, c := range conformance.Cases(op) {
			if c.DType == dtype.Float32 || c.DType == dtype.Float64 {
				checkDirty(t, "rows", op, c)
			}
		}
	}
}

// lnCase returns the forward and gradient inputs of a layer normalization of rows×n values
// with mean loc and spread 1, a scale and an offset, in dtype dt.
func lnCase(dt dtype.DType, rows, n int, loc float64, seed uint64) (x, scale, offset, dy *tensor.Tensor) {
	x = ops.AddScalar(tensor.Random(dtype.Float64, tensor.Normal, seed, rows, n), loc)
	scale = ops.AddScalar(tensor.Random(dtype.Float64, tensor.Uniform, seed+1, n), 0.5)
	offset = tensor.Random(dtype.Float64, tensor.Normal, seed+2, n)
	dy = tensor.Random(dtype.Float64, tensor.Normal, seed+3, rows, n)
	return ops.Cast(x, dt), ops.Cast(scale, dt), ops.Cast(offset, dt), ops.Cast(dy, dt)
}

// TestLayerNormLargeMean checks the float32 kernel against float64 math where the mean is
// 10⁴ times the spread: E[x²] − E[x]² would lose every digit there; the corrected two-pass
// moments keep the result within a few float32 ulps.
func TestLayerNormLargeMean(t *testing.T) {
	for _, loc := range []float64{0, 1e4, -3e4} {
		x, scale, offset, _ := lnCase(dtype.Float32, 7, 769, loc, 11)
		p := ops.NormParams{NumAxes: 1, HasScale: true, HasOffset: true}
		got := core.Apply(core.Lookup("layer_norm"), p, x, scale, offset)
		x64, s64, o64 := ops.Cast(x, dtype.Float64), ops.Cast(scale, dtype.Float64), ops.Cast(offset, dtype.Float64)
		want := core.Apply(core.Lookup("layer_norm"), p, x64, s64, o64)
		// y, formed from terms of a few units that partly cancel (x̂·scale + offset), is
		// within a few float32 roundings of them, whatever the mean (E[x²] − E[x]² in float32
		// would lose every digit of the variance at 10⁴: float32's ulp of 10⁸ is 8); the mean
		// is rounded once.
		if !tensor.AllClose(ops.Cast(got[0], dtype.Float64), want[0], 4*0x1p-23, 2e-6) {
			d, i := tensor.MaxDiff(ops.Cast(got[0], dtype.Float64), want[0])
			t.Errorf("loc %g: y differs from float64 by %g at %d", loc, d, i)
		}
		if d, _ := tensor.MaxDiff(ops.Cast(got[1], dtype.Float64), want[1]); d > math.Abs(loc)*1e-7+1e-7 {
			t.Errorf("loc %g: mean differs from float64 by %g", loc, d)
		}
		if d, _ := tensor.MaxDiff(ops.Cast(got[2], dtype.Float64), want[2]); d > 1e-6 {
			t.Errorf("loc %g: rstd differs from float64 by %g", loc, d)
		}
	}
}

// TestLayerNormThreads checks that the kernels give the same values on one thread and on
// several, where the rows are split and the parameter gradients summed per thread.
func TestLayerNormThreads(t *testing.T) {
	x, scale, offset, dy := lnCase(dtype.Float32, 4099, 96, 1, 21)
	p := ops.NormParams{NumAxes: 1, HasScale: true, HasOffset: true}
	run := func(procs int) []*tensor.Tensor {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		fwd := core.Apply(core.Lookup("layer_norm"), p, x, scale, offset)
		zero := ops.ZerosLike(fwd[1])
		return append(fwd, core.Apply(core.Lookup("layer_norm_grad"), p, x, fwd[1], fwd[2], dy, zero, zero, scale)...)
	}
	one, four := run(1), run(4)
	for i, what := range []string{"y", "mean", "rstd", "dx", "dscale", "doffset"} {
		// The forward rows and dx do not depend on the split; the sums over rows change only
		// in the grouping of their float64 additions, which may move a rounding to float32.
		tol := 0.0
		if i >= 4 {
			tol = 0x1p-23
		}
		if !tensor.AllClose(one[i], four[i], tol, tol) {
			d, j := tensor.MaxDiff(one[i], four[i])
			t.Errorf("%s differs between 1 and 4 threads by %g at %d", what, d, j)
		}
	}
}

// BenchmarkLayerNormKernels times the fast kernels alone on a transformer's activations.
func BenchmarkLayerNormKernels(b *testing.B) {
	for _, sz := range [][2]int{{4096, 768}, {512, 4096}, {65536, 32}} {
		x, scale, offset, dy := lnCase(dtype.Float32, sz[0], sz[1], 0, 31)
		p := ops.NormParams{NumAxes: 1, HasScale: true, HasOffset: true}
		ln, lnGrad := core.Lookup("layer_norm"), core.Lookup("layer_norm_grad")
		fwd := core.Apply(ln, p, x, scale, offset)
		zero := ops.ZerosLike(fwd[1])
		name := fmt.Sprintf("%dx%d", sz[0], sz[1])
		b.Run("forward/"+name, func(b *testing.B) {
			b.SetBytes(int64(x.Size() * 8))
			for b.Loop() {
				for _, t := range core.Apply(ln, p, x, scale, offset) {
					t.Release()
				}
			}
		})
		b.Run("backward/"+name, func(b *testing.B) {
			b.SetBytes(int64(x.Size() * 12))
			for b.Loop() {
				for _, t := range core.Apply(lnGrad, p, x, fwd[1], fwd[2], dy, zero, zero, scale) {
					t.Release()
				}
			}
		})
	}
}

// TestNormCompiled compiles a transformer block's normalizations and activation with their
// gradients (layer norm, a matrix product, GELU fused after it, RMS norm) and compares the
// compiled results with the eager ones, for an unknown batch size given twice, and with
// CreateGraph (where the gradient rules build composites) against the same eagerly.
func TestNormCompiled(t *testing.T) {
	w := ops.Cast(tensor.Random(dtype.Float64, tensor.Normal, 51, 33, 40), dtype.Float32)
	_, scale, offset, _ := lnCase(dtype.Float32, 1, 33, 0, 52)
	for _, create := range []bool{false, true} {
		block := func(x, dy *tensor.Tensor) []*tensor.Tensor {
			xw, sw, ow := autodiff.Watch(x), autodiff.Watch(scale), autodiff.Watch(offset)
			h := ops.LayerNorm(xw, sw, ow, ops.LayerNormParams{})
			h = ops.Gelu(ops.Add(ops.MatMul(h, w), tensor.Scalar(float32(0.1))), "tanh")
			h = ops.RMSNorm(h, nil, ops.LayerNormParams{})
			var opts []autodiff.GradOption
			opts = append(opts, autodiff.OutputGrads(dy))
			if create {
				opts = append(opts, autodiff.CreateGraph())
			}
			gs := autodiff.Gradients([]*tensor.Tensor{h}, []*tensor.Tensor{xw, sw, ow}, opts...)
			if create { // differentiate once more
				gs = autodiff.Grad(ops.Sum(ops.Mul(gs[0], gs[0])), xw, sw, ow)
			}
			return append([]*tensor.Tensor{h}, gs...)
		}
		fn := graph.Compile(block, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: shape.Shape{-1, 33}},
			core.Spec{DType: dtype.Float32, Shape: shape.Shape{-1, 40}}))
		for i, rows := range []int{5, 67} {
			x, _, _, _ := lnCase(dtype.Float32, rows, 33, 2, uint64(60+i))
			dy := ops.Cast(tensor.Random(dtype.Float64, tensor.Normal, uint64(70+i), rows, 40), dtype.Float32)
			got, err := fn.Call(x, dy)
			if err != nil {
				t.Fatal(err)
			}
			want := block(x, dy)
			for j := range want {
				if !tensor.AllClose(got[j], want[j].Detach(), 1e-5, 1e-5) {
					d, at := tensor.MaxDiff(got[j], want[j].Detach())
					t.Errorf("create=%v rows %d: output %d compiled differs from eager by %g at %d", create, rows, j, d, at)
				}
			}
		}
		if n := fn.Traces(); n != 1 {
			t.Errorf("create=%v: traced %d times, want 1", create, n)
		}
		// The graph, with the new ops' params, survives serialization.
		x, _, _, _ := lnCase(dtype.Float32, 9, 33, 2, 80)
		dy := ops.Cast(tensor.Random(dtype.Float64, tensor.Normal, 81, 9, 40), dtype.Float32)
		g, err := fn.Graph(x, dy)
		if err != nil {
			t.Fatal(err)
		}
		b, err := graph.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		g2, err := graph.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := g2.NewPlan([]core.Spec{core.SpecOf(x), core.SpecOf(dy)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := plan.Run([]*tensor.Tensor{x, dy})
		if err != nil {
			t.Fatal(err)
		}
		want, err := fn.Call(x, dy)
		if err != nil {
			t.Fatal(err)
		}
		for j := range want {
			if !tensor.Equal(got[j], want[j]) {
				t.Errorf("create=%v: output %d of the unmarshalled graph differs", create, j)
			}
		}
	}
}
