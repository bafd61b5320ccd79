package ops_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Tests of the reductions in reduce_more.go: caller mistakes and edge cases. Values against
// PyTorch are in rlm_oracle_test.go, gradients in autodiff/gradcheck.

func TestReduceErrors(t *testing.T) {
	a := tensor.Zeros(dtype.Float32, 2, 3)
	mvCheckErrors(t, "reduce_test.go", map[string]func(){
		"reduce_prod: axis 2 out of range for rank 2":                     func() { ops.Prod(a, 2) },
		"reduce_prod: axis 1 repeated in [1 -1]":                          func() { ops.ProdKeepDims(a, 1, -1) },
		"reduce_min: cannot take the minimum of the empty tensor":         func() { ops.Min(tensor.Zeros(dtype.Float32, 2, 0), 0) },
		"reduce_min: no kernel for dtype bool":                            func() { ops.Min(tensor.FromSlice([]bool{true})) },
		"argmax: axis 3 out of range for rank 2":                          func() { ops.Argmax(a, 3) },
		"argmax: axis 1 of float32[2 0] is empty":                         func() { ops.Argmax(tensor.Zeros(dtype.Float32, 2, 0), 1) },
		"argmin: axis 0 out of range for rank 0":                          func() { ops.Argmin(tensor.Scalar(1.0), 0) },
		"argmin: no kernel for dtype bool":                                func() { ops.ArgminKeepDims(tensor.FromSlice([]bool{true}), 0) },
		"reduce_any: axis -3 out of range for rank 2":                     func() { ops.Any(a, -3) },
		"reduce_all: axis 0 repeated in [0 0]":                            func() { ops.AllKeepDims(a, 0, 0) },
		"cumsum: axis 0 out of range for rank 0":                          func() { ops.Cumsum(tensor.Scalar(1.0), 0) },
		"cumprod: axis -3 out of range for rank 2":                        func() { ops.Cumprod(a, -3) },
		"cumsum: no kernel for dtype bool":                                func() { ops.Cumsum(tensor.FromSlice([]bool{true}), 0) },
		"logsumexp: axis 5 out of range for rank 2":                       func() { ops.LogSumExp(a, 5) },
		"variance: correction is -1, want >= 0":                           func() { ops.Variance(a, -1) },
		"variance: axis 2 out of range for rank 2":                        func() { ops.VarianceKeepDims(a, 0, 2) },
		"std: axis -3 out of range for rank 2":                            func() { ops.Std(a, 1, -3) },
		"std: correction is -2, want >= 0":                                func() { ops.StdKeepDims(a, -2) },
		"l1_norm: axis 2 out of range for rank 2":                         func() { ops.L1Norm(a, 2) },
		"l2_norm: axis 1 repeated in [1 1]":                               func() { ops.L2NormKeepDims(a, 1, 1) },
		"reduce_prod: no kernel for dtype bool":                           func() { ops.Prod(tensor.FromSlice([]bool{true})) },
		"argmax: axis 5 out of range for rank 2":                          func() { ops.ArgmaxWith(a, ops.ArgParams{Axis: 5}) },
		"cumprod: axis 4 out of range for rank 2":                         func() { ops.CumprodWith(a, ops.CumParams{Axis: 4, Exclusive: true}) },
		"logsumexp: axis 0 repeated in [0 -2]":                            func() { ops.LogSumExpKeepDims(a, 0, -2) },
		"l1_norm: axis -5 out of range for rank 2":                        func() { ops.L1NormKeepDims(a, -5) },
		"l2_norm: axis 3 out of range for rank 2":                         func() { ops.L2Norm(a, 3) },
		"reduce_min: axis 2 out of range for rank 2":                      func() { ops.MinKeepDims(a, 2) },
		"argmax: axis -3 out of range for rank 2":                         func() { ops.ArgmaxKeepDims(a, -3) },
		"argmin: axis 2 out of range for rank 2":                          func() { ops.Argmin(a, 2) },
		"reduce_any: axis 2 out of range for rank 2":                      func() { ops.AnyKeepDims(a, 2) },
		"reduce_all: axis 2 out of range for rank 2":                      func() { ops.All(a, 2) },
		"cumsum: axis 2 out of range for rank 2":                          func() { ops.CumsumWith(a, ops.CumParams{Axis: 2, Reverse: true}) },
		"reduce_prod: axis -3 out of range for rank 2":                    func() { ops.ProdKeepDims(a, -3) },
		"reduce_min: cannot take the minimum of the empty tensor float32": func() { ops.MinKeepDims(tensor.Zeros(dtype.Float32, 0)) },
	})
}

func TestReduceEdgeCases(t *testing.T) {
	check := func(what string, got *tensor.Tensor, want *tensor.Tensor) {
		t.Helper()
		if got.DType() != want.DType() || !got.Shape().Equal(want.Shape()) || !tensor.AllClose(got, want, 1e-6, 1e-6) {
			t.Errorf("%s = %s%v %v, want %s%v %v", what, got.DType(), got.Shape(), got, want.DType(), want.Shape(), want)
		}
	}
	empty := tensor.Zeros(dtype.Float32, 2, 0)
	x := tensor.FromRows([][]float32{{3, -1, 3}, {0, 2, -5}})
	check("prod of nothing", ops.Prod(empty, 1), tensor.FromSlice([]float32{1, 1}))
	check("prod of all", ops.Prod(x), tensor.Scalar(float32(0)))
	check("any of nothing", ops.Any(empty, 1), tensor.FromSlice([]bool{false, false}))
	check("all of nothing", ops.All(empty), tensor.Scalar(true))
	check("any NaN", ops.Any(tensor.FromSlice([]float64{0, math.NaN()})), tensor.Scalar(true))
	check("all of ints", ops.All(tensor.FromSlice([]int32{1, -2, 0}, 1, 3), -1), tensor.FromSlice([]bool{false}))
	check("cumsum of empty axis", ops.Cumsum(empty, 1), empty)
	check("cumprod of empty axis", ops.CumprodWith(empty, ops.CumParams{Axis: -1, Exclusive: true}), empty)
	check("logsumexp of nothing", ops.LogSumExp(empty, 1), tensor.FromSlice([]float32{float32(math.Inf(-1)), float32(math.Inf(-1))}))
	check("logsumexp keepdims", ops.LogSumExpKeepDims(tensor.FromSlice([]float64{0, 0}, 1, 2)), tensor.FromSlice([]float64{math.Ln2}, 1, 1))
	check("logsumexp of int", ops.LogSumExp(tensor.FromSlice([]int32{0, 0})), tensor.Scalar(float32(math.Ln2)))
	check("argmax keepdims", ops.ArgmaxKeepDims(x, -1), tensor.FromSlice([]int64{0, 1}, 2, 1))
	check("argmax last", ops.ArgmaxWith(x, ops.ArgParams{Axis: 1, SelectLastIndex: true}), tensor.FromSlice([]int64{2, 1}))
	check("argmin of size-1 axis", ops.Argmin(x, 0), tensor.FromSlice([]int64{1, 0, 1}))
	check("min keepdims", ops.MinKeepDims(x, 0), tensor.FromRows([][]float32{{0, -1, -5}}))
	check("variance of one", ops.Variance(tensor.FromSlice([]float64{2}), 0), tensor.Scalar(0.0))
	check("std of int", ops.Std(tensor.FromSlice([]int32{1, 3}), 1), tensor.Scalar(float32(math.Sqrt2)))
	check("l2 norm of int", ops.L2Norm(tensor.FromSlice([]int64{3, 4})), tensor.Scalar(float32(5)))
	check("l1 norm of int keeps dtype", ops.L1Norm(tensor.FromSlice([]int8{-3, 4})), tensor.Scalar(int8(7)))

	// Integer reductions keep the dtype and wrap on overflow, as ONNX (PyTorch gives int64).
	if got := ops.Prod(tensor.FromSlice([]int8{100, 3})); got.DType() != dtype.Int8 || got.Item() != 44 {
		t.Errorf("int8 prod = %v %v, want int8 44 (300 wrapped)", got.DType(), got)
	}
	if got := ops.Cumsum(tensor.FromSlice([]uint8{200, 100}), 0); got.At(1) != 44 {
		t.Errorf("uint8 cumsum = %v, want [200 44]", got)
	}
	if got := ops.Cumprod(tensor.FromSlice([]int64{1 << 62, 4}), 0); got.Int64s()[1] != 0 {
		t.Errorf("int64 cumprod = %v, want [2^62 0]", got)
	}

	// Gradients at the places where the naive formulas divide by zero.
	z := autodiff.Watch(tensor.FromSlice([]float64{0, 0, 0}))
	for name, f := range map[string]func(*tensor.Tensor) *tensor.Tensor{
		"l2 norm": func(x *tensor.Tensor) *tensor.Tensor { return ops.L2Norm(x) },
		"l1 norm": func(x *tensor.Tensor) *tensor.Tensor { return ops.L1Norm(x) },
		"std":     func(x *tensor.Tensor) *tensor.Tensor { return ops.Std(x, 1) },
		"prod":    func(x *tensor.Tensor) *tensor.Tensor { return ops.Prod(x) },
	} {
		if g := autodiff.Grad(f(z), z)[0]; !tensor.Equal(g, tensor.FromSlice([]float64{0, 0, 0})) {
			t.Errorf("gradient of %s at 0 = %v, want zeros (as PyTorch)", name, g)
		}
	}
	p := autodiff.Watch(tensor.FromSlice([]float64{2, 0, 3}))
	if g := autodiff.Grad(ops.Prod(p), p)[0]; !tensor.Equal(g, tensor.FromSlice([]float64{0, 6, 0})) {
		t.Errorf("gradient of prod with one zero = %v, want [0 6 0]", g)
	}
	// Log-sum-exp does not overflow, and its gradient is the softmax.
	l := autodiff.Watch(tensor.FromSlice([]float64{1000, 1000}))
	y := ops.LogSumExp(l)
	if g := autodiff.Grad(y, l)[0]; math.Abs(y.Item()-1000-math.Ln2) > 1e-12 || !tensor.AllClose(g, tensor.FromSlice([]float64{0.5, 0.5}), 0, 1e-15) {
		t.Errorf("logsumexp(1000, 1000) = %v with gradient %v", y, g)
	}
}
