package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// withStreaming runs f, with streamMinBytes at its least value when on, so that every call of
// 24 elements or more (16 with three slices) takes the streaming path of the amd64 kernels.
// The tests of this package do not run in parallel.
func withStreaming(on bool, f func()) {
	if on {
		old := streamMinBytes
		streamMinBytes = 192
		defer func() { streamMinBytes = old }()
	}
	f()
}

// streamCase is an offset, in elements, from a 64-byte boundary (past a guard band of 16),
// and whether to stream.
type streamCase struct {
	off    int
	stream bool
}

// streamCases lists offsets 16 to 32 with streaming stores, so that every head length is
// taken, and 16 and 19 without.
func streamCases() []streamCase {
	cs := []streamCase{{16, false}, {19, false}}
	for off := 16; off <= 32; off++ {
		cs = append(cs, streamCase{off, true})
	}
	return cs
}

// TestMathStreaming runs each math kernel with streaming stores on lengths around the
// threshold and at every offset from a 64-byte boundary, so that every head length is taken,
// and compares the bits with the same kernel storing as usual, with guard bands; in place
// (which does not stream) too.
func TestMathStreaming(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const guard, mark = 19, -12345
	for _, k := range mathKernels() {
		if !k.ok {
			continue
		}
		for _, n := range []int{16, 23, 24, 25, 31, 32, 33, 47, 48, 63, 64, 65, 100, 1000, 4099} {
			x := make([]float32, n+guard)
			for i := range x {
				x[i] = float32(r.Float64()*20 - 10)
				if k.name[:3] == "Log" {
					x[i] = float32(math.Exp(r.Float64()*40 - 20))
				}
			}
			want := make([]float32, n)
			k.fn(want, x)
			for off := range 17 {
				for _, inPlace := range []bool{false, true} {
					name := fmt.Sprintf("%s/n=%d/off=%d/inplace=%v", k.name, n, off, inPlace)
					buf := alignedBuf(off + n + guard)
					for i := range buf {
						buf[i] = mark
					}
					src := append([]float32(nil), x...)
					if inPlace {
						copy(buf[off:], x[:n])
						src = buf[off:]
					}
					withStreaming(true, func() { k.fn(buf[off:off+n], src) })
					for i := range buf {
						if (i < off || i >= off+n) && buf[i] != mark {
							t.Fatalf("%s: guard element %d overwritten: %g", name, i, buf[i])
						}
					}
					for i := range n {
						if math.Float32bits(buf[off+i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s: element %d = %g, want %g", name, i, buf[off+i], want[i])
						}
					}
					if !inPlace && !sameSlice(src, x) {
						t.Fatalf("%s: x changed", name)
					}
				}
			}
		}
	}
}

// TestArithStreaming is TestArith with streaming stores, at every offset from a 64-byte
// boundary (arithCheck's buffers start at one), so that every head length is taken.
func TestArithStreaming(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, k := range arithKernels() {
		if !k.ok {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			withStreaming(true, func() {
				for _, n := range []int{0, 1, 15, 16, 17, 23, 24, 25, 31, 63, 64, 65, 79, 80, 81, 100, 129, 200, 1000} {
					x, y := arithValues(r, n), arithValues(r, n)
					s := float32(r.NormFloat64())
					for off := range 17 {
						arithCheck(t, k, x, y, s, off, "")
					}
					arithCheck(t, k, x, y, s, 1, "x")
					arithCheck(t, k, x, y, s, 2, "y")
				}
			})
		})
	}
}

// alignedBuf returns n float32 starting at a 64-byte boundary.
func alignedBuf(n int) []float32 {
	b := make([]float32, n+16)
	for i := range 16 {
		if uintptr(unsafe.Pointer(&b[i]))%64 == 0 {
			return b[i : i+n]
		}
	}
	panic("unreachable")
}

// sameSlice reports whether a and b hold the same bits.
func sameSlice(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
