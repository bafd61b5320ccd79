package graph_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// inplacePlan returns the plan of f for args and checks how many assignments it writes in place.
func inplacePlan(t *testing.T, f *graph.Function, want int, args ...*T) {
	t.Helper()
	g, err := f.Graph(args...)
	if err != nil {
		t.Fatal(err)
	}
	specs := make([]core.Spec, len(args))
	for i, a := range args {
		specs[i] = core.SpecOf(a)
	}
	p, err := g.NewPlan(specs)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.InplaceAssigns(); got != want {
		t.Fatalf("%d assignments written in place, want %d", got, want)
	}
}

func TestInplaceWriteBackMatchesEager(t *testing.T) {
	x := tensor.RandomNormal(3, 32, 8)
	y := tensor.RandomNormal(4, 32, 1)
	eager, compiled := newMLP(), newMLP()
	step := graph.Compile(compiled.step, graph.InputSpecs(spec(dtype.Float32, -1, 8), spec(dtype.Float32, -1, 1)))
	inplacePlan(t, step, 4, x, y) // the weights' updates, fused with their gradients' matmuls, too
	for i := range 3 {
		le := eager.step(x, y)
		out, err := step.Call(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.Equal(le.Detach(), out[0]) {
			t.Fatalf("step %d: eager loss %v, compiled %v", i, le, out[0])
		}
		for j, v := range compiled.vars() {
			if !tensor.Equal(v.Value().Detach(), eager.vars()[j].Value().Detach()) {
				t.Fatalf("step %d: variable %s differs", i, v.Name())
			}
		}
	}
}

// An argument that shares the variable's storage must read the old value all through the call.
func TestInplaceWriteBackArgumentAliasesVariable(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.RandomNormal(1, 64))
	f := graph.Compile(func(x *T) *T {
		// The value depends on x (a value of variables alone is computed once, while tracing).
		w.Assign(ops.Add(ops.MulScalar(w.Value().Detach(), 2), ops.MulScalar(x, 0)))
		return ops.Add(x, tensor.Ones(dtype.Float32, 64)) // reads x after the assignment's value
	})
	x0 := w.Value().Detach().Clone()
	inplacePlan(t, f, 1, x0)
	out, err := f.Call(w.Value().Detach()) // the variable's own storage
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.Equal(out[0], ops.Add(x0, tensor.Ones(dtype.Float32, 64))) {
		t.Fatal("the argument was read after the variable was written")
	}
	if !tensor.Equal(w.Value().Detach(), ops.MulScalar(x0, 2)) {
		t.Fatal("variable not updated")
	}
}

// A kernel failing after the assignment's value is computed must leave the variable unchanged.
func TestInplaceWriteBackFailedCall(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.RandomNormal(1, 64))
	f := graph.Compile(func(x, a, b *T) *T {
		w.Assign(ops.Add(ops.MulScalar(w.Value().Detach(), 2), x))
		return ops.Div(a, b)
	})
	x, a, zero := tensor.Zeros(dtype.Float32, 64), tensor.FromSlice([]int32{1}), tensor.FromSlice([]int32{0})
	before := w.Value().Detach().Clone()
	if _, err := f.Call(x, a, zero); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("got %v", err)
	}
	if !tensor.Equal(w.Value().Detach(), before) {
		t.Fatal("a failed call changed the variable")
	}
}

// In a parallel run, an assignment is written in place when every reader of the old value is,
// or can be made, an ancestor of the node computing the new one.
func TestInplaceWriteBackParallel(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("plans run in parallel only with GOMAXPROCS > 1")
	}
	u := autodiff.NewVariable("u", tensor.RandomNormal(5, 256, 256))
	v := autodiff.NewVariable("v", tensor.RandomNormal(6, 256, 256))
	// A variable not declared with graph.Variables reads its value from before the call even
	// after its assignment: v below is read by a node independent of the one computing its new
	// value, which the plan then makes wait for the reader.
	ref := func(x, y, u, v *T) (out, u1, v1 *T) {
		a := ops.Tanh(ops.MatMul(x, u))
		b := ops.Exp(ops.Neg(ops.MatMul(y, y)))
		return ops.Sum(ops.Add(b, ops.Mul(v, a))), ops.Add(u, ops.MulScalar(a, 0.1)), ops.Sub(ops.MulScalar(b, 0.5), v)
	}
	f := graph.Compile(func(x, y *T) *T {
		out, u1, v1 := ref(x, y, u.Value().Detach(), v.Value().Detach())
		u.Assign(u1)
		v.Assign(v1)
		return out
	}, graph.Passes(graph.DCEPass))
	x, y := tensor.RandomNormal(1, 256, 256), tensor.RandomNormal(2, 256, 256)
	g, _ := f.Graph(x, y)
	p, err := g.NewPlan([]core.Spec{core.SpecOf(x), core.SpecOf(y)})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Parallel() {
		t.Fatal("the plan does not run in parallel")
	}
	inplacePlan(t, f, 2, x, y)
	for i := range 3 {
		want, u1, v1 := ref(x, y, u.Value().Detach().Clone(), v.Value().Detach().Clone())
		out, err := f.Call(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.Equal(out[0], want) || !tensor.Equal(u.Value().Detach(), u1) || !tensor.Equal(v.Value().Detach(), v1) {
			t.Fatalf("step %d: compiled differs from eager", i)
		}
	}
}
