package graph

import (
	"fmt"
	"sync"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Branch is a function of a control-flow op: it takes the operands and returns results. It
// must not use tensors of an enclosing traced function other than through its operands (a
// variable or a constant is fine).
type Branch func(operands []*tensor.Tensor) []*tensor.Tensor

// CondParams are the params of a cond node: the two branches as Go functions (for gradients)
// and as graphs traced for the operands' specs (for running).
type CondParams struct {
	Then, Else           Branch `graph:"-"`
	ThenGraph, ElseGraph *Graph
	// NumOperands counts the explicit operands; the node's further inputs are Lifted.
	NumOperands int
	// Lifted are the tensors tracked for gradients (trainable variables, say) that the
	// branches read directly: they are extra inputs of the node, so gradients reach them.
	Lifted []*tensor.Tensor `graph:"-"`
	plans  *planCache
}

// WhileParams are the params of a while node. Its inputs are the initial state and then the
// lifted tensors; its outputs the final state.
type WhileParams struct {
	Cond                 func(state []*tensor.Tensor) *tensor.Tensor `graph:"-"`
	Body                 Branch                                      `graph:"-"`
	CondGraph, BodyGraph *Graph
	MaxIterations        int // 0: no limit
	// NumLifted counts the node's inputs after the state: the tensors of enclosing graphs and
	// the tracked variables that the condition and body read (Lifted, kept in memory only, for
	// the gradient). Both subgraphs take them as parameters after the state.
	NumLifted int
	Lifted    []*tensor.Tensor `graph:"-"`
	plans     *planCache
}

// planCache keeps a Plan per graph and concrete signature.
type planCache struct{ m sync.Map }

func (c *planCache) run(g *Graph, args []*tensor.Tensor) ([]*tensor.Tensor, error) {
	p, err := c.plan(g, args)
	if err != nil {
		return nil, err
	}
	return p.Run(args)
}

// plan returns g's plan for arguments like args.
func (c *planCache) plan(g *Graph, args []*tensor.Tensor) (*Plan, error) {
	specs := make([]core.Spec, len(args))
	for i, a := range args {
		specs[i] = core.SpecOf(a)
	}
	if c == nil { // a graph loaded from a file: no cache was made
		return g.NewPlan(specs)
	}
	key := fmt.Sprintf("%p|%s", g, signature(specs))
	p, ok := c.m.Load(key)
	if !ok {
		np, err := g.NewPlan(specs)
		if err != nil {
			return nil, err
		}
		p, _ = c.m.LoadOrStore(key, np)
	}
	return p.(*Plan), nil
}

var condOp, whileOp *core.Op

func init() {
	condOp = core.Declare(core.Def[CondParams]{
		Name: "cond", Overwrites: true, Doc: "run one of two subgraphs on the operands, chosen by a boolean scalar (ONNX If, tf.cond)",
		DTypes: []dtype.DType{dtype.Bool}, Grad: gradCond,
		Infer: func(p CondParams, in []core.Spec) ([]core.Spec, error) {
			if len(in) == 0 || in[0].DType != dtype.Bool || in[0].Shape.Size() != 1 && in[0].Shape.Known() {
				return nil, fmt.Errorf("the predicate must be a bool with one element, got %v", first(in))
			}
			ts, err := inferGraph(p.ThenGraph, in[1:])
			if err != nil {
				return nil, fmt.Errorf("then branch: %w", err)
			}
			es, err := inferGraph(p.ElseGraph, in[1:])
			if err != nil {
				return nil, fmt.Errorf("else branch: %w", err)
			}
			return mergeBranches(ts, es)
		},
	})
	core.RegisterKernel(condOp, dtype.Bool, "ref", core.PriorityRef, func(p CondParams, in, out []*tensor.Tensor) error {
		g := p.ElseGraph
		if in[0].Bools()[0] {
			g = p.ThenGraph
		}
		res, err := p.plans.run(g, in[1:])
		if err != nil {
			return err
		}
		return copyOut(out, res)
	})

	whileOp = core.Declare(core.Def[WhileParams]{
		Name: "while", Overwrites: true, Doc: "repeat a body subgraph on a state while a condition subgraph is true (ONNX Loop, tf.while_loop)",
		DTypes: dtype.All, KeyInput: -1, Grad: gradWhile,
		Infer: func(p WhileParams, in []core.Spec) ([]core.Spec, error) {
			if len(in) <= p.NumLifted {
				return nil, fmt.Errorf("no loop state")
			}
			if err := matchParams(p.BodyGraph, in); err != nil {
				return nil, fmt.Errorf("body: %w", err)
			}
			return append([]core.Spec(nil), in[:len(in)-p.NumLifted]...), nil
		},
	})
	for _, dt := range dtype.All {
		core.RegisterKernel(whileOp, dt, "ref", core.PriorityRef, runWhile)
	}
}

func first(in []core.Spec) any {
	if len(in) == 0 {
		return "nothing"
	}
	return in[0]
}

func runWhile(p WhileParams, in, out []*tensor.Tensor) error {
	state, err := loopWhile(p, in, nil)
	if err != nil {
		return err
	}
	return copyOut(out, state)
}

// loopWhile runs the loop of a while node with inputs in (state, then lifted) and returns the
// final state; visit, if not nil, sees the state each iteration starts from.
func loopWhile(p WhileParams, in []*tensor.Tensor, visit func(state []*tensor.Tensor)) ([]*tensor.Tensor, error) {
	ns := len(in) - p.NumLifted
	args := append([]*tensor.Tensor(nil), in...)
	for i := 0; p.MaxIterations == 0 || i < p.MaxIterations; i++ {
		c, err := p.plans.run(p.CondGraph, args)
		if err != nil {
			return nil, fmt.Errorf("condition: %w", err)
		}
		if !c[0].Bools()[0] {
			break
		}
		if visit != nil {
			visit(args[:ns])
		}
		next, err := p.plans.run(p.BodyGraph, args)
		if err != nil {
			return nil, fmt.Errorf("body, iteration %d: %w", i, err)
		}
		args = append(append([]*tensor.Tensor(nil), next...), in[ns:]...) // a new slice: visit may keep the old
	}
	return args[:ns], nil
}

func copyOut(out, res []*tensor.Tensor) error {
	for i := range out {
		if !res[i].Shape().Equal(out[i].Shape()) {
			return fmt.Errorf("result %d has shape %v, want %v", i, res[i].Shape(), out[i].Shape())
		}
		tensor.Convert(out[i], res[i])
	}
	return nil
}

// matchParams checks operand specs against a subgraph's parameters.
func matchParams(g *Graph, in []core.Spec) error {
	if len(g.Params) != len(in) {
		return fmt.Errorf("takes %d operands, got %d", len(g.Params), len(in))
	}
	for i, p := range g.Params {
		if p.Spec.DType != in[i].DType || len(p.Spec.Shape) != len(in[i].Shape) {
			return fmt.Errorf("operand %d is %v, the branch was traced for %v", i, in[i], p.Spec)
		}
	}
	return nil
}

// inferGraph returns the specs of g's outputs for operands of the given specs: resolved by a
// plan when the operands' shapes are known, as traced otherwise.
func inferGraph(g *Graph, in []core.Spec) ([]core.Spec, error) {
	if err := matchParams(g, in); err != nil {
		return nil, err
	}
	for _, s := range in {
		if !s.Shape.Known() {
			return outputSpecs(g), nil
		}
	}
	p, err := g.NewPlan(in)
	if err != nil {
		return nil, err
	}
	out := make([]core.Spec, len(g.Outputs))
	for i, o := range g.Outputs {
		out[i] = p.specs[o]
	}
	return out, nil
}

// mergeBranches checks that two branches give results of the same dtypes and shapes.
func mergeBranches(ts, es []core.Spec) ([]core.Spec, error) {
	if len(ts) != len(es) {
		return nil, fmt.Errorf("then branch returns %d results, else branch %d", len(ts), len(es))
	}
	for i := range ts {
		if ts[i].DType != es[i].DType || !ts[i].Shape.Equal(es[i].Shape) {
			return nil, fmt.Errorf("result %d is %v in the then branch and %v in the else branch", i, ts[i], es[i])
		}
	}
	return ts, nil
}

func outputSpecs(g *Graph) []core.Spec {
	out := make([]core.Spec, len(g.Outputs))
	for i, o := range g.Outputs {
		out[i] = o.Spec
	}
	return out
}

func specsOf(ts []*tensor.Tensor) []core.Spec {
	s := make([]core.Spec, len(ts))
	for i, t := range ts {
		s[i] = core.SpecOf(t)
	}
	return s
}

// traceBranch traces fn for operands of the given specs into a subgraph nested in the graph the
// symbolic tensors ins belong to (optimised later by optimizeBranches, once its extra operands
// are lifted).
func traceBranch(op, which string, specs []core.Spec, fn Branch, ins ...*tensor.Tensor) *Graph {
	g, err := trace(enclosing(ins), specs, fn)
	if err != nil {
		panic(errs.Wrap(op, fmt.Errorf("%s: %w", which, err)))
	}
	return g
}

// enclosing returns the innermost graph the symbolic tensors among ts belong to.
func enclosing(ts []*tensor.Tensor) *Graph {
	var g *Graph
	for _, t := range ts {
		if v, ok := t.Symbol().(*Value); ok && (g == nil || v.g.inside(g)) {
			g = v.g
		}
	}
	return g
}

func optimizeBranches(op string, gs ...*Graph) {
	for _, g := range gs {
		if err := g.Verify(); err != nil {
			panic(errs.Wrap(op, fmt.Errorf("after tracing: %w", err)))
		}
		if err := Optimize(g, DefaultPasses()...); err != nil {
			panic(errs.Wrap(op, err))
		}
	}
}

func anySymbolic(ts ...*tensor.Tensor) bool {
	for _, t := range ts {
		if t.IsSymbolic() {
			return true
		}
	}
	return false
}

// Cond returns then(operands) when pred (a bool with one element) is true and els(operands)
// otherwise. Eagerly, or when pred is known while tracing, it simply calls the chosen function.
// When pred is symbolic both functions are traced into subgraphs and a cond node chooses at run
// time; their results must have the same dtypes and ranks. Gradients flow to the operands
// through the branch taken. It panics with a *core.Error on a bad predicate or mismatched
// branches.
func Cond(pred *tensor.Tensor, then, els Branch, operands ...*tensor.Tensor) []*tensor.Tensor {
	if !pred.IsSymbolic() {
		if pred.DType() != dtype.Bool || pred.Size() != 1 {
			errs.Panic("cond", "the predicate must be a bool with one element, got %s%v", pred.DType(), pred.Shape())
		}
		if pred.Bools()[0] {
			return then(operands)
		}
		return els(operands)
	}
	specs := specsOf(operands)
	ins := append([]*tensor.Tensor{pred}, operands...)
	tg, eg := traceBranch("cond", "then branch", specs, then, ins...), traceBranch("cond", "else branch", specs, els, ins...)
	if _, err := mergeBranches(outputSpecs(tg), outputSpecs(eg)); err != nil {
		panic(errs.Wrap("cond", err))
	}
	lifted := liftTracked(tg, eg)
	optimizeBranches("cond", tg, eg)
	p := CondParams{Then: then, Else: els, ThenGraph: tg, ElseGraph: eg, NumOperands: len(operands), Lifted: lifted, plans: &planCache{}}
	in := append(append([]*tensor.Tensor{pred}, operands...), lifted...)
	return core.Apply(condOp, p, in...)
}

// gradCond differentiates the branch that runs: a cond over the two branches' vector-Jacobian
// products, with respect to the operands and the lifted tensors.
func gradCond(p CondParams, in, _, g []*tensor.Tensor) []*tensor.Tensor {
	if p.Then == nil {
		panic(core.Errorf("cond", "a cond loaded from a file has no Go branches to differentiate"))
	}
	n := p.NumOperands
	vjp := func(fn Branch) Branch {
		return func(args []*tensor.Tensor) []*tensor.Tensor {
			return branchVJP(fn, args[:n], args[n:], p.Lifted)
		}
	}
	operands := append(append([]*tensor.Tensor{}, in[1:1+n]...), g...)
	grads := Cond(in[0], vjp(p.Then), vjp(p.Else), operands...)
	return append([]*tensor.Tensor{nil}, grads...)
}

// branchVJP returns the gradients of fn's results at operands, seeded with seeds, with respect
// to the operands and then the lifted tensors (zeros where there is no dependence).
func branchVJP(fn Branch, operands, seeds, lifted []*tensor.Tensor) []*tensor.Tensor {
	xs := make([]*tensor.Tensor, len(operands))
	for i, a := range operands {
		xs[i] = a
		if a.DType().IsFloat() && !autodiff.IsTracked(a) {
			xs[i] = autodiff.Watch(a)
		}
	}
	ys := fn(xs)
	var tracked, dys []*tensor.Tensor
	for i, y := range ys {
		if autodiff.IsTracked(y) {
			tracked, dys = append(tracked, y), append(dys, seeds[i])
		}
	}
	wrt := append(append([]*tensor.Tensor{}, xs...), lifted...)
	if len(tracked) == 0 {
		out := make([]*tensor.Tensor, len(wrt))
		for i, x := range wrt {
			out[i] = zerosOf(x)
		}
		return out
	}
	return autodiff.Gradients(tracked, wrt, autodiff.OutputGrads(dys...), autodiff.CreateGraph())
}

// liftTracked turns the values of enclosing graphs that gs use, and the captures of gs that are
// tracked for gradients, into parameters appended after the explicit ones — the same list for
// every graph (unused ones included) — and returns the tensors in that order: the control-flow
// node takes them as extra inputs, so values flow in and gradients reach them.
func liftTracked(gs ...*Graph) []*tensor.Tensor {
	var lifted []*tensor.Tensor
	seen := map[any]bool{}
	key := func(t *tensor.Tensor) any {
		if s := t.Symbol(); s != nil {
			return s
		}
		return t
	}
	for _, g := range gs {
		for _, t := range g.outerTensors {
			if !seen[key(t)] {
				seen[key(t)] = true
				lifted = append(lifted, t)
			}
		}
		for _, c := range g.Captures {
			if autodiff.IsTracked(c.Tensor) && !seen[key(c.Tensor)] {
				seen[key(c.Tensor)] = true
				lifted = append(lifted, c.Tensor)
			}
		}
	}
	for _, g := range gs {
		byKey := map[any]*Value{}
		for i, t := range g.outerTensors {
			byKey[key(t)] = g.outer[i]
		}
		var keep []*Value
		for _, c := range g.Captures {
			if seen[key(c.Tensor)] {
				byKey[key(c.Tensor)] = c
			} else {
				keep = append(keep, c)
			}
		}
		g.Captures = keep
		for _, t := range lifted {
			v := byKey[key(t)]
			if v == nil {
				v = g.newValue(core.SpecOf(t), KindParam) // unused by this graph
			}
			v.Kind, v.Tensor, v.Param = KindParam, nil, len(g.Params)
			g.Params = append(g.Params, v)
		}
		g.outer, g.outerTensors = nil, nil
	}
	return lifted
}

// While runs body on the state as long as cond(state) (a bool with one element) is true, and
// returns the final state. Eagerly it is a Go loop, so gradients flow through the iterations
// that ran. Traced, cond and body become subgraphs and a while node loops at run time (body
// must return the state's dtypes and ranks); its gradient (while_grad.go) runs the body's
// vector-Jacobian product backwards over the iterations' states, and reaches the state, the
// variables and the enclosing function's tensors that cond and body read; second-order
// gradients of a traced While are refused with an error. maxIterations > 0 bounds the loop. It
// panics with a *core.Error on a malformed condition or body.
func While(cond func(state []*tensor.Tensor) *tensor.Tensor, body Branch, maxIterations int, state ...*tensor.Tensor) []*tensor.Tensor {
	if !anySymbolic(state...) {
		for i := 0; maxIterations <= 0 || i < maxIterations; i++ {
			c := cond(state)
			if c.IsSymbolic() || c.DType() != dtype.Bool || c.Size() != 1 {
				errs.Panic("while", "the condition must give a concrete bool with one element, got %v", c)
			}
			if !c.Bools()[0] {
				break
			}
			next := body(state)
			if len(next) != len(state) {
				errs.Panic("while", "body returns %d tensors for a state of %d", len(next), len(state))
			}
			state = next
		}
		return state
	}
	specs := specsOf(state)
	cg := traceBranch("while", "condition", specs, func(s []*tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{cond(s)} }, state...)
	if out := outputSpecs(cg); len(out) != 1 || out[0].DType != dtype.Bool {
		errs.Panic("while", "the condition must return one bool, got %v", out)
	}
	bg := traceBranch("while", "body", specs, body, state...)
	if len(bg.Outputs) != len(state) || matchParams(bg, outputSpecs(bg)) != nil { // before lifting: Params is the state
		errs.Panic("while", "body must return the state's dtypes and ranks %v, got %v", specs, outputSpecs(bg))
	}
	lifted := liftTracked(cg, bg)
	optimizeBranches("while", cg, bg)
	p := WhileParams{Cond: cond, Body: body, CondGraph: cg, BodyGraph: bg, MaxIterations: max(maxIterations, 0),
		NumLifted: len(lifted), Lifted: lifted, plans: &planCache{}}
	return core.Apply(whileOp, p, append(append([]*tensor.Tensor(nil), state...), lifted...)...)
}

func zerosOf(x *tensor.Tensor) *tensor.Tensor { return ops.ZerosLike(x) }
