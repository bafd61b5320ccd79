package ops_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the elementwise ("elem") family against PyTorch: testdata/elem.json is
// written by testdata/gen_elem.py in the format of oracle.json, and read with the helpers of
// oracle_helpers_test.go (oracleTensor, oracleDiffs and the tolerance classes). Only the params
// differ, so the file has its own case type.

// elemOracleFile is the whole of testdata/elem.json.
type elemOracleFile struct {
	Torch string            `json:"torch"`
	NumPy string            `json:"numpy"`
	Cases []*elemOracleCase `json:"cases"`
}

type elemOracleCase struct {
	Name   string          `json:"name"`
	Op     string          `json:"op"`
	Params elemParams      `json:"params"`
	Inputs []*oracleTensor `json:"inputs"`
	Output *oracleTensor   `json:"output"`
	DY     *oracleTensor   `json:"dy"`
	Grads  []*oracleTensor `json:"grads"`
}

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

// elemOracleOp says how to run the cases of one op name; arity -1 takes any number of inputs.
type elemOracleOp struct {
	arity     int
	fwd, grad tolClass
	run       func(p *elemParams, in []*tensor.Tensor) *tensor.Tensor
}

func elemU(f func(x *tensor.Tensor) *tensor.Tensor, c tolClass) elemOracleOp {
	return elemOracleOp{1, c, c, func(_ *elemParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0]) }}
}

func elemB(f func(x, y *tensor.Tensor) *tensor.Tensor, c tolClass) elemOracleOp {
	return elemOracleOp{2, c, c, func(_ *elemParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], in[1]) }}
}

// elemUP is a unary op with params.
func elemUP(f func(p *elemParams, x *tensor.Tensor) *tensor.Tensor, c tolClass) elemOracleOp {
	return elemOracleOp{1, c, c, func(p *elemParams, in []*tensor.Tensor) *tensor.Tensor { return f(p, in[0]) }}
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

	"clip": {-1, tolExact, tolAccumulate, func(p *elemParams, in []*tensor.Tensor) *tensor.Tensor {
		var lo, hi *tensor.Tensor
		rest := in[1:]
		if p.HasMin {
			lo, rest = rest[0], rest[1:]
		}
		if p.HasMax {
			hi = rest[0]
		}
		return ops.Clip(in[0], lo, hi)
	}},
	"clip_scalar": elemUP(func(p *elemParams, x *tensor.Tensor) *tensor.Tensor {
		return ops.ClipScalar(x, p.Lo.f, p.Hi.f)
	}, tolExact),
}

func TestElemOracle(t *testing.T) {
	b, err := os.ReadFile("testdata/elem.json")
	if err != nil {
		t.Fatal(err)
	}
	var f elemOracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases from PyTorch %s (NumPy %s)", len(f.Cases), f.Torch, f.NumPy)
	byOp := map[string][]*elemOracleCase{}
	names := map[string]bool{}
	for _, c := range f.Cases {
		if _, ok := elemOracleOps[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		if names[c.Name] {
			t.Errorf("case %s appears twice", c.Name)
		}
		names[c.Name] = true
		byOp[c.Op] = append(byOp[c.Op], c)
	}
	opNames := make([]string, 0, len(elemOracleOps))
	for name := range elemOracleOps {
		opNames = append(opNames, name)
	}
	slices.Sort(opNames)
	for _, name := range opNames {
		t.Run(name, func(t *testing.T) {
			cases := byOp[name]
			if len(cases) == 0 {
				t.Fatalf("testdata/elem.json has no cases for %s", name)
			}
			for _, c := range cases {
				if diffs := elemOracleDiffs(elemOracleOps[name], c); len(diffs) > 0 {
					t.Errorf("%s:\n\t%s", c.Name, strings.Join(diffs, "\n\t"))
				}
			}
		})
	}
}

// elemOracleDiffs runs case c and returns its differences from PyTorch, one per line.
func elemOracleDiffs(op elemOracleOp, c *elemOracleCase) (diffs []string) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
	if op.arity >= 0 && len(c.Inputs) != op.arity {
		return []string{fmt.Sprintf("%d inputs, the op takes %d", len(c.Inputs), op.arity)}
	}
	if c.DY != nil && len(c.Grads) != len(c.Inputs) {
		return []string{fmt.Sprintf("%d gradients for %d inputs", len(c.Grads), len(c.Inputs))}
	}
	in := make([]*tensor.Tensor, len(c.Inputs))
	var xs []*tensor.Tensor
	var which []int
	for i, o := range c.Inputs {
		x, err := o.tensor()
		if err != nil {
			return []string{fmt.Sprintf("input %d: %v", i, err)}
		}
		in[i] = x
		if c.DY != nil && c.Grads[i] != nil {
			in[i] = autodiff.Watch(x)
			xs, which = append(xs, in[i]), append(which, i)
		}
	}
	y := op.run(&c.Params, in)
	diffs = oracleDiffs("output", y, c.Output, op.fwd)
	if c.DY == nil {
		return diffs
	}
	dy, err := c.DY.tensor()
	if err != nil {
		return append(diffs, fmt.Sprintf("dy: %v", err))
	}
	gs := autodiff.Gradients([]*tensor.Tensor{y}, xs, autodiff.OutputGrads(dy))
	for j, g := range gs {
		i := which[j]
		cl := op.grad
		if !slices.Equal(c.Inputs[i].Shape, c.Output.Shape) {
			cl = max(cl, tolAccumulate) // summed over broadcast dimensions
		}
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("grad[%d]", i), g, c.Grads[i], cl)...)
	}
	return diffs
}
