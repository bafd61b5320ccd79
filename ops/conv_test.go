package ops_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func cvZeros(dims ...int) *tensor.Tensor { return tensor.Zeros(dtype.Float32, dims...) }

func cvNormal(seed uint64, dims ...int) *tensor.Tensor {
	return tensor.Random(dtype.Float64, tensor.Normal, seed, dims...)
}

// TestConvErrors checks that mistakes panic with a *core.Error naming the op, what was wrong
// and the caller's line.
func TestConvErrors(t *testing.T) {
	x4 := cvZeros(1, 5, 5, 3)
	cases := map[string]func(){
		"conv: input has 3 channels but filter expects 4 (groups 1, layout NHWC)": func() { ops.Conv2D(x4, cvZeros(3, 3, 4, 2), ops.ConvParams{}) },
		"conv: input has 4 channels but filter expects 6 (groups 2, layout NCHW)": func() {
			ops.Conv2D(cvZeros(1, 4, 5, 5), cvZeros(2, 3, 3, 3), ops.ConvParams{Groups: 2, Layout: ops.ChannelsFirst})
		},
		"conv: output would be empty: input 5, kernel 3 with dilation 3 and pads [0 0]": func() {
			ops.Conv1D(cvZeros(1, 5, 2), cvZeros(3, 2, 1), ops.ConvParams{Dilations: []int{3}})
		},
		"conv: 2D input must have rank 4 (NHWC), got shape [1 5 3]":           func() { ops.Conv2D(cvZeros(1, 5, 3), cvZeros(3, 3, 2), ops.ConvParams{}) },
		"conv: 3D input must have rank 5 (NCDHW), got shape [1 5 5 3]":        func() { ops.Conv3D(x4, x4, ops.ConvParams{Layout: ops.ChannelsFirst}) },
		"conv: input must have rank 3, 4 or 5":                                func() { ops.Conv(cvZeros(5, 3), cvZeros(3, 3), ops.ConvParams{}) },
		"conv: filter must have rank 4 (OIHW), got shape [3 3 2]":             func() { ops.Conv(x4, cvZeros(3, 3, 2), ops.ConvParams{Layout: ops.ChannelsFirst}) },
		"conv: input has 3 channels, which groups 2 does not divide":          func() { ops.Conv2D(x4, cvZeros(3, 3, 1, 2), ops.ConvParams{Groups: 2}) },
		"conv: filter [3 3 1 5] has 5 output channels, which groups 3":        func() { ops.Conv2D(x4, cvZeros(3, 3, 1, 5), ops.ConvParams{Groups: 3}) },
		"conv: groups must be positive, got -1":                               func() { ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Groups: -1}) },
		"conv: filter [0 3 3 2] has an empty spatial dimension (layout HWIO)": func() { ops.Conv2D(x4, cvZeros(0, 3, 3, 2), ops.ConvParams{}) },
		"conv: strides [1 2 3] has 3 values, want 1 or 2 (one per spatial dimension)": func() {
			ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Strides: []int{1, 2, 3}})
		},
		"conv: dilations [0] must be >= 1": func() { ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Dilations: []int{0}}) },
		"conv: pads [[1 1]] has 1 pairs, want 2 (one {begin, end} per spatial dimension)": func() {
			ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Pads: [][2]int{{1, 1}}})
		},
		"conv: pads [[-1 0] [0 0]] must be >= 0": func() {
			ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Pads: [][2]int{{-1, 0}, {0, 0}}})
		},
		"conv: pads [[1 1] [1 1]] given with same padding (pads are used with PadExplicit)": func() {
			ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Padding: ops.PadSame, Pads: [][2]int{{1, 1}, {1, 1}}})
		},
		"conv: input spatial dimension 1 is empty (shape [1 5 0 3])": func() {
			ops.Conv2D(cvZeros(1, 5, 0, 3), cvZeros(1, 1, 3, 2), ops.ConvParams{Pads: [][2]int{{0, 0}, {1, 1}}})
		},
		"conv: unknown layout Layout(7)":   func() { ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Layout: 7}) },
		"conv: unknown padding Padding(9)": func() { ops.Conv2D(x4, cvZeros(3, 3, 3, 2), ops.ConvParams{Padding: 9}) },
		"conv: no kernel for dtype bool": func() {
			ops.Conv1D(tensor.Zeros(dtype.Bool, 1, 3, 1), tensor.Zeros(dtype.Bool, 1, 1, 1), ops.ConvParams{})
		},
		"depthwise_conv2d: filter must have shape [kh kw in multiplier] with in = 3 (the input's channels), got [3 3 2 1]": func() {
			ops.DepthwiseConv2D(x4, cvZeros(3, 3, 2, 1), ops.ConvParams{})
		},
		"depthwise_conv2d: groups 2 given, but a depthwise convolution of 3 channels has 3 groups": func() {
			ops.DepthwiseConv2D(x4, cvZeros(3, 3, 3, 1), ops.ConvParams{Groups: 2})
		},
		"depthwise_conv2d: 2D input must have rank 4 (NCHW)": func() {
			ops.DepthwiseConv2D(cvZeros(1, 3, 5), cvZeros(3, 3, 3, 1), ops.ConvParams{Layout: ops.ChannelsFirst})
		},

		"conv_transpose: output padding 2 must be smaller than the stride 2 (spatial dimension 0)": func() {
			ops.ConvTranspose1D(cvZeros(1, 4, 2), cvZeros(3, 1, 2), ops.ConvTransposeParams{Strides: []int{2}, OutputPadding: []int{2}})
		},
		"conv_transpose: input has 2 channels but filter expects 3 (groups 1, layout NWC, filter WOI)": func() {
			ops.ConvTranspose1D(cvZeros(1, 4, 2), cvZeros(3, 1, 3), ops.ConvTransposeParams{})
		},
		"conv_transpose: output padding [1] cannot be combined with same padding": func() {
			ops.ConvTranspose1D(cvZeros(1, 4, 2), cvZeros(3, 1, 2), ops.ConvTransposeParams{Strides: []int{2}, OutputPadding: []int{1}, Padding: ops.PadSame})
		},
		"conv_transpose: output would be empty: input 1, kernel 1 with dilation 1, stride 1, output padding 0 and pads [1 0]": func() {
			ops.ConvTranspose1D(cvZeros(1, 1, 2), cvZeros(1, 1, 2), ops.ConvTransposeParams{Pads: [][2]int{{1, 0}}})
		},
		"conv_transpose: input spatial dimension 0 is empty": func() {
			ops.ConvTranspose1D(cvZeros(1, 0, 2), cvZeros(1, 1, 2), ops.ConvTransposeParams{})
		},
		"conv_transpose: filter must have rank 4 (IOHW)": func() {
			ops.ConvTranspose2D(cvZeros(1, 2, 4, 4), cvZeros(2, 1, 3), ops.ConvTransposeParams{Layout: ops.ChannelsFirst})
		},

		"conv_filter_grad: upstream gradient has shape [1 3 3 2], want [1 4 4 2]": func() {
			ops.ConvFilterGrad(cvZeros(1, 6, 6, 3), cvZeros(1, 3, 3, 2), []int{3, 3}, ops.ConvParams{})
		},
		"conv_filter_grad: kernel size is not set": func() {
			ops.ConvFilterGrad(cvZeros(1, 6, 6, 3), cvZeros(1, 4, 4, 2), nil, ops.ConvParams{})
		},
		"conv_filter_grad: upstream gradient [1 4 4] and input [1 6 6 3] have different ranks": func() {
			ops.ConvFilterGrad(cvZeros(1, 6, 6, 3), cvZeros(1, 4, 4), []int{3}, ops.ConvParams{})
		},

		"max_pool: window size is not set": func() { ops.MaxPool2D(x4, ops.PoolParams{}) },
		"max_pool: output would be empty: input 5, window 6 with dilation 1 and pads [0 0]": func() {
			ops.MaxPool2D(x4, ops.PoolParams{Window: []int{6}})
		},
		"max_pool: window 0 of spatial dimension 1 covers only padding: input 5, window 2 with dilation 1, stride 2 and pads [2 0]": func() {
			ops.MaxPool2D(x4, ops.PoolParams{Window: []int{2}, Pads: [][2]int{{0, 0}, {2, 0}}})
		},
		"max_pool: 1D input must have rank 3 (NCW), got shape [1 5 5 3]": func() {
			ops.MaxPool1D(x4, ops.PoolParams{Window: []int{2}, Layout: ops.ChannelsFirst})
		},
		"avg_pool: no kernel for dtype int32": func() {
			ops.AvgPool1D(tensor.Zeros(dtype.Int32, 1, 4, 1), ops.PoolParams{Window: []int{2}})
		},
		"avg_pool: window [2 2 2] has 3 values, want 1 or 2": func() { ops.AvgPool2D(x4, ops.PoolParams{Window: []int{2, 2, 2}}) },
		"global_avg_pool: input must have rank 3, 4 or 5":    func() { ops.GlobalAvgPool(cvZeros(2, 3), ops.ChannelsLast, false) },
		"global_max_pool: input must have rank 3, 4 or 5":    func() { ops.GlobalMaxPool(cvZeros(2, 3, 4, 5, 6, 7), ops.ChannelsLast, false) },
		"max_pool_grad: upstream gradient has shape [1 5 5 3], want [1 2 2 3]": func() {
			core.Apply1(core.Lookup("max_pool_grad"), ops.PoolParams{Window: []int{2}}, x4, x4)
		},
		"max_pool_gather: values have shape [1 2 2 3], want the input's [1 5 5 3]": func() {
			core.Apply1(core.Lookup("max_pool_gather"), ops.PoolParams{Window: []int{2}}, x4, cvZeros(1, 2, 2, 3))
		},
		"avg_pool_grad: input size [5] has 1 values, want 2": func() {
			core.Apply1(core.Lookup("avg_pool_grad"), ops.AvgPoolGradParams{Pool: ops.PoolParams{Window: []int{2}}, InputSize: []int{5}}, x4)
		},
		"ops.SamePads: kernel [3] and input [5 5] have different lengths": func() { ops.SamePads([]int{5, 5}, []int{3}, nil, nil) },
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
			continue
		}
		if !strings.Contains(err.Error(), "conv_test.go:") {
			t.Errorf("error does not name the caller's line: %v", err)
		}
	}
}

// TestSamePads checks TensorFlow's "same" rule on values worked out by hand from its
// documentation: out = ceil(in/stride), the odd pad at the end.
func TestSamePads(t *testing.T) {
	for _, c := range []struct {
		in, k, s, d int
		want        [2]int
	}{
		{5, 3, 2, 1, [2]int{1, 1}}, {6, 3, 2, 1, [2]int{0, 1}}, {7, 4, 1, 1, [2]int{1, 2}},
		{4, 1, 3, 1, [2]int{0, 0}}, {9, 3, 2, 2, [2]int{2, 2}}, {28, 3, 1, 1, [2]int{1, 1}},
		{2, 5, 2, 1, [2]int{1, 2}}, {10, 2, 4, 1, [2]int{0, 0}},
	} {
		got := ops.SamePads([]int{c.in}, []int{c.k}, []int{c.s}, []int{c.d})
		if got[0] != c.want {
			t.Errorf("SamePads(in %d, kernel %d, stride %d, dilation %d) = %v, want %v", c.in, c.k, c.s, c.d, got[0], c.want)
		}
	}
}

// cvDot returns Σ a·b over all elements.
func cvDot(a, b *tensor.Tensor) float64 {
	av, bv := a.Float64s(), b.Float64s()
	s := 0.0
	for i := range av {
		s += av[i] * bv[i]
	}
	return s
}

// TestConvAdjoints checks ⟨conv(x, w), y⟩ = ⟨conv_transpose(y, w), x⟩ = ⟨filter_grad(x, y), w⟩
// over ranks, layouts, strides, dilations, groups and paddings: the identities the gradient
// rules rely on.
func TestConvAdjoints(t *testing.T) {
	seed := uint64(1)
	for _, lay := range []ops.Layout{ops.ChannelsLast, ops.ChannelsFirst} {
		for r := 1; r <= 3; r++ {
			for _, p := range []ops.ConvParams{
				{},
				{Strides: []int{2}, Dilations: []int{2}, Groups: 2},
				{Strides: []int{3, 2, 1}[:r], Padding: ops.PadSame},
				{Pads: slices.Repeat([][2]int{{2, 1}}, r), Groups: 4},
			} {
				p.Layout = lay
				sp, ks := []int{7, 6, 5}[:r], []int{3, 2, 2}[:r]
				x := cvNormal(seed, cvShape(lay, 2, 4, sp)...)
				w := cvNormal(seed+1, cvFilter(lay, 4, 4/max(p.Groups, 1), ks)...)
				seed += 2
				y := ops.Conv(x, w, p)
				u := cvNormal(seed, y.Shape()...)
				// conv_transpose with the output padding that restores x's size.
				_, _, ysp := cvSplitT(y, lay)
				tp := ops.ConvTransposeParams{Strides: p.Strides, Dilations: p.Dilations, Groups: p.Groups, Layout: lay}
				pads := cvResolvedPads(p, sp, ks)
				tp.Pads = pads
				for i := range sp {
					s := cvAt(p.Strides, i, 1)
					eff := (ks[i]-1)*cvAt(p.Dilations, i, 1) + 1
					tp.OutputPadding = append(tp.OutputPadding, sp[i]+pads[i][0]+pads[i][1]-eff-(ysp[i]-1)*s)
				}
				xt := ops.ConvTranspose(u, w, tp)
				wt := ops.ConvFilterGrad(x, u, ks, p)
				a, b, c := cvDot(y, u), cvDot(xt, x), cvDot(wt, w)
				if math.Abs(a-b) > 1e-9*(1+math.Abs(a)) || math.Abs(a-c) > 1e-9*(1+math.Abs(a)) {
					t.Errorf("%v rank %d %+v: ⟨conv(x,w),u⟩ = %v, ⟨convᵀ(u,w),x⟩ = %v, ⟨filter_grad(x,u),w⟩ = %v", lay, r, p, a, b, c)
				}
			}
		}
	}
}

func cvAt(v []int, i, def int) int {
	switch len(v) {
	case 0:
		return def
	case 1:
		return v[0]
	}
	return v[i]
}

func cvResolvedPads(p ops.ConvParams, sp, ks []int) [][2]int {
	switch {
	case p.Padding == ops.PadSame:
		s := make([]int, len(sp))
		d := make([]int, len(sp))
		for i := range sp {
			s[i], d[i] = cvAt(p.Strides, i, 1), cvAt(p.Dilations, i, 1)
		}
		return ops.SamePads(sp, ks, s, d)
	case p.Pads != nil:
		return p.Pads
	}
	return make([][2]int, len(sp))
}

func cvShape(l ops.Layout, n, c int, sp []int) []int {
	if l == ops.ChannelsFirst {
		return append([]int{n, c}, sp...)
	}
	return append(append([]int{n}, sp...), c)
}

func cvFilter(l ops.Layout, out, inG int, k []int) []int {
	if l == ops.ChannelsFirst {
		return append([]int{out, inG}, k...)
	}
	return append(append([]int{}, k...), inG, out)
}

func cvSplitT(x *tensor.Tensor, l ops.Layout) (n, c int, sp []int) {
	s := x.Shape()
	if l == ops.ChannelsFirst {
		return s[0], s[1], s[2:]
	}
	return s[0], s[len(s)-1], s[1 : len(s)-1]
}

// cvToFirst permutes a channels-last tensor to channels first.
func cvToFirst(x *tensor.Tensor) *tensor.Tensor {
	r := x.Rank()
	perm := []int{0, r - 1}
	for i := 1; i < r-1; i++ {
		perm = append(perm, i)
	}
	return ops.Transpose(x, perm...)
}

// cvFilterToFirst permutes a [k..., I, O] filter to [O, I, k...].
func cvFilterToFirst(w *tensor.Tensor) *tensor.Tensor {
	r := w.Rank()
	perm := []int{r - 1, r - 2}
	for i := 0; i < r-2; i++ {
		perm = append(perm, i)
	}
	return ops.Transpose(w, perm...)
}

// TestLayoutsAgree checks that channels-first ops on transposed tensors give the transposed
// results of channels-last ones, for every op of the family.
func TestLayoutsAgree(t *testing.T) {
	for r := 1; r <= 3; r++ {
		sp := []int{7, 5, 6}[:r]
		x := cvNormal(uint64(10+r), cvShape(ops.ChannelsLast, 2, 4, sp)...)
		w := cvNormal(uint64(20+r), cvFilter(ops.ChannelsLast, 6, 2, []int{3, 2, 2}[:r])...)
		cp := ops.ConvParams{Strides: []int{2}, Dilations: []int{1, 2, 1}[:r], Padding: ops.PadSame, Groups: 2}
		first := func(p ops.ConvParams) ops.ConvParams { p.Layout = ops.ChannelsFirst; return p }
		cvSame(t, fmt.Sprintf("conv %dD", r), cvToFirst(ops.Conv(x, w, cp)), ops.Conv(cvToFirst(x), cvFilterToFirst(w), first(cp)))

		tp := ops.ConvTransposeParams{Strides: []int{2}, OutputPadding: []int{1}, Groups: 2, Pads: slices.Repeat([][2]int{{1, 0}}, r)}
		wt := cvNormal(uint64(30+r), cvFilter(ops.ChannelsLast, 4, 3, []int{3, 2, 2}[:r])...) // [k, out/g=3, in=4]
		tf := tp
		tf.Layout = ops.ChannelsFirst
		cvSame(t, fmt.Sprintf("conv_transpose %dD", r), cvToFirst(ops.ConvTranspose(x, wt, tp)), ops.ConvTranspose(cvToFirst(x), cvFilterToFirst(wt), tf))

		pp := ops.PoolParams{Window: []int{3, 2, 2}[:r], Strides: []int{2}, Pads: slices.Repeat([][2]int{{1, 1}}, r), CeilMode: true}
		pf := pp
		pf.Layout = ops.ChannelsFirst
		cvSame(t, fmt.Sprintf("max_pool %dD", r), cvToFirst(ops.MaxPool(x, pp)), ops.MaxPool(cvToFirst(x), pf))
		cvSame(t, fmt.Sprintf("avg_pool %dD", r), cvToFirst(ops.AvgPool(x, pp)), ops.AvgPool(cvToFirst(x), pf))
	}
}

func cvSame(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	if !got.Shape().Equal(want.Shape()) || !tensor.AllClose(got, want, 1e-12, 1e-12) {
		d, i := tensor.MaxDiff(got, want)
		t.Errorf("%s: layouts disagree: shapes %v and %v, max difference %g at %d", what, got.Shape(), want.Shape(), d, i)
	}
}

// TestConvEdgeCases covers empty batches, integer wrap-around, half precision and the params
// the ops record.
func TestConvEdgeCases(t *testing.T) {
	// An empty batch gives an empty output and a zero filter gradient.
	x := autodiff.Watch(tensor.Zeros(dtype.Float64, 0, 5, 5, 2))
	w := autodiff.Watch(cvNormal(1, 3, 3, 2, 4))
	y := ops.Conv2D(x, w, ops.ConvParams{Padding: ops.PadSame})
	if !y.Shape().Equal([]int{0, 5, 5, 4}) {
		t.Errorf("empty batch: shape %v", y.Shape())
	}
	g := autodiff.Gradients([]*tensor.Tensor{y}, []*tensor.Tensor{x, w}, autodiff.OutputGrads(tensor.Zeros(dtype.Float64, 0, 5, 5, 4)))
	if !g[0].Shape().Equal(x.Shape()) || !tensor.Equal(g[1], tensor.Zeros(dtype.Float64, 3, 3, 2, 4)) {
		t.Errorf("empty batch gradients: %v %v", g[0].Shape(), g[1])
	}

	// Integer convolutions accumulate in int64 and wrap to the dtype, as integer Add does.
	xi := tensor.FromSlice([]int8{100, 100, -100}, 1, 3, 1)
	wi := tensor.FromSlice([]int8{1, 1}, 2, 1, 1)
	if got := ops.Conv1D(xi, wi, ops.ConvParams{}).Int64s(); !slices.Equal(got, []int64{-56, 0}) {
		t.Errorf("int8 conv = %v, want [-56 0] (200 wraps)", got)
	}

	// int64 max pooling compares exactly beyond 2^53.
	big := tensor.FromSlice([]int64{1<<60 + 1, 1 << 60, -5, 1<<60 + 3}, 1, 4, 1)
	if got := ops.MaxPool1D(big, ops.PoolParams{Window: []int{2}}).Int64s(); !slices.Equal(got, []int64{1<<60 + 1, 1<<60 + 3}) {
		t.Errorf("int64 max pool = %v", got)
	}

	// Half precision runs through the float64 reference and rounds once.
	xf := cvNormal(2, 1, 6, 6, 3)
	wf := cvNormal(3, 3, 3, 3, 2)
	want := ops.Conv2D(xf, wf, ops.ConvParams{})
	for _, dt := range []dtype.DType{dtype.Float16, dtype.BFloat16, dtype.Float32} {
		got := ops.Conv2D(ops.Cast(xf, dt), ops.Cast(wf, dt), ops.ConvParams{})
		if got.DType() != dt || !tensor.AllClose(ops.Cast(got, dtype.Float64), want, 0.05, 0.1) {
			t.Errorf("%s conv differs from float64", dt)
		}
	}

	// Mixed dtypes are promoted.
	if y := ops.Conv1D(tensor.Ones(dtype.Float32, 1, 3, 1), tensor.Ones(dtype.Float64, 2, 1, 1), ops.ConvParams{}); y.DType() != dtype.Float64 {
		t.Errorf("promotion gave %s", y.DType())
	}

	// Geometry gives fast kernels the resolved params.
	geo, err := ops.ConvParams{Padding: ops.PadSame, Strides: []int{2}}.Geometry(shape.Shape{1, 6, 5, 3}, shape.Shape{3, 3, 3, 4})
	if err != nil || geo.Pad != [3]int{0, 1, 0} || geo.Out != [3]int{3, 3, 1} || geo.InG != 3 || geo.OutG != 4 {
		t.Errorf("ConvParams.Geometry = %+v, %v", geo, err)
	}
	pg, err := ops.PoolParams{Window: []int{3}, Layout: ops.ChannelsFirst}.Geometry(shape.Shape{2, 4, 7})
	if err != nil || pg.Stride != [3]int{3, 1, 1} || pg.Out != [3]int{2, 1, 1} || pg.X != [5]int{28, 7, 1, 0, 0} {
		t.Errorf("PoolParams.Geometry = %+v, %v", pg, err)
	}
	if _, err := (ops.ConvTransposeParams{}).Geometry(shape.Shape{1, 4, 2}, shape.Shape{3, 1, 3}); err == nil ||
		!strings.Contains(err.Error(), "input has 2 channels but filter expects 3") {
		t.Errorf("ConvTransposeParams.Geometry error = %v", err)
	}

	// Average pooling with dilation averages the dilated taps (PyTorch has no such op).
	xd := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6, 7}, 1, 7, 1)
	got := ops.AvgPool1D(xd, ops.PoolParams{Window: []int{2}, Strides: []int{1}, Dilations: []int{3}}).Float64s()
	if !slices.Equal(got, []float64{2.5, 3.5, 4.5, 5.5}) {
		t.Errorf("dilated avg pool = %v", got)
	}

	// A window that starts in the begin padding only partly: max ignores padding, avg divides
	// by the elements (or by the padded positions with CountIncludePad).
	xp := tensor.FromSlice([]float64{-1, -2, -3}, 1, 3, 1)
	mp := ops.MaxPool1D(xp, ops.PoolParams{Window: []int{2}, Pads: [][2]int{{1, 0}}}).Float64s()
	ap := ops.AvgPool1D(xp, ops.PoolParams{Window: []int{2}, Pads: [][2]int{{1, 0}}}).Float64s()
	ai := ops.AvgPool1D(xp, ops.PoolParams{Window: []int{2}, Pads: [][2]int{{1, 0}}, CountIncludePad: true}).Float64s()
	if !slices.Equal(mp, []float64{-1, -2}) || !slices.Equal(ap, []float64{-1, -2.5}) || !slices.Equal(ai, []float64{-0.5, -2.5}) {
		t.Errorf("padded pooling: max %v, avg %v, avg including pads %v", mp, ap, ai)
	}
}

// TestMNISTConvNet runs the forward and backward pass of the Keras mnist_convnet model (Conv2D
// 3x3 valid relu, MaxPooling2D 2x2, twice; Flatten; Dropout; Dense) on a batch of 8 with the
// reference kernels, checks the shapes, and fails if it takes far longer than it should
// (about 50 ms on one core when this was written).
func TestMNISTConvNet(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	f32 := dtype.Float32
	x := tensor.Random(f32, tensor.Uniform, 1, 8, 28, 28, 1)
	vars := []*tensor.Tensor{
		autodiff.Watch(ops.MulScalar(tensor.Random(f32, tensor.Normal, 2, 3, 3, 1, 32), 0.3)),
		autodiff.Watch(tensor.Zeros(f32, 32)),
		autodiff.Watch(ops.MulScalar(tensor.Random(f32, tensor.Normal, 3, 3, 3, 32, 64), 0.06)),
		autodiff.Watch(tensor.Zeros(f32, 64)),
		autodiff.Watch(ops.MulScalar(tensor.Random(f32, tensor.Normal, 4, 1600, 10), 0.03)),
		autodiff.Watch(tensor.Zeros(f32, 10)),
	}
	keep := ops.Cast(ops.Greater(tensor.Random(f32, tensor.Uniform, 5, 8, 1600), tensor.Scalar(float32(0.5))), f32)
	start := time.Now()
	h := ops.Relu(ops.Add(ops.Conv2D(x, vars[0], ops.ConvParams{Padding: ops.PadValid}), vars[1]))
	h = ops.MaxPool2D(h, ops.PoolParams{Window: []int{2}})
	h = ops.Relu(ops.Add(ops.Conv2D(h, vars[2], ops.ConvParams{}), vars[3]))
	h = ops.MaxPool2D(h, ops.PoolParams{Window: []int{2}})
	if !h.Shape().Equal([]int{8, 5, 5, 64}) {
		t.Fatalf("features have shape %v, want [8 5 5 64]", h.Shape())
	}
	h = ops.MulScalar(ops.Mul(ops.Reshape(h, 8, -1), keep), 2) // Flatten, Dropout(0.5)
	logits := ops.Add(ops.MatMul(h, vars[4]), vars[5])
	loss := ops.Mean(ops.Square(logits))
	grads := autodiff.Grad(loss, vars...)
	elapsed := time.Since(start)
	for i, g := range grads {
		if !g.Shape().Equal(vars[i].Shape()) {
			t.Errorf("gradient %d has shape %v, want %v", i, g.Shape(), vars[i].Shape())
		}
	}
	// Speed is measured by benchmarks and `tide bench`, not asserted here: a loaded machine
	// would make a time limit fail at random.
	t.Logf("forward and backward of batch 8: %v", elapsed)
}

// Benchmarks of the reference kernels on the second convolution of the mnist_convnet model
// (batch 8, 13x13x32 → 11x11x64) and its first max pooling.
func BenchmarkConvReference(b *testing.B) {
	f32 := dtype.Float32
	x := tensor.Random(f32, tensor.Normal, 1, 8, 13, 13, 32)
	w := tensor.Random(f32, tensor.Normal, 2, 3, 3, 32, 64)
	dy := tensor.Random(f32, tensor.Normal, 3, 8, 11, 11, 64)
	h := tensor.Random(f32, tensor.Normal, 4, 8, 26, 26, 32)
	b.Run("conv/mnist2", func(b *testing.B) {
		for range b.N {
			ops.Conv2D(x, w, ops.ConvParams{})
		}
	})
	b.Run("conv_filter_grad/mnist2", func(b *testing.B) {
		for range b.N {
			ops.ConvFilterGrad(x, dy, []int{3, 3}, ops.ConvParams{})
		}
	})
	b.Run("conv_transpose/mnist2", func(b *testing.B) {
		for range b.N {
			ops.ConvTranspose2D(dy, w, ops.ConvTransposeParams{OutputPadding: []int{0}})
		}
	})
	b.Run("max_pool/mnist1", func(b *testing.B) {
		for range b.N {
			ops.MaxPool2D(h, ops.PoolParams{Window: []int{2}})
		}
	})
}
