package philox

import "math"

// The functions in this file exist so that the normal variates are the same
// bits on every platform. The math package cannot promise that: Log is
// written in assembly on some architectures and in Go on others, and the Go
// compiler may fuse x*y+z into one FMA instruction on arm64, ppc64, s390x and
// riscv64 but not on amd64. Here every product that feeds a sum is wrapped in
// an explicit float64 conversion, which the Go specification says forces the
// rounding and so forbids fusion. Accuracy is within a few ulps; determinism,
// not correct rounding, is the point.

// Natural logarithm of 2 split so that k*ln2Hi is exact for |k| < 2^11.
const (
	ln2Hi = 0x1.62e42feep-01 // 6.93147180369123816490e-01
	ln2Lo = 0x1.a39ef35793c76p-33
)

// logUnit returns ln(x) for a positive normal x (callers pass (0, 1]).
//
// With x = 2^k * m and m in [sqrt(1/2), sqrt(2)], ln m = 2 atanh(s) for
// s = (m-1)/(m+1), and |s| <= 0.172, so the odd series
// 2s + 2s^3/3 + 2s^5/5 + ... reaches double precision within ten terms.
func logUnit(x float64) float64 {
	b := math.Float64bits(x)
	k := int(b>>52) - 1023
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // in [1, 2)
	if m > math.Sqrt2 {
		m *= 0.5
		k++
	}
	f := m - 1 // exact (Sterbenz)
	s := f / (2 + f)
	z := float64(s * s)
	// r = 2/3 + 2/5 z + ... + 2/21 z^9, evaluated by Horner's rule.
	r := 2.0 / 21
	for i := 19; i >= 3; i -= 2 {
		r = float64(r*z) + 2/float64(i)
	}
	lm := float64(2*s) + float64(float64(s*z)*r)
	kf := float64(k)
	return float64(kf*ln2Hi) + (lm + float64(kf*ln2Lo))
}

// sinCosCoef are the Taylor coefficients (-1)^n/(2n+1)! and (-1)^n/(2n)!
// for n = 1..10, enough for |a| <= pi/4 to double precision.
var (
	sinCoef = [...]float64{
		-1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880,
		-1.0 / 39916800, 1.0 / 6227020800, -1.0 / 1307674368000,
		1.0 / 355687428096000, -1.0 / 121645100408832000,
		1.0 / 51090942171709440000,
	}
	cosCoef = [...]float64{
		-1.0 / 2, 1.0 / 24, -1.0 / 720, 1.0 / 40320,
		-1.0 / 3628800, 1.0 / 479001600, -1.0 / 87178291200,
		1.0 / 20922789888000, -1.0 / 6402373705728000,
		1.0 / 2432902008176640000,
	}
)

// sincos2Pi returns sin(2*pi*t) and cos(2*pi*t) for t in [0, 1).
//
// The reduction works on t itself, where it is exact: 4t = n + r with an
// integer quadrant n and r in [-1/2, 1/2], so the polynomial only sees
// |r*pi/2| <= pi/4 and no multiple of pi is ever subtracted in floating point.
func sincos2Pi(t float64) (sin, cos float64) {
	q := float64(4 * t) // exact; the conversion only keeps the rule uniform
	n := int(q)
	r := q - float64(n)
	if r > 0.5 {
		r--
		n++
	}
	a := float64(r * (math.Pi / 2))
	z := float64(a * a)
	ps := sinCoef[len(sinCoef)-1]
	pc := cosCoef[len(cosCoef)-1]
	for i := len(sinCoef) - 2; i >= 0; i-- {
		ps = float64(ps*z) + sinCoef[i]
		pc = float64(pc*z) + cosCoef[i]
	}
	s := a + float64(float64(a*z)*ps)
	c := 1 + float64(z*pc)
	switch n & 3 {
	case 0:
		return s, c
	case 1:
		return c, -s
	case 2:
		return -s, -c
	default:
		return -c, s
	}
}
