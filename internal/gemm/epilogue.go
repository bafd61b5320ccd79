package gemm

// Epilogue is called by [SgemmEpilogue] and [DgemmEpilogue] on each finished block of C: rows
// [i0, i1) and columns [j0, j1), whose elements hold their final values.
//
// The blocks cover C exactly once. Each is reported on the goroutine that computed it, right
// after its last k block, while it is still in cache; on several threads, blocks are reported
// concurrently, so the function must be safe to call at once on disjoint blocks. It may read and
// write the elements of its block and memory the product does not touch, but not other elements
// of C, nor A or B, which the product may still be reading. Blocks are runs of whole rows when
// one thread computes the product and n is at most a few thousand; on several threads they may
// also be cut across the columns.
type Epilogue func(i0, i1, j0, j1 int)

// SgemmEpilogue is [Sgemm] that calls ep on each finished block of C (see [Epilogue]): a
// caller's elementwise work on the result (a bias, an activation, an optimizer's update) then
// reads C from cache instead of memory. C gets exactly the values Sgemm computes, on any number
// of threads. A nil ep makes it Sgemm.
func SgemmEpilogue(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	p := problem[float32]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep}
	p.check()
	p.run(kernel32, 0)
}

// DgemmEpilogue is SgemmEpilogue for float64 matrices.
func DgemmEpilogue(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int, ep Epilogue) {
	p := problem[float64]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep}
	p.check()
	p.run(kernel64, 0)
}

// finished reports the block of C in rows [i0, i1) and columns [j0, j1) to the epilogue, if
// any, once its elements are final.
func (p *problem[T]) finished(i0, i1, j0, j1 int) {
	if p.ep != nil && i0 < i1 && j0 < j1 {
		p.ep(i0, i1, j0, j1)
	}
}
