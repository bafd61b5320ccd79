package graph_test

import (
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/tensor"
)

// TestOverwritingKernelsOnDirtyBuffers runs the conformance cases of every op whose outputs the
// executor does not clear (elementwise ops, those it lists as writing whole outputs) compiled,
// with those outputs filled with garbage:
// a kernel that reads its output before writing it, or leaves elements unwritten, differs from
// eager.
func TestOverwritingKernelsOnDirtyBuffers(t *testing.T) {
	graph.SetDirtyBuffers(true)
	defer graph.SetDirtyBuffers(false)
	for _, op := range core.Ops() {
		if eagerOnly[op.Name()] || !conformance.HasCases(op) || !graph.Overwrites(op) {
			continue
		}
		for _, c := range conformance.Cases(op) {
			if c.WantErr || c.Class == conformance.Large {
				continue
			}
			want := core.Apply(op, c.Params, c.Inputs...)
			f := graph.Compile(func(args []*T) []*T { return core.Apply(op, c.Params, args...) })
			got, err := f.Call(c.Inputs...)
			if err != nil {
				t.Errorf("%s: %v", c.Name, err)
				continue
			}
			if err := conformance.Compare(got, detach(want), c); err != nil {
				t.Errorf("%s %s: compiled on dirty buffers differs from eager: %v", op.Name(), c.Name, err)
			}
		}
	}
	// Fused chains: a dense layer and a convolution with bias and activation (their heads).
	dense := func(a []*T) []*T { return []*T{ops.Sum(ops.Relu(ops.Add(ops.MatMul(a[0], a[1]), a[2])))} }
	conv := func(a []*T) []*T {
		return []*T{ops.Sum(ops.Tanh(ops.Add(ops.Conv2D(a[0], a[1], ops.ConvParams{}), a[2])))}
	}
	// A chain without a head, over two chunk lengths, with a bias broadcast along rows: its last
	// step writes into the node's output directly.
	chain := func(a []*T) []*T { return []*T{ops.Sum(ops.Tanh(ops.Mul(ops.Add(a[0], a[1]), a[0])), 1)} }
	for _, c := range []struct {
		name string
		fn   func([]*T) []*T
		args []*T
	}{
		{"chain", chain, []*T{tensor.RandomNormal(7, 37, 300), tensor.RandomNormal(8, 300)}},
		{"dense", dense, []*T{tensor.RandomNormal(1, 37, 19), tensor.RandomNormal(2, 19, 23), tensor.RandomNormal(3, 23)}},
		{"conv", conv, []*T{tensor.RandomNormal(4, 3, 9, 9, 5), tensor.RandomNormal(5, 3, 3, 5, 7), tensor.RandomNormal(6, 7)}},
	} {
		f := graph.Compile(c.fn)
		if g, _ := f.Graph(c.args...); !strings.Contains(g.String(), "fused_elementwise") {
			t.Fatalf("%s: not fused:\n%v", c.name, g)
		}
		got, err := f.Call(c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := c.fn(c.args); !tensor.Equal(got[0], want[0]) {
			t.Errorf("%s: compiled on dirty buffers gives %v, eager %v", c.name, got[0], want[0])
		}
	}
}
