package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Masks and index arithmetic: one_hot (ONNX OneHot), range (ONNX Range, torch.arange), and the
// composites Tril and Triu (ONNX Trilu, torch.tril/triu), written with range, compare and where
// so that their gradient (the same mask applied to the upstream gradient) comes for free.

// OneHotParams configures one_hot.
type OneHotParams struct {
	// Depth is the number of classes, the length of the new axis (>= 1).
	Depth int
	// Axis is where the new axis goes in the result, in [-rank-1, rank] of the indices; -1
	// appends it (the ONNX default and PyTorch's only choice).
	Axis int
	// OnValue is written at the index, OffValue everywhere else (ONNX values = [off, on]).
	OnValue, OffValue float64
	// DType is the result's dtype.
	DType dtype.DType
}

// RangeParams describes the arithmetic progression of range.
type RangeParams struct {
	// Start is the first value; Limit is excluded; Delta is the step (non-zero). The result
	// has max(ceil((Limit-Start)/Delta), 0) elements, as ONNX Range and torch.arange.
	Start, Limit, Delta float64
	// DType is the result's dtype (numeric); for integer dtypes Start and Delta must be integers.
	DType dtype.DType
}

var oneHotOp, rangeOp *core.Op

func init() {
	oneHotOp = core.Declare(core.Def[OneHotParams]{
		Name: "one_hot", Doc: "one-hot encoding of integer indices along a new axis, with on/off values (ONNX OneHot, torch.nn.functional.one_hot)",
		NotDifferentiable: true, DTypes: intTypes, Infer: ixInferOneHot,
	})
	registerRef(oneHotOp, intTypes, ixOneHotRef)

	rangeOp = core.Declare(core.Def[RangeParams]{
		Name: "range", Doc: "start, start+delta, ... up to limit excluded (ONNX Range, torch.arange)",
		NotDifferentiable: true, KeyInput: -1, DTypes: numericTypes, Infer: ixInferRange,
	})
	registerRef(rangeOp, numericTypes, ixRangeRef)
}

func ixInferOneHot(p OneHotParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if err := ixCheckIndices(in[0]); err != nil {
		return nil, err
	}
	if p.Depth < 1 {
		return nil, fmt.Errorf("depth is %d, want >= 1", p.Depth)
	}
	if !p.DType.Valid() {
		return nil, fmt.Errorf("invalid dtype %v", p.DType)
	}
	is := in[0].Shape
	axis, err := shape.NormalizeAxis(p.Axis, len(is)+1)
	if err != nil {
		return nil, err
	}
	out := append(append(append(shape.Shape{}, is[:axis]...), p.Depth), is[axis:]...)
	return []core.Spec{{DType: p.DType, Shape: out}}, nil
}

func ixOneHotRef(p OneHotParams, in, out []*Tensor) error {
	is := in[0].Shape()
	axis, _ := shape.NormalizeAxis(p.Axis, len(is)+1)
	inner := shape.Shape(is[axis:]).Size()
	ov := make([]float64, out[0].Size())
	for i := range ov {
		ov[i] = p.OffValue
	}
	for j, v := range in[0].Int64s() {
		if v < 0 {
			v += int64(p.Depth) // ONNX: negative indices count from the end
		}
		if v >= 0 && v < int64(p.Depth) {
			o, q := j/inner, j%inner
			ov[(o*p.Depth+int(v))*inner+q] = p.OnValue
		}
	}
	ref.Store(out[0], ov)
	return nil
}

// ixRangeLen returns the number of elements of the progression, or an error.
func ixRangeLen(p RangeParams) (int, error) {
	for _, v := range []float64{p.Start, p.Limit, p.Delta} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("start %v, limit %v and delta %v must be finite", p.Start, p.Limit, p.Delta)
		}
	}
	if p.Delta == 0 {
		return 0, fmt.Errorf("delta must be non-zero")
	}
	if p.DType.IsInt() && (p.Start != math.Trunc(p.Start) || p.Delta != math.Trunc(p.Delta)) {
		return 0, fmt.Errorf("start %v and delta %v must be integers for %s", p.Start, p.Delta, p.DType)
	}
	n := math.Ceil((p.Limit - p.Start) / p.Delta)
	if n > 1<<40 {
		return 0, fmt.Errorf("the range from %v to %v by %v has %g elements, too many", p.Start, p.Limit, p.Delta, n)
	}
	return max(int(n), 0), nil
}

func ixInferRange(p RangeParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 0); err != nil {
		return nil, err
	}
	if !p.DType.IsInt() && !p.DType.IsFloat() {
		return nil, fmt.Errorf("dtype %v is not numeric", p.DType)
	}
	n, err := ixRangeLen(p)
	if err != nil {
		return nil, err
	}
	return []core.Spec{{DType: p.DType, Shape: shape.Shape{n}}}, nil
}

// ixRangeRef computes start + i·delta for each i, in float64 for floats (rounded once, as
// torch.arange) and in int64 for integers (exact, wrapping on store).
func ixRangeRef(p RangeParams, _, out []*Tensor) error {
	n := out[0].Size()
	if p.DType.IsFloat() {
		v := make([]float64, n)
		for i := range v {
			v[i] = p.Start + float64(i)*p.Delta
		}
		ref.Store(out[0], v)
		return nil
	}
	v := make([]int64, n)
	s, d := int64(p.Start), int64(p.Delta)
	for i := range v {
		v[i] = s + int64(i)*d
	}
	ref.Store(out[0], v)
	return nil
}

// OneHot returns the one-hot encoding of integer indices as dtype dt: a new last axis of length
// depth with 1 at each index and 0 elsewhere, as torch.nn.functional.one_hot. See [OneHotWith].
func OneHot(indices *Tensor, depth int, dt dtype.DType) *Tensor {
	return OneHotWith(indices, OneHotParams{Depth: depth, Axis: -1, OnValue: 1, OffValue: 0, DType: dt})
}

// OneHotWith returns the one-hot encoding of integer indices as ONNX OneHot: a new axis of length
// p.Depth at p.Axis holding p.OnValue at each index and p.OffValue elsewhere. Where PyTorch and
// ONNX differ Tide follows ONNX: a negative index counts from the end (-1 is the last class) and
// an index outside [-depth, depth) gives a row of off values, where torch.one_hot raises. It panics
// with a *core.Error if indices are not integers, the depth is below 1, the axis is out of range
// or the dtype is invalid. It is not differentiable.
func OneHotWith(indices *Tensor, p OneHotParams) *Tensor {
	return core.Apply1(oneHotOp, p, indices)
}

// Range returns the one-dimensional tensor start, start+delta, ... up to but excluding limit as
// dtype dt, with max(ceil((limit-start)/delta), 0) elements, as ONNX Range and torch.arange.
// Floats are computed as start + i·delta in float64 and rounded once (as torch.arange; ONNX
// accumulates in the output type); integers exactly in int64. Unlike tensor.Arange it is an op,
// but having no inputs it runs when called, also while a function is traced, and its result is
// captured as a constant. It panics with a *core.Error if delta is zero, a bound is not finite,
// dt is not numeric or, for an integer dt, start or delta is not an integer. It is not
// differentiable.
func Range(dt dtype.DType, start, limit, delta float64) *Tensor {
	return core.Apply1(rangeOp, RangeParams{Start: start, Limit: limit, Delta: delta, DType: dt})
}

// Tril returns x with the elements above the k-th diagonal of its last two axes set to zero, as
// torch.tril and ONNX Trilu(upper=0): element (i, j) is kept where j - i <= k, so k = 0 keeps the
// main diagonal, k > 0 diagonals above it, k < 0 removes diagonals below it. Leading axes are
// batch axes. It panics with a *core.Error if x has rank below 2. Its gradient is Tril of the
// upstream gradient.
func Tril(x *Tensor, k int) *Tensor { return ixTriangle("tril", x, k, false) }

// Triu returns x with the elements below the k-th diagonal of its last two axes set to zero
// (element (i, j) is kept where j - i >= k), as torch.triu and ONNX Trilu(upper=1); see [Tril].
func Triu(x *Tensor, k int) *Tensor { return ixTriangle("triu", x, k, true) }

func ixTriangle(name string, x *Tensor, k int, upper bool) *Tensor {
	if x.Rank() < 2 {
		panic(core.Errorf(name, "input has shape %v, want rank >= 2", x.Shape()))
	}
	r, c := x.Dim(-2), x.Dim(-1)
	if r < 0 || c < 0 {
		panic(core.Errorf(name, "the last two dimensions of %v must be known", x.Shape()))
	}
	rows := Reshape(Range(dtype.Int64, 0, float64(r), 1), r, 1)
	cols := Range(dtype.Int64, 0, float64(c), 1)
	diag := Sub(cols, rows) // j - i: 0 on the main diagonal
	kk := tensor.Scalar(int64(k))
	keep := LessEqual(diag, kk)
	if upper {
		keep = GreaterEqual(diag, kk)
	}
	return Where(keep, x, scalarLike(x, 0))
}
