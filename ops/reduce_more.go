package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// More reductions: product, minimum, arg-max/min, any/all and the running sums and products
// (primitives), and log-sum-exp, variance, standard deviation and the L1/L2 norms (composites).

// ArgParams selects the axis of an arg-reduction (argmax, argmin).
type ArgParams struct {
	// Axis to reduce, negative counting from the end.
	Axis int
	// KeepDims keeps the reduced axis with size 1.
	KeepDims bool
	// SelectLastIndex picks the last of equal extreme elements instead of the first, as ONNX's
	// select_last_index attribute.
	SelectLastIndex bool
}

// CumParams selects the axis and the flavour of a running sum or product (ONNX CumSum).
type CumParams struct {
	// Axis to accumulate along, negative counting from the end.
	Axis int
	// Exclusive leaves each element out of its own result: element i holds the sum (product) of
	// the elements strictly before it, and the first holds 0 (1).
	Exclusive bool
	// Reverse accumulates from the end of the axis towards its start.
	Reverse bool
}

var rdProdOp, rdMinOp, rdArgmaxOp, rdArgminOp, rdAnyOp, rdAllOp, rdCumsumOp, rdCumprodOp *core.Op

func init() {
	rdProdOp = core.Declare(core.Def[ReduceParams]{
		Name: "reduce_prod", Doc: "product over axes, 1 for none (ONNX ReduceProd, torch.prod)",
		Infer: inferReduce, DTypes: numericTypes, Grad: rdGradProd,
	})
	registerRef(rdProdOp, numericTypes, func(p ReduceParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.Reduce(out[0], in[0], axes, 1, func(a, v float64) float64 { return a * v })
		} else {
			ref.Reduce(out[0], in[0], axes, 1, func(a, v int64) int64 { return a * v })
		}
		return nil
	})

	rdMinOp = core.Declare(core.Def[ReduceParams]{
		Name: "reduce_min", Doc: "minimum over axes, NaN if any is NaN (ONNX ReduceMin, torch.amin)",
		Infer: rdInferNonEmpty("minimum"), DTypes: numericTypes, Grad: gradReduceMax, // ties share, as amin
	})
	registerRef(rdMinOp, numericTypes, func(p ReduceParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.Reduce(out[0], in[0], axes, math.Inf(1), func(a, v float64) float64 {
				if a != a || v != v {
					return math.NaN()
				}
				return min(a, v)
			})
		} else {
			ref.Reduce(out[0], in[0], axes, math.MaxInt64, func(a, v int64) int64 { return min(a, v) })
		}
		return nil
	})

	rdArgmaxOp = core.Declare(core.Def[ArgParams]{
		Name: "argmax", Doc: "int64 index of the largest element along an axis, the first of ties, NaN largest (ONNX ArgMax, torch.argmax)",
		Infer: rdInferArg, DTypes: numericTypes, NotDifferentiable: true,
	})
	registerRef(rdArgmaxOp, numericTypes, rdArgKernel(true))
	rdArgminOp = core.Declare(core.Def[ArgParams]{
		Name: "argmin", Doc: "int64 index of the smallest element along an axis, the first of ties, NaN smallest (ONNX ArgMin, torch.argmin)",
		Infer: rdInferArg, DTypes: numericTypes, NotDifferentiable: true,
	})
	registerRef(rdArgminOp, numericTypes, rdArgKernel(false))

	rdAnyOp = core.Declare(core.Def[ReduceParams]{
		Name: "reduce_any", Doc: "whether any element over axes is true (non-zero), false for none (no ONNX op, ReduceMax of a cast; torch.any)",
		Infer: rdInferBoolReduce, DTypes: allTypes, NotDifferentiable: true,
	})
	registerRef(rdAnyOp, allTypes, rdBoolKernel(true))
	rdAllOp = core.Declare(core.Def[ReduceParams]{
		Name: "reduce_all", Doc: "whether every element over axes is true (non-zero), true for none (no ONNX op, ReduceMin of a cast; torch.all)",
		Infer: rdInferBoolReduce, DTypes: allTypes, NotDifferentiable: true,
	})
	registerRef(rdAllOp, allTypes, rdBoolKernel(false))

	rdCumsumOp = core.Declare(core.Def[CumParams]{
		Name: "cumsum", Doc: "running sum along an axis, optionally exclusive and reversed (ONNX CumSum, torch.cumsum)",
		Infer: rdInferCum, DTypes: numericTypes,
		Grad: func(p CumParams, _, _, g []*Tensor) []*Tensor {
			// Each input feeds the outputs after it (before it when reversed): the gradient is
			// the running sum of g in the other direction, with the same exclusivity.
			q := p
			q.Reverse = !p.Reverse
			return []*Tensor{CumsumWith(g[0], q)}
		},
	})
	registerRef(rdCumsumOp, numericTypes, func(p CumParams, in, out []*Tensor) error {
		a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.Scan(out[0], in[0], a, p.Exclusive, p.Reverse, 0, func(acc, v float64) float64 { return acc + v })
		} else {
			ref.Scan(out[0], in[0], a, p.Exclusive, p.Reverse, 0, func(acc, v int64) int64 { return acc + v })
		}
		return nil
	})

	rdCumprodOp = core.Declare(core.Def[CumParams]{
		Name: "cumprod", Doc: "running product along an axis, optionally exclusive and reversed (no ONNX op; torch.cumprod)",
		Infer: rdInferCum, DTypes: numericTypes, Grad: rdGradCumprod,
	})
	registerRef(rdCumprodOp, numericTypes, func(p CumParams, in, out []*Tensor) error {
		a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.Scan(out[0], in[0], a, p.Exclusive, p.Reverse, 1, func(acc, v float64) float64 { return acc * v })
		} else {
			ref.Scan(out[0], in[0], a, p.Exclusive, p.Reverse, 1, func(acc, v int64) int64 { return acc * v })
		}
		return nil
	})
}

// rdInferNonEmpty is inferReduce for reductions without an identity element.
func rdInferNonEmpty(what string) func(p ReduceParams, in []core.Spec) ([]core.Spec, error) {
	return func(p ReduceParams, in []core.Spec) ([]core.Spec, error) {
		out, err := inferReduce(p, in)
		if err == nil && in[0].Shape.Size() == 0 {
			err = fmt.Errorf("cannot take the %s of the empty tensor %v", what, in[0])
		}
		return out, err
	}
}

// rdInferBoolReduce is inferReduce with a bool result.
func rdInferBoolReduce(p ReduceParams, in []core.Spec) ([]core.Spec, error) {
	out, err := inferReduce(p, in)
	if err != nil {
		return nil, err
	}
	out[0].DType = dtype.Bool
	return out, nil
}

func rdInferArg(p ArgParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape
	a, err := shape.NormalizeAxis(p.Axis, len(s))
	if err != nil {
		return nil, err
	}
	if s[a] == 0 {
		return nil, fmt.Errorf("axis %d of %v is empty", p.Axis, in[0])
	}
	return []core.Spec{{DType: dtype.Int64, Shape: reducedShape(s, []int{a}, p.KeepDims)}}, nil
}

func rdInferCum(p CumParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if _, err := shape.NormalizeAxis(p.Axis, len(in[0].Shape)); err != nil {
		return nil, err
	}
	return []core.Spec{in[0]}, nil
}

// rdRanksFirst returns the order of an arg-reduction: a ranks before b when it is larger
// (smaller), and NaN ranks before every number in both, as torch.argmax and numpy.argmin.
func rdRanksFirst[T ref.Scalar](larger bool) func(a, b T) bool {
	return func(a, b T) bool {
		switch {
		case b != b:
			return false
		case a != a:
			return true
		case larger:
			return a > b
		}
		return a < b
	}
}

func rdArgKernel(larger bool) func(p ArgParams, in, out []*Tensor) error {
	return func(p ArgParams, in, out []*Tensor) error {
		a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.ArgReduce(out[0], in[0], a, p.SelectLastIndex, rdRanksFirst[float64](larger))
		} else {
			ref.ArgReduce(out[0], in[0], a, p.SelectLastIndex, rdRanksFirst[int64](larger))
		}
		return nil
	}
}

// rdBoolFold folds 0/1 flags: any starts false and becomes true at a non-zero element (NaN is
// non-zero), all starts true and becomes false at a zero.
func rdBoolFold[T ref.Scalar](isAny bool) (init T, f func(acc, v T) T) {
	var on T = 1
	if isAny {
		return 0, func(acc, v T) T {
			if v != 0 {
				return on
			}
			return acc
		}
	}
	return 1, func(acc, v T) T {
		if v == 0 {
			return 0
		}
		return acc
	}
}

func rdBoolKernel(isAny bool) func(p ReduceParams, in, out []*Tensor) error {
	return func(p ReduceParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, in[0].Rank())
		if in[0].DType().IsFloat() {
			init, f := rdBoolFold[float64](isAny)
			ref.Reduce(out[0], in[0], axes, init, f)
		} else {
			init, f := rdBoolFold[int64](isAny)
			ref.Reduce(out[0], in[0], axes, init, f)
		}
		return nil
	}
}

// rdGradProd sends each element the product of the others, without dividing by it, so zeros
// are exact: the reduced axes are moved last and flattened, and the product of the others is the
// exclusive running product from the start times the one from the end (PyTorch computes this
// only when the input has a zero, and out/x otherwise).
func rdGradProd(p ReduceParams, in, _, g []*Tensor) []*Tensor {
	x := in[0]
	axes := keepAxes(p, x.Rank())
	if len(axes) == 0 {
		return []*Tensor{Reshape(g[0], x.Shape()...)}
	}
	perm, kept := rdMoveLast(x.Rank(), axes)
	xt := rdTranspose(x, perm)
	dims := make([]int, 0, len(kept)+1)
	n := 1
	for _, a := range kept {
		dims = append(dims, x.Shape()[a])
	}
	for _, a := range axes {
		n *= x.Shape()[a]
	}
	flat := Reshape(xt, append(dims, n)...)
	before := CumprodWith(flat, CumParams{Axis: -1, Exclusive: true})
	after := CumprodWith(flat, CumParams{Axis: -1, Exclusive: true, Reverse: true})
	gx := Mul(Mul(before, after), Reshape(g[0], append(dims, 1)...))
	return []*Tensor{rdTranspose(Reshape(gx, xt.Shape()...), rdInversePerm(perm))}
}

// rdMoveLast returns the permutation that moves axes (sorted) after the other axes, and the
// other axes.
func rdMoveLast(rank int, axes []int) (perm, kept []int) {
	in := make([]bool, rank)
	for _, a := range axes {
		in[a] = true
	}
	for a := 0; a < rank; a++ {
		if !in[a] {
			kept = append(kept, a)
		}
	}
	return append(append([]int{}, kept...), axes...), kept
}

func rdInversePerm(perm []int) []int {
	inv := make([]int, len(perm))
	for i, a := range perm {
		inv[a] = i
	}
	return inv
}

// rdTranspose is Transpose that skips the identity permutation.
func rdTranspose(x *Tensor, perm []int) *Tensor {
	for i, a := range perm {
		if i != a {
			return Transpose(x, perm...)
		}
	}
	return x
}

// rdGradCumprod is the gradient of the running product, exact where the input has zeros, to
// every order. An exclusive product is the inclusive one shifted by one place, so its gradient is
// the inclusive gradient of the upstream gradient shifted back.
func rdGradCumprod(p CumParams, in, _, g []*Tensor) []*Tensor {
	x, gy := in[0], g[0]
	a, _ := shape.NormalizeAxis(p.Axis, x.Rank())
	n := x.Shape()[a]
	if n == 0 {
		return []*Tensor{gy}
	}
	if p.Exclusive {
		if p.Reverse {
			gy = PadAxis(SliceAxis(gy, a, 0, n-1, 1), a, 1, 0)
		} else {
			gy = PadAxis(SliceAxis(gy, a, 1, n, 1), a, 0, 1)
		}
	}
	return []*Tensor{rdCumprodInclusiveGrad(x, gy, a, p.Reverse)}
}

// rdCumprodInclusiveGrad returns the gradient of y = cumprod(x) along axis a (from the end when
// rev) for the upstream gradient g, without dividing by x:
//
//	∂/∂x_i Σ_j g_j·y_j = Π_{k<i} x_k · R_i,  R_i = Σ_{j≥i} g_j·Π_{i<k≤j} x_k = g_i + x_{i+1}·R_{i+1}.
//
// The first factor is the exclusive running product; the linear recurrence R is solved by
// doubling (R_i = B_i + A_i·R_{i+d} with d = 1, 2, 4, ...), ⌈log₂ n⌉ rounds of shifted products.
// Everything is a polynomial in x, so zeros need no special case and the gradient's own
// gradients are exact too. (PyTorch divides by x when it has no zero, and falls back to an O(n²)
// loop for double backward when it has.)
func rdCumprodInclusiveGrad(x, g *Tensor, a int, rev bool) *Tensor {
	n := x.Shape()[a]
	// shift returns t moved d places against the direction of accumulation: element i holds
	// t_{i+d} (t_{i-d} when rev), zero past the edge.
	shift := func(t *Tensor, d int) *Tensor {
		if rev {
			return PadAxis(SliceAxis(t, a, 0, n-d, 1), a, d, 0)
		}
		return PadAxis(SliceAxis(t, a, d, n, 1), a, 0, d)
	}
	coef, r := shift(x, 1), g
	for d := 1; d < n; d *= 2 {
		r = Add(r, Mul(coef, shift(r, d)))
		if 2*d < n {
			coef = Mul(coef, shift(coef, d))
		}
	}
	return Mul(CumprodWith(x, CumParams{Axis: a, Exclusive: true, Reverse: rev}), r)
}

// rdReduced returns the number of elements each output of a reduction over axes sums, or -1
// when a dimension is unknown.
func rdReduced(op string, x *Tensor, axes []int) int {
	norm, err := shape.NormalizeAxes(axesOrAll(axes), x.Rank())
	if err != nil {
		panic(core.Errorf(op, "%v", err))
	}
	n := 1
	for _, a := range norm {
		if x.Shape()[a] < 0 {
			return -1
		}
		n *= x.Shape()[a]
	}
	return n
}

// rdSafeSqrt returns √s with a zero gradient where s is 0, instead of the infinite slope of the
// square root, as PyTorch's norm and std backward do (they mask the division by the result).
func rdSafeSqrt(s *Tensor) *Tensor {
	zero := scalarLike(s, 0)
	isZero := Equal(s, zero)
	// The inner Where keeps √ away from 0, so no infinity reaches the gradient.
	return Where(isZero, zero, Sqrt(Where(isZero, scalarLike(s, 1), s)))
}

// Prod returns the product of x over axes (all when none are given); the product of no elements
// is 1. Integer products keep the input's dtype and wrap on overflow, as ONNX ReduceProd (PyTorch
// returns int64). The gradient is exact where x has zeros: each element gets the product of the
// others. It panics with a *core.Error if an axis is out of range or repeated.
func Prod(x *Tensor, axes ...int) *Tensor { return reduce(rdProdOp, x, axes, false) }

// ProdKeepDims is [Prod] keeping each reduced axis with size 1.
func ProdKeepDims(x *Tensor, axes ...int) *Tensor { return reduce(rdProdOp, x, axes, true) }

// Min returns the minimum of x over axes (all when none are given); NaN if any element is NaN.
// The gradient is shared evenly among tied minima, as torch.amin. It panics with a *core.Error on
// an empty tensor or a bad axis.
func Min(x *Tensor, axes ...int) *Tensor { return reduce(rdMinOp, x, axes, false) }

// MinKeepDims is [Min] keeping each reduced axis with size 1.
func MinKeepDims(x *Tensor, axes ...int) *Tensor { return reduce(rdMinOp, x, axes, true) }

// Argmax returns the int64 index along axis of the largest element of x, the first one when
// several are equal, as ONNX ArgMax with select_last_index=0 and torch.argmax; NaN counts as
// larger than every number. It is not differentiable. It panics with a *core.Error if the axis
// is out of range or empty.
func Argmax(x *Tensor, axis int) *Tensor { return ArgmaxWith(x, ArgParams{Axis: axis}) }

// ArgmaxKeepDims is [Argmax] keeping the reduced axis with size 1.
func ArgmaxKeepDims(x *Tensor, axis int) *Tensor {
	return ArgmaxWith(x, ArgParams{Axis: axis, KeepDims: true})
}

// ArgmaxWith is [Argmax] with every parameter of ONNX ArgMax.
func ArgmaxWith(x *Tensor, p ArgParams) *Tensor { return core.Apply1(rdArgmaxOp, p, x) }

// Argmin returns the int64 index along axis of the smallest element of x, the first one when
// several are equal, as ONNX ArgMin and torch.argmin; NaN counts as smaller than every number
// (it is picked, as by numpy.argmin). It panics with a *core.Error if the axis is out of range or
// empty.
func Argmin(x *Tensor, axis int) *Tensor { return ArgminWith(x, ArgParams{Axis: axis}) }

// ArgminKeepDims is [Argmin] keeping the reduced axis with size 1.
func ArgminKeepDims(x *Tensor, axis int) *Tensor {
	return ArgminWith(x, ArgParams{Axis: axis, KeepDims: true})
}

// ArgminWith is [Argmin] with every parameter of ONNX ArgMin.
func ArgminWith(x *Tensor, p ArgParams) *Tensor { return core.Apply1(rdArgminOp, p, x) }

// Any reports, as a bool tensor, whether any element of x over axes (all when none are given) is
// true; numbers count as true when non-zero (NaN included). Any of no elements is false.
func Any(x *Tensor, axes ...int) *Tensor { return reduce(rdAnyOp, x, axes, false) }

// AnyKeepDims is [Any] keeping each reduced axis with size 1.
func AnyKeepDims(x *Tensor, axes ...int) *Tensor { return reduce(rdAnyOp, x, axes, true) }

// All reports, as a bool tensor, whether every element of x over axes (all when none are given)
// is true (non-zero). All of no elements is true.
func All(x *Tensor, axes ...int) *Tensor { return reduce(rdAllOp, x, axes, false) }

// AllKeepDims is [All] keeping each reduced axis with size 1.
func AllKeepDims(x *Tensor, axes ...int) *Tensor { return reduce(rdAllOp, x, axes, true) }

// Cumsum returns the running sum of x along axis: element i is the sum of elements 0..i.
// Integer sums keep the dtype and wrap, as ONNX CumSum (PyTorch returns int64). It panics with a
// *core.Error if the axis is out of range (a scalar has none).
func Cumsum(x *Tensor, axis int) *Tensor { return CumsumWith(x, CumParams{Axis: axis}) }

// CumsumWith is [Cumsum] with ONNX CumSum's exclusive and reverse flavours.
func CumsumWith(x *Tensor, p CumParams) *Tensor { return core.Apply1(rdCumsumOp, p, x) }

// Cumprod returns the running product of x along axis: element i is the product of elements
// 0..i, as torch.cumprod (ONNX has no CumProd). The gradient is exact where x has zeros.
// It panics with a *core.Error if the axis is out of range.
func Cumprod(x *Tensor, axis int) *Tensor { return CumprodWith(x, CumParams{Axis: axis}) }

// CumprodWith is [Cumprod] with the exclusive and reverse flavours of [CumParams].
func CumprodWith(x *Tensor, p CumParams) *Tensor { return core.Apply1(rdCumprodOp, p, x) }

// LogSumExp returns log(Σ exp(x)) over axes (all when none are given), computed stably by
// shifting by the maximum, as torch.logsumexp and ONNX ReduceLogSumExp: large inputs do not
// overflow, +Inf gives +Inf, and no elements (or all -Inf) give -Inf. Integer inputs are
// converted to float32 first. It panics with a *core.Error if an axis is out of range.
func LogSumExp(x *Tensor, axes ...int) *Tensor { return rdLogSumExp(x, axes, false) }

// LogSumExpKeepDims is [LogSumExp] keeping each reduced axis with size 1.
func LogSumExpKeepDims(x *Tensor, axes ...int) *Tensor { return rdLogSumExp(x, axes, true) }

func rdLogSumExp(x *Tensor, axes []int, keep bool) *Tensor {
	x = toFloat(x)
	if rdReduced("logsumexp", x, axes) == 0 {
		return Log(reduce(sumOp, Exp(x), axes, keep))
	}
	// The shift is a constant for differentiation: its contributions cancel exactly, and
	// leaving it out keeps the gradient a plain softmax. An infinite or NaN maximum is replaced
	// by 0 so that inf - inf does not turn +Inf into NaN.
	m := MaxKeepDims(x.Detach(), axes...)
	m = Where(Equal(Sub(m, m), scalarLike(m, 0)), m, scalarLike(m, 0))
	s := Add(Log(SumKeepDims(Exp(Sub(x, m)), axes...)), m)
	if keep {
		return s
	}
	norm, _ := shape.NormalizeAxes(axesOrAll(axes), x.Rank())
	return Reshape(s, reducedShape(x.Shape(), norm, false)...)
}

// Variance returns the variance of x over axes (all when none are given): the sum of squared
// deviations from the mean divided by N - correction, where N is the number of elements reduced
// (correction 0: the population variance; 1: the unbiased sample variance, as torch.var's
// default). When N - correction <= 0 the divisor is 0, as in PyTorch and NumPy, giving Inf or
// NaN. Integer inputs are converted to float32 first. It panics with a *core.Error if an axis is
// out of range or correction is negative.
func Variance(x *Tensor, correction int, axes ...int) *Tensor {
	return rdVariance("variance", x, correction, axes, false)
}

// VarianceKeepDims is [Variance] keeping each reduced axis with size 1.
func VarianceKeepDims(x *Tensor, correction int, axes ...int) *Tensor {
	return rdVariance("variance", x, correction, axes, true)
}

func rdVariance(op string, x *Tensor, correction int, axes []int, keep bool) *Tensor {
	if correction < 0 {
		panic(core.Errorf(op, "correction is %d, want >= 0", correction))
	}
	x = toFloat(x)
	n := rdReduced(op, x, axes)
	d := Sub(x, MeanKeepDims(x, axes...))
	s := reduce(sumOp, Mul(d, d), axes, keep)
	return Div(s, scalarLike(s, float64(max(n-correction, 0))))
}

// Std returns the standard deviation of x over axes: the square root of [Variance] with the same
// correction. Where the deviation is 0 its gradient is 0, as in PyTorch, not NaN.
func Std(x *Tensor, correction int, axes ...int) *Tensor {
	return rdSafeSqrt(rdVariance("std", x, correction, axes, false))
}

// StdKeepDims is [Std] keeping each reduced axis with size 1.
func StdKeepDims(x *Tensor, correction int, axes ...int) *Tensor {
	return rdSafeSqrt(rdVariance("std", x, correction, axes, true))
}

// L1Norm returns the sum of absolute values of x over axes (all when none are given), as ONNX
// ReduceL1 and torch.linalg.vector_norm(ord=1); integers keep their dtype, as ONNX. The gradient
// at 0 is 0, as PyTorch's. It panics with a *core.Error if an axis is out of range or repeated.
func L1Norm(x *Tensor, axes ...int) *Tensor { return rdL1Norm(x, axes, false) }

// L1NormKeepDims is [L1Norm] keeping each reduced axis with size 1.
func L1NormKeepDims(x *Tensor, axes ...int) *Tensor { return rdL1Norm(x, axes, true) }

func rdL1Norm(x *Tensor, axes []int, keep bool) *Tensor {
	rdReduced("l1_norm", x, axes)
	return reduce(sumOp, Abs(x), axes, keep)
}

// L2Norm returns the Euclidean norm √(Σ x²) of x over axes (all when none are given), as ONNX
// ReduceL2 and torch.linalg.vector_norm. Integer inputs are converted to float32 first (ONNX
// would keep the integer type). Where the norm is 0 its gradient is 0, as PyTorch's, not NaN.
// The squares are not rescaled: float32 inputs above about 1e19 overflow to +Inf. It panics with
// a *core.Error if an axis is out of range or repeated.
func L2Norm(x *Tensor, axes ...int) *Tensor { return rdL2Norm(x, axes, false) }

// L2NormKeepDims is [L2Norm] keeping each reduced axis with size 1.
func L2NormKeepDims(x *Tensor, axes ...int) *Tensor { return rdL2Norm(x, axes, true) }

func rdL2Norm(x *Tensor, axes []int, keep bool) *Tensor {
	rdReduced("l2_norm", x, axes)
	x = toFloat(x)
	return rdSafeSqrt(reduce(sumOp, Mul(x, x), axes, keep))
}
