package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// reluInput returns n values around 0 with zeros of both signs, infinities and NaNs of both
// signs with payloads among them.
func reluInput(rng *rand.Rand, n int) []float32 {
	specials := []uint32{0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 1, 0x80000001}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		if rng.IntN(5) == 0 {
			x[i] = math.Float32frombits(specials[rng.IntN(len(specials))])
		}
	}
	return x
}

// TestRelu checks the rectifier kernels and their gradients against reluGradRef bit for bit,
// over the whole vectors, leaving the tail and the guard bands alone, and in place; at every
// offset from a 64-byte boundary, with ordinary and with streaming stores.
func TestRelu(t *testing.T) {
	kernels := []struct {
		name  string
		on    bool
		lanes int
		relu  func(dst, x []float32)
		grad  func(dst, x, g []float32)
	}{{"AVX512", HasAVX512, 16, ReluAVX512, ReluGradAVX512}, {"AVX2", HasAVX2, 8, ReluAVX2, ReluGradAVX2}}
	rng := rand.New(rand.NewPCG(5, 6))
	const mark = 0x7fc0beef
	for _, k := range kernels {
		if !k.on {
			t.Logf("%s: not supported here", k.name)
			continue
		}
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 65, 1000} {
			x, g := reluInput(rng, n), reluInput(rng, n)
			for _, tc := range reluCases() {
				grad, c := tc.grad, tc.streamCase
				name := fmt.Sprintf("%s/n=%d/grad=%v/off=%d/stream=%v", k.name, n, grad, c.off, c.stream)
				want := make([]float32, n)
				buf := alignedBuf(n + 48)
				for i := range buf {
					buf[i] = math.Float32frombits(mark)
				}
				got := buf[c.off : c.off+n]
				withStreaming(c.stream, func() {
					if grad {
						reluGradRef(want, x, g)
						k.grad(got, x, g)
					} else {
						reluGradRef(want, x, x)
						k.relu(got, x)
					}
				})
				full := n / k.lanes * k.lanes
				for i, v := range buf {
					j := i - c.off
					if j < 0 || j >= full {
						if math.Float32bits(v) != mark {
							t.Fatalf("%s: element %d written outside the whole vectors", name, j)
						}
						continue
					}
					if math.Float32bits(v) != math.Float32bits(want[j]) {
						t.Fatalf("%s: element %d (x %#x g %#x) is %#x, want %#x", name, j, math.Float32bits(x[j]),
							math.Float32bits(g[j]), math.Float32bits(v), math.Float32bits(want[j]))
					}
				}
			}
			// In place.
			y := append([]float32(nil), x...)
			want := make([]float32, n)
			reluGradRef(want, x, x)
			withStreaming(true, func() { k.relu(y, y) })
			for i := range wholeVectors(n, k.lanes) {
				if math.Float32bits(y[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s/n=%d in place: element %d differs", k.name, n, i)
				}
			}
		}
	}
}

// reluCase is a streamCase for the rectifier (grad false) or its gradient.
type reluCase struct {
	streamCase
	grad bool
}

func reluCases() []reluCase {
	var cs []reluCase
	for _, grad := range []bool{false, true} {
		for _, c := range streamCases() {
			cs = append(cs, reluCase{c, grad})
		}
	}
	return cs
}

// wholeVectors is the number of elements of n in whole vectors of lanes.
func wholeVectors(n, lanes int) int { return n / lanes * lanes }

// TestSqrt checks the square-root kernels against sqrtRef bit for bit (NaN for NaN) over the
// whole vectors, leaving the tail and the guard bands alone, at every offset from a 64-byte
// boundary, with ordinary and with streaming stores.
func TestSqrt(t *testing.T) {
	kernels := []struct {
		name  string
		on    bool
		lanes int
		f     func(dst, x []float32)
	}{{"AVX512", HasAVX512, 16, SqrtAVX512}, {"AVX2", HasAVX2, 8, SqrtAVX2}}
	rng := rand.New(rand.NewPCG(7, 8))
	const mark = 0x7fc0beef
	for _, k := range kernels {
		if !k.on {
			continue
		}
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 1000} {
			x := reluInput(rng, n)
			for i := range x {
				if i%2 == 0 {
					x[i] = float32(math.Abs(float64(x[i])) * math.Pow(10, float64(rng.IntN(60)-30)))
				}
			}
			want := make([]float32, n)
			sqrtRef(want, x)
			for _, c := range streamCases() {
				name := fmt.Sprintf("%s/n=%d/off=%d/stream=%v", k.name, n, c.off, c.stream)
				buf := alignedBuf(n + 48)
				for i := range buf {
					buf[i] = math.Float32frombits(mark)
				}
				withStreaming(c.stream, func() { k.f(buf[c.off:c.off+n], x) })
				for i, v := range buf {
					j := i - c.off
					if j < 0 || j >= wholeVectors(n, k.lanes) {
						if math.Float32bits(v) != mark {
							t.Fatalf("%s: element %d written outside the whole vectors", name, j)
						}
						continue
					}
					if math.Float32bits(v) != math.Float32bits(want[j]) && !(v != v && want[j] != want[j]) {
						t.Fatalf("%s: element %d: √%v is %v, want %v", name, j, x[j], v, want[j])
					}
				}
			}
		}
	}
}
