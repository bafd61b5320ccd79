package nn

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// MergeLayer is one of Keras's merging layers: Add, Subtract, Multiply, Average, Maximum,
// Minimum, Concatenate and Dot. Inputs broadcast against each other (NumPy rules).
type MergeLayer struct {
	Base
	kind      string
	axis      int
	dotAxes   []int
	normalize bool
}

func newMerge(class, defName, kind string, opts []Option, keys ...string) *MergeLayer {
	o := parse(class, opts, keys...)
	l := &MergeLayer{kind: kind, normalize: o.normalize}
	l.initBase(class, defName, o)
	return l
}

// Add returns Keras's Add layer: the sum of its inputs.
func Add(opts ...Option) *MergeLayer { return newMerge("Add", "add", "add", opts) }

// Subtract returns Keras's Subtract layer: its first input minus its second (exactly two).
func Subtract(opts ...Option) *MergeLayer { return newMerge("Subtract", "subtract", "subtract", opts) }

// Multiply returns Keras's Multiply layer: the elementwise product of its inputs.
func Multiply(opts ...Option) *MergeLayer { return newMerge("Multiply", "multiply", "multiply", opts) }

// Average returns Keras's Average layer: the elementwise mean of its inputs.
func Average(opts ...Option) *MergeLayer { return newMerge("Average", "average", "average", opts) }

// Maximum returns Keras's Maximum layer: the elementwise maximum of its inputs.
func Maximum(opts ...Option) *MergeLayer { return newMerge("Maximum", "maximum", "maximum", opts) }

// Minimum returns Keras's Minimum layer: the elementwise minimum of its inputs.
func Minimum(opts ...Option) *MergeLayer { return newMerge("Minimum", "minimum", "minimum", opts) }

// Concatenate returns Keras's Concatenate layer: its inputs joined along the axis (WithAxis,
// default -1).
func Concatenate(opts ...Option) *MergeLayer {
	l := newMerge("Concatenate", "concatenate", "concatenate", opts, "axis")
	o := parse("Concatenate", opts, "axis")
	l.axis = -1
	if len(o.axis) == 1 {
		l.axis = o.axis[0]
	} else if o.axis != nil {
		panic(l.errorf("takes one axis, got %v", o.axis))
	}
	return l
}

// Dot returns Keras's Dot layer: the batched dot product of two inputs along axes (one for both
// or one per input; the batch axis 0 cannot be one), as keras.ops.batch_dot: [batch, n]·[batch, n]
// gives [batch, 1]; [batch, m, n]·[batch, n, p] with axes (2, 1) gives [batch, m, p].
// WithNormalize(true) L2-normalises both along their axes first, giving cosine similarities.
func Dot(axes []int, opts ...Option) *MergeLayer {
	l := newMerge("Dot", "dot", "dot", opts, "normalize")
	if len(axes) != 1 && len(axes) != 2 {
		panic(l.errorf("axes must have 1 or 2 values, got %v", axes))
	}
	l.dotAxes = append([]int{}, axes...)
	return l
}

// Call merges the inputs.
func (l *MergeLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) < 1 || (l.kind == "subtract" || l.kind == "dot") && len(inputs) != 2 {
		panic(l.errorf("got %d inputs", len(inputs)))
	}
	switch l.kind {
	case "subtract":
		return l.Finish(ops.Sub(inputs[0], inputs[1]))
	case "concatenate":
		return l.Finish(ops.Concat(l.axis, inputs...))
	case "dot":
		return l.Finish(l.dot(inputs[0], inputs[1]))
	}
	y := inputs[0]
	for _, x := range inputs[1:] {
		switch l.kind {
		case "add", "average":
			y = ops.Add(y, x)
		case "multiply":
			y = ops.Mul(y, x)
		case "maximum":
			y = ops.Maximum(y, x)
		case "minimum":
			y = ops.Minimum(y, x)
		}
	}
	if l.kind == "average" {
		y = ops.MulScalar(y, 1/float64(len(inputs)))
	}
	return l.Finish(y)
}

func (l *MergeLayer) dot(a, b *tensor.Tensor) *tensor.Tensor {
	ax, bx := l.dotAxes[0], l.dotAxes[len(l.dotAxes)-1]
	if ax < 0 {
		ax += a.Rank()
	}
	if bx < 0 {
		bx += b.Rank()
	}
	if ax <= 0 || ax >= a.Rank() || bx <= 0 || bx >= b.Rank() {
		panic(l.errorf("axes %v do not fit inputs of shapes %v and %v", l.dotAxes, a.Shape(), b.Shape()))
	}
	if l.normalize {
		a, b = l2normalize(a, ax), l2normalize(b, bx)
	}
	y := ops.DotGeneral(a, b, ops.DotDims{LhsContracting: []int{ax}, RhsContracting: []int{bx},
		LhsBatch: []int{0}, RhsBatch: []int{0}})
	if y.Rank() == 1 {
		y = ops.Unsqueeze(y, 1)
	}
	return y
}

// l2normalize is x / sqrt(max(Σx², 1e-12)) along axis, as keras.ops.normalize.
func l2normalize(x *tensor.Tensor, axis int) *tensor.Tensor {
	sq := ops.SumKeepDims(ops.Square(x), axis)
	return ops.Mul(x, ops.Rsqrt(ops.Maximum(sq, ops.FullLike(sq, 1e-12))))
}

// Config returns the axis of Concatenate and the axes and normalize of Dot.
func (l *MergeLayer) Config() map[string]any {
	c := l.baseConfig()
	switch l.kind {
	case "concatenate":
		c["axis"] = l.axis
	case "dot":
		c["axes"], c["normalize"] = l.dotAxes, l.normalize
	}
	return c
}
