package nn

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// reshapeBatch returns x reshaped to [batch, dims...], keeping its batch dimension (which may be
// unknown while tracing); dims must be known and hold as many elements as an example of x.
//
// It uses ops.Reshape with -1 for the batch. While the reshape op's shape inference cannot infer
// -1 for an input with an unknown dimension, it falls back to ops.ReshapeLike with a "like"
// tensor of shape [batch, dims...] made from x without any reshape (slices and a reduction to
// [batch], then one one-hot per dimension, each adding a trailing axis); that costs a few small
// ops and a uint8 tensor of the output's size, in traced graphs only.
// TODO: drop the fallback once ops.Reshape infers -1 with an unknown batch dimension.
func reshapeBatch(x *tensor.Tensor, dims ...int) *tensor.Tensor {
	target := append([]int{-1}, dims...)
	if x.Size() >= 0 {
		return ops.Reshape(x, target...)
	}
	var out *tensor.Tensor
	if core.Catch(func() { out = ops.Reshape(x, target...) }) == nil {
		return out
	}
	for _, d := range x.Shape()[1:] {
		if d < 0 {
			panic(core.Errorf("nn", "cannot reshape %v to (None, %v): only the batch dimension may be unknown", x.Shape(), dims))
		}
	}
	like := autodiffFree(x)
	for _, d := range dims {
		like = ops.OneHot(like, d, dtype.Uint8)
	}
	return ops.ReshapeLike(x, like)
}

// autodiffFree returns uint8 zeros of shape [batch] computed from x's first elements.
func autodiffFree(x *tensor.Tensor) *tensor.Tensor {
	first := x
	axes := make([]int, 0, x.Rank()-1)
	for i := 1; i < x.Rank(); i++ {
		first = ops.SliceAxis(first, i, 0, 1, 1)
		axes = append(axes, i)
	}
	if len(axes) > 0 {
		first = ops.Sum(first, axes...)
	}
	return ops.ZerosLike(ops.Cast(first, dtype.Uint8))
}

// expandAxis inserts an axis of size 1 at position axis (>= 1) of x, keeping an unknown batch.
func expandAxis(x *tensor.Tensor, axis int) *tensor.Tensor {
	dims := append([]int{}, x.Shape()[1:]...)
	if axis < 0 {
		axis += x.Rank() + 1
	}
	dims = append(dims[:axis-1], append([]int{1}, dims[axis-1:]...)...)
	return reshapeBatch(x, dims...)
}
