package constraints_test

import (
	"fmt"

	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/tensor"
)

func Example() {
	// Columns are the weight vectors (axis 0): norms 5 and 1.
	w := tensor.FromRows([][]float32{{3, 0}, {4, -1}})
	fmt.Printf("%.3f\n", constraints.MaxNorm(2).Apply(w).Float64s())
	fmt.Println(constraints.NonNeg().Apply(w))
	// Output:
	// [1.200 0.000 1.600 -1.000]
	// [[3. 0.]
	//  [4. 0.]]
}
