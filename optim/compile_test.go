package optim_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// mlp is a small model with a train step that runs eagerly or compiled.
type mlp struct {
	w1, b1, w2, b2 *autodiff.Variable
	opt            optim.Optimizer
}

func newMLP(opt optim.Optimizer) *mlp {
	return &mlp{
		w1:  autodiff.NewVariable("w1", ops.MulScalar(tensor.RandomNormal(1, 8, 16), 0.3)),
		b1:  autodiff.NewVariable("b1", tensor.Zeros(dtype.Float32, 16)),
		w2:  autodiff.NewVariable("w2", ops.MulScalar(tensor.RandomNormal(2, 16, 1), 0.3)),
		b2:  autodiff.NewVariable("b2", tensor.Zeros(dtype.Float32, 1)),
		opt: opt,
	}
}

func (m *mlp) vars() []*autodiff.Variable { return []*autodiff.Variable{m.w1, m.b1, m.w2, m.b2} }

func (m *mlp) step(x, y *tensor.Tensor) *tensor.Tensor {
	h := ops.Tanh(ops.Add(ops.MatMul(x, m.w1.Value()), m.b1.Value()))
	pred := ops.Add(ops.MatMul(h, m.w2.Value()), m.b2.Value())
	loss := ops.Mean(ops.Square(ops.Sub(pred, y)))
	optim.Minimize(m.opt, loss, m.vars()...)
	return loss
}

// compile compiles m's step with m's state bound while it is traced (graph.Variables), so that
// updates computed from variables alone (the iteration count) run at every call; the optimizer
// builds its state first so that all of it is bound.
func (m *mlp) compile() *graph.Function {
	m.opt.Build(m.vars())
	return graph.Compile(m.step, specs(), graph.Variables(m.state))
}

func specs() graph.Option {
	return graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown, 8}},
		core.Spec{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown, 1}})
}

// state returns every variable of the model and its optimizer.
func (m *mlp) state() []*autodiff.Variable { return append(m.vars(), m.opt.Variables()...) }

func compareState(t *testing.T, step int, eager, compiled *mlp, tol float64) {
	t.Helper()
	es, cs := eager.state(), compiled.state()
	if len(es) != len(cs) {
		t.Fatalf("step %d: %d variables eagerly, %d compiled", step, len(es), len(cs))
	}
	for i := range es {
		a, b := es[i].Value().Detach(), cs[i].Value().Detach()
		if es[i].Name() != cs[i].Name() {
			t.Fatalf("step %d: variable %d is %q eagerly, %q compiled", step, i, es[i].Name(), cs[i].Name())
		}
		if d, _ := tensor.MaxDiff(a, b); !(d <= tol) {
			t.Fatalf("step %d: %s differs by %g (eager %v, compiled %v)", step, es[i].Name(), d, a, b)
		}
	}
}

func TestCompiledStepMatchesEager(t *testing.T) {
	x := tensor.RandomNormal(3, 32, 8)
	y := tensor.RandomNormal(4, 32, 1)
	cases := map[string]func() optim.Optimizer{
		"sgd_nesterov": func() optim.Optimizer {
			return optim.SGD(optim.Momentum(0.9), optim.Nesterov(true), optim.ClipNorm(0.5))
		},
		"adam": func() optim.Optimizer { return optim.Adam(optim.LearningRate(0.01), optim.AMSGrad(true)) },
		"adamw_schedule": func() optim.Optimizer {
			return optim.AdamW(optim.LearningRateSchedule(optim.CosineDecay(0.01, 10, optim.WarmupTarget(0.02), optim.WarmupSteps(2))),
				optim.ExcludeFromWeightDecay("b"))
		},
		"nadam_accumulate": func() optim.Optimizer {
			return optim.Nadam(optim.LearningRate(0.01), optim.GradientAccumulationSteps(2), optim.GlobalClipNorm(1))
		},
		"rmsprop": func() optim.Optimizer {
			return optim.RMSprop(optim.Momentum(0.5), optim.Centered(true), optim.ClipValue(0.1))
		},
		"ftrl":       func() optim.Optimizer { return optim.FTRL(optim.LearningRate(0.1), optim.L1(0.001), optim.Beta(0.1)) },
		"lion":       func() optim.Optimizer { return optim.Lion(optim.WeightDecay(0.1)) },
		"loss_scale": func() optim.Optimizer { return optim.LossScale(optim.Adam(), optim.DynamicGrowthSteps(2)) },
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			eager, compiled := newMLP(mk()), newMLP(mk())
			step := compiled.compile()
			for i := range 5 {
				le := eager.step(x, y)
				out, err := step.Call(x, y)
				if err != nil {
					t.Fatal(err)
				}
				if d, _ := tensor.MaxDiff(le.Detach(), out[0]); !(d <= 1e-6) {
					t.Fatalf("step %d: eager loss %v, compiled %v", i, le, out[0])
				}
				compareState(t, i, eager, compiled, 1e-6) // bitwise today; fusion may round differently
			}
			if n := step.Traces(); n != 1 {
				t.Errorf("traced %d times, want 1", n)
			}
			if it := compiled.opt.Iterations().Value().Item(); it != 5 {
				t.Errorf("iterations = %v after 5 compiled steps, want 5", it)
			}
		})
	}
}

// The learning rate is a variable: setting it changes what the compiled step does, without
// retracing.
func TestSetLearningRateWithoutRetracing(t *testing.T) {
	x := tensor.RandomNormal(3, 32, 8)
	y := tensor.RandomNormal(4, 32, 1)
	eager, compiled := newMLP(optim.SGD(optim.Momentum(0.9))), newMLP(optim.SGD(optim.Momentum(0.9)))
	step := compiled.compile()
	for i, lr := range []float64{0.01, 0.05, 0, 0.02} {
		eager.opt.SetLearningRate(lr)
		compiled.opt.SetLearningRate(lr)
		eager.step(x, y)
		if _, err := step.Call(x, y); err != nil {
			t.Fatal(err)
		}
		compareState(t, i, eager, compiled, 1e-6)
		if got := compiled.opt.LearningRate(); got != lr {
			t.Errorf("LearningRate() = %v, want %v", got, lr)
		}
	}
	if n := step.Traces(); n != 1 {
		t.Fatalf("traced %d times, want 1", n)
	}
	// Plain SGD: a zero rate leaves the compiled step's weights alone, a new one moves them.
	plain := newMLP(optim.SGD())
	sgd := plain.compile()
	for _, lr := range []float64{0, 0.1} {
		plain.opt.SetLearningRate(lr)
		before := plain.w1.Value().Detach().Clone()
		if _, err := sgd.Call(x, y); err != nil {
			t.Fatal(err)
		}
		if moved := !tensor.Equal(before, plain.w1.Value().Detach()); moved != (lr != 0) {
			t.Errorf("lr %v: w1 moved = %v", lr, moved)
		}
	}
	if n := sgd.Traces(); n != 1 {
		t.Fatalf("traced %d times, want 1", n)
	}
}
