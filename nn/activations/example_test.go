package activations_test

import (
	"fmt"

	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/tensor"
)

func Example() {
	x := tensor.FromSlice([]float32{-2, 0, 3})
	fmt.Println(activations.MustGet("relu")(x))
	fmt.Println(activations.MustGet("hard_sigmoid")(x))
	// Output:
	// [0. 0. 3.]
	// [0.16666666 0.5        1.        ]
}
