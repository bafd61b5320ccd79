package graph_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

type T = tensor.Tensor

func spec(dt dtype.DType, dims ...int) core.Spec {
	return core.Spec{DType: dt, Shape: shape.Shape(dims)}
}

func TestTraceAndDump(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.RandomNormal(1, 4, 3))
	g, err := graph.Trace([]core.Spec{spec(dtype.Float32, -1, 4)}, func(a []*T) []*T {
		return []*T{ops.Relu(ops.MatMul(a[0], w.Value()))}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `%0 = param 0: float32[? 4]
%1 = capture: float32[4 3] (variable)
%2 = matmul{TransposeA:false TransposeB:false}(%0, %1): float32[? 3]
%3 = relu(%2): float32[? 3]
return %3
`
	if got := g.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	var dot strings.Builder
	g.WriteDOT(&dot)
	if !strings.Contains(dot.String(), "digraph tide") || !strings.Contains(dot.String(), `label="matmul{TransposeA:false TransposeB:false}"`) {
		t.Fatalf("DOT:\n%s", dot.String())
	}
}

// mlp builds a 2-layer network and a train step over its variables.
type mlp struct{ w1, b1, w2, b2 *autodiff.Variable }

func newMLP() *mlp {
	return &mlp{
		w1: autodiff.NewVariable("w1", ops.MulScalar(tensor.RandomNormal(1, 8, 16), 0.3)),
		b1: autodiff.NewVariable("b1", tensor.Zeros(dtype.Float32, 16)),
		w2: autodiff.NewVariable("w2", ops.MulScalar(tensor.RandomNormal(2, 16, 1), 0.3)),
		b2: autodiff.NewVariable("b2", tensor.Zeros(dtype.Float32, 1)),
	}
}

func (m *mlp) vars() []*autodiff.Variable { return []*autodiff.Variable{m.w1, m.b1, m.w2, m.b2} }

func (m *mlp) step(x, y *T) *T {
	h := ops.Tanh(ops.Add(ops.MatMul(x, m.w1.Value()), m.b1.Value()))
	pred := ops.Add(ops.MatMul(h, m.w2.Value()), m.b2.Value())
	loss := ops.Mean(ops.Square(ops.Sub(pred, y)))
	grads := autodiff.GradVariables(loss, m.vars()...)
	for i, v := range m.vars() {
		v.Assign(ops.Sub(v.Value().Detach(), ops.MulScalar(grads[i], 0.05)))
	}
	return loss
}

func TestCompiledTrainStepMatchesEager(t *testing.T) {
	x := tensor.RandomNormal(3, 32, 8)
	y := tensor.RandomNormal(4, 32, 1)
	eager, compiled := newMLP(), newMLP()
	step := graph.Compile(compiled.step, graph.InputSpecs(spec(dtype.Float32, -1, 8), spec(dtype.Float32, -1, 1)))
	for i := 0; i < 5; i++ {
		le := eager.step(x, y)
		out, err := step.Call(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.Equal(le.Detach(), out[0]) {
			t.Fatalf("step %d: eager loss %v, compiled %v", i, le, out[0])
		}
	}
	for i, v := range compiled.vars() {
		if !tensor.Equal(v.Value().Detach(), eager.vars()[i].Value().Detach()) {
			t.Errorf("variable %s differs after 5 steps", v.Name())
		}
	}
	// Another batch size and the last partial batch do not retrace.
	if _, err := step.Call(tensor.RandomNormal(5, 7, 8), tensor.RandomNormal(6, 7, 1)); err != nil {
		t.Fatal(err)
	}
	if n := step.Traces(); n != 1 {
		t.Fatalf("traced %d times, want 1", n)
	}
	g, _ := step.Graph(x, y)
	t.Logf("train step graph: %d nodes", len(g.Nodes))
}

func TestRetraceOnNewShapeAndCacheBound(t *testing.T) {
	var warned []string
	f := graph.Compile(func(x *T) *T { return ops.Sum(ops.Square(x)) }, graph.CacheSize(2),
		graph.Logf(func(format string, args ...any) { warned = append(warned, format) }))
	for _, n := range []int{1, 2, 3, 1, 2, 3, 4, 5, 6} {
		out, err := f.Call(tensor.Ones(dtype.Float32, n))
		if err != nil || out[0].Item() != float64(n) {
			t.Fatalf("n=%d: %v %v", n, out, err)
		}
	}
	if f.Traces() != 9 {
		t.Errorf("traces = %d, want 9 (cache of 2 over 6 shapes)", f.Traces())
	}
	if len(warned) != 1 {
		t.Errorf("retrace warnings: %v", warned)
	}
}

func TestErrorsAreReturned(t *testing.T) {
	f := graph.Compile(func(a, b *T) *T { return ops.Add(a, b) })
	_, err := f.Call(tensor.Ones(dtype.Float32, 2, 3), tensor.Ones(dtype.Float32, 4))
	if err == nil || !strings.Contains(err.Error(), "add: shapes [2 3] and [4] cannot be broadcast") {
		t.Fatalf("got %v", err)
	}
	if _, err := f.Call(tensor.Ones(dtype.Float32, 2)); err == nil || !strings.Contains(err.Error(), "takes 2 arguments, got 1") {
		t.Fatalf("got %v", err)
	}
	g := graph.Compile(func(a *T) *T { return ops.Exp(a) }, graph.InputSpecs(spec(dtype.Float32, -1, 3)))
	if _, err := g.Call(tensor.Ones(dtype.Float32, 2, 4)); err == nil || !strings.Contains(err.Error(), "argument 0: got float32[2 4], want float32[? 3]") {
		t.Fatalf("got %v", err)
	}
	// A batch size that an op rejects is an error of the plan, not a panic.
	h := graph.Compile(func(a *T) *T { return ops.Add(a, tensor.Ones(dtype.Float32, 3, 1)) }, graph.InputSpecs(spec(dtype.Float32, -1, 1)))
	if _, err := h.Call(tensor.Ones(dtype.Float32, 4, 1)); err == nil || !strings.Contains(err.Error(), "cannot be broadcast") {
		t.Fatalf("got %v", err)
	}
	// A kernel failure (integer division by zero) is returned too.
	d := graph.Compile(func(a, b *T) *T { return ops.Div(a, b) })
	if _, err := d.Call(tensor.FromSlice([]int32{1}), tensor.FromSlice([]int32{0})); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("got %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.RandomNormal(1, 6, 6))
	f := graph.Compile(func(x *T) *T { return ops.Tanh(ops.MatMul(x, w.Value())) })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := tensor.RandomNormal(uint64(i), 1+i%3, 6)
			out, err := f.Call(x)
			if err != nil {
				t.Error(err)
				return
			}
			if want := ops.Tanh(ops.MatMul(x, w.Value().Detach())); !tensor.Equal(out[0], want) {
				t.Errorf("goroutine %d: compiled result differs from eager", i)
			}
		}()
	}
	wg.Wait()
}

func TestMemoryPlan(t *testing.T) {
	f := graph.Compile(func(x *T) *T {
		h := x
		for range 6 {
			h = ops.Tanh(ops.Mul(h, h)) // a long chain: only two or three buffers are ever alive
		}
		return h
	})
	x := tensor.Ones(dtype.Float32, 1000)
	g, err := f.Graph(x)
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.NewPlan([]core.Spec{core.SpecOf(x)})
	if err != nil {
		t.Fatal(err)
	}
	if p.PeakBytes < 4000 || p.PeakBytes > 3*4000 {
		t.Fatalf("peak %d bytes for a chain of 4000-byte values", p.PeakBytes)
	}
	out, err := f.Call(x)
	if err != nil {
		t.Fatal(err)
	}
	want := x
	for range 6 {
		want = ops.Tanh(ops.Mul(want, want))
	}
	if !tensor.Equal(out[0], want) {
		t.Fatal("buffer reuse changed the result")
	}
}

func BenchmarkCallOverheadTinyAdd(b *testing.B) {
	f := graph.Compile(func(x, y *T) *T { return ops.Add(x, y) })
	x, y := tensor.Ones(dtype.Float32, 4, 4), tensor.Ones(dtype.Float32, 4, 4)
	if _, err := f.Call(x, y); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Call(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

func ops_add(a, b *T) *T { return ops.Add(a, b) }

func TestUnknownBatchThroughReshapes(t *testing.T) {
	f := graph.Compile(func(x *T) *T {
		h := ops.Unsqueeze(ops.FlattenBatch(x), 1) // [?, 1, 12]
		return ops.Sum(ops.Mul(h, h), 1, 2)
	}, graph.InputSpecs(spec(dtype.Float32, -1, 3, 4)))
	for _, n := range []int{2, 5} {
		x := tensor.RandomNormal(uint64(n), n, 3, 4)
		out, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		if want := ops.Sum(ops.Mul(x, x), 1, 2); !tensor.AllClose(out[0], want, 1e-6, 1e-6) {
			t.Fatalf("batch %d: %v vs %v", n, out[0], want)
		}
	}
	if f.Traces() != 1 {
		t.Fatalf("traced %d times", f.Traces())
	}
}

func TestUnknownDimensionsThroughMovementOps(t *testing.T) {
	f := graph.Compile(func(x *T) []*T {
		w := autodiff.Watch(x)
		h := ops.Flatten(w, 2)                                    // [?, ?, 4, 2] -> [?, 8]
		s := ops.Stack(0, ops.Squeeze(ops.Unsqueeze(w, 1), 1), w) // two unknowns through views
		y := ops.Add(ops.Sum(ops.Square(ops.Flip(w, 1))), ops.Add(ops.Sum(h), ops.Sum(s)))
		return []*T{y, autodiff.Grad(y, w)[0], h}
	}, graph.InputSpecs(spec(dtype.Float64, -1, -1, 4, 2)))
	for _, dims := range [][]int{{2, 3, 4, 2}, {1, 5, 4, 2}} {
		x := tensor.Random(dtype.Float64, tensor.Normal, 1, dims...)
		out, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		// d/dx [Σx² + Σx + 2Σx] = 2x + 3.
		want := ops.AddScalar(ops.MulScalar(x, 2), 3)
		if !tensor.AllClose(out[1], want, 1e-12, 1e-12) || out[2].Shape().String() != fmt.Sprintf("[%d 8]", dims[0]*dims[1]) {
			t.Fatalf("%v: gradient %v, flatten shape %v", dims, out[1], out[2].Shape())
		}
	}
	if f.Traces() != 1 {
		t.Fatalf("traced %d times", f.Traces())
	}
}

func TestIndependentBranchesRunInParallel(t *testing.T) {
	branchy := func(x, y *T) *T {
		a := ops.Tanh(ops.MatMul(x, x)) // two heavy branches that do not depend on each other
		b := ops.Exp(ops.Neg(ops.MatMul(y, y)))
		return ops.Sum(ops.Add(ops.Mul(a, b), a))
	}
	f := graph.Compile(branchy, graph.Passes(graph.DCEPass)) // unfused: many nodes to schedule
	x, y := tensor.RandomNormal(1, 256, 256), tensor.RandomNormal(2, 256, 256)
	g, _ := f.Graph(x, y)
	p, err := g.NewPlan([]core.Spec{core.SpecOf(x), core.SpecOf(y)})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Parallel() && runtime.GOMAXPROCS(0) > 1 {
		t.Fatal("the plan does not run the independent branches in parallel")
	}
	want := branchy(x, y)
	for range 5 {
		out, err := p.Run([]*T{x, y})
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.Equal(out[0], want) {
			t.Fatalf("parallel run gives %v, eager %v", out[0], want)
		}
	}
}

func TestPadGradientWithUnknownBatch(t *testing.T) {
	f := graph.Compile(func(x *T) *T {
		w := autodiff.Watch(x)
		y := ops.Sum(ops.Square(ops.PadWith(w, ops.PadParams{Before: []int{0, 1, 0}, After: []int{0, 1, 2}})))
		return autodiff.Grad(y, w)[0]
	}, graph.InputSpecs(spec(dtype.Float64, -1, 2, 3)))
	for _, n := range []int{4, 1} {
		x := tensor.Random(dtype.Float64, tensor.Normal, 1, n, 2, 3)
		out, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.AllClose(out[0], ops.MulScalar(x, 2), 1e-12, 0) {
			t.Fatalf("batch %d: gradient %v", n, out[0])
		}
	}
}
