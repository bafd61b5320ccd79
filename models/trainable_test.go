package models

import (
	"context"
	"strings"
	"testing"

	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// weightValues copies the weights' values.
func weightValues(m *Model) []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, v := range m.Weights() {
		out = append(out, v.Storage().Clone())
	}
	return out
}

// Freezing the first layer keeps its weights while the rest trains, compiled and eagerly; the
// summary counts them as non-trainable; unfreezing trains them again without a new Compile (the
// compiled step is traced again).
func TestFreezeLayer(t *testing.T) {
	x, y := blobs(128, 4, 5)
	for _, eager := range []bool{false, true} {
		base := nn.Dense(16, nn.WithActivation("relu"), nn.WithName("base"))
		m := Sequential(Input(2), base, nn.BatchNormalization(), nn.Dense(4, nn.WithName("head")))
		opts := []CompileOption{}
		if eager {
			opts = append(opts, Eager())
		}
		if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
			t.Fatal(err)
		}
		// One epoch trained, then the base frozen: a compiled step exists and must be retraced.
		if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(1), BatchSize(32), Verbose(0)); err != nil {
			t.Fatal(err)
		}
		base.SetTrainable(false)
		if base.IsTrainable() || len(base.TrainableWeights()) != 0 || len(base.NonTrainableWeights()) != 2 {
			t.Fatalf("frozen base: trainable %v, %d trainable and %d non-trainable weights", base.IsTrainable(), len(base.TrainableWeights()), len(base.NonTrainableWeights()))
		}
		var s strings.Builder
		m.Summary(&s)
		// base 2*16+16 = 48 frozen, BatchNormalization 32 trainable + 32 moving, head 16*4+4 = 68.
		if !strings.Contains(s.String(), " Trainable params: 100 ") || !strings.Contains(s.String(), " Non-trainable params: 80 ") {
			t.Errorf("summary with a frozen base:\n%s", s.String())
		}
		before := weightValues(m)
		if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(1), BatchSize(32), Verbose(0)); err != nil {
			t.Fatal(err)
		}
		after := weightValues(m)
		for i, v := range m.Weights() {
			same := tensor.AllClose(before[i], after[i], 0, 0)
			wantSame := strings.HasPrefix(v.Name(), "base/")
			if same != wantSame {
				t.Errorf("eager=%v: weight %s unchanged=%v after training with the base frozen", eager, v.Name(), same)
			}
		}
		m.SetTrainable(false)
		if m.IsTrainable() || len(m.TrainableWeights()) != 0 {
			t.Errorf("frozen model has %d trainable weights", len(m.TrainableWeights()))
		}
		m.SetTrainable(true)
		if len(m.TrainableWeights()) != 6 || len(m.NonTrainableWeights()) != 2 {
			t.Errorf("unfrozen model: %d trainable, %d non-trainable weights; want 6 and 2 (the moving statistics stay)", len(m.TrainableWeights()), len(m.NonTrainableWeights()))
		}
		before = weightValues(m)
		if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(1), BatchSize(32), Verbose(0)); err != nil {
			t.Fatal(err)
		}
		after = weightValues(m)
		for i, v := range m.Weights() {
			if tensor.AllClose(before[i], after[i], 0, 0) {
				t.Errorf("eager=%v: weight %s unchanged after unfreezing", eager, v.Name())
			}
		}
	}
}

// A layer frozen before its first call creates its weights frozen; a frozen BatchNormalization
// uses (and keeps) its moving statistics while training, as Keras's does.
func TestFreezeBeforeBuildAndBatchNorm(t *testing.T) {
	x, _ := blobs(64, 4, 7)
	d := nn.Dense(3)
	d.SetTrainable(false)
	d.Call(nn.Context{Training: true}, x)
	if len(d.TrainableWeights()) != 0 || len(d.Weights()) != 2 {
		t.Fatalf("dense frozen before build: %d trainable of %d", len(d.TrainableWeights()), len(d.Weights()))
	}
	bn := nn.BatchNormalization()
	bn.Call(nn.Inference, x) // build
	bn.SetTrainable(false)
	train := bn.Call(nn.Context{Training: true}, x)[0]
	infer := bn.Call(nn.Inference, x)[0]
	if !tensor.AllClose(train, infer, 0, 0) {
		t.Errorf("frozen BatchNormalization in training mode differs from inference mode")
	}
	for _, v := range bn.NonTrainableWeights() {
		if strings.Contains(v.Name(), "moving_mean") && !tensor.AllClose(v.Storage(), tensor.Zeros(v.DType(), v.Shape()...), 0, 0) {
			t.Errorf("frozen BatchNormalization updated %s", v.Name())
		}
	}
}
