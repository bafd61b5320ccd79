package graph

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// program is a plan lowered for the executor: every value has a slot (an index into the
// execution state's tensors), every node an instruction with its kernel chosen, and every
// intermediate that is not handed out a buffer of the memory plan.
//
// The memory plan gives a value the buffer of one that died before it is written: in the
// sequential order, or, for a plan run in parallel, only when every reader of the previous
// occupant is an ancestor of the writing node (so the reuse is safe in any order the schedule
// may pick). A view (reshape) shares its input's buffer: its aliases form a group that lives
// until the last use of any of them. Values handed out (the outputs) get a new tensor at every
// run; values written back to variables keep their buffer until the write-back.
type program struct {
	slots    []slot
	instrs   []instr
	bufs     []core.Spec // the planned buffers: dtype and element count (a flat shape)
	argSlots []int       // slots of the arguments
	dynamic  []int       // slots made at each run (cleared between runs)
	outputs  []int       // slots of the graph's outputs
	// direct, by output: the output is the first of the outputs that a kernel writes (not an
	// argument, a capture, a view or a repeat), so that RunInto can have it written in place.
	direct  []bool
	assigns []assignSlot
	inplace []inplaceAssign // assignments whose values are written into the variables (see exec_inplace.go)
	// For parallel runs: each instruction's number of producers and its consumers.
	nProducers []int
	consumers  [][]int
}

// slot is one value's place in the execution state.
type slot struct {
	spec core.Spec
	// static: the tensor is made once per execution state (a buffer's header, a view of one,
	// a capture); otherwise it is set at each run (an argument, an output handed out, a view of
	// either).
	static  bool
	capture bool
	inplace bool           // the value of an in-place assignment: the variable, set by bindInplace
	param   int            // argument position of an argument's slot
	buf     int            // buffer of a planned node output, else -1
	tensor  *tensor.Tensor // a capture's tensor
}

// instr is one node to run.
type instr struct {
	node    *Node
	kernel  core.Kernel
	in, out []int
	view    bool
	fused   *fusedPlan // a fused node run chunk by chunk with the state's buffers, or nil
	// overwrites: the kernel writes every element of its outputs, so a reused buffer need not
	// be cleared first (see overwrites).
	overwrites bool
}

type assignSlot struct {
	target *tensor.Tensor
	slot   int
}

// compile lowers the plan to a program.
func (p *Plan) compile() *program {
	g := p.g
	prog := &program{}
	slotOf := make(map[*Value]int, len(p.specs))
	add := func(v *Value, s slot) int {
		s.spec, s.buf = p.specs[v], -1
		slotOf[v] = len(prog.slots)
		prog.slots = append(prog.slots, s)
		return len(prog.slots) - 1
	}
	for i, v := range g.Params {
		prog.argSlots = append(prog.argSlots, add(v, slot{param: i}))
	}
	for _, c := range g.Captures {
		add(c, slot{static: true, capture: true, tensor: c.Tensor.Detach()})
	}
	for _, n := range g.Nodes {
		for _, v := range n.Outputs {
			add(v, slot{})
		}
	}
	groups := p.aliasGroups()
	inplace, extraDeps := p.inplaceAssigns()
	for v := range inplace {
		groups[v].kept = true // no buffer of the memory plan
		prog.slots[slotOf[v]].inplace = true
	}
	p.planMemory(prog, slotOf, groups)
	seen := map[*Value]bool{}
	for _, o := range g.Outputs {
		prog.outputs = append(prog.outputs, slotOf[o])
		prog.direct = append(prog.direct, o.Producer != nil && !o.Producer.Op.IsView() && !seen[o])
		seen[o] = true
	}
	for _, a := range g.Assigns {
		if t := inplace[a.Value]; t != nil {
			prog.inplace = append(prog.inplace, inplaceAssign{slot: slotOf[a.Value], target: t, span: spanOf(t)})
			continue
		}
		prog.assigns = append(prog.assigns, assignSlot{target: a.Target, slot: slotOf[a.Value]})
	}
	prog.instrs = make([]instr, len(g.Nodes))
	for i, n := range g.Nodes {
		ins := &prog.instrs[i]
		ins.node, ins.kernel, ins.view = n, p.kernels[i], n.Op.IsView()
		for _, v := range n.Inputs {
			ins.in = append(ins.in, slotOf[v])
		}
		for _, v := range n.Outputs {
			ins.out = append(ins.out, slotOf[v])
		}
		if n.Op == fusedOp {
			if ins.fused = p.planFused(n); ins.fused != nil {
				fp, o := ins.fused, prog.slots[ins.out[0]]
				fp.scratch = o.inplace && fp.first == 1 && fp.n > 0
				fp.direct = (fp.first == 0 || fp.scratch) && fp.n > 0 && (o.static || o.inplace) &&
					o.spec.DType == fp.stepSpecs[0][len(fp.steps)-1].DType
			}
		}
		ins.overwrites = nodeOverwrites(n)
	}
	for s := range prog.slots {
		if !prog.slots[s].static && !prog.slots[s].inplace {
			prog.dynamic = append(prog.dynamic, s)
		}
	}
	if p.parallel {
		prog.schedule(g, extraDeps)
	}
	return prog
}

// overwrites reports whether op's kernels write every element of their outputs, so that the
// executor can skip clearing a reused buffer: elementwise ops and those declared with
// core.Def.Overwrites (TestOverwritingKernelsOnDirtyBuffers checks them on every conformance
// case). Kernels of other ops may rely on zero-filled outputs (a gradient accumulated by
// scatter, a pooling gradient).
func overwrites(op *core.Op) bool { return op.Overwrites() }

// nodeOverwrites reports whether n's kernel writes every element of its outputs: a fused
// chain does when all its ops do (its result is copied over the whole output).
func nodeOverwrites(n *Node) bool {
	if n.Op != fusedOp {
		return overwrites(n.Op)
	}
	for _, s := range n.Params.(FusedParams).Steps {
		if !overwrites(s.Op) {
			return false
		}
	}
	return true
}

// aliasGroup is a node output and the views of it.
type aliasGroup struct {
	root    *Value
	last    int   // the last node reading a member (len(Nodes) when written back)
	readers []int // the nodes producing or reading a member
	kept    bool  // a member is an output of the graph
}

// aliasGroups returns the group of every node output, by value.
func (p *Plan) aliasGroups() map[*Value]*aliasGroup {
	g := p.g
	groups := map[*Value]*aliasGroup{}
	for i, n := range g.Nodes {
		for _, v := range n.Outputs {
			if ag := groups[firstInput(n)]; n.Op.IsView() && ag != nil {
				groups[v] = ag
			} else if !n.Op.IsView() {
				groups[v] = &aliasGroup{root: v, last: i}
			}
			if ag := groups[v]; ag != nil {
				ag.readers = append(ag.readers, i)
				ag.last = max(ag.last, i)
			}
		}
		for _, v := range n.Inputs {
			if ag := groups[v]; ag != nil {
				ag.readers = append(ag.readers, i)
				ag.last = max(ag.last, i)
			}
		}
	}
	for _, o := range g.Outputs {
		if ag := groups[o]; ag != nil {
			ag.kept = true
		}
	}
	for _, a := range g.Assigns {
		if ag := groups[a.Value]; ag != nil {
			ag.last = len(g.Nodes)
		}
	}
	return groups
}

// firstInput returns the node's first input, or nil.
func firstInput(n *Node) *Value {
	if len(n.Inputs) == 0 {
		return nil
	}
	return n.Inputs[0]
}

// planMemory gives each group's root a buffer (or none, for a group handed out) and marks the
// slots whose tensors are made once per state.
func (p *Plan) planMemory(prog *program, slotOf map[*Value]int, groups map[*Value]*aliasGroup) {
	var anc []bitset
	if p.parallel {
		anc = p.ancestors()
	}
	free := map[poolKey][]int{} // buffers free after the node being planned
	occupant := []*aliasGroup{} // by buffer: the group that used it last
	release := make([][]*aliasGroup, len(p.g.Nodes))
	for i, n := range p.g.Nodes {
		for _, v := range n.Outputs {
			s := &prog.slots[slotOf[v]]
			ag := groups[v]
			if n.Op.IsView() {
				in := prog.slots[slotOf[firstInput(n)]]
				s.static = in.static && !isOutput(p.g, v)
				continue
			}
			if ag.kept {
				continue
			}
			k := poolKey{s.spec.DType, s.spec.Shape.Size()}
			b := -1
			for j, c := range free[k] {
				if anc == nil || anc[i].hasAll(occupant[c].readers) {
					b = c
					free[k] = append(free[k][:j], free[k][j+1:]...)
					break
				}
			}
			if b < 0 {
				b = len(prog.bufs)
				prog.bufs = append(prog.bufs, core.Spec{DType: s.spec.DType, Shape: shape.Shape{k.n}})
				occupant = append(occupant, nil)
			}
			occupant[b] = ag
			s.buf, s.static = b, true
			if ag.last < len(p.g.Nodes) {
				release[ag.last] = append(release[ag.last], ag)
			}
		}
		for _, ag := range release[i] {
			s := prog.slots[slotOf[ag.root]]
			k := poolKey{s.spec.DType, s.spec.Shape.Size()}
			free[k] = append(free[k], s.buf)
		}
	}
}

// poolKey identifies interchangeable buffers.
type poolKey struct {
	dt dtype.DType
	n  int
}

func isOutput(g *Graph, v *Value) bool {
	for _, o := range g.Outputs {
		if o == v {
			return true
		}
	}
	return false
}

// bitset is a set of node indices.
type bitset []uint64

func (b bitset) add(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

func (b bitset) hasAll(is []int) bool {
	for _, i := range is {
		if !b.has(i) {
			return false
		}
	}
	return true
}

// ancestors returns, for each node, the set of nodes it depends on, directly or not.
func (p *Plan) ancestors() []bitset { return p.ancestorsWith(nil) }

// ancestorsWith is ancestors counting extra dependencies too: by node, earlier nodes it must
// wait for.
func (p *Plan) ancestorsWith(extra map[int][]int) []bitset {
	nodes := p.g.Nodes
	index := make(map[*Node]int, len(nodes))
	words := (len(nodes) + 63) / 64
	anc := make([]bitset, len(nodes))
	for i, n := range nodes {
		index[n] = i
		anc[i] = make(bitset, words)
		for _, in := range n.Inputs {
			if in.Producer == nil {
				continue
			}
			j := index[in.Producer]
			anc[i].add(j)
			for w, x := range anc[j] {
				anc[i][w] |= x
			}
		}
		for _, j := range extra[i] {
			anc[i].add(j)
			for w, x := range anc[j] {
				anc[i][w] |= x
			}
		}
	}
	return anc
}

// schedule records the dependencies between instructions for parallel runs: the graph's, and
// extra ones by node (see inplaceAssigns).
func (prog *program) schedule(g *Graph, extra map[int][]int) {
	index := make(map[*Node]int, len(g.Nodes))
	prog.nProducers = make([]int, len(g.Nodes))
	prog.consumers = make([][]int, len(g.Nodes))
	for i, n := range g.Nodes {
		index[n] = i
		seen := map[int]bool{}
		for _, in := range n.Inputs {
			if in.Producer == nil {
				continue
			}
			if j := index[in.Producer]; !seen[j] {
				seen[j] = true
				prog.nProducers[i]++
				prog.consumers[j] = append(prog.consumers[j], i)
			}
		}
		for _, j := range extra[i] {
			if !seen[j] {
				seen[j] = true
				prog.nProducers[i]++
				prog.consumers[j] = append(prog.consumers[j], i)
			}
		}
	}
}

// execState is what one run of a program writes: the tensor of every slot, the argument
// slices handed to the kernels and the fused nodes' chunk buffers. It is reused by later runs
// of the same plan (one run at a time).
type execState struct {
	vals      []*tensor.Tensor
	dst       []*tensor.Tensor // by slot: where RunInto has a kernel write an output, or nil
	ins, outs [][]*tensor.Tensor
	fused     []*fusedState
	par       *parState
	// inplace, by in-place assignment: the variable's storage shaped as the value; spares:
	// buffers used instead when an argument shares storage with a variable (spare is set).
	inplace, spares []*tensor.Tensor
	spare           bool
}

// newExecState allocates the buffers of prog's memory plan and the headers over them.
func newExecState(prog *program) *execState {
	st := &execState{vals: make([]*tensor.Tensor, len(prog.slots)),
		ins: make([][]*tensor.Tensor, len(prog.instrs)), outs: make([][]*tensor.Tensor, len(prog.instrs)),
		fused: make([]*fusedState, len(prog.instrs))}
	bufs := make([]*tensor.Tensor, len(prog.bufs))
	for i, b := range prog.bufs {
		bufs[i] = tensor.New(b.DType, b.Shape)
		if dirtyBuffers {
			fill(bufs[i])
		}
	}
	nIn, nOut := 0, 0
	for _, ins := range prog.instrs {
		nIn += len(ins.in)
		nOut += len(ins.out)
	}
	inBack, outBack := make([]*tensor.Tensor, nIn), make([]*tensor.Tensor, nOut)
	for s, sl := range prog.slots {
		switch {
		case sl.capture:
			st.vals[s] = sl.tensor
		case sl.buf >= 0:
			st.vals[s] = bufs[sl.buf].Reshape(sl.spec.Shape...)
		}
	}
	for k, ins := range prog.instrs {
		st.ins[k], inBack = inBack[:len(ins.in):len(ins.in)], inBack[len(ins.in):]
		st.outs[k], outBack = outBack[:len(ins.out):len(ins.out)], outBack[len(ins.out):]
		if ins.view && prog.slots[ins.out[0]].static {
			st.vals[ins.out[0]] = st.vals[ins.in[0]].Detach().Reshape(prog.slots[ins.out[0]].spec.Shape...)
		}
		if ins.fused != nil {
			st.fused[k] = newFusedState(ins.fused)
		}
	}
	return st
}

// clearDynamic forgets the tensors of the last run's arguments and outputs, so that an idle
// state does not keep them alive.
func (st *execState) clearDynamic(prog *program) {
	for _, s := range prog.dynamic {
		st.vals[s] = nil
	}
	for _, in := range st.ins {
		clear(in)
	}
	for _, out := range st.outs {
		clear(out)
	}
}

// dirtyBuffers makes new execution states fill their buffers with garbage (NaN, all ones)
// instead of zeros, so that tests catch a kernel that relies on zero-filled outputs where the
// executor does not clear them.
var dirtyBuffers bool

// fill sets every element of t to a value no kernel should leave in place.
func fill(t *tensor.Tensor) {
	switch d := t.Raw().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(math.NaN())
		}
	case []float64:
		for i := range d {
			d[i] = math.NaN()
		}
	case []int64:
		for i := range d {
			d[i] = -1
		}
	case []int32:
		for i := range d {
			d[i] = -1
		}
	case []int8:
		for i := range d {
			d[i] = -1
		}
	case []uint8:
		for i := range d {
			d[i] = 0xff
		}
	case []bool:
		for i := range d {
			d[i] = true
		}
	case []dtype.F16:
		for i := range d {
			d[i] = 0x7e00 // NaN
		}
	case []dtype.BF16:
		for i := range d {
			d[i] = 0x7fc0 // NaN
		}
	}
}
