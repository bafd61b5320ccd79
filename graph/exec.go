package graph

import (
	"fmt"
	"sync"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Plan is what running a graph on inputs of one concrete signature needs: the output specs of
// every node (unknown dimensions resolved), the kernels chosen, and when each value dies, so
// that its buffer can be reused by a later node of the same dtype and size.
type Plan struct {
	g       *Graph
	specs   map[*Value]core.Spec
	kernels []core.Kernel
	// free[i] lists the values whose last use is node i: their buffers return to the pool after it.
	free [][]*Value
	// PeakBytes is the largest total size of the intermediate values alive at once.
	PeakBytes int64
	// pools keeps the intermediate buffers between runs, so a steady-state run allocates only
	// the outputs it hands out.
	pools sync.Pool
	// parallel says whether independent heavy branches run side by side (see runParallel).
	parallel  bool
	schedOnce sync.Once
	sched     *schedule
}

// NewPlan resolves the graph for arguments of the given concrete specs. It returns an error
// when an op's shape rule rejects them (for instance a batch size the graph cannot take).
func (g *Graph) NewPlan(args []core.Spec) (*Plan, error) {
	if len(args) != len(g.Params) {
		return nil, fmt.Errorf("graph: got %d arguments, want %d", len(args), len(g.Params))
	}
	p := &Plan{g: g, specs: map[*Value]core.Spec{}, kernels: make([]core.Kernel, len(g.Nodes)), free: make([][]*Value, len(g.Nodes))}
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
	p.planLiveness()
	p.parallel = p.parallelWorthwhile()
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

// planLiveness records each node output's last use and the peak memory of intermediates.
func (p *Plan) planLiveness() {
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
	var live, peak int64
	for i, n := range p.g.Nodes {
		for _, v := range n.Outputs {
			live += p.bytes(v)
			if _, used := last[v]; !used && !keep[v] {
				last[v] = i // never read: free at once
			}
		}
		peak = max(peak, live)
		for _, v := range n.Outputs {
			_ = v
		}
		for v, l := range last {
			if l == i && v.Kind == KindOutput && !keep[v] && !n.Op.IsView() && !p.aliased(v) {
				p.free[i] = append(p.free[i], v)
				live -= p.bytes(v)
			}
		}
	}
	p.PeakBytes = peak
}

// aliased reports whether v's buffer is shared with a view op's output (reshape), in which case
// it is not recycled.
func (p *Plan) aliased(v *Value) bool {
	for _, n := range p.g.Nodes {
		if n.Op.IsView() && len(n.Inputs) > 0 && n.Inputs[0] == v {
			return true
		}
	}
	return v.Producer != nil && v.Producer.Op.IsView()
}

func (p *Plan) bytes(v *Value) int64 {
	s := p.specs[v]
	return int64(s.Shape.Size()) * int64(s.DType.Size())
}

// pool recycles buffers by dtype and element count.
type pool map[poolKey][]*tensor.Tensor

type poolKey struct {
	dt dtype.DType
	n  int
}

func (pl pool) get(s core.Spec) *tensor.Tensor {
	k := poolKey{s.DType, s.Shape.Size()}
	if l := pl[k]; len(l) > 0 {
		t := l[len(l)-1]
		pl[k] = l[:len(l)-1]
		zero(t)
		return t.Reshape(s.Shape...)
	}
	return tensor.New(s.DType, s.Shape)
}

func (pl pool) put(t *tensor.Tensor) {
	k := poolKey{t.DType(), t.Size()}
	pl[k] = append(pl[k], t)
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
// Kernel failures are returned as errors naming the node and op.
func (p *Plan) Run(args []*tensor.Tensor) ([]*tensor.Tensor, error) {
	vals := make(map[*Value]*tensor.Tensor, len(p.specs))
	for i, v := range p.g.Params {
		vals[v] = args[i]
	}
	for _, c := range p.g.Captures {
		vals[c] = c.Tensor.Detach()
	}
	buffers, _ := p.pools.Get().(pool)
	if buffers == nil {
		buffers = pool{}
	}
	defer p.pools.Put(buffers)
	if p.parallel {
		if err := p.runParallel(vals, buffers); err != nil {
			return nil, err
		}
		return p.finish(vals, buffers), nil
	}
	for i, n := range p.g.Nodes {
		in := make([]*tensor.Tensor, len(n.Inputs))
		for j, v := range n.Inputs {
			in[j] = vals[v]
		}
		var out []*tensor.Tensor
		if n.Op.IsView() {
			out = []*tensor.Tensor{in[0].Detach().Reshape(p.specs[n.Outputs[0]].Shape...)}
		} else {
			out = make([]*tensor.Tensor, len(n.Outputs))
			for j, v := range n.Outputs {
				out[j] = buffers.get(p.specs[v])
			}
			if err := core.RunInto(n.Op, p.kernels[i], n.Params, in, out); err != nil {
				return nil, fmt.Errorf("graph: node %d: %w", n.ID, err)
			}
		}
		for j, v := range n.Outputs {
			vals[v] = out[j]
		}
		for _, v := range p.free[i] {
			buffers.put(vals[v])
			delete(vals, v)
		}
	}
	return p.finish(vals, buffers), nil
}

// finish collects the outputs and writes the assignments.
func (p *Plan) finish(vals map[*Value]*tensor.Tensor, buffers pool) []*tensor.Tensor {
	outs := make([]*tensor.Tensor, len(p.g.Outputs))
	for i, o := range p.g.Outputs {
		outs[i] = vals[o]
		if o.Kind == KindCapture {
			outs[i] = vals[o].Clone() // never hand out a variable's storage
		}
	}
	isOut := map[*Value]bool{}
	for _, o := range p.g.Outputs {
		isOut[o] = true
	}
	for _, a := range p.g.Assigns {
		tensor.Convert(a.Target.Detach(), vals[a.Value])
		if v := a.Value; v.Kind == KindOutput && !isOut[v] && !p.aliased(v) && !v.Producer.Op.IsView() {
			buffers.put(vals[v])
			delete(vals, v) // a value assigned twice is recycled once
		}
	}
	return outs
}
