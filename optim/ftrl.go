package optim

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Lion returns Lion, the sign-momentum optimizer of Chen et al. 2023 (Keras Lion; PyTorch has
// none before 2.x). Defaults: learning rate 0.001, [Beta1] 0.9, [Beta2] 0.99:
//
//	w -= lr·sign(β1·m + (1 - β1)g)
//	m = β2·m + (1 - β2)g
//
// Its updates have unit size per element, so its learning rate is usually 3-10× smaller than
// AdamW's and its weight decay larger. It panics with a *core.Error on an option it does not
// take, a value out of range, or β1 = 0 (which makes it sign descent).
func Lion(opts ...Option) Optimizer {
	s := newSettings("Lion", settings{name: "lion", lr: 0.001, beta1: 0.9, beta2: 0.99},
		allowed("beta_1", "beta_2"), opts)
	if s.beta1 <= 0 {
		panic(core.Errorf("optim.Lion", "beta_1 must be in (0, 1], got %v", s.beta1))
	}
	return newBase(&lionRule{beta1: s.beta1, beta2: s.beta2}, s)
}

type lionRule struct{ beta1, beta2 float64 }

func (r *lionRule) className() string { return "Lion" }

func (r *lionRule) slots() []slotSpec { return []slotSpec{{name: "momentum"}} }

func (r *lionRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	dir := ops.Sign(ops.Add(ops.MulScalar(s[0], r.beta1), ops.MulScalar(g, 1-r.beta1)))
	m := ops.Add(ops.MulScalar(s[0], r.beta2), ops.MulScalar(g, 1-r.beta2))
	return ops.Sub(w, ops.Mul(c.lr, dir)), []*tensor.Tensor{m}
}

func (r *lionRule) config(m map[string]any) { m["beta_1"], m["beta_2"] = r.beta1, r.beta2 }

// FTRL returns Follow The Regularized Leader (Keras Ftrl, McMahan et al. 2013; PyTorch has
// none). Defaults: learning rate 0.001, [LearningRatePower] -0.5, [InitialAccumulator] 0.1,
// [L1], [L2], [L2Shrinkage] and [Beta] 0. With p the learning-rate power, n the accumulator
// and z the linear term:
//
//	n' = n + g²
//	z += g + 2·λ_shrink·w - (n'^-p - n^-p)/lr · w
//	w = (clip(z, -λ1, λ1) - z) / (n'^-p/lr + 2(λ2 + β/(2·lr)))
//
// so w is 0 where |z| <= λ1. It panics with a *core.Error on an option it does not take or a
// value out of range.
func FTRL(opts ...Option) Optimizer {
	s := newSettings("FTRL", settings{name: "ftrl", lr: 0.001, lrPower: -0.5, initialAccum: 0.1},
		allowed("learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
			"l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta"), opts)
	return newBase(&ftrlRule{power: s.lrPower, initial: s.initialAccum, l1: s.l1, l2: s.l2,
		shrink: s.l2Shrink, beta: s.beta}, s)
}

type ftrlRule struct{ power, initial, l1, l2, shrink, beta float64 }

func (r *ftrlRule) className() string { return "Ftrl" }

func (r *ftrlRule) slots() []slotSpec {
	return []slotSpec{{name: "accumulator", init: r.initial}, {name: "linear"}}
}

func (r *ftrlRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	acc, lin := s[0], s[1]
	l2 := ops.Add(c.k(r.l2), ops.Div(c.k(r.beta), ops.MulScalar(c.lr, 2)))
	gShrunk := ops.Add(g, ops.MulScalar(w, 2*r.shrink))
	nacc := ops.Add(acc, ops.Square(g))
	newPow := ops.PowScalar(nacc, -r.power)
	sigma := ops.Div(ops.Sub(newPow, ops.PowScalar(acc, -r.power)), c.lr)
	lin = ops.Add(lin, ops.Sub(gShrunk, ops.Mul(sigma, w)))
	quadratic := ops.Add(ops.Div(newPow, c.lr), ops.MulScalar(l2, 2))
	clipped := ops.ClipScalar(lin, -r.l1, r.l1)
	w = ops.Div(ops.Sub(clipped, lin), quadratic)
	return w, []*tensor.Tensor{nacc, lin}
}

func (r *ftrlRule) config(m map[string]any) {
	m["learning_rate_power"] = r.power
	m["initial_accumulator_value"] = r.initial
	m["l1_regularization_strength"] = r.l1
	m["l2_regularization_strength"] = r.l2
	m["l2_shrinkage_regularization_strength"] = r.shrink
	m["beta"] = r.beta
}
