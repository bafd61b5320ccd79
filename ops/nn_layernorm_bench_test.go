package ops_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Benchmarks of the fused normalization and GELU against the composite forms they replaced
// (lnComposite, geluComposite), eagerly, with the fast kernels of package kernels/cpu (which
// autodiff imports). Run them on one thread to compare the kernels' work:
//
//	go test ./ops -run '^$' -bench 'LayerNormTrain|Gelu' -cpu 1
//
// They run with the buffer pool's default configuration, not the poisoning one of this
// package's TestMain, which fills every fresh buffer.

// benchPool sets the buffer pool's default configuration until the benchmark ends.
func benchPool(b *testing.B) {
	old := tensor.SetPoolConfig(tensor.PoolConfig{MinBytes: 32 << 10, MaxBytes: 1 << 30})
	b.Cleanup(func() { tensor.SetPoolConfig(old) })
}

// BenchmarkLayerNormTrain times a layer normalization of a transformer's activations, [4096,
// 768] float32 with a scale and an offset, forward and backward (the gradients of x, the scale
// and the offset).
func BenchmarkLayerNormTrain(b *testing.B) {
	benchPool(b)
	x0 := ops.Cast(nnF64(1, 4096, 768), dtype.Float32)
	dy := ops.Cast(nnF64(2, 4096, 768), dtype.Float32)
	s0 := ops.Cast(ops.AddScalar(tensor.Random(dtype.Float64, tensor.Uniform, 3, 768), 0.5), dtype.Float32)
	o0 := ops.Cast(nnF64(4, 768), dtype.Float32)
	for _, c := range []struct {
		name string
		norm func(x, s, o *tensor.Tensor) *tensor.Tensor
	}{
		{"composite", func(x, s, o *tensor.Tensor) *tensor.Tensor { return lnComposite(x, s, o, 1, ops.DefaultEpsilon, true) }},
		{"fused", func(x, s, o *tensor.Tensor) *tensor.Tensor { return ops.LayerNorm(x, s, o, ops.LayerNormParams{}) }},
	} {
		in := []*tensor.Tensor{autodiff.Watch(x0), autodiff.Watch(s0), autodiff.Watch(o0)}
		b.Run(c.name+"/forward", func(b *testing.B) {
			b.SetBytes(int64(x0.Size()) * 8)
			for b.Loop() {
				c.norm(x0, s0, o0).Release()
			}
		})
		b.Run(c.name+"/forward+backward", func(b *testing.B) {
			b.SetBytes(int64(x0.Size()) * 8)
			for b.Loop() {
				y := c.norm(in[0], in[1], in[2])
				for _, g := range autodiff.Gradients([]*tensor.Tensor{y}, in, autodiff.OutputGrads(dy)) {
					g.Release()
				}
				y.Release()
			}
		})
	}
}

// BenchmarkGelu times GELU on 2^20 float32 elements in both forms, forward, and forward and
// backward.
func BenchmarkGelu(b *testing.B) {
	benchPool(b)
	const n = 1 << 20
	x0 := ops.Cast(ops.MulScalar(nnF64(5, n), 2), dtype.Float32)
	dy := ops.Cast(nnF64(6, n), dtype.Float32)
	for _, form := range []string{"none", "tanh"} {
		for _, c := range []struct {
			name string
			gelu func(x *tensor.Tensor, form string) *tensor.Tensor
		}{{"composite", geluComposite}, {"fused", ops.Gelu}} {
			b.Run(form+"/"+c.name+"/forward", func(b *testing.B) {
				b.SetBytes(n * 8)
				for b.Loop() {
					c.gelu(x0, form).Release()
				}
			})
			x := autodiff.Watch(x0)
			b.Run(form+"/"+c.name+"/forward+backward", func(b *testing.B) {
				b.SetBytes(n * 8)
				for b.Loop() {
					y := c.gelu(x, form)
					autodiff.VJP(y, dy, x)[0].Release()
					y.Release()
				}
			})
		}
	}
}
