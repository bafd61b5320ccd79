package cpu

import (
	"runtime"
	"sync"

	"github.com/tideml/tide/internal/gemm"
)

// Scratch buffers of the convolution and pooling kernels (column tiles, flipped filters,
// per-thread accumulators) are kept in a small free list between calls rather than in a
// sync.Pool: a pool is emptied by every garbage collection, and a freshly allocated buffer of a
// megabyte costs more in page faults (~10 µs per 4 KiB page on a virtual machine) than the tile
// it holds takes to compute.

type cvBufList[T cvFloat] struct {
	mu   sync.Mutex
	free [][]T
}

var (
	cvBufs32 cvBufList[float32]
	cvBufs64 cvBufList[float64]
)

// cvMaxBufs bounds the buffers kept per element type: a few per thread.
func cvMaxBufs() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

func cvBufsOf[T cvFloat]() *cvBufList[T] {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(&cvBufs32).(*cvBufList[T])
	}
	return any(&cvBufs64).(*cvBufList[T])
}

// cvGetBuf returns a slice of n elements with arbitrary contents, reusing the smallest kept
// buffer that is large enough.
func cvGetBuf[T cvFloat](n int) []T {
	l := cvBufsOf[T]()
	l.mu.Lock()
	best := -1
	for i, b := range l.free {
		if cap(b) >= n && (best < 0 || cap(b) < cap(l.free[best])) {
			best = i
		}
	}
	if best >= 0 {
		b := l.free[best]
		l.free[best] = l.free[len(l.free)-1]
		l.free = l.free[:len(l.free)-1]
		l.mu.Unlock()
		return b[:n]
	}
	l.mu.Unlock()
	return make([]T, n)
}

// cvPutBuf keeps b for later calls, dropping the smallest kept buffer when the list is full.
func cvPutBuf[T cvFloat](b []T) {
	if cap(b) == 0 {
		return
	}
	l := cvBufsOf[T]()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) < cvMaxBufs() {
		l.free = append(l.free, b)
		return
	}
	small := 0
	for i, f := range l.free {
		if cap(f) < cap(l.free[small]) {
			small = i
		}
	}
	if cap(l.free[small]) < cap(b) {
		l.free[small] = b
	}
}

// cvGemm is gemm.Sgemm or gemm.Dgemm by T, with alpha 1; sizes of zero do nothing (or, for k 0
// and beta 0, zero C).
func cvGemm[T cvFloat](ta, tb bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	lda, ldb, ldc = max(lda, 1), max(ldb, 1), max(ldc, 1)
	switch a := any(a).(type) {
	case []float32:
		gemm.Sgemm(ta, tb, m, n, k, 1, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemm.Dgemm(ta, tb, m, n, k, 1, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// cvGemmBatched is gemm.SgemmBatched or gemm.DgemmBatched by T, with alpha 1 and beta 0.
func cvGemmBatched[T cvFloat](ta, tb bool, batch, m, n, k int, a []T, lda, sa int, b []T, ldb, sb int, c []T, ldc, sc int) {
	if m == 0 || n == 0 || batch == 0 {
		return
	}
	lda, ldb, ldc = max(lda, 1), max(ldb, 1), max(ldc, 1)
	switch a := any(a).(type) {
	case []float32:
		gemm.SgemmBatched(ta, tb, batch, m, n, k, 1, a, lda, sa, any(b).([]float32), ldb, sb, 0, any(c).([]float32), ldc, sc)
	case []float64:
		gemm.DgemmBatched(ta, tb, batch, m, n, k, 1, a, lda, sa, any(b).([]float64), ldb, sb, 0, any(c).([]float64), ldc, sc)
	}
}
