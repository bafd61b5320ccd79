package applications

import (
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/tensor"
)

func TestPreprocessInput(t *testing.T) {
	// One pixel (R, G, B) = (0, 127.5, 255), as numbers Keras's preprocess_input gives.
	x := tensor.FromSlice([]float32{0, 127.5, 255}, 1, 1, 1, 3)
	cases := []struct {
		mode PreprocessMode
		want []float64
	}{
		{Caffe, []float64{255 - 103.939, 127.5 - 116.779, 0 - 123.68}},
		{TF, []float64{-1, 0, 1}},
		{Torch, []float64{(0 - 0.485) / 0.229, (0.5 - 0.456) / 0.224, (1 - 0.406) / 0.225}},
	}
	for _, c := range cases {
		y := PreprocessInput(x, c.mode)
		if !y.Shape().Equal(x.Shape()) {
			t.Fatalf("%s: shape %v", c.mode, y.Shape())
		}
		for i, v := range y.Float32s() {
			if math.Abs(float64(v)-c.want[i]) > 1e-4 {
				t.Errorf("%s: channel %d is %v, want %v", c.mode, i, v, c.want[i])
			}
		}
	}
	if got := x.Float32s(); got[0] != 0 || got[2] != 255 {
		t.Errorf("input modified: %v", got)
	}
	u8 := PreprocessInput(tensor.FromSlice([]uint8{0, 255, 51}, 3), TF)
	if got := u8.Float32s(); got[0] != -1 || got[1] != 1 || math.Abs(float64(got[2])+0.6) > 1e-6 {
		t.Errorf("uint8 input: %v", got)
	}
	for _, bad := range []func(){
		func() { PreprocessInput(x, "rgb") },
		func() { PreprocessInput(tensor.FromSlice([]float32{1, 2}, 1, 2), Caffe) },
	} {
		if err := core.Catch(bad); err == nil {
			t.Errorf("no error")
		}
	}
}
