package graph_test

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/ops"
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/tensor"
)

func TestMarshalRoundTrip(t *testing.T) {
	m := newMLP()
	step := graph.Compile(m.step, graph.InputSpecs(spec(dtype.Float32, -1, 8), spec(dtype.Float32, -1, 1)))
	x, y := tensor.RandomNormal(3, 16, 8), tensor.RandomNormal(4, 16, 1)
	g, err := step.Graph(x, y)
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := graph.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	// Fused nodes are written as their steps; fusing the loaded graph gives the same graph back.
	if err := graph.Optimize(g2, graph.FusePass); err != nil {
		t.Fatal(err)
	}
	if opNames(g) != opNames(g2) || len(g.Params) != len(g2.Params) || len(g.Captures) != len(g2.Captures) {
		t.Fatalf("round trip changed the graph:\n%s\nvs\n%s", g, g2)
	}
	b2, err := graph.Marshal(g2)
	if err != nil || len(b2) != len(b) {
		t.Fatalf("re-encoding differs (%v)", err)
	}
	// The loaded graph runs without the Go code that built it and gives the same loss.
	specs := []core.Spec{core.SpecOf(x), core.SpecOf(y)}
	p1, err := g.NewPlan(specs)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := g2.NewPlan(specs)
	if err != nil {
		t.Fatal(err)
	}
	out2, err := p2.Run([]*tensor.Tensor{x, y}) // runs first: p1 would update the variables
	if err != nil {
		t.Fatal(err)
	}
	out1, err := p1.Run([]*tensor.Tensor{x, y})
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(out1[0], out2[0]) {
		t.Fatalf("loss %v from the original, %v from the loaded graph", out1[0], out2[0])
	}
}

func TestUnmarshalRejectsBadInput(t *testing.T) {
	f := graph.Compile(func(a, b *T) *T { return ops_add(a, b) })
	g, err := f.Graph(tensor.Ones(dtype.Float32, 2), tensor.Ones(dtype.Float32, 2))
	if err != nil {
		t.Fatal(err)
	}
	good, _ := graph.Marshal(g)
	for name, b := range map[string][]byte{
		"empty":     {},
		"garbage":   []byte("not a graph at all"),
		"truncated": good[:len(good)/2],
	} {
		if _, err := graph.Unmarshal(b); err == nil || !strings.HasPrefix(err.Error(), "graph:") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	g, _ := graph.Compile(func(a, b *T) *T { return ops_add(a, b) }).Graph(tensor.Ones(dtype.Float32, 2), tensor.Ones(dtype.Float32, 2))
	good, _ := graph.Marshal(g)
	f.Add(good)
	m := newMLP()
	g2, _ := graph.Compile(m.step).Graph(tensor.RandomNormal(3, 4, 8), tensor.RandomNormal(4, 4, 1))
	good2, _ := graph.Marshal(g2)
	f.Add(good2)
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := graph.Unmarshal(b)
		if err == nil {
			if _, err := graph.Marshal(g); err != nil {
				t.Fatalf("a graph that loads does not re-encode: %v", err)
			}
		}
	})
}

func TestMarshalControlFlow(t *testing.T) {
	r := &rnn{
		w: autodiff.NewVariable("w", tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 4)),
		u: autodiff.NewVariable("u", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 2, 4, 4), 0.5)),
	}
	fn := func(h0, xs *T) []*T {
		h, hs := r.run(h0, xs)
		y := piecewise(ops.Sum(hs, 0, 1))
		loop := graph.While(func(s []*T) *T { return ops.Less(ops.Sum(s[0]), tensor.Scalar(10.0)) },
			func(s []*T) []*T { return []*T{ops.AddScalar(ops.Abs(s[0]), 1)} }, 100, h)
		return []*T{y, loop[0]}
	}
	h0, xs := tensor.Random(dtype.Float64, tensor.Normal, 3, 2, 4), tensor.Random(dtype.Float64, tensor.Normal, 4, 5, 2, 3)
	g, err := graph.Compile(fn).Graph(h0, xs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := graph.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, loaded, []*T{h0, xs})
	want := fn(h0, xs)
	for i := range want {
		if !tensor.AllClose(got[i], want[i], 1e-12, 1e-12) {
			t.Fatalf("output %d of the loaded graph: %v, eager %v", i, got[i], want[i])
		}
	}
}
