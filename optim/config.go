package optim

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tideml/tide/core"
)

// constructors maps Keras class names (and lower-case aliases) to constructors.
var constructors = map[string]func(...Option) Optimizer{
	"SGD": SGD, "Adam": Adam, "AdamW": AdamW, "Adamax": Adamax, "Nadam": Nadam,
	"RMSprop": RMSprop, "Adagrad": Adagrad, "Adadelta": Adadelta, "Lion": Lion, "Ftrl": FTRL,
}

// ByName returns the optimizer of a Keras string alias with its default hyperparameters, as
// model.compile(optimizer="adam") does: "sgd", "adam", "adamw", "adamax", "nadam", "rmsprop",
// "adagrad", "adadelta", "lion" or "ftrl" (any case).
func ByName(name string) (Optimizer, error) {
	for k, ctor := range constructors {
		if strings.EqualFold(k, name) {
			return ctor(), nil
		}
	}
	return nil, fmt.Errorf("optim: unknown optimizer %q (known: %s)", name, strings.Join(classNames(), ", "))
}

func classNames() []string {
	var names []string
	for k := range constructors {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// optionKeys maps Keras config keys to the options that set them.
var optionKeys = map[string]func(v any) (Option, error){
	"name":                                 str(Name),
	"weight_decay":                         num(WeightDecay),
	"clipnorm":                             num(ClipNorm),
	"clipvalue":                            num(ClipValue),
	"global_clipnorm":                      num(GlobalClipNorm),
	"loss_scale_factor":                    num(LossScaleFactor),
	"gradient_accumulation_steps":          integer(GradientAccumulationSteps),
	"momentum":                             num(Momentum),
	"nesterov":                             boolean(Nesterov),
	"beta_1":                               num(Beta1),
	"beta_2":                               num(Beta2),
	"epsilon":                              num(Epsilon),
	"amsgrad":                              boolean(AMSGrad),
	"rho":                                  num(Rho),
	"centered":                             boolean(Centered),
	"initial_accumulator_value":            num(InitialAccumulator),
	"learning_rate_power":                  num(LearningRatePower),
	"l1_regularization_strength":           num(L1),
	"l2_regularization_strength":           num(L2),
	"l2_shrinkage_regularization_strength": num(L2Shrinkage),
	"beta":                                 num(Beta),
	"initial_scale":                        num(InitialScale),
	"dynamic_growth_steps":                 integer(DynamicGrowthSteps),
	"learning_rate": func(v any) (Option, error) {
		if f, err := toFloat(v); err == nil {
			return LearningRate(f), nil
		}
		c, err := toConfig(v)
		if err != nil {
			return nil, fmt.Errorf("learning_rate: want a number or a schedule config: %w", err)
		}
		s, err := ScheduleFromConfig(c)
		if err != nil {
			return nil, err
		}
		return LearningRateSchedule(s), nil
	},
}

// emaKeys are Keras's exponential-moving-average settings: accepted, and ignored, as long as
// use_ema is off, since Tide does not implement it.
var emaKeys = map[string]bool{"use_ema": true, "ema_momentum": true, "ema_overwrite_frequency": true}

// FromConfig returns a new optimizer (without state) from its [Config], such as one written by
// [Optimizer.Config] or by Keras's keras.optimizers.serialize: the class name is a Keras
// optimizer class or "LossScaleOptimizer", and the keys are Keras's. A key that is None
// (nil) keeps its default. It returns an error for an unknown class or key, a value of the
// wrong type or out of range, or a Keras feature Tide lacks (use_ema).
func FromConfig(c Config) (opt Optimizer, err error) {
	if c.ClassName == "LossScaleOptimizer" {
		return lossScaleFromConfig(c.Config)
	}
	ctor := constructors[c.ClassName]
	if ctor == nil {
		return nil, fmt.Errorf("optim: unknown optimizer class %q (known: %s)", c.ClassName, strings.Join(classNames(), ", "))
	}
	opts, err := configOptions(c.ClassName, c.Config)
	if err != nil {
		return nil, err
	}
	defer core.Recover(&err)
	return ctor(opts...), nil
}

func configOptions(class string, m map[string]any) ([]Option, error) {
	var opts []Option
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		if emaKeys[k] {
			if k == "use_ema" && v != nil && v != false {
				return nil, fmt.Errorf("optim: %s: use_ema=%v is not supported", class, v)
			}
			continue
		}
		mk := optionKeys[k]
		if mk == nil {
			return nil, fmt.Errorf("optim: %s: unknown config key %q", class, k)
		}
		if v == nil {
			continue
		}
		o, err := mk(v)
		if err != nil {
			return nil, fmt.Errorf("optim: %s: %s: %w", class, k, err)
		}
		opts = append(opts, o)
	}
	return opts, nil
}

func lossScaleFromConfig(m map[string]any) (opt Optimizer, err error) {
	inner, ok := m["inner_optimizer"]
	if !ok {
		return nil, fmt.Errorf("optim: LossScaleOptimizer: no inner_optimizer")
	}
	ic, err := toConfig(inner)
	if err != nil {
		return nil, fmt.Errorf("optim: LossScaleOptimizer: inner_optimizer: %w", err)
	}
	in, err := FromConfig(ic)
	if err != nil {
		return nil, err
	}
	rest := map[string]any{}
	for k, v := range m {
		if k != "inner_optimizer" {
			rest[k] = v
		}
	}
	opts, err := configOptions("LossScaleOptimizer", rest)
	if err != nil {
		return nil, err
	}
	defer core.Recover(&err)
	return LossScale(in, opts...), nil
}

// ScheduleFromConfig returns the schedule a [Config] describes (Keras
// keras.optimizers.schedules.deserialize, plus Tide's "Warmup"). It returns an error for an
// unknown class, a missing or mistyped parameter, or a value out of range.
func ScheduleFromConfig(c Config) (s Schedule, err error) {
	defer core.Recover(&err)
	r := &reader{m: c.Config, class: c.ClassName}
	var opts []ScheduleOption
	if name, ok := c.Config["name"].(string); ok {
		opts = append(opts, ScheduleName(name))
	}
	switch c.ClassName {
	case "ExponentialDecay", "InverseTimeDecay":
		ctor := ExponentialDecay
		if c.ClassName == "InverseTimeDecay" {
			ctor = InverseTimeDecay
		}
		s = ctor(r.num("initial_learning_rate"), r.int("decay_steps"), r.num("decay_rate"),
			append(opts, Staircase(r.optBool("staircase", false)))...)
	case "PiecewiseConstantDecay":
		s = PiecewiseConstantDecay(r.ints("boundaries"), r.nums("values"), opts...)
	case "PolynomialDecay":
		s = PolynomialDecay(r.num("initial_learning_rate"), r.int("decay_steps"), append(opts,
			EndLearningRate(r.optNum("end_learning_rate", 0.0001)), Power(r.optNum("power", 1)),
			Cycle(r.optBool("cycle", false)))...)
	case "CosineDecay":
		opts = append(opts, Alpha(r.optNum("alpha", 0)), WarmupSteps(int(r.optNum("warmup_steps", 0))))
		if v, ok := c.Config["warmup_target"]; ok && v != nil {
			opts = append(opts, WarmupTarget(r.num("warmup_target")))
		}
		s = CosineDecay(r.num("initial_learning_rate"), r.int("decay_steps"), opts...)
	case "CosineDecayRestarts":
		s = CosineDecayRestarts(r.num("initial_learning_rate"), r.int("first_decay_steps"), append(opts,
			TMul(r.optNum("t_mul", 2)), MMul(r.optNum("m_mul", 1)), Alpha(r.optNum("alpha", 0)))...)
	case "Warmup":
		ic, err := toConfig(c.Config["schedule"])
		if err != nil {
			return nil, fmt.Errorf("optim: Warmup: schedule: %w", err)
		}
		inner, err := ScheduleFromConfig(ic)
		if err != nil {
			return nil, err
		}
		s = Warmup(inner, r.int("warmup_steps"), r.optNum("initial_learning_rate", 0))
	default:
		return nil, fmt.Errorf("optim: unknown schedule class %q", c.ClassName)
	}
	return s, nil
}

// reader reads typed parameters from a config map, panicking with a *core.Error (recovered
// by ScheduleFromConfig) on a missing or mistyped one.
type reader struct {
	m     map[string]any
	class string
}

func (r *reader) fail(key string, err error) {
	panic(core.Errorf("optim."+r.class, "config key %q: %v", key, err))
}

func (r *reader) num(key string) float64 {
	v, ok := r.m[key]
	if !ok {
		r.fail(key, fmt.Errorf("missing"))
	}
	f, err := toFloat(v)
	if err != nil {
		r.fail(key, err)
	}
	return f
}

func (r *reader) optNum(key string, def float64) float64 {
	if v, ok := r.m[key]; !ok || v == nil {
		return def
	}
	return r.num(key)
}

func (r *reader) int(key string) int {
	f := r.num(key)
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		r.fail(key, fmt.Errorf("want an integer, got %v", f))
	}
	return int(f)
}

func (r *reader) optBool(key string, def bool) bool {
	v, ok := r.m[key]
	if !ok || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		r.fail(key, fmt.Errorf("want a bool, got %T", v))
	}
	return b
}

func (r *reader) nums(key string) []float64 {
	v, ok := r.m[key]
	if !ok {
		r.fail(key, fmt.Errorf("missing"))
	}
	switch v := v.(type) {
	case []float64:
		return v
	case []int:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	case []any:
		out := make([]float64, len(v))
		for i, x := range v {
			f, err := toFloat(x)
			if err != nil {
				r.fail(key, err)
			}
			out[i] = f
		}
		return out
	}
	r.fail(key, fmt.Errorf("want a list of numbers, got %T", v))
	return nil
}

func (r *reader) ints(key string) []int {
	fs := r.nums(key)
	out := make([]int, len(fs))
	for i, f := range fs {
		if f != math.Trunc(f) {
			r.fail(key, fmt.Errorf("want integers, got %v", f))
		}
		out[i] = int(f)
	}
	return out
}

func toFloat(v any) (float64, error) {
	switch v := v.(type) {
	case float64:
		return v, nil
	case float32:
		return float64(v), nil
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case json.Number:
		return v.Float64()
	}
	return 0, fmt.Errorf("want a number, got %T", v)
}

// toConfig accepts a Config or its JSON-decoded map form.
func toConfig(v any) (Config, error) {
	switch v := v.(type) {
	case Config:
		return v, nil
	case *Config:
		return *v, nil
	case map[string]any:
		name, _ := v["class_name"].(string)
		cfg, _ := v["config"].(map[string]any)
		if name == "" || cfg == nil {
			return Config{}, fmt.Errorf("want {\"class_name\": ..., \"config\": {...}}")
		}
		return Config{ClassName: name, Config: cfg}, nil
	}
	return Config{}, fmt.Errorf("want a config, got %T", v)
}

func num(f func(float64) Option) func(any) (Option, error) {
	return func(v any) (Option, error) {
		x, err := toFloat(v)
		if err != nil {
			return nil, err
		}
		return f(x), nil
	}
}

func integer(f func(int) Option) func(any) (Option, error) {
	return func(v any) (Option, error) {
		x, err := toFloat(v)
		if err != nil {
			return nil, err
		}
		if x != math.Trunc(x) {
			return nil, fmt.Errorf("want an integer, got %v", x)
		}
		return f(int(x)), nil
	}
}

func boolean(f func(bool) Option) func(any) (Option, error) {
	return func(v any) (Option, error) {
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want a bool, got %T", v)
		}
		return f(b), nil
	}
}

func str(f func(string) Option) func(any) (Option, error) {
	return func(v any) (Option, error) {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string, got %T", v)
		}
		return f(s), nil
	}
}
