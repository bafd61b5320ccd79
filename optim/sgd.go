package optim

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func allowed(extra ...string) []string { return append(append([]string{}, commonOptions...), extra...) }

// SGD returns gradient descent with optional momentum (Keras SGD, torch.optim.SGD).
// Defaults: learning rate 0.01, momentum 0, no Nesterov; options [Momentum], [Nesterov] and the
// common ones. Without momentum w -= lr·g; with it
//
//	m = momentum·m - lr·g
//	w += m                      (Nesterov: w += momentum·m - lr·g)
//
// which equals PyTorch's form (buffer of gradients, lr applied last) while the learning rate
// is constant; under a schedule Keras's form (kept here) folds each step's rate into m.
// It panics with a *core.Error on an option it does not take or a value out of range.
func SGD(opts ...Option) Optimizer {
	s := newSettings("SGD", settings{name: "SGD", lr: 0.01}, allowed("momentum", "nesterov"), opts)
	return newBase(&sgdRule{momentum: s.momentum, nesterov: s.nesterov}, s)
}

type sgdRule struct {
	momentum float64
	nesterov bool
}

func (r *sgdRule) className() string { return "SGD" }

func (r *sgdRule) slots() []slotSpec {
	if r.momentum == 0 {
		return nil
	}
	return []slotSpec{{name: "momentum"}}
}

func (r *sgdRule) step(c *stepCtx, w, g *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	step := ops.Mul(g, c.lr)
	if r.momentum == 0 {
		return ops.Sub(w, step), nil
	}
	m := ops.Sub(ops.MulScalar(s[0], r.momentum), step)
	if r.nesterov {
		return ops.Add(w, ops.Sub(ops.MulScalar(m, r.momentum), step)), []*tensor.Tensor{m}
	}
	return ops.Add(w, m), []*tensor.Tensor{m}
}

func (r *sgdRule) config(m map[string]any) {
	m["momentum"] = r.momentum
	m["nesterov"] = r.nesterov
}
