package graph

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/tensor"
)

// Graph is a traced function: op applications (Nodes, in an order where every node follows the
// producers of its inputs) over Values. Params are the function's arguments, Captures the
// concrete tensors the function read (variables by reference, constants), Outputs what it
// returned, and Assigns the variable updates written back after each run.
type Graph struct {
	Params   []*Value
	Captures []*Value
	Nodes    []*Node
	Outputs  []*Value
	Assigns  []Assign

	nextID   int     // value IDs
	nextNode int     // node IDs
	tr       *tracer // set while tracing
	// parent is the graph being traced around this one (for a subgraph), and outer lists the
	// values of enclosing graphs used inside, with the symbolic tensors that stood for them:
	// control-flow ops pass them in as extra operands.
	parent       *Graph
	outer        []*Value
	outerTensors []*tensor.Tensor
}

// Node is one op application.
type Node struct {
	ID      int
	Op      *core.Op
	Params  any
	Inputs  []*Value
	Outputs []*Value
}

// Kind says where a Value comes from.
type Kind int

// The kinds of values.
const (
	KindParam   Kind = iota // an argument of the function
	KindCapture             // a concrete tensor read by the function
	KindOutput              // an output of a node
)

// Value is an edge of the graph: a tensor with a dtype and a shape (Unknown dimensions allowed).
type Value struct {
	ID   int
	Spec core.Spec
	Kind Kind
	// Producer and Index locate a node output.
	Producer *Node
	Index    int
	// Param is the argument position of a KindParam value.
	Param int
	// Tensor is the captured tensor of a KindCapture value: read at every run, so a variable's
	// current contents are used.
	Tensor *tensor.Tensor

	g *Graph
}

// Assign writes Value into Target (a variable's storage) after each run.
type Assign struct {
	Target *tensor.Tensor
	Value  *Value
}

// Tracer returns the tracer recording into the value's graph; it implements core.Symbol.
func (v *Value) Tracer() core.Tracer { return v.g.tr }

// IsConstant reports whether v is a captured tensor that cannot change between runs.
func (v *Value) IsConstant() bool { return v.Kind == KindCapture && !v.Tensor.Mutable() }

func (g *Graph) newValue(spec core.Spec, kind Kind) *Value {
	v := &Value{ID: g.nextID, Spec: spec, Kind: kind, g: g}
	g.nextID++
	return v
}

// AddNode appends a node applying op to inputs with outputs of the given specs and returns it.
// Passes use it to build replacement nodes; the caller keeps the order topological.
func (g *Graph) AddNode(op *core.Op, params any, inputs []*Value, specs []core.Spec) *Node {
	n := &Node{ID: g.nextNode, Op: op, Params: params, Inputs: inputs}
	g.nextNode++
	for i, s := range specs {
		v := g.newValue(s, KindOutput)
		v.Producer, v.Index = n, i
		n.Outputs = append(n.Outputs, v)
	}
	g.Nodes = append(g.Nodes, n)
	return n
}

// Capture returns the value standing for the concrete tensor t, adding it once.
func (g *Graph) Capture(t *tensor.Tensor) *Value {
	for _, c := range g.Captures {
		if c.Tensor == t {
			return c
		}
	}
	v := g.newValue(core.SpecOf(t), KindCapture)
	v.Tensor = t
	g.Captures = append(g.Captures, v)
	return v
}

// ReplaceUses makes every use of old (node inputs, outputs, assignments) use new instead.
func (g *Graph) ReplaceUses(old, new *Value) {
	for _, n := range g.Nodes {
		for i, in := range n.Inputs {
			if in == old {
				n.Inputs[i] = new
			}
		}
	}
	for i, o := range g.Outputs {
		if o == old {
			g.Outputs[i] = new
		}
	}
	for i, a := range g.Assigns {
		if a.Value == old {
			g.Assigns[i].Value = new
		}
	}
}

// Uses returns, for each value ID, the number of node inputs, outputs and assignments using it.
func (g *Graph) Uses() map[*Value]int {
	uses := map[*Value]int{}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			uses[in]++
		}
	}
	for _, o := range g.Outputs {
		uses[o]++
	}
	for _, a := range g.Assigns {
		uses[a.Value]++
	}
	return uses
}
