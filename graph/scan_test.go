package graph_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// rnn is h_t = tanh(x_t·W + h_{t-1}·U), returning the final h and all h_t.
type rnn struct{ w, u *autodiff.Variable }

func (r *rnn) run(h0, xs *T) (*T, *T) {
	carry, ys := graph.Scan(func(c, x []*T) ([]*T, []*T) {
		h := ops.Tanh(ops.Add(ops.MatMul(x[0], r.w.Value()), ops.MatMul(c[0], r.u.Value())))
		return []*T{h}, []*T{h}
	}, []*T{h0}, xs)
	return carry[0], ys[0]
}

func TestScanRNN(t *testing.T) {
	r := &rnn{
		w: autodiff.NewVariable("w", tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 4)),
		u: autodiff.NewVariable("u", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 2, 4, 4), 0.5)),
	}
	// Loss and gradients with respect to both weights, the initial state and the inputs.
	step := func(h0, xs *T) []*T {
		h0w, xsw := autodiff.Watch(h0), autodiff.Watch(xs)
		h, hs := r.run(h0w, xsw)
		loss := ops.Add(ops.Sum(ops.Square(h)), ops.Mean(hs))
		g := autodiff.Gradients([]*T{loss}, []*T{r.w.Value(), r.u.Value(), h0w, xsw})
		return append([]*T{loss}, g...)
	}
	f := graph.Compile(step, graph.InputSpecs(spec(dtype.Float64, 2, 4), spec(dtype.Float64, -1, 2, 3)))
	for _, length := range []int{5, 1, 9} {
		h0 := tensor.Random(dtype.Float64, tensor.Normal, 3, 2, 4)
		xs := tensor.Random(dtype.Float64, tensor.Normal, uint64(4+length), length, 2, 3)
		want := step(h0, xs)
		got, err := f.Call(h0, xs)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !got[i].Shape().Equal(want[i].Shape()) {
				t.Fatalf("length %d, result %d: compiled shape %v, eager %v", length, i, got[i].Shape(), want[i].Shape())
			}
			if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
				d, _ := tensor.MaxDiff(got[i], want[i].Detach())
				t.Fatalf("length %d, result %d: compiled and eager differ by %g", length, i, d)
			}
		}
	}
	if f.Traces() != 1 {
		t.Fatalf("traced %d times for three sequence lengths", f.Traces())
	}
	g, _ := f.Graph(tensor.Zeros(dtype.Float64, 2, 4), tensor.Zeros(dtype.Float64, 5, 2, 3))
	scans := 0
	for _, n := range g.Nodes {
		if n.Op.Name() == "scan" {
			scans++
		}
	}
	if scans != 2 {
		t.Fatalf("want a forward and a backward scan node, got %d:\n%s", scans, g)
	}
}

func TestScanInsideVariablesBinding(t *testing.T) {
	r := &rnn{
		w: autodiff.NewVariable("w", tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 4)),
		u: autodiff.NewVariable("u", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 2, 4, 4), 0.5)),
	}
	step := func(h0, xs *T) []*T {
		h, _ := r.run(h0, xs)
		loss := ops.Sum(ops.Square(h))
		g := autodiff.GradVariables(loss, r.w, r.u)
		r.w.Assign(ops.Sub(r.w.Value(), ops.MulScalar(g[0], 0.1)))
		return []*T{loss, g[0], g[1]}
	}
	eagerW, eagerU := r.w.Value().Clone(), r.u.Value().Clone()
	h0, xs := tensor.Random(dtype.Float64, tensor.Normal, 3, 2, 4), tensor.Random(dtype.Float64, tensor.Normal, 4, 5, 2, 3)
	want := step(h0, xs)
	r.w.Assign(eagerW)
	r.u.Assign(eagerU)
	f := graph.Compile(step, graph.Variables(func() []*autodiff.Variable { return []*autodiff.Variable{r.w, r.u} }))
	got, err := f.Call(h0, xs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
			t.Fatalf("result %d: compiled %v, eager %v", i, got[i], want[i])
		}
	}
}

func TestScanSecondOrder(t *testing.T) {
	r := &rnn{
		w: autodiff.NewVariable("w", tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 4)),
		u: autodiff.NewVariable("u", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 2, 4, 4), 0.5)),
	}
	// The gradient of the squared norm of a gradient: the backward scan is differentiated too.
	hvp := func(h0, xs *T) []*T {
		xw := autodiff.Watch(xs)
		h, hs := r.run(h0, xw)
		loss := ops.Add(ops.Sum(ops.Square(h)), ops.Mean(hs))
		g := autodiff.Gradients([]*T{loss}, []*T{xw, r.u.Value()}, autodiff.CreateGraph())
		s := ops.Add(ops.Sum(ops.Square(g[0])), ops.Sum(ops.Square(g[1])))
		return autodiff.Gradients([]*T{s}, []*T{xw, r.u.Value(), r.w.Value()})
	}
	h0, xs := tensor.Random(dtype.Float64, tensor.Normal, 3, 2, 4), tensor.Random(dtype.Float64, tensor.Normal, 4, 5, 2, 3)
	want := hvp(h0, xs)
	got, err := graph.Compile(hvp).Call(h0, xs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !tensor.AllClose(got[i], want[i].Detach(), 1e-10, 1e-10) {
			d, _ := tensor.MaxDiff(got[i], want[i].Detach())
			t.Fatalf("result %d: compiled and eager differ by %g", i, d)
		}
	}
}
