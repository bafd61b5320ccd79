package graph

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// FusePass merges chains of elementwise ops (ops declared Elementwise) whose intermediate
// results are used only inside the chain into one "fused_elementwise" node. Its kernel runs the
// chain chunk by chunk — each op's own registered kernel over a few thousand elements at a time —
// so intermediates stay in cache and the data is read from memory once, with results identical
// to running the ops one by one. A chain fuses when every input either has the chain's output
// shape or is a single element (scalars broadcast), so the chunks line up.
var FusePass = Pass{Name: "fuse", Run: func(g *Graph) error {
	uses := g.Uses()
	group := map[*Node]*fusionGroup{}
	for _, n := range g.Nodes {
		if !fusible(n) {
			continue
		}
		var into *fusionGroup
		for _, in := range n.Inputs {
			p := in.Producer
			if p != nil && group[p] != nil && uses[in] == 1 && group[p].root == p && sameShape(in, n.Outputs[0]) {
				if into == nil {
					into = group[p]
				} else if group[p] != into {
					into.absorb(group[p], group)
				}
			}
		}
		if into == nil {
			into = &fusionGroup{}
		}
		into.nodes = append(into.nodes, n)
		into.root = n
		group[n] = into
	}
	replaced := map[*fusionGroup]bool{}
	var nodes []*Node
	for _, n := range g.Nodes {
		fg := group[n]
		if fg == nil || len(fg.nodes) < 2 {
			nodes = append(nodes, n)
			continue
		}
		if n != fg.root || replaced[fg] {
			continue // emitted at the root's position, where all its inputs are defined
		}
		replaced[fg] = true
		nodes = append(nodes, fg.build(g))
	}
	g.Nodes = nodes
	return nil
}}

func fusible(n *Node) bool {
	if !n.Op.IsElementwise() || len(n.Outputs) != 1 {
		return false
	}
	out := n.Outputs[0]
	for _, in := range n.Inputs {
		if !sameShape(in, out) && !isSingle(in) {
			return false
		}
	}
	return true
}

func sameShape(a, b *Value) bool { return a.Spec.Shape.Equal(b.Spec.Shape) }

func isSingle(v *Value) bool { return v.Spec.Shape.Known() && v.Spec.Shape.Size() == 1 }

type fusionGroup struct {
	nodes []*Node
	root  *Node
}

func (fg *fusionGroup) absorb(other *fusionGroup, group map[*Node]*fusionGroup) {
	fg.nodes = append(other.nodes, fg.nodes...)
	for _, n := range other.nodes {
		group[n] = fg
	}
}

// FusedStep is one op of a fused chain: Args index the fused node's inputs (0..n-1) and then
// the results of earlier steps (n, n+1, ...).
type FusedStep struct {
	Op     *core.Op
	Params any
	Args   []int
}

// FusedParams are the params of a fused_elementwise node.
type FusedParams struct {
	Steps []FusedStep
}

// build replaces the group by one fused node and returns it.
func (fg *fusionGroup) build(g *Graph) *Node {
	// Order the steps as in the graph (producers first).
	inGroup := map[*Node]bool{}
	for _, n := range fg.nodes {
		inGroup[n] = true
	}
	var ordered []*Node
	for _, n := range g.Nodes {
		if inGroup[n] {
			ordered = append(ordered, n)
		}
	}
	var inputs []*Value
	index := map[*Value]int{}
	for _, n := range ordered {
		for _, in := range n.Inputs {
			if (in.Producer == nil || !inGroup[in.Producer]) && index[in] == 0 {
				inputs = append(inputs, in)
				index[in] = len(inputs) // 1-based while collecting
			}
		}
	}
	for v := range index {
		index[v]--
	}
	var steps []FusedStep
	for i, n := range ordered {
		args := make([]int, len(n.Inputs))
		for j, in := range n.Inputs {
			args[j] = index[in]
		}
		steps = append(steps, FusedStep{Op: n.Op, Params: n.Params, Args: args})
		index[n.Outputs[0]] = len(inputs) + i
	}
	root := fg.root.Outputs[0]
	f := &Node{ID: g.nextNode, Op: fusedOp, Params: FusedParams{Steps: steps}, Inputs: inputs, Outputs: []*Value{root}}
	g.nextNode++
	root.Producer, root.Index = f, 0
	return f
}

// fusedChunk is the number of elements a fused kernel processes per step: small enough that
// a chunk of every intermediate stays in the L1 or L2 cache.
const fusedChunk = 4096

var fusedOp = core.Declare(core.Def[FusedParams]{
	Name: "fused_elementwise", Doc: "a chain of elementwise ops run chunk by chunk in one pass over memory (made by graph fusion)",
	NotDifferentiable: true, KeyInput: -1, DTypes: dtype.All,
	Infer: func(p FusedParams, in []core.Spec) ([]core.Spec, error) {
		specs := append([]core.Spec(nil), in...)
		for i, s := range p.Steps {
			args := make([]core.Spec, len(s.Args))
			for j, a := range s.Args {
				if a < 0 || a >= len(specs) {
					return nil, fmt.Errorf("step %d (%s): argument %d refers to %d of %d values", i, s.Op.Name(), j, a, len(specs))
				}
				args[j] = specs[a]
			}
			out, err := s.Op.Infer(s.Params, args)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", i, err)
			}
			specs = append(specs, out[0])
		}
		if len(p.Steps) == 0 {
			return nil, fmt.Errorf("no steps")
		}
		return specs[len(specs)-1:], nil
	},
})

func init() {
	for _, dt := range dtype.All {
		core.RegisterKernel(fusedOp, dt, "chunked", core.PriorityRef, runFused)
	}
}

// runFused runs the steps over chunks of the output.
func runFused(p FusedParams, in, out []*tensor.Tensor) error {
	n := out[0].Size()
	nIn := len(in)
	for _, t := range in {
		if t.Size() != n && t.Size() != 1 {
			// Unknown dimensions resolved to a broadcast at run time: chunks would not line up.
			return runFusedWhole(p, in, out)
		}
	}
	// Per-step chunk buffers and kernels, chosen once from full-chunk specs.
	bufs := make([]*tensor.Tensor, len(p.Steps))
	kernels := make([]core.Kernel, len(p.Steps))
	chunkSpecs := make([]core.Spec, nIn+len(p.Steps))
	for i, t := range in {
		chunkSpecs[i] = core.Spec{DType: t.DType(), Shape: chunkShape(t, n)}
	}
	for i, s := range p.Steps {
		args := make([]core.Spec, len(s.Args))
		for j, a := range s.Args {
			args[j] = chunkSpecs[a]
		}
		outSpec, err := s.Op.Infer(s.Params, args)
		if err != nil {
			return err
		}
		chunkSpecs[nIn+i] = outSpec[0]
		if kernels[i], err = s.Op.Select(args, outSpec); err != nil {
			return err
		}
		if i < len(p.Steps)-1 {
			bufs[i] = tensor.New(outSpec[0].DType, shape.Shape{min(n, fusedChunk)})
		}
	}
	vals := make([]*tensor.Tensor, nIn+len(p.Steps))
	for lo := 0; lo < n; lo += fusedChunk {
		hi := min(lo+fusedChunk, n)
		for i, t := range in {
			if t.Size() == n && n > 1 {
				vals[i] = t.Flat(lo, hi)
			} else {
				vals[i] = t.Detach().Reshape() // a single element, broadcast as a scalar
			}
		}
		for i, s := range p.Steps {
			args := make([]*tensor.Tensor, len(s.Args))
			for j, a := range s.Args {
				args[j] = vals[a]
			}
			dst := out[0].Flat(lo, hi)
			if i < len(p.Steps)-1 {
				dst = bufs[i].Flat(0, hi-lo)
				zero(dst) // kernels may rely on zero-filled outputs
			}
			if err := kernels[i](s.Params, args, []*tensor.Tensor{dst}); err != nil {
				return fmt.Errorf("step %d (%s): %w", i, s.Op.Name(), err)
			}
			vals[nIn+i] = dst
		}
	}
	return nil
}

// chunkShape is the shape an input has inside one chunk: a vector, or a scalar when it is a
// single broadcast element.
func chunkShape(t *tensor.Tensor, n int) shape.Shape {
	if t.Size() == n && n > 1 {
		return shape.Shape{min(n, fusedChunk)}
	}
	return shape.Shape{}
}

// runFusedWhole runs the steps one after the other on whole tensors.
func runFusedWhole(p FusedParams, in, out []*tensor.Tensor) error {
	vals := append([]*tensor.Tensor(nil), in...)
	for _, s := range p.Steps {
		args := make([]*tensor.Tensor, len(s.Args))
		specs := make([]core.Spec, len(s.Args))
		for j, a := range s.Args {
			args[j], specs[j] = vals[a], core.SpecOf(vals[a])
		}
		outSpec, err := s.Op.Infer(s.Params, specs)
		if err != nil {
			return err
		}
		k, err := s.Op.Select(specs, outSpec)
		if err != nil {
			return err
		}
		res, err := core.RunKernel(s.Op, k, s.Params, args, outSpec)
		if err != nil {
			return err
		}
		vals = append(vals, res[0])
	}
	tensor.Convert(out[0], vals[len(vals)-1])
	return nil
}
