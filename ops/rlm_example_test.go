package ops_test

import (
	"fmt"
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleProd() {
	x := tensor.FromRows([][]float64{{1, 2, 3}, {4, 0, 6}})
	fmt.Println(ops.Prod(x, 1))
	// The gradient of a product is the product of the other elements, exact at zeros.
	w := autodiff.Watch(x)
	fmt.Println(autodiff.Grad(ops.Prod(w), w)[0])
	// Output:
	// [6. 0.]
	// [[  0.   0.   0.]
	//  [  0. 144.   0.]]
}

func ExampleArgmax() {
	x := tensor.FromRows([][]float32{{1, 5, 5}, {7, 2, 7}})
	fmt.Println(ops.Argmax(x, 1), ops.ArgminKeepDims(x, 0))
	// Output:
	// [1 0] [[0 1 0]]
}

func ExampleCumsum() {
	x := tensor.FromSlice([]int32{1, 2, 3, 4})
	fmt.Println(ops.Cumsum(x, 0))
	fmt.Println(ops.CumsumWith(x, ops.CumParams{Exclusive: true}))
	fmt.Println(ops.CumsumWith(x, ops.CumParams{Reverse: true}))
	// Output:
	// [ 1  3  6 10]
	// [0 1 3 6]
	// [10  9  7  4]
}

func ExampleLogSumExp() {
	x := tensor.FromSlice([]float64{1000, 1000})
	fmt.Printf("%.4f\n", ops.LogSumExp(x).Item()) // no overflow
	// Output: 1000.6931
}

func ExampleVariance() {
	x := tensor.FromSlice([]float64{1, 2, 3, 4})
	fmt.Println(ops.Variance(x, 0), ops.Variance(x, 1), ops.Std(x, 1))
	// Output: 1.25 1.66666667 1.29099445
}

func ExampleL2Norm() {
	x := tensor.FromRows([][]float32{{3, 4}, {0, 0}})
	w := autodiff.Watch(x)
	fmt.Println(ops.L2Norm(x, 1), autodiff.Grad(ops.Sum(ops.L2Norm(w, 1)), w)[0]) // 0, not NaN, at 0
	// Output:
	// [5. 0.] [[0.6 0.8]
	//  [0.  0. ]]
}

func ExampleAny() {
	x := tensor.FromRows([][]bool{{true, false}, {false, false}})
	fmt.Println(ops.Any(x, 1), ops.All(tensor.FromSlice([]float64{1, math.NaN()})))
	// Output: [ True False] True
}

func ExampleEinsum() {
	a := tensor.FromRows([][]float64{{1, 2}, {3, 4}})
	b := tensor.FromSlice([]float64{1, 10})
	fmt.Println(ops.Einsum("ij,j->i", a, b))
	fmt.Println(ops.Einsum("ii", a)) // trace
	fmt.Println(ops.Einsum("i,j->ij", b, b))
	// Output:
	// [21. 43.]
	// 5.
	// [[  1.  10.]
	//  [ 10. 100.]]
}

func ExampleDotGeneral() {
	// A batch of 2 products of [3 4] and [4 5] matrices, with the batch axis last on the right.
	a := tensor.Ones(dtype.Float32, 2, 3, 4)
	b := tensor.Ones(a.DType(), 4, 5, 2)
	c := ops.DotGeneral(a, b, ops.DotDims{LhsContracting: []int{2}, RhsContracting: []int{0}, LhsBatch: []int{0}, RhsBatch: []int{2}})
	fmt.Println(c.Shape(), c.At(1, 2, 3))
	// Output: [2 3 5] 4
}

func ExampleGemm() {
	a := tensor.FromRows([][]float64{{1, 2}, {3, 4}})
	c := tensor.FromSlice([]float64{100, 200})
	fmt.Println(ops.Gemm(a, a, c, 1, 0.5, false, true)) // a·aᵀ + c/2, c broadcast along rows
	// Output:
	// [[ 55. 111.]
	//  [ 61. 125.]]
}

func ExampleConcat() {
	a := tensor.FromRows([][]int32{{1, 2}, {3, 4}})
	b := tensor.FromRows([][]int32{{5}, {6}})
	fmt.Println(ops.Concat(1, a, b))
	parts := ops.SplitSizes(ops.Concat(1, a, b), 1, 1, 2)
	fmt.Println(parts[0].Shape(), parts[1].Shape())
	// Output:
	// [[1 2 5]
	//  [3 4 6]]
	// [2 1] [2 2]
}

func ExampleStack() {
	a, b := tensor.FromSlice([]float32{1, 2}), tensor.FromSlice([]float32{3, 4})
	fmt.Println(ops.Stack(0, a, b))
	fmt.Println(ops.Stack(-1, a, b))
	// Output:
	// [[1. 2.]
	//  [3. 4.]]
	// [[1. 3.]
	//  [2. 4.]]
}

func ExampleSlice() {
	x := tensor.FromSlice([]int64{0, 1, 2, 3, 4, 5})
	fmt.Println(ops.SliceAxis(x, 0, 1, 5, 2))                      // x[1:5:2]
	fmt.Println(ops.SliceAxis(x, 0, math.MaxInt, math.MinInt, -1)) // x[::-1]
	fmt.Println(ops.SliceAxis(x, 0, -2, 100, 1))                   // x[-2:], the end clamped
	// Output:
	// [1 3]
	// [5 4 3 2 1 0]
	// [4 5]
}

func ExamplePad() {
	x := tensor.FromSlice([]float32{1, 2, 3})
	fmt.Println(ops.Pad(x, ops.PadConstant, 9, 1, 2))
	fmt.Println(ops.Pad(x, ops.PadReflect, 0, 2, 2))
	fmt.Println(ops.Pad(x, ops.PadEdge, 0, 2, 2))
	fmt.Println(ops.Pad(x, ops.PadWrap, 0, 2, 2))
	fmt.Println(ops.PadWith(x, ops.PadParams{Interior: []int{1}})) // the gradient of a strided slice
	// Output:
	// [9. 1. 2. 3. 9. 9.]
	// [3. 2. 1. 2. 3. 2. 1.]
	// [1. 1. 1. 2. 3. 3. 3.]
	// [2. 3. 1. 2. 3. 1. 2.]
	// [1. 0. 2. 0. 3.]
}

func ExampleRepeat() {
	x := tensor.FromSlice([]int32{1, 2, 3})
	fmt.Println(ops.Repeat(x, 0, 2))       // each element twice
	fmt.Println(ops.Repeat(x, 0, 0, 1, 3)) // per-element counts
	fmt.Println(ops.Tile(x, 2))            // the whole twice
	// Output:
	// [1 1 2 2 3 3]
	// [2 3 3 3]
	// [1 2 3 1 2 3]
}

func ExampleRoll() {
	x := tensor.FromRows([][]int32{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(ops.Roll(x, []int{1}, 1))
	fmt.Println(ops.Flip(x, 0))
	// Output:
	// [[3 1 2]
	//  [6 4 5]]
	// [[4 5 6]
	//  [1 2 3]]
}

func ExampleSqueeze() {
	x := tensor.Zeros(dtype.Float32, 1, 3, 1)
	fmt.Println(ops.Squeeze(x).Shape(), ops.Squeeze(x, 0).Shape(), ops.Unsqueeze(x, 0, -1).Shape())
	fmt.Println(ops.Flatten(ops.Unsqueeze(x, 0), 2).Shape(), ops.FlattenBatch(tensor.Zeros(x.DType(), 8, 2, 2)).Shape())
	// Output:
	// [3] [3 1] [1 1 3 1 1]
	// [1 3] [8 4]
}
