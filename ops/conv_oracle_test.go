package ops_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the convolution and pooling family against PyTorch:
// testdata/conv.json holds cases computed by testdata/gen_conv.py (forward values and the input
// gradients for a random upstream gradient; for the gradient primitives, PyTorch's first and
// second derivatives). Tensors are read and compared with the helpers of oracle_helpers_test.go.
//
// Tolerances: convolutions and average pooling are sums (tolAccumulate: 1e-10 relative to
// 1+|want| in float64, 64 float32 ulps in float32; PyTorch sums in float32 in another order, the
// reference kernels in float64); max pooling and gathers are exact (the selected element itself),
// and so are their scattered gradients unless windows overlap (then sums).

// cvOracleFile is the whole of testdata/conv.json.
type cvOracleFile struct {
	Torch string          `json:"torch"`
	NumPy string          `json:"numpy"`
	Cases []*cvOracleCase `json:"cases"`
}

type cvOracleCase struct {
	Name   string          `json:"name"`
	Op     string          `json:"op"`
	Params cvOracleParams  `json:"params"`
	Inputs []*oracleTensor `json:"inputs"`
	Output *oracleTensor   `json:"output"`
	DY     *oracleTensor   `json:"dy"`
	Grads  []*oracleTensor `json:"grads"`
}

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

// cvOracleOp says how to run the cases of one op name, and the tolerance classes of its output
// and input gradients.
type cvOracleOp struct {
	fwd, grad tolClass
	run       func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor
}

func cvPrim(name string, params func(p *cvOracleParams) any) func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
	return func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return core.Apply1(core.Lookup(name), params(p), in...)
	}
}

// cvOracleOps maps the op names of conv.json to Go; every entry must have cases, and every
// primitive of the family must be among them (TestConvOracleCoversFamily).
var cvOracleOps = map[string]cvOracleOp{
	"conv": {tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Conv(in[0], in[1], p.conv())
	}},
	"depthwise_conv2d": {tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		c := p.conv()
		c.Groups = 0 // the generator writes 1; DepthwiseConv2D sets the groups itself
		return ops.DepthwiseConv2D(in[0], in[1], c)
	}},
	"conv_transpose": {tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		c := p.conv()
		return ops.ConvTranspose(in[0], in[1], ops.ConvTransposeParams{Rank: c.Rank, Strides: c.Strides,
			Dilations: c.Dilations, Padding: c.Padding, Pads: c.Pads, OutputPadding: p.OutputPadding,
			Groups: c.Groups, Layout: c.Layout})
	}},
	"conv_filter_grad": {tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.ConvFilterGrad(in[0], in[1], p.KernelSize, p.conv())
	}},
	"max_pool": {tolExact, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.MaxPool(in[0], p.pool())
	}},
	"max_pool_grad":   {tolAccumulate, tolExact, cvPrim("max_pool_grad", func(p *cvOracleParams) any { return p.pool() })},
	"max_pool_gather": {tolExact, tolAccumulate, cvPrim("max_pool_gather", func(p *cvOracleParams) any { return p.pool() })},
	"avg_pool": {tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.AvgPool(in[0], p.pool())
	}},
	"avg_pool_grad": {tolAccumulate, tolAccumulate, cvPrim("avg_pool_grad", func(p *cvOracleParams) any {
		return ops.AvgPoolGradParams{Pool: p.pool(), InputSize: p.InputSize}
	})},
	"global_avg_pool": {tolAccumulate, tolAccumulate, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.GlobalAvgPool(in[0], p.layout(), p.KeepDims)
	}},
	"global_max_pool": {tolExact, tolExact, func(p *cvOracleParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.GlobalMaxPool(in[0], p.layout(), p.KeepDims)
	}},
}

// cvFamily lists the primitives of the family; each needs oracle cases.
var cvFamily = []string{"conv", "conv_transpose", "conv_filter_grad", "max_pool", "max_pool_grad",
	"max_pool_gather", "avg_pool", "avg_pool_grad"}

func cvLoadOracle(t *testing.T) *cvOracleFile {
	t.Helper()
	b, err := os.ReadFile("testdata/conv.json")
	if err != nil {
		t.Fatal(err)
	}
	var f cvOracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("testdata/conv.json: %v", err)
	}
	return &f
}

func TestConvOracle(t *testing.T) {
	f := cvLoadOracle(t)
	t.Logf("%d cases from PyTorch %s (NumPy %s)", len(f.Cases), f.Torch, f.NumPy)
	byOp := map[string][]*cvOracleCase{}
	for _, c := range f.Cases {
		if _, ok := cvOracleOps[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		byOp[c.Op] = append(byOp[c.Op], c)
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range cvOracleOps {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Run(name, func(t *testing.T) {
			if len(byOp[name]) == 0 {
				t.Fatalf("testdata/conv.json has no cases for %s", name)
			}
			for _, c := range byOp[name] {
				if diffs := cvOracleDiffs(cvOracleOps[name], c); len(diffs) > 0 {
					t.Errorf("%s:\n\t%s", c.Name, strings.Join(diffs, "\n\t"))
				}
			}
		})
	}
}

// TestConvOracleCoversFamily fails if a primitive of the family has no oracle case or a
// declared op of the family is missing from cvFamily.
func TestConvOracleCoversFamily(t *testing.T) {
	f := cvLoadOracle(t)
	ops := map[string]bool{}
	for _, c := range f.Cases {
		ops[c.Op] = true
	}
	for _, name := range cvFamily {
		if core.Lookup(name) == nil {
			t.Errorf("op %s is not registered", name)
		}
		if !ops[name] {
			t.Errorf("op %s has no case in testdata/conv.json", name)
		}
	}
}

// cvOracleDiffs runs case c and returns its differences from PyTorch, one per line.
func cvOracleDiffs(op cvOracleOp, c *cvOracleCase) (diffs []string) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
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
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("grad[%d]", which[j]), g, c.Grads[which[j]], op.grad)...)
	}
	return diffs
}
