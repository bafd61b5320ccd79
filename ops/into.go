package ops

import "github.com/tideml/tide/core"

// Writing into given outputs (PyTorch's out=): the Into functions compute what their namesakes
// return into dst, a tensor of exactly the result's dtype and shape, so that a loop can reuse one
// buffer instead of allocating a new tensor per call (allocation, and on some machines the first
// touch of fresh pages, can cost more than an elementwise op itself). The inputs must be concrete
// and untracked for gradients; dst must not overlap them, except that the elementwise functions
// may write over an input of dst's shape (x = x + y: AddInto(x, x, y)). Mistakes panic with a
// *core.Error naming the op and the shapes, as the ops do. Any op can be run this way with
// [core.ApplyInto].

// AddInto sets dst to x + y (with broadcasting and promotion, as [Add]) and returns dst.
func AddInto(dst, x, y *Tensor) *Tensor { return binaryInto(dst, addOp, x, y) }

// SubInto sets dst to x - y, as [Sub], and returns dst.
func SubInto(dst, x, y *Tensor) *Tensor { return binaryInto(dst, subOp, x, y) }

// MulInto sets dst to x * y, as [Mul], and returns dst.
func MulInto(dst, x, y *Tensor) *Tensor { return binaryInto(dst, mulOp, x, y) }

// DivInto sets dst to x / y, as [Div], and returns dst.
func DivInto(dst, x, y *Tensor) *Tensor { return binaryInto(dst, divOp, x, y) }

// ExpInto sets dst to e^x, as [Exp], and returns dst.
func ExpInto(dst, x *Tensor) *Tensor { return unaryInto(dst, expOp, toFloat(x)) }

// LogInto sets dst to ln x, as [Log], and returns dst.
func LogInto(dst, x *Tensor) *Tensor { return unaryInto(dst, logOp, toFloat(x)) }

// TanhInto sets dst to tanh x, as [Tanh], and returns dst.
func TanhInto(dst, x *Tensor) *Tensor { return unaryInto(dst, tanhOp, toFloat(x)) }

// SigmoidInto sets dst to 1/(1+e^-x), as [Sigmoid], and returns dst.
func SigmoidInto(dst, x *Tensor) *Tensor { return unaryInto(dst, sigmoidOp, toFloat(x)) }

// SqrtInto sets dst to √x, as [Sqrt], and returns dst.
func SqrtInto(dst, x *Tensor) *Tensor { return unaryInto(dst, sqrtOp, toFloat(x)) }

// ReluInto sets dst to max(x, 0), as [Relu], and returns dst.
func ReluInto(dst, x *Tensor) *Tensor { return unaryInto(dst, reluOp, x) }

// MatMulInto sets dst to the matrix product of a and b, as [MatMul] for operands of rank 2 or
// more (batched, with broadcast batch dimensions), and returns dst.
func MatMulInto(dst, a, b *Tensor) *Tensor {
	if a.Rank() < 2 || b.Rank() < 2 {
		panic(core.Errorf("matmul", "MatMulInto needs operands of rank >= 2, got %v and %v (reshape vectors to matrices)", a.Shape(), b.Shape()))
	}
	a, b = promote(a, b)
	core.ApplyInto(matmulOp, MatMulParams{}, []*Tensor{dst}, a, b)
	return dst
}

func binaryInto(dst *Tensor, op *core.Op, x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	core.ApplyInto(op, None{}, []*Tensor{dst}, x, y)
	return dst
}

func unaryInto(dst *Tensor, op *core.Op, x *Tensor) *Tensor {
	core.ApplyInto(op, None{}, []*Tensor{dst}, x)
	return dst
}
