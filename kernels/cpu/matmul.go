package cpu

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/gemm"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func init() {
	mm := core.Lookup("matmul")
	core.RegisterKernel(mm, dtype.Float32, "cpu", core.PriorityFast, matmul[float32])
	core.RegisterKernel(mm, dtype.Float64, "cpu", core.PriorityFast, matmul[float64])
}

// matmul runs a (batched, broadcast) matrix product on the packed GEMM engine. Batch dimensions
// that broadcast one operand over the other use stride 0; other broadcasts run one product per
// output matrix.
func matmul[T float32 | float64](p ops.MatMulParams, in, out []*tensor.Tensor) error {
	a, b, c := in[0], in[1], out[0]
	as, bs, cs := a.Shape(), b.Shape(), c.Shape()
	m, n := cs[len(cs)-2], cs[len(cs)-1]
	k := as[len(as)-1]
	if p.TransposeA {
		k = as[len(as)-2]
	}
	lda, ldb := as[len(as)-1], bs[len(bs)-1]
	ad, bd, cd := tensor.Data[T](a), tensor.Data[T](b), tensor.Data[T](c)
	batch := cs[:len(cs)-2]
	nb := batch.Size()
	sa, sb := m*k, k*n
	ab, bb := as[:len(as)-2], bs[:len(bs)-2]
	switch {
	case ab.Size() == nb && bb.Size() == nb:
		// Same batch (or both single): plain strides.
	case ab.Size() == 1 && bb.Size() == nb:
		sa = 0
	case bb.Size() == 1 && ab.Size() == nb:
		sb = 0
	default:
		ia, ib := ref.BroadcastIndex(ab, batch), ref.BroadcastIndex(bb, batch)
		for i := range nb {
			gemmCall(p.TransposeA, p.TransposeB, m, n, k, ad[ia[i]*m*k:], lda, bd[ib[i]*k*n:], ldb, cd[i*m*n:], n)
		}
		return nil
	}
	if nb == 1 {
		gemmCall(p.TransposeA, p.TransposeB, m, n, k, ad, lda, bd, ldb, cd, n)
		return nil
	}
	gemmBatched(p.TransposeA, p.TransposeB, nb, m, n, k, ad, lda, sa, bd, ldb, sb, cd, n, m*n)
	return nil
}

// MatMulBlocks runs this package's matmul kernel on a single product (operands and output of
// rank 2, float32 or float64) and calls ep on each finished block of the output, rows [i0, i1)
// and columns [j0, j1), on the thread that computed it while it is still in cache (see
// gemm.Epilogue): package graph runs the elementwise steps fused after a matmul that way. The
// output gets exactly the values of the registered kernel. ep may be called concurrently on
// disjoint blocks, and must touch neither the operands nor the output outside its block. It
// reports false, running nothing, for other ranks and dtypes.
func MatMulBlocks(p ops.MatMulParams, in, out []*tensor.Tensor, ep func(i0, i1, j0, j1 int)) bool {
	a, b, c := in[0], in[1], out[0]
	as, bs, cs := a.Shape(), b.Shape(), c.Shape()
	if len(as) != 2 || len(bs) != 2 || len(cs) != 2 {
		return false
	}
	m, n, k := cs[0], cs[1], as[1]
	if p.TransposeA {
		k = as[0]
	}
	lda, ldb, ldc := max(as[1], 1), max(bs[1], 1), max(n, 1)
	switch ad := a.Raw().(type) {
	case []float32:
		gemm.SgemmEpilogue(p.TransposeA, p.TransposeB, m, n, k, 1, ad, lda, tensor.Data[float32](b), ldb, 0, tensor.Data[float32](c), ldc, ep)
	case []float64:
		gemm.DgemmEpilogue(p.TransposeA, p.TransposeB, m, n, k, 1, ad, lda, tensor.Data[float64](b), ldb, 0, tensor.Data[float64](c), ldc, ep)
	default:
		return false
	}
	return true
}

func gemmCall[T float32 | float64](ta, tb bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		gemm.Sgemm(ta, tb, m, n, k, 1, a, max(lda, 1), any(b).([]float32), max(ldb, 1), 0, any(c).([]float32), max(ldc, 1))
	case []float64:
		gemm.Dgemm(ta, tb, m, n, k, 1, a, max(lda, 1), any(b).([]float64), max(ldb, 1), 0, any(c).([]float64), max(ldc, 1))
	}
}

func gemmBatched[T float32 | float64](ta, tb bool, batch, m, n, k int, a []T, lda, sa int, b []T, ldb, sb int, c []T, ldc, sc int) {
	if m == 0 || n == 0 || batch == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		gemm.SgemmBatched(ta, tb, batch, m, n, k, 1, a, max(lda, 1), sa, any(b).([]float32), max(ldb, 1), sb, 0, any(c).([]float32), max(ldc, 1), sc)
	case []float64:
		gemm.DgemmBatched(ta, tb, batch, m, n, k, 1, a, max(lda, 1), sa, any(b).([]float64), max(ldb, 1), sb, 0, any(c).([]float64), max(ldc, 1), sc)
	}
}
