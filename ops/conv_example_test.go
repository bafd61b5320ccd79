package ops_test

import (
	"fmt"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// A 3x3 single-channel image (NHWC) convolved with a 2x2 filter (HWIO) summing each window.
func ExampleConv2D() {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1)
	w := tensor.FromSlice([]float32{1, 1, 1, 1}, 2, 2, 1, 1)
	y := ops.Conv2D(x, w, ops.ConvParams{})
	fmt.Println(y.Shape(), y.Float32s())
	same := ops.Conv2D(x, w, ops.ConvParams{Padding: ops.PadSame}) // the extra pad goes at the end
	fmt.Println(same.Shape(), same.Float32s())
	// Output:
	// [1 2 2 1] [12 16 24 28]
	// [1 3 3 1] [12 16 9 24 28 15 15 17 9]
}

// The layout parameter takes PyTorch's NCHW data and OIHW filters; groups split the channels.
func ExampleConv() {
	x := tensor.FromSlice([]float64{1, 2, 3, 10, 20, 30}, 1, 2, 3) // NCW: 2 channels of width 3
	w := tensor.FromSlice([]float64{1, -1, 1, 1}, 2, 1, 2)         // OIW: one 2-tap filter per group
	y := ops.Conv(x, w, ops.ConvParams{Groups: 2, Layout: ops.ChannelsFirst})
	fmt.Println(y.Shape(), y.Float64s())
	// Output:
	// [1 2 2] [-1 -1 30 50]
}

// DepthwiseConv2D takes Keras's [kh, kw, in, multiplier] filter.
func ExampleDepthwiseConv2D() {
	x := tensor.FromSlice([]float32{1, 10, 2, 20, 3, 30, 4, 40}, 1, 2, 2, 2) // NHWC, 2 channels
	w := tensor.FromSlice([]float32{1, -1, 1, 1}, 1, 1, 2, 2)                // 1x1, multiplier 2
	fmt.Println(ops.DepthwiseConv2D(x, w, ops.ConvParams{}).Float32s())
	// Output:
	// [1 -1 10 10 2 -2 20 20 3 -3 30 30 4 -4 40 40]
}

// A transposed convolution with stride 2 upsamples: each input element stamps the filter.
func ExampleConvTranspose1D() {
	x := tensor.FromSlice([]float32{1, 2, 3}, 1, 3, 1) // NWC
	w := tensor.FromSlice([]float32{1, 10}, 2, 1, 1)   // [k, out, in]
	y := ops.ConvTranspose1D(x, w, ops.ConvTransposeParams{Strides: []int{2}})
	fmt.Println(y.Float32s())
	y = ops.ConvTranspose1D(x, w, ops.ConvTransposeParams{Strides: []int{2}, OutputPadding: []int{1}})
	fmt.Println(y.Float32s())
	// Output:
	// [1 10 2 20 3 30]
	// [1 10 2 20 3 30 0]
}

func ExampleMaxPool2D() {
	x := tensor.FromSlice([]float32{
		1, 5, 2, 0, 7,
		3, 4, 8, 1, 2,
		0, 6, 1, 9, 3,
	}, 1, 3, 5, 1)
	fmt.Println(ops.MaxPool2D(x, ops.PoolParams{Window: []int{2}}).Float32s())
	fmt.Println(ops.MaxPool2D(x, ops.PoolParams{Window: []int{2}, CeilMode: true}).Float32s())
	// Output:
	// [5 8]
	// [5 8 7 6 9 3]
}

// Average pooling excludes padding from the count by default (ONNX, Keras); CountIncludePad
// counts it, as PyTorch's default.
func ExampleAvgPool1D() {
	x := tensor.FromSlice([]float64{2, 4, 6, 8, 10}, 1, 5, 1) // same padding pads [1 1]
	p := ops.PoolParams{Window: []int{3}, Strides: []int{2}, Padding: ops.PadSame}
	fmt.Println(ops.AvgPool1D(x, p).Float64s())
	p.CountIncludePad = true
	fmt.Println(ops.AvgPool1D(x, p).Float64s())
	// Output:
	// [3 6 9]
	// [2 6 6]
}

func ExampleGlobalAvgPool() {
	x := tensor.FromSlice([]float32{1, 10, 2, 20, 3, 30, 4, 40}, 1, 2, 2, 2) // NHWC
	fmt.Println(ops.GlobalAvgPool(x, ops.ChannelsLast, false))
	// Output:
	// [[ 2.5 25. ]]
}

// SamePads gives TensorFlow's "same" padding: ceil(in/stride) outputs, the odd pad at the end.
func ExampleSamePads() {
	fmt.Println(ops.SamePads([]int{6, 5}, []int{3, 3}, []int{2, 2}, nil))
	// Output:
	// [[0 1] [1 1]]
}
