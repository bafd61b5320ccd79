package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// MatMulParams says whether each operand is used transposed (its last two axes swapped).
type MatMulParams struct {
	TransposeA, TransposeB bool
}

var matmulOp *core.Op

// matmulDims returns m, k of a and k2, n of b, honouring the transpose flags.
func matmulDims(p MatMulParams, a, b shape.Shape) (m, k, k2, n int) {
	ra, rb := len(a), len(b)
	m, k = a[ra-2], a[ra-1]
	if p.TransposeA {
		m, k = k, m
	}
	k2, n = b[rb-2], b[rb-1]
	if p.TransposeB {
		k2, n = n, k2
	}
	return
}

func inferMatMul(p MatMulParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	if err := sameDTypes(in); err != nil {
		return nil, err
	}
	a, b := in[0].Shape, in[1].Shape
	if len(a) < 2 || len(b) < 2 {
		return nil, fmt.Errorf("operands must have rank >= 2, got %v and %v", a, b)
	}
	m, k, k2, n := matmulDims(p, a, b)
	if k != k2 && k >= 0 && k2 >= 0 {
		return nil, fmt.Errorf("inner dimensions differ: %v (transposed=%v) has %d columns, %v (transposed=%v) has %d rows",
			a, p.TransposeA, k, b, p.TransposeB, k2)
	}
	batch, err := shape.Broadcast(a[:len(a)-2], b[:len(b)-2])
	if err != nil {
		return nil, fmt.Errorf("batch dimensions of %v and %v: %v", a, b, err)
	}
	return []core.Spec{{DType: in[0].DType, Shape: append(batch, m, n)}}, nil
}

func init() {
	matmulOp = core.Declare(core.Def[MatMulParams]{
		Name: "matmul", Overwrites: true, Doc: "batched matrix product with broadcast batch dimensions and optional transposes (ONNX MatMul/Gemm, torch.matmul)",
		Infer: inferMatMul, Grad: gradMatMul, DTypes: numericTypes,
	})
	registerRef(matmulOp, numericTypes, func(p MatMulParams, in, out []*Tensor) error {
		a, b, c := in[0], in[1], out[0]
		m, k, _, n := matmulDims(p, a.Shape(), b.Shape())
		batch := c.Shape()[:c.Rank()-2]
		ia := ref.BroadcastIndex(a.Shape()[:a.Rank()-2], batch)
		ib := ref.BroadcastIndex(b.Shape()[:b.Rank()-2], batch)
		if a.DType().IsFloat() {
			cv := make([]float64, c.Size())
			ref.MatMul(cv, ref.Values[float64](a), ref.Values[float64](b), ia, ib, m, n, k, p.TransposeA, p.TransposeB)
			ref.Store(c, cv)
		} else {
			cv := make([]int64, c.Size())
			ref.MatMul(cv, ref.Values[int64](a), ref.Values[int64](b), ia, ib, m, n, k, p.TransposeA, p.TransposeB)
			ref.Store(c, cv)
		}
		return nil
	})
}

// gradMatMul: for C = op(A)·op(B) the gradients are products of G with the other operand,
// arranged by the transpose flags so that no transpose is materialised; broadcast batch
// dimensions are summed away.
func gradMatMul(p MatMulParams, in, _, g []*Tensor) []*Tensor {
	a, b, gc := in[0], in[1], g[0]
	var ga, gb *Tensor
	switch {
	case !p.TransposeA && !p.TransposeB:
		ga, gb = MatMulT(gc, b, false, true), MatMulT(a, gc, true, false)
	case p.TransposeA && !p.TransposeB:
		ga, gb = MatMulT(b, gc, false, true), MatMulT(a, gc, false, false)
	case !p.TransposeA && p.TransposeB:
		ga, gb = MatMulT(gc, b, false, false), MatMulT(gc, a, true, false)
	default:
		ga, gb = MatMulT(b, gc, true, true), MatMulT(gc, a, true, true)
	}
	return []*Tensor{sumTo(ga, a.Shape()), sumTo(gb, b.Shape())}
}

// MatMulT returns op(a)·op(b), where op transposes the last two axes when the flag is set,
// with the leading (batch) dimensions broadcast as NumPy. Both operands need rank >= 2.
// It panics with a *core.Error if the inner dimensions differ or the batches do not broadcast.
func MatMulT(a, b *Tensor, transposeA, transposeB bool) *Tensor {
	a, b = promote(a, b)
	return core.Apply1(matmulOp, MatMulParams{TransposeA: transposeA, TransposeB: transposeB}, a, b)
}

// MatMul returns the matrix product of a and b with NumPy's matmul rules: the last two axes are
// the matrices and leading axes are broadcast batch dimensions; a 1-D a is a row vector and a 1-D
// b a column vector, their added axis removed from the result. It panics with a *core.Error if
// the inner dimensions differ.
func MatMul(a, b *Tensor) *Tensor {
	if a.Rank() == 0 || b.Rank() == 0 {
		panic(core.Errorf("matmul", "operands must have rank >= 1, got %v and %v", a.Shape(), b.Shape()))
	}
	va, vb := a.Rank() == 1, b.Rank() == 1
	if va {
		a = Reshape(a, 1, a.Dim(0))
	}
	if vb {
		b = Reshape(b, b.Dim(0), 1)
	}
	c := MatMulT(a, b, false, false)
	if !va && !vb {
		return c
	}
	s := c.Shape().Clone()
	switch {
	case va && vb:
		s = s[:len(s)-2]
	case va:
		s = append(s[:len(s)-2], s[len(s)-1])
	default:
		s = s[:len(s)-1]
	}
	return Reshape(c, s...)
}
