package conformance

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
)

// Case builders of the random ops that take their shape from a tensor and their step from an
// optional tensor (random_normal_like). Every kernel draws the reference's numbers from the same
// seed and step, so results must match exactly.

func init() {
	Register("random_normal_like", Builder{Cases: normalLikeCases, Illegal: normalLikeIllegal})
}

// normalLikeCases draw with and without the step input (of every integer dtype), with several
// means and deviations (0 among them); x's values, NaN included, are not read. The odd class
// adds a negative step, which every kernel must report.
func normalLikeCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range unaryShapes(c) {
		p := ops.NormalLikeParams{Seed: uint64(29 * (i + 1)), Step: uint64(i), Mean: float64(i%3) - 1, Stddev: []float64{1, 0.5, 0, 3}[i%4]}
		x := values(g, dt, s...)
		out = append(out, mk(p, x).exact(), mk(p, x, g.intRange(indexTypes[i%len(indexTypes)], 0, 9)).exact())
	}
	if c == Odd {
		out = append(out, mk(ops.NormalLikeParams{Stddev: 1}, values(g, dt, 7), g.intRange(dtype.Int32, -3, -1)).wantErr().named("negative step"))
	}
	return out
}

func normalLikeIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 4)
	return []Case{
		mk(ops.NormalLikeParams{Stddev: -1}, x).named("negative stddev"),
		mk(ops.NormalLikeParams{Mean: math.NaN(), Stddev: 1}, x).named("NaN mean"),
		mk(ops.NormalLikeParams{Stddev: math.Inf(1)}, x).named("infinite stddev"),
		mk(ops.NormalLikeParams{Stddev: 1}, g.intRange(dtype.Int32, 0, 3, 4)).named("integer x"),
		mk(ops.NormalLikeParams{Stddev: 1}, x, g.Values(dtype.Float32)).named("float step"),
		mk(ops.NormalLikeParams{Stddev: 1}, x, g.intRange(dtype.Int64, 0, 3, 2)).named("step not a scalar"),
		mk(ops.NormalLikeParams{Stddev: 1}, x, scalarOf(dtype.Int64), scalarOf(dtype.Int64)).named("three inputs"),
	}
}
