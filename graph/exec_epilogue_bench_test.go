package graph_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// BenchmarkEpilogue measures chains headed by a matmul with and without the GEMM epilogue: the
// SGD update of an MLP's weights from their gradients (written in place), and a dense layer's
// bias and activation.
func BenchmarkEpilogue(b *testing.B) {
	defer graph.SetBlocks(true)
	for _, s := range [][3]int{{784, 512, 128}, {512, 512, 128}} {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("sgd/%dx%d/blocks=%v", s[0], s[1], on), func(b *testing.B) {
				graph.SetBlocks(on)
				w := autodiff.NewVariable("w", tensor.RandomNormal(1, s[0], s[1]))
				x, dy := tensor.RandomNormal(2, s[2], s[0]), tensor.RandomNormal(3, s[2], s[1])
				f := graph.Compile(func(x, dy *T) *T {
					g := ops.MatMulT(x, dy, true, false)
					w.Assign(ops.Sub(w.Value().Detach(), ops.MulScalar(g, 0.01)))
					return ops.Sum(dy)
				})
				loopBest(b, func() error { _, err := f.Call(x, dy); return err })
			})
		}
	}
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("dense/128x784x512/blocks=%v", on), func(b *testing.B) {
			graph.SetBlocks(on)
			w, bias := tensor.RandomNormal(1, 784, 512), tensor.RandomNormal(2, 512)
			x := tensor.RandomNormal(3, 128, 784)
			f := graph.Compile(func(x *T) *T { return ops.Relu(ops.Add(ops.MatMul(x, w), bias)) })
			loopBest(b, func() error { _, err := f.Call(x); return err })
		})
	}
}

// loopBest runs fn in a b.Loop and reports, besides the mean, the fastest call in µs, which a
// shared machine disturbs least.
func loopBest(b *testing.B, fn func() error) {
	best := time.Duration(math.MaxInt64)
	for b.Loop() {
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Nanoseconds())/1e3, "best-µs")
}
