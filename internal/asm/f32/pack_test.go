package f32

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestPack(t *testing.T) {
	if !HasAVX512 {
		t.Log("AVX-512 not available: checking the Go twins only")
	}
	r := rand.New(rand.NewPCG(5, 6))
	type packFunc func(dst, src []float32, ld, k int, rmask, wmask uint64, two bool, alpha float32)
	for _, trans := range []bool{false, true} {
		fn, ref := packFunc(PackNAVX512), packNRef
		if trans {
			fn, ref = PackTAVX512, packTRef
		}
		for _, width := range []int{1, 4, 6, 8, 13, 14, 16, 17, 31, 32} {
			if width > 2*PackLanes {
				continue
			}
			for _, rows := range []int{0, 1, width / 2, width - 1, width} {
				if rows < 0 {
					continue
				}
				for _, k := range []int{0, 1, 7, 33} {
					ld := max(rows, k) + 3
					// src ends exactly where the last element read lies, so
					// a read past the block would fault.
					n := 0
					if rows > 0 && k > 0 {
						n = (k-1)*ld + rows
						if trans {
							n = (rows-1)*ld + k
						}
					}
					src := randSlice(r, n)
					dst := make([]float32, k*width+5)
					for i := range dst {
						dst[i] = guardVal
					}
					want := append([]float32(nil), dst...)
					ref(want, src, ld, k, rows, width, 0.5)
					rm, wm, two := PackMasks(rows, width)
					fn(dst, src, ld, k, rm, wm, two, 0.5)
					for i := range dst {
						if dst[i] != want[i] {
							t.Fatalf("%s: dst[%d] = %v, want %v", fmt.Sprintf("trans=%v width=%d rows=%d k=%d", trans, width, rows, k), i, dst[i], want[i])
						}
					}
				}
			}
		}
	}
}
