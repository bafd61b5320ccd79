package ops_test

import (
	"fmt"
	"math"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleSigmoid() {
	x := tensor.FromSlice([]float32{-1000, -1, 0, 1, 1000})
	fmt.Println(ops.Sigmoid(x)) // no overflow at the extremes
	// Output:
	// [0.         0.26894143 0.5        0.7310586  1.        ]
}

func ExampleGelu() {
	x := tensor.FromSlice([]float64{-2, -0.5, 0, 0.5, 2})
	fmt.Println(ops.Gelu(x, "none"))
	fmt.Println(ops.Gelu(x, "tanh"))
	// Output:
	// [-0.04550026 -0.15426877  0.          0.34573123  1.95449974]
	// [-0.04540231 -0.15428599  0.          0.34571401  1.95459769]
}

func ExampleHardSigmoid() {
	x := tensor.FromSlice([]float32{-3, -1, 0, 1, 3})
	fmt.Println(ops.HardSigmoid(x, 0.2, 0.5))   // ONNX's defaults
	fmt.Println(ops.HardSigmoid(x, 1.0/6, 0.5)) // PyTorch's hardsigmoid
	// Output:
	// [0.  0.3 0.5 0.7 1. ]
	// [0.        0.3333333 0.5       0.6666667 1.       ]
}

func ExampleLeakyRelu() {
	x := tensor.FromSlice([]float64{-10, -1, 0, 2})
	fmt.Println(ops.LeakyRelu(x, ops.DefaultLeakyReluAlpha))
	// Output:
	// [-0.1  -0.01  0.    2.  ]
}

func ExampleRound() {
	x := tensor.FromSlice([]float64{-2.5, -1.5, -0.5, 0.5, 1.5, 2.5})
	fmt.Println(ops.Round(x)) // halves go to the even neighbour
	// Output:
	// [-2. -2. -0.  0.  2.  2.]
}

func ExampleMod() {
	x := tensor.FromSlice([]int32{7, -7, 7, -7})
	y := tensor.FromSlice([]int32{3, 3, -3, -3})
	fmt.Println(ops.FloorDiv(x, y), ops.Mod(x, y)) // Python's // and %
	fmt.Println(ops.Div(x, y), ops.Fmod(x, y))     // C's / and %
	// Output:
	// [ 2 -3 -3  2] [ 1  2 -2 -1]
	// [ 2 -2 -2  2] [ 1 -1  1 -1]
}

func ExampleClip() {
	x := tensor.FromRows([][]float32{{-2, 0.5, 3}, {1, 1, 1}})
	lo := tensor.FromSlice([]float32{0, 0, 0})
	hi := tensor.FromSlice([]float32{1, 0.25, 2})
	fmt.Println(ops.Clip(x, lo, hi))
	fmt.Println(ops.ClipScalar(x, math.Inf(-1), 0.75)) // an upper bound only
	// Output:
	// [[0.   0.25 2.  ]
	//  [1.   0.25 1.  ]]
	// [[-2.    0.5   0.75]
	//  [ 0.75  0.75  0.75]]
}

func ExampleAbs() {
	x := tensor.FromSlice([]int8{-128, -5, 0, 5})
	fmt.Println(ops.Abs(x)) // -128 has no positive int8: it wraps to itself
	// Output:
	// [-128    5    0    5]
}

func ExampleBitwiseLeftShift() {
	x := tensor.FromSlice([]uint8{1, 3, 255, 1})
	s := tensor.FromSlice([]uint8{1, 4, 1, 8})
	fmt.Println(ops.BitwiseLeftShift(x, s), ops.BitwiseRightShift(x, s))
	// Output:
	// [  2  48 254   0] [  0   0 127   0]
}

func ExampleIsInf() {
	x := tensor.FromSlice([]float64{math.Inf(1), math.Inf(-1), math.NaN(), 1})
	fmt.Println(ops.IsInf(x, 0), ops.IsInf(x, 1), ops.IsNaN(x))
	// Output:
	// [ True  True False False] [ True False False False] [False False  True False]
}

func ExampleLogicalAnd() {
	a := tensor.FromSlice([]bool{true, true, false, false})
	b := tensor.FromSlice([]bool{true, false, true, false})
	fmt.Println(ops.LogicalAnd(a, b), ops.LogicalOr(a, b), ops.LogicalXor(a, b), ops.LogicalNot(a))
	// Output:
	// [ True False False False] [ True  True  True False] [False  True  True False] [False False  True  True]
}
