package ops_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the "reduce" and "move" families against PyTorch and NumPy:
// testdata/reduce.json (testdata/gen_reduce.py: reductions and linear algebra) and
// testdata/move.json (testdata/gen_move.py: movement ops) hold inputs, reference outputs and,
// for differentiable cases, the input gradients for random upstream gradients. No Python runs
// here; see testdata/README to regenerate the files.

type rlmFile struct {
	Generator string     `json:"generator"`
	Torch     string     `json:"torch"`
	NumPy     string     `json:"numpy"`
	Cases     []*rlmCase `json:"cases"`
}

// rlmCase is one application of an op. DYs and Grads are present for differentiable cases:
// Grads[i] is the gradient of input i (nil for an input without one).
type rlmCase struct {
	Name    string       `json:"name"`
	Op      string       `json:"op"`
	Params  rlmParams    `json:"params"`
	Inputs  []*rlmTensor `json:"inputs"`
	Outputs []*rlmTensor `json:"outputs"`
	DYs     []*rlmTensor `json:"dys"`
	Grads   []*rlmTensor `json:"grads"`
}

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

	Starts   []int  `json:"starts"`
	Ends     []int  `json:"ends"`
	Steps    []int  `json:"steps"`
	Mode     string `json:"mode"`
	Value    rlmNum `json:"value"`
	Pads     []int  `json:"pads"` // ONNX layout
	Before   []int  `json:"before"`
	After    []int  `json:"after"`
	Interior []int  `json:"interior"`
	Reps     []int  `json:"reps"`
	Counts   []int  `json:"counts"`
	Shifts   []int  `json:"shifts"`
	Sizes    []int  `json:"sizes"`
	N        int    `json:"n"`
}

type rlmTensor struct {
	DType string   `json:"dtype"`
	Shape []int    `json:"shape"`
	Data  []rlmNum `json:"data"`
}

// rlmNum is one JSON number, or "nan", "inf", "-inf"; integers keep all 64 bits.
type rlmNum struct {
	f     float64
	i     int64
	isInt bool
}

func (n *rlmNum) UnmarshalJSON(b []byte) error {
	switch s := string(b); s {
	case `"nan"`:
		n.f = math.NaN()
	case `"inf"`:
		n.f = math.Inf(1)
	case `"-inf"`:
		n.f = math.Inf(-1)
	default:
		if strings.ContainsAny(s, ".eE") {
			f, err := strconv.ParseFloat(s, 64)
			n.f = f
			return err
		}
		i, err := strconv.ParseInt(s, 10, 64)
		n.i, n.f, n.isInt = i, float64(i), true
		return err
	}
	return nil
}

func rlmBuild[T dtype.Elem](o *rlmTensor, f func(rlmNum) T) *tensor.Tensor {
	data := make([]T, len(o.Data))
	for i, v := range o.Data {
		data[i] = f(v)
	}
	if len(o.Shape) == 0 {
		return tensor.Scalar(data[0])
	}
	return tensor.FromSlice(data, o.Shape...)
}

// tensor builds the Go tensor o describes (float values are exact in every dtype used).
func (o *rlmTensor) tensor() (*tensor.Tensor, error) {
	n := 1
	for _, d := range o.Shape {
		n *= d
	}
	if n != len(o.Data) {
		return nil, fmt.Errorf("shape %v holds %d elements, data has %d", o.Shape, n, len(o.Data))
	}
	switch o.DType {
	case "float64":
		return rlmBuild(o, func(v rlmNum) float64 { return v.f }), nil
	case "float32":
		return rlmBuild(o, func(v rlmNum) float32 { return float32(v.f) }), nil
	case "float16":
		return rlmBuild(o, func(v rlmNum) dtype.F16 { return dtype.F16FromFloat64(v.f) }), nil
	case "int64":
		return rlmBuild(o, func(v rlmNum) int64 { return v.i }), nil
	case "int32":
		return rlmBuild(o, func(v rlmNum) int32 { return int32(v.i) }), nil
	case "int8":
		return rlmBuild(o, func(v rlmNum) int8 { return int8(v.i) }), nil
	case "uint8":
		return rlmBuild(o, func(v rlmNum) uint8 { return uint8(v.i) }), nil
	case "bool":
		return rlmBuild(o, func(v rlmNum) bool { return v.i != 0 }), nil
	}
	return nil, fmt.Errorf("dtype %q is not used by the oracle", o.DType)
}

// rlmTol is how closely a result must match: |got - want| <= tol·(1 + |want|).
type rlmTol int

const (
	// rlmExact: movement, selection, comparison, integer results.
	rlmExact rlmTol = iota
	// rlmElem: a few roundings per element.
	rlmElem
	// rlmAcc: sums and products whose rounding depends on the order of accumulation. PyTorch
	// accumulates float32 in float32 (pairwise or vectorised); the reference kernels accumulate
	// in float64 in order and round once.
	rlmAcc
)

func (c rlmTol) of(dt dtype.DType) float64 {
	const eps32, eps16 = 0x1p-23, 0x1p-10
	switch {
	case c == rlmExact || !dt.IsFloat():
		return 0
	case dt == dtype.Float64 && c == rlmElem:
		return 1e-12
	case dt == dtype.Float64:
		return 1e-10
	case dt == dtype.Float16 || dt == dtype.BFloat16:
		return 4 * eps16
	case c == rlmElem:
		return 8 * eps32
	}
	return 64 * eps32
}

// rlmDiffs compares got with want and returns one line per problem, naming the element.
func rlmDiffs(what string, got *tensor.Tensor, want *rlmTensor, c rlmTol) []string {
	if got == nil {
		return []string{what + ": got no tensor"}
	}
	if got.DType().String() != want.DType || !slices.Equal([]int(got.Shape()), want.Shape) {
		return []string{fmt.Sprintf("%s: got %s%v, want %s%v", what, got.DType(), got.Shape(), want.DType, want.Shape)}
	}
	var out []string
	bad := 0
	note := func(i int, g, w any, tol float64) {
		if bad++; bad <= 5 {
			out = append(out, fmt.Sprintf("%s[%d]: got %v, want %v (tolerance %g)", what, i, g, w, tol))
		}
	}
	if got.DType().IsFloat() {
		tol := c.of(got.DType())
		for i, g := range got.Float64s() {
			w := want.Data[i].f
			ok := g == w || (math.IsNaN(g) && math.IsNaN(w)) ||
				(!math.IsInf(g, 0) && !math.IsInf(w, 0) && math.Abs(g-w) <= tol*(1+math.Abs(w)))
			if !ok {
				note(i, g, w, tol)
			}
		}
	} else {
		for i, g := range got.Int64s() {
			if w := want.Data[i].i; g != w {
				note(i, g, w, 0)
			}
		}
	}
	if bad > 5 {
		out = append(out, fmt.Sprintf("%s: %d of %d elements differ", what, bad, len(want.Data)))
	}
	return out
}

// rlmOp says how to run the cases of one op name of the files.
type rlmOp struct {
	fwd, grad rlmTol
	run       func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor
}

func rlm1(fwd, grad rlmTol, f func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor) rlmOp {
	return rlmOp{fwd, grad, func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{f(p, in)}
	}}
}

func rlmReduce(f func(x *tensor.Tensor, axes ...int) *tensor.Tensor, fwd, grad rlmTol) rlmOp {
	return rlm1(fwd, grad, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return f(in[0], p.Axes...) })
}

func rlmCorrected(f func(x *tensor.Tensor, c int, axes ...int) *tensor.Tensor) rlmOp {
	return rlm1(rlmAcc, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return f(in[0], p.Correction, p.Axes...)
	})
}

func rlmArg(f func(x *tensor.Tensor, p ops.ArgParams) *tensor.Tensor) rlmOp {
	return rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return f(in[0], ops.ArgParams{Axis: p.Axis, KeepDims: p.KeepDims, SelectLastIndex: p.SelectLast})
	})
}

func rlmCum(f func(x *tensor.Tensor, p ops.CumParams) *tensor.Tensor) rlmOp {
	return rlm1(rlmAcc, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return f(in[0], ops.CumParams{Axis: p.Axis, Exclusive: p.Exclusive, Reverse: p.Reverse})
	})
}

// rlmOps maps the op names of the files to the Go functions; every entry must have cases.
var rlmOps = map[string]rlmOp{
	// Products: PyTorch's gradient is out/x without zeros, Tide's the product of the others.
	"prod":               rlmReduce(ops.Prod, rlmAcc, rlmAcc),
	"prod_keepdims":      rlmReduce(ops.ProdKeepDims, rlmAcc, rlmAcc),
	"min":                rlmReduce(ops.Min, rlmExact, rlmElem),
	"min_keepdims":       rlmReduce(ops.MinKeepDims, rlmExact, rlmElem),
	"argmax":             rlmArg(ops.ArgmaxWith),
	"argmin":             rlmArg(ops.ArgminWith),
	"any":                rlmReduce(ops.Any, rlmExact, rlmExact),
	"all":                rlmReduce(ops.All, rlmExact, rlmExact),
	"any_keepdims":       rlmReduce(ops.AnyKeepDims, rlmExact, rlmExact),
	"all_keepdims":       rlmReduce(ops.AllKeepDims, rlmExact, rlmExact),
	"cumsum":             rlmCum(ops.CumsumWith),
	"cumprod":            rlmCum(ops.CumprodWith),
	"logsumexp":          rlmReduce(ops.LogSumExp, rlmAcc, rlmAcc),
	"logsumexp_keepdims": rlmReduce(ops.LogSumExpKeepDims, rlmAcc, rlmAcc),
	"variance":           rlmCorrected(ops.Variance),
	"variance_keepdims":  rlmCorrected(ops.VarianceKeepDims),
	"std":                rlmCorrected(ops.Std),
	"std_keepdims":       rlmCorrected(ops.StdKeepDims),
	"l1_norm":            rlmReduce(ops.L1Norm, rlmAcc, rlmExact),
	"l1_norm_keepdims":   rlmReduce(ops.L1NormKeepDims, rlmAcc, rlmExact),
	"l2_norm":            rlmReduce(ops.L2Norm, rlmAcc, rlmAcc),
	"l2_norm_keepdims":   rlmReduce(ops.L2NormKeepDims, rlmAcc, rlmAcc),

	"dot_general": rlm1(rlmAcc, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.DotGeneral(in[0], in[1], ops.DotDims{LhsContracting: p.LhsContracting, RhsContracting: p.RhsContracting,
			LhsBatch: p.LhsBatch, RhsBatch: p.RhsBatch})
	}),
	"einsum": rlm1(rlmAcc, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Einsum(p.Equation, in...)
	}),
	"outer": rlm1(rlmElem, rlmAcc, func(_ *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Outer(in[0], in[1]) }),
	"gemm": rlm1(rlmAcc, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
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
	"concat": rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Concat(p.Axis, in...) }),
	"stack":  rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Stack(p.Axis, in...) }),
	"split": {rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor {
		return ops.SplitSizes(in[0], p.Axis, p.Sizes...)
	}},
	"split_equal": {rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) []*tensor.Tensor {
		return ops.Split(in[0], p.Axis, p.N)
	}},
	"slice": rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Slice(in[0], ops.SliceParams{Axes: p.Axes, Starts: p.Starts, Ends: p.Ends, Steps: p.Steps})
	}),
	"flip": rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Flip(in[0], p.Axes...) }),
	"pad": rlm1(rlmExact, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.PadWith(in[0], ops.PadParams{Mode: ops.PadMode(p.Mode), Value: p.Value.f, Before: p.Before, After: p.After, Interior: p.Interior})
	}),
	"pad_onnx": rlm1(rlmExact, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Pad(in[0], ops.PadMode(p.Mode), p.Value.f, p.Pads...)
	}),
	"tile":   rlm1(rlmExact, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Tile(in[0], p.Reps...) }),
	"repeat": rlm1(rlmExact, rlmAcc, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Repeat(in[0], p.Axis, p.Counts...) }),
	"segment_sum": rlm1(rlmAcc, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.SegmentSum(in[0], p.Axis, p.Counts...)
	}),
	"roll": rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor {
		return ops.Roll(in[0], p.Shifts, p.Axes...)
	}),
	"squeeze":       rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Squeeze(in[0], p.Axes...) }),
	"unsqueeze":     rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Unsqueeze(in[0], p.Axes...) }),
	"flatten":       rlm1(rlmExact, rlmExact, func(p *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.Flatten(in[0], p.Axis) }),
	"flatten_batch": rlm1(rlmExact, rlmExact, func(_ *rlmParams, in []*tensor.Tensor) *tensor.Tensor { return ops.FlattenBatch(in[0]) }),
}

func init() {
	for name, op := range rlmMoves {
		rlmOps[name] = op
	}
}

// rlmKnownIssues lists cases that disagree with the reference on purpose, with the reason; they
// are run and logged. A listed case that passes fails the test, so the list cannot go stale.
var rlmKnownIssues = map[string]string{}

func rlmLoad(t *testing.T, path string) *rlmFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f rlmFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Logf("%s: %d cases from %s (PyTorch %s, NumPy %s)", path, len(f.Cases), f.Generator, f.Torch, f.NumPy)
	return &f
}

func TestRLMOracle(t *testing.T) {
	byOp := map[string][]*rlmCase{}
	names := map[string]bool{}
	for _, path := range []string{"testdata/reduce.json", "testdata/move.json"} {
		for _, c := range rlmLoad(t, path).Cases {
			if _, ok := rlmOps[c.Op]; !ok {
				t.Errorf("case %s: unknown op %q", c.Name, c.Op)
			}
			if names[c.Name] {
				t.Errorf("case %s appears twice", c.Name)
			}
			names[c.Name] = true
			byOp[c.Op] = append(byOp[c.Op], c)
		}
	}
	for name := range rlmKnownIssues {
		if !names[name] {
			t.Errorf("rlmKnownIssues lists %s, which is in neither file", name)
		}
	}
	opNames := make([]string, 0, len(rlmOps))
	for name := range rlmOps {
		opNames = append(opNames, name)
	}
	sort.Strings(opNames)
	for _, name := range opNames {
		t.Run(name, func(t *testing.T) {
			cases := byOp[name]
			if len(cases) == 0 {
				t.Fatalf("no oracle cases for %s", name)
			}
			for _, c := range cases {
				diffs := rlmCaseDiffs(rlmOps[name], c)
				reason, known := rlmKnownIssues[c.Name]
				switch {
				case known && len(diffs) == 0:
					t.Errorf("%s: passes, but rlmKnownIssues lists it (%s)", c.Name, reason)
				case known:
					t.Logf("%s: known issue (%s):\n\t%s", c.Name, reason, strings.Join(diffs, "\n\t"))
				case len(diffs) > 0:
					t.Errorf("%s:\n\t%s", c.Name, strings.Join(diffs, "\n\t"))
				}
			}
		})
	}
}

// rlmCaseDiffs runs case c and returns its differences from the reference, one per line.
func rlmCaseDiffs(op rlmOp, c *rlmCase) (diffs []string) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
	grads := c.DYs != nil
	if grads && (len(c.Grads) != len(c.Inputs) || len(c.DYs) != len(c.Outputs)) {
		return []string{fmt.Sprintf("%d gradients for %d inputs, %d dys for %d outputs", len(c.Grads), len(c.Inputs), len(c.DYs), len(c.Outputs))}
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
		if grads && c.Grads[i] != nil {
			in[i] = autodiff.Watch(x)
			xs, which = append(xs, in[i]), append(which, i)
		}
	}
	ys := op.run(&c.Params, in)
	if len(ys) != len(c.Outputs) {
		return []string{fmt.Sprintf("got %d outputs, want %d", len(ys), len(c.Outputs))}
	}
	for i, y := range ys {
		diffs = append(diffs, rlmDiffs(fmt.Sprintf("output[%d]", i), y, c.Outputs[i], op.fwd)...)
	}
	if !grads || len(xs) == 0 {
		return diffs
	}
	dys := make([]*tensor.Tensor, len(c.DYs))
	for i, o := range c.DYs {
		d, err := o.tensor()
		if err != nil {
			return append(diffs, fmt.Sprintf("dy %d: %v", i, err))
		}
		dys[i] = d
	}
	gs := autodiff.Gradients(ys, xs, autodiff.OutputGrads(dys...))
	for j, g := range gs {
		i := which[j]
		diffs = append(diffs, rlmDiffs(fmt.Sprintf("grad[%d]", i), g, c.Grads[i], op.grad)...)
	}
	return diffs
}
