package ops_test

import (
	"testing"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the indexing, sorting and mask ops against PyTorch (and NumPy where Tide
// follows ONNX or NumPy rather than PyTorch): testdata/index.json, written by
// testdata/gen_index.py, holds for each case the inputs, the reference outputs and, for
// differentiable cases, random upstream gradients (null for integer outputs) and the input
// gradients. The harness of oracle_helpers_test.go runs them; no Python runs here.
//
// Tolerances: movement and selection (gather, sort, one_hot, masks...) must match exactly;
// results that add or multiply (scatter reductions, gradients where indices repeat, float
// ranges) are compared as elementwise results (tolElementwise: |got-want| <= tol·(1+|want|),
// tol = 1e-12 in float64 and 8 float32 ulps (2^-23) in float32).

// ixOracleParams is the union of the ops' parameters.
type ixOracleParams struct {
	Axis       int     `json:"axis"`
	Reduction  string  `json:"reduction"`
	BatchDims  int     `json:"batch_dims"`
	Depth      int     `json:"depth"`
	On         float64 `json:"on"`
	Off        float64 `json:"off"`
	DType      string  `json:"dtype"`
	Descending bool    `json:"descending"`
	K          int     `json:"k"`
	Largest    bool    `json:"largest"`
	Start      float64 `json:"start"`
	Limit      float64 `json:"limit"`
	Delta      float64 `json:"delta"`
	BlockSize  int     `json:"block_size"`
	Mode       string  `json:"mode"`
	Layout     string  `json:"layout"`
}

type ixOracleOp = oracleOp[ixOracleParams]

func ix1(t *tensor.Tensor) []*tensor.Tensor       { return []*tensor.Tensor{t} }
func ix2(a, b *tensor.Tensor) []*tensor.Tensor    { return []*tensor.Tensor{a, b} }
func ix3(a, b, c *tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{a, b, c} }

func ixSpaceParams(p *ixOracleParams) ops.DepthSpaceParams {
	return ops.DepthSpaceParams{BlockSize: p.BlockSize, Mode: p.Mode, Layout: p.Layout}
}

// ixOracleOps lists every function of the family with a reference; each must have cases.
var ixOracleOps = map[string]ixOracleOp{
	"gather": {arity: 2, fwd: tolExact, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.Gather(in[0], in[1], p.Axis))
		}},
	"take_along_axis": {arity: 2, fwd: tolExact, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.TakeAlongAxis(in[0], in[1], p.Axis))
		}},
	"gather_nd": {arity: 2, fwd: tolExact, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.GatherND(in[0], in[1], p.BatchDims))
		}},
	"scatter_elements": {arity: 3, fwd: tolElementwise, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			if p.Reduction == "none" {
				return ix1(ops.Scatter(in[0], in[1], in[2], p.Axis))
			}
			return ix1(ops.ScatterReduce(in[0], in[1], in[2], p.Axis, p.Reduction))
		}},
	"scatter_add": {arity: 3, fwd: tolElementwise, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.ScatterAdd(in[0], in[1], in[2], p.Axis))
		}},
	"scatter_nd": {arity: 3, fwd: tolElementwise, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			if p.BatchDims == 0 {
				return ix1(ops.ScatterND(in[0], in[1], in[2], p.Reduction))
			}
			return ix1(ops.ScatterNDWith(in[0], in[1], in[2], ops.ScatterNDParams{Reduction: p.Reduction, BatchDims: p.BatchDims}))
		}},
	"one_hot": {arity: 1, fwd: tolExact, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.OneHotWith(in[0], ops.OneHotParams{Depth: p.Depth, Axis: p.Axis, OnValue: p.On, OffValue: p.Off, DType: oracleDType(p.DType)}))
		}},
	"sort": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix2(ops.SortWithIndices(in[0], p.Axis, p.Descending))
		}},
	"argsort": {arity: 1, fwd: tolExact, grad: tolElementwise,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.Argsort(in[0], p.Axis, p.Descending))
		}},
	"top_k": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix2(ops.TopKWith(in[0], ops.TopKParams{K: p.K, Axis: p.Axis, Smallest: !p.Largest}))
		}},
	"nonzero": {arity: 1, fwd: tolExact, grad: tolElementwise,
		run: func(_ *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.NonZero(in[0])) }},
	"nonzero_per_axis": {arity: 1, fwd: tolExact, grad: tolElementwise,
		run: func(_ *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ops.NonZeroPerAxis(in[0]) }},
	"arg_where": {arity: 1, fwd: tolExact, grad: tolElementwise,
		run: func(_ *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.ArgWhere(in[0])) }},
	"unique": {arity: 1, fwd: tolExact, grad: tolElementwise,
		run: func(_ *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix3(ops.UniqueAll(in[0])) }},
	"range": {arity: 0, fwd: tolElementwise, grad: tolElementwise,
		run: func(p *ixOracleParams, _ []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.Range(oracleDType(p.DType), p.Start, p.Limit, p.Delta))
		}},
	"tril": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.Tril(in[0], p.K)) }},
	"triu": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.Triu(in[0], p.K)) }},
	"depth_to_space": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.DepthToSpaceWith(in[0], ixSpaceParams(p)))
		}},
	"space_to_depth": {arity: 1, fwd: tolExact, grad: tolExact,
		run: func(p *ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.SpaceToDepthWith(in[0], ixSpaceParams(p)))
		}},
}

func TestIndexOracle(t *testing.T) {
	fam := oracleFamily[ixOracleParams]{file: "testdata/index.json", ops: ixOracleOps,
		primitives: []string{"gather", "take_along_axis", "gather_nd", "scatter_elements", "scatter_nd", "one_hot",
			"sort", "top_k", "nonzero", "unique", "range"},
		// The family's random ops have no oracle (PyTorch's generator differs): random_test.go
		// checks them statistically and for reproducibility.
		untested: []string{"random_uniform", "random_normal", "random_truncated_normal", "bernoulli", "categorical",
			"random_permutation"}}
	fam.test(t)
}
