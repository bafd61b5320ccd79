package vmath

import "math"

// Activation functions: tanh, the logistic sigmoid, erf and softplus. The float32 versions are
// evaluated in float64 from the exponential and logarithm helpers of exp.go and log.go (or a
// rational function, for erf) and rounded once, so they are within a few hundredths of an ulp
// of correctly rounded; no branch depends on the data except the clamps at the ends of the
// ranges (and softplus's threshold).

const (
	// e^r − 1 ≈ r + r²/2 + r³·(m3 + m4·r + m5·r² + m6·r³ + m7·r⁴) on |r| <= ln2/2, within
	// 3.9e-10 relative (fitted by internal/vmath/_fit/fit.py).
	expm1c3 = 0x1.555554d71d83fp-3
	expm1c4 = 0x1.5554f292d6b4ep-5
	expm1c5 = 0x1.1111ca59375ccp-7
	expm1c6 = 0x1.6d406b8871210p-10
	expm1c7 = 0x1.9fbdfb3c18a10p-13

	// tanh32Hi bounds 2|x| in Tanh32: tanh(10) rounds to 1 in float32.
	tanh32Hi = 20
	// sigmoid32Lim bounds |x| in Sigmoid32: σ(±110) rounds to 0 and 1 in float32.
	sigmoid32Lim = 110
	// softplus32Lo bounds −|βx| in Softplus32: e^-200 is far below any float32 result.
	softplus32Lo = -200
)

// expm1Poly returns e^r − 1 for |r| <= ln2/2 within 3.9e-10 relative.
func expm1Poly(r float64) float64 {
	r2 := r * r
	q := expm1c5 + r*expm1c6 + r2*expm1c7
	return r + r2*(0.5+r*(expm1c3+r*expm1c4+r2*q))
}

// Tanh32 sets dst[i] = tanh x[i], with the vector kernel where the CPU has one (at most
// 1.4 ulp; see the package documentation), else with tanh32Go.
func Tanh32(dst, x []float32) {
	x = x[:len(dst)]
	if !tanhSIMD(dst, x) {
		tanh32Go(dst, x)
	}
}

// tanh32Go is Tanh32 in float64, computed as q/(q+2) with q = e^(2|x|) − 1 (from an e^r − 1
// polynomial, so that small arguments keep their relative accuracy) and the sign of x.
// Measured against float64 math over every 61st float32 in [-10, 10]: at most 0.51 ulp (0.504).
func tanh32Go(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		// The sign and magnitude are split on the bits, so that the widening conversion writes
		// the register it reads (a conversion into another register would also wait for that
		// register's previous value: a false dependency across iterations).
		u := math.Float32bits(v)
		y := 2 * float64(math.Float32frombits(u&^(1<<31)))
		if y > tanh32Hi {
			y = tanh32Hi
		}
		r, s := expArg(y)
		q := s*expm1Poly(r) + (s - 1)
		t := float32(q / (q + 2))
		dst[i] = math.Float32frombits(math.Float32bits(t) | u&(1<<31))
	}
}

// clampAbs limits x to [-lim, lim], keeping NaN.
func clampAbs(x, lim float64) float64 {
	if x < -lim {
		x = -lim
	}
	if x > lim {
		x = lim
	}
	return x
}

// Sigmoid32 sets dst[i] = 1/(1+e^-x[i]), with the vector kernel where the CPU has one (which
// also evaluates in float64), else with sigmoid32Go. Measured against float64 math over every
// 61st float32 in [-104, 20]: at most 0.51 ulp (0.500) either way.
func Sigmoid32(dst, x []float32) {
	x = x[:len(dst)]
	if !sigmoidSIMD(dst, x) {
		sigmoid32Go(dst, x)
	}
}

// sigmoid32Go is Sigmoid32 in Go.
func sigmoid32Go(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		r, s := expTab(clampAbs(-float64(v), sigmoid32Lim))
		dst[i] = float32(1 / (1 + expCubic(r)*s))
	}
}

// erf(x) ≈ x·P(x²)/Q(x²) on |x| <= 3.92, within 1.9e-9 relative, with P(0) = 2/√π exactly so
// that tiny arguments are exact (fitted by internal/vmath/_fit/fit.py); beyond, erf rounds to
// ±1 in float32.
const (
	erfP0  = 0x1.20dd750429b6dp+0
	erfP1  = 0x1.7b59626473b34p-3
	erfP2  = 0x1.bc4b4f3436f3dp-5
	erfP3  = 0x1.f7494372342e2p-9
	erfP4  = 0x1.8a2c9b650f1bep-12
	erfP5  = 0x1.33a2b86d05400p-18
	erfP6  = -0x1.b3885c3800000p-27
	erfQ1  = 0x1.fd6d982131f54p-2
	erfQ2  = 0x1.d282330b8c8b1p-4
	erfQ3  = 0x1.f995f6c443be5p-7
	erfQ4  = 0x1.54f43cbab201ap-10
	erfQ5  = 0x1.04bae74057730p-14
	erf32X = 3.92
)

// erfRatio returns erf(x)/x for |x| <= erf32X.
func erfRatio(x float64) float64 {
	t := x * x
	t2 := t * t
	p := erfP0 + t*erfP1 + t2*(erfP2+t*erfP3) + t2*t2*(erfP4+t*erfP5+t2*erfP6)
	q := 1 + t*erfQ1 + t2*(erfQ2+t*erfQ3) + t2*t2*(erfQ4+t*erfQ5)
	return p / q
}

// Erf32 sets dst[i] = erf x[i], with the vector kernel where the CPU has one (the same
// rational function in float64 lanes), else with erf32Go. Measured against float64 math over
// every 61st float32 in [-4, 4]: at most 0.54 ulp (0.532) either way.
func Erf32(dst, x []float32) {
	x = x[:len(dst)]
	if !erfSIMD(dst, x) {
		erf32Go(dst, x)
	}
}

// erf32Go is Erf32 in Go.
func erf32Go(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		c := clampAbs(float64(v), erf32X)
		dst[i] = float32(c * erfRatio(c))
	}
}

// Softplus32 sets dst[i] = log(1 + e^(βx))/β, or x[i] itself where βx > threshold (PyTorch's
// softplus), evaluated as (max(βx, 0) + log1p(e^-|βx|))/β in float64. Measured against float64
// math over every 61st float32 in [-104, 30] with β = 1, threshold 20: at most 0.51 ulp (0.501).
func Softplus32(dst, x []float32, beta, threshold float64) {
	x = x[:len(dst)]
	inv := 1 / beta // a multiplication instead of a division: the float64 rounding is far below float32's
	for i, v := range x {
		// v is not used after it is widened (the linear branch narrows xd back, exactly), so
		// that the conversion can write the register it reads: see Tanh32.
		xd := float64(v)
		z := beta * xd
		if z > threshold {
			dst[i] = float32(xd)
			continue
		}
		a := -math.Abs(z)
		if a < softplus32Lo {
			a = softplus32Lo
		}
		r, s := expTab(a)
		u := expCubic(r) * s // e^-|z| in (0, 1]
		w := 1 + u
		k, f := logSplit(w)
		// log1p(u) = log(w) + (u − (w−1))/w: the second term restores what rounding 1+u lost.
		// It is below an ulp of w, so 1/w ≈ 2 − w (relative error (w−1)², large only where
		// the term is negligible) saves a division.
		l := k*ln2 + log1pSeries32(f) + (u-(w-1))*(2-w)
		if z > 0 {
			l += z
		}
		dst[i] = float32(l * inv)
	}
}

// Tanh64 sets dst[i] = tanh x[i] (math.Tanh, one call per element).
func Tanh64(dst, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = math.Tanh(v)
	}
}

// Sigmoid64 sets dst[i] = 1/(1+e^-x[i]), as e^x/(1+e^x) for negative x so that subnormal
// results keep their precision, within two ulps.
func Sigmoid64(dst, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		hi, lo, n := expReduce64(clampExp64(-math.Abs(v)))
		e := scale2(expRational64(hi, lo), n)
		neg := uint64(int64(math.Float64bits(v)) >> 63) // all ones where v is negative
		num := math.Float64frombits(oneBits&^neg | math.Float64bits(e)&neg)
		dst[i] = num / (1 + e)
	}
}

// Erf64 sets dst[i] = erf x[i] (math.Erf, one call per element).
func Erf64(dst, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = math.Erf(v)
	}
}

// Softplus64 is [Softplus32] for float64, with math.Log1p (one call per element).
func Softplus64(dst, x []float64, beta, threshold float64) {
	x = x[:len(dst)]
	for i, v := range x {
		z := beta * v
		if z > threshold {
			dst[i] = v
			continue
		}
		hi, lo, n := expReduce64(clampExp64(-math.Abs(z)))
		dst[i] = (max(z, 0) + math.Log1p(scale2(expRational64(hi, lo), n))) / beta
	}
}
