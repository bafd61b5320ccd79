package metrics_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/metrics"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The scikit-learn fixtures: testdata/metrics.json, written by testdata/gen_metrics.py (see
// testdata/README), streams each case's data in several weighted batches and holds Keras's
// result ("want") and scikit-learn's on the concatenated data ("sklearn", within "sklearn_tol").

type fixtureFile struct {
	SKLearn string         `json:"sklearn"`
	Cases   []*fixtureCase `json:"cases"`
}

type fixtureCase struct {
	Name       string         `json:"name"`
	Metric     string         `json:"metric"`
	Options    map[string]any `json:"options"`
	Batches    []batch        `json:"batches"`
	Want       *jsonTensor    `json:"want"`
	SKLearn    *jsonTensor    `json:"sklearn"`
	SKLearnTol float64        `json:"sklearn_tol"`
	Info       map[string]any `json:"info"`
}

type batch struct {
	YTrue        *jsonTensor `json:"y_true"`
	YPred        *jsonTensor `json:"y_pred"`
	SampleWeight *jsonTensor `json:"sample_weight"`
}

type jsonTensor struct {
	DType string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// tensor returns j as a tensor; floats become dt.
func (j *jsonTensor) tensor(dt dtype.DType) *tensor.Tensor {
	if j == nil {
		return nil
	}
	if j.DType == "int64" {
		dt = dtype.Int64
	}
	out := tensor.New(dt, j.Shape)
	tensor.Convert(out, tensor.FromSlice(j.Data, j.Shape...))
	return out
}

func metricOptions(t *testing.T, m map[string]any) []metrics.Option {
	var opts []metrics.Option
	floats := func(v any) []float64 {
		var out []float64
		for _, x := range v.([]any) {
			out = append(out, x.(float64))
		}
		return out
	}
	for k, v := range m {
		switch k {
		case "threshold":
			opts = append(opts, metrics.Threshold(v.(float64)))
		case "thresholds":
			opts = append(opts, metrics.Thresholds(floats(v)...))
		case "top_k":
			opts = append(opts, metrics.TopK(int(v.(float64))))
		case "class_id":
			opts = append(opts, metrics.ClassID(int(v.(float64))))
		case "k":
			opts = append(opts, metrics.K(int(v.(float64))))
		case "num_thresholds":
			opts = append(opts, metrics.NumThresholds(int(v.(float64))))
		case "curve":
			opts = append(opts, metrics.WithCurve(metrics.Curve(v.(string))))
		case "summation_method":
			opts = append(opts, metrics.WithSummation(metrics.Summation(v.(string))))
		case "from_logits":
			opts = append(opts, metrics.FromLogits())
		case "multi_label":
			opts = append(opts, metrics.MultiLabel())
		case "label_weights":
			opts = append(opts, metrics.LabelWeights(floats(v)...))
		case "average":
			opts = append(opts, metrics.WithAverage(metrics.Average(v.(string))))
		case "beta":
			opts = append(opts, metrics.Beta(v.(float64)))
		case "ignore_class":
			opts = append(opts, metrics.IgnoreClass(int(v.(float64))))
		case "sparse_y_true":
			opts = append(opts, metrics.DenseTargets())
		case "sparse_y_pred":
			opts = append(opts, metrics.DensePredictions())
		case "num_classes":
		default:
			t.Fatalf("unknown option %q", k)
		}
	}
	return opts
}

// confusionSum accumulates metrics.ConfusionMatrix over batches, as a Metric.
type confusionSum struct {
	n  int
	cm *tensor.Tensor
}

func (c *confusionSum) Update(yTrue, yPred, w *tensor.Tensor) {
	m := metrics.ConfusionMatrix(yTrue, yPred, c.n, w)
	if c.cm == nil {
		c.cm = m
	} else {
		c.cm = ops.Add(c.cm, m)
	}
}

func (c *confusionSum) Result() *tensor.Tensor { return c.cm }
func (c *confusionSum) Reset()                 { c.cm = nil }

type streamed interface {
	Update(yTrue, yPred, sampleWeight *tensor.Tensor)
	Result() *tensor.Tensor
	Reset()
}

func build(t *testing.T, c *fixtureCase, dt dtype.DType, extra ...metrics.Option) streamed {
	opts := append(metricOptions(t, c.Options), metrics.WithDType(dt))
	opts = append(opts, extra...)
	switch c.Metric {
	case "confusion_matrix":
		return &confusionSum{n: int(c.Options["num_classes"].(float64))}
	case "mean_io_u":
		return metrics.MeanIoU(int(c.Options["num_classes"].(float64)), opts...)
	}
	m, err := metrics.Get(c.Metric, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func stream(m streamed, c *fixtureCase, dt dtype.DType) *tensor.Tensor {
	for _, b := range c.Batches {
		m.Update(b.YTrue.tensor(dt), b.YPred.tensor(dt), b.SampleWeight.tensor(dt))
	}
	return m.Result()
}

// within reports the first element where got and want differ by more than tol·(1 + |want|).
func within(got, want *tensor.Tensor, tol float64) error {
	g, w := got.Float64s(), want.Float64s()
	if len(g) != len(w) {
		return fmt.Errorf("got %d values %v, want %d", len(g), g, len(w))
	}
	for i := range w {
		if d := math.Abs(g[i] - w[i]); !(d <= tol*(1+math.Abs(w[i]))) {
			return fmt.Errorf("element %d: got %.12g, want %.12g (diff %.3g, tolerance %.3g)", i, g[i], w[i], d, tol)
		}
	}
	return nil
}

func TestStreamedAgainstSKLearn(t *testing.T) {
	b, err := os.ReadFile("testdata/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 60 {
		t.Fatalf("only %d cases", len(f.Cases))
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			m := build(t, c, dtype.Float64)
			got := stream(m, c, dtype.Float64)
			if err := within(got, c.Want.tensor(dtype.Float64), 1e-9); err != nil {
				t.Errorf("Keras's result: %v", err)
			}
			if c.SKLearn != nil {
				if err := within(got, c.SKLearn.tensor(dtype.Float64), c.SKLearnTol); err != nil {
					t.Errorf("scikit-learn: %v", err)
				}
			}
			if ap, ok := c.Info["sklearn_average_precision"]; ok {
				t.Logf("PR AUC %.6f, scikit-learn's average precision %.6f", got.Item(), ap)
			}
			// Reset starts over.
			m.Reset()
			if again := stream(m, c, dtype.Float64); !tensor.Equal(again, got) {
				t.Errorf("after Reset: %v, first time %v", again, got)
			}
			// The default float32 state agrees to float32 precision.
			m32 := build(t, c, dtype.Float32)
			if err := within(stream(m32, c, dtype.Float32), c.Want.tensor(dtype.Float64), 1e-4); err != nil {
				t.Errorf("float32: %v", err)
			}
		})
	}
}

// TestROCBetweenRiemannBounds checks that the exact ROC AUC lies between Keras's minoring and
// majoring sums, which bound it for any monotone curve between the thresholds.
func TestROCBetweenRiemannBounds(t *testing.T) {
	b, err := os.ReadFile("testdata/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range f.Cases {
		if c.Metric != "auc" || c.SKLearn == nil || c.Options["multi_label"] != nil {
			continue
		}
		n++
		exact := c.SKLearn.Data[0]
		lo := stream(build(t, c, dtype.Float64, metrics.WithSummation(metrics.Minoring)), c, dtype.Float64).Item()
		hi := stream(build(t, c, dtype.Float64, metrics.WithSummation(metrics.Majoring)), c, dtype.Float64).Item()
		if !(lo <= exact+1e-12 && exact <= hi+1e-12) {
			t.Errorf("%s: exact AUC %v outside [%v, %v]", c.Name, exact, lo, hi)
		}
	}
	if n < 3 {
		t.Fatalf("only %d ROC cases", n)
	}
}
