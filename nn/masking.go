package nn

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Masks between layers, as Keras propagates them. A model (package models) follows each value's
// mask from the layer that made it — a [Masker] such as Embedding(mask_zero) or Masking — to the
// layers after it: a [MaskedCaller] gets the masks of its inputs with CallMasked and says what
// mask its output has; a [MaskPropagator] (Dense, Activation, Dropout, the normalisation layers)
// leaves the mask of its single input to its output; any other layer ends the mask.

// MaskPropagator is implemented by layers that compute each position from that position alone,
// so their output keeps the mask of their (single) input: Keras's supports_masking.
type MaskPropagator interface {
	Layer
	SupportsMasking() bool
}

var (
	_ MaskPropagator = (*DenseLayer)(nil)
	_ MaskPropagator = (*ActivationLayer)(nil)
	_ MaskPropagator = (*DropoutLayer)(nil)
	_ MaskPropagator = (*BatchNormLayer)(nil)
	_ MaskPropagator = (*LayerNormLayer)(nil)
	_ MaskPropagator = (*GroupNormLayer)(nil)
	_ MaskPropagator = (*UnitNormLayer)(nil)
	_ MaskedCaller   = (*MergeLayer)(nil)
	_ MaskedCaller   = (*GlobalPoolLayer)(nil)
)

// SupportsMasking reports that the output keeps the input's mask.
func (l *DenseLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *ActivationLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *DropoutLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *BatchNormLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *LayerNormLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *GroupNormLayer) SupportsMasking() bool { return true }

// SupportsMasking reports that the output keeps the input's mask.
func (l *UnitNormLayer) SupportsMasking() bool { return true }

// CallMasked merges the inputs; the masks do not change the values.
func (l *MergeLayer) CallMasked(ctx Context, _ []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Call(ctx, inputs...)
}

// OutputMask returns the positions valid in every input, as Keras's merge layers: the masks
// joined with logical and; Concatenate along a masked (non-feature) axis concatenates them, an
// input without a mask counting as all valid. Dot has no output mask.
func (l *MergeLayer) OutputMask(masks []*tensor.Tensor, inputs ...*tensor.Tensor) *tensor.Tensor {
	var some *tensor.Tensor
	for _, m := range masks {
		if m != nil {
			some = m
			break
		}
	}
	if some == nil || l.kind == "dot" {
		return nil
	}
	if l.kind == "concatenate" && len(inputs) > 0 {
		axis := l.axis
		if axis < 0 {
			axis += inputs[0].Rank()
		}
		if axis < some.Rank() { // joined along an axis the masks have
			full := make([]*tensor.Tensor, len(inputs))
			for i, x := range inputs {
				full[i] = maskOrAll(masks, i, x, some.Rank())
			}
			return ops.Concat(axis, full...)
		}
	}
	var out *tensor.Tensor
	for i := range inputs {
		if i < len(masks) && masks[i] != nil {
			if out == nil {
				out = masks[i]
			} else {
				out = ops.LogicalAnd(out, masks[i])
			}
		}
	}
	return out
}

// maskOrAll returns masks[i], or an all-true mask of x's first rank dimensions.
func maskOrAll(masks []*tensor.Tensor, i int, x *tensor.Tensor, rank int) *tensor.Tensor {
	if i < len(masks) && masks[i] != nil {
		return masks[i]
	}
	lead := x
	for lead.Rank() > rank {
		lead = ops.Sum(lead, -1)
	}
	return ops.Cast(ops.OnesLike(lead), dtype.Bool)
}

// CallMasked pools as Call; GlobalAveragePooling1D averages over the valid steps only, as
// Keras's does (a sequence with no valid step gives NaN, 0/0, as there).
func (l *GlobalPoolLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if l.max || l.rank != 1 || len(masks) == 0 || masks[0] == nil {
		return l.Call(ctx, inputs...)
	}
	x := l.one(inputs)
	m := masks[0]
	if x.Rank() != 3 || m.Rank() != 2 {
		panic(l.errorf("needs an input of rank 3 and a mask of rank 2, got shapes %v and %v", x.Shape(), m.Shape()))
	}
	steps, feat := 1, 2
	if l.channelsFirst {
		steps, feat = 2, 1
	}
	w := ops.Unsqueeze(ops.Cast(m, x.DType()), feat)
	sum := ops.Sum(ops.Mul(x, w), steps)
	count := ops.Sum(w, steps)
	y := ops.Div(sum, count)
	if l.keepDims {
		y = ops.Unsqueeze(y, steps)
	}
	return l.Finish(y)
}

// OutputMask is nil: pooling over the steps removes the masked axis.
func (l *GlobalPoolLayer) OutputMask([]*tensor.Tensor, ...*tensor.Tensor) *tensor.Tensor { return nil }
