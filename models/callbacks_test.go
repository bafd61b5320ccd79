package models

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tideml/tide/tensor"
)

func feedEpochs(t *testing.T, cb Callback, m *Model, vals []float64, key string) {
	t.Helper()
	cb.SetModel(m, Params{Epochs: len(vals)})
	m.fit = &fitState{}
	if err := cb.OnTrainBegin(nil); err != nil {
		t.Fatal(err)
	}
	for e, v := range vals {
		m.fit.epoch = e
		if err := cb.OnEpochEnd(e, Logs{key: v}); err != nil {
			t.Fatal(err)
		}
		if m.stop {
			break
		}
	}
	cb.OnTrainEnd(nil)
}

func TestEarlyStoppingEpoch(t *testing.T) {
	m := compiledBlobModel(t)
	var out strings.Builder
	es := EarlyStopping(Patience(2), CallbackVerbose(1), MessagesTo(&out))
	feedEpochs(t, es, m, []float64{1.0, 0.9, 0.95, 0.96, 0.97, 0.5}, "val_loss")
	if es.StoppedEpoch != 3 || !m.stop {
		t.Errorf("stopped at %d (%v), want 3", es.StoppedEpoch, m.stop)
	}
	if out.String() != "Epoch 4: early stopping\n" {
		t.Errorf("message %q", out.String())
	}
	// Accuracy goes up: auto mode knows.
	m.stop = false
	es = EarlyStopping(Monitor("val_accuracy"), Patience(1))
	feedEpochs(t, es, m, []float64{0.5, 0.6, 0.7, 0.65, 0.8}, "val_accuracy")
	if es.StoppedEpoch != 3 {
		t.Errorf("accuracy: stopped at %d, want 3", es.StoppedEpoch)
	}
	// In Fit: a min delta nothing can meet stops after the second epoch.
	x, y := blobs(128, 4, 1)
	m = compiledBlobModel(t)
	h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(10), Verbose(0),
		Callbacks(EarlyStopping(Monitor("loss"), MinDelta(100))))
	if err != nil || len(h.Epoch) != 2 {
		t.Fatalf("ran %d epochs (%v), want 2", len(h.Epoch), err)
	}
}

func TestEarlyStoppingRestoreBest(t *testing.T) {
	m := compiledBlobModel(t)
	x, y := blobs(128, 4, 1)
	es := EarlyStopping(Monitor("loss"), Patience(1), RestoreBestWeights())
	loss := []float64{3, 1, 2, 2.5}
	var best []*snapshot
	cb := &LambdaCallback{EpochEnd: func(e int, logs Logs) error {
		logs["loss"] = loss[e]
		if e == 1 {
			for _, s := range takeSnapshot(m) {
				best = append(best, &s)
			}
		}
		return nil
	}}
	if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(4), Verbose(0), Callbacks(cb, es)); err != nil {
		t.Fatal(err)
	}
	for i, v := range m.Weights() {
		if !tensor.Equal(v.Value(), best[i].t) {
			t.Errorf("%s is not the best epoch's", v.Name())
		}
	}
}

func TestModelCheckpointBestOnly(t *testing.T) {
	dir := t.TempDir()
	m := compiledBlobModel(t)
	var out strings.Builder
	mc := ModelCheckpoint(filepath.Join(dir, "ckpt-{epoch:02d}-{val_loss:.2f}.safetensors"), SaveBestOnly(), CallbackVerbose(1), MessagesTo(&out))
	feedEpochs(t, mc, m, []float64{0.5, 0.6, 0.4}, "val_loss")
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	var got []string
	for _, n := range names {
		got = append(got, filepath.Base(n))
	}
	if strings.Join(got, " ") != "ckpt-01-0.50.json ckpt-01-0.50.safetensors ckpt-03-0.40.json ckpt-03-0.40.safetensors" {
		t.Errorf("files %v", got)
	}
	want := "\nEpoch 1: val_loss improved from None to 0.50000, saving model to " + filepath.Join(dir, "ckpt-01-0.50.safetensors") + "\n" +
		"\nEpoch 2: val_loss did not improve from 0.50000\n" +
		"\nEpoch 3: val_loss improved from 0.50000 to 0.40000, saving model to " + filepath.Join(dir, "ckpt-03-0.40.safetensors") + "\n"
	if out.String() != want {
		t.Errorf("messages\n%q\nwant\n%q", out.String(), want)
	}
	m2 := compiledBlobModel(t)
	if _, err := m2.RestoreCheckpoint(filepath.Join(dir, "ckpt-03-0.40.safetensors")); err != nil {
		t.Fatal(err)
	}
	// Weights only.
	w := ModelCheckpoint(filepath.Join(dir, "w.safetensors"), SaveWeightsOnly(), Monitor("loss"))
	feedEpochs(t, w, m, []float64{1}, "loss")
	if err := m2.LoadWeights(filepath.Join(dir, "w.safetensors")); err != nil {
		t.Fatal(err)
	}
}

func TestCSVLogger(t *testing.T) {
	dir := t.TempDir()
	x, y := blobs(96, 4, 1)
	m := compiledBlobModel(t)
	path := filepath.Join(dir, "log.csv")
	if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(2), Verbose(0), ValidationSplit(0.25), Callbacks(CSVLogger(path))); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != "epoch,accuracy,loss,val_accuracy,val_loss" || !strings.HasPrefix(lines[2], "1,") {
		t.Errorf("csv:\n%s", b)
	}
	// Without validation every key gets an NA val_ column; append mode keeps the header once.
	path2 := filepath.Join(dir, "log2.csv")
	for range 2 {
		if _, err := m.Fit(context.Background(), Arrays(x, y), Verbose(0), Callbacks(CSVLogger(path2, AppendCSV()))); err != nil {
			t.Fatal(err)
		}
	}
	b, _ = os.ReadFile(path2)
	lines = strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != "epoch,accuracy,loss,val_accuracy,val_loss" || !strings.HasSuffix(lines[1], ",NA,NA") {
		t.Errorf("csv:\n%s", b)
	}
}

func TestReduceLROnPlateau(t *testing.T) {
	m := compiledBlobModel(t)
	var out strings.Builder
	r := ReduceLROnPlateau(Patience(1), Factor(0.5), MinLR(0.003), CallbackVerbose(1), MessagesTo(&out))
	r.SetModel(m, Params{})
	if err := r.OnTrainBegin(nil); err != nil {
		t.Fatal(err)
	}
	var lrs []float64
	for e, v := range []float64{1, 1, 1, 1, 0.5} {
		logs := Logs{"val_loss": v}
		r.OnEpochEnd(e, logs)
		lrs = append(lrs, logs["learning_rate"])
	}
	want := []float64{0.01, 0.01, 0.005, 0.003, 0.003}
	for i := range want {
		if math.Abs(lrs[i]-want[i]) > 1e-12 {
			t.Errorf("learning rates %v, want %v", lrs, want)
			break
		}
	}
	if got := m.Optimizer().LearningRate(); math.Abs(got-0.003) > 1e-12 {
		t.Errorf("final lr %v", got)
	}
	if out.String() != "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.005.\n\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.003.\n" {
		t.Errorf("messages %q", out.String())
	}
}

func TestLearningRateSchedulerAndNaN(t *testing.T) {
	x, y := blobs(64, 4, 1)
	m := compiledBlobModel(t)
	sched := LearningRateScheduler(func(e int, lr float64) float64 { return 0.1 / float64(e+1) })
	h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(3), Verbose(0), Callbacks(sched))
	if err != nil {
		t.Fatal(err)
	}
	if lr := h.History["learning_rate"]; len(lr) != 3 || math.Abs(lr[2]-0.1/3) > 1e-12 {
		t.Errorf("learning_rate %v", lr)
	}
	var out strings.Builder
	tn := TerminateOnNaN(MessagesTo(&out))
	tn.SetModel(m, Params{})
	m.stop = false
	tn.OnTrainBatchEnd(7, Logs{"loss": math.NaN()})
	if !m.stop || out.String() != "Batch 7: Invalid loss, terminating training\n" {
		t.Errorf("stop %v, %q", m.stop, out.String())
	}
}

func TestFormatPath(t *testing.T) {
	got, err := formatPath("m-{epoch:02d}-{val_loss:.2f}-{batch}.st", 3, 7, Logs{"val_loss": 0.12345})
	if err != nil || got != "m-03-0.12-7.st" {
		t.Errorf("%q %v", got, err)
	}
	if _, err := formatPath("{nope}", 1, 0, nil); err == nil {
		t.Error("no error for an unknown field")
	}
}

// fakeClock advances by step on every reading.
func fakeClock(step time.Duration) func() time.Time {
	now := time.Unix(0, 0)
	return func() time.Time { now = now.Add(step); return now }
}

func TestProgbarFormat(t *testing.T) {
	m := compiledBlobModel(t)
	m.resolveOutputs(1)
	var b strings.Builder
	p := NewProgbarLogger(ProgbarWriter(&b), ProgbarDynamic(true), ProgbarColor(false), ProgbarClock(fakeClock(time.Second)))
	p.SetModel(m, Params{Epochs: 2, Steps: 3, Verbose: 1})
	p.OnTrainBegin(nil)
	p.OnEpochBegin(0, nil)
	for i := range 3 {
		p.OnTrainBatchEnd(i, Logs{"loss": 1.23456, "accuracy": 0.5})
	}
	p.OnEpochEnd(0, Logs{"loss": 1.23456, "accuracy": 0.5, "val_loss": 0.0001, "val_accuracy": 0.75, "learning_rate": 0.001})
	bs := strings.Repeat("\b", 69)
	line := func(n int, tm string) string {
		return fmt.Sprintf("\r%d/3 ━━━━━━━━━━━━━━━━━━━━ %s - accuracy: 0.5000 - loss: 1.2346", n, tm)
	}
	want := "Epoch 1/2\n" + line(1, "2s 1s/step") + bs + line(2, "1s 1s/step") + bs + line(3, "0s 1s/step") + bs +
		line(3, "4s 2s/step") + " - val_accuracy: 0.7500 - val_loss: 1.0000e-04 - learning_rate: 1.0000e-03\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	var b2 strings.Builder
	p2 := NewProgbarLogger(ProgbarWriter(&b2), ProgbarClock(fakeClock(time.Second)))
	p2.SetModel(m, Params{Epochs: 1, Steps: 469, Verbose: 2})
	p2.OnTrainBegin(nil)
	p2.OnEpochBegin(0, nil)
	p2.OnTrainBatchEnd(0, Logs{"loss": 0.5})
	p2.OnEpochEnd(0, Logs{"loss": 0.095, "accuracy": 0.9712})
	if got := b2.String(); got != "469/469 - 1s - 2ms/step - accuracy: 0.9712 - loss: 0.0950\n" {
		t.Errorf("verbose 2: %q", got)
	}
}
