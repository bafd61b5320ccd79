package cpu_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// runBoth runs the fast and the reference kernel of op on in and returns their outputs.
func runBoth(t *testing.T, op *core.Op, params any, in ...*tensor.Tensor) (fast, ref *tensor.Tensor) {
	t.Helper()
	specs := make([]core.Spec, len(in))
	for i, x := range in {
		specs[i] = core.SpecOf(x)
	}
	out, err := op.Infer(params, specs)
	if err != nil {
		t.Fatal(err)
	}
	ks := op.Kernels(in[0].DType())
	if len(ks) < 2 || ks[0].Name != "cpu" || ks[len(ks)-1].Name != "ref" {
		t.Fatalf("%s/%s kernels: %v", op.Name(), in[0].DType(), ks)
	}
	f, err := core.RunKernel(op, ks[0].Run, params, in, out)
	if err != nil {
		t.Fatal(err)
	}
	r, err := core.RunKernel(op, ks[len(ks)-1].Run, params, in, out)
	if err != nil {
		t.Fatal(err)
	}
	return f[0], r[0]
}

func TestMatMulMatchesReference(t *testing.T) {
	op := core.Lookup("matmul")
	shapes := []struct{ a, b shape.Shape }{
		{shape.Of(1, 1), shape.Of(1, 1)},
		{shape.Of(7, 9), shape.Of(9, 31)},
		{shape.Of(65, 33), shape.Of(33, 17)},
		{shape.Of(3, 0), shape.Of(0, 4)},
		{shape.Of(0, 3), shape.Of(3, 4)},
		{shape.Of(4, 5, 6), shape.Of(4, 6, 7)},    // same batch
		{shape.Of(4, 5, 6), shape.Of(6, 7)},       // b broadcast
		{shape.Of(5, 6), shape.Of(3, 6, 2)},       // a broadcast
		{shape.Of(2, 1, 5, 6), shape.Of(3, 6, 4)}, // general broadcast
		{shape.Of(1, 130), shape.Of(130, 257)},    // vector-matrix
		{shape.Of(129, 300), shape.Of(300, 1)},    // matrix-vector
	}
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for _, s := range shapes {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				as, bs := s.a.Clone(), s.b.Clone()
				if tr[0] {
					as[len(as)-1], as[len(as)-2] = as[len(as)-2], as[len(as)-1]
				}
				if tr[1] {
					bs[len(bs)-1], bs[len(bs)-2] = bs[len(bs)-2], bs[len(bs)-1]
				}
				name := fmt.Sprintf("%s/%v@%v/%v", dt, as, bs, tr)
				a := tensor.Random(dt, tensor.Normal, 1, as...)
				b := tensor.Random(dt, tensor.Normal, 2, bs...)
				fast, ref := runBoth(t, op, ops.MatMulParams{TransposeA: tr[0], TransposeB: tr[1]}, a, b)
				k := s.a[len(s.a)-1]
				tol := 1e-12 * float64(k+1)
				if dt == dtype.Float32 {
					tol = 2e-6 * float64(k+1)
				}
				if d, i := tensor.MaxDiff(fast, ref); d > tol {
					t.Errorf("%s: differs from the reference by %g at %d", name, d, i)
				}
			}
		}
	}
}

// TestMatMulBlocks checks that MatMulBlocks computes what the registered kernel does, bit for
// bit, reports blocks covering the output once, and declines what is not a single product.
func TestMatMulBlocks(t *testing.T) {
	op := core.Lookup("matmul")
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for _, s := range [][3]int{{1, 1, 1}, {7, 9, 31}, {128, 10, 512}, {300, 257, 130}} {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				m, n, k := s[0], s[1], s[2]
				as, bs := shape.Of(m, k), shape.Of(k, n)
				if tr[0] {
					as = shape.Of(k, m)
				}
				if tr[1] {
					bs = shape.Of(n, k)
				}
				p := ops.MatMulParams{TransposeA: tr[0], TransposeB: tr[1]}
				in := []*tensor.Tensor{tensor.Random(dt, tensor.Normal, 1, as...), tensor.Random(dt, tensor.Normal, 2, bs...)}
				want, err := core.RunKernel(op, op.Kernels(dt)[0].Run, p, in, []core.Spec{{DType: dt, Shape: shape.Of(m, n)}})
				if err != nil {
					t.Fatal(err)
				}
				got := tensor.New(dt, shape.Of(m, n))
				var mu sync.Mutex
				seen := make([]int, m*n)
				ok := cpu.MatMulBlocks(p, in, []*tensor.Tensor{got}, func(i0, i1, j0, j1 int) {
					mu.Lock()
					defer mu.Unlock()
					for i := i0; i < i1; i++ {
						for j := j0; j < j1; j++ {
							seen[i*n+j]++
						}
					}
				})
				name := fmt.Sprintf("%s/%v@%v/%v", dt, as, bs, tr)
				if !ok {
					t.Fatalf("%s: declined", name)
				}
				if !tensor.Equal(got, want[0]) {
					t.Errorf("%s: differs from the registered kernel", name)
				}
				for i, c := range seen {
					if c != 1 {
						t.Fatalf("%s: element %d reported %d times", name, i, c)
					}
				}
			}
		}
	}
	batched := []*tensor.Tensor{tensor.RandomNormal(1, 2, 3, 4), tensor.RandomNormal(2, 4, 5)}
	if cpu.MatMulBlocks(ops.MatMulParams{}, batched, []*tensor.Tensor{tensor.New(dtype.Float32, shape.Of(2, 3, 5))}, func(_, _, _, _ int) {}) {
		t.Error("a batched product was not declined")
	}
	ints := []*tensor.Tensor{tensor.New(dtype.Int32, shape.Of(3, 4)), tensor.New(dtype.Int32, shape.Of(4, 5))}
	if cpu.MatMulBlocks(ops.MatMulParams{}, ints, []*tensor.Tensor{tensor.New(dtype.Int32, shape.Of(3, 5))}, func(_, _, _, _ int) {}) {
		t.Error("an int32 product was not declined")
	}
}

func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{128, 512} {
		x, y := tensor.RandomNormal(1, n, n), tensor.RandomNormal(2, n, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				ops.MatMul(x, y)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
