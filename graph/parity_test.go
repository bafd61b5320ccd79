package graph_test

import (
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops/conformance"
)

// eagerOnly lists ops whose output shape depends on their input values: they run eagerly only.
var eagerOnly = map[string]bool{"nonzero": true, "unique": true}

// TestCompiledMatchesEagerOnConformanceCases runs every op of the conformance suite eagerly and
// as a compiled one-op function (through tracing, the default passes and the executor) and
// compares the results as the suite compares kernels: the same kernels run, so they must agree.
func TestCompiledMatchesEagerOnConformanceCases(t *testing.T) {
	n := 0
	for _, op := range core.Ops() {
		if eagerOnly[op.Name()] || !conformance.HasCases(op) {
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
				t.Errorf("%s: compiled differs from eager: %v", c.Name, err)
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cases ran", n)
	}
	t.Logf("%d cases", n)
}

func detach(ts []*T) []*T {
	out := make([]*T, len(ts))
	for i, x := range ts {
		out[i] = x.Detach()
	}
	return out
}
