package vmath

import "github.com/tideml/tide/internal/asm/f32"

// The float32 exponential, logarithm, tanh, sigmoid and erf hand whole slices to the assembly
// of internal/asm/f32 where the CPU has AVX-512F, or AVX2 and FMA: Go compiles their
// polynomials to scalar code, and the vector kernels run 4-10 times faster (an exponential of a
// large slice runs at memory speed). The exponential, logarithm and tanh evaluate in float32
// lanes and are a little over an ulp from correctly rounded at worst (see the package
// documentation); the sigmoid and erf evaluate in float64 lanes, as their Go loops do, and stay
// correctly rounded but for near-ties (package ops tests that their float32 results round
// float64 math). The Go loops remain the code of other CPUs, other architectures and
// -tags noasm builds.

// simdLevel selects the kernels: 2 for AVX-512, 1 for AVX2, 0 for the Go loops. Tests set it to
// compare the paths.
var simdLevel = func() int {
	switch {
	case f32.HasAVX512:
		return 2
	case f32.HasAVX2:
		return 1
	}
	return 0
}()

// SIMD32 reports whether [Exp32], [Log32], [Tanh32], [Sigmoid32], [Erf32], [ExpSub32] and
// [SumExpSub32] run vector kernels on this CPU (and build), for callers that weigh their cost.
func SIMD32() bool { return simdLevel > 0 }

// unarySIMD runs the kernel of the CPU's level, avx512 or avx2, and reports whether it did.
func unarySIMD(avx512, avx2 func(dst, x []float32), dst, x []float32) bool {
	switch simdLevel {
	case 2:
		avx512(dst, x)
	case 1:
		avx2(dst, x)
	default:
		return false
	}
	return true
}

// expSIMD sets dst = e^x with a vector kernel and reports whether it did (dst and x of equal
// length).
func expSIMD(dst, x []float32) bool { return unarySIMD(f32.ExpAVX512, f32.ExpAVX2, dst, x) }

// logSIMD is expSIMD for ln x.
func logSIMD(dst, x []float32) bool { return unarySIMD(f32.LogAVX512, f32.LogAVX2, dst, x) }

// tanhSIMD is expSIMD for tanh x.
func tanhSIMD(dst, x []float32) bool { return unarySIMD(f32.TanhAVX512, f32.TanhAVX2, dst, x) }

// sigmoidSIMD is expSIMD for 1/(1+e^-x).
func sigmoidSIMD(dst, x []float32) bool { return unarySIMD(f32.SigmoidAVX512, f32.SigmoidAVX2, dst, x) }

// erfSIMD is expSIMD for erf x.
func erfSIMD(dst, x []float32) bool { return unarySIMD(f32.ErfAVX512, f32.ErfAVX2, dst, x) }

// expSubChunk is the block ExpSub32 and SumExpSub32 work in with the vector kernels: x − m is
// written to the block (dst, or a stack buffer), exponentiated in place and summed while it is
// in the L1 cache.
const expSubChunk = 512

// expSubSIMD is ExpSub32 with a vector kernel: the same float32 differences, the vector
// exponential, and the float64 sum of the rounded results.
func expSubSIMD(dst, x []float32, m float32) (float32, bool) {
	if simdLevel == 0 {
		return 0, false
	}
	return expSubBlocks(dst, x, m), true
}

// sumExpSubSIMD is SumExpSub32 with a vector kernel, through a stack buffer.
func sumExpSubSIMD(x []float32, m float32) (float32, bool) {
	if simdLevel == 0 {
		return 0, false
	}
	return expSubBlocks(nil, x, m), true
}

// expSubBlocks writes e^(x−m) block by block into dst (or, when dst is nil, a stack buffer) and
// returns the float64 sum of the rounded results, rounded to float32.
func expSubBlocks(dst, x []float32, m float32) float32 {
	var buf [expSubChunk]float32
	var s0, s1, s2, s3 float64
	for lo := 0; lo < len(x); lo += expSubChunk {
		n := min(expSubChunk, len(x)-lo)
		d := buf[:n]
		if dst != nil {
			d = dst[lo : lo+n]
		}
		SubVS(d, x[lo:lo+n], m)
		expSIMD(d, d)
		i := 0
		for ; i+4 <= len(d); i += 4 {
			s0 += float64(d[i])
			s1 += float64(d[i+1])
			s2 += float64(d[i+2])
			s3 += float64(d[i+3])
		}
		for ; i < len(d); i++ {
			s0 += float64(d[i])
		}
	}
	return float32((s0 + s1) + (s2 + s3))
}
