package applications

import (
	"bytes"
	"slices"
	"testing"

	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func TestZeroPadding2D(t *testing.T) {
	x := tensor.RandomUniform(5, 2, 2, 3, 4)
	for _, p := range [][4]int{{3, 3, 3, 3}, {0, 1, 0, 1}, {1, 1, 1, 1}, {0, 0, 0, 0}, {5, 0, 0, 7}} {
		l := newZeroPadding2D(p[0], p[1], p[2], p[3])
		got := nn.Apply(l, nn.Inference, x)
		want := ops.PadWith(x, ops.PadParams{Before: []int{0, p[0], p[2], 0}, After: []int{0, p[1], p[3], 0}})
		if !got.Shape().Equal(want.Shape()) || !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("padding %v: got %v, want %v", p, got.Shape(), want.Shape())
		}
	}
	if l := newZeroPadding2D(1, 2, 3, 4, nn.WithName("pad")); l.ClassName() != "ZeroPadding2D" || l.Name() != "pad" {
		t.Errorf("%s (%s)", l.Name(), l.ClassName())
	}
}

func TestReLU(t *testing.T) {
	x := tensor.FromSlice([]float32{-1, 0, 3, 6, 7, 1e9}, 6)
	for _, c := range []struct {
		max  float64
		want []float32
	}{{6, []float32{0, 0, 3, 6, 6, 6}}, {2.5, []float32{0, 0, 2.5, 2.5, 2.5, 2.5}}} {
		l := newReLU(c.max)
		if got := nn.Apply(l, nn.Inference, x).Float32s(); !slices.Equal(got, c.want) {
			t.Errorf("ReLU(%v) = %v, want %v", c.max, got, c.want)
		}
		if l.ClassName() != "ReLU" || l.Config()["max_value"] != c.max {
			t.Errorf("class %s, config %v", l.ClassName(), l.Config())
		}
	}
}
