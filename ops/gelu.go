package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
)

// GELU as an elementwise primitive, with its derivative as a second one. As a composite (a
// scaling, erf or a cubic and tanh, an addition and two products) it makes four to seven
// passes over memory eagerly and its gradient more; as primitives the fast kernels run it in
// small blocks that stay in cache, and a graph still fuses them with their neighbours.
//
// gelu_grad is not differentiable. The gradient rule of gelu checks whether any tensor it is
// handed is itself tracked for gradients (autodiff.CreateGraph): then it writes the derivative
// with composite ops, which can be differentiated again; otherwise it applies gelu_grad.

// GeluParams selects the form of gelu and gelu_grad.
type GeluParams struct {
	// Approximate is "none" (or "") for the exact x/2·(1 + erf(x/√2)), "tanh" for
	// x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as PyTorch's and ONNX's attribute.
	Approximate string
}

// Constants of the two forms of GELU.
const (
	// GeluTanhCoeff is the cubic coefficient of the tanh approximation.
	GeluTanhCoeff = 0.044715
	// GeluSqrt2OverPi is √(2/π), the scaling of the tanh approximation's argument.
	GeluSqrt2OverPi = 0.79788456080286535587989211986876
	// GeluInvSqrt2Pi is 1/√(2π), the scaling of the normal density in the derivative.
	GeluInvSqrt2Pi = 0.39894228040143267793994605993438
)

var geluOp, geluGradOp *core.Op

func init() {
	geluOp = core.Declare(core.Def[GeluParams]{
		Name: "gelu", Elementwise: true, DTypes: floatTypes,
		Doc: "x·Φ(x) elementwise, exact (erf) or with the tanh approximation (ONNX Gelu, torch.nn.functional.gelu)",
		Infer: func(p GeluParams, in []core.Spec) ([]core.Spec, error) {
			if err := geluCheck(p, in); err != nil {
				return nil, err
			}
			return inferUnary(None{}, in)
		},
		Grad: func(p GeluParams, in, out, g []*Tensor) []*Tensor {
			if nnTracked(in, out, g) {
				return []*Tensor{Mul(g[0], geluDerivative(in[0], p.Approximate))}
			}
			return []*Tensor{core.Apply1(geluGradOp, p, in[0], g[0])}
		},
	})
	registerRef(geluOp, floatTypes, func(p GeluParams, in, out []*Tensor) error {
		tanh := p.Approximate == "tanh"
		ref.Map(out[0], in[0], func(x float64) float64 { return geluRef(x, tanh) })
		return nil
	})

	geluGradOp = core.Declare(core.Def[GeluParams]{
		Name: "gelu_grad", Elementwise: true, DTypes: floatTypes, NotDifferentiable: true,
		Doc: "g·gelu'(x) elementwise with broadcasting: the gradient of gelu (no ONNX op; torch gelu_backward)",
		Infer: func(p GeluParams, in []core.Spec) ([]core.Spec, error) {
			if err := geluCheck(p, in); err != nil {
				return nil, err
			}
			return inferBinary(None{}, in)
		},
	})
	registerRef(geluGradOp, floatTypes, func(p GeluParams, in, out []*Tensor) error {
		tanh := p.Approximate == "tanh"
		ref.Binary(out[0], in[0], in[1], func(x, g float64) float64 { return g * geluDerivRef(x, tanh) })
		return nil
	})
}

// geluCheck checks the params and the input dtype of gelu and gelu_grad.
func geluCheck(p GeluParams, in []core.Spec) error {
	switch p.Approximate {
	case "", "none", "tanh":
	default:
		return fmt.Errorf("approximate is %q, want \"none\" or \"tanh\"", p.Approximate)
	}
	if len(in) > 0 && !in[0].DType.IsFloat() {
		return fmt.Errorf("x is %s, want a floating-point type", in[0])
	}
	return nil
}

// geluRef returns gelu(x) in float64, the exact form or (tanh) the approximation: the
// reference the kernels are held to.
func geluRef(x float64, tanh bool) float64 {
	if tanh {
		return 0.5 * x * (1 + math.Tanh(GeluSqrt2OverPi*(x+GeluTanhCoeff*x*x*x)))
	}
	return 0.5 * x * (1 + math.Erf(x/math.Sqrt2))
}

// geluDerivRef returns the derivative of gelu at x in float64: Φ(x) + x·φ(x) for the exact
// form, and for the approximation with t = tanh(u), u = √(2/π)·(x + 0.044715·x³),
// (1 + t)/2 + x/2·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²). At ±Inf both are NaN (∞·0), as in
// PyTorch.
func geluDerivRef(x float64, tanh bool) float64 {
	if tanh {
		t := math.Tanh(GeluSqrt2OverPi * (x + GeluTanhCoeff*x*x*x))
		return 0.5*(1+t) + 0.5*x*(1-t*t)*GeluSqrt2OverPi*(1+3*GeluTanhCoeff*x*x)
	}
	return 0.5*(1+math.Erf(x/math.Sqrt2)) + x*math.Exp(-0.5*x*x)*GeluInvSqrt2Pi
}

// geluDerivative returns gelu'(x) written with differentiable ops (see geluDerivRef).
func geluDerivative(x *Tensor, approximate string) *Tensor {
	if approximate == "tanh" {
		x2 := Mul(x, x)
		t := Tanh(MulScalar(Mul(x, AddScalar(MulScalar(x2, GeluTanhCoeff), 1)), GeluSqrt2OverPi))
		slope := MulScalar(AddScalar(MulScalar(x2, 3*GeluTanhCoeff), 1), GeluSqrt2OverPi)
		sech2 := Sub(scalarLike(t, 1), Mul(t, t))
		return Add(MulScalar(AddScalar(t, 1), 0.5), Mul(MulScalar(x, 0.5), Mul(sech2, slope)))
	}
	cdf := MulScalar(AddScalar(Erf(MulScalar(x, 1/math.Sqrt2)), 1), 0.5)
	pdf := MulScalar(Exp(MulScalar(Mul(x, x), -0.5)), GeluInvSqrt2Pi)
	return Add(cdf, Mul(x, pdf))
}

// Gelu returns the Gaussian error linear unit x·Φ(x) elementwise (ONNX Gelu,
// torch.nn.functional.gelu). approximate selects the form as in both: "none" (or "") for the
// exact x/2·(1 + erf(x/√2)), "tanh" for x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))). It is one
// elementwise primitive (gelu) with a fused gradient (gelu_grad), and its gradient is
// differentiable again under autodiff.CreateGraph. Integer inputs are converted to float32
// first. It panics with a *core.Error for any other approximate.
func Gelu(x *Tensor, approximate string) *Tensor {
	x = toFloat(x)
	switch approximate {
	case "", "none":
		approximate = "none"
	case "tanh":
	default:
		panic(core.Errorf("gelu", "approximate is %q, want \"none\" or \"tanh\"", approximate))
	}
	return core.Apply1(geluOp, GeluParams{Approximate: approximate}, x)
}
