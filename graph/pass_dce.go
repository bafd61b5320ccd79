package graph

// DCEPass removes nodes whose outputs reach no output or assignment, and captures no node uses.
var DCEPass = Pass{Name: "dce", Run: func(g *Graph) error {
	live := map[*Value]bool{}
	for _, o := range g.Outputs {
		live[o] = true
	}
	for _, a := range g.Assigns {
		live[a.Value] = true
		live[g.Capture(a.Target)] = true
	}
	keep := make([]bool, len(g.Nodes))
	for i := len(g.Nodes) - 1; i >= 0; i-- {
		n := g.Nodes[i]
		for _, o := range n.Outputs {
			if live[o] {
				keep[i] = true
				break
			}
		}
		if keep[i] {
			for _, in := range n.Inputs {
				live[in] = true
			}
		}
	}
	nodes := g.Nodes[:0]
	for i, n := range g.Nodes {
		if keep[i] {
			nodes = append(nodes, n)
		}
	}
	g.Nodes = nodes
	caps := g.Captures[:0]
	for _, c := range g.Captures {
		if live[c] {
			caps = append(caps, c)
		}
	}
	g.Captures = caps
	return nil
}}
