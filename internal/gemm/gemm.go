package gemm

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// float is the element types the engine supports.
type float interface {
	float32 | float64
}

// threads is the SetThreads value; 0 means GOMAXPROCS.
var threads atomic.Int64

// SetThreads sets how many threads one GEMM call may use: n > 0 caps it at n,
// and n <= 0 means runtime.GOMAXPROCS(0), the default. It affects calls that
// start afterwards.
func SetThreads(n int) {
	threads.Store(int64(max(n, 0)))
}

// Threads reports how many threads one GEMM call may use: the SetThreads
// value, or runtime.GOMAXPROCS(0) when that is 0 or larger.
func Threads() int {
	t, procs := int(threads.Load()), runtime.GOMAXPROCS(0)
	if t <= 0 || t > procs {
		return procs
	}
	return t
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major float32
// matrices, where op(X) is X, or its transpose when transX is true. op(A) is
// m×k, op(B) is k×n and C is m×n; lda, ldb and ldc are the row strides, in
// elements, of a, b and c as stored (so A as stored is k×m when transA is
// true). When beta is 0, C is overwritten and its old contents, NaNs
// included, are ignored; when alpha is 0 or k is 0, A and B are not read.
//
// Sgemm panics, with a message naming the argument, if a size is negative, a
// stride is smaller than the row it strides over, or a slice is too short.
// C must not overlap A or B. Large products run on up to Threads goroutines;
// in steady state Sgemm does not allocate.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := problem[float32]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}
	p.check()
	p.run(kernel32, 0)
}

// Dgemm is Sgemm for float64 matrices.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	p := problem[float64]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}
	p.check()
	p.run(kernel64, 0)
}

// SgemmBatched computes batch independent products, the i-th being
// Sgemm(transA, transB, m, n, k, alpha, a[i*strideA:], lda,
// b[i*strideB:], ldb, beta, c[i*strideC:], ldc). A stride of 0 for A or B
// uses the same matrix for every product (broadcast); C's stride must keep
// the outputs apart (strideC >= (m-1)*ldc+n when batch > 1). It panics on
// bad arguments like Sgemm, and also on a negative batch or stride.
// Independent products are spread over threads when each is too small to be
// split on its own.
func SgemmBatched(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	p := problem[float32]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}
	bt := batched[float32]{p, batch, strideA, strideB, strideC}
	bt.check()
	bt.run(kernel32, Threads())
}

// DgemmBatched is SgemmBatched for float64 matrices.
func DgemmBatched(transA, transB bool, batch, m, n, k int, alpha float64, a []float64, lda, strideA int, b []float64, ldb, strideB int, beta float64, c []float64, ldc, strideC int) {
	p := problem[float64]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}
	bt := batched[float64]{p, batch, strideA, strideB, strideC}
	bt.check()
	bt.run(kernel64, Threads())
}

// problem holds the arguments of one GEMM call.
type problem[T float] struct {
	transA, transB bool
	m, n, k        int
	alpha          T
	a              []T
	lda            int
	b              []T
	ldb            int
	beta           T
	c              []T
	ldc            int
	// ep, if not nil, is called on each finished block of C (see Epilogue).
	ep Epilogue
}

// shapeA returns the stored shape (rows × row length) of A.
func (p *problem[T]) shapeA() (rows, cols int) {
	if p.transA {
		return p.k, p.m
	}
	return p.m, p.k
}

// shapeB returns the stored shape (rows × row length) of B.
func (p *problem[T]) shapeB() (rows, cols int) {
	if p.transB {
		return p.n, p.k
	}
	return p.k, p.n
}

// footprint is the number of elements a rows×cols matrix with row stride ld
// spans.
func footprint(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// check panics with a descriptive message if the arguments are inconsistent.
func (p *problem[T]) check() {
	p.checkShape()
	p.checkLen(len(p.a), len(p.b), len(p.c), 1, 0, 0, 0)
}

// checkShape panics if a dimension is negative or a row stride is too small.
func (p *problem[T]) checkShape() {
	if p.m < 0 || p.n < 0 || p.k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension (m=%d, n=%d, k=%d)", p.m, p.n, p.k))
	}
	if _, ca := p.shapeA(); p.lda < ca {
		panic(fmt.Sprintf("gemm: lda %d < %s %d for A (m=%d, k=%d, transA=%v)", p.lda, dimName(p.transA, "k", "m"), ca, p.m, p.k, p.transA))
	}
	if _, cb := p.shapeB(); p.ldb < cb {
		panic(fmt.Sprintf("gemm: ldb %d < %s %d for B (k=%d, n=%d, transB=%v)", p.ldb, dimName(p.transB, "n", "k"), cb, p.k, p.n, p.transB))
	}
	if p.ldc < p.n {
		panic(fmt.Sprintf("gemm: ldc %d < n %d for C (m=%d, n=%d)", p.ldc, p.n, p.m, p.n))
	}
}

// checkLen panics if slices of lengths la, lb and lc cannot hold batch
// matrices A, B and C spaced by the given strides.
func (p *problem[T]) checkLen(la, lb, lc, batch, strideA, strideB, strideC int) {
	need := func(fp, stride int) int {
		if fp == 0 || batch == 0 {
			return 0
		}
		return (batch-1)*stride + fp
	}
	ra, ca := p.shapeA()
	if n := need(footprint(ra, ca, p.lda), strideA); la < n {
		panic(fmt.Sprintf("gemm: len(a) %d < %d for A (m=%d, k=%d, lda=%d, transA=%v%s)", la, n, p.m, p.k, p.lda, p.transA, batchInfo(batch, "strideA", strideA)))
	}
	rb, cb := p.shapeB()
	if n := need(footprint(rb, cb, p.ldb), strideB); lb < n {
		panic(fmt.Sprintf("gemm: len(b) %d < %d for B (k=%d, n=%d, ldb=%d, transB=%v%s)", lb, n, p.k, p.n, p.ldb, p.transB, batchInfo(batch, "strideB", strideB)))
	}
	if n := need(footprint(p.m, p.n, p.ldc), strideC); lc < n {
		panic(fmt.Sprintf("gemm: len(c) %d < %d for C (m=%d, n=%d, ldc=%d%s)", lc, n, p.m, p.n, p.ldc, batchInfo(batch, "strideC", strideC)))
	}
}

// batchInfo describes the batch for messages about batched calls.
func batchInfo(batch int, name string, stride int) string {
	if batch == 1 && stride == 0 {
		return ""
	}
	return fmt.Sprintf(", batch=%d, %s=%d", batch, name, stride)
}

// dimName names the dimension that is a stored row's length.
func dimName(trans bool, plain, transposed string) string {
	if trans {
		return transposed
	}
	return plain
}

// batched holds the arguments of one batched call; p.a, p.b and p.c are the
// whole batch.
type batched[T float] struct {
	p                         problem[T]
	batch                     int
	strideA, strideB, strideC int
}

// check panics with a descriptive message if the arguments are inconsistent.
func (bt *batched[T]) check() {
	p := &bt.p
	if bt.batch < 0 {
		panic(fmt.Sprintf("gemm: negative batch %d", bt.batch))
	}
	if bt.strideA < 0 || bt.strideB < 0 || bt.strideC < 0 {
		panic(fmt.Sprintf("gemm: negative stride (strideA=%d, strideB=%d, strideC=%d)", bt.strideA, bt.strideB, bt.strideC))
	}
	p.checkShape()
	if fp := footprint(p.m, p.n, p.ldc); bt.batch > 1 && bt.strideC < fp {
		panic(fmt.Sprintf("gemm: strideC %d < %d: outputs of the batch would overlap (m=%d, n=%d, ldc=%d)", bt.strideC, fp, p.m, p.n, p.ldc))
	}
	p.checkLen(len(p.a), len(p.b), len(p.c), bt.batch, bt.strideA, bt.strideB, bt.strideC)
}

// at returns the i-th problem of the batch.
func (bt *batched[T]) at(i int) problem[T] {
	q := bt.p
	q.a = tail(q.a, i*bt.strideA)
	q.b = tail(q.b, i*bt.strideB)
	q.c = tail(q.c, i*bt.strideC)
	return q
}

// tail returns s[off:], or an empty slice when off is past its end (which
// check allows only for a matrix with no elements).
func tail[T any](s []T, off int) []T {
	return s[min(off, len(s)):]
}
