package f32

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// mathKernel is one math kernel under test with its reference loop, the
// range of the ulp sweep and the bound the package documentation states.
type mathKernel struct {
	name   string
	ok     bool
	fn     func(dst, x []float32)
	ref    func(dst, x []float32)
	lo, hi float32
	max    float64 // ulps
}

func mathKernels() []mathKernel {
	var ks []mathKernel
	for _, isa := range []struct {
		name                     string
		ok                       bool
		exp, log, tanh, sig, erf func(dst, x []float32)
	}{
		{"AVX512", HasAVX512, ExpAVX512, LogAVX512, TanhAVX512, SigmoidAVX512, ErfAVX512},
		{"AVX2", HasAVX2, ExpAVX2, LogAVX2, TanhAVX2, SigmoidAVX2, ErfAVX2},
	} {
		ks = append(ks,
			mathKernel{"Exp" + isa.name, isa.ok, isa.exp, expRef, -104, 89, mathMaxULP["Exp"]},
			mathKernel{"Log" + isa.name, isa.ok, isa.log, logRef, 0, math.MaxFloat32, mathMaxULP["Log"]},
			mathKernel{"Tanh" + isa.name, isa.ok, isa.tanh, tanhRef, -10, 10, mathMaxULP["Tanh"]},
			mathKernel{"Sigmoid" + isa.name, isa.ok, isa.sig, sigmoidRef, -104, 20, mathMaxULP["Sigmoid"]},
			mathKernel{"Erf" + isa.name, isa.ok, isa.erf, erfRef, -4, 4, mathMaxULP["Erf"]},
		)
	}
	return ks
}

// mathMaxULP holds the bounds the package documentation states, in ulps of
// the float32 result, a little above the errors measured with -f32.step 13.
var mathMaxULP = map[string]float64{"Exp": 1.3, "Log": 0.85, "Tanh": 1.4, "Sigmoid": 0.51, "Erf": 0.54}

// ulp32 returns |got − want| in ulps of float32 at want (want exact); NaN
// must match NaN and infinities match exactly. Subnormals share the ulp of
// the smallest normal.
func ulp32(got float32, want float64) float64 {
	g := float64(got)
	switch {
	case math.IsNaN(want) || math.IsNaN(g):
		if math.IsNaN(want) && math.IsNaN(g) {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(g, 0) || math.Abs(want) > math.MaxFloat32:
		if float64(float32(want)) == g {
			return 0
		}
		return math.Inf(1)
	}
	e := -126
	if want != 0 {
		e = max(math.Ilogb(want), -126)
	}
	return math.Abs(g-want) / math.Ldexp(1, e-23)
}

// mathWant returns the float64 value of the function named by the kernel
// name's prefix.
func mathWant(name string, v float64) float64 {
	switch name[:3] {
	case "Exp":
		return math.Exp(v)
	case "Log":
		return math.Log(v)
	case "Tan":
		return math.Tanh(v)
	case "Erf":
		return math.Erf(v)
	}
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

var mathStep = flag.Uint("f32.step", 127, "sweep every `n`th float32 in TestMathULP (1: all of them)")

// TestMathULP sweeps every step-th float32 (by bit pattern) of each kernel's
// range against float64 math and checks the stated bound.
func TestMathULP(t *testing.T) {
	step := uint32(max(*mathStep, 1))
	if testing.Short() && step == 127 {
		step = 1021
	}
	for _, k := range mathKernels() {
		if !k.ok {
			t.Logf("%s: not supported by this CPU/build, skipped", k.name)
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			worst, at, n := 0.0, float32(0), 0
			x := make([]float32, 0, 4096)
			dst := make([]float32, 4096)
			flush := func() {
				k.fn(dst[:len(x)], x)
				for i, v := range x {
					if e := ulp32(dst[i], mathWant(k.name, float64(v))); e > worst {
						worst, at = e, v
					}
				}
				n += len(x)
				x = x[:0]
			}
			// Both signs: bit patterns below and above the sign bit.
			for _, sign := range []uint32{0, 1 << 31} {
				for u := uint32(0); u < 0x7f800000; u += step {
					v := math.Float32frombits(u | sign)
					if v < k.lo || v > k.hi {
						continue
					}
					if x = append(x, v); len(x) == cap(x) {
						flush()
					}
				}
			}
			flush()
			t.Logf("%s: max error %.3f ulp at %g over %d inputs", k.name, worst, at, n)
			if worst > k.max {
				t.Errorf("%s: max error %.3f ulp at %g, above the stated %g", k.name, worst, at, k.max)
			}
		})
	}
}

// TestMathSpecials checks NaN, infinities, zeros, subnormals and the ends of
// the ranges, where the kernels must give what float64 math rounds to (or
// within the stated bound).
func TestMathSpecials(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	sub := math.Float32frombits(1)
	in := []float32{nan, -nan, inf, -inf, 0, float32(math.Copysign(0, -1)), sub, -sub,
		math.Float32frombits(0x007fffff), 1e-30, -1e-30, 1e-40, math.MaxFloat32, -math.MaxFloat32,
		88.72, 88.73, 89, 100, -87.3, -103.9, -104, -104.1, -200, 1e4, -1e4, 0.5, -0.5, 1, -1,
		0.625, -0.625, 0.62499994, 9, 10, 20, -20, 1e-7, -1e-7}
	for _, k := range mathKernels() {
		if !k.ok {
			continue
		}
		dst := make([]float32, len(in))
		k.fn(dst, in)
		for i, v := range in {
			want := mathWant(k.name, float64(v))
			if e := ulp32(dst[i], want); e > k.max {
				t.Errorf("%s(%g) = %g, want %g (%.3g ulp)", k.name, v, dst[i], want, e)
			}
			if want == 0 && math.Signbit(want) != math.Signbit(float64(dst[i])) {
				t.Errorf("%s(%g) = %g, want %g (sign of zero)", k.name, v, dst[i], want)
			}
		}
	}
}

// TestMathLengths runs each kernel on odd lengths at unaligned offsets with
// guard bands, in place and not, against its reference loop.
func TestMathLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const guard = 5
	for _, k := range mathKernels() {
		if !k.ok {
			continue
		}
		for _, n := range []int{0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 65, 100, 1000} {
			for _, off := range []int{0, 1, 3} {
				for _, inPlace := range []bool{false, true} {
					name := fmt.Sprintf("%s/n=%d/off=%d/inplace=%v", k.name, n, off, inPlace)
					x := make([]float32, off+n+guard)
					for i := range x {
						x[i] = float32(r.Float64()*20 - 10)
						if k.name[:3] == "Log" {
							x[i] = float32(math.Exp(r.Float64()*40 - 20))
						}
					}
					want := make([]float32, n)
					k.ref(want, x[off:off+n])
					buf := make([]float32, off+n+guard)
					for i := range buf {
						buf[i] = -12345
					}
					src := append([]float32(nil), x...)
					dst := buf[off : off+n]
					if inPlace {
						copy(buf, x)
						buf[off+n], buf[off+n+1] = -12345, -12345
						for i := off + n; i < len(buf); i++ {
							buf[i] = -12345
						}
						for i := 0; i < off; i++ {
							buf[i] = -12345
						}
						src = buf
					}
					k.fn(dst, src[off:off+n+guard])
					for i := range buf {
						if (i < off || i >= off+n) && buf[i] != -12345 {
							t.Fatalf("%s: guard element %d overwritten: %g", name, i, buf[i])
						}
					}
					for i := range n {
						if e := ulp32(dst[i], float64(want[i])); e > k.max+0.5 {
							t.Fatalf("%s: element %d = %g, want %g", name, i, dst[i], want[i])
						}
					}
				}
			}
		}
	}
}

func BenchmarkMath(b *testing.B) {
	for _, k := range mathKernels() {
		for _, n := range []int{1024, 262144} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i%2000)/100 - 10
				if k.name[:3] == "Log" {
					x[i] = float32(i%2000+1) / 100
				}
			}
			dst := make([]float32, n)
			fn := k.fn
			if !k.ok {
				fn = k.ref
			}
			b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
				b.SetBytes(int64(8 * n))
				for b.Loop() {
					fn(dst, x)
				}
			})
		}
	}
}
