package ops_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential test of the indexing, sorting and mask ops against PyTorch (and NumPy where Tide
// follows ONNX or NumPy rather than PyTorch): testdata/index.json, written by
// testdata/gen_index.py, holds for each case the inputs, the reference outputs and, for
// differentiable cases, random upstream gradients and the input gradients. No Python runs here.
//
// Tolerances: movement and selection (gather, sort, one_hot, masks...) must match exactly;
// results that add or multiply (scatter reductions, gradients where indices repeat, float
// ranges) are compared with |got-want| <= tol·(1+|want|), tol = 1e-12 in float64 (Tide reduces
// in float64 where PyTorch may use another order) and 16 float32 ulps (2^-23) in float32.

type ixOracleFile struct {
	Generator string          `json:"generator"`
	Torch     string          `json:"torch"`
	NumPy     string          `json:"numpy"`
	Cases     []*ixOracleCase `json:"cases"`
}

type ixOracleCase struct {
	Name    string            `json:"name"`
	Op      string            `json:"op"`
	Params  ixOracleParams    `json:"params"`
	Inputs  []*ixOracleTensor `json:"inputs"`
	Outputs []*ixOracleTensor `json:"outputs"`
	DY      []*ixOracleTensor `json:"dy"`    // per output; nil for integer outputs
	Grads   []*ixOracleTensor `json:"grads"` // per input; nil for integer inputs
}

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

type ixOracleTensor struct {
	DType string     `json:"dtype"`
	Shape []int      `json:"shape"`
	Data  []ixNumber `json:"data"`
}

// ixNumber is one element: integers are kept as int64 so that large ones survive.
type ixNumber struct {
	f     float64
	i     int64
	isInt bool
}

func (n *ixNumber) UnmarshalJSON(b []byte) error {
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

func (o *ixOracleTensor) tensor() (*tensor.Tensor, error) {
	dt, err := dtype.Parse(o.DType)
	if err != nil {
		return nil, err
	}
	f64 := make([]float64, len(o.Data))
	i64 := make([]int64, len(o.Data))
	for j, v := range o.Data {
		if !dt.IsFloat() && !v.isInt {
			return nil, fmt.Errorf("%s element %d is %v, not an integer", dt, j, v.f)
		}
		f64[j], i64[j] = v.f, v.i
	}
	var src *tensor.Tensor
	if dt.IsFloat() {
		src = tensor.FromSlice(f64, o.Shape...) // float32 values are written exactly
	} else {
		src = tensor.FromSlice(i64, o.Shape...)
	}
	if len(o.Shape) == 0 {
		src = src.Reshape() // FromSlice without dimensions makes a vector
	}
	t := tensor.New(dt, src.Shape())
	tensor.Convert(t, src)
	return t, nil
}

// ixOracleOp runs one op of the file. exact says whether outputs (fwd) and gradients (grad)
// must match bit for bit (for floats: value for value, NaN matching NaN).
type ixOracleOp struct {
	arity      int
	exactFwd   bool
	exactGrad  bool
	run        func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor
	primitives []string // registered ops this entry covers
}

func ix1(t *tensor.Tensor) []*tensor.Tensor       { return []*tensor.Tensor{t} }
func ix2(a, b *tensor.Tensor) []*tensor.Tensor    { return []*tensor.Tensor{a, b} }
func ix3(a, b, c *tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{a, b, c} }

func ixSpaceParams(p ixOracleParams) ops.DepthSpaceParams {
	return ops.DepthSpaceParams{BlockSize: p.BlockSize, Mode: p.Mode, Layout: p.Layout}
}

func ixParseDType(name string) dtype.DType {
	dt, err := dtype.Parse(name)
	if err != nil {
		panic(err)
	}
	return dt
}

// ixOracleOps lists every function of the family with a reference; each must have cases.
var ixOracleOps = map[string]ixOracleOp{
	"gather": {arity: 2, exactFwd: true, primitives: []string{"gather"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.Gather(in[0], in[1], p.Axis))
		}},
	"take_along_axis": {arity: 2, exactFwd: true, primitives: []string{"take_along_axis"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.TakeAlongAxis(in[0], in[1], p.Axis))
		}},
	"gather_nd": {arity: 2, exactFwd: true, primitives: []string{"gather_nd"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.GatherND(in[0], in[1], p.BatchDims))
		}},
	"scatter_elements": {arity: 3, primitives: []string{"scatter_elements"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			if p.Reduction == "none" {
				return ix1(ops.Scatter(in[0], in[1], in[2], p.Axis))
			}
			return ix1(ops.ScatterReduce(in[0], in[1], in[2], p.Axis, p.Reduction))
		}},
	"scatter_add": {arity: 3,
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.ScatterAdd(in[0], in[1], in[2], p.Axis))
		}},
	"scatter_nd": {arity: 3, primitives: []string{"scatter_nd"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			if p.BatchDims == 0 {
				return ix1(ops.ScatterND(in[0], in[1], in[2], p.Reduction))
			}
			return ix1(ops.ScatterNDWith(in[0], in[1], in[2], ops.ScatterNDParams{Reduction: p.Reduction, BatchDims: p.BatchDims}))
		}},
	"one_hot": {arity: 1, exactFwd: true, primitives: []string{"one_hot"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.OneHotWith(in[0], ops.OneHotParams{Depth: p.Depth, Axis: p.Axis, OnValue: p.On, OffValue: p.Off, DType: ixParseDType(p.DType)}))
		}},
	"sort": {arity: 1, exactFwd: true, exactGrad: true, primitives: []string{"sort"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix2(ops.SortWithIndices(in[0], p.Axis, p.Descending))
		}},
	"argsort": {arity: 1, exactFwd: true,
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.Argsort(in[0], p.Axis, p.Descending))
		}},
	"top_k": {arity: 1, exactFwd: true, exactGrad: true, primitives: []string{"top_k"},
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix2(ops.TopKWith(in[0], ops.TopKParams{K: p.K, Axis: p.Axis, Smallest: !p.Largest}))
		}},
	"nonzero": {arity: 1, exactFwd: true, primitives: []string{"nonzero"},
		run: func(_ ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.NonZero(in[0])) }},
	"nonzero_per_axis": {arity: 1, exactFwd: true,
		run: func(_ ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ops.NonZeroPerAxis(in[0]) }},
	"arg_where": {arity: 1, exactFwd: true,
		run: func(_ ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.ArgWhere(in[0])) }},
	"unique": {arity: 1, exactFwd: true, primitives: []string{"unique"},
		run: func(_ ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix3(ops.UniqueAll(in[0])) }},
	"range": {arity: 0, primitives: []string{"range"},
		run: func(p ixOracleParams, _ []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.Range(ixParseDType(p.DType), p.Start, p.Limit, p.Delta))
		}},
	"tril": {arity: 1, exactFwd: true, exactGrad: true,
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.Tril(in[0], p.K)) }},
	"triu": {arity: 1, exactFwd: true, exactGrad: true,
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor { return ix1(ops.Triu(in[0], p.K)) }},
	"depth_to_space": {arity: 1, exactFwd: true, exactGrad: true,
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.DepthToSpaceWith(in[0], ixSpaceParams(p)))
		}},
	"space_to_depth": {arity: 1, exactFwd: true, exactGrad: true,
		run: func(p ixOracleParams, in []*tensor.Tensor) []*tensor.Tensor {
			return ix1(ops.SpaceToDepthWith(in[0], ixSpaceParams(p)))
		}},
}

// ixRandomPrimitives are the family's ops without an oracle (PyTorch's generator differs):
// random_test.go checks them statistically and for reproducibility.
var ixRandomPrimitives = []string{"random_uniform", "random_normal", "random_truncated_normal", "bernoulli", "categorical", "random_permutation"}

func ixClose(got, want, tol float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case got == want:
		return true
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return false
	}
	return math.Abs(got-want) <= tol*(1+math.Abs(want))
}

// ixDiffs compares got with want and returns one line per problem (a few elements, then a count).
func ixDiffs(what string, got *tensor.Tensor, want *ixOracleTensor, exact bool) []string {
	if got == nil {
		return []string{what + ": got no tensor"}
	}
	if got.DType().String() != want.DType || !slices.Equal([]int(got.Shape()), want.Shape) {
		return []string{fmt.Sprintf("%s: got %s%v, want %s%v", what, got.DType(), got.Shape(), want.DType, want.Shape)}
	}
	tol := 0.0
	if !exact {
		tol = 1e-12
		if got.DType() == dtype.Float32 {
			tol = 16 * 0x1p-23
		}
	}
	var out []string
	bad := 0
	note := func(i int, g, w any) {
		if bad++; bad <= 5 {
			out = append(out, fmt.Sprintf("%s[%d]: got %v, want %v (tolerance %g)", what, i, g, w, tol))
		}
	}
	if got.DType().IsFloat() {
		for i, g := range got.Float64s() {
			if w := want.Data[i].f; !ixClose(g, w, tol) {
				note(i, g, w)
			}
		}
	} else {
		for i, g := range got.Int64s() {
			if w := want.Data[i].i; g != w {
				note(i, g, w)
			}
		}
	}
	if bad > 5 {
		out = append(out, fmt.Sprintf("%s: %d of %d elements differ", what, bad, len(want.Data)))
	}
	return out
}

func TestIndexOracle(t *testing.T) {
	b, err := os.ReadFile("testdata/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var f ixOracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases from PyTorch %s (NumPy %s)", len(f.Cases), f.Torch, f.NumPy)
	byOp := map[string][]*ixOracleCase{}
	for _, c := range f.Cases {
		if _, ok := ixOracleOps[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		byOp[c.Op] = append(byOp[c.Op], c)
	}
	names := make([]string, 0, len(ixOracleOps))
	for name := range ixOracleOps {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			cases := byOp[name]
			if len(cases) == 0 {
				t.Fatalf("testdata/index.json has no cases for %s", name)
			}
			for _, c := range cases {
				if diffs := ixCaseDiffs(ixOracleOps[name], c); len(diffs) > 0 {
					t.Errorf("%s:\n\t%s", c.Name, strings.Join(diffs, "\n\t"))
				}
			}
		})
	}
}

// TestIndexOracleCoversFamily fails if a primitive of the family has neither oracle cases nor a
// place among the random ops, so a new op cannot go untested.
func TestIndexOracleCoversFamily(t *testing.T) {
	covered := map[string]bool{}
	for _, op := range ixOracleOps {
		for _, p := range op.primitives {
			covered[p] = true
		}
	}
	for _, p := range ixRandomPrimitives {
		covered[p] = true
	}
	for _, name := range []string{"gather", "take_along_axis", "gather_nd", "scatter_elements", "scatter_nd", "one_hot",
		"sort", "top_k", "nonzero", "unique", "range"} {
		if core.Lookup(name) == nil {
			t.Errorf("op %s is not registered", name)
		}
		if !covered[name] {
			t.Errorf("op %s has no oracle entry", name)
		}
	}
	for p := range covered {
		if core.Lookup(p) == nil {
			t.Errorf("covered op %s is not registered", p)
		}
	}
}

func ixCaseDiffs(op ixOracleOp, c *ixOracleCase) (diffs []string) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
	if len(c.Inputs) != op.arity {
		return []string{fmt.Sprintf("%d inputs, the op takes %d", len(c.Inputs), op.arity)}
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
		if c.DY != nil && c.Grads[i] != nil {
			in[i] = autodiff.Watch(x)
			xs, which = append(xs, in[i]), append(which, i)
		}
	}
	ys := op.run(c.Params, in)
	if len(ys) != len(c.Outputs) {
		return []string{fmt.Sprintf("got %d outputs, want %d", len(ys), len(c.Outputs))}
	}
	for j, y := range ys {
		diffs = append(diffs, ixDiffs(fmt.Sprintf("output[%d]", j), y, c.Outputs[j], op.exactFwd)...)
	}
	if c.DY == nil {
		return diffs
	}
	var seeded, dys []*tensor.Tensor
	for j, o := range c.DY {
		if o == nil {
			continue
		}
		dy, err := o.tensor()
		if err != nil {
			return append(diffs, fmt.Sprintf("dy[%d]: %v", j, err))
		}
		seeded, dys = append(seeded, ys[j]), append(dys, dy)
	}
	gs := autodiff.Gradients(seeded, xs, autodiff.OutputGrads(dys...))
	for j, g := range gs {
		i := which[j]
		diffs = append(diffs, ixDiffs(fmt.Sprintf("grad[%d]", i), g, c.Grads[i], op.exactGrad)...)
	}
	return diffs
}
