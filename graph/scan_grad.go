package graph

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Saving a scan step's intermediates for its gradient, as JAX's partial evaluation of a scan
// (the "residuals" its linearised scan reads) and TensorFlow's while_loop accumulators.
//
// The first gradient of a traced scan traces the step together with its vector-Jacobian product
// into one graph J, whose parameters are the carry, the sequence slices, the seeds (gradients of
// the next carry and of the step outputs) and the lifted tensors. Every value of J is classed by
// what it depends on: the lifted tensors and constants only (invariant), the step's inputs
// (primal) or the seeds (backward). The primal values that backward nodes read are the saved
// intermediates: the forward scan node's step is replaced by J's primal part, which also returns
// them, and the node gains their stacks as outputs; the backward scan's step is J's backward
// part, reading them as sequences, so it never recomputes the forward step (invariant values it
// needs, a transposed weight say, it computes again, as they cost nothing per sequence element).
// The forward step also returns the carries it starts from, so the node's saved outputs begin
// with the carry history (off until then: a scan that is never differentiated keeps nothing);
// the backward reads the sequence slices from the sequences themselves. Cheap elementwise values
// computed from saved ones (1 - tanh², s·(1 - s)) are recomputed by the backward step rather than
// saved. A lifted tensor's gradient is a running sum carried by the backward scan, except when it
// is a product aᵀ·b at every step (a recurrent kernel's): the backward step then returns a and b,
// and the sum is one product of their stacks after the scan, as cuDNN and PyTorch compute the
// weight gradients of an RNN; it is rounded differently from the running sum. The backward scan
// keeps the recomputing Go step (scanBackFn) for its own gradient when it carries all the sums;
// it is never differentiated (this path serves gradients that are not differentiated again).

// scanSplit records, shared by the copies of a scan's params, the partition made by its first
// gradient.
type scanSplit struct {
	done    bool
	saved   []*tensor.Tensor // the forward node's stacked intermediates, nil if not split
	history []*tensor.Tensor // the forward node's carry history
	back    *Graph           // the backward step
	// gemm marks the lifted tensors whose gradient is one product after the backward scan
	// (see gemmOperands) instead of a running sum carried by the backward scan; opSrc says
	// where the stacks of the products' operands are (see stepPartition.opSrc).
	gemm  []bool
	opSrc []int
}

// value classes of J, ordered so that a node's class is the largest of its inputs'.
const (
	classInvariant = iota
	classPrimal
	classBackward
)

// saveScanIntermediates is false only in tests of the recomputing gradient.
var saveScanIntermediates = true

// rematDepth is the longest chain of elementwise ops that the backward step computes again
// from values it has rather than have the forward save its result: 1 - tanh², s·(1 - s) are
// recomputed, but tanh(f·c + i·g) is saved, as recomputing it reads more rows than it saves.
const rematDepth = 2

// recomputable lists primal ops that read only their inputs' shapes: the backward step makes
// them again rather than saving them.
var recomputable = map[string]bool{"fill_like": true}

// gradScanSaved is gradScan through saved intermediates; it returns nil when the forward node
// cannot be changed (it is not in a graph being traced, say), and gradScan recomputes instead.
func gradScanSaved(p ScanParams, in, out, g []*tensor.Tensor) []*tensor.Tensor {
	if p.split == nil || !saveScanIntermediates {
		return nil
	}
	if !p.split.done {
		p.split.done = true
		splitScan(p, in, out, g)
	}
	if p.split.back == nil {
		return nil
	}
	nc, ns, nl := p.NumCarry, p.NumSeq, p.NumLifted
	gemm := p.split.gemm
	init := append([]*tensor.Tensor{}, g[:nc]...)
	nGemm := 0
	for k, l := range p.Lifted {
		if gemm[k] {
			nGemm++
		} else {
			init = append(init, ops.ZerosLike(l))
		}
	}
	nAcc, nEmit := nl-nGemm, 0
	for _, src := range p.split.opSrc {
		nEmit = max(nEmit, -src-ns)
	}
	seqs, _ := scanGradSeqs(p, in, p.split.history, g)
	seqs = append(seqs, p.split.saved...)
	// The backward scan of a step with products summed after it has no Go step: it is never
	// differentiated (the saved path is not taken for a gradient that may be), and the
	// recomputing step's carries differ.
	var fn ScanFunc
	if nGemm == 0 {
		fn = scanBackFn(p, false)
	}
	bp := ScanParams{Fn: fn, Body: p.split.back, NumCarry: nc + nAcc, NumSeq: len(seqs), NumOut: ns + nEmit,
		NumLifted: nl, Lifted: p.Lifted, Reverse: !p.Reverse, NoHistory: true, plans: &planCache{}, split: &scanSplit{}}
	args := append(append(init, seqs...), p.Lifted...)
	res := core.Apply(scanOp, bp, args...)
	outs := res[nc+nAcc : nc+nAcc+ns+nEmit]
	operands := make([]*tensor.Tensor, len(p.split.opSrc))
	for i, src := range p.split.opSrc {
		if src >= 0 {
			operands[i] = seqs[src]
		} else {
			operands[i] = outs[-1-src]
		}
	}
	grads := append(append([]*tensor.Tensor{}, res[:nc]...), outs[:ns]...)
	return append(grads, liftedGrads(gemm, res[nc:nc+nAcc], operands)...)
}

// liftedGrads returns the lifted tensors' gradients from the backward scan's results: the
// running sums acc, in order, of those not marked in gemm, and the stacked operands a, b (pairs
// in order, [steps, batch, m] and [steps, batch, n]) of those marked, summed by one product.
func liftedGrads(gemm []bool, acc, operands []*tensor.Tensor) []*tensor.Tensor {
	var grads []*tensor.Tensor
	for _, isGemm := range gemm {
		if !isGemm {
			grads, acc = append(grads, acc[0]), acc[1:]
			continue
		}
		a, b := operands[0], operands[1]
		operands = operands[2:]
		a2, b2 := ops.Reshape(a, -1, a.Dim(-1)), ops.Reshape(b, -1, b.Dim(-1))
		grads = append(grads, ops.MatMulT(a2, b2, true, false))
	}
	return grads
}

// splitScan partitions the step of the scan node that produced out (see above), replaces its
// step and adds the saved outputs, and records the backward step in p.split. It leaves p.split
// empty when the node is not in a graph being traced or the partition fails.
func splitScan(p ScanParams, in, out, g []*tensor.Tensor) {
	v, ok := out[0].Symbol().(*Value)
	if !ok || v.Producer == nil || v.Producer.Op != scanOp || v.g.tr == nil || enclosing(g) != v.g {
		return
	}
	node := v.Producer
	if len(node.Outputs) != len(out) || len(node.Inputs) != len(in) {
		return
	}
	j, ok := traceStepVJP(p, v.g, out)
	if !ok {
		return
	}
	pt, ok := partition(p, j)
	if !ok {
		return
	}
	fg, err := pt.forwardStep(v.g, specsOf(in))
	if err != nil {
		return
	}
	seqs, _ := scanGradSeqs(p, in, out[p.NumCarry+p.NumOut:2*p.NumCarry+p.NumOut], g)
	bg, err := pt.backwardStep(v.g, specsOf(g[:p.NumCarry]), specsOf(seqs), specsOf(in[pt.nIn:]))
	if err != nil {
		return
	}
	if sv, ok := addSavedOutputs(v.g, node, p, fg, p.NumCarry+len(pt.saved)); ok {
		p.split.history, p.split.saved, p.split.back = sv[:p.NumCarry], sv[p.NumCarry:], bg
		p.split.gemm, p.split.opSrc = make([]bool, p.NumLifted), pt.opSrc
		for k := range pt.gemm {
			p.split.gemm[k] = pt.gemm[k][0] != nil
		}
	}
}

// stepPartition is J split into the forward step's nodes and the backward step's, and the
// values the forward saves for the backward.
type stepPartition struct {
	j                 *stepVJP
	nc, nIn, nOut, nl int
	fwdOuts, gradOuts []*Value
	fwd, back         map[*Node]bool
	saved             []*Value
	gemm              [][2]*Value // by lifted tensor: the operands of its gradient's product, or nil
	// opSrc, by operand of those products in order: the backward scan's sequence that is its
	// stack (i >= 0), or its step output (-1-i: the slices' gradients, then the operands it
	// returns for that purpose alone). Set by backwardStep.
	opSrc []int
}

// partition classes J's values and splits its nodes; it fails when a forward result depends on
// the seeds (it cannot, unless the step is not what was traced).
func partition(p ScanParams, j *stepVJP) (*stepPartition, bool) {
	nc, nOut := p.NumCarry, p.NumOut
	nIn := nc + p.NumSeq // J's parameters: carry and slices, then the seeds, then the lifted
	class := classify(j.g, nIn, nIn+nc+nOut)
	pt := &stepPartition{j: j, nc: nc, nIn: nIn, nOut: nOut, nl: p.NumLifted,
		fwdOuts: j.g.Outputs[:nc+nOut], gradOuts: j.g.Outputs[nc+nOut:]}
	for _, o := range pt.fwdOuts {
		if class[o] == classBackward {
			return nil, false
		}
	}
	pt.back, pt.saved = backwardNodes(j.g, class, pt.gradOuts)
	pt.fwd = forwardNodes(pt.fwdOuts, pt.saved)
	pt.gemm = make([][2]*Value, p.NumLifted)
	for k, l := range p.Lifted {
		if a, b, ok := gemmOperands(pt.gradOuts[nIn+k], class, l); ok {
			pt.gemm[k] = [2]*Value{a, b}
		}
	}
	return pt, true
}

// gemmOperands reports whether the gradient gv of lifted tensor l is, at every step, a product
// aᵀ·b of matrices that vary by step (a recurrent kernel's h_tᵀ·dz_t): the sum over the steps
// is then one product of the stacked operands, [steps·batch, m]ᵀ·[steps·batch, n], after the
// backward scan, rather than a small product and a running sum at each step. The sum is the
// same but for rounding: it is taken in another order.
func gemmOperands(gv *Value, class map[*Value]int, l *tensor.Tensor) (a, b *Value, ok bool) {
	n := gv.Producer
	if n == nil || n.Op.Name() != "matmul" || len(n.Inputs) != 2 || l.Rank() != 2 {
		return nil, nil, false
	}
	if mp, isMM := n.Params.(ops.MatMulParams); !isMM || !mp.TransposeA || mp.TransposeB {
		return nil, nil, false
	}
	a, b = n.Inputs[0], n.Inputs[1]
	for _, v := range []*Value{a, b} {
		if class[v] == classInvariant || len(v.Spec.Shape) != 2 || v.Spec.Shape[1] < 0 || v.Spec.DType != l.DType() {
			return nil, nil, false
		}
	}
	if !gv.Spec.Shape.Equal(l.Shape()) {
		return nil, nil, false
	}
	return a, b, true
}

// forwardStep traces the forward step for the scan node's input specs: from the carry, the
// slices and the lifted tensors, the next carry, the step outputs, then the carry it started
// from and the saved values.
func (pt *stepPartition) forwardStep(parent *Graph, specs []core.Spec) (*Graph, error) {
	nc, nIn, nOut := pt.nc, pt.nIn, pt.nOut
	for i := nc; i < nIn; i++ {
		specs[i].Shape = specs[i].Shape[1:]
	}
	fg, err := trace(parent, specs, func(a []*tensor.Tensor) []*tensor.Tensor {
		env := pt.j.bind(a[:nIn], nil, a[nIn:])
		res := env.run(pt.j.g.Nodes, pt.fwd, append(append([]*Value{}, pt.fwdOuts...), pt.saved...))
		return append(append(res[:nc+nOut:nc+nOut], a[:nc]...), res[nc+nOut:]...)
	})
	if err != nil {
		return nil, err
	}
	return fg, optimizeQuiet(fg)
}

// backwardStep traces the backward step: its carry is the seeds of the carry (specs seeds) and
// the running sums of the lifted tensors' gradients (specs lifted) but those summed by one
// product after the scan (pt.gemm), its sequences those of scanGradSeqs (specs seqs, stacked)
// and the saved values, then the lifted tensors; its results the gradient of the carry, the
// updated sums, the gradients of the slices and the operands of the products.
func (pt *stepPartition) backwardStep(parent *Graph, seeds, seqs, lifted []core.Spec) (*Graph, error) {
	nc, nIn, nOut, nl := pt.nc, pt.nIn, pt.nOut, pt.nl
	specs := append([]core.Spec{}, seeds...)
	var operands []*Value // of the lifted tensors' products, returned as step outputs
	for k, s := range lifted {
		if pt.gemm[k][0] == nil {
			specs = append(specs, s)
		} else {
			operands = append(operands, pt.gemm[k][0], pt.gemm[k][1])
		}
	}
	nAcc := nl - len(operands)/2
	for _, s := range seqs {
		specs = append(specs, core.Spec{DType: s.DType, Shape: s.Shape[1:].Clone()})
	}
	for _, r := range pt.saved {
		specs = append(specs, r.Spec)
	}
	specs = append(specs, lifted...)
	bg, err := trace(parent, specs, func(a []*tensor.Tensor) []*tensor.Tensor {
		carry, seqs, lifted := a[:nc+nAcc], a[nc+nAcc:len(a)-nl], a[len(a)-nl:]
		seeds := append(append([]*tensor.Tensor{}, carry[:nc]...), seqs[nIn:nIn+nOut]...)
		env := pt.j.bind(seqs[:nIn], seeds, lifted)
		for k, r := range pt.saved {
			env.vals[r] = seqs[nIn+nOut+k]
		}
		res := env.run(pt.j.g.Nodes, pt.back, append(append([]*Value{}, pt.gradOuts...), operands...))
		grads := res[:len(pt.gradOuts)]
		next := append([]*tensor.Tensor{}, grads[:nc]...)
		acc := carry[nc:]
		for k := range nl {
			if pt.gemm[k][0] == nil {
				next, acc = append(next, ops.Add(acc[0], grads[nIn+k])), acc[1:]
			}
		}
		outs := append([]*tensor.Tensor{}, grads[nc:nIn]...)
		pt.opSrc, outs = operandSources(res[len(pt.gradOuts):], seqs, outs)
		return append(next, outs...)
	})
	if err != nil {
		return nil, err
	}
	return bg, optimizeQuiet(bg)
}

// stepVJP is the graph J of a step and its vector-Jacobian product, with the position in the
// forward node's lifted tensors of each of J's lifted parameters.
type stepVJP struct {
	g         *Graph
	liftedPos []int
}

// traceStepVJP traces J (see above) nested in parent.
func traceStepVJP(p ScanParams, parent *Graph, out []*tensor.Tensor) (*stepVJP, bool) {
	nc, ns, nOut := p.NumCarry, p.NumSeq, p.NumOut
	var specs []core.Spec
	for _, s := range p.Body.Params[:nc+ns] {
		specs = append(specs, s.Spec)
	}
	specs = append(specs, specs[:nc]...)
	for _, t := range out[nc : nc+nOut] {
		s := core.SpecOf(t)
		specs = append(specs, core.Spec{DType: s.DType, Shape: s.Shape[1:]})
	}
	for i := range specs {
		specs[i].Shape = specs[i].Shape.Clone()
	}
	g, err := trace(parent, specs, func(a []*tensor.Tensor) []*tensor.Tensor {
		xs := make([]*tensor.Tensor, nc+ns)
		for i, x := range a[:nc+ns] {
			xs[i] = x
			if x.DType().IsFloat() {
				xs[i] = autodiff.Watch(x)
			}
		}
		next, y := p.Fn(xs[:nc], xs[nc:])
		if len(next) != nc || len(y) != nOut {
			panic(core.Errorf("scan", "step returns %d carries and %d outputs, traced with %d and %d", len(next), len(y), nc, nOut))
		}
		fwd := append(append([]*tensor.Tensor{}, next...), y...)
		seeds := a[nc+ns:]
		var tracked, dys []*tensor.Tensor
		for i, f := range fwd {
			if autodiff.IsTracked(f) {
				tracked, dys = append(tracked, f), append(dys, seeds[i])
			}
		}
		var lifted []*tensor.Tensor
		var at []int
		for i, l := range p.Lifted {
			if autodiff.IsTracked(l) {
				lifted, at = append(lifted, l), append(at, i)
			}
		}
		grads := make([]*tensor.Tensor, nc+ns+len(p.Lifted))
		if len(tracked) > 0 {
			got := autodiff.Gradients(tracked, append(append([]*tensor.Tensor{}, xs...), lifted...), autodiff.OutputGrads(dys...), autodiff.CreateGraph())
			copy(grads, got[:nc+ns])
			for k, i := range at {
				grads[nc+ns+i] = got[nc+ns+k]
			}
		}
		for i := range grads {
			if grads[i] == nil {
				x := append(append([]*tensor.Tensor{}, xs...), p.Lifted...)[i]
				grads[i] = ops.ZerosLike(x.Detach())
			}
		}
		return append(fwd, grads...)
	})
	if err != nil {
		return nil, false
	}
	liftedTs := liftTracked(g)
	pos := make([]int, len(liftedTs))
	for k, t := range liftedTs {
		pos[k] = -1
		for i, l := range p.Lifted {
			if l == t || (t.Symbol() != nil && l.Symbol() == t.Symbol()) {
				pos[k] = i
			}
		}
		if pos[k] < 0 {
			return nil, false
		}
	}
	if g.Verify() != nil || Optimize(g, SimplifyPass, FoldPass, CSEPass, DCEPass) != nil {
		return nil, false
	}
	return &stepVJP{g: g, liftedPos: pos}, true
}

// classify returns the class of every value of j: parameters before nIn are primal, before
// nSeed backward, the others (lifted) and constants invariant.
func classify(j *Graph, nIn, nSeed int) map[*Value]int {
	class := map[*Value]int{}
	for i, v := range j.Params {
		switch {
		case i < nIn:
			class[v] = classPrimal
		case i < nSeed:
			class[v] = classBackward
		}
	}
	for _, n := range j.Nodes {
		c := classInvariant
		for _, in := range n.Inputs {
			c = max(c, class[in])
		}
		for _, o := range n.Outputs {
			class[o] = c
		}
	}
	return class
}

// backwardNodes returns the nodes the backward step runs to compute outs, and the primal node
// outputs it reads (to be saved), in J's order.
func backwardNodes(j *Graph, class map[*Value]int, outs []*Value) (map[*Node]bool, []*Value) {
	nodes, isSaved := map[*Node]bool{}, map[*Value]bool{}
	var visit func(v *Value)
	visit = func(v *Value) {
		n := v.Producer
		if n == nil || nodes[n] || isSaved[v] {
			return
		}
		if class[v] == classPrimal && !recomputable[n.Op.Name()] {
			isSaved[v] = true
			return
		}
		nodes[n] = true
		for _, in := range n.Inputs {
			visit(in)
		}
	}
	for _, o := range outs {
		visit(o)
	}
	// Rematerialise: an elementwise value computed from values the backward has anyway (saved
	// ones, the step's inputs, invariants) by a short chain costs less to compute again than to
	// save (1 - tanh², say).
	var avail func(v, not *Value, depth int) bool
	avail = func(v, not *Value, depth int) bool {
		if v != not && (isSaved[v] || nodes[v.Producer] || class[v] == classInvariant || v.Producer == nil) {
			return true
		}
		n := v.Producer
		if depth == 0 || n == nil || !n.Op.IsElementwise() || len(n.Outputs) != 1 {
			return false
		}
		for _, in := range n.Inputs {
			if !avail(in, not, depth-1) {
				return false
			}
		}
		return true
	}
	var remat func(v *Value)
	remat = func(v *Value) {
		n := v.Producer
		switch {
		case class[v] == classInvariant:
			visit(v)
		case n != nil && !isSaved[v] && !nodes[n]:
			nodes[n] = true
			for _, in := range n.Inputs {
				remat(in)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, n := range j.Nodes { // in order, so that the result does not depend on map order
			v := n.Outputs[0]
			if isSaved[v] && avail(v, v, rematDepth) {
				delete(isSaved, v)
				remat(v)
				changed = true
			}
		}
	}
	var saved []*Value
	for _, n := range j.Nodes {
		for _, o := range n.Outputs {
			if isSaved[o] {
				saved = append(saved, o)
			}
		}
	}
	return nodes, saved
}

// operandSources returns where the stacks of the backward step's product operands opnds will
// be (see stepPartition.opSrc): a sequence of seqs, a step output of outs, or a new step output
// appended to outs, which it returns.
func operandSources(opnds, seqs, outs []*tensor.Tensor) ([]int, []*tensor.Tensor) {
	src := make([]int, len(opnds))
next:
	for i, t := range opnds {
		for k, s := range seqs {
			if t == s {
				src[i] = k
				continue next
			}
		}
		for k, o := range outs {
			if t == o {
				src[i] = -1 - k
				continue next
			}
		}
		src[i] = -1 - len(outs)
		outs = append(outs, t)
	}
	return src, outs
}

// forwardNodes returns the nodes needed for the values outs and more.
func forwardNodes(outs, more []*Value) map[*Node]bool {
	nodes := map[*Node]bool{}
	var visit func(v *Value)
	visit = func(v *Value) {
		if n := v.Producer; n != nil && !nodes[n] {
			nodes[n] = true
			for _, in := range n.Inputs {
				visit(in)
			}
		}
	}
	for _, o := range append(append([]*Value{}, outs...), more...) {
		visit(o)
	}
	return nodes
}

// replay maps J's values to tensors of a graph being traced.
type replay struct{ vals map[*Value]*tensor.Tensor }

// bind maps J's parameters: the carry and slices to in, the seeds to seeds, and J's lifted
// parameters to the forward node's lifted tensors lifted; captures to themselves.
func (j *stepVJP) bind(in, seeds, lifted []*tensor.Tensor) *replay {
	r := &replay{vals: map[*Value]*tensor.Tensor{}}
	n := len(j.g.Params) - len(j.liftedPos) // the seeds are J's parameters from len(in) to n
	for i, v := range j.g.Params {
		switch {
		case i < len(in):
			r.vals[v] = in[i]
		case i < n:
			if seeds != nil {
				r.vals[v] = seeds[i-len(in)]
			}
		default:
			r.vals[v] = lifted[j.liftedPos[i-n]]
		}
	}
	for _, c := range j.g.Captures {
		r.vals[c] = c.Tensor
	}
	return r
}

// run applies the nodes of order that are in keep and returns the tensors of outs.
func (r *replay) run(order []*Node, keep map[*Node]bool, outs []*Value) []*tensor.Tensor {
	for _, n := range order {
		if !keep[n] {
			continue
		}
		in := make([]*tensor.Tensor, len(n.Inputs))
		for i, v := range n.Inputs {
			in[i] = r.vals[v]
		}
		res := core.Apply(n.Op, n.Params, in...)
		for i, o := range n.Outputs {
			r.vals[o] = res[i]
		}
	}
	res := make([]*tensor.Tensor, len(outs))
	for i, o := range outs {
		res[i] = r.vals[o]
	}
	return res
}

func optimizeQuiet(g *Graph) error {
	if err := g.Verify(); err != nil {
		return err
	}
	return Optimize(g, DefaultPasses()...)
}

// addSavedOutputs gives the forward scan node the step fg, which returns nSaved values after
// the step outputs, and their stacks as further outputs, which it returns as tensors.
func addSavedOutputs(g *Graph, node *Node, p ScanParams, fg *Graph, nSaved int) ([]*tensor.Tensor, bool) {
	np := p
	np.Body, np.NumSaved = fg, nSaved
	in := make([]core.Spec, len(node.Inputs))
	for i, v := range node.Inputs {
		in[i] = v.Spec
	}
	specs, err := inferScan(np, in)
	if err != nil || len(specs) != len(node.Outputs)+nSaved {
		return nil, false
	}
	node.Params = np
	saved := make([]*tensor.Tensor, nSaved)
	for k, s := range specs[len(node.Outputs):] {
		v := g.newValue(s, KindOutput)
		v.Producer, v.Index = node, len(node.Outputs)
		node.Outputs = append(node.Outputs, v)
		saved[k] = tensor.NewSymbolic(s.DType, s.Shape, v)
	}
	return saved, true
}
