package vmath

import "math"

// The natural logarithm. A positive normal float64 is split as x = 2^k·m with m in [√½, √2)
// by integer arithmetic on its bits, and log(m) = log1p(f), f = m−1, is computed from
// s = f/(2+f), for which log1p(f) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + ...
//
// Float32 inputs are widened (float32 subnormals are normal float64s) and need the series to
// s¹¹ (truncation error 5e-11 relative); float64 inputs use the arrangement and the minimax
// coefficients of FreeBSD's e_log.c, within one ulp. Zero, negative, infinite and NaN inputs
// (and float64 subnormals) take a branch to package math, which the loops predict well.

const (
	sqrtHalfBits = 0x3fe6a09e667f3bcd // √½ as float64 bits
	oneBits      = 0x3ff0000000000000
	mantMask     = 1<<52 - 1
)

// logSplit splits a positive normal x into k and f with x = 2^k·(1+f), 1+f in [√½, √2).
func logSplit(x float64) (k, f float64) {
	b := math.Float64bits(x) + (oneBits - sqrtHalfBits)
	k = float64(int64(b>>52) - 1023)
	return k, math.Float64frombits(b&mantMask+sqrtHalfBits) - 1
}

// log1pSeries32 returns log1p(f) for 1+f in [√½, √2) within 5e-11 relative.
func log1pSeries32(f float64) float64 {
	s := f / (2 + f)
	z := s * s
	z2 := z * z
	return 2 * s * (1 + z*(1.0/3+z*(1.0/5)) + z2*z*(1.0/7+z*(1.0/9)+z2*(1.0/11)))
}

// log32Special reports whether the float32 with bits u is ±0, negative, infinite or NaN.
func log32Special(u uint32) bool { return u-1 >= 0x7f7fffff }

// Log32 sets dst[i] = ln x[i] (−Inf at ±0, NaN below 0), with the vector kernel where the
// CPU has one (at most 0.85 ulp; see the package documentation), else with log32Go.
func Log32(dst, x []float32) {
	x = x[:len(dst)]
	if !logSIMD(dst, x) {
		log32Go(dst, x)
	}
}

// log32Go is Log32 in float64. Measured against float64 math over every 61st positive
// float32: at most 0.51 ulp (0.500).
func log32Go(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		if log32Special(math.Float32bits(v)) {
			dst[i] = float32(math.Log(float64(v)))
			continue
		}
		k, f := logSplit(float64(v))
		dst[i] = float32(k*ln2 + log1pSeries32(f))
	}
}

// Minimax coefficients of FreeBSD's e_log.c (also Go's math.Log).
const (
	logL1 = 6.666666666666735130e-01
	logL2 = 3.999999999940941908e-01
	logL3 = 2.857142874366239149e-01
	logL4 = 2.222219843214978396e-01
	logL5 = 1.818357216161805012e-01
	logL6 = 1.531383769920937332e-01
	logL7 = 1.479819860511658591e-01
)

// log1p64 returns log1p(f) − f + f²/2 for 1+f in [√½, √2), given s = f/(2+f) and
// hfsq = f²/2, as FreeBSD arranges it.
func log1pTail64(s, hfsq float64) float64 {
	z := s * s
	w := z * z
	r := z*(logL1+w*(logL3+w*(logL5+w*logL7))) + w*(logL2+w*(logL4+w*logL6))
	return s * (hfsq + r)
}

// logJoin64 returns k·ln2 + log1p(f), given tail = log1pTail64(...).
func logJoin64(k, f, hfsq, tail float64) float64 {
	return k*ln2Hi - ((hfsq - (tail + k*ln2Lo)) - f)
}

// log64Normal returns ln x for a positive normal finite x (not inlined: loops spell it out).
func log64Normal(x float64) float64 {
	k, f := logSplit(x)
	hfsq := 0.5 * f * f
	return logJoin64(k, f, hfsq, log1pTail64(f/(2+f), hfsq))
}

// log64Special reports whether x (bits b) is zero, subnormal, negative, infinite or NaN.
func log64Special(b uint64) bool { return b-(1<<52) >= 0x7ff0000000000000-(1<<52) }

// log64Slow is ln x for the inputs log64Special selects: package math, with subnormals
// scaled to normal numbers first (math.Log's amd64 assembly does not normalise them).
func log64Slow(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return log64Normal(x*0x1p52) - 52*ln2
	}
	return math.Log(x)
}

// Log64 sets dst[i] = ln x[i] (−Inf at ±0, NaN below 0), within one ulp.
func Log64(dst, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		if log64Special(math.Float64bits(v)) {
			dst[i] = log64Slow(v)
			continue
		}
		k, f := logSplit(v)
		hfsq := 0.5 * f * f
		dst[i] = logJoin64(k, f, hfsq, log1pTail64(f/(2+f), hfsq))
	}
}
