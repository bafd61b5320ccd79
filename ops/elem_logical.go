package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/tensor"
)

// Predicates (isnan, isinf), logical ops on bool, and bitwise ops on integers. None of them is
// differentiable.

// IsInfParams selects which infinities isinf detects, as ONNX IsInf's attributes.
type IsInfParams struct {
	DetectPositive, DetectNegative bool
}

// LogicalParams selects the logical op: "and", "or" or "xor".
type LogicalParams struct {
	Kind string
}

// BitwiseParams selects the bitwise op: "and", "or", "xor", "left_shift" or "right_shift".
type BitwiseParams struct {
	Kind string
}

var isNaNOp, isInfOp, logicalNotOp, logicalOp, bitwiseOp, bitwiseNotOp *core.Op

var elemLogicalKinds = map[string]func(x, y bool) bool{
	"and": func(x, y bool) bool { return x && y },
	"or":  func(x, y bool) bool { return x || y },
	"xor": func(x, y bool) bool { return x != y },
}

var elemBitwiseKinds = map[string]func(x, y int64, bits uint) int64{
	"and":         func(x, y int64, _ uint) int64 { return x & y },
	"or":          func(x, y int64, _ uint) int64 { return x | y },
	"xor":         func(x, y int64, _ uint) int64 { return x ^ y },
	"left_shift":  elemShiftLeft,
	"right_shift": elemShiftRight,
}

// elemShiftLeft shifts x, an integer of the given width, left by s bits; shifting by s < 0 or
// s >= bits shifts every bit out (0). The result wraps when stored.
func elemShiftLeft(x, s int64, bits uint) int64 {
	if s < 0 || s >= int64(bits) {
		return 0
	}
	return x << uint(s)
}

// elemShiftRight shifts x right by s bits, arithmetically for signed types (x holds a uint8 as
// a non-negative int64, so that shift is logical); s < 0 or s >= bits leaves only the sign.
func elemShiftRight(x, s int64, bits uint) int64 {
	if s < 0 || s >= int64(bits) {
		s = 63
	}
	return x >> uint(s)
}

func elemBool(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// elemInferPredicate gives a bool tensor of x's shape.
func elemInferPredicate(in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	return []core.Spec{{DType: dtype.Bool, Shape: in[0].Shape}}, nil
}

// elemWantDType returns an error unless every input's dtype satisfies ok.
func elemWantDType(in []core.Spec, ok func(dtype.DType) bool, want string) error {
	for _, s := range in {
		if !ok(s.DType) {
			return fmt.Errorf("input is %s, want %s", s, want)
		}
	}
	return nil
}

func elemIntOrBool(d dtype.DType) bool { return d.IsInt() || d == dtype.Bool }

var elemIntBoolTypes = append([]dtype.DType{dtype.Bool}, intTypes...)

func init() {
	elemDeclarePredicates()
	elemDeclareLogical()
	elemDeclareBitwise()
}

func elemDeclarePredicates() {
	isNaNOp = core.Declare(core.Def[None]{
		Name: "isnan", Doc: "whether x is NaN elementwise, as bool (ONNX IsNaN, torch.isnan)",
		Elementwise:       true,
		NotDifferentiable: true, DTypes: allTypes,
		Infer: func(_ None, in []core.Spec) ([]core.Spec, error) { return elemInferPredicate(in) },
	})
	registerRef(isNaNOp, allTypes, func(_ None, in, out []*Tensor) error {
		if in[0].DType().IsFloat() {
			ref.Map(out[0], in[0], func(x float64) int64 { return elemBool(x != x) })
		} else {
			clear(tensor.Data[bool](out[0])) // integers are never NaN
		}
		return nil
	})

	isInfOp = core.Declare(core.Def[IsInfParams]{
		Name: "isinf", Doc: "whether x is +Inf and/or -Inf elementwise, as bool (ONNX IsInf, torch.isinf/isposinf/isneginf)",
		Elementwise:       true,
		NotDifferentiable: true, DTypes: allTypes,
		Infer: func(_ IsInfParams, in []core.Spec) ([]core.Spec, error) { return elemInferPredicate(in) },
	})
	registerRef(isInfOp, allTypes, func(p IsInfParams, in, out []*Tensor) error {
		if in[0].DType().IsFloat() {
			ref.Map(out[0], in[0], func(x float64) int64 {
				return elemBool(p.DetectPositive && math.IsInf(x, 1) || p.DetectNegative && math.IsInf(x, -1))
			})
		} else {
			clear(tensor.Data[bool](out[0])) // integers are never infinite
		}
		return nil
	})
}

func elemDeclareLogical() {
	logicalNotOp = core.Declare(core.Def[None]{
		Name: "logical_not", Doc: "not x elementwise on bool (ONNX Not, torch.logical_not)",
		Elementwise:       true,
		NotDifferentiable: true, DTypes: []dtype.DType{dtype.Bool},
		Infer: func(_ None, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			if err := elemWantDType(in, func(d dtype.DType) bool { return d == dtype.Bool }, "bool"); err != nil {
				return nil, err
			}
			return []core.Spec{in[0]}, nil
		},
	})
	registerRef(logicalNotOp, []dtype.DType{dtype.Bool}, func(_ None, in, out []*Tensor) error {
		ref.Map(out[0], in[0], func(x int64) int64 { return 1 - x })
		return nil
	})

	logicalOp = core.Declare(core.Def[LogicalParams]{
		Name: "logical", Doc: "x and/or/xor y elementwise on bool with broadcasting (ONNX And/Or/Xor, torch.logical_and/or/xor)",
		Elementwise:       true,
		NotDifferentiable: true, DTypes: []dtype.DType{dtype.Bool},
		Infer: func(p LogicalParams, in []core.Spec) ([]core.Spec, error) {
			if _, ok := elemLogicalKinds[p.Kind]; !ok {
				return nil, fmt.Errorf("unknown logical op %q (want and, or or xor)", p.Kind)
			}
			if len(in) == 2 {
				if err := elemWantDType(in, func(d dtype.DType) bool { return d == dtype.Bool }, "bool"); err != nil {
					return nil, err
				}
			}
			return inferBinary(None{}, in)
		},
	})
	registerRef(logicalOp, []dtype.DType{dtype.Bool}, func(p LogicalParams, in, out []*Tensor) error {
		f := elemLogicalKinds[p.Kind]
		ref.Binary(out[0], in[0], in[1], func(x, y int64) int64 { return elemBool(f(x != 0, y != 0)) })
		return nil
	})
}

func elemDeclareBitwise() {
	bitwiseOp = core.Declare(core.Def[BitwiseParams]{
		Name: "bitwise", Doc: "x and/or/xor/left_shift/right_shift y elementwise on integers with broadcasting (ONNX BitwiseAnd/Or/Xor, BitShift; torch.bitwise_*)",
		Elementwise:       true,
		NotDifferentiable: true, DTypes: elemIntBoolTypes,
		Infer: func(p BitwiseParams, in []core.Spec) ([]core.Spec, error) {
			if _, ok := elemBitwiseKinds[p.Kind]; !ok {
				return nil, fmt.Errorf("unknown bitwise op %q (want and, or, xor, left_shift or right_shift)", p.Kind)
			}
			if len(in) == 2 {
				ok, want := elemIntOrBool, "an integer or bool"
				if p.Kind == "left_shift" || p.Kind == "right_shift" {
					ok, want = dtype.DType.IsInt, "an integer"
				}
				if err := elemWantDType(in, ok, want); err != nil {
					return nil, err
				}
			}
			return inferBinary(None{}, in)
		},
	})
	registerRef(bitwiseOp, elemIntBoolTypes, func(p BitwiseParams, in, out []*Tensor) error {
		f, bits := elemBitwiseKinds[p.Kind], uint(in[0].DType().Size()*8)
		ref.Binary(out[0], in[0], in[1], func(x, y int64) int64 { return f(x, y, bits) })
		return nil
	})

	bitwiseNotOp = core.Declare(core.Def[None]{
		Name: "bitwise_not", Doc: "the bits of x inverted elementwise, logical not on bool (ONNX BitwiseNot, torch.bitwise_not)",
		Elementwise:       true,
		NotDifferentiable: true, DTypes: elemIntBoolTypes,
		Infer: func(_ None, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			if err := elemWantDType(in, elemIntOrBool, "an integer or bool"); err != nil {
				return nil, err
			}
			return []core.Spec{in[0]}, nil
		},
	})
	registerRef(bitwiseNotOp, elemIntBoolTypes, func(_ None, in, out []*Tensor) error {
		if in[0].DType() == dtype.Bool {
			ref.Map(out[0], in[0], func(x int64) int64 { return 1 - x })
		} else {
			ref.Map(out[0], in[0], func(x int64) int64 { return ^x }) // wraps to the type's width
		}
		return nil
	})
}

// IsNaN reports elementwise whether x is NaN, as a bool tensor of x's shape (always false for
// integers and bool).
func IsNaN(x *Tensor) *Tensor { return core.Apply1(isNaNOp, None{}, x) }

// IsInf reports elementwise whether x is infinite, as a bool tensor of x's shape, choosing the
// infinities like math.IsInf: sign > 0 detects +Inf, sign < 0 detects -Inf, sign == 0 both
// (ONNX IsInf's detect_positive and detect_negative; torch.isinf, isposinf and isneginf).
// Integers and bool are never infinite.
func IsInf(x *Tensor, sign int) *Tensor {
	return core.Apply1(isInfOp, IsInfParams{DetectPositive: sign >= 0, DetectNegative: sign <= 0}, x)
}

// LogicalNot returns not x elementwise as bool. A non-bool x is converted to bool first (non-zero
// and NaN are true), as torch.logical_not; ONNX Not takes bool only.
func LogicalNot(x *Tensor) *Tensor { return core.Apply1(logicalNotOp, None{}, Cast(x, dtype.Bool)) }

func elemLogical(kind string, x, y *Tensor) *Tensor {
	return core.Apply1(logicalOp, LogicalParams{Kind: kind}, Cast(x, dtype.Bool), Cast(y, dtype.Bool))
}

// LogicalAnd returns x and y elementwise as bool, with broadcasting. Non-bool inputs are
// converted to bool first (non-zero and NaN are true), as torch.logical_and; ONNX And takes bool
// only. It panics with a *core.Error if the shapes do not broadcast.
func LogicalAnd(x, y *Tensor) *Tensor { return elemLogical("and", x, y) }

// LogicalOr returns x or y elementwise as bool, as [LogicalAnd].
func LogicalOr(x, y *Tensor) *Tensor { return elemLogical("or", x, y) }

// LogicalXor returns x xor y (x != y) elementwise as bool, as [LogicalAnd].
func LogicalXor(x, y *Tensor) *Tensor { return elemLogical("xor", x, y) }

func elemBitwise(kind string, x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(bitwiseOp, BitwiseParams{Kind: kind}, x, y)
}

// BitwiseAnd returns x & y elementwise on integer or bool tensors, with broadcasting and
// promotion (ONNX BitwiseAnd, torch.bitwise_and). It panics with a *core.Error on floats or
// shapes that do not broadcast.
func BitwiseAnd(x, y *Tensor) *Tensor { return elemBitwise("and", x, y) }

// BitwiseOr returns x | y elementwise, as [BitwiseAnd].
func BitwiseOr(x, y *Tensor) *Tensor { return elemBitwise("or", x, y) }

// BitwiseXor returns x ^ y elementwise, as [BitwiseAnd].
func BitwiseXor(x, y *Tensor) *Tensor { return elemBitwise("xor", x, y) }

// BitwiseNot returns ^x elementwise on integers (two's complement: ^5 is -6, and 250 for
// uint8), and not x on bool (ONNX BitwiseNot, torch.bitwise_not). It panics with a *core.Error
// on floats.
func BitwiseNot(x *Tensor) *Tensor { return core.Apply1(bitwiseNotOp, None{}, x) }

// BitwiseLeftShift returns x << y elementwise on integers, with broadcasting and promotion; bits
// shifted beyond the type's width are lost (the result wraps), and a shift count that is
// negative or at least the width gives 0 (ONNX BitShift direction LEFT, torch.bitwise_left_shift;
// ONNX defines BitShift for unsigned types only, and PyTorch 1.13 leaves int32/int64 shifts by
// the width or more to the machine). It panics with a *core.Error on bool or floats.
func BitwiseLeftShift(x, y *Tensor) *Tensor { return elemBitwise("left_shift", x, y) }

// BitwiseRightShift returns x >> y elementwise on integers, with broadcasting and promotion:
// arithmetic (sign-filling) for signed types, as PyTorch and NumPy, logical for uint8 (ONNX
// BitShift direction RIGHT, defined for unsigned types only). A shift count that is negative or
// at least the width leaves only the sign: -1 for negative x, else 0. It panics with a
// *core.Error on bool or floats.
func BitwiseRightShift(x, y *Tensor) *Tensor { return elemBitwise("right_shift", x, y) }
