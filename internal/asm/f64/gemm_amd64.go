//go:build !noasm && amd64

package f64

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd ../_asm && go run . -type f64 -out ../f64/gemm_amd64.s"

// HasAVX512 reports whether the AVX-512 routines ([GemmAVX512] and the rest)
// can run: the CPU has AVX-512F, the OS saves the zmm registers, and BMI2
// and POPCNT are there too (as on every CPU with AVX-512), for the mask
// arithmetic.
var HasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

// HasAVX2 reports whether [GemmAVX2] can run: the CPU has AVX2 and FMA.
var HasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// GemmAVX512 computes the MRAVX512×NRAVX512 tile of C from packed panels
// of A (k×MRAVX512) and B (k×NRAVX512) with AVX-512F. It computes, up to
// rounding (multiply and add are fused),
//
//	for i := 0; i < MRAVX512; i++ {
//		for j := 0; j < NRAVX512; j++ {
//			var s float64
//			for p := 0; p < k; p++ {
//				s += a[p*MRAVX512+i] * b[p*NRAVX512+j]
//			}
//			if accumulate {
//				s += c[i*ldc+j]
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
// Lengths are not checked: the caller guarantees len(a) >= k*MRAVX512,
// len(b) >= k*NRAVX512 and len(c) >= (MRAVX512-1)*ldc+NRAVX512, and that
// HasAVX512 is true. k must not be negative.
//
//go:noescape
func GemmAVX512(k int, a, b, c []float64, ldc int, accumulate bool)

// GemmAVX512Edge is [GemmAVX512] for a tile on the edge of C: it computes
// only the first rows rows (1 <= rows <= MRAVX512; other values do nothing)
// and the columns j < NRAVX512 whose bit j is set in cmask, leaving the rest
// of c untouched, so that the caller needs no scratch tile. The panels keep
// their full layout (steps of MRAVX512 and NRAVX512 elements). It computes,
// up to rounding,
//
//	for i := 0; i < rows; i++ {
//		for j := 0; j < NRAVX512; j++ {
//			if cmask>>j&1 == 0 {
//				continue
//			}
//			var s float64
//			for p := 0; p < k; p++ {
//				s += a[p*MRAVX512+i] * b[p*NRAVX512+j]
//			}
//			if accumulate {
//				s += c[i*ldc+j]
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
// Lengths are not checked: the caller guarantees that a and b hold k full
// steps, that c holds the masked part of the rows, and HasAVX512.
//
//go:noescape
func GemmAVX512Edge(k int, a, b, c []float64, ldc int, accumulate bool, rows int, cmask uint64)

// GemmAVX2 is [GemmAVX512] for the MRAVX2×NRAVX2 tile with AVX2 and FMA; the
// caller guarantees HasAVX2 is true and the lengths it implies.
//
//go:noescape
func GemmAVX2(k int, a, b, c []float64, ldc int, accumulate bool)

// PackTAVX512 packs k steps of a transposed block for the GEMM driver,
// transposing square blocks of PackLanes×PackLanes elements in AVX-512
// registers. With rmask, wmask and two from PackMasks(rows, width)
// (rows <= width <= 2*PackLanes), it computes
//
//	for q := 0; q < k; q++ {
//		for i := 0; i < width; i++ {
//			dst[q*width+i] = 0
//			if i < rows {
//				dst[q*width+i] = alpha * src[i*ld+q]
//			}
//		}
//	}
//
// Lengths are not checked: the caller guarantees that dst and src hold what
// the loop touches, k >= 0 and HasAVX512.
//
//go:noescape
func PackTAVX512(dst, src []float64, ld, k int, rmask, wmask uint64, two bool, alpha float64)

// PackNAVX512 packs k steps of a row-major block with masked AVX-512 loads
// and stores. With rmask, wmask and two from PackMasks(rows, width), it
// computes
//
//	for q := 0; q < k; q++ {
//		for i := 0; i < width; i++ {
//			dst[q*width+i] = 0
//			if i < rows {
//				dst[q*width+i] = alpha * src[q*ld+i]
//			}
//		}
//	}
//
// Lengths are not checked; the caller guarantees HasAVX512 and k >= 0.
//
//go:noescape
func PackNAVX512(dst, src []float64, ld, k int, rmask, wmask uint64, two bool, alpha float64)

// AxpyAVX512 computes y += alpha*x over len(x) elements with AVX-512F:
//
//	for i, v := range x {
//		y[i] += alpha * v
//	}
//
// (with multiply and add fused). The caller guarantees len(y) >= len(x)
// and HasAVX512.
//
//go:noescape
func AxpyAVX512(alpha float64, x, y []float64)

// DotAVX512 returns the dot product of x and y[:len(x)] with AVX-512F:
//
//	var s float64
//	for i, v := range x {
//		s += v * y[i]
//	}
//	return s
//
// summed in a different order (four vector accumulators). The caller
// guarantees len(y) >= len(x) and HasAVX512.
//
//go:noescape
func DotAVX512(x, y []float64) float64
