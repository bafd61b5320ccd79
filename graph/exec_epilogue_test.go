package graph_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/internal/gemm"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// epilogueMLP is a relu MLP trained with SGD whose layers use every transposition of the
// matmul, with a bias over the last axis ([n] or [1 n]) and a residual input of the layer's
// shape, so that the chains fused after its matmuls read operands cut every way.
type epilogueMLP struct {
	ws, bs []*autodiff.Variable
	trans  [][2]bool // by layer: the weight stored transposed, the input transposed
}

func newEpilogueMLP(dt dtype.DType, sizes ...int) *epilogueMLP {
	m := &epilogueMLP{}
	for i := 0; i+1 < len(sizes); i++ {
		tr := [2]bool{i%2 == 1, i == 1}
		shape := []int{sizes[i], sizes[i+1]}
		if tr[0] {
			shape = []int{sizes[i+1], sizes[i]}
		}
		w := asType(dt, ops.MulScalar(tensor.RandomNormal(uint64(10+i), shape...), 0.1))
		bshape := []int{sizes[i+1]}
		if i == 1 {
			bshape = []int{1, sizes[i+1]}
		}
		b := asType(dt, ops.MulScalar(tensor.RandomNormal(uint64(20+i), bshape...), 0.1))
		m.ws = append(m.ws, autodiff.NewVariable(fmt.Sprint("w", i), w))
		m.bs = append(m.bs, autodiff.NewVariable(fmt.Sprint("b", i), b))
		m.trans = append(m.trans, tr)
	}
	return m
}

// asType returns x converted to dt.
func asType(dt dtype.DType, x *T) *T {
	out := tensor.New(dt, x.Shape())
	tensor.Convert(out, x)
	return out
}

func (m *epilogueMLP) vars() []*autodiff.Variable {
	return append(append([]*autodiff.Variable{}, m.ws...), m.bs...)
}

func (m *epilogueMLP) step(x, res, y *T) *T {
	h := x
	for i, w := range m.ws {
		a := h
		if m.trans[i][1] {
			a = ops.Transpose(h, 1, 0) // stored transposed, read back transposed by the matmul
		}
		z := ops.Add(ops.MatMulT(a, w.Value(), m.trans[i][1], m.trans[i][0]), m.bs[i].Value())
		if i == 0 {
			z = ops.Add(z, res) // a residual input: cut into chunks like the result
		}
		if i < len(m.ws)-1 {
			z = ops.Relu(z)
		}
		h = z
	}
	loss := ops.Mean(ops.Square(ops.Sub(h, y)))
	grads := autodiff.GradVariables(loss, m.vars()...)
	for i, v := range m.vars() {
		v.Assign(ops.Sub(v.Value().Detach(), ops.MulScalar(grads[i], 0.01)))
	}
	return loss
}

// withGemmThreads runs fn with the GEMM on threads threads (and GOMAXPROCS at least that).
func withGemmThreads(threads int, fn func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(threads, runtime.GOMAXPROCS(0))))
	defer gemm.SetThreads(0)
	gemm.SetThreads(threads)
	fn()
}

// TestEpilogueMatchesUnfused trains MLPs whose sizes are not multiples of the GEMM's blocks or
// of the fused chunks, eagerly, compiled with the chains after matmuls run whole and compiled
// with them run as GEMM epilogues, and checks that losses and weights agree bit for bit at every
// step, on one thread and two, in float32 and float64.
func TestEpilogueMatchesUnfused(t *testing.T) {
	defer graph.SetBlocks(true)
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for _, sizes := range [][]int{{37, 300, 130, 10}, {300, 257, 130, 10}, {784, 64, 20, 3}} {
			for _, threads := range []int{1, 2} {
				name := fmt.Sprintf("%s/%v/threads=%d", dt, sizes, threads)
				withGemmThreads(threads, func() { checkEpilogueMLP(t, name, dt, sizes) })
			}
		}
	}
}

func checkEpilogueMLP(t *testing.T, name string, dt dtype.DType, sizes []int) {
	const batch = 150
	x := asType(dt, tensor.RandomNormal(1, batch, sizes[0]))
	res := asType(dt, tensor.RandomNormal(2, batch, sizes[1]))
	y := asType(dt, tensor.RandomNormal(3, batch, sizes[len(sizes)-1]))
	eager := newEpilogueMLP(dt, sizes...)
	var models [2]*epilogueMLP
	var fns [2]*graph.Function
	for i := range fns {
		models[i] = newEpilogueMLP(dt, sizes...)
		fns[i] = graph.Compile(models[i].step)
	}
	for step := range 3 {
		want := eager.step(x, res, y).Detach()
		for i, f := range fns {
			graph.SetBlocks(i == 1) // read when the plan is made, at the first call
			before := graph.BlockRuns()
			out, err := f.Call(x, res, y)
			if err != nil {
				t.Fatal(err)
			}
			runs := graph.BlockRuns() - before
			if on := i == 1; on != (runs > 0) {
				t.Fatalf("%s blocks=%v: %d chains run as epilogues", name, on, runs)
			}
			if !tensor.Equal(out[0], want) {
				t.Fatalf("%s blocks=%v step %d: loss %v, eager %v", name, i == 1, step, out[0], want)
			}
			for j, v := range models[i].vars() {
				if !tensor.Equal(v.Value().Detach(), eager.vars()[j].Value().Detach()) {
					d, at := tensor.MaxDiff(v.Value().Detach(), eager.vars()[j].Value().Detach())
					t.Fatalf("%s blocks=%v step %d: %s differs from eager by %g at %d", name, i == 1, step, v.Name(), d, at)
				}
			}
		}
	}
}

// callCounting calls f on args and returns its outputs and how many chains ran as epilogues.
func callCounting(t *testing.T, f *graph.Function, args ...*T) ([]*T, int64) {
	t.Helper()
	before := graph.BlockRuns()
	out, err := f.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out, graph.BlockRuns() - before
}

// A chain whose matmul is batched runs after the matmul, as before.
func TestEpilogueBatchedHead(t *testing.T) {
	w, b := tensor.RandomNormal(1, 30, 40), tensor.RandomNormal(2, 40)
	fn := func(x *T) *T { return ops.Relu(ops.Add(ops.MatMul(x, w), b)) }
	f := graph.Compile(fn)
	x := tensor.RandomNormal(3, 2, 50, 30)
	out, runs := callCounting(t, f, x)
	if runs != 0 {
		t.Errorf("%d chains after a batched matmul run as epilogues", runs)
	}
	if !tensor.Equal(out[0], fn(x)) {
		t.Error("compiled differs from eager")
	}
}

// A variable whose new value is written in place by a chain after a matmul that reads the
// variable itself must not be written before the matmul is done: the chain runs after it.
func TestEpilogueHeadReadsTarget(t *testing.T) {
	for _, threads := range []int{1, 2} {
		withGemmThreads(threads, func() {
			init := tensor.RandomNormal(1, 300, 300)
			w := autodiff.NewVariable("w", init.Clone())
			f := graph.Compile(func(x *T) *T {
				w.Assign(ops.Sub(w.Value().Detach(), ops.MulScalar(ops.MatMul(x, w.Value().Detach()), 0.01)))
				return ops.Sum(x)
			})
			x := tensor.RandomNormal(2, 300, 300)
			inplacePlan(t, f, 1, x)
			want := init
			for step := range 2 {
				want = ops.Sub(want, ops.MulScalar(ops.MatMul(x, want), 0.01))
				if _, runs := callCounting(t, f, x); runs != 0 {
					t.Fatalf("threads=%d: %d chains run as epilogues", threads, runs)
				}
				if !tensor.Equal(w.Value().Detach(), want) {
					t.Fatalf("threads=%d step %d: variable differs from eager", threads, step)
				}
			}
		})
	}
}

// The SGD update of a weight from its gradient, written in place, runs as the epilogue of the
// gradient's matmul.
func TestEpilogueInplaceUpdate(t *testing.T) {
	init := tensor.RandomNormal(1, 200, 300)
	w := autodiff.NewVariable("w", init.Clone())
	f := graph.Compile(func(x, dy *T) *T {
		w.Assign(ops.Sub(w.Value().Detach(), ops.MulScalar(ops.MatMulT(x, dy, true, false), 0.01)))
		return ops.Sum(dy)
	})
	x, dy := tensor.RandomNormal(2, 128, 200), tensor.RandomNormal(3, 128, 300)
	inplacePlan(t, f, 1, x, dy)
	want := init
	for step := range 2 {
		want = ops.Sub(want, ops.MulScalar(ops.MatMulT(x, dy, true, false), 0.01))
		if _, runs := callCounting(t, f, x, dy); runs != 1 {
			t.Fatalf("%d chains run as epilogues, want 1", runs)
		}
		if !tensor.Equal(w.Value().Detach(), want) {
			t.Fatalf("step %d: variable differs from eager", step)
		}
	}
}
