// Package constraints provides Keras's weight constraints: MaxNorm, NonNeg, UnitNorm and
// MinMaxNorm.
//
// A constraint maps a weight to the nearest allowed weight. Layers record the constraint of each
// weight; after every optimizer update the training loop applies it (nn.Base.Constrain eagerly,
// or [Constraint.Apply] on the updated value before it is assigned in a compiled step). Norms
// are taken over Axis (Keras's default 0: for a Dense kernel [in, out] that is each unit's
// incoming weight vector; for a Conv2D kernel use axes 0, 1, 2), and ε = 1e-7 (Keras's backend
// epsilon) keeps the division finite.
package constraints

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Constraint projects a weight onto an allowed set.
type Constraint interface {
	// Apply returns the constrained value of w.
	Apply(w *tensor.Tensor) *tensor.Tensor
	// Config returns the Keras serialisation: {"class_name": "MaxNorm", "config": {...}}.
	Config() map[string]any
}

// epsilon is Keras's backend epsilon.
const epsilon = 1e-7

// minMax rescales each norm into [lo, hi] (rate blends with the current norm).
type minMax struct {
	class  string
	lo, hi float64
	rate   float64
	axes   []int
}

// MaxNorm returns Keras's MaxNorm: weight vectors along axes (default 0) with an L2 norm above
// maxValue are scaled down to it.
func MaxNorm(maxValue float64, axes ...int) Constraint {
	return minMax{class: "MaxNorm", lo: 0, hi: maxValue, rate: 1, axes: defAxes(axes)}
}

// MinMaxNorm returns Keras's MinMaxNorm: each weight vector's norm n along axes (default 0)
// becomes rate·clip(n, minValue, maxValue) + (1-rate)·n.
func MinMaxNorm(minValue, maxValue, rate float64, axes ...int) Constraint {
	return minMax{class: "MinMaxNorm", lo: minValue, hi: maxValue, rate: rate, axes: defAxes(axes)}
}

func defAxes(axes []int) []int {
	if len(axes) == 0 {
		return []int{0}
	}
	return axes
}

func (c minMax) Apply(w *tensor.Tensor) *tensor.Tensor {
	norms := ops.Sqrt(ops.SumKeepDims(ops.Square(w), c.axes...))
	desired := ops.ClipScalar(norms, c.lo, c.hi)
	if c.rate != 1 {
		desired = ops.Add(ops.MulScalar(desired, c.rate), ops.MulScalar(norms, 1-c.rate))
	}
	return ops.Mul(w, ops.Div(desired, ops.AddScalar(norms, epsilon)))
}

func (c minMax) Config() map[string]any {
	cfg := map[string]any{"axis": axisConfig(c.axes)}
	if c.class == "MaxNorm" {
		cfg["max_value"] = c.hi
	} else {
		cfg["min_value"], cfg["max_value"], cfg["rate"] = c.lo, c.hi, c.rate
	}
	return map[string]any{"class_name": c.class, "config": cfg}
}

func axisConfig(axes []int) any {
	if len(axes) == 1 {
		return axes[0]
	}
	return axes
}

// unitNorm divides by the norm.
type unitNorm struct{ axes []int }

// UnitNorm returns Keras's UnitNorm: each weight vector along axes (default 0) is divided by
// its L2 norm (plus ε).
func UnitNorm(axes ...int) Constraint { return unitNorm{defAxes(axes)} }

func (c unitNorm) Apply(w *tensor.Tensor) *tensor.Tensor {
	return ops.Div(w, ops.AddScalar(ops.Sqrt(ops.SumKeepDims(ops.Square(w), c.axes...)), epsilon))
}

func (c unitNorm) Config() map[string]any {
	return map[string]any{"class_name": "UnitNorm", "config": map[string]any{"axis": axisConfig(c.axes)}}
}

// nonNeg zeroes negative weights.
type nonNeg struct{}

// NonNeg returns Keras's NonNeg: negative weights become zero.
func NonNeg() Constraint { return nonNeg{} }

func (nonNeg) Apply(w *tensor.Tensor) *tensor.Tensor { return ops.Relu(w) }

func (nonNeg) Config() map[string]any {
	return map[string]any{"class_name": "NonNeg", "config": map[string]any{}}
}
