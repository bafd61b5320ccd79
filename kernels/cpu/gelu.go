package cpu

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// GELU and its derivative, for float32 and float64, in blocks of geluBlock elements: each
// block goes through a few vector passes over stack buffers that stay in the core's cache (for
// the exact form x/√2, vmath's erf, then x·(½ + ½·erf); for the tanh form the cubic, vmath's
// logistic sigmoid σ(2u) = (1 + tanh u)/2, then the product with x), so memory sees one read of
// x and one write of y. The float32 erf, exponential and sigmoid run on the vector kernels of
// internal/asm/f32 where the CPU has them. The derivative is g·gelu'(x) with broadcasting (the
// nests of the binary arithmetic): for the exact form Φ(x) + x·φ(x), for the tanh form
// (1 + t)/2 + x/2·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²) with t = tanh u, written with sigmoids so
// that 1 − t² does not cancel where t nears ±1.

// geluBlock is the number of elements a block of the GELU kernels takes through its passes.
const geluBlock = 256

func init() {
	_, _, _, nsSig, nsErf := ewCosts32()
	gelu, grad := core.Lookup("gelu"), core.Lookup("gelu_grad")
	core.RegisterKernel(gelu, dtype.Float32, "cpu", core.PriorityFast, geluKernel[float32](nsErf+1, nsSig+1.5))
	core.RegisterKernel(gelu, dtype.Float64, "cpu", core.PriorityFast, geluKernel[float64](ewNsCall+1, 2*ewNsExp+1.5))
	core.RegisterKernel(grad, dtype.Float32, "cpu", core.PriorityFast, geluGradKernel[float32](nsErf+nsSig+2, 2*nsSig+2.5))
	core.RegisterKernel(grad, dtype.Float64, "cpu", core.PriorityFast, geluGradKernel[float64](ewNsCall+ewNsExp+2, 4*ewNsExp+2.5))
}

// geluErf and geluSigmoid are vmath's erf and logistic sigmoid for the element type, called
// directly (not through function values) so that the stack buffers they are handed stay on the
// stack.
func geluErf[T ewFloat](dst, x []T) {
	switch d := any(dst).(type) {
	case []float32:
		vmath.Erf32(d, any(x).([]float32))
	case []float64:
		vmath.Erf64(d, any(x).([]float64))
	}
}

func geluSigmoid[T ewFloat](dst, x []T) {
	switch d := any(dst).(type) {
	case []float32:
		vmath.Sigmoid32(d, any(x).([]float32))
	case []float64:
		vmath.Sigmoid64(d, any(x).([]float64))
	}
}

// geluKernel returns the kernel of gelu; nsExact and nsTanh are the costs per element of the
// two forms.
func geluKernel[T ewFloat](nsExact, nsTanh float64) func(ops.GeluParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.GeluParams, in, out []*tensor.Tensor) error {
		x, y := tensor.Data[T](in[0]), tensor.Data[T](out[0])
		tanh, ns := p.Approximate == "tanh", nsExact
		if tanh {
			ns = nsTanh
		}
		if ewSerial(len(y), ns) {
			geluRange(y, x, tanh)
			return nil
		}
		ewSplit(len(y), ns, geluBlock, func(lo, hi int) { geluRange(y[lo:hi], x[lo:hi], tanh) })
		return nil
	}
}

// geluRange sets y = gelu(x) block by block; y may be x.
func geluRange[T ewFloat](y, x []T, tanh bool) {
	var tb [geluBlock]T
	x = x[:len(y)]
	for i := 0; i < len(y); i += geluBlock {
		n := min(geluBlock, len(y)-i)
		xs, t := x[i:i+n], tb[:n]
		geluHalf(t, xs, tanh)
		vmath.MulVV(y[i:i+n], xs, t)
	}
}

// geluHalf sets t = (1 + erf(x/√2))/2, or (1 + tanh(u))/2 with u = √(2/π)·(x + 0.044715·x³):
// Φ(x) or its approximation. The latter is computed as σ(2u), which unlike 1 + tanh(u) does
// not cancel to 0 where tanh(u) rounds to −1.
func geluHalf[T ewFloat](t, x []T, tanh bool) {
	if tanh {
		geluTwiceArg(t, x)
		geluSigmoid(t, t)
		return
	}
	vmath.MulVS(t, x, T(1/math.Sqrt2))
	geluErf(t, t)
	vmath.MulVS(t, t, 0.5)
	vmath.AddVS(t, t, 0.5)
}

// geluTwiceArg sets t = 2u = 2√(2/π)·(x + 0.044715·x³), computed as
// x·(2√(2/π) + 2√(2/π)·0.044715·x²).
func geluTwiceArg[T ewFloat](t, x []T) {
	vmath.MulVV(t, x, x)
	vmath.MulVS(t, t, T(2*ops.GeluSqrt2OverPi*ops.GeluTanhCoeff))
	vmath.AddVS(t, t, T(2*ops.GeluSqrt2OverPi))
	vmath.MulVV(t, t, x)
}

// geluDeriv sets d = gelu'(x) for one block (at most geluBlock elements); d must not be x.
func geluDeriv[T ewFloat](d, x []T, tanh bool) {
	var ub, wb [geluBlock]T
	u, w := ub[:len(d)], wb[:len(d)]
	vmath.MulVV(u, x, x)
	if !tanh {
		// Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
		geluHalf(d, x, false)
		vmath.MulVS(u, u, -0.5)
		smExp(u, u)
		vmath.MulVS(u, u, T(ops.GeluInvSqrt2Pi))
		vmath.MulVV(u, u, x)
		vmath.AddVV(d, d, u)
		return
	}
	// With t = tanh(u), (1 + t)/2 = σ(2u) and 1 − t² = 4·σ(2u)·σ(−2u), neither of which
	// cancels: d = σ(2u)·(1 + 2x·σ(−2u)·√(2/π)·(1 + 3·0.044715·x²)).
	geluTwiceArg(d, x)
	vmath.Neg(w, d)
	geluSigmoid(d, d)
	geluSigmoid(w, w)
	vmath.MulVS(u, u, T(3*ops.GeluTanhCoeff*ops.GeluSqrt2OverPi))
	vmath.AddVS(u, u, T(ops.GeluSqrt2OverPi))
	vmath.MulVV(w, w, u)
	vmath.MulVV(w, w, x)
	vmath.MulVS(w, w, 2)
	vmath.AddVS(w, w, 1)
	vmath.MulVV(d, d, w)
}

// geluGradOps returns the loops of gelu_grad(x, g) = g·gelu'(x) in the forms of the binary
// nests (x the first operand), costing ns per element.
func geluGradOps[T ewFloat](tanh bool, ns float64) ewBin[T] {
	vv := func(d, x, g []T) {
		var tb [geluBlock]T
		for i := 0; i < len(d); i += geluBlock {
			n := min(geluBlock, len(d)-i)
			t := tb[:n]
			geluDeriv(t, x[i:i+n], tanh)
			vmath.MulVV(d[i:i+n], g[i:i+n], t)
		}
	}
	vs := func(d, x []T, s T) {
		var tb [geluBlock]T
		for i := 0; i < len(d); i += geluBlock {
			n := min(geluBlock, len(d)-i)
			t := tb[:n]
			geluDeriv(t, x[i:i+n], tanh)
			vmath.MulVS(d[i:i+n], t, s)
		}
	}
	sv := func(d []T, s T, g []T) {
		var t [1]T
		geluDeriv(t[:], []T{s}, tanh)
		vmath.MulVS(d, g, t[0])
	}
	return ewBin[T]{vv: vv, vs: vs, sv: sv, ns: ns}
}

// geluGradKernel returns the kernel of gelu_grad; nsExact and nsTanh are the costs per element
// of the two forms.
func geluGradKernel[T ewFloat](nsExact, nsTanh float64) func(ops.GeluParams, []*tensor.Tensor, []*tensor.Tensor) error {
	exact, tanh := geluGradOps[T](false, nsExact), geluGradOps[T](true, nsTanh)
	return func(p ops.GeluParams, in, out []*tensor.Tensor) error {
		op := &exact
		if p.Approximate == "tanh" {
			op = &tanh
		}
		if !ewRunBinary(op, in[0], in[1], out[0]) {
			return ewRef("gelu_grad", in[0].DType(), p, in, out)
		}
		return nil
	}
}
