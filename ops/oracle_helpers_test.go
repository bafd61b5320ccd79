package ops_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// The harness of the differential tests against PyTorch, shared by every op family
// (oracle_test.go, elem_oracle_test.go, rlm_oracle_test.go, index_oracle_test.go,
// conv_oracle_test.go, nn_oracle_test.go): the format of the testdata/*.json files the
// testdata/gen_*.py scripts write (with testdata/oracle_common.py), the tolerance classes, and
// oracleFamily.test, which runs every case of a file through the Go function its op name maps to
// and, for differentiable cases, through autodiff.Gradients. A family supplies its params type
// and its table of op names; no Python runs here (see testdata/README to regenerate the files).

// oracleFile is one testdata JSON file; P is the params type of its family.
type oracleFile[P any] struct {
	Generator string           `json:"generator"`
	Torch     string           `json:"torch"`
	NumPy     string           `json:"numpy"`
	Cases     []*oracleCase[P] `json:"cases"`
}

// oracleCase is one application of an op with the reference results. DYs and Grads are present
// for differentiable cases: DYs[j] is the upstream gradient of output j (nil for an integer
// output), Grads[i] the gradient of input i for them (nil for an input without one). An input is
// nil where an optional input is left out.
type oracleCase[P any] struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Params  P               `json:"params"`
	Inputs  []*oracleTensor `json:"inputs"`
	Outputs oracleTensors   `json:"outputs"`
	DYs     oracleTensors   `json:"dys"`
	Grads   []*oracleTensor `json:"grads"`

	// The files of single-output families write "output" and "dy" (one tensor each), and
	// index.json its list of upstream gradients as "dy"; loadOracle moves them to Outputs and DYs.
	Output oracleTensors `json:"output"`
	DY     oracleTensors `json:"dy"`
}

// oracleTensors is a list of tensors, read from a JSON list or from one tensor.
type oracleTensors []*oracleTensor

func (l *oracleTensors) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '{' {
		var o oracleTensor
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*l = oracleTensors{&o}
		return nil
	}
	return json.Unmarshal(b, (*[]*oracleTensor)(l))
}

// oracleTensor is a tensor as the generators write it: floats as JSON numbers or the strings
// "nan", "inf" and "-inf"; integers as JSON integers; bools as 0 and 1.
type oracleTensor struct {
	DType string      `json:"dtype"`
	Shape []int       `json:"shape"`
	Data  []oracleNum `json:"data"`
}

// oracleNum holds one element or float param ("inf" for an infinite bound). Integers are kept as
// int64 so that int64 values beyond 2^53 survive.
type oracleNum struct {
	f     float64
	i     int64
	isInt bool
}

func (n *oracleNum) UnmarshalJSON(b []byte) error {
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

// loadOracle reads an oracle file.
func loadOracle[P any](path string) (*oracleFile[P], error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f oracleFile[P]
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for _, c := range f.Cases {
		c.Outputs, c.Output = append(c.Outputs, c.Output...), nil
		c.DYs, c.DY = append(c.DYs, c.DY...), nil
	}
	return &f, nil
}

// tensor builds the Go tensor o describes.
func (o *oracleTensor) tensor() (*tensor.Tensor, error) {
	dt, err := dtype.Parse(o.DType)
	if err != nil {
		return nil, err
	}
	n := 1
	for _, d := range o.Shape {
		n *= d
	}
	if n != len(o.Data) {
		return nil, fmt.Errorf("shape %v holds %d elements, data has %d", o.Shape, n, len(o.Data))
	}
	if !dt.IsFloat() {
		for i, v := range o.Data {
			if !v.isInt {
				return nil, fmt.Errorf("%s element %d is %v, not an integer", dt, i, v.f)
			}
		}
	}
	// The generators write each float32 and float16 as the float64 holding it exactly, so the
	// conversions are exact.
	switch dt {
	case dtype.Float64:
		return oracleBuild(o, func(v oracleNum) float64 { return v.f }), nil
	case dtype.Float32:
		return oracleBuild(o, func(v oracleNum) float32 { return float32(v.f) }), nil
	case dtype.Float16:
		return oracleBuild(o, func(v oracleNum) dtype.F16 { return dtype.F16FromFloat64(v.f) }), nil
	case dtype.Int64:
		return oracleBuild(o, func(v oracleNum) int64 { return v.i }), nil
	case dtype.Int32:
		return oracleBuild(o, func(v oracleNum) int32 { return int32(v.i) }), nil
	case dtype.Int8:
		return oracleBuild(o, func(v oracleNum) int8 { return int8(v.i) }), nil
	case dtype.Uint8:
		return oracleBuild(o, func(v oracleNum) uint8 { return uint8(v.i) }), nil
	case dtype.Bool:
		return oracleBuild(o, func(v oracleNum) bool { return v.i != 0 }), nil
	}
	return nil, fmt.Errorf("dtype %s is not used by the oracle", dt)
}

func oracleBuild[T dtype.Elem](o *oracleTensor, f func(oracleNum) T) *tensor.Tensor {
	data := make([]T, len(o.Data))
	for i, v := range o.Data {
		data[i] = f(v)
	}
	if len(o.Shape) == 0 {
		return tensor.Scalar(data[0]) // FromSlice without dimensions would make a vector
	}
	return tensor.FromSlice(data, o.Shape...)
}

// oracleDType parses a dtype param; a bad name panics, which the harness reports with the case.
func oracleDType(name string) dtype.DType {
	dt, err := dtype.Parse(name)
	if err != nil {
		panic(err)
	}
	return dt
}

// tolClass says how closely an op's results must match the reference. Integer and bool results
// are always compared exactly, whatever the class.
type tolClass int

const (
	// tolExact: the result is one of the inputs' elements or a correctly rounded conversion
	// (movement, selection, max, where, cast, comparisons, fills).
	tolExact tolClass = iota
	// tolElementwise: each element is a few roundings of the inputs (arithmetic, exp, pow...);
	// libm implementations differ by an ulp or so.
	tolElementwise
	// tolAccumulate: sums of products, whose rounding depends on the order of accumulation
	// (reductions, matmul, convolutions, and gradients summed over broadcast dimensions).
	// PyTorch sums pairwise and vectorised; the reference kernels sum in order, in float64 even
	// for float32, so float32 results may differ by a few ulps of the sum of magnitudes.
	tolAccumulate
)

// oracleTolerance returns the relative and absolute tolerance (equal: |got-want| <=
// tol·(1+|want|)) of a class for a dtype: 1e-12 (elementwise) and 1e-10 (accumulations) in
// float64, against a worst case of 5e-16 seen with torch 1.13; 8 and 64 float32 ulps (2^-23) in
// float32, against 0.5 and 1.1 seen (PyTorch computes in float32 with its own exp, tanh and
// pow, and sums pairwise, where the reference kernels round one float64 result); 4 float16 ulps
// (2^-10) in float16 and bfloat16.
func oracleTolerance(c tolClass, dt dtype.DType) float64 {
	const eps32, eps16 = 0x1p-23, 0x1p-10
	switch {
	case c == tolExact || !dt.IsFloat():
		return 0
	case dt == dtype.Float64 && c == tolElementwise:
		return 1e-12
	case dt == dtype.Float64:
		return 1e-10
	case dt == dtype.Float16 || dt == dtype.BFloat16:
		return 4 * eps16
	case c == tolElementwise:
		return 8 * eps32
	default:
		return 64 * eps32
	}
}

// oracleClose reports whether got matches want within tol: NaN matches only NaN, an infinity
// only the same infinity; with tol 0 the values must be equal (the sign of zero is not checked).
func oracleClose(got, want, tol float64) bool {
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

// oracleDiffs compares got with want, checking dtype and shape exactly, and returns one line
// per problem (at most a few mismatched elements are listed, then a count).
func oracleDiffs(what string, got *tensor.Tensor, want *oracleTensor, c tolClass) []string {
	if got == nil {
		return []string{what + ": got no tensor"}
	}
	if got.DType().String() != want.DType || !slices.Equal([]int(got.Shape()), want.Shape) {
		return []string{fmt.Sprintf("%s: got %s%v, want %s%v", what, got.DType(), got.Shape(), want.DType, want.Shape)}
	}
	const maxListed = 5
	var out []string
	bad := 0
	note := func(i int, g, w any, tol float64) {
		if bad++; bad <= maxListed {
			out = append(out, fmt.Sprintf("%s[%d]: got %v, want %v (tolerance %g)", what, i, g, w, tol))
		}
	}
	if got.DType().IsFloat() {
		tol := oracleTolerance(c, got.DType())
		for i, g := range got.Float64s() {
			if w := want.Data[i].f; !oracleClose(g, w, tol) {
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
	if bad > maxListed {
		out = append(out, fmt.Sprintf("%s: %d of %d elements differ", what, bad, len(want.Data)))
	}
	return out
}

// anyArity is the arity of an op that takes any number of inputs.
const anyArity = -1

// oracleOp says how to run the cases of one op name; P is the family's params type.
type oracleOp[P any] struct {
	arity int // the number of inputs, or anyArity
	// fwd and grad are the tolerance classes of the outputs and of the input gradients.
	fwd, grad tolClass
	// broadcasts marks ops whose gradients are summed over broadcast dimensions when an input's
	// shape differs from the output's: those gradients are compared as accumulations.
	broadcasts bool
	run        func(p *P, in []*tensor.Tensor) []*tensor.Tensor
}

// oracleOp1 is the oracleOp of a function with one output.
func oracleOp1[P any](arity int, fwd, grad tolClass, f func(p *P, in []*tensor.Tensor) *tensor.Tensor) oracleOp[P] {
	return oracleOp[P]{arity: arity, fwd: fwd, grad: grad,
		run: func(p *P, in []*tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{f(p, in)} }}
}

// oracleFamily is the differential test of one oracle file.
type oracleFamily[P any] struct {
	file string
	// ops maps every op name of the file to its Go function; each entry must have cases.
	ops map[string]oracleOp[P]
	// knownIssues lists cases that disagree with the reference because of a reported bug or an
	// accepted difference, with the reason. They are run and their differences logged without
	// failing; a listed case that passes fails the test, so the list cannot go stale.
	knownIssues map[string]string
	// primitives are registered ops of the family that ops must list, so that a primitive cannot
	// go untested; untested are the family's registered ops checked by other tests instead.
	primitives, untested []string
}

// test runs every case of the file, one subtest per op name, and checks the family's lists.
func (fam *oracleFamily[P]) test(t *testing.T) {
	f, err := loadOracle[P](fam.file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d cases from %s (PyTorch %s, NumPy %s)", fam.file, len(f.Cases), f.Generator, f.Torch, f.NumPy)
	byOp := fam.group(t, f.Cases)
	fam.checkRegistry(t)
	ran, withGrads := 0, 0
	for _, name := range slices.Sorted(maps.Keys(fam.ops)) {
		t.Run(name, func(t *testing.T) {
			cases := byOp[name]
			if len(cases) == 0 {
				t.Fatalf("%s has no cases for %s", fam.file, name)
			}
			grads := 0
			for _, c := range cases {
				diffs, g := fam.ops[name].caseDiffs(c)
				if g {
					grads++
				}
				fam.report(t, c.Name, diffs)
			}
			t.Logf("%d cases, %d with gradients", len(cases), grads)
			ran, withGrads = ran+len(cases), withGrads+grads
		})
	}
	t.Logf("ran %d of the %d cases, %d with gradients", ran, len(f.Cases), withGrads)
}

// group groups the cases by op name, reporting unknown ops, repeated case names and known
// issues that are not in the file.
func (fam *oracleFamily[P]) group(t *testing.T, cases []*oracleCase[P]) map[string][]*oracleCase[P] {
	t.Helper()
	byOp := map[string][]*oracleCase[P]{}
	names := map[string]bool{}
	for _, c := range cases {
		if _, ok := fam.ops[c.Op]; !ok {
			t.Errorf("case %s: unknown op %q", c.Name, c.Op)
		}
		if names[c.Name] {
			t.Errorf("case %s appears twice", c.Name)
		}
		names[c.Name] = true
		byOp[c.Op] = append(byOp[c.Op], c)
	}
	for name := range fam.knownIssues {
		if !names[name] {
			t.Errorf("the known issues list %s, which is not in %s", name, fam.file)
		}
	}
	return byOp
}

// checkRegistry fails if a primitive of the family has no entry in ops, or if one of the
// family's lists names an op that is not registered.
func (fam *oracleFamily[P]) checkRegistry(t *testing.T) {
	t.Helper()
	for _, name := range fam.primitives {
		if core.Lookup(name) == nil {
			t.Errorf("op %s is not registered", name)
		}
		if _, ok := fam.ops[name]; !ok {
			t.Errorf("op %s has no oracle entry", name)
		}
	}
	for _, name := range fam.untested {
		if core.Lookup(name) == nil {
			t.Errorf("op %s is not registered", name)
		}
	}
}

// report reports the differences of a case under its name, or logs them for a known issue.
func (fam *oracleFamily[P]) report(t *testing.T, name string, diffs []string) {
	t.Helper()
	reason, known := fam.knownIssues[name]
	switch {
	case known && len(diffs) == 0:
		t.Errorf("%s: passes, but the known issues list it (%s); remove it from the list", name, reason)
	case known:
		t.Logf("%s: known issue (%s):\n\t%s", name, reason, strings.Join(diffs, "\n\t"))
	case len(diffs) > 0:
		t.Errorf("%s:\n\t%s", name, strings.Join(diffs, "\n\t"))
	}
}

// caseDiffs runs case c and returns its differences from the reference, one per line, and
// whether its gradients were computed and compared. A panic is a difference.
func (op oracleOp[P]) caseDiffs(c *oracleCase[P]) (diffs []string, grads bool) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("panic: %v", r))
		}
	}()
	if op.arity != anyArity && len(c.Inputs) != op.arity {
		return []string{fmt.Sprintf("%d inputs, the op takes %d", len(c.Inputs), op.arity)}, false
	}
	differentiable := c.DYs != nil
	if differentiable && (len(c.Grads) != len(c.Inputs) || len(c.DYs) != len(c.Outputs)) {
		return []string{fmt.Sprintf("%d gradients for %d inputs, %d dys for %d outputs",
			len(c.Grads), len(c.Inputs), len(c.DYs), len(c.Outputs))}, false
	}
	in, watched, err := c.inputs()
	if err != nil {
		return []string{err.Error()}, false
	}
	ys := op.run(&c.Params, in)
	if len(ys) != len(c.Outputs) {
		return []string{fmt.Sprintf("got %d outputs, want %d", len(ys), len(c.Outputs))}, false
	}
	for j, y := range ys {
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("output[%d]", j), y, c.Outputs[j], op.fwd)...)
	}
	if !differentiable {
		return diffs, false
	}
	if len(watched) == 0 {
		return append(diffs, "dys given but no input has a gradient"), false
	}
	return append(diffs, op.gradDiffs(c, in, watched, ys)...), true
}

// inputs builds the inputs of c, watching those the reference gives a gradient for (their
// indices are watched); an optional input left out is nil.
func (c *oracleCase[P]) inputs() (in []*tensor.Tensor, watched []int, err error) {
	in = make([]*tensor.Tensor, len(c.Inputs))
	for i, o := range c.Inputs {
		wantGrad := c.DYs != nil && c.Grads[i] != nil
		if o == nil {
			if wantGrad {
				return nil, nil, fmt.Errorf("input %d is null but has a gradient", i)
			}
			continue
		}
		x, err := o.tensor()
		if err != nil {
			return nil, nil, fmt.Errorf("input %d: %v", i, err)
		}
		in[i] = x
		if wantGrad {
			in[i] = autodiff.Watch(x)
			watched = append(watched, i)
		}
	}
	return in, watched, nil
}

// gradDiffs computes the gradients of the watched inputs for the upstream gradients of c (an
// output without one, such as integer indices, is left out) and compares them.
func (op oracleOp[P]) gradDiffs(c *oracleCase[P], in []*tensor.Tensor, watched []int, ys []*tensor.Tensor) []string {
	var seeded, dys []*tensor.Tensor
	for j, o := range c.DYs {
		if o == nil {
			continue
		}
		dy, err := o.tensor()
		if err != nil {
			return []string{fmt.Sprintf("dy[%d]: %v", j, err)}
		}
		seeded, dys = append(seeded, ys[j]), append(dys, dy)
	}
	xs := make([]*tensor.Tensor, len(watched))
	for k, i := range watched {
		xs[k] = in[i]
	}
	var diffs []string
	for k, g := range autodiff.Gradients(seeded, xs, autodiff.OutputGrads(dys...)) {
		i := watched[k]
		cl := op.grad
		if op.broadcasts && !slices.Equal(c.Inputs[i].Shape, c.Outputs[0].Shape) {
			cl = max(cl, tolAccumulate)
		}
		diffs = append(diffs, oracleDiffs(fmt.Sprintf("grad[%d]", i), g, c.Grads[i], cl)...)
	}
	return diffs
}
