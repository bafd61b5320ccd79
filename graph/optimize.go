package graph

import "fmt"

// Pass is a graph optimisation: it rewrites g in place and must keep its results unchanged.
type Pass struct {
	Name string
	Run  func(g *Graph) error
}

// DefaultPasses returns the passes Compile runs, in order.
func DefaultPasses() []Pass {
	return []Pass{SimplifyPass, FoldPass, CSEPass, DCEPass, FusePass}
}

// Optimize runs passes on g, verifying the graph after each; a failure names the pass.
func Optimize(g *Graph, passes ...Pass) error {
	for _, p := range passes {
		if err := p.Run(g); err != nil {
			return fmt.Errorf("graph: pass %s: %w", p.Name, err)
		}
		if err := g.Verify(); err != nil {
			return fmt.Errorf("graph: after pass %s: %w", p.Name, err)
		}
	}
	return nil
}
