package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestNarrowBitwise checks that products with few columns, computed transposed, give exactly
// what the packed algorithm gives on them directly, on one thread and two.
func TestNarrowBitwise(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, kn := range kernels32 {
		tested := 0
		for _, s := range [][3]int{{128, 10, 512}, {512, 10, 128}, {65, 7, 300}, {300, 14, 33}, {1000, 3, 1000}} {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				for _, beta := range []float64{0, 1, -0.5} {
					tc := testCase{tr[0], tr[1], s[0], s[1], s[2], 1, beta, 1}
					f := newFixture[float32](r, tc)
					run := func(fn func(p *problem[float32])) []float32 {
						c := append([]float32(nil), f.c...)
						p := problem[float32]{tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, f.a, f.lda, f.b, f.ldb, float32(beta), c[f.at:], f.ldc, nil}
						fn(&p)
						return c
					}
					if p := (problem[float32]{m: tc.m, n: tc.n, alpha: 1}); !p.transposes(kn) {
						continue
					}
					tested++
					want := run(func(p *problem[float32]) { p.packed(kn, 1) })
					for _, threads := range []int{1, 2} {
						got := run(func(p *problem[float32]) { p.run(kn, threads) })
						name := fmt.Sprintf("%s threads=%d %v", kn.name, threads, tc)
						for i := range got {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("%s: element %d = %v, %v computed directly", name, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
		if tested == 0 && kn.nr > kn.mr { // a square tile gains nothing
			t.Errorf("%s: no product computed transposed", kn.name)
		}
	}
}

// TestNarrowAlpha checks that a product with alpha other than 1 is not transposed (the result
// would differ in the last bit).
func TestNarrowAlpha(t *testing.T) {
	p := problem[float32]{m: 128, n: 10, alpha: 0.5}
	if p.transposes(kernel32) {
		t.Error("a product with alpha 0.5 is computed transposed")
	}
}

// TestShortKBitwise checks that products with a short k, whose blocks of A are cut to fit L1
// (see blockRows), give what one block of A gives, bit for bit, and the right values.
func TestShortKBitwise(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for _, kn := range kernels32 {
		whole := *kn
		whole.mc = 1 << 20 // rows in one block: blockRows leaves it
		for _, tc := range []testCase{{true, false, 784, 512, 128, 1, 0, 0}, {false, true, 1000, 300, 64, 1, 1, 1}, {true, true, 700, 40, 9, -1, 0, 2}} {
			if p := (problem[float32]{m: tc.m, n: tc.n, k: tc.k}); tc.k == 128 && kn.mr > goMR && p.blockRows(kn, tc.m, tc.n) == kn.mc {
				t.Errorf("%s %v: blocks of A not cut", kn.name, tc)
			}
			f := newFixture[float32](r, tc)
			f.check(t, kn.name, func(p *problem[float32]) { p.blocked(kn, 0, p.m, 0, p.n) })
			run := func(k *kernel[float32]) []float32 {
				c := append([]float32(nil), f.c...)
				p := problem[float32]{tc.transA, tc.transB, tc.m, tc.n, tc.k, float32(tc.alpha), f.a, f.lda, f.b, f.ldb, float32(tc.beta), c[f.at:], f.ldc, nil}
				p.blocked(k, 0, p.m, 0, p.n)
				return c
			}
			got, want := run(kn), run(&whole)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s %v: element %d = %v, %v in one block", kn.name, tc, i, got[i], want[i])
				}
			}
		}
	}
}
