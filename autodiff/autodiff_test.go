package autodiff_test

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func TestSecondOrder(t *testing.T) {
	// y = x³: dy/dx = 3x², d²y/dx² = 6x.
	x := autodiff.Watch(tensor.FromSlice([]float64{-1, 0.5, 2}))
	y := ops.Mul(ops.Mul(x, x), x)
	g := autodiff.Gradients([]*tensor.Tensor{y}, []*tensor.Tensor{x},
		autodiff.OutputGrads(tensor.Ones(dtype.Float64, 3)), autodiff.CreateGraph())[0]
	if !tensor.AllClose(g, tensor.FromSlice([]float64{3, 0.75, 12}), 1e-12, 0) {
		t.Fatalf("first derivative %v", g)
	}
	h := autodiff.Grad(ops.Sum(g), x)[0]
	if !tensor.AllClose(h, tensor.FromSlice([]float64{-6, 3, 12}), 1e-12, 0) {
		t.Fatalf("second derivative %v", h)
	}
	if autodiff.IsTracked(h) {
		t.Fatal("a gradient taken without CreateGraph is tracked")
	}
}

func TestVJPAndUnusedInputs(t *testing.T) {
	a := autodiff.Watch(tensor.FromRows([][]float64{{1, 2}, {3, 4}}))
	b := autodiff.Watch(tensor.FromSlice([]float64{5, 6}))
	unused := autodiff.Watch(tensor.FromSlice([]float64{7}))
	y := ops.MatMul(a, b) // [17 39]
	gs := autodiff.VJP(y, tensor.FromSlice([]float64{1, 10}), a, b, unused)
	// d(y·v)/da = v bᵀ, d(y·v)/db = aᵀ v.
	want := []*tensor.Tensor{
		tensor.FromRows([][]float64{{5, 6}, {50, 60}}),
		tensor.FromSlice([]float64{31, 42}),
		tensor.FromSlice([]float64{0}),
	}
	for i := range want {
		if !tensor.AllClose(gs[i], want[i], 0, 0) {
			t.Errorf("gradient %d = %v, want %v", i, gs[i], want[i])
		}
	}
}

func TestStopGradientAndAccumulation(t *testing.T) {
	x := autodiff.Watch(tensor.Scalar(3.0))
	// y = x·x + stop(x)·x: dy/dx = 2x + x = 9 (the stopped factor is a constant).
	y := ops.Add(ops.Mul(x, x), ops.Mul(autodiff.StopGradient(x), x))
	if g := autodiff.Grad(y, x)[0].Item(); g != 9 {
		t.Fatalf("got %v, want 9", g)
	}
}

func TestNothingRecordedWithoutTracking(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2})
	if y := ops.Exp(ops.Mul(x, x)); autodiff.IsTracked(y) {
		t.Fatal("an op on untracked tensors recorded a node")
	}
}

func TestGradErrors(t *testing.T) {
	x := autodiff.Watch(tensor.FromSlice([]float64{1, 2}))
	for want, f := range map[string]func(){
		"is not tracked":    func() { autodiff.Grad(tensor.Scalar(1.0), x) },
		"needs one element": func() { autodiff.Grad(ops.Mul(x, x), x) },
		"output gradient 0 has shape [3]": func() {
			autodiff.VJP(ops.Mul(x, x), tensor.Zeros(dtype.Float64, 3), x)
		},
	} {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
}

func TestVariableAssign(t *testing.T) {
	v := autodiff.NewVariable("w", tensor.FromSlice([]float32{1, 2}))
	before := v.Value()
	v.Assign(tensor.FromSlice([]float64{3, 4}))
	if v.Value() != before || !tensor.Equal(v.Value().Detach(), tensor.FromSlice([]float32{3, 4})) {
		t.Fatalf("assign: %v", v.Value())
	}
	err := core.Catch(func() { v.Assign(tensor.Zeros(dtype.Float32, 3)) })
	if err == nil || !strings.Contains(err.Error(), `variable "w" has shape [2], value has [3]`) {
		t.Fatalf("got %v", err)
	}
	s := autodiff.NewVariable("steps", tensor.Scalar(int64(0)), autodiff.NotTrainable())
	if s.Trainable() || autodiff.IsTracked(s.Value()) || autodiff.IsTracked(ops.Exp(s.Value())) {
		t.Fatal("non-trainable variable is tracked")
	}
}

// TestConcurrentGradients computes gradients of different functions of shared variables in
// many goroutines at once; run with -race it shows there is no shared tape.
func TestConcurrentGradients(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.Random(dtype.Float64, tensor.Normal, 1, 8, 4))
	x := tensor.Random(dtype.Float64, tensor.Normal, 2, 16, 8)
	var wg sync.WaitGroup
	results := make([]float64, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Goroutine g differentiates sum(tanh(x·w)^(g+1)).
			y := ops.Sum(ops.PowScalar(ops.Tanh(ops.MatMul(x, w.Value())), float64(g+1)))
			results[g] = ops.Sum(autodiff.GradVariables(y, w)[0]).Item()
		}()
	}
	wg.Wait()
	for g := range 8 {
		y := ops.Sum(ops.PowScalar(ops.Tanh(ops.MatMul(x, w.Value())), float64(g+1)))
		want := ops.Sum(autodiff.GradVariables(y, w)[0]).Item()
		if math.Abs(results[g]-want) > 1e-12*math.Abs(want) {
			t.Errorf("goroutine %d got %v, sequential %v", g, results[g], want)
		}
	}
}

func TestGradOfUntrackedInputIsAnError(t *testing.T) {
	w := autodiff.Watch(tensor.FromSlice([]float64{1, 2}))
	x := tensor.FromSlice([]float64{3, 4})
	y := ops.Sum(ops.Mul(w, x))
	err := core.Catch(func() { autodiff.Grad(y, x) })
	if err == nil || !strings.Contains(err.Error(), "input 0 (float64[2]) is not tracked for gradients") {
		t.Fatalf("got %v", err)
	}
}
