package vmath

import "math"

// The exponential. Float32 inputs are widened to float64 and reduced to x = (64m + j)·ln2/64 + r
// with |r| <= ln2/128; e^x = 2^m · 2^(j/64) · e^r, with 2^(j/64) from a table of 64 float64s
// (its exponent field adjusted by m with one integer addition) and e^r a cubic (relative error
// 4e-11). The product is rounded once to float32, so subnormal and overflowing results round as
// IEEE says with no special cases, and the result is correctly rounded but for rare near-ties.
// Scalar float64 arithmetic costs what float32 does, so the wider evaluation is free.
//
// Float64 inputs use the reduction with ln2 split in two and the rational form of FreeBSD's
// e_exp.c (its coefficients), within one ulp.
//
// Every loop body is made of the small helpers below, which the compiler inlines (a helper
// too large to inline would cost a call per element).

// exp2Table holds the float64 bits of 2^(j/64), j < 64, correctly rounded (printed by
// internal/vmath/_fit/fit.py).
var exp2Table = [64]uint64{
	0x3ff0000000000000, 0x3ff02c9a3e778061, 0x3ff059b0d3158574, 0x3ff0874518759bc8,
	0x3ff0b5586cf9890f, 0x3ff0e3ec32d3d1a2, 0x3ff11301d0125b51, 0x3ff1429aaea92de0,
	0x3ff172b83c7d517b, 0x3ff1a35beb6fcb75, 0x3ff1d4873168b9aa, 0x3ff2063b88628cd6,
	0x3ff2387a6e756238, 0x3ff26b4565e27cdd, 0x3ff29e9df51fdee1, 0x3ff2d285a6e4030b,
	0x3ff306fe0a31b715, 0x3ff33c08b26416ff, 0x3ff371a7373aa9cb, 0x3ff3a7db34e59ff7,
	0x3ff3dea64c123422, 0x3ff4160a21f72e2a, 0x3ff44e086061892d, 0x3ff486a2b5c13cd0,
	0x3ff4bfdad5362a27, 0x3ff4f9b2769d2ca7, 0x3ff5342b569d4f82, 0x3ff56f4736b527da,
	0x3ff5ab07dd485429, 0x3ff5e76f15ad2148, 0x3ff6247eb03a5585, 0x3ff6623882552225,
	0x3ff6a09e667f3bcd, 0x3ff6dfb23c651a2f, 0x3ff71f75e8ec5f74, 0x3ff75feb564267c9,
	0x3ff7a11473eb0187, 0x3ff7e2f336cf4e62, 0x3ff82589994cce13, 0x3ff868d99b4492ed,
	0x3ff8ace5422aa0db, 0x3ff8f1ae99157736, 0x3ff93737b0cdc5e5, 0x3ff97d829fde4e50,
	0x3ff9c49182a3f090, 0x3ffa0c667b5de565, 0x3ffa5503b23e255d, 0x3ffa9e6b5579fdbf,
	0x3ffae89f995ad3ad, 0x3ffb33a2b84f15fb, 0x3ffb7f76f2fb5e47, 0x3ffbcc1e904bc1d2,
	0x3ffc199bdd85529c, 0x3ffc67f12e57d14b, 0x3ffcb720dcef9069, 0x3ffd072d4a07897c,
	0x3ffd5818dcfba487, 0x3ffda9e603db3285, 0x3ffdfc97337b9b5f, 0x3ffe502ee78b3ff6,
	0x3ffea4afa2a490da, 0x3ffefa1bee615a27, 0x3fff50765b6e4540, 0x3fffa7c1819e90d8,
}

const (
	log2e = 1.44269504088896340735992468100189214
	ln2   = 0.693147180559945309417232121458176568
	// round52 rounds a float64 below 2^51 in magnitude to an integer when added and
	// subtracted, and leaves that integer in the low bits of the sum's representation.
	round52 = 0x1.8p52

	log2e64 = 64 * log2e // 64/ln2
	ln2d64  = ln2 / 64

	// Bounds beyond which a float32 exponential is 0 or +Inf: e^-104 is below half the
	// smallest subnormal, e^89 above the largest float32.
	exp32Lo = -104
	exp32Hi = 89
)

// expArg splits x, |x| < 2^50, into r and 2^n with x = n·ln2 + r, |r| <= ln2/2 (up to a
// rounding of n·ln2, negligible for float32 results). n must lie in [-1022, 1023].
func expArg(x float64) (r, scale float64) {
	t := x*log2e + round52
	n := math.Float64bits(t) - math.Float64bits(round52) // n, two's complement
	r = x - (t-round52)*ln2
	return r, math.Float64frombits((n + 1023) << 52)
}

// expTab splits x, |x| < 2^40, as x = (64m + j)·ln2/64 + r, |r| <= ln2/128 (up to a rounding
// of the product, negligible for float32 results), and returns r and 2^(m + j/64). m must lie
// in [-1022, 1023].
func expTab(x float64) (r, scale float64) {
	t := x*log2e64 + round52
	n := math.Float64bits(t) - math.Float64bits(round52) // 64m + j, two's complement
	r = x - (t-round52)*ln2d64
	return r, math.Float64frombits(exp2Table[n&63] + (n>>6)<<52)
}

// expCubic returns e^r for |r| <= ln2/128 within 4e-11 relative.
func expCubic(r float64) float64 { return 1 + r + r*r*(0.5+r*(1.0/6)) }

// clampExp32 limits x to the range where a float32 exponential is neither 0 nor +Inf for
// certain, keeping NaN.
func clampExp32(x float64) float64 {
	if x < exp32Lo {
		x = exp32Lo
	}
	if x > exp32Hi {
		x = exp32Hi
	}
	return x
}

// Exp32 sets dst[i] = e^x[i], with the vector kernel where the CPU has one (at most 1.3 ulp;
// see the package documentation), else with exp32Go.
func Exp32(dst, x []float32) {
	x = x[:len(dst)]
	if !expSIMD(dst, x) {
		exp32Go(dst, x)
	}
}

// exp32Go is Exp32 in float64. Measured against float64 math over every 61st float32 in
// [-104, 89]: at most 0.51 ulp (0.501).
func exp32Go(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		r, s := expTab(clampExp32(float64(v)))
		dst[i] = float32(expCubic(r) * s)
	}
}

// ExpSub32 sets dst[i] = e^(x[i]-m) and returns the sum of the (rounded) results, added in
// float64: the exponentiation and normalising sum of a softmax in one pass. x[i]-m is rounded
// to float32 first, as a separate subtraction would. The exponential is Exp32's.
func ExpSub32(dst, x []float32, m float32) float32 {
	x = x[:len(dst)]
	if s, ok := expSubSIMD(dst, x, m); ok {
		return s
	}
	var sum float64
	for i, v := range x {
		r, s := expTab(clampExp32(float64(v - m)))
		e := float32(expCubic(r) * s)
		dst[i] = e
		sum += float64(e)
	}
	return float32(sum)
}

// SumExpSub32 returns Σ e^(x[i]-m) without storing the terms, summed in float64 (the sum of a
// log-softmax). The exponential is Exp32's.
func SumExpSub32(x []float32, m float32) float32 {
	if s, ok := sumExpSubSIMD(x, m); ok {
		return s
	}
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		r0, c0 := expTab(clampExp32(float64(x[i] - m)))
		r1, c1 := expTab(clampExp32(float64(x[i+1] - m)))
		s0 += expCubic(r0) * c0
		s1 += expCubic(r1) * c1
	}
	if i < len(x) {
		r, c := expTab(clampExp32(float64(x[i] - m)))
		s0 += expCubic(r) * c
	}
	return float32(s0 + s1)
}

// Coefficients of FreeBSD's e_exp.c (also Go's math.Exp): e^r = 1 + r + r·c/(2−c) with
// c = r − r²·(P1 + r²·(P2 + ...)).
const (
	expP1  = 1.66666666666666657415e-01
	expP2  = -2.77777777770155933842e-03
	expP3  = 6.61375632143793436117e-05
	expP4  = -1.65339022054652515390e-06
	expP5  = 4.13813679705723846039e-08
	ln2Hi  = 6.93147180369123816490e-01 // ln2 to 32 bits: n·ln2Hi is exact
	ln2Lo  = 1.90821492927058770002e-10 // ln2 - ln2Hi
	exp64L = -746                       // e^-746 is below half the smallest subnormal
	exp64H = 710                        // e^710 overflows
)

// clampExp64 limits x to [exp64L, exp64H], keeping NaN.
func clampExp64(x float64) float64 {
	if x < exp64L {
		x = exp64L
	}
	if x > exp64H {
		x = exp64H
	}
	return x
}

// expReduce64 reduces a clamped x to x = n·ln2 + (hi − lo), with hi − lo in [-ln2/2, ln2/2]
// to about 2^-80 (ln2 in two parts).
func expReduce64(x float64) (hi, lo float64, n int64) {
	t := x*log2e + round52
	k := t - round52
	return x - k*ln2Hi, k * ln2Lo, int64(math.Float64bits(t) - math.Float64bits(round52))
}

// expRational64 returns e^(hi−lo) as FreeBSD does, within an ulp.
func expRational64(hi, lo float64) float64 {
	r := hi - lo
	z := r * r
	c := r - z*(expP1+z*(expP2+z*(expP3+z*(expP4+z*expP5))))
	return 1 - ((lo - (r*c)/(2-c)) - hi)
}

// scale2 returns y·2^n for n in [-1076, 1025] with a single rounding: 2^n is applied in two
// halves, each a normal power of two, so that subnormal results round once and overflow
// gives +Inf.
func scale2(y float64, n int64) float64 {
	n1 := n >> 1
	return y * math.Float64frombits(uint64(n1+1023)<<52) * math.Float64frombits(uint64(n-n1+1023)<<52)
}

// Exp64 sets dst[i] = e^x[i], within one ulp of the correctly rounded result.
func Exp64(dst, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		hi, lo, n := expReduce64(clampExp64(v))
		dst[i] = scale2(expRational64(hi, lo), n)
	}
}

// ExpSub64 sets dst[i] = e^(x[i]-m) and returns the sum of the results, added in order with
// two interleaved accumulators.
func ExpSub64(dst, x []float64, m float64) float64 {
	x = x[:len(dst)]
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		h0, l0, n0 := expReduce64(clampExp64(x[i] - m))
		h1, l1, n1 := expReduce64(clampExp64(x[i+1] - m))
		e0, e1 := scale2(expRational64(h0, l0), n0), scale2(expRational64(h1, l1), n1)
		dst[i], dst[i+1] = e0, e1
		s0 += e0
		s1 += e1
	}
	if i < len(x) {
		hi, lo, n := expReduce64(clampExp64(x[i] - m))
		dst[i] = scale2(expRational64(hi, lo), n)
		s0 += dst[i]
	}
	return s0 + s1
}

// SumExpSub64 returns Σ e^(x[i]-m) without storing the terms.
func SumExpSub64(x []float64, m float64) float64 {
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		h0, l0, n0 := expReduce64(clampExp64(x[i] - m))
		h1, l1, n1 := expReduce64(clampExp64(x[i+1] - m))
		s0 += scale2(expRational64(h0, l0), n0)
		s1 += scale2(expRational64(h1, l1), n1)
	}
	if i < len(x) {
		hi, lo, n := expReduce64(clampExp64(x[i] - m))
		s0 += scale2(expRational64(hi, lo), n)
	}
	return s0 + s1
}
