package gemm

// Packing copies a block of op(A) or op(B) into the k-major micro-panels the
// micro-kernels read, so that the kernels see unit-stride data whatever the
// transposition and leading dimension. Rows or columns past the edge of the
// matrix are padded with zeros, which lets edge tiles run the same kernel.

// packFunc is the signature of the assembly packing routines: k steps of
// width elements into dst, the lanes selected by rmask read from src (ld
// apart, along or across the rows) and scaled by alpha, the rest zeroed.
type packFunc[T float] func(dst, src []T, ld, k int, rmask, wmask uint64, two bool, alpha T)

// packs reports whether kn has assembly packing routines.
func (kn *kernel[T]) packs() bool { return kn.packT != nil }

// packA packs rows [i0, i0+mb) and columns [p0, p0+kb) of op(A), scaled by
// alpha, into dst as ceil(mb/mr) panels of kb×mr: element (i, p) of the block
// goes to dst[(i/mr)*kb*mr + p*mr + i%mr].
func packA[T float](dst []T, p *problem[T], kn *kernel[T], i0, mb, p0, kb int) {
	mr := kn.mr
	for ir := 0; ir < mb; ir += mr {
		panel := dst[(ir/mr)*kb*mr : (ir/mr+1)*kb*mr]
		rows := min(mr, mb-ir)
		switch {
		case kn.packs() && p.transA:
			rm, wm, two := kn.packMasks(rows, mr)
			kn.packN(panel, p.a[p0*p.lda+i0+ir:], p.lda, kb, rm, wm, two, p.alpha)
		case kn.packs():
			rm, wm, two := kn.packMasks(rows, mr)
			kn.packT(panel, p.a[(i0+ir)*p.lda+p0:], p.lda, kb, rm, wm, two, p.alpha)
		case p.transA:
			// op(A)(i, p) = a[p*lda+i]: each k step is a contiguous run.
			packCopy(panel, p.a[p0*p.lda+i0+ir:], p.lda, kb, rows, mr, p.alpha)
		default:
			// op(A)(i, p) = a[i*lda+p]: each row is a contiguous run.
			packTranspose(panel, p.a[(i0+ir)*p.lda+p0:], p.lda, kb, rows, mr, p.alpha)
		}
	}
}

// packB packs rows [p0, p0+kb) and columns [j0, j0+nb) of op(B) into dst as
// ceil(nb/nr) panels of kb×nr: element (p, j) of the block goes to
// dst[(j/nr)*kb*nr + p*nr + j%nr].
func packB[T float](dst []T, p *problem[T], kn *kernel[T], p0, kb, j0, nb int) {
	nr := kn.nr
	for jr := 0; jr < nb; jr += nr {
		panel := dst[(jr/nr)*kb*nr : (jr/nr+1)*kb*nr]
		cols := min(nr, nb-jr)
		switch {
		case kn.packs() && p.transB:
			rm, wm, two := kn.packMasks(cols, nr)
			kn.packT(panel, p.b[(j0+jr)*p.ldb+p0:], p.ldb, kb, rm, wm, two, 1)
		case kn.packs():
			rm, wm, two := kn.packMasks(cols, nr)
			kn.packN(panel, p.b[p0*p.ldb+j0+jr:], p.ldb, kb, rm, wm, two, 1)
		case p.transB:
			// op(B)(p, j) = b[j*ldb+p]: each column is a contiguous run.
			packTranspose(panel, p.b[(j0+jr)*p.ldb+p0:], p.ldb, kb, cols, nr, 1)
		default:
			// op(B)(p, j) = b[p*ldb+j]: each k step is a contiguous run.
			packCopy(panel, p.b[p0*p.ldb+j0+jr:], p.ldb, kb, cols, nr, 1)
		}
	}
}

// packCopy is the Go form of the PackNAVX512 routines: k steps of width
// elements, element (q, i) being alpha*src[q*ld+i] for i < rows, 0 beyond.
func packCopy[T float](dst, src []T, ld, k, rows, width int, alpha T) {
	for q := 0; q < k; q++ {
		d := dst[q*width : q*width+width]
		s := src[q*ld : q*ld+rows]
		if alpha == 1 {
			copy(d, s)
		} else {
			for i, v := range s {
				d[i] = alpha * v
			}
		}
		clear(d[rows:])
	}
}

// packTranspose is the Go form of the PackTAVX512 routines: k steps of
// width elements, element (q, i) being alpha*src[i*ld+q] for i < rows, 0
// beyond. Steps are written in groups of four so that each source row is
// read in short contiguous runs.
func packTranspose[T float](dst, src []T, ld, k, rows, width int, alpha T) {
	for i := 0; i < rows; i++ {
		s := src[i*ld : i*ld+k]
		d := dst[i:]
		q := 0
		for ; q+4 <= k; q += 4 {
			s4 := s[q : q+4 : q+4]
			d4 := d[q*width : q*width+3*width+1]
			d4[0] = alpha * s4[0]
			d4[width] = alpha * s4[1]
			d4[2*width] = alpha * s4[2]
			d4[3*width] = alpha * s4[3]
		}
		for ; q < k; q++ {
			d[q*width] = alpha * s[q]
		}
	}
	if rows < width {
		for q := 0; q < k; q++ {
			clear(dst[q*width+rows : q*width+width])
		}
	}
}
