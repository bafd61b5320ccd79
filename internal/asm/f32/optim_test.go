package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// adamInputs returns w, g, m and v of n elements with zeros, infinities, NaN and negative
// second moments among them.
func adamInputs(rng *rand.Rand, n int) (w, g, m, v []float32) {
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), 1e-38, 3e38, -1}
	mk := func(scale float64, nonNeg bool) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * scale)
			if nonNeg {
				x[i] = float32(math.Abs(float64(x[i])))
			}
			if rng.IntN(13) == 0 {
				x[i] = specials[rng.IntN(len(specials))]
			}
		}
		return x
	}
	return mk(1, false), mk(0.1, false), mk(0.01, false), mk(1e-4, true)
}

// sameBits reports whether a and b have equal bits, or are both NaN.
func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

func TestAdam(t *testing.T) {
	kernels := []struct {
		name  string
		on    bool
		lanes int
		f     func(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32)
	}{{"AVX512", HasAVX512, 16, AdamAVX512}, {"AVX2", HasAVX2, 8, AdamAVX2}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range kernels {
		if !k.on {
			t.Logf("%s: not supported here", k.name)
			continue
		}
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 65, 1000, 4099} {
			for _, hp := range [][4]float32{{1e-3, 0.1, 0.001, 1e-7}, {0.5, 0.1, 0.001, 0}, {3e-2, 1, 1, 1e-3}} {
				name := fmt.Sprintf("%s/n=%d/%v", k.name, n, hp)
				w, g, m, v := adamInputs(rng, n)
				want := [3][]float32{make([]float32, n), make([]float32, n), make([]float32, n)}
				AdamRef(want[0], want[1], want[2], w, g, m, v, hp[0], hp[1], hp[2], hp[3])
				// Outputs inside guard bands of NaN with a payload; the tail left to the
				// caller must stay as it was.
				var got [3][]float32
				bufs := make([][]float32, 3)
				for j := range got {
					bufs[j] = make([]float32, n+32)
					for i := range bufs[j] {
						bufs[j][i] = math.Float32frombits(0x7fc0dead)
					}
					got[j] = bufs[j][16 : 16+n]
				}
				k.f(got[0], got[1], got[2], w, g, m, v, hp[0], hp[1], hp[2], hp[3])
				full := n / k.lanes * k.lanes
				for j := range got {
					for i := range bufs[j] {
						if i >= 16+full && i < 16+n || i < 16 || i >= 16+n {
							if math.Float32bits(bufs[j][i]) != 0x7fc0dead {
								t.Fatalf("%s: output %d element %d written outside the whole vectors", name, j, i-16)
							}
							continue
						}
						if !sameBits(got[j][i-16], want[j][i-16]) {
							t.Fatalf("%s: output %d element %d = %v, want %v (w %v g %v m %v v %v)", name, j, i-16,
								got[j][i-16], want[j][i-16], w[i-16], g[i-16], m[i-16], v[i-16])
						}
					}
				}
				// In place: w1, m1, v1 the inputs themselves.
				k.f(w, m, v, w, g, m, v, hp[0], hp[1], hp[2], hp[3])
				for i := range full {
					if !sameBits(w[i], want[0][i]) || !sameBits(m[i], want[1][i]) || !sameBits(v[i], want[2][i]) {
						t.Fatalf("%s in place: element %d differs", name, i)
					}
				}
			}
		}
	}
}

func BenchmarkAdam(b *testing.B) {
	const n = 1 << 16
	rng := rand.New(rand.NewPCG(3, 4))
	w, g, m, v := adamInputs(rng, n)
	w1, m1, v1 := make([]float32, n), make([]float32, n), make([]float32, n)
	for _, k := range []struct {
		name string
		on   bool
		f    func(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32)
	}{{"ref", true, AdamRef}, {"AVX512", HasAVX512, AdamAVX512}, {"AVX2", HasAVX2, AdamAVX2}} {
		if !k.on {
			continue
		}
		b.Run(k.name, func(b *testing.B) {
			b.SetBytes(7 * 4 * n)
			for b.Loop() {
				k.f(w1, m1, v1, w, g, m, v, 1e-3, 0.1, 0.001, 1e-7)
			}
		})
	}
}
