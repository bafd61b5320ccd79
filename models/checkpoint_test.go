package models

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// The test vector of specs/safetensors_and_onnx.md §A.5 (no python3-safetensors in Debian
// bookworm to generate one with the reference implementation).
const stVectorHeader = `{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}`

func TestSafetensorsSpecVector(t *testing.T) {
	b, err := encodeSafetensors([]namedTensor{
		{"b", tensor.FromSlice([]uint8{7, 8, 9})},
		{"a", tensor.FromSlice([]float32{1, 2})},
	}, map[string]string{"format": "pt"})
	if err != nil {
		t.Fatal(err)
	}
	want := "9000000000000000" + hex.EncodeToString([]byte(stVectorHeader)) + "202020202020" + "0000803f00000040070809"
	if got := hex.EncodeToString(b); got != want || len(b) != 163 {
		t.Fatalf("got %d bytes\n%s\nwant\n%s", len(b), got, want)
	}
	ts, meta, err := decodeSafetensors(b)
	if err != nil || meta["format"] != "pt" || !tensor.Equal(ts["a"], tensor.FromSlice([]float32{1, 2})) || !tensor.Equal(ts["b"], tensor.FromSlice([]uint8{7, 8, 9})) {
		t.Fatal(ts, meta, err)
	}
	// The minimal vector of the reference documentation.
	min := append([]byte("<\x00\x00\x00\x00\x00\x00\x00"+`{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`), make([]byte, 16)...)
	ts, _, err = decodeSafetensors(min)
	if err != nil || !ts["test"].Shape().Equal([]int{2, 2}) {
		t.Fatal(ts, err)
	}
}

func TestSafetensorsDamaged(t *testing.T) {
	good, _ := encodeSafetensors([]namedTensor{{"a", tensor.FromSlice([]float32{1, 2})}}, nil)
	for name, b := range map[string][]byte{
		"short":    good[:5],
		"cut":      good[:len(good)-1],
		"trailing": append(append([]byte{}, good...), 0),
		"huge":     append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, good[8:]...),
		"not json": append(append([]byte{8, 0, 0, 0, 0, 0, 0, 0}, []byte("[1,2,3] ")...), good[8:]...),
	} {
		if _, _, err := decodeSafetensors(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzSafetensors(f *testing.F) {
	good, _ := encodeSafetensors([]namedTensor{{"a", tensor.FromSlice([]float32{1, 2})}, {"b", tensor.FromSlice([]uint8{1})}}, map[string]string{"k": "v"})
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) { decodeSafetensors(b) })
}

func TestSaveLoadWeights(t *testing.T) {
	dir := t.TempDir()
	m := newBlobModel()
	path := filepath.Join(dir, "w.safetensors")
	if err := m.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	m2 := Sequential(Input(2), nn.Dense(16, nn.WithActivation("relu"), nn.WithSeed(99)), nn.Dense(4, nn.WithSeed(98)))
	if err := m2.LoadWeights(path); err != nil {
		t.Fatal(err)
	}
	for i, v := range m.Weights() {
		if !tensor.Equal(v.Value(), m2.Weights()[i].Value()) {
			t.Errorf("%s differs after loading", v.Name())
		}
	}
	m3 := Sequential(Input(3), nn.Dense(16), nn.Dense(4), nn.Dense(1))
	err := m3.LoadWeights(path)
	for _, want := range []string{`"dense/kernel" is float32[2 16] in the file, float32[3 16] in the model`, `missing "dense_2/kernel"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func compiledBlobModel(t *testing.T) *Model {
	m := Sequential(Input(2), nn.Dense(16, nn.WithActivation("relu")), nn.Dropout(0.3), nn.Dense(4))
	if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), losses.SparseCategoricalCrossentropy(losses.FromLogits()), Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	return m
}

// An interrupted run resumed by BackupAndRestore ends bitwise where an uninterrupted one does.
func TestResumeDeterminism(t *testing.T) {
	x, y := blobs(300, 4, 7)
	opts := []FitOption{Epochs(3), BatchSize(32), Verbose(0), Seed(5)}
	ref := compiledBlobModel(t)
	if _, err := ref.Fit(context.Background(), Arrays(x, y), opts...); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "backup")
	ctx, cancel := context.WithCancel(context.Background())
	stopper := &LambdaCallback{BatchEnd: func(b int, _ Logs) error {
		if b == 4 && ctx.Err() == nil {
			cancel()
		}
		return nil
	}}
	first := compiledBlobModel(t)
	h, err := first.Fit(ctx, Arrays(x, y), append(opts, Callbacks(&epochGate{epoch: 1, cb: stopper}, NewBackupAndRestore(dir, SaveFreq(1))))...)
	if err == nil {
		t.Fatal("the first run was not interrupted")
	}
	if len(h.Epoch) != 1 {
		t.Fatalf("first run finished %d epochs, want 1", len(h.Epoch))
	}
	second := compiledBlobModel(t)
	br := NewBackupAndRestore(dir)
	if _, err := second.Fit(context.Background(), Arrays(x, y), append(opts, Callbacks(br))...); err != nil {
		t.Fatal(err)
	}
	if br.Restored == nil || br.Restored.Epoch != 1 || br.Restored.Batch != 5 || br.Restored.Step != 10+5 {
		t.Fatalf("restored from %+v", br.Restored)
	}
	for i, v := range ref.Weights() {
		if !tensor.Equal(v.Value(), second.Weights()[i].Value()) {
			d, _ := tensor.MaxDiff(v.Value(), second.Weights()[i].Value())
			t.Errorf("%s differs by %g from the uninterrupted run", v.Name(), d)
		}
	}
	if ref.Step() != second.Step() {
		t.Errorf("steps %d vs %d", ref.Step(), second.Step())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("backup directory left after training: %v", err)
	}
}

// epochGate forwards batch ends to cb during one epoch only.
type epochGate struct {
	BaseCallback
	epoch int
	cb    Callback
}

func (g *epochGate) OnTrainBatchEnd(b int, logs Logs) error {
	if g.Model.fit.epoch == g.epoch {
		return g.cb.OnTrainBatchEnd(b, logs)
	}
	return nil
}

func TestCheckpointManagerKeepsLast(t *testing.T) {
	dir := t.TempDir()
	m := compiledBlobModel(t)
	x, y := blobs(64, 4, 1)
	mgr := NewCheckpointManager(dir, 2)
	for range 4 {
		if _, err := m.TrainOnBatch([]*tensor.Tensor{x}, []*tensor.Tensor{y}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := mgr.Save(m, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := mgr.List()
	if len(list) != 2 || !strings.HasSuffix(list[1], "ckpt-00000004.safetensors") {
		t.Fatalf("checkpoints %v", list)
	}
	m2 := compiledBlobModel(t)
	idx, err := mgr.Restore(m2)
	if err != nil || idx.Step != 4 || m2.Step() != 4 {
		t.Fatal(idx, err)
	}
	for i, v := range m.Weights() {
		if !tensor.Equal(v.Value(), m2.Weights()[i].Value()) {
			t.Errorf("%s differs", v.Name())
		}
	}
	for i, v := range m.Optimizer().Variables() {
		if !tensor.Equal(v.Value(), m2.Optimizer().Variables()[i].Value()) {
			t.Errorf("optimizer %s differs", v.Name())
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
}
