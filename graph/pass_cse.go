package graph

import (
	"fmt"
	"strings"
)

// CSEPass merges nodes that apply the same op with equal params to the same inputs: later
// duplicates' outputs are replaced by the first's (every op is a pure function of its inputs and
// params; random ops take explicit seeds). DCE then removes the duplicates.
var CSEPass = Pass{Name: "cse", Run: func(g *Graph) error {
	seen := map[string]*Node{}
	for _, n := range g.Nodes {
		k := cseKey(n)
		first, ok := seen[k]
		if !ok {
			seen[k] = n
			continue
		}
		for i, o := range n.Outputs {
			g.ReplaceUses(o, first.Outputs[i])
		}
	}
	return nil
}}

func cseKey(n *Node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%#v|", n.Op.Name(), n.Params)
	for _, in := range n.Inputs {
		fmt.Fprintf(&b, "%d,", in.ID)
	}
	return b.String()
}
