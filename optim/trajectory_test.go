package optim_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// reference is testdata/trajectories.json, written by testdata/gen_optim.py.
type reference struct {
	Shapes    [][]int       `json:"shapes"`
	Initial   [][]float64   `json:"initial"`
	Gradients [][][]float64 `json:"gradients"` // [step][parameter][element]
	Cases     []struct {
		Name       string        `json:"name"`
		Source     string        `json:"source"`
		Reference  string        `json:"reference"`
		Optimizer  optim.Config  `json:"optimizer"`
		Trajectory [][][]float64 `json:"trajectory"` // parameters after each step
	} `json:"cases"`
	Schedules []struct {
		Name     string       `json:"name"`
		Schedule optim.Config `json:"schedule"`
		Steps    []int        `json:"steps"`
		Values   []float64    `json:"values"`
	} `json:"schedules"`
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/trajectories.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Cases) == 0 || len(r.Schedules) == 0 {
		t.Fatal("empty reference file")
	}
	return &r
}

func (r *reference) tensor(dt dtype.DType, i int, data []float64) *tensor.Tensor {
	return ops.Cast(tensor.FromSlice(data, r.Shapes[i]...), dt)
}

// Tolerances: float64 runs must agree with the float64 references to 1e-10 relative (the
// references agree with PyTorch to 1e-12; what is left is rounding in a different order).
// float32 runs are compared with the same float64 references, to 1e-5 relative plus 1e-6
// absolute: a few float32 roundings per step over six steps on values of order one.
var tolerances = map[dtype.DType][2]float64{dtype.Float64: {1e-10, 1e-14}, dtype.Float32: {1e-5, 1e-6}}

func TestTrajectories(t *testing.T) {
	ref := loadReference(t)
	for _, c := range ref.Cases {
		for _, dt := range []dtype.DType{dtype.Float64, dtype.Float32} {
			t.Run(fmt.Sprintf("%s/%s", c.Name, dt), func(t *testing.T) {
				opt, err := optim.FromConfig(c.Optimizer)
				if err != nil {
					t.Fatal(err)
				}
				vars := make([]*autodiff.Variable, len(ref.Shapes))
				for i, init := range ref.Initial {
					vars[i] = autodiff.NewVariable(fmt.Sprintf("p%d", i), ref.tensor(dt, i, init))
				}
				tol := tolerances[dt]
				for step, want := range c.Trajectory {
					grads := make([]*tensor.Tensor, len(vars))
					for i, g := range ref.Gradients[step] {
						grads[i] = ref.tensor(dt, i, g)
					}
					opt.Apply(grads, vars)
					for i, v := range vars {
						got := tensor.ToSlice[float64](ops.Cast(v.Value().Detach(), dtype.Float64))
						for j, w := range want[i] {
							if d := math.Abs(got[j] - w); !(d <= tol[0]*math.Abs(w)+tol[1]) {
								t.Fatalf("%s (%s): step %d, parameter %d element %d: got %.17g, want %.17g (diff %.3g)",
									c.Name, c.Reference, step+1, i, j, got[j], w, d)
							}
						}
					}
				}
				if it := opt.Iterations().Value().Item(); int(it) != len(c.Trajectory) {
					t.Errorf("iterations = %v, want %d", it, len(c.Trajectory))
				}
			})
		}
	}
}

func TestSchedules(t *testing.T) {
	ref := loadReference(t)
	for _, c := range ref.Schedules {
		t.Run(c.Name, func(t *testing.T) {
			s, err := optim.ScheduleFromConfig(c.Schedule)
			if err != nil {
				t.Fatal(err)
			}
			for i, step := range c.Steps {
				want := c.Values[i]
				// At mirrors the Keras formula operation by operation, but Go's math.Pow is not
				// correctly rounded as C's pow is: 0.8^2057 differs from Python's by 1e-13.
				if got := s.At(step); !(math.Abs(got-want) <= 1e-12*math.Abs(want)+1e-300) {
					t.Errorf("At(%d) = %.17g, want %.17g", step, got, want)
				}
				// Eval runs the same formula with ops, whose vectorised cos, log and pow may
				// differ by a few ulps.
				got := s.Eval(tensor.Scalar(int64(step))).Item()
				if !(math.Abs(got-want) <= 1e-12*math.Abs(want)+1e-300) {
					t.Errorf("Eval(%d) = %.17g, want %.17g", step, got, want)
				}
			}
		})
	}
}
