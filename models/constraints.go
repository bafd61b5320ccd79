package models

import (
	"slices"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/tensor"
)

var _ nn.Constrainer = (*Model)(nil)

// ConstraintOf returns the constraint of weight v of one of the model's layers (nested models
// and the sub-layers of struct layers included), or nil.
func (m *Model) ConstraintOf(v *autodiff.Variable) constraints.Constraint {
	return constraintIn(m.allLayers(), v, map[nn.Layer]bool{})
}

// constraintIn looks for v's constraint in layers and, depth first, in their sub-layers.
func constraintIn(layers []nn.Layer, v *autodiff.Variable, seen map[nn.Layer]bool) constraints.Constraint {
	for _, l := range layers {
		if seen[l] {
			continue
		}
		seen[l] = true
		if c, ok := l.(nn.Constrainer); ok {
			if k := c.ConstraintOf(v); k != nil {
				return k
			}
		}
		if _, ok := l.(*Model); ok {
			continue // its ConstraintOf looked at its layers
		}
		if k := constraintIn(subLayers(l), v, seen); k != nil {
			return k
		}
	}
	return nil
}

// Constrain projects every constrained weight of the model onto its allowed set, eagerly.
func (m *Model) Constrain() {
	for _, v := range m.Weights() {
		if c := m.ConstraintOf(v); c != nil {
			v.Assign(c.Apply(v.Value().Detach()))
		}
	}
}

// projectConstraints applies the constraints of vars — the weights a train step has just
// updated — to their new values, as Keras's optimizer does after its update, in the step
// itself: eagerly the update is already in the variables; traced, the constrained value is
// assigned after the optimizer's (the last assignment of a call wins), which needs reads that
// follow an assignment in the traced step to see the assigned value. A traced step where a read
// still gives the value from before the update (graph binds variables to stand-ins that an
// assignment does not replace) leaves those weights to constrainAfterStep, which projects them
// eagerly after each call. before holds the vars' Values from before the update.
func (m *Model) projectConstraints(vars []*autodiff.Variable, before []*tensor.Tensor, traced bool) {
	for i, v := range vars {
		c := m.ConstraintOf(v)
		if c == nil {
			continue
		}
		now := v.Value()
		if traced && now == before[i] {
			m.train.addPostConstrain(v)
			continue
		}
		v.Assign(c.Apply(now.Detach()))
	}
}

// values returns the vars' current Values.
func values(vars []*autodiff.Variable) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(vars))
	for i, v := range vars {
		out[i] = v.Value()
	}
	return out
}

// addPostConstrain records a weight whose constraint runs after each compiled train step.
func (t *trainer) addPostConstrain(v *autodiff.Variable) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !slices.Contains(t.postConstrain, v) {
		t.postConstrain = append(t.postConstrain, v)
	}
}

// constrainAfterStep projects, after a compiled train step, the weights that the step could not
// project itself (see projectConstraints).
func (m *Model) constrainAfterStep() {
	m.train.mu.Lock()
	vars := slices.Clone(m.train.postConstrain)
	m.train.mu.Unlock()
	for _, v := range vars {
		if c := m.ConstraintOf(v); c != nil {
			v.Assign(c.Apply(v.Value().Detach()))
		}
	}
}
