package ops

import (
	"errors"
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Movement ops that join, cut and repeat: concat, split, slice, repeat_interleave and its
// transpose segment_sum (primitives, exact bits), and squeeze, unsqueeze, flatten, stack, tile,
// flip and roll (composites). Padding is in move_pad.go.

// ConcatParams names the axis of a concatenation.
type ConcatParams struct {
	// Axis to join along, negative counting from the end.
	Axis int
}

// SplitParams describes a split into consecutive parts along an axis.
type SplitParams struct {
	// Axis to split, negative counting from the end.
	Axis int
	// Sizes of the parts along the axis; they add up to its size.
	Sizes []int
}

// SliceParams describes a strided slice, as ONNX Slice's inputs. Starts and Ends are clamped to
// the axis (after adding the axis size to negative values), so math.MaxInt means "to the end"
// and, with a negative step, math.MinInt means "through the first element".
type SliceParams struct {
	// Axes sliced, negative counting from the end; nil means 0, 1, ..., len(Starts)-1.
	Axes []int
	// Starts holds the first index taken on each axis.
	Starts []int
	// Ends holds the index one step past the last taken (exclusive).
	Ends []int
	// Steps holds the stride on each axis, never 0; nil means all 1. A negative step walks
	// backwards from Starts.
	Steps []int
}

// RepeatParams describes a repetition of each element along an axis.
type RepeatParams struct {
	// Axis to repeat along, negative counting from the end.
	Axis int
	// Counts holds how many times each element is repeated: one count for all, or one per
	// element of the axis; each >= 0.
	Counts []int
}

var mvConcatOp, mvSplitOp, mvSliceOp, mvRepeatOp, mvSegmentSumOp *core.Op

func init() {
	mvConcatOp = core.Declare(core.Def[ConcatParams]{
		Name: "concat", Overwrites: true, Doc: "join tensors along an existing axis (ONNX Concat, torch.cat)",
		Infer: mvInferConcat, DTypes: allTypes,
		Grad: func(p ConcatParams, in, _, g []*Tensor) []*Tensor {
			a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
			sizes := make([]int, len(in))
			for i, x := range in {
				sizes[i] = x.Shape()[a]
			}
			return SplitSizes(g[0], a, sizes...)
		},
	})
	registerRef(mvConcatOp, allTypes, func(p ConcatParams, in, out []*Tensor) error {
		a, _ := shape.NormalizeAxis(p.Axis, out[0].Rank())
		outer, n, inner := mvAxisSplit(out[0].Shape(), a)
		off := 0
		for _, x := range in {
			d := x.Shape()[a]
			ref.CopyRows(out[0], x, outer, d*inner, off*inner, n*inner, 0, d*inner)
			off += d
		}
		return nil
	})

	mvSplitOp = core.Declare(core.Def[SplitParams]{
		Name: "split", Overwrites: true, Doc: "cut a tensor into consecutive parts along an axis (ONNX Split, torch.split)",
		Infer: mvInferSplit, DTypes: allTypes,
		Grad: func(p SplitParams, _, _, g []*Tensor) []*Tensor {
			return []*Tensor{Concat(p.Axis, g...)}
		},
	})
	registerRef(mvSplitOp, allTypes, func(p SplitParams, in, out []*Tensor) error {
		a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		outer, n, inner := mvAxisSplit(in[0].Shape(), a)
		off := 0
		for i, d := range p.Sizes {
			ref.CopyRows(out[i], in[0], outer, d*inner, 0, d*inner, off*inner, n*inner)
			off += d
		}
		return nil
	})

	mvSliceOp = core.Declare(core.Def[SliceParams]{
		Name: "slice", Overwrites: true, Doc: "strided slice with clamped starts/ends and negative steps (ONNX Slice, numpy/torch x[start:end:step])",
		DTypes: allTypes, Grad: mvGradSlice,
		Infer: func(p SliceParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			_, _, out, err := mvSliceBounds(p, in[0].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
		},
	})
	registerRef(mvSliceOp, allTypes, func(p SliceParams, in, out []*Tensor) error {
		starts, steps, os, _ := mvSliceBounds(p, in[0].Shape())
		ref.Gather(out[0], in[0], ref.StridedIndex(in[0].Shape(), starts, steps, os))
		return nil
	})

	mvRepeatOp = core.Declare(core.Def[RepeatParams]{
		Name: "repeat_interleave", Doc: "repeat each element along an axis by a count or per-element counts (no ONNX op; torch.repeat_interleave, numpy.repeat)",
		DTypes: allTypes,
		Infer: func(p RepeatParams, in []core.Spec) ([]core.Spec, error) {
			return mvInferRepeat(p, in, false)
		},
		Grad: func(p RepeatParams, in, _, g []*Tensor) []*Tensor {
			a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
			return []*Tensor{SegmentSum(g[0], a, mvCounts(p.Counts, in[0].Shape()[a])...)}
		},
	})
	registerRef(mvRepeatOp, allTypes, func(p RepeatParams, in, out []*Tensor) error {
		s := in[0].Shape()
		a, _ := shape.NormalizeAxis(p.Axis, len(s))
		maps := mvIdentityMaps(s)
		maps[a] = ref.RepeatIndex(s[a], p.Counts)
		ref.GatherFill(out[0], in[0], nil, ref.AxisMapIndex(s, maps))
		return nil
	})

	mvSegmentSumOp = core.Declare(core.Def[RepeatParams]{
		Name: "segment_sum", Doc: "sums of consecutive runs of counts[i] elements along an axis, the transpose of repeat_interleave (no ONNX op; torch.segment_reduce with lengths, tf.math.segment_sum)",
		DTypes: numericTypes,
		Infer: func(p RepeatParams, in []core.Spec) ([]core.Spec, error) {
			return mvInferRepeat(p, in, true)
		},
		Grad: func(p RepeatParams, _, _, g []*Tensor) []*Tensor {
			return []*Tensor{Repeat(g[0], p.Axis, p.Counts...)}
		},
	})
	registerRef(mvSegmentSumOp, numericTypes, func(p RepeatParams, in, out []*Tensor) error {
		a, _ := shape.NormalizeAxis(p.Axis, in[0].Rank())
		if in[0].DType().IsFloat() {
			ref.SegmentSum[float64](out[0], in[0], a, p.Counts)
		} else {
			ref.SegmentSum[int64](out[0], in[0], a, p.Counts)
		}
		return nil
	})
}

// mvAxisSplit views shape s around axis as (outer, n, inner).
func mvAxisSplit(s shape.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, s[axis], inner
}

func mvIdentityMaps(s shape.Shape) [][]int {
	maps := make([][]int, len(s))
	for a, d := range s {
		maps[a] = make([]int, d)
		for i := range maps[a] {
			maps[a][i] = i
		}
	}
	return maps
}

// mvCounts expands a single count to one per element.
func mvCounts(counts []int, n int) []int {
	if len(counts) != 1 {
		return counts
	}
	out := make([]int, n)
	for i := range out {
		out[i] = counts[0]
	}
	return out
}

func mvInferConcat(p ConcatParams, in []core.Spec) ([]core.Spec, error) {
	if len(in) == 0 {
		return nil, errors.New("got no inputs, want at least 1")
	}
	if err := sameDTypes(in); err != nil {
		return nil, err
	}
	r := len(in[0].Shape)
	if r == 0 {
		return nil, errors.New("cannot concatenate scalars (rank 0); use stack")
	}
	a, err := shape.NormalizeAxis(p.Axis, r)
	if err != nil {
		return nil, err
	}
	out := in[0].Shape.Clone()
	out[a] = 0
	for i, s := range in {
		if len(s.Shape) != r {
			return nil, fmt.Errorf("input %d has shape %v, input 0 has %v: ranks differ", i, s.Shape, in[0].Shape)
		}
		for d, n := range s.Shape {
			switch {
			case d == a:
				if out[a] >= 0 && n >= 0 {
					out[a] += n
				} else {
					out[a] = shape.Unknown
				}
			case out[d] == shape.Unknown:
				out[d] = n
			case n != out[d] && n != shape.Unknown:
				return nil, fmt.Errorf("input %d has shape %v, input 0 has %v: dimension %d differs (only axis %d may)", i, s.Shape, in[0].Shape, d, a)
			}
		}
	}
	return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
}

func mvInferSplit(p SplitParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape
	a, err := shape.NormalizeAxis(p.Axis, len(s))
	if err != nil {
		return nil, err
	}
	if len(p.Sizes) == 0 {
		return nil, errors.New("no sizes given, want at least one part")
	}
	total := 0
	out := make([]core.Spec, len(p.Sizes))
	for i, n := range p.Sizes {
		if n < 0 {
			return nil, fmt.Errorf("size %d of part %d is negative", n, i)
		}
		total += n
		out[i] = core.Spec{DType: in[0].DType, Shape: s.Clone()}
		out[i].Shape[a] = n
	}
	if s[a] >= 0 && total != s[a] {
		return nil, fmt.Errorf("sizes %v add up to %d, axis %d of %v has %d", p.Sizes, total, p.Axis, s, s[a])
	}
	return out, nil
}

func mvInferRepeat(p RepeatParams, in []core.Spec, transpose bool) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape
	a, err := shape.NormalizeAxis(p.Axis, len(s))
	if err != nil {
		return nil, err
	}
	total := 0
	for i, c := range p.Counts {
		if c < 0 {
			return nil, fmt.Errorf("count %d of element %d is negative", c, i)
		}
		total += c
	}
	out := s.Clone()
	switch {
	case transpose && len(p.Counts) == 0:
		return nil, errors.New("no counts given, want one per segment")
	case transpose:
		if s[a] >= 0 && total != s[a] {
			return nil, fmt.Errorf("counts %v add up to %d, axis %d of %v has %d", p.Counts, total, p.Axis, s, s[a])
		}
		out[a] = len(p.Counts)
	case len(p.Counts) == 1:
		if s[a] >= 0 {
			out[a] = s[a] * total
		}
	case s[a] >= 0 && len(p.Counts) != s[a]:
		return nil, fmt.Errorf("got %d counts for axis %d of %v, want 1 or %d", len(p.Counts), p.Axis, s, s[a])
	default:
		out[a] = total
	}
	return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
}

// mvSliceBounds resolves p for shape s into a start and a step for every axis (0 and 1 where
// p does not slice) and the output shape, with ONNX's clamping: a negative start or end has the
// axis size added; then, for a positive step, both are clamped to [0, d]; for a negative step
// the start to [0, d-1] and the end to [-1, d-1]. The count is ceil((end-start)/step), at least 0.
func mvSliceBounds(p SliceParams, s shape.Shape) (starts, steps []int, out shape.Shape, err error) {
	n := len(p.Starts)
	switch {
	case len(p.Ends) != n:
		return nil, nil, nil, fmt.Errorf("got %d starts and %d ends", n, len(p.Ends))
	case p.Axes != nil && len(p.Axes) != n:
		return nil, nil, nil, fmt.Errorf("got %d axes and %d starts", len(p.Axes), n)
	case p.Steps != nil && len(p.Steps) != n:
		return nil, nil, nil, fmt.Errorf("got %d steps and %d starts", len(p.Steps), n)
	}
	r := len(s)
	starts, steps, out = make([]int, r), make([]int, r), s.Clone()
	for a := range steps {
		steps[a] = 1
	}
	seen := make([]bool, r)
	for i := 0; i < n; i++ {
		ax := i
		if p.Axes != nil {
			ax = p.Axes[i]
		}
		a, err := shape.NormalizeAxis(ax, r)
		if err != nil {
			return nil, nil, nil, err
		}
		if seen[a] {
			return nil, nil, nil, fmt.Errorf("axis %d sliced twice", a)
		}
		seen[a] = true
		step := 1
		if p.Steps != nil {
			step = p.Steps[i]
		}
		if step == 0 {
			return nil, nil, nil, fmt.Errorf("step for axis %d is 0", a)
		}
		steps[a] = step
		d := s[a]
		if d < 0 {
			out[a] = shape.Unknown
			continue
		}
		starts[a], out[a] = mvClampSlice(p.Starts[i], p.Ends[i], step, d)
	}
	return starts, steps, out, nil
}

// mvClampSlice returns the normalized start and the number of elements of start:end:step on an
// axis of size d.
func mvClampSlice(start, end, step, d int) (int, int) {
	if start < 0 {
		start += d
	}
	if end < 0 {
		end += d
	}
	if d == 0 {
		return 0, 0
	}
	if step > 0 {
		start, end = min(max(start, 0), d), min(max(end, 0), d)
		if end <= start {
			return start, 0
		}
		return start, (end - start + step - 1) / step
	}
	start, end = min(max(start, 0), d-1), min(max(end, -1), d-1)
	if end >= start {
		return start, 0
	}
	return start, (start - end - step - 1) / -step
}

// mvGradSlice scatters g back into zeros of the input's shape: along each axis the taken
// elements are start, start+k, ... , so this is a constant pad with start zeros before, k-1
// between and the rest after; a negative step is the flipped positive one.
func mvGradSlice(p SliceParams, in, _, g []*Tensor) []*Tensor {
	s := in[0].Shape()
	if !s.Known() {
		// A size unknown while tracing: whole-axis reversals (Flip) and whole-axis copies need no
		// size, their gradient being the same reversal (or nothing); anything else does.
		axes := p.Axes
		if axes == nil {
			for a := range p.Starts {
				axes = append(axes, a)
			}
		}
		var flip []int
		whole := true
		for i, a := range axes {
			ax, _ := shape.NormalizeAxis(a, len(s))
			step := 1
			if p.Steps != nil {
				step = p.Steps[i]
			}
			switch {
			case step == -1 && p.Starts[i] == math.MaxInt && p.Ends[i] == math.MinInt:
				flip = append(flip, ax)
			case step == 1 && p.Starts[i] == 0 && p.Ends[i] == math.MaxInt:
			case s[ax] != shape.Unknown:
				whole = false
			default:
				panic(core.Errorf("slice", "the gradient of a partial slice of axis %d needs its size, unknown in %v", ax, s))
			}
		}
		if whole {
			if len(flip) == 0 {
				return []*Tensor{g[0]}
			}
			return []*Tensor{Flip(g[0], flip...)}
		}
	}
	starts, steps, out, _ := mvSliceBounds(p, s)
	r := len(s)
	before, after, interior := make([]int, r), make([]int, r), make([]int, r)
	var flip []int
	for a := 0; a < r; a++ {
		d, m, st, k := s[a], out[a], starts[a], steps[a]
		if m == 0 {
			before[a] = d
			continue
		}
		if k < 0 {
			k = -k
			st -= (m - 1) * k // the first element taken, in increasing order
			if m > 1 {
				flip = append(flip, a)
			}
		}
		before[a], interior[a], after[a] = st, k-1, d-st-(m-1)*k-1
	}
	gx := g[0]
	if len(flip) > 0 {
		gx = Flip(gx, flip...)
	}
	return []*Tensor{PadWith(gx, PadParams{Before: before, After: after, Interior: interior})}
}

// Concat joins xs along axis, as torch.cat and ONNX Concat: every other dimension must be equal.
// Mixed dtypes are promoted (dtype.PromoteAll). It panics with a *core.Error if there are no
// tensors, a tensor is a scalar, or the shapes differ off the axis.
func Concat(axis int, xs ...*Tensor) *Tensor {
	dts := make([]dtype.DType, len(xs))
	for i, x := range xs {
		if x == nil {
			panic(core.Errorf("concat", "input %d is nil", i))
		}
		dts[i] = x.DType()
	}
	dt := dtype.PromoteAll(dts...)
	in := make([]*Tensor, len(xs))
	for i, x := range xs {
		in[i] = Cast(x, dt)
	}
	return core.Apply1(mvConcatOp, ConcatParams{Axis: axis}, in...)
}

// Stack joins xs, which must all have one shape, along a new axis at position axis of the result
// (in [-rank-1, rank]), as torch.stack and numpy.stack; mixed dtypes are promoted. It panics with
// a *core.Error if there are no tensors, the shapes differ or the axis is out of range.
func Stack(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic(core.Errorf("stack", "got no tensors, want at least 1"))
	}
	s := xs[0].Shape()
	a, err := shape.NormalizeAxis(axis, len(s)+1)
	if err != nil {
		panic(core.Errorf("stack", "%v", err))
	}
	parts := make([]*Tensor, len(xs))
	for i, x := range xs {
		if !x.Shape().Equal(s) {
			panic(core.Errorf("stack", "tensor %d has shape %v, tensor 0 has %v: they must be equal", i, x.Shape(), s))
		}
		parts[i] = Unsqueeze(x, a)
	}
	return Concat(a, parts...)
}

// Split cuts x into n parts of equal size along axis, as numpy.split with a count (ONNX Split
// with num_outputs, which would also allow a smaller last part: use [SplitSizes] for that).
// It panics with a *core.Error if the axis size is not a multiple of n.
func Split(x *Tensor, axis, n int) []*Tensor {
	a, err := shape.NormalizeAxis(axis, x.Rank())
	if err != nil {
		panic(core.Errorf("split", "%v", err))
	}
	d := x.Shape()[a]
	if n <= 0 || d%n != 0 {
		panic(core.Errorf("split", "cannot split axis %d of size %d into %d equal parts", axis, d, n))
	}
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = d / n
	}
	return SplitSizes(x, a, sizes...)
}

// SplitSizes cuts x along axis into consecutive parts of the given sizes, as torch.split with a
// list and ONNX Split with split sizes. It panics with a *core.Error unless the sizes are
// non-negative and add up to the axis size.
func SplitSizes(x *Tensor, axis int, sizes ...int) []*Tensor {
	return core.Apply(mvSplitOp, SplitParams{Axis: axis, Sizes: append([]int(nil), sizes...)}, x)
}

// Slice returns the strided slice of x that p describes, as ONNX Slice and Python's
// x[start:end:step] on each axis: out-of-range starts and ends are clamped, negative ones count
// from the end, and negative steps walk backwards (use math.MaxInt and math.MinInt as the open
// ends). Tide follows ONNX where it differs from Python: with a negative step a start below -d is
// clamped to 0, so x[-d-5::-1] is x[0:1] (Python gives nothing). It panics with a *core.Error if
// the lists' lengths differ, a step is 0, or an axis is out of range or repeated.
func Slice(x *Tensor, p SliceParams) *Tensor {
	q := SliceParams{Starts: append([]int(nil), p.Starts...), Ends: append([]int(nil), p.Ends...)}
	if p.Axes != nil {
		q.Axes = append([]int(nil), p.Axes...)
	}
	if p.Steps != nil {
		q.Steps = append([]int(nil), p.Steps...)
	}
	return core.Apply1(mvSliceOp, q, x)
}

// SliceAxis returns x[start:end:step] along axis, as [Slice] on one axis.
func SliceAxis(x *Tensor, axis, start, end, step int) *Tensor {
	return core.Apply1(mvSliceOp, SliceParams{Axes: []int{axis}, Starts: []int{start}, Ends: []int{end}, Steps: []int{step}}, x)
}

// Flip reverses the order of elements along axes (every axis when none are given), as
// torch.flip and numpy.flip. Its gradient is the same flip. It panics with a *core.Error if an
// axis is out of range or repeated.
func Flip(x *Tensor, axes ...int) *Tensor {
	norm, err := shape.NormalizeAxes(axesOrAll(axes), x.Rank())
	if err != nil {
		panic(core.Errorf("flip", "%v", err))
	}
	p := SliceParams{Axes: norm}
	for range norm {
		p.Starts = append(p.Starts, math.MaxInt)
		p.Ends = append(p.Ends, math.MinInt)
		p.Steps = append(p.Steps, -1)
	}
	return core.Apply1(mvSliceOp, p, x)
}

// Roll shifts the elements of x along axes by shifts, wrapping around, as torch.roll: element i
// moves to i+shift. With no axes, x is rolled as if flattened (one shift) and keeps its shape.
// Its gradient is the opposite roll. It panics with a *core.Error if the numbers of shifts and
// axes differ or an axis is out of range.
func Roll(x *Tensor, shifts []int, axes ...int) *Tensor {
	if len(axes) == 0 {
		if len(shifts) != 1 {
			panic(core.Errorf("roll", "got %d shifts and no axes, want 1 shift", len(shifts)))
		}
		return Reshape(Roll(Reshape(x, x.Size()), shifts, 0), x.Shape()...)
	}
	if len(shifts) != len(axes) {
		panic(core.Errorf("roll", "got %d shifts for %d axes", len(shifts), len(axes)))
	}
	for i, axis := range axes {
		a, err := shape.NormalizeAxis(axis, x.Rank())
		if err != nil {
			panic(core.Errorf("roll", "%v", err))
		}
		d := x.Shape()[a]
		if d <= 0 {
			continue
		}
		if s := ((shifts[i] % d) + d) % d; s != 0 {
			x = Concat(a, SliceAxis(x, a, d-s, d, 1), SliceAxis(x, a, 0, d-s, 1))
		}
	}
	return x
}

// Repeat repeats each element of x along axis, as torch.repeat_interleave and numpy.repeat: with
// one count every element is repeated that many times ([a b] → [a a b b]); with one count per
// element of the axis, element i is repeated counts[i] times. (Torch's Tensor.repeat is [Tile].)
// Its gradient sums the copies ([SegmentSum]). It panics with a *core.Error if a count is
// negative or the number of counts is neither 1 nor the axis size.
func Repeat(x *Tensor, axis int, counts ...int) *Tensor {
	return core.Apply1(mvRepeatOp, RepeatParams{Axis: axis, Counts: append([]int(nil), counts...)}, x)
}

// SegmentSum sums consecutive runs of x along axis: result element i is the sum of the next
// counts[i] elements (0 for a count of 0); the counts must add up to the axis size. It is the
// transpose of [Repeat] and its gradient, and tf.math.segment_sum for sorted segment ids.
// Integer sums wrap. It panics with a *core.Error if the counts do not add up or one is negative.
func SegmentSum(x *Tensor, axis int, counts ...int) *Tensor {
	return core.Apply1(mvSegmentSumOp, RepeatParams{Axis: axis, Counts: append([]int(nil), counts...)}, x)
}

// Tile repeats the whole of x reps[i] times along axis i, as numpy.tile, torch.tile and ONNX Tile
// ([a b] tiled 2 times is [a b a b]). When reps and x's rank differ, the shorter is padded with
// leading ones, as NumPy (ONNX requires them equal). It is a broadcast, so its gradient sums the
// copies. It panics with a *core.Error if a repetition is negative.
func Tile(x *Tensor, reps ...int) *Tensor {
	for i, r := range reps {
		if r < 0 {
			panic(core.Errorf("tile", "repetition %d is %d, want >= 0", i, r))
		}
	}
	rank := max(len(reps), x.Rank())
	dims := make([]int, rank)
	rp := make([]int, rank)
	for i := range dims {
		dims[i], rp[i] = 1, 1
	}
	copy(dims[rank-x.Rank():], x.Shape())
	copy(rp[rank-len(reps):], reps)
	inter, big, out := make([]int, 0, 2*rank), make([]int, 0, 2*rank), make([]int, rank)
	for i, d := range dims {
		inter = append(inter, 1, d)
		big = append(big, rp[i], d)
		out[i] = rp[i] * d
	}
	return Reshape(BroadcastTo(Reshape(x, inter...), big...), out...)
}

// Squeeze removes the given axes of size 1 from x, or every axis of size 1 when none are given.
// It shares x's data. Tide follows ONNX Squeeze: naming an axis whose size is not 1 panics with a
// *core.Error (torch.squeeze leaves it in place); so does an axis out of range or repeated.
func Squeeze(x *Tensor, axes ...int) *Tensor {
	if len(axes) == 0 {
		for a, d := range x.Shape() {
			if d == 1 {
				axes = append(axes, a)
			}
		}
		if len(axes) == 0 {
			return x
		}
	}
	return core.Apply1(squeezeOp, AxesParams{Axes: append([]int(nil), axes...)}, x)
}

// Unsqueeze inserts axes of size 1 into x, as ONNX Unsqueeze: each axis is a position in the
// result, whose rank is x's plus the number of axes, and negative axes count from its end.
// It shares x's data. It panics with a *core.Error if no axis is given, or one is out of range
// or repeated.
func Unsqueeze(x *Tensor, axes ...int) *Tensor {
	return core.Apply1(unsqueezeOp, AxesParams{Axes: append([]int(nil), axes...)}, x)
}

// Flatten reshapes x to a matrix, as ONNX Flatten: the dimensions before axis (in [-rank, rank])
// make the rows and the rest the columns, so axis 0 gives one row and a scalar gives [1 1].
// It shares x's data. It panics with a *core.Error if the axis is out of range.
func Flatten(x *Tensor, axis int) *Tensor {
	r := x.Rank()
	if axis < -r || axis > r {
		panic(core.Errorf("flatten", "axis %d out of range for rank %d, want [%d, %d]", axis, r, -r, r))
	}
	if axis < 0 {
		axis += r
	}
	rows, cols := 1, 1
	for i, d := range x.Shape() {
		switch {
		case d == shape.Unknown && i < axis:
			rows = -1
		case d == shape.Unknown:
			cols = -1
		case i < axis && rows > 0:
			rows *= d
		case i >= axis && cols > 0:
			cols *= d
		}
	}
	if rows < 0 && cols < 0 {
		panic(core.Errorf("flatten", "%v has unknown dimensions both before and after axis %d", x.Shape(), axis))
	}
	return Reshape(x, rows, cols)
}

// FlattenBatch keeps the first (batch) axis of x and flattens the others into one, as Keras'
// Flatten layer: [N, H, W, C] becomes [N, H·W·C] and [N] becomes [N 1]. It is Flatten(x, 1) and
// panics with a *core.Error on a scalar.
func FlattenBatch(x *Tensor) *Tensor { return Flatten(x, 1) }

// SliceBounds resolves p for an input of shape s: the first index and the step along every axis
// (clamped as Slice does) and the output shape. Fast kernels use it to read params exactly as
// the reference kernel does.
func SliceBounds(p SliceParams, s shape.Shape) (starts, steps []int, out shape.Shape, err error) {
	return mvSliceBounds(p, s)
}
