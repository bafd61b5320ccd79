package cpu

import (
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/internal/asm/f64"
	"github.com/tideml/tide/internal/parallel"
)

// Depthwise convolutions (one input channel per group, m = outG output channels per input
// channel) as direct loops. Channels last: for each output pixel and kernel tap inside the
// input, one pass over the contiguous channel vector. Channels first: for each channel plane and
// tap, one pass over each row of output pixels. The three ops are the same walk with a different
// update (cvDwMode).

type cvDwMode int

const (
	cvDwForward cvDwMode = iota // y += x·w
	cvDwInput                   // dx += dy·w
	cvDwFilter                  // dw += x·dy
)

func cvDepthwiseForward[T cvFloat](y, x, w []T, g *cvGeom) {
	if !g.last {
		// Planes (batch entry, input channel) are independent.
		parallel.For(g.n*g.cin, cvGrain(g.flops()/float64(g.n*g.cin)), func(lo, hi int) {
			for q := lo; q < hi; q++ {
				cvDwPlanes(cvDwForward, y, x, w, g, q/g.cin, q%g.cin)
			}
		})
		return
	}
	// Output pixels are independent.
	parallel.For(g.n*g.outSp, cvGrain(g.flops()/float64(g.n*g.outSp)), func(lo, hi int) {
		cvDwPixels(cvDwForward, y, x, w, g, lo, hi)
	})
}

func cvDepthwiseBackwardInput[T cvFloat](dx, dy, w []T, g *cvGeom) {
	if !g.last {
		parallel.For(g.n*g.cin, cvGrain(g.flops()/float64(g.n*g.cin)), func(lo, hi int) {
			for q := lo; q < hi; q++ {
				cvDwPlanes(cvDwInput, dy, dx, w, g, q/g.cin, q%g.cin)
			}
		})
		return
	}
	// Windows overlap within a batch entry: threads split batch entries.
	parallel.For(g.n, cvGrain(g.flops()/float64(g.n)), func(lo, hi int) {
		cvDwPixels(cvDwInput, dy, dx, w, g, lo*g.outSp, hi*g.outSp)
	})
}

func cvDepthwiseBackwardFilter[T cvFloat](dw, x, dy []T, g *cvGeom) {
	if !g.last {
		// Each input channel's filters sum over the batch: threads split channels.
		parallel.For(g.cin, cvGrain(g.flops()/float64(g.cin)), func(lo, hi int) {
			for c := lo; c < hi; c++ {
				for n := range g.n {
					cvDwPlanes(cvDwFilter, dy, x, dw, g, n, c)
				}
			}
		})
		return
	}
	chunks := parallel.Chunks(parallel.Workers(), g.n, cvGrain(g.flops()/float64(g.n)))
	accs := make([][]T, chunks)
	parallel.For(chunks, 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			acc := dw
			if c > 0 {
				acc = cvGetBuf[T](len(dw))
				clear(acc)
				accs[c] = acc
			}
			cvDwPixels(cvDwFilter, dy, x, acc, g, c*g.n/chunks*g.outSp, (c+1)*g.n/chunks*g.outSp)
		}
	})
	for _, acc := range accs[min(1, chunks):] {
		for i, v := range acc {
			dw[i] += v
		}
		cvPutBuf(acc)
	}
}

// cvDwPixels runs the channels-last walk over flattened (batch entry, output pixel) positions
// [q0, q1). y is output-shaped, x input-shaped and w filter-shaped (HWIO, one input channel:
// tap t's filters at w[t·cout:]); mode says which of them is updated.
func cvDwPixels[T cvFloat](mode cvDwMode, y, x, w []T, g *cvGeom, q0, q1 int) {
	cin, cout := g.cin, g.cout
	for q := q0; q < q1; q++ {
		n, p := q/g.outSp, q%g.outSp
		o := g.outPos(p)
		ys := y[q*cout : (q+1)*cout]
		b0, b1, b2 := o[0]*g.s[0]-g.pad[0], o[1]*g.s[1]-g.pad[1], o[2]*g.s[2]-g.pad[2]
		lo0, hi0 := cvTapRange(b0, g.d[0], g.k[0], g.in[0])
		lo1, hi1 := cvTapRange(b1, g.d[1], g.k[1], g.in[1])
		lo2, hi2 := cvTapRange(b2, g.d[2], g.k[2], g.in[2])
		for k0 := lo0; k0 < hi0; k0++ {
			for k1 := lo1; k1 < hi1; k1++ {
				for k2 := lo2; k2 < hi2; k2++ {
					xi := (((n*g.in[0]+b0+k0*g.d[0])*g.in[1]+b1+k1*g.d[1])*g.in[2] + b2 + k2*g.d[2]) * cin
					t := (k0*g.k[1]+k1)*g.k[2] + k2
					cvDwTap(mode, ys, x[xi:xi+cin], w[t*cout:(t+1)*cout])
				}
			}
		}
	}
}

// cvDwTap applies one tap to one pixel's channel vectors: ys (cout), xs (cin) and ws (cout).
func cvDwTap[T cvFloat](mode cvDwMode, ys, xs, ws []T) {
	m := len(ys) / max(len(xs), 1)
	if m == 1 {
		xs, ws = xs[:len(ys)], ws[:len(ys)]
		switch mode {
		case cvDwForward:
			for c, v := range xs {
				ys[c] += v * ws[c]
			}
		case cvDwInput:
			for c, v := range ys {
				xs[c] += v * ws[c]
			}
		case cvDwFilter:
			for c, v := range xs {
				ws[c] += v * ys[c]
			}
		}
		return
	}
	for c := range xs {
		yc, wc := ys[c*m:(c+1)*m], ws[c*m:(c+1)*m]
		switch mode {
		case cvDwForward:
			for j, v := range wc {
				yc[j] += xs[c] * v
			}
		case cvDwInput:
			var s T
			for j, v := range wc {
				s += yc[j] * v
			}
			xs[c] += s
		case cvDwFilter:
			for j, v := range yc {
				wc[j] += xs[c] * v
			}
		}
	}
}

// cvDwPlanes runs the channels-first walk for batch entry n and input channel c: for each of its
// m output channels, each tap and each row of output pixels. y is output-shaped, x input-shaped
// and w filter-shaped (OIHW, one input channel: output channel oc's taps at w[oc·taps:]).
func cvDwPlanes[T cvFloat](mode cvDwMode, y, x, w []T, g *cvGeom, n, c int) {
	m := g.outG
	xp := x[(n*g.cin+c)*g.inSp : (n*g.cin+c+1)*g.inSp]
	for j := range m {
		oc := c*m + j
		yp := y[(n*g.cout+oc)*g.outSp : (n*g.cout+oc+1)*g.outSp]
		t := 0
		for k0 := range g.k[0] {
			for k1 := range g.k[1] {
				for k2 := range g.k[2] {
					cvDwPlaneTap(mode, yp, xp, &w[oc*g.taps+t], g, [3]int{k0, k1, k2})
					t++
				}
			}
		}
	}
}

// cvDwPlaneTap applies tap k, whose filter value is *wv, to the planes yp and xp.
func cvDwPlaneTap[T cvFloat](mode cvDwMode, yp, xp []T, wv *T, g *cvGeom, k [3]int) {
	s2, c2 := g.s[2], k[2]*g.d[2]-g.pad[2]
	lo2, hi2 := cvOutRange(c2, s2, g.in[2], g.out[2])
	lo0, hi0 := cvOutRange(k[0]*g.d[0]-g.pad[0], g.s[0], g.in[0], g.out[0])
	lo1, hi1 := cvOutRange(k[1]*g.d[1]-g.pad[1], g.s[1], g.in[1], g.out[1])
	if lo2 >= hi2 {
		return
	}
	var acc T
	for o0 := lo0; o0 < hi0; o0++ {
		i0 := o0*g.s[0] + k[0]*g.d[0] - g.pad[0]
		for o1 := lo1; o1 < hi1; o1++ {
			i1 := o1*g.s[1] + k[1]*g.d[1] - g.pad[1]
			yr := yp[(o0*g.out[1]+o1)*g.out[2]+lo2 : (o0*g.out[1]+o1)*g.out[2]+hi2]
			xo := (i0*g.in[1]+i1)*g.in[2] + lo2*s2 + c2
			xr := xp[xo : xo+(len(yr)-1)*s2+1]
			switch {
			case mode == cvDwForward && s2 == 1:
				cvAxpy(*wv, xr, yr)
			case mode == cvDwForward:
				for i := range yr {
					yr[i] += *wv * xr[i*s2]
				}
			case mode == cvDwInput && s2 == 1:
				cvAxpy(*wv, yr, xr)
			case mode == cvDwInput:
				for i, v := range yr {
					xr[i*s2] += *wv * v
				}
			default:
				for i, v := range yr {
					acc += v * xr[i*s2]
				}
			}
		}
	}
	if mode == cvDwFilter {
		*wv += acc
	}
}

// cvAxpy computes y += alpha·x over len(x) elements, with AVX-512 where the CPU has it.
func cvAxpy[T cvFloat](alpha T, x, y []T) {
	y = y[:len(x)]
	switch xs := any(x).(type) {
	case []float32:
		if f32.HasAVX512 && len(x) >= 16 {
			f32.AxpyAVX512(float32(alpha), xs, any(y).([]float32))
			return
		}
	case []float64:
		if f64.HasAVX512 && len(x) >= 8 {
			f64.AxpyAVX512(float64(alpha), xs, any(y).([]float64))
			return
		}
	}
	for i, v := range x {
		y[i] += alpha * v
	}
}
