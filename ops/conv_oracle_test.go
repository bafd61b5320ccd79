package ops_test

import (
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the convolution and pooling family against PyTorch:
// testdata/conv.json holds cases computed by testdata/gen_conv.py (forward values and the input
// gradients for a random upstream gradient; for the gradient primitives, PyTorch's first and
// second derivatives), run by the harness of oracle_helpers_test.go.
//
// Tolerances: convolutions and average pooling are sums (tolAccumulate: 1e-10 relative to
// 1+|want| in float64, 64 float32 ulps in float32; PyTorch sums in float32 in another order, the
// reference kernels in float64); max pooling and gathers are exact (the selected element itself),
// and so are their scattered gradients unless windows overlap (then sums).

// cvOracleParams is the union of the family's params, in the generator's spelling.
type cvOracleParams struct {
	Rank            int      `json:"rank"`
	Layout          string   `json:"layout"`
	Strides         []int    `json:"strides"`
	Dilations       []int    `json:"dilations"`
	Padding         string   `json:"padding"`
	Pads            [][2]int `json:"pads"`
	Groups          int      `json:"groups"`
	OutputPadding   []int    `json:"output_padding"`
	KernelSize      []int    `json:"kernel_size"`
	Window          []int    `json:"window"`
	CeilMode        bool     `json:"ceil_mode"`
	CountIncludePad bool     `json:"count_include_pad"`
	InputSize       []int    `json:"input_size"`
	KeepDims        bool     `json:"keep_dims"`
}

func (p *cvOracleParams) layout() ops.Layout {
	if p.Layout == "channels_first" {
		return ops.ChannelsFirst
	}
	return ops.ChannelsLast
}

func (p *cvOracleParams) padding() ops.Padding {
	return map[string]ops.Padding{"": ops.PadExplicit, "explicit": ops.PadExplicit, "valid": ops.PadValid,
		"same": ops.PadSame, "same_lower": ops.PadSameLower}[p.Padding]
}

func (p *cvOracleParams) conv() ops.ConvParams {
	return ops.ConvParams{Rank: p.Rank, Strides: p.Strides, Dilations: p.Dilations, Padding: p.padding(),
		Pads: p.Pads, Groups: p.Groups, Layout: p.layout()}
}

func (p *cvOracleParams) pool() ops.PoolParams {
	return ops.PoolParams{Rank: p.Rank, Window: p.Window, Strides: p.Strides, Dilations: p.Dilations,
		Padding: p.padding(), Pads: p.Pads, CeilMode: p.CeilMode, CountIncludePad: p.CountIncludePad, Layout: p.layout()}
}

type cvOracleOp = oracleOp[cvOracleParams]

// cvOp is an op of the family with one output and any number of inputs.
func cvOp(fwd, grad tolClass, f func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor) cvOracleOp {
	return oracleOp1(anyArity, fwd, grad, f)
}

func cvPrim(name string, params func(p *cvOracleParams) any) func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
	return func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return core.Apply1(core.Lookup(name), params(p), in...)
	}
}

// cvOracleOps maps the op names of conv.json to Go; every entry must have cases, and every
// primitive of the family must be among them.
var cvOracleOps = map[string]cvOracleOp{
	"conv": cvOp(tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Conv(in[0], in[1], p.conv())
	}),
	"depthwise_conv2d": cvOp(tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		c := p.conv()
		c.Groups = 0 // the generator writes 1; DepthwiseConv2D sets the groups itself
		return ops.DepthwiseConv2D(in[0], in[1], c)
	}),
	"conv_transpose": cvOp(tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		c := p.conv()
		return ops.ConvTranspose(in[0], in[1], ops.ConvTransposeParams{Rank: c.Rank, Strides: c.Strides,
			Dilations: c.Dilations, Padding: c.Padding, Pads: c.Pads, OutputPadding: p.OutputPadding,
			Groups: c.Groups, Layout: c.Layout})
	}),
	"conv_filter_grad": cvOp(tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.ConvFilterGrad(in[0], in[1], p.KernelSize, p.conv())
	}),
	"max_pool": cvOp(tolExact, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.MaxPool(in[0], p.pool())
	}),
	"max_pool_grad":   cvOp(tolAccumulate, tolExact, cvPrim("max_pool_grad", func(p *cvOracleParams) any { return p.pool() })),
	"max_pool_gather": cvOp(tolExact, tolAccumulate, cvPrim("max_pool_gather", func(p *cvOracleParams) any { return p.pool() })),
	"avg_pool": cvOp(tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.AvgPool(in[0], p.pool())
	}),
	"avg_pool_grad": cvOp(tolAccumulate, tolAccumulate, cvPrim("avg_pool_grad", func(p *cvOracleParams) any {
		return ops.AvgPoolGradParams{Pool: p.pool(), InputSize: p.InputSize}
	})),
	"global_avg_pool": cvOp(tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.GlobalAvgPool(in[0], p.layout(), p.KeepDims)
	}),
	"global_max_pool": cvOp(tolExact, tolExact, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.GlobalMaxPool(in[0], p.layout(), p.KeepDims)
	}),
}

func TestConvOracle(t *testing.T) {
	fam := oracleFamily[cvOracleParams]{file: "testdata/conv.json", ops: cvOracleOps,
		primitives: []string{"conv", "conv_transpose", "conv_filter_grad", "max_pool", "max_pool_grad",
			"max_pool_gather", "avg_pool", "avg_pool_grad"}}
	fam.test(t)
}
