package cpu

// Unfolding a tile of output pixels into GEMM columns (im2col) and folding column gradients
// back (col2im, the adjoint: the same walk with the copy reversed into an addition). Each copy
// moves a contiguous run: channels (channels last) or a row of output pixels (channels first).

// cvIm2row unfolds output pixels [p0, p1) of the channels-last input x (xb: the offset of the
// batch entry and group) into col, one row of kdim = taps·inG elements per pixel, ordered
// (tap, channel) like an HWIO filter's rows; positions in the padding are zeros. With add it
// runs the other way: x += the rows of col, and padding positions are dropped.
func cvIm2row[T cvFloat](col, x []T, g *cvGeom, xb, p0, p1 int, add bool) {
	K := g.kdim
	o := g.outPos(p0)
	for p := p0; p < p1; p++ {
		row := col[(p-p0)*K : (p-p0+1)*K]
		cvPixelRow(row, x, g, xb, o, add)
		if o[2]++; o[2] == g.out[2] {
			o[2] = 0
			if o[1]++; o[1] == g.out[1] {
				o[1] = 0
				o[0]++
			}
		}
	}
}

// cvPixelRow unfolds (or, with add, folds back) the window of output position o.
func cvPixelRow[T cvFloat](row, x []T, g *cvGeom, xb int, o [3]int, add bool) {
	inG, cin := g.inG, g.cin
	cvRun := g.k[2] * inG // one (k0, k1) row of taps
	b0, b1, b2 := o[0]*g.s[0]-g.pad[0], o[1]*g.s[1]-g.pad[1], o[2]*g.s[2]-g.pad[2]
	lo2, hi2 := cvTapRange(b2, g.d[2], g.k[2], g.in[2])
	// With dilation 1 and one group, the taps of a kernel row read consecutive pixels: one run.
	joined := g.d[2] == 1 && inG == cin
	j := 0
	for k0 := range g.k[0] {
		i0 := b0 + k0*g.d[0]
		if i0 < 0 || i0 >= g.in[0] {
			if !add {
				clear(row[j : j+g.k[1]*cvRun])
			}
			j += g.k[1] * cvRun
			continue
		}
		for k1 := range g.k[1] {
			i1 := b1 + k1*g.d[1]
			seg := row[j : j+cvRun]
			j += cvRun
			if i1 < 0 || i1 >= g.in[1] || lo2 == hi2 {
				if !add {
					clear(seg)
				}
				continue
			}
			if !add {
				clear(seg[:lo2*inG])
				clear(seg[hi2*inG:])
			}
			xr := xb + ((i0*g.in[1]+i1)*g.in[2]+b2)*cin
			if joined {
				cvMoveRun(seg[lo2*inG:hi2*inG], x[xr+lo2*cin:xr+hi2*cin], add)
				continue
			}
			for k2 := lo2; k2 < hi2; k2++ {
				xo := xr + k2*g.d[2]*cin
				cvMoveRun(seg[k2*inG:(k2+1)*inG], x[xo:xo+inG], add)
			}
		}
	}
}

// cvMoveRun copies x into c, or with add adds c into x.
func cvMoveRun[T cvFloat](c, x []T, add bool) {
	if !add {
		copy(c, x)
		return
	}
	x = x[:len(c)]
	for i, v := range c {
		x[i] += v
	}
}

// cvIm2col unfolds output pixels [p0, p1) of the channels-first input x (xb: the offset of the
// batch entry and group's first channel) into col, one row of P = p1−p0 elements per
// (channel, tap), ordered like an OIHW filter's columns; positions in the padding are zeros.
// With add it runs the other way: x += col, padding positions dropped.
func cvIm2col[T cvFloat](col, x []T, g *cvGeom, xb, p0, p1 int, add bool) {
	P := p1 - p0
	r := 0
	for ci := range g.inG {
		xc := xb + ci*g.inSp
		for k0 := range g.k[0] {
			for k1 := range g.k[1] {
				for k2 := range g.k[2] {
					cvColRow(col[r*P:(r+1)*P], x, g, xc, [3]int{k0, k1, k2}, p0, p1, add)
					r++
				}
			}
		}
	}
}

// cvColRow unfolds (or folds back) tap k of one input channel plane (at xc) for output pixels
// [p0, p1), one row of output pixels at a time.
func cvColRow[T cvFloat](dst, x []T, g *cvGeom, xc int, k [3]int, p0, p1 int, add bool) {
	s2 := g.s[2]
	c2 := k[2]*g.d[2] - g.pad[2]
	lo2, hi2 := cvOutRange(c2, s2, g.in[2], g.out[2])
	o := g.outPos(p0)
	for p := p0; p < p1; {
		n := min(p1-p, g.out[2]-o[2]) // pixels left in this output row
		seg := dst[p-p0 : p-p0+n]
		i0 := o[0]*g.s[0] + k[0]*g.d[0] - g.pad[0]
		i1 := o[1]*g.s[1] + k[1]*g.d[1] - g.pad[1]
		// The valid part of the row, in positions of seg.
		a, b := max(lo2-o[2], 0), min(hi2-o[2], n)
		if i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1] || a >= b {
			if !add {
				clear(seg)
			}
		} else {
			if !add {
				clear(seg[:a])
				clear(seg[b:])
			}
			xr := xc + (i0*g.in[1]+i1)*g.in[2] + (o[2]+a)*s2 + c2
			if s2 == 1 {
				cvMoveRun(seg[a:b], x[xr:xr+b-a], add)
			} else {
				cvMoveStrided(seg[a:b], x[xr:], s2, add)
			}
		}
		p += n
		o[2] = 0
		if o[1]++; o[1] == g.out[1] {
			o[1] = 0
			o[0]++
		}
	}
}

// cvMoveStrided copies every s-th element of x into c, or with add adds c into them.
func cvMoveStrided[T cvFloat](c, x []T, s int, add bool) {
	if len(c) == 0 {
		return
	}
	x = x[:(len(c)-1)*s+1]
	if add {
		for i, v := range c {
			x[i*s] += v
		}
		return
	}
	for i := range c {
		c[i] = x[i*s]
	}
}
