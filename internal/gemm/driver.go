package gemm

import "unsafe"

// Thresholds that pick a path for a call.
const (
	// smallWork is the largest m*n*k computed by the direct loops; above it
	// packing pays for itself.
	smallWork = 8 * 8 * 8
	// minThreadFlops is the least work (2*m*n*k) worth giving one more
	// thread: below it waking a worker costs more than it saves.
	minThreadFlops = 1 << 22
	// minSlab is the least number of rows (or columns) of C worth a thread.
	minSlab = 16
)

// run computes the product with kernel kn on up to threads goroutines
// (threads <= 0: Threads(), asked only when the product is large enough to
// care). The arguments have been checked.
func (p *problem[T]) run(kn *kernel[T], threads int) {
	if p.m == 0 || p.n == 0 {
		return
	}
	if p.k == 0 || p.alpha == 0 {
		scaleC(p.c, p.ldc, 0, p.m, 0, p.n, p.beta)
		p.finished(0, p.m, 0, p.n)
		return
	}
	if p.m == 1 || p.n == 1 || int64(p.m)*int64(p.n)*int64(p.k) <= smallWork {
		p.direct(kn)
		p.finished(0, p.m, 0, p.n)
		return
	}
	if threads <= 0 {
		threads = Threads()
	}
	if p.transposes(kn) {
		p.transposed(kn, threads)
		p.finished(0, p.m, 0, p.n)
		return
	}
	p.packed(kn, threads)
}

// packed computes the product with the packed, blocked algorithm on up to threads goroutines.
func (p *problem[T]) packed(kn *kernel[T], threads int) {
	t := p.threadsFor(threads)
	if t <= 1 {
		p.blocked(kn, 0, p.m, 0, p.n)
		return
	}
	p.parallel(kn, t)
}

// threadsFor returns how many threads the product deserves, at most threads:
// one per minThreadFlops of work, and no slab thinner than minSlab.
func (p *problem[T]) threadsFor(threads int) int {
	flops := 2 * float64(p.m) * float64(p.n) * float64(p.k)
	t := min(threads, int(flops/minThreadFlops), max(p.m, p.n)/minSlab)
	return max(1, t)
}

// blocked computes rows [i0, i1) and columns [j0, j1) of C with the packed,
// cache-blocked algorithm on the calling goroutine.
func (p *problem[T]) blocked(kn *kernel[T], i0, i1, j0, j1 int) {
	if i0 >= i1 || j0 >= j1 {
		return
	}
	if p.beta != 0 && p.beta != 1 {
		scaleC(p.c, p.ldc, i0, i1, j0, j1, p.beta)
	}
	mc := p.blockRows(kn, i1-i0, min(kn.nc, j1-j0))
	mcMax := min(mc, roundUp(i1-i0, kn.mr))
	ncMax := min(kn.nc, roundUp(j1-j0, kn.nr))
	kcMax := min(kn.kc, p.k)
	ws := getWorkspace[T](mcMax*kcMax, kcMax*ncMax, kn.mr*kn.nr)
	defer putWorkspace(ws)
	for jc := j0; jc < j1; jc += kn.nc {
		nb := min(kn.nc, j1-jc)
		for pc := 0; pc < p.k; pc += kn.kc {
			kb := min(kn.kc, p.k-pc)
			// The first k block overwrites C when beta is 0, so NaNs in C
			// are ignored; the others add to it.
			accumulate := pc > 0 || p.beta != 0
			packB(ws.b, p, kn, pc, kb, jc, nb)
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				packA(ws.a, p, kn, ic, mb, pc, kb)
				p.macro(kn, ws.a, ws.b, ws.tile, ic, mb, jc, nb, kb, accumulate)
				if pc+kb == p.k {
					p.finished(ic, ic+mb, jc, jc+nb)
				}
			}
		}
	}
}

// blockRows returns the rows of the blocks of A (and C) that the blocked algorithm computes at
// a time, out of m rows, for blocks of C nb wide: kn.mc, or fewer when the rows take several
// blocks anyway and k is short enough for a block of A of at least minL1Tiles tiles to stay in
// L1 beside the micro-panel of B it meets (l1Block bytes), the panel of B staying in L2
// (l2Panel bytes) while the blocks of A go past it: the weight gradient of an MLP layer, xᵀ·dy
// with k the batch, gains 3%. The blocks start at whole tiles either way, so the values do not
// change.
func (p *problem[T]) blockRows(kn *kernel[T], m, nb int) int {
	mc := kn.mc
	var zero T
	size := int(unsafe.Sizeof(zero))
	kb := min(kn.kc, p.k)
	rows := l1Block / (kb * size) / kn.mr * kn.mr
	if m > kn.mc && rows >= minL1Tiles*kn.mr && kb*nb*size <= l2Panel {
		mc = min(mc, rows)
	}
	return mc
}

// Block sizes of products with a short k (see blockRows).
const (
	l1Block    = 32 << 10
	l2Panel    = 512 << 10
	minL1Tiles = 4
)

// macro runs the micro-kernel over every tile of the mb×nb block of C at
// (ic, jc), from the packed block of A in pa and panel of B in pb, with tile
// as scratch for edge tiles. Inner loop over A's panels, so that one panel
// of B stays in L1 while A streams from L2.
func (p *problem[T]) macro(kn *kernel[T], pa, pb, tile []T, ic, mb, jc, nb, kb int, accumulate bool) {
	mr, nr, ldc := kn.mr, kn.nr, p.ldc
	for jr := 0; jr < nb; jr += nr {
		bp := pb[(jr/nr)*kb*nr:]
		cols := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			ap := pa[(ir/mr)*kb*mr:]
			rows := min(mr, mb-ir)
			c := p.c[(ic+ir)*ldc+jc+jr:]
			if rows == mr && cols == nr {
				kn.fn(kb, ap, bp, c, ldc, accumulate)
				continue
			}
			if kn.edge != nil {
				kn.edge(kb, ap, bp, c, ldc, accumulate, rows, 1<<uint(cols)-1)
				continue
			}
			// Edge tile: compute the whole tile aside, keep the valid part.
			kn.fn(kb, ap, bp, tile, nr, false)
			mergeTile(c, ldc, tile, nr, rows, cols, accumulate)
		}
	}
}

// mergeTile stores (or adds) the rows×cols corner of tile, whose row stride
// is nr, into c.
func mergeTile[T float](c []T, ldc int, tile []T, nr, rows, cols int, accumulate bool) {
	for i := 0; i < rows; i++ {
		dst := c[i*ldc : i*ldc+cols]
		src := tile[i*nr : i*nr+cols]
		if !accumulate {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] += v
		}
	}
}

// scaleC multiplies rows [i0, i1) and columns [j0, j1) of C by beta; with
// beta 0 it zeroes them, NaNs included.
func scaleC[T float](c []T, ldc, i0, i1, j0, j1 int, beta T) {
	if beta == 1 {
		return
	}
	for i := i0; i < i1; i++ {
		row := c[i*ldc+j0 : i*ldc+j1]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
