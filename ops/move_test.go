package ops_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Tests of the movement ops (move.go, move_pad.go): exact bits for every dtype, caller mistakes,
// and edge cases. Values against NumPy and PyTorch are in rlm_oracle_test.go.

// mvBits returns the bit patterns of t's elements, so that NaN payloads and -0 are compared too.
func mvBits(t *tensor.Tensor) []uint64 {
	var out []uint64
	switch d := t.Raw().(type) {
	case []bool:
		for _, v := range d {
			out = append(out, map[bool]uint64{false: 0, true: 1}[v])
		}
	case []uint8:
		for _, v := range d {
			out = append(out, uint64(v))
		}
	case []int8:
		for _, v := range d {
			out = append(out, uint64(v))
		}
	case []int32:
		for _, v := range d {
			out = append(out, uint64(v))
		}
	case []int64:
		for _, v := range d {
			out = append(out, uint64(v))
		}
	case []dtype.F16:
		for _, v := range d {
			out = append(out, uint64(v.Bits()))
		}
	case []dtype.BF16:
		for _, v := range d {
			out = append(out, uint64(v.Bits()))
		}
	case []float32:
		for _, v := range d {
			out = append(out, uint64(math.Float32bits(v)))
		}
	case []float64:
		for _, v := range d {
			out = append(out, math.Float64bits(v))
		}
	}
	return out
}

// mvRandomBits returns a tensor of dtype dt whose elements have random bit patterns: NaNs with
// payloads, infinities, -0 and subnormals all turn up, and the first elements are forced to
// some of them.
func mvRandomBits(r *rand.Rand, dt dtype.DType, dims ...int) *tensor.Tensor {
	n := mvShapeSize(dims)
	u := make([]uint64, n)
	for i := range u {
		u[i] = r.Uint64()
	}
	special := []uint64{0x7ff0000000000123, 0x8000000000000000, 0xfff8000000000001}
	switch dt {
	case dtype.Bool:
		return tensor.FromSlice(mvConv(u, func(v uint64) bool { return v&1 == 1 }), dims...)
	case dtype.Uint8:
		return tensor.FromSlice(mvConv(u, func(v uint64) uint8 { return uint8(v) }), dims...)
	case dtype.Int8:
		return tensor.FromSlice(mvConv(u, func(v uint64) int8 { return int8(v) }), dims...)
	case dtype.Int32:
		return tensor.FromSlice(mvConv(u, func(v uint64) int32 { return int32(v) }), dims...)
	case dtype.Int64:
		return tensor.FromSlice(mvConv(u, func(v uint64) int64 { return int64(v) }), dims...)
	case dtype.Float16:
		copy(u, []uint64{0x7c01, 0x8000, 0xfe00})
		return tensor.FromSlice(mvConv(u, func(v uint64) dtype.F16 { return dtype.F16FromBits(uint16(v)) }), dims...)
	case dtype.BFloat16:
		copy(u, []uint64{0x7f81, 0x8000, 0xffc1})
		return tensor.FromSlice(mvConv(u, func(v uint64) dtype.BF16 { return dtype.BF16FromBits(uint16(v)) }), dims...)
	case dtype.Float32:
		copy(u, []uint64{0x7f800123, 0x80000000, 0xffc00001})
		return tensor.FromSlice(mvConv(u, func(v uint64) float32 { return math.Float32frombits(uint32(v)) }), dims...)
	default:
		copy(u, special)
		return tensor.FromSlice(mvConv(u, math.Float64frombits), dims...)
	}
}

func mvConv[T any](u []uint64, f func(uint64) T) []T {
	out := make([]T, len(u))
	for i, v := range u {
		out[i] = f(v)
	}
	return out
}

func mvShapeSize(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// TestMoveExactBits checks every movement op on every dtype against its own index map: the op
// applied to int64 tensors holding the flat positions of the inputs' elements says where each
// output element must come from (-1: the padding value), and the output must hold exactly those
// bits. The inputs must be left unchanged.
func TestMoveExactBits(t *testing.T) {
	const fill = 2.5
	type moveCase struct {
		shapes [][]int
		f      func(xs []*tensor.Tensor, fill float64) []*tensor.Tensor
	}
	one := func(f func(x *tensor.Tensor, fill float64) *tensor.Tensor) func(xs []*tensor.Tensor, fill float64) []*tensor.Tensor {
		return func(xs []*tensor.Tensor, fill float64) []*tensor.Tensor { return []*tensor.Tensor{f(xs[0], fill)} }
	}
	cases := map[string]moveCase{
		"concat": {[][]int{{2, 3}, {2, 1}, {2, 0}, {2, 2}}, func(xs []*tensor.Tensor, _ float64) []*tensor.Tensor {
			return []*tensor.Tensor{ops.Concat(1, xs...)}
		}},
		"stack": {[][]int{{2, 3}, {2, 3}}, func(xs []*tensor.Tensor, _ float64) []*tensor.Tensor {
			return []*tensor.Tensor{ops.Stack(1, xs...)}
		}},
		"split": {[][]int{{5, 3}}, func(xs []*tensor.Tensor, _ float64) []*tensor.Tensor {
			return ops.SplitSizes(xs[0], 0, 2, 0, 3)
		}},
		"slice": {[][]int{{6, 7}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor {
			return ops.Slice(x, ops.SliceParams{Starts: []int{-1, 1}, Ends: []int{math.MinInt, 100}, Steps: []int{-2, 3}})
		})},
		"flip":  {[][]int{{3, 4}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Flip(x) })},
		"roll":  {[][]int{{3, 4}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Roll(x, []int{5, -1}, 1, 0) })},
		"tile":  {[][]int{{2, 3}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Tile(x, 2, 1, 2) })},
		"reps":  {[][]int{{3, 2}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Repeat(x, 0, 2, 0, 3) })},
		"views": {[][]int{{2, 3}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Flatten(ops.Unsqueeze(x, 1), 2) })},
		"pad constant": {[][]int{{3, 4}}, one(func(x *tensor.Tensor, v float64) *tensor.Tensor {
			return ops.PadWith(x, ops.PadParams{Value: v, Before: []int{1, -1}, After: []int{2, 1}, Interior: []int{1, 0}})
		})},
		"pad reflect": {[][]int{{3, 4}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Pad(x, ops.PadReflect, 0, 2, 3, 1, 2) })},
		"pad edge":    {[][]int{{3, 4}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Pad(x, ops.PadEdge, 0, 2, 3, 1, 2) })},
		"pad wrap":    {[][]int{{3, 4}}, one(func(x *tensor.Tensor, _ float64) *tensor.Tensor { return ops.Pad(x, ops.PadWrap, 0, 3, 4, 1, 2) })},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for name, c := range cases {
		ids := make([]*tensor.Tensor, len(c.shapes))
		off := 0
		for i, s := range c.shapes {
			n := mvShapeSize(s)
			ids[i] = tensor.Arange(dtype.Int64, float64(off), float64(off+n), 1).Reshape(s...)
			off += n
		}
		maps := c.f(ids, -1)
		for _, dt := range dtype.All {
			xs := make([]*tensor.Tensor, len(c.shapes))
			var src []uint64
			for i, s := range c.shapes {
				xs[i] = mvRandomBits(r, dt, s...)
				src = append(src, mvBits(xs[i])...)
			}
			outs := c.f(xs, fill)
			fillBits := mvBits(tensor.Full(dt, fill))[0]
			for k, out := range outs {
				if out.DType() != dt || !out.Shape().Equal(maps[k].Shape()) {
					t.Fatalf("%s %s: output %d is %s%v, want %s%v", name, dt, k, out.DType(), out.Shape(), dt, maps[k].Shape())
				}
				got := mvBits(out)
				for i, j := range maps[k].Int64s() {
					want := fillBits
					if j >= 0 {
						want = src[j]
					}
					if got[i] != want {
						t.Fatalf("%s %s: output %d element %d has bits %#x, want %#x (source %d)", name, dt, k, i, got[i], want, j)
					}
				}
			}
			var after []uint64
			for _, x := range xs {
				after = append(after, mvBits(x)...)
			}
			if !slices.Equal(src, after) {
				t.Fatalf("%s %s: the inputs changed", name, dt)
			}
		}
	}
}

// mvErrorCases maps expected message fragments to calls that must panic with a *core.Error
// containing them and naming the caller's line in this file.
func mvCheckErrors(t *testing.T, file string, cases map[string]func()) {
	t.Helper()
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
			continue
		}
		if !strings.Contains(err.Error(), file+":") {
			t.Errorf("error does not name the caller's line in %s: %v", file, err)
		}
	}
}

func TestMoveErrors(t *testing.T) {
	a := tensor.Zeros(dtype.Float32, 2, 3)
	v := tensor.Zeros(dtype.Float32, 3)
	mvCheckErrors(t, "move_test.go", map[string]func(){
		"concat: got no inputs, want at least 1":                                  func() { ops.Concat(0) },
		"concat: cannot concatenate scalars":                                      func() { ops.Concat(0, tensor.Scalar(1.0), tensor.Scalar(2.0)) },
		"concat: input 1 has shape [3], input 0 has [2 3]: ranks differ":          func() { ops.Concat(0, a, v) },
		"concat: input 1 has shape [3 3], input 0 has [2 3]: dimension 0 differs": func() { ops.Concat(1, a, tensor.Zeros(dtype.Float32, 3, 3)) },
		"concat: axis 2 out of range for rank 2":                                  func() { ops.Concat(2, a, a) },
		"concat: input 1 is nil":                                                  func() { ops.Concat(0, a, nil) },
		"stack: tensor 1 has shape [3], tensor 0 has [2 3]":                       func() { ops.Stack(0, a, v) },
		"stack: axis 3 out of range for rank 3":                                   func() { ops.Stack(3, a, a) },
		"stack: got no tensors":                                                   func() { ops.Stack(0) },
		"split: cannot split axis 1 of size 3 into 2 equal parts":                 func() { ops.Split(a, 1, 2) },
		"split: sizes [1 1] add up to 2, axis 1 of [2 3] has 3":                   func() { ops.SplitSizes(a, 1, 1, 1) },
		"split: size -1 of part 1 is negative":                                    func() { ops.SplitSizes(a, 1, 4, -1) },
		"split: no sizes given":                                                   func() { ops.SplitSizes(a, 0) },
		"slice: step for axis 1 is 0":                                             func() { ops.SliceAxis(a, 1, 0, 2, 0) },
		"slice: got 2 starts and 1 ends":                                          func() { ops.Slice(a, ops.SliceParams{Starts: []int{0, 0}, Ends: []int{1}}) },
		"slice: axis 1 sliced twice":                                              func() { ops.Slice(a, ops.SliceParams{Axes: []int{1, -1}, Starts: []int{0, 0}, Ends: []int{1, 1}}) },
		"slice: axis -3 out of range for rank 2":                                  func() { ops.SliceAxis(a, -3, 0, 1, 1) },
		"flip: axis 0 repeated in [0 -2]":                                         func() { ops.Flip(a, 0, -2) },
		"pad: got 3 pads for rank 2, want 4":                                      func() { ops.Pad(a, ops.PadConstant, 0, 1, 1, 1) },
		"pad: reflect pads (0, 3) on axis 1 must be below its size 3":             func() { ops.Pad(a, ops.PadReflect, 0, 0, 0, 0, 3) },
		"pad: wrap pads (4, 0) on axis 1 must be at most its size 3":              func() { ops.Pad(a, ops.PadWrap, 0, 0, 4, 0, 0) },
		"pad: negative pads (-1, 0 on axis 0) need constant mode, got edge":       func() { ops.Pad(a, ops.PadEdge, 0, -1, 0, 0, 0) },
		"pad: edge padding of axis 0 needs elements, the axis is empty":           func() { ops.Pad(tensor.Zeros(dtype.Float32, 0), ops.PadEdge, 0, 1, 0) },
		`pad: unknown mode "circular" (want constant, reflect, edge or wrap)`:     func() { ops.Pad(a, "circular", 0, 0, 0, 0, 0) },
		"pad: pads -2 and -2 on axis 1 remove more than its 3 elements":           func() { ops.Pad(a, ops.PadConstant, 0, 0, -2, 0, -2) },
		"pad: interior padding on axis 0 needs constant mode, got reflect":        func() { ops.PadWith(a, ops.PadParams{Mode: ops.PadReflect, Interior: []int{1, 0}}) },
		"pad: interior padding -1 on axis 0 is negative":                          func() { ops.PadWith(a, ops.PadParams{Interior: []int{-1, 0}}) },
		"pad: Before has 1 entries for rank 2":                                    func() { ops.PadWith(a, ops.PadParams{Before: []int{1}}) },
		"tile: repetition 1 is -1, want >= 0":                                     func() { ops.Tile(a, 1, -1) },
		"repeat_interleave: got 2 counts for axis 0 of [3], want 1 or 3":          func() { ops.Repeat(v, 0, 1, 2) },
		"repeat_interleave: count -1 of element 0 is negative":                    func() { ops.Repeat(v, 0, -1) },
		"repeat_interleave: axis 1 out of range for rank 1":                       func() { ops.Repeat(v, 1, 2) },
		"segment_sum: counts [1 1] add up to 2, axis 0 of [3] has 3":              func() { ops.SegmentSum(v, 0, 1, 1) },
		"segment_sum: no counts given, want one per segment":                      func() { ops.SegmentSum(v, 0) },
		"roll: got 2 shifts for 1 axes":                                           func() { ops.Roll(a, []int{1, 2}, 0) },
		"roll: got 2 shifts and no axes, want 1 shift":                            func() { ops.Roll(a, []int{1, 2}) },
		"roll: axis 2 out of range for rank 2":                                    func() { ops.Roll(a, []int{1}, 2) },
		"squeeze: axis 1 of [2 3] has size 3, want 1":                             func() { ops.Squeeze(a, 1) },
		"squeeze: axis 2 out of range for rank 2":                                 func() { ops.Squeeze(a, 2) },
		"unsqueeze: axis 3 out of range for rank 3 (the result has rank 3)":       func() { ops.Unsqueeze(a, 3) },
		"unsqueeze: axis 0 repeated in [0 -4]":                                    func() { ops.Unsqueeze(a, 0, -4) },
		"unsqueeze: no axes given":                                                func() { ops.Unsqueeze(a) },
		"flatten: axis 3 out of range for rank 2, want [-2, 2]":                   func() { ops.Flatten(a, 3) },
		"flatten: axis 1 out of range for rank 0":                                 func() { ops.FlattenBatch(tensor.Scalar(1.0)) },
		"segment_sum: no kernel for dtype bool":                                   func() { ops.SegmentSum(tensor.FromSlice([]bool{true}), 0, 1) },
		"concat: dtypes differ":                                                   func() { core.Apply1(core.Lookup("concat"), ops.ConcatParams{}, a, tensor.Zeros(dtype.Int8, 2, 3)) },
		"split: params are ops.ConcatParams, want ops.SplitParams":                func() { core.Apply(core.Lookup("split"), ops.ConcatParams{}, a) },
		"repeat_interleave: got 2 inputs, want 1":                                 func() { core.Apply(core.Lookup("repeat_interleave"), ops.RepeatParams{Counts: []int{1}}, a, a) },
		"pad: got 0 inputs, want 1":                                               func() { core.Apply(core.Lookup("pad"), ops.PadParams{}) },
		"slice: got 1 axes and 2 starts":                                          func() { ops.Slice(a, ops.SliceParams{Axes: []int{0}, Starts: []int{0, 0}, Ends: []int{1, 1}}) },
		"slice: got 1 steps and 2 starts":                                         func() { ops.Slice(a, ops.SliceParams{Steps: []int{1}, Starts: []int{0, 0}, Ends: []int{1, 1}}) },
		"split: axis 2 out of range for rank 2":                                   func() { ops.Split(a, 2, 1) },
		"split: cannot split axis 0 of size 2 into 0 equal parts":                 func() { ops.Split(a, 0, 0) },
		"concat: input 1 has shape [2 3 1], input 0 has [2 3]: ranks differ":      func() { ops.Concat(0, a, tensor.Zeros(dtype.Float32, 2, 3, 1)) },
		"stack: tensor 1 has shape [2 2], tensor 0 has [2 3]: they must be equal": func() { ops.Stack(-1, a, tensor.Zeros(dtype.Float32, 2, 2)) },
		"pad: reflect pads (1, 1) on axis 0 must be below its size 1":             func() { ops.Pad(tensor.Zeros(dtype.Float32, 1), ops.PadReflect, 0, 1, 1) },
		"segment_sum: count -1 of element 1 is negative":                          func() { ops.SegmentSum(v, 0, 4, -1) },
		"repeat_interleave: got 0 counts for axis 0 of [3], want 1 or 3":          func() { ops.Repeat(v, 0) },
		"tile: repetition 0 is -2, want >= 0":                                     func() { ops.Tile(v, -2) },
		"flatten: axis -3 out of range for rank 2, want [-2, 2]":                  func() { ops.Flatten(a, -3) },
		"squeeze: axis 0 repeated in [0 0]":                                       func() { ops.Squeeze(tensor.Zeros(dtype.Float32, 1, 2), 0, 0) },
		"concat: params are ops.SplitParams, want ops.ConcatParams":               func() { core.Apply(core.Lookup("concat"), ops.SplitParams{}, a) },
		"slice: params are ops.ConcatParams, want ops.SliceParams":                func() { core.Apply(core.Lookup("slice"), ops.ConcatParams{}, a) },
		"pad: params are ops.ConcatParams, want ops.PadParams":                    func() { core.Apply(core.Lookup("pad"), ops.ConcatParams{}, a) },
		"segment_sum: params are ops.ConcatParams, want ops.RepeatParams":         func() { core.Apply(core.Lookup("segment_sum"), ops.ConcatParams{}, a) },
		"repeat_interleave: params are ops.ConcatParams, want ops.RepeatParams":   func() { core.Apply(core.Lookup("repeat_interleave"), ops.ConcatParams{}, a) },
		"concat: params are ops.SliceParams, want ops.ConcatParams":               func() { core.Apply(core.Lookup("concat"), ops.SliceParams{}, a) },
		"pad: got 2 inputs, want 1":                                               func() { core.Apply(core.Lookup("pad"), ops.PadParams{}, a, a) },
		"slice: got 0 inputs, want 1":                                             func() { core.Apply(core.Lookup("slice"), ops.SliceParams{}) },
		"split: got 2 inputs, want 1":                                             func() { core.Apply(core.Lookup("split"), ops.SplitParams{Sizes: []int{2}}, a, a) },
		"segment_sum: got 0 inputs, want 1":                                       func() { core.Apply(core.Lookup("segment_sum"), ops.RepeatParams{Counts: []int{1}}) },
		"concat: dtypes differ: float32[2 3] and int8[2 3]":                       func() { core.Apply(core.Lookup("concat"), ops.ConcatParams{}, a, tensor.Zeros(dtype.Int8, 2, 3)) },
		"slice: axis 2 out of range for rank 2":                                   func() { ops.Slice(a, ops.SliceParams{Axes: []int{2}, Starts: []int{0}, Ends: []int{1}}) },
		"pad: After has 3 entries for rank 2":                                     func() { ops.PadWith(a, ops.PadParams{After: []int{1, 2, 3}}) },
		"pad: Interior has 1 entries for rank 2":                                  func() { ops.PadWith(a, ops.PadParams{Interior: []int{1}}) },
		"pad: negative pads (0, -1 on axis 1) need constant mode, got wrap":       func() { ops.Pad(a, ops.PadWrap, 0, 0, 0, 0, -1) },
		"pad: axis 2 out of range for rank 2":                                     func() { ops.PadAxis(a, 2, 1, 1) },
		"unsqueeze: axis -4 out of range for rank 3 (the result has rank 3)":      func() { ops.Unsqueeze(a, -4) },
		"roll: got 1 shifts for 2 axes":                                           func() { ops.Roll(a, []int{1}, 0, 1) },
		"stack: axis -4 out of range for rank 3":                                  func() { ops.Stack(-4, a) },
		"split: sizes [1 2] add up to 3, axis 0 of [2 3] has 2":                   func() { ops.SplitSizes(a, 0, 1, 2) },
	})
}

func TestMoveEdgeCases(t *testing.T) {
	x := tensor.FromRows([][]float32{{1, 2, 3}, {4, 5, 6}})
	empty := tensor.Zeros(dtype.Float32, 0, 3)
	check := func(what string, got *tensor.Tensor, want *tensor.Tensor) {
		t.Helper()
		if !got.Shape().Equal(want.Shape()) || !tensor.Equal(got, want) {
			t.Errorf("%s = %v %v, want %v %v", what, got.Shape(), got, want.Shape(), want)
		}
	}
	check("concat with empty", ops.Concat(0, empty, x, empty), x)
	check("concat of one", ops.Concat(-1, x), x)
	check("concat promotes", ops.Concat(0, tensor.FromSlice([]int32{1}), tensor.FromSlice([]float32{0.5})), tensor.FromSlice([]float32{1, 0.5}))
	check("slice empty", ops.SliceAxis(x, 1, 2, 0, 1), tensor.Zeros(dtype.Float32, 2, 0))
	check("slice of empty", ops.SliceAxis(empty, 0, 0, 5, -1), empty)
	check("slice clamped", ops.SliceAxis(x, 1, -100, 100, 1), x)
	check("flip of empty", ops.Flip(empty), empty)
	check("roll of empty", ops.Roll(empty, []int{3}, 0), empty)
	check("roll by size", ops.Roll(x, []int{3}, 1), x)
	check("pad nothing", ops.Pad(x, ops.PadReflect, 0, 0, 0, 0, 0), x)
	check("pad of empty", ops.Pad(empty, ops.PadConstant, 7, 1, 0, 0, 0), tensor.Full(dtype.Float32, 7, 1, 3))
	check("pad crop to empty", ops.PadAxis(x, 1, -2, -1), tensor.Zeros(dtype.Float32, 2, 0))
	check("tile zero", ops.Tile(x, 0, 1), tensor.Zeros(dtype.Float32, 0, 3))
	check("tile scalar", ops.Tile(tensor.Scalar(float32(2)), 3), tensor.FromSlice([]float32{2, 2, 2}))
	check("repeat zero", ops.Repeat(x, 1, 0), tensor.Zeros(dtype.Float32, 2, 0))
	check("segment of nothing", ops.SegmentSum(empty, 0, 0, 0), tensor.Zeros(dtype.Float32, 2, 3))
	check("squeeze scalar-like", ops.Squeeze(tensor.Zeros(dtype.Float32, 1, 1)), tensor.Scalar(float32(0)))
	check("unsqueeze scalar", ops.Unsqueeze(tensor.Scalar(float32(1)), -1, 0), tensor.FromSlice([]float32{1}, 1, 1))
	check("flatten scalar", ops.Flatten(tensor.Scalar(float32(1)), 0), tensor.FromSlice([]float32{1}, 1, 1))
	check("flatten axis 0", ops.Flatten(x, 0), tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 1, 6))
	check("stack scalars", ops.Stack(0, tensor.Scalar(1.0), tensor.Scalar(2.0)), tensor.FromSlice([]float64{1, 2}))
	check("split of empty axis", ops.SplitSizes(empty, 0, 0, 0)[1], empty)
	check("pad int truncates", ops.Pad(tensor.FromSlice([]int8{1}), ops.PadConstant, -3.7, 1, 0), tensor.FromSlice([]int8{-3, 1}))
	check("segment_sum int wraps", ops.SegmentSum(tensor.FromSlice([]int8{100, 100}), 0, 2), tensor.FromSlice([]int8{-56}))
	// Views share the input's data; Squeeze and friends of a tensor of the same shape return it.
	if ops.Squeeze(x) != x || ops.PadWith(x, ops.PadParams{}) != x {
		t.Error("no-op squeeze or pad did not return its input")
	}
	// The split parts are independent of each other's gradients: unused parts get zeros.
	w := autodiff.Watch(x)
	parts := ops.Split(w, 1, 3)
	g := autodiff.Grad(ops.Sum(parts[1]), w)[0]
	check("gradient of one split part", g, tensor.FromRows([][]float32{{0, 1, 0}, {0, 1, 0}}))
}

// mvTracer records ops instead of running them, to check shape inference with unknown
// (batch) dimensions.
type mvTracer struct{ ops []string }

type mvSymbol struct{ tr *mvTracer }

func (s mvSymbol) Tracer() core.Tracer { return s.tr }

func (m *mvTracer) Record(op *core.Op, _ any, _ []*tensor.Tensor, out []core.Spec) []*tensor.Tensor {
	m.ops = append(m.ops, op.Name())
	res := make([]*tensor.Tensor, len(out))
	for i, s := range out {
		res[i] = tensor.NewSymbolic(s.DType, s.Shape, mvSymbol{m})
	}
	return res
}

func TestMoveAndReduceInferUnknownDims(t *testing.T) {
	tr := &mvTracer{}
	x := tensor.NewSymbolic(dtype.Float32, []int{-1, 4}, mvSymbol{tr})
	y := tensor.NewSymbolic(dtype.Float32, []int{-1, 2}, mvSymbol{tr})
	for _, c := range []struct {
		got  *tensor.Tensor
		want string
	}{
		{ops.Concat(1, x, y), "[? 6]"},
		{ops.Concat(0, x, x), "[? 4]"},
		{ops.SliceAxis(x, 1, 0, 4, 2), "[? 2]"},
		{ops.PadAxis(x, 1, 1, 0), "[? 5]"},
		{ops.Pad(x, ops.PadReflect, 0, 0, 1, 0, 2), "[? 7]"},
		{ops.Repeat(x, 1, 2), "[? 8]"},
		{ops.SplitSizes(x, 1, 3, 1)[1], "[? 1]"},
		{ops.Prod(x, 1), "[?]"},
		{ops.ArgmaxKeepDims(x, 1), "[? 1]"},
		{ops.Min(x, 0), "[4]"},
		{ops.CumsumWith(x, ops.CumParams{Axis: 0, Reverse: true}), "[? 4]"},
		{ops.SliceAxis(x, 0, 1, 3, 1), "[? 4]"},
	} {
		if c.got.Shape().String() != c.want || !c.got.IsSymbolic() {
			t.Errorf("got %v, want a symbolic %s", c.got.Shape(), c.want)
		}
	}
	if len(tr.ops) == 0 {
		t.Error("nothing was recorded")
	}
}
