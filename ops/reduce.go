package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// ReduceParams selects the axes a reduction runs over.
type ReduceParams struct {
	// Axes to reduce, negative counting from the end; nil reduces every axis.
	Axes []int
	// KeepDims keeps each reduced axis with size 1, so the result broadcasts against the input.
	KeepDims bool
}

var sumOp, maxOp *core.Op

func inferReduce(p ReduceParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape
	axes, err := shape.NormalizeAxes(p.Axes, len(s))
	if err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: reducedShape(s, axes, p.KeepDims)}}, nil
}

func reducedShape(s shape.Shape, axes []int, keep bool) shape.Shape {
	out := shape.Shape{}
	j := 0
	for i, d := range s {
		if j < len(axes) && axes[j] == i {
			j++
			if keep {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

func init() {
	sumOp = core.Declare(core.Def[ReduceParams]{
		Name: "reduce_sum", Overwrites: true, Doc: "sum over axes (ONNX ReduceSum, torch.sum)",
		Infer: inferReduce, DTypes: numericTypes,
		Grad: func(p ReduceParams, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{ExpandLike(g[0], in[0], keepAxes(p, in[0].Rank())...)}
		},
	})
	registerRef(sumOp, numericTypes, func(p ReduceParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.Reduce(out[0], in[0], axes, 0, func(a, v float64) float64 { return a + v })
		} else {
			ref.Reduce(out[0], in[0], axes, 0, func(a, v int64) int64 { return a + v })
		}
		return nil
	})

	maxOp = core.Declare(core.Def[ReduceParams]{
		Name: "reduce_max", Doc: "maximum over axes, NaN if any is NaN (ONNX ReduceMax, torch.amax)",
		DTypes: numericTypes, Grad: gradReduceMax,
		Infer: func(p ReduceParams, in []core.Spec) ([]core.Spec, error) {
			out, err := inferReduce(p, in)
			if err == nil && in[0].Shape.Size() == 0 {
				err = fmt.Errorf("cannot take the maximum of the empty tensor %v", in[0])
			}
			return out, err
		},
	})
	registerRef(maxOp, numericTypes, func(p ReduceParams, in, out []*Tensor) error {
		axes, _ := shape.NormalizeAxes(p.Axes, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.Reduce(out[0], in[0], axes, math.Inf(-1), func(a, v float64) float64 {
				if a != a || v != v {
					return math.NaN()
				}
				return max(a, v)
			})
		} else {
			ref.Reduce(out[0], in[0], axes, math.MinInt64, func(a, v int64) int64 { return max(a, v) })
		}
		return nil
	})
}

// gradReduceMax sends the gradient to the elements equal to the maximum, split evenly among
// ties, as torch.amax does.
func gradReduceMax(p ReduceParams, in, out, g []*Tensor) []*Tensor {
	x, axes := in[0], keepAxes(p, in[0].Rank())
	mask := Cast(Equal(x, ExpandLike(out[0], x, axes...)), g[0].DType())
	count := SumKeepDims(mask, axes...)
	return []*Tensor{Mul(Div(mask, count), ExpandLike(g[0], x, axes...))}
}

// keepAxes returns p's axes, or all axes when p.Axes is nil.
func keepAxes(p ReduceParams, rank int) []int {
	axes, _ := shape.NormalizeAxes(p.Axes, rank)
	return axes
}

func reduce(op *core.Op, x *Tensor, axes []int, keep bool) *Tensor {
	return core.Apply1(op, ReduceParams{Axes: axesOrAll(axes), KeepDims: keep}, x)
}

// axesOrAll maps "no axes given" to nil (all axes).
func axesOrAll(axes []int) []int {
	if len(axes) == 0 {
		return nil
	}
	return append([]int(nil), axes...)
}

// Sum returns the sum of x over axes (all axes when none are given), dropping them.
// Integer sums keep the input's dtype and wrap on overflow, as ONNX ReduceSum.
// It panics with a *core.Error if an axis is out of range or repeated.
func Sum(x *Tensor, axes ...int) *Tensor { return reduce(sumOp, x, axes, false) }

// SumKeepDims is [Sum] keeping each reduced axis with size 1.
func SumKeepDims(x *Tensor, axes ...int) *Tensor { return reduce(sumOp, x, axes, true) }

// Max returns the maximum of x over axes (all when none are given); NaN if any element is NaN.
// It panics with a *core.Error on an empty tensor.
func Max(x *Tensor, axes ...int) *Tensor { return reduce(maxOp, x, axes, false) }

// MaxKeepDims is [Max] keeping each reduced axis with size 1.
func MaxKeepDims(x *Tensor, axes ...int) *Tensor { return reduce(maxOp, x, axes, true) }

// Mean returns the arithmetic mean of x over axes (all when none are given). Integer inputs
// are converted to float32 first. The mean of zero elements is NaN, as in NumPy.
func Mean(x *Tensor, axes ...int) *Tensor { return mean(x, axes, false) }

// MeanKeepDims is [Mean] keeping each reduced axis with size 1.
func MeanKeepDims(x *Tensor, axes ...int) *Tensor { return mean(x, axes, true) }

func mean(x *Tensor, axes []int, keep bool) *Tensor {
	x = toFloat(x)
	s := reduce(sumOp, x, axes, keep)
	norm, _ := shape.NormalizeAxes(axesOrAll(axes), x.Rank()) // reduce has checked the axes
	n := 1
	for _, a := range norm {
		n *= x.Shape()[a]
	}
	if n < 0 { // an unknown dimension: count when the graph runs
		return Div(s, Size(x, s.DType(), norm...))
	}
	return Div(s, scalarLike(s, float64(n)))
}
