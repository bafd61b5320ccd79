package nn_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestEagerCompiledParity runs each layer eagerly and compiled with an unknown batch dimension,
// for two batch sizes, and checks the outputs are equal and the function is traced once.
func TestEagerCompiledParity(t *testing.T) {
	cases := []struct {
		name  string
		layer nn.Layer
		ctx   nn.Context
		dims  []int // without the batch
		dt    dtype.DType
	}{
		{"dense", nn.Dense(4, nn.WithActivation("tanh")), nn.Inference, []int{5}, dtype.Float32},
		{"dense_rank3", nn.Dense(3), nn.Inference, []int{2, 5}, dtype.Float32},
		{"conv2d", nn.Conv2D(3, 3, nn.WithPadding("same"), nn.WithStrides(2)), nn.Inference, []int{7, 6, 2}, dtype.Float32},
		{"conv2d_channels_first", nn.Conv2D(3, 3, nn.WithDataFormat("channels_first")), nn.Inference, []int{2, 6, 6}, dtype.Float32},
		{"conv1d_causal", nn.Conv1D(2, 3, nn.WithPadding("causal")), nn.Inference, []int{8, 3}, dtype.Float32},
		{"conv2d_transpose", nn.Conv2DTranspose(2, 3, nn.WithStrides(2), nn.WithPadding("same")), nn.Inference, []int{3, 4, 2}, dtype.Float32},
		{"depthwise_conv2d", nn.DepthwiseConv2D(3, nn.WithDepthMultiplier(2)), nn.Inference, []int{6, 6, 2}, dtype.Float32},
		{"separable_conv2d", nn.SeparableConv2D(4, 3), nn.Inference, []int{6, 6, 2}, dtype.Float32},
		{"max_pooling2d", nn.MaxPooling2D(2, nn.WithPadding("same")), nn.Inference, []int{5, 5, 2}, dtype.Float32},
		{"average_pooling1d", nn.AveragePooling1D(2), nn.Inference, []int{6, 2}, dtype.Float32},
		{"global_average_pooling2d", nn.GlobalAveragePooling2D(), nn.Inference, []int{3, 3, 2}, dtype.Float32},
		{"batch_norm_inference", nn.BatchNormalization(), nn.Inference, []int{4}, dtype.Float32},
		{"layer_norm", nn.LayerNormalization(), nn.Inference, []int{3, 4}, dtype.Float32},
		{"group_norm", nn.GroupNormalization(2), nn.Inference, []int{3, 4}, dtype.Float32},
		{"unit_norm", nn.UnitNormalization(), nn.Inference, []int{4}, dtype.Float32},
		{"dropout_inference", nn.Dropout(0.5), nn.Inference, []int{4}, dtype.Float32},
		{"dropout_training", nn.Dropout(0.5), nn.Training, []int{16}, dtype.Float32},
		{"dropout_noise_shape", nn.Dropout(0.5, nn.WithNoiseShape(-1, 1, 4)), nn.Training, []int{3, 4}, dtype.Float32},
		{"embedding", nn.Embedding(10, 3), nn.Inference, []int{4}, dtype.Int64},
		{"activation", nn.Activation("gelu"), nn.Inference, []int{4}, dtype.Float32},
		{"permute", nn.Permute([]int{2, 1}), nn.Inference, []int{2, 3}, dtype.Float32},
		{"flatten", nn.Flatten(), nn.Inference, []int{2, 3}, dtype.Float32},
		{"reshape", nn.Reshape([]int{3, -1}), nn.Inference, []int{6}, dtype.Float32},
		{"repeat_vector", nn.RepeatVector(2), nn.Inference, []int{3}, dtype.Float32},
		{"masking", nn.Masking(0), nn.Inference, []int{3, 2}, dtype.Float32},
		{"cnn", cnn(), nn.Inference, []int{8, 8, 1}, dtype.Float32},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor { return nn.Apply(c.layer, c.ctx, x) },
				graph.InputSpecs(core.Spec{DType: c.dt, Shape: append([]int{-1}, c.dims...)}))
			for i, batch := range []int{3, 5} {
				x := sample(c.dt, uint64(i+1), append([]int{batch}, c.dims...))
				out, err := fn.Call(x)
				if err != nil {
					t.Fatal(err)
				}
				want := nn.Apply(c.layer, c.ctx, x).Detach()
				if !tensor.AllClose(out[0], want, 1e-6, 1e-6) {
					t.Fatalf("batch %d: compiled %v, eager %v", batch, out[0], want)
				}
			}
			if n := fn.Traces(); n != 1 {
				t.Errorf("traced %d times, want 1", n)
			}
		})
	}
}

// cnn is a small convolutional classifier as one layer.
func cnn() nn.Layer {
	layers := []nn.Layer{nn.Conv2D(4, 3, nn.WithActivation("relu")), nn.MaxPooling2D(2), nn.Flatten(), nn.Dropout(0.5), nn.Dense(3)}
	return nn.LambdaN(func(ctx nn.Context, xs ...*tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{nn.Sequence(ctx, xs[0], layers...)}
	})
}

// TestCompiledCNNTrainStep trains a convolutional classifier (conv, pooling, flatten, dropout,
// dense) for a few steps eagerly and compiled with an unknown batch dimension.
func TestCompiledCNNTrainStep(t *testing.T) {
	newLayers := func() []nn.Layer {
		return []nn.Layer{nn.Conv2D(4, 3, nn.WithActivation("relu")), nn.MaxPooling2D(2), nn.Flatten(),
			nn.Dropout(0.25), nn.Dense(3)}
	}
	trainStep := func(layers []nn.Layer) func(x, y, step *tensor.Tensor) *tensor.Tensor {
		return func(x, y, step *tensor.Tensor) *tensor.Tensor {
			logits := nn.Sequence(nn.Context{Training: true, Step: step}, x, layers...)
			loss := ops.Mean(ops.Square(ops.Sub(ops.Softmax(logits, -1), y)))
			var vars []*autodiff.Variable
			for _, l := range layers {
				vars = append(vars, l.Weights()...)
			}
			for i, g := range autodiff.GradVariables(loss, vars...) {
				vars[i].Assign(ops.Sub(vars[i].Value().Detach(), ops.MulScalar(g, 0.5)))
			}
			return loss
		}
	}
	eager, compiled := newLayers(), newLayers()
	fn := graph.Compile(trainStep(compiled), graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: []int{-1, 8, 8, 1}},
		core.Spec{DType: dtype.Float32, Shape: []int{-1, 3}}, core.Spec{DType: dtype.Int64, Shape: []int{}}))
	for i := 0; i < 3; i++ {
		batch := 4 + i
		x := tensor.RandomNormal(uint64(30+i), batch, 8, 8, 1)
		y := ops.OneHot(ops.Cast(ops.Floor(ops.MulScalar(tensor.RandomUniform(uint64(40+i), batch), 3)), dtype.Int64), 3, dtype.Float32)
		s := tensor.Scalar(int64(i))
		le := trainStep(eager)(x, y, s)
		out, err := fn.Call(x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.AllClose(out[0], le.Detach(), 1e-5, 1e-6) {
			t.Fatalf("step %d: compiled loss %v, eager %v", i, out[0], le)
		}
	}
	if fn.Traces() != 1 {
		t.Errorf("traced %d times", fn.Traces())
	}
	for li := range eager {
		for wi, w := range eager[li].Weights() {
			if !tensor.AllClose(w.Value().Detach(), compiled[li].Weights()[wi].Value().Detach(), 1e-5, 1e-6) {
				t.Errorf("%s differs", w.Name())
			}
		}
	}
}

// sample returns inputs of a dtype: normals for floats, ids in [0, 10) for integers (with zeros).
func sample(dt dtype.DType, seed uint64, dims []int) *tensor.Tensor {
	if dt.IsInt() {
		return ops.Cast(ops.Floor(ops.MulScalar(tensor.RandomUniform(seed, dims...), 10)), dt)
	}
	x := tensor.RandomNormal(seed, dims...)
	if dt != dtype.Float32 {
		x = ops.Cast(x, dt)
	}
	return x
}

// TestCompiledTrainStep runs a small model's train step — dense, batch norm, dropout with the
// step passed as an argument — eagerly and compiled, and checks that losses, weights and moving
// statistics agree over several steps. (The step is an argument rather than a variable
// incremented inside the step: graph tracing currently runs an Assign whose value depends on
// variables only, such as step+1, once at trace time instead of recording a write-back.)
func TestCompiledTrainStep(t *testing.T) {
	type model struct {
		dense *nn.DenseLayer
		bn    *nn.BatchNormLayer
		drop  *nn.DropoutLayer
		out   *nn.DenseLayer
	}
	newModel := func() *model {
		return &model{dense: nn.Dense(8, nn.WithActivation("relu")), bn: nn.BatchNormalization(),
			drop: nn.Dropout(0.3), out: nn.Dense(1)}
	}
	layers := func(m *model) []nn.Layer { return []nn.Layer{m.dense, m.bn, m.drop, m.out} }
	trainStep := func(m *model) func(x, y, step *tensor.Tensor) *tensor.Tensor {
		return func(x, y, step *tensor.Tensor) *tensor.Tensor {
			ctx := nn.Context{Training: true, Step: step}
			pred := nn.Sequence(ctx, x, layers(m)...)
			loss := ops.Mean(ops.Square(ops.Sub(pred, y)))
			var vars []*autodiff.Variable
			for _, l := range layers(m) {
				vars = append(vars, l.(interface{ TrainableWeights() []*autodiff.Variable }).TrainableWeights()...)
			}
			grads := autodiff.GradVariables(loss, vars...)
			for i, v := range vars {
				v.Assign(ops.Sub(v.Value().Detach(), ops.MulScalar(grads[i], 0.1)))
			}
			return loss
		}
	}
	eager, compiled := newModel(), newModel()
	step := graph.Compile(trainStep(compiled), graph.InputSpecs(
		core.Spec{DType: dtype.Float32, Shape: []int{-1, 4}}, core.Spec{DType: dtype.Float32, Shape: []int{-1, 1}},
		core.Spec{DType: dtype.Int64, Shape: []int{}}))
	eagerStep := trainStep(eager)
	for i := 0; i < 4; i++ {
		batch := 6 + i%2
		x, y := tensor.RandomNormal(uint64(10+i), batch, 4), tensor.RandomNormal(uint64(20+i), batch, 1)
		s := tensor.Scalar(int64(i))
		le := eagerStep(x, y, s)
		out, err := step.Call(x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.AllClose(out[0], le.Detach(), 1e-5, 1e-6) {
			t.Fatalf("step %d: compiled loss %v, eager %v", i, out[0], le)
		}
	}
	if step.Traces() != 1 {
		t.Errorf("traced %d times, want 1", step.Traces())
	}
	for li, l := range layers(compiled) {
		for wi, w := range l.Weights() {
			we := layers(eager)[li].Weights()[wi]
			if !tensor.AllClose(w.Value().Detach(), we.Value().Detach(), 1e-5, 1e-6) {
				t.Errorf("%s differs after 4 steps", w.Name())
			}
		}
	}
	if got := compiled.bn.MovingMean().Value().Detach(); tensor.AllClose(got, tensor.Zeros(dtype.Float32, 8), 0, 0) {
		t.Error("the compiled step did not update the moving mean")
	}
}
