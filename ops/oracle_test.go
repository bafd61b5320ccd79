package ops_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test against PyTorch: testdata/oracle.json holds, for every starter op, cases
// computed by testdata/gen_oracle.py with Debian's python3-torch (forward values and, for
// differentiable ops, the gradients of the inputs for a random upstream gradient). The harness
// of oracle_helpers_test.go runs each case through the Go op and autodiff.Gradients and
// compares. No Python is needed here; see testdata/README to regenerate the file.

// starterParams is the union of the starter ops' parameters; each op reads its own.
type starterParams struct {
	Axes       []int   `json:"axes"`  // reductions; null for all axes
	Perm       []int   `json:"perm"`  // transpose; [] for the default (reversed axes)
	Shape      []int   `json:"shape"` // reshape, broadcast_to, full
	DType      string  `json:"dtype"` // cast, full
	Value      float64 `json:"value"` // full
	C          float64 `json:"c"`     // add_scalar, mul_scalar, pow_scalar
	TransposeA bool    `json:"transpose_a"`
	TransposeB bool    `json:"transpose_b"`
}

type starterOp = oracleOp[starterParams]

func starterUnary(f func(x *tensor.Tensor) *tensor.Tensor) starterOp {
	return oracleOp1(1, tolElementwise, tolElementwise, func(_ *starterParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0]) })
}

func starterBinary(f func(x, y *tensor.Tensor) *tensor.Tensor, c tolClass) starterOp {
	op := oracleOp1(2, c, c, func(_ *starterParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], in[1]) })
	op.broadcasts = true
	return op
}

func starterReduce(f func(x *tensor.Tensor, axes ...int) *tensor.Tensor, fwd, grad tolClass) starterOp {
	return oracleOp1(1, fwd, grad, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], p.Axes...) })
}

func starterScalar(f func(x *tensor.Tensor, c float64) *tensor.Tensor) starterOp {
	return oracleOp1(1, tolElementwise, tolElementwise, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], p.C) })
}

// starterExact is an op of arity n whose results are exact (movement, casts, fills).
func starterExact(n int, grad tolClass, f func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor) starterOp {
	return oracleOp1(n, tolExact, grad, f)
}

// starterOps maps the op names of oracle.json to the Go functions; it is the starter op list,
// and every entry must have cases in the file. Sum, Mean and Max are listed with and without
// KeepDims.
var starterOps = map[string]starterOp{
	"add":     starterBinary(ops.Add, tolElementwise),
	"sub":     starterBinary(ops.Sub, tolElementwise),
	"mul":     starterBinary(ops.Mul, tolElementwise),
	"div":     starterBinary(ops.Div, tolElementwise),
	"maximum": starterBinary(ops.Maximum, tolElementwise),
	"pow":     starterBinary(ops.Pow, tolElementwise),

	"neg":    starterUnary(ops.Neg),
	"exp":    starterUnary(ops.Exp),
	"log":    starterUnary(ops.Log),
	"tanh":   starterUnary(ops.Tanh),
	"sqrt":   starterUnary(ops.Sqrt),
	"relu":   starterUnary(ops.Relu),
	"square": starterUnary(ops.Square),

	// The gradient of a sum is the upstream gradient broadcast (exact); of a mean, divided by
	// the count; of a max, divided among the ties.
	"sum":           starterReduce(ops.Sum, tolAccumulate, tolExact),
	"sum_keepdims":  starterReduce(ops.SumKeepDims, tolAccumulate, tolExact),
	"mean":          starterReduce(ops.Mean, tolAccumulate, tolElementwise),
	"mean_keepdims": starterReduce(ops.MeanKeepDims, tolAccumulate, tolElementwise),
	"max":           starterReduce(ops.Max, tolExact, tolElementwise),
	"max_keepdims":  starterReduce(ops.MaxKeepDims, tolExact, tolElementwise),

	"matmul": starterBinary(ops.MatMul, tolAccumulate),
	"matmul_t": oracleOp1(2, tolAccumulate, tolAccumulate, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.MatMulT(in[0], in[1], p.TransposeA, p.TransposeB)
	}),

	"reshape": starterExact(1, tolExact, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Reshape(in[0], p.Shape...) }),
	"transpose": starterExact(1, tolExact, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Transpose(in[0], p.Perm...)
	}),
	"broadcast_to": starterExact(1, tolAccumulate, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.BroadcastTo(in[0], p.Shape...)
	}),
	"cast": starterExact(1, tolExact, func(p *starterParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Cast(in[0], oracleDType(p.DType))
	}),

	"equal":         starterBinary(ops.Equal, tolExact),
	"not_equal":     starterBinary(ops.NotEqual, tolExact),
	"less":          starterBinary(ops.Less, tolExact),
	"less_equal":    starterBinary(ops.LessEqual, tolExact),
	"greater":       starterBinary(ops.Greater, tolExact),
	"greater_equal": starterBinary(ops.GreaterEqual, tolExact),
	"where": {arity: 3, fwd: tolExact, grad: tolExact, broadcasts: true,
		run: func(_ *starterParams, in []*tensor.Tensor) []*tensor.Tensor {
			return []*tensor.Tensor{ops.Where(in[0], in[1], in[2])}
		}},

	"full": starterExact(0, tolExact, func(p *starterParams, _ []*tensor.Tensor) *tensor.Tensor {
		return ops.Full(oracleDType(p.DType), p.Value, p.Shape...)
	}),
	"zeros_like": starterExact(1, tolExact, func(_ *starterParams, in []*tensor.Tensor) *tensor.Tensor { return ops.ZerosLike(in[0]) }),
	"ones_like":  starterExact(1, tolExact, func(_ *starterParams, in []*tensor.Tensor) *tensor.Tensor { return ops.OnesLike(in[0]) }),

	"add_scalar": starterScalar(ops.AddScalar),
	"mul_scalar": starterScalar(ops.MulScalar),
	"pow_scalar": starterScalar(ops.PowScalar),
}

func TestOracle(t *testing.T) {
	fam := oracleFamily[starterParams]{file: "testdata/oracle.json", ops: starterOps,
		// Cases that disagree with PyTorch, with the reason (none at present).
		knownIssues: map[string]string{}}
	fam.test(t)
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
