package losses

import (
	"slices"

	"github.com/tideml/tide/core"
)

// Option configures a loss constructor, as a Keras constructor's keyword arguments do.
// Every loss takes WithName and WithReduction; the others apply only to the losses whose Keras
// class has the matching argument, and a constructor panics with a *core.Error on an option it
// does not take (as Python would on an unexpected keyword).
type Option func(*config)

// config holds every option; a constructor reads the ones its loss takes.
type config struct {
	name           string
	reduction      Reduction
	fromLogits     bool
	labelSmoothing float64
	axis           int
	delta          float64
	ignoreClass    int
	hasIgnore      bool
	alpha, gamma   float64
	classBalancing bool
	blank          int
	zeroInfinity   bool

	set []string // the keys of the options given, in order
}

func (c *config) mark(key string) {
	if !slices.Contains(c.set, key) {
		c.set = append(c.set, key)
	}
}

// WithName names the loss (Keras `name`); the default is the Keras snake_case name.
func WithName(name string) Option {
	return func(c *config) { c.name = name; c.mark("name") }
}

// WithReduction sets how per-sample losses are reduced (Keras `reduction`; default
// SumOverBatchSize).
func WithReduction(r Reduction) Option {
	return func(c *config) { c.reduction = r; c.mark("reduction") }
}

// FromLogits says that predictions are logits rather than probabilities (Keras
// `from_logits=True`): the cross-entropies then use the log-softmax or log-sigmoid of the inputs,
// which is exact where probabilities would saturate.
func FromLogits() Option {
	return func(c *config) { c.fromLogits = true; c.mark("from_logits") }
}

// LabelSmoothing smooths the targets towards the uniform distribution (Keras `label_smoothing`,
// in [0, 1]): categorical targets become t·(1-s) + s/classes, binary ones t·(1-s) + s/2.
func LabelSmoothing(s float64) Option {
	return func(c *config) { c.labelSmoothing = s; c.mark("label_smoothing") }
}

// Axis sets the class or feature axis the loss reduces over (Keras `axis`, default -1).
func Axis(axis int) Option {
	return func(c *config) { c.axis = axis; c.mark("axis") }
}

// Delta sets where the Huber loss turns from quadratic to linear (Keras `delta`, default 1).
func Delta(d float64) Option {
	return func(c *config) { c.delta = d; c.mark("delta") }
}

// IgnoreClass makes the sparse categorical cross-entropy skip targets equal to class (Keras
// `ignore_class`, PyTorch `ignore_index`): they contribute 0 and are not counted by the
// SumOverBatchSize reduction.
func IgnoreClass(class int) Option {
	return func(c *config) { c.ignoreClass, c.hasIgnore = class, true; c.mark("ignore_class") }
}

// Alpha sets the class-balancing weight of the focal losses (Keras `alpha`, default 0.25).
func Alpha(a float64) Option {
	return func(c *config) { c.alpha = a; c.mark("alpha") }
}

// Gamma sets the focusing exponent of the focal losses (Keras `gamma`, default 2).
func Gamma(g float64) Option {
	return func(c *config) { c.gamma = g; c.mark("gamma") }
}

// ClassBalancing weights the binary focal loss by alpha for positives and 1-alpha for negatives
// (Keras `apply_class_balancing=True`).
func ClassBalancing() Option {
	return func(c *config) { c.classBalancing = true; c.mark("apply_class_balancing") }
}

// Blank sets the index of the CTC blank class (default 0, Keras's `mask_index`; PyTorch's
// `blank`).
func Blank(index int) Option {
	return func(c *config) { c.blank = index; c.mark("blank") }
}

// ZeroInfinity makes the CTC loss of a sample whose labels cannot be aligned with its inputs
// (too few time steps) 0 instead of +Inf (PyTorch `zero_infinity=True`). Its gradient is 0 either
// way.
func ZeroInfinity() Option {
	return func(c *config) { c.zeroInfinity = true; c.mark("zero_infinity") }
}

// newConfig applies opts over the defaults of a loss named name that takes the options whose
// keys are listed in allowed (name and reduction are always allowed). It panics with a
// *core.Error on an option the loss does not take, an unknown reduction, or an out-of-range
// value.
func newConfig(name string, opts []Option, allowed ...string) *config {
	c := &config{name: name, reduction: SumOverBatchSize, axis: -1, delta: 1, alpha: 0.25, gamma: 2}
	for _, o := range opts {
		o(c)
	}
	for _, k := range c.set {
		if k != "name" && k != "reduction" && !slices.Contains(allowed, k) {
			panic(core.Errorf("losses", "%s does not take the option %s", name, k))
		}
	}
	if !c.reduction.valid() {
		panic(core.Errorf("losses", "%s: unknown reduction %q, want one of %q", name, c.reduction, reductions))
	}
	if c.labelSmoothing < 0 || c.labelSmoothing > 1 {
		panic(core.Errorf("losses", "%s: label smoothing %v is outside [0, 1]", name, c.labelSmoothing))
	}
	if c.delta < 0 {
		panic(core.Errorf("losses", "%s: delta %v is negative", name, c.delta))
	}
	return c
}
