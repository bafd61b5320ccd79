package main

import (
	"fmt"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The convolution cases of the reference scripts: NHWC, batch 64, 28×28, 32 → 64 channels, 3×3,
// "same" padding, through the public ops so that the registered kernels run: the forward
// convolution, its gradient with respect to the input (the transposed convolution with the
// matching params) and with respect to the filter. Each output is released after the call, as
// PyTorch frees its output when the last reference goes: the next call reuses its memory.
func init() {
	const name = "conv2d/f32/%s/n64_h28_w28_c32_k64_3x3_same"
	flops := 2.0 * 64 * 64 * 28 * 28 * 32 * 9
	for _, c := range []struct {
		pass string
		run  func(x, w, dy *tensor.Tensor) *tensor.Tensor
	}{
		{"fwd", func(x, w, _ *tensor.Tensor) *tensor.Tensor {
			return ops.Conv2D(x, w, ops.ConvParams{Padding: ops.PadSame})
		}},
		{"bwd_input", func(_, w, dy *tensor.Tensor) *tensor.Tensor {
			return ops.ConvTranspose2D(dy, w, ops.ConvTransposeParams{Pads: [][2]int{{1, 1}, {1, 1}}})
		}},
		{"bwd_filter", func(x, _, dy *tensor.Tensor) *tensor.Tensor {
			return ops.ConvFilterGrad(x, dy, []int{3, 3}, ops.ConvParams{Padding: ops.PadSame})
		}},
	} {
		moreBenchCases = append(moreBenchCases, benchCase{
			name:  fmt.Sprintf(name, c.pass),
			flops: flops,
			setup: func(benchConfig) (func() error, error) {
				x := tensor.RandomNormal(0, 64, 28, 28, 32)
				w := tensor.RandomNormal(1, 3, 3, 32, 64)
				dy := tensor.RandomNormal(2, 64, 28, 28, 64)
				return func() error { c.run(x, w, dy).Release(); return nil }, nil
			},
		})
	}
}
