package optim

import (
	"sync"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// LossScaleOptimizer wraps an optimizer with dynamic loss scaling for mixed-precision
// training (Keras LossScaleOptimizer, torch.cuda.amp.GradScaler). Low-precision gradients of
// small losses underflow to zero; scaling the loss up by a large factor before
// differentiating keeps them representable. Each step:
//
//   - [LossScaleOptimizer.ScaleLoss] multiplies the loss by the current scale; take the
//     gradients of that.
//   - Apply divides the gradients by the scale. If any gradient element is Inf or NaN (the
//     scale was too large), the step is skipped — no variable, slot or iteration count
//     changes — and the scale is halved.
//   - Otherwise the wrapped optimizer's step is applied, and after [DynamicGrowthSteps]
//     consecutive finite steps (default 2000) the scale doubles.
//
// The scale starts at [InitialScale] (default 2^15) and lives in a float32 variable
// "<name>/dynamic_scale" beside the int64 "<name>/step_counter", so the decision is taken with
// ops and a compiled train step keeps it: the skipped step is computed and discarded, as a
// graph has no branches. As in Keras 3 the scale has no lower bound.
type LossScaleOptimizer struct {
	inner   updater
	name    string
	initial float64
	growth  int

	once    sync.Once
	counter *autodiff.Variable // int64: finite steps since the last change of scale
	scale   *autodiff.Variable // float32
}

var _ Optimizer = (*LossScaleOptimizer)(nil)

// LossScale wraps inner (one of this package's optimizers) with dynamic loss scaling; see
// [LossScaleOptimizer]. Options: [InitialScale], [DynamicGrowthSteps] and [Name] (default
// "loss_scale_optimizer"). It panics with a *core.Error if inner is not one of this package's
// optimizers, has its own [LossScaleFactor], or on an option it does not take.
func LossScale(inner Optimizer, opts ...Option) *LossScaleOptimizer {
	s := newSettings("LossScale", settings{name: "loss_scale_optimizer", initialScale: 1 << 15, growthSteps: 2000},
		[]string{"name", "initial_scale", "dynamic_growth_steps"}, opts)
	u, ok := inner.(updater)
	if !ok {
		panic(core.Errorf("optim.LossScale", "cannot wrap %T: it must be an optimizer of package optim", inner))
	}
	if b, ok := inner.(*base); ok && b.s.lossScaleFactor != 0 {
		panic(core.Errorf("optim.LossScale", "optimizer %q already has a loss_scale_factor; the gradients would be unscaled twice", inner.Name()))
	}
	return &LossScaleOptimizer{inner: u, name: s.name, initial: s.initialScale, growth: s.growthSteps}
}

func (o *LossScaleOptimizer) init() {
	o.once.Do(func() {
		o.counter = autodiff.NewVariable(o.name+"/step_counter", tensor.Scalar[int64](0), autodiff.NotTrainable())
		o.scale = autodiff.NewVariable(o.name+"/dynamic_scale", tensor.Scalar(float32(o.initial)), autodiff.NotTrainable())
	})
}

// Inner returns the wrapped optimizer.
func (o *LossScaleOptimizer) Inner() Optimizer { return o.inner }

// Name returns the wrapper's name.
func (o *LossScaleOptimizer) Name() string { return o.name }

// Build builds the wrapped optimizer's slots and the wrapper's two variables.
func (o *LossScaleOptimizer) Build(vars []*autodiff.Variable) {
	o.init()
	o.inner.Build(vars)
}

// Scale returns the current loss scale.
func (o *LossScaleOptimizer) Scale() float64 {
	o.init()
	return o.scale.Value().Item()
}

// ScaleLoss returns loss multiplied by the current loss scale (in loss's dtype).
func (o *LossScaleOptimizer) ScaleLoss(loss *tensor.Tensor) *tensor.Tensor {
	o.init()
	return ops.Mul(loss, ops.Cast(o.scale.Value(), loss.DType()))
}

// Apply unscales the gradients and applies them with the wrapped optimizer if they are all
// finite, or skips the step; then it adapts the scale. It panics as the wrapped optimizer's
// Apply does.
func (o *LossScaleOptimizer) Apply(grads []*tensor.Tensor, vars []*autodiff.Variable) {
	o.init()
	if len(grads) == 0 && len(vars) == 0 {
		return
	}
	scale := o.scale.Value()
	finite := allFinite(grads)
	unscaled := make([]*tensor.Tensor, len(grads))
	for i, g := range grads {
		if g != nil {
			unscaled[i] = ops.Div(g.Detach(), ops.Cast(scale, g.DType()))
		}
	}
	ups := o.inner.updates(unscaled, vars)
	for i, u := range ups {
		ups[i].value = ops.Where(finite, u.value, u.v.Value().Detach())
	}
	count := o.counter.Value()
	grow := ops.Equal(count, tensor.Scalar(int64(o.growth-1)))
	zero := tensor.Scalar[int64](0)
	newCount := ops.Where(finite, ops.Where(grow, zero, ops.Add(count, tensor.Scalar[int64](1))), zero)
	newScale := ops.Where(finite,
		ops.Where(grow, ops.MulScalar(scale, 2), scale),
		ops.MulScalar(scale, 0.5))
	ups = append(ups, update{o.counter, newCount}, update{o.scale, newScale})
	commit(ups, anchorOf(grads))
}

// allFinite returns a bool scalar: whether every element of every gradient is finite.
func allFinite(grads []*tensor.Tensor) *tensor.Tensor {
	var all *tensor.Tensor
	for _, g := range grads {
		if g == nil {
			continue
		}
		bad := ops.LogicalOr(ops.IsNaN(g), ops.IsInf(g, 0))
		ok := ops.LogicalNot(ops.Any(bad))
		if all == nil {
			all = ok
		} else {
			all = ops.LogicalAnd(all, ok)
		}
	}
	if all == nil {
		return tensor.Full(dtype.Bool, 1)
	}
	return all
}

// Variables returns the wrapper's step counter and scale, then the wrapped optimizer's
// variables.
func (o *LossScaleOptimizer) Variables() []*autodiff.Variable {
	o.init()
	return append([]*autodiff.Variable{o.counter, o.scale}, o.inner.Variables()...)
}

// Iterations returns the wrapped optimizer's iteration counter, which skipped steps do not
// advance.
func (o *LossScaleOptimizer) Iterations() *autodiff.Variable { return o.inner.Iterations() }

// LearningRate returns the wrapped optimizer's learning rate.
func (o *LossScaleOptimizer) LearningRate() float64 { return o.inner.LearningRate() }

// SetLearningRate sets the wrapped optimizer's learning rate.
func (o *LossScaleOptimizer) SetLearningRate(lr float64) { o.inner.SetLearningRate(lr) }

// Config returns {"class_name": "LossScaleOptimizer", "config": {"name", "inner_optimizer",
// "initial_scale", "dynamic_growth_steps"}}.
func (o *LossScaleOptimizer) Config() Config {
	return Config{"LossScaleOptimizer", map[string]any{"name": o.name, "inner_optimizer": o.inner.Config(),
		"initial_scale": o.initial, "dynamic_growth_steps": o.growth}}
}
