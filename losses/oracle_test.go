package losses_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/tensor"
)

// The PyTorch oracle: testdata/losses.json, written by testdata/gen_losses.py (see
// testdata/README), holds for each case the per-sample losses, every reduction, and gradients.

type oracleFile struct {
	Torch string        `json:"torch"`
	Cases []*oracleCase `json:"cases"`
}

type oracleCase struct {
	Name         string                 `json:"name"`
	Loss         string                 `json:"loss"`
	Options      map[string]any         `json:"options"`
	YTrue        *jsonTensor            `json:"y_true"`
	YPred        *jsonTensor            `json:"y_pred"`
	SampleWeight *jsonTensor            `json:"sample_weight"`
	LabelLengths *jsonTensor            `json:"label_lengths"`
	LogitLengths *jsonTensor            `json:"logit_lengths"`
	None         *jsonTensor            `json:"none"`
	Reduced      map[string]*jsonTensor `json:"reduced"`
	DY           *jsonTensor            `json:"dy"`
	Grad         *jsonTensor            `json:"grad"`
	GradReduced  *jsonTensor            `json:"grad_reduced"`
}

// jsonTensor is a tensor as the generators write it: floats as numbers or "nan", "inf", "-inf".
type jsonTensor struct {
	DType string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []jsonNum `json:"data"`
}

type jsonNum float64

func (n *jsonNum) UnmarshalJSON(b []byte) error {
	switch s := strings.Trim(string(b), `"`); s {
	case "nan":
		*n = jsonNum(math.NaN())
	case "inf":
		*n = jsonNum(math.Inf(1))
	case "-inf":
		*n = jsonNum(math.Inf(-1))
	default:
		f, err := strconv.ParseFloat(s, 64)
		*n = jsonNum(f)
		return err
	}
	return nil
}

func (j *jsonTensor) tensor(t *testing.T) *tensor.Tensor {
	t.Helper()
	if j == nil {
		return nil
	}
	dt, err := dtype.Parse(j.DType)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(j.Data))
	for i, x := range j.Data {
		v[i] = float64(x)
	}
	out := tensor.New(dt, j.Shape)
	tensor.Convert(out, tensor.FromSlice(v, j.Shape...))
	return out
}

func loadOracle(t *testing.T, path string) *oracleFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f oracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// options turns the generator's Keras-named options into Tide options.
func options(t *testing.T, m map[string]any) []losses.Option {
	var opts []losses.Option
	for k, v := range m {
		switch k {
		case "from_logits":
			if v.(bool) {
				opts = append(opts, losses.FromLogits())
			}
		case "label_smoothing":
			opts = append(opts, losses.LabelSmoothing(v.(float64)))
		case "axis":
			opts = append(opts, losses.Axis(int(v.(float64))))
		case "delta":
			opts = append(opts, losses.Delta(v.(float64)))
		case "ignore_class":
			opts = append(opts, losses.IgnoreClass(int(v.(float64))))
		case "alpha":
			opts = append(opts, losses.Alpha(v.(float64)))
		case "gamma":
			opts = append(opts, losses.Gamma(v.(float64)))
		case "apply_class_balancing":
			if v.(bool) {
				opts = append(opts, losses.ClassBalancing())
			}
		case "blank":
			opts = append(opts, losses.Blank(int(v.(float64))))
		case "zero_infinity":
			if v.(bool) {
				opts = append(opts, losses.ZeroInfinity())
			}
		default:
			t.Fatalf("unknown option %q", k)
		}
	}
	return opts
}

// closeTo reports the first element where got and want differ by more than tol·(1 + |want|).
func closeTo(got, want *tensor.Tensor, tol float64) error {
	if !got.Shape().Equal(want.Shape()) {
		return fmt.Errorf("shape %v, want %v", got.Shape(), want.Shape())
	}
	g, w := got.Float64s(), want.Float64s()
	for i := range w {
		if math.IsInf(w[i], 0) || math.IsNaN(w[i]) {
			if g[i] != w[i] && !(math.IsNaN(g[i]) && math.IsNaN(w[i])) {
				return fmt.Errorf("element %d: got %v, want %v", i, g[i], w[i])
			}
			continue
		}
		if d := math.Abs(g[i] - w[i]); !(d <= tol*(1+math.Abs(w[i]))) {
			return fmt.Errorf("element %d: got %.17g, want %.17g (diff %.3g)", i, g[i], w[i], d)
		}
	}
	return nil
}

func TestOracle(t *testing.T) {
	f := loadOracle(t, "testdata/losses.json")
	if len(f.Cases) < 50 {
		t.Fatalf("only %d cases", len(f.Cases))
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			yTrue, sw := c.YTrue.tensor(t), c.SampleWeight.tensor(t)
			yPred := autodiff.Watch(c.YPred.tensor(t))
			opts := options(t, c.Options)
			var call, compute func(r losses.Reduction) *tensor.Tensor
			if c.Loss == "ctc_loss" {
				blank, _ := c.Options["blank"].(float64)
				call = func(losses.Reduction) *tensor.Tensor {
					return losses.CTCLoss(yTrue, yPred, c.LabelLengths.tensor(t), c.LogitLengths.tensor(t), int(blank), false)
				}
				compute = func(r losses.Reduction) *tensor.Tensor {
					return losses.NewFunc("ctc_loss", func(yt, yp *tensor.Tensor) *tensor.Tensor {
						return losses.CTCLoss(yt, yp, c.LabelLengths.tensor(t), c.LogitLengths.tensor(t), int(blank), false)
					}, losses.WithReduction(r)).Compute(yTrue, yPred, sw)
				}
			} else {
				l, err := losses.Get(c.Loss, opts...)
				if err != nil {
					t.Fatal(err)
				}
				call = func(losses.Reduction) *tensor.Tensor { return l.Call(yTrue, yPred) }
				compute = func(r losses.Reduction) *tensor.Tensor {
					l, _ := losses.Get(c.Loss, append(opts, losses.WithReduction(r))...)
					return l.Compute(yTrue, yPred, sw)
				}
			}
			const tol = 1e-10
			none := call(losses.None)
			if err := closeTo(none.Detach(), c.None.tensor(t), tol); err != nil {
				t.Errorf("per-sample losses: %v", err)
			}
			for r, want := range c.Reduced {
				if err := closeTo(compute(losses.Reduction(r)).Detach(), want.tensor(t), tol); err != nil {
					t.Errorf("reduction %s: %v", r, err)
				}
			}
			g := autodiff.VJP(none, c.DY.tensor(t), yPred)[0]
			if err := closeTo(g, c.Grad.tensor(t), 1e-9); err != nil {
				t.Errorf("vector-Jacobian product: %v", err)
			}
			g = autodiff.Grad(compute(losses.SumOverBatchSize), yPred)[0]
			if err := closeTo(g, c.GradReduced.tensor(t), 1e-9); err != nil {
				t.Errorf("gradient of the reduced loss: %v", err)
			}
		})
	}
}
