package f32

import (
	"math/rand/v2"
	"testing"
)

func TestAxpyDot(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n <= 200; n++ {
		x, y := randSlice(r, n), randSlice(r, n+3)
		want := append([]float32(nil), y...)
		axpyRef(0.75, x, want)
		AxpyAVX512(0.75, x, y)
		for i := range y {
			if d := y[i] - want[i]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("axpy n=%d: y[%d] = %v, want %v", n, i, y[i], want[i])
			}
		}
		got, w := DotAVX512(x, y), dotRef(x, y)
		if d := got - w; d > 1e-5*float32(n+1) || d < -1e-5*float32(n+1) {
			t.Fatalf("dot n=%d: %v, want %v", n, got, w)
		}
	}
}
