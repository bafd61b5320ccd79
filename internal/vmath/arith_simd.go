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

// addVV32 sets dst[i] = x[i] + y[i] with a vector kernel, as [AddVV].
func addVV32(dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		f32.AddVVAVX512(dst, x, y)
	} else {
		f32.AddVVAVX2(dst, x, y)
	}
	return true
}

// addVS32 sets dst[i] = x[i] + s with a vector kernel, as [AddVS].
func addVS32(dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		f32.AddVSAVX512(dst, x, s)
	} else {
		f32.AddVSAVX2(dst, x, s)
	}
	return true
}

// subVV32 sets dst[i] = x[i] − y[i] with a vector kernel, as [SubVV].
func subVV32(dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		f32.SubVVAVX512(dst, x, y)
	} else {
		f32.SubVVAVX2(dst, x, y)
	}
	return true
}

// subVS32 sets dst[i] = x[i] − s with a vector kernel, as [SubVS].
func subVS32(dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		f32.SubVSAVX512(dst, x, s)
	} else {
		f32.SubVSAVX2(dst, x, s)
	}
	return true
}

// subSV32 sets dst[i] = s − y[i] with a vector kernel, as [SubSV].
func subSV32(dst []float32, s float32, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	y = y[:len(dst)]
	if simdLevel == 2 {
		f32.SubSVAVX512(dst, s, y)
	} else {
		f32.SubSVAVX2(dst, s, y)
	}
	return true
}

// mulVV32 sets dst[i] = x[i] · y[i] with a vector kernel, as [MulVV].
func mulVV32(dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		f32.MulVVAVX512(dst, x, y)
	} else {
		f32.MulVVAVX2(dst, x, y)
	}
	return true
}

// mulVS32 sets dst[i] = x[i] · s with a vector kernel, as [MulVS].
func mulVS32(dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		f32.MulVSAVX512(dst, x, s)
	} else {
		f32.MulVSAVX2(dst, x, s)
	}
	return true
}

// divVV32 sets dst[i] = x[i] / y[i] with a vector kernel, as [DivVV].
func divVV32(dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		f32.DivVVAVX512(dst, x, y)
	} else {
		f32.DivVVAVX2(dst, x, y)
	}
	return true
}

// divVS32 sets dst[i] = x[i] / s with a vector kernel, as [DivVS].
func divVS32(dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		f32.DivVSAVX512(dst, x, s)
	} else {
		f32.DivVSAVX2(dst, x, s)
	}
	return true
}

// divSV32 sets dst[i] = s / y[i] with a vector kernel, as [DivSV].
func divSV32(dst []float32, s float32, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	y = y[:len(dst)]
	if simdLevel == 2 {
		f32.DivSVAVX512(dst, s, y)
	} else {
		f32.DivSVAVX2(dst, s, y)
	}
	return true
}

// maxVV32 sets dst[i] = max(x[i], y[i]) with a vector kernel, as [MaxVV].
func maxVV32(dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		f32.MaxVVAVX512(dst, x, y)
	} else {
		f32.MaxVVAVX2(dst, x, y)
	}
	return true
}

// maxVS32 sets dst[i] = max(x[i], s) with a vector kernel, as [MaxVS].
func maxVS32(dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		f32.MaxVSAVX512(dst, x, s)
	} else {
		f32.MaxVSAVX2(dst, x, s)
	}
	return true
}

// minVV32 sets dst[i] = min(x[i], y[i]) with a vector kernel, as [MinVV].
func minVV32(dst, x, y []float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x, y = x[:len(dst)], y[:len(dst)]
	if simdLevel == 2 {
		f32.MinVVAVX512(dst, x, y)
	} else {
		f32.MinVVAVX2(dst, x, y)
	}
	return true
}

// minVS32 sets dst[i] = min(x[i], s) with a vector kernel, as [MinVS].
func minVS32(dst, x []float32, s float32) bool {
	if simdLevel == 0 || len(dst) < arithSIMDMin {
		return false
	}
	x = x[:len(dst)]
	if simdLevel == 2 {
		f32.MinVSAVX512(dst, x, s)
	} else {
		f32.MinVSAVX2(dst, x, s)
	}
	return true
}
