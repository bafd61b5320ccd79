package ops_test

import (
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestShapeErrors checks that caller mistakes panic with a *core.Error whose message names the
// op, the shapes, the expected relation and the caller's line.
func TestShapeErrors(t *testing.T) {
	a := tensor.Zeros(dtype.Float32, 2, 3)
	cases := map[string]func(){
		"add: shapes [2 3] and [4] cannot be broadcast":                                                                func() { ops.Add(a, tensor.Zeros(dtype.Float32, 4)) },
		"matmul: inner dimensions differ: [2 3] (transposed=false) has 3 columns, [2 3] (transposed=false) has 2 rows": func() { ops.MatMul(a, a) },
		"matmul: batch dimensions of [2 2 3] and [3 3 4]":                                                              func() { ops.MatMul(tensor.Zeros(dtype.Float32, 2, 2, 3), tensor.Zeros(dtype.Float32, 3, 3, 4)) },
		"reduce_sum: axis 2 out of range for rank 2":                                                                   func() { ops.Sum(a, 2) },
		"reduce_max: cannot take the maximum of the empty tensor":                                                      func() { ops.Max(tensor.Zeros(dtype.Float32, 0)) },
		"reshape: cannot reshape [2 3] to [4 -1]: cannot infer -1 in [4 -1] for 6":                                     func() { ops.Reshape(a, 4, -1) },
		"transpose: permutation [0] has 1 entries, want 2":                                                             func() { ops.Transpose(a, 0) },
		"broadcast_to: cannot broadcast [2 3] to [3 3]":                                                                func() { ops.BroadcastTo(a, 3, 3) },
		"where: condition is float32, want bool":                                                                       func() { ops.Where(a, a, a) },
		"neg: no kernel for dtype uint8":                                                                               func() { ops.Neg(tensor.Zeros(dtype.Uint8, 2)) },
		"div: integer division by zero":                                                                                func() { ops.Div(tensor.FromSlice([]int32{1}), tensor.FromSlice([]int32{0})) },
		"matmul: operands must have rank >= 1":                                                                         func() { ops.MatMul(tensor.Scalar(1.0), a) },
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
			continue
		}
		if !strings.Contains(err.Error(), "errors_test.go:") {
			t.Errorf("error does not name the caller's line: %v", err)
		}
	}
}

func TestPromotionInOps(t *testing.T) {
	i := tensor.FromSlice([]int64{1, 2})
	f := tensor.FromSlice([]float32{0.5, 0.5})
	if y := ops.Add(i, f); y.DType() != dtype.Float32 || y.At(1) != 2.5 {
		t.Errorf("int64 + float32 = %v %v", y.DType(), y)
	}
	if y := ops.Exp(tensor.FromSlice([]int32{0})); y.DType() != dtype.Float32 || y.Item() != 1 {
		t.Errorf("exp(int32) = %v %v", y.DType(), y)
	}
	if y := ops.Mean(tensor.FromSlice([]int64{1, 2})); y.DType() != dtype.Float32 || y.Item() != 1.5 {
		t.Errorf("mean(int64) = %v %v", y.DType(), y)
	}
	if y := ops.Div(tensor.FromSlice([]int32{-7, 7}), tensor.FromSlice([]int32{2, 2})); y.At(0) != -3 || y.At(1) != 3 {
		t.Errorf("int division does not truncate: %v", y)
	}
	if y := ops.Add(tensor.FromSlice([]int8{127}), tensor.FromSlice([]int8{1})); y.At(0) != -128 {
		t.Errorf("int8 overflow does not wrap: %v", y)
	}
}
