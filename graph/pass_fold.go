package graph

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/tensor"
)

// foldLimit bounds the size of a folded result, so folding never bloats a graph with a huge
// constant that is cheap to compute.
const foldLimit = 1 << 16

// FoldPass evaluates nodes whose inputs are all constants (captured tensors that are not
// variables) and replaces their outputs with the resulting constants.
var FoldPass = Pass{Name: "fold", Run: func(g *Graph) error {
	for _, n := range g.Nodes {
		if !foldable(n) {
			continue
		}
		in := make([]*tensor.Tensor, len(n.Inputs))
		for i, v := range n.Inputs {
			in[i] = v.Tensor.Detach()
		}
		var outs []*tensor.Tensor
		if err := core.Catch(func() { outs = core.Apply(n.Op, n.Params, in...) }); err != nil {
			return err
		}
		for i, o := range n.Outputs {
			g.ReplaceUses(o, g.Capture(outs[i]))
		}
	}
	return nil
}}

func foldable(n *Node) bool {
	if len(n.Inputs) == 0 {
		return false // sources (fill, random) stay: folding would only move their cost to memory
	}
	for _, v := range n.Inputs {
		if !v.IsConstant() {
			return false
		}
	}
	for _, o := range n.Outputs {
		if !o.Spec.Shape.Known() || o.Spec.Shape.Size() > foldLimit {
			return false
		}
	}
	return true
}
