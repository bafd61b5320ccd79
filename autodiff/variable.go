package autodiff

import (
	"sync"
	"sync/atomic"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Variable is named, mutable model state: a weight, a bias, an optimizer slot, a moving average.
// Its value is a tensor of fixed dtype and shape; trainable variables are tracked for gradients,
// so ops on [Variable.Value] record what [Grad] needs. [Variable.Assign] replaces the contents in
// place, so a graph that captured the variable sees the new value on its next call.
type Variable struct {
	name      string
	trainable bool // created trainable
	frozen    bool // made untrainable by SetFrozen; guarded by mu
	mu        sync.Mutex
	value     *tensor.Tensor
	bound     atomic.Pointer[tensor.Tensor] // a symbolic stand-in while a function is traced
}

// VariableOption configures [NewVariable].
type VariableOption func(*Variable)

// NotTrainable makes a variable that is not tracked for gradients (moving statistics, step
// counters, optimizer slots).
func NotTrainable() VariableOption { return func(v *Variable) { v.trainable = false } }

// NewVariable returns a trainable variable named name holding a copy of init. It panics with a
// *core.Error if init is symbolic.
func NewVariable(name string, init *tensor.Tensor, opts ...VariableOption) *Variable {
	if init.IsSymbolic() {
		panic(core.Errorf("autodiff.NewVariable", "variable %q: initial value is symbolic; create variables outside traced functions", name))
	}
	v := &Variable{name: name, trainable: true}
	for _, o := range opts {
		o(v)
	}
	v.value = init.Clone()
	v.value.SetMutable()
	if v.trainable {
		v.value = Watch(v.value)
	} else {
		// Not tracked for gradients, but an origin all the same: values computed from it are
		// recomputed by compiled graphs rather than frozen at trace time.
		v.value.SetOrigin(leaf(v.value))
	}
	return v
}

// Name returns the variable's name.
func (v *Variable) Name() string { return v.name }

// Trainable reports whether the variable is tracked for gradients: it was created trainable and
// is not frozen.
func (v *Variable) Trainable() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.trainable && !v.frozen
}

// SetFrozen freezes (true) or unfreezes (false) a variable created trainable: a frozen variable is
// not tracked for gradients, so optimizers leave it alone and no gradient is computed for it, as
// Keras's layer.trainable = False does. Variables created with [NotTrainable] stay untrainable
// either way. Graphs compiled before the change still compute what they traced: compile again
// (package models does so itself).
func (v *Variable) SetFrozen(frozen bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.trainable || v.frozen == frozen {
		v.frozen = frozen
		return
	}
	v.frozen = frozen
	freezeGen.Add(1)
	if frozen {
		v.value.SetOrigin(leaf(v.value))
	} else {
		v.value.SetNode(leaf(v.value))
	}
}

// freezeGen counts the changes SetFrozen made.
var freezeGen atomic.Uint64

// FreezeGeneration returns a number that changes whenever SetFrozen changes whether a variable
// is trainable, so that a cache of compiled training steps can tell it must trace again.
func FreezeGeneration() uint64 { return freezeGen.Load() }

// Frozen reports whether SetFrozen froze the variable.
func (v *Variable) Frozen() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.frozen
}

// DType returns the element type.
func (v *Variable) DType() dtype.DType { return v.value.DType() }

// Shape returns the dimensions.
func (v *Variable) Shape() shape.Shape { return v.value.Shape() }

// Value returns the tensor holding the variable's current value. It is the same tensor on every
// call (tracked for gradients when trainable); its contents change on Assign.
func (v *Variable) Value() *tensor.Tensor {
	if b := v.bound.Load(); b != nil {
		return b
	}
	return v.value
}

// Storage returns the concrete tensor holding the variable's contents, even while Value returns
// a symbolic stand-in.
func (v *Variable) Storage() *tensor.Tensor { return v.value }

// Bind makes Value return t — a symbolic stand-in for the variable in a function being traced,
// so that everything computed from the variable is recorded, updates included — until Unbind.
// It is for package graph; other goroutines using the variable meanwhile see the stand-in too.
func (v *Variable) Bind(t *tensor.Tensor) { v.bound.Store(t) }

// Unbind ends a Bind.
func (v *Variable) Unbind() { v.bound.Store(nil) }

// Assigner is implemented by graph tracers that record variable updates as outputs written back
// after each call of the compiled function.
type Assigner interface {
	Assign(target, value *tensor.Tensor)
}

// Assign sets the variable's contents to value, converted to the variable's dtype. Eagerly it
// copies at once; while traced (value symbolic) the tracer records the update. It panics with a
// *core.Error if the shapes differ.
func (v *Variable) Assign(value *tensor.Tensor) {
	if !value.Shape().Equal(v.value.Shape()) && value.Shape().Known() {
		panic(core.Errorf("autodiff.Variable.Assign", "variable %q has shape %v, value has %v", v.name, v.value.Shape(), value.Shape()))
	}
	if sym := value.Symbol(); sym != nil {
		tr, ok := sym.(core.Symbol).Tracer().(Assigner)
		if !ok {
			panic(core.Errorf("autodiff.Variable.Assign", "variable %q: the graph being traced cannot record assignments", v.name))
		}
		tr.Assign(v.value, value)
		if v.bound.Load() != nil {
			// Bound while a function is traced (graph.Variables): later reads in the trace see
			// the assigned value, as they do eagerly.
			v.Bind(value.Detach())
		}
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	tensor.Convert(v.value.Detach(), value)
}
