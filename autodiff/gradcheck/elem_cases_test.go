package gradcheck_test

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Gradient checks of the elementwise ("elem") family: every primitive of ops/elem_*.go and the
// composites written there. Inputs stay away from kinks, jumps and domain edges by at least
// 0.05, so finite differences (step 1e-5) never straddle one.

// elemUniform returns values uniform in [lo, hi).
func elemUniform(seed uint64, lo, hi float64, dims ...int) *T {
	u := tensor.Random(dtype.Float64, tensor.Uniform, seed, dims...)
	return ops.AddScalar(ops.MulScalar(u, hi-lo), lo)
}

// elemAwayFrom returns normal values times scale, moved to at least 0.1 from every point in
// kinks, so that piecewise functions are smooth around each input.
func elemAwayFrom(seed uint64, scale float64, kinks []float64, dims ...int) *T {
	x := ops.MulScalar(normal(seed, dims...), scale)
	v := x.Float64s()
	for i := range v {
		for _, k := range kinks {
			if d := v[i] - k; d > -0.1 && d < 0.1 {
				if d < 0 {
					v[i] = k - 0.1 - (0.1 + d)
				} else {
					v[i] = k + 0.1 + (0.1 - d)
				}
			}
		}
	}
	return tensor.FromSlice(v, x.Shape()...)
}

// elemFractional returns values whose fractional part is in [0.2, 0.4] or [0.6, 0.8], away
// from the integers where floor, ceil and trunc jump and the halves where round does.
func elemFractional(seed uint64, dims ...int) *T {
	n := ops.Floor(ops.MulScalar(normal(seed, dims...), 3))
	u := elemUniform(seed+1, 0.2, 0.4, dims...).Float64s()
	s := normal(seed+2, dims...).Float64s()
	for i := range u {
		if s[i] > 0 {
			u[i] += 0.4
		}
	}
	return ops.Add(n, tensor.FromSlice(u, n.Shape()...))
}

func elemU(f func(*T) *T) func([]*T) *T     { return func(x []*T) *T { return f(x[0]) } }
func elemB(f func(*T, *T) *T) func([]*T) *T { return func(x []*T) *T { return f(x[0], x[1]) } }

func init() {
	addCases("abs", gradCase{"", elemU(ops.Abs), []*T{awayFromZero(200, 3, 4)}, nil})
	addCases("sign", gradCase{"zero gradient", elemU(ops.Sign), []*T{awayFromZero(201, 5)}, nil})
	addCases("expm1", gradCase{"", elemU(ops.Expm1), []*T{normal(202, 2, 3)}, nil})
	addCases("log1p", gradCase{"", elemU(ops.Log1p), []*T{elemUniform(203, -0.5, 3, 2, 3)}, nil})
	addCases("sin", gradCase{"", elemU(ops.Sin), []*T{elemUniform(204, -4, 4, 7)}, nil})
	addCases("cos", gradCase{"", elemU(ops.Cos), []*T{elemUniform(205, -4, 4, 7)}, nil})
	addCases("tan", gradCase{"", elemU(ops.Tan), []*T{elemUniform(206, -1.2, 1.2, 7)}, nil})
	addCases("asin", gradCase{"", elemU(ops.Asin), []*T{elemUniform(207, -0.8, 0.8, 7)}, nil})
	addCases("acos", gradCase{"", elemU(ops.Acos), []*T{elemUniform(208, -0.8, 0.8, 7)}, nil})
	addCases("atan", gradCase{"", elemU(ops.Atan), []*T{elemUniform(209, -3, 3, 7)}, nil})
	addCases("sinh", gradCase{"", elemU(ops.Sinh), []*T{elemUniform(210, -2, 2, 7)}, nil})
	addCases("cosh", gradCase{"", elemU(ops.Cosh), []*T{elemUniform(211, -2, 2, 7)}, nil})
	addCases("asinh", gradCase{"", elemU(ops.Asinh), []*T{elemUniform(212, -3, 3, 7)}, nil})
	addCases("acosh", gradCase{"", elemU(ops.Acosh), []*T{elemUniform(213, 1.3, 4, 7)}, nil})
	addCases("atanh", gradCase{"", elemU(ops.Atanh), []*T{elemUniform(214, -0.8, 0.8, 7)}, nil})
	addCases("erf", gradCase{"", elemU(ops.Erf), []*T{elemUniform(215, -2.5, 2.5, 7)}, nil})
	addCases("sigmoid", gradCase{"", elemU(ops.Sigmoid), []*T{elemUniform(216, -6, 6, 3, 3)}, nil})
	for i, f := range []func(*T) *T{ops.Floor, ops.Ceil, ops.Round, ops.Trunc} {
		name := []string{"floor", "ceil", "round", "trunc"}[i]
		addCases(name, gradCase{"zero gradient", elemU(f), []*T{elemFractional(uint64(217+3*i), 9)}, nil})
	}
	addCases("softplus",
		gradCase{"default", elemU(ops.Softplus), []*T{elemUniform(230, -8, 8, 9)}, nil},
		gradCase{"beta and threshold", elemU(func(x *T) *T { return ops.SoftplusBeta(x, 2, 5) }),
			[]*T{elemAwayFrom(231, 3, []float64{2.5}, 9)}, nil},
		gradCase{"negative beta", elemU(func(x *T) *T { return ops.SoftplusBeta(x, -1.5, 20) }),
			[]*T{normal(232, 9)}, nil},
	)

	addCases("minimum", gradCase{"broadcast", elemB(ops.Minimum), []*T{normal(240, 3, 4), normal(241, 4)}, nil})
	// Quotients stay away from integers: x/y in (k+0.2, k+0.8).
	qx, qy := elemFractional(242, 2, 3), positive(243, 3)
	qx = ops.Mul(qx, qy) // x/y = the fractional values
	addCases("floor_div", gradCase{"zero gradient", elemB(ops.FloorDiv), []*T{qx, qy}, nil})
	addCases("mod",
		gradCase{"python", elemB(ops.Mod), []*T{qx, qy}, nil},
		gradCase{"negative divisor", elemB(ops.Mod), []*T{qx, ops.Neg(qy)}, nil},
		gradCase{"fmod", elemB(ops.Fmod), []*T{qx, ops.Neg(qy)}, nil},
	)
	addCases("atan2", gradCase{"broadcast", elemB(ops.Atan2), []*T{awayFromZero(244, 3, 4), awayFromZero(245, 4)}, nil})

	// Bounds are at least 0.1 from the inputs (the inputs are ±[0.1, ...) around zero and the
	// bounds are ±[0.1, ...) around ∓1).
	x := awayFromZero(246, 3, 4)
	lo := ops.AddScalar(ops.MulScalar(positive(247, 4), 0.2), -1.05)
	hi := ops.AddScalar(ops.MulScalar(positive(248, 3, 1), 0.2), 0.55)
	addCases("clip",
		gradCase{"tensor bounds", func(v []*T) *T { return ops.Clip(v[0], v[1], v[2]) }, []*T{x, lo, hi}, nil},
		gradCase{"min only", func(v []*T) *T { return ops.Clip(v[0], v[1], nil) }, []*T{x, lo}, nil},
		gradCase{"max only", func(v []*T) *T { return ops.Clip(v[0], nil, v[1]) }, []*T{x, hi}, nil},
		gradCase{"crossed bounds", func(v []*T) *T { return ops.Clip(v[0], v[2], v[1]) }, []*T{x, lo, hi}, nil},
		gradCase{"x broadcast", func(v []*T) *T { return ops.Clip(v[0], v[1], v[2]) },
			[]*T{awayFromZero(249, 4), lo, hi}, nil},
		gradCase{"scalar bounds", elemU(func(v *T) *T { return ops.ClipScalar(v, -0.05, 0.05) }), []*T{x}, nil},
	)

	// Composites.
	addCases("reciprocal", gradCase{"", elemU(ops.Reciprocal), []*T{awayFromZero(250, 2, 3)}, nil})
	addCases("rsqrt", gradCase{"", elemU(ops.Rsqrt), []*T{positive(251, 2, 3)}, nil})
	addCases("softsign", gradCase{"", elemU(ops.Softsign), []*T{awayFromZero(252, 2, 3)}, nil})
	addCases("relu6", gradCase{"", elemU(ops.Relu6), []*T{elemAwayFrom(253, 4, []float64{0, 6}, 9)}, nil})
	addCases("leaky_relu", gradCase{"", elemU(func(v *T) *T { return ops.LeakyRelu(v, 0.2) }), []*T{awayFromZero(254, 9)}, nil})
	addCases("elu",
		gradCase{"", elemU(func(v *T) *T { return ops.Elu(v, 1.5) }), []*T{awayFromZero(255, 9)}, nil},
		// Large inputs: the discarded exp branch must not turn the gradient into NaN.
		gradCase{"large", elemU(func(v *T) *T { return ops.Elu(v, 1) }), []*T{tensor.FromSlice([]float64{-3, 800, 1000})}, nil},
	)
	addCases("selu", gradCase{"", elemU(ops.Selu), []*T{awayFromZero(256, 9)}, nil})
	addCases("gelu",
		gradCase{"exact", elemU(func(v *T) *T { return ops.Gelu(v, "none") }), []*T{elemUniform(257, -4, 4, 9)}, nil},
		gradCase{"tanh", elemU(func(v *T) *T { return ops.Gelu(v, "tanh") }), []*T{elemUniform(258, -4, 4, 9)}, nil},
	)
	addCases("silu", gradCase{"", elemU(ops.Silu), []*T{elemUniform(259, -6, 6, 9)}, nil})
	addCases("hard_sigmoid",
		gradCase{"onnx", elemU(func(v *T) *T { return ops.HardSigmoid(v, 0.2, 0.5) }),
			[]*T{elemAwayFrom(260, 3, []float64{-2.5, 2.5}, 9)}, nil},
		gradCase{"torch", elemU(func(v *T) *T { return ops.HardSigmoid(v, 1.0/6, 0.5) }),
			[]*T{elemAwayFrom(261, 4, []float64{-3, 3}, 9)}, nil},
	)
	addCases("hard_swish", gradCase{"", elemU(ops.HardSwish), []*T{elemAwayFrom(262, 4, []float64{-3, 3}, 9)}, nil})
	addCases("mish", gradCase{"", elemU(ops.Mish), []*T{elemUniform(263, -5, 5, 9)}, nil})
	addCases("squared_difference", gradCase{"broadcast", elemB(ops.SquaredDifference), []*T{normal(264, 2, 3), normal(265, 3)}, nil})
}
