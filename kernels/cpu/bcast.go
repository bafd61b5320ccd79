package cpu

import (
	"github.com/tideml/tide/shape"
)

// Broadcasting for the elementwise kernels (the "ew" prefix keeps these names apart from the
// other kernel families of the package).

// ewMaxRank is the most dimensions a broadcast loop nest keeps after merging; shapes of higher
// rank merge down to it in practice (NumPy-style broadcasting rarely alternates more than a
// few times), and a nest that does not fit runs on the reference kernel instead.
const ewMaxRank = 8

// ewNest is NumPy broadcasting of up to three inputs to an output, reduced to as few dimensions
// as possible: dimensions of size 1 are dropped, and neighbours merge where every input steps
// through both as through one (both broadcast, or both contiguous). The innermost dimension
// then has stride 1 or 0 in each input, so the inner loop is one of the vmath VV/VS/SV forms.
type ewNest struct {
	rank int               // dimensions kept (at least 1)
	dims [ewMaxRank]int    // their sizes, outermost first
	st   [3][ewMaxRank]int // each input's stride (in elements) along them, 0 when broadcast
	n    int               // number of inputs
}

// ewNewNest plans the broadcast of inputs with shapes ins to shape out. ok is false when the
// merged nest is deeper than ewMaxRank.
func ewNewNest(out shape.Shape, ins ...shape.Shape) (nt ewNest, ok bool) {
	nt.n = len(ins)
	r := len(out)
	var buf [3][16]int // the strides of every input along every dimension of out
	var full [3][]int
	for k, s := range ins {
		if r <= len(buf[k]) {
			full[k] = buf[k][:r]
		} else {
			full[k] = make([]int, r)
		}
		ewStrides(full[k], s, out)
	}
	for d := 0; d < r; d++ {
		if out[d] == 1 {
			continue
		}
		if nt.rank > 0 && ewMergeable(&nt, full, d, out[d]) {
			nt.dims[nt.rank-1] *= out[d]
			for k := 0; k < nt.n; k++ {
				nt.st[k][nt.rank-1] = full[k][d]
			}
			continue
		}
		if nt.rank == ewMaxRank {
			return nt, false
		}
		nt.dims[nt.rank] = out[d]
		for k := 0; k < nt.n; k++ {
			nt.st[k][nt.rank] = full[k][d]
		}
		nt.rank++
	}
	if nt.rank == 0 { // a single element
		nt.rank, nt.dims[0] = 1, 1
		for k := 0; k < nt.n; k++ {
			nt.st[k][0] = 0
		}
	}
	return nt, true
}

// ewMergeable reports whether output dimension d (of size n) can join the nest's innermost
// dimension: each input's stride there equals its stride along d times n.
func ewMergeable(nt *ewNest, full [3][]int, d, n int) bool {
	for k := 0; k < nt.n; k++ {
		if nt.st[k][nt.rank-1] != full[k][d]*n {
			return false
		}
	}
	return true
}

// ewStrides sets st (of len(out)) to the element strides of a row-major tensor of shape
// s read as shape out under broadcasting (0 along broadcast and missing dimensions).
func ewStrides(st []int, s, out shape.Shape) {
	clear(st)
	off := len(out) - len(s)
	step := 1
	for d := len(s) - 1; d >= 0; d-- {
		if s[d] != 1 {
			st[off+d] = step
		}
		step *= s[d]
	}
}

// inner returns the size of the innermost dimension and the number of rows (the product of
// the others).
func (nt *ewNest) inner() (n, rows int) {
	rows = 1
	for _, d := range nt.dims[:nt.rank-1] {
		rows *= d
	}
	return nt.dims[nt.rank-1], rows
}

// ewWalker steps through the rows of a nest in order, keeping each input's offset. (It does
// not keep the nest, so that the nest can stay on its caller's stack.)
type ewWalker struct {
	pos [ewMaxRank]int
	off [3]int
}

// seek positions the walker at row r of nt.
func (w *ewWalker) seek(nt *ewNest, r int) {
	w.off = [3]int{}
	for d := nt.rank - 2; d >= 0; d-- {
		w.pos[d] = r % nt.dims[d]
		r /= nt.dims[d]
		for k := 0; k < nt.n; k++ {
			w.off[k] += w.pos[d] * nt.st[k][d]
		}
	}
}

// next advances to the following row of nt.
func (w *ewWalker) next(nt *ewNest) {
	for d := nt.rank - 2; d >= 0; d-- {
		w.pos[d]++
		for k := 0; k < nt.n; k++ {
			w.off[k] += nt.st[k][d]
		}
		if w.pos[d] < nt.dims[d] {
			return
		}
		for k := 0; k < nt.n; k++ {
			w.off[k] -= nt.st[k][d] * w.pos[d]
		}
		w.pos[d] = 0
	}
}
