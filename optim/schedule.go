package optim

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Schedule is a learning rate as a function of the optimizer's iteration count (the number of
// Apply calls before the current one, from 0), as Keras's LearningRateSchedule.
type Schedule interface {
	// At returns the learning rate at step, in plain Go (for tests, logs and callbacks).
	At(step int) float64

	// Eval returns the learning rate at step (a scalar tensor, converted to float64) as a
	// float64 scalar computed with ops, so that it traces into compiled train steps.
	Eval(step *tensor.Tensor) *tensor.Tensor

	// Config returns the schedule's parameters in Keras's serialised form.
	Config() Config
}

// ScheduleOption configures a schedule constructor. A schedule panics with a *core.Error on
// an option it does not take.
type ScheduleOption func(*schedSettings)

type schedSettings struct {
	set          map[string]bool
	staircase    bool
	end          float64
	power        float64
	cycle        bool
	alpha        float64
	warmupTarget float64
	warmupSteps  int
	tMul, mMul   float64
	name         string
}

// Staircase makes [ExponentialDecay] and [InverseTimeDecay] decay at whole multiples of
// decay_steps only.
func Staircase(on bool) ScheduleOption {
	return func(s *schedSettings) { s.set["staircase"] = true; s.staircase = on }
}

// EndLearningRate sets where [PolynomialDecay] ends (default 0.0001).
func EndLearningRate(v float64) ScheduleOption {
	return func(s *schedSettings) { s.set["end_learning_rate"] = true; s.end = v }
}

// Power sets [PolynomialDecay]'s exponent (default 1: linear).
func Power(p float64) ScheduleOption {
	return func(s *schedSettings) { s.set["power"] = true; s.power = p }
}

// Cycle makes [PolynomialDecay] restart past decay_steps, decaying over the next multiple of
// decay_steps.
func Cycle(on bool) ScheduleOption {
	return func(s *schedSettings) { s.set["cycle"] = true; s.cycle = on }
}

// Alpha sets the floor of [CosineDecay] and [CosineDecayRestarts] as a fraction of the
// learning rate they decay from (default 0).
func Alpha(a float64) ScheduleOption {
	return func(s *schedSettings) { s.set["alpha"] = true; s.alpha = a }
}

// WarmupTarget makes [CosineDecay] first rise linearly from its initial learning rate to v
// over [WarmupSteps] steps, then decay from v (Keras warmup_target).
func WarmupTarget(v float64) ScheduleOption {
	return func(s *schedSettings) { s.set["warmup_target"] = true; s.warmupTarget = v }
}

// WarmupSteps sets the length of [CosineDecay]'s warmup (default 0).
func WarmupSteps(n int) ScheduleOption {
	return func(s *schedSettings) { s.set["warmup_steps"] = true; s.warmupSteps = n }
}

// TMul sets how much longer each period of [CosineDecayRestarts] is than the previous one
// (default 2).
func TMul(v float64) ScheduleOption {
	return func(s *schedSettings) { s.set["t_mul"] = true; s.tMul = v }
}

// MMul sets the factor on the starting learning rate of each period of [CosineDecayRestarts]
// (default 1).
func MMul(v float64) ScheduleOption {
	return func(s *schedSettings) { s.set["m_mul"] = true; s.mMul = v }
}

// ScheduleName sets the schedule's name in its Config (Keras name).
func ScheduleName(name string) ScheduleOption {
	return func(s *schedSettings) { s.set["name"] = true; s.name = name }
}

func newSchedSettings(ctor string, defaults schedSettings, allowed []string, opts []ScheduleOption) *schedSettings {
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
		if k != "name" && !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		panic(core.Errorf("optim."+ctor, "%s does not take option %s", ctor, strings.Join(bad, ", ")))
	}
	return &s
}

func positiveSteps(ctor, what string, n int) {
	if n <= 0 {
		panic(core.Errorf("optim."+ctor, "%s must be > 0, got %d", what, n))
	}
}

// f64 returns step as float64 and a constant maker, for the ops form of the schedules.
func f64(step *tensor.Tensor) (*tensor.Tensor, func(float64) *tensor.Tensor) {
	return ops.Cast(step, dtype.Float64), func(v float64) *tensor.Tensor { return tensor.Full(dtype.Float64, v) }
}

// ExponentialDecay returns initial·rate^(step/decaySteps) (Keras ExponentialDecay; with
// [Staircase], the exponent is floored; torch.optim.lr_scheduler.ExponentialLR is the
// staircase form with decaySteps 1). It panics with a *core.Error if decaySteps <= 0.
func ExponentialDecay(initial float64, decaySteps int, rate float64, opts ...ScheduleOption) Schedule {
	positiveSteps("ExponentialDecay", "decay_steps", decaySteps)
	s := newSchedSettings("ExponentialDecay", schedSettings{name: "ExponentialDecay"}, []string{"staircase"}, opts)
	return &expDecay{initial, float64(decaySteps), rate, s.staircase, s.name}
}

type expDecay struct {
	initial, steps, rate float64
	staircase            bool
	name                 string
}

func (d *expDecay) At(step int) float64 {
	p := float64(step) / d.steps
	if d.staircase {
		p = math.Floor(p)
	}
	return d.initial * math.Pow(d.rate, p)
}

func (d *expDecay) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	p := ops.Div(s, k(d.steps))
	if d.staircase {
		p = ops.Floor(p)
	}
	return ops.Mul(k(d.initial), ops.Pow(k(d.rate), p))
}

func (d *expDecay) Config() Config {
	return Config{"ExponentialDecay", map[string]any{"initial_learning_rate": d.initial,
		"decay_steps": int(d.steps), "decay_rate": d.rate, "staircase": d.staircase, "name": d.name}}
}

// InverseTimeDecay returns initial/(1 + rate·step/decaySteps) (Keras InverseTimeDecay; with
// [Staircase], step/decaySteps is floored). It panics with a *core.Error if decaySteps <= 0.
func InverseTimeDecay(initial float64, decaySteps int, rate float64, opts ...ScheduleOption) Schedule {
	positiveSteps("InverseTimeDecay", "decay_steps", decaySteps)
	s := newSchedSettings("InverseTimeDecay", schedSettings{name: "InverseTimeDecay"}, []string{"staircase"}, opts)
	return &invTimeDecay{initial, float64(decaySteps), rate, s.staircase, s.name}
}

type invTimeDecay expDecay

func (d *invTimeDecay) At(step int) float64 {
	p := float64(step) / d.steps
	if d.staircase {
		p = math.Floor(p)
	}
	return d.initial / (1 + d.rate*p)
}

func (d *invTimeDecay) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	p := ops.Div(s, k(d.steps))
	if d.staircase {
		p = ops.Floor(p)
	}
	return ops.Div(k(d.initial), ops.Add(k(1), ops.Mul(k(d.rate), p)))
}

func (d *invTimeDecay) Config() Config {
	c := (*expDecay)(d).Config()
	c.ClassName = "InverseTimeDecay"
	return c
}

// PiecewiseConstantDecay returns values[0] while step <= boundaries[0], values[i] while
// boundaries[i-1] < step <= boundaries[i], and the last value after the last boundary (Keras
// PiecewiseConstantDecay; torch.optim.lr_scheduler.MultiStepLR switches one step earlier, at
// step >= boundary). It panics with a *core.Error unless len(values) == len(boundaries)+1 and
// the boundaries increase strictly.
func PiecewiseConstantDecay(boundaries []int, values []float64, opts ...ScheduleOption) Schedule {
	const ctor = "PiecewiseConstantDecay"
	if len(values) != len(boundaries)+1 || len(boundaries) == 0 {
		panic(core.Errorf("optim."+ctor, "want one more value than boundaries and at least one boundary, got %d boundaries and %d values", len(boundaries), len(values)))
	}
	for i := 1; i < len(boundaries); i++ {
		if boundaries[i] <= boundaries[i-1] {
			panic(core.Errorf("optim."+ctor, "boundaries must increase strictly, got %v", boundaries))
		}
	}
	s := newSchedSettings(ctor, schedSettings{name: "PiecewiseConstant"}, nil, opts)
	return &piecewise{slices.Clone(boundaries), slices.Clone(values), s.name}
}

type piecewise struct {
	boundaries []int
	values     []float64
	name       string
}

func (p *piecewise) At(step int) float64 {
	for i, b := range p.boundaries {
		if step <= b {
			return p.values[i]
		}
	}
	return p.values[len(p.values)-1]
}

// Eval sums value·[step in its interval] over the intervals, as Keras does.
func (p *piecewise) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	in := func(cond *tensor.Tensor, v float64) *tensor.Tensor {
		return ops.Mul(ops.Cast(cond, dtype.Float64), k(v))
	}
	n := len(p.boundaries)
	r := in(ops.LessEqual(s, k(float64(p.boundaries[0]))), p.values[0])
	r = ops.Add(r, in(ops.Greater(s, k(float64(p.boundaries[n-1]))), p.values[n]))
	for i := 1; i < n; i++ {
		lo, hi := k(float64(p.boundaries[i-1])), k(float64(p.boundaries[i]))
		r = ops.Add(r, in(ops.LogicalAnd(ops.Greater(s, lo), ops.LessEqual(s, hi)), p.values[i]))
	}
	return r
}

func (p *piecewise) Config() Config {
	return Config{"PiecewiseConstantDecay", map[string]any{"boundaries": slices.Clone(p.boundaries),
		"values": slices.Clone(p.values), "name": p.name}}
}

// PolynomialDecay returns (initial - end)·(1 - min(step, decaySteps)/decaySteps)^power + end
// (Keras PolynomialDecay; torch.optim.lr_scheduler.PolynomialLR for end 0). Options:
// [EndLearningRate] (default 0.0001), [Power] (default 1), [Cycle]: past decaySteps, decay
// over the first multiple of decaySteps not below step instead of staying at end. It panics
// with a *core.Error if decaySteps <= 0.
func PolynomialDecay(initial float64, decaySteps int, opts ...ScheduleOption) Schedule {
	positiveSteps("PolynomialDecay", "decay_steps", decaySteps)
	s := newSchedSettings("PolynomialDecay", schedSettings{name: "PolynomialDecay", end: 0.0001, power: 1},
		[]string{"end_learning_rate", "power", "cycle"}, opts)
	return &polyDecay{initial, float64(decaySteps), s.end, s.power, s.cycle, s.name}
}

type polyDecay struct {
	initial, steps, end, power float64
	cycle                      bool
	name                       string
}

func (d *polyDecay) At(step int) float64 {
	s, steps := float64(step), d.steps
	if d.cycle {
		mult := 1.0
		if s != 0 {
			mult = math.Ceil(s / steps)
		}
		steps *= mult
	} else {
		s = min(s, steps)
	}
	return (d.initial-d.end)*math.Pow(1-s/steps, d.power) + d.end
}

func (d *polyDecay) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	steps := k(d.steps)
	if d.cycle {
		mult := ops.Where(ops.Equal(s, k(0)), k(1), ops.Ceil(ops.Div(s, steps)))
		steps = ops.Mul(steps, mult)
	} else {
		s = ops.Minimum(s, steps)
	}
	p := ops.Div(s, steps)
	return ops.Add(ops.Mul(k(d.initial-d.end), ops.Pow(ops.Sub(k(1), p), k(d.power))), k(d.end))
}

func (d *polyDecay) Config() Config {
	return Config{"PolynomialDecay", map[string]any{"initial_learning_rate": d.initial,
		"decay_steps": int(d.steps), "end_learning_rate": d.end, "power": d.power, "cycle": d.cycle, "name": d.name}}
}

// CosineDecay returns a cosine decay from initial to initial·alpha over decaySteps steps,
// constant afterwards: initial·((1 - α)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + α)
// (Keras CosineDecay; torch.optim.lr_scheduler.CosineAnnealingLR with eta_min = α·initial,
// while it does not go past T_max). With [WarmupTarget] the learning rate first rises
// linearly from initial to the target over [WarmupSteps] steps, and the decay starts from the
// target, as in Keras 3. Option [Alpha] sets α. It panics with a *core.Error if
// decaySteps <= 0 or the warmup steps are negative.
func CosineDecay(initial float64, decaySteps int, opts ...ScheduleOption) Schedule {
	positiveSteps("CosineDecay", "decay_steps", decaySteps)
	s := newSchedSettings("CosineDecay", schedSettings{name: "CosineDecay"},
		[]string{"alpha", "warmup_target", "warmup_steps"}, opts)
	if s.warmupSteps < 0 {
		panic(core.Errorf("optim.CosineDecay", "warmup_steps must be >= 0, got %d", s.warmupSteps))
	}
	return &cosineDecay{initial, float64(decaySteps), s.alpha, s.set["warmup_target"], s.warmupTarget,
		float64(s.warmupSteps), s.name}
}

type cosineDecay struct {
	initial, steps, alpha float64
	warmup                bool
	target, warmupSteps   float64
	name                  string
}

func (d *cosineDecay) decay(s, from float64) float64 {
	c := 0.5 * (1 + math.Cos(math.Pi*(s/d.steps)))
	return from * ((1-d.alpha)*c + d.alpha)
}

func (d *cosineDecay) At(step int) float64 {
	s := float64(step)
	if !d.warmup {
		return d.decay(min(s, d.steps), d.initial)
	}
	s = min(s, d.steps+d.warmupSteps)
	if s < d.warmupSteps {
		return (d.target-d.initial)*(s/d.warmupSteps) + d.initial
	}
	return d.decay(s-d.warmupSteps, d.target)
}

func (d *cosineDecay) decayOps(s *tensor.Tensor, from float64) *tensor.Tensor {
	k := func(v float64) *tensor.Tensor { return tensor.Full(dtype.Float64, v) }
	c := ops.Mul(k(0.5), ops.Add(k(1), ops.Cos(ops.Mul(k(math.Pi), ops.Div(s, k(d.steps))))))
	return ops.Mul(k(from), ops.Add(ops.Mul(k(1-d.alpha), c), k(d.alpha)))
}

func (d *cosineDecay) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	if !d.warmup {
		return d.decayOps(ops.Minimum(s, k(d.steps)), d.initial)
	}
	s = ops.Minimum(s, k(d.steps+d.warmupSteps))
	// Both branches are computed and one is selected; the warmup branch's 0/0 when there are
	// no warmup steps is never selected.
	warm := ops.Add(ops.Mul(k(d.target-d.initial), ops.Div(s, k(d.warmupSteps))), k(d.initial))
	dec := d.decayOps(ops.Sub(s, k(d.warmupSteps)), d.target)
	return ops.Where(ops.Less(s, k(d.warmupSteps)), warm, dec)
}

func (d *cosineDecay) Config() Config {
	return Config{"CosineDecay", map[string]any{"initial_learning_rate": d.initial,
		"decay_steps": int(d.steps), "alpha": d.alpha, "name": d.name,
		"warmup_target": optional(d.warmup, d.target), "warmup_steps": int(d.warmupSteps)}}
}

// CosineDecayRestarts returns SGDR, cosine decay with warm restarts (Keras
// CosineDecayRestarts, Loshchilov & Hutter 2016; torch CosineAnnealingWarmRestarts with
// T_mult = tMul): the first period decays from initial to initial·α over firstDecaySteps
// steps, then the rate jumps back up; period i lasts tMul^i times longer and starts at
// mMul^i·initial. Options [TMul] (default 2), [MMul] (default 1), [Alpha] (default 0). It
// panics with a *core.Error if firstDecaySteps <= 0.
func CosineDecayRestarts(initial float64, firstDecaySteps int, opts ...ScheduleOption) Schedule {
	positiveSteps("CosineDecayRestarts", "first_decay_steps", firstDecaySteps)
	s := newSchedSettings("CosineDecayRestarts", schedSettings{name: "SGDRDecay", tMul: 2, mMul: 1},
		[]string{"t_mul", "m_mul", "alpha"}, opts)
	return &restarts{initial, float64(firstDecaySteps), s.tMul, s.mMul, s.alpha, s.name}
}

type restarts struct {
	initial, first, tMul, mMul, alpha float64
	name                              string
}

func (d *restarts) At(step int) float64 {
	frac := float64(step) / d.first
	var i float64
	if d.tMul == 1 {
		i = math.Floor(frac)
		frac -= i
	} else {
		// The restart index i solves Σ_{j<i} tMul^j <= frac: a geometric series.
		i = math.Floor(math.Log(1-frac*(1-d.tMul)) / math.Log(d.tMul))
		sum := (1 - math.Pow(d.tMul, i)) / (1 - d.tMul)
		frac = (frac - sum) / math.Pow(d.tMul, i)
	}
	c := 0.5 * math.Pow(d.mMul, i) * (1 + math.Cos(math.Pi*frac))
	return d.initial * ((1-d.alpha)*c + d.alpha)
}

func (d *restarts) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	frac := ops.Div(s, k(d.first))
	var i *tensor.Tensor
	if d.tMul == 1 {
		i = ops.Floor(frac)
		frac = ops.Sub(frac, i)
	} else {
		i = ops.Floor(ops.Div(ops.Log(ops.Sub(k(1), ops.Mul(frac, k(1-d.tMul)))), k(math.Log(d.tMul))))
		pw := ops.Pow(k(d.tMul), i)
		sum := ops.Div(ops.Sub(k(1), pw), k(1-d.tMul))
		frac = ops.Div(ops.Sub(frac, sum), pw)
	}
	c := ops.Mul(ops.Mul(k(0.5), ops.Pow(k(d.mMul), i)), ops.Add(k(1), ops.Cos(ops.Mul(k(math.Pi), frac))))
	return ops.Mul(k(d.initial), ops.Add(ops.Mul(k(1-d.alpha), c), k(d.alpha)))
}

func (d *restarts) Config() Config {
	return Config{"CosineDecayRestarts", map[string]any{"initial_learning_rate": d.initial,
		"first_decay_steps": int(d.first), "t_mul": d.tMul, "m_mul": d.mMul, "alpha": d.alpha, "name": d.name}}
}

// Warmup returns s preceded by a linear warmup: for step < steps the learning rate rises
// linearly from `from` to s.At(0), that is from + (s.At(0) - from)·step/steps, and from then on
// it is s shifted by the warmup, s.At(step - steps) (Tide's own; as transformers'
// get_*_schedule_with_warmup and torch's LinearLR chained with SequentialLR). It panics with a
// *core.Error if steps < 0.
func Warmup(s Schedule, steps int, from float64) Schedule {
	if steps < 0 {
		panic(core.Errorf("optim.Warmup", "warmup steps must be >= 0, got %d", steps))
	}
	if s == nil {
		panic(core.Errorf("optim.Warmup", "nil schedule"))
	}
	return &warmup{s, steps, from, s.At(0)}
}

type warmup struct {
	s      Schedule
	steps  int
	from   float64
	target float64
}

func (w *warmup) At(step int) float64 {
	if step < w.steps {
		return w.from + (w.target-w.from)*(float64(step)/float64(w.steps))
	}
	return w.s.At(step - w.steps)
}

func (w *warmup) Eval(step *tensor.Tensor) *tensor.Tensor {
	s, k := f64(step)
	n := k(float64(w.steps))
	warm := ops.Add(k(w.from), ops.Mul(k(w.target-w.from), ops.Div(s, n)))
	after := w.s.Eval(ops.Maximum(ops.Sub(s, n), k(0)))
	return ops.Where(ops.Less(s, n), warm, ops.Cast(after, dtype.Float64))
}

func (w *warmup) Config() Config {
	return Config{"Warmup", map[string]any{"schedule": w.s.Config(), "warmup_steps": w.steps,
		"initial_learning_rate": w.from}}
}
