package optim

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// RMSprop returns RMSprop (Keras RMSprop, torch.optim.RMSprop). Defaults: learning rate 0.001,
// [Rho] 0.9, [Momentum] 0, [Epsilon] 1e-7, not [Centered]:
//
//	a = ρ·a + (1 - ρ)g²
//	centered: ḡ = ρ·ḡ + (1 - ρ)g;  d = a - ḡ² + ε,  else d = a + ε
//	Δ = lr·g/√d;  with momentum: b = momentum·b + Δ; w -= b,  else w -= Δ
//
// Keras puts ε inside the square root, PyTorch (alpha for ρ) outside; they agree for ε = 0 and
// a constant learning rate. It panics with a *core.Error on an option it does not take or a
// value out of range.
func RMSprop(opts ...Option) Optimizer {
	s := newSettings("RMSprop", settings{name: "rmsprop", lr: 0.001, rho: 0.9, epsilon: 1e-7},
		allowed("rho", "momentum", "epsilon", "centered"), opts)
	return newBase(&rmspropRule{rho: s.rho, momentum: s.momentum, eps: s.epsilon, centered: s.centered}, s)
}

type rmspropRule struct {
	rho, momentum, eps float64
	centered           bool
}

func (r *rmspropRule) className() string { return "RMSprop" }

func (r *rmspropRule) slots() []slotSpec {
	s := []slotSpec{{name: "velocity"}}
	if r.momentum > 0 {
		s = append(s, slotSpec{name: "momentum"})
	}
	if r.centered {
		s = append(s, slotSpec{name: "average_gradient"})
	}
	return s
}

func (r *rmspropRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	a := ops.Add(ops.MulScalar(s[0], r.rho), ops.MulScalar(ops.Square(g), 1-r.rho))
	denom := a
	var avg *tensor.Tensor
	if r.centered {
		avg = ops.Add(ops.MulScalar(s[len(s)-1], r.rho), ops.MulScalar(g, 1-r.rho))
		denom = ops.Sub(a, ops.Square(avg))
	}
	inc := ops.Div(ops.Mul(c.lr, g), ops.Sqrt(ops.AddScalar(denom, r.eps)))
	out := []*tensor.Tensor{a}
	if r.momentum > 0 {
		inc = ops.Add(ops.MulScalar(s[1], r.momentum), inc)
		out = append(out, inc)
	}
	if r.centered {
		out = append(out, avg)
	}
	return ops.Sub(w, inc), out
}

func (r *rmspropRule) config(m map[string]any) {
	m["rho"], m["momentum"], m["epsilon"], m["centered"] = r.rho, r.momentum, r.eps, r.centered
}

// Adagrad returns Adagrad (Keras Adagrad, torch.optim.Adagrad). Defaults: learning rate 0.001,
// [InitialAccumulator] 0.1, [Epsilon] 1e-7:
//
//	a = a + g²;  w -= lr·g/√(a + ε)
//
// PyTorch adds its eps outside the square root (and has no initial accumulator by default);
// the two agree for ε = 0 and PyTorch's initial_accumulator_value set to the same value. It
// panics with a *core.Error on an option it does not take or a value out of range.
func Adagrad(opts ...Option) Optimizer {
	s := newSettings("Adagrad", settings{name: "adagrad", lr: 0.001, initialAccum: 0.1, epsilon: 1e-7},
		allowed("initial_accumulator_value", "epsilon"), opts)
	return newBase(&adagradRule{initial: s.initialAccum, eps: s.epsilon}, s)
}

type adagradRule struct{ initial, eps float64 }

func (r *adagradRule) className() string { return "Adagrad" }

func (r *adagradRule) slots() []slotSpec {
	return []slotSpec{{name: "accumulator", init: r.initial}}
}

func (r *adagradRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	a := ops.Add(s[0], ops.Square(g))
	w = ops.Sub(w, ops.Div(ops.Mul(c.lr, g), ops.Sqrt(ops.AddScalar(a, r.eps))))
	return w, []*tensor.Tensor{a}
}

func (r *adagradRule) config(m map[string]any) {
	m["initial_accumulator_value"], m["epsilon"] = r.initial, r.eps
}

// Adadelta returns Adadelta (Keras Adadelta, torch.optim.Adadelta, Zeiler 2012). Defaults:
// learning rate 0.001 (the paper's form is 1.0, PyTorch's default), [Rho] 0.95,
// [Epsilon] 1e-7 (PyTorch 1e-6):
//
//	a = ρ·a + (1 - ρ)g²
//	Δ = -√(d + ε)·g/√(a + ε)
//	d = ρ·d + (1 - ρ)Δ²;  w += lr·Δ
//
// which is PyTorch's rule exactly. It panics with a *core.Error on an option it does not take
// or a value out of range.
func Adadelta(opts ...Option) Optimizer {
	s := newSettings("Adadelta", settings{name: "adadelta", lr: 0.001, rho: 0.95, epsilon: 1e-7},
		allowed("rho", "epsilon"), opts)
	return newBase(&adadeltaRule{rho: s.rho, eps: s.epsilon}, s)
}

type adadeltaRule struct{ rho, eps float64 }

func (r *adadeltaRule) className() string { return "Adadelta" }

func (r *adadeltaRule) slots() []slotSpec {
	return []slotSpec{{name: "accumulated_grad"}, {name: "accumulated_delta_var"}}
}

func (r *adadeltaRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	rms := func(x *tensor.Tensor) *tensor.Tensor { return ops.Sqrt(ops.AddScalar(x, r.eps)) }
	a := ops.Add(ops.MulScalar(s[0], r.rho), ops.MulScalar(ops.Square(g), 1-r.rho))
	delta := ops.Neg(ops.Div(ops.Mul(rms(s[1]), g), rms(a)))
	d := ops.Add(ops.MulScalar(s[1], r.rho), ops.MulScalar(ops.Square(delta), 1-r.rho))
	return ops.Add(w, ops.Mul(c.lr, delta)), []*tensor.Tensor{a, d}
}

func (r *adadeltaRule) config(m map[string]any) { m["rho"], m["epsilon"] = r.rho, r.eps }
