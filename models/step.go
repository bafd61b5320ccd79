package models

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/tensor"
)

type stepKind int

const (
	trainKind stepKind = iota
	testKind
	predictKind
)

func (k stepKind) String() string { return [...]string{"train", "test", "predict"}[k] }

// stepFunc returns the Go function of one step over flat arguments: xs, then ys, then the
// sample weights if hasSW, then (train steps) the step counter.
func (m *Model) stepFunc(kind stepKind, nx, ny int, hasSW bool) func(args ...*tensor.Tensor) []*tensor.Tensor {
	return func(args ...*tensor.Tensor) []*tensor.Tensor {
		d := StepData{X: args[:nx], Y: args[nx : nx+ny]}
		i := nx + ny
		if hasSW {
			d.SampleWeight = args[i]
			i++
		}
		switch kind {
		case trainKind:
			d.Step = args[i]
			if m.train.custom == nil {
				return m.defaultTrainStep(d)
			}
			vars := m.TrainableWeights()
			before := values(vars)
			logs := m.train.custom(m, d)
			m.projectConstraints(vars, before, d.Step.IsSymbolic())
			keys := slices.Sorted(maps.Keys(logs))
			m.train.customKeys = keys
			out := make([]*tensor.Tensor, len(keys))
			for j, k := range keys {
				out[j] = logs[k]
			}
			return out
		case testKind:
			return m.testStep(d)
		}
		return m.Call(nn.Inference, d.X...)
	}
}

// runStep runs one step on a batch, compiled (traced once per signature, with an unknown batch
// dimension so that a last, smaller batch needs no new trace) or eagerly.
func (m *Model) runStep(kind stepKind, d StepData) (outs []*tensor.Tensor, err error) {
	t := m.train
	if kind != predictKind && t.metrics == nil {
		if err := m.resolveMetrics(specsOf(d.Y)); err != nil {
			return nil, err
		}
	}
	hasSW := d.SampleWeight != nil
	args := append(append([]*tensor.Tensor{}, d.X...), d.Y...)
	if hasSW {
		args = append(args, d.SampleWeight)
	}
	if kind == trainKind {
		args = append(args, tensor.Scalar(t.steps))
	}
	fn := m.stepFunc(kind, len(d.X), len(d.Y), hasSW)
	if t == nil || t.eager {
		err = core.Catch(func() { outs = fn(args...) })
	} else {
		outs, err = m.compiled(kind, fn, len(d.X), len(d.Y), hasSW, args).Call(args...)
		if err != nil {
			err = m.diagnose(d, err)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("models: %s step of model %q: %w", kind, m.name, err)
	}
	if kind == trainKind {
		t.steps++
		t.optIsBuilt = true
		if !t.eager {
			m.constrainAfterStep()
		}
	}
	return outs, nil
}

// diagnose explains a failed compiled step: a shape that only the batch's concrete sizes
// reveal fails in the graph's plan, where layers are no longer known, so the forward pass and
// the loss are run again eagerly (in inference mode, which changes no variable) to find the
// layer. The original error is returned if they succeed.
func (m *Model) diagnose(d StepData, err error) error {
	eerr := core.Catch(func() {
		preds := m.Call(nn.Inference, d.X...)
		if len(d.Y) > 0 {
			m.lossOf(d.Y, preds, d.SampleWeight)
		}
	})
	if eerr != nil {
		return eerr
	}
	return err
}

// compiled returns the compiled function for a step over arguments like args.
func (m *Model) compiled(kind stepKind, fn func(...*tensor.Tensor) []*tensor.Tensor, nx, ny int, hasSW bool, args []*tensor.Tensor) *graph.Function {
	t := m.train
	specs := make([]core.Spec, len(args))
	var key strings.Builder
	fmt.Fprintf(&key, "%s/%d/%d/%v", kind, nx, ny, hasSW)
	for i, a := range args {
		s := core.SpecOf(a)
		if a.Rank() > 0 {
			s.Shape = batchUnknown(s.Shape)
		}
		specs[i] = s
		key.WriteString(";" + s.String())
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if g := autodiff.FreezeGeneration(); g != t.freezeGen {
		// A weight was frozen or unfrozen: the steps traced before compute the wrong update.
		clear(t.fns)
		t.freezeGen = g
	}
	if f, ok := t.fns[key.String()]; ok {
		return f
	}
	opts := []graph.Option{graph.InputSpecs(specs...), graph.Name(m.name + "/" + kind.String() + "_step")}
	if kind != predictKind {
		if kind == trainKind && t.opt != nil {
			// The optimizer makes its slots at its first Apply; made now, they are among the
			// variables bound while the step is traced.
			t.opt.Build(m.TrainableWeights())
		}
		opts = append(opts, graph.Variables(m.stateVars))
	}
	f := graph.Compile(fn, opts...)
	t.fns[key.String()] = f
	return f
}

// stateVars returns every variable a compiled train or test step reads or updates: the model's
// weights, the optimizer's state (iteration count, learning rate, slots) and the metrics' state.
// graph.Variables binds them while a step is traced, so that an update computed from them alone
// (the iteration count's +1, a metric's count) is recorded in the graph and runs at every call,
// instead of being computed once at trace time. The predict step updates nothing and binds
// nothing, so that predictions may run concurrently. (The train step counter that seeds dropout
// is an argument of the step, not a variable.)
func (m *Model) stateVars() []*autodiff.Variable {
	vars := m.Weights()
	if t := m.train; t != nil && t.opt != nil {
		vars = append(vars, t.opt.Variables()...)
	}
	vars = append(vars, m.metricVars()...)
	seen := make(map[*autodiff.Variable]bool, len(vars))
	out := vars[:0]
	for _, v := range vars {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// predictStep runs the inference step, compiled unless the model was compiled Eager; a model
// that was never compiled predicts compiled.
func (m *Model) predictStep(xs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if m.train == nil {
		m.train = &trainer{fns: map[string]*graph.Function{}}
	}
	return m.runStep(predictKind, StepData{X: xs})
}
