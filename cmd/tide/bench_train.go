package main

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// The training cases of the reference script: train steps of Keras's mnist_convnet and (listed
// in bench.go, built by mlpTrainCase) of the MLP through the models API, as a user writes them,
// and the forward and backward pass of an LSTM layer. All run compiled unless -eager asks
// otherwise. Adam is Keras's (epsilon 1e-7, added before the bias correction), PyTorch's has
// eps 1e-8 after it: the work per step is the same.
func init() {
	moreBenchCases = append(moreBenchCases,
		benchCase{name: "train/mnist_convnet/b128/adam", samples: 128, setup: convnetTrainCase},
		benchCase{name: "train/lstm_s32_b64_i64_h128/fwdbwd", setup: lstmFwdBwdCase},
	)
}

// benchLabels returns n int64 class labels in [0, classes), fixed by seed.
func benchLabels(seed uint64, n, classes int) *tensor.Tensor {
	u := tensor.RandomUniform(seed, n).Float32s()
	labels := make([]int64, n)
	for i, v := range u {
		labels[i] = min(int64(v*float32(classes)), int64(classes-1))
	}
	return tensor.FromSlice(labels, n)
}

// trainOnBatchCase returns a case function that runs one TrainOnBatch of model on x and y,
// after compiling the model with opt and sparse categorical cross-entropy from logits.
func trainOnBatchCase(model *models.Model, opt optim.Optimizer, cfg benchConfig, x, y *tensor.Tensor) (func() error, error) {
	if err := model.Err(); err != nil {
		return nil, err
	}
	var opts []models.CompileOption
	if cfg.eager {
		opts = append(opts, models.Eager())
	}
	loss := losses.SparseCategoricalCrossentropy(losses.FromLogits())
	if err := model.Compile(opt, loss, opts...); err != nil {
		return nil, err
	}
	xs, ys := []*tensor.Tensor{x}, []*tensor.Tensor{y}
	return func() error {
		_, err := model.TrainOnBatch(xs, ys, nil)
		return err
	}, nil
}

// convnetTrainCase is a train step of Keras's mnist_convnet (see benchConvnet) on a batch of 128
// NHWC 28×28×1 images with Adam (learning rate 0.001) and sparse categorical cross-entropy from
// logits, as the reference's MnistConvnet.
func convnetTrainCase(cfg benchConfig) (func() error, error) {
	x := tensor.RandomNormal(7, 128, 28, 28, 1)
	return trainOnBatchCase(benchConvnet(), optim.Adam(optim.LearningRate(1e-3)), cfg, x, benchLabels(8, 128, 10))
}

// benchConvnet is Keras's mnist_convnet example with logits out (34,826 parameters); its
// dropout is active in train steps.
func benchConvnet() *models.Model {
	return models.Sequential(
		models.Input(28, 28, 1),
		nn.Conv2D(32, 3, nn.WithActivation("relu")),
		nn.MaxPooling2D(2),
		nn.Conv2D(64, 3, nn.WithActivation("relu")),
		nn.MaxPooling2D(2),
		nn.Flatten(),
		nn.Dropout(0.5),
		nn.Dense(10),
	)
}

// mlpTrainCase is a train step of a 784-512-512-10 relu MLP (logits out) on a batch of 128 with
// SGD (learning rate 0.01) or Adam (0.001) and sparse categorical cross-entropy from logits,
// through the models API, as the reference's MLP.
func mlpTrainCase(opt string) func(benchConfig) (func() error, error) {
	return func(cfg benchConfig) (func() error, error) {
		model := models.Sequential(
			models.Input(784),
			nn.Dense(512, nn.WithActivation("relu")),
			nn.Dense(512, nn.WithActivation("relu")),
			nn.Dense(10),
		)
		o := optim.SGD(optim.LearningRate(0.01))
		if opt == "adam" {
			o = optim.Adam(optim.LearningRate(1e-3))
		}
		x := tensor.RandomNormal(7, 128, 784)
		return trainOnBatchCase(model, o, cfg, x, benchLabels(8, 128, 10))
	}
}

// lstmFwdBwdCase runs an LSTM layer (input 64, hidden 128, returning the sequence) over a batch
// of 64 sequences of 32 steps and differentiates the sum of its outputs with respect to its
// weights, as the reference's lstm_step (which holds the sequence time-major; Keras's layer is
// batch-major, [64, 32, 64]).
func lstmFwdBwdCase(cfg benchConfig) (func() error, error) {
	const batch, steps, features, hidden = 64, 32, 64, 128
	lstm := nn.LSTM(hidden, nn.WithReturnSequences(true))
	if err := nn.Build(lstm, []int{-1, steps, features}); err != nil {
		return nil, err
	}
	vars := lstm.TrainableWeights()
	step := func(x *tensor.Tensor) []*tensor.Tensor {
		out := nn.Apply(lstm, nn.Training, x)
		return autodiff.GradVariables(ops.Sum(out), vars...)
	}
	x := tensor.RandomNormal(9, batch, steps, features)
	if cfg.eager {
		return func() error { return core.Catch(func() { step(x) }) }, nil
	}
	f := graph.Compile(step, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: []int{-1, steps, features}}))
	return func() error {
		grads, err := f.Call(x)
		if err == nil && len(grads) != len(vars) {
			err = fmt.Errorf("%d gradients for %d weights", len(grads), len(vars))
		}
		return err
	}, nil
}
