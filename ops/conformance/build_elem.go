package conformance

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of the elementwise ops: unary, binary and ternary, with their params and
// input domains.

// draw makes one input of an elementwise op.
type draw func(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor

// values draws Gen.Values with NaN, ±Inf and -0 among large enough float inputs.
func values(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor { return g.Specials(g.Values(dt, d...)) }

// within draws floats from [lo, hi] (with specials) and integers from Values.
func within(lo, hi float64) draw {
	return func(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
		if !dt.IsFloat() {
			return g.Values(dt, d...)
		}
		return g.Specials(g.Uniform(dt, lo, hi, d...))
	}
}

// quarters draws multiples of 1/4 in [-4, 4]: halfway cases for rounding, and ties.
func quarters(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if !dt.IsFloat() {
		return g.Values(dt, d...)
	}
	return g.Specials(g.Steps(dt, -4, 4, 4, d...))
}

// nonZero draws values without zeros, for integer divisors.
func nonZero(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	t := values(g, dt, d...)
	if dt.IsFloat() {
		return t
	}
	v := t.Int64s()
	for i := range v {
		if v[i] == 0 {
			v[i] = 1 + int64(g.Intn(5))
		}
	}
	return ints(dt, v, d...)
}

// bits draws integers over the dtype's whole range (random bools for bool), for bitwise ops
// and conversions.
func bits(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if dt.IsFloat() {
		return g.Specials(g.Uniform(dt, -300, 300, d...))
	}
	v := make([]int64, size(d))
	for i := range v {
		v[i] = int64(g.rng.Uint64())
		if dt == dtype.Bool {
			v[i] &= 1
		}
	}
	return ints(dt, v, d...) // wraps to the dtype's width
}

// elem describes an elementwise op: its params variants (cycled over the cases; nil: None) and
// how each input is drawn.
type elem struct {
	params func(dt dtype.DType) []any
	draws  []draw
	exact  bool
	terms  int
	illDT  dtype.DType // the dtype of the illegal cases; Invalid: float32
}

// none is the params of ops without parameters.
func none(dtype.DType) []any { return []any{ops.None{}} }

// variants returns a params function giving ps whatever the dtype.
func variants(ps ...any) func(dtype.DType) []any { return func(dtype.DType) []any { return ps } }

// builder returns the Builder of the elementwise op e describes.
func (e elem) builder() Builder {
	return Builder{Cases: e.cases, Illegal: e.illegal}
}

func (e elem) cases(g *Gen, dt dtype.DType, c Class) []Case {
	params := e.paramsFor(dt)
	var out []Case
	for i, shapes := range e.shapes(c) {
		inputs := make([]*tensor.Tensor, len(shapes))
		for j, s := range shapes {
			inputs[j] = e.draws[j](g, dt, s...)
		}
		out = append(out, mk(params[i%len(params)], inputs...).terms(e.terms).exactIf(e.exact))
	}
	// Every params variant at least once, on the odd class's longest shapes.
	if c == Odd {
		last := out[len(out)-1]
		for _, p := range params[min(len(out), len(params)):] {
			out = append(out, last.withParams(p))
		}
	}
	return out
}

func (e elem) paramsFor(dt dtype.DType) []any {
	if e.params == nil {
		return []any{ops.None{}}
	}
	return e.params(dt)
}

// shapes returns the input shapes of class c for e's arity.
func (e elem) shapes(c Class) [][][]int {
	var out [][][]int
	switch len(e.draws) {
	case 1:
		for _, s := range unaryShapes(c) {
			out = append(out, [][]int{s})
		}
	case 2:
		for _, s := range binaryShapes(c) {
			out = append(out, s[:])
		}
	default:
		for _, s := range ternaryShapes(c) {
			out = append(out, s[:])
		}
	}
	return out
}

// illegal gives broadcast-incompatible shapes and mixed dtypes for ops of two or more inputs.
func (e elem) illegal(g *Gen) []Case {
	if len(e.draws) < 2 {
		return nil
	}
	dt := e.firstDType()
	p := e.paramsFor(dt)[0]
	mkN := func(a, b []int, dtb dtype.DType) Case {
		inputs := []*tensor.Tensor{e.draws[0](g, dt, a...), e.draws[1](g, dtb, b...)}
		for j := 2; j < len(e.draws); j++ {
			inputs = append(inputs, e.draws[j](g, dt, a...))
		}
		return mk(p, inputs...)
	}
	other := dtype.Float64
	if dt == dtype.Float64 {
		other = dtype.Float32
	}
	return []Case{
		mkN(dims{3}, dims{4}, dt).named("shapes do not broadcast"),
		mkN(dims{2, 3}, dims{3, 2}, dt).named("shapes do not broadcast"),
		mkN(dims{3}, dims{3}, other).named("dtypes differ"),
	}
}

// firstDType is the dtype illegal cases use.
func (e elem) firstDType() dtype.DType {
	if e.illDT == dtype.Invalid {
		return dtype.Float32
	}
	return e.illDT
}

func unaryOp(d draw) elem         { return elem{draws: []draw{d}} }
func binaryOp(x, y draw) elem     { return elem{draws: []draw{x, y}} }
func (e elem) exactly() elem      { e.exact = true; return e }
func (e elem) amplify(n int) elem { e.terms = n; return e }
func (e elem) with(p ...any) elem {
	e.params = variants(p...)
	return e
}

// The elementwise ops by input domain. exactly marks ops that select or round, which every
// kernel must match bit for bit (NaN for NaN, -0 for -0); amplify widens float tolerances for
// ill-conditioned functions, whose error grows with the slope (tan near ±π/2, asin near ±1).
func init() {
	for name, e := range map[string]elem{
		"neg": unaryOp(values).exactly(), "abs": unaryOp(values).exactly(), "sign": unaryOp(values).exactly(),
		"relu":  unaryOp(values).exactly(),
		"floor": unaryOp(quarters).exactly(), "ceil": unaryOp(quarters).exactly(),
		"round": unaryOp(quarters).exactly(), "trunc": unaryOp(quarters).exactly(),
		"exp": unaryOp(within(-5, 5)), "expm1": unaryOp(within(-3, 3)),
		"log": unaryOp(within(0, 5)), "log1p": unaryOp(within(-0.99, 4)), "sqrt": unaryOp(within(0, 5)),
		"tanh": unaryOp(within(-5, 5)), "sigmoid": unaryOp(within(-8, 8)), "erf": unaryOp(within(-3, 3)),
		"sin": unaryOp(within(-6, 6)), "cos": unaryOp(within(-6, 6)), "tan": unaryOp(within(-1.4, 1.4)).amplify(8),
		"asin": unaryOp(within(-1, 1)).amplify(2), "acos": unaryOp(within(-1, 1)).amplify(2), "atan": unaryOp(within(-5, 5)),
		"sinh": unaryOp(within(-4, 4)), "cosh": unaryOp(within(-4, 4)), "asinh": unaryOp(within(-5, 5)),
		"acosh": unaryOp(within(1, 6)).amplify(2), "atanh": unaryOp(within(-0.99, 0.99)).amplify(2),
		"softplus": unaryOp(within(-30, 30)).with(ops.SoftplusParams{Beta: 1, Threshold: 20},
			ops.SoftplusParams{Beta: 2, Threshold: 20}, ops.SoftplusParams{Beta: -0.5, Threshold: math.Inf(1)}),
		"isnan": unaryOp(values).exactly(), "isinf": unaryOp(values).exactly().with(
			ops.IsInfParams{DetectPositive: true, DetectNegative: true}, ops.IsInfParams{DetectPositive: true},
			ops.IsInfParams{DetectNegative: true}, ops.IsInfParams{}),
		"logical_not": unaryOp(values).exactly(), "bitwise_not": unaryOp(bits).exactly(),

		"add": binaryOp(values, values), "sub": binaryOp(values, values), "mul": binaryOp(values, values),
		"div":     binaryOp(values, nonZero),
		"maximum": binaryOp(values, values).exactly(), "minimum": binaryOp(values, values).exactly(),
		"relu_grad": binaryOp(values, values).exactly(),
		"pow":       {draws: []draw{powBase, powExp}, terms: 4},
		"floor_div": binaryOp(quarters, nonZero).amplify(2), "atan2": binaryOp(values, values),
		"mod": binaryOp(quarters, nonZero).amplify(2).with(ops.ModParams{}, ops.ModParams{Fmod: true}),
		"compare": binaryOp(quarters, quarters).exactly().with(ops.CompareParams{Kind: "eq"}, ops.CompareParams{Kind: "ne"},
			ops.CompareParams{Kind: "lt"}, ops.CompareParams{Kind: "le"}, ops.CompareParams{Kind: "gt"}, ops.CompareParams{Kind: "ge"}),
		"logical": elem{draws: []draw{values, values}, exact: true, illDT: dtype.Bool}.with(ops.LogicalParams{Kind: "and"}, ops.LogicalParams{Kind: "or"},
			ops.LogicalParams{Kind: "xor"}),
		"bitwise": {draws: []draw{bits, shiftCounts}, exact: true, params: bitwiseKinds, illDT: dtype.Int32},
		"where":   {draws: []draw{bools, values, values}, exact: true},
	} {
		Register(name, e.builder())
	}
	Register("cast", Builder{Cases: castCases})
	Register("fill_like", Builder{Cases: fillLikeCases})
	Register("dropout", Builder{Cases: dropoutCases, Illegal: dropoutIllegal})
	Register("clip", Builder{Cases: clipCases, Illegal: elem{draws: []draw{quarters, quarters, quarters},
		params: variants(ops.ClipParams{HasMin: true, HasMax: true})}.illegal})
}

// powBase draws bases: positive reals, or small integers (non-negative for uint8).
func powBase(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if dt.IsFloat() {
		return g.Specials(g.Uniform(dt, 0, 3, d...))
	}
	return g.intRange(dt, -4*btoi(dt.IsSigned()), 4, d...)
}

// powExp draws exponents: reals in [-3, 3], or integers in [0, 5] (negative integer exponents
// are an error).
func powExp(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if dt.IsFloat() {
		return g.Steps(dt, -3, 3, 2, d...)
	}
	return g.intRange(dt, 0, 5, d...)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// shiftCounts draws bitwise right operands: shift counts from -1 to the width + 1 (out-of-range
// counts are defined), or full-range bits for bool.
func shiftCounts(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if dt == dtype.Bool {
		return bits(g, dt, d...)
	}
	return g.intRange(dt, -btoi(dt.IsSigned()), 8*dt.Size()+1, d...)
}

// bitwiseKinds are the bitwise ops of dt: shifts need integers.
func bitwiseKinds(dt dtype.DType) []any {
	ks := []any{ops.BitwiseParams{Kind: "and"}, ops.BitwiseParams{Kind: "or"}, ops.BitwiseParams{Kind: "xor"}}
	if dt != dtype.Bool {
		ks = append(ks, ops.BitwiseParams{Kind: "left_shift"}, ops.BitwiseParams{Kind: "right_shift"})
	}
	return ks
}

// bools draws conditions.
func bools(g *Gen, _ dtype.DType, d ...int) *tensor.Tensor { return g.Uniform(dtype.Bool, 0, 1, d...) }

// clipCases are the elementwise cases with both bounds, then each bound alone, lower bounds
// above upper ones included (every result is then the upper bound).
func clipCases(g *Gen, dt dtype.DType, c Class) []Case {
	e := elem{draws: []draw{quarters, quarters, quarters}, exact: true, params: variants(ops.ClipParams{HasMin: true, HasMax: true})}
	out := e.cases(g, dt, c)
	for _, s := range unaryShapes(c)[:1] {
		x := quarters(g, dt, s...)
		out = append(out,
			mk(ops.ClipParams{HasMin: true}, x, quarters(g, dt)).exact(),
			mk(ops.ClipParams{HasMax: true}, x, quarters(g, dt, s...)).exact(),
			mk(ops.ClipParams{}, x).exact())
	}
	return out
}

// castCases convert every dtype to every dtype, over the whole integer range and reals past
// the integer types' bounds.
func castCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range unaryShapes(c) {
		x := bits(g, dt, s...)
		targets := dtype.All
		if c != Odd {
			targets = []dtype.DType{dtype.All[i%len(dtype.All)], dtype.Float32}
		}
		for _, to := range targets {
			out = append(out, mk(ops.CastParams{DType: to}, x).exact())
		}
	}
	return out
}

func fillLikeCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range unaryShapes(c) {
		v := []float64{0, 1, -2.5, math.NaN(), 300}[i%5]
		out = append(out, mk(ops.FillLikeParams{Value: v}, values(g, dt, s...)).exact())
	}
	return out
}

// dropoutCases cover rates 0, 1 and between, with and without the step input.
func dropoutCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range unaryShapes(c) {
		p := ops.DropoutParams{Rate: []float64{0.3, 0, 1, 0.5}[i%4], Seed: uint64(7 + i), Step: uint64(i)}
		x := values(g, dt, s...)
		out = append(out, mk(p, x), mk(p, x, g.intRange(indexTypes[i%2], 0, 9)))
	}
	return out
}

func dropoutIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 4)
	return []Case{
		mk(ops.DropoutParams{Rate: 1.5}, x).named("rate above 1"),
		mk(ops.DropoutParams{Rate: math.NaN()}, x).named("NaN rate"),
		mk(ops.DropoutParams{Rate: 0.5}, x, g.Values(dtype.Float32)).named("float step"),
		mk(ops.DropoutParams{Rate: 0.5}, x, g.intRange(dtype.Int64, 0, 3, 2)).named("step not a scalar"),
		mk(ops.DropoutParams{Rate: 0.5}, x, scalarOf(dtype.Int64), scalarOf(dtype.Int64)).named("three inputs"),
	}
}
