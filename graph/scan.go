package graph

import (
	"fmt"

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
// the lifted tensors; its outputs the final carry, the stacked step outputs, and the stacked
// carries each step started from (kept for the gradient).
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
	plans     *planCache
}

var scanOp *core.Op

func init() {
	scanOp = core.Declare(core.Def[ScanParams]{
		Name: "scan", Doc: "loop a step subgraph over the leading axis of sequences, threading a carry and stacking outputs (ONNX Scan, jax.lax.scan)",
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
	for _, y := range body[nc:] {
		out = append(out, core.Spec{DType: y.DType, Shape: append(shape.Shape{length}, y.Shape...)})
	}
	for _, c := range in[:nc] {
		out = append(out, core.Spec{DType: c.DType, Shape: append(shape.Shape{length}, c.Shape...)})
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
	carry := in[:nc]
	args := make([]*tensor.Tensor, nc+ns+p.NumLifted)
	copy(args[nc+ns:], in[nc+ns:])
	nOut := len(out) - 2*nc
	var plan *Plan // every step has the same argument shapes: one plan serves them all
	for i := range length {
		for j, c := range carry {
			tensor.Convert(row(out[nc+nOut+j], i), c) // the carry step i starts from
		}
		copy(args, carry)
		for j, x := range in[nc : nc+ns] {
			args[nc+j] = row(x, i)
		}
		if plan == nil {
			var err error
			if plan, err = p.plans.plan(p.Body, args); err != nil {
				return fmt.Errorf("step %d: %w", i, err)
			}
		}
		res, err := plan.Run(args)
		if err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
		for j, y := range res[nc:] {
			tensor.Convert(row(out[nc+j], i), y)
		}
		carry = res[:nc]
	}
	for j, c := range carry {
		tensor.Convert(out[j], c)
	}
	return nil
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
	p := ScanParams{Fn: fn, Body: body, NumCarry: nc, NumSeq: ns, NumOut: nOut, NumLifted: len(lifted), Lifted: lifted, plans: &planCache{}}
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
// outputs are the gradients of the sequence slices.
func gradScan(p ScanParams, in, out, g []*tensor.Tensor) []*tensor.Tensor {
	if p.Fn == nil {
		panic(core.Errorf("scan", "a scan loaded from a file has no Go step to differentiate"))
	}
	nc, ns, nOut, nl := p.NumCarry, p.NumSeq, p.NumOut, len(p.Lifted)
	history := out[nc+nOut:]
	gCarry, gYs := g[:nc], g[nc:nc+nOut]
	xs := in[nc : nc+ns]
	// Reverse the sequences so the backward scan runs forward over them.
	var seqs []*tensor.Tensor
	for _, t := range history {
		seqs = append(seqs, ops.Flip(t, 0))
	}
	for _, t := range xs {
		seqs = append(seqs, ops.Flip(t, 0))
	}
	for _, t := range gYs {
		seqs = append(seqs, ops.Flip(t, 0))
	}
	init := append([]*tensor.Tensor{}, gCarry...)
	for _, l := range p.Lifted {
		init = append(init, ops.ZerosLike(l))
	}
	back := func(carry, x []*tensor.Tensor) (next, y []*tensor.Tensor) {
		c, xi, gy := x[:nc], x[nc:nc+ns], x[nc+ns:]
		seeds := append(append([]*tensor.Tensor{}, carry[:nc]...), gy...)
		step := func(a []*tensor.Tensor) []*tensor.Tensor {
			n, y := p.Fn(a[:nc], a[nc:])
			return append(append([]*tensor.Tensor{}, n...), y...)
		}
		grads := branchVJP(step, append(append([]*tensor.Tensor{}, c...), xi...), seeds, p.Lifted)
		next = append([]*tensor.Tensor{}, grads[:nc]...) // a copy: appending must not overwrite grads
		for j, acc := range carry[nc:] {
			next = append(next, ops.Add(acc, grads[nc+ns+j]))
		}
		return next, grads[nc : nc+ns]
	}
	final, gxsRev := Scan(back, init, seqs...)
	res := append([]*tensor.Tensor{}, final[:nc]...)
	for _, t := range gxsRev {
		res = append(res, ops.Flip(t, 0))
	}
	return append(res, final[nc:nc+nl]...)
}
