package dtype

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tideml/tide/internal/errs"
)

// halfValue decodes the bits of a binary format with frac fraction bits and
// maximum exponent emax straight from the IEEE definition, in float64. It is
// the reference the conversions are tested against.
func halfValue(b uint16, frac, emax uint) float64 {
	sign := 1.0
	if b&0x8000 != 0 {
		sign = -1
	}
	e := int(b&0x7fff) >> frac
	m := float64(b & (1<<frac - 1))
	switch {
	case e == int(2*emax+1) && m == 0:
		return math.Inf(int(sign))
	case e == int(2*emax+1):
		return math.NaN()
	case e == 0: // subnormal: m units of 2^(1-emax-frac)
		return sign * math.Ldexp(m, 1-int(emax)-int(frac))
	default:
		return sign * math.Ldexp(float64(uint(1)<<frac)+m, e-int(emax)-int(frac))
	}
}

func f16Value(b uint16) float64  { return halfValue(b, 10, 15) }
func bf16Value(b uint16) float64 { return halfValue(b, 7, 127) }

func f16IsNaN(b uint16) bool  { return b&0x7fff > 0x7c00 }
func bf16IsNaN(b uint16) bool { return b&0x7fff > 0x7f80 }

// checkNaN reports whether a NaN conversion result is right by class: NaN,
// quiet (the top fraction bit set), with the input's sign.
func checkNaN(t *testing.T, what string, got uint16, isNaN func(uint16) bool, quiet uint16, neg bool) {
	t.Helper()
	if !isNaN(got) || got&quiet == 0 || (got&0x8000 != 0) != neg {
		t.Errorf("%s = %#04x, want a quiet NaN with sign %v", what, got, neg)
	}
}

func TestF16Exhaustive(t *testing.T) {
	for i := range 1 << 16 {
		b := uint16(i)
		h := F16FromBits(b)
		if h.Bits() != b {
			t.Fatalf("F16FromBits(%#04x).Bits() = %#04x", b, h.Bits())
		}
		f := h.Float32()
		if f16IsNaN(b) {
			fb := math.Float32bits(f)
			if f == f || fb&0x400000 == 0 || fb>>31 != uint32(b>>15) {
				t.Fatalf("F16(%#04x).Float32() = %#08x, want a quiet NaN of the same sign", b, fb)
			}
			if g := F16FromFloat32(f).Bits(); g != b|0x200 {
				t.Fatalf("NaN %#04x round trip via float32 = %#04x, want %#04x", b, g, b|0x200)
			}
			if g := F16FromFloat64(h.Float64()).Bits(); g != b|0x200 {
				t.Fatalf("NaN %#04x round trip via float64 = %#04x, want %#04x", b, g, b|0x200)
			}
			continue
		}
		want := f16Value(b)
		if float64(f) != want || math.Signbit(float64(f)) != (b&0x8000 != 0) {
			t.Fatalf("F16(%#04x).Float32() = %v, want %v", b, f, want)
		}
		if h.Float64() != want || math.Signbit(h.Float64()) != (b&0x8000 != 0) {
			t.Fatalf("F16(%#04x).Float64() = %v, want %v", b, h.Float64(), want)
		}
		if g := F16FromFloat32(f).Bits(); g != b {
			t.Fatalf("F16FromFloat32(%v) = %#04x, want %#04x", f, g, b)
		}
		if g := F16FromFloat64(want).Bits(); g != b {
			t.Fatalf("F16FromFloat64(%v) = %#04x, want %#04x", want, g, b)
		}
	}
}

func TestBF16Exhaustive(t *testing.T) {
	for i := range 1 << 16 {
		b := uint16(i)
		h := BF16FromBits(b)
		if h.Bits() != b {
			t.Fatalf("BF16FromBits(%#04x).Bits() = %#04x", b, h.Bits())
		}
		f := h.Float32()
		if bf16IsNaN(b) {
			fb := math.Float32bits(f)
			if f == f || fb&0x400000 == 0 || fb>>31 != uint32(b>>15) {
				t.Fatalf("BF16(%#04x).Float32() = %#08x, want a quiet NaN of the same sign", b, fb)
			}
			if g := BF16FromFloat32(f).Bits(); g != b|0x40 {
				t.Fatalf("NaN %#04x round trip via float32 = %#04x, want %#04x", b, g, b|0x40)
			}
			if g := BF16FromFloat64(h.Float64()).Bits(); g != b|0x40 {
				t.Fatalf("NaN %#04x round trip via float64 = %#04x, want %#04x", b, g, b|0x40)
			}
			continue
		}
		want := bf16Value(b)
		if float64(f) != want || math.Signbit(float64(f)) != (b&0x8000 != 0) {
			t.Fatalf("BF16(%#04x).Float32() = %v, want %v", b, f, want)
		}
		if h.Float64() != want || math.Signbit(h.Float64()) != (b&0x8000 != 0) {
			t.Fatalf("BF16(%#04x).Float64() = %v, want %v", b, h.Float64(), want)
		}
		if g := BF16FromFloat32(f).Bits(); g != b {
			t.Fatalf("BF16FromFloat32(%v) = %#04x, want %#04x", f, g, b)
		}
		if g := BF16FromFloat64(want).Bits(); g != b {
			t.Fatalf("BF16FromFloat64(%v) = %#04x, want %#04x", want, g, b)
		}
	}
}

// TestHalfTies rounds the midpoint of every pair of neighbouring finite values
// (the last pair being the largest finite value and the first power of two
// past it, whose midpoint is the overflow threshold), and the floats just
// either side of it.
func TestHalfTies(t *testing.T) {
	type format struct {
		name     string
		maxBits  uint16 // largest finite encoding
		value    func(uint16) float64
		from32   func(float32) uint16
		from64   func(float64) uint16
		fracBits uint
	}
	formats := []format{
		{"F16", 0x7bff, f16Value,
			func(f float32) uint16 { return F16FromFloat32(f).Bits() },
			func(f float64) uint16 { return F16FromFloat64(f).Bits() }, 10},
		{"BF16", 0x7f7f, bf16Value,
			func(f float32) uint16 { return BF16FromFloat32(f).Bits() },
			func(f float64) uint16 { return BF16FromFloat64(f).Bits() }, 7},
	}
	for _, fm := range formats {
		for b := uint16(0); b <= fm.maxBits; b++ {
			lo := fm.value(b)
			hi := fm.value(b + 1) // for maxBits+1 this is the Inf encoding
			if b == fm.maxBits {
				hi = math.Ldexp(1, math.Ilogb(lo)+1)
			}
			mid := (lo + hi) / 2 // exact: one more bit than the format has
			even := b
			if b&1 == 1 {
				even = b + 1
			}
			for _, sign := range []uint16{0, 0x8000} {
				s := 1.0
				if sign != 0 {
					s = -1
				}
				m := s * mid
				below := math.Nextafter(m, s*lo)
				above := math.Nextafter(m, s*hi)
				cases := []struct {
					x    float64
					want uint16
				}{
					{m, sign | even},
					{below, sign | b},
					{above, sign | (b + 1)},
				}
				for _, c := range cases {
					if got := fm.from64(c.x); got != c.want {
						t.Fatalf("%sFromFloat64(%v) = %#04x, want %#04x", fm.name, c.x, got, c.want)
					}
				}
				// The same for float32 inputs, whose neighbours of mid are
				// farther away but still on the right sides.
				m32 := float32(m)
				for _, c := range []struct {
					x    float32
					want uint16
				}{
					{m32, sign | even},
					{math.Nextafter32(m32, float32(s*lo)), sign | b},
					{math.Nextafter32(m32, float32(s*hi)), sign | (b + 1)},
				} {
					if got := fm.from32(c.x); got != c.want {
						t.Fatalf("%sFromFloat32(%v) = %#04x, want %#04x", fm.name, c.x, got, c.want)
					}
				}
			}
		}
	}
}

func TestHalfSpecialValues(t *testing.T) {
	nan32 := func(b uint32) float32 { return math.Float32frombits(b) }
	cases := []struct {
		name string
		got  uint16
		want uint16
	}{
		{"F16FromFloat32(65504)", F16FromFloat32(65504).Bits(), 0x7bff},
		{"F16FromFloat32(65519.996)", F16FromFloat32(math.Nextafter32(65520, 0)).Bits(), 0x7bff},
		{"F16FromFloat32(65520)", F16FromFloat32(65520).Bits(), 0x7c00},
		{"F16FromFloat32(-65520)", F16FromFloat32(-65520).Bits(), 0xfc00},
		{"F16FromFloat32(MaxFloat32)", F16FromFloat32(math.MaxFloat32).Bits(), 0x7c00},
		{"F16FromFloat32(+Inf)", F16FromFloat32(float32(math.Inf(1))).Bits(), 0x7c00},
		{"F16FromFloat32(-Inf)", F16FromFloat32(float32(math.Inf(-1))).Bits(), 0xfc00},
		// float32(65519.99999) is 65520, so converting through float32
		// would give Inf here; rounding once gives the largest finite.
		{"F16FromFloat64(65519.99999)", F16FromFloat64(65519.99999).Bits(), 0x7bff},
		{"F16FromFloat64(65520)", F16FromFloat64(65520).Bits(), 0x7c00},
		{"F16FromFloat64(1e300)", F16FromFloat64(1e300).Bits(), 0x7c00},
		{"F16FromFloat64(-Inf)", F16FromFloat64(math.Inf(-1)).Bits(), 0xfc00},
		{"F16FromFloat32(2^-14)", F16FromFloat32(0x1p-14).Bits(), 0x0400},
		{"F16FromFloat32(2^-24)", F16FromFloat32(0x1p-24).Bits(), 0x0001},
		{"F16FromFloat32(-2^-24)", F16FromFloat32(-0x1p-24).Bits(), 0x8001},
		{"F16FromFloat32(2^-25)", F16FromFloat32(0x1p-25).Bits(), 0x0000},
		{"F16FromFloat32(-2^-25)", F16FromFloat32(-0x1p-25).Bits(), 0x8000},
		{"F16FromFloat32(3*2^-26)", F16FromFloat32(0x3p-26).Bits(), 0x0001},
		{"F16FromFloat32(3*2^-25)", F16FromFloat32(0x3p-25).Bits(), 0x0002},
		{"F16FromFloat32(next(2^-25))", F16FromFloat32(math.Nextafter32(0x1p-25, 1)).Bits(), 0x0001},
		{"F16FromFloat32(smallest float32)", F16FromFloat32(math.SmallestNonzeroFloat32).Bits(), 0x0000},
		{"F16FromFloat64(2^-25)", F16FromFloat64(0x1p-25).Bits(), 0x0000},
		{"F16FromFloat64(next(2^-25))", F16FromFloat64(math.Nextafter(0x1p-25, 1)).Bits(), 0x0001},
		{"F16FromFloat64(smallest float64)", F16FromFloat64(-math.SmallestNonzeroFloat64).Bits(), 0x8000},
		{"F16FromFloat32(0)", F16FromFloat32(0).Bits(), 0x0000},
		{"F16FromFloat32(-0)", F16FromFloat32(float32(math.Copysign(0, -1))).Bits(), 0x8000},
		{"F16FromFloat64(-0)", F16FromFloat64(math.Copysign(0, -1)).Bits(), 0x8000},
		{"F16FromFloat32(1)", F16FromFloat32(1).Bits(), 0x3c00},
		{"F16FromFloat32(-2)", F16FromFloat32(-2).Bits(), 0xc000},
		{"F16FromFloat32(0.1)", F16FromFloat32(0.1).Bits(), 0x2e66},
		{"F16FromFloat64(0.1)", F16FromFloat64(0.1).Bits(), 0x2e66},
		// NaN keeps its sign and the top payload bits and becomes quiet,
		// even when the payload bits that survive are all zero.
		{"F16FromFloat32(sNaN 0x7f800001)", F16FromFloat32(nan32(0x7f800001)).Bits(), 0x7e00},
		{"F16FromFloat32(-NaN 0xffc00000)", F16FromFloat32(nan32(0xffc00000)).Bits(), 0xfe00},
		{"F16FromFloat32(NaN 0x7fa02000)", F16FromFloat32(nan32(0x7fa02000)).Bits(), 0x7f01},
		{"F16FromFloat64(-NaN)", F16FromFloat64(math.Float64frombits(0xfff0000000000001)).Bits(), 0xfe00},

		{"BF16FromFloat32(1)", BF16FromFloat32(1).Bits(), 0x3f80},
		{"BF16FromFloat32(MaxFloat32)", BF16FromFloat32(math.MaxFloat32).Bits(), 0x7f80},
		{"BF16FromFloat32(0x7f7f7fff)", BF16FromFloat32(nan32(0x7f7f7fff)).Bits(), 0x7f7f},
		{"BF16FromFloat32(-0x7f7f8000)", BF16FromFloat32(nan32(0xff7f8000)).Bits(), 0xff80},
		{"BF16FromFloat32(1+2^-8)", BF16FromFloat32(1 + 0x1p-8).Bits(), 0x3f80},
		{"BF16FromFloat32(1+3*2^-8)", BF16FromFloat32(1 + 0x3p-8).Bits(), 0x3f82},
		{"BF16FromFloat32(smallest float32)", BF16FromFloat32(math.SmallestNonzeroFloat32).Bits(), 0x0000},
		{"BF16FromFloat32(2^-133)", BF16FromFloat32(0x1p-133).Bits(), 0x0001},
		{"BF16FromFloat32(-0)", BF16FromFloat32(float32(math.Copysign(0, -1))).Bits(), 0x8000},
		{"BF16FromFloat32(sNaN 0x7f800001)", BF16FromFloat32(nan32(0x7f800001)).Bits(), 0x7fc0},
		{"BF16FromFloat32(-NaN 0xff812345)", BF16FromFloat32(nan32(0xff812345)).Bits(), 0xffc1},
		{"BF16FromFloat64(2^128)", BF16FromFloat64(0x1p128).Bits(), 0x7f80},
		{"BF16FromFloat64(threshold)", BF16FromFloat64(0x1.ffp127).Bits(), 0x7f80},
		{"BF16FromFloat64(below threshold)", BF16FromFloat64(math.Nextafter(0x1.ffp127, 0)).Bits(), 0x7f7f},
		{"BF16FromFloat64(-1e300)", BF16FromFloat64(-1e300).Bits(), 0xff80},
		{"BF16FromFloat64(2^-134)", BF16FromFloat64(0x1p-134).Bits(), 0x0000},
		{"BF16FromFloat64(next(2^-134))", BF16FromFloat64(math.Nextafter(0x1p-134, 1)).Bits(), 0x0001},
		{"BF16FromFloat64(1+2^-8+2^-40)", BF16FromFloat64(1 + 0x1p-8 + 0x1p-40).Bits(), 0x3f81},
		{"BF16FromFloat64(-0)", BF16FromFloat64(math.Copysign(0, -1)).Bits(), 0x8000},
		{"BF16FromFloat64(NaN)", BF16FromFloat64(math.NaN()).Bits() & 0x7fc0, 0x7fc0},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %#04x, want %#04x", c.name, c.got, c.want)
		}
	}
}

// TestHalfCases compares with NumPy's float16 and PyTorch's bfloat16 (and an
// exact rational rounding), recorded in testdata by gen_half.py.
func TestHalfCases(t *testing.T) {
	f, err := os.Open("testdata/half_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	counts := map[string]int{}
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 4 {
			t.Fatalf("line %d: want 4 fields: %q", line, text)
		}
		in, err1 := strconv.ParseUint(fields[1], 16, 64)
		w16, err2 := strconv.ParseUint(fields[2], 16, 16)
		wbf, err3 := strconv.ParseUint(fields[3], 16, 16)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		var g16, gbf uint16
		var neg bool
		switch fields[0] {
		case "f32":
			x := math.Float32frombits(uint32(in))
			g16, gbf, neg = F16FromFloat32(x).Bits(), BF16FromFloat32(x).Bits(), in>>31 != 0
		case "f64":
			x := math.Float64frombits(in)
			g16, gbf, neg = F16FromFloat64(x).Bits(), BF16FromFloat64(x).Bits(), in>>63 != 0
		default:
			t.Fatalf("line %d: unknown kind %q", line, fields[0])
		}
		counts[fields[0]]++
		what := fmt.Sprintf("line %d: %s %s", line, fields[0], fields[1])
		if f16IsNaN(uint16(w16)) {
			checkNaN(t, what+" to F16", g16, f16IsNaN, 0x200, neg)
		} else if g16 != uint16(w16) {
			t.Errorf("%s to F16 = %#04x, want %#04x", what, g16, w16)
		}
		if bf16IsNaN(uint16(wbf)) {
			checkNaN(t, what+" to BF16", gbf, bf16IsNaN, 0x40, neg)
		} else if gbf != uint16(wbf) {
			t.Errorf("%s to BF16 = %#04x, want %#04x", what, gbf, wbf)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if counts["f32"] < 1000 || counts["f64"] < 1000 {
		t.Errorf("only %v cases read", counts)
	}
}

// TestHalfFloat32AgreesWithFloat64 checks the float32 and float64 paths, two
// separate implementations, against each other on a stride through all
// float32 bit patterns: float32 to float64 is exact, so they must agree.
func TestHalfFloat32AgreesWithFloat64(t *testing.T) {
	stride := uint64(251)
	if testing.Short() {
		stride = 4093
	}
	for b := uint64(0); b < 1<<32; b += stride {
		f := math.Float32frombits(uint32(b))
		if f != f {
			// float64(f) need not keep a NaN's sign and payload (software
			// floating point drops them), so compare by class only.
			if !f16IsNaN(F16FromFloat64(float64(f)).Bits()) || !bf16IsNaN(BF16FromFloat64(float64(f)).Bits()) {
				t.Fatalf("NaN %#08x did not stay NaN through float64", b)
			}
			continue
		}
		if x, y := F16FromFloat32(f), F16FromFloat64(float64(f)); x != y {
			t.Fatalf("F16FromFloat32(%#08x) = %#04x, F16FromFloat64 = %#04x", b, x, y)
		}
		if x, y := BF16FromFloat32(f), BF16FromFloat64(float64(f)); x != y {
			t.Fatalf("BF16FromFloat32(%#08x) = %#04x, BF16FromFloat64 = %#04x", b, x, y)
		}
	}
}

func TestHalfSlices(t *testing.T) {
	src := []float32{0, 1, -2.5, 65520, 1e-7, float32(math.NaN()), -0.1, 3.14159, 0x1p-25, 1e38}
	for _, n := range []int{0, 1, 7, 8, 9, 10} {
		in := src[:n]
		h := make([]F16, n+2)
		h[0], h[n+1] = 0xdead, 0xdead
		F16sFromFloat32s(h[1:n+1], in)
		bf := make([]BF16, n+2)
		bf[0], bf[n+1] = 0xdead, 0xdead
		BF16sFromFloat32s(bf[1:n+1], in)
		back := make([]float32, n+2)
		back2 := make([]float32, n+2)
		Float32sFromF16s(back[1:n+1], h[1:n+1])
		Float32sFromBF16s(back2[1:n+1], bf[1:n+1])
		if h[0] != 0xdead || h[n+1] != 0xdead || bf[0] != 0xdead || bf[n+1] != 0xdead ||
			back[0] != 0 || back[n+1] != 0 || back2[0] != 0 || back2[n+1] != 0 {
			t.Fatalf("n=%d: guard band overwritten", n)
		}
		for i, x := range in {
			if h[1+i] != F16FromFloat32(x) || bf[1+i] != BF16FromFloat32(x) {
				t.Errorf("n=%d: element %d of %v: got %#04x, %#04x", n, i, x, h[1+i], bf[1+i])
			}
			if b := math.Float32bits(back[1+i]); b != math.Float32bits(h[1+i].Float32()) {
				t.Errorf("n=%d: Float32sFromF16s element %d = %#08x", n, i, b)
			}
			if b := math.Float32bits(back2[1+i]); b != math.Float32bits(bf[1+i].Float32()) {
				t.Errorf("n=%d: Float32sFromBF16s element %d = %#08x", n, i, b)
			}
		}
	}
}

// TestHalfSlicesAllValues runs every F16 and BF16 encoding, and a stride of
// float32 inputs, through the slice converters, whose loops inline their own
// copies of the scalar fast paths.
func TestHalfSlicesAllValues(t *testing.T) {
	h := make([]F16, 1<<16)
	bf := make([]BF16, 1<<16)
	for i := range h {
		h[i], bf[i] = F16(i), BF16(i)
	}
	out := make([]float32, 1<<16)
	Float32sFromF16s(out, h)
	for i, x := range h {
		if math.Float32bits(out[i]) != math.Float32bits(x.Float32()) {
			t.Fatalf("Float32sFromF16s at %#04x = %#08x, want %#08x", i, math.Float32bits(out[i]), math.Float32bits(x.Float32()))
		}
	}
	Float32sFromBF16s(out, bf)
	for i, x := range bf {
		if math.Float32bits(out[i]) != math.Float32bits(x.Float32()) {
			t.Fatalf("Float32sFromBF16s at %#04x = %#08x, want %#08x", i, math.Float32bits(out[i]), math.Float32bits(x.Float32()))
		}
	}
	for i := range out {
		out[i] = math.Float32frombits(uint32(i) * 65537)
	}
	F16sFromFloat32s(h, out)
	BF16sFromFloat32s(bf, out)
	for i, x := range out {
		if h[i] != F16FromFloat32(x) || bf[i] != BF16FromFloat32(x) {
			t.Fatalf("slice conversion of %#08x = %#04x, %#04x, want %#04x, %#04x",
				math.Float32bits(x), h[i], bf[i], F16FromFloat32(x), BF16FromFloat32(x))
		}
	}
}

func TestHalfSlicesLengthMismatchPanics(t *testing.T) {
	calls := map[string]func(){
		"F16sFromFloat32s":  func() { F16sFromFloat32s(make([]F16, 2), make([]float32, 3)) },
		"Float32sFromF16s":  func() { Float32sFromF16s(make([]float32, 3), make([]F16, 2)) },
		"BF16sFromFloat32s": func() { BF16sFromFloat32s(make([]BF16, 1), make([]float32, 0)) },
		"Float32sFromBF16s": func() { Float32sFromBF16s(make([]float32, 0), make([]BF16, 1)) },
	}
	for name, call := range calls {
		func() {
			defer func() {
				if _, ok := recover().(*errs.Error); !ok {
					t.Errorf("%s with mismatched lengths did not panic with *errs.Error", name)
				}
			}()
			call()
		}()
	}
}

func ExampleF16FromFloat32() {
	h := F16FromFloat32(0.1)
	fmt.Printf("%#04x %v\n", h.Bits(), h.Float32())
	fmt.Println(F16FromFloat32(65519).Float32(), F16FromFloat32(65520).Float32())
	// Output:
	// 0x2e66 0.099975586
	// 65504 +Inf
}

func ExampleBF16FromFloat32() {
	b := BF16FromFloat32(3.14159)
	fmt.Printf("%#04x %v\n", b.Bits(), b.Float32())
	// Output:
	// 0x4049 3.140625
}

var halfBenchSizes = []int{1024, 1 << 16}

func benchHalfInput(n int) []float32 {
	src := make([]float32, n)
	for i := range src {
		// A spread of magnitudes, mostly normal binary16 values.
		src[i] = float32(math.Ldexp(1+float64(i%1000)/1000, i%40-20)) * float32(1-2*(i&1))
	}
	return src
}

func BenchmarkF16sFromFloat32s(b *testing.B) {
	for _, n := range halfBenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			src, dst := benchHalfInput(n), make([]F16, n)
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				F16sFromFloat32s(dst, src)
			}
		})
	}
}

func BenchmarkFloat32sFromF16s(b *testing.B) {
	for _, n := range halfBenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			src, dst := make([]F16, n), make([]float32, n)
			F16sFromFloat32s(src, benchHalfInput(n))
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				Float32sFromF16s(dst, src)
			}
		})
	}
}

func BenchmarkBF16sFromFloat32s(b *testing.B) {
	for _, n := range halfBenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			src, dst := benchHalfInput(n), make([]BF16, n)
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				BF16sFromFloat32s(dst, src)
			}
		})
	}
}

func BenchmarkFloat32sFromBF16s(b *testing.B) {
	for _, n := range halfBenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			src, dst := make([]BF16, n), make([]float32, n)
			BF16sFromFloat32s(src, benchHalfInput(n))
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				Float32sFromBF16s(dst, src)
			}
		})
	}
}
