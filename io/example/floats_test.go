package example

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// TestFloatDecoders checks every registered float decoder against a
// value-by-value decoding: odd lengths, unaligned input and output, NaN
// payloads and infinities, and guard bands around the output that must stay
// untouched.
func TestFloatDecoders(t *testing.T) {
	specials := []uint32{
		math.Float32bits(float32(math.Inf(1))), math.Float32bits(float32(math.Inf(-1))),
		0x7fc00001, 0xffa00000, 0x7f800001, // quiet and signalling NaNs with payloads
		0x80000000, 0x00000001, 0x3f800000,
	}
	const guard = 3
	guardBits := uint32(0xdeadbeef)
	for _, d := range floatDecoders {
		for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 31, 65, 784} {
			for _, off := range []int{0, 1, 3} {
				t.Run(fmt.Sprintf("%s/n=%d/off=%d", d.name, n, off), func(t *testing.T) {
					in := make([]byte, off+4*n)
					p := in[off:]
					for i := range n {
						bits := uint32(i)*0x9e3779b9 + 12345
						if i < len(specials) {
							bits = specials[i]
						}
						binary.LittleEndian.PutUint32(p[4*i:], bits)
					}
					buf := make([]float32, off+guard+n+guard)
					for i := range buf {
						buf[i] = math.Float32frombits(guardBits)
					}
					dst := buf[off+guard : off+guard+n]
					d.decode(dst, p)
					for i := range buf {
						got := math.Float32bits(buf[i])
						want := guardBits
						if j := i - off - guard; j >= 0 && j < n {
							want = binary.LittleEndian.Uint32(p[4*j:])
						}
						if got != want {
							t.Fatalf("element %d: bits %#08x, want %#08x", i-off-guard, got, want)
						}
					}
				})
			}
		}
	}
}

func BenchmarkFloatDecoders(b *testing.B) {
	for _, d := range floatDecoders {
		for _, n := range []int{8, 784, 65536} {
			b.Run(fmt.Sprintf("%s/n=%d", d.name, n), func(b *testing.B) {
				p := make([]byte, 4*n)
				for i := range p {
					p[i] = byte(i * 7)
				}
				dst := make([]float32, n)
				b.SetBytes(int64(len(p)))
				for b.Loop() {
					d.decode(dst, p)
				}
			})
		}
	}
}
