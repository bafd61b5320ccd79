package graph

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// FusePass merges chains of elementwise ops (ops declared Elementwise) whose intermediate
// results are used only inside the chain into one "fused_elementwise" node, together with the
// matmul or convolution that feeds the chain, if any (bias and activation after a dense or
// convolutional layer). Its kernel runs that head op whole, then the chain chunk by chunk —
// each op's own registered kernel over a few thousand elements at a time — so intermediates stay
// in cache and the data is read from memory once, with results identical to running the ops one
// by one. A chain fuses when every input has the chain's output shape, is a single element, or
// broadcasts along leading axes only (a bias over the last axis), so the chunks line up.
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
			if p != nil && group[p] == nil && headOps[p.Op.Name()] && uses[in] == 1 && sameShape(in, n.Outputs[0]) {
				group[p] = &fusionGroup{nodes: []*Node{p}, root: p, head: p}
			}
			if p != nil && group[p] != nil && uses[in] == 1 && group[p].root == p && sameShape(in, n.Outputs[0]) {
				switch {
				case into == nil:
					into = group[p]
				case group[p] != into && (into.head == nil || group[p].head == nil):
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

// headOps are the ops a fused chain may start with: run whole, their result feeds the chain.
var headOps = map[string]bool{"matmul": true, "conv": true}

func fusible(n *Node) bool {
	if !n.Op.IsElementwise() || len(n.Outputs) != 1 {
		return false
	}
	out := n.Outputs[0]
	for _, in := range n.Inputs {
		if !sameShape(in, out) && !isSingle(in) && !suffixBroadcast(in, out) {
			return false
		}
	}
	return true
}

// suffixBroadcast reports whether v broadcasts to out along leading axes only: its shape,
// without leading ones, equals out's trailing dimensions, all known.
func suffixBroadcast(v, out *Value) bool {
	s := trimOnes(v.Spec.Shape)
	o := out.Spec.Shape
	if len(s) == 0 || len(s) >= len(o) || !s.Known() {
		return false
	}
	return s.Equal(o[len(o)-len(s):])
}

func trimOnes(s shape.Shape) shape.Shape {
	for len(s) > 0 && s[0] == 1 {
		s = s[1:]
	}
	return s
}

func sameShape(a, b *Value) bool { return a.Spec.Shape.Equal(b.Spec.Shape) }

func isSingle(v *Value) bool { return v.Spec.Shape.Known() && v.Spec.Shape.Size() == 1 }

type fusionGroup struct {
	nodes []*Node
	root  *Node
	head  *Node // a matmul or convolution the chain starts from, or nil
}

func (fg *fusionGroup) absorb(other *fusionGroup, group map[*Node]*fusionGroup) {
	fg.nodes = append(other.nodes, fg.nodes...)
	if other.head != nil {
		fg.head = other.head
	}
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
	if fg.head != nil {
		ordered = append(ordered, fg.head) // its inputs are all from outside: it can run first
	}
	for _, n := range g.Nodes {
		if inGroup[n] && n != fg.head {
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
		core.RegisterKernel(fusedOp, dt, "ref", core.PriorityRef, runFused)
	}
}

// runFused runs the head op (if any) whole into the output, then the elementwise steps over
// chunks of the output.
func runFused(p FusedParams, in, out []*tensor.Tensor) error {
	n := out[0].Size()
	nIn := len(in)
	steps := p.Steps
	vals := make([]*tensor.Tensor, nIn+len(steps))
	copy(vals, in)
	first := 0
	if !steps[0].Op.IsElementwise() {
		// The head: a matmul or convolution computed into the output buffer, which the chain
		// then reads chunk by chunk and overwrites with its own result.
		if err := runWhole(steps[0], in, out[0]); err != nil {
			return err
		}
		vals[nIn] = out[0]
		first = 1
	}
	// Only the inputs the chain reads are cut into chunks (a head's own operands are not).
	chained := make([]bool, nIn+first)
	for _, st := range steps[first:] {
		for _, a := range st.Args {
			if a < nIn+first {
				chained[a] = true
			}
		}
	}
	// The chunk is a whole number of rows of the largest trailing block a broadcast input spans.
	unit, trail := 1, shape.Shape{}
	for i, t := range vals[:nIn+first] {
		if chained[i] && t.Size() != n && t.Size() != 1 {
			s := trimOnes(t.Shape())
			if t.Size() > unit {
				unit, trail = t.Size(), s
			}
		}
	}
	if unit > 1 && (n%unit != 0 || !trail.Equal(out[0].Shape()[out[0].Rank()-len(trail):])) {
		return runFusedWhole(p, in, out)
	}
	for i, t := range vals[:nIn+first] {
		if chained[i] && t.Size() != n && t.Size() != 1 && unit%t.Size() != 0 {
			return runFusedWhole(p, in, out)
		}
	}
	chunk := max(unit, fusedChunk/unit*unit)
	view := func(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
		switch {
		case t.Size() == n && n > 1:
			v := t.Flat(lo, hi)
			if unit > 1 {
				v = v.Reshape(append(shape.Shape{(hi - lo) / unit}, trail...)...)
			}
			return v
		case t.Size() == 1:
			return t.Detach().Reshape() // a single element, broadcast as a scalar
		}
		return t.Detach().Reshape(trimOnes(t.Shape())...)
	}
	// Kernels and specs depend only on the chunk's length: at most two lengths occur.
	type stepPlan struct {
		kernels []core.Kernel
		specs   []core.Spec
	}
	plans := map[int]*stepPlan{}
	planFor := func(regs []*tensor.Tensor) (*stepPlan, error) {
		sp := &stepPlan{kernels: make([]core.Kernel, len(steps)), specs: make([]core.Spec, len(regs))}
		for i, r := range regs[:nIn+first] {
			if r != nil { // a head's operand, not read by the chain
				sp.specs[i] = core.SpecOf(r)
			}
		}
		for i := first; i < len(steps); i++ {
			s := steps[i]
			args := make([]core.Spec, len(s.Args))
			for j, a := range s.Args {
				args[j] = sp.specs[a]
			}
			outSpec, err := s.Op.Infer(s.Params, args)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", i, err)
			}
			if sp.kernels[i], err = s.Op.Select(args, outSpec); err != nil {
				return nil, fmt.Errorf("step %d: %w", i, err)
			}
			sp.specs[nIn+i] = outSpec[0]
		}
		return sp, nil
	}
	bufs := make([]*tensor.Tensor, len(steps))
	regs := make([]*tensor.Tensor, nIn+len(steps))
	args := make([]*tensor.Tensor, 0, 4)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		for i, t := range vals[:nIn+first] {
			if chained[i] {
				regs[i] = view(t, lo, hi)
			}
		}
		sp := plans[hi-lo]
		if sp == nil {
			var err error
			if sp, err = planFor(regs); err != nil {
				return err
			}
			plans[hi-lo] = sp
		}
		for i := first; i < len(steps); i++ {
			s := steps[i]
			args = args[:0]
			for _, a := range s.Args {
				args = append(args, regs[a])
			}
			os := sp.specs[nIn+i]
			if bufs[i] == nil || bufs[i].DType() != os.DType {
				bufs[i] = tensor.New(os.DType, shape.Shape{chunk})
			}
			dst := bufs[i].Flat(0, os.Shape.Size()).Reshape(os.Shape...)
			zero(dst) // kernels may rely on zero-filled outputs
			if err := sp.kernels[i](s.Params, args, []*tensor.Tensor{dst}); err != nil {
				return fmt.Errorf("step %d (%s): %w", i, s.Op.Name(), err)
			}
			regs[nIn+i] = dst
		}
		tensor.Convert(out[0].Flat(lo, hi), regs[len(regs)-1])
	}
	return nil
}

// runWhole runs one step on whole tensors into dst.
func runWhole(s FusedStep, vals []*tensor.Tensor, dst *tensor.Tensor) error {
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
	return core.RunInto(s.Op, k, s.Params, args, []*tensor.Tensor{dst})
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
