package ref

import "github.com/tideml/tide/shape"

// BroadcastIndex returns, for each flat index of a row-major tensor of shape dst, the flat index of
// the element of a tensor of shape src that NumPy broadcasting reads there. src must broadcast to dst.
func BroadcastIndex(src, dst shape.Shape) []int {
	n := dst.Size()
	idx := make([]int, n)
	if src.Equal(dst) {
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	st := make([]int, len(dst))
	sst := src.Strides()
	off := len(dst) - len(src)
	for i := range src {
		if src[i] != 1 {
			st[off+i] = sst[i]
		}
	}
	walk(dst, st, idx)
	return idx
}

// PermuteIndex returns, for each flat index of the transposed tensor (dimension i of the result
// is dimension perm[i] of s), the flat index of the source element.
func PermuteIndex(s shape.Shape, perm []int) []int {
	sst := s.Strides()
	out := make(shape.Shape, len(perm))
	st := make([]int, len(perm))
	for i, p := range perm {
		out[i] = s[p]
		st[i] = sst[p]
	}
	idx := make([]int, out.Size())
	walk(out, st, idx)
	return idx
}

// ReduceIndex returns, for each flat index of a tensor of shape s, the flat index of the output
// element it is reduced into when the given (normalized) axes are reduced, and the output size.
func ReduceIndex(s shape.Shape, axes []int) ([]int, int) {
	kept := s.Clone()
	for _, a := range axes {
		kept[a] = 1
	}
	kst := kept.Strides()
	for _, a := range axes {
		kst[a] = 0
	}
	idx := make([]int, s.Size())
	walk(s, kst, idx)
	return idx, kept.Size()
}

// walk fills idx[i] with the dot product of the multi-index of flat index i in shape s and strides st.
func walk(s shape.Shape, st []int, idx []int) {
	if len(idx) == 0 {
		return
	}
	pos := make([]int, len(s))
	off := 0
	for i := range idx {
		idx[i] = off
		for d := len(s) - 1; d >= 0; d-- {
			pos[d]++
			off += st[d]
			if pos[d] < s[d] {
				break
			}
			off -= st[d] * pos[d]
			pos[d] = 0
		}
	}
}
