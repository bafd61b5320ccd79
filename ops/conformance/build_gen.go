package conformance

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
)

// Case builders of the ops that make tensors from params (fill, range and the seeded random
// ops) and of the random ops with inputs (bernoulli, categorical). Random results must match
// the reference too: every kernel draws the same numbers from the same seed.

func init() {
	Register("fill", Builder{Cases: fillCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.FillParams{DType: dtype.Float32, Shape: dims{-1}}).named("negative dimension"),
			mk(ops.FillParams{Shape: dims{2}}).named("invalid dtype")}
	}})
	Register("range", Builder{Cases: rangeCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.RangeParams{Start: 0, Limit: 3, Delta: 0, DType: dtype.Float32}).named("delta 0"),
			mk(ops.RangeParams{Start: 0.5, Limit: 3, Delta: 1, DType: dtype.Int32}).named("fractional start"),
			mk(ops.RangeParams{Start: 0, Limit: math.Inf(1), Delta: 1, DType: dtype.Float32}).named("infinite limit"),
			mk(ops.RangeParams{Start: 0, Limit: 3, Delta: 1, DType: dtype.Bool}).named("bool")}
	}})
	Register("random_uniform", Builder{Cases: uniformCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.UniformParams{DType: dtype.Float32, Shape: dims{2}, Low: 1, High: 1}).named("empty range"),
			mk(ops.UniformParams{DType: dtype.Int8, Shape: dims{2}, Low: 0, High: 300}).named("beyond int8"),
			mk(ops.UniformParams{DType: dtype.Int32, Shape: dims{2}, Low: 0.5, High: 3}).named("fractional bound"),
			mk(ops.UniformParams{DType: dtype.Bool, Shape: dims{2}, Low: 0, High: 1}).named("bool")}
	}})
	normalIllegal := func(g *Gen) []Case {
		return []Case{mk(ops.NormalParams{DType: dtype.Float32, Shape: dims{2}, Stddev: -1}).named("negative stddev"),
			mk(ops.NormalParams{DType: dtype.Int32, Shape: dims{2}, Stddev: 1}).named("integer dtype"),
			mk(ops.NormalParams{DType: dtype.Float32, Shape: dims{2}, Mean: math.NaN(), Stddev: 1}).named("NaN mean")}
	}
	Register("random_normal", Builder{Cases: normalCases, Illegal: normalIllegal})
	Register("random_truncated_normal", Builder{Cases: normalCases, Illegal: normalIllegal})
	Register("random_permutation", Builder{Cases: permutationCases, Illegal: func(g *Gen) []Case {
		return []Case{mk(ops.PermutationParams{N: -1, DType: dtype.Int64}).named("negative n"),
			mk(ops.PermutationParams{N: 3, DType: dtype.Float32}).named("float dtype")}
	}})
	Register("bernoulli", Builder{Cases: bernoulliCases, Illegal: func(g *Gen) []Case {
		p := g.Uniform(dtype.Float32, 0, 1, 3)
		return []Case{mk(ops.BernoulliParams{DType: dtype.Float32, Shape: dims{2}}, p).named("no broadcast"),
			mk(ops.BernoulliParams{DType: dtype.Float32}, g.intRange(dtype.Int32, 0, 1, 3)).named("integer probabilities")}
	}})
	Register("categorical", Builder{Cases: categoricalCases, Illegal: func(g *Gen) []Case {
		l := g.Values(dtype.Float32, 2, 3)
		return []Case{mk(ops.CategoricalParams{NumSamples: 2, DType: dtype.Float32}, l).named("float result"),
			mk(ops.CategoricalParams{NumSamples: -1, DType: dtype.Int64}, l).named("negative samples"),
			mk(ops.CategoricalParams{NumSamples: 2, DType: dtype.Int64}, g.Values(dtype.Float32, 3)).named("rank 1"),
			mk(ops.CategoricalParams{NumSamples: 2, DType: dtype.Int64}, g.Values(dtype.Float32, 2, 0)).named("no classes")}
	}})
}

func fillCases(_ *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range unaryShapes(c) {
		v := []float64{0, 1.5, -3, math.NaN(), 1e6, math.Inf(-1)}[i%6]
		out = append(out, mk(ops.FillParams{DType: dt, Shape: s, Value: v}).exact())
	}
	return out
}

func rangeCases(_ *Gen, dt dtype.DType, c Class) []Case {
	frac := dt.IsFloat()
	var rows [][3]float64 // start, count, delta
	switch c {
	case Scalar:
		rows = [][3]float64{{3, 1, 1}}
	case Empty:
		rows = [][3]float64{{5, 0, 1}, {0, 0, -1}}
	case Broadcast:
		return nil
	case Odd:
		for _, n := range oddSizes {
			rows = append(rows, [3]float64{-3, float64(n), 2}, [3]float64{10, float64(n), -1})
		}
	default:
		rows = [][3]float64{{-7, LargeSize, 3}}
	}
	var out []Case
	for _, row := range rows {
		start, n, delta := row[0], row[1], row[2]
		if frac {
			start, delta = start/4, delta/8
		}
		p := ops.RangeParams{Start: start, Limit: start + (n-0.5)*delta, Delta: delta, DType: dt}
		out = append(out, mk(p).exactIf(!dt.IsFloat()).terms(2))
	}
	return out
}

// genShapes returns the shapes of made tensors: the unary shapes, without the broadcast ones.
func genShapes(c Class) [][]int {
	if c == Broadcast {
		return nil
	}
	return unaryShapes(c)
}

func uniformCases(_ *Gen, dt dtype.DType, c Class) []Case {
	lo, hi := -3.0, 5.0
	switch dt {
	case dtype.Uint8:
		lo, hi = 0, 256
	case dtype.Int8:
		lo, hi = -128, 128
	case dtype.Int32:
		lo, hi = -1<<31, 1<<31
	case dtype.Int64:
		lo, hi = -1<<40, 1<<50
	}
	var out []Case
	for i, s := range genShapes(c) {
		p := ops.UniformParams{Seed: uint64(11 * (i + 1)), DType: dt, Shape: s, Low: lo, High: hi}
		out = append(out, mk(p).exactIf(!dt.IsFloat()).terms(2))
	}
	return out
}

func normalCases(_ *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range genShapes(c) {
		p := ops.NormalParams{Seed: uint64(13 * (i + 1)), DType: dt, Shape: s, Mean: float64(i) - 1, Stddev: 0.5 * float64(i%3)}
		out = append(out, mk(p).terms(4))
	}
	return out
}

func permutationCases(_ *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range genShapes(c) {
		out = append(out, mk(ops.PermutationParams{Seed: uint64(17 * (i + 1)), N: size(s), DType: dt}).exact())
	}
	return out
}

func bernoulliCases(g *Gen, dt dtype.DType, c Class) []Case {
	type row struct{ p, shape []int }
	var rows []row
	switch c {
	case Scalar:
		rows = []row{{dims{}, nil}, {dims{}, dims{5}}}
	case Empty:
		rows = []row{{dims{0}, nil}, {dims{3, 1}, dims{3, 0}}}
	case Broadcast:
		rows = []row{{dims{1, 3}, dims{4, 3}}, {dims{4, 1}, dims{2, 4, 5}}}
	case Odd:
		for _, n := range oddSizes {
			rows = append(rows, row{dims{n}, nil})
		}
	default:
		rows = []row{{dims{LargeSize}, nil}}
	}
	var out []Case
	for i, r := range rows {
		p := ops.BernoulliParams{Seed: uint64(19 * (i + 1)), DType: dtype.All[i%len(dtype.All)], Shape: r.shape}
		out = append(out, mk(p, g.Steps(dt, 0, 1, 8, r.p...)).exact())
	}
	return out
}

func categoricalCases(g *Gen, dt dtype.DType, c Class) []Case {
	type row struct{ batch, classes, samples int }
	var rows []row
	switch c {
	case Scalar:
		rows = []row{{1, 1, 1}}
	case Empty:
		rows = []row{{0, 3, 2}, {2, 3, 0}}
	case Broadcast:
		rows = []row{{1, 5, 3}}
	case Odd:
		for _, n := range oddSizes {
			rows = append(rows, row{3, n, 7})
		}
	default:
		rows = []row{{16, 1025, 4}}
	}
	var out []Case
	for i, r := range rows {
		p := ops.CategoricalParams{Seed: uint64(23 * (i + 1)), NumSamples: r.samples, DType: []dtype.DType{dtype.Int64, dtype.Int32}[i%2]}
		out = append(out, mk(p, g.Uniform(dt, -3, 3, r.batch, r.classes)).exact())
	}
	return out
}
