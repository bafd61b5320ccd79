package nn_test

import (
	"testing"

	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/tensor"
)

// BenchmarkGaussianNoise times GaussianNoise's training-mode call, eagerly, on a batch of
// flattened MNIST images and on a convolution's feature maps, with the bytes allocated per call.
func BenchmarkGaussianNoise(b *testing.B) {
	for _, c := range []struct {
		name string
		dims []int
	}{{"128x784", []int{128, 784}}, {"64x28x28x32", []int{64, 28, 28, 32}}} {
		b.Run(c.name, func(b *testing.B) {
			l := nn.GaussianNoise(0.1)
			x := tensor.RandomNormal(1, c.dims...)
			ctx := trainAt(7)
			nn.Apply(l, ctx, x) // build the layer outside the timing
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				nn.Apply(l, ctx, x)
			}
		})
	}
}
