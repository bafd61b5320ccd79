package applications

import (
	"bytes"
	"math"
	"testing"

	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// TestTrainStep fine-tunes a tiny MobileNetV2 on one batch, compiled (as Fit does by default) and
// eagerly — batch normalisation in training mode, the zero paddings, the capped relus and the
// depthwise convolutions differentiated: the loss falls, the moving statistics move, and both
// ways give the same losses.
func TestTrainStep(t *testing.T) {
	x := tensor.RandomUniform(3, 16, 32, 32, 3)
	y := tensor.FromSlice([]int32{0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 2}, 16)
	var runs [2][]float64
	for i, eager := range []bool{false, true} {
		m := mustBuild(t, MobileNetV2, Alpha(0.35), InputShape(32, 32, 3), Classes(3), ClassifierActivation(""))
		var opts []models.CompileOption
		if eager {
			opts = append(opts, models.Eager())
		}
		if err := m.Compile(optim.SGD(optim.LearningRate(1e-2)), losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
			t.Fatal(err)
		}
		moving := m.Layer("bn_Conv1").Weights()[2]
		before := bytes.Clone(moving.Value().Bytes())
		for range 10 {
			logs, err := m.TrainOnBatch([]*tensor.Tensor{x}, []*tensor.Tensor{y}, nil)
			if err != nil {
				t.Fatal(err)
			}
			runs[i] = append(runs[i], logs["loss"])
		}
		if l := runs[i]; math.IsNaN(l[9]) || l[9] > l[0]/2 {
			t.Errorf("eager %v: losses %v, want the last under half the first", eager, l)
		}
		if bytes.Equal(before, moving.Value().Bytes()) {
			t.Errorf("eager %v: bn_Conv1's moving mean did not move", eager)
		}
	}
	for k := range 3 { // the trajectories drift apart with rounding; their first steps agree
		if d := math.Abs(runs[0][k] - runs[1][k]); d > 1e-3*math.Abs(runs[1][k]) {
			t.Errorf("step %d: compiled loss %v, eager %v", k, runs[0][k], runs[1][k])
		}
	}
}
