package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// batchCase is one batched product to check.
type batchCase struct {
	tc                        testCase
	batch                     int
	strideA, strideB, strideC int // 0 for A or B broadcasts; -1: packed
}

func testBatched[T float](t *testing.T, call func(transA, transB bool, batch, m, n, k int, alpha T, a []T, lda, strideA int, b []T, ldb, strideB int, beta T, c []T, ldc, strideC int)) {
	r := rand.New(rand.NewPCG(9, 9))
	var cases []batchCase
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		cases = append(cases,
			batchCase{testCase{tr[0], tr[1], 5, 7, 9, 1, 0, 1}, 3, -1, -1, -1},
			batchCase{testCase{tr[0], tr[1], 40, 33, 70, 0.5, 1, 0}, 3, 0, -1, -1},
			batchCase{testCase{tr[0], tr[1], 40, 33, 70, 2, -1, 2}, 2, -1, 0, -1},
			// Many small products: spread over threads a product at a time.
			batchCase{testCase{tr[0], tr[1], 32, 32, 32, 1, 0, 0}, 200, -1, 0, -1},
		)
	}
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		for _, bc := range cases {
			tc := bc.tc
			var fs []*fixture[T]
			for i := 0; i < bc.batch; i++ {
				fs = append(fs, newFixture[T](r, tc))
			}
			// Lay the batch out in single slices.
			stride := func(s, n int) int {
				if s < 0 {
					return n + 3 // a gap between matrices
				}
				return s
			}
			f0 := fs[0]
			sa, sb, sc := stride(bc.strideA, len(f0.a)), stride(bc.strideB, len(f0.b)), stride(bc.strideC, len(f0.c))
			a := make([]T, (bc.batch-1)*sa+len(f0.a))
			b := make([]T, (bc.batch-1)*sb+len(f0.b))
			c := make([]T, (bc.batch-1)*sc+len(f0.c))
			for i := 0; i < bc.batch; i++ {
				// Broadcast operands are the first product's.
				if bc.strideA == 0 {
					fs[i].a = f0.a
				}
				if bc.strideB == 0 {
					fs[i].b = f0.b
				}
				copy(a[i*sa:], fs[i].a)
				copy(b[i*sb:], fs[i].b)
				copy(c[i*sc:], fs[i].c)
				want := append([]T(nil), fs[i].c...)
				ref(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), fs[i].a, fs[i].lda, fs[i].b, fs[i].ldb, T(tc.beta), want[f0.at:], f0.ldc)
				fs[i].want = want
			}
			call(tc.transA, tc.transB, bc.batch, tc.m, tc.n, tc.k, T(tc.alpha), a, f0.lda, sa, b, f0.ldb, sb, T(tc.beta), c[f0.at:], f0.ldc, sc)
			for i := 0; i < bc.batch; i++ {
				got := c[i*sc : i*sc+len(f0.c)]
				compare(t, fmt.Sprintf("batched threads=%d batch=%d item %d %v", threads, bc.batch, i, tc), got, fs[i].want, f0.at, f0.ldc, tc.n, tc.k)
			}
		}
	}
	SetThreads(0)
}

func TestSgemmBatched(t *testing.T) { testBatched(t, SgemmBatched) }

func TestDgemmBatched(t *testing.T) { testBatched(t, DgemmBatched) }

// mustPanic checks that fn panics with a message containing want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if r == nil || !strings.Contains(msg, want) || !strings.HasPrefix(msg, "gemm: ") {
			t.Errorf("panic %q, want one containing %q", r, want)
		}
	}()
	fn()
}

func TestBadArguments(t *testing.T) {
	s := make([]float32, 100)
	d := make([]float64, 100)
	mustPanic(t, "negative dimension (m=-1, n=2, k=2)", func() { Sgemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) })
	mustPanic(t, "lda 3 < k 4 for A (m=2, k=4, transA=false)", func() { Sgemm(false, false, 2, 2, 4, 1, s, 3, s, 2, 0, s, 2) })
	mustPanic(t, "lda 1 < m 2 for A (m=2, k=4, transA=true)", func() { Sgemm(true, false, 2, 2, 4, 1, s, 1, s, 2, 0, s, 2) })
	mustPanic(t, "ldb 1 < n 2 for B (k=4, n=2, transB=false)", func() { Sgemm(false, false, 2, 2, 4, 1, s, 4, s, 1, 0, s, 2) })
	mustPanic(t, "ldb 3 < k 4 for B (k=4, n=2, transB=true)", func() { Dgemm(false, true, 2, 2, 4, 1, d, 4, d, 3, 0, d, 2) })
	mustPanic(t, "ldc 1 < n 2 for C (m=2, n=2)", func() { Sgemm(false, false, 2, 2, 4, 1, s, 4, s, 2, 0, s, 1) })
	mustPanic(t, "len(a) 7 < 8 for A (m=2, k=4, lda=4, transA=false)", func() { Sgemm(false, false, 2, 2, 4, 1, s[:7], 4, s, 2, 0, s, 2) })
	mustPanic(t, "len(b) 5 < 8 for B (k=4, n=2, ldb=2, transB=false)", func() { Dgemm(false, false, 2, 2, 4, 1, d, 4, d[:5], 2, 0, d, 2) })
	mustPanic(t, "len(c) 6 < 7 for C (m=2, n=2, ldc=5)", func() { Sgemm(false, false, 2, 2, 4, 1, s, 4, s, 2, 0, s[:6], 5) })
	mustPanic(t, "negative batch -1", func() { SgemmBatched(false, false, -1, 2, 2, 2, 1, s, 2, 4, s, 2, 4, 0, s, 2, 4) })
	mustPanic(t, "negative stride (strideA=-4", func() { DgemmBatched(false, false, 2, 2, 2, 2, 1, d, 2, -4, d, 2, 4, 0, d, 2, 4) })
	mustPanic(t, "strideC 0 < 4: outputs of the batch would overlap", func() { SgemmBatched(false, false, 2, 2, 2, 2, 1, s, 2, 4, s, 2, 4, 0, s, 2, 0) })
	mustPanic(t, "len(a) 10 < 12 for A (m=2, k=2, lda=2, transA=false, batch=3, strideA=4)", func() { SgemmBatched(false, false, 3, 2, 2, 2, 1, s[:10], 2, 4, s, 2, 4, 0, s, 2, 4) })
	mustPanic(t, "len(c) 11 < 12 for C (m=2, n=2, ldc=2, batch=3, strideC=4)", func() { DgemmBatched(false, false, 3, 2, 2, 2, 1, d, 2, 4, d, 2, 4, 0, d[:11], 2, 4) })
}

// Empty shapes need no storage at all.
func TestEmpty(t *testing.T) {
	Sgemm(false, false, 0, 0, 0, 1, nil, 0, nil, 0, 0, nil, 0)
	Sgemm(true, true, 0, 5, 3, 1, nil, 0, make([]float32, 15), 3, 0, nil, 5)
	c := []float32{1, 2}
	Sgemm(false, false, 1, 2, 0, 1, nil, 0, nil, 2, 3, c, 2) // k = 0: C = beta*C
	if c[0] != 3 || c[1] != 6 {
		t.Errorf("k=0: C = %v, want [3 6]", c)
	}
	SgemmBatched(false, false, 0, 4, 4, 4, 1, nil, 4, 16, nil, 4, 16, 0, nil, 4, 16)
}

func TestNoAllocs(t *testing.T) {
	const n = 200
	a, b, c := randFloats[float32](n*n, 1), randFloats[float32](n*n, 2), make([]float32, n*n)
	ad, bd, cd := randFloats[float64](n*n, 1), randFloats[float64](n*n, 2), make([]float64, n*n)
	defer SetThreads(0)
	for _, threads := range []int{1, 2} {
		if threads > runtime.GOMAXPROCS(0) {
			continue
		}
		SetThreads(threads)
		for name, fn := range map[string]func(){
			"Sgemm":        func() { Sgemm(false, true, n, n, n, 1, a, n, b, n, 0.5, c, n) },
			"Dgemm":        func() { Dgemm(true, false, n, n, n, 1, ad, n, bd, n, 0, cd, n) },
			"small":        func() { Sgemm(false, false, 4, 4, 4, 1, a, 4, b, 4, 0, c, 4) },
			"gemv":         func() { Sgemm(false, false, n, 1, n, 1, a, n, b, 1, 0, c, 1) },
			"narrow":       func() { Sgemm(false, false, n, 10, n, 1, a, n, b, 10, 0, c, 10) },
			"SgemmBatched": func() { SgemmBatched(false, false, 50, 16, 16, 16, 1, a, 16, 256, b, 16, 0, 0, c, 16, 256) },
		} {
			fn() // warm the caches
			if allocs := testing.AllocsPerRun(20, fn); allocs != 0 {
				t.Errorf("%s with %d threads: %v allocations per call", name, threads, allocs)
			}
		}
	}
}
