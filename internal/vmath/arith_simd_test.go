package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// goF32 is a float32 the dispatch of the generic loops does not recognise: AddVV[goF32] runs
// the Go loop (the same compiled code as AddVV[float32], which shares its shape), whatever
// kernels AddVV[float32] calls.
type goF32 float32

func asGo(v []float32) []goF32 { return unsafe.Slice((*goF32)(unsafe.SliceData(v)), len(v)) }

// arithSIMDCase is one float32 binary function with a vector kernel: the kernel as run(dst,
// x, y, s), reporting whether it ran, and the generic Go loop in the same form.
type arithSIMDCase struct {
	name string
	run  func(dst, x, y []float32, s float32) bool
	ref  func(dst, x, y []goF32, s goF32)
}

func arithSIMDCases() []arithSIMDCase {
	return []arithSIMDCase{
		{"AddVV", func(d, x, y []float32, _ float32) bool { return addVV32(d, x, y) }, func(d, x, y []goF32, _ goF32) { AddVV(d, x, y) }},
		{"AddVS", func(d, x, _ []float32, s float32) bool { return addVS32(d, x, s) }, func(d, x, _ []goF32, s goF32) { AddVS(d, x, s) }},
		{"SubVV", func(d, x, y []float32, _ float32) bool { return subVV32(d, x, y) }, func(d, x, y []goF32, _ goF32) { SubVV(d, x, y) }},
		{"SubVS", func(d, x, _ []float32, s float32) bool { return subVS32(d, x, s) }, func(d, x, _ []goF32, s goF32) { SubVS(d, x, s) }},
		{"SubSV", func(d, _, y []float32, s float32) bool { return subSV32(d, s, y) }, func(d, _, y []goF32, s goF32) { SubSV(d, s, y) }},
		{"MulVV", func(d, x, y []float32, _ float32) bool { return mulVV32(d, x, y) }, func(d, x, y []goF32, _ goF32) { MulVV(d, x, y) }},
		{"MulVS", func(d, x, _ []float32, s float32) bool { return mulVS32(d, x, s) }, func(d, x, _ []goF32, s goF32) { MulVS(d, x, s) }},
		{"DivVV", func(d, x, y []float32, _ float32) bool { return divVV32(d, x, y) }, func(d, x, y []goF32, _ goF32) { DivVV(d, x, y) }},
		{"DivVS", func(d, x, _ []float32, s float32) bool { return divVS32(d, x, s) }, func(d, x, _ []goF32, s goF32) { DivVS(d, x, s) }},
		{"DivSV", func(d, _, y []float32, s float32) bool { return divSV32(d, s, y) }, func(d, _, y []goF32, s goF32) { DivSV(d, s, y) }},
		{"MaxVV", func(d, x, y []float32, _ float32) bool { return maxVV32(d, x, y) }, func(d, x, y []goF32, _ goF32) { MaxVV(d, x, y) }},
		{"MaxVS", func(d, x, _ []float32, s float32) bool { return maxVS32(d, x, s) }, func(d, x, _ []goF32, s goF32) { MaxVS(d, x, s) }},
		{"MinVV", func(d, x, y []float32, _ float32) bool { return minVV32(d, x, y) }, func(d, x, y []goF32, _ goF32) { MinVV(d, x, y) }},
		{"MinVS", func(d, x, _ []float32, s float32) bool { return minVS32(d, x, s) }, func(d, x, _ []goF32, s goF32) { MinVS(d, x, s) }},
	}
}

// arithSIMDSpecials are NaNs of both signs and several payloads (one signalling), ±Inf, ±0,
// subnormals and ordinary numbers.
var arithSIMDSpecials = []float32{
	float32(math.NaN()), math.Float32frombits(0xffc00000), math.Float32frombits(0x7fc0beef),
	math.Float32frombits(0x7f800001), float32(math.Inf(1)), float32(math.Inf(-1)), 0,
	float32(math.Copysign(0, -1)), math.Float32frombits(1), math.Float32frombits(0x80000003),
	math.MaxFloat32, -math.MaxFloat32, 1, -1, 0.1, -3.5, 1e-38, 7e20,
}

// TestArithSIMD compares each vector kernel with the generic Go loop bit for bit, over the
// lengths 0 to 130 (the short ones must report false), every pairing of specials, random bits,
// and in place (dst = x, dst = y), with a guard after dst; at simdLevel 0 each must report
// false and leave dst alone.
func TestArithSIMD(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	sp := arithSIMDSpecials
	var px, py []float32
	for _, a := range sp {
		for _, b := range sp {
			px, py = append(px, a), append(py, b)
		}
	}
	withSIMD(t, func(t *testing.T) {
		for _, c := range arithSIMDCases() {
			for n := 0; n <= 130+len(px); n++ {
				x, y := make([]float32, n), make([]float32, n)
				if n > 130 {
					copy(x, px[n-131:]) // every pairing, each lane position
					copy(y, py[n-131:])
				} else {
					for i := range x {
						x[i], y[i] = arithSIMDValue(r), arithSIMDValue(r)
					}
				}
				s := sp[r.IntN(len(sp))]
				for _, alias := range []string{"", "x", "y"} {
					arithSIMDCheck(t, c, x, y, s, alias)
				}
			}
		}
	})
}

func arithSIMDValue(r *rand.Rand) float32 {
	switch r.IntN(3) {
	case 0:
		return arithSIMDSpecials[r.IntN(len(arithSIMDSpecials))]
	case 1:
		return float32(r.NormFloat64())
	}
	return math.Float32frombits(r.Uint32())
}

func arithSIMDCheck(t *testing.T, c arithSIMDCase, x, y []float32, s float32, alias string) {
	t.Helper()
	n := len(x)
	want := make([]float32, n)
	c.ref(asGo(want), asGo(x), asGo(y), goF32(s))
	const guard = 0x7fbadbad
	bx, by := append([]float32(nil), x...), append([]float32(nil), y...)
	bd := make([]float32, n+1)
	for i := range bd {
		bd[i] = math.Float32frombits(guard)
	}
	d := bd[:n]
	switch alias {
	case "x":
		d = bx
	case "y":
		d = by
	}
	ran := c.run(d, bx, by, s)
	if wantRan := simdLevel > 0 && n >= arithSIMDMin; ran != wantRan {
		t.Fatalf("%s n=%d simd=%d: ran = %v, want %v", c.name, n, simdLevel, ran, wantRan)
	}
	if math.Float32bits(bd[n]) != guard {
		t.Fatalf("%s n=%d: guard overwritten", c.name, n)
	}
	if !ran {
		return
	}
	for i := range n {
		if g, w := math.Float32bits(d[i]), math.Float32bits(want[i]); g != w {
			t.Fatalf("%s n=%d alias=%q simd=%d: dst[%d] = %#08x, want %#08x (x %g, y %g, s %g)",
				c.name, n, alias, simdLevel, i, g, w, x[i], y[i], s)
		}
	}
}

// BenchmarkArithSIMD times the kernels against the Go loops on 8192 elements (the LSTM's gate
// slices, cache-resident) and 262144 (1 MiB per slice); ns/elem is per element.
func BenchmarkArithSIMD(b *testing.B) {
	for _, n := range []int{8192, 262144} {
		x, y, dst := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], y[i] = float32(i%97)+0.5, float32(i%89)+1.25
		}
		for _, c := range arithSIMDCases() {
			b.Run(fmt.Sprintf("%s/simd/%d", c.name, n), func(b *testing.B) {
				if simdLevel == 0 {
					b.Skip("no vector kernels")
				}
				for b.Loop() {
					c.run(dst, x, y, 1.5)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
			b.Run(fmt.Sprintf("%s/go/%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					c.ref(asGo(dst), asGo(x), asGo(y), 1.5)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
}
