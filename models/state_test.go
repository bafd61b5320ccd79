package models

import (
	"context"
	"math"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// The compiled steps bind the model's, the optimizer's and the metrics' variables while they are
// traced: an update computed from variables alone runs at every call (the batch counter), and
// the optimizer's state — built before the first trace, global state and gradient accumulators
// included — follows the eager trajectory.
func TestCompiledStepBindsState(t *testing.T) {
	x, y := blobs(200, 4, 4)
	ctx := context.Background()
	var ms []*Model
	var hs []*History
	for _, eager := range []bool{false, true} {
		m := Sequential(Input(2), nn.Dense(16, nn.WithActivation("relu")), nn.Dense(4))
		opts := []CompileOption{Metrics("accuracy", newBatchCounter())}
		if eager {
			opts = append(opts, Eager())
		}
		opt := optim.Nadam(optim.LearningRate(0.01), optim.GradientAccumulationSteps(2))
		if err := m.Compile(opt, losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
			t.Fatal(err)
		}
		h, err := m.Fit(ctx, Arrays(x, y), Epochs(2), BatchSize(64), Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		if got := h.History["batches"]; len(got) != 2 || got[0] != 4 || got[1] != 4 {
			t.Errorf("eager %v: batches per epoch %v, want [4 4]", eager, got)
		}
		logs, err := m.Evaluate(ctx, Arrays(x, y), BatchSize(50), Verbose(0))
		if err != nil || logs["batches"] != 4 {
			t.Errorf("eager %v: Evaluate counted %v batches (%v), want 4", eager, logs["batches"], err)
		}
		if it := opt.Iterations().Value().Item(); it != 8 {
			t.Errorf("eager %v: %v optimizer iterations, want 8", eager, it)
		}
		ms, hs = append(ms, m), append(hs, h)
	}
	for _, k := range []string{"loss", "accuracy"} {
		for i := range 2 {
			if a, b := hs[0].History[k][i], hs[1].History[k][i]; math.Abs(a-b) > 1e-6 {
				t.Errorf("%s epoch %d: compiled %v, eager %v", k, i, a, b)
			}
		}
	}
	cv := append(ms[0].Weights(), ms[0].Optimizer().Variables()...)
	ev := append(ms[1].Weights(), ms[1].Optimizer().Variables()...)
	if len(cv) != len(ev) {
		t.Fatalf("%d variables compiled, %d eager", len(cv), len(ev))
	}
	for i := range cv {
		if cv[i].Name() != ev[i].Name() {
			t.Errorf("variable %d is %q compiled, %q eager", i, cv[i].Name(), ev[i].Name())
			continue
		}
		if d, _ := tensor.MaxDiff(cv[i].Value(), ev[i].Value()); !(d <= 1e-5) {
			t.Errorf("%s differs by %g", cv[i].Name(), d)
		}
	}
}

func columnNorms(w *tensor.Tensor) []float64 {
	return ops.Sqrt(ops.Sum(ops.Square(w), 0)).Float64s()
}

// A MaxNorm-constrained Dense trains to the same weights eagerly and compiled, and the
// constraint holds after every step.
func TestConstraintsCompiledMatchEager(t *testing.T) {
	x, y := blobs(256, 4, 6)
	const maxNorm = 0.4
	var ws [][]*autodiff.Variable
	for _, eager := range []bool{false, true} {
		m := Sequential(Input(2),
			nn.Dense(16, nn.WithActivation("relu"), nn.WithKernelConstraint(constraints.MaxNorm(maxNorm))),
			nn.Dense(4, nn.WithKernelConstraint(constraints.NonNeg())))
		opts := []CompileOption{}
		if eager {
			opts = append(opts, Eager())
		}
		if err := m.Compile(optim.Adam(optim.LearningRate(0.05)), losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
			t.Fatal(err)
		}
		check := &LambdaCallback{BatchEnd: func(b int, _ Logs) error {
			norms := columnNorms(m.Weights()[0].Value())
			for j, n := range norms {
				if n > maxNorm*(1+1e-5) {
					t.Errorf("eager %v batch %d: column %d has norm %v > %v", eager, b, j, n, maxNorm)
					return nil
				}
			}
			if min := ops.Min(m.Weights()[2].Value()).Item(); min < 0 {
				t.Errorf("eager %v batch %d: NonNeg kernel has %v", eager, b, min)
			}
			return nil
		}}
		if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(2), BatchSize(32), Verbose(0), Callbacks(check)); err != nil {
			t.Fatal(err)
		}
		if !eager {
			t.Logf("weights constrained after the compiled call rather than in it: %d", len(m.train.postConstrain))
		}
		active := false
		for _, n := range columnNorms(m.Weights()[0].Value()) {
			active = active || n > maxNorm*0.999
		}
		if !active {
			t.Errorf("eager %v: the MaxNorm constraint never bound", eager)
		}
		ws = append(ws, m.Weights())
	}
	for i := range ws[0] {
		if d, _ := tensor.MaxDiff(ws[0][i].Value(), ws[1][i].Value()); !(d <= 1e-5) {
			t.Errorf("%s: compiled and eager differ by %g", ws[0][i].Name(), d)
		}
	}
}

// Constraints are found in nested models and in the sub-layers of struct layers.
func TestConstraintOfNested(t *testing.T) {
	inner := nn.Dense(3, nn.WithKernelConstraint(constraints.UnitNorm()), nn.WithName("inner_dense"))
	net := &mlp{Hidden: nn.Dense(4, nn.WithKernelConstraint(constraints.NonNeg()), nn.WithName("hidden")), Out: nn.Dense(2, nn.WithName("out"))}
	sm, err := FromLayer(net, []*Symbolic{Input(2)})
	if err != nil {
		t.Fatal(err)
	}
	outer := Sequential(Input(2), sm, Sequential(inner))
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		v    *autodiff.Variable
		want string
	}{{net.Hidden.Weights()[0], "NonNeg"}, {inner.Weights()[0], "UnitNorm"}} {
		got := outer.ConstraintOf(c.v)
		if got == nil || got.Config()["class_name"] != c.want {
			t.Errorf("%s: constraint %v, want %s", c.v.Name(), got, c.want)
		}
	}
	if outer.ConstraintOf(net.Out.Weights()[0]) != nil {
		t.Error("an unconstrained kernel has a constraint")
	}
}
