package graph

import (
	"fmt"
	"reflect"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/tensor"
)

// tracer records op applications into a graph; it implements core.Tracer and the autodiff
// Assigner (variable updates become write-backs).
type tracer struct {
	g        *Graph
	startSeq uint64               // nodes with a larger Seq were recorded during this trace
	replayed map[*core.Node]*Node // eager computations from variables, replayed into g
}

var _ core.NestedTracer = (*tracer)(nil)

// Parent returns the tracer of the enclosing graph, or nil.
func (tr *tracer) Parent() core.Tracer {
	if tr.g.parent == nil || tr.g.parent.tr == nil {
		return nil
	}
	return tr.g.parent.tr
}

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
		switch {
		case ok && v.g == tr.g:
			return v
		case ok && tr.g.inside(v.g):
			return tr.g.outerValue(v, t)
		}
		errs.Panic(op, "input comes from another graph being traced")
	}
	if o := core.OriginOf(t); o != nil && o.Op != nil && o.Seq > tr.startSeq {
		return tr.replay(o, t)
	}
	return tr.g.Capture(t)
}

// inside reports whether g is nested (at any depth) in outer.
func (g *Graph) inside(outer *Graph) bool {
	for p := g.parent; p != nil; p = p.parent {
		if p == outer {
			return true
		}
	}
	return false
}

// outerValue returns the value standing inside g for v of an enclosing graph (t is the symbolic
// tensor used), adding it once.
func (g *Graph) outerValue(v *Value, t *tensor.Tensor) *Value {
	for i, o := range g.outerTensors {
		if o.Symbol() == t.Symbol() {
			return g.outer[i]
		}
	}
	iv := g.newValue(v.Spec, KindParam)
	iv.Param = -1 // made a parameter by the control-flow op that owns g
	g.outer = append(g.outer, iv)
	g.outerTensors = append(g.outerTensors, t)
	return iv
}

// bindVariable makes v read, while g is traced, a symbolic stand-in for its captured storage that
// keeps the storage's gradient record.
func bindVariable(g *Graph, v *autodiff.Variable) {
	st := v.Storage()
	c := g.Capture(st)
	t := tensor.NewSymbolic(c.Spec.DType, c.Spec.Shape, c)
	if n := core.NodeOf(st); n != nil {
		t.SetNode(n)
	} else if o := core.OriginOf(st); o != nil {
		t.SetOrigin(o)
	}
	v.Bind(t)
}

// replay records the eager computation that produced t from variables during this trace, so
// the graph recomputes it from the variables' values at every run instead of freezing the
// trace-time value (a regulariser's sum of squared weights, say).
func (tr *tracer) replay(o *core.Node, t *tensor.Tensor) *Value {
	n, ok := tr.replayed[o]
	if !ok {
		in := make([]*Value, len(o.Inputs))
		for i, x := range o.Inputs {
			in[i] = tr.value(o.Op.Name(), x)
		}
		specs := make([]core.Spec, len(o.Outputs))
		for i, x := range o.Outputs {
			specs[i] = core.SpecOf(x)
		}
		n = tr.g.AddNode(o.Op, o.Params, in, specs)
		tr.replayed[o] = n
	}
	for i, x := range o.Outputs {
		if x == t || (x.Raw() != nil && sameData(x, t)) {
			return n.Outputs[i]
		}
	}
	return n.Outputs[0]
}

// sameData reports whether two concrete tensor headers share storage (a Detach of an output).
func sameData(a, b *tensor.Tensor) bool {
	if a.IsSymbolic() || b.IsSymbolic() || a.Size() == 0 || a.Size() != b.Size() || a.DType() != b.DType() {
		return false
	}
	return reflect.ValueOf(a.Raw()).Pointer() == reflect.ValueOf(b.Raw()).Pointer()
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
// Errors from fn (a *core.Error panic, such as a shape mismatch) are returned. The variables vars
// read symbolic stand-ins while fn runs (see [Variables]).
func Trace(specs []core.Spec, fn func(args []*tensor.Tensor) []*tensor.Tensor, vars ...*autodiff.Variable) (g *Graph, err error) {
	return trace(nil, specs, fn, vars...)
}

// trace traces fn into a graph nested in parent (nil for a top-level graph).
func trace(parent *Graph, specs []core.Spec, fn func(args []*tensor.Tensor) []*tensor.Tensor, vars ...*autodiff.Variable) (g *Graph, err error) {
	defer core.Recover(&err)
	g = &Graph{parent: parent}
	g.tr = &tracer{g: g, startSeq: core.NextSeq(), replayed: map[*core.Node]*Node{}}
	defer func(g *Graph) { g.tr = nil }(g) // g itself is nil when an error is returned
	for _, v := range vars {
		bindVariable(g, v)
		defer v.Unbind()
	}
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
	if parent != nil {
		return g, nil // verified once the owning op has made its outer values parameters
	}
	if err := g.Verify(); err != nil {
		return nil, fmt.Errorf("graph: after tracing: %w", err)
	}
	return g, nil
}
