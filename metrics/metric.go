package metrics

import (
	"fmt"
	"slices"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Metric is a streaming evaluation measure, as a Keras Metric: Update folds a batch into the
// metric's state, Result computes the value from the state, Reset clears it. The state lives in
// non-trainable autodiff.Variables, so Update can run inside a function compiled with
// graph.Compile: its variable assignments become write-backs performed after each call.
type Metric interface {
	// Name returns the metric's name (Keras `name`), its key in training logs.
	Name() string
	// Update folds a batch of targets and predictions, weighted by sampleWeight (nil for 1),
	// into the state (Keras `update_state`). It works eagerly and traced, for any batch size.
	// Traced, the update is written back after the call, so a metric is updated at most once
	// per call.
	Update(yTrue, yPred, sampleWeight *tensor.Tensor)
	// Result returns the metric's value computed from its state (Keras `result`): a scalar,
	// or a vector for per-class or per-threshold results. It is written with ops, so it can
	// be traced too.
	Result() *tensor.Tensor
	// Reset sets the state to its initial value (Keras `reset_state`). It runs eagerly.
	Reset()
	// Variables returns the state variables.
	Variables() []*autodiff.Variable
}

// Value returns the result of m as a float64, as Keras logs print it. It panics with a
// *core.Error if the result has more than one element (per-class or per-threshold results:
// use Result).
func Value(m Metric) float64 {
	r := m.Result()
	if r.Size() != 1 {
		panic(core.Errorf("metrics", "%s has a result of shape %v, not one value", m.Name(), r.Shape()))
	}
	return r.Item()
}

// state is the part every metric shares: the name, the dtype of the variables, and the
// variables themselves.
type state struct {
	name string
	dt   dtype.DType
	vars []*autodiff.Variable
}

// Name returns the metric's name.
func (s *state) Name() string { return s.name }

// Variables returns the metric's state variables.
func (s *state) Variables() []*autodiff.Variable { return slices.Clone(s.vars) }

// Reset sets every state variable to zeros.
func (s *state) Reset() {
	for _, v := range s.vars {
		v.Assign(tensor.Zeros(v.DType(), v.Shape()...))
	}
}

// variable adds a zero state variable named "<metric>/<name>" of the given shape.
func (s *state) variable(name string, dims ...int) *autodiff.Variable {
	v := autodiff.NewVariable(s.name+"/"+name, tensor.Zeros(s.dt, dims...), autodiff.NotTrainable())
	s.vars = append(s.vars, v)
	return v
}

// assignAdd adds delta to v (Keras `assign_add`).
func assignAdd(v *autodiff.Variable, delta *tensor.Tensor) {
	v.Assign(ops.Add(v.Value(), ops.Cast(delta, v.DType())))
}

// Option configures a metric constructor, as a Keras constructor's keyword arguments do. Every
// metric takes WithName and WithDType; the others apply only to the metrics whose Keras class
// has the matching argument, and a constructor panics with a *core.Error on an option it does
// not take.
type Option func(*config)

type config struct {
	name           string
	dt             dtype.DType
	threshold      float64
	hasThreshold   bool
	thresholds     []float64
	topK           int
	classID        int
	hasClassID     bool
	k              int
	numThresholds  int
	curve          Curve
	summation      Summation
	fromLogits     bool
	multiLabel     bool
	labelWeights   []float64
	average        Average
	beta           float64
	ignoreClass    int
	hasIgnore      bool
	labelSmoothing float64
	axis           int
	denseTrue      bool
	densePred      bool

	set []string
}

func (c *config) mark(key string) {
	if !slices.Contains(c.set, key) {
		c.set = append(c.set, key)
	}
}

// WithName names the metric (Keras `name`); the default is Keras's snake_case name.
func WithName(name string) Option { return func(c *config) { c.name = name; c.mark("name") } }

// WithDType sets the dtype of the state and result (Keras `dtype`; default float32). Float64
// keeps long streams exact to more digits.
func WithDType(dt dtype.DType) Option { return func(c *config) { c.dt = dt; c.mark("dtype") } }

// Threshold sets the decision threshold: a prediction above it counts as positive (Keras
// `threshold`; BinaryAccuracy's default is 0.5, FBetaScore's is none, meaning the top class).
func Threshold(t float64) Option {
	return func(c *config) { c.threshold, c.hasThreshold = t, true; c.mark("threshold") }
}

// Thresholds sets the decision thresholds in [0, 1] of the confusion-matrix metrics (Keras
// `thresholds`): Precision and Recall then give one value per threshold, and AUC uses them
// instead of NumThresholds evenly spaced ones.
func Thresholds(ts ...float64) Option {
	return func(c *config) { c.thresholds = slices.Clone(ts); c.mark("thresholds") }
}

// TopK makes Precision and Recall count only the k highest predictions of each sample as
// positive (Keras `top_k`).
func TopK(k int) Option { return func(c *config) { c.topK = k; c.mark("top_k") } }

// ClassID restricts Precision and Recall to one class, the index id of the last axis (Keras
// `class_id`).
func ClassID(id int) Option {
	return func(c *config) { c.classID, c.hasClassID = id, true; c.mark("class_id") }
}

// K sets how many of the highest predictions the top-k accuracies look at (Keras `k`, default
// 5).
func K(k int) Option { return func(c *config) { c.k = k; c.mark("k") } }

// NumThresholds sets the number of evenly spaced thresholds AUC discretises the curve with
// (Keras `num_thresholds`, default 200, at least 2).
func NumThresholds(n int) Option {
	return func(c *config) { c.numThresholds = n; c.mark("num_thresholds") }
}

// WithCurve selects the curve AUC measures (Keras `curve`, default ROC).
func WithCurve(curve Curve) Option { return func(c *config) { c.curve = curve; c.mark("curve") } }

// WithSummation selects AUC's Riemann sum (Keras `summation_method`, default Interpolation).
func WithSummation(s Summation) Option {
	return func(c *config) { c.summation = s; c.mark("summation_method") }
}

// FromLogits says that predictions are logits (Keras `from_logits=True`): AUC applies a sigmoid
// first; the cross-entropy metrics use log-softmax or log-sigmoid.
func FromLogits() Option { return func(c *config) { c.fromLogits = true; c.mark("from_logits") } }

// MultiLabel makes AUC compute one curve per label (the last axis of [batch, labels]
// predictions) and average them, weighted by LabelWeights if given (Keras `multi_label=True`).
func MultiLabel() Option { return func(c *config) { c.multiLabel = true; c.mark("multi_label") } }

// LabelWeights weights the labels of AUC (Keras `label_weights`): with MultiLabel in the
// average of the per-label AUCs, otherwise each label's predictions in the flattened counts.
func LabelWeights(w ...float64) Option {
	return func(c *config) { c.labelWeights = slices.Clone(w); c.mark("label_weights") }
}

// WithAverage sets how FBetaScore combines the per-class scores (Keras `average`, default
// NoAverage).
func WithAverage(a Average) Option { return func(c *config) { c.average = a; c.mark("average") } }

// Beta sets the weight of recall in FBetaScore (Keras `beta`, default 1, > 0).
func Beta(b float64) Option { return func(c *config) { c.beta = b; c.mark("beta") } }

// IgnoreClass makes MeanIoU skip targets equal to class (Keras `ignore_class`).
func IgnoreClass(class int) Option {
	return func(c *config) { c.ignoreClass, c.hasIgnore = class, true; c.mark("ignore_class") }
}

// LabelSmoothing smooths the targets of the cross-entropy metrics (Keras `label_smoothing`).
func LabelSmoothing(s float64) Option {
	return func(c *config) { c.labelSmoothing = s; c.mark("label_smoothing") }
}

// Axis sets the class axis of the categorical metrics (Keras `axis`, default -1).
func Axis(axis int) Option { return func(c *config) { c.axis = axis; c.mark("axis") } }

// DenseTargets makes MeanIoU take one-hot (or score) targets and use their argmax along Axis
// (Keras `sparse_y_true=False`).
func DenseTargets() Option { return func(c *config) { c.denseTrue = true; c.mark("sparse_y_true") } }

// DensePredictions makes MeanIoU take per-class scores and use their argmax along Axis (Keras
// `sparse_y_pred=False`); by default predictions are class indices.
func DensePredictions() Option {
	return func(c *config) { c.densePred = true; c.mark("sparse_y_pred") }
}

// newConfig applies opts over the defaults for a metric named name that takes the options
// keyed in allowed (name and dtype always). It panics with a *core.Error on an option the
// metric does not take or a dtype that is not floating-point.
func newConfig(name string, opts []Option, allowed ...string) *config {
	c := &config{name: name, dt: dtype.Float32, k: 5, numThresholds: 200, beta: 1, axis: -1,
		curve: ROC, summation: Interpolation, average: NoAverage}
	for _, o := range opts {
		o(c)
	}
	for _, k := range c.set {
		if k != "name" && k != "dtype" && !slices.Contains(allowed, k) {
			panic(core.Errorf("metrics", "%s does not take the option %s", name, k))
		}
	}
	if !c.dt.IsFloat() {
		panic(core.Errorf("metrics", "%s: dtype %v is not floating-point", name, c.dt))
	}
	return c
}

func (c *config) state() state { return state{name: c.name, dt: c.dt} }

// checkRange panics with a *core.Error unless lo <= v <= hi.
func checkRange(metric, what string, v, lo, hi float64) {
	if !(v >= lo && v <= hi) {
		panic(core.Errorf("metrics", "%s: %s %v is outside [%v, %v]", metric, what, v, lo, hi))
	}
}

// String helpers for enums.

// Curve is the curve AUC integrates.
type Curve string

// The curves.
const (
	ROC Curve = "ROC" // true positive rate against false positive rate
	PR  Curve = "PR"  // precision against recall
)

// Summation is AUC's Riemann summation method.
type Summation string

// The summation methods.
const (
	// Interpolation is the trapezoidal rule for ROC, and for PR the interpolation of true and
	// false positives (not of precision) of Davis & Goadrich 2006.
	Interpolation Summation = "interpolation"
	// Minoring takes the smaller height of each interval (a lower bound).
	Minoring Summation = "minoring"
	// Majoring takes the larger height of each interval (an upper bound).
	Majoring Summation = "majoring"
)

// Average says how FBetaScore combines per-class scores.
type Average string

// The averages.
const (
	NoAverage Average = ""         // one score per class (Keras average=None)
	Micro     Average = "micro"    // one score from the counts summed over classes
	Macro     Average = "macro"    // the unweighted mean of the per-class scores
	Weighted  Average = "weighted" // the mean weighted by each class's (weighted) support
)

func (c Curve) valid() bool { return c == ROC || c == PR }

func (s Summation) valid() bool { return s == Interpolation || s == Minoring || s == Majoring }

func (a Average) valid() bool { return a == NoAverage || a == Micro || a == Macro || a == Weighted }

func mustValid(metric string, ok bool, what string, v any) {
	if !ok {
		panic(core.Errorf("metrics", "%s: unknown %s %s", metric, what, fmt.Sprintf("%q", v)))
	}
}
