//go:build !noasm && amd64

package f32

//go:generate sh -c "cd ../_asm && go run . -type f32 -set pool -out ../f32/pool_amd64.s"

// MaxPoolAVX512 computes max pooling over npix output pixels of channels-last
// data with AVX-512F, c channels a pixel: offs holds the element offsets in x
// of the taps of the first pixel's window, and each next pixel's window is
// step elements further on. It computes
//
//	for p := 0; p < npix; p++ {
//		xp, yp := x[p*step:], y[p*c:(p+1)*c]
//		for j := range yp {
//			s := xp[offs[0]+j]
//			for _, o := range offs[1:] {
//				if v := xp[o+j]; !(v <= noNaN(s)) { // noNaN(NaN) is +Inf
//					s = v
//				}
//			}
//			yp[j] = s
//		}
//	}
//
// so it selects the first maximum in tap order, or the last NaN, and copies
// its bits. Lengths are not checked: the caller guarantees len(offs) >= 1,
// that x and y hold what the loop touches, and HasAVX512.
//
//go:noescape
func MaxPoolAVX512(y, x []float32, offs []int, c, npix, step int)

// MaxPoolGatherAVX512 is [MaxPoolAVX512] that copies the element of v (shaped
// like x) at the tap selected in x instead of x's own:
//
//	yp[j] = v[p*step+offs[t]+j] // t the tap MaxPoolAVX512 selects
//
// The caller guarantees what [MaxPoolAVX512] needs, for v too.
//
//go:noescape
func MaxPoolGatherAVX512(y, x, v []float32, offs []int, c, npix, step int)

// MaxPoolGradAVX512 is the adjoint of [MaxPoolGatherAVX512]: it adds each
// output gradient to dx (shaped like x) at the tap selected in x,
//
//	for p := 0; p < npix; p++ {
//		for j := 0; j < c; j++ {
//			if !accumulate {
//				for _, o := range offs {
//					dx[p*step+o+j] = 0
//				}
//			}
//			dx[p*step+offs[t]+j] += dy[p*c+j] // t the tap MaxPoolAVX512 selects
//		}
//	}
//
// in pixel order, so overlapping windows accumulate as the loop does. It
// stores whole vectors, rewriting the elements of dx at the taps that it
// leaves unchanged with their own values, so no other thread may write them
// meanwhile. Without accumulate it never reads dx, which saves a pass over
// memory when windows are disjoint and dx starts at zero. The caller
// guarantees what [MaxPoolAVX512] needs, for dx and dy too.
//
//go:noescape
func MaxPoolGradAVX512(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool)

// AvgPoolAVX512 computes average pooling over the pixels [MaxPoolAVX512]
// walks, dividing each window's sum by n:
//
//	for p := 0; p < npix; p++ {
//		for j := 0; j < c; j++ {
//			var s float32
//			for _, o := range offs {
//				s += x[p*step+o+j]
//			}
//			y[p*c+j] = s / n
//		}
//	}
//
// with the same rounding as the loop. The caller guarantees what
// [MaxPoolAVX512] needs.
//
//go:noescape
func AvgPoolAVX512(y, x []float32, offs []int, c, npix, step int, n float32)

// AvgPoolGradAVX512 is the adjoint of [AvgPoolAVX512]:
//
//	for p := 0; p < npix; p++ {
//		for j := 0; j < c; j++ {
//			v := dy[p*c+j] / n
//			for _, o := range offs {
//				dx[p*step+o+j] += v
//			}
//		}
//	}
//
// The caller guarantees what [MaxPoolAVX512] needs, for dx and dy.
//
//go:noescape
func AvgPoolGradAVX512(dx, dy []float32, offs []int, c, npix, step int, n float32)

// MaxPoolAVX2 is [MaxPoolAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MaxPoolAVX2(y, x []float32, offs []int, c, npix, step int)

// MaxPoolGatherAVX2 is [MaxPoolGatherAVX512] with AVX2; the caller guarantees
// HasAVX2.
//
//go:noescape
func MaxPoolGatherAVX2(y, x, v []float32, offs []int, c, npix, step int)

// MaxPoolGradAVX2 is [MaxPoolGradAVX512] with AVX2; the caller guarantees
// HasAVX2.
//
//go:noescape
func MaxPoolGradAVX2(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool)

// AvgPoolAVX2 is [AvgPoolAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func AvgPoolAVX2(y, x []float32, offs []int, c, npix, step int, n float32)

// AvgPoolGradAVX2 is [AvgPoolGradAVX512] with AVX2; the caller guarantees
// HasAVX2.
//
//go:noescape
func AvgPoolGradAVX2(dx, dy []float32, offs []int, c, npix, step int, n float32)
