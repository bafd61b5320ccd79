package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// arithKernel is one binary elementwise kernel under test, as
// fn(dst, x, y, s) with the operands its kind (VV, VS, SV) reads, and its
// reference loop in the same form.
type arithKernel struct {
	name string
	ok   bool
	kind string
	fn   func(dst, x, y []float32, s float32)
	ref  func(dst, x, y []float32, s float32)
}

func vvK(f func(dst, x, y []float32)) func(dst, x, y []float32, s float32) {
	return func(dst, x, y []float32, _ float32) { f(dst, x, y) }
}

func vsK(f func(dst, x []float32, s float32)) func(dst, x, y []float32, s float32) {
	return func(dst, x, _ []float32, s float32) { f(dst, x, s) }
}

func svK(f func(dst []float32, s float32, y []float32)) func(dst, x, y []float32, s float32) {
	return func(dst, _, y []float32, s float32) { f(dst, s, y) }
}

func arithKernels() []arithKernel {
	type three = [3]func(dst, x, y []float32, s float32)
	var ks []arithKernel
	add := func(name string, ok bool, kinds string, fns, refs three) {
		for i := 0; i < len(kinds)/2; i++ {
			kind := kinds[2*i : 2*i+2]
			ks = append(ks, arithKernel{name[:3] + kind + name[3:], ok, kind, fns[i], refs[i]})
		}
	}
	for _, isa := range []struct {
		name string
		ok   bool
	}{{"AVX512", HasAVX512}, {"AVX2", HasAVX2}} {
		z := isa.name == "AVX512"
		pick := func(a, b func(dst, x, y []float32, s float32)) func(dst, x, y []float32, s float32) {
			if z {
				return a
			}
			return b
		}
		add("Add"+isa.name, isa.ok, "VVVS",
			three{pick(vvK(AddVVAVX512), vvK(AddVVAVX2)), pick(vsK(AddVSAVX512), vsK(AddVSAVX2))},
			three{vvK(addVVRef), vsK(addVSRef)})
		add("Sub"+isa.name, isa.ok, "VVVSSV",
			three{pick(vvK(SubVVAVX512), vvK(SubVVAVX2)), pick(vsK(SubVSAVX512), vsK(SubVSAVX2)), pick(svK(SubSVAVX512), svK(SubSVAVX2))},
			three{vvK(subVVRef), vsK(subVSRef), svK(subSVRef)})
		add("Mul"+isa.name, isa.ok, "VVVS",
			three{pick(vvK(MulVVAVX512), vvK(MulVVAVX2)), pick(vsK(MulVSAVX512), vsK(MulVSAVX2))},
			three{vvK(mulVVRef), vsK(mulVSRef)})
		add("Div"+isa.name, isa.ok, "VVVSSV",
			three{pick(vvK(DivVVAVX512), vvK(DivVVAVX2)), pick(vsK(DivVSAVX512), vsK(DivVSAVX2)), pick(svK(DivSVAVX512), svK(DivSVAVX2))},
			three{vvK(divVVRef), vsK(divVSRef), svK(divSVRef)})
		add("Max"+isa.name, isa.ok, "VVVS",
			three{pick(vvK(MaxVVAVX512), vvK(MaxVVAVX2)), pick(vsK(MaxVSAVX512), vsK(MaxVSAVX2))},
			three{vvK(maxVVRef), vsK(maxVSRef)})
		add("Min"+isa.name, isa.ok, "VVVS",
			three{pick(vvK(MinVVAVX512), vvK(MinVVAVX2)), pick(vsK(MinVSAVX512), vsK(MinVSAVX2))},
			three{vvK(minVVRef), vsK(minVSRef)})
	}
	return ks
}

// arithSpecials are the values every kernel is tried on in every pairing:
// NaNs of both signs and several payloads (quiet and signalling), ±Inf, ±0,
// subnormals, the extremes and ordinary numbers.
var arithSpecials = []float32{
	float32(math.NaN()), math.Float32frombits(0xffc00000), math.Float32frombits(0x7fc12345),
	math.Float32frombits(0xff812345), math.Float32frombits(0x7f800001), // signalling
	float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
	math.Float32frombits(1), math.Float32frombits(0x80000001), math.Float32frombits(0x007fffff),
	math.MaxFloat32, -math.MaxFloat32, 1, -1, 1.5, -2.75, 3e-38, 1e30, -1e-30, 0.1,
}

// arithCheck runs k over n elements of dst, x and y at offset off inside
// guarded buffers that start at a 64-byte boundary (dst may be x or y when
// alias is "x" or "y") and compares the bits with the reference.
func arithCheck(t *testing.T, k arithKernel, x, y []float32, s float32, off int, alias string) {
	t.Helper()
	n := len(x)
	const guard = 37
	buf := func(v []float32) []float32 {
		b := alignedBuf(off + n + guard)
		for i := range b {
			b[i] = math.Float32frombits(0x7fbadbad)
		}
		copy(b[off:], v)
		return b
	}
	bx, by, bd := buf(x), buf(y), buf(nil)
	want := make([]float32, n)
	k.ref(want, x, y, s)
	switch alias {
	case "x":
		bd = bx
	case "y":
		bd = by
	}
	k.fn(bd[off:off+n], bx[off:off+n], by[off:off+n], s)
	for i := range bd {
		got := math.Float32bits(bd[i])
		switch {
		case i >= off && i < off+n:
			if w := math.Float32bits(want[i-off]); got != w {
				t.Fatalf("%s n=%d off=%d alias=%q s=%g: dst[%d] = %#08x (%g), want %#08x (%g) (x %g, y %g)",
					k.name, n, off, alias, s, i-off, got, bd[i], w, want[i-off], x[i-off], y[i-off])
			}
		case got != 0x7fbadbad:
			t.Fatalf("%s n=%d off=%d alias=%q: guard element %d overwritten with %#08x", k.name, n, off, alias, i, got)
		}
	}
	// Sources other than the destination are unchanged.
	for i := range n {
		if alias != "x" && math.Float32bits(bx[off+i]) != math.Float32bits(x[i]) ||
			alias != "y" && math.Float32bits(by[off+i]) != math.Float32bits(y[i]) {
			t.Fatalf("%s n=%d off=%d: source changed at %d", k.name, n, off, i)
		}
	}
}

// arithValues returns n random values, a third of them drawn from the
// specials.
func arithValues(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch r.IntN(3) {
		case 0:
			v[i] = arithSpecials[r.IntN(len(arithSpecials))]
		case 1:
			v[i] = float32(r.NormFloat64())
		default:
			v[i] = math.Float32frombits(r.Uint32())
		}
	}
	return v
}

// TestArith compares every kernel with its reference bit for bit over the
// lengths 0 to 200, offsets 0 to 3 and in place, on random values and
// specials.
func TestArith(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range arithKernels() {
		if !k.ok {
			t.Logf("%s: not supported by this CPU/build, skipped", k.name)
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			for n := 0; n <= 200; n++ {
				x, y := arithValues(r, n), arithValues(r, n)
				s := arithSpecials[r.IntN(len(arithSpecials))]
				if r.IntN(2) == 0 {
					s = float32(r.NormFloat64())
				}
				for off := 0; off < 4; off++ {
					arithCheck(t, k, x, y, s, off, "")
				}
				arithCheck(t, k, x, y, s, 1, "x")
				arithCheck(t, k, x, y, s, 2, "y")
			}
		})
	}
}

// TestArithSpecials tries every pair of special values, in each lane
// position, with each special as the scalar.
func TestArithSpecials(t *testing.T) {
	sp := arithSpecials
	var x, y []float32
	for _, a := range sp {
		for _, b := range sp {
			x, y = append(x, a), append(y, b)
		}
	}
	for _, k := range arithKernels() {
		if !k.ok {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			for shift := range 16 {
				arithCheck(t, k, x[shift:], y[shift:], 0, 0, "")
			}
			if k.kind != "VV" {
				for _, s := range sp {
					arithCheck(t, k, x, y, s, 0, "")
					arithCheck(t, k, x[:13], y[:13], s, 0, "")
				}
			}
		})
	}
}

// BenchmarkArith times each kernel and its reference loop on 8192 elements
// (cache-resident) and 262144 (1 MiB per slice).
func BenchmarkArith(b *testing.B) {
	for _, n := range []int{8192, 262144} {
		x, y, dst := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], y[i] = float32(i%97)+0.5, float32(i%89)+1.25
		}
		for _, k := range arithKernels() {
			if !k.ok || k.name[len(k.name)-4:] == "AVX2" && HasAVX512 && n > 8192 {
				continue
			}
			for _, v := range []struct {
				name string
				fn   func(dst, x, y []float32, s float32)
			}{{k.name, k.fn}, {k.name[:5] + "Go", k.ref}} {
				if v.name[5:] == "Go" && k.name[5:] == "AVX2" {
					continue // the reference once, under the AVX-512 name
				}
				b.Run(fmt.Sprintf("%s/%d", v.name, n), func(b *testing.B) {
					b.SetBytes(int64(4 * n))
					for b.Loop() {
						v.fn(dst, x, y, 1.5)
					}
				})
			}
		}
	}
}
