package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// ref computes C = alpha*op(A)*op(B) + beta*C in float64 with the plain triple
// loop; with beta 0 the old C is ignored.
func ref[T float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for q := 0; q < k; q++ {
				ia, ib := i*lda+q, q*ldb+j
				if transA {
					ia = q*lda + i
				}
				if transB {
					ib = j*ldb + q
				}
				av, bv := a[ia], b[ib]
				s += float64(av) * float64(bv)
			}
			s *= float64(alpha)
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = T(s)
		}
	}
}

// eps returns the tolerance per unit of k for T.
func eps[T float]() float64 {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return 4e-7
	}
	return 1e-15
}

// guard is the value of every element of C that a call must not touch.
const guard = 1234.5

// testCase is one product to check.
type testCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float64
	pad            int // extra elements per row of A, B and C
}

func (tc testCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v pad=%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// operands builds random A, B and C for tc, with C surrounded by guard
// elements: front guard elements before C, and the padding of each row.
func operands[T float](r *rand.Rand, tc testCase) (a []T, lda int, b []T, ldb int, c []T, ldc, front int) {
	rnd := func(n int) []T {
		s := make([]T, n)
		for i := range s {
			s[i] = T(r.Float64()*2 - 1)
		}
		return s
	}
	ra, ca := tc.m, tc.k
	if tc.transA {
		ra, ca = tc.k, tc.m
	}
	rb, cb := tc.k, tc.n
	if tc.transB {
		rb, cb = tc.n, tc.k
	}
	lda, ldb, ldc = ca+tc.pad, cb+tc.pad, tc.n+tc.pad
	a, b = rnd(ra*lda), rnd(rb*ldb)
	front = 5
	c = make([]T, front+tc.m*ldc+7)
	for i := range c {
		c[i] = guard
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			v := T(r.Float64()*2 - 1)
			if tc.beta == 0 {
				v = T(math.NaN()) // must be ignored
			}
			c[front+i*ldc+j] = v
		}
	}
	return a, lda, b, ldb, c, ldc, front
}

// fixture is one test case's operands and expected result.
type fixture[T float] struct {
	tc                testCase
	a, b, c, want     []T
	lda, ldb, ldc, at int // at is where C starts in c
}

func newFixture[T float](r *rand.Rand, tc testCase) *fixture[T] {
	f := &fixture[T]{tc: tc}
	f.a, f.lda, f.b, f.ldb, f.c, f.ldc, f.at = operands[T](r, tc)
	f.want = append([]T(nil), f.c...)
	ref(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), f.a, f.lda, f.b, f.ldb, T(tc.beta), f.want[f.at:], f.ldc)
	return f
}

// check runs the product through call on a fresh copy of C and compares the
// result with the expected one.
func (f *fixture[T]) check(t *testing.T, name string, call func(p *problem[T])) {
	t.Helper()
	c := append([]T(nil), f.c...)
	tc := f.tc
	p := problem[T]{tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), f.a, f.lda, f.b, f.ldb, T(tc.beta), c[f.at:], f.ldc, nil}
	p.check()
	call(&p)
	compare(t, name+" "+tc.String(), c, f.want, f.at, f.ldc, tc.n, tc.k)
}

// checkCase runs one product through call and compares it with ref.
func checkCase[T float](t *testing.T, r *rand.Rand, name string, tc testCase, call func(p *problem[T])) {
	t.Helper()
	newFixture[T](r, tc).check(t, name, call)
}

// compare checks got against want within a tolerance that grows with k.
func compare[T float](t *testing.T, name string, got, want []T, front, ldc, n, k int) {
	t.Helper()
	tol := eps[T]() * float64(k+2) * 4
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if w == guard && g != guard {
			t.Fatalf("%s: guard element %d overwritten with %v", name, i, g)
		}
		if math.IsNaN(g) || math.Abs(g-w) > tol*max(1, math.Abs(w)) {
			off := i - front
			t.Fatalf("%s: c[%d] (row %d, col %d) = %v, want %v (tol %g)", name, off, off/max(ldc, 1), off%max(ldc, 1), g, w, tol)
		}
	}
}

// alphaBetas are the scalings every shape is checked with.
var alphaBetas = [][2]float64{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, -1}, {0, 0.5}, {0, 0}}

// cases lists the shapes of the main correctness test: all combinations of
// odd sizes, plus larger and non-square ones that cross the block sizes.
func cases() []testCase {
	var tcs []testCase
	sizes := []int{0, 1, 7, 8, 9, 31, 33, 65}
	ks := []int{0, 1, 9, 33, 65}
	i := 0
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range ks {
						ab := alphaBetas[i%len(alphaBetas)]
						i++
						tcs = append(tcs, testCase{tA, tB, m, n, k, ab[0], ab[1], i % 3})
					}
				}
			}
			// k > 256 crosses the kc blocking of the real kernels; the second
			// and third are large enough to be split over two threads, by
			// rows and by columns (TestThreads checks).
			for j, s := range [][3]int{{127, 257, 65}, {257, 127, 260}, {90, 400, 120}, {64, 200, 257}, {1, 257, 127}, {257, 1, 127}} {
				ab := alphaBetas[(i+j)%4]
				tcs = append(tcs, testCase{tA, tB, s[0], s[1], s[2], ab[0], ab[1], 2})
			}
		}
	}
	return tcs
}

func testKernels[T float](t *testing.T, kernels []*kernel[T]) {
	r := rand.New(rand.NewPCG(1, 2))
	// Each kernel with its own block sizes, and with tiny ones so that every
	// blocking loop turns several times even on small shapes.
	var variants []*kernel[T]
	for _, kn := range kernels {
		tiny := *kn
		tiny.name += "-tinyblocks"
		tiny.kc, tiny.mc, tiny.nc = 16, 2*kn.mr, 3*kn.nr
		variants = append(variants, kn, &tiny)
	}
	for i, tc := range cases() {
		f := newFixture[T](r, tc)
		for _, k := range variants {
			for _, threads := range []int{1, 2} {
				name := fmt.Sprintf("%s/threads=%d", k.name, threads)
				f.check(t, name, func(p *problem[T]) { p.run(k, threads) })
				if i%2 == 1 || p0(tc) {
					continue
				}
				// Force the blocked path on shapes run() sends to the
				// direct loops.
				f.check(t, name+"/blocked", func(p *problem[T]) { p.blocked(k, 0, p.m, 0, p.n) })
			}
		}
	}
}

// p0 reports whether a case has no products to sum (the blocked path
// expects k > 0 and alpha != 0).
func p0(tc testCase) bool { return tc.k == 0 || tc.alpha == 0 }

func TestSgemmKernels(t *testing.T) {
	for _, k := range kernels32 {
		t.Logf("float32 kernel %s: %d×%d", k.name, k.mr, k.nr)
	}
	testKernels(t, kernels32)
}

func TestDgemmKernels(t *testing.T) {
	for _, k := range kernels64 {
		t.Logf("float64 kernel %s: %d×%d", k.name, k.mr, k.nr)
	}
	testKernels(t, kernels64)
}

func TestSgemmPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	defer SetThreads(0)
	for _, threads := range []int{0, 1, 2} {
		SetThreads(threads)
		for _, tc := range []testCase{
			{false, false, 200, 190, 180, 1, 0, 1},
			{true, true, 33, 65, 9, -1, 1, 0},
			{false, true, 1, 100, 50, 2, 0.5, 3},
		} {
			checkCase(t, r, "Sgemm", tc, func(p *problem[float32]) {
				Sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc)
			})
			checkCase(t, r, "Dgemm", tc, func(p *problem[float64]) {
				Dgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc)
			})
		}
	}
}

func TestThreads(t *testing.T) {
	defer SetThreads(0)
	SetThreads(1)
	if Threads() != 1 {
		t.Errorf("Threads() = %d after SetThreads(1)", Threads())
	}
	SetThreads(-3)
	if Threads() < 1 {
		t.Errorf("Threads() = %d after SetThreads(-3)", Threads())
	}
	SetThreads(1 << 20)
	if Threads() > 1<<10 {
		t.Errorf("Threads() = %d: not capped by GOMAXPROCS", Threads())
	}
	// The shapes the kernel tests rely on to exercise both splits.
	for _, s := range [][3]int{{257, 127, 260}, {90, 400, 120}} {
		p := problem[float32]{m: s[0], n: s[1], k: s[2]}
		if got := p.threadsFor(2); got != 2 {
			t.Errorf("threadsFor(2) = %d for m=%d n=%d k=%d, want 2", got, s[0], s[1], s[2])
		}
	}
}

// TestTeam runs products on more threads than cores, with tiny blocks so
// that each has many steps, to shake out ordering bugs in the shared-panel
// scheme (run it with -race: the pure-Go kernel makes every access visible).
func TestTeam(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	r := rand.New(rand.NewPCG(11, 12))
	for _, kn := range []*kernel[float32]{kernels32[0], kernels32[len(kernels32)-1]} {
		tiny := *kn
		tiny.kc, tiny.mc, tiny.nc = 8, kn.mr, 2*kn.nr
		for _, tc := range []testCase{
			{false, false, 97, 130, 70, 1, 0, 1},
			{true, true, 130, 97, 33, -1, 2, 0},
			{false, true, 20, 300, 41, 0.5, 1, 3},
			{true, false, 300, 20, 17, 2, 0, 0},
		} {
			f := newFixture[float32](r, tc)
			for _, whole := range []int{maxWhole, 0} {
				for _, threads := range []int{2, 3, 4} {
					name := fmt.Sprintf("%s/team%d/maxWhole=%d", kn.name, threads, whole)
					f.check(t, name, func(p *problem[float32]) { withMaxWhole(whole, func() { p.parallel(&tiny, threads) }) })
				}
			}
		}
	}
}

// withMaxWhole runs fn with maxWhole set to n.
func withMaxWhole(n int, fn func()) {
	defer func(old int) { maxWhole = old }(maxWhole)
	maxWhole = n
	fn()
}

// TestTeamBitwise checks that a team computes exactly what one thread
// does, in both schemes and for shapes that split C by rows and by columns.
func TestTeamBitwise(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, kn := range []*kernel[float32]{kernels32[0], kernels32[len(kernels32)-1]} {
		for _, tc := range []testCase{
			{false, false, 128, 512, 784, 1, 0, 0},
			{true, false, 300, 200, 128, 1, 0, 1},
			{false, true, 128, 300, 520, 0.5, 1, 0},
			{false, false, 250, 70, 600, -1, 2, 2},
		} {
			f := newFixture[float32](r, tc)
			run := func(fn func(p *problem[float32])) []float32 {
				c := append([]float32(nil), f.c...)
				p := problem[float32]{tc.transA, tc.transB, tc.m, tc.n, tc.k, float32(tc.alpha), f.a, f.lda, f.b, f.ldb, float32(tc.beta), c[f.at:], f.ldc, nil}
				fn(&p)
				return c
			}
			want := run(func(p *problem[float32]) { p.blocked(kn, 0, p.m, 0, p.n) })
			for _, whole := range []int{maxWhole, 0} {
				for _, threads := range []int{2, 3} {
					got := run(func(p *problem[float32]) { withMaxWhole(whole, func() { p.parallel(kn, threads) }) })
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Errorf("%s threads=%d maxWhole=%d %v: element %d = %v, one thread %v", kn.name, threads, whole, tc, i, got[i], want[i])
							break
						}
					}
				}
			}
		}
	}
}
