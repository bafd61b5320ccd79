package optim_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// snapshot copies the values of variables.
func snapshot(vs []*autodiff.Variable) [][]float64 {
	out := make([][]float64, len(vs))
	for i, v := range vs {
		out[i] = tensor.ToSlice[float64](ops.Cast(v.Value().Detach(), dtype.Float64))
	}
	return out
}

func TestLossScaleEager(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.FromSlice([]float32{1, 2}, 2))
	ls := optim.LossScale(optim.SGD(optim.LearningRate(0.5), optim.Momentum(0.9)),
		optim.InitialScale(8), optim.DynamicGrowthSteps(2))
	vars := []*autodiff.Variable{w}
	if got := ls.ScaleLoss(tensor.Scalar[float32](3)).Item(); got != 24 {
		t.Fatalf("ScaleLoss(3) = %v, want 24", got)
	}
	scaled := func(g ...float32) []*tensor.Tensor {
		return []*tensor.Tensor{ops.MulScalar(tensor.FromSlice(g, len(g)), ls.Scale())}
	}

	// A finite step: the unscaled gradient [1, -1] with lr 0.5 moves w by [-0.5, 0.5].
	ls.Apply(scaled(1, -1), vars)
	if got := snapshot(vars)[0]; !near(got, []float64{0.5, 2.5}, 1e-7) {
		t.Fatalf("after a finite step w = %v, want [0.5 2.5]", got)
	}
	if ls.Scale() != 8 {
		t.Fatalf("scale %v after one finite step, want 8", ls.Scale())
	}

	// A non-finite gradient: nothing moves, not even the inner momentum or iteration count;
	// the scale halves.
	before := snapshot(ls.Variables()[2:]) // the inner optimizer's state
	wBefore := snapshot(vars)
	ls.Apply([]*tensor.Tensor{tensor.FromSlice([]float32{float32(math.Inf(1)), 1}, 2)}, vars)
	if got := snapshot(vars); !near(got[0], wBefore[0], 0) {
		t.Fatalf("w moved on a skipped step: %v -> %v", wBefore, got)
	}
	if after := snapshot(ls.Variables()[2:]); !equalNested(before, after) {
		t.Fatalf("inner state changed on a skipped step: %v -> %v", before, after)
	}
	if ls.Scale() != 4 {
		t.Fatalf("scale %v after an overflow, want 4", ls.Scale())
	}
	if it := ls.Iterations().Value().Item(); it != 1 {
		t.Fatalf("iterations %v, want 1 (the skipped step does not count)", it)
	}

	// Two finite steps in a row double the scale.
	ls.Apply(scaled(0, 0), vars)
	if ls.Scale() != 4 {
		t.Fatalf("scale %v after one finite step, want 4", ls.Scale())
	}
	ls.Apply(scaled(0, 0), vars)
	if ls.Scale() != 8 {
		t.Fatalf("scale %v after two finite steps, want 8", ls.Scale())
	}
	if it := ls.Iterations().Value().Item(); it != 3 {
		t.Fatalf("iterations %v, want 3", it)
	}
	names := []string{}
	for _, v := range ls.Variables() {
		names = append(names, v.Name())
	}
	want := []string{"loss_scale_optimizer/step_counter", "loss_scale_optimizer/dynamic_scale",
		"SGD/iteration", "SGD/learning_rate", "SGD/w/momentum"}
	if !equalStrings(names, want) {
		t.Errorf("variables %v, want %v", names, want)
	}
}

// The same decisions are taken inside a compiled train step.
func TestLossScaleCompiled(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.FromSlice([]float32{1, 2}, 2))
	ls := optim.LossScale(optim.Adam(optim.LearningRate(0.1)), optim.InitialScale(1024), optim.DynamicGrowthSteps(3))
	step := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor {
		loss := ops.Sum(ops.Mul(ops.Sum(x, 0), w.Value())) // gradient: the column sums of x
		optim.Minimize(ls, loss, w)
		return loss
	}, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown, 2}}))
	call := func(rows ...[]float32) {
		t.Helper()
		if _, err := step.Call(tensor.FromRows(rows)); err != nil {
			t.Fatal(err)
		}
	}
	call([]float32{1, 1})
	w1 := snapshot([]*autodiff.Variable{w})[0]
	if near(w1, []float64{1, 2}, 0) {
		t.Fatal("a finite compiled step did not move w")
	}
	call([]float32{float32(math.Inf(1)), 1}, []float32{0, 1}) // overflow: skipped
	if got := snapshot([]*autodiff.Variable{w})[0]; !near(got, w1, 0) {
		t.Fatalf("w moved on a skipped compiled step: %v -> %v", w1, got)
	}
	if ls.Scale() != 512 {
		t.Fatalf("scale %v after an overflow, want 512", ls.Scale())
	}
	for range 3 {
		call([]float32{1, -1})
	}
	if ls.Scale() != 1024 {
		t.Fatalf("scale %v after 3 finite steps, want 1024", ls.Scale())
	}
	if it := ls.Iterations().Value().Item(); it != 4 {
		t.Fatalf("iterations %v, want 4", it)
	}
	if n := step.Traces(); n != 1 {
		t.Fatalf("traced %d times", n)
	}
}

func TestLossScaleFactor(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.FromSlice([]float64{1}, 1))
	opt := optim.SGD(optim.LearningRate(1), optim.LossScaleFactor(4))
	loss := ops.Sum(ops.MulScalar(w.Value(), 3)) // gradient 3
	if got := opt.ScaleLoss(loss).Item(); got != 12 {
		t.Fatalf("ScaleLoss = %v, want 12", got)
	}
	optim.Minimize(opt, loss, w)
	// The scaled loss 12w has gradient 12; Apply divides it by 4 back to 3: w = 1 - 1·3.
	if got := w.Value().Item(); got != -2 {
		t.Fatalf("w = %v, want -2", got)
	}
	if err := core.Catch(func() { optim.LossScale(opt) }); err == nil {
		t.Fatal("wrapping an optimizer with its own loss_scale_factor did not panic")
	}
}

func equalNested(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i], 0) {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
