package metrics_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/metrics"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

type T = tensor.Tensor

func spec(dt dtype.DType, dims ...int) core.Spec {
	return core.Spec{DType: dt, Shape: shape.Of(dims...)}
}

func uniform(seed uint64, dims ...int) *T { return tensor.RandomUniform(seed, dims...) }

func labels(seed uint64, n int, dims ...int) *T {
	return ops.Cast(ops.Floor(ops.MulScalar(uniform(seed, dims...), float64(n)-1e-3)), dtype.Int64)
}

func oneHot(seed uint64, batch, classes int) *T {
	return ops.OneHot(labels(seed, classes, batch), classes, dtype.Float32)
}

// TestCompiledEvalStep updates metrics inside a function compiled with an unknown batch
// dimension: the updates are variable write-backs, two batch sizes run on one trace, and the
// results equal those of the same metrics updated eagerly.
func TestCompiledEvalStep(t *testing.T) {
	f32 := dtype.Float32
	binary := func(n int, s uint64) (*T, *T) {
		return ops.Cast(labels(s, 2, n), f32), uniform(s+1, n)
	}
	multi := func(n int, s uint64) (*T, *T) { return ops.Cast(labels(s, 2, n, 3), f32), uniform(s+1, n, 3) }
	categorical := func(n int, s uint64) (*T, *T) { return oneHot(s, n, 4), uniform(s+1, n, 4) }
	sparse := func(n int, s uint64) (*T, *T) { return labels(s, 4, n), uniform(s+1, n, 4) }
	cases := []struct {
		name  string
		make  func() metrics.Metric
		specs []core.Spec
		data  func(n int, seed uint64) (*T, *T)
	}{
		{"accuracy", func() metrics.Metric { return metrics.Accuracy() }, []core.Spec{spec(dtype.Int64, -1), spec(dtype.Int64, -1)},
			func(n int, s uint64) (*T, *T) { return labels(s, 3, n), labels(s+1, 3, n) }},
		{"binary_accuracy", func() metrics.Metric { return metrics.BinaryAccuracy() }, []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, multi},
		{"categorical_accuracy", func() metrics.Metric { return metrics.CategoricalAccuracy() }, []core.Spec{spec(f32, -1, 4), spec(f32, -1, 4)}, categorical},
		{"sparse_categorical_accuracy", func() metrics.Metric { return metrics.SparseCategoricalAccuracy() }, []core.Spec{spec(dtype.Int64, -1), spec(f32, -1, 4)}, sparse},
		{"top_k", func() metrics.Metric { return metrics.TopKCategoricalAccuracy(metrics.K(2)) }, []core.Spec{spec(f32, -1, 4), spec(f32, -1, 4)}, categorical},
		{"sparse_top_k", func() metrics.Metric { return metrics.SparseTopKCategoricalAccuracy(metrics.K(2)) }, []core.Spec{spec(dtype.Int64, -1), spec(f32, -1, 4)}, sparse},
		{"precision", func() metrics.Metric { return metrics.Precision(metrics.Thresholds(0.3, 0.6)) }, []core.Spec{spec(f32, -1), spec(f32, -1)}, binary},
		{"recall top_k class_id", func() metrics.Metric { return metrics.Recall(metrics.TopK(2), metrics.ClassID(1)) }, []core.Spec{spec(f32, -1, 4), spec(f32, -1, 4)}, categorical},
		{"auc", func() metrics.Metric { return metrics.AUC() }, []core.Spec{spec(f32, -1), spec(f32, -1)}, binary},
		{"auc pr multi-label", func() metrics.Metric { return metrics.AUC(metrics.WithCurve(metrics.PR), metrics.MultiLabel()) }, []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, multi},
		{"f1 macro", func() metrics.Metric { return metrics.F1Score(metrics.WithAverage(metrics.Macro)) }, []core.Spec{spec(f32, -1, 4), spec(f32, -1, 4)}, categorical},
		{"mean_io_u", func() metrics.Metric { return metrics.MeanIoU(4) }, []core.Spec{spec(dtype.Int64, -1), spec(dtype.Int64, -1)},
			func(n int, s uint64) (*T, *T) { return labels(s, 4, n), labels(s+1, 4, n) }},
		{"mse", func() metrics.Metric { return metrics.MeanSquaredError() }, []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, multi},
		{"rmse", func() metrics.Metric { return metrics.RootMeanSquaredError() }, []core.Spec{spec(f32, -1), spec(f32, -1, 1)},
			func(n int, s uint64) (*T, *T) { return uniform(s, n), uniform(s+1, n, 1) }},
		{"cce", func() metrics.Metric { return metrics.CategoricalCrossentropy() }, []core.Spec{spec(f32, -1, 4), spec(f32, -1, 4)}, categorical},
		{"scce logits", func() metrics.Metric { return metrics.SparseCategoricalCrossentropy(metrics.FromLogits()) }, []core.Spec{spec(dtype.Int64, -1), spec(f32, -1, 4)}, sparse},
		{"bce", func() metrics.Metric { return metrics.BinaryCrossentropy() }, []core.Spec{spec(f32, -1), spec(f32, -1)}, binary},
		{"mean", func() metrics.Metric { return metrics.Mean() }, []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, multi},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compiled, eager := c.make(), c.make()
			step := graph.Compile(func(yTrue, yPred, sw *T) *T {
				compiled.Update(yTrue, yPred, sw)
				return ops.Sum(sw)
			}, graph.InputSpecs(append(c.specs, spec(dtype.Float32, -1))...))
			for i, n := range []int{6, 11, 6} {
				yTrue, yPred := c.data(n, uint64(10*i+3))
				sw := uniform(uint64(10*i+5), n)
				if _, err := step.Call(yTrue, yPred, sw); err != nil {
					t.Fatal(err)
				}
				eager.Update(yTrue, yPred, sw)
			}
			if step.Traces() != 1 {
				t.Errorf("traced %d times, want 1", step.Traces())
			}
			got, want := compiled.Result(), eager.Result()
			if !tensor.AllClose(got, want, 1e-5, 1e-6) {
				t.Errorf("compiled %v, eager %v", got, want)
			}
			if tensor.AllClose(got, tensor.Zeros(got.DType(), got.Shape()...), 0, 0) {
				t.Errorf("result %v: nothing was accumulated", got)
			}
		})
	}
}

func mustPanic(t *testing.T, fn func()) *core.Error {
	t.Helper()
	var ce *core.Error
	if err := core.Catch(fn); !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *core.Error panic", err)
	}
	return ce
}

func TestOptionErrors(t *testing.T) {
	e := mustPanic(t, func() { metrics.Accuracy(metrics.TopK(3)) })
	if !strings.Contains(e.Error(), "accuracy does not take the option top_k") {
		t.Errorf("got %v", e)
	}
	mustPanic(t, func() { metrics.Precision(metrics.Thresholds(1.5)) })
	mustPanic(t, func() { metrics.AUC(metrics.NumThresholds(1)) })
	mustPanic(t, func() { metrics.AUC(metrics.WithCurve("PRGAIN")) })
	mustPanic(t, func() { metrics.FBetaScore(metrics.Beta(0)) })
	mustPanic(t, func() { metrics.F1Score(metrics.Threshold(0)) })
	mustPanic(t, func() { metrics.MeanIoU(1) })
	mustPanic(t, func() { metrics.Mean(metrics.WithDType(dtype.Int32)) })
	mustPanic(t, func() {
		m := metrics.F1Score()
		m.Update(tensor.Zeros(dtype.Float32, 3), tensor.Zeros(dtype.Float32, 3), nil)
	})
	mustPanic(t, func() {
		metrics.SparseCategoricalAccuracy().Update(tensor.Zeros(dtype.Int64, 3, 2), tensor.Zeros(dtype.Float32, 3, 4), nil)
	})
	e = mustPanic(t, func() { metrics.Value(metrics.Precision(metrics.Thresholds(0.2, 0.4))) })
	if !strings.Contains(e.Error(), "precision has a result of shape [2], not one value") {
		t.Errorf("got %v", e)
	}
	if _, err := metrics.Get("nope"); err == nil {
		t.Error("Get of an unknown name succeeded")
	}
}

func TestGetAndNames(t *testing.T) {
	for _, n := range metrics.Names() {
		m, err := metrics.Get(n)
		if err != nil {
			t.Fatal(err)
		}
		if m.Name() == "" || len(m.Variables()) == 0 && n != "f1_score" && n != "F1Score" && n != "fbeta_score" && n != "FBetaScore" {
			t.Errorf("%s: name %q, %d variables", n, m.Name(), len(m.Variables()))
		}
	}
	m, _ := metrics.Get("acc")
	if m.Name() != "accuracy" {
		t.Errorf("acc is %s", m.Name())
	}
	if v := metrics.Precision().Variables(); v[0].Name() != "precision/true_positives" || v[0].Trainable() {
		t.Errorf("variable %s trainable=%v", v[0].Name(), v[0].Trainable())
	}
}

func TestEmptyResults(t *testing.T) {
	for _, m := range []metrics.Metric{metrics.Accuracy(), metrics.Mean(), metrics.Precision(), metrics.AUC(),
		metrics.AUC(metrics.MultiLabel()), metrics.F1Score(metrics.WithAverage(metrics.Macro)), metrics.MeanIoU(3)} {
		if v := metrics.Value(m); v != 0 {
			t.Errorf("%s before any update: %v", m.Name(), v)
		}
	}
}

func TestConfusionMatrixCounts(t *testing.T) {
	cm := metrics.ConfusionMatrix(tensor.FromSlice([]int64{1, 2, 4}), tensor.FromSlice([]int64{2, 2, 4}), 5, nil)
	want := tensor.FromRows([][]int64{{0, 0, 0, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 1}})
	if !tensor.Equal(cm, want) {
		t.Errorf("got\n%v\nwant\n%v", cm, want)
	}
}
