package ops_test

import (
	"testing"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the elementwise ("elem") family against PyTorch: testdata/elem.json is
// written by testdata/gen_elem.py in the format of oracle.json and run by the harness of
// oracle_helpers_test.go. Only the params and the op table are the family's own.

// elemParams is the union of the family's parameters; floats may be "inf" or "-inf".
type elemParams struct {
	Alpha       oracleNum `json:"alpha"`
	Beta        oracleNum `json:"beta"`
	Threshold   oracleNum `json:"threshold"`
	Lo          oracleNum `json:"lo"`
	Hi          oracleNum `json:"hi"`
	Approximate string    `json:"approximate"`
	Sign        int       `json:"sign"`
	HasMin      bool      `json:"has_min"`
	HasMax      bool      `json:"has_max"`
}

type elemOracleOp = oracleOp[elemParams]

// elemOp is an op of the family with arity n (anyArity for any). Every op of the family
// broadcasts its inputs, so a gradient summed over broadcast dimensions is an accumulation.
func elemOp(n int, fwd, grad tolClass, f func(p *elemParams, in []*tensor.Tensor) *tensor.Tensor) elemOracleOp {
	op := oracleOp1(n, fwd, grad, f)
	op.broadcasts = true
	return op
}

func elemU(f func(x *tensor.Tensor) *tensor.Tensor, c tolClass) elemOracleOp {
	return elemOp(1, c, c, func(_ *elemParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0]) })
}

func elemB(f func(x, y *tensor.Tensor) *tensor.Tensor, c tolClass) elemOracleOp {
	return elemOp(2, c, c, func(_ *elemParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], in[1]) })
}

// elemUP is a unary op with params.
func elemUP(f func(p *elemParams, x *tensor.Tensor) *tensor.Tensor, c tolClass) elemOracleOp {
	return elemOp(1, c, c, func(p *elemParams, in []*tensor.Tensor) *tensor.Tensor { return f(p, in[0]) })
}

// elemOracleOps maps the op names of elem.json to the Go functions; every entry must have cases.
// Composites of several roundings (gelu, mish, selu...) are compared as accumulations.
var elemOracleOps = map[string]elemOracleOp{
	"abs": elemU(ops.Abs, tolExact), "sign": elemU(ops.Sign, tolExact),
	"floor": elemU(ops.Floor, tolExact), "ceil": elemU(ops.Ceil, tolExact),
	"round": elemU(ops.Round, tolExact), "trunc": elemU(ops.Trunc, tolExact),

	"reciprocal": elemU(ops.Reciprocal, tolElementwise), "rsqrt": elemU(ops.Rsqrt, tolElementwise),
	"expm1": elemU(ops.Expm1, tolElementwise), "log1p": elemU(ops.Log1p, tolElementwise),
	"sin": elemU(ops.Sin, tolElementwise), "cos": elemU(ops.Cos, tolElementwise), "tan": elemU(ops.Tan, tolElementwise),
	"asin": elemU(ops.Asin, tolElementwise), "acos": elemU(ops.Acos, tolElementwise), "atan": elemU(ops.Atan, tolElementwise),
	"sinh": elemU(ops.Sinh, tolElementwise), "cosh": elemU(ops.Cosh, tolElementwise),
	"asinh": elemU(ops.Asinh, tolElementwise), "acosh": elemU(ops.Acosh, tolElementwise),
	"atanh": elemU(ops.Atanh, tolElementwise), "erf": elemU(ops.Erf, tolElementwise),
	"sigmoid": elemU(ops.Sigmoid, tolElementwise), "softplus": elemU(ops.Softplus, tolElementwise),
	"softsign": elemU(ops.Softsign, tolElementwise), "relu6": elemU(ops.Relu6, tolExact),
	"selu": elemU(ops.Selu, tolAccumulate), "silu": elemU(ops.Silu, tolAccumulate),
	"mish": elemU(ops.Mish, tolAccumulate), "hard_swish": elemU(ops.HardSwish, tolAccumulate),

	"softplus_beta": elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor {
		return ops.SoftplusBeta(x, p.Beta.f, p.Threshold.f)
	}, tolElementwise),
	"leaky_relu": elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor { return ops.LeakyRelu(x, p.Alpha.f) }, tolElementwise),
	"elu":        elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor { return ops.Elu(x, p.Alpha.f) }, tolElementwise),
	"gelu":       elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor { return ops.Gelu(x, p.Approximate) }, tolAccumulate),
	"hard_sigmoid": elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor {
		return ops.HardSigmoid(x, p.Alpha.f, p.Beta.f)
	}, tolElementwise),
	"is_nan": elemU(ops.IsNaN, tolExact),
	"is_inf": elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor { return ops.IsInf(x, p.Sign) }, tolExact),

	"minimum": elemB(ops.Minimum, tolElementwise), "atan2": elemB(ops.Atan2, tolElementwise),
	"squared_difference": elemB(ops.SquaredDifference, tolElementwise),
	"mod":                elemB(ops.Mod, tolElementwise), "fmod": elemB(ops.Fmod, tolElementwise),
	"floor_div": elemB(ops.FloorDiv, tolExact),

	"logical_not": elemU(ops.LogicalNot, tolExact), "logical_and": elemB(ops.LogicalAnd, tolExact),
	"logical_or": elemB(ops.LogicalOr, tolExact), "logical_xor": elemB(ops.LogicalXor, tolExact),
	"bitwise_and": elemB(ops.BitwiseAnd, tolExact), "bitwise_or": elemB(ops.BitwiseOr, tolExact),
	"bitwise_xor": elemB(ops.BitwiseXor, tolExact), "bitwise_not": elemU(ops.BitwiseNot, tolExact),
	"bitwise_left_shift":  elemB(ops.BitwiseLeftShift, tolExact),
	"bitwise_right_shift": elemB(ops.BitwiseRightShift, tolExact),

	"clip": elemOp(anyArity, tolExact, tolAccumulate, func(p *elemParams, in []*tensor.Tensor) *tensor.Tensor {
		var lo, hi *tensor.Tensor
		rest := in[1:]
		if p.HasMin {
			lo, rest = rest[0], rest[1:]
		}
		if p.HasMax {
			hi = rest[0]
		}
		return ops.Clip(in[0], lo, hi)
	}),
	"clip_scalar": elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor {
		return ops.ClipScalar(x, p.Lo.f, p.Hi.f)
	}, tolExact),
}

func TestElemOracle(t *testing.T) {
	fam := oracleFamily[elemParams]{file: "testdata/elem.json", ops: elemOracleOps}
	fam.test(t)
}
