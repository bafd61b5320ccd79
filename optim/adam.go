package optim

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Adam returns the Adam optimizer (Keras Adam, torch.optim.Adam). Defaults: learning rate
// 0.001, [Beta1] 0.9, [Beta2] 0.999, [Epsilon] 1e-7, no [AMSGrad]. With t the update number:
//
//	m = m + (g - m)(1 - β1)
//	v = v + (g² - v)(1 - β2)            (AMSGrad: v̂ = max(v̂, v), used for v below)
//	w -= lr·√(1 - β2^t)/(1 - β1^t) · m/(√v + ε)
//
// ε is Keras's "epsilon hat", added to √v before the bias correction; PyTorch adds its eps to
// √v/√(1-β2^t), so the two agree exactly only for ε = 0 (Keras ε equals PyTorch eps·√(1-β2^t)).
// It panics with a *core.Error on an option it does not take or a value out of range.
func Adam(opts ...Option) Optimizer {
	s := newSettings("Adam", adamDefaults("adam", 0), allowed("beta_1", "beta_2", "epsilon", "amsgrad"), opts)
	return newBase(&adamRule{class: "Adam", beta1: s.beta1, beta2: s.beta2, eps: s.epsilon, amsgrad: s.amsgrad}, s)
}

// AdamW returns Adam with decoupled weight decay (Keras AdamW, torch.optim.AdamW): Adam's
// defaults plus [WeightDecay] 0.004, applied as w -= w·wd·lr before the Adam step, which is
// PyTorch's AdamW (whose default weight_decay is 0.01). It panics with a *core.Error on an
// option it does not take or a value out of range.
func AdamW(opts ...Option) Optimizer {
	s := newSettings("AdamW", adamDefaults("adamw", 0.004), allowed("beta_1", "beta_2", "epsilon", "amsgrad"), opts)
	return newBase(&adamRule{class: "AdamW", beta1: s.beta1, beta2: s.beta2, eps: s.epsilon, amsgrad: s.amsgrad}, s)
}

func adamDefaults(name string, wd float64) settings {
	return settings{name: name, lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: wd}
}

type adamRule struct {
	class             string
	beta1, beta2, eps float64
	amsgrad           bool
}

func (r *adamRule) className() string { return r.class }

func (r *adamRule) slots() []slotSpec {
	s := []slotSpec{{name: "momentum"}, {name: "velocity"}}
	if r.amsgrad {
		s = append(s, slotSpec{name: "velocity_hat"})
	}
	return s
}

func (r *adamRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	one := c.k(1)
	bc1 := ops.Sub(one, ops.Pow(c.k(r.beta1), c.t))
	bc2 := ops.Sub(one, ops.Pow(c.k(r.beta2), c.t))
	alpha := ops.Div(ops.Mul(c.lr, ops.Sqrt(bc2)), bc1)
	if !r.amsgrad && (c.dt == dtype.Float32 || c.dt == dtype.Float64) {
		// One pass over the variable and its moments instead of a dozen: the same arithmetic.
		p := ops.AdamUpdateParams{Beta1: r.beta1, Beta2: r.beta2, Epsilon: r.eps}
		w, m, v := ops.AdamUpdate(w, g, s[0], s[1], alpha, p)
		return w, []*tensor.Tensor{m, v}
	}
	m := ops.Add(s[0], ops.MulScalar(ops.Sub(g, s[0]), 1-r.beta1))
	v := ops.Add(s[1], ops.MulScalar(ops.Sub(ops.Square(g), s[1]), 1-r.beta2))
	out := []*tensor.Tensor{m, v}
	if r.amsgrad {
		v = ops.Maximum(s[2], v)
		out = append(out, v)
	}
	w = ops.Sub(w, ops.Div(ops.Mul(m, alpha), ops.AddScalar(ops.Sqrt(v), r.eps)))
	return w, out
}

func (r *adamRule) config(m map[string]any) {
	m["beta_1"], m["beta_2"], m["epsilon"], m["amsgrad"] = r.beta1, r.beta2, r.eps, r.amsgrad
}

// Adamax returns Adamax, Adam with the infinity norm (Keras Adamax, torch.optim.Adamax).
// Defaults: learning rate 0.001, [Beta1] 0.9, [Beta2] 0.999, [Epsilon] 1e-7:
//
//	m = m + (g - m)(1 - β1)
//	u = max(β2·u, |g|)
//	w -= lr·m / ((1 - β1^t)(u + ε))
//
// PyTorch instead takes u = max(β2·u, |g| + eps) and divides by u; the two agree for ε = 0.
// It panics with a *core.Error on an option it does not take or a value out of range.
func Adamax(opts ...Option) Optimizer {
	s := newSettings("Adamax", adamDefaults("adamax", 0), allowed("beta_1", "beta_2", "epsilon"), opts)
	return newBase(&adamaxRule{beta1: s.beta1, beta2: s.beta2, eps: s.epsilon}, s)
}

type adamaxRule struct{ beta1, beta2, eps float64 }

func (r *adamaxRule) className() string { return "Adamax" }

func (r *adamaxRule) slots() []slotSpec { return []slotSpec{{name: "momentum"}, {name: "norm"}} }

func (r *adamaxRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	bc1 := ops.Sub(c.k(1), ops.Pow(c.k(r.beta1), c.t))
	m := ops.Add(s[0], ops.MulScalar(ops.Sub(g, s[0]), 1-r.beta1))
	u := ops.Maximum(ops.MulScalar(s[1], r.beta2), ops.Abs(g))
	w = ops.Sub(w, ops.Div(ops.Mul(c.lr, m), ops.Mul(bc1, ops.AddScalar(u, r.eps))))
	return w, []*tensor.Tensor{m, u}
}

func (r *adamaxRule) config(m map[string]any) {
	m["beta_1"], m["beta_2"], m["epsilon"] = r.beta1, r.beta2, r.eps
}

// Nadam returns Adam with Nesterov momentum (Keras Nadam, Dozat 2015; torch.optim.NAdam with
// momentum_decay=1). Defaults: learning rate 0.001, [Beta1] 0.9, [Beta2] 0.999, [Epsilon] 1e-7.
// With μ_t = β1(1 - ½·0.96^t) and Π_t = μ_1···μ_t (a state variable, "u_product"):
//
//	m = m + (g - m)(1 - β1);  v = v + (g² - v)(1 - β2)
//	m̂ = μ_{t+1}·m/(1 - Π_t·μ_{t+1}) + (1 - μ_t)·g/(1 - Π_t);  v̂ = v/(1 - β2^t)
//	w -= lr·m̂/(√v̂ + ε)
//
// This is PyTorch ≥ 2.0's NAdam with momentum_decay=1; PyTorch 1.13 multiplied Π_t by μ_t
// twice in the first term (fixed by pytorch/pytorch#92699).
// It panics with a *core.Error on an option it does not take or a value out of range.
func Nadam(opts ...Option) Optimizer {
	s := newSettings("Nadam", adamDefaults("nadam", 0), allowed("beta_1", "beta_2", "epsilon"), opts)
	return newBase(&nadamRule{beta1: s.beta1, beta2: s.beta2, eps: s.epsilon}, s)
}

type nadamRule struct{ beta1, beta2, eps float64 }

var _ globalRule = (*nadamRule)(nil)

func (r *nadamRule) className() string { return "Nadam" }

func (r *nadamRule) slots() []slotSpec { return []slotSpec{{name: "momentum"}, {name: "velocity"}} }

func (r *nadamRule) globalSlots() []slotSpec { return []slotSpec{{name: "u_product", init: 1}} }

// mu returns β1(1 - ½·0.96^t) in t's dtype.
func (r *nadamRule) mu(t *tensor.Tensor) *tensor.Tensor {
	dt := t.DType()
	decay := ops.Pow(tensor.Full(dt, 0.96), t)
	return ops.MulScalar(ops.Sub(tensor.Full(dt, 1), ops.MulScalar(decay, 0.5)), r.beta1)
}

func (r *nadamRule) advance(t *tensor.Tensor, state []*tensor.Tensor) []*tensor.Tensor {
	return []*tensor.Tensor{ops.Mul(ops.Cast(state[0], dtype.Float64), r.mu(t))}
}

func (r *nadamRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	one := c.k(1)
	ut := r.mu(c.t)
	ut1 := r.mu(ops.Add(c.t, one))
	prod := c.globals[0]
	prod1 := ops.Mul(prod, ut1)
	bc2 := ops.Sub(one, ops.Pow(c.k(r.beta2), c.t))
	m := ops.Add(s[0], ops.MulScalar(ops.Sub(g, s[0]), 1-r.beta1))
	v := ops.Add(s[1], ops.MulScalar(ops.Sub(ops.Square(g), s[1]), 1-r.beta2))
	mhat := ops.Add(ops.Div(ops.Mul(ut1, m), ops.Sub(one, prod1)),
		ops.Div(ops.Mul(ops.Sub(one, ut), g), ops.Sub(one, prod)))
	vhat := ops.Div(v, bc2)
	w = ops.Sub(w, ops.Div(ops.Mul(mhat, c.lr), ops.AddScalar(ops.Sqrt(vhat), r.eps)))
	return w, []*tensor.Tensor{m, v}
}

func (r *nadamRule) config(m map[string]any) {
	m["beta_1"], m["beta_2"], m["epsilon"] = r.beta1, r.beta2, r.eps
}
