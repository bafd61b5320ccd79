package conformance

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Case builders of the fused normalizations (layer_norm, rms_norm) and of their gradient ops
// (layer_norm_grad, rms_norm_grad), from one table of geometries: the input's shape, how many
// trailing axes are normalized, and the shapes of the scale and offset (nil: none), which
// broadcast to the normalized shape. The gradient ops take statistics drawn independently of
// x (the kernels' arithmetic does not assume they are x's), with rstd positive.

// normRow is one normalization geometry.
type normRow struct {
	x, scale, offset []int
	k                int
	eps              float64
	loc              float64 // added to x: a large mean, against cancellation in the variance
}

func normRows(c Class) []normRow {
	switch c {
	case Scalar:
		return []normRow{{x: dims{1}, scale: dims{1}, offset: dims{1}, k: 1}, {x: dims{1, 1}, k: 2}}
	case Empty:
		return []normRow{{x: dims{0, 4}, scale: dims{4}, offset: dims{4}, k: 1}, {x: dims{3, 0}, k: 1},
			{x: dims{2, 0, 3}, scale: dims{0, 3}, k: 2}, {x: dims{0}, offset: dims{0}, k: 1}}
	case Broadcast:
		return []normRow{{x: dims{4, 5}, scale: dims{1}, offset: dims{5}, k: 1},
			{x: dims{2, 3, 4}, scale: dims{4}, offset: dims{1, 4}, k: 2, eps: 1e-3},
			{x: dims{3, 1}, scale: dims{1}, offset: dims{1}, k: 1}, {x: dims{1, 1, 6}, scale: dims{6}, k: 1}}
	case Odd:
		var out []normRow
		for _, n := range oddSizes {
			out = append(out, normRow{x: dims{3, n}, scale: dims{n}, offset: dims{n}, k: 1})
		}
		return append(out, normRow{x: dims{2, 3, 7}, scale: dims{3, 7}, k: 2},
			normRow{x: dims{5, 9}, k: 1, eps: 0.5}, normRow{x: dims{3, 65}, offset: dims{65}, k: 1},
			normRow{x: dims{4, 31}, scale: dims{31}, offset: dims{31}, k: 1, loc: 1000},
			normRow{x: dims{2, 3, 5}, k: 3})
	}
	return []normRow{{x: dims{257, 255}, scale: dims{255}, offset: dims{255}, k: 1},
		{x: dims{2, 16, 2051}, scale: dims{2051}, k: 2},
		{x: dims{1, 65539}, scale: dims{65539}, offset: dims{65539}, k: 1, loc: 100},
		{x: dims{4099, 16}, scale: dims{16}, offset: dims{16}, k: 1}}
}

// params returns the row's params for layer (center) or RMS normalization; RMS has no offset.
func (r normRow) params(center bool) ops.NormParams {
	return ops.NormParams{NumAxes: r.k, Epsilon: r.eps, HasScale: r.scale != nil, HasOffset: center && r.offset != nil}
}

// rowsCols returns the number of rows of r's input and their length.
func (r normRow) rowsCols() (rows, n int) {
	rows, n = 1, 1
	for i, d := range r.x {
		if i < len(r.x)-r.k {
			rows *= d
		} else {
			n *= d
		}
	}
	return rows, n
}

// drawX draws r's input.
func (r normRow) drawX(g *Gen, dt dtype.DType) *tensor.Tensor {
	if r.loc != 0 && (dt == dtype.Float32 || dt == dtype.Float64) {
		return g.Specials(g.Uniform(dt, r.loc-2, r.loc+2, r.x...))
	}
	return values(g, dt, r.x...)
}

// normCases returns the case builder of layer_norm or rms_norm (center false), or of their
// gradient ops (grad).
func normCases(center, grad bool) func(g *Gen, dt dtype.DType, c Class) []Case {
	return func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, r := range normRows(c) {
			p := r.params(center)
			rows, n := r.rowsCols()
			if !grad {
				in := []*tensor.Tensor{r.drawX(g, dt)}
				if p.HasScale {
					in = append(in, g.Uniform(dt, 0.5, 2, r.scale...))
				}
				if p.HasOffset {
					in = append(in, values(g, dt, r.offset...))
				}
				out = append(out, mk(p, in...).terms(n))
				continue
			}
			st := nnStats(r, dt)
			in := []*tensor.Tensor{r.drawX(g, dt)}
			if center {
				in = append(in, within(-1, 1)(g, st.DType, st.Shape...))
			}
			in = append(in, g.Uniform(st.DType, 0.5, 2, st.Shape...), values(g, dt, r.x...))
			if center {
				in = append(in, values(g, st.DType, st.Shape...))
			}
			in = append(in, values(g, st.DType, st.Shape...))
			if p.HasScale {
				in = append(in, g.Uniform(dt, 0.5, 2, r.scale...))
			}
			if r.loc != 0 && center {
				in[1] = g.Uniform(st.DType, r.loc-1, r.loc+1, st.Shape...) // a mean near x's
			}
			// dx folds sums over each row, dscale and doffset over the rows.
			out = append(out, mk(p, in...).terms(max(n, rows)))
		}
		return out
	}
}

// nnStats returns the spec of the statistics of row r for inputs of dtype dt.
func nnStats(r normRow, dt dtype.DType) core.Spec {
	s := append(dims{}, r.x...)
	for i := len(s) - r.k; i < len(s); i++ {
		s[i] = 1
	}
	return core.Spec{DType: ops.NormStatsDType(dt), Shape: s}
}

// normIllegal returns the illegal cases of layer_norm or rms_norm.
func normIllegal(center bool) func(g *Gen) []Case {
	return func(g *Gen) []Case {
		x, v3 := g.Values(dtype.Float32, 2, 3), g.Values(dtype.Float32, 3)
		out := []Case{
			mk(ops.NormParams{NumAxes: 3}, x).named("too many axes"),
			mk(ops.NormParams{NumAxes: -1}, x).named("negative axes"),
			mk(ops.NormParams{Epsilon: -1}, x).named("negative epsilon"),
			mk(ops.NormParams{HasScale: true}, x, g.Values(dtype.Float32, 2)).named("scale does not broadcast"),
			mk(ops.NormParams{HasScale: true}, x, g.Values(dtype.Float64, 3)).named("scale's dtype differs"),
			mk(ops.NormParams{HasScale: true}, x, g.Values(dtype.Float32, 2, 3)).named("scale has more axes"),
			mk(ops.NormParams{HasScale: true}, x).named("scale missing"),
			mk(ops.NormParams{}, g.Values(dtype.Int32, 2, 3)).named("integer input"),
		}
		if center {
			out = append(out, mk(ops.NormParams{HasOffset: true}, x, g.Values(dtype.Float32, 4)).named("offset does not broadcast"))
		} else {
			out = append(out, mk(ops.NormParams{HasOffset: true}, x, v3).named("rms_norm has no offset"))
		}
		return out
	}
}

// normGradIllegal returns the illegal cases of layer_norm_grad or rms_norm_grad.
func normGradIllegal(center bool) func(g *Gen) []Case {
	return func(g *Gen) []Case {
		f := func(d ...int) *tensor.Tensor { return g.Values(dtype.Float32, d...) }
		// args returns the inputs with the statistics' shape st, dy's shape dy and the
		// statistics' dtype sdt.
		args := func(st, dy []int, sdt dtype.DType) []*tensor.Tensor {
			s := func() *tensor.Tensor { return g.Uniform(sdt, 0.5, 2, st...) }
			if center {
				return []*tensor.Tensor{f(2, 3), s(), s(), f(dy...), s(), s()}
			}
			return []*tensor.Tensor{f(2, 3), s(), f(dy...), s()}
		}
		ok := args(dims{2, 1}, dims{2, 3}, dtype.Float32)
		return []Case{
			mk(ops.NormParams{}, args(dims{2, 1}, dims{3, 2}, dtype.Float32)...).named("dy's shape differs"),
			mk(ops.NormParams{}, args(dims{2, 3}, dims{2, 3}, dtype.Float32)...).named("statistics' shape"),
			mk(ops.NormParams{}, args(dims{2}, dims{2, 3}, dtype.Float32)...).named("statistics' rank"),
			mk(ops.NormParams{}, args(dims{2, 1}, dims{2, 3}, dtype.Float64)...).named("statistics' dtype"),
			mk(ops.NormParams{HasScale: true}, append(ok, f(2))...).named("scale does not broadcast"),
			mk(ops.NormParams{NumAxes: 3}, ok...).named("too many axes"),
			mk(ops.NormParams{HasScale: true}, ok...).named("scale missing"),
		}
	}
}

func init() {
	Register("layer_norm", Builder{Cases: normCases(true, false), Illegal: normIllegal(true)})
	Register("rms_norm", Builder{Cases: normCases(false, false), Illegal: normIllegal(false)})
	Register("layer_norm_grad", Builder{Cases: normCases(true, true), Illegal: normGradIllegal(true)})
	Register("rms_norm_grad", Builder{Cases: normCases(false, true), Illegal: normGradIllegal(false)})
}
