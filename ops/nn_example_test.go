package ops_test

import (
	"fmt"
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleSoftmax() {
	logits := tensor.FromSlice([]float32{1, 2, 3, 1000, 1001, 1002}, 2, 3)
	fmt.Println(ops.Softmax(logits, -1)) // shifted by the maximum: no overflow
	// Output:
	// [[0.09003057 0.24472848 0.66524094]
	//  [0.09003057 0.24472848 0.66524094]]
}

func ExampleLogSoftmax() {
	x := tensor.FromSlice([]float64{0, -1000})
	fmt.Println(ops.LogSoftmax(x, 0)) // finite where log(softmax) would be -Inf
	// Output:
	// [    0. -1000.]
}

func ExampleDropout() {
	x := tensor.Ones(dtype.Float32, 2, 5)
	p := ops.DropoutParams{Rate: 0.5, Seed: 1234, Step: 0}
	fmt.Println(ops.Dropout(x, p)) // kept elements scaled by 1/(1-rate)
	p.Step++                       // the next training step draws a new mask
	fmt.Println(ops.DropoutMask(p, 2, 5))
	// Output:
	// [[2. 0. 2. 0. 2.]
	//  [2. 2. 2. 0. 0.]]
	// [[1. 0. 0. 0. 1.]
	//  [1. 1. 0. 0. 1.]]
}

func ExampleEmbedding() {
	table := tensor.FromSlice([]float32{0, 0, 1, 1, 2, 2, 3, 3}, 4, 2) // vocabulary of 4, dimension 2
	ids := tensor.FromSlice([]int64{3, 1, 3}, 1, 3)
	fmt.Println(ops.Embedding(table, ids))
	w := autodiff.Watch(table)
	fmt.Println(autodiff.Grad(ops.Sum(ops.Embedding(w, ids)), w)[0]) // repeated ids accumulate
	// Output:
	// [[[3. 3.]
	//   [1. 1.]
	//   [3. 3.]]]
	// [[0. 0.]
	//  [1. 1.]
	//  [0. 0.]
	//  [2. 2.]]
}

func ExampleResize() {
	img := tensor.FromSlice([]float64{1, 2, 3, 4}, 1, 2, 2, 1) // NHWC
	near := ops.Resize(img, ops.ResizeParams{Scales: []float64{2}})
	fmt.Println(ops.Reshape(near, 4, 4))
	// PyTorch's interpolate(mode="bilinear", align_corners=True) in ONNX's terms.
	lin := ops.Resize(img, ops.ResizeParams{Mode: "linear", CoordinateTransform: "align_corners", Sizes: []int{3, 3}})
	fmt.Println(ops.Reshape(lin, 3, 3))
	// Output:
	// [[1. 1. 2. 2.]
	//  [1. 1. 2. 2.]
	//  [3. 3. 4. 4.]
	//  [3. 3. 4. 4.]]
	// [[1.  1.5 2. ]
	//  [2.  2.5 3. ]
	//  [3.  3.5 4. ]]
}

func ExampleLayerNorm() {
	x := tensor.FromSlice([]float64{1, 2, 3, 10, 20, 30}, 2, 3)
	fmt.Println(ops.LayerNorm(x, nil, nil, ops.LayerNormParams{Epsilon: 1e-12}))
	// Output:
	// [[-1.22474487  0.          1.22474487]
	//  [-1.22474487  0.          1.22474487]]
}

func ExampleBatchNormTraining() {
	x := tensor.FromSlice([]float64{1, 10, 3, 30}, 2, 2) // batch of 2, 2 channels (last axis)
	y, mean, variance := ops.BatchNormTraining(x, nil, nil, ops.BatchNormParams{})
	fmt.Println(y)
	fmt.Println(mean, variance) // for the layer's moving averages
	// Output:
	// [[-0.999995   -0.99999995]
	//  [ 0.999995    0.99999995]]
	// [ 2. 20.] [  1. 100.]
}

func ExampleGroupNorm() {
	// One example of 2 pixels with 4 channels, in 2 groups of 2 channels.
	x := tensor.FromSlice([]float64{1, 2, 10, 20, 3, 4, 30, 40}, 1, 2, 4)
	fmt.Printf("%.4f\n", ops.GroupNorm(x, nil, nil, ops.GroupNormParams{Groups: 2}).Float64s())
	// Output:
	// [-1.3416 -0.4472 -1.3416 -0.4472 0.4472 1.3416 0.4472 1.3416]
}

func ExampleScaledDotProductAttention() {
	q := tensor.FromSlice([]float64{1, 0, 0, 1, 1, 1}, 3, 2)
	v := tensor.FromSlice([]float64{1, 2, 3}, 3, 1)
	out := ops.ScaledDotProductAttention(q, q, v, nil, ops.AttentionParams{Causal: true})
	fmt.Printf("%.4f\n", out.Float64s()) // query 0 sees only key 0
	// Output:
	// [1.0000 1.6698 2.2552]
}
