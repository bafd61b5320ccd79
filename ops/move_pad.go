package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// PadMode says how the padding elements are chosen, as ONNX Pad's mode attribute.
type PadMode string

// The padding modes of ONNX Pad (opset 19). For an axis holding [a b c]:
const (
	PadConstant PadMode = "constant" // a constant value v: [v v a b c v]
	PadReflect  PadMode = "reflect"  // mirrored without repeating the edge: [c b a b c b]
	PadEdge     PadMode = "edge"     // the edge element repeated (torch's "replicate"): [a a a b c c]
	PadWrap     PadMode = "wrap"     // periodic (torch's "circular"): [b c a b c a]
)

// PadParams describes a padding of every axis. The empty PadMode is PadConstant, and nil lists
// are all zeros, so the zero value pads nothing.
type PadParams struct {
	Mode PadMode
	// Value fills the padding in constant mode, converted to the tensor's dtype.
	Value float64
	// Before and After hold, per axis, how many elements are added before the first and after the
	// last element. In constant mode a negative number removes that many elements instead,
	// as ONNX allows.
	Before, After []int
	// Interior holds, per axis, how many padding elements go between neighbouring elements
	// (constant mode only), as XLA's Pad: [a b c] with 1 is [a v b v c]. The gradient of a strided
	// slice is such a padding.
	Interior []int
}

var mvPadOp *core.Op

func init() {
	mvPadOp = core.Declare(core.Def[PadParams]{
		Name: "pad", Doc: "pad each axis in constant (with interior), reflect, edge or wrap mode (ONNX Pad, torch.nn.functional.pad)",
		DTypes: allTypes, Grad: mvGradPad,
		Infer: func(p PadParams, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 1); err != nil {
				return nil, err
			}
			_, _, _, out, err := mvPadConfig(p, in[0].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: out}}, nil
		},
	})
	registerRef(mvPadOp, allTypes, func(p PadParams, in, out []*Tensor) error {
		s := in[0].Shape()
		before, _, interior, os, _ := mvPadConfig(p, s)
		maps := make([][]int, len(s))
		for a, d := range s {
			maps[a] = ref.PadAxisMap(d, before[a], interior[a], os[a], string(mvPadMode(p.Mode)))
		}
		ref.GatherFill(out[0], in[0], tensor.Full(in[0].DType(), p.Value), ref.AxisMapIndex(s, maps))
		return nil
	})
}

func mvPadMode(m PadMode) PadMode {
	if m == "" {
		return PadConstant
	}
	return m
}

// mvPadList returns l, or zeros for nil, checking its length.
func mvPadList(name string, l []int, r int) ([]int, error) {
	if l == nil {
		return make([]int, r), nil
	}
	if len(l) != r {
		return nil, fmt.Errorf("%s has %d entries for rank %d", name, len(l), r)
	}
	return l, nil
}

// mvPadConfig checks p against shape s and returns the per-axis numbers and the output shape.
func mvPadConfig(p PadParams, s shape.Shape) (before, after, interior []int, out shape.Shape, err error) {
	mode := mvPadMode(p.Mode)
	switch mode {
	case PadConstant, PadReflect, PadEdge, PadWrap:
	default:
		return nil, nil, nil, nil, fmt.Errorf("unknown mode %q (want constant, reflect, edge or wrap)", p.Mode)
	}
	r := len(s)
	if before, err = mvPadList("Before", p.Before, r); err != nil {
		return
	}
	if after, err = mvPadList("After", p.After, r); err != nil {
		return
	}
	if interior, err = mvPadList("Interior", p.Interior, r); err != nil {
		return
	}
	out = make(shape.Shape, r)
	for a, d := range s {
		lo, hi, in := before[a], after[a], interior[a]
		if err = mvCheckPadAxis(mode, a, d, lo, hi, in); err != nil {
			return nil, nil, nil, nil, err
		}
		if d < 0 {
			out[a] = shape.Unknown
			continue
		}
		out[a] = lo + d + max(d-1, 0)*in + hi
		if out[a] < 0 {
			return nil, nil, nil, nil, fmt.Errorf("pads %d and %d on axis %d remove more than its %d elements", lo, hi, a, d+max(d-1, 0)*in)
		}
	}
	return before, after, interior, out, nil
}

func mvCheckPadAxis(mode PadMode, a, d, lo, hi, interior int) error {
	if interior < 0 {
		return fmt.Errorf("interior padding %d on axis %d is negative", interior, a)
	}
	if mode == PadConstant {
		return nil
	}
	switch {
	case interior != 0:
		return fmt.Errorf("interior padding on axis %d needs constant mode, got %s", a, mode)
	case lo < 0 || hi < 0:
		return fmt.Errorf("negative pads (%d, %d on axis %d) need constant mode, got %s", lo, hi, a, mode)
	case d < 0 || lo+hi == 0:
		return nil
	case d == 0:
		return fmt.Errorf("%s padding of axis %d needs elements, the axis is empty", mode, a)
	case mode == PadReflect && max(lo, hi) > d-1:
		return fmt.Errorf("reflect pads (%d, %d) on axis %d must be below its size %d", lo, hi, a, d)
	case mode == PadWrap && max(lo, hi) > d:
		return fmt.Errorf("wrap pads (%d, %d) on axis %d must be at most its size %d", lo, hi, a, d)
	}
	return nil
}

// mvGradPad: in constant mode the gradient crops the padding (a pad by the negated amounts) and
// takes every (interior+1)-th element, as JAX's pad transpose. In the other modes each padded
// element also feeds the gradient of the element it copies; axes are independent, so the
// gradient undoes one axis at a time.
func mvGradPad(p PadParams, in, _, g []*Tensor) []*Tensor {
	s := in[0].Shape()
	before, after, interior, _, _ := mvPadConfig(p, s)
	gx := g[0]
	if mode := mvPadMode(p.Mode); mode != PadConstant {
		for a, d := range s {
			if before[a] != 0 || after[a] != 0 {
				gx = mvPadAxisGrad(gx, a, d, before[a], after[a], mode)
			}
		}
		return []*Tensor{gx}
	}
	r := len(s)
	neg := PadParams{Before: make([]int, r), After: make([]int, r)}
	strided := SliceParams{Starts: make([]int, r), Ends: make([]int, r), Steps: make([]int, r)}
	for a := range s {
		neg.Before[a], neg.After[a] = -before[a], -after[a]
		// Every (interior+1)-th element of the cropped gradient, to its end: no size is needed,
		// so an unknown (batch) dimension works too.
		strided.Ends[a], strided.Steps[a] = math.MaxInt, interior[a]+1
	}
	return []*Tensor{Slice(PadWith(gx, neg), strided)}
}

// mvPadAxisGrad returns the gradient of padding one axis of size d by lo and hi in mode, given the
// gradient g of the padded tensor: the central part plus each padded part added onto the
// elements it was copied from.
func mvPadAxisGrad(g *Tensor, a, d, lo, hi int, mode PadMode) *Tensor {
	gx := SliceAxis(g, a, lo, lo+d, 1)
	left, right := SliceAxis(g, a, 0, lo, 1), SliceAxis(g, a, lo+d, lo+d+hi, 1)
	switch mode {
	case PadReflect: // the left part copies x[lo], ..., x[1], the right x[d-2], ..., x[d-1-hi]
		if lo > 0 {
			gx = Add(gx, PadAxis(Flip(left, a), a, 1, d-1-lo))
		}
		if hi > 0 {
			gx = Add(gx, PadAxis(Flip(right, a), a, d-1-hi, 1))
		}
	case PadEdge: // every left element copies x[0], every right one x[d-1]
		if lo > 0 {
			gx = Add(gx, PadAxis(SumKeepDims(left, a), a, 0, d-1))
		}
		if hi > 0 {
			gx = Add(gx, PadAxis(SumKeepDims(right, a), a, d-1, 0))
		}
	case PadWrap: // the left part copies x[d-lo:], the right x[:hi]
		if lo > 0 {
			gx = Add(gx, PadAxis(left, a, d-lo, 0))
		}
		if hi > 0 {
			gx = Add(gx, PadAxis(right, a, 0, d-hi))
		}
	}
	return gx
}

// Pad pads x in one of ONNX Pad's modes, with pads in ONNX's layout: the numbers added before
// each axis, then those added after each axis ([x1_begin, x2_begin, ..., x1_end, x2_end]; PyTorch's
// F.pad lists (before, after) pairs from the last axis instead). value fills constant mode.
// In constant mode a negative pad removes elements. It panics with a *core.Error if len(pads) is
// not twice the rank, or the pads do not suit the mode (reflect needs pads below the axis size,
// wrap at most the size, edge a non-empty axis; negative pads need constant mode).
func Pad(x *Tensor, mode PadMode, value float64, pads ...int) *Tensor {
	r := x.Rank()
	if len(pads) != 2*r {
		panic(core.Errorf("pad", "got %d pads for rank %d, want %d (all befores, then all afters, as ONNX)", len(pads), r, 2*r))
	}
	return PadWith(x, PadParams{Mode: mode, Value: value, Before: pads[:r], After: pads[r:]})
}

// PadWith pads x as p describes (see [PadParams]); with nothing to pad it returns x.
// It panics with a *core.Error as [Pad].
func PadWith(x *Tensor, p PadParams) *Tensor {
	q := p
	q.Before, q.After, q.Interior = mvCloneOrNil(p.Before), mvCloneOrNil(p.After), mvCloneOrNil(p.Interior)
	if mvAllZero(q.Before) && mvAllZero(q.After) && mvAllZero(q.Interior) {
		if _, _, _, _, err := mvPadConfig(q, x.Shape()); err == nil {
			return x
		}
	}
	return core.Apply1(mvPadOp, q, x)
}

// PadAxis returns x with before and after zeros added along axis (negative numbers remove
// elements instead), a constant [PadWith] on one axis.
func PadAxis(x *Tensor, axis, before, after int) *Tensor {
	a, err := shape.NormalizeAxis(axis, x.Rank())
	if err != nil {
		panic(core.Errorf("pad", "%v", err))
	}
	p := PadParams{Before: make([]int, x.Rank()), After: make([]int, x.Rank())}
	p.Before[a], p.After[a] = before, after
	return PadWith(x, p)
}

func mvCloneOrNil(l []int) []int {
	if l == nil {
		return nil
	}
	return append([]int{}, l...)
}

func mvAllZero(l []int) bool {
	for _, v := range l {
		if v != 0 {
			return false
		}
	}
	return true
}
