//go:build noasm || !amd64

package f64

// HasAVX512 is false: without assembly [GemmAVX512] is the plain reference
// loop, correct but slow.
var HasAVX512 = false

// HasAVX2 is false: without assembly [GemmAVX2] is the plain reference loop.
var HasAVX2 = false

// GemmAVX512 computes the MRAVX512×NRAVX512 tile of C from packed panels
// of A and B, as the loop in gemmRef; see the amd64 version for the contract.
func GemmAVX512(k int, a, b, c []float64, ldc int, accumulate bool) {
	gemmRef(MRAVX512, NRAVX512, k, a, b, c, ldc, accumulate)
}

// GemmAVX512Edge computes part of an edge tile as the loop in gemmEdgeRef;
// see the amd64 version for the contract.
func GemmAVX512Edge(k int, a, b, c []float64, ldc int, accumulate bool, rows int, cmask uint64) {
	if rows < 1 || rows > MRAVX512 {
		return
	}
	gemmEdgeRef(MRAVX512, NRAVX512, k, a, b, c, ldc, accumulate, rows, cmask)
}

// GemmAVX2 computes the MRAVX2×NRAVX2 tile of C from packed panels of A and
// B, as the loop in gemmRef; see the amd64 version for the contract.
func GemmAVX2(k int, a, b, c []float64, ldc int, accumulate bool) {
	gemmRef(MRAVX2, NRAVX2, k, a, b, c, ldc, accumulate)
}

// PackTAVX512 is the loop of packTRef; see the amd64 version.
func PackTAVX512(dst, src []float64, ld, k int, rmask, wmask uint64, two bool, alpha float64) {
	packTRef(dst, src, ld, k, bits(rmask), bits(wmask), alpha)
}

// PackNAVX512 is the loop of packNRef; see the amd64 version.
func PackNAVX512(dst, src []float64, ld, k int, rmask, wmask uint64, two bool, alpha float64) {
	packNRef(dst, src, ld, k, bits(rmask), bits(wmask), alpha)
}

// bits returns the number of low set bits of a PackMasks mask.
func bits(m uint64) int {
	n := 0
	for m&1 != 0 {
		n++
		m >>= 1
	}
	return n
}

// AxpyAVX512 is the loop of axpyRef; see the amd64 version.
func AxpyAVX512(alpha float64, x, y []float64) { axpyRef(alpha, x, y) }

// DotAVX512 is the loop of dotRef; see the amd64 version.
func DotAVX512(x, y []float64) float64 { return dotRef(x, y) }
