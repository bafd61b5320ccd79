package gemm

// Narrow products. The micro-kernel computes MR×NR tiles (14×32 for AVX-512 float32), and a
// tile cut by the right edge of C costs as much as a whole one: a product with fewer columns
// than NR (an output layer's 10 classes) wastes most of every tile, which makes the output
// layer of an MLP and its weight gradient run at a third of the kernel's speed. Such a product
// computes Cᵀ = op(B)ᵀ·op(A)ᵀ instead, into a buffer, where the narrow side runs down the rows
// of one tile, and copies it into C transposed. Each element of C is then computed by the same
// fused multiply-adds over the same k blocks with the two factors of each product swapped, and
// added to C the same way, so the result is the same bit for bit: provided that alpha is 1,
// since alpha is folded into the packing of the first factor.

// narrowGain is how many times fewer tiles the transposed product must take to be worth the
// copies, and narrowMax the most elements of C computed that way (the buffer is kept for the
// next call).
const (
	narrowGain = 1.5
	narrowMax  = 1 << 18
)

// transposes reports whether the product is cheaper computed as Cᵀ = op(B)ᵀ·op(A)ᵀ.
func (p *problem[T]) transposes(kn *kernel[T]) bool {
	if p.alpha != 1 || p.n >= kn.nr || p.m*p.n > narrowMax {
		return false
	}
	tiles := ceilDiv(p.m, kn.mr) * ceilDiv(p.n, kn.nr)
	tilesT := ceilDiv(p.n, kn.mr) * ceilDiv(p.m, kn.nr)
	return float64(tiles) >= narrowGain*float64(tilesT)
}

// transposed computes the product as Cᵀ = op(B)ᵀ·op(A)ᵀ on up to threads threads.
func (p *problem[T]) transposed(kn *kernel[T], threads int) {
	m, n := p.m, p.n
	ws := getWorkspace[T](m*n, 0, 0)
	defer putWorkspace(ws)
	ct := ws.a[:m*n] // Cᵀ, n×m
	if p.beta != 0 {
		for i := range m {
			for j, v := range p.c[i*p.ldc : i*p.ldc+n] {
				ct[j*m+i] = v
			}
		}
	}
	q := problem[T]{!p.transB, !p.transA, n, m, p.k, p.alpha, p.b, p.ldb, p.a, p.lda, p.beta, ct, m, nil}
	q.packed(kn, threads)
	for i := range m {
		row := p.c[i*p.ldc : i*p.ldc+n]
		for j := range row {
			row[j] = ct[j*m+i]
		}
	}
}
