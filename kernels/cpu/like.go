package cpu

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// The helpers gradient rules are written with: expand_like (on every reduction's gradient path)
// and broadcast_to, which repeat a tensor along axes, and fill_like and fill, which write one
// value. Both repeats are broadcasting copies on the nest of the binary kernels: rows of a
// contiguous copy, or of one element repeated. All keep exact bits, for every dtype.
// reshape_like is a view and has no kernel.

func init() {
	ewRegLike[bool](dtype.Bool)
	ewRegLike[uint8](dtype.Uint8)
	ewRegLike[int8](dtype.Int8)
	ewRegLike[int32](dtype.Int32)
	ewRegLike[int64](dtype.Int64)
	ewRegLike[dtype.F16](dtype.Float16)
	ewRegLike[dtype.BF16](dtype.BFloat16)
	ewRegLike[float32](dtype.Float32)
	ewRegLike[float64](dtype.Float64)
}

func ewRegLike[E dtype.Elem](dt dtype.DType) {
	core.RegisterKernel(core.Lookup("expand_like"), dt, "cpu", core.PriorityFast, func(p ops.ExpandParams, in, out []*tensor.Tensor) error {
		os := out[0].Shape()
		var ab [2 * ewMaxRank]int
		axes, ok := rdAxes(p.Axes, len(os), ab[:0])
		if !ok {
			return ewRef("expand_like", dt, p, in, out)
		}
		// x holds like's elements with the axes removed (or kept as 1): read it as like's shape
		// with those axes 1, and broadcast.
		var buf [16]int
		xs := shape.Shape(buf[:0])
		if len(os) > len(buf) {
			xs = make(shape.Shape, 0, len(os))
		}
		xs = append(xs, os...)
		for _, a := range axes {
			xs[a] = 1
		}
		if !ewRepeat[E](in[0], xs, out[0]) {
			return ewRef("expand_like", dt, p, in, out)
		}
		return nil
	})
	core.RegisterKernel(core.Lookup("broadcast_to"), dt, "cpu", core.PriorityFast, func(p ops.ShapeParams, in, out []*tensor.Tensor) error {
		if !ewRepeat[E](in[0], in[0].Shape(), out[0]) {
			return ewRef("broadcast_to", dt, p, in, out)
		}
		return nil
	})
	core.RegisterKernel(core.Lookup("fill_like"), dt, "cpu", core.PriorityFast, func(p ops.FillLikeParams, _, out []*tensor.Tensor) error {
		ewFill[E](out[0], p.Value)
		return nil
	})
	core.RegisterKernel(core.Lookup("fill"), dt, "cpu", core.PriorityFast, func(p ops.FillParams, _, out []*tensor.Tensor) error {
		ewFill[E](out[0], p.Value)
		return nil
	})
}

// ewRepeat sets out to x, read as shape xs, broadcast to out's shape. It returns false when the
// broadcast does not fit a nest.
func ewRepeat[E dtype.Elem](x *tensor.Tensor, xs shape.Shape, out *tensor.Tensor) bool {
	nt, ok := ewNewNest(out.Shape(), xs)
	if !ok {
		return false
	}
	ewDrive(nt, ewNsStream/2, ewRepeatRows[E]{tensor.Data[E](out), tensor.Data[E](x), nt.st[0][nt.rank-1]})
	return true
}

// ewRepeatRows is the ewRower of a broadcasting copy.
type ewRepeatRows[E any] struct {
	dst, src []E
	s        int // the source's stride along a row: 1, or 0 for one element repeated
}

func (r ewRepeatRows[E]) row(o, n int, off [3]int) {
	if r.s == 1 {
		copy(r.dst[o:o+n], r.src[off[0]:off[0]+n])
	} else {
		vmath.Fill(r.dst[o:o+n], r.src[off[0]])
	}
}

// ewFill sets every element of out to v converted to out's dtype (as tensor.Convert does).
func ewFill[E dtype.Elem](out *tensor.Tensor, v float64) {
	d := tensor.Data[E](out)
	if v == 0 { // zeros, +0 also for a value of −0, as tensor.Full and the reference give
		if ewSerial(len(d), ewNsStream/4) {
			clear(d)
			return
		}
		ewSplit(len(d), ewNsStream/4, 64, func(lo, hi int) { clear(d[lo:hi]) })
		return
	}
	e := ewScalar[E](v)
	if ewSerial(len(d), ewNsStream/2) {
		vmath.Fill(d, e)
		return
	}
	ewSplit(len(d), ewNsStream/2, 64, func(lo, hi int) { vmath.Fill(d[lo:hi], e) })
}

// ewScalar converts v to E as tensor.Convert does (without allocating a tensor for it).
func ewScalar[E dtype.Elem](v float64) E {
	var e E
	switch p := any(&e).(type) {
	case *bool:
		*p = v != 0
	case *uint8:
		*p = uint8(ewSaturate(v, 0, 255))
	case *int8:
		*p = int8(ewSaturate(v, -128, 127))
	case *int32:
		*p = int32(ewSaturate(v, -1<<31, 1<<31-1))
	case *int64:
		var d [1]int64
		ewToInt64(d[:], []float64{v})
		*p = d[0]
	case *dtype.F16:
		*p = dtype.F16FromFloat64(v)
	case *dtype.BF16:
		*p = dtype.BF16FromFloat64(v)
	case *float32:
		*p = float32(v)
	case *float64:
		*p = v
	}
	return e
}

// ewSaturate truncates v toward zero into [lo, hi], NaN giving 0.
func ewSaturate(v, lo, hi float64) int64 {
	switch {
	case v != v:
		return 0
	case v <= lo:
		return int64(lo)
	case v >= hi:
		return int64(hi)
	}
	return int64(v)
}
