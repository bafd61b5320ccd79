package ops_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Caller mistakes and edge cases of the indexing, sorting and mask ops; their values are checked
// against PyTorch in index_oracle_test.go.

func TestIndexErrors(t *testing.T) {
	m := tensor.FromRows([][]float32{{1, 2, 3}, {4, 5, 6}})
	i64 := func(v ...int64) *tensor.Tensor { return tensor.FromSlice(v) }
	nonzero, unique := core.Lookup("nonzero"), core.Lookup("unique")
	cases := map[string]func(){
		"gather: indices are float32, want an integer dtype":         func() { ops.Gather(m, tensor.FromSlice([]float32{0}), 0) },
		"gather: data is a scalar, want rank >= 1":                   func() { ops.Gather(tensor.Scalar(1.0), i64(0), 0) },
		"gather: axis 2 out of range for rank 2":                     func() { ops.Gather(m, i64(0), 2) },
		"gather: index 3 out of range for axis 1 of size 3":          func() { ops.Gather(m, i64(0, 3), 1) },
		"gather: index -3 out of range for axis 0 of size 2":         func() { ops.Gather(m, i64(-3), -2) },
		"gather: index 0 out of range for axis 0 of size 0":          func() { ops.Gather(tensor.Zeros(dtype.Int32, 0, 2), i64(0), 0) },
		"take_along_axis: indices have rank 1 (shape [2]), want the": func() { ops.TakeAlongAxis(m, i64(0, 1), 0) },
		"take_along_axis: indices [3 1] are larger than data [2 3] in dimension 0": func() {
			ops.TakeAlongAxis(m, tensor.Zeros(dtype.Int64, 3, 1), 1)
		},
		"take_along_axis: index 2 out of range for axis 0 of size 2": func() { ops.TakeAlongAxis(m, tensor.FromRows([][]int64{{2}}), 0) },
		"gather_nd: index tuples have 3 coordinates (last dimension of indices [1 3]), want 1 to 2 for data [2 3] with batch_dims 0": func() {
			ops.GatherND(m, tensor.Zeros(dtype.Int64, 1, 3), 0)
		},
		"gather_nd: batch_dims 2 out of range for data of rank 2 and indices of rank 2": func() { ops.GatherND(m, tensor.Zeros(dtype.Int64, 2, 1), 2) },
		"gather_nd: batch dimension 0 differs: data [2 3], indices [3 1]":               func() { ops.GatherND(m, tensor.Zeros(dtype.Int64, 3, 1), 1) },
		"gather_nd: indices are a scalar, want rank >= 1":                               func() { ops.GatherND(m, tensor.Scalar(int64(0)), 0) },
		"gather_nd: index tuple 1: index 4 out of range for axis 1 of size 3": func() {
			ops.GatherND(m, tensor.FromRows([][]int64{{0, 0}, {1, 4}}), 0)
		},
		`scatter_elements: unknown reduction "sum" (want none, add, mul, max or min)`: func() {
			ops.ScatterReduce(m, tensor.Zeros(dtype.Int64, 1, 1), tensor.Zeros(dtype.Float32, 1, 1), 0, "sum")
		},
		`scatter_elements: reduction "add" needs a numeric dtype, got bool`: func() {
			ops.ScatterAdd(tensor.Zeros(dtype.Bool, 2), i64(0), tensor.Zeros(dtype.Bool, 1), 0)
		},
		"scatter_elements: updates have shape [2 2], want [1 2]": func() { ops.Scatter(m, tensor.Zeros(dtype.Int64, 1, 2), tensor.Zeros(dtype.Float32, 2, 2), 0) },
		"scatter_elements: updates are float64, data float32: want the same dtype": func() {
			ops.Scatter(m, tensor.Zeros(dtype.Int64, 1, 2), tensor.Zeros(dtype.Float64, 1, 2), 0)
		},
		"scatter_elements: index -4 out of range for axis 1 of size 3": func() { ops.Scatter(m, tensor.FromRows([][]int64{{-4}}), tensor.Zeros(dtype.Float32, 1, 1), 1) },
		"scatter_nd: updates have shape [2], want [2 3]":               func() { ops.ScatterND(m, tensor.Zeros(dtype.Int64, 2, 1), tensor.Zeros(dtype.Float32, 2), "add") },
		"scatter_nd: index tuple 0: index 2 out of range for axis 0 of size 2": func() {
			ops.ScatterND(m, tensor.FromRows([][]int64{{2}}), tensor.Zeros(dtype.Float32, 1, 3), "none")
		},
		"one_hot: depth is 0, want >= 1":                     func() { ops.OneHot(i64(0), 0, dtype.Float32) },
		"one_hot: indices are float32, want an integer":      func() { ops.OneHot(tensor.FromSlice([]float32{0}), 2, dtype.Float32) },
		"one_hot: axis 2 out of range for rank 2":            func() { ops.OneHotWith(i64(0), ops.OneHotParams{Depth: 2, Axis: 2, DType: dtype.Float32}) },
		"one_hot: invalid dtype invalid":                     func() { ops.OneHotWith(i64(0), ops.OneHotParams{Depth: 2}) },
		"sort: input is a scalar, want rank >= 1":            func() { ops.Sort(tensor.Scalar(1.0), 0, false) },
		"sort: axis -3 out of range for rank 2":              func() { ops.Argsort(m, -3, false) },
		"top_k: k = 4 out of range for axis 1 of size 3":     func() { ops.TopK(m, 4) },
		"top_k: k = -1 out of range for axis 0 of size 2":    func() { ops.TopKWith(m, ops.TopKParams{K: -1}) },
		"nonzero: count 7 is impossible for an input of 6":   func() { core.Apply(nonzero, ops.NonZeroParams{Count: 7}, m) },
		"nonzero: input has 6 non-zero elements, the output": func() { core.Apply(nonzero, ops.NonZeroParams{Count: 1}, m) },
		"unique: size -2 is impossible":                      func() { core.Apply(unique, ops.UniqueParams{Size: -2}, m) },
		"unique: size 0 is impossible for an input of 6":     func() { core.Apply(unique, ops.UniqueParams{}, m) },
		"unique: input has 6 distinct values, the output was sized for 2": func() {
			core.Apply(unique, ops.UniqueParams{Size: 2}, m)
		},
		"range: delta must be non-zero":                                 func() { ops.Range(dtype.Float32, 0, 1, 0) },
		"range: start 0.5 and delta 1 must be integers for int32":       func() { ops.Range(dtype.Int32, 0.5, 3, 1) },
		"range: dtype bool is not numeric":                              func() { ops.Range(dtype.Bool, 0, 1, 1) },
		"range: start 0, limit +Inf and delta 1 must be finite":         func() { ops.Range(dtype.Float64, 0, math.Inf(1), 1) },
		"range: the range from 0 to 1e+300 by 1 has 1e+300 elements":    func() { ops.Range(dtype.Float64, 0, 1e300, 1) },
		"tril: input has shape [3], want rank >= 2":                     func() { ops.Tril(tensor.Zeros(dtype.Float32, 3), 0) },
		"triu: input has shape [], want rank >= 2":                      func() { ops.Triu(tensor.Scalar(1.0), 0) },
		"depth_to_space: input has shape [2 3], want rank 4 (NHWC)":     func() { ops.DepthToSpace(m, 2) },
		"depth_to_space: block size is 0, want >= 1":                    func() { ops.DepthToSpace(tensor.Zeros(dtype.Float32, 1, 1, 1, 4), 0) },
		"depth_to_space: 3 channels of [1 1 1 3] are not a multiple of": func() { ops.DepthToSpace(tensor.Zeros(dtype.Float32, 1, 1, 1, 3), 2) },
		`depth_to_space: unknown mode "DRC" (want DCR or CRD)`: func() {
			ops.DepthToSpaceWith(tensor.Zeros(dtype.Float32, 1, 1, 1, 4), ops.DepthSpaceParams{BlockSize: 2, Mode: "DRC"})
		},
		`space_to_depth: unknown layout "NCWH" (want NHWC or NCHW)`: func() {
			ops.SpaceToDepthWith(tensor.Zeros(dtype.Float32, 1, 2, 2, 1), ops.DepthSpaceParams{BlockSize: 2, Layout: "NCWH"})
		},
		"space_to_depth: height 3 and width 2 of [1 1 3 2] must be multiples of the block size 2": func() {
			ops.SpaceToDepthWith(tensor.Zeros(dtype.Float32, 1, 1, 3, 2), ops.DepthSpaceParams{BlockSize: 2, Layout: "NCHW"})
		},
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
			continue
		}
		if !strings.Contains(err.Error(), "index_test.go:") {
			t.Errorf("error does not name the caller's line: %v", err)
		}
	}
}

// TestIndexAllDTypes runs the movement and sorting ops on every dtype they declare and checks
// that exact bits are kept (float16 and bfloat16 included).
func TestIndexAllDTypes(t *testing.T) {
	src := []float64{3, -1, 2, 0, 1, 2}
	for _, dt := range dtype.All {
		x := tensor.New(dt, shape.Shape{2, 3})
		tensor.Convert(x, tensor.FromSlice(src, 2, 3))
		want := tensor.New(dt, shape.Shape{2, 3})
		g := ops.Gather(x, tensor.FromSlice([]int32{1, 0}), 0)
		tensor.Convert(want, tensor.FromSlice([]float64{0, 1, 2, 3, -1, 2}, 2, 3))
		if !tensor.Equal(g, want) {
			t.Errorf("%s: gather = %v, want %v", dt, g, want)
		}
		row0 := ops.Gather(x, tensor.FromSlice([]int64{0}), 0)
		s := ops.Scatter(x, tensor.FromRows([][]int64{{1, 1, 1}}), row0, 0) // row 1 := row 0
		if !tensor.Equal(ops.Gather(s, tensor.FromSlice([]int64{1}), 0), row0) {
			t.Errorf("%s: scatter = %v, want row 1 equal to row 0 of %v", dt, s, x)
		}
		v, i := ops.SortWithIndices(x, 1, false)
		if v.DType() != dt || i.DType() != dtype.Int64 || !v.Shape().Equal(x.Shape()) {
			t.Errorf("%s: sort gives %s%v and %s", dt, v.DType(), v.Shape(), i.DType())
		}
		if back := ops.TakeAlongAxis(x, i, 1); !tensor.Equal(back, v) {
			t.Errorf("%s: take_along_axis(x, argsort) = %v, sort = %v", dt, back, v)
		}
		u := ops.Unique(x)
		if u.DType() != dt || u.Rank() != 1 {
			t.Errorf("%s: unique gives %s%v", dt, u.DType(), u.Shape())
		}
	}
}

func TestSortStableAndTies(t *testing.T) {
	x := tensor.FromSlice([]int32{2, 1, 2, 0, 1, 2, 0})
	if got := ops.Argsort(x, 0, false).Int64s(); !slices.Equal(got, []int64{3, 6, 1, 4, 0, 2, 5}) {
		t.Errorf("ascending argsort = %v, not stable", got)
	}
	if got := ops.Argsort(x, 0, true).Int64s(); !slices.Equal(got, []int64{0, 2, 5, 1, 4, 3, 6}) {
		t.Errorf("descending argsort = %v, not stable", got)
	}
	// Top-k ties go to the lower index, whether largest or smallest.
	_, i := ops.TopK(x, 2)
	if got := i.Int64s(); !slices.Equal(got, []int64{0, 2}) {
		t.Errorf("top 2 positions = %v, want [0 2]", got)
	}
	_, i = ops.TopKWith(x, ops.TopKParams{K: 3, Smallest: true})
	if got := i.Int64s(); !slices.Equal(got, []int64{3, 6, 1}) {
		t.Errorf("smallest 3 positions = %v, want [3 6 1]", got)
	}
	// Unsorted: the selected values in position order.
	v, i := ops.TopKWith(tensor.FromSlice([]float64{1, 9, 3, 7, 5}), ops.TopKParams{K: 3, Unsorted: true})
	if !slices.Equal(i.Int64s(), []int64{1, 3, 4}) || !slices.Equal(v.Float64s(), []float64{9, 7, 5}) {
		t.Errorf("unsorted top 3 = %v at %v, want [9 7 5] at [1 3 4]", v, i)
	}
	// -0 and +0 are equal: order kept.
	z := tensor.FromSlice([]float64{0, math.Copysign(0, -1), 0})
	if got := ops.Argsort(z, 0, false).Int64s(); !slices.Equal(got, []int64{0, 1, 2}) {
		t.Errorf("argsort of zeros of both signs = %v", got)
	}
}

func TestIndexEdgeCases(t *testing.T) {
	// Integer scatter reductions wrap, as integer arithmetic does everywhere in Tide.
	w := ops.ScatterAdd(tensor.FromSlice([]int8{127, 0}), tensor.FromSlice([]int64{0, 0}), tensor.FromSlice([]int8{1, 1}), 0)
	if got := w.Int64s(); !slices.Equal(got, []int64{-127, 0}) {
		t.Errorf("int8 127+1+1 = %v, want wrap-around to -127", got)
	}
	// Scatter with reduction none and a repeated index: the last update wins.
	s := ops.Scatter(tensor.Zeros(dtype.Float32, 3), tensor.FromSlice([]int64{1, 1, -2}), tensor.FromSlice([]float32{5, 6, 7}), 0)
	if got := s.Float64s(); !slices.Equal(got, []float64{0, 7, 0}) {
		t.Errorf("scatter with repeats = %v, want [0 7 0]", got)
	}
	// Data is never modified.
	d := tensor.FromSlice([]float64{1, 2})
	ops.ScatterReduce(d, tensor.FromSlice([]int64{0}), tensor.FromSlice([]float64{9}), 0, "mul")
	if d.At(0) != 1 {
		t.Error("scatter modified its input")
	}
	// One-hot: negative indices count from the end, out-of-range ones give a row of off values.
	oh := ops.OneHotWith(tensor.FromSlice([]int32{-1, 3, -4}), ops.OneHotParams{Depth: 3, Axis: 0, OnValue: 2, OffValue: -1, DType: dtype.Int8})
	if got := oh.Int64s(); !oh.Shape().Equal([]int{3, 3}) || !slices.Equal(got, []int64{-1, -1, -1, -1, -1, -1, 2, -1, -1}) {
		t.Errorf("one_hot = %v%v", oh.Shape(), got)
	}
	// Size-1 and empty cases.
	if g := ops.Gather(tensor.FromSlice([]float32{4}), tensor.Zeros(dtype.Int64, 0, 2), 0); !g.Shape().Equal([]int{0, 2}) {
		t.Errorf("gather with empty indices has shape %v", g.Shape())
	}
	if nz := ops.NonZero(tensor.Scalar(float32(3))); !nz.Shape().Equal([]int{0, 1}) {
		t.Errorf("nonzero of a non-zero scalar has shape %v, want [0 1]", nz.Shape())
	}
	if v, _ := ops.TopK(tensor.Zeros(dtype.Float32, 2, 0), 0); !v.Shape().Equal([]int{2, 0}) {
		t.Errorf("top 0 of an empty axis has shape %v", v.Shape())
	}
	if u, inv, c := ops.UniqueAll(tensor.Zeros(dtype.Int32, 2, 0)); u.Size() != 0 || !inv.Shape().Equal([]int{2, 0}) || c.Size() != 0 {
		t.Errorf("unique of an empty tensor: %v %v %v", u.Shape(), inv.Shape(), c.Shape())
	}
	// -0 and +0 are one value, kept as the first seen.
	u := ops.Unique(tensor.FromSlice([]float64{math.Copysign(0, -1), 1, 0}))
	if u.Size() != 2 || !math.Signbit(u.At(0)) {
		t.Errorf("unique of -0, 1, +0 = %v, want [-0 1]", u)
	}
	// Space-to-depth inverts depth-to-space for every mode and layout.
	x := tensor.Arange(dtype.Float32, 0, 2*3*2*8, 1).Reshape(2, 3, 2, 8)
	for _, mode := range []string{"DCR", "CRD"} {
		for _, layout := range []string{"NHWC", "NCHW"} {
			p := ops.DepthSpaceParams{BlockSize: 2, Mode: mode, Layout: layout}
			in := x
			if layout == "NCHW" {
				in = tensor.Arange(dtype.Float32, 0, 2*8*3*2, 1).Reshape(2, 8, 3, 2)
			}
			if back := ops.SpaceToDepthWith(ops.DepthToSpaceWith(in, p), p); !tensor.Equal(back, in) {
				t.Errorf("%s %s: space_to_depth(depth_to_space(x)) != x", mode, layout)
			}
		}
	}
}

// ixTracer is a stand-in graph tracer: it records op names and returns symbolic outputs.
type ixTracer struct{ recorded []string }

type ixSymbol struct{ tr *ixTracer }

func (s ixSymbol) Tracer() core.Tracer { return s.tr }

func (tr *ixTracer) Record(op *core.Op, _ any, _ []*tensor.Tensor, out []core.Spec) []*tensor.Tensor {
	tr.recorded = append(tr.recorded, op.Name())
	res := make([]*tensor.Tensor, len(out))
	for i, s := range out {
		res[i] = tensor.NewSymbolic(s.DType, s.Shape, ixSymbol{tr})
	}
	return res
}

// TestDataDependentShapesTrace checks that nonzero and unique on a symbolic input are recorded
// with an unknown dimension, and that the other ops infer exact shapes while traced.
func TestDataDependentShapesTrace(t *testing.T) {
	tr := &ixTracer{}
	x := tensor.NewSymbolic(dtype.Float32, shape.Shape{shape.Unknown, 5}, ixSymbol{tr})
	nz := ops.NonZero(x)
	v, inv, c := ops.UniqueAll(x)
	if nz.Shape().String() != "[2 ?]" || v.Shape().String() != "[?]" || inv.Shape().String() != "[? 5]" || c.Shape().String() != "[?]" {
		t.Errorf("traced shapes: nonzero %v, unique %v %v %v", nz.Shape(), v.Shape(), inv.Shape(), c.Shape())
	}
	s, i := ops.TopK(x, 2)
	g := ops.Gather(x, tensor.FromSlice([]int64{0, 4, 1}), 1)
	if s.Shape().String() != "[? 2]" || i.DType() != dtype.Int64 || g.Shape().String() != "[? 3]" {
		t.Errorf("traced shapes: top_k %v, gather %v", s.Shape(), g.Shape())
	}
	if !slices.Equal(tr.recorded, []string{"nonzero", "unique", "top_k", "gather"}) {
		t.Errorf("recorded %v", tr.recorded)
	}
}

// TestIndexGradientsTrace applies the gradient rules to symbolic tensors, as a traced backward
// pass does: they must record ops (no data is read) and give symbolic gradients of the inputs'
// shapes.
func TestIndexGradientsTrace(t *testing.T) {
	tr := &ixTracer{}
	sym := func(dt dtype.DType, dims ...int) *tensor.Tensor { return tensor.NewSymbolic(dt, dims, ixSymbol{tr}) }
	data := sym(dtype.Float32, 4, 3)
	cases := []struct {
		op     string
		params any
		in     []*tensor.Tensor
	}{
		{"gather", ops.GatherParams{Axis: 0}, []*tensor.Tensor{data, sym(dtype.Int64, 5)}},
		{"take_along_axis", ops.GatherParams{Axis: 1}, []*tensor.Tensor{data, sym(dtype.Int64, 4, 2)}},
		{"gather_nd", ops.GatherNDParams{}, []*tensor.Tensor{data, sym(dtype.Int64, 2, 2)}},
		{"scatter_elements", ops.ScatterParams{Reduction: "max"}, []*tensor.Tensor{data, sym(dtype.Int64, 2, 3), sym(dtype.Float32, 2, 3)}},
		{"scatter_nd", ops.ScatterNDParams{Reduction: "none"}, []*tensor.Tensor{data, sym(dtype.Int64, 2, 1), sym(dtype.Float32, 2, 3)}},
		{"sort", ops.SortParams{Axis: -1}, []*tensor.Tensor{data}},
		{"top_k", ops.TopKParams{K: 2, Axis: -1}, []*tensor.Tensor{data}},
	}
	for _, c := range cases {
		op := core.Lookup(c.op)
		err := core.Catch(func() {
			out := core.Apply(op, c.params, c.in...)
			gout := make([]*tensor.Tensor, len(out))
			for i, o := range out {
				gout[i] = sym(o.DType(), o.Shape()...)
			}
			for i, g := range op.Grad(c.params, c.in, out, gout) {
				if c.in[i].DType().IsFloat() && (g == nil || !g.IsSymbolic() || !g.Shape().Equal(c.in[i].Shape())) {
					t.Errorf("%s: traced gradient of input %d is %v, want a symbolic %v", c.op, i, g, c.in[i].Shape())
				}
			}
		})
		if err != nil {
			t.Errorf("%s: traced gradient: %v", c.op, err)
		}
	}
}
