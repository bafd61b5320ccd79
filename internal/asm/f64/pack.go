package f64

// packTRef is the loop [PackTAVX512] computes: k steps of width elements,
// element (q, i) being alpha*src[i*ld+q] for i < rows and 0 beyond.
func packTRef(dst, src []float64, ld, k, rows, width int, alpha float64) {
	for q := 0; q < k; q++ {
		d := dst[q*width : q*width+width]
		for i := range d {
			d[i] = 0
			if i < rows {
				d[i] = alpha * src[i*ld+q]
			}
		}
	}
}

// packNRef is the loop [PackNAVX512] computes: k steps of width elements,
// element (q, i) being alpha*src[q*ld+i] for i < rows and 0 beyond.
func packNRef(dst, src []float64, ld, k, rows, width int, alpha float64) {
	for q := 0; q < k; q++ {
		d := dst[q*width : q*width+width]
		for i := range d {
			d[i] = 0
			if i < rows {
				d[i] = alpha * src[q*ld+i]
			}
		}
	}
}

// PackLanes is the number of elements in one AVX-512 vector; the packing
// routines handle widths up to 2*PackLanes.
const PackLanes = 8

// PackMasks returns the rmask, wmask and two arguments of [PackTAVX512] and
// [PackNAVX512] for a block of rows valid rows padded to width.
func PackMasks(rows, width int) (rmask, wmask uint64, two bool) {
	return 1<<uint(rows) - 1, 1<<uint(width) - 1, width > PackLanes
}
