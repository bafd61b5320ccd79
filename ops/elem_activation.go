package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
)

// Activation functions. Softplus is a primitive, because every composite form is either
// unstable (log(1+e^x) overflows) or has a wrong derivative somewhere (max(x,0)+log1p(e^-|x|)
// has none of the right second derivative at 0); so is GELU, for speed (gelu.go); the rest
// are composites of primitives, written so that their gradients match PyTorch's, kinks
// included, and do not produce NaN through the branch a Where does not take. All convert integer inputs to float32 first except Relu6.

// SoftplusParams are the parameters of softplus (PyTorch's; ONNX Softplus has none and is
// Beta 1 without a threshold).
type SoftplusParams struct {
	// Beta scales the input: softplus(x) = log(1 + e^(Beta·x)) / Beta. It must be non-zero.
	Beta float64
	// Threshold is where the function turns linear: where Beta·x > Threshold the result is x
	// itself (and the gradient 1), as in PyTorch. +Inf never turns linear.
	Threshold float64
}

// Constants of SELU (Klambauer et al., 2017), as in ONNX Selu's defaults and PyTorch.
const (
	SeluAlpha = 1.6732632423543772848170429916717
	SeluScale = 1.0507009873554804934193349852946
)

// DefaultLeakyReluAlpha is PyTorch's and ONNX's default negative slope of [LeakyRelu], 0.01.
// (Keras's LeakyReLU layer defaults to 0.3 and passes it explicitly.)
const DefaultLeakyReluAlpha = 0.01

var softplusOp *core.Op

func init() {
	softplusOp = core.Declare(core.Def[SoftplusParams]{
		Name: "softplus", Doc: "log(1 + e^(beta·x)) / beta elementwise, linear above a threshold (ONNX Softplus, torch.nn.functional.softplus)",
		Elementwise: true,
		DTypes:      floatTypes,
		Infer: func(p SoftplusParams, in []core.Spec) ([]core.Spec, error) {
			if p.Beta == 0 || math.IsNaN(p.Beta) || math.IsInf(p.Beta, 0) {
				return nil, fmt.Errorf("beta is %v, want a finite non-zero number", p.Beta)
			}
			if math.IsNaN(p.Threshold) {
				return nil, fmt.Errorf("threshold is NaN")
			}
			return inferUnary(None{}, in)
		},
		Grad: func(p SoftplusParams, in, _, g []*Tensor) []*Tensor {
			// d/dx = sigmoid(beta·x), and exactly 1 where the function is x itself.
			bx := MulScalar(in[0], p.Beta)
			d := Where(Greater(bx, scalarLike(bx, p.Threshold)), scalarLike(bx, 1), Sigmoid(bx))
			return []*Tensor{Mul(g[0], d)}
		},
	})
	registerRef(softplusOp, floatTypes, func(p SoftplusParams, in, out []*Tensor) error {
		ref.Map(out[0], in[0], func(x float64) float64 {
			z := p.Beta * x
			if z > p.Threshold {
				return x
			}
			// log(1+e^z) = max(z, 0) + log1p(e^-|z|), which neither overflows nor cancels.
			return (max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))) / p.Beta
		})
		return nil
	})
}

// Softplus returns log(1 + e^x) elementwise, a smooth ReLU, computed without overflow; it is
// x itself where x > 20, as PyTorch's default threshold. Integer inputs are converted to float32
// first. See [SoftplusBeta] for PyTorch's beta and threshold.
func Softplus(x *Tensor) *Tensor { return SoftplusBeta(x, 1, 20) }

// SoftplusBeta returns log(1 + e^(beta·x)) / beta elementwise, and x itself where beta·x >
// threshold (PyTorch's softplus; ONNX Softplus is beta 1 with threshold +Inf). It panics with
// a *core.Error if beta is zero, infinite or NaN, or threshold is NaN.
func SoftplusBeta(x *Tensor, beta, threshold float64) *Tensor {
	return core.Apply1(softplusOp, SoftplusParams{Beta: beta, Threshold: threshold}, toFloat(x))
}

// elemWhereSafe returns, where cond is true, the constant c instead of x, so that a branch
// Where discards cannot overflow (its zero gradient times an infinite derivative is NaN).
func elemWhereSafe(cond, x *Tensor, c float64) *Tensor { return Where(cond, scalarLike(x, c), x) }

// Softsign returns x / (1 + |x|) elementwise (ONNX Softsign, torch.nn.functional.softsign);
// integer inputs are converted to float32 first.
func Softsign(x *Tensor) *Tensor {
	x = toFloat(x)
	return Div(x, AddScalar(Abs(x), 1))
}

// Relu6 returns min(max(x, 0), 6) elementwise (torch.nn.functional.relu6; ONNX Clip(0, 6)),
// keeping x's dtype; NaN stays NaN. As in PyTorch the gradient is 1 strictly between 0 and 6
// and 0 at both ends.
func Relu6(x *Tensor) *Tensor {
	return Where(GreaterEqual(x, scalarLike(x, 6)), scalarLike(x, 6), Relu(x))
}

// LeakyRelu returns x where x > 0 and alpha·x elsewhere (ONNX LeakyRelu,
// torch.nn.functional.leaky_relu). Both ONNX and PyTorch default alpha to
// [DefaultLeakyReluAlpha] (0.01); Keras uses 0.3. The gradient at 0 is alpha, as in PyTorch.
// Integer inputs are converted to float32 first.
func LeakyRelu(x *Tensor, alpha float64) *Tensor {
	x = toFloat(x)
	return Where(Greater(x, scalarLike(x, 0)), x, MulScalar(x, alpha))
}

// Elu returns x where x > 0 and alpha·(e^x - 1) elsewhere (ONNX Elu and PyTorch, both with
// default alpha 1). The gradient at 0 is alpha, as in PyTorch. Integer inputs are converted to
// float32 first.
func Elu(x *Tensor, alpha float64) *Tensor {
	x = toFloat(x)
	pos := Greater(x, scalarLike(x, 0))
	return Where(pos, x, MulScalar(Expm1(elemWhereSafe(pos, x, 0)), alpha))
}

// Selu returns SeluScale·Elu(x, SeluAlpha), the self-normalising activation (ONNX Selu with
// its default constants, torch.nn.functional.selu). Integer inputs are converted to float32
// first.
func Selu(x *Tensor) *Tensor { return MulScalar(Elu(x, SeluAlpha), SeluScale) }

// Silu returns x·sigmoid(x) elementwise, also called swish (torch.nn.functional.silu, Keras
// swish; ONNX has no single op before Swish in opset 24). Integer inputs are converted to
// float32 first.
func Silu(x *Tensor) *Tensor {
	x = toFloat(x)
	return Mul(x, Sigmoid(x))
}

// HardSigmoid returns max(0, min(1, alpha·x + beta)) elementwise. It follows ONNX HardSigmoid,
// whose defaults are alpha 0.2 and beta 0.5 (also Keras 2's hard_sigmoid); PyTorch's
// hardsigmoid, and Keras 3's, is alpha 1/6, beta 0.5. The gradient is alpha strictly inside
// (0, 1) and 0 where the result is 0 or 1, as in PyTorch; NaN stays NaN. Integer inputs are
// converted to float32 first.
func HardSigmoid(x *Tensor, alpha, beta float64) *Tensor {
	z := AddScalar(MulScalar(toFloat(x), alpha), beta)
	return Where(GreaterEqual(z, scalarLike(z, 1)), scalarLike(z, 1), Relu(z))
}

// HardSwish returns x·min(max(x + 3, 0), 6)/6 elementwise (ONNX HardSwish,
// torch.nn.functional.hardswish). As in PyTorch its gradient is x/3 + 1/2 on the closed
// interval [-3, 3], 0 below and 1 above. Integer inputs are converted to float32 first.
func HardSwish(x *Tensor) *Tensor {
	x = toFloat(x)
	return MulScalar(Mul(x, ClipScalar(AddScalar(x, 3), 0, 6)), 1.0/6)
}

// Mish returns x·tanh(softplus(x)) elementwise (ONNX Mish, torch.nn.functional.mish); integer
// inputs are converted to float32 first.
func Mish(x *Tensor) *Tensor {
	x = toFloat(x)
	return Mul(x, Tanh(Softplus(x)))
}
