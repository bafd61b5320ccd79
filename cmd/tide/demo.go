package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// demo fits a 1-32-32-1 tanh network to y = sin(3x) on 256 points of [-1, 1] by full-batch
// gradient descent, printing the mean squared error as it falls.
func demo(w io.Writer, steps int, lr float64, every int) (err error) {
	defer core.Recover(&err)
	if steps < 1 || every < 1 {
		return fmt.Errorf("steps and every must be positive, got %d and %d", steps, every)
	}
	x := tensor.Linspace(dtype.Float32, -1, 1, 256).Reshape(256, 1)
	target := make([]float32, 256)
	for i, v := range x.Float64s() {
		target[i] = float32(math.Sin(3 * v))
	}
	y := tensor.FromSlice(target, 256, 1)
	params := []*autodiff.Variable{
		autodiff.NewVariable("w1", glorot(1, 1, 32)), autodiff.NewVariable("b1", tensor.Zeros(dtype.Float32, 32)),
		autodiff.NewVariable("w2", glorot(2, 32, 32)), autodiff.NewVariable("b2", tensor.Zeros(dtype.Float32, 32)),
		autodiff.NewVariable("w3", glorot(3, 32, 1)), autodiff.NewVariable("b3", tensor.Zeros(dtype.Float32, 1)),
	}
	dense := func(h *tensor.Tensor, i int) *tensor.Tensor {
		return ops.Add(ops.MatMul(h, params[2*i].Value()), params[2*i+1].Value())
	}
	fmt.Fprintf(w, "fitting y = sin(3x) with a 1-32-32-1 tanh network: %d steps of gradient descent, lr %g\n", steps, lr)
	start := time.Now()
	var first, last float64
	for step := 1; step <= steps; step++ {
		pred := dense(ops.Tanh(dense(ops.Tanh(dense(x, 0)), 1)), 2)
		loss := ops.Mean(ops.Square(ops.Sub(pred, y)))
		grads := autodiff.GradVariables(loss, params...)
		for i, p := range params {
			p.Assign(ops.Sub(p.Value().Detach(), ops.MulScalar(grads[i], lr)))
		}
		last = loss.Item()
		if step == 1 {
			first = last
		}
		if step == 1 || step%every == 0 || step == steps {
			fmt.Fprintf(w, "step %4d  loss %.6f\n", step, last)
		}
	}
	fmt.Fprintf(w, "loss fell from %.4f to %.4f in %v\n", first, last, time.Since(start).Round(time.Millisecond))
	if !(last < first) || math.IsNaN(last) {
		return fmt.Errorf("loss did not fall (%.4f to %.4f)", first, last)
	}
	return nil
}

// glorot returns a fan-in × fan-out matrix drawn from Glorot's uniform distribution.
func glorot(seed uint64, fanIn, fanOut int) *tensor.Tensor {
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	u := tensor.RandomUniform(seed, fanIn, fanOut)
	return ops.AddScalar(ops.MulScalar(u, 2*limit), -limit)
}
