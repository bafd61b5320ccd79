package ops_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Tests of the fused layer and RMS normalization (ops/nn_layernorm.go): against the composite
// forms they replace, to second order, on both paths of the gradient rule, and for the errors
// and dtypes. PyTorch's values are in norm_oracle_test.go, the kernels' conformance in
// ops/conformance and kernels/cpu.

// lnComposite is layer (center) or RMS normalization as it was written before the fused
// primitives: reductions and arithmetic.
func lnComposite(x, scale, offset *tensor.Tensor, k int, eps float64, center bool) *tensor.Tensor {
	axes := make([]int, k)
	for i := range axes {
		axes[i] = x.Rank() - k + i
	}
	d := x
	if center {
		d = ops.Sub(x, ops.MeanKeepDims(x, axes...))
	}
	y := ops.Div(d, ops.Sqrt(ops.AddScalar(ops.MeanKeepDims(ops.Mul(d, d), axes...), eps)))
	if scale != nil {
		y = ops.Mul(y, scale)
	}
	if offset != nil {
		y = ops.Add(y, offset)
	}
	return y
}

// lnGeometry is one normalization to test: x's shape, the normalized axes, the scale's and
// offset's shapes (nil: none).
type lnGeometry struct {
	x, scale, offset []int
	k                int
	eps, loc         float64
}

var lnGeometries = []lnGeometry{
	{x: []int{4, 7}, scale: []int{7}, offset: []int{7}, k: 1},
	{x: []int{3, 300}, scale: []int{300}, offset: []int{300}, k: 1, loc: 50},
	{x: []int{2, 3, 5}, scale: []int{3, 5}, offset: []int{5}, k: 2, eps: 1e-3},
	{x: []int{2, 3, 4}, scale: []int{1}, offset: []int{1, 4}, k: 2},
	{x: []int{2, 2, 3}, k: 3},
	{x: []int{5, 6}, offset: []int{6}, k: 1},
	{x: []int{6, 1}, scale: []int{1}, offset: []int{1}, k: 1},
}

// inputs draws the geometry's x, scale, offset and an upstream gradient in float64.
func (g lnGeometry) inputs(seed uint64) (x, scale, offset, dy *tensor.Tensor) {
	x = ops.AddScalar(nnF64(seed, g.x...), g.loc)
	if g.scale != nil {
		scale = ops.AddScalar(tensor.Random(dtype.Float64, tensor.Uniform, seed+1, g.scale...), 0.5)
	}
	if g.offset != nil {
		offset = nnF64(seed+2, g.offset...)
	}
	return x, scale, offset, nnF64(seed+3, g.x...)
}

func (g lnGeometry) String() string {
	return fmt.Sprintf("x%v/k%d/scale%v/offset%v", g.x, g.k, g.scale, g.offset)
}

// lnNorm runs the fused normalization through its public function.
func lnNorm(x, scale, offset *tensor.Tensor, k int, eps float64, center bool) *tensor.Tensor {
	p := ops.LayerNormParams{NumAxes: k, Epsilon: eps}
	if center {
		return ops.LayerNorm(x, scale, offset, p)
	}
	return ops.RMSNorm(x, scale, p)
}

// watched returns the non-nil tensors, watched for gradients.
func watched(ts ...*tensor.Tensor) []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, t := range ts {
		if t != nil {
			out = append(out, autodiff.Watch(t))
		}
	}
	return out
}

// TestLayerNormMatchesComposite checks the fused forward and gradient against the composite
// form in float64 and float32, for both normalizations and every geometry.
func TestLayerNormMatchesComposite(t *testing.T) {
	for _, center := range []bool{true, false} {
		for i, g := range lnGeometries {
			for _, dt := range []dtype.DType{dtype.Float64, dtype.Float32} {
				if !center {
					g.offset = nil
				}
				x, scale, offset, dy := g.inputs(uint64(100 + 10*i))
				cast := func(t *tensor.Tensor) *tensor.Tensor {
					if t == nil {
						return nil
					}
					return ops.Cast(t, dt)
				}
				in := watched(cast(x), cast(scale), cast(offset))
				args := func() (x, s, o *tensor.Tensor) {
					x, j := in[0], 1
					if g.scale != nil {
						s, j = in[j], j+1
					}
					if offset != nil {
						o = in[j]
					}
					return x, s, o
				}
				xs, ss, os := args()
				fused := lnNorm(xs, ss, os, g.k, g.eps, center)
				comp := lnComposite(xs, ss, os, g.k, ops.NormParams{Epsilon: g.eps}.Eps(), center)
				gf := autodiff.Gradients([]*tensor.Tensor{fused}, in, autodiff.OutputGrads(cast(dy)))
				gc := autodiff.Gradients([]*tensor.Tensor{comp}, in, autodiff.OutputGrads(cast(dy)))
				// float32: the composite rounds at every step, the fused kernels less; the
				// parameter gradients sum over the rows.
				tol := 1e-12
				if dt == dtype.Float32 {
					tol = 2e-5
				}
				name := fmt.Sprintf("center=%v %v %s", center, g, dt)
				lnClose(t, name+" y", fused, comp, tol)
				for j := range in {
					lnClose(t, fmt.Sprintf("%s grad %d", name, j), gf[j], gc[j], tol)
				}
			}
		}
	}
}

// lnClose reports an error unless got and want have the same dtype and shape and agree within
// tol relative to max(1, |want|).
func lnClose(t *testing.T, what string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	if got.DType() != want.DType() || !got.Shape().Equal(want.Shape()) {
		t.Errorf("%s: got %s%v, want %s%v", what, got.DType(), got.Shape(), want.DType(), want.Shape())
		return
	}
	gv, wv := got.Float64s(), want.Float64s()
	for i := range gv {
		if math.Abs(gv[i]-wv[i]) > tol*max(1, math.Abs(wv[i])) {
			t.Errorf("%s: element %d is %v, want %v", what, i, gv[i], wv[i])
			return
		}
	}
}

// TestLayerNormGradcheck checks the fused normalizations' gradients by finite differences to
// second order, for the geometries the gradcheck suite does not cover: scales and offsets that
// broadcast, several axes, a large mean.
func TestLayerNormGradcheck(t *testing.T) {
	for _, center := range []bool{true, false} {
		for i, g := range lnGeometries {
			if !center {
				g.offset = nil
			}
			x, scale, offset, _ := g.inputs(uint64(200 + 10*i))
			xs := []*tensor.Tensor{x}
			for _, p := range []*tensor.Tensor{scale, offset} {
				if p != nil {
					xs = append(xs, p)
				}
			}
			f := func(in []*tensor.Tensor) *tensor.Tensor {
				j, s, o := 1, (*tensor.Tensor)(nil), (*tensor.Tensor)(nil)
				if scale != nil {
					s, j = in[j], j+1
				}
				if offset != nil {
					o = in[j]
				}
				return lnNorm(in[0], s, o, g.k, g.eps, center)
			}
			if err := gradcheck.Check(f, xs, gradcheck.Order(2)); err != nil {
				t.Errorf("center=%v %v: %v", center, g, err)
			}
		}
	}
}

// TestLayerNormSecondOrderMatchesComposite compares Hessian-vector products of the fused
// normalizations (their gradients taken with CreateGraph run the composite gradient, whose
// own gradient runs the fused one again, through the statistics) with the composite form's.
func TestLayerNormSecondOrderMatchesComposite(t *testing.T) {
	for _, center := range []bool{true, false} {
		g := lnGeometries[2]
		if !center {
			g.offset = nil
		}
		x, scale, offset, dy := g.inputs(300)
		hvp := func(norm func(x, s, o *tensor.Tensor) *tensor.Tensor) []*tensor.Tensor {
			in := watched(x, scale, offset)
			var o *tensor.Tensor
			if len(in) > 2 {
				o = in[2]
			}
			y := norm(in[0], in[1], o)
			gs := autodiff.Gradients([]*tensor.Tensor{y}, in, autodiff.OutputGrads(dy), autodiff.CreateGraph())
			// ⟨gradients, v⟩ with a fixed v for each, differentiated again.
			var sum *tensor.Tensor
			for j, gj := range gs {
				term := ops.Sum(ops.Mul(gj, nnF64(uint64(310+j), gj.Shape()...)))
				if sum == nil {
					sum = term
				} else {
					sum = ops.Add(sum, term)
				}
			}
			return autodiff.Grad(sum, in...)
		}
		eps := ops.NormParams{Epsilon: g.eps}.Eps()
		fused := hvp(func(x, s, o *tensor.Tensor) *tensor.Tensor { return lnNorm(x, s, o, g.k, g.eps, center) })
		comp := hvp(func(x, s, o *tensor.Tensor) *tensor.Tensor { return lnComposite(x, s, o, g.k, eps, center) })
		for j := range fused {
			lnClose(t, fmt.Sprintf("center=%v second derivative %d", center, j), fused[j], comp[j], 1e-10)
		}
	}
}

// TestLayerNormGradPaths traces the gradient rules: without CreateGraph they apply the fused
// gradient ops; with it they build the composite form (no fused gradient op), and the second
// backward pass, not recorded, applies the fused ops again.
func TestLayerNormGradPaths(t *testing.T) {
	trace := func(create bool) (first, second []string) {
		tr := &nnTracer{}
		x := autodiff.Watch(tensor.NewSymbolic(dtype.Float64, shape.Shape{shape.Unknown, 3, 4}, nnSymbol{tr}))
		scale, offset := autodiff.Watch(nnF64(1, 4)), autodiff.Watch(nnF64(2, 4))
		if err := core.Catch(func() {
			y := ops.LayerNorm(x, scale, offset, ops.LayerNormParams{})
			y = ops.RMSNorm(y, scale, ops.LayerNormParams{NumAxes: 2})
			y = ops.Gelu(y, "tanh")
			loss := ops.Sum(ops.Mul(y, y))
			var opts []autodiff.GradOption
			if create {
				opts = append(opts, autodiff.CreateGraph())
			}
			n := len(tr.ops)
			gs := autodiff.Gradients([]*tensor.Tensor{loss}, []*tensor.Tensor{x, scale, offset}, opts...)
			first = slices.Clone(tr.ops[n:])
			if create {
				n = len(tr.ops)
				autodiff.Grad(ops.Sum(ops.Mul(gs[0], gs[0])), x, scale, offset)
				second = slices.Clone(tr.ops[n:])
			}
		}); err != nil {
			t.Fatalf("tracing: %v", err)
		}
		return first, second
	}
	fused := []string{"layer_norm_grad", "rms_norm_grad", "gelu_grad"}
	first, _ := trace(false)
	for _, name := range fused {
		if !slices.Contains(first, name) {
			t.Errorf("the gradient without CreateGraph does not apply %s: %v", name, first)
		}
	}
	first, second := trace(true)
	for _, name := range fused {
		if slices.Contains(first, name) {
			t.Errorf("the gradient with CreateGraph applies %s, which is not differentiable", name)
		}
		if !slices.Contains(second, name) {
			t.Errorf("the second gradient does not apply %s: %v", name, second)
		}
	}
}

// TestLayerNormStatistics checks the statistics the primitive returns: the mean and
// 1/√(variance + ε) of each row, with the normalized axes kept as 1, in float32 for float16
// and bfloat16 inputs.
func TestLayerNormStatistics(t *testing.T) {
	x := ops.AddScalar(nnF64(40, 2, 3, 4), 3)
	for _, dt := range []dtype.DType{dtype.Float64, dtype.Float32, dtype.Float16, dtype.BFloat16} {
		xd := ops.Cast(x, dt)
		out := core.Apply(core.Lookup("layer_norm"), ops.NormParams{NumAxes: 2}, xd)
		xr := ops.Cast(xd, dtype.Float64)
		mean := ops.MeanKeepDims(xr, 1, 2)
		d := ops.Sub(xr, mean)
		rstd := ops.Reciprocal(ops.Sqrt(ops.AddScalar(ops.MeanKeepDims(ops.Mul(d, d), 1, 2), ops.DefaultEpsilon)))
		want := ops.NormStatsDType(dt)
		for i, w := range []*tensor.Tensor{mean, rstd} {
			got := out[1+i]
			if got.DType() != want || !got.Shape().Equal(shape.Shape{2, 1, 1}) {
				t.Errorf("%s: statistic %d is %s%v, want %s[2 1 1]", dt, i, got.DType(), got.Shape(), want)
				continue
			}
			if !tensor.AllClose(ops.Cast(got, dtype.Float64), w, 1e-6, 1e-6) {
				t.Errorf("%s: statistic %d is %v, want %v", dt, i, got, w)
			}
		}
		if out[0].DType() != dt {
			t.Errorf("%s: y is %s", dt, out[0].DType())
		}
		// The gradient comes back in x's dtype.
		xw := autodiff.Watch(xd)
		g := autodiff.Grad(ops.Sum(ops.Square(ops.LayerNorm(xw, nil, nil, ops.LayerNormParams{NumAxes: 2}))), xw)[0]
		if g.DType() != dt {
			t.Errorf("%s: the gradient is %s", dt, g.DType())
		}
	}
	// RMS normalization returns y and 1/√(mean(x²) + ε).
	out := core.Apply(core.Lookup("rms_norm"), ops.NormParams{}, x)
	want := ops.Reciprocal(ops.Sqrt(ops.AddScalar(ops.MeanKeepDims(ops.Mul(x, x), 2), ops.DefaultEpsilon)))
	if len(out) != 2 || !tensor.AllClose(out[1], want, 1e-14, 1e-14) {
		t.Errorf("rms_norm's statistic is %v, want %v", out[len(out)-1], want)
	}
}

// TestLayerNormOpErrors applies the primitives directly with bad inputs: each panics with a
// *core.Error naming the op and what it wanted.
func TestLayerNormOpErrors(t *testing.T) {
	f32 := func(d ...int) *tensor.Tensor { return tensor.Zeros(dtype.Float32, d...) }
	ln, lnGrad := core.Lookup("layer_norm"), core.Lookup("layer_norm_grad")
	rms, rmsGrad := core.Lookup("rms_norm"), core.Lookup("rms_norm_grad")
	x := f32(2, 3)
	st := f32(2, 1)
	cases := map[string]func(){
		"layer_norm: normalizing over the last 3 axes of [2 3], want 1 to 2": func() { core.Apply(ln, ops.NormParams{NumAxes: 3}, x) },
		"layer_norm: scale has shape [2], want one that broadcasts to the normalized shape [3]": func() {
			core.Apply(ln, ops.NormParams{HasScale: true}, x, f32(2))
		},
		"layer_norm: offset is float64[3], want x's dtype float32": func() {
			core.Apply(ln, ops.NormParams{HasOffset: true}, x, tensor.Zeros(dtype.Float64, 3))
		},
		"layer_norm: got 1 inputs, want 2":                             func() { core.Apply(ln, ops.NormParams{HasScale: true}, x) },
		"layer_norm: x is int32[2 3], want a floating-point type":      func() { core.Apply(ln, ops.NormParams{}, tensor.Zeros(dtype.Int32, 2, 3)) },
		"layer_norm: epsilon -1, want a finite number >= 0":            func() { core.Apply(ln, ops.NormParams{Epsilon: -1}, x) },
		"rms_norm: rms normalization has no offset":                    func() { core.Apply(rms, ops.NormParams{HasOffset: true}, x, f32(3)) },
		"layer_norm_grad: dy is float32[3 2], want float32[2 3] for x": func() { core.Apply(lnGrad, ops.NormParams{}, x, st, st, f32(3, 2), st, st) },
		"layer_norm_grad: mean is float32[2 3], want float32[2 1] for x float32[2 3]": func() {
			core.Apply(lnGrad, ops.NormParams{}, x, x, st, x, st, st)
		},
		"rms_norm_grad: drstd is float64[2 1], want float32[2 1]": func() {
			core.Apply(rmsGrad, ops.NormParams{}, x, st, x, tensor.Zeros(dtype.Float64, 2, 1))
		},
		"rms_norm_grad: got 4 inputs, want 5": func() { core.Apply(rmsGrad, ops.NormParams{HasScale: true}, x, st, x, st) },
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
}

// TestLayerNormIntegerInput checks that integer inputs are normalized as float32, as the
// composite form did.
func TestLayerNormIntegerInput(t *testing.T) {
	x := tensor.FromSlice([]int32{1, 2, 3, 10, 20, 30}, 2, 3)
	y := ops.LayerNorm(x, nil, nil, ops.LayerNormParams{})
	want := ops.LayerNorm(ops.Cast(x, dtype.Float32), nil, nil, ops.LayerNormParams{})
	if y.DType() != dtype.Float32 || !tensor.Equal(y, want) {
		t.Errorf("LayerNorm of int32 = %v, want %v", y, want)
	}
	if r := ops.RMSNorm(x, nil, ops.LayerNormParams{}); r.DType() != dtype.Float32 {
		t.Errorf("RMSNorm of int32 is %s", r.DType())
	}
}
