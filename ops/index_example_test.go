package ops_test

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleGather() {
	emb := tensor.FromRows([][]float32{{0, 0}, {1, 1}, {2, 2}, {3, 3}})
	ids := tensor.FromRows([][]int64{{3, 1}, {0, -1}}) // -1 is the last row, as ONNX
	fmt.Println(ops.Gather(emb, ids, 0).Shape())
	fmt.Println(ops.Gather(emb, tensor.FromSlice([]int64{2, 0}), 0))
	err := core.Catch(func() { ops.Gather(emb, tensor.FromSlice([]int64{4}), 0) })
	fmt.Println(err != nil)
	// Output:
	// [2 2 2]
	// [[2. 2.]
	//  [0. 0.]]
	// true
}

func ExampleTakeAlongAxis() {
	scores := tensor.FromRows([][]float32{{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}})
	labels := tensor.FromRows([][]int64{{1}, {0}})
	fmt.Println(ops.TakeAlongAxis(scores, labels, 1)) // the score of each row's label
	// Output:
	// [[0.7]
	//  [0.5]]
}

func ExampleGatherND() {
	x := tensor.FromRows([][]int32{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(ops.GatherND(x, tensor.FromRows([][]int64{{1, 2}, {0, 0}}), 0)) // elements
	fmt.Println(ops.GatherND(x, tensor.FromRows([][]int64{{1}}), 0))            // a row
	// Output:
	// [6 1]
	// [[4 5 6]]
}

func ExampleScatterAdd() {
	sums := ops.ScatterAdd(tensor.Zeros(dtype.Float32, 3), tensor.FromSlice([]int64{0, 2, 0, 0}),
		tensor.FromSlice([]float32{1, 2, 3, 4}), 0)
	fmt.Println(sums) // a segment sum: repeated indices accumulate
	// Output: [8. 0. 2.]
}

func ExampleScatterND() {
	x := tensor.Zeros(dtype.Int64, 2, 3)
	fmt.Println(ops.ScatterND(x, tensor.FromRows([][]int64{{0, 1}, {1, 2}}), tensor.FromSlice([]int64{7, 9}), "none"))
	// Output:
	// [[0 7 0]
	//  [0 0 9]]
}

func ExampleOneHot() {
	fmt.Println(ops.OneHot(tensor.FromSlice([]int32{2, 0, -1, 5}), 3, dtype.Float32))
	// Output:
	// [[0. 0. 1.]
	//  [1. 0. 0.]
	//  [0. 0. 1.]
	//  [0. 0. 0.]]
}

func ExampleSortWithIndices() {
	v, i := ops.SortWithIndices(tensor.FromSlice([]float32{3, 1, 2, 1}), 0, true)
	fmt.Println(v, i) // stable: the two 1s keep their order
	// Output: [3. 2. 1. 1.] [0 2 1 3]
}

func ExampleTopK() {
	logits := tensor.FromRows([][]float32{{0.1, 2.5, 0.3, 1.2}, {4, 3, 2, 1}})
	v, i := ops.TopK(logits, 2)
	fmt.Println(v)
	fmt.Println(i)
	// Output:
	// [[2.5 1.2]
	//  [4.  3. ]]
	// [[1 3]
	//  [0 1]]
}

func ExampleNonZero() {
	x := tensor.FromRows([][]int32{{0, 3}, {5, 0}})
	fmt.Println(ops.NonZero(x)) // ONNX layout: one row per axis
	fmt.Println(ops.ArgWhere(x))
	// Output:
	// [[0 1]
	//  [1 0]]
	// [[0 1]
	//  [1 0]]
}

func ExampleUniqueAll() {
	v, inv, counts := ops.UniqueAll(tensor.FromSlice([]int64{5, 2, 5, 9, 2, 5}))
	fmt.Println(v, inv, counts)
	// Output: [2 5 9] [1 0 1 2 0 1] [2 3 1]
}

func ExampleRange() {
	fmt.Println(ops.Range(dtype.Int32, 10, 0, -3), ops.Range(dtype.Float32, 0, 1, 0.25))
	// Output: [10  7  4  1] [0.   0.25 0.5  0.75]
}

func ExampleTril() {
	// A causal attention mask: position i sees positions j <= i.
	fmt.Println(ops.Tril(tensor.Ones(dtype.Bool, 3, 3), 0))
	fmt.Println(ops.Triu(tensor.Ones(dtype.Int32, 2, 3), 1))
	// Output:
	// [[ True False False]
	//  [ True  True False]
	//  [ True  True  True]]
	// [[0 1 1]
	//  [0 0 1]]
}

func ExampleDepthToSpace() {
	x := tensor.FromSlice([]int32{0, 1, 2, 3}, 1, 1, 1, 4) // NHWC: one pixel, four channels
	y := ops.DepthToSpace(x, 2)
	fmt.Println(y.Shape(), ops.Reshape(y, 2, 2))
	fmt.Println(ops.SpaceToDepth(y, 2).Shape())
	// Output:
	// [1 2 2 1] [[0 1]
	//  [2 3]]
	// [1 1 1 4]
}

func ExampleRandomUniform() {
	// The same seed gives the same numbers on every machine.
	a := ops.RandomUniform(42, dtype.Float32, -1, 1, 3)
	b := ops.RandomUniform(42, dtype.Float32, -1, 1, 3)
	fmt.Println(tensor.Equal(a, b), a.Shape())
	fmt.Println(ops.RandomUniform(7, dtype.Int64, 0, 6, 8)) // dice
	// Output:
	// true [3]
	// [5 0 2 1 0 4 2 0]
}

func ExampleCategorical() {
	logits := tensor.FromRows([][]float32{{0, 0, 10}, {10, 0, 0}})
	fmt.Println(ops.Categorical(2, logits, 5))
	// Output:
	// [[2 2 2 2 2]
	//  [0 0 0 0 0]]
}

func ExampleRandomShuffle() {
	features := tensor.FromRows([][]float32{{0, 0}, {1, 1}, {2, 2}, {3, 3}})
	labels := tensor.FromSlice([]int64{0, 1, 2, 3})
	// One seed shuffles both the same way.
	fmt.Println(ops.RandomShuffle(5, features))
	fmt.Println(ops.RandomShuffle(5, labels))
	// Output:
	// [[2. 2.]
	//  [3. 3.]
	//  [0. 0.]
	//  [1. 1.]]
	// [2 3 0 1]
}
