package conformance

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of the fused optimizer updates.

func init() {
	Register("adam_update", Builder{Cases: adamUpdateCases, Illegal: adamUpdateIllegal})
}

// adamUpdateCases draw a variable, gradient and first moment with specials, a non-negative
// second moment, and step sizes of a first step and a late one.
func adamUpdateCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range unaryShapes(c) {
		p := ops.AdamUpdateParams{Beta1: 0.9, Beta2: 0.999, Epsilon: []float64{1e-7, 0, 1e-3}[i%3]}
		alpha := tensor.Full(dt, []float64{1e-3, 0.0316, 0.5}[i%3])
		out = append(out, mk(p, values(g, dt, s...), values(g, dt, s...), values(g, dt, s...),
			g.Uniform(dt, 0, 2, s...), alpha).exact())
	}
	return out
}

func adamUpdateIllegal(g *Gen) []Case {
	p := ops.AdamUpdateParams{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}
	x, a := g.Values(dtype.Float32, 4), g.Values(dtype.Float32)
	return []Case{
		mk(p, x, x, x, g.Values(dtype.Float32, 5), a).named("shapes differ"),
		mk(p, x, x, x, x, g.Values(dtype.Float32, 1)).named("step size not a scalar"),
		mk(p, x, x, x, x, g.Values(dtype.Float64)).named("dtypes differ"),
		mk(ops.AdamUpdateParams{Beta1: math.NaN()}, x, x, x, x, a).named("NaN beta"),
		mk(p, g.Values(dtype.Float16, 4), g.Values(dtype.Float16, 4), g.Values(dtype.Float16, 4),
			g.Values(dtype.Float16, 4), g.Values(dtype.Float16)).named("float16"),
	}
}
