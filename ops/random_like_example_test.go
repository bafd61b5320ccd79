package ops_test

import (
	"fmt"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleRandomNormalLike() {
	x := tensor.Ones(dtype.Float32, 2, 3) // only its shape and dtype matter
	p := ops.NormalLikeParams{Seed: 42, Mean: 0, Stddev: 0.1}
	for step := range int64(2) { // a new step, new noise; the same step, the same noise
		noise := ops.RandomNormalLike(x, tensor.Scalar(step), p)
		fmt.Printf("%.3f\n", noise.Float32s())
	}
	// Output:
	// [-0.081 -0.041 -0.065 -0.085 0.106 0.027]
	// [0.086 -0.043 -0.055 0.061 0.023 0.006]
}
