package conformance

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Case builders of the network ops: matrix products, convolutions and their gradients,
// pooling and resizing. The gradient ops take their upstream gradient's shape from the forward
// op's inference, so one table of geometries serves a forward op and its gradients.

func init() {
	Register("matmul", Builder{Cases: matmulCases, Illegal: matmulIllegal})
	Register("conv", Builder{Cases: convCases(convForward), Illegal: convIllegal})
	Register("conv_filter_grad", Builder{Cases: convCases(convFilterGrad), Illegal: func(g *Gen) []Case {
		p := ops.ConvFilterGradParams{KernelSize: dims{3}}
		return []Case{mk(p, g.Values(dtype.Float32, 1, 5, 2), g.Values(dtype.Float32, 1, 4, 3)).named("gradient's shape"),
			mk(ops.ConvFilterGradParams{}, g.Values(dtype.Float32, 1, 5, 2), g.Values(dtype.Float32, 1, 3, 3)).named("no kernel size")}
	}})
	Register("conv_transpose", Builder{Cases: convCases(convTranspose), Illegal: func(g *Gen) []Case {
		x, w := g.Values(dtype.Float32, 1, 5, 2), g.Values(dtype.Float32, 3, 4, 2)
		return []Case{mk(ops.ConvTransposeParams{Strides: dims{2}, OutputPadding: dims{2}}, x, w).named("output padding too large"),
			mk(ops.ConvTransposeParams{}, x, g.Values(dtype.Float32, 3, 4, 3)).named("channels differ"),
			mk(ops.ConvTransposeParams{Pads: [][2]int{{3, 3}}}, g.Values(dtype.Float32, 1, 1, 2), w).named("output empty")}
	}})
	Register("max_pool", Builder{Cases: poolCases(maxPool, true), Illegal: poolIllegal})
	Register("avg_pool", Builder{Cases: poolCases(avgPool, false), Illegal: poolIllegal})
	Register("max_pool_grad", Builder{Cases: poolCases(poolGrad, true), Illegal: func(g *Gen) []Case {
		p := ops.PoolParams{Window: dims{2}}
		return []Case{mk(p, g.Values(dtype.Float32, 1, 6, 2), g.Values(dtype.Float32, 1, 2, 2)).named("gradient's shape")}
	}})
	Register("max_pool_gather", Builder{Cases: poolCases(poolGather, true), Illegal: func(g *Gen) []Case {
		p := ops.PoolParams{Window: dims{2}}
		return []Case{mk(p, g.Values(dtype.Float32, 1, 6, 2), g.Values(dtype.Float32, 1, 3, 2)).named("values' shape")}
	}})
	Register("avg_pool_grad", Builder{Cases: poolCases(avgPoolGrad, false), Illegal: func(g *Gen) []Case {
		p := ops.AvgPoolGradParams{Pool: ops.PoolParams{Window: dims{2}}, InputSize: dims{6}}
		q := p
		q.InputSize = dims{6, 6}
		return []Case{mk(p, g.Values(dtype.Float32, 1, 2, 2)).named("gradient's shape"), mk(q, g.Values(dtype.Float32, 1, 3, 2)).named("input size")}
	}})
	Register("resize", Builder{Cases: resizeCases(false), Illegal: resizeIllegal})
	Register("resize_grad", Builder{Cases: resizeCases(true), Illegal: func(g *Gen) []Case {
		p := ops.ResizeParams{Sizes: dims{4}}
		return []Case{mk(p, g.Values(dtype.Float32, 1, 3, 2), g.Values(dtype.Float32, 1, 2, 2)).named("gradient's shape"),
			mk(p, g.Values(dtype.Float64, 1, 4, 2), g.Values(dtype.Float32, 1, 2, 2)).named("dtypes differ")}
	}})
}

// inferred returns the spec op infers for params and inputs of the given shapes and dtype.
func inferred(name string, p any, dt dtype.DType, shapes ...shape.Shape) core.Spec {
	in := make([]core.Spec, len(shapes))
	for i, s := range shapes {
		in[i] = core.Spec{DType: dt, Shape: s}
	}
	out, err := core.Lookup(name).Infer(p, in)
	if err != nil {
		panic("conformance: a geometry of " + name + " is illegal: " + err.Error())
	}
	return out[0]
}

func matmulCases(g *Gen, dt dtype.DType, c Class) []Case {
	type row struct {
		a, b   []int
		ta, tb bool
	}
	var rows []row
	switch c {
	case Scalar:
		rows = []row{{dims{1, 1}, dims{1, 1}, false, false}}
	case Empty:
		rows = []row{{dims{0, 3}, dims{3, 4}, false, false}, {dims{3, 0}, dims{0, 4}, false, false},
			{dims{2, 3}, dims{3, 0}, false, false}, {dims{0, 2, 3}, dims{3, 4}, false, false}}
	case Broadcast:
		rows = []row{{dims{2, 1, 3, 4}, dims{5, 4, 2}, false, false}, {dims{4, 3}, dims{2, 3, 5}, false, false},
			{dims{1, 2, 3}, dims{4, 2, 3}, true, false}}
	case Odd:
		for i, n := range oddSizes {
			ta, tb := i%2 == 1, i%3 == 1
			a, b := dims{7, n}, dims{n, 9}
			if ta {
				a = dims{n, 7}
			}
			if tb {
				b = dims{9, n}
			}
			rows = append(rows, row{a, b, ta, tb}, row{dims{n, 9}, dims{31, 9}, false, true})
		}
	default:
		rows = []row{{dims{67, 131}, dims{131, 65}, false, false}, {dims{4, 33, 65}, dims{4, 31, 65}, false, true},
			{dims{1, 2049}, dims{2049, 33}, false, false}}
	}
	var out []Case
	for _, r := range rows {
		k := r.a[len(r.a)-1]
		if r.ta {
			k = r.a[len(r.a)-2]
		}
		p := ops.MatMulParams{TransposeA: r.ta, TransposeB: r.tb}
		out = append(out, mk(p, values(g, dt, r.a...), values(g, dt, r.b...)).terms(k))
	}
	return out
}

func matmulIllegal(g *Gen) []Case {
	f := func(d ...int) *tensor.Tensor { return g.Values(dtype.Float32, d...) }
	return []Case{
		mk(ops.MatMulParams{}, f(2, 3), f(4, 2)).named("inner dimensions differ"),
		mk(ops.MatMulParams{}, f(3), f(3, 2)).named("rank 1"),
		mk(ops.MatMulParams{}, f(2, 2, 3), f(3, 3, 2)).named("batches do not broadcast"),
		mk(ops.MatMulParams{TransposeA: true}, f(2, 3), f(3, 2)).named("transposed inner dimensions differ"),
		mk(ops.MatMulParams{}, f(2, 3), g.Values(dtype.Float64, 3, 2)).named("dtypes differ"),
	}
}

// convRow is a convolution geometry: data and filter shapes and the params.
type convRow struct {
	x, w []int
	p    ops.ConvParams
}

func convRows(c Class) []convRow {
	first := ops.ConvParams{Layout: ops.ChannelsFirst}
	switch c {
	case Scalar:
		return []convRow{{dims{1, 1, 1}, dims{1, 1, 1}, ops.ConvParams{}}}
	case Empty:
		return []convRow{{dims{0, 5, 5, 2}, dims{3, 3, 2, 4}, ops.ConvParams{}}, {dims{1, 5, 5, 2}, dims{3, 3, 2, 0}, ops.ConvParams{}},
			{dims{1, 5, 5, 0}, dims{3, 3, 0, 2}, ops.ConvParams{}}}
	case Broadcast:
		return []convRow{{dims{2, 5, 5, 3}, dims{1, 1, 3, 4}, ops.ConvParams{}}, {dims{1, 1, 7, 2}, dims{1, 3, 2, 2}, ops.ConvParams{Strides: dims{1, 2}}}}
	case Odd:
		var out []convRow
		for _, n := range oddSizes {
			out = append(out, convRow{dims{2, n, 3}, dims{3, 3, 4}, ops.ConvParams{Padding: ops.PadSame}})
		}
		return append(out,
			convRow{dims{1, 9, 7, 4}, dims{3, 3, 2, 6}, ops.ConvParams{Groups: 2, Strides: dims{2}, Dilations: dims{1, 2}, Pads: [][2]int{{1, 2}, {0, 1}}}},
			convRow{dims{2, 4, 9, 9}, dims{8, 1, 3, 3}, ops.ConvParams{Groups: 4, Layout: ops.ChannelsFirst, Padding: ops.PadSameLower, Strides: dims{2}}},
			convRow{dims{1, 5, 6, 7, 2}, dims{2, 3, 2, 2, 3}, ops.ConvParams{Strides: dims{2, 1, 2}}},
			convRow{dims{1, 3, 31}, dims{5, 3, 4}, first})
	}
	return []convRow{{dims{2, 33, 35, 8}, dims{3, 3, 8, 16}, ops.ConvParams{Padding: ops.PadSame}},
		{dims{1, 16, 19, 19}, dims{16, 16, 3, 3}, ops.ConvParams{Layout: ops.ChannelsFirst, Strides: dims{2}}}}
}

// convOf returns the case of one op of the convolution family for a geometry.
type convOf func(g *Gen, dt dtype.DType, r convRow) Case

// convCases returns the case builder of a convolution-family op.
func convCases(f convOf) func(g *Gen, dt dtype.DType, c Class) []Case {
	return func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, r := range convRows(c) {
			out = append(out, f(g, dt, r))
		}
		return out
	}
}

// convTerms returns the number of products behind one output of the geometry's convolution.
func convTerms(r convRow) int {
	_, cinG, k := filterSplit(r.w, r.p.Layout)
	return max(cinG*size(k), 1)
}

// filterSplit returns a filter's output channels, input channels per group and kernel size.
func filterSplit(w []int, l ops.Layout) (out, inG int, k []int) {
	n := len(w)
	if l == ops.ChannelsFirst {
		return w[0], w[1], w[2:]
	}
	return w[n-1], w[n-2], w[:n-2]
}

func convForward(g *Gen, dt dtype.DType, r convRow) Case {
	return mk(r.p, values(g, dt, r.x...), values(g, dt, r.w...)).terms(convTerms(r))
}

func convFilterGrad(g *Gen, dt dtype.DType, r convRow) Case {
	y := inferred("conv", r.p, dt, r.x, r.w)
	cout, _, k := filterSplit(r.w, r.p.Layout)
	p := ops.ConvFilterGradParams{Conv: r.p, KernelSize: k}
	// One filter element sums a product per output position of its channel.
	return mk(p, values(g, dt, r.x...), values(g, dt, y.Shape...)).terms(size(y.Shape) / max(cout, 1))
}

func convTranspose(g *Gen, dt dtype.DType, r convRow) Case {
	y := inferred("conv", r.p, dt, r.x, r.w)
	p := ops.ConvTransposeParams{Strides: r.p.Strides, Dilations: r.p.Dilations, Padding: r.p.Padding,
		Pads: r.p.Pads, Groups: r.p.Groups, Layout: r.p.Layout}
	cout, _, k := filterSplit(r.w, r.p.Layout)
	return mk(p, values(g, dt, y.Shape...), values(g, dt, r.w...)).terms(max(cout*size(k), 1))
}

func convIllegal(g *Gen) []Case {
	f := func(d ...int) *tensor.Tensor { return g.Values(dtype.Float32, d...) }
	return []Case{
		mk(ops.ConvParams{}, f(1, 5, 5, 3), f(3, 3, 2, 4)).named("channels differ"),
		mk(ops.ConvParams{Groups: 2}, f(1, 5, 5, 3), f(3, 3, 1, 4)).named("groups do not divide"),
		mk(ops.ConvParams{}, f(1, 2, 2, 1), f(3, 3, 1, 1)).named("output empty"),
		mk(ops.ConvParams{Strides: dims{0}}, f(1, 5, 1), f(3, 1, 1)).named("stride 0"),
		mk(ops.ConvParams{Pads: [][2]int{{-1, 0}}}, f(1, 5, 1), f(3, 1, 1)).named("negative pad"),
		mk(ops.ConvParams{}, f(5, 1), f(3, 1, 1)).named("rank 2"),
		mk(ops.ConvParams{Rank: 2}, f(1, 5, 1), f(3, 1, 1)).named("rank does not fit"),
		mk(ops.ConvParams{Layout: 7}, f(1, 5, 1), f(3, 1, 1)).named("unknown layout"),
	}
}

// poolRow is a pooling geometry.
type poolRow struct {
	x []int
	p ops.PoolParams
}

func poolRows(c Class, isMax bool) []poolRow {
	switch c {
	case Scalar:
		return []poolRow{{dims{1, 1, 1}, ops.PoolParams{Window: dims{1}}}}
	case Empty:
		return []poolRow{{dims{0, 4, 4, 2}, ops.PoolParams{Window: dims{2}}}, {dims{1, 4, 4, 0}, ops.PoolParams{Window: dims{2}}}}
	case Broadcast:
		return []poolRow{{dims{2, 1, 5, 3}, ops.PoolParams{Window: dims{1, 2}, Strides: dims{1}}},
			{dims{1, 5, 5, 1}, ops.PoolParams{Window: dims{5}}}}
	case Odd:
		var out []poolRow
		for _, n := range oddSizes {
			out = append(out, poolRow{dims{2, n, 3}, ops.PoolParams{Window: dims{min(3, n)}, Strides: dims{2}, Padding: ops.PadSame}})
		}
		return append(out,
			poolRow{dims{1, 9, 7, 4}, ops.PoolParams{Window: dims{3}, Strides: dims{2}, Pads: [][2]int{{1, 1}, {1, 0}}, CeilMode: true, CountIncludePad: !isMax}},
			poolRow{dims{2, 3, 9, 9}, ops.PoolParams{Window: dims{2}, Dilations: dims{2}, Strides: dims{1, 2}, Layout: ops.ChannelsFirst}},
			poolRow{dims{1, 5, 6, 7, 2}, ops.PoolParams{Window: dims{2, 3, 2}, Pads: [][2]int{{0, 1}, {1, 1}, {0, 0}}}})
	}
	return []poolRow{{dims{4, 64, 65, 8}, ops.PoolParams{Window: dims{3}, Strides: dims{2}, Padding: ops.PadSame}},
		{dims{2, 8, 33, 31}, ops.PoolParams{Window: dims{2}, Layout: ops.ChannelsFirst, CeilMode: true}}}
}

// poolOf returns the case of one op of the pooling family for a geometry.
type poolOf func(g *Gen, dt dtype.DType, r poolRow) Case

func poolCases(f poolOf, isMax bool) func(g *Gen, dt dtype.DType, c Class) []Case {
	return func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, r := range poolRows(c, isMax) {
			out = append(out, f(g, dt, r))
		}
		return out
	}
}

// window returns the number of elements of the geometry's window.
func window(r poolRow) int {
	n := 1
	for i := range len(r.x) - 2 {
		n *= r.p.Window[min(i, len(r.p.Window)-1)]
	}
	return n
}

// maxPool returns a case of max_pool, which selects elements: ties and NaNs test which one.
func maxPool(g *Gen, dt dtype.DType, r poolRow) Case { return mk(r.p, ties(g, dt, r.x...)).exact() }

func avgPool(g *Gen, dt dtype.DType, r poolRow) Case {
	return mk(r.p, values(g, dt, r.x...)).terms(window(r))
}

func poolGrad(g *Gen, dt dtype.DType, r poolRow) Case {
	y := inferred("max_pool", r.p, dt, r.x)
	return mk(r.p, ties(g, dt, r.x...), values(g, dt, y.Shape...)).terms(window(r))
}

func poolGather(g *Gen, dt dtype.DType, r poolRow) Case {
	return mk(r.p, ties(g, dt, r.x...), values(g, dt, r.x...)).exact()
}

func avgPoolGrad(g *Gen, dt dtype.DType, r poolRow) Case {
	y := inferred("avg_pool", r.p, dt, r.x)
	sp := r.x[1 : len(r.x)-1]
	if r.p.Layout == ops.ChannelsFirst {
		sp = r.x[2:]
	}
	p := ops.AvgPoolGradParams{Pool: r.p, InputSize: sp}
	return mk(p, values(g, dt, y.Shape...)).terms(window(r))
}

func poolIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 1, 6, 2)
	return []Case{
		mk(ops.PoolParams{}, x).named("no window"),
		mk(ops.PoolParams{Window: dims{7}}, x).named("window larger than the input"),
		mk(ops.PoolParams{Window: dims{2}, Pads: [][2]int{{2, 0}}}, x).named("window of padding only"),
		mk(ops.PoolParams{Window: dims{2, 2}}, x).named("window of two values for one dimension"),
		mk(ops.PoolParams{Window: dims{2}}, g.Values(dtype.Float32, 6, 2)).named("rank 2"),
	}
}

// resizeRow is a resize geometry.
type resizeRow struct {
	x []int
	p ops.ResizeParams
}

func resizeRows(c Class) []resizeRow {
	type rp = ops.ResizeParams
	switch c {
	case Scalar:
		return []resizeRow{{dims{1, 1, 1}, rp{Sizes: dims{1}}}}
	case Empty:
		return []resizeRow{{dims{0, 4, 4, 2}, rp{Scales: []float64{2}, Mode: "linear"}}, {dims{1, 3, 3, 2}, rp{Sizes: dims{0, 3}}},
			{dims{1, 0, 3, 2}, rp{Sizes: dims{0, 5}, Mode: "cubic"}}}
	case Broadcast:
		return []resizeRow{{dims{1, 1, 1, 3}, rp{Sizes: dims{4, 5}, Mode: "linear"}},
			{dims{2, 1, 6, 1}, rp{Scales: []float64{3, 0.5}, NearestMode: "ceil"}}}
	case Odd:
		modes := []string{"nearest", "linear", "cubic"}
		transforms := []string{"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn", "half_pixel_symmetric"}
		nearest := []string{"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}
		var out []resizeRow
		for i, n := range oddSizes {
			out = append(out, resizeRow{dims{1, n, 7, 2}, rp{Sizes: dims{9, 31}, Mode: modes[i%3], CoordinateTransform: transforms[i],
				NearestMode: nearest[i%4]}})
		}
		return append(out,
			resizeRow{dims{2, 3, 9, 9}, rp{Scales: []float64{1.5, 0.7}, Mode: "cubic", Layout: ops.ChannelsFirst, ExcludeOutside: true,
				CoordinateTransform: transforms[5]}},
			resizeRow{dims{1, 3, 4, 5, 2}, rp{Sizes: dims{5, 7, 3}, Mode: "linear", CoordinateTransform: "align_corners"}},
			resizeRow{dims{1, 5, 3}, rp{Sizes: dims{13}, Mode: "cubic", CubicCoeff: -0.5}})
	}
	return []resizeRow{{dims{2, 64, 64, 4}, rp{Sizes: dims{129, 127}, Mode: "linear"}},
		{dims{1, 3, 65, 67}, rp{Scales: []float64{2}, Layout: ops.ChannelsFirst}}}
}

// resizeTerms bounds the number of taps behind one output of the geometry.
func resizeTerms(r resizeRow) int {
	switch r.p.Mode {
	case "linear":
		return 8
	case "cubic":
		return 64
	}
	return 1
}

// resizeCases returns the cases of resize (nearest only for integers) or of its gradient.
func resizeCases(grad bool) func(g *Gen, dt dtype.DType, c Class) []Case {
	return func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, r := range resizeRows(c) {
			nearest := r.p.Mode == "" || r.p.Mode == "nearest"
			switch {
			case !dt.IsFloat() && !nearest:
				continue
			case grad:
				// An input element gathers every output it was sampled from.
				y := inferred("resize", r.p, dt, r.x)
				fan := size(y.Shape)/max(size(r.x), 1) + 1
				out = append(out, mk(r.p, values(g, dt, y.Shape...), values(g, dt, r.x...)).terms(fan*resizeTerms(r)))
			default:
				out = append(out, mk(r.p, values(g, dt, r.x...)).terms(resizeTerms(r)).exactIf(nearest))
			}
		}
		return out
	}
}

func resizeIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 1, 4, 2)
	return []Case{
		mk(ops.ResizeParams{Sizes: dims{3}, Scales: []float64{2}}, x).named("scales and sizes"),
		mk(ops.ResizeParams{}, x).named("neither scales nor sizes"),
		mk(ops.ResizeParams{Scales: []float64{-1}}, x).named("negative scale"),
		mk(ops.ResizeParams{Sizes: dims{3}, Mode: "area"}, x).named("unknown mode"),
		mk(ops.ResizeParams{Sizes: dims{3}, Mode: "linear"}, g.Values(dtype.Int32, 1, 4, 2)).named("linear on integers"),
		mk(ops.ResizeParams{Sizes: dims{3}}, g.Values(dtype.Float32, 4, 2)).named("rank 2"),
		mk(ops.ResizeParams{Sizes: dims{3, 3}}, x).named("two sizes for one dimension"),
	}
}
