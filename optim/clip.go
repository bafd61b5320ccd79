package optim

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// ClipByNorm returns g rescaled so that its L2 norm is at most c: g·c/max(‖g‖, c), as Keras's
// clipnorm (PyTorch's clip_grad_norm_ divides by ‖g‖+1e-6 instead, so it clips a little more).
// A zero g stays zero. It panics with a *core.Error if c is not positive.
func ClipByNorm(g *tensor.Tensor, c float64) *tensor.Tensor {
	if !(c > 0) {
		panic(core.Errorf("optim.ClipByNorm", "clip norm must be > 0, got %v", c))
	}
	norm := ops.Sqrt(ops.Sum(ops.Square(g)))
	return ops.Div(ops.MulScalar(g, c), ops.Maximum(norm, tensor.Full(g.DType(), c)))
}

// GlobalNorm returns the L2 norm of all the tensors together, √(Σ‖gᵢ‖²), as a scalar of their
// promoted dtype; nil entries are skipped. It panics with a *core.Error if all are nil.
func GlobalNorm(gs []*tensor.Tensor) *tensor.Tensor {
	var dts []dtype.DType
	for _, g := range gs {
		if g != nil {
			dts = append(dts, g.DType())
		}
	}
	if len(dts) == 0 {
		panic(core.Errorf("optim.GlobalNorm", "no tensors"))
	}
	dt := dtype.PromoteAll(dts...)
	var sum *tensor.Tensor
	for _, g := range gs {
		if g == nil {
			continue
		}
		s := ops.Cast(ops.Sum(ops.Square(g)), dt)
		if sum == nil {
			sum = s
		} else {
			sum = ops.Add(sum, s)
		}
	}
	return ops.Sqrt(sum)
}

// ClipByGlobalNorm rescales the tensors together so that their global norm ([GlobalNorm]) is
// at most c, and returns them with the norm before clipping (tf.clip_by_global_norm, Keras
// global_clipnorm). If the norm is not finite every result is NaN, so that a loss-scaling
// wrapper sees the overflow. nil entries stay nil. It panics with a *core.Error if c is not
// positive.
func ClipByGlobalNorm(gs []*tensor.Tensor, c float64) ([]*tensor.Tensor, *tensor.Tensor) {
	if !(c > 0) {
		panic(core.Errorf("optim.ClipByGlobalNorm", "clip norm must be > 0, got %v", c))
	}
	norm := GlobalNorm(gs)
	// c·min(1/norm, 1/c) is 1 for norm <= c and c/norm above; (norm - norm) is 0 for a finite
	// norm and NaN otherwise.
	scale := ops.MulScalar(ops.Minimum(ops.Reciprocal(norm), tensor.Full(norm.DType(), 1/c)), c)
	scale = ops.Add(scale, ops.Sub(norm, norm))
	out := make([]*tensor.Tensor, len(gs))
	for i, g := range gs {
		if g != nil {
			out[i] = ops.Mul(g, ops.Cast(scale, g.DType()))
		}
	}
	return out, norm
}
