package losses

import (
	"math"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Epsilon is Keras's backend.epsilon(), the fuzz factor that keeps logarithms and divisions
// finite: probabilities are clipped to [Epsilon, 1-Epsilon], denominators to at least Epsilon.
const Epsilon = 1e-7

// The regression losses. Each reduces over the last axis (Keras's ops.mean(..., axis=-1)), so
// predictions of shape [batch, d0, ..., dn] give per-sample losses of shape [batch, d0, ...,
// dn-1]; rank-1 predictions [batch] give one loss per element (see the package
// documentation).

// MeanSquaredError is Keras's MeanSquaredError: mean((y_true - y_pred)²) over the last axis
// (torch.nn.functional.mse_loss).
func MeanSquaredError(opts ...Option) *Func {
	c := newConfig("mean_squared_error", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return meanLast(ops.Square(ops.Sub(yTrue, yPred)), -1)
	}))
}

// MeanAbsoluteError is Keras's MeanAbsoluteError: mean(|y_true - y_pred|) over the last axis
// (torch.nn.functional.l1_loss). The gradient where they are equal is 0.
func MeanAbsoluteError(opts ...Option) *Func {
	c := newConfig("mean_absolute_error", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return meanLast(ops.Abs(ops.Sub(yTrue, yPred)), -1)
	}))
}

// MeanAbsolutePercentageError is Keras's MeanAbsolutePercentageError:
// 100·mean(|y_true - y_pred| / max(|y_true|, Epsilon)) over the last axis.
func MeanAbsolutePercentageError(opts ...Option) *Func {
	c := newConfig("mean_absolute_percentage_error", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		dt := yPred.DType()
		den := ops.Maximum(ops.Abs(yTrue), scalar(dt, Epsilon))
		return ops.MulScalar(meanLast(ops.Abs(ops.Div(ops.Sub(yTrue, yPred), den)), -1), 100)
	}))
}

// MeanSquaredLogarithmicError is Keras's MeanSquaredLogarithmicError:
// mean((log(1 + max(y_pred, Epsilon)) - log(1 + max(y_true, Epsilon)))²) over the last axis.
// Tide uses log1p where Keras writes log(x + 1); they agree to rounding.
func MeanSquaredLogarithmicError(opts ...Option) *Func {
	c := newConfig("mean_squared_logarithmic_error", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		eps := scalar(yPred.DType(), Epsilon)
		a := ops.Log1p(ops.Maximum(yPred, eps))
		b := ops.Log1p(ops.Maximum(yTrue, eps))
		return meanLast(ops.Square(ops.Sub(a, b)), -1)
	}))
}

// Huber is Keras's Huber loss with Delta (default 1): for the error x = y_pred - y_true,
// x²/2 where |x| <= delta and delta·|x| - delta²/2 beyond, averaged over the last axis
// (torch.nn.functional.huber_loss). Its default name is "huber_loss".
func Huber(opts ...Option) *Func {
	c := newConfig("huber_loss", opts, "delta")
	delta := c.delta
	return newFunc(c, map[string]any{"delta": delta}, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		dt := yPred.DType()
		x := ops.Sub(yPred, yTrue)
		a := ops.Abs(x)
		quad := ops.MulScalar(ops.Square(x), 0.5)
		lin := ops.AddScalar(ops.MulScalar(a, delta), -0.5*delta*delta)
		return meanLast(ops.Where(ops.LessEqual(a, scalar(dt, delta)), quad, lin), -1)
	}))
}

// LogCosh is Keras's LogCosh: mean(log(cosh(y_pred - y_true))) over the last axis, computed as
// x + softplus(-2x) - log 2, which does not overflow for large errors.
func LogCosh(opts ...Option) *Func {
	c := newConfig("log_cosh", opts)
	return newFunc(c, nil, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		x := ops.Sub(yPred, yTrue)
		v := ops.AddScalar(ops.Add(x, ops.Softplus(ops.MulScalar(x, -2))), -math.Ln2)
		return meanLast(v, -1)
	}))
}

// CosineSimilarity is Keras's CosineSimilarity: -Σ normalize(y_true)·normalize(y_pred) along
// Axis (default -1), where normalize(x) = x / max(‖x‖, Epsilon). It is -1 for vectors pointing
// the same way, 0 for orthogonal ones or a zero vector
// (-torch.nn.functional.cosine_similarity away from zero vectors).
func CosineSimilarity(opts ...Option) *Func {
	c := newConfig("cosine_similarity", opts, "axis")
	axis := c.axis
	return newFunc(c, map[string]any{"axis": axis}, unmasked(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		return ops.Neg(ops.Sum(ops.Mul(l2Normalize(yTrue, axis), l2Normalize(yPred, axis)), axis))
	}))
}

// l2Normalize returns x / max(‖x‖₂, Epsilon) along axis (Keras's ops.normalize).
func l2Normalize(x *tensor.Tensor, axis int) *tensor.Tensor {
	n := ops.L2NormKeepDims(x, axis)
	return ops.Div(x, ops.Maximum(n, scalar(x.DType(), Epsilon)))
}

// unmasked adapts a per-sample function of float targets and predictions (aligned in rank and
// dtype by floatPair) to the form Func calls.
func unmasked(fn func(yTrue, yPred *tensor.Tensor) *tensor.Tensor) func(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	return func(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		yTrue, yPred = floatPair(yTrue, yPred)
		return fn(yTrue, yPred), nil
	}
}
