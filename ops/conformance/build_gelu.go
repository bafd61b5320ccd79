package conformance

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of gelu and its gradient op gelu_grad: the elementwise shapes of every class
// for each form (exact, tanh, and "" for exact), over [-6, 6] where both forms bend, with NaN
// and infinities (an infinite gradient times a derivative that a kernel lets cancel to 0 gives
// NaN where the reference gives ±Inf).

// geluForms are the params of both forms; "" is the exact one too.
var geluForms = []ops.GeluParams{{Approximate: "none"}, {Approximate: "tanh"}, {Approximate: ""}}

// geluBuilder returns the builder of gelu (one input) or gelu_grad (x and the gradient).
func geluBuilder(grad bool) Builder {
	e := unaryOp(within(-6, 6))
	if grad {
		e = binaryOp(within(-6, 6), values)
	}
	cases := func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, p := range geluForms {
			out = append(out, e.with(p).cases(g, dt, c)...)
		}
		return out
	}
	illegal := func(g *Gen) []Case {
		// inputs returns the op's inputs, all drawn as dt.
		inputs := func(dt dtype.DType) []*tensor.Tensor {
			in := []*tensor.Tensor{g.Values(dt, 3)}
			if grad {
				in = append(in, g.Values(dt, 3))
			}
			return in
		}
		return append(e.with(geluForms[0]).illegal(g),
			mk(ops.GeluParams{Approximate: "erf"}, inputs(dtype.Float32)...).named("unknown form"),
			mk(ops.GeluParams{}, inputs(dtype.Int32)...).named("integer input"))
	}
	return Builder{Cases: cases, Illegal: illegal}
}

func init() {
	Register("gelu", geluBuilder(false))
	Register("gelu_grad", geluBuilder(true))
}
