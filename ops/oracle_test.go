package ops_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test against PyTorch: testdata/oracle.json holds, for every starter op, cases
// computed by testdata/gen_oracle.py with Debian's python3-torch (forward values and, for
// differentiable ops, the gradients of the inputs for a random upstream gradient). This test
// runs each case through the Go op and autodiff.Gradients and compares. No Python is needed
// here; see testdata/README to regenerate the file.

// oracleOp says how to run the cases of one op name.
type oracleOp struct {
	arity int
	// fwd and grad are the tolerance classes of the output and of the input gradients.
	fwd, grad tolClass
	// broadcasts marks ops whose gradients are summed over broadcast dimensions when an input's
	// shape differs from the output's: those gradients are compared as accumulations.
	broadcasts bool
	run        func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor
}

func oracleUnary(f func(x *tensor.Tensor) *tensor.Tensor) oracleOp {
	return oracleOp{arity: 1, fwd: tolElementwise, grad: tolElementwise,
		run: func(_ *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0]) }}
}

func oracleBinary(f func(x, y *tensor.Tensor) *tensor.Tensor, c tolClass) oracleOp {
	return oracleOp{arity: 2, fwd: c, grad: c, broadcasts: true,
		run: func(_ *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], in[1]) }}
}

func oracleReduce(f func(x *tensor.Tensor, axes ...int) *tensor.Tensor, fwd, grad tolClass) oracleOp {
	return oracleOp{arity: 1, fwd: fwd, grad: grad,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], p.Axes...) }}
}

func oracleScalar(f func(x *tensor.Tensor, c float64) *tensor.Tensor) oracleOp {
	return oracleOp{arity: 1, fwd: tolElementwise, grad: tolElementwise,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], p.C) }}
}

func oracleLike(f func(x *tensor.Tensor) *tensor.Tensor) oracleOp {
	return oracleOp{arity: 1, fwd: tolExact,
		run: func(_ *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0]) }}
}

func oracleDType(name string) dtype.DType {
	dt, err := dtype.Parse(name)
	if err != nil {
		panic(err) // reported with the case's name by runOracleCase
	}
	return dt
}

// oracleOps maps the op names of oracle.json to the Go functions; it is the starter op list,
// and every entry must have cases in the file. Sum, Mean and Max are listed with and without
// KeepDims.
var oracleOps = map[string]oracleOp{
	"add":     oracleBinary(ops.Add, tolElementwise),
	"sub":     oracleBinary(ops.Sub, tolElementwise),
	"mul":     oracleBinary(ops.Mul, tolElementwise),
	"div":     oracleBinary(ops.Div, tolElementwise),
	"maximum": oracleBinary(ops.Maximum, tolElementwise),
	"pow":     oracleBinary(ops.Pow, tolElementwise),

	"neg":    oracleUnary(ops.Neg),
	"exp":    oracleUnary(ops.Exp),
	"log":    oracleUnary(ops.Log),
	"tanh":   oracleUnary(ops.Tanh),
	"sqrt":   oracleUnary(ops.Sqrt),
	"relu":   oracleUnary(ops.Relu),
	"square": oracleUnary(ops.Square),

	// The gradient of a sum is the upstream gradient broadcast (exact); of a mean, divided by
	// the count; of a max, divided among the ties.
	"sum":           oracleReduce(ops.Sum, tolAccumulate, tolExact),
	"sum_keepdims":  oracleReduce(ops.SumKeepDims, tolAccumulate, tolExact),
	"mean":          oracleReduce(ops.Mean, tolAccumulate, tolElementwise),
	"mean_keepdims": oracleReduce(ops.MeanKeepDims, tolAccumulate, tolElementwise),
	"max":           oracleReduce(ops.Max, tolExact, tolElementwise),
	"max_keepdims":  oracleReduce(ops.MaxKeepDims, tolExact, tolElementwise),

	"matmul": oracleBinary(ops.MatMul, tolAccumulate),
	"matmul_t": {arity: 2, fwd: tolAccumulate, grad: tolAccumulate,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor {
			return ops.MatMulT(in[0], in[1], p.TransposeA, p.TransposeB)
		}},

	"reshape": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Reshape(in[0], p.Shape...) }},
	"transpose": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Transpose(in[0], p.Perm...) }},
	"broadcast_to": {arity: 1, fwd: tolExact, grad: tolAccumulate,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return ops.BroadcastTo(in[0], p.Shape...) }},
	"cast": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *oracleParams, in []*tensor.Tensor) *tensor.Tensor {
			return ops.Cast(in[0], oracleDType(p.DType))
		}},

	"equal":         oracleBinary(ops.Equal, tolExact),
	"not_equal":     oracleBinary(ops.NotEqual, tolExact),
	"less":          oracleBinary(ops.Less, tolExact),
	"less_equal":    oracleBinary(ops.LessEqual, tolExact),
	"greater":       oracleBinary(ops.Greater, tolExact),
	"greater_equal": oracleBinary(ops.GreaterEqual, tolExact),
	"where": {arity: 3, fwd: tolExact, grad: tolExact, broadcasts: true,
		run: func(_ *oracleParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Where(in[0], in[1], in[2]) }},

	"full": {arity: 0, fwd: tolExact,
		run: func(p *oracleParams, _ []*tensor.Tensor) *tensor.Tensor {
			return ops.Full(oracleDType(p.DType), p.Value, p.Shape...)
		}},
	"zeros_like": oracleLike(ops.ZerosLike),
	"ones_like":  oracleLike(ops.OnesLike),

	"add_scalar": oracleScalar(ops.AddScalar),
	"mul_scalar": oracleScalar(ops.MulScalar),
	"pow_scalar": oracleScalar(ops.PowScalar),
}

// oracleKnownIssues lists cases that disagree with PyTorch because of a reported bug or an
// accepted difference, with the reason. They are run and their differences logged without
// failing; a listed case that passes fails the test, so the list cannot go stale.
var oracleKnownIssues = map[string]string{}

func TestOracle(t *testing.T) {
	f, err := loadOracle("testdata/oracle.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases from PyTorch %s (NumPy %s)", len(f.Cases), f.Torch, f.NumPy)
	byOp := map[string][]*oracleCase{}
	names := map[string]bool{}
	for _, c := range f.Cases {
		if _, ok := oracleOps[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		if names[c.Name] {
			t.Errorf("case %s appears twice", c.Name)
		}
		names[c.Name] = true
		byOp[c.Op] = append(byOp[c.Op], c)
	}
	for name := range oracleKnownIssues {
		if !names[name] {
			t.Errorf("oracleKnownIssues lists %s, which is not in the file", name)
		}
	}
	opNames := make([]string, 0, len(oracleOps))
	for name := range oracleOps {
		opNames = append(opNames, name)
	}
	slices.Sort(opNames)
	for _, name := range opNames {
		t.Run(name, func(t *testing.T) {
			cases := byOp[name]
			if len(cases) == 0 {
				t.Fatalf("testdata/oracle.json has no cases for %s", name)
			}
			grads := 0
			for _, c := range cases {
				if c.DY != nil {
					grads++
				}
				runOracleCase(t, oracleOps[name], c)
			}
			t.Logf("%d cases, %d with gradients", len(cases), grads)
		})
	}
}

// runOracleCase runs one case and reports its differences under the case's name.
func runOracleCase(t *testing.T, op oracleOp, c *oracleCase) {
	t.Helper()
	diffs := oracleCaseDiffs(op, c)
	reason, known := oracleKnownIssues[c.Name]
	switch {
	case known && len(diffs) == 0:
		t.Errorf("%s: passes, but oracleKnownIssues lists it (%s); remove it from the list", c.Name, reason)
	case known:
		t.Logf("%s: known issue (%s):\n\t%s", c.Name, reason, strings.Join(diffs, "\n\t"))
	case len(diffs) > 0:
		t.Errorf("%s:\n\t%s", c.Name, strings.Join(diffs, "\n\t"))
	}
}

// oracleCaseDiffs returns the differences between the Go op and PyTorch on case c, one per line.
func oracleCaseDiffs(op oracleOp, c *oracleCase) (diffs []string) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
	if len(c.Inputs) != op.arity {
		return []string{fmt.Sprintf("%d inputs, the op takes %d", len(c.Inputs), op.arity)}
	}
	if c.DY != nil && len(c.Grads) != len(c.Inputs) {
		return []string{fmt.Sprintf("%d gradients for %d inputs", len(c.Grads), len(c.Inputs))}
	}
	in := make([]*tensor.Tensor, len(c.Inputs))
	var xs []*tensor.Tensor // the inputs PyTorch gave gradients for, watched
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
	if len(xs) == 0 {
		return append(diffs, "dy given but no input has a gradient")
	}
	dy, err := c.DY.tensor()
	if err != nil {
		return append(diffs, fmt.Sprintf("dy: %v", err))
	}
	gs := autodiff.Gradients([]*tensor.Tensor{y}, xs, autodiff.OutputGrads(dy))
	for j, g := range gs {
		i := which[j]
		cl := op.grad
		if op.broadcasts && !slices.Equal(c.Inputs[i].Shape, c.Output.Shape) {
			cl = max(cl, tolAccumulate)
		}
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("grad[%d]", i), g, c.Grads[i], cl)...)
	}
	return diffs
}

// TestOracleCastSaturation checks float-to-integer casts where PyTorch is undefined (NaN,
// infinities, out-of-range values) against the rule tensor.Convert documents: truncate toward
// zero, saturate at the type's bounds, NaN to 0; and anything non-zero or NaN to true.
func TestOracleCastSaturation(t *testing.T) {
	src := []float64{
		math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, 3e9, -3e9, 0.9, -0.9, -1, 300.7, -300.7,
		255.9, 256, 127.9, 128, -128.9, -129, 2147483647.9, 2147483648, -2147483648.9, -2147483649,
		9.3e18, -9.3e18, 0x1p63, -0x1p63, 0x1p62 + 0x1p10, -0x1p62 - 0x1p10, 5e-324, -0.0,
	}
	bounds := map[dtype.DType][2]float64{
		dtype.Uint8: {0, math.MaxUint8},
		dtype.Int8:  {math.MinInt8, math.MaxInt8},
		dtype.Int32: {math.MinInt32, math.MaxInt32},
		dtype.Int64: {math.MinInt64, math.MaxInt64}, // the float64 bounds are ±2^63
	}
	f32 := make([]float32, len(src))
	for i, v := range src {
		f32[i] = float32(v)
	}
	for _, x := range []*tensor.Tensor{tensor.FromSlice(src), tensor.FromSlice(f32)} {
		xv := x.Float64s()
		for _, dt := range []dtype.DType{dtype.Uint8, dtype.Int8, dtype.Int32, dtype.Int64} {
			got := ops.Cast(x, dt).Int64s()
			lo, hi := bounds[dt][0], bounds[dt][1]
			for i, v := range xv {
				want := int64(0)
				switch tr := math.Trunc(v); {
				case math.IsNaN(v):
				case tr <= lo:
					want = int64(lo)
				case tr >= hi && dt == dtype.Int64:
					want = math.MaxInt64
				case tr >= hi:
					want = int64(hi)
				default:
					want = int64(tr)
				}
				if got[i] != want {
					t.Errorf("Cast(%s %v, %s) = %d, want %d", x.DType(), v, dt, got[i], want)
				}
			}
		}
		for i, g := range ops.Cast(x, dtype.Bool).Bools() {
			if want := xv[i] != 0 || math.IsNaN(xv[i]); g != want {
				t.Errorf("Cast(%s %v, bool) = %v, want %v", x.DType(), xv[i], g, want)
			}
		}
	}
}
