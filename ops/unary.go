package ops

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
)

// Elementwise unary ops. Those defined only on reals (exp, log, tanh, sqrt) convert integer
// inputs to float32 first, as PyTorch does.

var negOp, expOp, logOp, tanhOp, sqrtOp, reluOp *core.Op

func inferUnary(_ None, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	return []core.Spec{in[0]}, nil
}

// unaryRef registers the reference kernel of a unary op from its float64 and int64 forms
// (fi nil for float-only ops).
func unaryRef(op *core.Op, dts []dtype.DType, ff func(float64) float64, fi func(int64) int64) {
	registerRef(op, dts, func(_ None, in, out []*Tensor) error {
		if in[0].DType().IsFloat() {
			ref.Map(out[0], in[0], ff)
		} else {
			ref.Map(out[0], in[0], fi)
		}
		return nil
	})
}

// declareUnary declares a unary op with the given gradient rule (nil: not differentiable).
func declareUnary(name, doc string, dts []dtype.DType, grad func(_ None, in, out, g []*Tensor) []*Tensor) *core.Op {
	return core.Declare(core.Def[None]{Name: name, Doc: doc, Infer: inferUnary, DTypes: dts, Grad: grad, NotDifferentiable: grad == nil, Elementwise: true})
}

func init() {
	signed := []dtype.DType{dtype.Int8, dtype.Int32, dtype.Int64, dtype.Float16, dtype.BFloat16, dtype.Float32, dtype.Float64}
	negOp = declareUnary("neg", "-x elementwise (ONNX Neg, torch.neg)", signed,
		func(_ None, _, _, g []*Tensor) []*Tensor { return []*Tensor{Neg(g[0])} })
	unaryRef(negOp, signed, func(x float64) float64 { return -x }, func(x int64) int64 { return -x })

	expOp = declareUnary("exp", "e^x elementwise (ONNX Exp, torch.exp)", floatTypes,
		func(_ None, _, out, g []*Tensor) []*Tensor { return []*Tensor{Mul(g[0], out[0])} })
	unaryRef(expOp, floatTypes, ref.Exp, nil)

	logOp = declareUnary("log", "natural logarithm elementwise (ONNX Log, torch.log)", floatTypes,
		func(_ None, in, _, g []*Tensor) []*Tensor { return []*Tensor{Div(g[0], in[0])} })
	unaryRef(logOp, floatTypes, ref.Log, nil)

	tanhOp = declareUnary("tanh", "hyperbolic tangent elementwise (ONNX Tanh, torch.tanh)", floatTypes,
		func(_ None, _, out, g []*Tensor) []*Tensor {
			// d tanh = 1 - tanh², written with the output so no second tanh is computed.
			return []*Tensor{Mul(g[0], Sub(scalarLike(out[0], 1), Mul(out[0], out[0])))}
		})
	unaryRef(tanhOp, floatTypes, math.Tanh, nil)

	sqrtOp = declareUnary("sqrt", "square root elementwise (ONNX Sqrt, torch.sqrt)", floatTypes,
		func(_ None, _, out, g []*Tensor) []*Tensor {
			return []*Tensor{Div(g[0], MulScalar(out[0], 2))}
		})
	unaryRef(sqrtOp, floatTypes, math.Sqrt, nil)

	reluOp = declareUnary("relu", "max(x, 0) elementwise (ONNX Relu, torch.relu)", numericTypes,
		func(_ None, in, _, g []*Tensor) []*Tensor {
			// The gradient is zeroed where x <= 0, as in PyTorch: 0 at 0 (writing relu as
			// maximum(x, 0) would split it to 0.5 there) and passed through at NaN; ReluGrad
			// is Where(LessEqual(x, 0), 0, g) in one pass.
			return []*Tensor{ReluGrad(in[0], g[0])}
		})
	unaryRef(reluOp, numericTypes, func(x float64) float64 {
		if x > 0 || x != x {
			return x
		}
		return 0
	}, func(x int64) int64 { return max(x, 0) })
}

// Neg returns -x elementwise. Unsigned and bool inputs panic with a *core.Error.
func Neg(x *Tensor) *Tensor { return core.Apply1(negOp, None{}, x) }

// Exp returns e^x elementwise; integer inputs are converted to float32 first.
func Exp(x *Tensor) *Tensor { return core.Apply1(expOp, None{}, toFloat(x)) }

// Log returns the natural logarithm elementwise (NaN below 0, -Inf at 0); integer inputs are
// converted to float32 first.
func Log(x *Tensor) *Tensor { return core.Apply1(logOp, None{}, toFloat(x)) }

// Tanh returns the hyperbolic tangent elementwise; integer inputs are converted to float32 first.
func Tanh(x *Tensor) *Tensor { return core.Apply1(tanhOp, None{}, toFloat(x)) }

// Sqrt returns the square root elementwise (NaN below 0); integer inputs are converted to
// float32 first.
func Sqrt(x *Tensor) *Tensor { return core.Apply1(sqrtOp, None{}, toFloat(x)) }

// Relu returns max(x, 0) elementwise (NaN stays NaN). Its gradient at 0 is 0, as in PyTorch.
func Relu(x *Tensor) *Tensor { return core.Apply1(reluOp, None{}, x) }

// Square returns x·x elementwise.
func Square(x *Tensor) *Tensor { return Mul(x, x) }
