package ops_test

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleAdd() {
	x := tensor.FromRows([][]float32{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(ops.Add(x, tensor.FromSlice([]float32{10, 20, 30}))) // broadcast along rows
	// Output:
	// [[11. 22. 33.]
	//  [14. 25. 36.]]
}

func ExampleMatMul() {
	a := tensor.FromRows([][]float64{{1, 2}, {3, 4}})
	v := tensor.FromSlice([]float64{1, 1})
	fmt.Println(ops.MatMul(a, a))
	fmt.Println(ops.MatMul(a, v)) // a 1-D operand is a vector, as in NumPy
	// Output:
	// [[ 7. 10.]
	//  [15. 22.]]
	// [3. 7.]
}

func ExampleSum() {
	x := tensor.FromRows([][]int32{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(ops.Sum(x), ops.Sum(x, 0), ops.SumKeepDims(x, -1))
	// Output:
	// 21 [5 7 9] [[ 6]
	//  [15]]
}

func ExampleWhere() {
	x := tensor.FromSlice([]float32{-2, -0.5, 0, 1.5})
	fmt.Println(ops.Where(ops.Less(x, tensor.Scalar(float32(0))), ops.Neg(x), x))
	// Output: [2.  0.5 0.  1.5]
}

// A shape mistake panics with a *core.Error; core.Catch (or a deferred core.Recover) turns it
// into an error.
func Example_errors() {
	err := core.Catch(func() {
		ops.Add(tensor.FromSlice([]float32{1, 2, 3}), tensor.FromSlice([]float32{1, 2}))
	})
	fmt.Println(err != nil)
	// Output: true
}
