package autodiff

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Watch returns a tensor that shares t's data (or graph value) and is tracked for gradients:
// every differentiable op applied to it, directly or through other tracked tensors, records how
// its result was computed, so that [Grad] can later differentiate with respect to it. It is the
// functional counterpart of PyTorch's requires_grad.
func Watch(t *tensor.Tensor) *tensor.Tensor {
	w := t.Detach()
	w.SetNode(leaf(w))
	return w
}

func leaf(t *tensor.Tensor) *core.Node {
	return &core.Node{Outputs: []*tensor.Tensor{t}, Seq: core.NextSeq()}
}

// IsTracked reports whether t is tracked for gradients.
func IsTracked(t *tensor.Tensor) bool { return core.NodeOf(t) != nil }

// StopGradient returns x without its gradient record: it has the same value (or graph value),
// and gradients do not flow through it.
func StopGradient(x *tensor.Tensor) *tensor.Tensor { return x.Detach() }

// GradOption configures [Gradients].
type GradOption func(*gradConfig)

type gradConfig struct {
	outGrads    []*tensor.Tensor
	createGraph bool
}

// OutputGrads seeds the backward pass with the given gradients of the outputs (one per output,
// same shapes), computing vector-Jacobian products; without it every output must have one element
// and is seeded with 1.
func OutputGrads(dys ...*tensor.Tensor) GradOption {
	return func(c *gradConfig) { c.outGrads = dys }
}

// CreateGraph makes the backward pass itself recorded, so that the returned gradients are
// tracked and can be differentiated again (second and higher order). Without it the gradients
// are plain tensors and the backward pass records nothing.
func CreateGraph() GradOption {
	return func(c *gradConfig) { c.createGraph = true }
}

// Grad returns the gradient of the one-element tensor y with respect to each of xs, which must be
// tracked (watched tensors or trainable variables' values); a tracked tensor that y does not
// depend on gets zeros, an integer one too. It panics with a *core.Error if y has more than one
// element or is not tracked, or a float input is not tracked. See [Gradients] for vector-Jacobian products and higher order.
func Grad(y *tensor.Tensor, xs ...*tensor.Tensor) []*tensor.Tensor {
	return Gradients([]*tensor.Tensor{y}, xs)
}

// GradVariables is [Grad] with respect to the values of variables.
func GradVariables(y *tensor.Tensor, vars ...*Variable) []*tensor.Tensor {
	xs := make([]*tensor.Tensor, len(vars))
	for i, v := range vars {
		xs[i] = v.Value()
	}
	return Grad(y, xs...)
}

// VJP returns the vector-Jacobian product dyᵀ·∂y/∂x for each of xs.
func VJP(y, dy *tensor.Tensor, xs ...*tensor.Tensor) []*tensor.Tensor {
	return Gradients([]*tensor.Tensor{y}, xs, OutputGrads(dy))
}

// Gradients returns, for each of xs, the sum over ys of the vector-Jacobian products of ys
// (seeded with ones, or with [OutputGrads]) with respect to it. It runs the gradient rules of the
// recorded ops in reverse order, on concrete tensors eagerly or on symbolic ones while traced.
// It panics with a *core.Error on a y that is not tracked, a seed of the wrong shape, or an
// implicit seed for a y with more than one element.
func Gradients(ys, xs []*tensor.Tensor, opts ...GradOption) []*tensor.Tensor {
	var cfg gradConfig
	for _, o := range opts {
		o(&cfg)
	}
	b := &backward{createGraph: cfg.createGraph, grads: map[*core.Node][]*tensor.Tensor{},
		epoch: tensor.MemoryEpoch(), holds: map[*tensor.Tensor]int{}, targets: map[*core.Node]bool{}}
	b.seed(ys, cfg.outGrads)
	b.releaseUnheld()
	targets := make([]*core.Node, len(xs))
	for i, x := range xs {
		targets[i] = core.NodeOf(x)
		b.targets[targets[i]] = true
		if targets[i] == nil && x.DType().IsFloat() {
			// A zero would be a silently wrong answer when y does depend on x.
			panic(core.Errorf("autodiff.Gradients", "input %d (%s%v) is not tracked for gradients: use autodiff.Watch or a trainable Variable", i, x.DType(), x.Shape()))
		}
	}
	b.run(ys, targets)
	out := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		out[i] = b.gradOf(x)
		if out[i] == nil {
			out[i] = ops.ZerosLike(x.Detach())
		}
	}
	return out
}

type backward struct {
	createGraph bool
	grads       map[*core.Node][]*tensor.Tensor // accumulated gradient of each output of a node
	relevant    map[*core.Node]bool
	targets     map[*core.Node]bool

	// Gradients the pass made itself (memory allocated after epoch) are released as soon as no
	// slot of grads holds them, so that the next gradient of that size reuses their memory.
	// holds counts the slots holding each tensor; spent lists tensors that left a slot or were
	// summed into one, released at the next point where nothing else can still refer to them.
	// The gradients of the targets are handed out, so their slots are never given up; with
	// createGraph nothing is released, since the gradients are part of a recorded graph.
	epoch uint64
	holds map[*tensor.Tensor]int
	spent []*tensor.Tensor
}

// hold records that a slot holds g.
func (b *backward) hold(g *tensor.Tensor) { b.holds[g]++ }

// drop records that g left a slot or was consumed, making it a candidate for release.
func (b *backward) drop(g *tensor.Tensor, held bool) {
	if held {
		if b.holds[g]--; b.holds[g] == 0 {
			delete(b.holds, g)
		}
	}
	b.spent = append(b.spent, g)
}

// releaseUnheld releases the spent tensors that no slot holds and that this pass allocated:
// a gradient rule may hand back one of its output gradients, or the same tensor for two inputs,
// which the holds see since they count tensors, not memory; views share memory counted by the
// tensor package.
func (b *backward) releaseUnheld() {
	for _, g := range b.spent {
		if !b.createGraph && b.holds[g] == 0 && !g.Released() && g.AllocatedAfter(b.epoch) {
			g.Release()
		}
	}
	clear(b.spent)
	b.spent = b.spent[:0]
}

func (b *backward) seed(ys, dys []*tensor.Tensor) {
	if dys != nil && len(dys) != len(ys) {
		panic(core.Errorf("autodiff.Gradients", "got %d output gradients for %d outputs", len(dys), len(ys)))
	}
	for i, y := range ys {
		if core.NodeOf(y) == nil {
			panic(core.Errorf("autodiff.Gradients", "output %d (%s%v) is not tracked for gradients: no watched tensor or variable was used to compute it", i, y.DType(), y.Shape()))
		}
		var dy *tensor.Tensor
		if dys != nil {
			dy = dys[i]
			if !dy.Shape().Equal(y.Shape()) {
				panic(core.Errorf("autodiff.Gradients", "output gradient %d has shape %v, output has %v", i, dy.Shape(), y.Shape()))
			}
			dy = ops.Cast(dy, y.DType())
		} else {
			if y.Size() != 1 {
				panic(core.Errorf("autodiff.Grad", "output has shape %v; an implicit gradient needs one element (use OutputGrads for a vector-Jacobian product)", y.Shape()))
			}
			dy = ops.OnesLike(y.Detach())
		}
		if !b.createGraph {
			dy = dy.Detach()
		}
		b.accumulate(y, dy)
	}
}

// outputIndex returns the position of t among its node's outputs.
func outputIndex(n *core.Node, t *tensor.Tensor) int {
	for i, o := range n.Outputs {
		if o == t {
			return i
		}
	}
	// A header made by Reshape-to-the-same-shape or similar returns the tensor itself, so a
	// tracked tensor is always one of its node's outputs; 0 is the only sensible fallback.
	return 0
}

func (b *backward) accumulate(t, g *tensor.Tensor) {
	n := core.NodeOf(t)
	gs := b.grads[n]
	if gs == nil {
		gs = make([]*tensor.Tensor, len(n.Outputs))
		b.grads[n] = gs
	}
	i := outputIndex(n, t)
	if g.DType() != t.DType() {
		b.drop(g, false)
		g = ops.Cast(g, t.DType())
	}
	if gs[i] == nil {
		gs[i] = g
		b.hold(g)
		return
	}
	sum := ops.Add(gs[i], g)
	b.drop(gs[i], true)
	b.drop(g, false)
	gs[i] = sum
	b.hold(sum)
}

func (b *backward) gradOf(x *tensor.Tensor) *tensor.Tensor {
	n := core.NodeOf(x)
	if n == nil {
		return nil
	}
	gs := b.grads[n]
	if gs == nil {
		return nil
	}
	return gs[outputIndex(n, x)]
}

// run applies the gradient rules of every node between ys and the targets, outputs before inputs.
func (b *backward) run(ys []*tensor.Tensor, targets []*core.Node) {
	order := topoOrder(ys)
	b.markRelevant(order, targets)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.Op == nil || !b.relevant[n] {
			continue
		}
		gout := b.grads[n]
		if gout == nil {
			continue
		}
		b.apply(n, gout)
	}
}

func (b *backward) apply(n *core.Node, gout []*tensor.Tensor) {
	gout = append([]*tensor.Tensor(nil), gout...)
	for i, g := range gout {
		if g == nil {
			gout[i] = ops.ZerosLike(n.Outputs[i].Detach())
		}
	}
	in, out := n.Inputs, n.Outputs
	if !b.createGraph {
		in, out = detachAll(in), detachAll(out)
	}
	gin := n.Op.Grad(n.Params, in, out, gout)
	for i, g := range gin {
		x := n.Inputs[i]
		if g == nil {
			continue
		}
		if !b.relevant[core.NodeOf(x)] {
			b.drop(g, false)
			continue
		}
		b.accumulate(x, g)
	}
	// n's output gradients are spent unless n is a target (they are handed out).
	for i, g := range gout {
		if slot := b.grads[n][i]; slot != nil && !b.targets[n] {
			b.drop(slot, true)
		} else if slot == nil {
			b.drop(g, false) // the zeros made above
		}
	}
	if !b.targets[n] {
		delete(b.grads, n)
	}
	b.releaseUnheld()
}

func detachAll(ts []*tensor.Tensor) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(ts))
	for i, t := range ts {
		out[i] = t.Detach()
	}
	return out
}

// topoOrder returns the nodes reachable from ys with every node after the nodes of its inputs.
func topoOrder(ys []*tensor.Tensor) []*core.Node {
	var order []*core.Node
	seen := map[*core.Node]bool{}
	type frame struct {
		n    *core.Node
		next int
	}
	var stack []frame
	for _, y := range ys {
		root := core.NodeOf(y)
		if root == nil || seen[root] {
			continue
		}
		seen[root] = true
		stack = append(stack, frame{n: root})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < len(top.n.Inputs) {
				in := core.NodeOf(top.n.Inputs[top.next])
				top.next++
				if in != nil && !seen[in] {
					seen[in] = true
					stack = append(stack, frame{n: in})
				}
				continue
			}
			order = append(order, top.n)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}

// markRelevant marks the nodes from which some target can be reached: only their gradients
// are computed.
func (b *backward) markRelevant(order []*core.Node, targets []*core.Node) {
	b.relevant = map[*core.Node]bool{}
	for _, t := range targets {
		if t != nil {
			b.relevant[t] = true
		}
	}
	for _, n := range order {
		if b.relevant[n] {
			continue
		}
		for _, in := range n.Inputs {
			if m := core.NodeOf(in); m != nil && b.relevant[m] {
				b.relevant[n] = true
				break
			}
		}
	}
}
