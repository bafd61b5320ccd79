package cpu_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/tensor"
)

// The fast convolution and pooling kernels are compared with the reference kernels over the
// variety of the PyTorch oracle tests of package ops: 1D/2D/3D, both layouts, odd sizes, strides
// 2 and 3, dilation 2, groups, depthwise (with multipliers), pointwise, asymmetric, "same" and
// oversized padding, several tiles per image, and empty batches and channels.

type cvCase struct {
	name string
	x, w []int
	p    ops.ConvParams
}

var (
	cvFirst = ops.ChannelsFirst
	cvCases = []cvCase{
		{"1x1x1", []int{1, 1, 1}, []int{1, 1, 1}, ops.ConvParams{}},
		{"2d/nhwc/same", []int{2, 7, 9, 5}, []int{3, 3, 5, 6}, ops.ConvParams{Padding: ops.PadSame}},
		{"2d/nchw/same", []int{2, 5, 7, 9}, []int{6, 5, 3, 3}, ops.ConvParams{Padding: ops.PadSame, Layout: cvFirst}},
		{"1d/nwc/stride2", []int{3, 31, 4}, []int{5, 4, 7}, ops.ConvParams{Strides: []int{2}, Pads: [][2]int{{2, 1}}}},
		{"1d/ncw/stride3/dil2", []int{2, 3, 29}, []int{4, 3, 3}, ops.ConvParams{Strides: []int{3}, Dilations: []int{2}, Layout: cvFirst}},
		{"1d/nwc/valid/dil2", []int{2, 9, 3}, []int{3, 3, 4}, ops.ConvParams{Dilations: []int{2}, Padding: ops.PadValid}},
		{"3d/ndhwc/stride", []int{1, 5, 6, 7, 3}, []int{2, 3, 2, 3, 4}, ops.ConvParams{Strides: []int{2, 1, 2}, Pads: [][2]int{{1, 0}, {1, 1}, {0, 1}}}},
		{"3d/ncdhw/same/dil", []int{2, 3, 5, 6, 7}, []int{4, 3, 3, 2, 2}, ops.ConvParams{Dilations: []int{2, 1, 1}, Padding: ops.PadSame, Layout: cvFirst}},
		{"2d/nhwc/groups2", []int{2, 9, 7, 4}, []int{3, 3, 2, 6}, ops.ConvParams{Groups: 2, Strides: []int{2}, Dilations: []int{1, 2}, Pads: [][2]int{{1, 2}, {0, 1}}}},
		{"2d/nchw/groups2", []int{1, 4, 9, 9}, []int{6, 2, 3, 3}, ops.ConvParams{Groups: 2, Padding: ops.PadSameLower, Strides: []int{2}, Layout: cvFirst}},
		{"2d/nhwc/groups3/stride1", []int{2, 6, 7, 6}, []int{3, 2, 2, 9}, ops.ConvParams{Groups: 3, Padding: ops.PadSame}},
		{"2d/nhwc/depthwise", []int{2, 9, 8, 5}, []int{3, 3, 1, 5}, ops.ConvParams{Groups: 5, Padding: ops.PadSame}},
		{"2d/nhwc/depthwise/m3/stride2", []int{2, 9, 8, 4}, []int{3, 3, 1, 12}, ops.ConvParams{Groups: 4, Strides: []int{2}, Pads: [][2]int{{1, 1}, {1, 0}}}},
		{"2d/nchw/depthwise/dil2", []int{2, 4, 9, 9}, []int{4, 1, 3, 3}, ops.ConvParams{Groups: 4, Dilations: []int{2}, Padding: ops.PadSame, Layout: cvFirst}},
		{"2d/nchw/depthwise/m2/stride2", []int{1, 3, 10, 11}, []int{6, 1, 3, 3}, ops.ConvParams{Groups: 3, Strides: []int{2}, Pads: [][2]int{{1, 1}, {1, 1}}, Layout: cvFirst}},
		{"1d/nwc/depthwise/stride3", []int{2, 17, 6}, []int{4, 1, 6}, ops.ConvParams{Groups: 6, Strides: []int{3}}},
		{"3d/ndhwc/depthwise", []int{1, 4, 5, 6, 3}, []int{2, 2, 2, 1, 3}, ops.ConvParams{Groups: 3, Pads: [][2]int{{1, 0}, {0, 1}, {1, 1}}}},
		{"2d/nhwc/pointwise", []int{3, 5, 7, 8}, []int{1, 1, 8, 16}, ops.ConvParams{}},
		{"2d/nchw/pointwise", []int{3, 8, 5, 7}, []int{16, 8, 1, 1}, ops.ConvParams{Layout: cvFirst}},
		{"2d/nhwc/pointwise/groups2", []int{2, 4, 4, 6}, []int{1, 1, 3, 4}, ops.ConvParams{Groups: 2}},
		{"2d/nchw/pointwise/groups2", []int{2, 6, 4, 3}, []int{4, 3, 1, 1}, ops.ConvParams{Groups: 2, Layout: cvFirst}},
		{"2d/nhwc/1x1/stride2", []int{2, 7, 7, 3}, []int{1, 1, 3, 5}, ops.ConvParams{Strides: []int{2}}},
		{"2d/nhwc/pad>kernel", []int{1, 6, 5, 3}, []int{2, 2, 3, 4}, ops.ConvParams{Pads: [][2]int{{3, 3}, {4, 2}}}},
		{"2d/nchw/pad>kernel/stride2", []int{2, 3, 6, 5}, []int{4, 3, 2, 2}, ops.ConvParams{Strides: []int{2}, Pads: [][2]int{{3, 1}, {2, 4}}, Layout: cvFirst}},
		{"2d/nhwc/tiles", []int{1, 37, 41, 64}, []int{3, 3, 64, 8}, ops.ConvParams{Padding: ops.PadSame}},
		{"2d/nchw/tiles", []int{1, 64, 37, 41}, []int{8, 64, 3, 3}, ops.ConvParams{Padding: ops.PadSame, Layout: cvFirst}},
		{"2d/nhwc/tiles/stride2", []int{2, 75, 81, 64}, []int{3, 3, 64, 4}, ops.ConvParams{Strides: []int{2}, Padding: ops.PadSame}},
		{"2d/nchw/tiles/stride2", []int{1, 64, 75, 81}, []int{4, 64, 3, 3}, ops.ConvParams{Strides: []int{2}, Padding: ops.PadSame, Layout: cvFirst}},
		{"2d/nhwc/rows/28", []int{2, 6, 28, 5}, []int{3, 3, 5, 7}, ops.ConvParams{Padding: ops.PadSame}},
		{"2d/nhwc/rows/dil2/stride2", []int{1, 13, 56, 4}, []int{3, 2, 4, 33}, ops.ConvParams{Strides: []int{2, 2}, Dilations: []int{2, 1}, Pads: [][2]int{{2, 1}, {1, 0}}}},
		{"2d/nhwc/rows/groups2/dil", []int{2, 7, 28, 6}, []int{2, 3, 3, 4}, ops.ConvParams{Groups: 2, Dilations: []int{1, 2}, Padding: ops.PadSame}},
		{"2d/nhwc/rows/stride3", []int{1, 10, 83, 3}, []int{3, 3, 3, 5}, ops.ConvParams{Strides: []int{3}, Pads: [][2]int{{1, 1}, {2, 0}}}},
		{"1d/nwc/rows", []int{3, 28, 8}, []int{5, 8, 6}, ops.ConvParams{Padding: ops.PadSame}},
		{"3d/ndhwc/rows", []int{1, 4, 5, 14, 3}, []int{3, 2, 3, 3, 4}, ops.ConvParams{Strides: []int{2, 1, 1}, Padding: ops.PadSame}},
		{"3d/ndhwc/rows/stride2", []int{1, 5, 6, 28, 2}, []int{2, 3, 2, 2, 3}, ops.ConvParams{Strides: []int{1, 2, 2}, Dilations: []int{2, 1, 1}, Pads: [][2]int{{1, 1}, {1, 1}, {0, 0}}}},
		{"2d/nhwc/rows/pad>kernel", []int{2, 4, 28, 3}, []int{2, 2, 3, 4}, ops.ConvParams{Pads: [][2]int{{3, 3}, {1, 0}}}},
		{"3d/ndhwc/rows/pad>kernel", []int{1, 2, 3, 28, 2}, []int{2, 2, 3, 2, 3}, ops.ConvParams{Pads: [][2]int{{2, 2}, {0, 3}, {1, 1}}}},
		{"2d/nhwc/rows/deep", []int{1, 9, 14, 130}, []int{3, 3, 130, 40}, ops.ConvParams{Padding: ops.PadSame}},
		{"2d/nhwc/batch0", []int{0, 5, 5, 3}, []int{3, 3, 3, 4}, ops.ConvParams{Padding: ops.PadSame}},
		{"2d/nchw/batch0", []int{0, 3, 5, 5}, []int{4, 3, 3, 3}, ops.ConvParams{Layout: cvFirst}},
		{"2d/nhwc/cin0", []int{1, 5, 5, 0}, []int{3, 3, 0, 2}, ops.ConvParams{}},
		{"2d/nhwc/cout0", []int{1, 5, 5, 2}, []int{3, 3, 2, 0}, ops.ConvParams{}},
	}
)

// cvKernelsOf returns the fast ("cpu") and the reference kernel of op for dt.
func cvKernelsOf(t *testing.T, op *core.Op, dt dtype.DType) (fast, ref core.Kernel) {
	t.Helper()
	for _, k := range op.Kernels(dt) {
		switch k.Name {
		case "cpu":
			fast = k.Run
		case "ref":
			ref = k.Run
		}
	}
	if fast == nil || ref == nil || op.Kernels(dt)[0].Name != "cpu" {
		t.Fatalf("%s/%s: want a cpu kernel above the ref kernel, have %v", op.Name(), dt, op.Kernels(dt))
	}
	return fast, ref
}

// cvCompare runs op's fast and reference kernels on in and checks that the results agree
// within tol relative to max(1, |ref|) (0: exactly, NaNs and signs of zero included) and that
// the inputs are unchanged. The fast kernel runs on each of the convolution paths listed (the
// reference once), or once as configured when paths is nil.
func cvCompare(t *testing.T, name string, op *core.Op, params any, tol float64, paths []int, in ...*tensor.Tensor) {
	t.Helper()
	fast, ref := cvKernelsOf(t, op, in[0].DType())
	specs := make([]core.Spec, len(in))
	saved := make([]*tensor.Tensor, len(in))
	for i, x := range in {
		specs[i], saved[i] = core.SpecOf(x), x.Clone()
	}
	out, err := op.Infer(params, specs)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want, err := core.RunKernel(op, ref, params, in, out)
	if err != nil {
		t.Fatalf("%s: ref: %v", name, err)
	}
	check := func(name string) {
		t.Helper()
		got, err := core.RunKernel(op, fast, params, in, out)
		if err != nil {
			t.Fatalf("%s: cpu: %v", name, err)
		}
		for i, x := range in {
			if !cvSameBits(x, saved[i]) {
				t.Errorf("%s: input %d changed", name, i)
			}
		}
		if bad := cvMismatches(got[0], want[0], tol); bad != "" {
			t.Errorf("%s: %s", name, bad)
		}
	}
	if paths == nil {
		check(name)
		return
	}
	for _, p := range paths {
		cvWithPath(p, func() { check(cvPaths[p].name + "/" + name) })
	}
}

// cvMismatches describes how got differs from want beyond tol (see cvCompare), or is "".
func cvMismatches(got, want *tensor.Tensor, tol float64) string {
	g, w := got.Float64s(), want.Float64s()
	bad, cvFirst := 0, ""
	for i := range w {
		ok := g[i] == w[i] || math.IsNaN(g[i]) && math.IsNaN(w[i])
		if tol == 0 {
			ok = ok && math.Signbit(g[i]) == math.Signbit(w[i])
		} else if !ok {
			ok = math.Abs(g[i]-w[i]) <= tol*max(1, math.Abs(w[i]))
		}
		if !ok {
			if bad++; bad == 1 {
				cvFirst = fmt.Sprintf("element %d of %v: got %v, want %v (tolerance %g)", i, got.Shape(), g[i], w[i], tol)
			}
		}
	}
	if bad == 0 {
		return ""
	}
	return fmt.Sprintf("%s; %d of %d elements differ", cvFirst, bad, len(w))
}

// cvSameBits reports whether a and b hold the same bits.
func cvSameBits(a, b *tensor.Tensor) bool {
	switch av := a.Raw().(type) {
	case []float32:
		bv := b.Raw().([]float32)
		for i := range av {
			if math.Float32bits(av[i]) != math.Float32bits(bv[i]) {
				return false
			}
		}
	case []float64:
		bv := b.Raw().([]float64)
		for i := range av {
			if math.Float64bits(av[i]) != math.Float64bits(bv[i]) {
				return false
			}
		}
	}
	return true
}

// cvTol is the float tolerance for results that fold terms rounding steps.
func cvTol(dt dtype.DType, terms int) float64 {
	if dt == dtype.Float64 {
		return 1e-13 * float64(max(terms, 1))
	}
	return 4 * 0x1p-23 * float64(max(terms, 1))
}

// cvSpatial returns the spatial part of a data or filter shape in a layout.
func cvSpatial(s []int, l ops.Layout, filter bool) []int {
	r := len(s) - 2
	if l == ops.ChannelsFirst {
		return s[2:]
	}
	if filter {
		return s[:r]
	}
	return s[1 : r+1]
}

// cvTransposeParams returns the conv_transpose params that compute the input gradient of the
// convolution c: the same geometry with explicit pads and the output padding that recovers x's
// size.
func cvTransposeParams(c cvCase) ops.ConvTransposeParams {
	xs, ks := cvSpatial(c.x, c.p.Layout, false), cvSpatial(c.w, c.p.Layout, true)
	r := len(xs)
	expand := func(v []int, def int) []int {
		out := make([]int, r)
		for i := range out {
			out[i] = def
			if len(v) > 0 {
				out[i] = v[min(i, len(v)-1)]
			}
		}
		return out
	}
	s, d := expand(c.p.Strides, 1), expand(c.p.Dilations, 1)
	pads := make([][2]int, r)
	switch c.p.Padding {
	case ops.PadExplicit:
		copy(pads, c.p.Pads)
	case ops.PadSame, ops.PadSameLower:
		pads = ops.SamePads(xs, ks, s, d)
		if c.p.Padding == ops.PadSameLower {
			for i, p := range pads {
				pads[i] = [2]int{p[1], p[0]}
			}
		}
	}
	op := make([]int, r)
	for i := range op {
		op[i] = (xs[i] + pads[i][0] + pads[i][1] - (ks[i]-1)*d[i] - 1) % s[i]
	}
	return ops.ConvTransposeParams{Rank: r, Strides: s, Dilations: d, Pads: pads, OutputPadding: op,
		Groups: c.p.Groups, Layout: c.p.Layout}
}

// cvPaths are the ways the channels-last convolutions run: the row path, the pixel-panel path
// (both on the micro-kernels directly, where the CPU has them) and the portable path (im2col
// tiles and the GEMM).
var cvPaths = []struct {
	name        string
	direct, row bool
}{{"rows", true, true}, {"pixels", true, false}, {"im2col", false, false}}

// cvWithPath runs f with the convolutions on path p.
func cvWithPath(p int, f func()) {
	d, r := cpu.SetDirectConv(cvPaths[p].direct), cpu.SetRowPath(cvPaths[p].row)
	defer cpu.SetDirectConv(d)
	defer cpu.SetRowPath(r)
	f()
}

// cvAllPaths lists every convolution path.
var cvAllPaths = []int{0, 1, 2}

func TestConvMatchesReference(t *testing.T) {
	// Split even small cases over threads, so that the parallel paths are checked too.
	defer cpu.SetMinParFlops(cpu.SetMinParFlops(1000))
	conv, convT, convFG := core.Lookup("conv"), core.Lookup("conv_transpose"), core.Lookup("conv_filter_grad")
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for i, c := range cvCases {
			name := fmt.Sprintf("%s/%s", dt, c.name)
			x := tensor.Random(dt, tensor.Normal, uint64(3*i+1), c.x...)
			w := tensor.Random(dt, tensor.Normal, uint64(3*i+2), c.w...)
			y, err := conv.Infer(c.p, []core.Spec{core.SpecOf(x), core.SpecOf(w)})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			dy := tensor.Random(dt, tensor.Normal, uint64(3*i+3), y[0].Shape...)
			ks := cvSpatial(c.w, c.p.Layout, true)
			taps := 1
			for _, k := range ks {
				taps *= k
			}
			cout, inG := c.w[len(c.w)-1], c.w[len(c.w)-2]
			if c.p.Layout == ops.ChannelsFirst {
				cout, inG = c.w[0], c.w[1]
			}
			outG := cout / max(c.p.Groups, 1)
			pixels := y[0].Shape.Size() / max(cout, 1)
			cvCompare(t, name+"/conv", conv, c.p, cvTol(dt, inG*taps), cvAllPaths, x, w)
			cvCompare(t, name+"/conv_transpose", convT, cvTransposeParams(c), cvTol(dt, outG*taps), cvAllPaths, dy, w)
			cvCompare(t, name+"/conv_filter_grad", convFG, ops.ConvFilterGradParams{Conv: c.p, KernelSize: ks},
				cvTol(dt, pixels), cvAllPaths, x, dy)
		}
	}
}

// TestConvTransposeMatchesReference covers transposed convolutions as layers use them: "same"
// padding (output = input·stride) and output padding.
func TestConvTransposeMatchesReference(t *testing.T) {
	convT := core.Lookup("conv_transpose")
	cases := []struct {
		name string
		x, w []int
		p    ops.ConvTransposeParams
	}{
		{"2d/nhwc/same/stride2", []int{2, 5, 6, 8}, []int{3, 3, 4, 8}, ops.ConvTransposeParams{Strides: []int{2}, Padding: ops.PadSame}},
		{"2d/nchw/same/stride3", []int{1, 6, 4, 5}, []int{6, 2, 2, 3}, ops.ConvTransposeParams{Strides: []int{3}, Padding: ops.PadSame, Layout: cvFirst, Groups: 3}},
		{"1d/nwc/outpad", []int{2, 7, 3}, []int{4, 5, 3}, ops.ConvTransposeParams{Strides: []int{3}, OutputPadding: []int{2}, Dilations: []int{2}}},
		{"2d/nhwc/depthwise/stride1", []int{2, 6, 6, 4}, []int{3, 3, 1, 4}, ops.ConvTransposeParams{Groups: 4, Pads: [][2]int{{1, 1}, {0, 2}}}},
	}
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for i, c := range cases {
			x := tensor.Random(dt, tensor.Normal, uint64(2*i+1), c.x...)
			w := tensor.Random(dt, tensor.Normal, uint64(2*i+2), c.w...)
			cvCompare(t, fmt.Sprintf("%s/%s", dt, c.name), convT, c.p, cvTol(dt, 100), cvAllPaths, x, w)
		}
	}
}

// TestConvConformance runs the op conformance suite on the fast kernels of the family.
func TestConvConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{
		Ops:     "^(conv|conv_transpose|conv_filter_grad|max_pool|max_pool_grad|max_pool_gather|avg_pool|avg_pool_grad)$",
		Kernels: "^cpu$",
	})
}

// TestConvNonFinite checks that Inf and NaN give the reference's results where windows reach
// into the padding: padding is left out of the sums, not multiplied as zeros (0·Inf is NaN).
func TestConvNonFinite(t *testing.T) {
	conv, convT, convFG := core.Lookup("conv"), core.Lookup("conv_transpose"), core.Lookup("conv_filter_grad")
	p := ops.ConvParams{Padding: ops.PadSame}
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		x := tensor.Random(dt, tensor.Normal, 1, 2, 5, 28, 3)
		w := tensor.Random(dt, tensor.Normal, 2, 3, 3, 3, 4)
		dy := tensor.Random(dt, tensor.Normal, 3, 2, 5, 28, 4)
		w.Set(math.Inf(1), 0, 0, 1, 2)
		dy.Set(math.Inf(-1), 0, 0, 27, 1)
		dy.Set(math.NaN(), 1, 4, 0, 3)
		name := dt.String()
		cvCompare(t, name+"/conv", conv, p, cvTol(dt, 27), cvAllPaths, x, w)
		cvCompare(t, name+"/conv_transpose", convT, ops.ConvTransposeParams{Pads: [][2]int{{1, 1}, {1, 1}}}, cvTol(dt, 36), cvAllPaths, dy, w)
		cvCompare(t, name+"/conv_filter_grad", convFG, ops.ConvFilterGradParams{Conv: p, KernelSize: []int{3, 3}}, cvTol(dt, 280), cvAllPaths, x, dy)
	}
}
