package gemm

// Tile of the pure-Go micro-kernel: 16 accumulators fit the 16 vector
// registers of amd64 (and half of arm64's), so the compiler keeps them all in
// registers.
const (
	goMR = 4
	goNR = 4
)

// kernelGo is the portable micro-kernel: the goMR×goNR tile of C from packed
// panels, stored into c or added to it, as the assembly kernels do.
func kernelGo[T float](k int, a, b, c []T, ldc int, accumulate bool) {
	var c00, c01, c02, c03 T
	var c10, c11, c12, c13 T
	var c20, c21, c22, c23 T
	var c30, c31, c32, c33 T
	a, b = a[:k*goMR], b[:k*goNR]
	// Re-slicing as the loop advances lets the compiler drop the bounds
	// checks on the four loads from each panel.
	for len(a) >= goMR && len(b) >= goNR {
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		a, b = a[goMR:], b[goNR:]
	}
	storeRow(c[0*ldc:0*ldc+4], c00, c01, c02, c03, accumulate)
	storeRow(c[1*ldc:1*ldc+4], c10, c11, c12, c13, accumulate)
	storeRow(c[2*ldc:2*ldc+4], c20, c21, c22, c23, accumulate)
	storeRow(c[3*ldc:3*ldc+4], c30, c31, c32, c33, accumulate)
}

// storeRow stores (or adds) four values into c[0:4].
func storeRow[T float](c []T, v0, v1, v2, v3 T, accumulate bool) {
	c = c[:4]
	if accumulate {
		v0 += c[0]
		v1 += c[1]
		v2 += c[2]
		v3 += c[3]
	}
	c[0], c[1], c[2], c[3] = v0, v1, v2, v3
}
