package ops

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
)

// Linear algebra composites on matmul: DotGeneral (any contraction with batch axes), Einsum,
// Outer and Gemm. They are transposes and reshapes around one batched matrix product, so they
// get their gradients, and their speed, from matmul.

// DotDims names the axes a [DotGeneral] contracts and batches over, as XLA's
// DotDimensionNumbers: LhsContracting[i] of the left operand is summed against RhsContracting[i]
// of the right one, and LhsBatch[i] is paired with RhsBatch[i]. Negative axes count from the end.
type DotDims struct {
	LhsContracting, RhsContracting []int
	LhsBatch, RhsBatch             []int
}

// laDotPlan is a checked DotDims: normalized axes and the free axes of each side, in order.
type laDotPlan struct {
	lc, rc, lb, rb, lf, rf []int
}

func laNormalizeList(what string, axes []int, rank int) ([]int, error) {
	out := make([]int, len(axes))
	for i, a := range axes {
		n, err := shape.NormalizeAxis(a, rank)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		out[i] = n
	}
	return out, nil
}

// laFree returns the axes of a rank-r operand not in used, in order, or an error if used repeats one.
func laFree(side string, r int, used ...[]int) ([]int, error) {
	seen := make([]bool, r)
	for _, l := range used {
		for _, a := range l {
			if seen[a] {
				return nil, fmt.Errorf("%s axis %d is named twice", side, a)
			}
			seen[a] = true
		}
	}
	var free []int
	for a := 0; a < r; a++ {
		if !seen[a] {
			free = append(free, a)
		}
	}
	return free, nil
}

func laPlanDot(ls, rs shape.Shape, d DotDims) (*laDotPlan, error) {
	if len(d.LhsContracting) != len(d.RhsContracting) {
		return nil, fmt.Errorf("%d left and %d right contracting axes", len(d.LhsContracting), len(d.RhsContracting))
	}
	if len(d.LhsBatch) != len(d.RhsBatch) {
		return nil, fmt.Errorf("%d left and %d right batch axes", len(d.LhsBatch), len(d.RhsBatch))
	}
	var p laDotPlan
	var err error
	lists := []struct {
		dst  *[]int
		src  []int
		what string
		s    shape.Shape
	}{
		{&p.lc, d.LhsContracting, "left contracting", ls}, {&p.rc, d.RhsContracting, "right contracting", rs},
		{&p.lb, d.LhsBatch, "left batch", ls}, {&p.rb, d.RhsBatch, "right batch", rs},
	}
	for _, l := range lists {
		if *l.dst, err = laNormalizeList(l.what, l.src, len(l.s)); err != nil {
			return nil, err
		}
	}
	if p.lf, err = laFree("left", len(ls), p.lb, p.lc); err != nil {
		return nil, err
	}
	if p.rf, err = laFree("right", len(rs), p.rb, p.rc); err != nil {
		return nil, err
	}
	for i := range p.lc {
		if x, y := ls[p.lc[i]], rs[p.rc[i]]; x != y && x >= 0 && y >= 0 {
			return nil, fmt.Errorf("contracting axes %d of %v and %d of %v have sizes %d and %d", p.lc[i], ls, p.rc[i], rs, x, y)
		}
	}
	for i := range p.lb {
		if x, y := ls[p.lb[i]], rs[p.rb[i]]; x != y && x >= 0 && y >= 0 {
			return nil, fmt.Errorf("batch axes %d of %v and %d of %v have sizes %d and %d", p.lb[i], ls, p.rb[i], rs, x, y)
		}
	}
	return &p, nil
}

// laArrange returns x with its axes in the order first ++ second ++ third, or in the order
// first ++ third ++ second with swapped = true when that needs no transpose (the matrix product
// then reads it transposed).
func laArrange(x *Tensor, first, second, third []int) (*Tensor, bool) {
	order := slices.Concat(first, second, third)
	if laIsIdentity(order) {
		return x, false
	}
	if laIsIdentity(slices.Concat(first, third, second)) {
		return x, true
	}
	return Transpose(x, order...), false
}

func laIsIdentity(perm []int) bool {
	for i, a := range perm {
		if i != a {
			return false
		}
	}
	return true
}

func laDims(s shape.Shape, axes []int) (dims []int, size int) {
	size = 1
	for _, a := range axes {
		dims = append(dims, s[a])
		size *= s[a]
	}
	return dims, size
}

// DotGeneral returns the general tensor contraction of a and b, as XLA's DotGeneral and
// jax.lax.dot_general: the axes dims.LhsContracting of a are summed against dims.RhsContracting
// of b, the batch axes are paired, and the result has the batch axes (sizes of a), then a's
// remaining axes, then b's, each in their order. Mixed dtypes are promoted. It is one batched
// matrix product between transposes and reshapes, so matmul gives it its gradient. It panics with
// a *core.Error if an axis is out of range or named twice, the lists' lengths differ, or paired
// axes have different sizes (batch axes are not broadcast; see [Einsum]).
func DotGeneral(a, b *Tensor, dims DotDims) *Tensor {
	a, b = promote(a, b)
	p, err := laPlanDot(a.Shape(), b.Shape(), dims)
	if err != nil {
		panic(core.Errorf("dot_general", "%v", err))
	}
	batch, nb := laDims(a.Shape(), p.lb)
	freeA, m := laDims(a.Shape(), p.lf)
	freeB, n := laDims(b.Shape(), p.rf)
	_, k := laDims(a.Shape(), p.lc)
	at, transA := laArrange(a, p.lb, p.lf, p.lc) // [batch, m, k], or [batch, k, m] read transposed
	bt, transB := laArrange(b, p.rb, p.rc, p.rf) // [batch, k, n], or [batch, n, k] read transposed
	ad, bd := []int{m, k}, []int{k, n}
	if transA {
		ad = []int{k, m}
	}
	if transB {
		bd = []int{n, k}
	}
	if len(batch) > 0 {
		ad, bd = append([]int{nb}, ad...), append([]int{nb}, bd...)
	}
	c := MatMulT(Reshape(at, ad...), Reshape(bt, bd...), transA, transB)
	return Reshape(c, slices.Concat(batch, freeA, freeB)...)
}

// Outer returns the outer product of the vectors a and b: the matrix with a[i]·b[j] at (i, j), as
// torch.outer (numpy.outer would flatten other shapes; Tide asks for vectors). Mixed dtypes are
// promoted. It panics with a *core.Error if a or b is not one-dimensional.
func Outer(a, b *Tensor) *Tensor {
	if a.Rank() != 1 || b.Rank() != 1 {
		panic(core.Errorf("outer", "operands must be vectors, got shapes %v and %v", a.Shape(), b.Shape()))
	}
	return Mul(Reshape(a, a.Dim(0), 1), Reshape(b, 1, b.Dim(0)))
}

// Gemm returns alpha·op(a)·op(b) + beta·c, as ONNX Gemm: a and b are matrices, op transposes
// when the flag is set, and c (which may be nil) is broadcast to the [M N] result in one
// direction. alpha and beta are converted to the result's dtype. As torch.addmm, when beta is 0
// c is not read, so NaN or Inf in it do not reach the result. It panics with a *core.Error if a
// or b is not a matrix, the inner dimensions differ, or c does not broadcast to [M N].
func Gemm(a, b, c *Tensor, alpha, beta float64, transA, transB bool) *Tensor {
	if a.Rank() != 2 || b.Rank() != 2 {
		panic(core.Errorf("gemm", "A and B must be matrices, got shapes %v and %v", a.Shape(), b.Shape()))
	}
	y := MatMulT(a, b, transA, transB)
	if c != nil && !shape.BroadcastsTo(c.Shape(), y.Shape()) {
		panic(core.Errorf("gemm", "C has shape %v, which does not broadcast to the result's %v", c.Shape(), y.Shape()))
	}
	if alpha != 1 {
		y = MulScalar(y, alpha)
	}
	if c == nil || beta == 0 {
		return y
	}
	if beta != 1 {
		c = MulScalar(c, beta)
	}
	return Add(y, c)
}

// laOperand is an einsum operand with one label per axis: letters are their code points and
// the axes of an ellipsis get -1 - k for position k of the broadcast ellipsis dimensions.
type laOperand struct {
	x      *Tensor
	labels []int
}

func laLabelString(l int) string {
	if l < 0 {
		return fmt.Sprintf("...[%d]", -1-l)
	}
	return string(rune(l))
}

// laParseTerm returns the letters of an einsum term and where its ellipsis is (-1 if none).
func laParseTerm(term string) (letters []int, ell int, err error) {
	ell = -1
	for i := 0; i < len(term); i++ {
		c := term[i]
		switch {
		case strings.HasPrefix(term[i:], "..."):
			if ell >= 0 {
				return nil, 0, fmt.Errorf("term %q has two ellipses", term)
			}
			ell = len(letters)
			i += 2
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters = append(letters, int(c))
		default:
			return nil, 0, fmt.Errorf("term %q has the character %q; want letters and at most one ...", term, c)
		}
	}
	return letters, ell, nil
}

// laExpand gives each axis of a term its label, e ellipsis axes taking the last e of ne labels.
func laExpand(letters []int, ell, e, ne int) []int {
	if ell < 0 {
		return letters
	}
	labels := slices.Clone(letters[:ell])
	for k := ne - e; k < ne; k++ {
		labels = append(labels, -1-k)
	}
	return append(labels, letters[ell:]...)
}

// laParseEinsum labels the operands and the output of an einsum equation.
func laParseEinsum(eq string, xs []*Tensor) ([]laOperand, []int, error) {
	eq = strings.ReplaceAll(eq, " ", "")
	lhs, rhs, explicit := strings.Cut(eq, "->")
	terms := strings.Split(lhs, ",")
	if len(terms) != len(xs) {
		return nil, nil, fmt.Errorf("%d operands in the equation, got %d tensors", len(terms), len(xs))
	}
	type parsed struct {
		letters []int
		ell, e  int
	}
	ps := make([]parsed, len(terms))
	ne := 0
	for i, t := range terms {
		letters, ell, err := laParseTerm(t)
		if err != nil {
			return nil, nil, err
		}
		r := xs[i].Rank()
		e := r - len(letters)
		if (ell < 0 && e != 0) || e < 0 {
			return nil, nil, fmt.Errorf("operand %d has shape %v, its term %q names %d axes", i, xs[i].Shape(), t, len(letters))
		}
		if ell < 0 {
			e = 0
		}
		ps[i] = parsed{letters, ell, e}
		ne = max(ne, e)
	}
	ops := make([]laOperand, len(xs))
	count := map[int]int{}
	for i, p := range ps {
		ops[i] = laOperand{xs[i], laExpand(p.letters, p.ell, p.e, ne)}
		for _, l := range ops[i].labels {
			count[l]++
		}
	}
	var out []int
	if explicit {
		letters, ell, err := laParseTerm(rhs)
		if err != nil {
			return nil, nil, err
		}
		out = laExpand(letters, ell, ne, ne)
		seen := map[int]bool{}
		for _, l := range out {
			if seen[l] {
				return nil, nil, fmt.Errorf("output %q repeats %s", rhs, laLabelString(l))
			}
			if count[l] == 0 {
				return nil, nil, fmt.Errorf("output %q has %s, which no operand has", rhs, laLabelString(l))
			}
			seen[l] = true
		}
	} else {
		// NumPy's implicit output: the ellipsis axes, then the letters used once, sorted.
		out = laExpand(nil, 0, ne, ne)
		var once []int
		for l, c := range count {
			if l >= 0 && c == 1 {
				once = append(once, l)
			}
		}
		slices.Sort(once)
		out = append(out, once...)
	}
	return ops, out, nil
}

// laSizes returns the size of every label, broadcasting sizes of 1, or an error.
func laSizes(ops []laOperand) (map[int]int, error) {
	size := map[int]int{}
	for i, o := range ops {
		for j, l := range o.labels {
			d := o.x.Shape()[j]
			s, ok := size[l]
			switch {
			case !ok || s == 1:
				size[l] = d
			case d != s && d != 1:
				return nil, fmt.Errorf("%s has size %d in operand %d, and %d before", laLabelString(l), d, i, s)
			}
		}
	}
	return size, nil
}

// laDiagonal merges the axes of o that share a label into one, taking the diagonal.
func laDiagonal(o laOperand) (laOperand, error) {
	for {
		i, j := -1, -1
		for a := range o.labels {
			if k := slices.Index(o.labels[a+1:], o.labels[a]); k >= 0 {
				i, j = a, a+1+k
				break
			}
		}
		if i < 0 {
			return o, nil
		}
		n := o.x.Shape()[i]
		if o.x.Shape()[j] != n {
			return o, fmt.Errorf("%s names axes of sizes %d and %d in one operand", laLabelString(o.labels[i]), n, o.x.Shape()[j])
		}
		var perm, labels, dims []int
		for a, l := range o.labels {
			if a != i && a != j {
				perm, labels, dims = append(perm, a), append(labels, l), append(dims, o.x.Shape()[a])
			}
		}
		x := Reshape(Transpose(o.x, append(perm, i, j)...), append(dims, n*n)...)
		// The diagonal of a flattened n×n matrix is every (n+1)-th element.
		o = laOperand{SliceAxis(x, -1, 0, n*n, n+1), append(labels, o.labels[i])}
	}
}

// laSumOut sums away the labels of o that drop reports.
func laSumOut(o laOperand, drop func(l int) bool) laOperand {
	var axes, labels []int
	for a, l := range o.labels {
		if drop(l) {
			axes = append(axes, a)
		} else {
			labels = append(labels, l)
		}
	}
	if len(axes) == 0 {
		return o
	}
	return laOperand{Sum(o.x, axes...), labels}
}

// laBroadcast stretches the size-1 axes of o to the labels' sizes where other operands have them.
func laBroadcast(o laOperand, size map[int]int, shared func(l int) bool) laOperand {
	dims := slices.Clone([]int(o.x.Shape()))
	changed := false
	for a, l := range o.labels {
		if shared(l) && dims[a] != size[l] {
			dims[a], changed = size[l], true
		}
	}
	if !changed {
		return o
	}
	return laOperand{BroadcastTo(o.x, dims...), o.labels}
}

// laContract multiplies two operands, contracting the shared labels that keep does not list.
func laContract(a, b laOperand, size map[int]int, keep map[int]bool) laOperand {
	inB := func(l int) bool { return slices.Contains(b.labels, l) }
	inA := func(l int) bool { return slices.Contains(a.labels, l) }
	a, b = laBroadcast(a, size, inB), laBroadcast(b, size, inA)
	var d DotDims
	var labels, freeA, freeB []int
	for i, l := range a.labels {
		j := slices.Index(b.labels, l)
		switch {
		case j < 0:
			freeA = append(freeA, l)
		case keep[l]:
			d.LhsBatch, d.RhsBatch = append(d.LhsBatch, i), append(d.RhsBatch, j)
			labels = append(labels, l)
		default:
			d.LhsContracting, d.RhsContracting = append(d.LhsContracting, i), append(d.RhsContracting, j)
		}
	}
	for _, l := range b.labels {
		if !inA(l) {
			freeB = append(freeB, l)
		}
	}
	return laOperand{DotGeneral(a.x, b.x, d), slices.Concat(labels, freeA, freeB)}
}

// Einsum evaluates the Einstein summation equation on xs, as numpy.einsum and torch.einsum:
// "ij,jk->ik" (matrix product), "bij,bjk->bik", "bhqd,bhkd->bhqk", "...ij,...jk->...ik"
// (ellipsis axes broadcast), "i,i->" (dot), "i,j->ij" (outer), "ij->ji", "ij->i" (sums),
// "ii->i" (diagonal), "ii" (trace), and any number of operands. Without "->" the output is the
// ellipsis axes then the letters used once, in alphabetical order. Labels are ASCII letters;
// axes of size 1 broadcast against their label's size. Operands are contracted left to right
// with [DotGeneral] (no search for the cheapest order), after summing labels used only once,
// so the gradient comes from matmul. Mixed dtypes are promoted.
//
// It panics with a *core.Error if the equation is malformed (another character, two ellipses,
// a repeated or unknown output label), its terms do not fit the operands' ranks, or a label has
// two sizes other than 1.
func Einsum(equation string, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic(core.Errorf("einsum", "no operands"))
	}
	dts := make([]dtype.DType, len(xs))
	for i, x := range xs {
		dts[i] = x.DType()
	}
	in := make([]*Tensor, len(xs))
	for i, x := range xs {
		in[i] = Cast(x, dtype.PromoteAll(dts...))
	}
	ops, out, err := laParseEinsum(equation, in)
	if err == nil {
		for i := range ops {
			if ops[i], err = laDiagonal(ops[i]); err != nil {
				break
			}
		}
	}
	var size map[int]int
	if err == nil {
		size, err = laSizes(ops)
	}
	if err != nil {
		panic(core.Errorf("einsum", "%q: %v", equation, err))
	}
	return laEvaluate(ops, out, size)
}

func laEvaluate(ops []laOperand, out []int, size map[int]int) *Tensor {
	inOut := map[int]bool{}
	for _, l := range out {
		inOut[l] = true
	}
	used := map[int]int{} // the number of operands with each label
	for _, o := range ops {
		for _, l := range o.labels {
			used[l]++
		}
	}
	for i := range ops {
		ops[i] = laSumOut(ops[i], func(l int) bool { return used[l] == 1 && !inOut[l] })
	}
	cur := ops[0]
	for k := 1; k < len(ops); k++ {
		keep := maps.Clone(inOut)
		for _, o := range ops[k+1:] {
			for _, l := range o.labels {
				keep[l] = true
			}
		}
		cur = laContract(cur, ops[k], size, keep)
	}
	cur = laSumOut(cur, func(l int) bool { return !inOut[l] })
	perm := make([]int, len(out))
	for i, l := range out {
		perm[i] = slices.Index(cur.labels, l)
	}
	x := cur.x
	if !laIsIdentity(perm) {
		x = Transpose(x, perm...)
	}
	// An output label can be size 1 in the only operand left while the others stretched it.
	dims := make([]int, len(out))
	for i, l := range out {
		dims[i] = size[l]
	}
	return BroadcastTo(x, dims...)
}
