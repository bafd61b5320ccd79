package graph

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The gradient of a traced While, as TensorFlow's while_loop gradient: the forward loop pushes
// the state each iteration starts from on a stack, and a backward loop pops it, running the
// body's vector-Jacobian product for the same number of iterations in reverse. The iteration
// count is known only at run time, and a plan gives every node output a shape before running,
// so the stack cannot be an output of the while node; instead one while_grad node runs the
// forward loop again to fill its stack (one more forward pass, never one per iteration) and
// then the backward loop. Its outputs are the gradients of the initial state and of the lifted
// tensors (variables and values of enclosing graphs the loop reads).

// WhileGradParams are the params of a while_grad node. Its inputs are the initial state, the
// gradients of the final state (seeds), the forward loop's lifted tensors and the backward
// body's lifted tensors; its outputs the gradients of the initial state and of the forward
// loop's lifted tensors.
type WhileGradParams struct {
	// CondGraph and BodyGraph are the forward loop's (state, then lifted). VJPGraph maps (state,
	// gradient of the next state, running gradient sums of the lifted tensors, then its own
	// lifted tensors) to (gradient of the state, updated sums).
	CondGraph, BodyGraph, VJPGraph *Graph
	NumState, NumLifted            int
	MaxIterations                  int // 0: no limit
	plans                          *planCache
}

var whileGradOp *core.Op

func init() {
	whileGradOp = core.Declare(core.Def[WhileGradParams]{
		Name: "while_grad", Overwrites: true, Doc: "the gradient of while: rerun the loop keeping each iteration's state, then run the body's vector-Jacobian product over them in reverse (tf.while_loop's gradient)",
		DTypes: dtype.All, KeyInput: -1, Infer: inferWhileGrad,
		Grad: func(WhileGradParams, []*tensor.Tensor, []*tensor.Tensor, []*tensor.Tensor) []*tensor.Tensor {
			panic(core.Errorf("while", "second-order gradients through a traced While are not supported; differentiate an eager loop twice, or unroll it with Go control flow"))
		},
	})
	for _, dt := range dtype.All {
		core.RegisterKernel(whileGradOp, dt, "ref", core.PriorityRef, runWhileGrad)
	}
}

func inferWhileGrad(p WhileGradParams, in []core.Spec) ([]core.Spec, error) {
	ns, nl := p.NumState, p.NumLifted
	if ns == 0 || len(in) < 2*ns+nl {
		return nil, fmt.Errorf("got %d inputs for %d states and %d lifted", len(in), ns, nl)
	}
	for i := range ns {
		if in[i].DType != in[ns+i].DType || len(in[i].Shape) != len(in[ns+i].Shape) {
			return nil, fmt.Errorf("gradient %d is %v for a state %v", i, in[ns+i], in[i])
		}
	}
	out := append([]core.Spec(nil), in[:ns]...)
	return append(out, in[2*ns:2*ns+nl]...), nil
}

func runWhileGrad(p WhileGradParams, in, out []*tensor.Tensor) error {
	ns, nl := p.NumState, p.NumLifted
	fwd := WhileParams{CondGraph: p.CondGraph, BodyGraph: p.BodyGraph, MaxIterations: p.MaxIterations, NumLifted: nl, plans: p.plans}
	var stack [][]*tensor.Tensor
	fwdIn := append(append([]*tensor.Tensor(nil), in[:ns]...), in[2*ns:2*ns+nl]...)
	if _, err := loopWhile(fwd, fwdIn, func(s []*tensor.Tensor) { stack = append(stack, s) }); err != nil {
		return err
	}
	args := make([]*tensor.Tensor, 0, len(in))
	grads := append([]*tensor.Tensor(nil), in[ns:2*ns]...)
	for _, l := range in[2*ns : 2*ns+nl] {
		grads = append(grads, tensor.New(l.DType(), l.Shape()))
	}
	for k := len(stack) - 1; k >= 0; k-- {
		args = append(append(append(args[:0], stack[k]...), grads...), in[2*ns+nl:]...)
		res, err := p.plans.run(p.VJPGraph, args)
		if err != nil {
			return fmt.Errorf("gradient body, iteration %d: %w", k, err)
		}
		grads = res
	}
	return copyOut(out, grads)
}

// gradWhile differentiates a traced while node: a while_grad node over the body's
// vector-Jacobian product.
func gradWhile(p WhileParams, in, _, g []*tensor.Tensor) []*tensor.Tensor {
	if p.Body == nil {
		panic(core.Errorf("while", "a while loaded from a file has no Go body to differentiate"))
	}
	ns, nl := len(in)-p.NumLifted, p.NumLifted
	specs := append(append(specsOf(in[:ns]), specsOf(in[:ns])...), specsOf(in[ns:])...)
	vjp := func(a []*tensor.Tensor) []*tensor.Tensor {
		grads := liftedVJP(p.Body, a[:ns], a[ns:2*ns], p.Lifted)
		for j, acc := range a[2*ns:] {
			grads[ns+j] = ops.Add(acc, grads[ns+j])
		}
		return grads
	}
	vg := traceBranch("while", "gradient body", specs, vjp, append(append([]*tensor.Tensor(nil), in...), g...)...)
	lifted := liftTracked(vg)
	optimizeBranches("while", vg)
	gp := WhileGradParams{CondGraph: p.CondGraph, BodyGraph: p.BodyGraph, VJPGraph: vg, NumState: ns, NumLifted: nl,
		MaxIterations: p.MaxIterations, plans: p.plans}
	args := append(append(append(append([]*tensor.Tensor(nil), in[:ns]...), g...), in[ns:]...), lifted...)
	return core.Apply(whileGradOp, gp, args...)
}

// liftedVJP is branchVJP for lifted tensors that may not be tracked (a value of an enclosing
// graph computed from constants): their gradients are zeros.
func liftedVJP(fn Branch, operands, seeds, lifted []*tensor.Tensor) []*tensor.Tensor {
	var tracked []*tensor.Tensor
	var at []int
	for j, l := range lifted {
		if autodiff.IsTracked(l) || !l.DType().IsFloat() {
			tracked, at = append(tracked, l), append(at, j)
		}
	}
	g := branchVJP(fn, operands, seeds, tracked)
	out := append([]*tensor.Tensor(nil), g[:len(operands)]...)
	for _, l := range lifted {
		out = append(out, zerosOf(l))
	}
	for i, j := range at {
		out[len(operands)+j] = g[len(operands)+i]
	}
	return out
}
