package nn_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Differential test against PyTorch: testdata/layers.json holds, per case, a layer's Keras
// arguments, its weights in Keras's layouts, an input and the output PyTorch computes (see
// testdata/gen_layers.py). The layers run in float64, so the tolerance is a few ulps of sums.

type oracleTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (o *oracleTensor) tensor() *tensor.Tensor { return tensor.FromSlice(o.Data, o.Shape...) }

type oracleCase struct {
	Name     string          `json:"name"`
	Layer    string          `json:"layer"`
	Args     map[string]any  `json:"args"`
	Weights  []*oracleTensor `json:"weights"`
	Input    *oracleTensor   `json:"input"`
	Training bool            `json:"training"`
	Output   *oracleTensor   `json:"output"`
	After    []*oracleTensor `json:"after"`
}

func loadOracle(t *testing.T) []*oracleCase {
	t.Helper()
	b, err := os.ReadFile("testdata/layers.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []*oracleCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func ints(v any) []int {
	switch v := v.(type) {
	case float64:
		return []int{int(v)}
	case []any:
		out := make([]int, len(v))
		for i, x := range v {
			out[i] = int(x.(float64))
		}
		return out
	}
	return nil
}

// oracleLayer constructs the layer a case describes, in float64.
func oracleLayer(t *testing.T, c *oracleCase) nn.Layer {
	a := c.Args
	opts := []nn.Option{nn.WithDType(dtype.Float64)}
	str := func(k string) string { s, _ := a[k].(string); return s }
	num := func(k string) int { f, _ := a[k].(float64); return int(f) }
	if _, ok := a["strides"]; ok {
		opts = append(opts, nn.WithStrides(num("strides")))
	}
	if s := str("padding"); s != "" {
		opts = append(opts, nn.WithPadding(s))
	}
	if s := str("data_format"); s != "" {
		opts = append(opts, nn.WithDataFormat(s))
	}
	if s := str("activation"); s != "" {
		opts = append(opts, nn.WithActivation(s))
	}
	if _, ok := a["dilation_rate"]; ok {
		opts = append(opts, nn.WithDilation(num("dilation_rate")))
	}
	if _, ok := a["output_padding"]; ok {
		opts = append(opts, nn.WithOutputPadding(num("output_padding")))
	}
	if _, ok := a["depth_multiplier"]; ok {
		opts = append(opts, nn.WithDepthMultiplier(num("depth_multiplier")))
	}
	if g := num("groups"); g > 1 {
		opts = append(opts, nn.WithGroups(g))
	}
	if k, ok := a["keepdims"].(bool); ok {
		opts = append(opts, nn.WithKeepDims(k))
	}
	if ax, ok := a["axis"]; ok {
		opts = append(opts, nn.WithAxis(ints(ax)...))
	}
	filters, k, pool := num("filters"), num("kernel_size"), num("pool_size")
	constructors := map[string]func() nn.Layer{
		"Dense":                  func() nn.Layer { return nn.Dense(num("units"), opts...) },
		"Conv1D":                 func() nn.Layer { return nn.Conv1D(filters, k, opts...) },
		"Conv2D":                 func() nn.Layer { return nn.Conv2D(filters, k, opts...) },
		"Conv3D":                 func() nn.Layer { return nn.Conv3D(filters, k, opts...) },
		"Conv1DTranspose":        func() nn.Layer { return nn.Conv1DTranspose(filters, k, opts...) },
		"Conv2DTranspose":        func() nn.Layer { return nn.Conv2DTranspose(filters, k, opts...) },
		"Conv3DTranspose":        func() nn.Layer { return nn.Conv3DTranspose(filters, k, opts...) },
		"DepthwiseConv1D":        func() nn.Layer { return nn.DepthwiseConv1D(k, opts...) },
		"DepthwiseConv2D":        func() nn.Layer { return nn.DepthwiseConv2D(k, opts...) },
		"SeparableConv1D":        func() nn.Layer { return nn.SeparableConv1D(filters, k, opts...) },
		"SeparableConv2D":        func() nn.Layer { return nn.SeparableConv2D(filters, k, opts...) },
		"MaxPooling1D":           func() nn.Layer { return nn.MaxPooling1D(pool, opts...) },
		"MaxPooling2D":           func() nn.Layer { return nn.MaxPooling2D(pool, opts...) },
		"MaxPooling3D":           func() nn.Layer { return nn.MaxPooling3D(pool, opts...) },
		"AveragePooling1D":       func() nn.Layer { return nn.AveragePooling1D(pool, opts...) },
		"AveragePooling2D":       func() nn.Layer { return nn.AveragePooling2D(pool, opts...) },
		"AveragePooling3D":       func() nn.Layer { return nn.AveragePooling3D(pool, opts...) },
		"GlobalMaxPooling1D":     func() nn.Layer { return nn.GlobalMaxPooling1D(opts...) },
		"GlobalMaxPooling3D":     func() nn.Layer { return nn.GlobalMaxPooling3D(opts...) },
		"GlobalAveragePooling2D": func() nn.Layer { return nn.GlobalAveragePooling2D(opts...) },
		"BatchNormalization":     func() nn.Layer { return nn.BatchNormalization(opts...) },
		"LayerNormalization":     func() nn.Layer { return nn.LayerNormalization(opts...) },
		"GroupNormalization":     func() nn.Layer { return nn.GroupNormalization(num("groups"), opts...) },
		"UnitNormalization":      func() nn.Layer { return nn.UnitNormalization(opts...) },
	}
	if c.Layer == "GroupNormalization" {
		opts = opts[:len(opts)-1] // groups is the constructor's argument
	}
	mk, ok := constructors[c.Layer]
	if !ok {
		t.Fatalf("no constructor for %s", c.Layer)
	}
	return mk()
}

func TestAgainstPyTorch(t *testing.T) {
	for _, c := range loadOracle(t) {
		t.Run(c.Name, func(t *testing.T) {
			l := oracleLayer(t, c)
			x := c.Input.tensor()
			if err := nn.Build(l, shape.Shape(x.Shape())); err != nil {
				t.Fatal(err)
			}
			ws := make([]*tensor.Tensor, len(c.Weights))
			for i, w := range c.Weights {
				ws[i] = w.tensor()
			}
			if err := nn.SetWeights(l, ws...); err != nil {
				t.Fatal(err)
			}
			got := nn.Apply(l, nn.Context{Training: c.Training}, x)
			want := c.Output.tensor()
			if !got.Shape().Equal(want.Shape()) {
				t.Fatalf("output shape %v, want %v", got.Shape(), want.Shape())
			}
			if d, i := tensor.MaxDiff(got.Detach(), want); !tensor.AllClose(got.Detach(), want, 1e-10, 1e-10) {
				t.Fatalf("output differs from PyTorch by %g at %d", d, i)
			}
			for i, w := range c.After {
				if got := l.Weights()[i].Value().Detach(); !tensor.AllClose(got, w.tensor(), 1e-10, 1e-10) {
					t.Errorf("weight %s after the call: %v, want %v", l.Weights()[i].Name(), got, w.tensor())
				}
			}
		})
	}
}
