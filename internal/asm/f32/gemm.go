package f32

// Tile sizes of the micro-kernels: each computes an MR×NR block of C.
const (
	MRAVX512 = 14
	NRAVX512 = 32
	MRAVX2   = 6
	NRAVX2   = 16
)

// gemmRef is the reference loop that every micro-kernel computes (up to
// rounding, since the kernels fuse multiply and add): the mr×nr product of
// the packed panels a (k×mr, k-major) and b (k×nr, k-major), stored into or
// added to the row-major tile c with row stride ldc.
func gemmRef(mr, nr, k int, a, b, c []float32, ldc int, accumulate bool) {
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[p*mr+i] * b[p*nr+j]
			}
			if accumulate {
				s += c[i*ldc+j]
			}
			c[i*ldc+j] = s
		}
	}
}

// gemmEdgeRef is the reference loop of the edge kernels: gemmRef on the
// first rows rows of the tile and the columns j whose bit is set in cmask,
// with A's panel steps still mr elements apart.
func gemmEdgeRef(mr, nr, k int, a, b, c []float32, ldc int, accumulate bool, rows int, cmask uint64) {
	for i := 0; i < rows; i++ {
		for j := 0; j < nr; j++ {
			if cmask>>uint(j)&1 == 0 {
				continue
			}
			var s float32
			for p := 0; p < k; p++ {
				s += a[p*mr+i] * b[p*nr+j]
			}
			if accumulate {
				s += c[i*ldc+j]
			}
			c[i*ldc+j] = s
		}
	}
}
