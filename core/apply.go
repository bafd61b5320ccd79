package core

import (
	"errors"
	"strings"
	"sync/atomic"

	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/tensor"
)

// Tracer records op applications into a graph instead of running them. Package graph implements
// it; a symbolic tensor's Symbol implements [Symbol] to say which Tracer it belongs to.
type Tracer interface {
	// Record adds op to the graph with the given inputs (symbolic, or concrete tensors to be
	// captured) and returns symbolic outputs with the given specs.
	Record(op *Op, params any, in []*tensor.Tensor, out []Spec) []*tensor.Tensor
}

// NestedTracer is implemented by tracers of subgraphs (a branch or loop body traced inside
// another function being traced): values of the enclosing graph may be used inside, and an op
// mixing both is recorded by the inner tracer.
type NestedTracer interface {
	Tracer
	Parent() Tracer
}

// encloses reports whether outer is an ancestor of inner.
func encloses(outer, inner Tracer) bool {
	for {
		n, ok := inner.(NestedTracer)
		if !ok {
			return false
		}
		inner = n.Parent()
		if inner == nil {
			return false
		}
		if inner == outer {
			return true
		}
	}
}

// Symbol is implemented by the graph values that symbolic tensors stand for.
type Symbol interface {
	Tracer() Tracer
}

// Node records how a tensor tracked for gradients was computed: the op, its params, its inputs
// and its outputs. A leaf (a variable or a watched tensor) has a nil Op. Tensors point at their
// Node; package autodiff walks these links backwards. Nothing global is involved, so any number
// of goroutines can record and differentiate at once.
type Node struct {
	Op      *Op
	Params  any
	Inputs  []*tensor.Tensor
	Outputs []*tensor.Tensor
	// Seq orders nodes by creation, so that a tracer can tell the nodes recorded while it
	// traced from older ones.
	Seq uint64
}

var nodeSeq atomic.Uint64

// NextSeq returns a sequence number for a new Node: every node created after a call to
// NextSeq has a larger Seq.
func NextSeq() uint64 { return nodeSeq.Add(1) }

// NodeOf returns the Node attached to t, or nil when t is not tracked for gradients.
func NodeOf(t *tensor.Tensor) *Node {
	n, _ := t.Node().(*Node)
	return n
}

// OriginOf returns the Node recording how t was computed from variables (tracked or not), or nil.
func OriginOf(t *tensor.Tensor) *Node {
	n, _ := t.Origin().(*Node)
	return n
}

// Apply runs op on inputs and returns its outputs. Shapes and dtypes are checked first by the
// op's inference, so a mistake panics with an *Error that names the op and the shapes before
// any work is done. Eagerly (concrete inputs), the highest-priority kernel for the inputs' dtype
// runs at once; when an input is symbolic, the op is recorded by that input's Tracer instead.
// When any input is tracked for gradients and the op is differentiable, the outputs are tracked
// too; otherwise nothing is recorded and Apply costs nothing extra.
func Apply(op *Op, params any, in ...*tensor.Tensor) []*tensor.Tensor {
	specs := make([]Spec, len(in))
	var tr Tracer
	for i, t := range in {
		if t == nil {
			errs.Panic(op.name, "input %d is nil", i)
		}
		if t.Released() {
			errs.Panic(op.name, "input %d (%s%v) was released", i, t.DType(), t.Shape())
		}
		specs[i] = SpecOf(t)
		if s := t.Symbol(); s != nil {
			ts := s.(Symbol).Tracer()
			switch {
			case tr == nil || tr == ts || encloses(ts, tr):
			case encloses(tr, ts):
				tr = ts // ts is nested inside tr: the op belongs to the inner graph
			default:
				errs.Panic(op.name, "inputs belong to different graphs being traced")
			}
			if tr == nil {
				tr = ts
			}
		}
	}
	outSpecs, err := op.infer(params, specs)
	if err != nil {
		panic(errs.Wrap(op.name, err))
	}
	var out []*tensor.Tensor
	if tr != nil {
		out = tr.Record(op, params, in, outSpecs)
	} else {
		out = runEager(op, params, in, specs, outSpecs)
	}
	track(op, params, in, out)
	return out
}

func runEager(op *Op, params any, in []*tensor.Tensor, specs, outSpecs []Spec) []*tensor.Tensor {
	k, err := op.Select(specs, outSpecs)
	if err == nil {
		var out []*tensor.Tensor
		if out, err = RunKernel(op, k, params, in, outSpecs); err == nil {
			return out
		}
	}
	panic(errs.Wrap(op.name, trimOp(op.name, err)))
}

// trimOp removes a leading "name: " from err's message, since Wrap adds the op name again.
func trimOp(name string, err error) error {
	if s := err.Error(); strings.HasPrefix(s, name+": ") {
		return errors.New(s[len(name)+2:])
	}
	return err
}

// track records a Node on the outputs when an input is tracked for gradients (the outputs are
// then tracked too, if the op is differentiable) or derives from a variable (the outputs keep
// the record as their origin, so graph tracing can recompute them).
func track(op *Op, params any, in, out []*tensor.Tensor) {
	tracked, derived := false, false
	for _, t := range in {
		tracked = tracked || t.Node() != nil
		derived = derived || t.Origin() != nil
	}
	if !derived {
		return
	}
	n := &Node{Op: op, Params: params, Inputs: in, Outputs: out, Seq: NextSeq()}
	for _, t := range out {
		if tracked && !op.notDifferentiable {
			t.SetNode(n)
		} else {
			t.SetOrigin(n)
		}
	}
}

// Apply1 is Apply for ops with exactly one output.
func Apply1(op *Op, params any, in ...*tensor.Tensor) *tensor.Tensor {
	return Apply(op, params, in...)[0]
}
