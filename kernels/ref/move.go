package ref

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Reference loops of the movement ops (slice, pad, concat, split, repeat): index maps built one
// axis at a time, and copies that keep exact bits for every dtype.

// AxisMapIndex returns the flat index map of a movement that acts on each axis separately:
// the output has len(maps[a]) elements along axis a, and output multi-index o reads the source
// element (maps[0][o[0]], maps[1][o[1]], ...) of a row-major tensor of shape src. An entry of -1
// in any map marks an output element that reads no source element (a padding value); its flat
// index is -1.
func AxisMapIndex(src shape.Shape, maps [][]int) []int {
	st := src.Strides()
	idx := []int{0}
	for a, m := range maps {
		next := make([]int, 0, len(idx)*len(m))
		for _, p := range idx {
			for _, j := range m {
				if p < 0 || j < 0 {
					next = append(next, -1)
				} else {
					next = append(next, p+j*st[a])
				}
			}
		}
		idx = next
	}
	return idx
}

// StridedIndex returns the flat index map of a strided slice of a tensor of shape src: output
// multi-index o reads source index starts[a] + o[a]*steps[a] along each axis a, for an output of
// shape out. Steps may be negative.
func StridedIndex(src shape.Shape, starts, steps []int, out shape.Shape) []int {
	sst := src.Strides()
	st := make([]int, len(out))
	base := 0
	for a := range out {
		st[a] = steps[a] * sst[a]
		base += starts[a] * sst[a]
	}
	idx := make([]int, out.Size())
	walk(out, st, idx)
	for i := range idx {
		idx[i] += base
	}
	return idx
}

// RepeatIndex returns the map of one axis of n elements whose element i is repeated counts[i]
// times (every element counts[0] times when there is a single count), as numpy.repeat.
func RepeatIndex(n int, counts []int) []int {
	var m []int
	for i := 0; i < n; i++ {
		c := counts[0]
		if len(counts) > 1 {
			c = counts[i]
		}
		for ; c > 0; c-- {
			m = append(m, i)
		}
	}
	return m
}

// PadAxisMap returns the map of one axis of d elements padded to l elements with before elements
// first (negative: that many removed) and interior elements between neighbours, in one of ONNX
// Pad's modes: "constant" (-1, the padding value), "reflect" (mirrored without repeating the edge),
// "edge" (the edge repeated) or "wrap" (periodic). Interior padding is only for constant mode, and
// the other modes need d >= 1.
func PadAxisMap(d, before, interior, l int, mode string) []int {
	m := make([]int, l)
	for o := range m {
		p := o - before
		switch mode {
		case "reflect":
			if d == 1 {
				p = 0
			}
			for p < 0 || p >= d {
				if p < 0 {
					p = -p
				} else {
					p = 2*(d-1) - p
				}
			}
		case "edge":
			p = min(max(p, 0), d-1)
		case "wrap":
			p = ((p % d) + d) % d
		default:
			q := interior + 1
			if p < 0 || p%q != 0 || p/q >= d {
				p = -1
			} else {
				p /= q
			}
		}
		m[o] = p
	}
	return m
}

// GatherFill sets dst's flat element i to src's flat element idx[i], or to fill's only element
// where idx[i] is -1, keeping exact bits. dst, src and fill (which may be nil when idx has no -1)
// share one dtype.
func GatherFill(dst, src, fill *tensor.Tensor, idx []int) {
	var f any
	if fill != nil {
		f = fill.Raw()
	}
	switch s := src.Raw().(type) {
	case []bool:
		mvGatherFill(dst.Raw().([]bool), s, f, idx)
	case []uint8:
		mvGatherFill(dst.Raw().([]uint8), s, f, idx)
	case []int8:
		mvGatherFill(dst.Raw().([]int8), s, f, idx)
	case []int32:
		mvGatherFill(dst.Raw().([]int32), s, f, idx)
	case []int64:
		mvGatherFill(dst.Raw().([]int64), s, f, idx)
	case []dtype.F16:
		mvGatherFill(dst.Raw().([]dtype.F16), s, f, idx)
	case []dtype.BF16:
		mvGatherFill(dst.Raw().([]dtype.BF16), s, f, idx)
	case []float32:
		mvGatherFill(dst.Raw().([]float32), s, f, idx)
	case []float64:
		mvGatherFill(dst.Raw().([]float64), s, f, idx)
	}
}

func mvGatherFill[E any](d, s []E, fill any, idx []int) {
	var fv E
	if f, ok := fill.([]E); ok && len(f) > 0 {
		fv = f[0]
	}
	for i, j := range idx {
		if j < 0 {
			d[i] = fv
		} else {
			d[i] = s[j]
		}
	}
}

// CopyRows copies rows runs of width elements: run r goes from src's flat index
// srcOff + r*srcStride to dst's flat index dstOff + r*dstStride, keeping exact bits. dst and src
// share one dtype. Concatenation and splitting along an axis are such copies.
func CopyRows(dst, src *tensor.Tensor, rows, width, dstOff, dstStride, srcOff, srcStride int) {
	switch s := src.Raw().(type) {
	case []bool:
		mvCopyRows(dst.Raw().([]bool), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []uint8:
		mvCopyRows(dst.Raw().([]uint8), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []int8:
		mvCopyRows(dst.Raw().([]int8), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []int32:
		mvCopyRows(dst.Raw().([]int32), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []int64:
		mvCopyRows(dst.Raw().([]int64), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []dtype.F16:
		mvCopyRows(dst.Raw().([]dtype.F16), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []dtype.BF16:
		mvCopyRows(dst.Raw().([]dtype.BF16), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []float32:
		mvCopyRows(dst.Raw().([]float32), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	case []float64:
		mvCopyRows(dst.Raw().([]float64), s, rows, width, dstOff, dstStride, srcOff, srcStride)
	}
}

func mvCopyRows[E any](d, s []E, rows, width, dstOff, dstStride, srcOff, srcStride int) {
	if width == 0 {
		return
	}
	for r := 0; r < rows; r++ {
		copy(d[dstOff+r*dstStride:dstOff+r*dstStride+width], s[srcOff+r*srcStride:srcOff+r*srcStride+width])
	}
}
