package models

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// Fit and Evaluate hand each batch back to a recycling pipeline (TFRecord parsing) once the step
// is done with it: training on it gives exactly what training on the same batches, cached and
// never recycled, gives.
func TestFitWithRecycledBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "train.tfrecord")
	x := tensor.Data[float32](tensor.RandomNormal(3, 96, 4))
	var recs [][]byte
	for i := range 96 {
		ex := example.Example{Features: example.Features{
			"x":     example.FloatFeature(x[4*i : 4*i+4]...),
			"label": example.Int64Feature(int64(i % 3)),
		}}
		b, err := ex.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, b)
	}
	if err := tfrecord.WriteFile(path, recs); err != nil {
		t.Fatal(err)
	}
	spec := example.Spec{"x": example.FixedLen(example.KindFloat, 4), "label": example.FixedLen(example.KindInt64)}
	var results [][]*tensor.Tensor
	var evals []float64
	for _, cached := range []bool{false, true} {
		ds := data.TFRecord([]string{path}).ParseExampleBatch(16, spec).Prefetch(2)
		if cached {
			ds = ds.Cache("") // in memory: elements handed out again, never recycled
		}
		m := Sequential(Input(4), nn.Dense(8, nn.WithActivation("relu"), nn.WithSeed(1)), nn.Dense(3, nn.WithSeed(2)))
		if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), losses.SparseCategoricalCrossentropy(losses.FromLogits())); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Fit(context.Background(), ds, Epochs(3), Verbose(0)); err != nil {
			t.Fatal(err)
		}
		logs, err := m.Evaluate(context.Background(), ds, Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		results, evals = append(results, weightValues(m)), append(evals, logs["loss"])
	}
	for i := range results[0] {
		if !tensor.AllClose(results[0][i], results[1][i], 0, 0) {
			t.Errorf("weight %d differs between recycled and cached batches", i)
		}
	}
	if evals[0] != evals[1] {
		t.Errorf("evaluation loss %v recycled, %v cached", evals[0], evals[1])
	}
}
