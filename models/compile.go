package models

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/metrics"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// CompileOption configures [Model.Compile].
type CompileOption func(*trainer)

// Metrics adds metrics computed on every output of the model, as Keras's metrics=[...]. Each is
// a metrics.Metric, or a name that metrics.Get knows ("mse", "auc", "top_k_categorical_accuracy",
// ...). "accuracy" and "acc" become the accuracy that fits the output, as Keras resolves them:
// binary for an output of one unit or a binary loss, sparse categorical for a sparse categorical
// loss, categorical for other categorical losses, and otherwise sparse categorical when the
// targets have one axis less than the output (or a last axis of 1 where the output's is larger),
// else categorical. A binary accuracy computed on logits (the loss has FromLogits) thresholds
// them at 0, where Keras would threshold logits at 0.5. A name makes one metric per output; a
// metric instance keeps one state, so it can only be given to a model of one output (use
// [OutputMetrics] for several). Compile returns an error for an unknown name or another type.
func Metrics(ms ...any) CompileOption {
	return func(t *trainer) { t.metricsAll = append(t.metricsAll, ms...) }
}

// OutputMetrics adds metrics computed on output i only, given as for [Metrics].
func OutputMetrics(i int, ms ...any) CompileOption {
	return func(t *trainer) {
		if t.metricsOut == nil {
			t.metricsOut = map[int][]any{}
		}
		t.metricsOut[i] = append(t.metricsOut[i], ms...)
	}
}

// OutputLosses gives one loss per output of the model instead of the same loss for all; nil
// leaves an output without a loss.
func OutputLosses(ls ...losses.Loss) CompileOption {
	return func(t *trainer) { t.losses = slices.Clone(ls) }
}

// LossWeights weights the outputs' losses in the total loss (default 1 each).
func LossWeights(ws ...float64) CompileOption {
	return func(t *trainer) { t.lossWeights = slices.Clone(ws) }
}

// Eager makes Fit, Evaluate and Predict run their steps op by op instead of compiling them
// with graph.Compile: slower, but errors point at the line that caused them and any Go code
// can be stepped through. Results are the same as compiled.
func Eager() CompileOption { return func(t *trainer) { t.eager = true } }

// StepData is one batch as a train step sees it.
type StepData struct {
	X, Y []*tensor.Tensor
	// SampleWeight is a [batch] weight per example (class and sample weights combined), or nil.
	SampleWeight *tensor.Tensor
	// Step is the int64 scalar number of train steps done before this one; layers mix it into
	// their random seeds (nn.Context.Step).
	Step *tensor.Tensor
}

// TrainStepFunc is a custom train step (Keras's overridden train_step): it computes one
// training update with ops — typically [Model.ComputeLoss], autodiff.GradVariables,
// [Model.Optimizer]().Apply and [Model.UpdateMetrics] — and returns scalar tensors to log by
// name. It runs inside the compiled step (or eagerly with [Eager]), so it must not read tensor
// values.
type TrainStepFunc func(m *Model, d StepData) map[string]*tensor.Tensor

// WithTrainStep replaces the default train step.
func WithTrainStep(fn TrainStepFunc) CompileOption { return func(t *trainer) { t.custom = fn } }

// trainer holds what Compile configures and the state of training.
type trainer struct {
	opt         optim.Optimizer
	loss        losses.Loss
	losses      []losses.Loss
	lossWeights []float64
	metricsAll  []any              // as given to Metrics: names and metrics.Metric values
	metricsOut  map[int][]any      // as given to OutputMetrics
	metrics     [][]metrics.Metric // per output; nil until the first step's targets are seen
	eager       bool
	custom      TrainStepFunc

	mu         sync.Mutex
	fns        map[string]*graph.Function
	freezeGen  uint64 // autodiff.FreezeGeneration when fns were traced
	steps      int64  // train steps done (the Step of the next one)
	optIsBuilt bool
	customKeys []string
	resolved   bool // resolveOutputs has fixed the per-output losses
	// postConstrain holds the weights whose constraints a compiled train step could not apply
	// itself (see projectConstraints); runStep applies them after each call.
	postConstrain []*autodiff.Variable
}

func (t *trainer) optBuilt() bool { return t.optIsBuilt }

// Compile configures the model for training with an optimizer and a loss (applied to every
// output unless [OutputLosses] says otherwise), as keras's model.compile. Options: [Metrics],
// [OutputMetrics], [OutputLosses], [LossWeights], [Eager], [WithTrainStep]. A model whose input
// is known is checked by running its forward pass symbolically: a layer that does not fit is
// returned as an error naming the layer, the op and the shapes. Compiling again replaces the
// configuration (and drops compiled steps), keeping the weights.
func (m *Model) Compile(opt optim.Optimizer, loss losses.Loss, opts ...CompileOption) (err error) {
	defer core.Recover(&err)
	if m.err != nil {
		return m.err
	}
	if opt == nil {
		return errors.New("models: Compile: nil optimizer")
	}
	t := &trainer{opt: opt, loss: loss, fns: map[string]*graph.Function{}}
	for _, o := range opts {
		o(t)
	}
	if err := t.checkMetricSpecs(); err != nil {
		return err
	}
	if m.train != nil {
		t.steps = m.train.steps
	}
	m.train = t
	if m.inSpecs != nil {
		if err := m.resolveOutputs(len(m.outputsCount())); err != nil {
			return err
		}
		if _, err := graph.Trace(m.inSpecs, func(args []*tensor.Tensor) []*tensor.Tensor {
			return m.Call(nn.Inference, args...)
		}); err != nil {
			return err
		}
	}
	return nil
}

// outputsCount returns one entry per model output (known once built).
func (m *Model) outputsCount() []core.Spec { return m.modelOut }

// resolveOutputs fixes the per-output losses and loss weights for a model with n outputs and
// checks the per-output metrics (made by resolveMetrics once targets are seen).
func (m *Model) resolveOutputs(n int) error {
	t := m.train
	if t.losses == nil {
		t.losses = make([]losses.Loss, n)
		for i := range t.losses {
			t.losses[i] = t.loss
		}
	}
	if len(t.losses) != n {
		return fmt.Errorf("models: Compile: %d losses for a model with %d outputs", len(t.losses), n)
	}
	if t.lossWeights == nil {
		t.lossWeights = slices.Repeat([]float64{1}, n)
	}
	if len(t.lossWeights) != n {
		return fmt.Errorf("models: Compile: %d loss weights for a model with %d outputs", len(t.lossWeights), n)
	}
	for i := range t.metricsOut {
		if i < 0 || i >= n {
			return fmt.Errorf("models: Compile: metrics for output %d of a model with %d outputs", i, n)
		}
	}
	if n > 1 && slices.ContainsFunc(t.metricsAll, func(s any) bool { _, ok := s.(metrics.Metric); return ok }) {
		// Each output needs its own metric state: an instance cannot serve several.
		return errors.New("models: Compile: a metric instance in Metrics on a model with several outputs; give names, or use OutputMetrics for each output")
	}
	t.resolved = true
	return nil
}

// Optimizer returns the optimizer given to Compile, or nil.
func (m *Model) Optimizer() optim.Optimizer {
	if m.train == nil {
		return nil
	}
	return m.train.opt
}

// ComputeLoss returns the total loss of a batch — each output's loss weighted by its loss
// weight, plus the layers' regularisation losses — and the model's predictions, running the
// model forward with ctx. It is the loss the default train step differentiates; custom train
// steps may call it. It panics with a *core.Error on shapes that do not fit.
func (m *Model) ComputeLoss(ctx nn.Context, d StepData) (total *tensor.Tensor, preds []*tensor.Tensor) {
	preds = m.Call(ctx, d.X...)
	total, _ = m.lossOf(d.Y, preds, d.SampleWeight)
	return total, preds
}

// lossOf returns the total loss and, for a model of several outputs, each output's loss.
func (m *Model) lossOf(ys, preds []*tensor.Tensor, sw *tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	t := m.train
	if len(ys) != len(preds) {
		panic(core.Errorf("models", "model %q has %d outputs, the data %d targets", m.name, len(preds), len(ys)))
	}
	var total *tensor.Tensor
	var parts []*tensor.Tensor
	for i, p := range preds {
		l := t.losses[i]
		if l == nil {
			continue
		}
		v := l.Compute(ys[i], p, sw)
		if len(preds) > 1 {
			parts = append(parts, v)
		}
		if w := t.lossWeights[i]; w != 1 {
			v = ops.MulScalar(v, w)
		}
		total = addLoss(total, v)
	}
	for _, r := range m.Losses() {
		total = addLoss(total, ops.Cast(ops.Sum(r), total.DType()))
	}
	if total == nil {
		panic(core.Errorf("models", "model %q: no output has a loss", m.name))
	}
	return total, parts
}

func addLoss(total, v *tensor.Tensor) *tensor.Tensor {
	if total == nil {
		return v
	}
	return ops.Add(total, ops.Cast(v, total.DType()))
}

// UpdateMetrics updates the compiled metrics with a batch's targets and predictions (custom
// train steps call it; the default steps do).
func (m *Model) UpdateMetrics(ys, preds []*tensor.Tensor, sw *tensor.Tensor) {
	for i, ms := range m.train.metrics {
		for _, mt := range ms {
			mt.Update(ys[i], preds[i], sw)
		}
	}
}

// defaultTrainStep is forward, loss, gradients, the optimizer's update and the weights'
// constraints, and the metrics.
func (m *Model) defaultTrainStep(d StepData) []*tensor.Tensor {
	ctx := nn.Context{Training: true, Step: d.Step}
	preds := m.Call(ctx, d.X...)
	total, parts := m.lossOf(d.Y, preds, d.SampleWeight)
	vars := m.TrainableWeights()
	grads := autodiff.GradVariables(m.train.opt.ScaleLoss(total), vars...)
	before := values(vars)
	m.train.opt.Apply(grads, vars)
	// As Keras's optimizer, constrain the variables it updated: those with a gradient.
	var updated []*autodiff.Variable
	var prev []*tensor.Tensor
	for i, g := range grads {
		if g != nil {
			updated, prev = append(updated, vars[i]), append(prev, before[i])
		}
	}
	m.projectConstraints(updated, prev, total.IsSymbolic())
	m.UpdateMetrics(d.Y, preds, d.SampleWeight)
	return append([]*tensor.Tensor{total}, parts...)
}

// testStep is the forward pass in inference mode, the loss and the metrics.
func (m *Model) testStep(d StepData) []*tensor.Tensor {
	preds := m.Call(nn.Inference, d.X...)
	total, parts := m.lossOf(d.Y, preds, d.SampleWeight)
	m.UpdateMetrics(d.Y, preds, d.SampleWeight)
	return append([]*tensor.Tensor{total}, parts...)
}
