package gradcheck_test

import (
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Gradient checks of the reductions (reduce_more.go) and the linear algebra composites
// (linalg.go).

// rdWithZeros returns normal values with exact zeros at the given flat positions: products and
// running products are polynomials, so finite differences are exact there too.
func rdWithZeros(seed uint64, zeros []int, dims ...int) *T {
	v := normal(seed, dims...).Float64s()
	for _, i := range zeros {
		v[i] = 0
	}
	return tensor.FromSlice(v, dims...)
}

func init() {
	addCases("reduce_prod",
		gradCase{"all", func(x []*T) *T { return ops.Prod(x[0]) }, []*T{normal(200, 2, 3)}, nil},
		gradCase{"axes", func(x []*T) *T { return ops.Prod(x[0], 0, -1) }, []*T{normal(201, 2, 3, 4)}, nil},
		gradCase{"keepdims", func(x []*T) *T { return ops.ProdKeepDims(x[0], 1) }, []*T{normal(202, 3, 4, 2)}, nil},
		// The product of the others is exact at zeros, to second order.
		gradCase{"one zero", func(x []*T) *T { return ops.Prod(x[0], 1) }, []*T{rdWithZeros(203, []int{1, 7}, 2, 5)}, nil},
		gradCase{"two zeros", func(x []*T) *T { return ops.Prod(x[0]) }, []*T{rdWithZeros(204, []int{0, 3}, 5)}, nil},
		gradCase{"vector", func(x []*T) *T { return ops.Prod(x[0]) }, []*T{normal(205, 3)}, nil},
	)
	addCases("reduce_min",
		gradCase{"axis", func(x []*T) *T { return ops.Min(x[0], 1) }, []*T{normal(206, 2, 5, 3)}, nil},
		gradCase{"all keepdims", func(x []*T) *T { return ops.MinKeepDims(x[0]) }, []*T{normal(207, 3, 4)}, nil},
	)
	cum := func(f func(*T, ops.CumParams) *T, p ops.CumParams) gradcheck.Func {
		// Squared so that the second order checks the gradient's own gradient.
		return func(x []*T) *T { return ops.Square(f(x[0], p)) }
	}
	for _, c := range []struct {
		name string
		p    ops.CumParams
	}{
		{"plain", ops.CumParams{Axis: 1}},
		{"exclusive", ops.CumParams{Axis: 1, Exclusive: true}},
		{"reverse", ops.CumParams{Axis: -1, Reverse: true}},
		{"exclusive reverse", ops.CumParams{Axis: 0, Exclusive: true, Reverse: true}},
	} {
		addCases("cumsum", gradCase{c.name, cum(ops.CumsumWith, c.p), []*T{normal(208, 3, 4)}, nil})
		addCases("cumprod", gradCase{c.name, cum(ops.CumprodWith, c.p), []*T{normal(209, 3, 4)}, nil})
		// With zeros, unsquared, so that the second order sees the whole gradient: it is a
		// polynomial in x (no division), exact at zeros to every order. The axis of 9 takes
		// four doubling rounds.
		addCases("cumprod", gradCase{c.name + " zeros", func(x []*T) *T { return ops.CumprodWith(x[0], c.p) },
			[]*T{rdWithZeros(210, []int{1, 5, 6, 11}, 3, 4)}, nil})
		addCases("cumprod", gradCase{c.name + " long", func(x []*T) *T { return ops.CumprodWith(x[0], c.p) },
			[]*T{rdWithZeros(211, []int{4, 13}, 9, 2)}, nil})
	}

	addCases("logsumexp",
		gradCase{"axis", func(x []*T) *T { return ops.LogSumExp(x[0], 1) }, []*T{normal(243, 3, 4)}, nil},
		gradCase{"all keepdims", func(x []*T) *T { return ops.LogSumExpKeepDims(x[0]) }, []*T{normal(212, 2, 3)}, nil},
		gradCase{"large", func(x []*T) *T { return ops.LogSumExp(ops.AddScalar(x[0], 800), 0, 2) }, []*T{normal(213, 2, 3, 2)}, nil},
	)
	addCases("variance",
		gradCase{"population", func(x []*T) *T { return ops.Variance(x[0], 0, 1) }, []*T{normal(214, 3, 4)}, nil},
		gradCase{"sample keepdims", func(x []*T) *T { return ops.VarianceKeepDims(x[0], 1, 0, 2) }, []*T{normal(215, 2, 3, 4)}, nil},
	)
	addCases("std",
		gradCase{"sample", func(x []*T) *T { return ops.Std(x[0], 1, -1) }, []*T{normal(216, 3, 4)}, nil},
		gradCase{"all keepdims", func(x []*T) *T { return ops.StdKeepDims(x[0], 0) }, []*T{normal(217, 2, 3)}, nil},
	)
	addCases("l1_norm",
		gradCase{"axis", func(x []*T) *T { return ops.L1Norm(x[0], 1) }, []*T{awayFromZero(218, 3, 4)}, nil},
		gradCase{"all keepdims", func(x []*T) *T { return ops.L1NormKeepDims(x[0]) }, []*T{awayFromZero(219, 2, 3)}, nil},
	)
	addCases("l2_norm",
		gradCase{"axis", func(x []*T) *T { return ops.L2Norm(x[0], 1) }, []*T{normal(220, 3, 4)}, nil},
		gradCase{"all keepdims", func(x []*T) *T { return ops.L2NormKeepDims(x[0], 0, 1) }, []*T{normal(221, 2, 3)}, nil},
	)

	addCases("dot_general",
		gradCase{"batch", func(x []*T) *T {
			return ops.DotGeneral(x[0], x[1], ops.DotDims{LhsContracting: []int{2}, RhsContracting: []int{0}, LhsBatch: []int{0}, RhsBatch: []int{1}})
		}, []*T{normal(222, 2, 3, 4), normal(223, 4, 2, 5)}, nil},
		gradCase{"two contractions", func(x []*T) *T {
			return ops.DotGeneral(x[0], x[1], ops.DotDims{LhsContracting: []int{0, 2}, RhsContracting: []int{2, 0}})
		}, []*T{normal(224, 2, 3, 4), normal(225, 4, 5, 2)}, nil},
	)
	addCases("einsum",
		gradCase{"attention", func(x []*T) *T { return ops.Einsum("bhqd,bhkd->bhqk", x[0], x[1]) },
			[]*T{normal(226, 2, 2, 3, 4), normal(227, 2, 2, 5, 4)}, nil},
		gradCase{"ellipsis broadcast", func(x []*T) *T { return ops.Einsum("...ij,...jk->...ik", x[0], x[1]) },
			[]*T{normal(228, 2, 1, 3, 4), normal(229, 3, 4, 2)}, nil},
		gradCase{"diagonal", func(x []*T) *T { return ops.Einsum("ii->i", x[0]) }, []*T{normal(230, 3, 3)}, nil},
		gradCase{"three operands", func(x []*T) *T { return ops.Einsum("ij,jk,kl->il", x[0], x[1], x[2]) },
			[]*T{normal(231, 2, 3), normal(232, 3, 4), normal(233, 4, 2)}, nil},
		gradCase{"sum", func(x []*T) *T { return ops.Einsum("ijk->j", x[0]) }, []*T{normal(234, 2, 3, 4)}, nil},
	)
	addCases("outer", gradCase{"", func(x []*T) *T { return ops.Outer(x[0], x[1]) }, []*T{normal(235, 3), normal(236, 4)}, nil})
	addCases("gemm",
		gradCase{"plain", func(x []*T) *T { return ops.Gemm(x[0], x[1], x[2], 1, 1, false, false) },
			[]*T{normal(237, 3, 4), normal(238, 4, 2), normal(239, 3, 2)}, nil},
		gradCase{"transposed broadcast", func(x []*T) *T { return ops.Gemm(x[0], x[1], x[2], 0.5, -2, true, true) },
			[]*T{normal(240, 4, 3), normal(241, 2, 4), normal(242, 2)}, nil},
	)
}
