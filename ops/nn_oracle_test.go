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

// Differential test of the neural-network ("nn") family against PyTorch: testdata/nn.json is
// written by testdata/gen_nn.py. Tensors are in the format of oracle.json and read and compared
// with the helpers of oracle_helpers_test.go (oracleTensor, oracleDiffs, the tolerance classes);
// cases have several outputs (batch_norm_training returns three) and optional inputs (null for a
// nil scale or offset), so the file has its own case type.

type nnOracleFile struct {
	Torch string          `json:"torch"`
	NumPy string          `json:"numpy"`
	Cases []*nnOracleCase `json:"cases"`
}

type nnOracleCase struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Params  nnOracleParams  `json:"params"`
	Inputs  []*oracleTensor `json:"inputs"`
	Outputs []*oracleTensor `json:"outputs"`
	DYs     []*oracleTensor `json:"dys"`
	Grads   []*oracleTensor `json:"grads"`
}

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

// nnOracleOp says how to run the cases of one op name and how closely its outputs (fwd) and
// input gradients (grad) must match.
type nnOracleOp struct {
	fwd, grad tolClass
	run       func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor
}

func nnOne(t *tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{t} }

// nnOracleOps maps the op names of nn.json to the Go functions; every entry must have cases.
// Everything that sums (softmax's normaliser, the statistics, interpolation, matrix products)
// is compared as an accumulation; lookups and the dropout identity exactly.
var nnOracleOps = map[string]nnOracleOp{
	"softmax": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Softmax(in[0], p.Axis))
	}},
	"log_softmax": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.LogSoftmax(in[0], p.Axis))
	}},
	"batch_norm_training": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		y, m, v := ops.BatchNormTraining(in[0], in[1], in[2], ops.BatchNormParams{Epsilon: p.Eps, Layout: p.layout()})
		return []*tensor.Tensor{y, m, v}
	}},
	"batch_norm": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.BatchNorm(in[0], in[1], in[2], in[3], in[4], ops.BatchNormParams{Epsilon: p.Eps, Layout: p.layout()}))
	}},
	"layer_norm": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.LayerNorm(in[0], in[1], in[2], ops.LayerNormParams{NumAxes: p.NumAxes, Epsilon: p.Eps}))
	}},
	"rms_norm": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.RMSNorm(in[0], in[1], ops.LayerNormParams{NumAxes: p.NumAxes, Epsilon: p.Eps}))
	}},
	"group_norm": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.GroupNorm(in[0], in[1], in[2], ops.GroupNormParams{Groups: p.Groups, Epsilon: p.Eps, Layout: p.layout()}))
	}},
	"instance_norm": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.InstanceNorm(in[0], in[1], in[2], ops.GroupNormParams{Epsilon: p.Eps, Layout: p.layout()}))
	}},
	"embedding": {tolExact, tolAccumulate, func(_ *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Embedding(in[0], in[1]))
	}},
	"embedding_grad": {tolAccumulate, tolExact, func(_ *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.EmbeddingGrad(in[0], in[1], in[2]))
	}},
	"resize": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Resize(in[0], p.resize()))
	}},
	"resize_grad": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.ResizeGrad(in[0], in[1], p.resize()))
	}},
	"scaled_dot_product_attention": {tolAccumulate, tolAccumulate, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		var mask *tensor.Tensor
		if len(in) > 3 {
			mask = in[3]
		}
		return nnOne(ops.ScaledDotProductAttention(in[0], in[1], in[2], mask, ops.AttentionParams{Causal: p.Causal, Scale: p.Scale}))
	}},
	"dropout": {tolExact, tolExact, func(p *nnOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
		return nnOne(ops.Dropout(in[0], ops.DropoutParams{Rate: p.Rate, Seed: p.Seed}))
	}},
}

func TestNNOracle(t *testing.T) {
	b, err := os.ReadFile("testdata/nn.json")
	if err != nil {
		t.Fatal(err)
	}
	var f nnOracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases from PyTorch %s (NumPy %s)", len(f.Cases), f.Torch, f.NumPy)
	byOp := map[string][]*nnOracleCase{}
	names := map[string]bool{}
	for _, c := range f.Cases {
		if _, ok := nnOracleOps[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		if names[c.Name] {
			t.Errorf("case %s appears twice", c.Name)
		}
		names[c.Name] = true
		byOp[c.Op] = append(byOp[c.Op], c)
	}
	// Every primitive of the family needs oracle cases (the composites are listed above too).
	for _, name := range []string{"softmax", "log_softmax", "dropout", "embedding", "embedding_grad", "resize", "resize_grad"} {
		if core.Lookup(name) == nil {
			t.Errorf("op %s is not registered", name)
		}
		if _, ok := nnOracleOps[name]; !ok {
			t.Errorf("op %s has no oracle runner", name)
		}
	}
	opNames := make([]string, 0, len(nnOracleOps))
	for name := range nnOracleOps {
		opNames = append(opNames, name)
	}
	slices.Sort(opNames)
	for _, name := range opNames {
		t.Run(name, func(t *testing.T) {
			cases := byOp[name]
			if len(cases) == 0 {
				t.Fatalf("testdata/nn.json has no cases for %s", name)
			}
			for _, c := range cases {
				if diffs := nnOracleDiffs(nnOracleOps[name], c); len(diffs) > 0 {
					t.Errorf("%s:\n\t%s", c.Name, strings.Join(diffs, "\n\t"))
				}
			}
		})
	}
}

// nnOracleDiffs runs case c and returns its differences from PyTorch, one per line.
func nnOracleDiffs(op nnOracleOp, c *nnOracleCase) (diffs []string) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
	if c.DYs != nil && len(c.Grads) != len(c.Inputs) {
		return []string{fmt.Sprintf("%d gradients for %d inputs", len(c.Grads), len(c.Inputs))}
	}
	in := make([]*tensor.Tensor, len(c.Inputs))
	var xs []*tensor.Tensor
	var which []int
	for i, o := range c.Inputs {
		if o == nil {
			continue // an optional input left out
		}
		x, err := o.tensor()
		if err != nil {
			return []string{fmt.Sprintf("input %d: %v", i, err)}
		}
		in[i] = x
		if c.DYs != nil && c.Grads[i] != nil {
			in[i] = autodiff.Watch(x)
			xs, which = append(xs, in[i]), append(which, i)
		}
	}
	ys := op.run(&c.Params, in)
	if len(ys) != len(c.Outputs) {
		return []string{fmt.Sprintf("%d outputs, want %d", len(ys), len(c.Outputs))}
	}
	for i, y := range ys {
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("output[%d]", i), y, c.Outputs[i], op.fwd)...)
	}
	if c.DYs == nil {
		return diffs
	}
	dys := make([]*tensor.Tensor, len(c.DYs))
	for i, o := range c.DYs {
		dy, err := o.tensor()
		if err != nil {
			return append(diffs, fmt.Sprintf("dy[%d]: %v", i, err))
		}
		dys[i] = dy
	}
	gs := autodiff.Gradients(ys, xs, autodiff.OutputGrads(dys...))
	for j, g := range gs {
		i := which[j]
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("grad[%d]", i), g, c.Grads[i], op.grad)...)
	}
	return diffs
}
