package graph_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestCompiledStepAllocations checks that a steady-state compiled train step allocates a few
// objects per output it hands out, and nothing per node: intermediates, chunk buffers of fused
// nodes and the write-backs of variables reuse the buffers of the first call.
func TestCompiledStepAllocations(t *testing.T) {
	x, y := tensor.RandomNormal(1, 32, 64), tensor.RandomNormal(2, 32, 10)
	for _, extra := range []int{0, 2, 5} {
		t.Run(fmt.Sprintf("outputs=%d", 1+extra), func(t *testing.T) {
			m := newBenchMLP(64, 128, 128, 10)
			f := graph.Compile(func(x, y *T) []*T {
				loss := m.step(x, y)
				outs := []*T{loss}
				for i := range extra { // more outputs: a bias and weights, as they are after the update
					outs = append(outs, ops.AddScalar(m.ws[i%len(m.ws)].Value(), 0))
				}
				return outs
			})
			if _, err := f.Call(x, y); err != nil {
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(20, func() {
				if _, err := f.Call(x, y); err != nil {
					t.Fatal(err)
				}
			})
			// Each output is a new tensor (header, data, boxed slice, shape), plus the slice of
			// outputs and the call's own bookkeeping.
			if limit := float64(4*(1+extra) + 4); allocs > limit {
				t.Fatalf("a step with %d outputs allocates %v objects, want at most %v", 1+extra, allocs, limit)
			}
			t.Logf("%d outputs: %v allocations per call", 1+extra, allocs)
		})
	}
}

// TestConcurrentCallsOfAParallelPlan runs a function whose plan runs branches in parallel and
// has fused nodes and views from several goroutines at once, for several batch sizes, many
// times each: every call must see its own buffers.
func TestConcurrentCallsOfAParallelPlan(t *testing.T) {
	w1 := autodiff.NewVariable("w1", tensor.RandomNormal(1, 64, 256))
	w2 := autodiff.NewVariable("w2", tensor.RandomNormal(2, 64, 256))
	b := autodiff.NewVariable("b", tensor.RandomNormal(3, 256))
	fn := func(x *T) []*T {
		h1 := ops.Tanh(ops.Add(ops.MatMul(x, w1.Value()), b.Value())) // fused with its matmul
		h2 := ops.Relu(ops.MatMul(x, w2.Value()))
		s := ops.Reshape(ops.Mul(h1, h2), -1, 16, 16) // a view of a planned buffer
		return []*T{ops.Sum(ops.Square(s), 1), ops.Exp(ops.Neg(ops.Flatten(s, 1)))}
	}
	f := graph.Compile(fn, graph.InputSpecs(spec(dtype.Float32, -1, 64)))
	g, err := f.Graph(tensor.RandomNormal(0, 128, 64))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := g.NewPlan([]core.Spec{spec(dtype.Float32, 128, 64)}); err != nil || (!p.Parallel() && runtime.GOMAXPROCS(0) > 1) {
		t.Fatalf("plan: %v; parallel %v", err, p != nil && p.Parallel())
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 128 + 64*(i%3)
			x := tensor.RandomNormal(uint64(10+i), n, 64)
			want := detach(fn(x))
			for r := range 5 {
				got, err := f.Call(x)
				if err != nil {
					t.Error(err)
					return
				}
				for j := range want {
					if !tensor.Equal(got[j], want[j]) {
						t.Errorf("goroutine %d, call %d: output %d differs from eager", i, r, j)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
