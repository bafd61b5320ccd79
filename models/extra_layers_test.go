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

// The reshaping, noise and activation layers in a model: the summary's shapes and counts are
// Keras's, and a compiled Fit matches an eager one.
func TestExtraLayersInModel(t *testing.T) {
	build := func() *Model {
		return Sequential(Input(6, 6, 2),
			nn.ZeroPadding2D([]int{1}),                // 8x8x2
			nn.Conv2D(4, 3, nn.WithSeed(1)),           // 6x6x4: 3*3*2*4+4 = 76
			nn.PReLU(nn.WithSharedAxes(1, 2)),         // alpha [1,1,4]: 4
			nn.UpSampling2D([]int{2}),                 // 12x12x4
			nn.Cropping2D([]int{2}),                   // 8x8x4
			nn.SpatialDropout2D(0.25, nn.WithSeed(2)), //
			nn.GaussianNoise(0.1, nn.WithSeed(3)),     //
			nn.GlobalAveragePooling2D(),               // 4
			nn.LeakyReLU(),                            //
			nn.Dense(3, nn.WithSeed(4)),               // 15
		)
	}
	m := build()
	var s strings.Builder
	m.Summary(&s)
	for _, want := range []string{"(None, 8, 8, 2)", "(None, 6, 6, 4)", "(None, 12, 12, 4)", "(None, 8, 8, 4)", " Total params: 95 "} {
		if !strings.Contains(s.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, s.String())
		}
	}
	x := tensor.RandomNormal(5, 32, 6, 6, 2)
	y := tensor.FromSlice(make([]int64, 32), 32)
	var final []float64
	for _, eager := range []bool{false, true} {
		m := build()
		opts := []CompileOption{}
		if eager {
			opts = append(opts, Eager())
		}
		if err := m.Compile(optim.Adam(), losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
			t.Fatal(err)
		}
		h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(2), BatchSize(8), Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		l, _ := h.Last("loss")
		final = append(final, l)
	}
	if d := final[0] - final[1]; d > 1e-5 || d < -1e-5 {
		t.Errorf("final loss compiled %v, eager %v", final[0], final[1])
	}
}
