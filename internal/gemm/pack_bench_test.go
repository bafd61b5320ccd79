package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkPack measures packing one mc×kc block of A and one kc×nc panel of
// B from 1024×1024 matrices, in ns per element packed.
func BenchmarkPack(b *testing.B) {
	for _, kn := range kernels32 {
		b.Run(kn.name, func(b *testing.B) { benchPack(b, kn) })
	}
}

func benchPack(b *testing.B, kn *kernel[float32]) {
	const n = 1024
	for _, trans := range []bool{false, true} {
		p := problem[float32]{transA: trans, transB: trans, m: n, n: n, k: n, alpha: 1,
			a: randFloats[float32](n*n, 1), lda: n, b: randFloats[float32](n*n, 2), ldb: n}
		mc, kc, nc := roundUp(min(kn.mc, n), kn.mr), kn.kc, min(kn.nc, n)
		b.Run(fmt.Sprintf("A/trans=%v", trans), func(b *testing.B) {
			dst := make([]float32, mc*kc)
			for b.Loop() {
				packA(dst, &p, kn, 0, mc, 0, kc)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*mc*kc), "ns/elem")
		})
		b.Run(fmt.Sprintf("B/trans=%v", trans), func(b *testing.B) {
			dst := make([]float32, kc*nc)
			for b.Loop() {
				packB(dst, &p, kn, 0, kc, 0, nc)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*nc*kc), "ns/elem")
		})
	}
}

// BenchmarkBlocking sweeps the block sizes of the best float32 kernel on one
// square size, to tune kernel32's kc and mc for a CPU (go test -bench
// Blocking -benchtime=0.3s, single thread).
func BenchmarkBlocking(b *testing.B) {
	const n = 1024
	a, bb, c := randFloats[float32](n*n, 1), randFloats[float32](n*n, 2), make([]float32, n*n)
	for _, kc := range []int{128, 192, 256, 384} {
		for _, mcTiles := range []int{8, 24, 48} {
			kn := *kernel32
			kn.kc, kn.mc = kc, mcTiles*kn.mr
			b.Run(fmt.Sprintf("kc=%d/mc=%d", kc, kn.mc), func(b *testing.B) {
				p := problem[float32]{false, false, n, n, n, 1, a, n, bb, n, 0, c, n, nil}
				loopBest(b, n, n, n, func() { p.run(&kn, 1) })
			})
		}
	}
}
