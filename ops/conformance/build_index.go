package conformance

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of the indexing ops: gathers, scatters, embedding lookups, one-hot, sorting
// and the ops with data-dependent shapes. Indices cycle through the integer dtypes and include
// negative ones where the op counts them from the end; a case per op holds an index out of
// range, which every kernel must report as an error.

func init() {
	Register("gather", Builder{Cases: gatherCases, Illegal: gatherIllegal})
	Register("take_along_axis", Builder{Cases: takeCases, Illegal: takeIllegal})
	Register("gather_nd", Builder{Cases: gatherNDCases, Illegal: gatherNDIllegal})
	Register("scatter_elements", Builder{Cases: scatterCases, Illegal: scatterIllegal})
	Register("scatter_nd", Builder{Cases: scatterNDCases, Illegal: scatterNDIllegal})
	Register("embedding", Builder{Cases: embeddingCases, Illegal: embeddingIllegal})
	Register("embedding_grad", Builder{Cases: embeddingGradCases, Illegal: embeddingGradIllegal})
	Register("one_hot", Builder{Cases: oneHotCases, Illegal: oneHotIllegal})
	sortParams := func(axis int, desc bool, _ int) any { return ops.SortParams{Axis: axis, Descending: desc} }
	Register("sort", axisOp{draw: ties, params: sortParams, exact: true}.builder())
	Register("top_k", Builder{Cases: topKCases, Illegal: topKIllegal})
	Register("nonzero", Builder{Cases: nonZeroCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.NonZeroParams{Count: 5}, g.Values(dtype.Float32, 3)).named("count above the size"),
			mk(ops.NonZeroParams{Count: -2}, g.Values(dtype.Float32, 3)).named("negative count")}
	}})
	Register("unique", Builder{Cases: uniqueCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.UniqueParams{Size: 4}, g.Values(dtype.Float32, 3)).named("size above the input's"),
			mk(ops.UniqueParams{Size: 0}, g.Values(dtype.Float32, 3)).named("size 0")}
	}})
}

// indexRow is an indexing case: data and index shapes, an axis (or batch dimensions), and the
// range the indices are drawn from.
type indexRow struct {
	data, idx []int
	axis      int
	lo, hi    int
	bad       bool // an index out of range is planted
}

// gatherRows returns rows whose indices address axis of data in [-n, n).
func gatherRows(c Class) []indexRow {
	r := func(data, idx []int, axis int) indexRow {
		a := axis
		if a < 0 {
			a += len(data)
		}
		return indexRow{data: data, idx: idx, axis: axis, lo: -data[a], hi: data[a] - 1}
	}
	switch c {
	case Scalar:
		return []indexRow{r(dims{5}, dims{}, 0), r(dims{1}, dims{}, 0)}
	case Empty:
		return []indexRow{r(dims{0, 3}, dims{2}, 1), r(dims{4, 3}, dims{0}, 0), r(dims{3, 0}, dims{2}, 0)}
	case Broadcast:
		return []indexRow{r(dims{1, 5}, dims{3}, 0), r(dims{4, 1}, dims{2, 2}, 1)}
	case Odd:
		var out []indexRow
		for _, n := range oddSizes {
			out = append(out, r(dims{n}, dims{7}, 0), r(dims{3, n}, dims{n}, 1))
		}
		bad := r(dims{9, 3}, dims{2, 9}, 0)
		bad.bad = true
		return append(out, r(dims{9, 3}, dims{2, 9}, 0), bad)
	}
	return []indexRow{r(dims{257, 255}, dims{300}, 0), r(dims{LargeSize}, dims{LargeSize}, 0)}
}

// draw returns the row's indices, with the index dtype chosen by i, planting one out of range
// when the row says so.
func (r indexRow) draw(g *Gen, i int) *tensor.Tensor {
	idx := g.indices(i, r.lo, r.hi, r.idx...)
	if !r.bad || idx.Size() == 0 {
		return idx
	}
	v := idx.Int64s()
	v[g.Intn(len(v))] = int64(r.hi + 1)
	return ints(idx.DType(), v, r.idx...)
}

// finish marks a case drawn from r: exact, and wanting an error when r plants one.
func (r indexRow) finish(c Case) Case {
	c = c.exact()
	if r.bad {
		c = c.wantErr().named("index out of range")
	}
	return c
}

func gatherCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, r := range gatherRows(c) {
		out = append(out, r.finish(mk(ops.GatherParams{Axis: r.axis}, values(g, dt, r.data...), r.draw(g, i))))
	}
	return out
}

func gatherIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	idx := g.intRange(dtype.Int64, 0, 1, 2)
	return []Case{
		mk(ops.GatherParams{Axis: 2}, x, idx).named("axis out of range"),
		mk(ops.GatherParams{}, x, g.Values(dtype.Float32, 2)).named("float indices"),
		mk(ops.GatherParams{}, g.Values(dtype.Float32), idx).named("scalar data"),
	}
}

// takeRows returns take_along_axis (and scatter_elements) rows: indices of data's rank, no
// larger than data off the axis.
func takeRows(c Class) []indexRow {
	r := func(data, idx []int, axis int) indexRow {
		a := (axis + len(data)) % len(data)
		return indexRow{data: data, idx: idx, axis: axis, lo: -data[a], hi: data[a] - 1}
	}
	switch c {
	case Scalar:
		return nil
	case Empty:
		return []indexRow{r(dims{3, 0}, dims{2, 0}, 0), r(dims{3, 4}, dims{3, 0}, 1), r(dims{0, 3}, dims{0, 5}, 1)}
	case Broadcast:
		return []indexRow{r(dims{1, 5}, dims{1, 7}, 1), r(dims{4, 1}, dims{6, 1}, 0)}
	case Odd:
		var out []indexRow
		for _, n := range oddSizes {
			out = append(out, r(dims{n}, dims{7}, 0), r(dims{3, n}, dims{2, n}, -1))
		}
		bad := r(dims{9, 3}, dims{5, 3}, 0)
		bad.bad = true
		return append(out, r(dims{9, 3}, dims{5, 3}, 0), bad)
	}
	return []indexRow{r(dims{257, 255}, dims{257, 255}, 1), r(dims{257, 255}, dims{300, 200}, 0)}
}

func takeCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, r := range takeRows(c) {
		out = append(out, r.finish(mk(ops.GatherParams{Axis: r.axis}, values(g, dt, r.data...), r.draw(g, i))))
	}
	return out
}

func takeIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.GatherParams{}, x, g.intRange(dtype.Int64, 0, 1, 2)).named("ranks differ"),
		mk(ops.GatherParams{}, x, g.intRange(dtype.Int64, 0, 1, 2, 4)).named("larger off the axis"),
		mk(ops.GatherParams{Axis: -3}, x, g.intRange(dtype.Int64, 0, 1, 2, 3)).named("axis out of range"),
	}
}

// ndRows returns gather_nd (and scatter_nd) rows: axis holds the batch dimensions, and the
// indices' last dimension the length of a tuple.
func ndRows(c Class) []indexRow {
	r := func(data, idx []int, batch int) indexRow {
		lo, hi := -data[batch], data[batch]-1
		for _, d := range data[batch : batch+idx[len(idx)-1]] {
			lo, hi = max(lo, -d), min(hi, d-1)
		}
		return indexRow{data: data, idx: idx, axis: batch, lo: lo, hi: hi}
	}
	switch c {
	case Scalar:
		return []indexRow{r(dims{4}, dims{1}, 0), r(dims{2, 3}, dims{2}, 0)}
	case Empty:
		return []indexRow{r(dims{3, 4}, dims{0, 2}, 0), r(dims{0, 4}, dims{0, 1}, 0), r(dims{3, 0}, dims{2, 1}, 0)}
	case Broadcast:
		return []indexRow{r(dims{1, 3}, dims{2, 1}, 0), r(dims{1, 5, 2}, dims{1, 3, 1}, 1)}
	case Odd:
		var out []indexRow
		for _, n := range oddSizes {
			out = append(out, r(dims{n, 3}, dims{5, 1}, 0), r(dims{3, n}, dims{n, 2}, 0), r(dims{3, n, 2}, dims{3, 4, 1}, 1))
		}
		bad := r(dims{9, 9}, dims{4, 2}, 0)
		bad.bad = true
		return append(out, bad)
	}
	return []indexRow{r(dims{257, 255}, dims{1000, 2}, 0), r(dims{257, 255}, dims{257, 1}, 0)}
}

func gatherNDCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, r := range ndRows(c) {
		out = append(out, r.finish(mk(ops.GatherNDParams{BatchDims: r.axis}, values(g, dt, r.data...), r.draw(g, i))))
	}
	return out
}

func gatherNDIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.GatherNDParams{}, x, g.intRange(dtype.Int64, 0, 1, 2, 3)).named("tuple too long"),
		mk(ops.GatherNDParams{BatchDims: 2}, x, g.intRange(dtype.Int64, 0, 1, 2, 1)).named("batch_dims out of range"),
		mk(ops.GatherNDParams{BatchDims: 1}, x, g.intRange(dtype.Int64, 0, 1, 3, 1)).named("batch dimension differs"),
		mk(ops.GatherNDParams{}, x, g.intRange(dtype.Int64, 0, 1)).named("scalar indices"),
	}
}

// reductions returns the scatter reductions dt supports.
func reductions(dt dtype.DType) []string {
	if dt == dtype.Bool {
		return []string{"none", ""}
	}
	return []string{"none", "add", "mul", "max", "min"}
}

// scatterCase finishes a scatter case: exact for selections, with room for repeated indices
// in sums and products.
func scatterCase(r indexRow, red string, c Case) Case {
	c = r.finish(c)
	if red == "add" || red == "mul" {
		c.Exact = false
		c = c.terms(8)
	}
	return c.named(red + " " + c.note)
}

func scatterCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	reds := reductions(dt)
	for i, r := range takeRows(c) {
		rds := []string{reds[i%len(reds)]}
		if c == Odd && i == 0 {
			rds = reds // every reduction once
		}
		for _, rd := range rds {
			data, upd := values(g, dt, r.data...), values(g, dt, r.idx...)
			p := ops.ScatterParams{Axis: r.axis, Reduction: rd}
			out = append(out, scatterCase(r, rd, mk(p, data, r.draw(g, i), upd)))
		}
	}
	return out
}

func scatterIllegal(g *Gen) []Case {
	x, idx := g.Values(dtype.Float32, 2, 3), g.intRange(dtype.Int64, 0, 1, 2, 3)
	return []Case{
		mk(ops.ScatterParams{Reduction: "sum"}, x, idx, g.Values(dtype.Float32, 2, 3)).named("unknown reduction"),
		mk(ops.ScatterParams{}, x, idx, g.Values(dtype.Float32, 2, 2)).named("updates' shape"),
		mk(ops.ScatterParams{}, x, idx, g.Values(dtype.Float64, 2, 3)).named("updates' dtype"),
		mk(ops.ScatterParams{Reduction: "add"}, g.Values(dtype.Bool, 2, 3), idx, g.Values(dtype.Bool, 2, 3)).named("add on bool"),
	}
}

// ndPart returns the shape of the updates of a scatter_nd of row r.
func ndPart(r indexRow) []int {
	k := r.idx[len(r.idx)-1]
	return append(append([]int{}, r.idx[:len(r.idx)-1]...), r.data[r.axis+k:]...)
}

func scatterNDCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	reds := reductions(dt)
	for i, r := range ndRows(c) {
		red := reds[i%len(reds)]
		p := ops.ScatterNDParams{Reduction: red, BatchDims: r.axis}
		out = append(out, scatterCase(r, red, mk(p, values(g, dt, r.data...), r.draw(g, i), values(g, dt, ndPart(r)...))))
	}
	return out
}

func scatterNDIllegal(g *Gen) []Case {
	x, idx := g.Values(dtype.Float32, 2, 3), g.intRange(dtype.Int64, 0, 1, 4, 1)
	return []Case{
		mk(ops.ScatterNDParams{}, x, idx, g.Values(dtype.Float32, 4, 2)).named("updates' shape"),
		mk(ops.ScatterNDParams{Reduction: "avg"}, x, idx, g.Values(dtype.Float32, 4, 3)).named("unknown reduction"),
		mk(ops.ScatterNDParams{}, x, g.intRange(dtype.Int64, 0, 1, 4, 3), g.Values(dtype.Float32, 4)).named("tuple too long"),
	}
}

// embeddingRows returns table and ids shapes; ids are drawn in [0, vocab).
func embeddingRows(c Class) []indexRow {
	r := func(table, ids []int) indexRow { return indexRow{data: table, idx: ids, lo: 0, hi: table[0] - 1} }
	switch c {
	case Scalar:
		return []indexRow{r(dims{5}, dims{}), r(dims{5, 3}, dims{})}
	case Empty:
		return []indexRow{r(dims{5, 3}, dims{0}), r(dims{5, 0}, dims{4}), r(dims{0, 3}, dims{0})}
	case Broadcast:
		return []indexRow{r(dims{1, 3}, dims{4}), r(dims{5, 1}, dims{2, 1})}
	case Odd:
		var out []indexRow
		for _, n := range oddSizes {
			out = append(out, r(dims{n, 7}, dims{9}), r(dims{9, n}, dims{3, 2}))
		}
		bad, neg := r(dims{9, 3}, dims{5}), r(dims{9, 3}, dims{5})
		bad.bad, neg.bad, neg.hi = true, true, -2 // hi+1 = -1 is planted
		return append(out, bad, neg)
	}
	return []indexRow{r(dims{1000, 65}, dims{1009}), r(dims{300}, dims{LargeSize})}
}

func embeddingCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, r := range embeddingRows(c) {
		out = append(out, r.finish(mk(ops.None{}, values(g, dt, r.data...), r.drawIDs(g, i))))
	}
	return out
}

// drawIDs draws ids in [0, vocab), planting an id out of range when r says so.
func (r indexRow) drawIDs(g *Gen, i int) *tensor.Tensor {
	ok := r
	ok.hi, ok.bad = max(r.hi, r.data[0]-1), false
	ids := ok.draw(g, i)
	if r.bad && ids.Size() > 0 {
		v := ids.Int64s()
		v[g.Intn(len(v))] = int64(r.hi + 1)
		ids = ints(dtype.Int64, v, r.idx...)
	}
	return ids
}

func embeddingIllegal(g *Gen) []Case {
	return []Case{
		mk(ops.None{}, g.Values(dtype.Float32, 4, 2), g.Values(dtype.Float32, 3)).named("float ids"),
		mk(ops.None{}, g.Values(dtype.Float32), g.intRange(dtype.Int64, 0, 0, 3)).named("scalar table"),
	}
}

func embeddingGradCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, r := range embeddingRows(c) {
		gs := append(append([]int{}, r.idx...), r.data[1:]...)
		cs := mk(ops.None{}, values(g, dt, gs...), r.drawIDs(g, i), g.Values(dt, r.data...))
		out = append(out, r.finish(cs).terms(size(r.idx)))
	}
	for i := range out {
		out[i].Exact = false
	}
	return out
}

func embeddingGradIllegal(g *Gen) []Case {
	ids := g.intRange(dtype.Int64, 0, 3, 5)
	return []Case{
		mk(ops.None{}, g.Values(dtype.Float32, 5, 3), ids, g.Values(dtype.Float32, 4, 2)).named("gradient's shape"),
		mk(ops.None{}, g.Values(dtype.Float32, 5, 2), ids, g.Values(dtype.Float64, 4, 2)).named("dtypes differ"),
	}
}

func oneHotCases(g *Gen, dt dtype.DType, c Class) []Case {
	type row struct {
		d           []int
		depth, axis int
		lo, hi      int
		on, off     float64
		out         dtype.DType
	}
	var rows []row
	switch c {
	case Scalar:
		rows = []row{{dims{}, 5, -1, 0, 4, 1, 0, dtype.Float32}}
	case Empty:
		rows = []row{{dims{0}, 3, -1, 0, 2, 1, 0, dtype.Int64}, {dims{2, 0}, 4, 0, 0, 3, 2, -1, dtype.Float64}}
	case Broadcast:
		rows = []row{{dims{1, 3}, 4, 1, 0, 3, 1, 0, dtype.Bool}}
	case Odd:
		for i, n := range oddSizes {
			rows = append(rows, row{dims{n}, 7, -1, -8, 8, 5, -1, dtype.All[i%len(dtype.All)]},
				row{dims{3, n}, 9, 0, -9, 9, 1, 0, dtype.All[(i+4)%len(dtype.All)]})
		}
	default:
		rows = []row{{dims{4099}, 17, -1, 0, 16, 1, 0, dtype.Float32}}
	}
	var out []Case
	for _, r := range rows {
		lo := r.lo
		if !dt.IsSigned() {
			lo = 0
		}
		p := ops.OneHotParams{Depth: r.depth, Axis: r.axis, OnValue: r.on, OffValue: r.off, DType: r.out}
		out = append(out, mk(p, g.intRange(dt, lo, r.hi, r.d...)).exact())
	}
	return out
}

func oneHotIllegal(g *Gen) []Case {
	idx := g.intRange(dtype.Int64, 0, 2, 3)
	return []Case{
		mk(ops.OneHotParams{Depth: 0, DType: dtype.Float32}, idx).named("depth 0"),
		mk(ops.OneHotParams{Depth: 3, Axis: 2, DType: dtype.Float32}, idx).named("axis out of range"),
		mk(ops.OneHotParams{Depth: 3}, idx).named("invalid dtype"),
		mk(ops.OneHotParams{Depth: 3, DType: dtype.Float32}, g.Values(dtype.Float32, 3)).named("float indices"),
	}
}

func topKCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range axisShapes(c) {
		a := (s.axes[0] + len(s.dims)) % len(s.dims)
		n := s.dims[a]
		k := []int{min(3, n), n, 0, min(1, n)}[i%4]
		p := ops.TopKParams{K: k, Axis: s.axes[0], Smallest: i%2 == 1, Unsorted: i%3 == 2}
		out = append(out, mk(p, ties(g, dt, s.dims...)).exact())
	}
	return out
}

func topKIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.TopKParams{K: 4, Axis: -1}, x).named("k above the axis"),
		mk(ops.TopKParams{K: -1, Axis: -1}, x).named("negative k"),
		mk(ops.TopKParams{K: 1, Axis: 2}, x).named("axis out of range"),
		mk(ops.TopKParams{K: 1}, g.Values(dtype.Float32)).named("scalar"),
	}
}

func nonZeroCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for _, s := range unaryShapes(c) {
		x := zeroish(g, dt, s...)
		n := 0
		for _, v := range x.Float64s() {
			if v != 0 {
				n++
			}
		}
		out = append(out, mk(ops.NonZeroParams{Count: n}, x).exact())
	}
	return out
}

func uniqueCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for _, s := range unaryShapes(c) {
		x := ties(g, dt, s...)
		seen, nan := map[float64]bool{}, 0
		for _, v := range x.Float64s() {
			if math.IsNaN(v) {
				nan = 1 // all NaNs are one group
				continue
			}
			seen[v+0] = true // -0 + 0 is +0: one value
		}
		out = append(out, mk(ops.UniqueParams{Size: len(seen) + nan}, x).exact())
	}
	return out
}
