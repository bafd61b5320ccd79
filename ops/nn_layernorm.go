package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Layer and RMS normalization as primitives. Composed of a mean, a subtraction, a mean of
// squares, a square root, a division and the affine step, they make half a dozen passes over
// memory eagerly, their reductions break a graph's elementwise fusion, and their gradients
// make twice as many; a fused kernel makes one pass per row for the statistics and one for the
// result, over a row still in cache.
//
// As ONNX LayerNormalization and PyTorch's native_layer_norm, the forward op also returns the
// statistics of each row (the mean and 1/√(variance + ε), with the normalized axes kept as 1),
// which the gradient reads instead of recomputing. They are float32 for float16 and bfloat16
// inputs (ONNX's stash_type), so that the gradient does not lose precision to them.
//
// The gradient primitives layer_norm_grad and rms_norm_grad are not differentiable. The rule
// that applies them checks whether any tensor it is handed is itself tracked for gradients
// (autodiff.CreateGraph): then it builds the same gradient from composite ops, which can be
// differentiated again; otherwise it applies the fused op. The fused ops take the gradients
// of the statistics too (zeros unless something used them), so that differentiating through
// the statistics the composite gradient reads stays exact. layer_norm_grad takes the forward
// mean as a pivot and corrects it by the mean of x minus it, so that the mean's rounding to
// float32 does not shift x̂ (for float32 rows with a mean of 1000 and a spread of 2 the shift
// would cost the scale's gradient some 2e-5, a couple of hundred ulps, as PyTorch's float32
// gradient loses).

// NormParams are the params of the normalization primitives layer_norm and rms_norm and of
// their gradients layer_norm_grad and rms_norm_grad. [LayerNorm] and [RMSNorm] fill them in.
type NormParams struct {
	// NumAxes is how many trailing axes are normalized together; 0 means 1.
	NumAxes int
	// Epsilon is added to the variance (the mean square for RMS) before the square root; 0
	// means [DefaultEpsilon]. The gradient ops ignore it: they read 1/√(variance + ε).
	Epsilon float64
	// HasScale and HasOffset say which optional inputs follow x in the forward ops (the scale,
	// then the offset; rms_norm has no offset) and which parameter gradients the gradient ops
	// return after dx. The gradient ops take the scale, not the offset.
	HasScale, HasOffset bool
}

var nnLayerNormOp, nnLayerNormGradOp, nnRMSNormOp, nnRMSNormGradOp *core.Op

func init() {
	nnLayerNormOp = core.Declare(core.Def[NormParams]{
		Name: "layer_norm", Overwrites: true, DTypes: floatTypes,
		Doc:   "(x − mean)/√(variance + ε)·scale + offset over the trailing axes, with each row's mean and 1/√(variance + ε) (ONNX LayerNormalization, torch.native_layer_norm)",
		Infer: func(p NormParams, in []core.Spec) ([]core.Spec, error) { return nnInferNorm(p, true, in) },
		Grad:  func(p NormParams, in, out, g []*Tensor) []*Tensor { return nnNormGrad(p, true, in, out, g) },
	})
	registerRef(nnLayerNormOp, floatTypes, func(p NormParams, in, out []*Tensor) error { return nnNormRef(p, true, in, out) })

	nnLayerNormGradOp = core.Declare(core.Def[NormParams]{
		Name: "layer_norm_grad", Overwrites: true, DTypes: floatTypes, NotDifferentiable: true,
		Doc:   "gradients of layer_norm from x, its statistics, dy, the statistics' gradients and the scale: dx, dscale and doffset (ONNX none, torch.native_layer_norm_backward)",
		Infer: func(p NormParams, in []core.Spec) ([]core.Spec, error) { return nnInferNormGrad(p, true, in) },
	})
	registerRef(nnLayerNormGradOp, floatTypes, func(p NormParams, in, out []*Tensor) error { return nnNormGradRef(p, true, in, out) })

	nnRMSNormOp = core.Declare(core.Def[NormParams]{
		Name: "rms_norm", Overwrites: true, DTypes: floatTypes,
		Doc:   "x/√(mean(x²) + ε)·scale over the trailing axes, with each row's 1/√(mean(x²) + ε) (ONNX RMSNormalization, torch.nn.functional.rms_norm)",
		Infer: func(p NormParams, in []core.Spec) ([]core.Spec, error) { return nnInferNorm(p, false, in) },
		Grad:  func(p NormParams, in, out, g []*Tensor) []*Tensor { return nnNormGrad(p, false, in, out, g) },
	})
	registerRef(nnRMSNormOp, floatTypes, func(p NormParams, in, out []*Tensor) error { return nnNormRef(p, false, in, out) })

	nnRMSNormGradOp = core.Declare(core.Def[NormParams]{
		Name: "rms_norm_grad", Overwrites: true, DTypes: floatTypes, NotDifferentiable: true,
		Doc:   "gradients of rms_norm from x, its statistic, dy, the statistic's gradient and the scale: dx and dscale (ONNX none, torch rms_norm's autograd)",
		Infer: func(p NormParams, in []core.Spec) ([]core.Spec, error) { return nnInferNormGrad(p, false, in) },
	})
	registerRef(nnRMSNormGradOp, floatTypes, func(p NormParams, in, out []*Tensor) error { return nnNormGradRef(p, false, in, out) })
}

// NormAxes returns how many trailing axes p normalizes: p.NumAxes, or 1 for 0.
func (p NormParams) NormAxes() int { return max(p.NumAxes, 1) }

// Eps returns the epsilon p adds: p.Epsilon, or DefaultEpsilon for 0.
func (p NormParams) Eps() float64 {
	if p.Epsilon == 0 {
		return DefaultEpsilon
	}
	return p.Epsilon
}

// NormStatsDType returns the dtype of the statistics layer_norm and rms_norm return for inputs
// of dtype dt: float64 for float64, float32 otherwise.
func NormStatsDType(dt dtype.DType) dtype.DType {
	if dt == dtype.Float64 {
		return dt
	}
	return dtype.Float32
}

// nnCheckNormParams checks p for a normalization (center: layer, else RMS).
func nnCheckNormParams(p NormParams, center bool) error {
	switch {
	case p.NumAxes < 0:
		return fmt.Errorf("normalizing over the last %d axes, want at least 1", p.NumAxes)
	case !(p.Epsilon >= 0) || math.IsInf(p.Epsilon, 0):
		return fmt.Errorf("epsilon %v, want a finite number >= 0", p.Epsilon)
	case !center && p.HasOffset:
		return fmt.Errorf("rms normalization has no offset")
	}
	return nil
}

// nnNormShape returns the normalized shape of x (its last p.NormAxes() dimensions), or an
// error when x is not floating point or has too few axes.
func nnNormShape(p NormParams, x core.Spec) (shape.Shape, error) {
	k := p.NormAxes()
	if !x.DType.IsFloat() {
		return nil, fmt.Errorf("x is %s, want a floating-point type", x)
	}
	if k > len(x.Shape) {
		return nil, fmt.Errorf("normalizing over the last %d axes of %v, want 1 to %d", k, x.Shape, len(x.Shape))
	}
	return x.Shape[len(x.Shape)-k:], nil
}

// nnStatsSpec returns the spec of the per-row statistics of x normalized over k axes: x's
// shape with the last k dimensions 1.
func nnStatsSpec(x core.Spec, k int) core.Spec {
	s := x.Shape.Clone()
	for i := len(s) - k; i < len(s); i++ {
		s[i] = 1
	}
	return core.Spec{DType: NormStatsDType(x.DType), Shape: s}
}

// nnCompatible reports whether shapes a and b are equal where both are known.
func nnCompatible(a, b shape.Shape) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && a[i] != shape.Unknown && b[i] != shape.Unknown {
			return false
		}
	}
	return true
}

// nnCheckParam checks that the scale or offset spec s has x's dtype and broadcasts to the
// normalized shape.
func nnCheckParam(what string, s, x core.Spec, norm shape.Shape) error {
	if s.DType != x.DType {
		return fmt.Errorf("%s is %s, want x's dtype %s", what, s, x.DType)
	}
	if !nnBroadcastsTo(s.Shape, norm) {
		return fmt.Errorf("%s has shape %v, want one that broadcasts to the normalized shape %v", what, s.Shape, norm)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nnInferNorm is the shape rule of layer_norm (center) and rms_norm: inputs x, then the scale
// and offset p names; outputs y, then the mean (layer_norm) and 1/√(variance + ε).
func nnInferNorm(p NormParams, center bool, in []core.Spec) ([]core.Spec, error) {
	if err := nnCheckNormParams(p, center); err != nil {
		return nil, err
	}
	if err := wantInputs(in, 1+btoi(p.HasScale)+btoi(p.HasOffset)); err != nil {
		return nil, err
	}
	x := in[0]
	norm, err := nnNormShape(p, x)
	if err != nil {
		return nil, err
	}
	for i, what := range nnParamNames(p) {
		if err := nnCheckParam(what, in[1+i], x, norm); err != nil {
			return nil, err
		}
	}
	st := nnStatsSpec(x, p.NormAxes())
	if center {
		return []core.Spec{x, st, st}, nil
	}
	return []core.Spec{x, st}, nil
}

// nnParamNames names the optional inputs p says the forward op has, in order.
func nnParamNames(p NormParams) []string {
	var out []string
	if p.HasScale {
		out = append(out, "scale")
	}
	if p.HasOffset {
		out = append(out, "offset")
	}
	return out
}

// nnGradInputNames names the inputs of layer_norm_grad (center) or rms_norm_grad before the
// optional scale.
func nnGradInputNames(center bool) []string {
	if center {
		return []string{"x", "mean", "rstd", "dy", "dmean", "drstd"}
	}
	return []string{"x", "rstd", "dy", "drstd"}
}

// nnInferNormGrad is the shape rule of layer_norm_grad (center) and rms_norm_grad: inputs x,
// the statistics, dy, the statistics' gradients and, if p.HasScale, the scale; outputs dx,
// then dscale and doffset (shaped as the normalized axes) as p says.
func nnInferNormGrad(p NormParams, center bool, in []core.Spec) ([]core.Spec, error) {
	if err := nnCheckNormParams(p, center); err != nil {
		return nil, err
	}
	names := nnGradInputNames(center)
	if err := wantInputs(in, len(names)+btoi(p.HasScale)); err != nil {
		return nil, err
	}
	x := in[0]
	norm, err := nnNormShape(p, x)
	if err != nil {
		return nil, err
	}
	st := nnStatsSpec(x, p.NormAxes())
	for i, name := range names[1:] {
		want := st
		if name == "dy" {
			want = x
		}
		if s := in[1+i]; s.DType != want.DType || !nnCompatible(s.Shape, want.Shape) {
			return nil, fmt.Errorf("%s is %s, want %s for x %s", name, s, want, x)
		}
	}
	if p.HasScale {
		if err := nnCheckParam("scale", in[len(names)], x, norm); err != nil {
			return nil, err
		}
	}
	out := []core.Spec{x}
	for range nnParamNames(p) {
		out = append(out, core.Spec{DType: x.DType, Shape: norm.Clone()})
	}
	return out, nil
}

// nnParamVector returns the n float64 values of the scale or offset t broadcast to the
// normalized shape norm, or nil for a nil t.
func nnParamVector(t *Tensor, norm shape.Shape) []float64 {
	if t == nil {
		return nil
	}
	v := ref.Values[float64](t)
	idx := ref.BroadcastIndex(t.Shape(), norm)
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = v[j]
	}
	return out
}

// nnNormRef is the reference kernel of layer_norm (center) and rms_norm, in float64: two
// passes over each row for the statistics, one for the result.
func nnNormRef(p NormParams, center bool, in, out []*Tensor) error {
	x, k := in[0], p.NormAxes()
	norm := x.Shape()[x.Rank()-k:]
	rows, n := x.Shape().Split(k)
	var scale, offset []float64
	if p.HasScale {
		scale = nnParamVector(in[1], norm)
	}
	if p.HasOffset {
		offset = nnParamVector(in[1+btoi(p.HasScale)], norm)
	}
	xv, eps, nf := ref.Values[float64](x), p.Eps(), float64(n)
	y, mean, rstd := make([]float64, len(xv)), make([]float64, rows), make([]float64, rows)
	for r := range rows {
		row, yr := xv[r*n:(r+1)*n], y[r*n:(r+1)*n]
		mu := 0.0
		if center {
			for _, v := range row {
				mu += v
			}
			mu /= nf
		}
		ss := 0.0
		for _, v := range row {
			ss += (v - mu) * (v - mu)
		}
		rs := 1 / math.Sqrt(ss/nf+eps)
		for i, v := range row {
			yr[i] = (v - mu) * rs
			if scale != nil {
				yr[i] *= scale[i]
			}
			if offset != nil {
				yr[i] += offset[i]
			}
		}
		mean[r], rstd[r] = mu, rs
	}
	ref.Store(out[0], y)
	if center {
		ref.Store(out[1], mean)
	}
	ref.Store(out[len(out)-1], rstd)
	return nil
}

// nnNormGradRef is the reference kernel of layer_norm_grad (center) and rms_norm_grad, in
// float64. With x̂ = (x − mean)·rstd (the mean of x, found from the mean input as a pivot: see
// nnPivotMean) and g = dy·scale, per row of n elements:
// dx = rstd·(g − mean(g) − x̂·(mean(g·x̂) + drstd·rstd/n)) + dmean/n (without the mean terms for
// RMS), dscale = Σ dy·x̂ and doffset = Σ dy over the rows.
func nnNormGradRef(p NormParams, center bool, in, out []*Tensor) error {
	a := NormGradInputs(p, center, in)
	rows, n := a.X.Shape().Split(p.NormAxes())
	xv, dyv := ref.Values[float64](a.X), ref.Values[float64](a.DY)
	rstd, drstd := ref.Values[float64](a.Rstd), ref.Values[float64](a.DRstd)
	var mean, dmean, scale []float64
	if center {
		mean, dmean = ref.Values[float64](a.Mean), ref.Values[float64](a.DMean)
	}
	if p.HasScale {
		scale = nnParamVector(a.Scale, a.X.Shape()[a.X.Rank()-p.NormAxes():])
	}
	dx, ds, db := make([]float64, len(xv)), make([]float64, n), make([]float64, n)
	xh, g := make([]float64, n), make([]float64, n)
	nf := float64(n)
	for r := range rows {
		mu, rs := 0.0, rstd[r]
		if center {
			mu = nnPivotMean(xv[r*n:(r+1)*n], mean[r])
		}
		sg, sgx := 0.0, 0.0
		for i := range n {
			d := dyv[r*n+i]
			xh[i], g[i] = (xv[r*n+i]-mu)*rs, d
			if scale != nil {
				g[i] *= scale[i]
			}
			sg, sgx = sg+g[i], sgx+g[i]*xh[i]
			ds[i] += d * xh[i]
			db[i] += d
		}
		c1, c2, c0 := 0.0, sgx/nf+drstd[r]*rs/nf, 0.0
		if center {
			c1, c0 = sg/nf, dmean[r]/nf
		}
		for i := range n {
			dx[r*n+i] = rs*(g[i]-c1-xh[i]*c2) + c0
		}
	}
	ref.Store(out[0], dx)
	o := 1
	if p.HasScale {
		ref.Store(out[o], ds)
		o++
	}
	if p.HasOffset {
		ref.Store(out[o], db)
	}
	return nil
}

// nnPivotMean returns the mean of x as piv + mean(x − piv): the gradient ops take the forward
// op's mean, rounded to the statistics' dtype, as a pivot and correct it (the fast kernels
// subtract it exactly where x is near it), so that x̂ keeps the accuracy of the forward pass
// even for float32 rows whose mean is far larger than their spread.
func nnPivotMean(x []float64, piv float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v - piv
	}
	return piv + s/float64(len(x))
}

// NormGradArgs are the inputs of layer_norm_grad and rms_norm_grad by name (mean and dmean are
// nil for rms_norm_grad, scale without HasScale).
type NormGradArgs struct {
	X, Mean, Rstd, DY, DMean, DRstd, Scale *Tensor
}

// NormGradInputs names the inputs in of layer_norm_grad (center) or rms_norm_grad with params
// p, for the kernels of other packages.
func NormGradInputs(p NormParams, center bool, in []*Tensor) NormGradArgs {
	var a NormGradArgs
	if center {
		a.X, a.Mean, a.Rstd, a.DY, a.DMean, a.DRstd = in[0], in[1], in[2], in[3], in[4], in[5]
	} else {
		a.X, a.Rstd, a.DY, a.DRstd = in[0], in[1], in[2], in[3]
	}
	if p.HasScale {
		a.Scale = in[len(in)-1]
	}
	return a
}

// nnTracked reports whether any of the tensors is tracked for gradients.
func nnTracked(lists ...[]*Tensor) bool {
	for _, l := range lists {
		for _, t := range l {
			if t != nil && t.Node() != nil {
				return true
			}
		}
	}
	return false
}

// nnNormGrad is the gradient rule of layer_norm (center) and rms_norm: the fused gradient op,
// or the composite form when anything it is handed is tracked (see the top of the file).
func nnNormGrad(p NormParams, center bool, in, out, g []*Tensor) []*Tensor {
	if nnTracked(in, out, g) {
		return nnNormGradComposite(p, center, in, out, g)
	}
	args := []*Tensor{in[0], out[1], g[0], g[1]}
	op := nnRMSNormGradOp
	if center {
		args, op = []*Tensor{in[0], out[1], out[2], g[0], g[1], g[2]}, nnLayerNormGradOp
	}
	if p.HasScale {
		args = append(args, in[1])
	}
	res := core.Apply(op, p, args...)
	grads := []*Tensor{res[0]}
	for i := range nnParamNames(p) {
		grads = append(grads, sumTo(res[1+i], in[1+i].Shape()))
	}
	return grads
}

// nnNormGradComposite is the gradient of layer_norm (center) or rms_norm written with
// differentiable ops: the formula of nnNormGradRef. The statistics come from the forward op's
// outputs, so a second derivative flows back through them into its gradient rule.
func nnNormGradComposite(p NormParams, center bool, in, out, g []*Tensor) []*Tensor {
	x, dy := in[0], g[0]
	k := p.NormAxes()
	axes := make([]int, k)
	for i := range axes {
		axes[i] = x.Rank() - k + i
	}
	rstd, drstd := out[len(out)-1], g[len(g)-1]
	xh := Mul(x, rstd)
	if center {
		xh = Mul(Sub(x, out[1]), rstd)
	}
	gg := dy
	if p.HasScale {
		gg = Mul(dy, in[1])
	}
	n := nnCount(x, axes, xh.DType())
	c2 := Add(MeanKeepDims(Mul(gg, xh), axes...), Div(Mul(drstd, rstd), n))
	inner := Sub(gg, Mul(xh, c2))
	if center {
		inner = Sub(inner, MeanKeepDims(gg, axes...))
	}
	dx := Mul(rstd, inner)
	if center {
		dx = Add(dx, Div(g[1], n))
	}
	grads := []*Tensor{Cast(dx, x.DType())}
	for i, what := range nnParamNames(p) {
		d := dy
		if what == "scale" {
			d = Cast(Mul(dy, xh), x.DType())
		}
		grads = append(grads, sumTo(d, in[1+i].Shape()))
	}
	return grads
}

// nnCount returns the number of elements of x along axes as a scalar of dtype dt: a constant
// when the dimensions are known, else the size op, counted when a graph runs.
func nnCount(x *Tensor, axes []int, dt dtype.DType) *Tensor {
	n := 1
	for _, a := range axes {
		if x.Dim(a) < 0 {
			return Size(x, dt, axes...)
		}
		n *= x.Dim(a)
	}
	return tensor.Full(dt, float64(n))
}

// nnNorm applies the normalization op to x with the optional scale and offset (converted to
// x's dtype), returning all of its outputs.
func nnNorm(op *core.Op, x, scale, offset *Tensor, p NormParams) []*Tensor {
	in := []*Tensor{x}
	if scale != nil {
		p.HasScale, in = true, append(in, Cast(scale, x.DType()))
	}
	if offset != nil {
		p.HasOffset, in = true, append(in, Cast(offset, x.DType()))
	}
	return core.Apply(op, p, in...)
}
