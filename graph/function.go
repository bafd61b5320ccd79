package graph

import (
	"container/list"
	"fmt"
	"log"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Function is a Go function compiled into graphs: [Compile] wraps it, and each [Function.Call]
// runs the optimised graph traced for the arguments' signature, tracing it first if needed.
type Function struct {
	name        string
	call        func(args []*tensor.Tensor) []*tensor.Tensor
	nArgs       int // -1 for variadic
	specs       []core.Spec
	passes      []Pass
	maxCache    int
	retraceWarn int
	logf        func(format string, args ...any)
	vars        func() []*autodiff.Variable

	mu     sync.Mutex
	cache  map[string]*list.Element // signature -> entry in lru
	lru    *list.List
	traces int
	// last is the plan of the latest call, found again without building signature strings
	// when the next call's arguments have the same dtypes and shapes (as in a training loop).
	last atomic.Pointer[lastPlan]
}

// lastPlan is a plan and the concrete argument specs it runs.
type lastPlan struct {
	specs []core.Spec
	plan  *Plan
}

// matches reports whether args have the specs of the plan.
func (l *lastPlan) matches(args []*tensor.Tensor) bool {
	if len(args) != len(l.specs) {
		return false
	}
	for i, a := range args {
		if a.DType() != l.specs[i].DType || !a.Shape().Equal(l.specs[i].Shape) {
			return false
		}
	}
	return true
}

type entry struct {
	sig   string
	graph *Graph
	plans sync.Map // concrete signature -> *Plan
}

// Option configures [Compile].
type Option func(*Function)

// InputSpecs declares the arguments' dtypes and shapes; a dimension of shape.Unknown (-1)
// accepts any size, so one graph serves every batch size. Without it every new combination of
// argument shapes is traced anew.
func InputSpecs(specs ...core.Spec) Option {
	return func(f *Function) { f.specs = specs }
}

// Passes replaces the optimisation passes (default [DefaultPasses]); no passes runs the traced
// graph as it is.
func Passes(ps ...Pass) Option { return func(f *Function) { f.passes = ps } }

// CacheSize bounds the number of traced graphs kept (default 16); the least recently used is
// dropped.
func CacheSize(n int) Option { return func(f *Function) { f.maxCache = max(n, 1) } }

// Logf sets where warnings about frequent retracing go (default log.Printf).
func Logf(fn func(format string, args ...any)) Option { return func(f *Function) { f.logf = fn } }

// Variables declares state the function reads and updates: while it is traced, each variable's
// Value is a symbolic stand-in, so everything computed from it — an update computed from
// variables alone, such as a step counter's v+1, included — is recorded and recomputed at every
// call. The list is read at each trace, so variables created since the last one can be included.
// Other goroutines must not use these variables while the function is being traced.
func Variables(vars func() []*autodiff.Variable) Option { return func(f *Function) { f.vars = vars } }

// Name names the function in messages.
func Name(name string) Option { return func(f *Function) { f.name = name } }

// Compile returns fn compiled: fn must be a func whose parameters are *tensor.Tensor (or one
// variadic ...*tensor.Tensor) and whose results are *tensor.Tensor or []*tensor.Tensor. Nothing is
// traced until the first call. It panics if fn has another type: that is a programming error.
//
// Tracing calls fn once with symbolic tensors. Ops are recorded, not run; Go control flow runs
// at trace time (a loop is unrolled, an if takes the branch the trace-time values select);
// tensors fn reads that are not arguments are captured — a variable by reference, so its current
// value is read at every call, and any other tensor as a constant. Variable assignments become
// write-backs after each call. Gradients taken inside fn (autodiff.Grad) are traced too.
func Compile(fn any, opts ...Option) *Function {
	f := &Function{name: "function", passes: DefaultPasses(), maxCache: 16, retraceWarn: 8, logf: log.Printf,
		cache: map[string]*list.Element{}, lru: list.New()}
	f.call, f.nArgs = adapt(fn)
	for _, o := range opts {
		o(f)
	}
	if f.specs != nil && f.nArgs >= 0 && len(f.specs) != f.nArgs {
		panic(fmt.Sprintf("graph: Compile: %d input specs for a function of %d arguments", len(f.specs), f.nArgs))
	}
	return f
}

var tensorType = reflect.TypeOf((*tensor.Tensor)(nil))

// adapt turns fn into a function of a tensor slice.
func adapt(fn any) (func([]*tensor.Tensor) []*tensor.Tensor, int) {
	switch fn := fn.(type) {
	case func([]*tensor.Tensor) []*tensor.Tensor:
		return fn, -1
	case func(*tensor.Tensor) *tensor.Tensor:
		return func(a []*tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{fn(a[0])} }, 1
	case func(*tensor.Tensor, *tensor.Tensor) *tensor.Tensor:
		return func(a []*tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{fn(a[0], a[1])} }, 2
	}
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func {
		panic(fmt.Sprintf("graph: Compile needs a function, got %T", fn))
	}
	for i := range t.NumIn() {
		in := t.In(i)
		if !(in == tensorType || (t.IsVariadic() && i == t.NumIn()-1 && in.Elem() == tensorType)) {
			panic(fmt.Sprintf("graph: Compile: parameter %d of %T is %v, want *tensor.Tensor", i, fn, in))
		}
	}
	for i := range t.NumOut() {
		if out := t.Out(i); out != tensorType && out != reflect.TypeOf([]*tensor.Tensor(nil)) {
			panic(fmt.Sprintf("graph: Compile: result %d of %T is %v, want *tensor.Tensor or []*tensor.Tensor", i, fn, out))
		}
	}
	n := t.NumIn()
	if t.IsVariadic() {
		n = -1
	}
	return func(args []*tensor.Tensor) []*tensor.Tensor {
		in := make([]reflect.Value, len(args))
		for i, a := range args {
			in[i] = reflect.ValueOf(a)
		}
		var outs []*tensor.Tensor
		for _, r := range v.Call(in) {
			switch r := r.Interface().(type) {
			case *tensor.Tensor:
				outs = append(outs, r)
			case []*tensor.Tensor:
				outs = append(outs, r...)
			}
		}
		return outs
	}, n
}

// Call runs the function on args and returns its results. A shape or dtype mistake (at trace
// time or for these arguments) or a kernel failure is returned as an error; the function's
// variables are then left unchanged.
func (f *Function) Call(args ...*tensor.Tensor) (outs []*tensor.Tensor, err error) {
	defer core.Recover(&err)
	if f.nArgs >= 0 && len(args) != f.nArgs {
		return nil, fmt.Errorf("graph: %s takes %d arguments, got %d", f.name, f.nArgs, len(args))
	}
	for i, a := range args {
		if a == nil || a.IsSymbolic() {
			return nil, fmt.Errorf("graph: %s: argument %d must be a concrete tensor", f.name, i)
		}
	}
	if l := f.last.Load(); l != nil && l.matches(args) {
		return l.plan.Run(args)
	}
	concrete := make([]core.Spec, len(args))
	for i, a := range args {
		concrete[i] = core.Spec{DType: a.DType(), Shape: slices.Clone(a.Shape())}
	}
	e, err := f.entry(concrete)
	if err != nil {
		return nil, err
	}
	key := signature(concrete)
	pv, ok := e.plans.Load(key)
	if !ok {
		p, err := e.graph.NewPlan(concrete)
		if err != nil {
			return nil, fmt.Errorf("graph: %s: %w", f.name, err)
		}
		pv, _ = e.plans.LoadOrStore(key, p)
	}
	f.last.Store(&lastPlan{specs: concrete, plan: pv.(*Plan)})
	return pv.(*Plan).Run(args)
}

// Graph returns the optimised graph that Call would run for arguments like args.
func (f *Function) Graph(args ...*tensor.Tensor) (*Graph, error) {
	specs := make([]core.Spec, len(args))
	for i, a := range args {
		specs[i] = core.SpecOf(a)
	}
	e, err := f.entry(specs)
	if err != nil {
		return nil, err
	}
	return e.graph, nil
}

// Traces returns how many times the function has been traced.
func (f *Function) Traces() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.traces
}

// entry returns the cached graph for the traced signature of args, tracing on a miss.
func (f *Function) entry(concrete []core.Spec) (*entry, error) {
	traced, err := f.tracedSpecs(concrete)
	if err != nil {
		return nil, err
	}
	sig := signature(traced)
	f.mu.Lock()
	defer f.mu.Unlock()
	if el, ok := f.cache[sig]; ok {
		f.lru.MoveToFront(el)
		return el.Value.(*entry), nil
	}
	var vars []*autodiff.Variable
	if f.vars != nil {
		vars = f.vars()
	}
	g, err := Trace(traced, f.call, vars...)
	if err != nil {
		return nil, fmt.Errorf("graph: tracing %s: %w", f.name, err)
	}
	if err := Optimize(g, f.passes...); err != nil {
		return nil, err
	}
	f.traces++
	if f.traces == f.retraceWarn {
		f.logf("graph: %s has been traced %d times (last for %s); declare unknown dimensions with InputSpecs to avoid retracing", f.name, f.traces, sig)
	}
	e := &entry{sig: sig, graph: g}
	f.cache[sig] = f.lru.PushFront(e)
	if f.lru.Len() > f.maxCache {
		old := f.lru.Back()
		f.lru.Remove(old)
		delete(f.cache, old.Value.(*entry).sig)
	}
	return e, nil
}

// tracedSpecs returns the specs to trace for arguments of the given concrete specs: the
// declared ones when they match.
func (f *Function) tracedSpecs(concrete []core.Spec) ([]core.Spec, error) {
	if f.specs == nil {
		return concrete, nil
	}
	if len(concrete) != len(f.specs) {
		return nil, fmt.Errorf("graph: %s takes %d arguments, got %d", f.name, len(f.specs), len(concrete))
	}
	for i, s := range f.specs {
		if err := matchSpec(s, concrete[i]); err != nil {
			return nil, fmt.Errorf("graph: %s: argument %d: %w", f.name, i, err)
		}
	}
	return f.specs, nil
}

func signature(specs []core.Spec) string {
	var b strings.Builder
	for i, s := range specs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.String())
	}
	return b.String()
}

var _ = shape.Unknown
