package ops

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Softmax and log-softmax are primitives rather than composites of exp, sum and log: one fused
// pass (shift by the maximum, exponentiate, normalise) is several times faster than the chain
// and keeps the numerically stable form in one place. Their gradient rules are written with
// public ops, so they trace and differentiate again.

// SoftmaxParams selects the axis softmax and log-softmax normalise over.
type SoftmaxParams struct {
	// Axis is the axis whose elements are normalised; negative counts from the end.
	Axis int
}

var nnSoftmaxOp, nnLogSoftmaxOp *core.Op

func init() {
	nnSoftmaxOp = core.Declare(core.Def[SoftmaxParams]{
		Name: "softmax", Doc: "exp(x) / Σ exp(x) along an axis, shifted by the maximum for stability (ONNX Softmax, torch.softmax)",
		DTypes: floatTypes, Infer: nnInferSoftmax,
		// dx = y·(g − Σ g·y): the Jacobian of softmax is diag(y) − y·yᵀ.
		Grad: func(p SoftmaxParams, _, out, g []*Tensor) []*Tensor {
			y := out[0]
			return []*Tensor{Mul(y, Sub(g[0], SumKeepDims(Mul(g[0], y), p.Axis)))}
		},
	})
	registerRef(nnSoftmaxOp, floatTypes, func(p SoftmaxParams, in, out []*Tensor) error {
		return nnSoftmaxRef(p, in[0], out[0], false)
	})

	nnLogSoftmaxOp = core.Declare(core.Def[SoftmaxParams]{
		Name: "log_softmax", Overwrites: true, Doc: "x − log Σ exp(x) along an axis, shifted by the maximum for stability (ONNX LogSoftmax, torch.log_softmax)",
		DTypes: floatTypes, Infer: nnInferSoftmax,
		// dx = g − softmax(x)·Σ g, with softmax(x) = exp(y).
		Grad: func(p SoftmaxParams, _, out, g []*Tensor) []*Tensor {
			return []*Tensor{Sub(g[0], Mul(Exp(out[0]), SumKeepDims(g[0], p.Axis)))}
		},
	})
	registerRef(nnLogSoftmaxOp, floatTypes, func(p SoftmaxParams, in, out []*Tensor) error {
		return nnSoftmaxRef(p, in[0], out[0], true)
	})
}

func nnInferSoftmax(p SoftmaxParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if _, err := shape.NormalizeAxis(p.Axis, len(in[0].Shape)); err != nil {
		return nil, err
	}
	return []core.Spec{in[0]}, nil
}

func nnSoftmaxRef(p SoftmaxParams, x, y *Tensor, log bool) error {
	axis, _ := shape.NormalizeAxis(p.Axis, x.Rank())
	outer, n, inner := ref.AxisSplit(x.Shape(), axis)
	v := make([]float64, x.Size())
	ref.Softmax(v, ref.Values[float64](x), outer, n, inner, log)
	ref.Store(y, v)
	return nil
}

// Softmax returns exp(x) / Σ exp(x) along axis (negative counts from the end; Keras and ONNX
// use -1): each lane along the axis becomes non-negative and sums to 1. It subtracts the lane's
// maximum first, so large inputs do not overflow; a lane containing NaN, +Inf, or only -Inf gives
// NaN, as in PyTorch. Integer inputs are converted to float32 first. It panics with a
// *core.Error if the axis is out of range (a scalar has no axis).
func Softmax(x *Tensor, axis int) *Tensor {
	return core.Apply1(nnSoftmaxOp, SoftmaxParams{Axis: axis}, toFloat(x))
}

// LogSoftmax returns log(Softmax(x, axis)) computed directly as x − max − log Σ exp(x − max),
// which stays finite for very negative logits where the logarithm of the softmax would give
// -Inf. Non-finite values propagate as in [Softmax]. Integer inputs are converted to float32
// first. It panics with a *core.Error if the axis is out of range.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	return core.Apply1(nnLogSoftmaxOp, SoftmaxParams{Axis: axis}, toFloat(x))
}
