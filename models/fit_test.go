package models

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

func newBlobModel() *Model {
	return Sequential(Input(2), nn.Dense(16, nn.WithActivation("relu")), nn.Dense(4))
}

func TestFitBlobs(t *testing.T) {
	x, y := blobs(512, 4, 1)
	m := newBlobModel()
	if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), losses.SparseCategoricalCrossentropy(losses.FromLogits()), Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(5), BatchSize(32), Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(h.History)
	if l, _ := h.Last("loss"); l > 0.1 {
		t.Errorf("final loss %v, want < 0.1", l)
	}
	if a, _ := h.Last("accuracy"); a < 0.98 {
		t.Errorf("final accuracy %v", a)
	}
	var s strings.Builder
	m.Summary(&s)
	// 2*(2*16+16+16*4+4) Adam slots, the iteration counter and the learning rate.
	if !strings.Contains(s.String(), " Total params: 350 (1.38 KB)\n") || !strings.Contains(s.String(), " Optimizer params: 234 (944.00 B)\n") {
		t.Errorf("summary after training:\n%s", s.String())
	}
}

func blobsCompiled(t *testing.T, eager bool) *Model {
	t.Helper()
	m := Sequential(Input(2), nn.Dense(16, nn.WithActivation("relu")), nn.Dropout(0.2), nn.Dense(4))
	opts := []CompileOption{Metrics("accuracy")}
	if eager {
		opts = append(opts, Eager())
	}
	if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
		t.Fatal(err)
	}
	return m
}

// Eager and compiled steps give the same trajectory: same losses, metrics and weights
// (dropout masks included, through the step counter), with a last partial batch.
func TestEagerCompiledParity(t *testing.T) {
	x, y := blobs(200, 4, 3)
	var hists []*History
	var models []*Model
	for _, eager := range []bool{false, true} {
		m := blobsCompiled(t, eager)
		h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(3), BatchSize(64), Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		hists, models = append(hists, h), append(models, m)
	}
	for _, k := range []string{"loss", "accuracy"} {
		a, b := hists[0].History[k], hists[1].History[k]
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-6*math.Max(1, math.Abs(a[i])) {
				t.Errorf("%s epoch %d: compiled %v, eager %v", k, i, a[i], b[i])
			}
		}
	}
	wa, wb := models[0].Weights(), models[1].Weights()
	for i := range wa {
		if d, _ := tensor.MaxDiff(wa[i].Value(), wb[i].Value()); d > 1e-5 {
			t.Errorf("%s differs by %g", wa[i].Name(), d)
		}
	}
	if models[0].train.fns == nil || len(models[0].train.fns) != 1 {
		t.Errorf("compiled train step traced for %d signatures, want 1 (the partial batch reuses it)", len(models[0].train.fns))
	}
}

func TestFitCancel(t *testing.T) {
	x, y := blobs(4096, 4, 1)
	m := blobsCompiled(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	after := 0
	cb := &LambdaCallback{EpochEnd: func(e int, _ Logs) error {
		if e == 1 {
			cancel()
		}
		return nil
	}, BatchEnd: func(b int, _ Logs) error {
		if ctx.Err() != nil {
			after++
		}
		return nil
	}}
	h, err := m.Fit(ctx, Arrays(x, y), Epochs(50), BatchSize(32), Verbose(0), Callbacks(cb))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(h.Epoch) != 2 {
		t.Errorf("history has %d epochs, want the 2 finished", len(h.Epoch))
	}
	if after > 0 {
		t.Errorf("trained %d batches after cancelling", after)
	}
}

func TestEvaluatePredictOnBatch(t *testing.T) {
	x, y := blobs(256, 4, 2)
	m := blobsCompiled(t, false)
	ctx := context.Background()
	if _, err := m.Fit(ctx, Arrays(x, y), Epochs(4), Verbose(0)); err != nil {
		t.Fatal(err)
	}
	logs, err := m.Evaluate(ctx, Arrays(x, y), BatchSize(100), Verbose(0))
	if err != nil || logs["accuracy"] < 0.95 || logs["loss"] > 0.3 {
		t.Fatalf("evaluate %v %v", logs, err)
	}
	preds, err := m.Predict(ctx, Arrays(x), BatchSize(100), Verbose(0))
	if err != nil || !preds[0].Shape().Equal([]int{256, 4}) {
		t.Fatalf("predict %v %v", preds, err)
	}
	pb, err := m.PredictOnBatch(x)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := tensor.MaxDiff(pb[0], preds[0]); d > 1e-5 {
		t.Errorf("PredictOnBatch differs from Predict by %g", d)
	}
	tl, err := m.TestOnBatch([]*tensor.Tensor{x}, []*tensor.Tensor{y}, nil)
	if err != nil || math.Abs(tl["loss"]-logs["loss"]) > 1e-4 {
		t.Errorf("TestOnBatch %v vs Evaluate %v (%v)", tl, logs, err)
	}
	if _, err := m.TrainOnBatch([]*tensor.Tensor{x}, []*tensor.Tensor{y}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestValidationSplitClassWeight(t *testing.T) {
	x, y := blobs(400, 4, 5)
	m := blobsCompiled(t, false)
	h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(2), ValidationSplit(0.25), Verbose(0),
		ClassWeight(map[int]float64{0: 2}), SampleWeight(tensor.Ones(dtype.Float32, 400)))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"loss", "accuracy", "val_loss", "val_accuracy"} {
		if len(h.History[k]) != 2 {
			t.Errorf("%s: %v", k, h.History[k])
		}
	}
}

func TestBadModelErrors(t *testing.T) {
	m := Sequential(Input(3, 3), nn.Dense(4), nn.Conv2D(2, 3))
	err := m.Err()
	if err == nil {
		t.Fatal("no error for a Conv2D on rank-3 inputs")
	}
	for _, want := range []string{"conv2d", "Conv2D", "float32(None, 3, 4)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if cerr := m.Compile(optim.Adam(), losses.MeanSquaredError()); cerr == nil {
		t.Error("Compile of a broken model succeeded")
	}
	// A model without an Input fails at Fit, naming the layer and the op.
	m2 := Sequential(nn.Dense(4), nn.Reshape([]int{3}))
	if err := m2.Compile(optim.Adam(), losses.MeanSquaredError()); err != nil {
		t.Fatal(err)
	}
	x, y := blobs(8, 2, 1)
	_, err = m2.Fit(context.Background(), Arrays(x, y), Verbose(0))
	if err == nil || !strings.Contains(err.Error(), `layer "reshape" (Reshape)`) || !strings.Contains(err.Error(), "float32(8, 4): reshape: cannot reshape") {
		t.Errorf("Fit error %v", err)
	}
	// A functional graph carries the error to Functional.
	in := Input(5)
	bad := Apply(nn.Dense(2), Apply(nn.Conv1D(2, 9), in))
	if _, err := Functional([]*Symbolic{in}, []*Symbolic{bad}); err == nil || !strings.Contains(err.Error(), "Conv1D") {
		t.Errorf("Functional error %v", err)
	}
}
