package ops_test

import (
	"testing"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the neural-network ("nn") family against PyTorch: testdata/nn.json is
// written by testdata/gen_nn.py and run by the harness of oracle_helpers_test.go. Cases have
// several outputs (batch_norm_training returns three) and optional inputs (null for a nil scale
// or offset).

// nnOracleParams is the union of the family's parameters, in the generator's names.
type nnOracleParams struct {
	Axis           int       `json:"axis"`
	Layout         string    `json:"layout"` // "nhwc" (or absent) or "nchw"
	Eps            float64   `json:"eps"`
	NumAxes        int       `json:"num_axes"`
	Groups         int       `json:"groups"`
	Mode           string    `json:"mode"`
	Coord          string    `json:"coord"`
	Nearest        string    `json:"nearest"`
	CubicA         float64   `json:"cubic_a"`
	ExcludeOutside bool      `json:"exclude_outside"`
	Scales         []float64 `json:"scales"`
	Sizes          []int     `json:"sizes"`
	Causal         bool      `json:"causal"`
	Scale          float64   `json:"scale"`
	Rate           float64   `json:"rate"`
	Seed           uint64    `json:"seed"`
}

func (p *nnOracleParams) layout() ops.Layout {
	if p.Layout == "nchw" {
		return ops.ChannelsFirst
	}
	return ops.ChannelsLast
}

func (p *nnOracleParams) resize() ops.ResizeParams {
	return ops.ResizeParams{Mode: p.Mode, CoordinateTransform: p.Coord, NearestMode: p.Nearest,
		CubicCoeff: p.CubicA, ExcludeOutside: p.ExcludeOutside, Scales: p.Scales, Sizes: p.Sizes, Layout: p.layout()}
}

type nnOracleOp = oracleOp[nnOracleParams]

// nnOp is an op of the family with any number of inputs.
func nnOp(fwd, grad tolClass, f func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor) nnOracleOp {
	return nnOracleOp{arity: anyArity, fwd: fwd, grad: grad, run: f}
}

func nnOne(t *tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{t} }

// nnOracleOps maps the op names of nn.json to the Go functions; every entry must have cases.
// Everything that sums (softmax's normaliser, the statistics, interpolation, matrix products)
// is compared as an accumulation; lookups and the dropout identity exactly.
var nnOracleOps = map[string]nnOracleOp{
	"softmax": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Softmax(in[0], p.Axis))
	}),
	"log_softmax": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.LogSoftmax(in[0], p.Axis))
	}),
	"batch_norm_training": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		y, m, v := ops.BatchNormTraining(in[0], in[1], in[2], ops.BatchNormParams{Epsilon: p.Eps, Layout: p.layout()})
		return []*tensor.Tensor{y, m, v}
	}),
	"batch_norm": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.BatchNorm(in[0], in[1], in[2], in[3], in[4], ops.BatchNormParams{Epsilon: p.Eps, Layout: p.layout()}))
	}),
	"layer_norm": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.LayerNorm(in[0], in[1], in[2], ops.LayerNormParams{NumAxes: p.NumAxes, Epsilon: p.Eps}))
	}),
	"rms_norm": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.RMSNorm(in[0], in[1], ops.LayerNormParams{NumAxes: p.NumAxes, Epsilon: p.Eps}))
	}),
	"group_norm": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.GroupNorm(in[0], in[1], in[2], ops.GroupNormParams{Groups: p.Groups, Epsilon: p.Eps, Layout: p.layout()}))
	}),
	"instance_norm": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.InstanceNorm(in[0], in[1], in[2], ops.GroupNormParams{Epsilon: p.Eps, Layout: p.layout()}))
	}),
	"embedding": nnOp(tolExact, tolAccumulate, func(_ *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Embedding(in[0], in[1]))
	}),
	"embedding_grad": nnOp(tolAccumulate, tolExact, func(_ *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.EmbeddingGrad(in[0], in[1], in[2]))
	}),
	"resize": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Resize(in[0], p.resize()))
	}),
	"resize_grad": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.ResizeGrad(in[0], in[1], p.resize()))
	}),
	"scaled_dot_product_attention": nnOp(tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		var mask *tensor.Tensor
		if len(in) > 3 {
			mask = in[3]
		}
		return nnOne(ops.ScaledDotProductAttention(in[0], in[1], in[2], mask, ops.AttentionParams{Causal: p.Causal, Scale: p.Scale}))
	}),
	"dropout": nnOp(tolExact, tolExact, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Dropout(in[0], ops.DropoutParams{Rate: p.Rate, Seed: p.Seed}))
	}),
}

func TestNNOracle(t *testing.T) {
	fam := oracleFamily[nnOracleParams]{file: "testdata/nn.json", ops: nnOracleOps,
		// Every primitive of the family needs oracle cases (the composites are listed too).
		primitives: []string{"softmax", "log_softmax", "dropout", "embedding", "embedding_grad", "resize", "resize_grad"}}
	fam.test(t)
}
