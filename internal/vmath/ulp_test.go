package vmath

import (
	"flag"
	"fmt"
	"math"
	"testing"
)

// ulpErr32 returns |got − want| in units of the float32 ulp at want (want exact, in float64).
// NaN must match NaN and infinities must match exactly (0 or +Inf ulp).
func ulpErr32(got float32, want float64) float64 {
	g := float64(got)
	switch {
	case math.IsNaN(want) || math.IsNaN(g):
		if math.IsNaN(want) && math.IsNaN(g) {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(g, 0) || math.Abs(want) > math.MaxFloat32:
		// An overflowing result must round to Inf unless want is within half an ulp of the
		// largest float32.
		top := float64(math.MaxFloat32) + 0x1p103 // MaxFloat32 + half an ulp
		if math.Abs(want) >= top {
			if g == math.Copysign(math.Inf(1), want) {
				return 0
			}
			return math.Inf(1)
		}
		if math.IsInf(g, 0) {
			return math.Inf(1)
		}
	}
	e := max(math.Ilogb(want), -126) // subnormals share the ulp of the smallest normal
	if want == 0 {
		e = -126
	}
	return math.Abs(g-want) / math.Ldexp(1, e-23)
}

// sweep32 calls check with batches of every step-th float32 from lo to hi (both finite, in
// increasing order of value), crossing zero through both signs of it.
func sweep32(lo, hi float32, step uint32, check func(x []float32)) {
	var buf []float32
	flush := func() {
		if len(buf) > 0 {
			check(buf)
			buf = buf[:0]
		}
	}
	add := func(v float32) {
		buf = append(buf, v)
		if len(buf) == 4096 {
			flush()
		}
	}
	// Negative part: from lo up to −0 (bits decrease towards 0x80000000).
	if lo < 0 {
		top := uint32(0x80000000)
		if hi < 0 {
			top = math.Float32bits(hi)
		}
		for u := math.Float32bits(lo); u >= top && u <= math.Float32bits(lo); u -= step {
			add(math.Float32frombits(u))
			if u < top+step {
				break
			}
		}
	}
	if hi >= 0 {
		start := uint32(0)
		if lo > 0 {
			start = math.Float32bits(lo)
		}
		for u := start; u <= math.Float32bits(hi); u += step {
			add(math.Float32frombits(u))
		}
	}
	flush()
}

// step sets the distance in float32 bit patterns between the inputs the sweeps test: the
// figures in the doc comments come from -vmath.step 61 (some 36 million inputs per function);
// -vmath.step 1 tests every float32.
var step = flag.Uint("vmath.step", 241, "test every `n`th float32 in the ulp sweeps (997 with -short)")

func sweepStep() uint32 {
	if testing.Short() && *step == 241 {
		return 997
	}
	return uint32(max(*step, 1))
}

type ulpCase struct {
	name   string
	lo, hi float32
	f      func(dst, x []float32)
	want   func(float64) float64
	max    float64 // the bound the doc comment states
}

func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplusRef(x float64) float64 {
	if x > 20 {
		return x
	}
	return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

// simdBound returns the bound of a function with a vector kernel: the kernel's (measured in
// internal/asm/f32 over every 13th float32) where the CPU runs it, else that of the Go loop.
func simdBound(goULP, simdULP float64) float64 {
	if simdLevel > 0 {
		return simdULP
	}
	return goULP
}

func ulpCases() []ulpCase {
	return []ulpCase{
		{"Exp32", -104, 89, Exp32, math.Exp, simdBound(0.51, 1.3)},
		{"Log32", 0, math.MaxFloat32, Log32, math.Log, simdBound(0.51, 0.85)},
		{"Tanh32", -10, 10, Tanh32, math.Tanh, simdBound(0.51, 1.4)},
		{"Sigmoid32", -104, 20, Sigmoid32, sigmoid64, 0.51},
		{"Erf32", -4, 4, Erf32, math.Erf, 0.54},
		{"Softplus32", -104, 30, func(d, x []float32) { Softplus32(d, x, 1, 20) }, softplusRef, 0.51},
		{"Sqrt32", 0, math.MaxFloat32, Sqrt32, math.Sqrt, 0.5},
		// The Go loops, which the functions above replace with vector kernels where they can.
		{"exp32Go", -104, 89, exp32Go, math.Exp, 0.51},
		{"log32Go", 0, math.MaxFloat32, log32Go, math.Log, 0.51},
		{"tanh32Go", -10, 10, tanh32Go, math.Tanh, 0.51},
		{"sigmoid32Go", -104, 20, sigmoid32Go, sigmoid64, 0.51},
		{"erf32Go", -4, 4, erf32Go, math.Erf, 0.54},
	}
}

// TestULP32 sweeps each float32 approximation over its domain against float64 math and checks
// the maximum error its doc comment states.
func TestULP32(t *testing.T) {
	for _, c := range ulpCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			worst, at, n := 0.0, float32(0), 0
			dst := make([]float32, 4096)
			sweep32(c.lo, c.hi, sweepStep(), func(x []float32) {
				c.f(dst[:len(x)], x)
				for i, v := range x {
					if e := ulpErr32(dst[i], c.want(float64(v))); e > worst {
						worst, at = e, v
					}
				}
				n += len(x)
			})
			t.Logf("%s: max error %.3f ulp at %g over %d inputs", c.name, worst, at, n)
			if worst > c.max {
				t.Errorf("%s: max error %.3f ulp at %g (%g, want %g), above the stated %g", c.name, worst, at,
					func() float32 { d := []float32{0}; c.f(d, []float32{at}); return d[0] }(), c.want(float64(at)), c.max)
			}
		})
	}
}

// TestSpecials32 checks NaN, ±Inf, ±0, subnormals and the ends of the ranges.
func TestSpecials32(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	sub := math.Float32frombits(1) // smallest subnormal
	inputs := []float32{nan, inf, -inf, 0, float32(math.Copysign(0, -1)), sub, -sub, 1e-30, -1e-30,
		math.MaxFloat32, -math.MaxFloat32, 88.72, 88.73, -87.4, -103.9, -104.1, 1e4, -1e4, 0.5, -0.5}
	for _, c := range ulpCases() {
		dst := make([]float32, len(inputs))
		c.f(dst, inputs)
		for i, v := range inputs {
			want := c.want(float64(v))
			if c.name == "Softplus32" && math.IsInf(float64(v), 1) {
				want = math.Inf(1)
			}
			if e := ulpErr32(dst[i], want); e > c.max {
				t.Errorf("%s(%g) = %g, want %g (%.3g ulp)", c.name, v, dst[i], want, e)
			}
			if want == 0 && math.Signbit(want) != math.Signbit(float64(dst[i])) {
				t.Errorf("%s(%g) = %g, want %g (sign of zero)", c.name, v, dst[i], want)
			}
		}
	}
}

// ulpErr64 returns |got − want| in ulps of want for float64 results.
func ulpErr64(got, want float64) float64 {
	switch {
	case math.IsNaN(got) || math.IsNaN(want):
		if math.IsNaN(got) && math.IsNaN(want) {
			return 0
		}
		return math.Inf(1)
	case got == want:
		return 0
	case math.IsInf(got, 0) || math.IsInf(want, 0):
		return math.Inf(1)
	}
	e := max(math.Ilogb(want), -1022)
	if want == 0 {
		e = -1022
	}
	return math.Abs(got-want) / math.Ldexp(1, e-52)
}

// TestULP64 compares the float64 approximations with package math (itself within an ulp) on a
// pseudo-random sample over their domains and at the edges.
func TestULP64(t *testing.T) {
	exp := func(x float64) float64 { // math.Exp is +Inf early on amd64; see kernels/ref.Exp
		if x > 709 && x < 709.79 {
			h := math.Exp(x / 2)
			return h * h
		}
		return math.Exp(x)
	}
	logRef := func(x float64) float64 {
		if x > 0 && x < 0x1p-1022 {
			return math.Log(x*0x1p52) - 52*math.Ln2
		}
		return math.Log(x)
	}
	cases := []struct {
		name   string
		lo, hi float64
		f      func(dst, x []float64)
		want   func(float64) float64
		max    float64
	}{
		{"Exp64", -745.2, 709, Exp64, exp, 2},
		{"Log64", 0, math.MaxFloat64, Log64, logRef, 1},
		{"Sigmoid64", -745, 40, Sigmoid64, sigmoid64, 2},
	}
	for _, c := range cases {
		x := make([]float64, 0, 1<<20)
		// Evenly spaced values and logarithmically spaced magnitudes, both signs.
		for i := 0; i <= 1<<18; i++ {
			x = append(x, c.lo+(c.hi-c.lo)*float64(i)/(1<<18))
			if c.lo < 0 {
				x = append(x, -math.Exp2(-1074+1100*float64(i)/(1<<18)))
			}
			if c.hi > 0 {
				x = append(x, math.Exp2(-1074+2097*float64(i)/(1<<18)))
			}
		}
		x = append(x, math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 5e-324)
		dst := make([]float64, len(x))
		c.f(dst, x)
		worst, at := 0.0, 0.0
		for i, v := range x {
			if v < c.lo || v > c.hi {
				// Beyond the measured range (near overflow, where the reference itself is off
				// by an ulp or two, and in the subnormal range) a few ulps are allowed.
				if w := c.want(v); ulpErr64(dst[i], w) > 4 && !(math.Abs(w) < 1e-300 && math.Abs(dst[i]) < 1e-300) {
					t.Errorf("%s(%g) = %g, want %g", c.name, v, dst[i], w)
				}
				continue
			}
			if e := ulpErr64(dst[i], c.want(v)); e > worst {
				worst, at = e, v
			}
		}
		t.Logf("%s: max difference from package math %.3f ulp at %g", c.name, worst, at)
		if worst > c.max {
			t.Errorf("%s: %.3f ulp from package math at %g, above %g", c.name, worst, at, c.max)
		}
	}
}

func ExampleExp32() {
	x := []float32{-1, 0, 1, 88.8}
	y := make([]float32, len(x))
	Exp32(y, x)
	fmt.Println(y)
	// Output: [0.36787945 1 2.7182817 +Inf]
}
