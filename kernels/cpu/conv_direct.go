package cpu

import (
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/internal/asm/f64"
)

// The channels-last convolutions on the GEMM micro-kernels directly, without the column
// matrix: the unfolded input is packed straight into the micro-panels the kernels read, one copy
// instead of two (im2col, then the GEMM's own packing), and the filter is packed once per call.
//
// Each batch entry is first copied into a zero-bordered image when its windows reach into the
// padding (a per-thread buffer of one image, in cache), so that every tap of every pixel reads
// inside it and the pixels of one output row read it at evenly spaced offsets: a micro-panel of
// output pixels is then a strided block that the packing routines transpose in vector registers.
//
// Forward: C[pixels, out] = unfold(x)[pixels, K] · w[K, out], K = taps·in ordered like an HWIO
// filter's rows. Filter gradient: dw[K, out] += unfold(x)ᵀ[K, pixels] · dy[pixels, out].
// The gradient with respect to the input runs as a forward convolution (see cvBackwardInput).

// cvDirect enables the direct path where the CPU has the micro-kernels (tests turn it off to
// check the portable path).
var cvDirect = true

// cvRowPath enables the row path (conv_rows.go) where it applies (tests turn it off to check the
// pixel-panel path).
var cvRowPath = true

// cvUKernel is a GEMM micro-kernel of internal/asm with its packing routines.
type cvUKernel[T cvFloat] struct {
	mr, nr int
	fn     func(k int, a, b, c []T, ldc int, accumulate bool)
	edge   func(k int, a, b, c []T, ldc int, accumulate bool, rows int, cmask uint64)
	packT  func(dst, src []T, ld, k int, rmask, wmask uint64, two bool, alpha T)
	packN  func(dst, src []T, ld, k int, rmask, wmask uint64, two bool, alpha T)
	masks  func(rows, width int) (rmask, wmask uint64, two bool)
}

var (
	cvUK32 = &cvUKernel[float32]{mr: f32.MRAVX512, nr: f32.NRAVX512, fn: f32.GemmAVX512, edge: f32.GemmAVX512Edge,
		packT: f32.PackTAVX512, packN: f32.PackNAVX512, masks: f32.PackMasks}
	cvUK64 = &cvUKernel[float64]{mr: f64.MRAVX512, nr: f64.NRAVX512, fn: f64.GemmAVX512, edge: f64.GemmAVX512Edge,
		packT: f64.PackTAVX512, packN: f64.PackNAVX512, masks: f64.PackMasks}
)

// cvUKernelOf returns the micro-kernel for T, or nil where the CPU (or the build) has none.
func cvUKernelOf[T cvFloat]() *cvUKernel[T] {
	if !cvDirect {
		return nil
	}
	var zero T
	if _, ok := any(zero).(float32); ok {
		if f32.HasAVX512 {
			return any(cvUK32).(*cvUKernel[T])
		}
		return nil
	}
	if f64.HasAVX512 {
		return any(cvUK64).(*cvUKernel[T])
	}
	return nil
}

// Block sizes of the direct path: the depth of one pass of the micro-kernel (so that a panel of
// the filter, or of dy, stays in L1 while the other operand streams past it) and the elements of
// packed input one tile aims at (in L2).
const (
	cvMaxDepth  = 320
	cvTileElems = 1 << 16
)

// cvDepthBlock splits n into even blocks of at most cvMaxDepth.
func cvDepthBlock(n int) int { return cvCeilDiv(n, cvCeilDiv(max(n, 1), cvMaxDepth)) }

// cvImage is the data one batch entry's taps read: the input itself, or a zero-bordered copy.
// Tap k of output pixel o reads pixel o·s + k·d of it (per dimension), channels contiguous.
type cvImage[T cvFloat] struct {
	data   []T
	e1, e2 int // sizes of spatial dimensions 1 and 2
}

// extent returns the size of the image that holds every window of dimension i.
func (g *cvGeom) extent(i int) int { return (g.out[i]-1)*g.s[i] + (g.k[i]-1)*g.d[i] + 1 }

// bordered reports whether windows reach outside the input (or the padding is negative), so
// that batch entries are copied into zero-bordered images.
func (g *cvGeom) bordered() bool {
	for i := range 3 {
		if g.pad[i] != 0 || g.extent(i) > g.in[i] {
			return true
		}
	}
	return false
}

// directFits reports whether the direct paths apply: channels last, and a bordered copy of one
// image (one per thread) of at most 16 Mi elements; larger images take the im2col tiles, whose
// memory is bounded.
func (g *cvGeom) directFits() bool { return g.last && (!g.bordered() || g.imageSize() <= 1<<24) }

// imageSize is the number of elements of a bordered image.
func (g *cvGeom) imageSize() int { return g.extent(0) * g.extent(1) * g.extent(2) * g.cin }

// cvImageOf returns the image of batch entry n, bordered into buf when g needs it.
func cvImageOf[T cvFloat](x, buf []T, g *cvGeom, n int) cvImage[T] {
	xn := x[n*g.inSp*g.cin : (n+1)*g.inSp*g.cin]
	if !g.bordered() {
		return cvImage[T]{xn, g.in[1], g.in[2]}
	}
	e0, e1, e2, c := g.extent(0), g.extent(1), g.extent(2), g.cin
	lo2, hi2 := max(g.pad[2], 0), min(g.pad[2]+g.in[2], e2) // image columns holding input
	for j0 := range e0 {
		i0 := j0 - g.pad[0]
		for j1 := range e1 {
			i1 := j1 - g.pad[1]
			row := buf[(j0*e1+j1)*e2*c : (j0*e1+j1+1)*e2*c]
			if i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1] || lo2 >= hi2 {
				clear(row)
				continue
			}
			clear(row[:lo2*c])
			src := ((i0*g.in[1]+i1)*g.in[2] + lo2 - g.pad[2]) * c
			copy(row[lo2*c:hi2*c], xn[src:])
			clear(row[hi2*c:])
		}
	}
	return cvImage[T]{buf[:e0*e1*e2*c], e1, e2}
}

// pixelOffset returns the offset of the window origin of output pixel o in an image with
// spatial sizes e1 and e2 (the first does not matter).
func (g *cvGeom) pixelOffset(e1, e2 int, o [3]int) int {
	return ((o[0]*g.s[0]*e1+o[1]*g.s[1])*e2 + o[2]*g.s[2]) * g.cin
}

// cvRun is a stretch of the K axis that reads consecutive image elements: the channels of one
// tap, or of a whole kernel row of taps when they are adjacent pixels (dilation 1, one group).
type cvRun struct {
	k, n int // K positions [k, k+n)
	off  int // image offset from the window origin (group's first channel excluded)
}

// cvRunsOf lists the runs of g's K axis in an image with spatial sizes e1, e2.
func cvRunsOf(g *cvGeom, e1, e2 int) []cvRun {
	joined := g.d[2] == 1 && g.inG == g.cin
	var runs []cvRun
	for k0 := range g.k[0] {
		for k1 := range g.k[1] {
			base := (k0*g.d[0]*e1 + k1*g.d[1]) * e2 * g.cin
			t := (k0*g.k[1] + k1) * g.k[2]
			if joined {
				runs = append(runs, cvRun{t * g.inG, g.k[2] * g.inG, base})
				continue
			}
			for k2 := range g.k[2] {
				runs = append(runs, cvRun{(t + k2) * g.inG, g.inG, base + k2*g.d[2]*g.cin})
			}
		}
	}
	return runs
}

// cvForwardDirect computes the channels-last convolution y = conv(x, w) on the micro-kernels.
func cvForwardDirect[T cvFloat](y, x, w []T, g *cvGeom, uk *cvUKernel[T]) {
	K, mr, nr := g.kdim, uk.mr, uk.nr
	kc := cvDepthBlock(K)
	npan := cvCeilDiv(g.outG, nr)
	bp := cvGetBuf[T](g.groups * K * npan * nr)
	cvPackFilter(bp, w, g, uk, kc)
	mc := min(max(mr, cvTileElems/kc/mr*mr), cvCeilDiv(g.outSp, mr)*mr)
	tiles := cvCeilDiv(g.outSp, mc)
	cvForJobs(g.n*tiles, tiles, 2*float64(mc*K*g.cout), func(next func() (int, bool)) {
		ap := cvGetBuf[T](mc * kc)
		scratch := cvGetBuf[T](mr * kc)
		var xp []T
		if g.bordered() {
			xp = cvGetBuf[T](g.imageSize())
		}
		var runs []cvRun
		var im cvImage[T]
		last := -1
		for j, ok := next(); ok; j, ok = next() {
			n, t := j/tiles, j%tiles
			if n != last {
				im, last = cvImageOf(x, xp, g, n), n
				if runs == nil {
					runs = cvRunsOf(g, im.e1, im.e2)
				}
			}
			p0, p1 := t*mc, min((t+1)*mc, g.outSp)
			for grp := range g.groups {
				for ka := 0; ka < K; ka += kc {
					kb := min(ka+kc, K)
					cvPackPixels(ap, scratch, im, runs, g, uk, grp*g.inG, p0, p1, ka, kb)
					yc := y[(n*g.outSp+p0)*g.cout+grp*g.outG:]
					bg := bp[(grp*K+ka)*npan*nr:]
					cvMacro(uk, ap, bg, yc, g.cout, p1-p0, g.outG, kb-ka, ka > 0)
				}
			}
		}
		cvPutBuf(ap)
		cvPutBuf(scratch)
		if xp != nil {
			cvPutBuf(xp)
		}
	})
	cvPutBuf(bp)
}

// cvPackFilter packs the HWIO filter w, per group and depth block of kc, into NR-wide panels:
// block [ka, kb) of group grp starts at (grp·K + ka)·npan·nr.
func cvPackFilter[T cvFloat](bp, w []T, g *cvGeom, uk *cvUKernel[T], kc int) {
	K, nr := g.kdim, uk.nr
	npan := cvCeilDiv(g.outG, nr)
	for grp := range g.groups {
		for ka := 0; ka < K; ka += kc {
			kb := min(ka+kc, K)
			for jp := range npan {
				cols := min(nr, g.outG-jp*nr)
				rm, wm, two := uk.masks(cols, nr)
				dst := bp[((grp*K+ka)*npan+jp*(kb-ka))*nr:]
				uk.packN(dst, w[ka*g.cout+grp*g.outG+jp*nr:], g.cout, kb-ka, rm, wm, two, 1)
			}
		}
	}
}

// cvPackPixels packs K positions [ka, kb) of the unfolded output pixels [p0, p1) into MR-row
// panels of ap. A panel within one output row is a strided block of the image, transposed run by
// cvRun; one that wraps to the next row is unfolded row by row into scratch first.
func cvPackPixels[T cvFloat](ap, scratch []T, im cvImage[T], runs []cvRun, g *cvGeom, uk *cvUKernel[T], goff, p0, p1, ka, kb int) {
	mr, kc := uk.mr, kb-ka
	ld := g.s[2] * g.cin
	for ir := p0; ir < p1; ir += mr {
		rows := min(mr, p1-ir)
		rm, wm, two := uk.masks(rows, mr)
		dst := ap[(ir-p0)*kc : (ir-p0+mr)*kc]
		o := g.outPos(ir)
		if o[2]+rows <= g.out[2] {
			base := g.pixelOffset(im.e1, im.e2, o) + goff
			for _, r := range runs {
				lo, hi := max(r.k, ka), min(r.k+r.n, kb)
				if lo < hi {
					uk.packT(dst[(lo-ka)*mr:], im.data[base+r.off+lo-r.k:], ld, hi-lo, rm, wm, two, 1)
				}
			}
			continue
		}
		for i := range rows {
			base := g.pixelOffset(im.e1, im.e2, g.outPos(ir+i)) + goff
			row := scratch[i*kc : (i+1)*kc]
			for _, r := range runs {
				lo, hi := max(r.k, ka), min(r.k+r.n, kb)
				if lo < hi {
					src := base + r.off + lo - r.k
					copy(row[lo-ka:hi-ka], im.data[src:src+hi-lo])
				}
			}
		}
		uk.packT(dst, scratch, kc, kc, rm, wm, two, 1)
	}
}

// cvMacro runs the micro-kernel over the m×n block of C (row stride ldc) from the packed MR-row
// panels of ap and NR-column panels of bp, both of depth kc, storing (or adding to) C.
func cvMacro[T cvFloat](uk *cvUKernel[T], ap, bp, c []T, ldc, m, n, kc int, accumulate bool) {
	mr, nr := uk.mr, uk.nr
	for jr := 0; jr < n; jr += nr {
		cols := min(nr, n-jr)
		b := bp[jr*kc:]
		for ir := 0; ir < m; ir += mr {
			rows := min(mr, m-ir)
			a, ct := ap[ir*kc:], c[ir*ldc+jr:]
			if rows == mr && cols == nr {
				uk.fn(kc, a, b, ct, ldc, accumulate)
			} else {
				uk.edge(kc, a, b, ct, ldc, accumulate, rows, 1<<uint(cols)-1)
			}
		}
	}
}

// cvFilterDirectJobs returns the jobs of cvFilterDirect: (batch entry, depth block of output
// pixels) pairs, and the depth block.
func (g *cvGeom) cvFilterDirectJobs() (jobs, kc int) {
	kc = cvDepthBlock(g.outSp)
	return g.n * cvCeilDiv(g.outSp, kc), kc
}

// cvFilterDirect computes the channels-last filter gradient dw += unfold(x)ᵀ·dy for jobs
// [j0, j1) (see cvFilterDirectJobs) on the micro-kernels: dy packed into NR-wide panels, and each
// run of the K axis into MR-row panels (a panel never straddles two runs, so each is a strided
// block of the image).
func cvFilterDirect[T cvFloat](dw, x, dy []T, g *cvGeom, uk *cvUKernel[T], j0, j1 int) {
	mr, nr := uk.mr, uk.nr
	_, kc := g.cvFilterDirectJobs()
	blocks := cvCeilDiv(g.outSp, kc)
	npan := cvCeilDiv(g.outG, nr)
	var xp []T
	if g.bordered() {
		xp = cvGetBuf[T](g.imageSize())
	}
	var runs []cvRun
	rowsK := 0 // K rows of the packed panels, each run rounded up to whole panels
	bp := cvGetBuf[T](kc * npan * nr)
	var ap []T
	var im cvImage[T]
	last := -1
	for j := j0; j < j1; j++ {
		n, p0 := j/blocks, j%blocks*kc
		p1 := min(p0+kc, g.outSp)
		if n != last {
			im, last = cvImageOf(x, xp, g, n), n
		}
		if runs == nil {
			runs = cvRunsOf(g, im.e1, im.e2)
			for _, r := range runs {
				rowsK += cvCeilDiv(r.n, mr) * mr
			}
			ap = cvGetBuf[T](rowsK * kc)
		}
		for grp := range g.groups {
			for jp := range npan {
				cols := min(nr, g.outG-jp*nr)
				rm, wm, two := uk.masks(cols, nr)
				uk.packN(bp[jp*(p1-p0)*nr:], dy[(n*g.outSp+p0)*g.cout+grp*g.outG+jp*nr:], g.cout, p1-p0, rm, wm, two, 1)
			}
			cvPackRuns(ap, im, runs, g, uk, grp*g.inG, p0, p1)
			a := ap
			for _, r := range runs {
				c := dw[r.k*g.cout+grp*g.outG:]
				cvMacro(uk, a, bp, c, g.cout, r.n, g.outG, p1-p0, true)
				a = a[cvCeilDiv(r.n, mr)*mr*(p1-p0):]
			}
		}
	}
	cvPutBuf(bp)
	if ap != nil {
		cvPutBuf(ap)
	}
	if xp != nil {
		cvPutBuf(xp)
	}
}

// cvPackRuns packs, for output pixels [p0, p1) (the depth), each run of the K axis into MR-row
// panels, one after another: each panel is a block of the image, copied one output row of
// pixels at a time.
func cvPackRuns[T cvFloat](ap []T, im cvImage[T], runs []cvRun, g *cvGeom, uk *cvUKernel[T], goff, p0, p1 int) {
	mr, kc := uk.mr, p1-p0
	ld := g.s[2] * g.cin
	for _, r := range runs {
		for i := 0; i < r.n; i += mr {
			rows := min(mr, r.n-i)
			rm, wm, two := uk.masks(rows, mr)
			panel := ap[:mr*kc]
			ap = ap[mr*kc:]
			o := g.outPos(p0)
			for p := p0; p < p1; {
				seg := min(p1-p, g.out[2]-o[2])
				src := g.pixelOffset(im.e1, im.e2, o) + goff + r.off + i
				uk.packN(panel[(p-p0)*mr:], im.data[src:], ld, seg, rm, wm, two, 1)
				p += seg
				o[2] = 0
				if o[1]++; o[1] == g.out[1] {
					o[1] = 0
					o[0]++
				}
			}
		}
	}
}
