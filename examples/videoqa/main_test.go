package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tideml/tide/tensor"
)

// tiny is a setting small enough for CI: InceptionV3's smallest frames (75×75), two frames,
// two examples in one batch.
func tiny() config {
	return config{frames: 2, size: 75, cnn: "inceptionv3", questionLen: 6, vocab: 50, answers: 10,
		samples: 2, batch: 2, epochs: 2, lr: 1e-3, seed: 1, summary: true}
}

// TestVideoQA builds the model around InceptionV3, prints its summary and trains it two steps.
func TestVideoQA(t *testing.T) {
	var out bytes.Buffer
	losses, err := run(context.Background(), tiny(), &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`Model: "video_qa"`, "Connected to", "(TimeDistributed)",
		"(None, 2, 2048)", "lstm_1 (LSTM)", "embedding[0][0]", "Total params", "epoch 2/2 - loss"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if len(losses) != 2 {
		t.Fatalf("got %d epoch losses, want 2", len(losses))
	}
	// Random answers among 10: the loss starts near ln 10 ≈ 2.3 and the first step lowers it.
	if losses[0] < 1.5 || losses[0] > 3.5 || !(losses[1] < losses[0]) {
		t.Errorf("losses %v: want about ln 10 at first, then lower", losses)
	}
}

// TestVideoQATinyCNN trains the same model with a small CNN long enough to memorise the random
// answers, and checks that the frozen CNN did not change.
func TestVideoQATinyCNN(t *testing.T) {
	c := tiny()
	c.cnn, c.size, c.samples, c.batch, c.epochs, c.lr = "tiny", 16, 8, 4, 15, 3e-3
	model, cnn, err := build(c)
	if err != nil {
		t.Fatal(err)
	}
	var before []*tensor.Tensor
	for _, v := range cnn.Weights() {
		before = append(before, v.Value().Clone())
	}
	var out bytes.Buffer
	losses, err := train(context.Background(), c, model, cnn, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if first, last := losses[0], losses[len(losses)-1]; !(last < first/2) {
		t.Errorf("loss went from %.4f to %.4f: want at least halved (memorising 8 random answers)", first, last)
	}
	if len(before) == 0 {
		t.Fatal("the CNN has no weights")
	}
	for i, v := range cnn.Weights() {
		if !tensor.AllClose(v.Value(), before[i], 0, 0) {
			t.Errorf("frozen CNN weight %s changed", v.Name())
		}
	}
}

func TestUnknownCNN(t *testing.T) {
	c := tiny()
	c.cnn = "alexnet"
	if _, err := run(context.Background(), c, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "alexnet") {
		t.Errorf("got %v, want an error naming the unknown CNN", err)
	}
}
