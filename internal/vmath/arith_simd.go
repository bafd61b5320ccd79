package vmath

import "github.com/tideml/tide/internal/asm/f32"

// The float32 binary loops (add, subtract, multiply, divide, max and min, in their VV, VS and SV
// forms) hand whole slices to the assembly of internal/asm/f32 where the CPU has AVX-512F or
// AVX2, with the same selection as the transcendental functions (simdLevel). Go compiles the
// loops to scalar SSE, one element per instruction; the kernels do 16 or 8 per instruction,
// four vectors per iteration, and finish the tail under a mask. They give the bits of the Go
// loops: IEEE arithmetic with one rounding (no FMA), and max and min as the compiler lowers
// them on amd64 (NaN if either operand is NaN, with the operands' bits ORed; +0 over −0), which
// the tests check on every pairing of NaNs, infinities, zeros and subnormals.
//
// Each function below runs the kernel over the whole of dst and reports true, or reports false
// (having done nothing) when there is no kernel or dst is shorter than arithSIMDMin. The sources are resliced to len(dst) first, so that a
// short source panics as it does in the Go loop. A function's generic caller dispatches with
//
//	if d, ok := any(dst).([]float32); ok && addVV32(d, any(x).([]float32), any(y).([]float32)) {
//		return
//	}

// arithSIMDMin is the shortest dst the kernels are called for. Below it the Go loop costs no
// more than the call and the masked tail (measured: level from one element, the kernel ahead
// from about four, within the noise), and keeps the scalar code of tiny rows out of assembly.
const arithSIMDMin = 8

// vvSIMD runs the kernel of the CPU's level, avx512 or avx2, on dst and the sources x and y
// resliced to len(dst), and reports whether it did (see arithSIMDMin).
func vvSIMD(avx512, avx2 func(dst, x, y []float32), dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		avx512(dst, x, y)
	} else {
		avx2(dst, x, y)
	}
	return true
}

// vsSIMD is vvSIMD for a slice and a scalar.
func vsSIMD(avx512, avx2 func(dst, x []float32, s float32), dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		avx512(dst, x, s)
	} else {
		avx2(dst, x, s)
	}
	return true
}

// svSIMD is vvSIMD for a scalar and a slice.
func svSIMD(avx512, avx2 func(dst []float32, s float32, y []float32), dst []float32, s float32, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	y = y[:len(dst)]
	if simdLevel == 2 {
		avx512(dst, s, y)
	} else {
		avx2(dst, s, y)
	}
	return true
}

// addVV32 sets dst[i] = x[i] + y[i] with a vector kernel, as [AddVV].
func addVV32(dst, x, y []float32) bool { return vvSIMD(f32.AddVVAVX512, f32.AddVVAVX2, dst, x, y) }

// addVS32 sets dst[i] = x[i] + s with a vector kernel, as [AddVS].
func addVS32(dst, x []float32, s float32) bool {
	return vsSIMD(f32.AddVSAVX512, f32.AddVSAVX2, dst, x, s)
}

// subVV32 sets dst[i] = x[i] − y[i] with a vector kernel, as [SubVV].
func subVV32(dst, x, y []float32) bool { return vvSIMD(f32.SubVVAVX512, f32.SubVVAVX2, dst, x, y) }

// subVS32 sets dst[i] = x[i] − s with a vector kernel, as [SubVS].
func subVS32(dst, x []float32, s float32) bool {
	return vsSIMD(f32.SubVSAVX512, f32.SubVSAVX2, dst, x, s)
}

// subSV32 sets dst[i] = s − y[i] with a vector kernel, as [SubSV].
func subSV32(dst []float32, s float32, y []float32) bool {
	return svSIMD(f32.SubSVAVX512, f32.SubSVAVX2, dst, s, y)
}

// mulVV32 sets dst[i] = x[i] · y[i] with a vector kernel, as [MulVV].
func mulVV32(dst, x, y []float32) bool { return vvSIMD(f32.MulVVAVX512, f32.MulVVAVX2, dst, x, y) }

// mulVS32 sets dst[i] = x[i] · s with a vector kernel, as [MulVS].
func mulVS32(dst, x []float32, s float32) bool {
	return vsSIMD(f32.MulVSAVX512, f32.MulVSAVX2, dst, x, s)
}

// divVV32 sets dst[i] = x[i] / y[i] with a vector kernel, as [DivVV].
func divVV32(dst, x, y []float32) bool { return vvSIMD(f32.DivVVAVX512, f32.DivVVAVX2, dst, x, y) }

// divVS32 sets dst[i] = x[i] / s with a vector kernel, as [DivVS].
func divVS32(dst, x []float32, s float32) bool {
	return vsSIMD(f32.DivVSAVX512, f32.DivVSAVX2, dst, x, s)
}

// divSV32 sets dst[i] = s / y[i] with a vector kernel, as [DivSV].
func divSV32(dst []float32, s float32, y []float32) bool {
	return svSIMD(f32.DivSVAVX512, f32.DivSVAVX2, dst, s, y)
}

// maxVV32 sets dst[i] = max(x[i], y[i]) with a vector kernel, as [MaxVV].
func maxVV32(dst, x, y []float32) bool { return vvSIMD(f32.MaxVVAVX512, f32.MaxVVAVX2, dst, x, y) }

// maxVS32 sets dst[i] = max(x[i], s) with a vector kernel, as [MaxVS].
func maxVS32(dst, x []float32, s float32) bool {
	return vsSIMD(f32.MaxVSAVX512, f32.MaxVSAVX2, dst, x, s)
}

// minVV32 sets dst[i] = min(x[i], y[i]) with a vector kernel, as [MinVV].
func minVV32(dst, x, y []float32) bool { return vvSIMD(f32.MinVVAVX512, f32.MinVVAVX2, dst, x, y) }

// minVS32 sets dst[i] = min(x[i], s) with a vector kernel, as [MinVS].
func minVS32(dst, x []float32, s float32) bool {
	return vsSIMD(f32.MinVSAVX512, f32.MinVSAVX2, dst, x, s)
}
