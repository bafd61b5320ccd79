package optim_test

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Fit y = 2x + 1 with Adam.
func Example() {
	x := tensor.FromSlice([]float32{0, 1, 2, 3}, 4, 1)
	y := tensor.FromSlice([]float32{1, 3, 5, 7}, 4, 1)
	w := autodiff.NewVariable("w", tensor.Zeros(dtype.Float32, 1, 1))
	b := autodiff.NewVariable("b", tensor.Zeros(dtype.Float32, 1))
	opt := optim.Adam(optim.LearningRate(0.1))
	for range 1000 {
		loss := ops.Mean(ops.Square(ops.Sub(ops.Add(ops.MatMul(x, w.Value()), b.Value()), y)))
		optim.Minimize(opt, loss, w, b)
	}
	fmt.Printf("w=%.2f b=%.2f after %v steps\n", w.Value().Item(), b.Value().Item(), opt.Iterations().Value().Item())
	// Output: w=2.00 b=1.00 after 1000 steps
}

// A whole train step — forward pass, gradients and the optimizer's update — compiles into one
// graph. The learning rate is a variable the graph reads at every call, so changing it (as a
// ReduceLROnPlateau callback would) needs no retracing.
func Example_compiled() {
	w := autodiff.NewVariable("w", tensor.Zeros(dtype.Float32, 1, 1))
	b := autodiff.NewVariable("b", tensor.Zeros(dtype.Float32, 1))
	opt := optim.SGD(optim.LearningRate(0.05), optim.Momentum(0.9))
	step := graph.Compile(func(x, y *tensor.Tensor) *tensor.Tensor {
		loss := ops.Mean(ops.Square(ops.Sub(ops.Add(ops.MatMul(x, w.Value()), b.Value()), y)))
		optim.Minimize(opt, loss, w, b)
		return loss
	}, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown, 1}},
		core.Spec{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown, 1}}))

	x := tensor.FromSlice([]float32{0, 1, 2, 3}, 4, 1)
	y := tensor.FromSlice([]float32{1, 3, 5, 7}, 4, 1)
	for i := range 300 {
		if i == 200 {
			opt.SetLearningRate(0.01)
		}
		if _, err := step.Call(x, y); err != nil {
			panic(err)
		}
	}
	fmt.Printf("w=%.2f b=%.2f lr=%v traces=%d\n", w.Value().Item(), b.Value().Item(), opt.LearningRate(), step.Traces())
	// Output: w=2.00 b=1.00 lr=0.01 traces=1
}

// Two steps of SGD with momentum on a constant gradient of 1:
// m₁ = -0.1, w₁ = 1 - 0.1; m₂ = 0.9·m₁ - 0.1 = -0.19, w₂ = 0.9 - 0.19.
func ExampleSGD() {
	w := autodiff.NewVariable("w", tensor.FromSlice([]float64{1}, 1))
	opt := optim.SGD(optim.LearningRate(0.1), optim.Momentum(0.9))
	for range 2 {
		opt.Apply([]*tensor.Tensor{tensor.FromSlice([]float64{1}, 1)}, []*autodiff.Variable{w})
		fmt.Printf("w=%.2f\n", w.Value().Item())
	}
	// Output:
	// w=0.90
	// w=0.71
}

// The optimizer's state is ordinary non-trainable variables, named after the optimizer and
// the variable, to be checkpointed with the model.
func ExampleOptimizer_variables() {
	k := autodiff.NewVariable("dense/kernel", tensor.Zeros(dtype.Float32, 4, 2))
	opt := optim.Adam()
	opt.Build([]*autodiff.Variable{k})
	for _, v := range opt.Variables() {
		fmt.Println(v.Name(), v.DType(), v.Shape())
	}
	// Output:
	// adam/iteration int64 []
	// adam/learning_rate float64 []
	// adam/dense/kernel/momentum float32 [4 2]
	// adam/dense/kernel/velocity float32 [4 2]
}

// A linear warmup to 0.1 over 10 steps, then a cosine decay to 0 over 100 (Keras 3's
// CosineDecay with warmup_target).
func ExampleCosineDecay() {
	s := optim.CosineDecay(0, 100, optim.WarmupTarget(0.1), optim.WarmupSteps(10))
	for _, step := range []int{0, 5, 10, 60, 110, 500} {
		fmt.Printf("step %3d: %.3f\n", step, s.At(step))
	}
	// Output:
	// step   0: 0.000
	// step   5: 0.050
	// step  10: 0.100
	// step  60: 0.050
	// step 110: 0.000
	// step 500: 0.000
}

// Halve the learning rate every 10 steps.
func ExampleExponentialDecay() {
	s := optim.ExponentialDecay(0.1, 10, 0.5, optim.Staircase(true))
	opt := optim.SGD(optim.LearningRateSchedule(s))
	fmt.Println(s.At(0), s.At(9), s.At(10), s.At(25), opt.LearningRate())
	// Output: 0.1 0.1 0.05 0.025 0.1
}

// Dynamic loss scaling skips a step whose gradients overflowed and halves the scale.
func ExampleLossScale() {
	w := autodiff.NewVariable("w", tensor.FromSlice([]float32{1}, 1))
	opt := optim.LossScale(optim.SGD(optim.LearningRate(0.1)), optim.InitialScale(1024))
	for _, g := range []float64{1, math.Inf(1), 1} {
		// Gradients of opt.ScaleLoss(loss) carry the scale.
		scaled := tensor.FromSlice([]float32{float32(g * opt.Scale())}, 1)
		opt.Apply([]*tensor.Tensor{scaled}, []*autodiff.Variable{w})
		fmt.Printf("w=%.1f scale=%v\n", w.Value().Item(), opt.Scale())
	}
	// Output:
	// w=0.9 scale=1024
	// w=0.9 scale=512
	// w=0.8 scale=512
}

// Optimizers round-trip through Keras's serialised form.
func ExampleFromConfig() {
	var c optim.Config
	err := json.Unmarshal([]byte(`{"class_name": "SGD", "config": {"learning_rate":
		{"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [100], "values": [0.1, 0.01]}},
		"momentum": 0.9, "nesterov": true}}`), &c)
	if err != nil {
		panic(err)
	}
	opt, err := optim.FromConfig(c)
	if err != nil {
		panic(err)
	}
	b, _ := json.Marshal(opt.Config().Config["learning_rate"])
	fmt.Println(opt.Name(), opt.LearningRate(), string(b))
	// Output: SGD 0.1 {"class_name":"PiecewiseConstantDecay","config":{"boundaries":[100],"name":"PiecewiseConstant","values":[0.1,0.01]}}
}
