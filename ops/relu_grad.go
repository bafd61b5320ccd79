package ops

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/tensor"
)

// The rectifier's gradient as one elementwise primitive. Written as the composition
// Where(LessEqual(x, 0), 0, g) it makes two passes and a boolean temporary as large as x, and
// in a small convolutional network's train step it costs more than the rectifier itself.

var reluGradOp *core.Op

func init() {
	reluGradOp = core.Declare(core.Def[None]{
		Name: "relu_grad", Doc: "g where x > 0 or x is NaN, else +0, with broadcasting: the gradient of relu (no ONNX op; torch threshold_backward with threshold 0)",
		Infer: inferBinary, DTypes: numericTypes, Elementwise: true,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			// Linear in g with the mask of x, which is piecewise constant: the gradient with
			// respect to g is the same mask applied to the incoming gradient, and zero for x.
			return []*Tensor{ZerosLike(in[0]), sumTo(ReluGrad(in[0], g[0]), in[1].Shape())}
		},
	})
	registerRef(reluGradOp, numericTypes, reluGradRef)
}

// reluGradRef is the composition it replaces: a mask of x <= 0, then a selection of +0 or the
// bits of g.
func reluGradRef(_ None, in, out []*Tensor) error {
	mask := tensor.New(dtype.Bool, out[0].Shape())
	le := func(v bool) int64 {
		if v {
			return 1
		}
		return 0
	}
	if in[0].DType().IsFloat() {
		ref.Binary(mask, in[0], in[1], func(x, _ float64) int64 { return le(x <= 0) })
	} else {
		ref.Binary(mask, in[0], in[1], func(x, _ int64) int64 { return le(x <= 0) })
	}
	ref.Select(out[0], mask, tensor.Zeros(in[1].DType()), in[1])
	return nil
}

// ReluGrad returns the gradient g of [Relu] at x: +0 where x <= 0 (−0 included), g elsewhere
// (NaN x passes g through), with NumPy broadcasting of x and g. It gives the values of
// Where(LessEqual(x, 0), 0, g) bit for bit, in one pass. It panics with a *core.Error if the
// dtypes differ, are not numeric, or the shapes do not broadcast.
func ReluGrad(x, g *Tensor) *Tensor { return core.Apply1(reluGradOp, None{}, x, g) }
