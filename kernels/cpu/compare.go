package cpu

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Comparisons (giving bool) for the float and integer dtypes, and where (selection by a bool
// mask) for every dtype, with the broadcasting of the binary kernels. The relu gradient,
// where(x <= 0, 0, g), is a comparison with a scalar and a selection with a scalar: two flat
// loops.

var ewCmpKinds = map[string]vmath.Cmp{"eq": vmath.EQ, "ne": vmath.NE, "lt": vmath.LT, "le": vmath.LE, "gt": vmath.GT, "ge": vmath.GE}

func init() {
	cmp := core.Lookup("compare")
	ewRegCompare[float32](cmp, dtype.Float32)
	ewRegCompare[float64](cmp, dtype.Float64)
	ewRegCompare[int32](cmp, dtype.Int32)
	ewRegCompare[int64](cmp, dtype.Int64)
	ewRegCompare[uint8](cmp, dtype.Uint8)
	ewRegCompare[int8](cmp, dtype.Int8)

	where := core.Lookup("where")
	ewRegWhere[bool](where, dtype.Bool)
	ewRegWhere[uint8](where, dtype.Uint8)
	ewRegWhere[int8](where, dtype.Int8)
	ewRegWhere[int32](where, dtype.Int32)
	ewRegWhere[int64](where, dtype.Int64)
	ewRegWhere[dtype.F16](where, dtype.Float16)
	ewRegWhere[dtype.BF16](where, dtype.BFloat16)
	ewRegWhere[float32](where, dtype.Float32)
	ewRegWhere[float64](where, dtype.Float64)
}

func ewRegCompare[T interface {
	dtype.Elem
	vmath.Real
}](op *core.Op, dt dtype.DType) {
	core.RegisterKernel(op, dt, "cpu", core.PriorityFast, func(p ops.CompareParams, in, out []*tensor.Tensor) error {
		c, ok := ewCmpKinds[p.Kind]
		nt, fits := ewNewNest(out[0].Shape(), in[0].Shape(), in[1].Shape())
		if !ok || !fits {
			return ewRef("compare", dt, p, in, out)
		}
		x, y, z := tensor.Data[T](in[0]), tensor.Data[T](in[1]), tensor.Data[bool](out[0])
		ewDrive(nt, ewNsStream, ewCmpRows[T]{c, z, x, y, nt.st[0][nt.rank-1], nt.st[1][nt.rank-1]})
		return nil
	})
}

// ewCmpRows is the ewRower of a comparison.
type ewCmpRows[T vmath.Real] struct {
	c      vmath.Cmp
	z      []bool
	x, y   []T
	sa, sb int
}

func (r ewCmpRows[T]) row(o, n int, off [3]int) {
	d, sa := r.z[o:o+n], r.sa
	switch {
	case sa == 1 && r.sb == 1:
		vmath.CmpVV(r.c, d, r.x[off[0]:off[0]+n], r.y[off[1]:off[1]+n])
	case sa == 1 || n == 1:
		vmath.CmpVS(r.c, d, r.x[off[0]:off[0]+n*sa+1-sa], r.y[off[1]])
	default:
		vmath.CmpVS(r.c.Mirror(), d, r.y[off[1]:off[1]+n], r.x[off[0]])
	}
}

func ewRegWhere[E dtype.Elem](op *core.Op, dt dtype.DType) {
	core.RegisterKernel(op, dt, "cpu", core.PriorityFast, func(p ops.None, in, out []*tensor.Tensor) error {
		nt, fits := ewNewNest(out[0].Shape(), in[0].Shape(), in[1].Shape(), in[2].Shape())
		if !fits {
			return ewRef("where", dt, p, in, out)
		}
		c, x, y, z := tensor.Data[bool](in[0]), tensor.Data[E](in[1]), tensor.Data[E](in[2]), tensor.Data[E](out[0])
		st := [3]int{nt.st[0][nt.rank-1], nt.st[1][nt.rank-1], nt.st[2][nt.rank-1]}
		ewDrive(nt, ewNsStream, ewWhereRows[E]{z: z, x: x, y: y, c: c, st: st})
		return nil
	})
}

// ewWhereRows is the ewRower of where.
type ewWhereRows[E any] struct {
	z, x, y []E
	c       []bool
	st      [3]int
}

func (r ewWhereRows[E]) row(o, n int, off [3]int) {
	ewSelectRow(r.z[o:o+n], r.c, r.x, r.y, r.st[0], r.st[1], r.st[2], off)
}

// ewSelectRow computes one row of where: d[i] = x where c else y, each input starting at its
// offset with stride 1, or 0 for one element repeated along the row.
func ewSelectRow[E any](d []E, c []bool, x, y []E, sc, sx, sy int, off [3]int) {
	n := len(d)
	if sc == 0 { // one condition for the row: a copy or a fill
		src, s, o := y, sy, off[2]
		if c[off[0]] {
			src, s, o = x, sx, off[1]
		}
		if s == 1 {
			copy(d, src[o:o+n])
		} else {
			vmath.Fill(d, src[o])
		}
		return
	}
	cr := c[off[0] : off[0]+n]
	switch {
	case sx == 1 && sy == 1:
		vmath.SelectVV(d, cr, x[off[1]:off[1]+n], y[off[2]:off[2]+n])
	case sx == 1:
		vmath.SelectVS(d, cr, x[off[1]:off[1]+n], y[off[2]])
	case sy == 1:
		vmath.SelectSV(d, cr, x[off[1]], y[off[2]:off[2]+n])
	default:
		vmath.SelectSS(d, cr, x[off[1]], y[off[2]])
	}
}
