package optim_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// roundTrip serialises a config to JSON and back, as a saved model does.
func roundTrip(t *testing.T, c optim.Config) optim.Config {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back optim.Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

func TestConfigRoundTrip(t *testing.T) {
	opts := []optim.Optimizer{
		optim.SGD(optim.Momentum(0.9), optim.Nesterov(true), optim.ClipNorm(1)),
		optim.Adam(optim.AMSGrad(true), optim.GradientAccumulationSteps(4)),
		optim.AdamW(optim.LearningRateSchedule(optim.Warmup(optim.CosineDecayRestarts(0.1, 10, optim.MMul(0.5)), 5, 0))),
		optim.Adamax(optim.GlobalClipNorm(2)),
		optim.Nadam(optim.LossScaleFactor(128)),
		optim.RMSprop(optim.Centered(true), optim.LearningRateSchedule(optim.PiecewiseConstantDecay([]int{10, 20}, []float64{1, 0.5, 0.1}))),
		optim.Adagrad(optim.InitialAccumulator(0.5), optim.ClipValue(3)),
		optim.Adadelta(optim.Rho(0.9), optim.LearningRateSchedule(optim.PolynomialDecay(0.1, 100, optim.Cycle(true)))),
		optim.Lion(optim.WeightDecay(0.1), optim.LearningRateSchedule(optim.InverseTimeDecay(0.1, 10, 0.5, optim.Staircase(true)))),
		optim.FTRL(optim.L1(0.1), optim.L2Shrinkage(0.2), optim.LearningRateSchedule(optim.ExponentialDecay(0.1, 10, 0.9))),
		optim.LossScale(optim.SGD(optim.LearningRateSchedule(optim.CosineDecay(0, 100, optim.WarmupTarget(0.1), optim.WarmupSteps(10)))), optim.InitialScale(64)),
	}
	for _, o := range opts {
		c := roundTrip(t, o.Config())
		o2, err := optim.FromConfig(c)
		if err != nil {
			t.Fatalf("%s: %v", c.ClassName, err)
		}
		if got, want := roundTrip(t, o2.Config()), c; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: config changed on a round trip:\n got %v\nwant %v", c.ClassName, got, want)
		}
		if o2.LearningRate() != o.LearningRate() {
			t.Errorf("%s: learning rate %v, want %v", c.ClassName, o2.LearningRate(), o.LearningRate())
		}
	}
}

// A config as Keras 3 writes it (keras.optimizers.serialize(keras.optimizers.Adam(...))) loads.
func TestKerasConfig(t *testing.T) {
	const keras = `{"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam",
		"learning_rate": 0.0005, "weight_decay": null, "clipnorm": null, "global_clipnorm": 1.0,
		"clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
		"loss_scale_factor": null, "gradient_accumulation_steps": null, "beta_1": 0.8,
		"beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false}, "registered_name": null}`
	var c optim.Config
	if err := json.Unmarshal([]byte(keras), &c); err != nil {
		t.Fatal(err)
	}
	o, err := optim.FromConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	got := o.Config().Config
	if got["learning_rate"] != 0.0005 || got["beta_1"] != 0.8 || got["global_clipnorm"] != 1.0 {
		t.Errorf("config %v", got)
	}
	for _, bad := range []string{
		`{"class_name": "Adam", "config": {"use_ema": true}}`,
		`{"class_name": "Adam", "config": {"momentum": 0.9}}`,
		`{"class_name": "Adam", "config": {"frobnicate": 1}}`,
		`{"class_name": "Adam", "config": {"beta_1": "high"}}`,
		`{"class_name": "Adam", "config": {"clipnorm": 1, "clipvalue": 1}}`,
		`{"class_name": "Adamw", "config": {}}`,
		`{"class_name": "SGD", "config": {"learning_rate": {"class_name": "Nope", "config": {}}}}`,
		`{"class_name": "SGD", "config": {"learning_rate": {"class_name": "ExponentialDecay", "config": {"decay_steps": 10}}}}`,
	} {
		var c optim.Config
		if err := json.Unmarshal([]byte(bad), &c); err != nil {
			t.Fatal(err)
		}
		if _, err := optim.FromConfig(c); err == nil {
			t.Errorf("FromConfig(%s) did not fail", bad)
		} else {
			t.Logf("%s: %v", bad, err)
		}
	}
}

func TestByName(t *testing.T) {
	for _, name := range []string{"sgd", "adam", "AdamW", "adamax", "nadam", "rmsprop", "adagrad", "adadelta", "lion", "ftrl"} {
		o, err := optim.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(o.Config().ClassName, name) {
			t.Errorf("ByName(%q) is a %s", name, o.Config().ClassName)
		}
	}
	if _, err := optim.ByName("adam2"); err == nil {
		t.Error("unknown name did not fail")
	}
}

// Keras defaults, as listed in the Keras optimizer docs.
func TestDefaults(t *testing.T) {
	want := map[string]map[string]any{
		"SGD":      {"learning_rate": 0.01, "momentum": 0.0, "nesterov": false},
		"Adam":     {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": false, "weight_decay": nil},
		"AdamW":    {"learning_rate": 0.001, "weight_decay": 0.004},
		"RMSprop":  {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": false},
		"Adagrad":  {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
		"Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
		"Adamax":   {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
		"Nadam":    {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
		"Ftrl": {"learning_rate": 0.001, "learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
			"l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0,
			"l2_shrinkage_regularization_strength": 0.0, "beta": 0.0},
		"Lion": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99},
	}
	for class, keys := range want {
		o, err := optim.ByName(class)
		if err != nil {
			t.Fatal(err)
		}
		c := o.Config().Config
		for k, v := range keys {
			if !reflect.DeepEqual(c[k], v) {
				t.Errorf("%s %s = %v, want %v", class, k, c[k], v)
			}
		}
	}
}

func TestVariableNames(t *testing.T) {
	k := autodiff.NewVariable("dense/kernel", tensor.Zeros(dtype.Float32, 2, 3))
	b := autodiff.NewVariable("dense/bias", tensor.Zeros(dtype.Float32, 3))
	o := optim.Adam(optim.AMSGrad(true))
	o.Build([]*autodiff.Variable{k, b})
	var names []string
	for _, v := range o.Variables() {
		if v.Trainable() {
			t.Errorf("%s is trainable", v.Name())
		}
		names = append(names, v.Name())
	}
	want := []string{"adam/iteration", "adam/learning_rate",
		"adam/dense/kernel/momentum", "adam/dense/bias/momentum",
		"adam/dense/kernel/velocity", "adam/dense/bias/velocity",
		"adam/dense/kernel/velocity_hat", "adam/dense/bias/velocity_hat"}
	if !equalStrings(names, want) {
		t.Errorf("variables\n %v\nwant\n %v", names, want)
	}
	// A schedule has no learning-rate variable; Build is idempotent; a variable without a
	// gradient gets no slots until it has one.
	o = optim.SGD(optim.Momentum(0.9), optim.Name("opt"), optim.LearningRateSchedule(optim.ExponentialDecay(0.1, 1, 0.5)))
	o.Apply([]*tensor.Tensor{tensor.Ones(dtype.Float32, 2, 3), nil}, []*autodiff.Variable{k, b})
	o.Build([]*autodiff.Variable{k})
	names = names[:0]
	for _, v := range o.Variables() {
		names = append(names, v.Name())
	}
	if want := []string{"opt/iteration", "opt/dense/kernel/momentum"}; !equalStrings(names, want) {
		t.Errorf("variables %v, want %v", names, want)
	}
	if got := tensor.ToSlice[float32](b.Value().Detach()); got[0] != 0 {
		t.Errorf("a variable without a gradient moved: %v", got)
	}
	if got := o.LearningRate(); got != 0.05 { // 0.1·0.5^1 after one step
		t.Errorf("scheduled learning rate %v, want 0.05", got)
	}
}

// mustPanic runs fn and returns the *core.Error it panics with.
func mustPanic(t *testing.T, what string, fn func()) *core.Error {
	t.Helper()
	err := core.Catch(fn)
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s: got %v, want a *core.Error panic", what, err)
	}
	return ce
}

func TestCallerMistakes(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.Zeros(dtype.Float32, 2, 3))
	i := autodiff.NewVariable("count", tensor.Zeros(dtype.Int64, 1))
	g := tensor.Ones(dtype.Float32, 2, 3)
	cases := []struct {
		what, want string
		fn         func()
	}{
		{"length", `optimizer "adam": got 2 gradients for 1 variables`, func() {
			optim.Adam().Apply([]*tensor.Tensor{g, g}, []*autodiff.Variable{w})
		}},
		{"shape", `gradient of variable "w" has shape [3 2], variable has [2 3]`, func() {
			optim.Adam().Apply([]*tensor.Tensor{tensor.Ones(dtype.Float32, 3, 2)}, []*autodiff.Variable{w})
		}},
		{"integer variable", `variable "count" is int64`, func() {
			optim.SGD().Apply([]*tensor.Tensor{tensor.Ones(dtype.Float32, 1)}, []*autodiff.Variable{i})
		}},
		{"integer gradient", `gradient of variable "w" is int64`, func() {
			optim.SGD().Apply([]*tensor.Tensor{tensor.Ones(dtype.Int64, 2, 3)}, []*autodiff.Variable{w})
		}},
		{"no gradients", "no gradient provided", func() {
			optim.SGD().Apply([]*tensor.Tensor{nil}, []*autodiff.Variable{w})
		}},
		{"twice", `variable "w" appears twice`, func() {
			optim.SGD().Apply([]*tensor.Tensor{g, g}, []*autodiff.Variable{w, w})
		}},
		{"foreign option", "Adam does not take option momentum", func() { optim.Adam(optim.Momentum(0.9)) }},
		{"range", "beta_1 must be in [0, 1]", func() { optim.Adam(optim.Beta1(1.5)) }},
		{"accumulation", "gradient_accumulation_steps must be >= 2", func() { optim.SGD(optim.GradientAccumulationSteps(1)) }},
		{"lion beta", "beta_1 must be in (0, 1]", func() { optim.Lion(optim.Beta1(0)) }},
		{"set scheduled", "follows a schedule", func() {
			optim.SGD(optim.LearningRateSchedule(optim.ExponentialDecay(1, 1, 0.5))).SetLearningRate(0.1)
		}},
		{"negative rate", "learning rate must be finite and >= 0", func() { optim.SGD().SetLearningRate(-1) }},
		{"schedule option", "CosineDecay does not take option staircase", func() { optim.CosineDecay(1, 10, optim.Staircase(true)) }},
		{"decay steps", "decay_steps must be > 0", func() { optim.ExponentialDecay(1, 0, 0.5) }},
		{"piecewise", "want one more value than boundaries", func() { optim.PiecewiseConstantDecay([]int{1, 2}, []float64{1, 2}) }},
	}
	for _, c := range cases {
		err := mustPanic(t, c.what, c.fn)
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %q does not mention %q", c.what, err.Error(), c.want)
		}
	}
}
