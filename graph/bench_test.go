package graph_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// benchMLP is a 3-layer relu MLP with a softmax-free squared loss and an SGD update, small enough
// for the reference kernels.
type benchMLP struct{ ws, bs []*autodiff.Variable }

func newBenchMLP(sizes ...int) *benchMLP {
	m := &benchMLP{}
	for i := 0; i+1 < len(sizes); i++ {
		m.ws = append(m.ws, autodiff.NewVariable("w", ops.MulScalar(tensor.RandomNormal(uint64(i), sizes[i], sizes[i+1]), 0.05)))
		m.bs = append(m.bs, autodiff.NewVariable("b", tensor.Zeros(dtype.Float32, sizes[i+1])))
	}
	return m
}

func (m *benchMLP) step(x, y *T) *T {
	h := x
	for i := range m.ws {
		h = ops.Add(ops.MatMul(h, m.ws[i].Value()), m.bs[i].Value())
		if i < len(m.ws)-1 {
			h = ops.Relu(h)
		}
	}
	loss := ops.Mean(ops.Square(ops.Sub(h, y)))
	vars := append(append([]*autodiff.Variable{}, m.ws...), m.bs...)
	grads := autodiff.GradVariables(loss, vars...)
	for i, v := range vars {
		v.Assign(ops.Sub(v.Value().Detach(), ops.MulScalar(grads[i], 0.01)))
	}
	return loss
}

func BenchmarkMLPStep(b *testing.B) {
	x, y := tensor.RandomNormal(1, 32, 64), tensor.RandomNormal(2, 32, 10)
	b.Run("eager", func(b *testing.B) {
		m := newBenchMLP(64, 128, 128, 10)
		b.ReportAllocs()
		for b.Loop() {
			m.step(x, y)
		}
	})
	b.Run("compiled", func(b *testing.B) {
		m := newBenchMLP(64, 128, 128, 10)
		f := graph.Compile(m.step)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.Call(x, y); err != nil {
				b.Fatal(err)
			}
		}
	})
}
