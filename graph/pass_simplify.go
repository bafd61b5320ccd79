package graph

import (
	"slices"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
)

// SimplifyPass applies algebraic identities: x·1 and x+0, x−0, x/1 become x (when that does not
// change the result's shape or dtype); a transpose of a transpose becomes one transpose (or
// none); a reshape of a reshape becomes one reshape, and a reshape to the same shape none; an
// operand that is a broadcast of a value that would broadcast anyway is replaced by that value.
var SimplifyPass = Pass{Name: "simplify", Run: func(g *Graph) error {
	for _, n := range g.Nodes {
		switch n.Op.Name() {
		case "add", "sub", "mul", "div":
			simplifyIdentity(g, n)
			simplifyBroadcastOperand(g, n)
		case "transpose":
			simplifyTranspose(g, n)
		case "reshape":
			simplifyReshape(g, n)
		}
	}
	return nil
}}

// constValue returns the single value of a constant whose elements are all equal.
func constValue(v *Value) (float64, bool) {
	if !v.IsConstant() {
		return 0, false
	}
	vals := v.Tensor.Float64s()
	if len(vals) == 0 {
		return 0, false
	}
	for _, x := range vals[1:] {
		if x != vals[0] {
			return 0, false
		}
	}
	return vals[0], true
}

func simplifyIdentity(g *Graph, n *Node) {
	out := n.Outputs[0]
	try := func(keep, other *Value, neutral float64) {
		if c, ok := constValue(other); ok && c == neutral && keep.Spec.DType == out.Spec.DType && keep.Spec.Shape.Equal(out.Spec.Shape) {
			g.ReplaceUses(out, keep)
		}
	}
	a, b := n.Inputs[0], n.Inputs[1]
	switch n.Op.Name() {
	case "add":
		try(a, b, 0)
		try(b, a, 0)
	case "sub":
		try(a, b, 0)
	case "mul":
		try(a, b, 1)
		try(b, a, 1)
	case "div":
		try(a, b, 1)
	}
}

// simplifyBroadcastOperand drops a broadcast_to feeding an elementwise op when the op's own
// broadcasting gives the same result shape.
func simplifyBroadcastOperand(g *Graph, n *Node) {
	for i, in := range n.Inputs {
		p := in.Producer
		if p == nil || p.Op.Name() != "broadcast_to" {
			continue
		}
		src := p.Inputs[0]
		other := n.Inputs[1-i]
		specs := []core.Spec{src.Spec, other.Spec}
		if i == 1 {
			specs[0], specs[1] = other.Spec, src.Spec
		}
		out, err := n.Op.Infer(n.Params, specs)
		if err == nil && out[0].Shape.Equal(n.Outputs[0].Spec.Shape) {
			n.Inputs[i] = src
		}
	}
}

func simplifyTranspose(g *Graph, n *Node) {
	p := n.Inputs[0].Producer
	if p == nil || p.Op.Name() != "transpose" {
		return
	}
	inner, outer := p.Params.(ops.PermParams).Perm, n.Params.(ops.PermParams).Perm
	composed := make([]int, len(outer))
	for i, a := range outer {
		composed[i] = inner[a]
	}
	identity := true
	for i, a := range composed {
		identity = identity && a == i
	}
	if identity {
		g.ReplaceUses(n.Outputs[0], p.Inputs[0])
		return
	}
	n.Inputs[0] = p.Inputs[0]
	n.Params = ops.PermParams{Perm: composed}
}

func simplifyReshape(g *Graph, n *Node) {
	src := n.Inputs[0]
	if p := src.Producer; p != nil && p.Op.Name() == "reshape" {
		src = p.Inputs[0]
		n.Inputs[0] = src
	}
	target := n.Params.(ops.ShapeParams).Shape
	if !slices.Contains(target, -1) && src.Spec.Shape.Equal(n.Outputs[0].Spec.Shape) && src.Spec.Shape.Known() {
		g.ReplaceUses(n.Outputs[0], src)
	}
}
