package cpu

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Softmax and log-softmax in fused passes. Over the last axis each row takes three passes:
// the maximum, then e^(x−max) stored and summed in one loop, then a scaling by 1/sum (for
// log-softmax: the maximum, the sum of e^(x−max) without storing, then x − max − log sum).
// Over another axis the same passes run on whole rows of the inner dimensions at once, with
// the maxima and sums in small buffers. NaN and infinities give what the reference gives: a lane
// with a NaN, a +Inf or only −Inf is NaN throughout, since max − max is then NaN.
//
// Layer and RMS normalisation are primitives with their own fused kernels (layernorm.go).

func init() {
	for name, log := range map[string]bool{"softmax": false, "log_softmax": true} {
		op := core.Lookup(name)
		core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, smKernel[float32](log))
		core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, smKernel[float64](log))
	}
}

// The vmath loops of one element type, called directly (not through function values) so that
// the stack buffers they are handed stay on the stack.

func smExp[T ewFloat](dst, x []T) {
	switch d := any(dst).(type) {
	case []float32:
		vmath.Exp32(d, any(x).([]float32))
	case []float64:
		vmath.Exp64(d, any(x).([]float64))
	}
}

func smLog[T ewFloat](dst, x []T) {
	switch d := any(dst).(type) {
	case []float32:
		vmath.Log32(d, any(x).([]float32))
	case []float64:
		vmath.Log64(d, any(x).([]float64))
	}
}

// smExpSub sets dst = e^(x−m) and returns the sum.
func smExpSub[T ewFloat](dst, x []T, m T) T {
	switch d := any(dst).(type) {
	case []float32:
		return T(vmath.ExpSub32(d, any(x).([]float32), float32(m)))
	case []float64:
		return T(vmath.ExpSub64(d, any(x).([]float64), float64(m)))
	}
	panic("unreachable")
}

// smSumExpSub returns Σ e^(x−m).
func smSumExpSub[T ewFloat](x []T, m T) T {
	switch v := any(x).(type) {
	case []float32:
		return T(vmath.SumExpSub32(v, float32(m)))
	case []float64:
		return T(vmath.SumExpSub64(v, float64(m)))
	}
	panic("unreachable")
}

// smNs is the cost of softmax per element (an exponential and a few passes), in nanoseconds.
const smNs = ewNsExp + 1

func smKernel[T ewFloat](log bool) func(ops.SoftmaxParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.SoftmaxParams, in, out []*tensor.Tensor) error {
		axis, err := shape.NormalizeAxis(p.Axis, in[0].Rank())
		if err != nil {
			return err
		}
		outer, n, inner := rdSplitAxis(in[0].Shape(), axis)
		x, y := tensor.Data[T](in[0]), tensor.Data[T](out[0])
		if outer*n*inner == 0 {
			return nil
		}
		units, cost := outer, smNs*float64(n)+ewRowNs // rows of a contiguous lane each
		if inner > 1 {
			units, cost = outer*((inner+rdColBlock-1)/rdColBlock), smNs*float64(n*min(inner, rdColBlock))
		}
		if ewSerial(units, cost) {
			smUnits(log, y, x, n, inner, 0, units)
			return nil
		}
		ewSplit(units, cost, 1, func(lo, hi int) { smUnits(log, y, x, n, inner, lo, hi) })
		return nil
	}
}

// smUnits computes units [lo, hi) of a softmax of x, [outer, n, inner]: whole lanes when inner
// is 1, otherwise blocks of up to rdColBlock lanes (block u covers inner positions
// [u%blocks·rdColBlock, ...) of outer index u/blocks).
func smUnits[T ewFloat](log bool, y, x []T, n, inner, lo, hi int) {
	if inner == 1 {
		for o := lo; o < hi; o++ {
			smRow(log, y[o*n:(o+1)*n], x[o*n:(o+1)*n])
		}
		return
	}
	blocks := (inner + rdColBlock - 1) / rdColBlock
	for u := lo; u < hi; u++ {
		o, q0 := u/blocks, u%blocks*rdColBlock
		b := o*n*inner + q0
		smColumns(log, y[b:], x[b:], n, inner, min(rdColBlock, inner-q0))
	}
}

// smRow computes the softmax (or log-softmax) of one contiguous lane.
func smRow[T ewFloat](log bool, y, x []T) {
	m := vmath.Max(x)
	if log {
		ls := T(math.Log(float64(smSumExpSub(x, m))))
		for i, v := range x {
			y[i] = v - m - ls
		}
		return
	}
	s := smExpSub(y, x, m)
	vmath.MulVS(y, y, 1/s)
}

// smColumns computes the softmax (or log-softmax) of w lanes at once: lane q holds the n
// elements x[i*stride+q], i < n.
func smColumns[T ewFloat](log bool, y, x []T, n, stride, w int) {
	var mb, sb [rdColBlock]T
	m, s := mb[:w], sb[:w]
	copy(m, x[:w])
	for i := 1; i < n; i++ {
		vmath.MaxVV(m, m, x[i*stride:i*stride+w])
	}
	// y = e^(x−m) row by row, the sums accumulated (and, for log-softmax, y = x − m kept for
	// the end).
	for i := 0; i < n; i++ {
		yr, xr := y[i*stride:i*stride+w], x[i*stride:i*stride+w]
		vmath.SubVV(yr, xr, m)
		if log {
			var eb [rdColBlock]T
			e := eb[:w]
			smExp(e, yr)
			vmath.AddVV(s, s, e)
		} else {
			smExp(yr, yr)
			vmath.AddVV(s, s, yr)
		}
	}
	if log {
		smLog(s, s)
		for i := 0; i < n; i++ {
			yr := y[i*stride : i*stride+w]
			vmath.SubVV(yr, yr, s)
		}
		return
	}
	vmath.DivSV(s, 1, s)
	for i := 0; i < n; i++ {
		yr := y[i*stride : i*stride+w]
		vmath.MulVV(yr, yr, s)
	}
}
