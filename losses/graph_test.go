package losses_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func spec(dt dtype.DType, dims ...int) core.Spec {
	return core.Spec{DType: dt, Shape: shape.Of(dims...)}
}

// batchInputs makes targets, predictions and sample weights for a batch of n.
type batchInputs func(n int, seed uint64) (yTrue, yPred, sw *T)

// TestCompiledUnknownBatch traces each loss (value and gradient) once with an unknown batch
// dimension and checks that two batch sizes run without retracing and match eager execution.
func TestCompiledUnknownBatch(t *testing.T) {
	f32 := dtype.Float32
	dense := func(c int) batchInputs {
		return func(n int, seed uint64) (*T, *T, *T) {
			return uniform(seed, 0.05, 0.95, n, c), uniform(seed+1, 0.05, 0.95, n, c), uniform(seed+2, 0, 2, n)
		}
	}
	sparse := func(c int) batchInputs {
		return func(n int, seed uint64) (*T, *T, *T) {
			return labels(seed, c, n), normal(seed+1, n, c), uniform(seed+2, 0, 2, n)
		}
	}
	cases := []struct {
		name  string
		loss  losses.Loss
		specs []core.Spec
		in    batchInputs
	}{
		{"mse", losses.MeanSquaredError(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"mae sum", losses.MeanAbsoluteError(losses.WithReduction(losses.Sum)), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"mape", losses.MeanAbsolutePercentageError(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"msle", losses.MeanSquaredLogarithmicError(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"huber", losses.Huber(losses.Delta(0.3)), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"log_cosh", losses.LogCosh(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"cosine", losses.CosineSimilarity(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"bce", losses.BinaryCrossentropy(losses.LabelSmoothing(0.1)), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"bce logits vector targets", losses.BinaryCrossentropy(losses.FromLogits()), []core.Spec{spec(f32, -1), spec(f32, -1, 1)},
			func(n int, seed uint64) (*T, *T, *T) {
				return binaryLabels(seed, n), normal(seed+1, n, 1), uniform(seed+2, 0, 2, n)
			}},
		{"binary focal", losses.BinaryFocalCrossentropy(losses.ClassBalancing()), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"cce", losses.CategoricalCrossentropy(losses.LabelSmoothing(0.1)), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"cce logits mean_with_sample_weight", losses.CategoricalCrossentropy(losses.FromLogits(), losses.WithReduction(losses.MeanWithSampleWeight)),
			[]core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"categorical focal", losses.CategoricalFocalCrossentropy(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"scce logits", losses.SparseCategoricalCrossentropy(losses.FromLogits()), []core.Spec{spec(dtype.Int64, -1), spec(f32, -1, 4)}, sparse(4)},
		{"scce ignore", losses.SparseCategoricalCrossentropy(losses.FromLogits(), losses.IgnoreClass(0)), []core.Spec{spec(dtype.Int64, -1), spec(f32, -1, 4)}, sparse(4)},
		{"scce column labels", losses.SparseCategoricalCrossentropy(), []core.Spec{spec(dtype.Int64, -1, 1), spec(f32, -1, 4)},
			func(n int, seed uint64) (*T, *T, *T) {
				return labels(seed, 4, n, 1), uniform(seed+1, 0.05, 1, n, 4), uniform(seed+2, 0, 2, n)
			}},
		{"kld", losses.KLDivergence(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"poisson", losses.Poisson(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"hinge", losses.Hinge(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)},
			func(n int, seed uint64) (*T, *T, *T) {
				return binaryLabels(seed, n, 3), normal(seed+1, n, 3), uniform(seed+2, 0, 2, n)
			}},
		{"squared hinge", losses.SquaredHinge(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"categorical hinge", losses.CategoricalHinge(), []core.Spec{spec(f32, -1, 3), spec(f32, -1, 3)}, dense(3)},
		{"ctc", losses.CTC(), []core.Spec{spec(dtype.Int64, -1, 3), spec(f32, -1, 6, 4)},
			func(n int, seed uint64) (*T, *T, *T) {
				return labels(seed, 4, n, 3), normal(seed+1, n, 6, 4), uniform(seed+2, 0, 2, n)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			step := func(yTrue, yPred, sw *T) []*T {
				p := autodiff.Watch(yPred)
				l := c.loss.Compute(yTrue, p, sw)
				return []*T{l, autodiff.Grad(l, p)[0]}
			}
			specs := append(c.specs, spec(dtype.Float32, -1))
			fn := graph.Compile(step, graph.InputSpecs(specs...))
			for i, n := range []int{5, 8} {
				yTrue, yPred, sw := c.in(n, uint64(100*i+7))
				yTrue = cast(yTrue, c.specs[0].DType)
				yPred, sw = cast(yPred, dtype.Float32), cast(sw, dtype.Float32)
				got, err := fn.Call(yTrue, yPred, sw)
				if err != nil {
					t.Fatal(err)
				}
				want := step(yTrue, yPred, sw)
				for k := range want {
					if !tensor.AllClose(got[k], want[k].Detach(), 1e-5, 1e-6) {
						t.Errorf("batch %d output %d: compiled %v, eager %v", n, k, got[k], want[k])
					}
				}
			}
			if n := fn.Traces(); n != 1 {
				t.Errorf("traced %d times, want 1", n)
			}
		})
	}
}

func cast(x *T, dt dtype.DType) *T {
	out := tensor.New(dt, x.Shape())
	tensor.Convert(out, x)
	return out
}
