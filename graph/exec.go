package graph

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Plan is what running a graph on inputs of one concrete signature needs: the output specs of
// every node (unknown dimensions resolved), the kernels chosen, and a memory plan that gives
// every intermediate a buffer, shared with values that die before it is written (see
// program).
//
// A Plan may be run by several goroutines at once: each run takes an execution state (the
// buffers and the tensor headers over them, made once) from a free list and returns it after.
type Plan struct {
	g       *Graph
	specs   map[*Value]core.Spec
	kernels []core.Kernel
	// PeakBytes is the largest total size of the intermediate values alive at once.
	PeakBytes int64
	// parallel says whether independent heavy branches run side by side (see runParallel).
	parallel bool
	prog     *program

	mu     sync.Mutex
	states []*execState // idle execution states
}

// NewPlan resolves the graph for arguments of the given concrete specs. It returns an error
// when an op's shape rule rejects them (for instance a batch size the graph cannot take).
func (g *Graph) NewPlan(args []core.Spec) (*Plan, error) {
	if len(args) != len(g.Params) {
		return nil, fmt.Errorf("graph: got %d arguments, want %d", len(args), len(g.Params))
	}
	p := &Plan{g: g, specs: map[*Value]core.Spec{}, kernels: make([]core.Kernel, len(g.Nodes))}
	for i, v := range g.Params {
		if err := matchSpec(v.Spec, args[i]); err != nil {
			return nil, fmt.Errorf("graph: argument %d: %w", i, err)
		}
		p.specs[v] = args[i]
	}
	for _, c := range g.Captures {
		p.specs[c] = core.SpecOf(c.Tensor)
	}
	for i, n := range g.Nodes {
		in := make([]core.Spec, len(n.Inputs))
		for j, v := range n.Inputs {
			in[j] = p.specs[v]
		}
		out, err := n.Op.Infer(n.Params, in)
		if err != nil {
			return nil, fmt.Errorf("graph: node %d: %w", n.ID, err)
		}
		for j, v := range n.Outputs {
			p.specs[v] = out[j]
		}
		if p.kernels[i], err = n.Op.Select(in, out); err != nil {
			return nil, fmt.Errorf("graph: node %d: %w", n.ID, err)
		}
	}
	p.PeakBytes = p.peakBytes()
	p.parallel = p.parallelWorthwhile()
	p.prog = p.compile()
	return p, nil
}

// matchSpec checks a concrete argument against a declared spec with unknown dimensions.
func matchSpec(decl, got core.Spec) error {
	if decl.DType != got.DType || len(decl.Shape) != len(got.Shape) {
		return fmt.Errorf("got %v, want %v", got, decl)
	}
	for i, d := range decl.Shape {
		if d != shape.Unknown && d != got.Shape[i] {
			return fmt.Errorf("got %v, want %v", got, decl)
		}
	}
	return nil
}

// peakBytes returns the peak memory of intermediates when each is freed after its last use.
func (p *Plan) peakBytes() int64 {
	last := map[*Value]int{}
	for i, n := range p.g.Nodes {
		for _, v := range n.Inputs {
			last[v] = i
		}
	}
	keep := map[*Value]bool{}
	for _, o := range p.g.Outputs {
		keep[o] = true
	}
	for _, a := range p.g.Assigns {
		keep[a.Value] = true
	}
	dying := make([][]*Value, len(p.g.Nodes))
	for i, n := range p.g.Nodes {
		for _, v := range n.Outputs {
			l, used := last[v]
			if !used {
				l = i // never read: free at once
			}
			if !keep[v] {
				dying[l] = append(dying[l], v)
			}
		}
	}
	var live, peak int64
	for i, n := range p.g.Nodes {
		for _, v := range n.Outputs {
			live += p.bytes(v)
		}
		peak = max(peak, live)
		for _, v := range dying[i] {
			live -= p.bytes(v)
		}
	}
	return peak
}

func (p *Plan) bytes(v *Value) int64 {
	s := p.specs[v]
	return int64(s.Shape.Size()) * int64(s.DType.Size())
}

// zero clears t's storage: kernels may rely on zero-filled outputs.
func zero(t *tensor.Tensor) {
	switch d := t.Raw().(type) {
	case []float32:
		clear(d)
	case []float64:
		clear(d)
	case []int64:
		clear(d)
	case []int32:
		clear(d)
	case []int8:
		clear(d)
	case []uint8:
		clear(d)
	case []bool:
		clear(d)
	case []dtype.F16:
		clear(d)
	case []dtype.BF16:
		clear(d)
	}
}

// Run executes the plan on concrete arguments, writes the assignments and returns the outputs.
// Kernel failures are returned as errors naming the node and op; the assignments are then not
// written. A kernel's panic propagates (Function.Call recovers a *core.Error), except in a plan
// run in parallel, where it happens on another goroutine: a *core.Error is then returned.
//
// A steady-state run allocates the returned slice and the outputs it hands out (and the
// headers of views of the arguments): intermediates, the chunk buffers of fused nodes and the
// values written back to variables live in buffers kept between runs. Where nothing after the
// kernel computing a variable's new value reads the old one and no later kernel can fail on the
// data (a train step's updates), the kernel writes into the variable itself, saving the copy
// (see exec_inplace.go); the assignments of a failed run are still not written.
func (p *Plan) Run(args []*tensor.Tensor) ([]*tensor.Tensor, error) {
	st := p.getState()
	if err := st.exec(p, args); err != nil {
		p.putState(st)
		return nil, err
	}
	outs := st.finish(p.prog)
	p.putState(st)
	return outs, nil
}

// RunInto is Run writing the outputs into dst, one tensor of the output's dtype and shape for
// each (a row of a larger tensor, say), instead of allocating them: a kernel writes an output
// straight into its dst, and an output that is an argument, a view or a repeat of another is
// copied there. The dst tensors must not share storage with each other or with the arguments,
// except that an output that is an argument may have that very tensor as its dst: it is left as
// it is. On an error the dst tensors are left partly written.
func (p *Plan) RunInto(args, dst []*tensor.Tensor) error {
	if len(dst) != len(p.prog.outputs) {
		return fmt.Errorf("graph: %d destinations for %d outputs", len(dst), len(p.prog.outputs))
	}
	st := p.getState()
	prog := p.prog
	if st.dst == nil {
		st.dst = make([]*tensor.Tensor, len(prog.slots))
	}
	for i, s := range prog.outputs {
		if prog.direct[i] {
			st.dst[s] = dst[i]
		}
	}
	err := st.exec(p, args)
	if err == nil {
		for i, s := range prog.outputs {
			if v := st.vals[s]; v != dst[i] {
				tensor.Convert(dst[i], v)
			}
		}
	}
	clear(st.dst)
	p.putState(st)
	return err
}

// exec runs the program on args, leaving the values in st.
func (st *execState) exec(p *Plan, args []*tensor.Tensor) error {
	prog := p.prog
	for _, s := range prog.argSlots {
		st.vals[s] = args[prog.slots[s].param]
	}
	st.bindInplace(prog, args)
	if p.parallel {
		return st.runParallel(p)
	}
	for k := range prog.instrs {
		if err := st.run(p, k); err != nil {
			return err
		}
	}
	return nil
}

// getState takes an idle execution state or makes one.
func (p *Plan) getState() *execState {
	p.mu.Lock()
	if n := len(p.states); n > 0 {
		st := p.states[n-1]
		p.states = p.states[:n-1]
		p.mu.Unlock()
		return st
	}
	p.mu.Unlock()
	return newExecState(p.prog)
}

// putState returns a state after a run. A run that panicked does not return its state: it is
// dropped, and the next run makes a fresh one. At most maxIdleStates are kept: more concurrent
// runs than that make states that are dropped after.
func (p *Plan) putState(st *execState) {
	st.clearDynamic(p.prog)
	p.mu.Lock()
	if len(p.states) < maxIdleStates() {
		p.states = append(p.states, st)
	}
	p.mu.Unlock()
}

func maxIdleStates() int { return max(2, runtime.GOMAXPROCS(0)) }

// run executes instruction k.
func (st *execState) run(p *Plan, k int) error {
	ins := &p.prog.instrs[k]
	in := st.ins[k]
	for j, s := range ins.in {
		in[j] = st.vals[s]
	}
	if ins.view {
		if o := ins.out[0]; !p.prog.slots[o].static {
			st.vals[o] = in[0].Detach().Reshape(p.prog.slots[o].spec.Shape...)
		}
		return nil
	}
	out := st.outs[k]
	for j, s := range ins.out {
		sl := &p.prog.slots[s]
		switch {
		case sl.inplace: // set by bindInplace; its kernel overwrites it
		case !sl.static && st.dst != nil && st.dst[s] != nil: // RunInto's destination
			st.vals[s] = st.dst[s]
			if !ins.overwrites {
				zero(st.vals[s])
			} else if dirtyBuffers {
				fill(st.vals[s])
			}
		case !sl.static && ins.overwrites: // the kernel writes it all: pooled memory as it is
			st.vals[s] = tensor.NewUninit(sl.spec.DType, sl.spec.Shape)
			if dirtyBuffers {
				fill(st.vals[s])
			}
		case !sl.static:
			st.vals[s] = tensor.New(sl.spec.DType, sl.spec.Shape)
		case !ins.overwrites:
			zero(st.vals[s])
		}
		out[j] = st.vals[s]
	}
	n := ins.node
	if f := st.fused[k]; f != nil {
		if err := f.run(ins.fused, in, out[0]); err != nil {
			return fmt.Errorf("graph: node %d: %s: %w", n.ID, n.Op.Name(), err)
		}
		return nil
	}
	if err := core.RunInto(n.Op, ins.kernel, n.Params, in, out); err != nil {
		return fmt.Errorf("graph: node %d: %w", n.ID, err)
	}
	return nil
}

// finish collects the outputs and writes the assignments.
func (st *execState) finish(prog *program) []*tensor.Tensor {
	outs := make([]*tensor.Tensor, len(prog.outputs))
	for i, s := range prog.outputs {
		outs[i] = st.vals[s]
		if prog.slots[s].capture {
			outs[i] = outs[i].Clone() // never hand out a variable's storage
		}
	}
	for _, a := range prog.assigns {
		tensor.Convert(a.target, st.vals[a.slot])
	}
	if st.spare {
		for _, a := range prog.inplace {
			tensor.Convert(a.target, st.vals[a.slot])
		}
	}
	return outs
}
