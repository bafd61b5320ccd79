package f32

import "math"

// The reference loops of the pooling kernels ([MaxPoolAVX512] and the rest).
// Each walks npix output pixels whose windows have the same taps relative to
// the pixel: offs holds the taps' element offsets into the input-shaped
// slices, which advance by step elements per pixel, while the output-shaped
// slice advances by c, the number of channels.

// maxPoolTap returns the tap of offs that max pooling selects for channel j
// of x: the first maximum in tap order, or the last NaN. A tap wins when
// !(v <= noNaN(s)), s being the element selected so far: when it is above
// it or NaN, and after a NaN only a NaN.
func maxPoolTap(x []float32, offs []int, j int) int {
	t, s := 0, x[offs[0]+j]
	for i := 1; i < len(offs); i++ {
		if v := x[offs[i]+j]; !(v <= noNaN(s)) {
			t, s = i, v
		}
	}
	return t
}

// noNaN returns v, or +Inf for NaN.
func noNaN(v float32) float32 {
	if v != v {
		return float32(math.Inf(1))
	}
	return v
}

func maxPoolRef(y, x []float32, offs []int, c, npix, step int) {
	for p := 0; p < npix; p++ {
		xp, yp := x[p*step:], y[p*c:(p+1)*c]
		for j := range yp {
			yp[j] = xp[offs[maxPoolTap(xp, offs, j)]+j]
		}
	}
}

func maxPoolGatherRef(y, x, v []float32, offs []int, c, npix, step int) {
	for p := 0; p < npix; p++ {
		xp, vp, yp := x[p*step:], v[p*step:], y[p*c:(p+1)*c]
		for j := range yp {
			yp[j] = vp[offs[maxPoolTap(xp, offs, j)]+j]
		}
	}
}

func maxPoolGradRef(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool) {
	for p := 0; p < npix; p++ {
		xp, dxp, dyp := x[p*step:], dx[p*step:], dy[p*c:(p+1)*c]
		for j := range dyp {
			if !accumulate {
				for _, o := range offs {
					dxp[o+j] = 0
				}
			}
			dxp[offs[maxPoolTap(xp, offs, j)]+j] += dyp[j]
		}
	}
}

func avgPoolRef(y, x []float32, offs []int, c, npix, step int, n float32) {
	for p := 0; p < npix; p++ {
		xp, yp := x[p*step:], y[p*c:(p+1)*c]
		for j := range yp {
			var s float32
			for _, o := range offs {
				s += xp[o+j]
			}
			yp[j] = s / n
		}
	}
}

func avgPoolGradRef(dx, dy []float32, offs []int, c, npix, step int, n float32) {
	for p := 0; p < npix; p++ {
		dxp, dyp := dx[p*step:], dy[p*c:(p+1)*c]
		for j := range dyp {
			v := dyp[j] / n
			for _, o := range offs {
				dxp[o+j] += v
			}
		}
	}
}
