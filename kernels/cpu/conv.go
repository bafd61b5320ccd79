package cpu

import (
	"fmt"
	"sync/atomic"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/internal/asm/f64"
	"github.com/tideml/tide/internal/parallel"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The convolution family (conv, conv_transpose, conv_filter_grad), lowered onto GEMM.
//
// Channels last, where the CPU has the AVX-512 micro-kernels of internal/asm, the kernels drive
// them directly (conv_direct.go, conv_rows.go): the input is packed straight into micro-panels
// from a zero-bordered copy of one image, with no column matrix, and the filter once per call.
// Elsewhere (channels first, other CPUs, the noasm build) a tile of output pixels at a time is
// unfolded (im2col, conv_im2col.go) into a reused buffer and multiplied by the filter with
// internal/gemm: the filter is already a GEMM operand in both layouts (HWIO is [taps·in, out],
// OIHW is [out, in·taps]). In both:
//
//   - a 1×1, stride-1, unpadded convolution is one GEMM on the data itself, with no copy;
//   - the gradient with respect to the input (conv_transpose) with stride 1 is the forward
//     convolution of the output gradient with the flipped, channel-swapped filter, so it runs on
//     the forward path (gathering, no scatter); with larger strides each tile's column gradient
//     is one GEMM, folded back into place (col2im);
//   - the gradient with respect to the filter sums colᵀ·dy over tiles in the GEMM's accumulator,
//     one filter-sized accumulator per thread;
//   - depthwise convolutions (one input channel per group) run as direct loops
//     (conv_depthwise.go): a GEMM with one input channel has nothing to reuse.
//
// Threads split the work by batch entries and parts of their output when a piece is worth at
// least cvMinParFlops; where pieces write disjoint outputs, each thread claims the next piece
// as it finishes one (cvForJobs), so that a thread slowed by other processes holds up no one.

func init() {
	conv, convT, convFG := core.Lookup("conv"), core.Lookup("conv_transpose"), core.Lookup("conv_filter_grad")
	core.RegisterKernel(conv, dtype.Float32, "cpu", core.PriorityFast, cvKernel[float32])
	core.RegisterKernel(conv, dtype.Float64, "cpu", core.PriorityFast, cvKernel[float64])
	core.RegisterKernel(convT, dtype.Float32, "cpu", core.PriorityFast, cvTransposeKernel[float32])
	core.RegisterKernel(convT, dtype.Float64, "cpu", core.PriorityFast, cvTransposeKernel[float64])
	core.RegisterKernel(convFG, dtype.Float32, "cpu", core.PriorityFast, cvFilterGradKernel[float32])
	core.RegisterKernel(convFG, dtype.Float64, "cpu", core.PriorityFast, cvFilterGradKernel[float64])
}

// cvFloat is the element types of the fast convolution and pooling kernels.
type cvFloat interface{ float32 | float64 }

// cvMinParFlops is the least work worth handing to one more thread (as in internal/gemm): below
// it waking a worker costs more than it saves. (A variable so that tests can split small work.)
var cvMinParFlops = float64(1 << 22)

func cvKernel[T cvFloat](p ops.ConvParams, in, out []*tensor.Tensor) error {
	rg, err := p.Geometry(in[0].Shape(), in[1].Shape())
	if err != nil {
		return err
	}
	g := cvNewGeom(rg, p.Layout)
	x, w := tensor.Data[T](in[0]), tensor.Data[T](in[1])
	if g.unfoldsPadding() && !cvAllFinite(w) {
		return cvRunRef(core.Lookup("conv"), p, in, out)
	}
	cvForward(tensor.Data[T](out[0]), x, w, g)
	return nil
}

func cvTransposeKernel[T cvFloat](p ops.ConvTransposeParams, in, out []*tensor.Tensor) error {
	rg, err := p.Geometry(in[0].Shape(), in[1].Shape())
	if err != nil {
		return err
	}
	g := cvNewGeom(rg, p.Layout)
	dy, w := tensor.Data[T](in[0]), tensor.Data[T](in[1])
	if !g.depthwise() && g.unitStride() && g.flipped().unfoldsPadding() && !cvAllFinite(w) {
		return cvRunRef(core.Lookup("conv_transpose"), p, in, out)
	}
	cvBackwardInput(tensor.Data[T](out[0]), dy, w, g)
	return nil
}

func cvFilterGradKernel[T cvFloat](p ops.ConvFilterGradParams, in, out []*tensor.Tensor) error {
	rg, err := p.Geometry(in[0].Shape(), in[1].Shape())
	if err != nil {
		return err
	}
	g := cvNewGeom(rg, p.Conv.Layout)
	dw := tensor.Data[T](out[0])
	cvBackwardFilter(dw, tensor.Data[T](in[0]), tensor.Data[T](in[1]), g)
	// dy is large, the result small: look for NaN in the result, which a product of padding
	// with an Inf or NaN of dy would have made, rather than for Inf or NaN in dy.
	if g.unfoldsPadding() && !cvAllFinite(dw) {
		return cvRunRef(core.Lookup("conv_filter_grad"), p, in, out)
	}
	return nil
}

// The unfolded columns hold zeros where windows reach into the padding, and 0·Inf is NaN,
// whereas the reference (like the definition) leaves padding out of the sum. So when the
// operand multiplied by the columns holds an Inf or NaN, which only a diverged model feeds a
// convolution, the reference kernel computes the result: the filter is checked before (it is
// small), the filter gradient after (a NaN in it may come from such a product).

// unfoldsPadding reports whether the GEMM path would multiply padding zeros: the convolution
// has windows reaching outside the input and is not run as direct loops.
func (g *cvGeom) unfoldsPadding() bool {
	if g.empty() || g.depthwise() {
		return false
	}
	for i := range 3 {
		if g.pad[i] > 0 || (g.out[i]-1)*g.s[i]+(g.k[i]-1)*g.d[i]-g.pad[i] >= g.in[i] {
			return true
		}
	}
	return false
}

// cvRunRef runs op's reference kernel.
func cvRunRef[P any](op *core.Op, p P, in, out []*tensor.Tensor) error {
	for _, k := range op.Kernels(in[0].DType()) {
		if k.Name == "ref" {
			return k.Run(p, in, out)
		}
	}
	return fmt.Errorf("no reference kernel for %s", in[0].DType())
}

// cvAllFinite reports whether s holds neither Inf nor NaN: Σ v·0 is NaN exactly when it does.
func cvAllFinite[T cvFloat](s []T) bool {
	switch v := any(s).(type) {
	case []float32:
		if f32.HasAVX512 {
			for len(v) > 0 {
				n := min(len(v), len(cvZeros32))
				if d := f32.DotAVX512(v[:n], cvZeros32[:]); d != d {
					return false
				}
				v = v[n:]
			}
			return true
		}
	case []float64:
		if f64.HasAVX512 {
			for len(v) > 0 {
				n := min(len(v), len(cvZeros64))
				if d := f64.DotAVX512(v[:n], cvZeros64[:]); d != d {
					return false
				}
				v = v[n:]
			}
			return true
		}
	}
	var a0, a1 T
	i := 0
	for ; i+1 < len(s); i += 2 {
		a0 += s[i] * 0
		a1 += s[i+1] * 0
	}
	for ; i < len(s); i++ {
		a0 += s[i] * 0
	}
	return a0 == a0 && a1 == a1
}

var (
	cvZeros32 [1024]float32
	cvZeros64 [1024]float64
)

// cvGeom is a forward convolution as the fast kernels walk it: three spatial dimensions (unused
// ones of size 1), dense tensors in one of the two layouts.
type cvGeom struct {
	n, groups, inG, outG, cin, cout int
	in, out, k, s, d, pad           [3]int
	inSp, outSp, taps, kdim         int // spatial sizes, kernel taps, inG·taps
	last                            bool
}

func cvNewGeom(rg *ref.ConvGeom, l ops.Layout) *cvGeom {
	g := &cvGeom{n: rg.N, groups: rg.Groups, inG: rg.InG, outG: rg.OutG, in: rg.In, out: rg.Out,
		k: rg.Kernel, s: rg.Stride, d: rg.Dilation, pad: rg.Pad, last: l == ops.ChannelsLast}
	// The reference geometry fills unused dimensions in at the end; the walks here want the
	// last dimension to be the one along which pixels are adjacent, so move them to the front.
	for range 2 {
		if g.in[2] == 1 && g.out[2] == 1 && g.k[2] == 1 && g.pad[2] == 0 {
			g.in = [3]int{1, g.in[0], g.in[1]}
			g.out = [3]int{1, g.out[0], g.out[1]}
			g.k = [3]int{1, g.k[0], g.k[1]}
			g.s = [3]int{1, g.s[0], g.s[1]}
			g.d = [3]int{1, g.d[0], g.d[1]}
			g.pad = [3]int{0, g.pad[0], g.pad[1]}
		}
	}
	g.init()
	return g
}

func (g *cvGeom) init() {
	g.cin, g.cout = g.inG*g.groups, g.outG*g.groups
	g.inSp = g.in[0] * g.in[1] * g.in[2]
	g.outSp = g.out[0] * g.out[1] * g.out[2]
	g.taps = g.k[0] * g.k[1] * g.k[2]
	g.kdim = g.inG * g.taps
}

// empty reports whether the result is all zeros (or has no elements).
func (g *cvGeom) empty() bool {
	return g.n == 0 || g.inG == 0 || g.outG == 0 || g.groups == 0 || g.outSp == 0 || g.inSp == 0
}

// pointwise reports a 1×1 convolution with stride 1 and no padding: a plain matrix product.
func (g *cvGeom) pointwise() bool {
	return g.taps == 1 && g.s == [3]int{1, 1, 1} && g.pad == [3]int{} && g.in == g.out
}

// depthwise reports one input channel per group (and more than one group), which runs as
// direct loops.
func (g *cvGeom) depthwise() bool { return g.inG == 1 && g.groups > 1 }

// unitStride reports stride 1 in every dimension.
func (g *cvGeom) unitStride() bool { return g.s == [3]int{1, 1, 1} }

// flops is the work of the whole convolution.
func (g *cvGeom) flops() float64 {
	return 2 * float64(g.n) * float64(g.outSp) * float64(g.cout) * float64(g.kdim)
}

// outPos returns the spatial coordinates of flattened output position p.
func (g *cvGeom) outPos(p int) [3]int {
	return [3]int{p / (g.out[1] * g.out[2]), p / g.out[2] % g.out[1], p % g.out[2]}
}

// cvTapRange returns the kernel positions [lo, hi) of one dimension that read inside an input of
// size in when the window starts at b with dilation d and k taps.
func cvTapRange(b, d, k, in int) (lo, hi int) {
	if b < 0 {
		lo = (-b + d - 1) / d
	}
	if in-b <= 0 {
		return 0, 0
	}
	hi = min(k, (in-b+d-1)/d)
	return min(lo, hi), hi
}

// cvOutRange returns the output positions [lo, hi) of one dimension, among n, whose input
// position o·s + c lies in [0, in).
func cvOutRange(c, s, in, n int) (lo, hi int) {
	if c < 0 {
		lo = (-c + s - 1) / s
	}
	if in-c <= 0 {
		return 0, 0
	}
	hi = min(n, (in-c+s-1)/s)
	return min(lo, hi), hi
}

// tilePixels returns how many output pixels one tile holds so that its column buffer of
// kdim elements per pixel stays in the L2 cache, and at least a few micro-kernel rows.
func (g *cvGeom) tilePixels(target int) int {
	p := max(target/max(g.kdim, 1), 16)
	if p >= g.outSp {
		return g.outSp
	}
	// Split the image evenly rather than leave a thin last tile.
	t := cvCeilDiv(g.outSp, p)
	return cvCeilDiv(g.outSp, t)
}

// cvColTarget is the number of column-buffer elements a tile aims at: 1 MiB of float32.
const cvColTarget = 1 << 18

func cvCeilDiv(a, b int) int { return (a + b - 1) / b }

// cvGrain returns the number of jobs of jobFlops each worth one thread.
func cvGrain(jobFlops float64) int {
	return max(1, int(cvMinParFlops/max(jobFlops, 1)))
}

// cvForJobs runs jobs [0, jobs) on the workers that jobs of jobFlops each are worth, each
// worker claiming more jobs as it finishes the last rather than taking a fixed share: on a
// machine shared with other processes one thread often runs slower than the rest, and a fixed
// share would make the whole call wait for it. work is called once per worker with next, which
// returns the next job the worker owns (false when none is left), so that per-worker buffers are
// set up once. Jobs come in groups of group consecutive ones that share setup (the bands of one
// image, which is bordered once per group); whole groups are claimed when there are enough of
// them to go round (four per worker), single jobs otherwise. Only for jobs whose results do not
// depend on which worker runs them (no shared accumulators): the assignment varies by call.
func cvForJobs(jobs, group int, jobFlops float64, work func(next func() (int, bool))) {
	chunks := parallel.Chunks(parallel.Workers(), jobs, cvGrain(jobFlops))
	if chunks == 1 {
		j := 0
		work(func() (int, bool) { j++; return j - 1, j <= jobs })
		return
	}
	if group < 1 || jobs/group < 4*chunks {
		group = 1
	}
	var claimed atomic.Int64
	parallel.For(chunks, 1, func(lo, hi int) {
		for range hi - lo {
			j, end := 0, 0 // jobs [j, end) claimed and not yet run
			work(func() (int, bool) {
				if j == end {
					j = int(claimed.Add(int64(group))) - group
					end = min(j+group, jobs)
				}
				if j >= end {
					return 0, false
				}
				j++
				return j - 1, true
			})
		}
	})
}

// cvForward computes y = conv(x, w), writing every element of y whatever it held: the paths
// that add into y or skip elements (the depthwise loops skip the padding) clear it first, so
// that the graph executor need not.
func cvForward[T cvFloat](y, x, w []T, g *cvGeom) {
	switch {
	case g.empty():
		clear(y)
		return
	case g.depthwise():
		clear(y)
		cvDepthwiseForward(y, x, w, g)
		return
	case g.pointwise():
		cvPointwiseForward(y, x, w, g)
		return
	}
	if uk := cvUKernelOf[T](); uk != nil && g.directFits() {
		if _, ok := g.rowPanels(uk.mr); ok && cvRowPath && g.rowsFit(uk.mr) {
			cvForwardRows(y, x, w, g, uk)
		} else {
			cvForwardDirect(y, x, w, g, uk)
		}
		return
	}
	P := g.tilePixels(cvColTarget)
	tiles := cvCeilDiv(g.outSp, P)
	jobs := g.n * tiles
	cvForJobs(jobs, 1, 2*float64(P*g.kdim*g.cout), func(next func() (int, bool)) {
		col := cvGetBuf[T](P * g.kdim)
		for j, ok := next(); ok; j, ok = next() {
			n, t := j/tiles, j%tiles
			p0 := t * P
			cvForwardTile(y, x, w, col, g, n, p0, min(p0+P, g.outSp))
		}
		cvPutBuf(col)
	})
}

// cvForwardTile computes output pixels [p0, p1) of batch entry n, every group.
func cvForwardTile[T cvFloat](y, x, w, col []T, g *cvGeom, n, p0, p1 int) {
	P, K := p1-p0, g.kdim
	for grp := range g.groups {
		if g.last {
			xb := n*g.inSp*g.cin + grp*g.inG
			cvIm2row(col, x, g, xb, p0, p1, false)
			cvGemm(false, false, P, g.outG, K, col, K, w[grp*g.outG:], g.cout, 0,
				y[(n*g.outSp+p0)*g.cout+grp*g.outG:], g.cout)
			continue
		}
		xb := (n*g.cin + grp*g.inG) * g.inSp
		cvIm2col(col, x, g, xb, p0, p1, false)
		cvGemm(false, false, g.outG, P, K, w[grp*g.outG*K:], K, col, P, 0,
			y[(n*g.cout+grp*g.outG)*g.outSp+p0:], g.outSp)
	}
}

// cvPointwiseForward computes a 1×1 convolution as matrix products on the data itself.
func cvPointwiseForward[T cvFloat](y, x, w []T, g *cvGeom) {
	for grp := range g.groups {
		if g.last {
			// [n·pixels, inG] (row stride cin) × [inG, outG] (row stride cout).
			cvGemm(false, false, g.n*g.inSp, g.outG, g.inG, x[grp*g.inG:], g.cin, w[grp*g.outG:], g.cout, 0,
				y[grp*g.outG:], g.cout)
			continue
		}
		// Per batch entry: [outG, inG] × [inG, pixels].
		cvGemmBatched(false, false, g.n, g.outG, g.inSp, g.inG, w[grp*g.outG*g.inG:], g.inG, 0,
			x[grp*g.inG*g.inSp:], g.inSp, g.cin*g.inSp, y[grp*g.outG*g.outSp:], g.outSp, g.cout*g.outSp)
	}
}

// cvBackwardInput computes dx = convᵀ(dy, w), the gradient of the convolution g with
// respect to its input (and the transposed convolution of dy), writing every element of dx as
// cvForward does y.
func cvBackwardInput[T cvFloat](dx, dy, w []T, g *cvGeom) {
	switch {
	case g.empty():
		clear(dx)
		return
	case g.depthwise():
		clear(dx)
		cvDepthwiseBackwardInput(dx, dy, w, g)
		return
	case g.unitStride():
		// dx[i] = Σ_k dy[i + pad − k·d]·w[k]: the forward convolution of dy with the filter
		// flipped in space and with its channels swapped, padded (k−1)·d − pad in front.
		f := g.flipped()
		wf := cvGetBuf[T](len(w))
		cvFlipFilter(wf, w, g)
		cvForward(dx, dy, wf, f)
		cvPutBuf(wf)
		return
	}
	P := g.tilePixels(cvColTarget)
	tiles := cvCeilDiv(g.outSp, P)
	// Tiles of one batch entry fold into overlapping parts of dx: threads split batch entries.
	clear(dx)
	parallel.For(g.n, cvGrain(g.flops()/float64(g.n)), func(lo, hi int) {
		col := cvGetBuf[T](P * g.kdim)
		for n := lo; n < hi; n++ {
			for t := range tiles {
				p0 := t * P
				cvBackwardInputTile(dx, dy, w, col, g, n, p0, min(p0+P, g.outSp))
			}
		}
		cvPutBuf(col)
	})
}

// cvBackwardInputTile folds the column gradient of output pixels [p0, p1) of batch entry n into
// dx.
func cvBackwardInputTile[T cvFloat](dx, dy, w, col []T, g *cvGeom, n, p0, p1 int) {
	P, K := p1-p0, g.kdim
	for grp := range g.groups {
		if g.last {
			// col[P, K] = dy[P, outG] · w[K, outG]ᵀ.
			cvGemm(false, true, P, K, g.outG, dy[(n*g.outSp+p0)*g.cout+grp*g.outG:], g.cout, w[grp*g.outG:], g.cout, 0, col, K)
			cvIm2row(col, dx, g, n*g.inSp*g.cin+grp*g.inG, p0, p1, true)
			continue
		}
		// col[K, P] = w[outG, K]ᵀ · dy[outG, P].
		cvGemm(true, false, K, P, g.outG, w[grp*g.outG*K:], K, dy[(n*g.cout+grp*g.outG)*g.outSp+p0:], g.outSp, 0, col, P)
		cvIm2col(col, dx, g, (n*g.cin+grp*g.inG)*g.inSp, p0, p1, true)
	}
}

// flipped returns the forward convolution that computes g's input gradient when g has stride
// 1: input and output swapped, the same kernel and dilation, padding (k−1)·d − pad in front
// (negative when the padding exceeds the kernel's span, which only shifts the window).
func (g *cvGeom) flipped() *cvGeom {
	f := &cvGeom{n: g.n, groups: g.groups, inG: g.outG, outG: g.inG, in: g.out, out: g.in, k: g.k,
		s: g.s, d: g.d, last: g.last}
	for i := range f.pad {
		f.pad[i] = (g.k[i]-1)*g.d[i] - g.pad[i]
	}
	f.init()
	return f
}

// cvFlipFilter writes into wf the filter of g.flipped(): w reversed in space with the input and
// output channels of each group swapped, in the same layout.
func cvFlipFilter[T cvFloat](wf, w []T, g *cvGeom) {
	taps, inG, outG := g.taps, g.inG, g.outG
	for t := range taps {
		tf := taps - 1 - t
		for grp := range g.groups {
			for ci := range inG {
				for co := range outG {
					if g.last {
						// HWIO: w[t][ci][grp·outG+co] → wf[tf][co][grp·inG+ci].
						wf[(tf*outG+co)*g.cin+grp*inG+ci] = w[(t*inG+ci)*g.cout+grp*outG+co]
					} else {
						// OIHW: w[grp·outG+co][ci][t] → wf[grp·inG+ci][co][tf].
						wf[((grp*inG+ci)*outG+co)*taps+tf] = w[((grp*outG+co)*inG+ci)*taps+t]
					}
				}
			}
		}
	}
}

// cvBackwardFilter computes dw, the gradient of the convolution g with respect to its filter
// for input x and output gradient dy, writing every element of dw as cvForward does y.
func cvBackwardFilter[T cvFloat](dw, x, dy []T, g *cvGeom) {
	switch {
	case g.empty():
		clear(dw)
		return
	case g.depthwise():
		clear(dw)
		cvDepthwiseBackwardFilter(dw, x, dy, g)
		return
	case g.pointwise() && g.last:
		for grp := range g.groups {
			// dw[inG, outG] = x[n·pixels, inG]ᵀ · dy[n·pixels, outG].
			cvGemm(true, false, g.inG, g.outG, g.n*g.inSp, x[grp*g.inG:], g.cin, dy[grp*g.outG:], g.cout, 0,
				dw[grp*g.outG:], g.cout)
		}
		return
	}
	// The work is a list of jobs (batch entries and parts of their output) of one of the paths;
	// each chunk of jobs sums into its own filter-sized accumulator (the first into dw itself,
	// cleared: it is the size of the filter), and the accumulators are added at the end.
	clear(dw)
	var jobs int
	var work func(acc []T, j0, j1 int)
	uk := cvUKernelOf[T]()
	switch {
	case uk != nil && g.directFits() && g.s[1] == 1 && cvRowPath && g.rowsFit(uk.mr):
		jobs, _ = g.cvFilterRowsJobs(uk.mr)
		work = func(acc []T, j0, j1 int) { cvFilterRows(acc, x, dy, g, uk, j0, j1) }
	case uk != nil && g.directFits():
		jobs, _ = g.cvFilterDirectJobs()
		work = func(acc []T, j0, j1 int) { cvFilterDirect(acc, x, dy, g, uk, j0, j1) }
	default:
		P := g.tilePixels(cvColTarget)
		tiles := cvCeilDiv(g.outSp, P)
		jobs = g.n * tiles
		work = func(acc []T, j0, j1 int) {
			col := cvGetBuf[T](P * g.kdim)
			for j := j0; j < j1; j++ {
				n, p0 := j/tiles, j%tiles*P
				cvFilterTile(acc, x, dy, col, g, n, p0, min(p0+P, g.outSp))
			}
			cvPutBuf(col)
		}
	}
	chunks := parallel.Chunks(parallel.Workers(), jobs, cvGrain(g.flops()/float64(jobs)))
	accs := make([][]T, chunks)
	parallel.For(chunks, 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			acc := dw
			if c > 0 {
				acc = cvGetBuf[T](len(dw))
				clear(acc)
				accs[c] = acc
			}
			work(acc, c*jobs/chunks, (c+1)*jobs/chunks)
		}
	})
	for _, acc := range accs[min(1, chunks):] {
		for i, v := range acc {
			dw[i] += v
		}
		cvPutBuf(acc)
	}
}

// cvFilterTile adds the filter gradient of output pixels [p0, p1) of batch entry n to dw.
func cvFilterTile[T cvFloat](dw, x, dy, col []T, g *cvGeom, n, p0, p1 int) {
	P, K := p1-p0, g.kdim
	for grp := range g.groups {
		if g.last {
			cvIm2row(col, x, g, n*g.inSp*g.cin+grp*g.inG, p0, p1, false)
			// dw[K, outG] += col[P, K]ᵀ · dy[P, outG].
			cvGemm(true, false, K, g.outG, P, col, K, dy[(n*g.outSp+p0)*g.cout+grp*g.outG:], g.cout, 1,
				dw[grp*g.outG:], g.cout)
			continue
		}
		cvIm2col(col, x, g, (n*g.cin+grp*g.inG)*g.inSp, p0, p1, false)
		// dw[outG, K] += dy[outG, P] · col[K, P]ᵀ.
		cvGemm(false, true, g.outG, K, P, dy[(n*g.cout+grp*g.outG)*g.outSp+p0:], g.outSp, col, P, 1,
			dw[grp*g.outG*K:], K)
	}
}
