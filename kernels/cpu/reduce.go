package cpu

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/parallel"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Reductions (reduce_sum, reduce_max, reduce_min; mean is a sum and a division) and the arg-
// reductions argmax and argmin, for float32 and float64.
//
// The input's dimensions are merged into alternating groups of kept and reduced ones. The last
// reduced group is reduced first, the input viewed as [outer, n, inner]: with inner == 1 each
// output is one contiguous row ([vmath.Sum32]: blocked pairwise in float32, error about
// (128 + log2(n/1024))·ε·Σ|x|), otherwise rows of inner elements are accumulated column-wise
// (float32 sums in float64, four rows per pass, so their error is one float32 rounding plus
// n·2^-53·Σ|x|).
// Patterns with several reduced groups reduce group by group through a temporary.

type rdKind uint8

const (
	rdSum rdKind = iota
	rdMax
	rdMin
)

// rdNs is the cost per input element of a reduction, in nanoseconds.
const rdNs = 0.3

func init() {
	for name, k := range map[string]rdKind{"reduce_sum": rdSum, "reduce_max": rdMax, "reduce_min": rdMin} {
		op := core.Lookup(name)
		core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, rdKernel[float32](k))
		core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, rdKernel[float64](k))
	}
	for name, larger := range map[string]bool{"argmax": true, "argmin": false} {
		op := core.Lookup(name)
		core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, rdArgKernel[float32](larger))
		core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, rdArgKernel[float64](larger))
	}
}

func rdKernel[T ewFloat](k rdKind) func(ops.ReduceParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.ReduceParams, in, out []*tensor.Tensor) error {
		var ab [2 * ewMaxRank]int
		axes, ok := rdAxes(p.Axes, in[0].Rank(), ab[:0])
		if !ok {
			return ewRef([...]string{"reduce_sum", "reduce_max", "reduce_min"}[k], in[0].DType(), p, in, out)
		}
		x, y := tensor.Data[T](in[0]), tensor.Data[T](out[0])
		var dims [ewMaxRank * 2]int
		var red [ewMaxRank * 2]bool
		g, ok := rdGroups(in[0].Shape(), axes, dims[:], red[:])
		if !ok {
			return ewRef([...]string{"reduce_sum", "reduce_max", "reduce_min"}[k], in[0].DType(), p, in, out)
		}
		rdRun(k, y, x, dims[:g], red[:g])
		return nil
	}
}

// rdAxes appends to buf the axes to reduce, normalised and sorted (nil: every axis), without
// the allocation of shape.NormalizeAxes; inference has checked them. It reports false when they
// do not fit in buf.
func rdAxes(axes []int, rank int, buf []int) ([]int, bool) {
	if axes == nil {
		if rank > cap(buf) {
			return nil, false
		}
		for a := range rank {
			buf = append(buf, a)
		}
		return buf, true
	}
	if len(axes) > cap(buf) {
		return nil, false
	}
	for _, a := range axes {
		if a < 0 {
			a += rank
		}
		i := len(buf)
		buf = append(buf, a)
		for ; i > 0 && buf[i-1] > a; i-- { // insertion sort: a handful of axes
			buf[i] = buf[i-1]
		}
		buf[i] = a
	}
	return buf, true
}

// rdGroups merges the dimensions of s into groups of neighbours that are all reduced (axes,
// sorted) or all kept, dropping dimensions of size 1, and writes their sizes and kinds to
// dims and red. It returns the number of groups, or false when they do not fit.
func rdGroups(s shape.Shape, axes []int, dims []int, red []bool) (int, bool) {
	g, j := 0, 0
	for d, size := range s {
		r := j < len(axes) && axes[j] == d
		if r {
			j++
		}
		if size == 1 {
			continue
		}
		if g > 0 && red[g-1] == r {
			dims[g-1] *= size
			continue
		}
		if g == len(dims) {
			return 0, false
		}
		dims[g], red[g] = size, r
		g++
	}
	return g, true
}

// rdRun reduces x, whose merged dimensions are dims (red marking the reduced groups), into y.
func rdRun[T ewFloat](k rdKind, y, x []T, dims []int, red []bool) {
	last := -1
	for i, r := range red {
		if r {
			last = i
		}
	}
	if last < 0 { // nothing is reduced: the elements are the same
		copy(y, x)
		return
	}
	outer, inner := 1, 1
	earlier := false
	for i := 0; i < last; i++ {
		outer *= dims[i]
		earlier = earlier || red[i]
	}
	for _, d := range dims[last+1:] {
		inner *= d
	}
	if !earlier {
		rdAxis(k, y, x, outer, dims[last], inner)
		return
	}
	// Reduce the last group into a temporary, then the rest of it as a tensor of dimensions
	// dims[:last] followed by inner (merged with a kept group before it).
	tmp := make([]T, outer*inner)
	rdAxis(k, tmp, x, outer, dims[last], inner)
	nd := append([]int(nil), dims[:last]...)
	nr := append([]bool(nil), red[:last]...)
	if inner > 1 {
		if !nr[len(nr)-1] {
			nd[len(nd)-1] *= inner
		} else {
			nd, nr = append(nd, inner), append(nr, false)
		}
	}
	rdRun(k, y, tmp, nd, nr)
}

// rdColBlock is the number of columns accumulated at once by a column reduction (its
// accumulators live on the stack).
const rdColBlock = 256

// rdAxis reduces x viewed as [outer, n, inner] over its middle axis into y, [outer, inner].
func rdAxis[T ewFloat](k rdKind, y, x []T, outer, n, inner int) {
	if outer*inner == 0 {
		return
	}
	if n == 0 { // only sums reach here: inference rejects empty max and min
		clear(y[:outer*inner])
		return
	}
	if inner == 1 {
		rdRows(k, y, x, outer, n)
		return
	}
	blocks := (inner + rdColBlock - 1) / rdColBlock
	units, cost := outer*blocks, rdNs*float64(n*min(inner, rdColBlock))
	if parts := rdRowParts(units, n, min(inner, rdColBlock)); parts > 1 {
		rdSplitRows(k, y, x, outer, n, inner, parts)
		return
	}
	if ewSerial(units, cost) {
		rdBlocks(k, y, x, n, inner, 0, units)
		return
	}
	ewSplit(units, cost, 1, func(lo, hi int) { rdBlocks(k, y, x, n, inner, lo, hi) })
}

// rdRowParts returns the number of parts the n rows of a column reduction with units column
// blocks of w columns are cut into, or 1 to leave them whole. Few blocks of many rows (the bias
// gradient of a convolution sums 10^5 rows of 32 columns) leave threads nothing to share unless
// the rows are cut. The cut depends on the sizes alone, never on the number of threads, so a
// sum is the same on any number of them.
func rdRowParts(units, n, w int) int {
	if units >= rdMaxSplitUnits {
		return 1
	}
	return max(min(rdMaxRowParts, n*w/ewGrain(rdNs)), 1)
}

const (
	// rdMaxSplitUnits is the number of column blocks from which a column reduction is split
	// by blocks alone.
	rdMaxSplitUnits = 4
	// rdMaxRowParts bounds the parts rdRowParts cuts rows into.
	rdMaxRowParts = 16
)

// rdSplitRows is rdAxis with each column block's n rows cut into parts reduced separately (in
// parallel where there are threads) and then combined in order: float32 sums keep their
// float64 accumulators until the end, so their error bound is that of rdColumns.
func rdSplitRows[T ewFloat](k rdKind, y, x []T, outer, n, inner, parts int) {
	blocks := (inner + rdColBlock - 1) / rdColBlock
	units := outer * blocks
	step := (n + parts - 1) / parts
	parts = (n + step - 1) / step
	// Part p of unit u holds its partial result at [(u·parts + p)·rdColBlock, ...).
	widen := k == rdSum && isFloat32[T]()
	var acc []float64
	var part []T
	if widen {
		acc = make([]float64, units*parts*rdColBlock)
	} else {
		part = make([]T, units*parts*rdColBlock)
	}
	parallel.For(units*parts, 1, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			u, p := j/parts, j%parts
			o, q0 := u/blocks, u%blocks*rdColBlock
			w := min(rdColBlock, inner-q0)
			r0, r1 := p*step, min((p+1)*step, n)
			xs := x[(o*n+r0)*inner+q0:]
			if widen {
				rdAccColumns(acc[j*rdColBlock:j*rdColBlock+w], any(xs).([]float32), r1-r0, inner)
				continue
			}
			rdColumns(k, part[j*rdColBlock:j*rdColBlock+w], xs, r1-r0, inner)
		}
	})
	for u := range units {
		o, q0 := u/blocks, u%blocks*rdColBlock
		w := min(rdColBlock, inner-q0)
		d := y[o*inner+q0 : o*inner+q0+w]
		if widen {
			a := acc[u*parts*rdColBlock : u*parts*rdColBlock+w]
			for p := 1; p < parts; p++ {
				vmath.AddVV(a, a, acc[(u*parts+p)*rdColBlock:][:w])
			}
			vmath.Narrow(any(d).([]float32), a)
			continue
		}
		copy(d, part[u*parts*rdColBlock:][:w])
		for p := 1; p < parts; p++ {
			r := part[(u*parts+p)*rdColBlock:][:w]
			switch k {
			case rdSum:
				vmath.AddVV(d, d, r)
			case rdMax:
				vmath.MaxVV(d, d, r)
			case rdMin:
				vmath.MinVV(d, d, r)
			}
		}
	}
}

// isFloat32 reports whether T is float32.
func isFloat32[T ewFloat]() bool {
	var z T
	_, ok := any(z).(float32)
	return ok
}

// rdAccColumns adds the n rows x[i*stride : i*stride+len(acc)] to the float64 accumulators acc,
// four rows per pass.
func rdAccColumns(acc []float64, x []float32, n, stride int) {
	w := len(acc)
	row := func(i int) []float32 { return x[i*stride : i*stride+w] }
	i := 0
	for ; i+4 <= n; i += 4 {
		vmath.AccWiden4(acc, row(i), row(i+1), row(i+2), row(i+3))
	}
	for ; i < n; i++ {
		vmath.AccWiden(acc, row(i))
	}
}

// rdBlocks reduces the column blocks [lo, hi) of x, [outer, n, inner], into y: block u covers
// columns [u%blocks·rdColBlock, ...) of outer index u/blocks.
func rdBlocks[T ewFloat](k rdKind, y, x []T, n, inner, lo, hi int) {
	blocks := (inner + rdColBlock - 1) / rdColBlock
	for u := lo; u < hi; u++ {
		o, q0 := u/blocks, u%blocks*rdColBlock
		w := min(rdColBlock, inner-q0)
		rdColumns(k, y[o*inner+q0:o*inner+q0+w], x[o*n*inner+q0:], n, inner)
	}
}

// rdColumns reduces the n rows x[i*stride : i*stride+len(d)] into d.
func rdColumns[T ewFloat](k rdKind, d, x []T, n, stride int) {
	w := len(d)
	row := func(i int) []T { return x[i*stride : i*stride+w] }
	if d32, ok := any(d).([]float32); ok && k == rdSum {
		x32 := any(x).([]float32)
		var acc [rdColBlock]float64
		a := acc[:w]
		rdAccColumns(a, x32, n, stride)
		vmath.Narrow(d32, a)
		return
	}
	copy(d, x[:w])
	i := 1
	if k == rdSum {
		for ; i+4 <= n; i += 4 {
			vmath.AddTo4(d, row(i), row(i+1), row(i+2), row(i+3))
		}
	}
	for ; i < n; i++ {
		switch k {
		case rdSum:
			vmath.AddVV(d, d, row(i))
		case rdMax:
			vmath.MaxVV(d, d, row(i))
		case rdMin:
			vmath.MinVV(d, d, row(i))
		}
	}
}

// rdRows reduces each of the outer contiguous rows of n elements of x into y. One long row
// is cut into pieces reduced in parallel and then combined.
func rdRows[T ewFloat](k rdKind, y, x []T, outer, n int) {
	g := ewGrain(rdNs)
	if outer == 1 && n >= 2*g && parallel.Workers() > 1 {
		parts := min(n/g, 4*parallel.Workers(), 64)
		step := (n/parts + 1023) &^ 1023 // whole blocks of the pairwise sum
		parts = (n + step - 1) / step
		var partial [64]T
		parallel.For(parts, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				partial[i] = rdOne(k, x[i*step:min((i+1)*step, n)])
			}
		})
		y[0] = rdOne(k, partial[:parts])
		return
	}
	cost := rdNs*float64(n) + ewRowNs
	if ewSerial(outer, cost) {
		rdEach(k, y, x, n, 0, outer)
		return
	}
	ewSplit(outer, cost, 1, func(lo, hi int) { rdEach(k, y, x, n, lo, hi) })
}

// rdEach reduces rows [lo, hi) of x, n elements each, into y.
func rdEach[T ewFloat](k rdKind, y, x []T, n, lo, hi int) {
	for o := lo; o < hi; o++ {
		y[o] = rdOne(k, x[o*n:(o+1)*n])
	}
}

// rdOne reduces one non-empty slice.
func rdOne[T ewFloat](k rdKind, x []T) T {
	switch k {
	case rdMax:
		return vmath.Max(x)
	case rdMin:
		return vmath.Min(x)
	}
	return sumOf(x)
}

// sumOf returns the sum of x in its own type (vmath.Sum32 or Sum64).
func sumOf[T ewFloat](x []T) T {
	switch v := any(x).(type) {
	case []float32:
		return T(vmath.Sum32(v))
	case []float64:
		return T(vmath.Sum64(v))
	}
	panic("unreachable")
}

func rdArgKernel[T ewFloat](larger bool) func(ops.ArgParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.ArgParams, in, out []*tensor.Tensor) error {
		axis, err := shape.NormalizeAxis(p.Axis, in[0].Rank())
		if err != nil {
			return err
		}
		outer, n, inner := rdSplitAxis(in[0].Shape(), axis)
		x, y := tensor.Data[T](in[0]), tensor.Data[int64](out[0])
		if outer*inner == 0 {
			return nil
		}
		cost := rdNs*float64(n) + ewRowNs
		if ewSerial(outer*inner, cost) {
			rdArgs(y, x, n, inner, larger, p.SelectLastIndex, 0, outer*inner)
			return nil
		}
		ewSplit(outer*inner, cost, 1, func(lo, hi int) { rdArgs(y, x, n, inner, larger, p.SelectLastIndex, lo, hi) })
		return nil
	}
}

// rdArgs computes outputs [lo, hi) of an arg-reduction of x, [outer, n, inner].
func rdArgs[T ewFloat](y []int64, x []T, n, inner int, larger, last bool, lo, hi int) {
	for j := lo; j < hi; j++ {
		o, q := j/inner, j%inner
		y[j] = int64(rdArg(x[o*n*inner+q:], n, inner, larger, last))
	}
}

// rdSplitAxis views shape s around axis as [outer, n, inner].
func rdSplitAxis(s shape.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, s[axis], inner
}

// rdArg returns the position of the element that ranks first among x[0], x[stride], ...,
// x[(n-1)*stride]: the largest (smallest unless larger) with NaN ranking before every number;
// of equals the first, or the last when last is set.
func rdArg[T ewFloat](x []T, n, stride int, larger, last bool) int {
	best, bi := x[0], 0
	for i := 1; i < n; i++ {
		v := x[i*stride]
		var before, after bool // v ranks strictly before best; best strictly before v
		switch {
		case best != best:
			before, after = false, v == v
		case v != v:
			before = true
		case larger:
			before, after = v > best, v < best
		default:
			before, after = v < best, v > best
		}
		if before || last && !after {
			best, bi = v, i
		}
	}
	return bi
}
