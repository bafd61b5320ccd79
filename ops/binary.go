package ops

import (
	"errors"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Elementwise binary arithmetic with NumPy broadcasting. The public functions promote mixed
// dtypes (dtype.Promote) before the primitive runs, so the primitives see one dtype.

var (
	addOp, subOp, mulOp, divOp, maximumOp, powOp *core.Op
)

// inferBinary checks that two inputs share a dtype and broadcast, giving one output.
func inferBinary(_ None, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	if err := sameDTypes(in); err != nil {
		return nil, err
	}
	s, err := shape.Broadcast(in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: s}}, nil
}

// binaryRef registers the reference kernel of a binary op from its float64 and int64 forms
// (fi may be nil for float-only ops).
func binaryRef(op *core.Op, dts []dtype.DType, ff func(x, y float64) float64, fi func(x, y int64) (int64, error)) {
	registerRef(op, dts, func(_ None, in, out []*Tensor) error {
		if in[0].DType().IsFloat() {
			ref.Binary(out[0], in[0], in[1], ff)
			return nil
		}
		var err error
		ref.Binary(out[0], in[0], in[1], func(x, y int64) int64 {
			r, e := fi(x, y)
			if e != nil && err == nil {
				err = e
			}
			return r
		})
		return err
	})
}

func intOK(f func(x, y int64) int64) func(x, y int64) (int64, error) {
	return func(x, y int64) (int64, error) { return f(x, y), nil }
}

var errIntDivZero = errors.New("integer division by zero")

func init() {
	addOp = core.Declare(core.Def[None]{
		Name: "add", Doc: "x + y elementwise with broadcasting (ONNX Add, torch.add)",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{sumTo(g[0], in[0].Shape()), sumTo(g[0], in[1].Shape())}
		},
	})
	binaryRef(addOp, numericTypes, func(x, y float64) float64 { return x + y }, intOK(func(x, y int64) int64 { return x + y }))

	subOp = core.Declare(core.Def[None]{
		Name: "sub", Doc: "x - y elementwise with broadcasting (ONNX Sub, torch.sub)",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{sumTo(g[0], in[0].Shape()), sumTo(Neg(g[0]), in[1].Shape())}
		},
	})
	binaryRef(subOp, numericTypes, func(x, y float64) float64 { return x - y }, intOK(func(x, y int64) int64 { return x - y }))

	mulOp = core.Declare(core.Def[None]{
		Name: "mul", Doc: "x * y elementwise with broadcasting (ONNX Mul, torch.mul)",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{sumTo(Mul(g[0], in[1]), in[0].Shape()), sumTo(Mul(g[0], in[0]), in[1].Shape())}
		},
	})
	binaryRef(mulOp, numericTypes, func(x, y float64) float64 { return x * y }, intOK(func(x, y int64) int64 { return x * y }))

	divOp = core.Declare(core.Def[None]{
		Name: "div", Doc: "x / y elementwise; integers truncate toward zero (ONNX Div; torch.div rounding_mode='trunc')",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: func(_ None, in, out, g []*Tensor) []*Tensor {
			ga := Div(g[0], in[1])
			gb := Neg(Div(Mul(g[0], out[0]), in[1])) // -g·x/y² = -g·out/y
			return []*Tensor{sumTo(ga, in[0].Shape()), sumTo(gb, in[1].Shape())}
		},
	})
	binaryRef(divOp, numericTypes, func(x, y float64) float64 { return x / y }, func(x, y int64) (int64, error) {
		if y == 0 {
			return 0, errIntDivZero
		}
		return x / y, nil
	})

	maximumOp = core.Declare(core.Def[None]{
		Name: "maximum", Doc: "larger of x and y elementwise, NaN if either is NaN (ONNX Max, torch.maximum)",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			// As PyTorch: the gradient goes to the larger input, split evenly on ties, and to
			// both where a NaN makes them neither ordered nor equal.
			dt := g[0].DType()
			half := Mul(Cast(Equal(in[0], in[1]), dt), scalarLike(g[0], 0.5))
			one := scalarLike(g[0], 1)
			wa := Sub(Sub(one, Cast(Less(in[0], in[1]), dt)), half)
			wb := Sub(Sub(one, Cast(Greater(in[0], in[1]), dt)), half)
			return []*Tensor{sumTo(Mul(g[0], wa), in[0].Shape()), sumTo(Mul(g[0], wb), in[1].Shape())}
		},
	})
	binaryRef(maximumOp, numericTypes, func(x, y float64) float64 {
		if x != x || y != y {
			return math.NaN()
		}
		return max(x, y)
	}, intOK(func(x, y int64) int64 { return max(x, y) }))

	powOp = core.Declare(core.Def[None]{
		Name: "pow", Doc: "x raised to y elementwise (ONNX Pow, torch.pow)",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: gradPow,
	})
	binaryRef(powOp, numericTypes, math.Pow, func(x, y int64) (int64, error) {
		if y < 0 {
			return 0, errors.New("integers to negative integer powers are not allowed")
		}
		r := int64(1)
		for ; y > 0; y >>= 1 {
			if y&1 == 1 {
				r *= x
			}
			x *= x
		}
		return r, nil
	})
}

// gradPow follows PyTorch: d/dx = y·x^(y-1) (0 where y == 0); d/dy = x^y·log(x) (0 where x == 0
// and y >= 0, so that 0^y has a finite gradient at the boundary).
func gradPow(_ None, in, out, g []*Tensor) []*Tensor {
	x, y := in[0], in[1]
	zero := scalarLike(x, 0)
	dx := Mul(y, Pow(x, Sub(y, scalarLike(y, 1))))
	dx = Where(Equal(y, zero), zero, dx)
	dy := Mul(out[0], Log(x))
	dy = Where(Equal(x, zero), Where(GreaterEqual(y, zero), zero, dy), dy)
	return []*Tensor{sumTo(Mul(g[0], dx), x.Shape()), sumTo(Mul(g[0], dy), y.Shape())}
}

// Add returns x + y elementwise, broadcasting as NumPy and promoting dtypes (dtype.Promote).
// It panics with a *core.Error if the shapes do not broadcast.
func Add(x, y *Tensor) *Tensor { x, y = promote(x, y); return core.Apply1(addOp, None{}, x, y) }

// Sub returns x - y elementwise with broadcasting and promotion, as [Add].
func Sub(x, y *Tensor) *Tensor { x, y = promote(x, y); return core.Apply1(subOp, None{}, x, y) }

// Mul returns x * y elementwise with broadcasting and promotion, as [Add].
func Mul(x, y *Tensor) *Tensor { x, y = promote(x, y); return core.Apply1(mulOp, None{}, x, y) }

// Div returns x / y elementwise with broadcasting and promotion, as [Add]. Integer division
// truncates toward zero, as ONNX Div and C (PyTorch's "/" would give floats); an integer division
// by zero panics with a *core.Error.
func Div(x, y *Tensor) *Tensor { x, y = promote(x, y); return core.Apply1(divOp, None{}, x, y) }

// Maximum returns the larger of x and y elementwise (NaN if either is NaN), with broadcasting
// and promotion. On ties the gradient is split evenly, as in PyTorch.
func Maximum(x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(maximumOp, None{}, x, y)
}

// Pow returns x raised to the power y elementwise, with broadcasting and promotion. For integers
// a negative exponent panics with a *core.Error.
func Pow(x, y *Tensor) *Tensor { x, y = promote(x, y); return core.Apply1(powOp, None{}, x, y) }

// AddScalar returns x + c, with c converted to x's dtype.
func AddScalar(x *Tensor, c float64) *Tensor { return Add(x, scalarLike(x, c)) }

// MulScalar returns x · c, with c converted to x's dtype.
func MulScalar(x *Tensor, c float64) *Tensor { return Mul(x, scalarLike(x, c)) }

// PowScalar returns x^c, with c converted to x's dtype.
func PowScalar(x *Tensor, c float64) *Tensor { return Pow(x, scalarLike(x, c)) }
