package ops_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// The reading and comparing half of the PyTorch oracle test: the format of
// testdata/oracle.json (written by testdata/gen_oracle.py) and the tolerances.

// oracleFile is the whole of testdata/oracle.json.
type oracleFile struct {
	Generator string        `json:"generator"`
	Torch     string        `json:"torch"`
	NumPy     string        `json:"numpy"`
	Cases     []*oracleCase `json:"cases"`
}

// oracleCase is one application of an op with PyTorch's results. DY and Grads are present for
// differentiable cases: Grads[i] is the gradient of input i for the upstream gradient DY, or
// nil for an input without one (an integer or a condition).
type oracleCase struct {
	Name   string          `json:"name"`
	Op     string          `json:"op"`
	Params oracleParams    `json:"params"`
	Inputs []*oracleTensor `json:"inputs"`
	Output *oracleTensor   `json:"output"`
	DY     *oracleTensor   `json:"dy"`
	Grads  []*oracleTensor `json:"grads"`
}

// oracleParams is the union of the ops' parameters; each op reads its own.
type oracleParams struct {
	Axes       []int   `json:"axes"`  // reductions; null for all axes
	Perm       []int   `json:"perm"`  // transpose; [] for the default (reversed axes)
	Shape      []int   `json:"shape"` // reshape, broadcast_to, full
	DType      string  `json:"dtype"` // cast, full
	Value      float64 `json:"value"` // full
	C          float64 `json:"c"`     // add_scalar, mul_scalar, pow_scalar
	TransposeA bool    `json:"transpose_a"`
	TransposeB bool    `json:"transpose_b"`
}

// oracleTensor is a tensor as written by the generator: floats as JSON numbers or the strings
// "nan", "inf" and "-inf"; integers as JSON integers; bools as 0 and 1.
type oracleTensor struct {
	DType string      `json:"dtype"`
	Shape []int       `json:"shape"`
	Data  []oracleNum `json:"data"`
}

// oracleNum holds one element. Integers are kept as int64 so that int64 values beyond 2^53
// survive.
type oracleNum struct {
	f     float64
	i     int64
	isInt bool
}

func (n *oracleNum) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch s {
	case `"nan"`:
		n.f = math.NaN()
		return nil
	case `"inf"`:
		n.f = math.Inf(1)
		return nil
	case `"-inf"`:
		n.f = math.Inf(-1)
		return nil
	}
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		n.f = f
		return err
	}
	i, err := strconv.ParseInt(s, 10, 64)
	n.i, n.f, n.isInt = i, float64(i), true
	return err
}

func loadOracle(path string) (*oracleFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f oracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
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
	switch dt {
	case dtype.Float64:
		return oracleBuild(o, func(v oracleNum) float64 { return v.f }), nil
	case dtype.Float32:
		// The generator writes each float32 as the float64 holding it exactly, so this is exact.
		return oracleBuild(o, func(v oracleNum) float32 { return float32(v.f) }), nil
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

// tolClass says how closely an op's results must match PyTorch's. Integer and bool results are
// always compared exactly, whatever the class.
type tolClass int

const (
	// tolExact: the result is one of the inputs' elements or a correctly rounded conversion
	// (movement ops, max, where, cast, comparisons, fills).
	tolExact tolClass = iota
	// tolElementwise: each element is a few roundings of the inputs (arithmetic, exp, pow...);
	// libm implementations differ by an ulp or so.
	tolElementwise
	// tolAccumulate: sums of products, whose rounding depends on the order of accumulation
	// (reductions, matmul, and gradients summed over broadcast dimensions). PyTorch sums
	// pairwise and vectorised; the reference kernels sum in order, in float64 even for
	// float32, so float32 results may differ by a few ulps of the sum of magnitudes.
	tolAccumulate
)

// oracleTolerance returns the relative and absolute tolerance (equal: |got-want| <=
// tol·(1+|want|)) of a class for a dtype: 1e-12 (elementwise) and 1e-10 (accumulations) in
// float64, against a worst case of 5e-16 seen with torch 1.13; 8 and 64 float32 ulps (2^-23) in
// float32, against 0.5 and 1.1 seen (PyTorch computes in float32 with its own exp, tanh and
// pow, and sums pairwise, where the reference kernels round one float64 result).
func oracleTolerance(c tolClass, dt dtype.DType) float64 {
	const eps32 = 0x1p-23
	switch {
	case c == tolExact || !dt.IsFloat():
		return 0
	case c == tolElementwise && dt == dtype.Float64:
		return 1e-12
	case c == tolElementwise:
		return 8 * eps32
	case dt == dtype.Float64:
		return 1e-10
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
