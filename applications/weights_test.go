package applications

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// writeSafetensors writes tensors as a safetensors file the way another program (Python's
// safetensors, a Keras converter) would: a little-endian header length, a JSON header naming each
// tensor with its dtype, shape and byte range, then the little-endian float32 data. It does not
// use Tide's writer, so that the test checks the format and the names, not a round trip.
func writeSafetensors(t *testing.T, path string, names []string, values []*tensor.Tensor) {
	t.Helper()
	header := map[string]any{"__metadata__": map[string]string{"format": "keras"}}
	var data bytes.Buffer
	for i, name := range names {
		v := values[i]
		if v.DType() != dtype.Float32 {
			t.Fatalf("%s: dtype %v", name, v.DType())
		}
		begin := data.Len()
		for _, f := range v.Float32s() {
			binary.Write(&data, binary.LittleEndian, f)
		}
		header[name] = map[string]any{"dtype": "F32", "shape": v.Shape(), "data_offsets": []int{begin, data.Len()}}
	}
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	var file bytes.Buffer
	binary.Write(&file, binary.LittleEndian, uint64(len(h)))
	file.Write(h)
	file.Write(data.Bytes())
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pretrained returns values for every weight of vs unlike the initializers' (moving variances
// positive), as a trained network's would be.
func pretrained(vs []*autodiff.Variable) ([]string, []*tensor.Tensor) {
	var names []string
	var values []*tensor.Tensor
	for i, v := range vs {
		x := ops.AddScalar(ops.MulScalar(tensor.RandomUniform(uint64(1000+i), v.Shape()...), 0.2), -0.1)
		if strings.HasSuffix(v.Name(), "/moving_variance") {
			x = ops.AddScalar(x, 1)
		}
		names = append(names, v.Name())
		values = append(values, x)
	}
	return names, values
}

// TestWeights writes a weight file keyed by Keras's names for a small MobileNetV2, builds the
// network with it, and checks that every weight holds the file's values and that a forward pass
// on a tiny input is deterministic and uses them.
func TestWeights(t *testing.T) {
	opts := []Option{Alpha(0.35), InputShape(32, 32, 3), Classes(5)}
	fresh := mustBuild(t, MobileNetV2, opts...)
	names, values := pretrained(fresh.Weights())
	path := filepath.Join(t.TempDir(), "mobilenet_v2_0.35_32.safetensors")
	writeSafetensors(t, path, names, values)

	m := mustBuild(t, MobileNetV2, append(opts, Weights(path))...)
	ws := m.Weights()
	if len(ws) != len(values) {
		t.Fatalf("%d weights, file has %d", len(ws), len(values))
	}
	for i, w := range ws {
		if w.Name() != names[i] || !bytes.Equal(w.Value().Bytes(), values[i].Bytes()) {
			t.Fatalf("weight %s does not hold the file's %s", w.Name(), names[i])
		}
	}

	x := tensor.RandomUniform(7, 2, 32, 32, 3)
	y1 := m.Call(nn.Inference, x)[0]
	y2 := m.Call(nn.Inference, x)[0]
	if !y1.Shape().Equal([]int{2, 5}) {
		t.Fatalf("output shape %v", y1.Shape())
	}
	if !bytes.Equal(y1.Bytes(), y2.Bytes()) {
		t.Errorf("two forward passes differ: %v, %v", y1.Float32s(), y2.Float32s())
	}
	sum := 0.0
	for _, p := range y1.Float32s()[:5] {
		sum += float64(p)
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("softmax outputs sum to %v", sum)
	}
	if y0 := fresh.Call(nn.Inference, x)[0]; bytes.Equal(y0.Bytes(), y1.Bytes()) {
		t.Errorf("the loaded network computes what the initialised one does")
	}

	// Tide's own writer gives the same file contents back.
	saved := filepath.Join(t.TempDir(), "saved.safetensors")
	if err := m.SaveWeights(saved); err != nil {
		t.Fatal(err)
	}
	again := mustBuild(t, MobileNetV2, append(opts, Weights(saved))...)
	if y3 := again.Call(nn.Inference, x)[0]; !bytes.Equal(y1.Bytes(), y3.Bytes()) {
		t.Errorf("reloaded network differs")
	}
}

func TestWeightsMismatch(t *testing.T) {
	opts := []Option{Alpha(0.35), InputShape(32, 32, 3), IncludeTop(false)}
	names, values := pretrained(mustBuild(t, MobileNetV2, opts...).Weights())
	dir := t.TempDir()

	missing := filepath.Join(dir, "missing.safetensors")
	writeSafetensors(t, missing, names[1:], values[1:])
	if _, err := MobileNetV2(append(opts, Weights(missing))...); err == nil || !strings.Contains(err.Error(), names[0]) {
		t.Errorf("a file without %s: %v", names[0], err)
	}

	// The file of a network with the top does not fit one without (Keras's "notop" files differ).
	topNames, topValues := pretrained(mustBuild(t, MobileNetV2, Alpha(0.35), InputShape(32, 32, 3)).Weights())
	top := filepath.Join(dir, "top.safetensors")
	writeSafetensors(t, top, topNames, topValues)
	if _, err := MobileNetV2(append(opts, Weights(top))...); err == nil || !strings.Contains(err.Error(), "predictions/kernel") {
		t.Errorf("a file with the top: %v", err)
	}

	if _, err := MobileNetV2(Alpha(0.35), InputShape(32, 32, 3), Weights(top), ClassifierActivation("sigmoid")); err == nil || !strings.Contains(err.Error(), "softmax") {
		t.Errorf("sigmoid with weights: %v", err)
	}
	if _, err := MobileNetV2(Alpha(0.35), InputShape(32, 32, 3), Weights(top), ClassifierActivation("")); err != nil {
		t.Errorf("logits with weights: %v", err)
	}
}
