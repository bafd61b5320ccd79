package ops

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
)

// Elementwise unary math beyond the starter set of unary.go: absolute value and sign, the
// trigonometric and hyperbolic functions and their inverses, expm1/log1p, erf, sigmoid, and
// rounding. The functions defined only on reals convert integer and bool inputs to float32
// first, as Exp does; abs, sign and the rounding functions also work on integers (where
// rounding is the identity).
//
// Floor, Ceil, Round, Trunc and Sign are piecewise constant: they are declared differentiable
// with a zero gradient, as in PyTorch, so that they can sit inside differentiated code (e.g. a
// straight-through estimator) without making the result untracked.

var (
	absOp, signOp, expm1Op, log1pOp, sinOp, cosOp, tanOp, asinOp, acosOp, atanOp *core.Op
	sinhOp, coshOp, asinhOp, acoshOp, atanhOp, erfOp, sigmoidOp                  *core.Op
	floorOp, ceilOp, roundOp, truncOp                                            *core.Op
)

// elemUnaryDef describes one unary primitive: ff and fi compute it on float64 and int64 (fi nil
// for float-only ops) and grad gives the input gradient from the upstream gradient g, the input
// x and the output y (grad nil: a zero gradient, for piecewise-constant ops).
type elemUnaryDef struct {
	op        **core.Op
	name, doc string
	dts       []dtype.DType
	ff        func(float64) float64
	fi        func(int64) int64
	grad      func(g, x, y *Tensor) *Tensor
}

// elemZeroGrad is the gradient rule of piecewise-constant unary ops: nil means zero to autodiff.
func elemZeroGrad(_ None, _, _, _ []*Tensor) []*Tensor { return []*Tensor{nil} }

func elemDeclareUnary(d elemUnaryDef) {
	rule := elemZeroGrad
	if d.grad != nil {
		rule = func(_ None, in, out, g []*Tensor) []*Tensor { return []*Tensor{d.grad(g[0], in[0], out[0])} }
	}
	*d.op = declareUnary(d.name, d.doc, d.dts, rule)
	unaryRef(*d.op, d.dts, d.ff, d.fi)
}

// elemOneMinusSq returns 1 - x², elemOnePlusSq 1 + x².
func elemOneMinusSq(x *Tensor) *Tensor { return Sub(scalarLike(x, 1), Mul(x, x)) }
func elemOnePlusSq(x *Tensor) *Tensor  { return AddScalar(Mul(x, x), 1) }

func elemIdentity(x int64) int64 { return x }

func init() {
	for _, d := range []elemUnaryDef{
		{&absOp, "abs", "|x| elementwise (ONNX Abs, torch.abs)", numericTypes, math.Abs,
			func(x int64) int64 { return max(x, -x) },
			// PyTorch's subgradient: 0 at 0, through sign.
			func(g, x, _ *Tensor) *Tensor { return Mul(g, Sign(x)) }},
		{&signOp, "sign", "-1, 0 or 1 by the sign of x, NaN for NaN, zero gradient (ONNX Sign, torch.sign)", numericTypes,
			elemSignFloat, func(x int64) int64 { return elemSignInt(x) }, nil},
		{&expm1Op, "expm1", "e^x - 1 elementwise, accurate near 0 (no ONNX op; torch.expm1)", floatTypes, math.Expm1, nil,
			func(g, _, y *Tensor) *Tensor { return Mul(g, AddScalar(y, 1)) }},
		{&log1pOp, "log1p", "log(1 + x) elementwise, accurate near 0 (no ONNX op; torch.log1p)", floatTypes, math.Log1p, nil,
			func(g, x, _ *Tensor) *Tensor { return Div(g, AddScalar(x, 1)) }},
		{&sinOp, "sin", "sine elementwise (ONNX Sin, torch.sin)", floatTypes, math.Sin, nil,
			func(g, x, _ *Tensor) *Tensor { return Mul(g, Cos(x)) }},
		{&cosOp, "cos", "cosine elementwise (ONNX Cos, torch.cos)", floatTypes, math.Cos, nil,
			func(g, x, _ *Tensor) *Tensor { return Neg(Mul(g, Sin(x))) }},
		{&tanOp, "tan", "tangent elementwise (ONNX Tan, torch.tan)", floatTypes, math.Tan, nil,
			func(g, _, y *Tensor) *Tensor { return Mul(g, elemOnePlusSq(y)) }},
		{&asinOp, "asin", "arcsine elementwise, NaN outside [-1, 1] (ONNX Asin, torch.asin)", floatTypes, math.Asin, nil,
			func(g, x, _ *Tensor) *Tensor { return Div(g, Sqrt(elemOneMinusSq(x))) }},
		{&acosOp, "acos", "arccosine elementwise, NaN outside [-1, 1] (ONNX Acos, torch.acos)", floatTypes, math.Acos, nil,
			func(g, x, _ *Tensor) *Tensor { return Neg(Div(g, Sqrt(elemOneMinusSq(x)))) }},
		{&atanOp, "atan", "arctangent elementwise (ONNX Atan, torch.atan)", floatTypes, math.Atan, nil,
			func(g, x, _ *Tensor) *Tensor { return Div(g, elemOnePlusSq(x)) }},
		{&sinhOp, "sinh", "hyperbolic sine elementwise (ONNX Sinh, torch.sinh)", floatTypes, math.Sinh, nil,
			func(g, x, _ *Tensor) *Tensor { return Mul(g, Cosh(x)) }},
		{&coshOp, "cosh", "hyperbolic cosine elementwise (ONNX Cosh, torch.cosh)", floatTypes, math.Cosh, nil,
			func(g, x, _ *Tensor) *Tensor { return Mul(g, Sinh(x)) }},
		{&asinhOp, "asinh", "inverse hyperbolic sine elementwise (ONNX Asinh, torch.asinh)", floatTypes, math.Asinh, nil,
			func(g, x, _ *Tensor) *Tensor { return Div(g, Sqrt(elemOnePlusSq(x))) }},
		{&acoshOp, "acosh", "inverse hyperbolic cosine elementwise, NaN below 1 (ONNX Acosh, torch.acosh)", floatTypes, math.Acosh, nil,
			func(g, x, _ *Tensor) *Tensor { return Div(g, Sqrt(AddScalar(Mul(x, x), -1))) }},
		{&atanhOp, "atanh", "inverse hyperbolic tangent elementwise, ±Inf at ±1 (ONNX Atanh, torch.atanh)", floatTypes, math.Atanh, nil,
			func(g, x, _ *Tensor) *Tensor { return Div(g, elemOneMinusSq(x)) }},
		{&erfOp, "erf", "the error function elementwise (ONNX Erf, torch.erf)", floatTypes, math.Erf, nil,
			func(g, x, _ *Tensor) *Tensor {
				return Mul(g, MulScalar(Exp(Neg(Mul(x, x))), 2/math.SqrtPi))
			}},
		{&sigmoidOp, "sigmoid", "1 / (1 + e^-x) elementwise, computed without overflow (ONNX Sigmoid, torch.sigmoid)", floatTypes,
			elemSigmoid, nil,
			func(g, _, y *Tensor) *Tensor { return Mul(g, Mul(y, Sub(scalarLike(y, 1), y))) }},
		{&floorOp, "floor", "largest integer <= x elementwise, zero gradient (ONNX Floor, torch.floor)", numericTypes,
			math.Floor, elemIdentity, nil},
		{&ceilOp, "ceil", "smallest integer >= x elementwise, zero gradient (ONNX Ceil, torch.ceil)", numericTypes,
			math.Ceil, elemIdentity, nil},
		{&roundOp, "round", "nearest integer elementwise, halves to even, zero gradient (ONNX Round, torch.round)", numericTypes,
			math.RoundToEven, elemIdentity, nil},
		{&truncOp, "trunc", "integer part elementwise (rounds toward zero), zero gradient (no ONNX op; torch.trunc)", numericTypes,
			math.Trunc, elemIdentity, nil},
	} {
		elemDeclareUnary(d)
	}
}

func elemSignFloat(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // ±0 and NaN
}

func elemSignInt(x int64) int64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// elemSigmoid evaluates 1/(1+e^-x) without overflow: for x < 0 as e^x/(1+e^x).
func elemSigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Abs returns |x| elementwise. On signed integers the most negative value wraps to itself
// (abs of int8 -128 is -128), as in C, NumPy and PyTorch; on uint8 it is the identity. Its
// gradient is sign(x), 0 at 0, as in PyTorch. Bool inputs panic with a *core.Error.
func Abs(x *Tensor) *Tensor { return core.Apply1(absOp, None{}, x) }

// Sign returns -1, 0 or 1 according to the sign of x elementwise, keeping x's dtype. NaN gives
// NaN, as in NumPy and ONNX (PyTorch gives 0). The gradient is zero. Bool inputs panic with a
// *core.Error.
func Sign(x *Tensor) *Tensor { return core.Apply1(signOp, None{}, x) }

// Reciprocal returns 1/x elementwise (±Inf at ±0); integer inputs are converted to float32
// first, as in PyTorch (ONNX Reciprocal keeps the type).
func Reciprocal(x *Tensor) *Tensor {
	x = toFloat(x)
	return Div(scalarLike(x, 1), x)
}

// Rsqrt returns 1/√x elementwise (+Inf at 0, NaN below 0); integer inputs are converted to
// float32 first.
func Rsqrt(x *Tensor) *Tensor { return Reciprocal(Sqrt(x)) }

// Expm1 returns e^x - 1 elementwise, accurate for small x where Exp(x)-1 cancels; integer
// inputs are converted to float32 first.
func Expm1(x *Tensor) *Tensor { return core.Apply1(expm1Op, None{}, toFloat(x)) }

// Log1p returns log(1 + x) elementwise, accurate for small x (NaN below -1, -Inf at -1);
// integer inputs are converted to float32 first.
func Log1p(x *Tensor) *Tensor { return core.Apply1(log1pOp, None{}, toFloat(x)) }

// Sin returns the sine of x (radians) elementwise; integer inputs are converted to float32 first.
func Sin(x *Tensor) *Tensor { return core.Apply1(sinOp, None{}, toFloat(x)) }

// Cos returns the cosine of x (radians) elementwise; integer inputs are converted to float32 first.
func Cos(x *Tensor) *Tensor { return core.Apply1(cosOp, None{}, toFloat(x)) }

// Tan returns the tangent of x (radians) elementwise; integer inputs are converted to float32
// first.
func Tan(x *Tensor) *Tensor { return core.Apply1(tanOp, None{}, toFloat(x)) }

// Asin returns the arcsine of x elementwise, in [-π/2, π/2] (NaN outside [-1, 1]); integer
// inputs are converted to float32 first.
func Asin(x *Tensor) *Tensor { return core.Apply1(asinOp, None{}, toFloat(x)) }

// Acos returns the arccosine of x elementwise, in [0, π] (NaN outside [-1, 1]); integer inputs
// are converted to float32 first.
func Acos(x *Tensor) *Tensor { return core.Apply1(acosOp, None{}, toFloat(x)) }

// Atan returns the arctangent of x elementwise, in (-π/2, π/2); integer inputs are converted to
// float32 first. See [Atan2] for the two-argument form.
func Atan(x *Tensor) *Tensor { return core.Apply1(atanOp, None{}, toFloat(x)) }

// Sinh returns the hyperbolic sine of x elementwise; integer inputs are converted to float32
// first.
func Sinh(x *Tensor) *Tensor { return core.Apply1(sinhOp, None{}, toFloat(x)) }

// Cosh returns the hyperbolic cosine of x elementwise; integer inputs are converted to float32
// first.
func Cosh(x *Tensor) *Tensor { return core.Apply1(coshOp, None{}, toFloat(x)) }

// Asinh returns the inverse hyperbolic sine of x elementwise; integer inputs are converted to
// float32 first.
func Asinh(x *Tensor) *Tensor { return core.Apply1(asinhOp, None{}, toFloat(x)) }

// Acosh returns the inverse hyperbolic cosine of x elementwise (NaN below 1); integer inputs
// are converted to float32 first.
func Acosh(x *Tensor) *Tensor { return core.Apply1(acoshOp, None{}, toFloat(x)) }

// Atanh returns the inverse hyperbolic tangent of x elementwise (±Inf at ±1, NaN beyond);
// integer inputs are converted to float32 first.
func Atanh(x *Tensor) *Tensor { return core.Apply1(atanhOp, None{}, toFloat(x)) }

// Erf returns the error function 2/√π ∫₀ˣ e^(-t²) dt elementwise; integer inputs are converted
// to float32 first.
func Erf(x *Tensor) *Tensor { return core.Apply1(erfOp, None{}, toFloat(x)) }

// Sigmoid returns the logistic function 1/(1+e^-x) elementwise, evaluated without overflow for
// large |x|; integer inputs are converted to float32 first.
func Sigmoid(x *Tensor) *Tensor { return core.Apply1(sigmoidOp, None{}, toFloat(x)) }

// Floor returns the largest integer not greater than x elementwise, keeping x's dtype (the
// identity on integers). NaN and ±Inf are returned unchanged. The gradient is zero, as in
// PyTorch. Bool inputs panic with a *core.Error.
func Floor(x *Tensor) *Tensor { return core.Apply1(floorOp, None{}, x) }

// Ceil returns the smallest integer not less than x elementwise, as [Floor].
func Ceil(x *Tensor) *Tensor { return core.Apply1(ceilOp, None{}, x) }

// Round returns the integer nearest to x elementwise, rounding halves to even (0.5 to 0, 1.5
// and 2.5 to 2) as ONNX Round, NumPy and PyTorch do (Go's math.Round rounds them away from
// zero); otherwise as [Floor].
func Round(x *Tensor) *Tensor { return core.Apply1(roundOp, None{}, x) }

// Trunc returns the integer part of x elementwise (rounding toward zero), as [Floor].
func Trunc(x *Tensor) *Tensor { return core.Apply1(truncOp, None{}, x) }
