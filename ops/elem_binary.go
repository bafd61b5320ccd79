package ops

import (
	"errors"
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Elementwise binary ops beyond binary.go (minimum, floor division, modulo in both sign
// conventions, atan2) and clip. The public functions promote mixed dtypes (dtype.Promote) and
// broadcast as NumPy. Integer arithmetic is done in int64 and wraps to the storage type, as in C,
// NumPy and PyTorch (int8 -128 floor-divided by -1 is -128); an integer division or modulo by
// zero panics with a *core.Error naming the op.

// ModParams selects the sign convention of mod, as ONNX Mod's fmod attribute.
type ModParams struct {
	// Fmod false: the result has the sign of the divisor (Python %, NumPy mod, torch.remainder,
	// ONNX Mod fmod=0). Fmod true: the sign of the dividend (C fmod, torch.fmod, ONNX Mod
	// fmod=1).
	Fmod bool
}

// ClipParams says which bounds clip has: its inputs are x, then the lower bound if HasMin, then
// the upper bound if HasMax.
type ClipParams struct {
	HasMin, HasMax bool
}

var minimumOp, floorDivOp, modOp, atan2Op, clipOp *core.Op

var elemErrModZero = errors.New("integer modulo by zero")

func init() {
	minimumOp = core.Declare(core.Def[None]{
		Name: "minimum", Doc: "smaller of x and y elementwise, NaN if either is NaN (ONNX Min, torch.minimum)",
		Elementwise: true,
		Infer:       inferBinary, DTypes: numericTypes,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			// As maximum and PyTorch: to the smaller input, split evenly on ties.
			lt := Cast(Less(in[0], in[1]), g[0].DType())
			eq := Cast(Equal(in[0], in[1]), g[0].DType())
			wa := Add(lt, Mul(eq, scalarLike(g[0], 0.5)))
			wb := Sub(scalarLike(wa, 1), wa)
			return []*Tensor{sumTo(Mul(g[0], wa), in[0].Shape()), sumTo(Mul(g[0], wb), in[1].Shape())}
		},
	})
	binaryRef(minimumOp, numericTypes, func(x, y float64) float64 {
		if x != x || y != y {
			return math.NaN()
		}
		return min(x, y)
	}, intOK(func(x, y int64) int64 { return min(x, y) }))

	floorDivOp = core.Declare(core.Def[None]{
		Name: "floor_div", Doc: "x / y rounded down elementwise, zero gradient (no ONNX op; torch.div rounding_mode='floor')",
		Elementwise: true,
		Infer:       inferBinary, DTypes: numericTypes,
		Grad: func(_ None, _, _, _ []*Tensor) []*Tensor { return []*Tensor{nil, nil} },
	})
	binaryRef(floorDivOp, numericTypes, elemFloorDivFloat, func(x, y int64) (int64, error) {
		if y == 0 {
			return 0, errIntDivZero
		}
		q := x / y
		if x%y != 0 && (x < 0) != (y < 0) {
			q--
		}
		return q, nil
	})

	modOp = core.Declare(core.Def[ModParams]{
		Name: "mod", Doc: "remainder with the sign of the divisor, or of the dividend when fmod (ONNX Mod, torch.remainder/torch.fmod)",
		Elementwise: true,
		DTypes:      numericTypes,
		Infer:       func(_ ModParams, in []core.Spec) ([]core.Spec, error) { return inferBinary(None{}, in) },
		Grad: func(p ModParams, in, _, g []*Tensor) []*Tensor {
			// x mod y = x - q·y with q = floor(x/y) (or trunc for fmod), piecewise constant.
			x, y := in[0], in[1]
			q := FloorDiv(x, y)
			if p.Fmod {
				q = Trunc(Div(x, y))
			}
			return []*Tensor{sumTo(g[0], x.Shape()), sumTo(Neg(Mul(g[0], q)), y.Shape())}
		},
	})
	registerRef(modOp, numericTypes, func(p ModParams, in, out []*Tensor) error {
		if in[0].DType().IsFloat() {
			f := elemModFloat
			if p.Fmod {
				f = math.Mod
			}
			ref.Binary(out[0], in[0], in[1], f)
			return nil
		}
		var err error
		ref.Binary(out[0], in[0], in[1], func(x, y int64) int64 {
			if y == 0 {
				err = elemErrModZero
				return 0
			}
			r := x % y
			if !p.Fmod && r != 0 && (r < 0) != (y < 0) {
				r += y
			}
			return r
		})
		return err
	})

	atan2Op = core.Declare(core.Def[None]{
		Name: "atan2", Doc: "angle of the point (x, y) elementwise, in [-π, π] (no ONNX op; torch.atan2)",
		Elementwise: true,
		Infer:       inferBinary, DTypes: floatTypes,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			y, x := in[0], in[1]
			r2 := Add(Mul(x, x), Mul(y, y))
			gy := Div(Mul(g[0], x), r2)
			gx := Neg(Div(Mul(g[0], y), r2))
			return []*Tensor{sumTo(gy, y.Shape()), sumTo(gx, x.Shape())}
		},
	})
	binaryRef(atan2Op, floatTypes, math.Atan2, nil)

	clipOp = core.Declare(core.Def[ClipParams]{
		Name: "clip", Doc: "x limited to [min, max] elementwise with broadcast bounds (ONNX Clip, torch.clamp)",
		Elementwise: true,
		DTypes:      numericTypes, Infer: elemInferClip, Grad: elemGradClip,
	})
	registerRef(clipOp, numericTypes, elemClipRef)
}

// elemFloorDivFloat is floor(x/y) computed as Python and PyTorch do, from fmod, so that
// x == floor_div(x, y)·y + mod(x, y) holds as closely as rounding allows.
func elemFloorDivFloat(x, y float64) float64 {
	if y == 0 {
		return x / y
	}
	m := math.Mod(x, y)
	div := (x - m) / y
	if m != 0 && (y < 0) != (m < 0) {
		div--
	}
	if div == 0 {
		return math.Copysign(0, x/y)
	}
	f := math.Floor(div)
	if div-f > 0.5 {
		f++
	}
	return f
}

// elemModFloat is the remainder with the sign of the divisor (Python's % on floats).
func elemModFloat(x, y float64) float64 {
	m := math.Mod(x, y)
	if m != 0 && (y < 0) != (m < 0) {
		m += y
	}
	return m
}

func elemInferClip(p ClipParams, in []core.Spec) ([]core.Spec, error) {
	n := 1
	if p.HasMin {
		n++
	}
	if p.HasMax {
		n++
	}
	if err := wantInputs(in, n); err != nil {
		return nil, err
	}
	if err := sameDTypes(in); err != nil {
		return nil, err
	}
	if in[0].DType == dtype.Bool {
		return nil, fmt.Errorf("input is bool, want a number")
	}
	shapes := make([]shape.Shape, len(in))
	for i, s := range in {
		shapes[i] = s.Shape
	}
	s, err := shape.Broadcast(shapes...)
	if err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: s}}, nil
}

// elemClipBounds returns clip's bound inputs, nil where absent.
func elemClipBounds(p ClipParams, in []*Tensor) (lo, hi *Tensor) {
	i := 1
	if p.HasMin {
		lo, i = in[i], i+1
	}
	if p.HasMax {
		hi = in[i]
	}
	return lo, hi
}

// elemGradClip is PyTorch's clamp gradient: x gets it where lo <= x <= hi (so at the bounds
// too); a bound gets it where it is the result, and when lo > hi (every result is hi) only hi.
func elemGradClip(p ClipParams, in, _, g []*Tensor) []*Tensor {
	x := in[0]
	lo, hi := elemClipBounds(p, in)
	zero := scalarLike(g[0], 0)
	keep := func(cond, t *Tensor) *Tensor { return sumTo(Where(cond, g[0], zero), t.Shape()) }
	var inside *Tensor
	switch {
	case lo != nil && hi != nil:
		inside = LogicalAnd(GreaterEqual(x, lo), LessEqual(x, hi))
	case lo != nil:
		inside = GreaterEqual(x, lo)
	default:
		inside = LessEqual(x, hi)
	}
	out := []*Tensor{keep(inside, x)}
	switch {
	case lo != nil && hi != nil:
		out = append(out, keep(LogicalAnd(Less(x, lo), Less(lo, hi)), lo),
			keep(LogicalOr(Greater(x, hi), Less(hi, lo)), hi))
	case lo != nil:
		out = append(out, keep(Less(x, lo), lo))
	case hi != nil:
		out = append(out, keep(Greater(x, hi), hi))
	}
	return out
}

func elemClipRef(p ClipParams, in, out []*Tensor) error {
	x := in[0]
	lo, hi := elemClipBounds(p, in)
	if x.DType().IsFloat() {
		if lo == nil {
			lo = scalarLike(x, math.Inf(-1))
		}
		if hi == nil {
			hi = scalarLike(x, math.Inf(1))
		}
		ref.Ternary(out[0], x, lo, hi, func(v, a, b float64) float64 {
			if a != a || b != b {
				return math.NaN() // a NaN bound gives NaN, as PyTorch; a NaN x stays NaN below
			}
			return min(max(v, a), b)
		})
		return nil
	}
	// scalarLike saturates ±Inf to the integer type's bounds: no clipping.
	if lo == nil {
		lo = scalarLike(x, math.Inf(-1))
	}
	if hi == nil {
		hi = scalarLike(x, math.Inf(1))
	}
	ref.Ternary(out[0], x, lo, hi, func(v, a, b int64) int64 { return min(max(v, a), b) })
	return nil
}

// Minimum returns the smaller of x and y elementwise (NaN if either is NaN), with broadcasting
// and promotion. On ties the gradient is split evenly, as in PyTorch.
func Minimum(x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(minimumOp, None{}, x, y)
}

// FloorDiv returns x / y rounded toward -Inf elementwise, with broadcasting and promotion, as
// Python's //, NumPy's floor_divide and torch.div(rounding_mode="floor"); the result keeps the
// promoted dtype. Float division by zero gives ±Inf or NaN; an integer division by zero panics
// with a *core.Error. The gradient is zero.
func FloorDiv(x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(floorDivOp, None{}, x, y)
}

// Mod returns the remainder of x / y elementwise with the sign of the divisor y, so that
// x = FloorDiv(x, y)·y + Mod(x, y): Python's %, NumPy's mod, torch.remainder, ONNX Mod with
// fmod=0 (which ONNX defines for integers only; Tide also gives it for floats, as NumPy). It
// broadcasts and promotes. A float modulo by zero is NaN; an integer one panics with a
// *core.Error.
func Mod(x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(modOp, ModParams{}, x, y)
}

// Fmod returns the remainder of x / y elementwise with the sign of the dividend x, so that
// x = trunc(x/y)·y + Fmod(x, y): C's fmod and %, torch.fmod, ONNX Mod with fmod=1. Otherwise
// as [Mod].
func Fmod(x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(modOp, ModParams{Fmod: true}, x, y)
}

// Atan2 returns the angle in [-π, π] of the point (x, y) elementwise, the arctangent of y/x
// using both signs to choose the quadrant (torch.atan2(y, x), math.Atan2), with broadcasting and
// promotion; integer inputs are converted to float32 first.
func Atan2(y, x *Tensor) *Tensor {
	y, x = promote(y, x)
	y, x = toFloat(y), toFloat(x)
	return core.Apply1(atan2Op, None{}, y, x)
}

// SquaredDifference returns (x - y)² elementwise, with broadcasting and promotion
// (TensorFlow's squared_difference).
func SquaredDifference(x, y *Tensor) *Tensor { return Square(Sub(x, y)) }

// Clip returns x limited to [lo, hi] elementwise, min(max(x, lo), hi), as ONNX Clip and
// torch.clamp: either bound may be nil for none (both nil returns x), bounds broadcast with x
// (the result has the broadcast shape), and all three are promoted to one dtype. Where lo > hi
// every result is hi. A NaN in x or in a bound gives NaN. As in PyTorch the gradient goes to x
// where lo <= x <= hi (at the bounds too) and to a bound where the result is that bound.
// It panics with a *core.Error if the shapes do not broadcast or x is bool.
func Clip(x, lo, hi *Tensor) *Tensor {
	if lo == nil && hi == nil {
		return x
	}
	dt := x.DType()
	for _, b := range []*Tensor{lo, hi} {
		if b != nil {
			dt = dtype.Promote(dt, b.DType())
		}
	}
	p := ClipParams{HasMin: lo != nil, HasMax: hi != nil}
	in := []*Tensor{Cast(x, dt)}
	for _, b := range []*Tensor{lo, hi} {
		if b != nil {
			in = append(in, Cast(b, dt))
		}
	}
	return core.Apply1(clipOp, p, in...)
}

// ClipScalar returns x limited to [lo, hi] with the bounds converted to x's dtype; an infinite
// bound (-Inf for lo, +Inf for hi) means none. See [Clip].
func ClipScalar(x *Tensor, lo, hi float64) *Tensor {
	var l, h *Tensor
	if !math.IsInf(lo, -1) {
		l = scalarLike(x, lo)
	}
	if !math.IsInf(hi, 1) {
		h = scalarLike(x, hi)
	}
	return Clip(x, l, h)
}
