package graph

import (
	"fmt"

	"github.com/tideml/tide/core"
)

// Verify checks the graph's invariants: every node's inputs are params, captures or outputs of
// earlier nodes (so the graph is acyclic and has no dangling edges), and every node's output
// specs are those its op infers from its input specs.
func (g *Graph) Verify() error {
	known := map[*Value]bool{}
	for i, p := range g.Params {
		if p.Kind != KindParam || p.Param != i {
			return fmt.Errorf("param %d is malformed", i)
		}
		known[p] = true
	}
	for _, c := range g.Captures {
		if c.Kind != KindCapture || c.Tensor == nil {
			return fmt.Errorf("capture %d is malformed", c.ID)
		}
		known[c] = true
	}
	for _, n := range g.Nodes {
		for i, in := range n.Inputs {
			if !known[in] {
				return fmt.Errorf("node %d (%s): input %d (value %d) is not defined before it", n.ID, n.Op.Name(), i, in.ID)
			}
		}
		specs := make([]core.Spec, len(n.Inputs))
		for i, in := range n.Inputs {
			specs[i] = in.Spec
		}
		want, err := n.Op.Infer(n.Params, specs)
		if err != nil {
			return fmt.Errorf("node %d: %w", n.ID, err)
		}
		if len(want) != len(n.Outputs) {
			return fmt.Errorf("node %d (%s): has %d outputs, op infers %d", n.ID, n.Op.Name(), len(n.Outputs), len(want))
		}
		for i, o := range n.Outputs {
			if o.Producer != n || o.Index != i || o.Kind != KindOutput {
				return fmt.Errorf("node %d (%s): output %d is malformed", n.ID, n.Op.Name(), i)
			}
			if o.Spec.DType != want[i].DType || !o.Spec.Shape.Equal(want[i].Shape) {
				return fmt.Errorf("node %d (%s): output %d is %v, op infers %v", n.ID, n.Op.Name(), i, o.Spec, want[i])
			}
			if known[o] {
				return fmt.Errorf("node %d (%s): output %d defined twice", n.ID, n.Op.Name(), i)
			}
			known[o] = true
		}
	}
	for i, o := range g.Outputs {
		if !known[o] {
			return fmt.Errorf("output %d (value %d) is not defined", i, o.ID)
		}
	}
	for i, a := range g.Assigns {
		if !known[a.Value] {
			return fmt.Errorf("assignment %d (value %d) is not defined", i, a.Value.ID)
		}
	}
	return nil
}
