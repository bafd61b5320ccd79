package models

import (
	"fmt"
	"maps"
	"slices"
	"strings"

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
			logs := m.train.custom(m, d)
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
		m.constrain()
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
	if f, ok := t.fns[key.String()]; ok {
		return f
	}
	f := graph.Compile(fn, graph.InputSpecs(specs...), graph.Name(m.name+"/"+kind.String()+"_step"))
	t.fns[key.String()] = f
	return f
}

// predictStep runs the inference step, compiled unless the model was compiled Eager; a model
// that was never compiled predicts compiled.
func (m *Model) predictStep(xs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if m.train == nil {
		m.train = &trainer{fns: map[string]*graph.Function{}}
	}
	return m.runStep(predictKind, StepData{X: xs})
}
