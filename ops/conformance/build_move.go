package conformance

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of the movement ops: transpose, broadcasts, reshapes, concat, split, slice,
// repeat, segment sums and padding. Every one of them moves elements exactly, so every case
// is exact but segment_sum's.

// shaped is a shape with the params of one case, the unit of the tables below.
type shaped struct {
	d []int
	p any
}

// tableBuilder returns a Builder whose cases apply each row of table(c) to one input drawn
// with d, exactly when exact.
func tableBuilder(table func(c Class) []shaped, d draw, exact bool, illegal func(g *Gen) []Case) Builder {
	return Builder{Illegal: illegal, Cases: func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, s := range table(c) {
			out = append(out, mk(s.p, d(g, dt, s.d...)).exactIf(exact))
		}
		return out
	}}
}

func init() {
	Register("transpose", tableBuilder(transposeTable, values, true, func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.PermParams{Perm: dims{0}}, x).named("too short"),
			mk(ops.PermParams{Perm: dims{1, 1}}, x).named("repeated"), mk(ops.PermParams{Perm: dims{0, 2}}, x).named("out of range")}
	}))
	Register("broadcast_to", tableBuilder(broadcastTable, values, true, func(g *Gen) []Case {
		return []Case{mk(ops.ShapeParams{Shape: dims{3}}, g.Values(dtype.Float32, 2)).named("no broadcast"),
			mk(ops.ShapeParams{Shape: dims{3}}, g.Values(dtype.Float32, 2, 3)).named("fewer dimensions"),
			mk(ops.ShapeParams{Shape: dims{-2, 3}}, g.Values(dtype.Float32, 3)).named("negative dimension")}
	}))
	Register("reshape", tableBuilder(reshapeTable, values, true, func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.ShapeParams{Shape: dims{4}}, x).named("sizes differ"),
			mk(ops.ShapeParams{Shape: dims{-1, -1}}, x).named("two unknowns"), mk(ops.ShapeParams{Shape: dims{-1, 4}}, x).named("no fit")}
	}))
	Register("slice", tableBuilder(sliceTable, values, true, sliceIllegal))
	Register("repeat_interleave", tableBuilder(repeatTable, values, true, func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.RepeatParams{Axis: 1, Counts: dims{1, 2}}, x).named("count per element"),
			mk(ops.RepeatParams{Axis: 0, Counts: dims{-1}}, x).named("negative count"),
			mk(ops.RepeatParams{Axis: 2, Counts: dims{1}}, x).named("axis out of range")}
	}))
	Register("pad", tableBuilder(padTable, values, true, padIllegal))
	Register("expand_like", Builder{Cases: expandLikeCases, Illegal: expandLikeIllegal})
	Register("reshape_like", Builder{Cases: reshapeLikeCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.None{}, g.Values(dtype.Float32, 2, 3), g.Values(dtype.Float32, 5)).named("sizes differ")}
	}})
	Register("concat", Builder{Cases: concatCases, Illegal: concatIllegal, Variadic: true})
	Register("split", tableBuilder(splitTable, values, true, func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.SplitParams{Axis: 1, Sizes: dims{1, 1}}, x).named("sizes too small"),
			mk(ops.SplitParams{Axis: 1}, x).named("no sizes"), mk(ops.SplitParams{Axis: 0, Sizes: dims{3, -1}}, x).named("negative size"),
			mk(ops.SplitParams{Axis: -3, Sizes: dims{2}}, x).named("axis out of range")}
	}))
	Register("segment_sum", Builder{Cases: segmentSumCases, Illegal: func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.RepeatParams{Axis: 1, Counts: dims{1, 1}}, x).named("counts too small"),
			mk(ops.RepeatParams{Axis: 1}, x).named("no counts"), mk(ops.RepeatParams{Axis: 1, Counts: dims{4, -1}}, x).named("negative count")}
	}})
}

func transposeTable(c Class) []shaped {
	p := func(perm ...int) ops.PermParams { return ops.PermParams{Perm: perm} }
	switch c {
	case Scalar:
		return []shaped{{dims{}, p()}}
	case Empty:
		return []shaped{{dims{0, 3}, p(1, 0)}, {dims{2, 0, 3}, p(2, 0, 1)}}
	case Broadcast:
		return []shaped{{dims{1, 4, 1}, p(2, 0, 1)}, {dims{1, 1}, p(1, 0)}}
	case Odd:
		out := []shaped{{dims{2, 3, 9}, p(2, 0, 1)}, {dims{31, 2, 3}, p(-1, 0, 1)}}
		for _, n := range oddSizes {
			out = append(out, shaped{dims{n, 3}, p(1, 0)})
		}
		return out
	}
	return []shaped{{dims{257, 255}, p(1, 0)}, {dims{16, 64, 67}, p(0, 2, 1)}}
}

func broadcastTable(c Class) []shaped {
	p := func(s ...int) ops.ShapeParams { return ops.ShapeParams{Shape: s} }
	switch c {
	case Scalar:
		return []shaped{{dims{}, p(3, 4)}, {dims{}, p()}}
	case Empty:
		return []shaped{{dims{1}, p(0)}, {dims{0}, p(2, 0)}, {dims{3, 1}, p(3, 0)}}
	case Broadcast:
		return []shaped{{dims{1, 3}, p(4, 3)}, {dims{3}, p(2, 1, 3)}, {dims{2, 1}, p(2, 5)}}
	case Odd:
		var out []shaped
		for _, n := range oddSizes {
			out = append(out, shaped{dims{n}, p(3, n)}, shaped{dims{n, 1}, p(n, 7)})
		}
		return append(out, shaped{dims{1}, p(65)})
	}
	return []shaped{{dims{255}, p(257, 255)}, {dims{257, 1}, p(257, 255)}}
}

func reshapeTable(c Class) []shaped {
	p := func(s ...int) ops.ShapeParams { return ops.ShapeParams{Shape: s} }
	switch c {
	case Scalar:
		return []shaped{{dims{}, p(1, 1)}, {dims{}, p()}, {dims{}, p(-1)}}
	case Empty:
		return []shaped{{dims{0, 3}, p(3, 0)}, {dims{3, 0}, p(0)}, {dims{0}, p(2, 0, 5)}}
	case Broadcast:
		return []shaped{{dims{1, 3}, p(3, 1)}, {dims{1}, p()}}
	case Odd:
		var out []shaped
		for _, n := range oddSizes {
			out = append(out, shaped{dims{n}, p(1, n, 1)}, shaped{dims{3, n}, p(-1)})
		}
		return out
	}
	return []shaped{{dims{LargeSize}, p(LargeSize, 1)}}
}

func sliceTable(c Class) []shaped {
	p := func(axes, starts, ends, steps []int) ops.SliceParams {
		return ops.SliceParams{Axes: axes, Starts: starts, Ends: ends, Steps: steps}
	}
	end, begin := math.MaxInt, math.MinInt
	switch c {
	case Scalar:
		return []shaped{{dims{}, p(nil, dims{}, dims{}, nil)}}
	case Empty:
		return []shaped{{dims{0}, p(nil, dims{0}, dims{end}, nil)}, {dims{3, 0}, p(dims{1}, dims{0}, dims{5}, nil)},
			{dims{5}, p(nil, dims{3}, dims{1}, nil)}, {dims{5}, p(nil, dims{1}, dims{3}, dims{-1})}}
	case Broadcast:
		return []shaped{{dims{1, 5}, p(dims{0}, dims{-1}, dims{end}, nil)}, {dims{4, 1}, p(dims{1, 0}, dims{0, 3}, dims{1, begin}, dims{1, -2})}}
	case Odd:
		var out []shaped
		for _, n := range oddSizes {
			out = append(out, shaped{dims{n}, p(nil, dims{1}, dims{end}, dims{2})},
				shaped{dims{n}, p(nil, dims{-1}, dims{begin}, dims{-1})}, shaped{dims{n}, p(nil, dims{2}, dims{-1}, dims{3})})
		}
		return append(out, shaped{dims{3, 31}, p(dims{1, 0}, dims{-2, 0}, dims{0, 3}, dims{-2, 2})})
	}
	return []shaped{{dims{LargeSize}, p(nil, dims{3}, dims{LargeSize - 5}, dims{7})},
		{dims{257, 255}, p(dims{1}, dims{254}, dims{begin}, dims{-1})}}
}

func sliceIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.SliceParams{Starts: dims{0}, Ends: dims{1}, Steps: dims{0}}, x).named("step 0"),
		mk(ops.SliceParams{Starts: dims{0}, Ends: dims{1, 2}}, x).named("lengths differ"),
		mk(ops.SliceParams{Axes: dims{0, 0}, Starts: dims{0, 0}, Ends: dims{1, 1}}, x).named("axis twice"),
		mk(ops.SliceParams{Axes: dims{2}, Starts: dims{0}, Ends: dims{1}}, x).named("axis out of range"),
	}
}

func repeatTable(c Class) []shaped {
	p := func(axis int, counts ...int) ops.RepeatParams { return ops.RepeatParams{Axis: axis, Counts: counts} }
	switch c {
	case Scalar:
		return nil
	case Empty:
		return []shaped{{dims{0}, p(0, 3)}, {dims{3}, p(0, 0)}, {dims{3, 0}, p(1, 2)}, {dims{2, 3}, p(0, 0, 0)}}
	case Broadcast:
		return []shaped{{dims{1, 3}, p(0, 4)}, {dims{4, 1}, p(-1, 2)}}
	case Odd:
		var out []shaped
		for _, n := range oddSizes {
			counts := make([]int, n)
			for i := range counts {
				counts[i] = (i * 7) % 4
			}
			out = append(out, shaped{dims{n}, p(0, 2)}, shaped{dims{n}, p(0, counts...)})
		}
		return append(out, shaped{dims{3, 31}, p(0, 1, 0, 2)})
	}
	return []shaped{{dims{LargeSize}, p(0, 1)}, {dims{255, 257}, p(1, 2)}}
}

func padTable(c Class) []shaped {
	type pp = ops.PadParams
	switch c {
	case Scalar:
		return []shaped{{dims{}, pp{}}, {dims{}, pp{Mode: ops.PadReflect}}}
	case Empty:
		return []shaped{{dims{0}, pp{Value: 7, Before: dims{2}, After: dims{1}}},
			{dims{3, 0}, pp{Before: dims{0, 1}, After: dims{1, 0}}},
			{dims{0, 3}, pp{Mode: ops.PadEdge, Before: dims{0, 1}, After: dims{0, 2}}}}
	case Broadcast:
		return []shaped{{dims{1, 3}, pp{Mode: ops.PadEdge, Before: dims{2, 0}, After: dims{1, 1}}},
			{dims{1, 1}, pp{Mode: ops.PadWrap, Before: dims{1, 1}, After: dims{1, 0}}}}
	case Odd:
		var out []shaped
		for _, n := range oddSizes {
			r := min(2, n-1)
			out = append(out, shaped{dims{n}, pp{Value: -1.5, Before: dims{2}, After: dims{3}}},
				shaped{dims{n}, pp{Value: 3, Before: dims{-1}, After: dims{1}, Interior: dims{1}}},
				shaped{dims{n}, pp{Mode: ops.PadReflect, Before: dims{r}, After: dims{r}}},
				shaped{dims{n}, pp{Mode: ops.PadWrap, Before: dims{min(3, n)}, After: dims{1}}},
				shaped{dims{2, n}, pp{Mode: ops.PadEdge, Before: dims{1, 3}, After: dims{0, 2}}})
		}
		return out
	}
	return []shaped{{dims{LargeSize}, pp{Value: 2, Before: dims{5}, After: dims{7}}},
		{dims{257, 255}, pp{Mode: ops.PadReflect, Before: dims{3, 1}, After: dims{2, 4}}}}
}

func padIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.PadParams{Mode: "mirror", Before: dims{1, 1}}, x).named("unknown mode"),
		mk(ops.PadParams{Before: dims{1}}, x).named("short list"),
		mk(ops.PadParams{Mode: ops.PadReflect, Before: dims{2, 0}, After: dims{0, 0}}, x).named("reflect too far"),
		mk(ops.PadParams{Mode: ops.PadWrap, Before: dims{0, 4}, After: dims{0, 0}}, x).named("wrap too far"),
		mk(ops.PadParams{Mode: ops.PadEdge, Before: dims{-1, 0}, After: dims{0, 0}}, x).named("negative edge"),
		mk(ops.PadParams{Before: dims{-2, 0}, After: dims{-1, 0}}, x).named("removes too much"),
		mk(ops.PadParams{Mode: ops.PadEdge, Interior: dims{1, 0}}, x).named("interior edge"),
		mk(ops.PadParams{Mode: ops.PadEdge, Before: dims{1}, After: dims{0}}, g.Values(dtype.Float32, 0)).named("edge of nothing"),
	}
}

func splitTable(c Class) []shaped {
	p := func(axis int, sizes ...int) ops.SplitParams { return ops.SplitParams{Axis: axis, Sizes: sizes} }
	switch c {
	case Scalar:
		return nil
	case Empty:
		return []shaped{{dims{0, 3}, p(0, 0, 0)}, {dims{3, 0}, p(1, 0)}, {dims{5, 3}, p(0, 0, 5, 0)}}
	case Broadcast:
		return []shaped{{dims{1, 4}, p(0, 1)}, {dims{2, 1}, p(1, 1, 0)}}
	case Odd:
		var out []shaped
		for _, n := range oddSizes {
			out = append(out, shaped{dims{n}, p(0, n/2, n-n/2)}, shaped{dims{2, n}, p(-1, 1, n-1)})
		}
		return append(out, shaped{dims{9, 3}, p(1, 1, 1, 1)})
	}
	return []shaped{{dims{LargeSize}, p(0, LargeSize/3, LargeSize-LargeSize/3)}, {dims{255, 257}, p(0, 100, 155)}}
}

func expandLikeCases(g *Gen, dt dtype.DType, c Class) []Case {
	type row struct{ x, like, axes []int }
	var rows []row
	switch c {
	case Scalar:
		rows = []row{{dims{}, dims{}, dims{}}, {dims{}, dims{5}, dims{0}}}
	case Empty:
		rows = []row{{dims{3}, dims{0, 3}, dims{0}}, {dims{3, 1}, dims{3, 0}, dims{1}}, {dims{0}, dims{0, 4}, dims{1}}}
	case Broadcast:
		rows = []row{{dims{1}, dims{2, 1, 3}, dims{0, 2}}, {dims{1, 1, 3}, dims{2, 1, 3}, dims{0}}}
	case Odd:
		for _, n := range oddSizes {
			rows = append(rows, row{dims{3}, dims{n, 3}, dims{0}}, row{dims{3, 1}, dims{3, n}, dims{-1}})
		}
		rows = append(rows, row{dims{}, dims{7, 9}, nil})
	default:
		rows = []row{{dims{255}, dims{257, 255}, dims{0}}, {dims{257, 1}, dims{257, 255}, dims{-1}}}
	}
	var out []Case
	for _, r := range rows {
		out = append(out, mk(ops.ExpandParams{Axes: r.axes}, values(g, dt, r.x...), g.Values(dt, r.like...)).exact())
	}
	return out
}

func expandLikeIllegal(g *Gen) []Case {
	like := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.ExpandParams{Axes: dims{0}}, g.Values(dtype.Float32, 2), like).named("wrong axis"),
		mk(ops.ExpandParams{Axes: dims{2}}, g.Values(dtype.Float32, 2), like).named("axis out of range"),
		mk(ops.ExpandParams{Axes: dims{0}}, g.Values(dtype.Float32, 4, 3), like).named("kept axis not 1"),
	}
}

func reshapeLikeCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for _, s := range reshapeTable(c) {
		x := values(g, dt, s.d...)
		like := tensor.New(dtype.Float32, resolve(s.p.(ops.ShapeParams).Shape, x.Size()))
		out = append(out, mk(ops.None{}, x, like).exact())
	}
	return out
}

// resolve replaces a -1 in d by what makes it hold n elements.
func resolve(d []int, n int) []int {
	out := append([]int{}, d...)
	for i, x := range out {
		if x == -1 {
			out[i] = n / max(-size(d), 1) // size(d) is minus the product of the others
		}
	}
	return out
}

func concatCases(g *Gen, dt dtype.DType, c Class) []Case {
	type row struct {
		axis  int
		parts [][]int
	}
	var rows []row
	switch c {
	case Scalar:
		return nil
	case Empty:
		rows = []row{{0, [][]int{{0, 3}, {2, 3}}}, {1, [][]int{{3, 0}, {3, 2}, {3, 0}}}, {0, [][]int{{0}, {0}}}}
	case Broadcast:
		rows = []row{{0, [][]int{{1, 3}, {1, 3}}}, {-1, [][]int{{2, 1}, {2, 1}}}}
	case Odd:
		for _, n := range oddSizes {
			rows = append(rows, row{0, [][]int{{n}, {7}}}, row{-1, [][]int{{2, n}, {2, 1}, {2, 9}}}, row{0, [][]int{{n, 3}}})
		}
	default:
		rows = []row{{0, [][]int{{32768}, {32771}}}, {1, [][]int{{255, 128}, {255, 129}}}}
	}
	var out []Case
	for _, r := range rows {
		var inputs []*tensor.Tensor
		for _, p := range r.parts {
			inputs = append(inputs, values(g, dt, p...))
		}
		out = append(out, mk(ops.ConcatParams{Axis: r.axis}, inputs...).exact())
	}
	return out
}

func concatIllegal(g *Gen) []Case {
	f := func(d ...int) *tensor.Tensor { return g.Values(dtype.Float32, d...) }
	return []Case{
		mk(ops.ConcatParams{}, f(), f()).named("scalars"),
		mk(ops.ConcatParams{}, f(2, 3), f(2, 4)).named("other dimension differs"),
		mk(ops.ConcatParams{}, f(2, 3), f(3)).named("ranks differ"),
		mk(ops.ConcatParams{Axis: 2}, f(2, 3), f(2, 3)).named("axis out of range"),
		mk(ops.ConcatParams{}, f(2), g.Values(dtype.Float64, 2)).named("dtypes differ"),
		mk(ops.ConcatParams{}).named("no inputs"),
	}
}

// partition returns counts of consecutive segments adding up to n, zeros among them.
func partition(g *Gen, n int) []int {
	var out []int
	for left := n; left > 0; {
		k := min(g.Intn(5), left)
		out = append(out, k)
		left -= k
	}
	return append(out, 0)
}

func segmentSumCases(g *Gen, dt dtype.DType, c Class) []Case {
	var rows []shaped
	p := func(axis int, counts []int) ops.RepeatParams { return ops.RepeatParams{Axis: axis, Counts: counts} }
	switch c {
	case Scalar:
		return nil
	case Empty:
		rows = []shaped{{dims{0}, p(0, dims{0, 0})}, {dims{3, 0}, p(1, dims{0})}, {dims{0, 3}, p(0, dims{0})}}
	case Broadcast:
		rows = []shaped{{dims{1, 3}, p(0, dims{1})}, {dims{4, 1}, p(1, dims{0, 1})}}
	case Odd:
		for _, n := range oddSizes {
			rows = append(rows, shaped{dims{n}, p(0, partition(g, n))}, shaped{dims{3, n}, p(-1, partition(g, n))})
		}
	default:
		rows = []shaped{{dims{LargeSize}, p(0, partition(g, LargeSize))}, {dims{257, 255}, p(0, dims{100, 0, 157})}}
	}
	var out []Case
	for _, r := range rows {
		terms := 0
		for _, k := range r.p.(ops.RepeatParams).Counts {
			terms = max(terms, k)
		}
		out = append(out, mk(r.p, values(g, dt, r.d...)).terms(terms))
	}
	return out
}

func init() {
	Register("squeeze", Builder{Cases: func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, s := range [][]int{{1}, {1, 3}, {2, 1, 3}, {1, 1, 5, 1}} {
			if c == Empty {
				s = append([]int{0}, s...)
			}
			out = append(out, mk(ops.AxesParams{Axes: []int{indexOfOne(s) - len(s)}}, values(g, dt, s...)).exact())
		}
		return out
	}, Illegal: func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.AxesParams{Axes: []int{0}}, x).named("size not 1"), mk(ops.AxesParams{Axes: []int{2}}, x).named("axis out of range")}
	}})
	Register("unsqueeze", Builder{Cases: func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, a := range [][]int{{0}, {-1}, {0, 2}} {
			s := []int{3, 2}
			if c == Empty {
				s = []int{0, 2}
			}
			out = append(out, mk(ops.AxesParams{Axes: a}, values(g, dt, s...)).exact())
		}
		return out
	}, Illegal: func(g *Gen) []Case {
		x := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.AxesParams{}, x).named("no axes"), mk(ops.AxesParams{Axes: []int{4}}, x).named("axis out of range"),
			mk(ops.AxesParams{Axes: []int{1, 1}}, x).named("repeated axis")}
	}})
}

// indexOfOne returns the position of the first 1 in s.
func indexOfOne(s []int) int {
	for i, d := range s {
		if d == 1 {
			return i
		}
	}
	return 0
}
