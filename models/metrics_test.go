package models

import (
	"context"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/metrics"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// matches returns the fraction of equal elements of two tensors of one shape.
func matches(a, b *tensor.Tensor) float64 {
	eq := ops.Cast(ops.Equal(a, ops.Cast(b, a.DType())), dtype.Float64)
	return ops.Mean(eq).Item()
}

// "accuracy" becomes the accuracy that fits the loss and the shapes: each case trains a little,
// then the accuracy Evaluate reports (compiled, and eagerly) is compared with the one computed
// from Predict's outputs by the variant Keras would pick.
func TestAccuracyResolution(t *testing.T) {
	x, y := blobs(192, 4, 1)
	onehot := ops.OneHot(y, 4, dtype.Float32)
	yBin := ops.Cast(ops.Reshape(ops.Less(y, tensor.Scalar[int64](2)), -1, 1), dtype.Float32)
	multi := ops.Cast(ops.Greater(onehot, tensor.Scalar[float32](0)), dtype.Float32)
	custom := losses.NewFunc("my_sparse_loss", func(yt, yp *tensor.Tensor) *tensor.Tensor {
		return losses.SparseCategoricalCrossentropy(losses.FromLogits(), losses.WithReduction(losses.None)).Compute(yt, yp, nil)
	})
	argmax := func(p *tensor.Tensor) *tensor.Tensor { return ops.Argmax(p, -1) }
	cases := []struct {
		name  string
		units int
		loss  losses.Loss
		y     *tensor.Tensor
		want  func(pred *tensor.Tensor) float64
	}{
		{"sparse", 4, losses.SparseCategoricalCrossentropy(losses.FromLogits()), y,
			func(p *tensor.Tensor) float64 { return matches(argmax(p), y) }},
		{"categorical", 4, losses.CategoricalCrossentropy(losses.FromLogits()), onehot,
			func(p *tensor.Tensor) float64 { return matches(argmax(p), argmax(onehot)) }},
		{"binary_logits", 1, losses.BinaryCrossentropy(losses.FromLogits()), yBin,
			func(p *tensor.Tensor) float64 { return matches(ops.Greater(p, tensor.Scalar[float32](0)), yBin) }},
		{"binary_multilabel", 4, losses.BinaryCrossentropy(), multi,
			func(p *tensor.Tensor) float64 {
				return matches(ops.Greater(p, tensor.Scalar[float32](0.5)), multi)
			}},
		{"one_unit_mse", 1, losses.MeanSquaredError(), yBin,
			func(p *tensor.Tensor) float64 { return matches(ops.Greater(p, tensor.Scalar[float32](0.5)), yBin) }},
		{"custom_loss_sparse_targets", 4, custom, y,
			func(p *tensor.Tensor) float64 { return matches(argmax(p), y) }},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []float64
			for _, eager := range []bool{false, true} {
				out := nn.Dense(c.units)
				if c.name == "binary_multilabel" {
					out = nn.Dense(c.units, nn.WithActivation("sigmoid"))
				}
				m := Sequential(Input(2), nn.Dense(8, nn.WithActivation("tanh")), out)
				opts := []CompileOption{Metrics("accuracy")}
				if eager {
					opts = append(opts, Eager())
				}
				if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), c.loss, opts...); err != nil {
					t.Fatal(err)
				}
				if _, err := m.Fit(ctx, Arrays(x, c.y), Epochs(1), BatchSize(64), Verbose(0)); err != nil {
					t.Fatal(err)
				}
				logs, err := m.Evaluate(ctx, Arrays(x, c.y), BatchSize(50), Verbose(0))
				if err != nil {
					t.Fatal(err)
				}
				pred, err := m.Predict(ctx, Arrays(x), BatchSize(50), Verbose(0))
				if err != nil {
					t.Fatal(err)
				}
				want := c.want(pred[0])
				if math.Abs(logs["accuracy"]-want) > 1e-6 {
					t.Errorf("eager %v: accuracy %v, want %v", eager, logs["accuracy"], want)
				}
				got = append(got, logs["accuracy"])
			}
			if got[0] != got[1] {
				t.Errorf("compiled accuracy %v, eager %v", got[0], got[1])
			}
		})
	}
}

func TestAccuracyFor(t *testing.T) {
	spec := func(dims ...int) core.Spec { return core.Spec{DType: dtype.Float32, Shape: dims} }
	probe := func(m metrics.Metric, yt, yp [][]float32) float64 {
		m.Update(tensor.FromRows(yt), tensor.FromRows(yp), nil)
		return metrics.Value(m)
	}
	// A custom loss with targets of the output's shape: categorical (the argmax of both).
	custom := losses.NewFunc("f", func(a, b *tensor.Tensor) *tensor.Tensor { return a })
	tgt := spec(-1, 3)
	cat := accuracyFor("acc", custom, spec(-1, 3), &tgt)
	if cat.Name() != "acc" {
		t.Errorf("name %q, want acc", cat.Name())
	}
	if v := probe(cat, [][]float32{{0, 0, 1}, {0, 1, 0}}, [][]float32{{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}}); v != 0.5 {
		t.Errorf("categorical probe %v, want 0.5", v)
	}
	// Targets with a last axis of 1 for 3 classes: sparse.
	tgt = spec(-1, 1)
	if v := probe(accuracyFor("accuracy", custom, spec(-1, 3), &tgt), [][]float32{{2}, {0}}, [][]float32{{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}}); v != 1 {
		t.Errorf("sparse probe %v, want 1", v)
	}
	// Binary on probabilities thresholds at 0.5, on logits at 0.
	if v := probe(accuracyFor("accuracy", losses.BinaryCrossentropy(), spec(-1, 1), nil), [][]float32{{1}, {0}}, [][]float32{{0.6}, {0.4}}); v != 1 {
		t.Errorf("binary probe %v, want 1", v)
	}
	if v := probe(accuracyFor("accuracy", losses.BinaryCrossentropy(losses.FromLogits()), spec(-1, 1), nil), [][]float32{{1}, {0}}, [][]float32{{0.2}, {-0.1}}); v != 1 {
		t.Errorf("binary logits probe %v, want 1", v)
	}
}

func TestMetricNamesAndErrors(t *testing.T) {
	x, y := blobs(64, 4, 1)
	m := newBlobModel()
	if err := m.Compile(optim.SGD(), losses.SparseCategoricalCrossentropy(losses.FromLogits()),
		Metrics("acc", "sparse_top_k_categorical_accuracy", metrics.SparseCategoricalCrossentropy(metrics.FromLogits()))); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(context.Background(), Arrays(x, y), Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(h.Keys(), " "), "acc loss sparse_categorical_crossentropy sparse_top_k_categorical_accuracy"; got != want {
		t.Errorf("keys %q, want %q", got, want)
	}
	if v, _ := h.Last("sparse_top_k_categorical_accuracy"); v != 1 {
		t.Errorf("top-5 accuracy of 4 classes %v, want 1", v)
	}
	// An alias keeps its name, as Keras names metrics given by a function's name.
	m2 := Sequential(Input(2), nn.Dense(1))
	if err := m2.Compile(optim.SGD(), losses.MeanSquaredError(), Metrics("mae", "RootMeanSquaredError")); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m2.metricKeys(), " "); got != "loss mae root_mean_squared_error" {
		t.Errorf("keys before training %q", got)
	}
	for _, c := range []struct {
		metric any
		want   string
	}{
		{"nope", `unknown metric "nope"`},
		{42, "metric 42 is a int; want a metrics.Metric or a metric's name"},
		{nil, "nil metric"},
	} {
		err := newBlobModel().Compile(optim.SGD(), losses.MeanSquaredError(), Metrics(c.metric))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Metrics(%v): error %v, want %q", c.metric, err, c.want)
		}
	}
}

// Names give each output its own metric; an instance cannot serve two outputs.
func TestMetricsSeveralOutputs(t *testing.T) {
	ResetNames()
	in := Input(2)
	h := Apply(nn.Dense(8, nn.WithActivation("relu")), in)
	cls := Apply(nn.Dense(4, nn.WithName("cls")), h)
	bin := Apply(nn.Dense(1, nn.WithName("bin")), h)
	m, err := Functional([]*Symbolic{in}, []*Symbolic{cls, bin})
	if err != nil {
		t.Fatal(err)
	}
	ls := OutputLosses(losses.SparseCategoricalCrossentropy(losses.FromLogits()), losses.BinaryCrossentropy(losses.FromLogits()))
	if err := m.Compile(optim.SGD(), nil, ls, Metrics(metrics.AUC())); err == nil {
		t.Error("an instance for two outputs was accepted")
	}
	if err := m.Compile(optim.Adam(optim.LearningRate(0.05)), nil, ls, Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	x, y := blobs(128, 4, 1)
	yb := ops.Cast(ops.Reshape(ops.Less(y, tensor.Scalar[int64](2)), -1, 1), dtype.Float32)
	hist, err := m.Fit(context.Background(), Arrays(x, y, yb), Epochs(5), Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(hist.Keys(), " "); got != "bin_accuracy bin_loss cls_accuracy cls_loss loss" {
		t.Errorf("keys %q", got)
	}
	if m.train.metrics[0][0] == m.train.metrics[1][0] {
		t.Error("the outputs share one metric")
	}
	if a, _ := hist.Last("bin_accuracy"); a < 0.8 {
		t.Errorf("bin_accuracy %v", a)
	}
}

// The metrics' state is updated inside the compiled steps and reset at every epoch (and by
// Evaluate); the progress bar shows the results beside the loss.
func TestMetricStateAndProgbar(t *testing.T) {
	x, y := blobs(200, 4, 2)
	m := blobsCompiled(t, false)
	var b strings.Builder
	bar := NewProgbarLogger(ProgbarWriter(&b), ProgbarClock(fakeClock(time.Millisecond)))
	h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(2), BatchSize(64), Verbose(2), Callbacks(bar))
	if err != nil {
		t.Fatal(err)
	}
	acc := m.train.metrics[0][0]
	vars := acc.Variables()
	if len(vars) != 2 || vars[1].Value().Item() != 200 {
		t.Errorf("after 2 epochs the count is %v, want 200 (reset every epoch)", vars[1].Value())
	}
	last, _ := h.Last("accuracy")
	if got := vars[0].Value().Item() / vars[1].Value().Item(); math.Abs(got-last) > 1e-6 {
		t.Errorf("state gives %v, history %v", got, last)
	}
	line := regexp.MustCompile(`^4/4 - \d+s - \d+(ms|us)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$`)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 || !line.MatchString(lines[1]) || !line.MatchString(lines[3]) {
		t.Errorf("progress:\n%s", b.String())
	}
	if _, err := m.Evaluate(context.Background(), Arrays(x, y), BatchSize(50), Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if n := vars[1].Value().Item(); n != 200 {
		t.Errorf("after Evaluate of 200 examples the count is %v", n)
	}
}

// batchCounter counts its updates: its update is computed from its variable alone, so in a
// compiled step it is only right when the step binds the metric's variables (graph.Variables);
// otherwise the +1 would be computed once, at trace time.
type batchCounter struct{ n *autodiff.Variable }

func newBatchCounter() *batchCounter {
	return &batchCounter{autodiff.NewVariable("batches/n", tensor.Scalar[float32](0), autodiff.NotTrainable())}
}
func (c *batchCounter) Name() string { return "batches" }
func (c *batchCounter) Update(_, _, _ *tensor.Tensor) {
	c.n.Assign(ops.Add(c.n.Value(), tensor.Scalar[float32](1)))
}
func (c *batchCounter) Result() *tensor.Tensor          { return c.n.Value() }
func (c *batchCounter) Reset()                          { c.n.Assign(tensor.Scalar[float32](0)) }
func (c *batchCounter) Variables() []*autodiff.Variable { return []*autodiff.Variable{c.n} }

var _ metrics.Metric = (*batchCounter)(nil)
