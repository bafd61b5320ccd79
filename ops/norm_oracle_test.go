package ops_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the fused layer normalization, RMS normalization and GELU against
// PyTorch: testdata/norm.json is written by testdata/gen_norm.py and run by the harness of
// oracle_helpers_test.go. The forward cases' gradients run the fused gradient primitives; the
// *_vjp cases compute the first-order gradients with autodiff.CreateGraph (the composite form
// of the gradient rules) as their outputs, which the harness differentiates again and compares
// with PyTorch's second derivatives.

// normOracleParams are the family's parameters, in the generator's names.
type normOracleParams struct {
	NumAxes     int     `json:"num_axes"`
	Eps         float64 `json:"eps"`
	Approximate string  `json:"approximate"`
}

func (p *normOracleParams) ln() ops.LayerNormParams {
	return ops.LayerNormParams{NumAxes: p.NumAxes, Epsilon: p.Eps}
}

type normOracleOp = oracleOp[normOracleParams]

func normOp(f func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor) normOracleOp {
	return normOracleOp{arity: anyArity, fwd: tolAccumulate, grad: tolAccumulate, run: f}
}

// normVJP returns the gradients of f's result with respect to its non-nil inputs xs for the
// upstream gradient dy, recorded (CreateGraph) so that they can be differentiated again.
func normVJP(y, dy *tensor.Tensor, xs ...*tensor.Tensor) []*tensor.Tensor {
	var wrt []*tensor.Tensor
	for _, x := range xs {
		if x != nil {
			wrt = append(wrt, x)
		}
	}
	return autodiff.Gradients([]*tensor.Tensor{y}, wrt, autodiff.OutputGrads(dy), autodiff.CreateGraph())
}

var normOracleOps = map[string]normOracleOp{
	"layer_norm": normOp(func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.LayerNorm(in[0], in[1], in[2], p.ln()))
	}),
	"rms_norm": normOp(func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.RMSNorm(in[0], in[1], p.ln()))
	}),
	"gelu": normOp(func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Gelu(in[0], p.Approximate))
	}),
	"layer_norm_vjp": normOp(func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return normVJP(ops.LayerNorm(in[0], in[1], in[2], p.ln()), in[3], in[0], in[1], in[2])
	}),
	"rms_norm_vjp": normOp(func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return normVJP(ops.RMSNorm(in[0], in[1], p.ln()), in[2], in[0], in[1])
	}),
	"gelu_vjp": normOp(func(p *normOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return normVJP(ops.Gelu(in[0], p.Approximate), in[1], in[0])
	}),
}

func TestNormOracle(t *testing.T) {
	fam := oracleFamily[normOracleParams]{file: "testdata/norm.json", ops: normOracleOps,
		// The gradient primitives are checked through their forward ops' gradients.
		primitives: []string{"layer_norm", "rms_norm", "gelu"},
		untested:   []string{"layer_norm_grad", "rms_norm_grad", "gelu_grad"}}
	fam.test(t)
}
