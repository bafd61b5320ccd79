package cpu

// The row path of the channels-last convolutions, used where rows of output pixels split evenly
// into micro-panels: the input is packed one image row at a time, and the packed row serves
// every kernel row (and every output row) that reads it, so each input element is packed K1
// times fewer than by unfolding each output pixel's window (for a 3×3 kernel, 3 copies instead
// of 9). With a kernel row's taps adjacent in depth (dilation 1 along rows), the packed rows an
// output row reads are also adjacent, and one micro-kernel call spans the whole 2D kernel.
//
// Forward, for the micro-panel of output pixels j of an output row: A = the packed image rows
// Q[j][k0][e1] (each D2 = K2·inG deep: taps of the row, then channels), B = the filter packed
// once. Filter gradient (stride 1 along rows): A = the image rows packed across, K-panels of
// D2 deep and output pixels along the depth, B = dy packed over the band of output rows.

// cvRowRun is a stretch of one image row's depth (D2 = K2·inG, ordered (k2, channel)) that reads
// adjacent image elements: all of it with dilation 1 and one group, else the channels of a tap.
type cvRowRun struct {
	k, n int // depth positions [k, k+n)
	off  int // image offset from the pixel's window origin in the row (group's channel excluded)
}

func cvRowRunsOf(g *cvGeom) []cvRowRun {
	if g.d[2] == 1 && g.inG == g.cin {
		return []cvRowRun{{0, g.k[2] * g.inG, 0}}
	}
	runs := make([]cvRowRun, g.k[2])
	for k2 := range runs {
		runs[k2] = cvRowRun{k2 * g.inG, g.inG, k2 * g.d[2] * g.cin}
	}
	return runs
}

// rowPanels reports the micro-panels per output row and whether the row path pays: rows split
// into panels whose empty rows are at most 30% of the full ones. The pixel-panel path wastes
// no rows, but its panels wrap from one output row to the next and are unfolded twice; the row
// path still runs a quarter faster with 11 pixels in panels of 14 (mnist_convnet's second
// layer, measured per CPU second on one thread).
func (g *cvGeom) rowPanels(mr int) (npr int, ok bool) {
	npr = cvCeilDiv(g.out[2], mr)
	return npr, (npr*mr-g.out[2])*10 <= g.out[2]*3
}

// rowsFit reports whether one output row's packed image rows (a band of one row) fit in a
// few MiB, so that very long rows (1D signals) take the pixel-panel path instead.
func (g *cvGeom) rowsFit(mr int) bool {
	rows := g.k[0] * ((g.k[1]-1)*g.d[1] + 1)
	return cvCeilDiv(g.out[2], mr)*mr*g.k[2]*g.inG*rows <= 1<<20
}

// bandRows returns how many output rows of dimension 1 a band holds so that its packed image
// rows (perRow elements each) take about cvTileElems·4 elements.
func (g *cvGeom) bandRows(perRow int) int {
	r := (4*cvTileElems/max(perRow*g.k[0], 1) - (g.k[1]-1)*g.d[1]) / g.s[1]
	return min(max(r, 1), g.out[1])
}

// cvForwardRows computes the channels-last convolution y = conv(x, w) on the row path.
func cvForwardRows[T cvFloat](y, x, w []T, g *cvGeom, uk *cvUKernel[T]) {
	K, mr, nr := g.kdim, uk.mr, uk.nr
	npan := cvCeilDiv(g.outG, nr)
	npr, _ := g.rowPanels(mr)
	D2 := g.k[2] * g.inG
	bp := cvGetBuf[T](g.groups * K * npan * nr)
	cvPackFilter(bp, w, g, uk, K)
	R := g.bandRows(npr * D2 * mr)
	bands := cvCeilDiv(g.out[1], R)
	span := (R-1)*g.s[1] + (g.k[1]-1)*g.d[1] + 1 // image rows of a band
	jobs := g.n * g.out[0] * bands
	cvForJobs(jobs, g.out[0]*bands, g.flops()/float64(jobs), func(next func() (int, bool)) {
		q := cvGetBuf[T](npr * g.k[0] * span * D2 * mr)
		var xp []T
		if g.bordered() {
			xp = cvGetBuf[T](g.imageSize())
		}
		runs := cvRowRunsOf(g)
		var im cvImage[T]
		last := -1
		for j, ok := next(); ok; j, ok = next() {
			n, o0, b := j/(g.out[0]*bands), j/bands%g.out[0], j%bands
			if n != last {
				im, last = cvImageOf(x, xp, g, n), n
			}
			o1a, o1b := b*R, min((b+1)*R, g.out[1])
			for grp := range g.groups {
				used := (o1b-o1a-1)*g.s[1] + (g.k[1]-1)*g.d[1] + 1
				cvPackImageRows(q, im, runs, g, uk, grp*g.inG, o0, o1a*g.s[1], span, used)
				cvRowsForward(y[(n*g.outSp)*g.cout+grp*g.outG:], q, bp[grp*K*npan*nr:], g, uk, o0, o1a, o1b, span)
			}
		}
		cvPutBuf(q)
		if xp != nil {
			cvPutBuf(xp)
		}
	})
	cvPutBuf(bp)
}

// cvPackImageRows packs, for output plane o0, image rows [e1a, e1a+used) of every kernel plane
// k0 into q, laid out [panel j][k0][row (span of them)][D2][mr]: panel j holds output pixels
// [j·mr, j·mr+mr) of a row, transposed run by run from the image (pixels are s2·cin apart).
func cvPackImageRows[T cvFloat](q []T, im cvImage[T], runs []cvRowRun, g *cvGeom, uk *cvUKernel[T], goff, o0, e1a, span, used int) {
	mr := uk.mr
	D2 := g.k[2] * g.inG
	npr := cvCeilDiv(g.out[2], mr)
	ld := g.s[2] * g.cin
	for j := range npr {
		rows := min(mr, g.out[2]-j*mr)
		rm, wm, two := uk.masks(rows, mr)
		for k0 := range g.k[0] {
			e0 := o0*g.s[0] + k0*g.d[0]
			for r := range used {
				dst := q[((j*g.k[0]+k0)*span+r)*D2*mr:]
				src := ((e0*im.e1+e1a+r)*im.e2+j*mr*g.s[2])*g.cin + goff
				for _, ru := range runs {
					uk.packT(dst[ru.k*mr:], im.data[src+ru.off:], ld, ru.n, rm, wm, two, 1)
				}
			}
		}
	}
}

// cvRowsForward computes output rows [o1a, o1b) of plane o0 (y at the batch entry and group)
// from the packed rows q (image rows from o1a·s1 on) and the group's packed filter bp.
func cvRowsForward[T cvFloat](y, q, bp []T, g *cvGeom, uk *cvUKernel[T], o0, o1a, o1b, span int) {
	mr, nr, K := uk.mr, uk.nr, g.kdim
	D2 := g.k[2] * g.inG
	npr := cvCeilDiv(g.out[2], mr)
	// Kernel planes and rows that read padding are left out: their packed rows are zeros.
	k0lo, k0hi := cvTapRange(o0*g.s[0]-g.pad[0], g.d[0], g.k[0], g.in[0])
	for o1 := o1a; o1 < o1b; o1++ {
		r0 := (o1 - o1a) * g.s[1]
		k1lo, k1hi := cvTapRange(o1*g.s[1]-g.pad[1], g.d[1], g.k[1], g.in[1])
		// Depth segments of one tile: per kernel plane, the kernel rows in one call when their
		// packed image rows are adjacent (dilation 1), else one call per kernel row.
		seg, nseg := D2, k1hi-k1lo
		if g.d[1] == 1 {
			seg, nseg = (k1hi-k1lo)*D2, min(k1hi-k1lo, 1)
		}
		for j := range npr {
			rows := min(mr, g.out[2]-j*mr)
			c0 := ((o0*g.out[1]+o1)*g.out[2] + j*mr) * g.cout
			qj := q[j*g.k[0]*span*D2*mr:]
			for jr := 0; jr < g.outG; jr += nr {
				cols := min(nr, g.outG-jr)
				c := y[c0+jr:]
				b := bp[jr*K:]
				acc := false
				for k0 := k0lo; k0 < k0hi; k0++ {
					for s := range nseg {
						k1 := k1lo + s
						a := qj[((k0*span+r0+k1*g.d[1])*D2)*mr:]
						bs := b[((k0*g.k[1]+k1)*D2)*nr:]
						for d := 0; d < seg; d += cvMaxDepth {
							dk := min(cvMaxDepth, seg-d)
							if rows == mr && cols == nr {
								uk.fn(dk, a[d*mr:], bs[d*nr:], c, g.cout, acc)
							} else {
								uk.edge(dk, a[d*mr:], bs[d*nr:], c, g.cout, acc, rows, 1<<uint(cols)-1)
							}
							acc = true
						}
					}
				}
				if !acc {
					// A window entirely in the padding: its outputs are zeros, written here so
					// that the output need not be cleared beforehand.
					for r := range rows {
						clear(c[r*g.cout : r*g.cout+cols])
					}
				}
			}
		}
	}
}

// cvFilterRowsJobs returns the jobs of cvFilterRows, (batch entry, output plane, band of
// output rows) triples, and the band's rows.
func (g *cvGeom) cvFilterRowsJobs(mr int) (jobs, R int) {
	kp := 0 // K-panels of one image row's depth
	for _, ru := range cvRowRunsOf(g) {
		kp += cvCeilDiv(ru.n, mr)
	}
	R = g.bandRows(kp * mr * g.out[2])
	return g.n * g.out[0] * cvCeilDiv(g.out[1], R), R
}

// cvFilterRows computes the channels-last filter gradient dw += unfold(x)ᵀ·dy for jobs [j0, j1)
// (see cvFilterRowsJobs) on the row path; g has stride 1 along dimension 1.
func cvFilterRows[T cvFloat](dw, x, dy []T, g *cvGeom, uk *cvUKernel[T], j0, j1 int) {
	mr, nr := uk.mr, uk.nr
	npan := cvCeilDiv(g.outG, nr)
	runs := cvRowRunsOf(g)
	kp := 0
	for _, ru := range runs {
		kp += cvCeilDiv(ru.n, mr)
	}
	_, R := g.cvFilterRowsJobs(mr)
	bands := cvCeilDiv(g.out[1], R)
	span := R + (g.k[1]-1)*g.d[1]
	pr := cvGetBuf[T](kp * g.k[0] * span * g.out[2] * mr)
	bp := cvGetBuf[T](R * g.out[2] * npan * nr)
	var xp []T
	if g.bordered() {
		xp = cvGetBuf[T](g.imageSize())
	}
	var im cvImage[T]
	last := -1
	for j := j0; j < j1; j++ {
		n, o0, o1a := j/(g.out[0]*bands), j/bands%g.out[0], j%bands*R
		if n != last {
			im, last = cvImageOf(x, xp, g, n), n
		}
		o1b := min(o1a+R, g.out[1])
		depth := (o1b - o1a) * g.out[2]
		for grp := range g.groups {
			for jp := range npan {
				cols := min(nr, g.outG-jp*nr)
				rm, wm, two := uk.masks(cols, nr)
				src := (n*g.outSp+(o0*g.out[1]+o1a)*g.out[2])*g.cout + grp*g.outG + jp*nr
				uk.packN(bp[jp*depth*nr:], dy[src:], g.cout, depth, rm, wm, two, 1)
			}
			cvPackImageCols(pr, im, runs, g, uk, grp*g.inG, o0, o1a, span, o1b-o1a+(g.k[1]-1)*g.d[1])
			cvRowsFilter(dw[grp*g.outG:], pr, bp, runs, g, uk, o0, o1a, o1b, span)
		}
	}
	cvPutBuf(pr)
	cvPutBuf(bp)
	if xp != nil {
		cvPutBuf(xp)
	}
}

// cvPackImageCols packs image rows [o1a, o1a+used) of each kernel plane k0 of output plane o0
// into pr, laid out [K-panel][k0][row (span of them)][output pixel][mr]: a K-panel is mr
// consecutive depth positions of a run, and each output pixel of a row is one step.
func cvPackImageCols[T cvFloat](pr []T, im cvImage[T], runs []cvRowRun, g *cvGeom, uk *cvUKernel[T], goff, o0, o1a, span, used int) {
	mr, w := uk.mr, g.out[2]
	ld := g.s[2] * g.cin
	p := 0
	for _, ru := range runs {
		for i := 0; i < ru.n; i += mr {
			rm, wm, two := uk.masks(min(mr, ru.n-i), mr)
			for k0 := range g.k[0] {
				e0 := o0*g.s[0] + k0*g.d[0]
				for r := range used {
					dst := pr[(((p*g.k[0])+k0)*span+r)*w*mr:]
					src := ((e0*im.e1+o1a+r)*im.e2)*g.cin + goff + ru.off + i
					uk.packN(dst, im.data[src:], ld, w, rm, wm, two, 1)
				}
			}
			p++
		}
	}
}

// cvRowsFilter adds to dw (at the group's first output channel) the products of the packed
// image rows pr and the packed dy panels bp over output rows [o1a, o1b) of plane o0.
func cvRowsFilter[T cvFloat](dw, pr, bp []T, runs []cvRowRun, g *cvGeom, uk *cvUKernel[T], o0, o1a, o1b, span int) {
	mr, nr, w := uk.mr, uk.nr, g.out[2]
	D2 := g.k[2] * g.inG
	depth := (o1b - o1a) * w
	// Kernel planes, and output rows of each kernel row, that read padding are left out: their
	// packed rows are zeros.
	k0lo, k0hi := cvTapRange(o0*g.s[0]-g.pad[0], g.d[0], g.k[0], g.in[0])
	p := 0
	for _, ru := range runs {
		for i := 0; i < ru.n; i += mr {
			rows := min(mr, ru.n-i)
			for k0 := k0lo; k0 < k0hi; k0++ {
				for k1 := range g.k[1] {
					// Output row o1 reads image row o1 + k1·d1 (stride 1), input row o1 + k1·d1 − pad.
					lo, hi := max(o1a, g.pad[1]-k1*g.d[1]), min(o1b, g.in[1]+g.pad[1]-k1*g.d[1])
					if lo >= hi {
						continue
					}
					off := (lo - o1a) * w
					a := pr[((((p*g.k[0])+k0)*span+k1*g.d[1])*w+off)*mr:]
					c := dw[((k0*g.k[1]+k1)*D2+ru.k+i)*g.cout:]
					n := (hi - lo) * w
					for jr := 0; jr < g.outG; jr += nr {
						cols := min(nr, g.outG-jr)
						b := bp[(jr*depth + off*nr):]
						for d := 0; d < n; d += cvMaxDepth {
							dk := min(cvMaxDepth, n-d)
							if rows == mr && cols == nr {
								uk.fn(dk, a[d*mr:], b[d*nr:], c[jr:], g.cout, true)
							} else {
								uk.edge(dk, a[d*mr:], b[d*nr:], c[jr:], g.cout, true, rows, 1<<uint(cols)-1)
							}
						}
					}
				}
			}
			p++
		}
	}
}
