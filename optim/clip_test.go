package optim_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func f64s(t *tensor.Tensor) []float64 { return tensor.ToSlice[float64](t) }

func near(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol) {
			return false
		}
	}
	return true
}

func TestClipByNorm(t *testing.T) {
	g := tensor.FromSlice([]float64{3, 4}, 2) // norm 5
	cases := []struct {
		c    float64
		want []float64
	}{
		{1, []float64{0.6, 0.8}},   // 3·1/5, 4·1/5
		{5, []float64{3, 4}},       // at the bound: unchanged
		{10, []float64{3, 4}},      // below: unchanged
		{2.5, []float64{1.5, 2.0}}, // halved
	}
	for _, c := range cases {
		if got := f64s(optim.ClipByNorm(g, c.c)); !near(got, c.want, 1e-15) {
			t.Errorf("ClipByNorm(%v) = %v, want %v", c.c, got, c.want)
		}
	}
	if got := f64s(optim.ClipByNorm(tensor.Zeros(dtype.Float64, 3), 1)); !near(got, []float64{0, 0, 0}, 0) {
		t.Errorf("zero gradient clipped to %v", got)
	}
	if err := core.Catch(func() { optim.ClipByNorm(g, 0) }); err == nil {
		t.Error("clip norm 0 did not panic")
	}
}

func TestClipByGlobalNorm(t *testing.T) {
	a := tensor.FromSlice([]float64{3, 4}, 2)
	b := tensor.FromSlice([]float32{12}, 1) // joint norm √(9+16+144) = 13
	out, norm := optim.ClipByGlobalNorm([]*tensor.Tensor{a, nil, b}, 6.5)
	if norm.Item() != 13 || norm.DType() != dtype.Float64 {
		t.Fatalf("norm = %v, want float64 13", norm)
	}
	if out[1] != nil {
		t.Error("nil entry became non-nil")
	}
	if got := f64s(out[0]); !near(got, []float64{1.5, 2}, 1e-15) {
		t.Errorf("clipped a = %v, want [1.5 2]", got)
	}
	if out[2].DType() != dtype.Float32 || out[2].Item() != 6 {
		t.Errorf("clipped b = %v, want float32 [6]", out[2])
	}
	out, _ = optim.ClipByGlobalNorm([]*tensor.Tensor{a}, 100)
	if got := f64s(out[0]); !near(got, []float64{3, 4}, 0) {
		t.Errorf("below the bound: %v, want unchanged", got)
	}
	// A non-finite norm poisons every gradient, so that a loss-scale wrapper skips the step.
	inf := tensor.FromSlice([]float64{math.Inf(1), 1}, 2)
	out, _ = optim.ClipByGlobalNorm([]*tensor.Tensor{a, inf}, 1)
	for _, x := range append(f64s(out[0]), f64s(out[1])...) {
		if !math.IsNaN(x) {
			t.Fatalf("with an infinite gradient: %v, %v, want NaN", out[0], out[1])
		}
	}
}

// Clipping traces: the norms are computed when the graph runs, for any batch size.
func TestClipTraced(t *testing.T) {
	f := graph.Compile(func(x *tensor.Tensor) []*tensor.Tensor {
		c, _ := optim.ClipByGlobalNorm([]*tensor.Tensor{x}, 1)
		return []*tensor.Tensor{c[0], optim.ClipByNorm(x, 2)}
	}, graph.InputSpecs(core.Spec{DType: dtype.Float64, Shape: shape.Shape{shape.Unknown}}))
	for _, in := range [][]float64{{3, 4}, {0.3, 0.4, 0}} {
		out, err := f.Call(tensor.FromSlice(in, len(in)))
		if err != nil {
			t.Fatal(err)
		}
		n := math.Hypot(in[0], in[1])
		for i, x := range in {
			if g := f64s(out[0])[i]; math.Abs(g-x/math.Max(n, 1)) > 1e-15 {
				t.Errorf("%v: global clip %v", in, f64s(out[0]))
			}
			if g := f64s(out[1])[i]; math.Abs(g-x*2/math.Max(n, 2)) > 1e-15 {
				t.Errorf("%v: norm clip %v", in, f64s(out[1]))
			}
		}
	}
}

// Only one of the three clipping options may be set, as in Keras.
func TestOneClipOption(t *testing.T) {
	err := core.Catch(func() { optim.SGD(optim.ClipNorm(1), optim.ClipValue(1)) })
	if err == nil {
		t.Fatal("two clipping options did not panic")
	}
	t.Log(err)
}

// ClipValue bounds each element, ClipNorm each variable's gradient: check on one SGD step with
// learning rate 1, where the step is the clipped gradient.
func TestClipOptionsOnAStep(t *testing.T) {
	g := []*tensor.Tensor{tensor.FromSlice([]float64{3, -4}, 2), tensor.FromSlice([]float64{0.5}, 1)}
	cases := []struct {
		opt  optim.Option
		want [][]float64
	}{
		{optim.ClipValue(1), [][]float64{{1, -1}, {0.5}}},
		{optim.ClipNorm(1), [][]float64{{0.6, -0.8}, {0.5}}},
		// joint norm √(25+0.25): every gradient scaled by 1/that.
		{optim.GlobalClipNorm(1), [][]float64{{3 / math.Sqrt(25.25), -4 / math.Sqrt(25.25)}, {0.5 / math.Sqrt(25.25)}}},
	}
	for _, c := range cases {
		vs := []*autodiff.Variable{
			autodiff.NewVariable("a", tensor.Zeros(dtype.Float64, 2)),
			autodiff.NewVariable("b", tensor.Zeros(dtype.Float64, 1)),
		}
		optim.SGD(optim.LearningRate(1), c.opt).Apply(g, vs)
		for i, v := range vs {
			got := f64s(v.Value().Detach())
			for j := range got {
				got[j] = -got[j]
			}
			if !near(got, c.want[i], 1e-15) {
				t.Errorf("%v: step on %s = %v, want %v", c.want, v.Name(), got, c.want[i])
			}
		}
	}
}
