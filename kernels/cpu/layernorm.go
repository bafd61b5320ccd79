package cpu

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/parallel"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Layer and RMS normalization and their gradients, row by row: a row is the n elements of the
// normalized axes, small enough (a transformer's 768 or 4096 features) to stay in the core's
// cache while several passes run over it, so that memory sees one read of x and one write of
// y. Rows are split across threads when there are enough of them. Every pass is one of
// vmath's vector loops (AVX-512 or AVX2 for float32), and so are the sums: a row is halved
// with vector additions until a few dozen elements are left for scalar code (lnSumsTree),
// which is pairwise summation and costs a third of a scalar pass; short rows are summed by a
// scalar loop with four running sums (lnSums).
//
// Forward, per row: the sum gives a first mean m₀; y holds d = x − m₀; the sums of d and d²
// give δ = Σd/n, the mean m₀ + δ and the variance Σd²/n − δ². This is the corrected two-pass
// algorithm: d is exact where x is near m₀ (Sterbenz), and δ removes the error of m₀, so a
// mean far larger than the spread costs no accuracy (E[x²] − E[x]² would lose it all). Then
// y = (d − δ)·rstd, times the scale, plus the offset.
//
// Backward, per row: x̂ = (x − mean)·rstd goes into dx, the mean input corrected the same way
// by the mean of x minus it (the forward mean was rounded to float32: as a pivot, it costs no
// accuracy); g = dy·scale goes into a buffer; the sums of g and g·x̂ give the row's constants;
// dscale and doffset accumulate dy·x̂ and dy in the element type over lnFlush rows, then in
// float64; and dx = rstd·g − x̂·rstd·c₂ + c₀. Each thread has its own accumulators, added in
// order at the end; threads start on multiples of lnFlush rows, so the results do not depend
// on their number beyond the grouping of the float64 additions.

// lnBlock is the block of the scalar sums: their running sums in the element type cover at
// most lnBlock/4 terms before they are added in float64.
const lnBlock = 256

// lnFlush is how many rows the parameter gradients accumulate in the element type before
// they are added into their float64 sums.
const lnFlush = 16

// Costs per element, in nanoseconds, for the threading decision (one core, data in cache).
const (
	lnNs     = 1
	lnGradNs = 1.5
)

func init() {
	for center, names := range map[bool][2]string{true: {"layer_norm", "layer_norm_grad"}, false: {"rms_norm", "rms_norm_grad"}} {
		fwd, bwd := core.Lookup(names[0]), core.Lookup(names[1])
		core.RegisterKernel(fwd, dtype.Float32, "cpu", core.PriorityFast, lnKernel[float32](center))
		core.RegisterKernel(fwd, dtype.Float64, "cpu", core.PriorityFast, lnKernel[float64](center))
		core.RegisterKernel(bwd, dtype.Float32, "cpu", core.PriorityFast, lnGradKernel[float32](center))
		core.RegisterKernel(bwd, dtype.Float64, "cpu", core.PriorityFast, lnGradKernel[float64](center))
	}
}

// lnWiden adds x into the float64 accumulators acc.
func lnWiden[T ewFloat](acc []float64, x []T) {
	switch v := any(x).(type) {
	case []float32:
		vmath.AccWiden(acc, v)
	case []float64:
		vmath.AddVV(acc, acc, v)
	}
}

// lnNarrow sets dst to acc rounded to dst's type.
func lnNarrow[T ewFloat](dst []T, acc []float64) {
	switch d := any(dst).(type) {
	case []float32:
		vmath.Narrow(d, acc)
	case []float64:
		copy(d, acc)
	}
}

// lnSums returns Σa and Σa·b (b nil: Σa²) over blocks of lnBlock, each added with four running
// sums in the element type and then in float64.
func lnSums[T ewFloat](a, b []T) (s, q float64) {
	if b == nil {
		b = a
	}
	b = b[:len(a)]
	for len(a) > 0 {
		m := min(len(a), lnBlock)
		x, y := a[:m], b[:m]
		a, b = a[m:], b[m:]
		var s0, s1, s2, s3, q0, q1, q2, q3 T
		i := 0
		for ; i+4 <= len(x); i += 4 {
			xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
			s0, s1, s2, s3 = s0+xs[0], s1+xs[1], s2+xs[2], s3+xs[3]
			q0, q1, q2, q3 = q0+xs[0]*ys[0], q1+xs[1]*ys[1], q2+xs[2]*ys[2], q3+xs[3]*ys[3]
		}
		for ; i < len(x); i++ {
			s0, q0 = s0+x[i], q0+x[i]*y[i]
		}
		s += float64((s0 + s1) + (s2 + s3))
		q += float64((q0 + q1) + (q2 + q3))
	}
	return s, q
}

// lnTreeMin is the length below which lnSumsTree leaves a sum to scalar code.
const lnTreeMin = 64

// lnSumsTree returns what lnSums(a, b) returns (s only with wantS, q only with wantQ), for
// long rows with vector loops: pairwise, halving the row with vmath's vector additions (after
// the products, for q) until lnTreeMin elements or fewer are left to sumOf, with the odd
// elements left over at each halving added in float64. The rounding error is that of pairwise
// summation, about log2(n)·ε·Σ|a|. scratch must hold len(a) + len(a)/2 elements.
func lnSumsTree[T ewFloat](a, b []T, wantS, wantQ bool, scratch []T) (s, q float64) {
	n := len(a)
	if n < 2*lnTreeMin {
		return lnSums(a, b)
	}
	if b == nil {
		b = a
	}
	if wantS {
		t := scratch[:n/2]
		vmath.AddVV(t, a[:n/2], a[n/2:2*(n/2)])
		s = lnHalve(t, float64(a[n-1])*float64(n%2))
	}
	if wantQ {
		p := scratch[n/2 : n/2+n]
		vmath.MulVV(p, a, b[:n])
		q = lnHalve(p, 0)
	}
	return s, q
}

// lnHalve returns extra plus the sum of t, adding its second half into its first until
// lnTreeMin elements or fewer are left (t is overwritten).
func lnHalve[T ewFloat](t []T, extra float64) float64 {
	for len(t) > lnTreeMin {
		h := len(t) / 2
		if len(t)%2 == 1 {
			extra += float64(t[len(t)-1])
		}
		vmath.AddVV(t[:h], t[:h], t[h:2*h])
		t = t[:h]
	}
	return float64(sumOf(t)) + extra
}

// lnParam returns the data of the scale or offset t broadcast to the normalized shape norm of
// n elements: t's own data when it has n elements, else an expanded copy.
func lnParam[T ewFloat](t *tensor.Tensor, norm shape.Shape, n int) []T {
	v := tensor.Data[T](t)
	if len(v) == n {
		return v
	}
	out := make([]T, n)
	for i, j := range ref.BroadcastIndex(t.Shape(), norm) {
		out[i] = v[j]
	}
	return out
}

// lnFwd is one forward call: x and y are [rows, n]; mean (nil for RMS) and rstd have a value
// per row; scale and offset are nil or n long.
type lnFwd[T ewFloat] struct {
	x, y, mean, rstd, scale, offset []T
	n                               int
	eps                             float64
}

func lnKernel[T ewFloat](center bool) func(ops.NormParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.NormParams, in, out []*tensor.Tensor) error {
		x, k := in[0], p.NormAxes()
		norm := x.Shape()[x.Rank()-k:]
		rows, n := x.Shape().Split(k)
		f := &lnFwd[T]{x: tensor.Data[T](x), y: tensor.Data[T](out[0]), rstd: tensor.Data[T](out[len(out)-1]), n: n, eps: p.Eps()}
		if center {
			f.mean = tensor.Data[T](out[1])
		}
		i := 1
		if p.HasScale {
			f.scale, i = lnParam[T](in[i], norm, n), i+1
		}
		if p.HasOffset {
			f.offset = lnParam[T](in[i], norm, n)
		}
		cost := lnNs*float64(n) + ewRowNs
		if ewSerial(rows, cost) {
			f.rows(0, rows)
			return nil
		}
		ewSplit(rows, cost, 1, f.rows)
		return nil
	}
}

// rows normalizes rows [lo, hi).
func (f *lnFwd[T]) rows(lo, hi int) {
	scratch := make([]T, f.n+f.n/2)
	for r := lo; r < hi; r++ {
		f.row(r, scratch)
	}
}

// row normalizes row r, with scratch for the sums.
func (f *lnFwd[T]) row(r int, scratch []T) {
	n := f.n
	x, y := f.x[r*n:(r+1)*n], f.y[r*n:(r+1)*n]
	if n == 0 {
		f.rstd[r] = T(math.NaN()) // the moments of nothing, as the reference's 0/0
		if f.mean != nil {
			f.mean[r] = T(math.NaN())
		}
		return
	}
	nf := float64(n)
	if f.mean == nil {
		_, q := lnSumsTree(x, nil, false, true, scratch)
		rs := 1 / math.Sqrt(q/nf+f.eps)
		vmath.MulVS(y, x, T(rs))
		f.rstd[r] = T(rs)
	} else {
		s0, _ := lnSumsTree(x, nil, true, false, scratch)
		m0 := T(s0 / nf)
		vmath.SubVS(y, x, m0)
		s, q := lnSumsTree(y, nil, true, true, scratch)
		delta := s / nf
		rs := 1 / math.Sqrt(max(q/nf-delta*delta, 0)+f.eps) // max keeps a NaN
		vmath.SubVS(y, y, T(delta))
		vmath.MulVS(y, y, T(rs))
		mean := float64(m0)
		if !math.IsNaN(delta) && !math.IsInf(delta, 0) {
			mean += delta // else m₀ is ±Inf or NaN already, as the reference's mean
		}
		f.mean[r], f.rstd[r] = T(mean), T(rs)
	}
	if f.scale != nil {
		vmath.MulVV(y, y, f.scale)
	}
	if f.offset != nil {
		vmath.AddVV(y, y, f.offset)
	}
}

// lnBwd is one gradient call: x, dy and dx are [rows, n]; mean, dmean (nil for RMS), rstd and
// drstd have a value per row; scale is nil or n long; ds and db (nil when not wanted) receive
// the parameter gradients.
type lnBwd[T ewFloat] struct {
	x, dy, dx, mean, rstd, dmean, drstd, scale, ds, db []T
	n                                                  int
}

// lnPart is the scratch of one thread of a gradient call: g = dy·scale, dy·x̂, the parameter
// gradients' element-type accumulators of the current lnFlush rows and their float64 sums.
type lnPart[T ewFloat] struct {
	g, prod, accS, accB, scratch []T
	sumS, sumB                   []float64
}

func newLnPart[T ewFloat](n int) *lnPart[T] {
	t, w := make([]T, 5*n+n/2), make([]float64, 2*n)
	return &lnPart[T]{g: t[:n], prod: t[n : 2*n], accS: t[2*n : 3*n], accB: t[3*n : 4*n], scratch: t[4*n:],
		sumS: w[:n], sumB: w[n:]}
}

func lnGradKernel[T ewFloat](center bool) func(ops.NormParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.NormParams, in, out []*tensor.Tensor) error {
		a := ops.NormGradInputs(p, center, in)
		k := p.NormAxes()
		norm := a.X.Shape()[a.X.Rank()-k:]
		rows, n := a.X.Shape().Split(k)
		b := &lnBwd[T]{x: tensor.Data[T](a.X), dy: tensor.Data[T](a.DY), dx: tensor.Data[T](out[0]),
			rstd: tensor.Data[T](a.Rstd), drstd: tensor.Data[T](a.DRstd), n: n}
		if center {
			b.mean, b.dmean = tensor.Data[T](a.Mean), tensor.Data[T](a.DMean)
		}
		if p.HasScale {
			b.scale = lnParam[T](a.Scale, norm, n)
			b.ds = tensor.Data[T](out[1])
		}
		if p.HasOffset {
			b.db = tensor.Data[T](out[len(out)-1])
		}
		b.run(rows)
		return nil
	}
}

// run computes the gradients of every row, on several threads when the rows are worth it.
func (b *lnBwd[T]) run(rows int) {
	cost := lnGradNs*float64(b.n) + ewRowNs
	parts := 1
	if !ewSerial(rows, cost) {
		parts = min(rows/ewGrain(cost), parallel.Workers())
	}
	ps := make([]*lnPart[T], parts)
	if parts <= 1 {
		ps[0] = newLnPart[T](b.n)
		b.rows(ps[0], 0, rows)
	} else {
		// Parts start on multiples of lnFlush rows, so that the element-type sums cover the
		// same rows whatever the number of threads: only the float64 additions are grouped
		// differently.
		step := ((rows+parts-1)/parts + lnFlush - 1) / lnFlush * lnFlush
		parts = (rows + step - 1) / step
		ps = ps[:parts]
		parallel.For(parts, 1, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				ps[j] = newLnPart[T](b.n)
				b.rows(ps[j], j*step, min((j+1)*step, rows))
			}
		})
	}
	for _, q := range ps[1:] {
		vmath.AddVV(ps[0].sumS, ps[0].sumS, q.sumS)
		vmath.AddVV(ps[0].sumB, ps[0].sumB, q.sumB)
	}
	if b.ds != nil {
		lnNarrow(b.ds, ps[0].sumS)
	}
	if b.db != nil {
		lnNarrow(b.db, ps[0].sumB)
	}
}

// rows computes the gradients of rows [lo, hi) with the scratch q, adding the parameter
// gradients into q's float64 sums.
func (b *lnBwd[T]) rows(q *lnPart[T], lo, hi int) {
	for r := lo; r < hi; r++ {
		b.row(q, r)
		if (r+1)%lnFlush == 0 {
			b.flush(q)
		}
	}
	b.flush(q)
}

// row computes the gradients of row r with the scratch q.
func (b *lnBwd[T]) row(q *lnPart[T], r int) {
	n := b.n
	nf := float64(n)
	dy, dx := b.dy[r*n:(r+1)*n], b.dx[r*n:(r+1)*n]
	b.normalized(dx, q, r) // dx holds x̂ until the end
	g := dy
	if b.scale != nil {
		vmath.MulVV(q.g, dy, b.scale)
		g = q.g
	}
	sg, sgx := lnSumsTree(g, dx, true, true, q.scratch)
	if b.ds != nil {
		vmath.MulVV(q.prod, dy, dx)
		vmath.AddVV(q.accS, q.accS, q.prod)
	}
	if b.db != nil {
		vmath.AddVV(q.accB, q.accB, dy)
	}
	// dx = rstd·(g − c₁ − x̂·c₂) + c₀ = rstd·g − x̂·rstd·c₂ + (c₀ − rstd·c₁).
	rs := b.rstd[r]
	rsf := float64(rs)
	c2 := sgx/nf + float64(b.drstd[r])*rsf/nf
	vmath.MulVS(dx, dx, T(-rsf*c2))
	vmath.MulVS(q.prod, g, rs)
	vmath.AddVV(dx, dx, q.prod)
	if b.mean != nil {
		vmath.AddVS(dx, dx, T(float64(b.dmean[r])/nf-rsf*sg/nf))
	}
}

// normalized sets xh to x̂ = (x − mean)·rstd for row r. The mean is a pivot, corrected by the
// mean of x minus it (exact where x is near it), as the forward pass does with its first mean.
func (b *lnBwd[T]) normalized(xh []T, q *lnPart[T], r int) {
	n := b.n
	x, rs := b.x[r*n:(r+1)*n], b.rstd[r]
	if b.mean == nil {
		vmath.MulVS(xh, x, rs)
		return
	}
	vmath.SubVS(xh, x, b.mean[r])
	d, _ := lnSumsTree(xh, nil, true, false, q.scratch)
	vmath.SubVS(xh, xh, T(d/float64(n)))
	vmath.MulVS(xh, xh, rs)
}

// flush adds the element-type accumulators of the wanted parameter gradients into their
// float64 sums and clears them.
func (b *lnBwd[T]) flush(q *lnPart[T]) {
	if b.ds != nil {
		lnWiden(q.sumS, q.accS)
		vmath.Fill(q.accS, 0)
	}
	if b.db != nil {
		lnWiden(q.sumB, q.accB)
		vmath.Fill(q.accB, 0)
	}
}
