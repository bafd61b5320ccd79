package autodiff_test

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Fit y = 2x + 1 by gradient descent on a variable.
func Example() {
	x := tensor.FromSlice([]float32{0, 1, 2, 3}, 4, 1)
	y := tensor.FromSlice([]float32{1, 3, 5, 7}, 4, 1)
	w := autodiff.NewVariable("w", tensor.Zeros(x.DType(), 1, 1))
	b := autodiff.NewVariable("b", tensor.Zeros(x.DType(), 1))
	for step := 0; step < 500; step++ {
		pred := ops.Add(ops.MatMul(x, w.Value()), b.Value())
		loss := ops.Mean(ops.Square(ops.Sub(pred, y)))
		g := autodiff.GradVariables(loss, w, b)
		w.Assign(ops.Sub(w.Value().Detach(), ops.MulScalar(g[0], 0.1)))
		b.Assign(ops.Sub(b.Value().Detach(), ops.MulScalar(g[1], 0.1)))
	}
	fmt.Printf("w=%.3f b=%.3f\n", w.Value().Item(), b.Value().Item())
	// Output: w=2.000 b=1.000
}

func ExampleGradients_secondOrder() {
	x := autodiff.Watch(tensor.Scalar(2.0))
	y := ops.PowScalar(x, 3)
	dy := autodiff.Gradients([]*tensor.Tensor{y}, []*tensor.Tensor{x}, autodiff.CreateGraph())[0]
	d2y := autodiff.Grad(dy, x)[0]
	fmt.Println(dy.Item(), d2y.Item())
	// Output: 12 12
}
