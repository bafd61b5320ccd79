package ops_test

import (
	"testing"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the "reduce" and "move" families against PyTorch and NumPy:
// testdata/reduce.json (testdata/gen_reduce.py: reductions and linear algebra) and
// testdata/move.json (testdata/gen_move.py: movement ops) hold inputs, reference outputs and,
// for differentiable cases, the input gradients for random upstream gradients. The harness of
// oracle_helpers_test.go runs them; see testdata/README to regenerate the files.

// rlmParams is the union of the families' parameters; each op reads its own.
type rlmParams struct {
	Axes       []int  `json:"axes"` // null: every axis
	Axis       int    `json:"axis"`
	KeepDims   bool   `json:"keepdims"`
	SelectLast bool   `json:"select_last_index"`
	Exclusive  bool   `json:"exclusive"`
	Reverse    bool   `json:"reverse"`
	Correction int    `json:"correction"`
	Equation   string `json:"equation"`

	LhsContracting []int   `json:"lhs_contracting"`
	RhsContracting []int   `json:"rhs_contracting"`
	LhsBatch       []int   `json:"lhs_batch"`
	RhsBatch       []int   `json:"rhs_batch"`
	Alpha          float64 `json:"alpha"`
	Beta           float64 `json:"beta"`
	TransA         bool    `json:"trans_a"`
	TransB         bool    `json:"trans_b"`

	Starts   []int     `json:"starts"`
	Ends     []int     `json:"ends"`
	Steps    []int     `json:"steps"`
	Mode     string    `json:"mode"`
	Value    oracleNum `json:"value"`
	Pads     []int     `json:"pads"` // ONNX layout
	Before   []int     `json:"before"`
	After    []int     `json:"after"`
	Interior []int     `json:"interior"`
	Reps     []int     `json:"reps"`
	Counts   []int     `json:"counts"`
	Shifts   []int     `json:"shifts"`
	Sizes    []int     `json:"sizes"`
	N        int       `json:"n"`
}

type rlmOp = oracleOp[rlmParams]

// rlm1 is an op with one output and any number of inputs.
func rlm1(fwd, grad tolClass, f func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor) rlmOp {
	return oracleOp1(anyArity, fwd, grad, f)
}

// rlmN is an op with several outputs and any number of inputs.
func rlmN(fwd, grad tolClass, f func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor) rlmOp {
	return rlmOp{arity: anyArity, fwd: fwd, grad: grad, run: f}
}

func rlmReduce(f func(x *tensor.Tensor, axes ...int) *tensor.Tensor, fwd, grad tolClass) rlmOp {
	return rlm1(fwd, grad, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], p.Axes...) })
}

func rlmCorrected(f func(x *tensor.Tensor, c int, axes ...int) *tensor.Tensor) rlmOp {
	return rlm1(tolAccumulate, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return f(in[0], p.Correction, p.Axes...)
	})
}

func rlmArg(f func(x *tensor.Tensor, p ops.ArgParams) *tensor.Tensor) rlmOp {
	return rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return f(in[0], ops.ArgParams{Axis: p.Axis, KeepDims: p.KeepDims, SelectLastIndex: p.SelectLast})
	})
}

func rlmCum(f func(x *tensor.Tensor, p ops.CumParams) *tensor.Tensor) rlmOp {
	return rlm1(tolAccumulate, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return f(in[0], ops.CumParams{Axis: p.Axis, Exclusive: p.Exclusive, Reverse: p.Reverse})
	})
}

// rlmOps maps the op names of reduce.json to the Go functions; every entry must have cases.
var rlmOps = map[string]rlmOp{
	// Products: PyTorch's gradient is out/x without zeros, Tide's the product of the others.
	"prod":               rlmReduce(ops.Prod, tolAccumulate, tolAccumulate),
	"prod_keepdims":      rlmReduce(ops.ProdKeepDims, tolAccumulate, tolAccumulate),
	"min":                rlmReduce(ops.Min, tolExact, tolElementwise),
	"min_keepdims":       rlmReduce(ops.MinKeepDims, tolExact, tolElementwise),
	"argmax":             rlmArg(ops.ArgmaxWith),
	"argmin":             rlmArg(ops.ArgminWith),
	"any":                rlmReduce(ops.Any, tolExact, tolExact),
	"all":                rlmReduce(ops.All, tolExact, tolExact),
	"any_keepdims":       rlmReduce(ops.AnyKeepDims, tolExact, tolExact),
	"all_keepdims":       rlmReduce(ops.AllKeepDims, tolExact, tolExact),
	"cumsum":             rlmCum(ops.CumsumWith),
	"cumprod":            rlmCum(ops.CumprodWith),
	"logsumexp":          rlmReduce(ops.LogSumExp, tolAccumulate, tolAccumulate),
	"logsumexp_keepdims": rlmReduce(ops.LogSumExpKeepDims, tolAccumulate, tolAccumulate),
	"variance":           rlmCorrected(ops.Variance),
	"variance_keepdims":  rlmCorrected(ops.VarianceKeepDims),
	"std":                rlmCorrected(ops.Std),
	"std_keepdims":       rlmCorrected(ops.StdKeepDims),
	"l1_norm":            rlmReduce(ops.L1Norm, tolAccumulate, tolExact),
	"l1_norm_keepdims":   rlmReduce(ops.L1NormKeepDims, tolAccumulate, tolExact),
	"l2_norm":            rlmReduce(ops.L2Norm, tolAccumulate, tolAccumulate),
	"l2_norm_keepdims":   rlmReduce(ops.L2NormKeepDims, tolAccumulate, tolAccumulate),

	"dot_general": rlm1(tolAccumulate, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.DotGeneral(in[0], in[1], ops.DotDims{LhsContracting: p.LhsContracting, RhsContracting: p.RhsContracting,
			LhsBatch: p.LhsBatch, RhsBatch: p.RhsBatch})
	}),
	"einsum": rlm1(tolAccumulate, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Einsum(p.Equation, in...)
	}),
	"outer": rlm1(tolElementwise, tolAccumulate, func(_ *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Outer(in[0], in[1]) }),
	"gemm": rlm1(tolAccumulate, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		var c *tensor.Tensor
		if len(in) > 2 {
			c = in[2]
		}
		return ops.Gemm(in[0], in[1], c, p.Alpha, p.Beta, p.TransA, p.TransB)
	}),
}

// rlmMoves maps the movement ops of move.json to the Go functions. Movement is exact; gradients
// that add copies together (pad modes other than constant, tile, repeat) are accumulations.
var rlmMoves = map[string]rlmOp{
	"concat": rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Concat(p.Axis, in...) }),
	"stack":  rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Stack(p.Axis, in...) }),
	"split": rlmN(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor {
		return ops.SplitSizes(in[0], p.Axis, p.Sizes...)
	}),
	"split_equal": rlmN(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor {
		return ops.Split(in[0], p.Axis, p.N)
	}),
	"slice": rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Slice(in[0], ops.SliceParams{Axes: p.Axes, Starts: p.Starts, Ends: p.Ends, Steps: p.Steps})
	}),
	"flip": rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Flip(in[0], p.Axes...) }),
	"pad": rlm1(tolExact, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.PadWith(in[0], ops.PadParams{Mode: ops.PadMode(p.Mode), Value: p.Value.f, Before: p.Before, After: p.After, Interior: p.Interior})
	}),
	"pad_onnx": rlm1(tolExact, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Pad(in[0], ops.PadMode(p.Mode), p.Value.f, p.Pads...)
	}),
	"tile":   rlm1(tolExact, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Tile(in[0], p.Reps...) }),
	"repeat": rlm1(tolExact, tolAccumulate, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Repeat(in[0], p.Axis, p.Counts...) }),
	"segment_sum": rlm1(tolAccumulate, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.SegmentSum(in[0], p.Axis, p.Counts...)
	}),
	"roll": rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Roll(in[0], p.Shifts, p.Axes...)
	}),
	"squeeze":       rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Squeeze(in[0], p.Axes...) }),
	"unsqueeze":     rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Unsqueeze(in[0], p.Axes...) }),
	"flatten":       rlm1(tolExact, tolExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Flatten(in[0], p.Axis) }),
	"flatten_batch": rlm1(tolExact, tolExact, func(_ *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.FlattenBatch(in[0]) }),
}

func TestReduceOracle(t *testing.T) {
	fam := oracleFamily[rlmParams]{file: "testdata/reduce.json", ops: rlmOps,
		// Cases that disagree with the reference on purpose, with the reason (none at present).
		knownIssues: map[string]string{}}
	fam.test(t)
}

func TestMoveOracle(t *testing.T) {
	fam := oracleFamily[rlmParams]{file: "testdata/move.json", ops: rlmMoves, knownIssues: map[string]string{}}
	fam.test(t)
}
