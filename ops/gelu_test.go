package ops_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Tests of the GELU primitives (ops/gelu.go) against the composite forms they replace, to
// second order. PyTorch's values are in elem_oracle_test.go and norm_oracle_test.go, the
// kernels' conformance in ops/conformance and kernels/cpu.

// geluComposite is GELU as it was written before the primitive.
func geluComposite(x *tensor.Tensor, approximate string) *tensor.Tensor {
	var inner *tensor.Tensor
	if approximate == "tanh" {
		x3 := ops.Mul(ops.Mul(x, x), x)
		inner = ops.Tanh(ops.MulScalar(ops.Add(x, ops.MulScalar(x3, 0.044715)), math.Sqrt(2/math.Pi)))
	} else {
		inner = ops.Erf(ops.MulScalar(x, 1/math.Sqrt2))
	}
	return ops.Mul(ops.MulScalar(x, 0.5), ops.AddScalar(inner, 1))
}

// geluInputs are values over [-8, 8], where both forms bend and their tails begin.
func geluInputs(n int) *tensor.Tensor {
	return ops.MulScalar(ops.AddScalar(tensor.Random(dtype.Float64, tensor.Uniform, 7, n), -0.5), 16)
}

// TestGeluMatchesComposite checks the primitive and its gradient against the composite form
// in float64, and in float32 against the float64 composite: within 2.5 ulps (the composite's
// float32 gradient of the tanh form is further off, its 1 − tanh² cancelling near ±1).
func TestGeluMatchesComposite(t *testing.T) {
	x64 := ops.Cast(ops.Cast(geluInputs(1000), dtype.Float32), dtype.Float64)
	dy64 := ops.Cast(ops.Cast(nnF64(8, 1000), dtype.Float32), dtype.Float64)
	for _, form := range []string{"none", "tanh"} {
		xw := autodiff.Watch(x64)
		comp := geluComposite(xw, form)
		gc := autodiff.VJP(comp, dy64, xw)[0]
		for _, dt := range []dtype.DType{dtype.Float64, dtype.Float32} {
			x := autodiff.Watch(ops.Cast(x64, dt))
			fused := ops.Gelu(x, form)
			gf := autodiff.VJP(fused, ops.Cast(dy64, dt), x)[0]
			tol := 1e-14
			if dt == dtype.Float32 {
				tol = 2.5 * 0x1p-23
			}
			name := fmt.Sprintf("%s %s", form, dt)
			lnClose(t, name+" gelu", ops.Cast(fused, dtype.Float64), comp, tol)
			lnClose(t, name+" gradient", ops.Cast(gf, dtype.Float64), gc, tol)
		}
	}
}

// TestGeluGradcheck checks GELU's gradients by finite differences to second order (the first
// order runs gelu_grad; under CreateGraph the composite derivative runs instead).
func TestGeluGradcheck(t *testing.T) {
	for _, form := range []string{"none", "tanh", ""} {
		f := func(in []*tensor.Tensor) *tensor.Tensor { return ops.Gelu(in[0], form) }
		if err := gradcheck.Check(f, []*tensor.Tensor{geluInputs(23)}, gradcheck.Order(2)); err != nil {
			t.Errorf("%q: %v", form, err)
		}
	}
}

// TestGeluSecondOrderMatchesComposite compares the second derivatives (through a
// CreateGraph gradient) with those of the composite form.
func TestGeluSecondOrderMatchesComposite(t *testing.T) {
	x0, dy, v := geluInputs(50), nnF64(9, 50), nnF64(10, 50)
	for _, form := range []string{"none", "tanh"} {
		second := func(gelu func(*tensor.Tensor, string) *tensor.Tensor) []*tensor.Tensor {
			x := autodiff.Watch(x0)
			g := autodiff.Gradients([]*tensor.Tensor{gelu(x, form)}, []*tensor.Tensor{x},
				autodiff.OutputGrads(dy), autodiff.CreateGraph())[0]
			return autodiff.Grad(ops.Sum(ops.Mul(g, v)), x)
		}
		lnClose(t, form+" second derivative", second(ops.Gelu)[0], second(geluComposite)[0], 1e-12)
	}
}

// TestGeluGradOp checks gelu_grad applied directly, with broadcasting, against g·gelu'(x).
func TestGeluGradOp(t *testing.T) {
	x, g := geluInputs(12), nnF64(11, 3, 1)
	x = ops.Reshape(x, 3, 4)
	for _, form := range []string{"none", "tanh"} {
		got := core.Apply1(core.Lookup("gelu_grad"), ops.GeluParams{Approximate: form}, x, g)
		xw := autodiff.Watch(x)
		want := autodiff.VJP(geluComposite(xw, form), ops.BroadcastTo(g, 3, 4), xw)[0]
		lnClose(t, form+" gelu_grad", got, want, 1e-14)
	}
	err := core.Catch(func() { core.Apply1(core.Lookup("gelu_grad"), ops.GeluParams{Approximate: "erf"}, x, x) })
	if err == nil || !strings.Contains(err.Error(), `gelu_grad: approximate is "erf", want "none" or "tanh"`) {
		t.Errorf("gelu_grad with approximate erf: %v", err)
	}
	err = core.Catch(func() { core.Apply1(core.Lookup("gelu"), ops.GeluParams{}, tensor.Zeros(dtype.Int8, 2)) })
	if err == nil || !strings.Contains(err.Error(), "gelu: x is int8[2], want a floating-point type") {
		t.Errorf("gelu of int8: %v", err)
	}
}
