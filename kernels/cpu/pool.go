package cpu

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/internal/parallel"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Max and average pooling and their gradients as direct loops over channels-last data, with no
// call per element: for each output pixel the window's taps inside the input are found once
// (per dimension, as a range), then the contiguous channels are processed four at a time, each
// kept in a register across the taps (the window's sum, or its maximum and the tap that holds
// it). Channels-first data is the same walk with one channel: [N, C, spatial...] is
// [N·C, spatial..., 1].
//
// For float32 with at least plVecMinC channels the vector kernels of internal/asm/f32 take
// over: each call walks a run of output pixels of one row whose windows have the same taps
// (the whole row but the pixels whose windows the padding cuts), with the channels in vector
// registers, and computes exactly what the loops here do, bit for bit.

func init() {
	reg := func(name string, k32, k64 func(ops.PoolParams, []*tensor.Tensor, []*tensor.Tensor) error) {
		op := core.Lookup(name)
		core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, k32)
		core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, k64)
	}
	reg("max_pool", plMaxKernel[float32], plMaxKernel[float64])
	reg("max_pool_grad", plMaxGradKernel[float32], plMaxGradKernel[float64])
	reg("max_pool_gather", plMaxGatherKernel[float32], plMaxGatherKernel[float64])
	reg("avg_pool", plAvgKernel[float32], plAvgKernel[float64])
	avgGrad := core.Lookup("avg_pool_grad")
	core.RegisterKernel(avgGrad, dtype.Float32, "cpu", core.PriorityFast, plAvgGradKernel[float32])
	core.RegisterKernel(avgGrad, dtype.Float64, "cpu", core.PriorityFast, plAvgGradKernel[float64])
}

// plGeom is a pooling as the fast kernels walk it: channels-last, three spatial dimensions.
type plGeom struct {
	n, c               int
	in, out, win, s, d [3]int
	pad, padEnd        [3]int
	inSp, outSp        int
	includePad         bool
	// row is the innermost spatial dimension that is not trivially 1 (the reference pads the
	// geometry with trailing 1s to three dimensions): the one along which the vector kernels
	// walk runs of pixels.
	row int
	// overlap is whether windows share elements of the input, so that gradients accumulate.
	overlap bool
}

func plNewGeom(rg *ref.PoolGeom, l ops.Layout) *plGeom {
	g := &plGeom{n: rg.N, c: rg.C, in: rg.In, out: rg.Out, win: rg.Window, s: rg.Stride, d: rg.Dilation,
		pad: rg.Pad, padEnd: rg.PadEnd, includePad: rg.CountIncludePad}
	if l == ops.ChannelsFirst {
		g.n, g.c = g.n*g.c, 1
	}
	g.inSp = g.in[0] * g.in[1] * g.in[2]
	g.outSp = g.out[0] * g.out[1] * g.out[2]
	for i := range g.win {
		g.overlap = g.overlap || (g.win[i]-1)*g.d[i]+1 > g.s[i]
	}
	g.row = 2
	for g.row > 0 && g.in[g.row] == 1 && g.out[g.row] == 1 && g.win[g.row] == 1 && g.pad[g.row] == 0 {
		g.row--
	}
	return g
}

func plGeomOf(p ops.PoolParams, x shape.Shape) (*plGeom, error) {
	rg, err := p.Geometry(x)
	if err != nil {
		return nil, err
	}
	return plNewGeom(rg, p.Layout), nil
}

func (g *plGeom) empty() bool { return g.n == 0 || g.c == 0 || g.outSp == 0 }

// plWindow is the part of the window of one output pixel inside the input: the taps [lo, hi)
// of each dimension and the offset of the window's origin (possibly outside the input).
type plWindow struct {
	lo, hi, b [3]int
}

// windowOf returns the window of flattened output pixel p.
func (g *plGeom) windowOf(p int) plWindow {
	o := [3]int{p / (g.out[1] * g.out[2]), p / g.out[2] % g.out[1], p % g.out[2]}
	var w plWindow
	for i := range o {
		w.b[i] = o[i]*g.s[i] - g.pad[i]
		w.lo[i], w.hi[i] = cvTapRange(w.b[i], g.d[i], g.win[i], g.in[i])
	}
	return w
}

// count returns the divisor of an average over window w: the taps inside the input, or with
// includePad those inside the padded input.
func (g *plGeom) count(w plWindow) int {
	n := 1
	for i := range w.b {
		if g.includePad {
			lo, hi := cvTapRange(w.b[i]+g.pad[i], g.d[i], g.win[i], g.in[i]+g.pad[i]+g.padEnd[i])
			n *= hi - lo
		} else {
			n *= w.hi[i] - w.lo[i]
		}
	}
	return n
}

// tapOffsets returns, appended to offs[:0], the element offset in x (of batch entry n, channel
// 0) of every tap of w inside the input, in row-major window order.
func (g *plGeom) tapOffsets(w plWindow, n int, offs []int) []int {
	offs = offs[:0]
	for k0 := w.lo[0]; k0 < w.hi[0]; k0++ {
		i0 := n*g.in[0] + w.b[0] + k0*g.d[0]
		for k1 := w.lo[1]; k1 < w.hi[1]; k1++ {
			i1 := i0*g.in[1] + w.b[1] + k1*g.d[1]
			for k2 := w.lo[2]; k2 < w.hi[2]; k2++ {
				offs = append(offs, (i1*g.in[2]+w.b[2]+k2*g.d[2])*g.c)
			}
		}
	}
	return offs
}

// plMaxTaps bounds the window size whose tap offsets are kept on the stack.
const plMaxTaps = 64

// poolPixels runs fn on chunks of the flattened (batch entry, output pixel) range, on threads
// when the work (cost per pixel) pays; byBatch keeps each batch entry in one chunk, for
// gradients whose windows overlap.
func (g *plGeom) poolPixels(byBatch bool, fn func(q0, q1 int)) {
	win := g.win[0] * g.win[1] * g.win[2]
	perPixel := float64(win*g.c) * 4 // a comparison or addition per element, a few flops' cost
	if byBatch {
		parallel.For(g.n, cvGrain(perPixel*float64(g.outSp)), func(lo, hi int) { fn(lo*g.outSp, hi*g.outSp) })
		return
	}
	parallel.For(g.n*g.outSp, cvGrain(perPixel), fn)
}

func plMaxKernel[T cvFloat](p ops.PoolParams, in, out []*tensor.Tensor) error {
	g, err := plGeomOf(p, in[0].Shape())
	if err != nil || g.empty() {
		return err
	}
	x := tensor.Data[T](in[0])
	plMaxSelect(plSelf, tensor.Data[T](out[0]), x, x, g)
	return nil
}

func plMaxGradKernel[T cvFloat](p ops.PoolParams, in, out []*tensor.Tensor) error {
	g, err := plGeomOf(p, in[0].Shape())
	if err != nil || g.empty() {
		return err
	}
	plMaxSelect(plGrad, tensor.Data[T](out[0]), tensor.Data[T](in[0]), tensor.Data[T](in[1]), g)
	return nil
}

func plMaxGatherKernel[T cvFloat](p ops.PoolParams, in, out []*tensor.Tensor) error {
	g, err := plGeomOf(p, in[0].Shape())
	if err != nil || g.empty() {
		return err
	}
	plMaxSelect(plValue, tensor.Data[T](out[0]), tensor.Data[T](in[0]), tensor.Data[T](in[1]), g)
	return nil
}

// What plMaxSelect does with the element each window selects.
const (
	plValue = iota // dst (output-shaped) = src (input-shaped) at it: max_pool_gather
	plGrad         // dst (input-shaped) += src (output-shaped) there: max_pool_grad
	plSelf         // plValue with src = x: max_pool
)

// plMaxSelect finds the element each window of x selects, as the reference: the first
// maximum in window order, or the last NaN. Then it gathers src there into dst, or with plGrad
// adds the output gradient src to dst there.
//
// The search is branch-free, since on real data "is this the new maximum" is a coin toss that
// a branch predictor loses: per channel it keeps the selected tap and a comparison value that
// is the maximum so far with NaN replaced by +Inf, so that !(v <= cmp) is exactly "v wins" (v is
// above the maximum, or NaN) and nothing but a NaN beats a NaN. Channels go four at a time, each
// in registers across the taps of its window. For float32 the vector kernels do the same, when
// plVecFor has them.
func plMaxSelect[T cvFloat](mode int, dst, x, src []T, g *plGeom) {
	if k := plVecFor(g); k != nil {
		if d, ok := any(dst).([]float32); ok {
			plMaxVec(k, mode, d, any(x).([]float32), any(src).([]float32), g)
			return
		}
	}
	g.poolPixels(mode == plGrad, func(q0, q1 int) {
		var st [plMaxTaps]int
		C := g.c
		for q := q0; q < q1; q++ {
			offs := g.tapOffsets(g.windowOf(q%g.outSp), q/g.outSp, st[:0])
			// Gradients: src is output-shaped, dst input-shaped; values: the other way round.
			ds, sv := dst, src
			if mode == plGrad {
				sv = src[q*C : (q+1)*C]
			} else {
				ds = dst[q*C : (q+1)*C]
			}
			c := 0
			for ; c+4 <= C; c += 4 {
				t0, t1, t2, t3 := plArgmax4(x, offs, c)
				if mode == plGrad {
					ds[offs[t0]+c] += sv[c]
					ds[offs[t1]+c+1] += sv[c+1]
					ds[offs[t2]+c+2] += sv[c+2]
					ds[offs[t3]+c+3] += sv[c+3]
					continue
				}
				ds[c], ds[c+1], ds[c+2], ds[c+3] = src[offs[t0]+c], src[offs[t1]+c+1], src[offs[t2]+c+2], src[offs[t3]+c+3]
			}
			for ; c < C; c++ {
				t := plArgmax1(x, offs, c)
				if mode == plGrad {
					ds[offs[t]+c] += sv[c]
				} else {
					ds[c] = src[offs[t]+c]
				}
			}
		}
	})
}

// plArgmax4 returns, for channels c to c+3, the tap (index into offs) max pooling selects.
func plArgmax4[T cvFloat](x []T, offs []int, c int) (t0, t1, t2, t3 int) {
	xs := x[offs[0]+c : offs[0]+c+4 : offs[0]+c+4]
	m0, m1, m2, m3 := plNoNaN(xs[0]), plNoNaN(xs[1]), plNoNaN(xs[2]), plNoNaN(xs[3])
	for t := 1; t < len(offs); t++ {
		xs := x[offs[t]+c : offs[t]+c+4 : offs[t]+c+4]
		v0, v1, v2, v3 := xs[0], xs[1], xs[2], xs[3]
		if !(v0 <= m0) {
			t0 = t
		}
		if !(v1 <= m1) {
			t1 = t
		}
		if !(v2 <= m2) {
			t2 = t
		}
		if !(v3 <= m3) {
			t3 = t
		}
		m0, m1, m2, m3 = plNoNaN(max(m0, v0)), plNoNaN(max(m1, v1)), plNoNaN(max(m2, v2)), plNoNaN(max(m3, v3))
	}
	return
}

// plArgmax1 is plArgmax4 for one channel.
func plArgmax1[T cvFloat](x []T, offs []int, c int) (t0 int) {
	m := plNoNaN(x[offs[0]+c])
	for t := 1; t < len(offs); t++ {
		v := x[offs[t]+c]
		if !(v <= m) {
			t0 = t
		}
		m = plNoNaN(max(m, v))
	}
	return
}

// plNoNaN returns v, or +Inf for NaN.
func plNoNaN[T cvFloat](v T) T {
	if v != v {
		return T(math.Inf(1))
	}
	return v
}

func plAvgKernel[T cvFloat](p ops.PoolParams, in, out []*tensor.Tensor) error {
	g, err := plGeomOf(p, in[0].Shape())
	if err != nil || g.empty() {
		return err
	}
	x, y := tensor.Data[T](in[0]), tensor.Data[T](out[0])
	if k := plVecFor(g); k != nil {
		if y, ok := any(y).([]float32); ok {
			plAvgVec(k, y, any(x).([]float32), g)
			return nil
		}
	}
	g.poolPixels(false, func(q0, q1 int) {
		var st [plMaxTaps]int
		C := g.c
		for q := q0; q < q1; q++ {
			w := g.windowOf(q % g.outSp)
			offs := g.tapOffsets(w, q/g.outSp, st[:0])
			n := T(g.count(w))
			ys := y[q*C : (q+1)*C]
			// Four channels at a time, summed in registers in window order.
			c := 0
			for ; c+4 <= C; c += 4 {
				var s0, s1, s2, s3 T
				for _, xo := range offs {
					xs := x[xo+c : xo+c+4 : xo+c+4]
					s0, s1, s2, s3 = s0+xs[0], s1+xs[1], s2+xs[2], s3+xs[3]
				}
				ys[c], ys[c+1], ys[c+2], ys[c+3] = s0/n, s1/n, s2/n, s3/n
			}
			for ; c < C; c++ {
				var s T
				for _, xo := range offs {
					s += x[xo+c]
				}
				ys[c] = s / n
			}
		}
	})
	return nil
}

func plAvgGradKernel[T cvFloat](p ops.AvgPoolGradParams, in, out []*tensor.Tensor) error {
	// The gradient's geometry is the pooling of an input of out[0]'s shape.
	g, err := plGeomOf(p.Pool, out[0].Shape())
	if err != nil || g.empty() {
		return err
	}
	dy, dx := tensor.Data[T](in[0]), tensor.Data[T](out[0])
	if k := plVecFor(g); k != nil {
		if dx, ok := any(dx).([]float32); ok {
			plAvgGradVec(k, dx, any(dy).([]float32), g)
			return nil
		}
	}
	g.poolPixels(true, func(q0, q1 int) {
		var st [plMaxTaps]int
		C := g.c
		for q := q0; q < q1; q++ {
			w := g.windowOf(q % g.outSp)
			offs := g.tapOffsets(w, q/g.outSp, st[:0])
			n := T(g.count(w))
			ds := dy[q*C : (q+1)*C]
			c := 0
			for ; c+4 <= C; c += 4 {
				v0, v1, v2, v3 := ds[c]/n, ds[c+1]/n, ds[c+2]/n, ds[c+3]/n
				for _, xo := range offs {
					xs := dx[xo+c : xo+c+4 : xo+c+4]
					xs[0], xs[1], xs[2], xs[3] = xs[0]+v0, xs[1]+v1, xs[2]+v2, xs[3]+v3
				}
			}
			for ; c < C; c++ {
				v := ds[c] / n
				for _, xo := range offs {
					dx[xo+c] += v
				}
			}
		}
	})
	return nil
}

// plVec is a set of vector pooling kernels (see internal/asm/f32 for what each computes).
type plVec struct {
	name    string
	max     func(y, x []float32, offs []int, c, npix, step int)
	gather  func(y, x, v []float32, offs []int, c, npix, step int)
	grad    func(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool)
	avg     func(y, x []float32, offs []int, c, npix, step int, n float32)
	avgGrad func(dx, dy []float32, offs []int, c, npix, step int, n float32)
}

// plVecSets are the vector kernel sets the CPU can run, best first.
var plVecSets = func() []*plVec {
	var s []*plVec
	// The gradient kernels rewrite elements of dx they leave unchanged with their own values:
	// safe, since gradients split the work by batch entry, so no two threads share an element.
	if f32.HasAVX512 {
		s = append(s, &plVec{"avx512", f32.MaxPoolAVX512, f32.MaxPoolGatherAVX512, f32.MaxPoolGradAVX512,
			f32.AvgPoolAVX512, f32.AvgPoolGradAVX512})
	}
	if f32.HasAVX2 {
		s = append(s, &plVec{"avx2", f32.MaxPoolAVX2, f32.MaxPoolGatherAVX2, f32.MaxPoolGradAVX2,
			f32.AvgPoolAVX2, f32.AvgPoolGradAVX2})
	}
	return s
}()

// plVecKernels is the vector kernel set in use, or nil for the loops.
var plVecKernels = func() *plVec {
	if len(plVecSets) == 0 {
		return nil
	}
	return plVecSets[0]
}()

// plVecMinC is the fewest channels worth a vector kernel: with fewer (channels-first data has
// one) most lanes would idle.
const plVecMinC = 4

// plVecFor returns the vector kernels for pooling g, or nil.
func plVecFor(g *plGeom) *plVec {
	if g.c < plVecMinC {
		return nil
	}
	return plVecKernels
}

// runs calls fn for the flattened output pixels [q0, q1) in runs [q, q+r) that lie in one
// output row (along dimension g.row, after which all dimensions are 1) and whose windows have
// the same taps relative to the pixel, so that the taps of pixel q+i are those of pixel q
// moved by i·g.rowStep() elements: the pixels whose windows lie inside the input along the row
// go in one run, those that the padding cuts one at a time. offs holds the element offsets in
// x of the taps of pixel q, in window order, and w its window.
func (g *plGeom) runs(q0, q1 int, fn func(q, r int, w plWindow, offs []int)) {
	var st [plMaxTaps]int
	d := g.row
	// The last output position along the row whose window ends inside the input (if any
	// window lies inside).
	last := (g.in[d] - 1 - (g.win[d]-1)*g.d[d] + g.pad[d]) / g.s[d]
	for q := q0; q < q1; {
		p := q % g.outSp
		w := g.windowOf(p)
		offs := g.tapOffsets(w, q/g.outSp, st[:0])
		r := 1
		if w.lo[d] == 0 && w.hi[d] == g.win[d] {
			r = min(min(last, g.out[d]-1)-p%g.out[d]+1, q1-q)
		}
		fn(q, r, w, offs)
		q += r
	}
}

// rowStep is the distance in elements of x between the windows of neighbouring pixels of a
// row.
func (g *plGeom) rowStep() int { return g.s[g.row] * g.c }

// plMaxVec is plMaxSelect with the vector kernels k.
func plMaxVec(k *plVec, mode int, dst, x, src []float32, g *plGeom) {
	C, step := g.c, g.rowStep()
	g.poolPixels(mode == plGrad, func(q0, q1 int) {
		g.runs(q0, q1, func(q, r int, _ plWindow, offs []int) {
			switch mode {
			case plGrad:
				// Disjoint windows need not read dx: they store into the zeroed output.
				k.grad(dst, x, src[q*C:(q+r)*C], offs, C, r, step, g.overlap)
			case plSelf:
				k.max(dst[q*C:(q+r)*C], x, offs, C, r, step)
			default:
				k.gather(dst[q*C:(q+r)*C], x, src, offs, C, r, step)
			}
		})
	})
}

// plAvgVec is average pooling with the vector kernels k: the windows of a run have the same
// taps, so the same divisor.
func plAvgVec(k *plVec, y, x []float32, g *plGeom) {
	C, step := g.c, g.rowStep()
	g.poolPixels(false, func(q0, q1 int) {
		g.runs(q0, q1, func(q, r int, w plWindow, offs []int) {
			k.avg(y[q*C:(q+r)*C], x, offs, C, r, step, float32(g.count(w)))
		})
	})
}

// plAvgGradVec is the gradient of average pooling with the vector kernels k.
func plAvgGradVec(k *plVec, dx, dy []float32, g *plGeom) {
	C, step := g.c, g.rowStep()
	g.poolPixels(true, func(q0, q1 int) {
		g.runs(q0, q1, func(q, r int, w plWindow, offs []int) {
			k.avgGrad(dx, dy[q*C:(q+r)*C], offs, C, r, step, float32(g.count(w)))
		})
	})
}
