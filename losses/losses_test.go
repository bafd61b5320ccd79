package losses_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// mustPanic returns the *core.Error fn panics with, failing the test otherwise.
func mustPanic(t *testing.T, fn func()) *core.Error {
	t.Helper()
	err := core.Catch(fn)
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *core.Error panic", err)
	}
	return ce
}

func TestOptionsAreChecked(t *testing.T) {
	e := mustPanic(t, func() { losses.MeanSquaredError(losses.FromLogits()) })
	if !strings.Contains(e.Error(), "losses: mean_squared_error does not take the option from_logits") {
		t.Errorf("got %v", e)
	}
	e = mustPanic(t, func() { losses.Huber(losses.WithReduction("average")) })
	if !strings.Contains(e.Error(), `unknown reduction "average"`) {
		t.Errorf("got %v", e)
	}
	mustPanic(t, func() { losses.CategoricalCrossentropy(losses.LabelSmoothing(1.5)) })
	if _, err := losses.Get("nope"); err == nil || !strings.Contains(err.Error(), `unknown loss "nope"`) {
		t.Errorf("got %v", err)
	}
}

func TestConfigAndNames(t *testing.T) {
	l := losses.SparseCategoricalCrossentropy(losses.FromLogits(), losses.IgnoreClass(255), losses.WithName("seg"))
	cfg := l.Config()
	if cfg["name"] != "seg" || cfg["reduction"] != "sum_over_batch_size" || cfg["from_logits"] != true || cfg["ignore_class"] != 255 {
		t.Errorf("config %v", cfg)
	}
	if l.Name() != "seg" || losses.MeanSquaredError().Name() != "mean_squared_error" || losses.Huber().Name() != "huber_loss" {
		t.Error("names")
	}
	for _, n := range losses.Names() {
		if _, err := losses.Get(n); err != nil {
			t.Error(err)
		}
	}
	if g, _ := losses.Get("mse"); g.Name() != "mean_squared_error" {
		t.Error("alias")
	}
}

func TestShapeErrors(t *testing.T) {
	mustPanic(t, func() {
		losses.SparseCategoricalCrossentropy().Compute(tensor.Zeros(dtype.Int64, 3, 2), tensor.Ones(dtype.Float32, 3, 4), nil)
	})
	mustPanic(t, func() {
		losses.CategoricalCrossentropy().Compute(tensor.Ones(dtype.Float32, 3, 5), tensor.Ones(dtype.Float32, 3, 4), nil)
	})
	mustPanic(t, func() {
		losses.CTC().Compute(tensor.Zeros(dtype.Int64, 3), tensor.Ones(dtype.Float32, 3, 4, 2), nil)
	})
	mustPanic(t, func() {
		losses.CTC(losses.Blank(2)).Compute(tensor.Zeros(dtype.Int64, 3, 1), tensor.Ones(dtype.Float32, 3, 4, 2), nil)
	})
}

func TestFloat32(t *testing.T) {
	yTrue := tensor.FromSlice([]int32{1, 0, 2}, 3)
	yPred := tensor.FromRows([][]float32{{1, 2, 3}, {0, 0, 0}, {-1, 5, 0.5}})
	l := losses.SparseCategoricalCrossentropy(losses.FromLogits()).Compute(yTrue, yPred, nil)
	if l.DType() != dtype.Float32 {
		t.Fatalf("dtype %v", l.DType())
	}
	want := (1.4076059644443806 + 1.0986122886681098 + 4.513496263048538) / 3
	if math.Abs(l.Item()-want) > 1e-5 {
		t.Errorf("got %v, want %v", l.Item(), want)
	}
}

func TestCTCInfeasible(t *testing.T) {
	// Two repeated labels need at least three steps.
	lab := tensor.FromRows([][]int64{{1, 1}, {1, 0}})
	x := autodiff.Watch(normal(5, 2, 2, 3))
	l := losses.CTC().Call(lab, x)
	if v := l.Float64s(); !math.IsInf(v[0], 1) || math.IsInf(v[1], 0) {
		t.Fatalf("losses %v, want +Inf then finite", v)
	}
	g := autodiff.Grad(losses.CTC(losses.WithReduction(losses.Sum)).Compute(lab, x, tensor.FromSlice([]float64{0, 1})), x)[0]
	for i, v := range g.Float64s() {
		if math.IsNaN(v) || math.IsInf(v, 0) || (i < 6 && v != 0) {
			t.Fatalf("gradient %v: want zeros for the infeasible sample, finite values for the other", g)
		}
	}
}

func TestCosineZeroVector(t *testing.T) {
	l := losses.CosineSimilarity(losses.WithReduction(losses.None)).Compute(
		tensor.FromRows([][]float64{{0, 0}, {1, 1}}), tensor.FromRows([][]float64{{1, 2}, {-2, -2}}), nil)
	if v := l.Float64s(); v[0] != 0 || math.Abs(v[1]-1) > 1e-12 {
		t.Errorf("got %v, want [0 1]", v)
	}
}

func TestEmptyBatch(t *testing.T) {
	l := losses.MeanSquaredError().Compute(tensor.Zeros(dtype.Float32, 0, 3), tensor.Zeros(dtype.Float32, 0, 3), nil)
	if l.Item() != 0 {
		t.Errorf("got %v, want 0", l.Item())
	}
}

func TestCustomLoss(t *testing.T) {
	sq := losses.NewFunc("sum_squares", func(yTrue, yPred *T) *T {
		return tensorSumSquares(yTrue, yPred)
	}, losses.WithReduction(losses.Sum))
	got := sq.Compute(tensor.FromSlice([]float64{1, 2}), tensor.FromSlice([]float64{0, 0}), tensor.FromSlice([]float64{1, 3}))
	if got.Item() != 1+3*4 {
		t.Errorf("got %v", got.Item())
	}
	mustPanic(t, func() { losses.NewFunc("x", tensorSumSquares, losses.FromLogits()) })
}

func tensorSumSquares(yTrue, yPred *T) *T { return ops.Square(ops.Sub(yTrue, yPred)) }
