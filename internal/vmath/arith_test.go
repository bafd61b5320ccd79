package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The loop sizes tested: empty, single, around the unrolling by four and eight, and long.
var sizes = []int{0, 1, 3, 4, 5, 7, 8, 9, 31, 65, 1000, 1<<16 + 3}

// specials are mixed into the random inputs.
var specials = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 5e-324, 1e-40, -3e38, 1e300}

func randoms[T Float](rng *rand.Rand, n int) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = T(rng.NormFloat64() * 4)
		if i%11 == 3 {
			x[i] = T(specials[rng.IntN(len(specials))])
		}
	}
	return x
}

// same reports whether a and b are the same value: equal bits, or both NaN.
func same[T Float](a, b T) bool {
	return a != a && b != b || a == b && math.Signbit(float64(a)) == math.Signbit(float64(b))
}

// withGuard returns a slice of n elements inside a buffer whose other elements are a marker,
// and a check that the marker is intact.
func withGuard[T Float](n int) ([]T, func() bool) {
	buf := make([]T, n+16)
	for i := range buf {
		buf[i] = 12345
	}
	return buf[8 : 8+n], func() bool {
		for i := range 8 {
			if buf[i] != 12345 || buf[8+n+i] != 12345 {
				return false
			}
		}
		return true
	}
}

type binCase[T Float] struct {
	name string
	vv   func(d, x, y []T)
	vs   func(d, x []T, s T)
	sv   func(d []T, s T, y []T)
	f    func(x, y T) T
}

func binCases[T Float]() []binCase[T] {
	return []binCase[T]{
		{"Add", AddVV[T], AddVS[T], nil, func(x, y T) T { return x + y }},
		{"Sub", SubVV[T], SubVS[T], SubSV[T], func(x, y T) T { return x - y }},
		{"Mul", MulVV[T], MulVS[T], nil, func(x, y T) T { return x * y }},
		{"Div", DivVV[T], DivVS[T], DivSV[T], func(x, y T) T { return x / y }},
		{"Max", MaxVV[T], MaxVS[T], nil, func(x, y T) T { return max(x, y) }},
		{"Min", MinVV[T], MinVS[T], nil, func(x, y T) T { return min(x, y) }},
	}
}

func testBinary[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range binCases[T]() {
		for _, n := range sizes {
			x, y := randoms[T](rng, n), randoms[T](rng, n)
			s := T(rng.NormFloat64())
			check := func(form string, run func(d []T), want func(i int) T) {
				d, ok := withGuard[T](n)
				run(d)
				for i := range d {
					if !same(d[i], want(i)) {
						t.Fatalf("%s%s[%T] n=%d: element %d is %v, want %v", c.name, form, d[i], n, i, d[i], want(i))
					}
				}
				if !ok() {
					t.Fatalf("%s%s n=%d wrote outside dst", c.name, form, n)
				}
			}
			check("VV", func(d []T) { c.vv(d, x, y) }, func(i int) T { return c.f(x[i], y[i]) })
			check("VS", func(d []T) { c.vs(d, x, s) }, func(i int) T { return c.f(x[i], s) })
			if c.sv != nil {
				check("SV", func(d []T) { c.sv(d, s, y) }, func(i int) T { return c.f(s, y[i]) })
			}
			// In place: dst is x.
			want := make([]T, n)
			for i := range want {
				want[i] = c.f(x[i], y[i])
			}
			c.vv(x, x, y)
			for i := range x {
				if !same(x[i], want[i]) {
					t.Fatalf("%sVV in place n=%d: element %d is %v, want %v", c.name, n, i, x[i], want[i])
				}
			}
		}
	}
}

func TestBinary(t *testing.T) {
	testBinary[float32](t)
	testBinary[float64](t)
}

func TestUnarySimple(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range sizes {
		x := randoms[float32](rng, n)
		d := make([]float32, n)
		for _, c := range []struct {
			name string
			f    func(d, x []float32)
			want func(float32) float32
		}{
			{"Neg", Neg[float32], func(v float32) float32 { return -v }},
			{"Abs32", Abs32, func(v float32) float32 { return float32(math.Abs(float64(v))) }},
			{"Sqrt32", Sqrt32, func(v float32) float32 { return float32(math.Sqrt(float64(v))) }},
			{"Relu", Relu[float32], func(v float32) float32 { return max(v, 0) }},
		} {
			c.f(d, x)
			for i := range d {
				if !same(d[i], c.want(x[i])) {
					t.Fatalf("%s n=%d: element %d (%v) is %v, want %v", c.name, n, i, x[i], d[i], c.want(x[i]))
				}
			}
		}
	}
}

func TestFill(t *testing.T) {
	for _, n := range append(sizes, 33, 64, 100) {
		d, ok := withGuard[float32](n)
		Fill(d, 2.5)
		for i, v := range d {
			if v != 2.5 {
				t.Fatalf("Fill n=%d: element %d is %v", n, i, v)
			}
		}
		if !ok() {
			t.Fatalf("Fill n=%d wrote outside dst", n)
		}
	}
}

func TestAccumulateRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range sizes {
		a, b, c, d := randoms[float32](rng, n), randoms[float32](rng, n), randoms[float32](rng, n), randoms[float32](rng, n)
		acc := make([]float64, n)
		AccWiden4(acc, a, b, c, d)
		acc32 := make([]float32, n)
		AddTo4(acc32, a, b, c, d)
		for i := range acc {
			want := 0 + ((float64(a[i]) + float64(b[i])) + (float64(c[i]) + float64(d[i])))
			if !same(acc[i], want) {
				t.Fatalf("AccWiden4 n=%d: element %d is %v, want %v", n, i, acc[i], want)
			}
			if want32 := 0 + ((a[i] + b[i]) + (c[i] + d[i])); !same(acc32[i], want32) {
				t.Fatalf("AddTo4 n=%d: element %d is %v, want %v", n, i, acc32[i], want32)
			}
		}
	}
}

func TestCompareSelect(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ops := map[Cmp]func(a, b float64) bool{
		EQ: func(a, b float64) bool { return a == b }, NE: func(a, b float64) bool { return a != b },
		LT: func(a, b float64) bool { return a < b }, LE: func(a, b float64) bool { return a <= b },
		GT: func(a, b float64) bool { return a > b }, GE: func(a, b float64) bool { return a >= b },
	}
	for _, n := range sizes {
		x, y := randoms[float64](rng, n), randoms[float64](rng, n)
		for i := range y {
			if i%3 == 0 {
				y[i] = x[i] // ties
			}
		}
		d := make([]bool, n)
		for c, f := range ops {
			CmpVV(c, d, x, y)
			for i := range d {
				if d[i] != f(x[i], y[i]) {
					t.Fatalf("CmpVV %d n=%d: element %d", c, n, i)
				}
			}
			CmpVS(c, d, x, 0.5)
			for i := range d {
				if d[i] != f(x[i], 0.5) || f(x[i], 0.5) != ops[c.Mirror()](0.5, x[i]) {
					t.Fatalf("CmpVS %d n=%d: element %d", c, n, i)
				}
			}
		}
		CmpVV(LT, d, x, y)
		out := make([]float64, n)
		SelectVV(out, d, x, y)
		for i := range out {
			if want := map[bool]float64{true: x[i], false: y[i]}[d[i]]; !same(out[i], want) {
				t.Fatalf("SelectVV n=%d: element %d", n, i)
			}
		}
		SelectSS(out, d, 1, 2)
		SelectVS(out, d, x, 7)
		SelectSV(out, d, 7, y)
		for i := range out {
			if want := map[bool]float64{true: 7, false: y[i]}[d[i]]; !same(out[i], want) {
				t.Fatalf("SelectSV n=%d: element %d", n, i)
			}
		}
	}
}

// TestSum32Accuracy checks the stated error bound of Sum32 against a float64 sum, on sums
// chosen to lose much in a running float32 sum (a large first element, then small ones).
func TestSum32Accuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 1023, 1024, 1025, 4096, 1<<20 + 7} {
		x := make([]float32, n)
		exact, abs := 0.0, 0.0
		for i := range x {
			x[i] = float32(rng.Float64() + 0.5)
			if i == 0 {
				x[i] = 1e4
			}
			exact += float64(x[i])
			abs += math.Abs(float64(x[i]))
		}
		got := float64(Sum32(x))
		bound := (sumBlock/8 + math.Log2(float64(n)/sumBlock+1) + 3) * 0x1p-24 * abs
		if math.Abs(got-exact) > bound {
			t.Errorf("Sum32 of %d: error %g above the bound %g", n, math.Abs(got-exact), bound)
		}
		if n > 0 {
			if got64 := Sum64(toF64(x)); math.Abs(got64-exact) > float64(n)*0x1p-52*abs {
				t.Errorf("Sum64 of %d: error %g", n, math.Abs(got64-exact))
			}
		}
	}
}

func toF64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func TestMaxMin(t *testing.T) {
	for _, x := range [][]float32{{1}, {3, 1, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {0, float32(math.Copysign(0, -1))}} {
		mx, mn := x[0], x[0]
		for _, v := range x {
			mx, mn = max(mx, v), min(mn, v)
		}
		if got := Max(x); !same(got, mx) {
			t.Errorf("Max(%v) = %v, want %v", x, got, mx)
		}
		if got := Min(x); !same(got, mn) {
			t.Errorf("Min(%v) = %v, want %v", x, got, mn)
		}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range sizes[1:] {
		for trial := range 20 {
			x := make([]float64, n)
			for i := range x {
				x[i] = []float64{0, math.Copysign(0, -1), float64(rng.IntN(5)) - 2}[rng.IntN(3)]
				if trial%4 == 0 && rng.IntN(n) == 0 {
					x[i] = math.NaN()
				}
			}
			mx, mn := x[0], x[0]
			for _, v := range x {
				mx, mn = max(mx, v), min(mn, v)
			}
			if got := Max(x); !same(got, mx) {
				t.Fatalf("Max(%v) = %v, want %v", x, got, mx)
			}
			if got := Min(x); !same(got, mn) {
				t.Fatalf("Min(%v) = %v, want %v", x, got, mn)
			}
		}
	}
	nan := []float64{1, 2, math.NaN(), 3, 4, 5, 6}
	if !math.IsNaN(Max(nan)) || !math.IsNaN(Min(nan)) {
		t.Errorf("Max and Min of %v are %v and %v, want NaN", nan, Max(nan), Min(nan))
	}
}

func TestAccWiden(t *testing.T) {
	for _, n := range sizes {
		acc := make([]float64, n)
		x := randoms[float32](rand.New(rand.NewPCG(9, 10)), n)
		AccWiden(acc, x)
		AccWiden(acc, x)
		d := make([]float32, n)
		Narrow(d, acc)
		for i := range d {
			if want := float32(0 + float64(x[i]) + float64(x[i])); !same(d[i], want) {
				t.Fatalf("AccWiden twice and Narrow n=%d: element %d is %v, want %v", n, i, d[i], want)
			}
		}
	}
}

// TestPow32 compares the float32 powers with math.Pow: within 0.51 ulp on a grid of bases in
// [1e-30, 1e30] and exponents in [-4, 4] (results that overflow or underflow included), and
// IEEE's special cases exactly.
func TestPow32(t *testing.T) {
	var xs, ys []float32
	for i := 0; i <= 400; i++ {
		xs = append(xs, float32(math.Pow(10, -30+60*float64(i)/400)))
	}
	for j := 0; j <= 160; j++ {
		ys = append(ys, float32(-4+8*float64(j)/160))
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), -2, -0.5, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1, 1e-45)
	ys = append(ys, 0, 1, 2, -1, 3, 0.5, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	worst := 0.0
	d := make([]float32, len(xs))
	yv := make([]float32, len(xs))
	for _, y := range ys {
		for i := range yv {
			yv[i] = y
		}
		for form, run := range map[string]func(){
			"VV": func() { PowVV32(d, xs, yv) },
			"VS": func() { PowVS32(d, xs, y) },
		} {
			run()
			for i, x := range xs {
				want := math.Pow(float64(x), float64(y))
				if e := ulpErr32(d[i], want); e > worst {
					worst = e
				}
				if e := ulpErr32(d[i], want); e > 0.51 {
					t.Errorf("Pow%s32(%g, %g) = %g, want %g (%.3g ulp)", form, x, y, d[i], want, e)
				}
			}
		}
	}
	for i, x := range xs {
		PowSV32(d[:len(ys)], x, ys)
		for j, y := range ys {
			if e := ulpErr32(d[j], math.Pow(float64(x), float64(y))); e > 0.51 {
				t.Errorf("PowSV32(%g, %g) = %g (%.3g ulp)", x, y, d[j], e)
			}
		}
		_ = i
	}
	t.Logf("max error %.3f ulp", worst)
}

func ExampleAddVV() {
	dst := make([]float32, 3)
	AddVV(dst, []float32{1, 2, 3}, []float32{10, 20, 30})
	fmt.Println(dst)
	// Output: [11 22 33]
}
