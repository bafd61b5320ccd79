package conformance

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of the reductions and of the ops along one axis: running sums and products,
// arg-reductions, softmax and size.

// reduceOp describes a reduction over axes with ReduceParams.
type reduceOp struct {
	draw     draw
	nonEmpty bool // the op has no identity: empty inputs are illegal
	exact    bool
}

func (o reduceOp) builder() Builder {
	return Builder{Cases: o.cases, Illegal: o.illegal}
}

func (o reduceOp) cases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for _, s := range reduceShapes(c) {
		if o.nonEmpty && size(s.dims) == 0 {
			continue
		}
		p := ops.ReduceParams{Axes: s.axes, KeepDims: s.keep}
		out = append(out, mk(p, o.draw(g, dt, s.dims...)).terms(reducedCount(s.dims, s.axes)).exactIf(o.exact))
	}
	return out
}

func (o reduceOp) illegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	out := []Case{
		mk(ops.ReduceParams{Axes: dims{2}}, x).named("axis out of range"),
		mk(ops.ReduceParams{Axes: dims{-3}}, x).named("axis out of range"),
		mk(ops.ReduceParams{Axes: dims{0, -2}}, x).named("axis repeated"),
	}
	if o.nonEmpty {
		out = append(out, mk(ops.ReduceParams{Axes: dims{1}}, g.Values(dtype.Float32, 3, 0)).named("empty"),
			mk(ops.ReduceParams{}, g.Values(dtype.Float32, 0)).named("empty"))
	}
	return out
}

// axisOp describes an op along one axis whose params come from the axis, a keep flag and the
// case number.
type axisOp struct {
	draw   draw
	params func(axis int, keep bool, i int) any
	// nonEmptyAxis marks ops for which an empty axis is illegal.
	nonEmptyAxis bool
	exact        bool
	terms        bool // results fold the whole axis
}

func (o axisOp) builder() Builder { return Builder{Cases: o.cases, Illegal: o.illegal} }

func (o axisOp) cases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range axisShapes(c) {
		a := s.axes[0]
		if a < 0 {
			a += len(s.dims)
		}
		if o.nonEmptyAxis && s.dims[a] == 0 {
			continue
		}
		cs := mk(o.params(s.axes[0], s.keep, i), o.draw(g, dt, s.dims...)).exactIf(o.exact)
		if o.terms {
			cs = cs.terms(s.dims[a])
		}
		out = append(out, cs)
	}
	return out
}

func (o axisOp) illegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	out := []Case{
		mk(o.params(2, false, 0), x).named("axis out of range"),
		mk(o.params(-3, false, 0), x).named("axis out of range"),
		mk(o.params(0, false, 0), g.Values(dtype.Float32)).named("scalar"),
	}
	if o.nonEmptyAxis {
		out = append(out, mk(o.params(1, false, 0), g.Values(dtype.Float32, 3, 0)).named("empty axis"))
	}
	return out
}

// ties draws values with many ties (and NaN, ±Inf, -0 among floats), for arg-reductions and
// sorting; bools for bool.
func ties(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if dt == dtype.Bool {
		return g.Values(dt, d...)
	}
	return g.Specials(g.Steps(dt, 0, 4, 2, d...))
}

// nearOne draws factors close to 1 (small integers), so long products neither overflow nor
// vanish too soon. Long inputs get no specials: a product that vanishes in float32 before it
// meets an infinity is NaN there and infinite in float64, and both are right.
func nearOne(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	if dt.IsFloat() && size(d) > 1024 {
		return g.Uniform(dt, 0.9, 1.1, d...)
	}
	if dt.IsFloat() {
		return g.Specials(g.Uniform(dt, 0.9, 1.1, d...))
	}
	return g.intRange(dt, -2*btoi(dt.IsSigned()), 2, d...)
}

// zeroish draws mostly zeros, for any and all.
func zeroish(g *Gen, dt dtype.DType, d ...int) *tensor.Tensor {
	v := make([]float64, size(d))
	for i := range v {
		if g.Intn(8) == 0 {
			v[i] = float64(1 + g.Intn(3))
		}
	}
	return g.Specials(fromFloat64s(dt, v, d))
}

func init() {
	for name, o := range map[string]reduceOp{
		"reduce_sum": {draw: values}, "reduce_prod": {draw: nearOne},
		"reduce_max": {draw: ties, nonEmpty: true, exact: true}, "reduce_min": {draw: ties, nonEmpty: true, exact: true},
		"reduce_any": {draw: zeroish, exact: true}, "reduce_all": {draw: zeroish, exact: true},
	} {
		Register(name, o.builder())
	}
	arg := func(axis int, keep bool, i int) any {
		return ops.ArgParams{Axis: axis, KeepDims: keep, SelectLastIndex: i%3 == 2}
	}
	cum := func(axis int, _ bool, i int) any {
		return ops.CumParams{Axis: axis, Exclusive: i%2 == 1, Reverse: i%4 >= 2}
	}
	soft := func(axis int, _ bool, _ int) any { return ops.SoftmaxParams{Axis: axis} }
	for name, o := range map[string]axisOp{
		"argmax": {draw: ties, params: arg, nonEmptyAxis: true, exact: true},
		"argmin": {draw: ties, params: arg, nonEmptyAxis: true, exact: true},
		"cumsum": {draw: values, params: cum, terms: true}, "cumprod": {draw: nearOne, params: cum, terms: true},
		"softmax": {draw: within(-10, 10), params: soft, terms: true}, "log_softmax": {draw: within(-10, 10), params: soft, terms: true},
	} {
		Register(name, o.builder())
	}
	Register("size", Builder{Cases: sizeCases, Illegal: sizeIllegal})
}

func sizeCases(g *Gen, dt dtype.DType, c Class) []Case {
	var out []Case
	for i, s := range reduceShapes(c) {
		p := ops.SizeParams{Axes: s.axes, DType: dtype.All[i%len(dtype.All)]}
		out = append(out, mk(p, g.Values(dt, s.dims...)).exact())
	}
	return out
}

func sizeIllegal(g *Gen) []Case {
	x := g.Values(dtype.Float32, 2, 3)
	return []Case{
		mk(ops.SizeParams{Axes: dims{2}, DType: dtype.Int64}, x).named("axis out of range"),
		mk(ops.SizeParams{DType: dtype.Invalid}, x).named("invalid dtype"),
	}
}
