package cpu_test

import (
	"fmt"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// BenchmarkConvnetLayers runs the convolutions of a Keras mnist_convnet train step (batch 128,
// NHWC, 3×3 valid): the first layer (1 → 32 channels, 28×28) forward and filter gradient, the
// second (32 → 64, 13×13) forward, filter and input gradients. Kernels only, into preallocated
// outputs, as BenchmarkConv2DKernel.
func BenchmarkConvnetLayers(b *testing.B) {
	p := ops.ConvParams{}
	x1, w1, dy1 := tensor.RandomNormal(1, 128, 28, 28, 1), tensor.RandomNormal(2, 3, 3, 1, 32), tensor.RandomNormal(3, 128, 26, 26, 32)
	x2, w2, dy2 := tensor.RandomNormal(4, 128, 13, 13, 32), tensor.RandomNormal(5, 3, 3, 32, 64), tensor.RandomNormal(6, 128, 11, 11, 64)
	fp := ops.ConvFilterGradParams{Conv: p, KernelSize: []int{3, 3}}
	tp := ops.ConvTransposeParams{}
	for _, c := range []struct {
		name, op string
		params   any
		in       []*tensor.Tensor
		out      *tensor.Tensor
		flops    float64
	}{
		{"conv1/fwd", "conv", p, []*tensor.Tensor{x1, w1}, tensor.New(dtype.Float32, dy1.Shape()), 2 * 128 * 26 * 26 * 32 * 9},
		{"conv1/bwd_filter", "conv_filter_grad", fp, []*tensor.Tensor{x1, dy1}, tensor.New(dtype.Float32, w1.Shape()), 2 * 128 * 26 * 26 * 32 * 9},
		{"conv2/fwd", "conv", p, []*tensor.Tensor{x2, w2}, tensor.New(dtype.Float32, dy2.Shape()), 2 * 128 * 11 * 11 * 64 * 288},
		{"conv2/bwd_input", "conv_transpose", tp, []*tensor.Tensor{dy2, w2}, tensor.New(dtype.Float32, x2.Shape()), 2 * 128 * 11 * 11 * 64 * 288},
		{"conv2/bwd_filter", "conv_filter_grad", fp, []*tensor.Tensor{x2, dy2}, tensor.New(dtype.Float32, w2.Shape()), 2 * 128 * 11 * 11 * 64 * 288},
	} {
		for _, rows := range []bool{true, false} {
			old := cpu.SetRowPath(rows)
			op := core.Lookup(c.op)
			k := op.Kernels(dtype.Float32)[0].Run
			out := []*tensor.Tensor{c.out}
			b.Run(fmt.Sprintf("%s/rows=%v", c.name, rows), func(b *testing.B) {
				cvLoopRate(b, c.flops, func() {
					clear(tensor.Data[float32](c.out))
					if err := core.RunInto(op, k, c.params, c.in, out); err != nil {
						b.Fatal(err)
					}
				})
			})
			cpu.SetRowPath(old)
		}
	}
}
