// Package regularizers provides Keras's weight and activity penalties: L1, L2 and L1L2.
//
// A regularizer turns a tensor into a scalar loss that a layer adds to [nn.Layer.Losses]; the
// training loop adds those losses to the model's loss. Keras 3's formulas are used:
// L1 is l1·Σ|x| and L2 is l2·Σx² (no factor 1/2).
package regularizers

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Regularizer computes a penalty from a weight or an activation.
type Regularizer interface {
	// Loss returns the penalty of x as a scalar of x's dtype.
	Loss(x *tensor.Tensor) *tensor.Tensor
	// Config returns the Keras serialisation: {"class_name": "L2", "config": {"l2": 0.01}}.
	Config() map[string]any
}

// l1l2 is l1·Σ|x| + l2·Σx².
type l1l2 struct {
	class  string
	l1, l2 float64
}

func (r l1l2) Loss(x *tensor.Tensor) *tensor.Tensor {
	var loss *tensor.Tensor
	if r.l1 != 0 {
		loss = ops.MulScalar(ops.Sum(ops.Abs(x)), r.l1)
	}
	if r.l2 != 0 {
		l2 := ops.MulScalar(ops.Sum(ops.Square(x)), r.l2)
		if loss == nil {
			loss = l2
		} else {
			loss = ops.Add(loss, l2)
		}
	}
	if loss == nil {
		loss = ops.MulScalar(ops.Sum(x), 0)
	}
	return loss
}

func (r l1l2) Config() map[string]any {
	cfg := map[string]any{}
	switch r.class {
	case "L1":
		cfg["l1"] = r.l1
	case "L2":
		cfg["l2"] = r.l2
	default:
		cfg["l1"], cfg["l2"] = r.l1, r.l2
	}
	return map[string]any{"class_name": r.class, "config": cfg}
}

// L1 returns the penalty l1·Σ|x| (Keras's default l1 is 0.01). It panics with a *core.Error for
// a negative factor.
func L1(l1 float64) Regularizer { check(l1); return l1l2{class: "L1", l1: l1} }

// L2 returns the penalty l2·Σx² (Keras's default l2 is 0.01).
func L2(l2 float64) Regularizer { check(l2); return l1l2{class: "L2", l2: l2} }

// L1L2 returns the penalty l1·Σ|x| + l2·Σx².
func L1L2(l1, l2 float64) Regularizer {
	check(l1)
	check(l2)
	return l1l2{class: "L1L2", l1: l1, l2: l2}
}

func check(f float64) {
	if f < 0 || f != f {
		panic(core.Errorf("regularizers", "factor must be >= 0, got %v", f))
	}
}

// Get returns the regularizer with Keras's name and default factor 0.01: "l1", "l2" or
// "l1_l2" (both 0.01, as keras.regularizers.l1_l2's defaults).
func Get(name string) (Regularizer, error) {
	switch name {
	case "l1":
		return L1(0.01), nil
	case "l2":
		return L2(0.01), nil
	case "l1_l2", "l1l2":
		return L1L2(0.01, 0.01), nil
	}
	return nil, fmt.Errorf("regularizers: unknown regularizer %q (known: l1, l2, l1_l2)", name)
}
