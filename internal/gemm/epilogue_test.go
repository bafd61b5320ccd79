package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// checkEpilogue runs f's product through call without an epilogue, then again with one that
// records each block's values and overwrites them with 2x+1, and checks that the blocks cover
// C once, that each held its final value when reported (the product wrote nothing after the
// epilogue) and that the values are those of the run without it, bit for bit.
func checkEpilogue[T float](t *testing.T, name string, f *fixture[T], call func(p *problem[T])) {
	t.Helper()
	tc := f.tc
	newProblem := func(c []T) problem[T] {
		return problem[T]{tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), f.a, f.lda, f.b, f.ldb, T(tc.beta), c[f.at:], f.ldc, nil}
	}
	plain := append([]T(nil), f.c...)
	p := newProblem(plain)
	call(&p)

	got := append([]T(nil), f.c...)
	seen := append([]T(nil), f.c...)
	count := make([]int, len(got))
	var mu sync.Mutex
	p = newProblem(got)
	c := got[f.at:]
	p.ep = func(i0, i1, j0, j1 int) {
		mu.Lock()
		defer mu.Unlock()
		for i := i0; i < i1; i++ {
			for j := j0; j < j1; j++ {
				at := f.at + i*f.ldc + j
				count[at]++
				seen[at] = c[i*f.ldc+j]
				c[i*f.ldc+j] = 2*c[i*f.ldc+j] + 1
			}
		}
	}
	call(&p)
	for at := range got {
		i, j := (at-f.at)/max(f.ldc, 1), (at-f.at)%max(f.ldc, 1)
		inside := at >= f.at && i < tc.m && j < tc.n
		switch {
		case !inside && (count[at] != 0 || !same(got[at], f.c[at])):
			t.Fatalf("%s %v: element %d outside C reported or changed", name, tc, at)
		case !inside:
		case count[at] != 1:
			t.Fatalf("%s %v: c[%d,%d] reported %d times", name, tc, i, j, count[at])
		case !same(seen[at], plain[at]):
			t.Fatalf("%s %v: c[%d,%d] = %v when reported, %v without an epilogue", name, tc, i, j, seen[at], plain[at])
		case !same(got[at], 2*seen[at]+1):
			t.Fatalf("%s %v: c[%d,%d] changed after it was reported", name, tc, i, j)
		}
	}
}

// same reports whether x and y are equal or both NaN.
func same[T float](x, y T) bool { return x == y || x != x && y != y }

func testEpilogue[T float](t *testing.T, kernels []*kernel[T]) {
	r := rand.New(rand.NewPCG(21, 22))
	var variants []*kernel[T]
	for _, kn := range kernels {
		tiny := *kn
		tiny.name += "-tinyblocks"
		tiny.kc, tiny.mc, tiny.nc = 16, 2*kn.mr, 3*kn.nr
		variants = append(variants, kn, &tiny)
	}
	for i, tc := range cases() {
		if i%3 != 0 && tc.m*tc.n*tc.k < 100000 {
			continue // a third of the small shapes is plenty
		}
		f := newFixture[T](r, tc)
		for _, kn := range variants {
			for _, threads := range []int{1, 2} {
				checkEpilogue(t, fmt.Sprintf("%s/threads=%d", kn.name, threads), f, func(p *problem[T]) { p.run(kn, threads) })
			}
		}
	}
}

func TestSgemmEpilogue(t *testing.T) { testEpilogue(t, kernels32) }

func TestDgemmEpilogue(t *testing.T) { testEpilogue(t, kernels64) }

// TestTeamEpilogue reports blocks from a team in both schemes, with tiny blocks and more threads
// than cores.
func TestTeamEpilogue(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	r := rand.New(rand.NewPCG(23, 24))
	for _, kn := range []*kernel[float32]{kernels32[0], kernels32[len(kernels32)-1]} {
		tiny := *kn
		tiny.kc, tiny.mc, tiny.nc = 8, kn.mr, 2*kn.nr
		for _, tc := range []testCase{
			{false, false, 97, 130, 70, 1, 0, 1},
			{true, false, 300, 20, 17, 2, 0, 0},
			{false, true, 128, 512, 300, 1, 0, 0},
			{true, false, 784, 512, 128, 1, 0, 0},
		} {
			f := newFixture[float32](r, tc)
			for _, k := range []*kernel[float32]{kn, &tiny} {
				for _, whole := range []int{maxWhole, 0} {
					for _, threads := range []int{2, 3, 4} {
						name := fmt.Sprintf("%s/team%d/mc=%d/maxWhole=%d", kn.name, threads, k.mc, whole)
						checkEpilogue(t, name, f, func(p *problem[float32]) { withMaxWhole(whole, func() { p.parallel(k, threads) }) })
					}
				}
			}
		}
	}
}

// TestEpiloguePublic checks the exported entry points and that an epilogue may be nil.
func TestEpiloguePublic(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	defer SetThreads(0)
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		tc := testCase{false, true, 200, 190, 180, 1, 0, 1}
		checkEpilogue(t, "SgemmEpilogue", newFixture[float32](r, tc), func(p *problem[float32]) {
			SgemmEpilogue(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc, p.ep)
		})
		checkEpilogue(t, "DgemmEpilogue", newFixture[float64](r, tc), func(p *problem[float64]) {
			DgemmEpilogue(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc, p.ep)
		})
	}
}

func TestEpilogueNoAllocs(t *testing.T) {
	const n = 200
	a, b, c := randFloats[float32](n*n, 1), randFloats[float32](n*n, 2), make([]float32, n*n)
	blocks := 0
	ep := Epilogue(func(i0, i1, j0, j1 int) { blocks++ })
	defer SetThreads(0)
	SetThreads(1) // blocks++ is not safe on several threads
	fn := func() { SgemmEpilogue(false, true, n, n, n, 1, a, n, b, n, 0, c, n, ep) }
	fn()
	if allocs := testing.AllocsPerRun(20, fn); allocs != 0 {
		t.Errorf("%v allocations per call", allocs)
	}
	if blocks == 0 {
		t.Error("no block reported")
	}
}
