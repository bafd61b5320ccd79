package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bitsOf returns the bits of v, widened to 64.
func bitsOf[T Float](v T) uint64 {
	if f, ok := any(v).(float32); ok {
		return uint64(math.Float32bits(f))
	}
	return math.Float64bits(float64(v))
}

// reluGradWant is the composition the rectifier's gradient replaced: select +0 where x <= 0,
// else g.
func reluGradWant[T Float](x, g T) T {
	if x <= 0 {
		return 0
	}
	return g
}

// withNaNs puts negative NaNs and NaNs with payloads among x, so that bit-exactness covers them.
func withNaNs[T Float](x []T) []T {
	var nans []T
	switch any(x).(type) {
	case []float32:
		for _, b := range []uint32{0xffc00000, 0x7fc00001, 0xff800001} {
			nans = append(nans, T(any(math.Float32frombits(b)).(float32)))
		}
	default:
		for _, b := range []uint64{0xfff8000000000000, 0x7ff8000000000001, 0xfff0000000000001} {
			nans = append(nans, T(any(math.Float64frombits(b)).(float64)))
		}
	}
	for i := 5; i < len(x); i += 13 {
		x[i] = nans[i%len(nans)]
	}
	return x
}

func testRelu[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range sizes {
		x := withNaNs(randoms[T](rng, n))
		d, ok := withGuard[T](n)
		Relu(d, x)
		for i := range d {
			want := x[i]
			if x[i] <= 0 {
				want = 0
			}
			if bitsOf(d[i]) != bitsOf(want) {
				t.Fatalf("Relu n=%d: element %d (%v) is %v, want %v", n, i, x[i], d[i], want)
			}
		}
		if !ok() {
			t.Fatalf("Relu n=%d wrote outside dst", n)
		}
	}
}

func TestRelu(t *testing.T) {
	withSIMD(t, testRelu[float32])
	testRelu[float64](t)
}

func testReluGrad[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	check := func(form string, n int, d []T, ok func() bool, x, g func(i int) T) {
		t.Helper()
		for i := range d {
			if want := reluGradWant(x(i), g(i)); bitsOf(d[i]) != bitsOf(want) {
				t.Fatalf("ReluGrad%s n=%d: element %d (x %v, g %v) is %v, want %v", form, n, i, x(i), g(i), d[i], want)
			}
		}
		if !ok() {
			t.Fatalf("ReluGrad%s n=%d wrote outside dst", form, n)
		}
	}
	for _, n := range sizes {
		x, g := withNaNs(randoms[T](rng, n)), withNaNs(randoms[T](rng, n))
		d, ok := withGuard[T](n)
		ReluGradVV(d, x, g)
		check("VV", n, d, ok, func(i int) T { return x[i] }, func(i int) T { return g[i] })
		for _, s := range append(withNaNs(randoms[T](rng, 20)), 0, T(math.Copysign(0, -1))) {
			d, ok := withGuard[T](n)
			ReluGradVS(d, x, s)
			check("VS", n, d, ok, func(i int) T { return x[i] }, func(int) T { return s })
			d, ok = withGuard[T](n)
			ReluGradSV(d, s, g)
			check("SV", n, d, ok, func(int) T { return s }, func(i int) T { return g[i] })
		}
	}
}

func TestReluGrad(t *testing.T) {
	withSIMD(t, testReluGrad[float32])
	testReluGrad[float64](t)
}

// TestSqrt32 checks Sqrt32 against the float64 square root rounded to float32, on every kernel
// level.
func TestSqrt32(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	withSIMD(t, func(t *testing.T) {
		for _, n := range sizes {
			x := withNaNs(randoms[float32](rng, n))
			for i := range x {
				if i%2 == 0 {
					x[i] = float32(math.Abs(float64(x[i])))
				}
			}
			d, ok := withGuard[float32](n)
			Sqrt32(d, x)
			for i := range d {
				if want := float32(math.Sqrt(float64(x[i]))); !same(d[i], want) {
					t.Fatalf("n=%d: element %d: √%v is %v, want %v", n, i, x[i], d[i], want)
				}
			}
			if !ok() {
				t.Fatalf("n=%d: wrote outside dst", n)
			}
		}
	})
}
