package ops_test

import (
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Tests of the linear algebra composites in linalg.go: caller mistakes and edge cases. Values
// against PyTorch are in rlm_oracle_test.go, gradients in autodiff/gradcheck.

func TestLinalgErrors(t *testing.T) {
	a := tensor.Zeros(dtype.Float32, 2, 3)
	b := tensor.Zeros(dtype.Float32, 4, 2)
	v := tensor.Zeros(dtype.Float32, 3)
	dd := func(lc, rc, lb, rb []int) ops.DotDims {
		return ops.DotDims{LhsContracting: lc, RhsContracting: rc, LhsBatch: lb, RhsBatch: rb}
	}
	mvCheckErrors(t, "linalg_test.go", map[string]func(){
		"dot_general: contracting axes 1 of [2 3] and 0 of [4 2] have sizes 3 and 4": func() { ops.DotGeneral(a, b, dd([]int{1}, []int{0}, nil, nil)) },
		"dot_general: batch axes 0 of [2 3] and 0 of [4 2] have sizes 2 and 4":       func() { ops.DotGeneral(a, b, dd(nil, nil, []int{0}, []int{0})) },
		"dot_general: left axis 0 is named twice":                                    func() { ops.DotGeneral(a, a, dd([]int{0}, []int{1}, []int{-2}, []int{0})) },
		"dot_general: right axis 1 is named twice":                                   func() { ops.DotGeneral(a, a, dd([]int{0, 1}, []int{1, 1}, nil, nil)) },
		"dot_general: 1 left and 0 right contracting axes":                           func() { ops.DotGeneral(a, a, dd([]int{0}, nil, nil, nil)) },
		"dot_general: 0 left and 1 right batch axes":                                 func() { ops.DotGeneral(a, a, dd(nil, nil, nil, []int{0})) },
		"dot_general: left contracting: axis 2 out of range for rank 2":              func() { ops.DotGeneral(a, a, dd([]int{2}, []int{0}, nil, nil)) },
		"dot_general: right batch: axis -3 out of range for rank 2":                  func() { ops.DotGeneral(a, a, dd(nil, nil, []int{0}, []int{-3})) },
		`einsum: "ij,jk->ik": 2 operands in the equation, got 1 tensors`:             func() { ops.Einsum("ij,jk->ik", a) },
		`einsum: "ij,jk->ik": j has size 4 in operand 1, and 3 before`:               func() { ops.Einsum("ij,jk->ik", a, b) },
		`einsum: "i1->i": term "i1" has the character '1'`:                           func() { ops.Einsum("i1->i", a) },
		`einsum: "...i...->i": term "...i..." has two ellipses`:                      func() { ops.Einsum("...i...->i", a) },
		`einsum: "ijk->i": operand 0 has shape [2 3], its term "ijk" names 3 axes`:   func() { ops.Einsum("ijk->i", a) },
		`einsum: "i->i": operand 0 has shape [2 3], its term "i" names 1 axes`:       func() { ops.Einsum("i->i", a) },
		`einsum: "ij->ii": output "ii" repeats i`:                                    func() { ops.Einsum("ij->ii", a) },
		`einsum: "ij->k": output "k" has k, which no operand has`:                    func() { ops.Einsum("ij->k", a) },
		`einsum: "ii->i": i names axes of sizes 2 and 3 in one operand`:              func() { ops.Einsum("ii->i", a) },
		"einsum: no operands": func() { ops.Einsum("->") },
		"outer: operands must be vectors, got shapes [2 3] and [3]":             func() { ops.Outer(a, v) },
		"gemm: A and B must be matrices, got shapes [3] and [2 3]":              func() { ops.Gemm(v, a, nil, 1, 1, false, false) },
		"gemm: C has shape [3], which does not broadcast to the result's [2 2]": func() { ops.Gemm(a, a, v, 1, 1, false, true) },
		"matmul: inner dimensions differ":                                       func() { ops.Gemm(a, a, nil, 1, 0, false, false) },
	})
}

func TestLinalgEdgeCases(t *testing.T) {
	check := func(what string, got *tensor.Tensor, want *tensor.Tensor) {
		t.Helper()
		if got.DType() != want.DType() || !got.Shape().Equal(want.Shape()) || !tensor.AllClose(got, want, 1e-12, 1e-12) {
			t.Errorf("%s = %s%v %v, want %s%v %v", what, got.DType(), got.Shape(), got, want.DType(), want.Shape(), want)
		}
	}
	m := tensor.FromRows([][]float64{{1, 2}, {3, 4}})
	v := tensor.FromSlice([]float64{1, -1})
	check("einsum identity", ops.Einsum("ij->ij", m), m)
	check("einsum implicit transpose", ops.Einsum("ji", m), tensor.FromRows([][]float64{{1, 3}, {2, 4}}))
	check("einsum trace", ops.Einsum("ii", m), tensor.Scalar(5.0))
	check("einsum spaces", ops.Einsum(" i j , j -> i ", m, v), tensor.FromSlice([]float64{-1, -1}))
	check("einsum label used thrice", ops.Einsum("i,i,i->", v, v, v), tensor.Scalar(0.0))
	check("einsum sum of one operand's label", ops.Einsum("ij,k->i", m, v), tensor.FromSlice([]float64{0, 0}))
	check("einsum broadcast output", ops.Einsum("ij,ij->ij", tensor.FromSlice([]float64{2}, 1, 1), m), ops.MulScalar(m, 2))
	check("einsum ellipsis summed", ops.Einsum("...i->i", tensor.Ones(dtype.Float64, 2, 3, 2)), tensor.FromSlice([]float64{6, 6}))
	check("einsum promotes", ops.Einsum("i,i->", tensor.FromSlice([]int32{1, 2}), tensor.FromSlice([]float32{0.5, 0.25})), tensor.Scalar(float32(1)))
	check("dot_general vector", ops.DotGeneral(v, v, ops.DotDims{LhsContracting: []int{0}, RhsContracting: []int{0}}), tensor.Scalar(2.0))
	check("dot_general no contraction", ops.DotGeneral(v, m, ops.DotDims{}), ops.Mul(ops.Reshape(v, 2, 1, 1), m))
	check("dot_general empty contraction", ops.DotGeneral(tensor.Zeros(dtype.Float64, 2, 0), tensor.Zeros(dtype.Float64, 0, 3),
		ops.DotDims{LhsContracting: []int{1}, RhsContracting: []int{0}}), tensor.Zeros(dtype.Float64, 2, 3))
	check("outer of empty", ops.Outer(tensor.Zeros(dtype.Float64, 0), v), tensor.Zeros(dtype.Float64, 0, 2))
	check("gemm without C", ops.Gemm(m, m, nil, 2, 5, true, false), ops.MulScalar(ops.MatMulT(m, m, true, false), 2))
	check("gemm scalar C", ops.Gemm(m, m, tensor.Scalar(1.0), 1, -1, false, false), ops.AddScalar(ops.MatMul(m, m), -1))
	check("gemm int", ops.Gemm(tensor.FromRows([][]int32{{1, 2}}), tensor.FromRows([][]int32{{3}, {4}}), tensor.FromSlice([]int32{1}), 2, 3, false, false),
		tensor.FromSlice([]int32{25}, 1, 1))
}
