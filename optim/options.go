package optim

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tideml/tide/core"
)

// Option configures an optimizer constructor ([SGD], [Adam], ..., [LossScale]). Options that an
// optimizer does not take make its constructor panic with a *core.Error naming the option, so a
// misplaced [Momentum] on [Adam] is a mistake found at once, not a silently ignored setting.
type Option func(*settings)

// settings holds every hyperparameter an option can set; each constructor reads those it takes.
type settings struct {
	set map[string]bool // Keras names of the options given

	name     string
	lr       float64
	schedule Schedule

	weightDecay      float64
	excludeWD        []string
	clipNorm         float64
	clipValue        float64
	globalClipNorm   float64
	lossScaleFactor  float64
	accumulateSteps  int
	momentum         float64
	nesterov         bool
	beta1, beta2     float64
	epsilon          float64
	amsgrad          bool
	rho              float64
	centered         bool
	initialAccum     float64
	lrPower          float64
	l1, l2, l2Shrink float64
	beta             float64
	initialScale     float64
	growthSteps      int
}

func (s *settings) mark(key string) { s.set[key] = true }

// commonOptions are the Keras names of the options every optimizer takes.
var commonOptions = []string{"name", "learning_rate", "weight_decay", "exclude_from_weight_decay",
	"clipnorm", "clipvalue", "global_clipnorm", "loss_scale_factor", "gradient_accumulation_steps"}

// newSettings applies opts over the defaults and panics with a *core.Error, naming the
// constructor, on an option it does not take or a value out of range.
func newSettings(ctor string, defaults settings, allowed []string, opts []Option) *settings {
	s := defaults
	s.set = map[string]bool{}
	for _, o := range opts {
		if o == nil {
			panic(core.Errorf("optim."+ctor, "nil option"))
		}
		o(&s)
	}
	var bad []string
	for k := range s.set {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		panic(core.Errorf("optim."+ctor, "%s does not take option %s", ctor, strings.Join(bad, ", ")))
	}
	s.validate(ctor)
	return &s
}

// validate checks the ranges Keras checks (and a few it leaves to NaNs).
func (s *settings) validate(ctor string) {
	fail := func(format string, args ...any) { panic(core.Errorf("optim."+ctor, format, args...)) }
	nonNeg := func(key string, v float64) {
		if s.set[key] && !(v >= 0) {
			fail("%s must be >= 0, got %v", key, v)
		}
	}
	positive := func(key string, v float64) {
		if s.set[key] && !(v > 0) {
			fail("%s must be > 0, got %v", key, v)
		}
	}
	unit := func(key string, v float64) {
		if s.set[key] && !(v >= 0 && v <= 1) {
			fail("%s must be in [0, 1], got %v", key, v)
		}
	}
	if s.schedule == nil && (math.IsNaN(s.lr) || math.IsInf(s.lr, 0)) {
		fail("learning_rate must be finite, got %v", s.lr)
	}
	if s.set["learning_rate"] && s.schedule == nil && s.lr < 0 {
		fail("learning_rate must be >= 0, got %v", s.lr)
	}
	nonNeg("weight_decay", s.weightDecay)
	nonNeg("epsilon", s.epsilon)
	nonNeg("initial_accumulator_value", s.initialAccum)
	nonNeg("l1_regularization_strength", s.l1)
	nonNeg("l2_regularization_strength", s.l2)
	nonNeg("l2_shrinkage_regularization_strength", s.l2Shrink)
	nonNeg("beta", s.beta)
	positive("clipnorm", s.clipNorm)
	positive("clipvalue", s.clipValue)
	positive("global_clipnorm", s.globalClipNorm)
	positive("loss_scale_factor", s.lossScaleFactor)
	positive("initial_scale", s.initialScale)
	unit("momentum", s.momentum)
	unit("beta_1", s.beta1)
	unit("beta_2", s.beta2)
	unit("rho", s.rho)
	if s.set["learning_rate_power"] && !(s.lrPower <= 0) {
		fail("learning_rate_power must be <= 0, got %v", s.lrPower)
	}
	if s.set["gradient_accumulation_steps"] && s.accumulateSteps < 2 {
		fail("gradient_accumulation_steps must be >= 2, got %d", s.accumulateSteps)
	}
	if s.set["dynamic_growth_steps"] && s.growthSteps < 1 {
		fail("dynamic_growth_steps must be >= 1, got %d", s.growthSteps)
	}
	n := 0
	for _, k := range []string{"clipnorm", "clipvalue", "global_clipnorm"} {
		if s.set[k] {
			n++
		}
	}
	if n > 1 {
		fail("only one of clipnorm, clipvalue and global_clipnorm can be set")
	}
}

// Name names the optimizer (default its Keras name: "SGD", "adam", "rmsprop", ...). Its state
// variables are named "<name>/iteration", "<name>/learning_rate" and "<name>/<variable>/<slot>",
// so two optimizers saved in one checkpoint need different names.
func Name(name string) Option {
	return func(s *settings) { s.mark("name"); s.name = name }
}

// LearningRate sets a constant learning rate (Keras learning_rate). It is held in a
// non-trainable variable, so [Optimizer.SetLearningRate] changes it without retracing compiled
// train steps.
func LearningRate(lr float64) Option {
	return func(s *settings) { s.mark("learning_rate"); s.lr, s.schedule = lr, nil }
}

// LearningRateSchedule makes the learning rate a function of the iteration count, evaluated
// with ops at every step (so it traces into compiled train steps). Keras passes a
// LearningRateSchedule as learning_rate.
//
// It panics with a *core.Error if sched is nil.
func LearningRateSchedule(sched Schedule) Option {
	if sched == nil {
		panic(core.Errorf("optim.LearningRateSchedule", "nil schedule"))
	}
	return func(s *settings) { s.mark("learning_rate"); s.schedule = sched }
}

// WeightDecay applies decoupled weight decay before each update: w -= w·wd·lr (Keras
// weight_decay; [AdamW]'s default is 0.004). Note that PyTorch's weight_decay is the coupled L2
// form (g += wd·w) for every optimizer but AdamW.
func WeightDecay(wd float64) Option {
	return func(s *settings) { s.mark("weight_decay"); s.weightDecay = wd }
}

// ExcludeFromWeightDecay exempts from weight decay the variables whose names contain any of
// the given substrings, such as "bias" (Keras exclude_from_weight_decay(var_names=...)).
func ExcludeFromWeightDecay(names ...string) Option {
	return func(s *settings) {
		s.mark("exclude_from_weight_decay")
		s.excludeWD = append(s.excludeWD, names...)
	}
}

// ClipNorm rescales each variable's gradient so that its L2 norm is at most c (Keras clipnorm):
// g·c/max(‖g‖, c). At most one of ClipNorm, ClipValue and GlobalClipNorm may be given.
func ClipNorm(c float64) Option {
	return func(s *settings) { s.mark("clipnorm"); s.clipNorm = c }
}

// ClipValue limits every gradient element to [-c, c] (Keras clipvalue).
func ClipValue(c float64) Option {
	return func(s *settings) { s.mark("clipvalue"); s.clipValue = c }
}

// GlobalClipNorm rescales all gradients together so that their joint L2 norm is at most c
// (Keras global_clipnorm, tf.clip_by_global_norm). A non-finite joint norm makes every gradient
// NaN, as in Keras.
func GlobalClipNorm(c float64) Option {
	return func(s *settings) { s.mark("global_clipnorm"); s.globalClipNorm = c }
}

// LossScaleFactor sets a static loss scale (Keras loss_scale_factor): [Optimizer.ScaleLoss]
// multiplies the loss by f and Apply divides the gradients by f. See [LossScale] for the
// dynamic form.
func LossScaleFactor(f float64) Option {
	return func(s *settings) { s.mark("loss_scale_factor"); s.lossScaleFactor = f }
}

// GradientAccumulationSteps makes the optimizer update the variables only every n-th Apply,
// with the mean of the n gradients since the last update (Keras gradient_accumulation_steps,
// n >= 2). The iteration counter counts every Apply; bias corrections use the number of
// updates, learning-rate schedules the number of Applies, as in Keras. Every Apply still
// computes the update (and discards it between updates), since a compiled step has no branches.
func GradientAccumulationSteps(n int) Option {
	return func(s *settings) { s.mark("gradient_accumulation_steps"); s.accumulateSteps = n }
}

// Momentum sets the momentum of [SGD] and [RMSprop] (default 0: no momentum slot).
func Momentum(m float64) Option {
	return func(s *settings) { s.mark("momentum"); s.momentum = m }
}

// Nesterov selects Nesterov momentum for [SGD].
func Nesterov(on bool) Option {
	return func(s *settings) { s.mark("nesterov"); s.nesterov = on }
}

// Beta1 sets the decay rate of the first-moment estimate ([Adam], [AdamW], [Adamax], [Nadam];
// the interpolation rate of [Lion]).
func Beta1(b float64) Option {
	return func(s *settings) { s.mark("beta_1"); s.beta1 = b }
}

// Beta2 sets the decay rate of the second-moment estimate ([Adam], [AdamW], [Nadam]; the
// infinity norm of [Adamax]; the momentum of [Lion]).
func Beta2(b float64) Option {
	return func(s *settings) { s.mark("beta_2"); s.beta2 = b }
}

// Epsilon sets the small constant that keeps denominators away from zero. Where it goes
// follows Keras, which is not always where PyTorch puts its eps: see the package
// documentation.
func Epsilon(eps float64) Option {
	return func(s *settings) { s.mark("epsilon"); s.epsilon = eps }
}

// AMSGrad selects the AMSGrad variant of [Adam] and [AdamW] (the maximum of past second
// moments is used).
func AMSGrad(on bool) Option {
	return func(s *settings) { s.mark("amsgrad"); s.amsgrad = on }
}

// Rho sets the decay rate of the squared-gradient average of [RMSprop] and [Adadelta].
func Rho(rho float64) Option {
	return func(s *settings) { s.mark("rho"); s.rho = rho }
}

// Centered makes [RMSprop] divide by the estimated variance of the gradient rather than its
// uncentered second moment.
func Centered(on bool) Option {
	return func(s *settings) { s.mark("centered"); s.centered = on }
}

// InitialAccumulator sets the starting value of the squared-gradient accumulators of
// [Adagrad] and [FTRL] (Keras initial_accumulator_value, default 0.1).
func InitialAccumulator(v float64) Option {
	return func(s *settings) { s.mark("initial_accumulator_value"); s.initialAccum = v }
}

// LearningRatePower sets how [FTRL]'s per-coordinate learning rate decreases with the
// accumulated squared gradients n (as n^p; default -0.5, 0 for a fixed rate).
func LearningRatePower(p float64) Option {
	return func(s *settings) { s.mark("learning_rate_power"); s.lrPower = p }
}

// L1 sets [FTRL]'s L1 regularization strength.
func L1(v float64) Option {
	return func(s *settings) { s.mark("l1_regularization_strength"); s.l1 = v }
}

// L2 sets [FTRL]'s (stabilization) L2 regularization strength.
func L2(v float64) Option {
	return func(s *settings) { s.mark("l2_regularization_strength"); s.l2 = v }
}

// L2Shrinkage sets [FTRL]'s shrinkage-type L2 strength: a magnitude penalty added to the
// gradient (g + 2·λ·w) in the linear term.
func L2Shrinkage(v float64) Option {
	return func(s *settings) { s.mark("l2_shrinkage_regularization_strength"); s.l2Shrink = v }
}

// Beta sets [FTRL]'s beta (the β of McMahan et al.), which adds β/(2·lr) to the L2 strength.
func Beta(v float64) Option {
	return func(s *settings) { s.mark("beta"); s.beta = v }
}

// InitialScale sets the starting loss scale of [LossScale] (default 2^15).
func InitialScale(v float64) Option {
	return func(s *settings) { s.mark("initial_scale"); s.initialScale = v }
}

// DynamicGrowthSteps sets after how many consecutive steps with finite gradients [LossScale]
// doubles the loss scale (default 2000).
func DynamicGrowthSteps(n int) Option {
	return func(s *settings) { s.mark("dynamic_growth_steps"); s.growthSteps = n }
}
