package cpu_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func TestRandomNormalLikeConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^random_normal_like$", Kernels: "^cpu$"})
}

// TestRandomNormalLikeThreads checks the numbers do not depend on how the kernel splits its
// work: GOMAXPROCS 1 (one serial pass) and several thread counts, some odd, with concurrent
// calls, on sizes that split into uneven chunks and end with half a Box–Muller pair.
func TestRandomNormalLikeThreads(t *testing.T) {
	p := ops.NormalLikeParams{Seed: 5, Mean: 0.5, Stddev: 1.5}
	step := tensor.Scalar(int64(17))
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for _, dims := range [][]int{{3, 4001}, {2, 3, 5, 701}, {65537}} {
			x := tensor.Zeros(dt, dims...)
			old := runtime.GOMAXPROCS(1)
			want := ops.RandomNormalLike(x, step, p)
			for _, procs := range []int{2, 3, 7, 16} {
				runtime.GOMAXPROCS(procs)
				var wg sync.WaitGroup
				got := make([]*tensor.Tensor, 3)
				for g := range got {
					wg.Add(1)
					go func() { defer wg.Done(); got[g] = ops.RandomNormalLike(x, step, p) }()
				}
				wg.Wait()
				for _, g := range got {
					if !tensor.Equal(g, want) {
						d, at := tensor.MaxDiff(g, want)
						t.Errorf("%v %v: GOMAXPROCS %d differs from 1 by %g at %d", dt, dims, procs, d, at)
					}
				}
			}
			runtime.GOMAXPROCS(old)
		}
	}
}

// TestRandomNormalLikeCompiled checks a compiled graph with an unknown batch dimension and the
// step fed as a tensor draws the eager numbers at every step, without tracing again.
func TestRandomNormalLikeCompiled(t *testing.T) {
	p := ops.NormalLikeParams{Seed: 77, Mean: 1, Stddev: 0.25}
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		f := func(x, step *tensor.Tensor) *tensor.Tensor {
			return ops.Mul(x, ops.RandomNormalLike(x, step, p))
		}
		fn := graph.Compile(f, graph.InputSpecs(core.Spec{DType: dt, Shape: shape.Shape{-1, 7, 33}},
			core.Spec{DType: dtype.Int64, Shape: shape.Shape{}}))
		var prev *tensor.Tensor
		for i, batch := range []int{1, 40, 40, 3} {
			x := ops.Cast(ops.AddScalar(tensor.RandomNormal(uint64(i), batch, 7, 33), 3), dt)
			step := tensor.Scalar(int64(i))
			got, err := fn.Call(x, step)
			if err != nil {
				t.Fatal(err)
			}
			want := f(x, step)
			if !tensor.Equal(got[0], want) {
				d, at := tensor.MaxDiff(got[0], want)
				t.Errorf("%v step %d batch %d: compiled differs from eager by %g at %d", dt, i, batch, d, at)
			}
			if prev != nil && batch == prev.Dim(0) && tensor.Equal(prev, got[0]) {
				t.Errorf("%v: steps %d and %d drew the same numbers", dt, i-1, i)
			}
			prev = got[0]
		}
		if n := fn.Traces(); n != 1 {
			t.Errorf("%v: traced %d times, want 1", dt, n)
		}
	}
}

// BenchmarkRandomNormalLike draws the noise of GaussianNoise on a [64, 28, 28, 32] feature map.
func BenchmarkRandomNormalLike(b *testing.B) {
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		b.Run(dt.String(), func(b *testing.B) {
			x := tensor.Zeros(dt, 64, 28, 28, 32)
			step := tensor.Scalar(int64(3))
			p := ops.NormalLikeParams{Seed: 1, Stddev: 1}
			b.ReportAllocs()
			b.SetBytes(int64(x.Size() * dt.Size()))
			for range b.N {
				ops.RandomNormalLike(x, step, p)
			}
		})
	}
}
