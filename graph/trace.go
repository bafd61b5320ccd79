package graph

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/tensor"
)

// tracer records op applications into a graph; it implements core.Tracer and the autodiff
// Assigner (variable updates become write-backs).
type tracer struct {
	g *Graph
}

var _ core.Tracer = (*tracer)(nil)

// Record adds a node for op; symbolic inputs must come from this graph, concrete ones are
// captured.
func (tr *tracer) Record(op *core.Op, params any, in []*tensor.Tensor, out []core.Spec) []*tensor.Tensor {
	vals := make([]*Value, len(in))
	for i, t := range in {
		vals[i] = tr.value(op.Name(), t)
	}
	n := tr.g.AddNode(op, params, vals, out)
	res := make([]*tensor.Tensor, len(out))
	for i, v := range n.Outputs {
		res[i] = tensor.NewSymbolic(v.Spec.DType, v.Spec.Shape, v)
	}
	return res
}

func (tr *tracer) value(op string, t *tensor.Tensor) *Value {
	if s := t.Symbol(); s != nil {
		v, ok := s.(*Value)
		if !ok || v.g != tr.g {
			errs.Panic(op, "input comes from another graph being traced")
		}
		return v
	}
	return tr.g.Capture(t)
}

// Assign records that target (a variable's storage) receives value after each run.
func (tr *tracer) Assign(target, value *tensor.Tensor) {
	v := tr.value("assign", value)
	tr.g.Capture(target) // so that the variable appears in the graph even if it is never read
	for i, a := range tr.g.Assigns {
		if a.Target == target {
			tr.g.Assigns[i].Value = v // the last assignment wins, as in eager code
			return
		}
	}
	tr.g.Assigns = append(tr.g.Assigns, Assign{Target: target, Value: v})
}

// Trace calls fn with symbolic arguments of the given specs and returns the graph it builds.
// Errors from fn (a *core.Error panic, such as a shape mismatch) are returned.
func Trace(specs []core.Spec, fn func(args []*tensor.Tensor) []*tensor.Tensor) (g *Graph, err error) {
	defer core.Recover(&err)
	g = &Graph{}
	g.tr = &tracer{g: g}
	defer func() { g.tr = nil }()
	args := make([]*tensor.Tensor, len(specs))
	for i, s := range specs {
		v := g.newValue(core.Spec{DType: s.DType, Shape: s.Shape.Clone()}, KindParam)
		v.Param = i
		g.Params = append(g.Params, v)
		args[i] = tensor.NewSymbolic(s.DType, v.Spec.Shape, v)
	}
	outs := fn(args)
	for i, o := range outs {
		if o == nil {
			return nil, fmt.Errorf("graph: output %d is nil", i)
		}
		g.Outputs = append(g.Outputs, g.tr.value("output", o))
	}
	if err := g.Verify(); err != nil {
		return nil, fmt.Errorf("graph: after tracing: %w", err)
	}
	return g, nil
}
