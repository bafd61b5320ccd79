package graph

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// ScanFunc computes one step of a [Scan]: from the carry and the step's slices of the
// sequences, the next carry (same dtypes and shapes) and the step's outputs.
type ScanFunc func(carry, x []*tensor.Tensor) (next, y []*tensor.Tensor)

// ScanParams are the params of a scan node. Its inputs are the initial carry, the sequences and
// the lifted tensors; its outputs the final carry, the stacked step outputs, the stacked
// carries each step started from, and the stacked saved intermediates (the last two kept for
// the gradient).
type ScanParams struct {
	Fn       ScanFunc `graph:"-"`
	Body     *Graph
	NumCarry int
	NumSeq   int
	NumOut   int
	// NumLifted counts the node's inputs after the sequences: the tracked tensors the step
	// reads (Lifted, kept in memory only, for the gradient).
	NumLifted int
	Lifted    []*tensor.Tensor `graph:"-"`
	// NumSaved counts the body's results after the step outputs: intermediates of the step
	// that a gradient reads (see scan_grad.go), stacked like the outputs.
	NumSaved int
	// Reverse runs the steps from the last element of the sequences to the first (a backward
	// scan); results are stacked at their element's position all the same.
	Reverse bool
	// NoHistory leaves the carry history empty (length 0): only a gradient reads it, and the
	// first gradient turns it on.
	NoHistory bool
	plans     *planCache
	split     *scanSplit // the gradient's partition of the step, made by the first gradient
}

var scanOp *core.Op

func init() {
	scanOp = core.Declare(core.Def[ScanParams]{
		Name: "scan", Overwrites: true, Doc: "loop a step subgraph over the leading axis of sequences, threading a carry and stacking outputs (ONNX Scan, jax.lax.scan)",
		DTypes: dtype.All, KeyInput: -1, Grad: gradScan, Infer: inferScan,
	})
	for _, dt := range dtype.All {
		core.RegisterKernel(scanOp, dt, "ref", core.PriorityRef, runScan)
	}
}

func inferScan(p ScanParams, in []core.Spec) ([]core.Spec, error) {
	nc, ns := p.NumCarry, p.NumSeq
	if len(in) != nc+ns+p.NumLifted || ns == 0 {
		return nil, fmt.Errorf("got %d inputs, want %d carries, %d (> 0) sequences and %d lifted", len(in), nc, ns, p.NumLifted)
	}
	length := in[nc].Shape[0]
	args := append([]core.Spec(nil), in[:nc]...)
	for i, s := range in[nc : nc+ns] {
		if len(s.Shape) == 0 {
			return nil, fmt.Errorf("sequence %d is a scalar; sequences are sliced along axis 0", i)
		}
		if s.Shape[0] != length && s.Shape[0] != shape.Unknown && length != shape.Unknown {
			return nil, fmt.Errorf("sequence %d has length %d, sequence 0 has %d", i, s.Shape[0], length)
		}
		args = append(args, core.Spec{DType: s.DType, Shape: s.Shape[1:]})
	}
	args = append(args, in[nc+ns:]...)
	body, err := inferGraph(p.Body, args)
	if err != nil {
		return nil, fmt.Errorf("step: %w", err)
	}
	out := append([]core.Spec(nil), body[:nc]...)
	for i := range nc {
		if out[i].DType != in[i].DType || !out[i].Shape.Equal(in[i].Shape) {
			return nil, fmt.Errorf("step returns carry %d as %v, it came in as %v", i, out[i], in[i])
		}
	}
	if len(body) < nc+p.NumSaved {
		return nil, fmt.Errorf("step returns %d results for %d carries and %d saved", len(body), nc, p.NumSaved)
	}
	stack := func(s core.Spec) core.Spec {
		return core.Spec{DType: s.DType, Shape: append(shape.Shape{length}, s.Shape...)}
	}
	saved := len(body) - p.NumSaved
	for _, y := range body[nc:saved] {
		out = append(out, stack(y))
	}
	for _, c := range in[:nc] {
		h := stack(c)
		if p.NoHistory {
			h.Shape[0] = 0
		}
		out = append(out, h)
	}
	for _, r := range body[saved:] {
		out = append(out, stack(r))
	}
	return out, nil
}

// row returns a view of element i along axis 0 of t.
func row(t *tensor.Tensor, i int) *tensor.Tensor {
	n := t.Size() / t.Dim(0)
	return t.Flat(i*n, (i+1)*n).Reshape(t.Shape()[1:]...)
}

func runScan(p ScanParams, in, out []*tensor.Tensor) error {
	nc, ns := p.NumCarry, p.NumSeq
	length := in[nc].Dim(0)
	nOut := len(out) - 2*nc - p.NumSaved
	saved := out[2*nc+nOut:]
	args := make([]*tensor.Tensor, nc+ns+p.NumLifted)
	copy(args, in[:nc])
	copy(args[nc+ns:], in[nc+ns:])
	// Each step writes its results in place (Plan.RunInto): its outputs and saved values into
	// their rows of the stacks, and its carry into one of two buffers, the node's final carry
	// outputs and spares, alternating so that a step never writes the carry it reads and the
	// last step writes the final carry. A carry that is saved (the history the gradient reads)
	// goes straight into the next step's row of its stack instead, and is read from there.
	hist := carryHistory(p.Body, nc, nOut)
	dst := make([]*tensor.Tensor, nc+nOut+p.NumSaved)
	spare := make([]*tensor.Tensor, nc)
	for j, c := range out[:nc] {
		if length > 1 {
			spare[j] = tensor.New(c.DType(), c.Shape())
		}
	}
	var plan *Plan // every step has the same argument shapes: one plan serves them all
	for k := range length {
		i, next := k, k+1
		if p.Reverse {
			i, next = length-1-k, length-2-k
		}
		if !p.NoHistory {
			for j, c := range args[:nc] {
				tensor.Convert(row(out[nc+nOut+j], i), c) // the carry step i starts from
			}
		}
		for j, m := range hist {
			if m >= 0 && k == 0 {
				r := row(saved[m], i)
				tensor.Convert(r, args[j])
				args[j] = r
			}
		}
		for j, x := range in[nc : nc+ns] {
			args[nc+j] = row(x, i)
		}
		if plan == nil {
			var err error
			if plan, err = p.plans.plan(p.Body, args); err != nil {
				return fmt.Errorf("step %d: %w", i, err)
			}
		}
		scanDst(dst, p, out, spare, hist, args, length, k, i, next)
		if err := plan.RunInto(args, dst); err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
		copy(args, dst[:nc])
	}
	if length == 0 {
		for j, c := range in[:nc] {
			tensor.Convert(out[j], c)
		}
	}
	return nil
}

// scanDst sets the destinations of step k of length (element i, followed by element next) of a
// scan: see runScan.
func scanDst(dst []*tensor.Tensor, p ScanParams, out, spare []*tensor.Tensor, hist []int, args []*tensor.Tensor, length, k, i, next int) {
	nc := p.NumCarry
	nOut := len(out) - 2*nc - p.NumSaved
	saved := out[2*nc+nOut:]
	if (length-1-k)%2 == 0 {
		copy(dst, out[:nc])
	} else {
		copy(dst, spare)
	}
	for j := range nOut {
		dst[nc+j] = row(out[nc+j], i)
	}
	for j := range p.NumSaved {
		dst[nc+nOut+j] = row(saved[j], i)
	}
	for j, m := range hist {
		if m < 0 {
			continue
		}
		dst[nc+nOut+m] = args[j] // the carry this step read is in its row already
		if k < length-1 {
			dst[j] = row(saved[m], next)
		}
	}
}

// carryHistory returns, by carry, the index among body's saved results (after the nc carries
// and nOut outputs) of the first that is the carry's parameter itself, or -1.
func carryHistory(body *Graph, nc, nOut int) []int {
	hist := make([]int, nc)
	for j, prm := range body.Params[:nc] {
		hist[j] = -1
		for m, o := range body.Outputs[nc+nOut:] {
			if o == prm {
				hist[j] = m
				break
			}
		}
	}
	return hist
}

// Scan runs fn over the leading axis of the sequences xs (all of one length, at least one),
// threading the carry from init, and returns the final carry and each step output stacked
// along a new leading axis — an RNN over a sequence, say. Eagerly it is a Go loop; traced, the
// step becomes a subgraph run by a scan node, so a long sequence is not unrolled into the graph,
// and the sequence length may be unknown until run time. Gradients flow to init, xs and the
// tracked tensors (trainable variables) fn reads, in both modes. It panics with a *core.Error
// when the sequences' lengths differ, or the step changes the carry's dtype or shape.
func Scan(fn ScanFunc, init []*tensor.Tensor, xs ...*tensor.Tensor) (carry, ys []*tensor.Tensor) {
	if len(xs) == 0 {
		errs.Panic("scan", "no sequences: at least one is needed to set the length")
	}
	if !anySymbolic(append(append([]*tensor.Tensor{}, init...), xs...)...) {
		return scanEager(fn, init, xs)
	}
	return scanTraced(fn, init, xs, false)
}

// scanTraced traces fn into a scan node over init and xs, run backwards if reverse; its carry
// history is off until a gradient needs it.
func scanTraced(fn ScanFunc, init, xs []*tensor.Tensor, reverse bool) (carry, ys []*tensor.Tensor) {
	nc, ns := len(init), len(xs)
	specs := specsOf(init)
	for _, x := range xs {
		if x.Rank() == 0 {
			errs.Panic("scan", "sequence of shape [] cannot be sliced along axis 0")
		}
		specs = append(specs, core.Spec{DType: x.DType(), Shape: x.Shape()[1:]})
	}
	nOut := -1
	body := traceBranch("scan", "step", specs, func(a []*tensor.Tensor) []*tensor.Tensor {
		next, y := fn(a[:nc], a[nc:])
		if len(next) != nc {
			errs.Panic("scan", "step returns %d carries for %d", len(next), nc)
		}
		nOut = len(y)
		return append(append([]*tensor.Tensor{}, next...), y...)
	}, append(append([]*tensor.Tensor{}, init...), xs...)...)
	lifted := liftTracked(body)
	optimizeBranches("scan", body)
	p := ScanParams{Fn: fn, Body: body, NumCarry: nc, NumSeq: ns, NumOut: nOut, NumLifted: len(lifted), Lifted: lifted,
		Reverse: reverse, NoHistory: true, plans: &planCache{}, split: &scanSplit{}}
	in := append(append(append([]*tensor.Tensor{}, init...), xs...), lifted...)
	out := core.Apply(scanOp, p, in...)
	return out[:nc], out[nc : nc+nOut]
}

func scanEager(fn ScanFunc, init, xs []*tensor.Tensor) (carry, ys []*tensor.Tensor) {
	length := xs[0].Dim(0)
	slices := make([][]*tensor.Tensor, len(xs))
	for j, x := range xs {
		if x.Rank() == 0 || x.Dim(0) != length {
			errs.Panic("scan", "sequence %d has shape %v, sequence 0 has length %d", j, x.Shape(), length)
		}
		if length > 0 {
			for _, part := range ops.Split(x, 0, length) {
				slices[j] = append(slices[j], ops.Squeeze(part, 0))
			}
		}
	}
	carry = init
	var steps [][]*tensor.Tensor
	for i := range length {
		x := make([]*tensor.Tensor, len(xs))
		for j := range xs {
			x[j] = slices[j][i]
		}
		next, y := fn(carry, x)
		if len(next) != len(carry) {
			errs.Panic("scan", "step returns %d carries for %d", len(next), len(carry))
		}
		for j := range next {
			if next[j].DType() != carry[j].DType() || !next[j].Shape().Equal(carry[j].Shape()) {
				errs.Panic("scan", "step returns carry %d as %s%v, it came in as %s%v", j, next[j].DType(), next[j].Shape(), carry[j].DType(), carry[j].Shape())
			}
		}
		carry = next
		steps = append(steps, y)
	}
	if length == 0 {
		errs.Panic("scan", "sequences of length 0 eagerly: the step outputs' shapes are unknown")
	}
	for j := range steps[0] {
		col := make([]*tensor.Tensor, len(steps))
		for i := range steps {
			col[i] = steps[i][j]
		}
		ys = append(ys, ops.Stack(0, col...))
	}
	return carry, ys
}

// gradScan runs the step's vector-Jacobian product backwards over the sequence as another scan:
// its carry is the gradient of the carry plus running sums for the lifted tensors, and its step
// outputs are the gradients of the sequence slices. When it can, the forward scan is made to save
// the step's intermediates that the backward step reads, so that the backward does not recompute
// the forward step (scan_grad.go); otherwise the backward step recomputes it.
//
// The saved intermediates and history are not tracked for gradients, so when this gradient may
// be differentiated again (autodiff.CreateGraph: its inputs are tracked) the backward step
// recomputes instead, from the history of a second, tracked run of the scan; gradients of that
// history (second order) are added to the carry's gradient step by step.
func gradScan(p ScanParams, in, out, g []*tensor.Tensor) []*tensor.Tensor {
	if p.Fn == nil {
		panic(core.Errorf("scan", "the scan has no Go step to differentiate (it was loaded from a file, or is the backward scan of a first-order gradient)"))
	}
	nc, nl := p.NumCarry, len(p.Lifted)
	seqs, withHist := scanGradSeqs(p, in, out[nc+p.NumOut:2*nc+p.NumOut], g)
	if !withHist && !anyTracked(in) && !anyTracked(out) {
		if res := gradScanSaved(p, in, out, g); res != nil {
			return res
		}
	}
	if p.NoHistory { // run the scan again, keeping its history
		p.NoHistory, p.split = false, nil
		out = core.Apply(scanOp, p, in...)
		seqs, _ = scanGradSeqs(p, in, out[nc+p.NumOut:2*nc+p.NumOut], g)
	}
	init := append([]*tensor.Tensor{}, g[:nc]...)
	for _, l := range p.Lifted {
		init = append(init, ops.ZerosLike(l))
	}
	final, gxs := scanTraced(scanBackFn(p, withHist), init, seqs, !p.Reverse)
	res := append(append([]*tensor.Tensor{}, final[:nc]...), gxs...)
	return append(res, final[nc:nc+nl]...)
}

// scanGradSeqs returns the sequences of the backward scan: the carries each step started from
// (history), the forward sequences, the gradients of the step outputs and, when some are not
// zeros (withHist), the gradients of the history.
func scanGradSeqs(p ScanParams, in, history, g []*tensor.Tensor) (seqs []*tensor.Tensor, withHist bool) {
	nc, ns, nOut := p.NumCarry, p.NumSeq, p.NumOut
	seqs = append([]*tensor.Tensor{}, history...)
	seqs = append(seqs, in[nc:nc+ns]...)
	seqs = append(seqs, g[nc:nc+nOut]...)
	gHist := g[nc+nOut : 2*nc+nOut]
	for _, t := range gHist {
		withHist = withHist || !isZeros(t)
	}
	if withHist {
		seqs = append(seqs, gHist...)
	}
	return seqs, withHist
}

// isZeros reports whether t is known to be zeros: empty, or a traced fill_like of 0 (the seed
// autodiff gives an output that no gradient reaches).
func isZeros(t *tensor.Tensor) bool {
	if t.Size() == 0 {
		return true
	}
	v, ok := t.Symbol().(*Value)
	if !ok || v.Producer == nil {
		return false
	}
	f, ok := v.Producer.Params.(ops.FillLikeParams)
	return ok && v.Producer.Op.Name() == "fill_like" && f.Value == 0
}

func anyTracked(ts []*tensor.Tensor) bool {
	for _, t := range ts {
		if autodiff.IsTracked(t) {
			return true
		}
	}
	return false
}

// scanBackFn returns the backward step that recomputes the forward step: its carry is the
// gradient of the carry and the running sums of the lifted tensors' gradients, its sequences
// those of scanGradSeqs (any further ones, saved intermediates, are ignored), and its outputs
// the gradients of the sequence slices.
func scanBackFn(p ScanParams, withHist bool) ScanFunc {
	nc, ns, nOut := p.NumCarry, p.NumSeq, p.NumOut
	return func(carry, x []*tensor.Tensor) (next, y []*tensor.Tensor) {
		c, xi, gy := x[:nc], x[nc:nc+ns], x[nc+ns:nc+ns+nOut]
		seeds := append(append([]*tensor.Tensor{}, carry[:nc]...), gy...)
		step := func(a []*tensor.Tensor) []*tensor.Tensor {
			n, y := p.Fn(a[:nc], a[nc:])
			return append(append([]*tensor.Tensor{}, n...), y...)
		}
		grads := liftedVJP(step, append(append([]*tensor.Tensor{}, c...), xi...), seeds, p.Lifted)
		next = append([]*tensor.Tensor{}, grads[:nc]...) // a copy: appending must not overwrite grads
		if withHist {
			for j, gh := range x[nc+ns+nOut : 2*nc+ns+nOut] {
				next[j] = ops.Add(next[j], gh)
			}
		}
		for j, acc := range carry[nc:] {
			next = append(next, ops.Add(acc, grads[nc+ns+j]))
		}
		return next, grads[nc : nc+ns]
	}
}
