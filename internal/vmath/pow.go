package vmath

import "math"

// Powers. A float32 x^y with x positive and finite and y finite is e^(y·ln x) with ln x from
// the float64 logarithm (within an ulp of float64, so the product keeps 50 bits whatever its
// size) and the float32 exponential's polynomial, rounded once. Everything else (x <= 0, where
// the sign of the result depends on whether y is an integer, and non-finite operands) goes to
// math.Pow, whose special cases are IEEE's and the reference's.

// powSpecial reports whether x^y needs math.Pow: x not positive and finite, or y not finite.
func powSpecial(x, y float64) bool { return !(x > 0 && x <= math.MaxFloat64) || y-y != 0 }

// PowVV32 sets dst[i] = x[i]^y[i]. Measured against math.Pow on a grid of bases in
// [1e-30, 1e30] and exponents in [-4, 4]: at most 0.51 ulp (0.500).
func PowVV32(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		a, b := float64(x[i]), float64(y[i])
		if powSpecial(a, b) {
			dst[i] = float32(math.Pow(a, b))
			continue
		}
		k, f := logSplit(a)
		hfsq := 0.5 * f * f
		lx := logJoin64(k, f, hfsq, log1pTail64(f/(2+f), hfsq))
		r, e := expTab(clampExp32(lx * b))
		dst[i] = float32(expCubic(r) * e)
	}
}

// PowVS32 sets dst[i] = x[i]^s. The exponents 0, 1, 2 and -1 are a copy, a product and a
// quotient (as math.Pow rounds them); other exponents are as [PowVV32].
func PowVS32(dst, x []float32, s float32) {
	x = x[:len(dst)]
	switch s {
	case 0:
		Fill(dst, 1) // x^0 is 1 even for NaN x
		return
	case 1:
		copy(dst, x)
		return
	case 2:
		MulVV(dst, x, x)
		return
	case -1:
		DivSV(dst, 1, x)
		return
	}
	b := float64(s)
	for i := range dst {
		a := float64(x[i])
		if powSpecial(a, b) {
			dst[i] = float32(math.Pow(a, b))
			continue
		}
		k, f := logSplit(a)
		hfsq := 0.5 * f * f
		lx := logJoin64(k, f, hfsq, log1pTail64(f/(2+f), hfsq))
		r, e := expTab(clampExp32(lx * b))
		dst[i] = float32(expCubic(r) * e)
	}
}

// PowSV32 sets dst[i] = s^y[i], as [PowVV32], with ln s computed once.
func PowSV32(dst []float32, s float32, y []float32) {
	y = y[:len(dst)]
	a := float64(s)
	fast := !powSpecial(a, 1)
	var lx float64
	if fast {
		lx = log64Normal(a)
	}
	for i := range dst {
		b := float64(y[i])
		if !fast || b-b != 0 {
			dst[i] = float32(math.Pow(a, b))
			continue
		}
		r, e := expTab(clampExp32(lx * b))
		dst[i] = float32(expCubic(r) * e)
	}
}

// PowVV64 sets dst[i] = x[i]^y[i] (math.Pow, one call per element).
func PowVV64(dst, x, y []float64) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = math.Pow(x[i], y[i])
	}
}

// PowVS64 sets dst[i] = x[i]^s, with the exponents 0, 1, 2 and -1 as in [PowVS32] and
// math.Pow for the others.
func PowVS64(dst, x []float64, s float64) {
	x = x[:len(dst)]
	switch s {
	case 0:
		Fill(dst, 1)
		return
	case 1:
		copy(dst, x)
		return
	case 2:
		MulVV(dst, x, x)
		return
	case -1:
		DivSV(dst, 1, x)
		return
	}
	for i := range dst {
		dst[i] = math.Pow(x[i], s)
	}
}

// PowSV64 sets dst[i] = s^y[i] (math.Pow).
func PowSV64(dst []float64, s float64, y []float64) {
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = math.Pow(s, y[i])
	}
}
