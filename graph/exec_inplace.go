package graph

import (
	"reflect"
	"slices"

	"github.com/tideml/tide/tensor"
)

// In-place write-back. An assignment's value is normally computed into a buffer of the memory
// plan and copied into the variable after a successful call: for a train step, a copy of every
// weight (and, with Adam, of both moments) per call. Where it is safe, the kernel producing the
// value writes it straight into the variable instead, and no copy is made. It is safe when
//
//   - the value is a kernel's output (not a view, an argument or a capture), not an output of
//     the graph, of the variable's dtype and size, and assigned once, to a variable assigned
//     once;
//   - nothing that may run after the producing instruction reads the variable's old value (through any capture sharing
//     its storage, or a view of one), and the producer, if it reads it, computes each output
//     element from the input elements at the same index (an elementwise op, a fused chain of
//     them, adam_update), so that writing over its input is harmless; a chain headed by a
//     matmul (an optimizer update fused with its weight gradient) has its head write into a
//     scratch buffer instead of the output;
//   - the producer and every instruction that may run after it fail only on shapes, which the
//     plan has already checked (see infallible): floating-point elementwise ops, matmul, sums
//     and the like, not an integer division or a gather, which fail on the data. So a call
//     that returns an error has not started the first in-place write (a parallel run starts
//     no node after a failure, nor the consumers of the failed one), and leaves the variables
//     unchanged.
//
// An argument sharing storage with such a variable would see the new value too early: a call
// given one falls back to a buffer and the copy (checked at every call, at the cost of a few
// comparisons).

// inplaceAssign is an assignment written in place.
type inplaceAssign struct {
	slot   int
	target *tensor.Tensor // the variable's storage
	span   memSpan
}

// memSpan is the address range of a tensor's storage.
type memSpan struct{ lo, hi uintptr }

func spanOf(t *tensor.Tensor) memSpan {
	if t.IsSymbolic() || t.Size() == 0 {
		return memSpan{}
	}
	v := reflect.ValueOf(t.Raw())
	lo := v.Pointer()
	return memSpan{lo, lo + uintptr(v.Len())*v.Type().Elem().Size()}
}

func (s memSpan) overlaps(o memSpan) bool { return s.lo < o.hi && o.lo < s.hi }

// inplaceSafe reports whether n's kernel computes each output element from the input elements
// at the same index, so that an output may be written over an input.
func inplaceSafe(n *Node) bool {
	switch {
	case n.Op.IsElementwise(), n.Op.Name() == "adam_update":
		return true
	case n.Op == fusedOp:
		for _, s := range n.Params.(FusedParams).Steps {
			if !s.Op.IsElementwise() {
				return false
			}
		}
		return true
	}
	return false
}

// overwriteSafe reports whether node n may write its output over the variable it reads: its
// kernel computes each output element from the input elements at the same index, or it is a
// fused chain that the executor runs with a head of shapeOnly writing into a scratch buffer
// (see fusedPlan.scratch).
func (p *Plan) overwriteSafe(n *Node) bool {
	if inplaceSafe(n) {
		return true
	}
	if n.Op != fusedOp {
		return false
	}
	for i, s := range n.Params.(FusedParams).Steps {
		if !s.Op.IsElementwise() && (i > 0 || !shapeOnly[s.Op.Name()]) {
			return false
		}
	}
	return p.planFused(n) != nil
}

// shapeOnly lists the non-elementwise ops whose kernels fail only on shapes and dtypes (which
// the plan has checked), never on the data: unlike, say, take_along_axis, whose indices may be
// out of range.
var shapeOnly = map[string]bool{
	"matmul": true, "reduce_sum": true, "transpose": true, "expand_like": true, "fill_like": true,
	"log_softmax": true, "slice": true, "concat": true, "split": true,
}

// infallible reports whether n's kernel fails only on shapes the plan rejects: a view, or
// floating-point arithmetic (integer division and powers fail on the data) by an elementwise
// op, a chain of them (no cast to an integer inside), adam_update or an op of shapeOnly,
// possibly heading a chain.
func (p *Plan) infallible(n *Node) bool {
	if n.Op.IsView() {
		return true
	}
	for _, vs := range [][]*Value{n.Inputs, n.Outputs} {
		for _, v := range vs {
			if !p.specs[v].DType.IsFloat() {
				return false
			}
		}
	}
	if n.Op != fusedOp {
		return n.Op.IsElementwise() || n.Op.Name() == "adam_update" || shapeOnly[n.Op.Name()]
	}
	for i, s := range n.Params.(FusedParams).Steps {
		if s.Op.Name() == "cast" || !s.Op.IsElementwise() && (i > 0 || !shapeOnly[s.Op.Name()]) {
			return false
		}
	}
	return true
}

// inplaceAssigns returns the values (with their targets) that can be written in place, and,
// for a parallel plan, the extra dependencies that make it so: by node, nodes that must finish
// before it (old-value readers and fallible nodes that are neither its ancestors nor its
// descendants).
func (p *Plan) inplaceAssigns() (map[*Value]*tensor.Tensor, map[int][]int) {
	g := p.g
	if len(g.Assigns) == 0 {
		return nil, nil
	}
	var extra map[int][]int
	var anc []bitset
	if p.parallel {
		extra = map[int][]int{}
		anc = p.ancestorsWith(extra)
	}
	// order classifies node i against node k: -1 when it finishes before k starts, 1 when it
	// starts after k finishes, 0 when it may overlap k unless made to finish before it.
	order := func(i, k int) int {
		switch {
		case anc == nil && i < k, anc != nil && anc[k].has(i):
			return -1
		case anc == nil || anc[i].has(k):
			return 1
		}
		return 0
	}
	index := make(map[*Node]int, len(g.Nodes))
	var risky []int
	for i, n := range g.Nodes {
		index[n] = i
		if !p.infallible(n) {
			risky = append(risky, i)
		}
	}
	targets, values := map[*tensor.Tensor]int{}, map[*Value]int{}
	for _, a := range g.Assigns {
		targets[a.Target]++
		values[a.Value]++
	}
	out := map[*Value]*tensor.Tensor{}
	for _, a := range g.Assigns {
		v, t := a.Value, a.Target
		n := v.Producer
		if n == nil || n.Op.IsView() || targets[t] > 1 || values[v] > 1 || isOutput(g, v) {
			continue
		}
		k := index[n]
		spec := p.specs[v]
		if slices.Contains(risky, k) || t.IsSymbolic() || t.DType() != spec.DType || t.Size() != spec.Shape.Size() || t.Size() == 0 {
			continue
		}
		readers, ok := p.oldValueReaders(t, k)
		var need []int
		for _, i := range append(readers, risky...) {
			switch o := order(i, k); {
			case o == 1 || o == 0 && i > k: // (an edge from a later node would break the order)
				ok = false
			case o == 0:
				need = append(need, i)
			}
		}
		if !ok {
			continue
		}
		out[v] = t
		if len(need) > 0 {
			extra[k] = append(extra[k], need...)
			anc = p.ancestorsWith(extra)
		}
	}
	return out, extra
}

// oldValueReaders returns the nodes other than k that read storage of t through a capture or a
// view of one; ok is false when node k reads it and may not write over it.
func (p *Plan) oldValueReaders(t *tensor.Tensor, k int) (readers []int, ok bool) {
	sp := spanOf(t)
	old := map[*Value]bool{}
	for _, c := range p.g.Captures {
		if spanOf(c.Tensor).overlaps(sp) {
			old[c] = true
		}
	}
	ok = true
	for i, n := range p.g.Nodes {
		reads := false
		for _, in := range n.Inputs {
			reads = reads || old[in]
		}
		switch {
		case !reads:
		case n.Op.IsView():
			for _, o := range n.Outputs {
				old[o] = true
			}
		case i == k:
			ok = p.overwriteSafe(n)
		default:
			readers = append(readers, i)
		}
	}
	return readers, ok
}

// bindInplace points the in-place slots at their variables, or, when an argument shares
// storage with one of them, at spare buffers copied back by finish.
func (st *execState) bindInplace(prog *program, args []*tensor.Tensor) {
	if len(prog.inplace) == 0 {
		return
	}
	st.spare = false
	for _, a := range args {
		sp := spanOf(a)
		for _, ia := range prog.inplace {
			if sp.overlaps(ia.span) {
				st.spare = true
			}
		}
	}
	if st.inplace == nil {
		st.inplace = make([]*tensor.Tensor, len(prog.inplace))
		for i, ia := range prog.inplace {
			st.inplace[i] = ia.target.Detach().Reshape(prog.slots[ia.slot].spec.Shape...)
		}
	}
	if st.spare && st.spares == nil {
		st.spares = make([]*tensor.Tensor, len(prog.inplace))
		for i, ia := range prog.inplace {
			sp := prog.slots[ia.slot].spec
			st.spares[i] = tensor.New(sp.DType, sp.Shape)
		}
	}
	for i, ia := range prog.inplace {
		if st.spare {
			st.vals[ia.slot] = st.spares[i]
		} else {
			st.vals[ia.slot] = st.inplace[i]
		}
	}
}
