package nn_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Differential tests of the reshaping, activation and categorical layers against PyTorch and
// NumPy: testdata/extra_layers.json, written by testdata/gen_extra_layers.py.

type extraCase struct {
	Name         string          `json:"name"`
	Layer        string          `json:"layer"`
	Args         map[string]any  `json:"args"`
	Weights      []*oracleTensor `json:"weights"`
	Input        *oracleTensor   `json:"input"`
	Mask         *oracleTensor   `json:"mask"`
	CountWeights *oracleTensor   `json:"count_weights"`
	Adapt        []*oracleTensor `json:"adapt"`
	Boundaries   *oracleTensor   `json:"boundaries"`
	Output       *oracleTensor   `json:"output"`
}

func loadExtra(t *testing.T) []*extraCase {
	t.Helper()
	b, err := os.ReadFile("testdata/extra_layers.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []*extraCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func floats(v any) []float64 {
	var out []float64
	for _, x := range v.([]any) {
		out = append(out, x.(float64))
	}
	return out
}

// extraLayer constructs the float64 layer of a case.
func extraLayer(t *testing.T, c *extraCase) nn.Layer {
	t.Helper()
	a := c.Args
	f64 := nn.WithDType(dtype.Float64)
	var opts []nn.Option
	if s, ok := a["data_format"].(string); ok {
		opts = append(opts, nn.WithDataFormat(s))
	}
	num := func(k string) float64 { f, _ := a[k].(float64); return f }
	has := func(k string) bool { _, ok := a[k]; return ok }
	switch c.Layer {
	case "ZeroPadding1D":
		return nn.ZeroPadding1D(ints(a["padding"]), opts...)
	case "ZeroPadding2D":
		return nn.ZeroPadding2D(ints(a["padding"]), opts...)
	case "ZeroPadding3D":
		return nn.ZeroPadding3D(ints(a["padding"]), opts...)
	case "Cropping1D":
		return nn.Cropping1D(ints(a["cropping"]), opts...)
	case "Cropping2D":
		return nn.Cropping2D(ints(a["cropping"]), opts...)
	case "Cropping3D":
		return nn.Cropping3D(ints(a["cropping"]), opts...)
	case "UpSampling1D":
		return nn.UpSampling1D(ints(a["size"]))
	case "UpSampling2D":
		return nn.UpSampling2D(ints(a["size"]), append(opts, nn.WithInterpolation(a["interpolation"].(string)))...)
	case "UpSampling3D":
		return nn.UpSampling3D(ints(a["size"]), opts...)
	case "ReLU":
		opts = []nn.Option{f64}
		if has("max_value") {
			opts = append(opts, nn.WithMaxValue(num("max_value")))
		}
		if has("negative_slope") {
			opts = append(opts, nn.WithNegativeSlope(num("negative_slope")))
		}
		if has("threshold") {
			opts = append(opts, nn.WithThreshold(num("threshold")))
		}
		return nn.ReLU(opts...)
	case "LeakyReLU":
		if has("negative_slope") {
			return nn.LeakyReLU(f64, nn.WithNegativeSlope(num("negative_slope")))
		}
		return nn.LeakyReLU(f64)
	case "ELU":
		if has("alpha") {
			return nn.ELU(f64, nn.WithAlpha(num("alpha")))
		}
		return nn.ELU(f64)
	case "PReLU":
		if has("shared_axes") {
			return nn.PReLU(f64, nn.WithSharedAxes(ints(a["shared_axes"])...))
		}
		return nn.PReLU(f64)
	case "Softmax":
		if has("axis") {
			return nn.Softmax(f64, nn.WithAxis(ints(a["axis"])...))
		}
		return nn.Softmax(f64)
	case "CategoryEncoding":
		return nn.CategoryEncoding(int(num("num_tokens")), f64, nn.WithOutputMode(a["output_mode"].(string)))
	case "Discretization":
		if has("num_bins") {
			return nn.Discretization(nn.WithNumBins(int(num("num_bins"))), nn.WithEpsilon(num("epsilon")))
		}
		return nn.Discretization(nn.WithBinBoundaries(floats(a["bin_boundaries"])...))
	}
	t.Fatalf("unknown layer %s", c.Layer)
	return nil
}

// extraInputs returns the inputs of a case: float64, int64 ids, or float32 values.
func extraInputs(c *extraCase) []*tensor.Tensor {
	x := c.Input.tensor()
	switch c.Layer {
	case "CategoryEncoding":
		x = ops.Cast(x, dtype.Int64)
	case "Discretization":
		x = ops.Cast(x, dtype.Float32)
	}
	in := []*tensor.Tensor{x}
	if c.Mask != nil {
		in = append(in, c.Mask.tensor())
	}
	if c.CountWeights != nil {
		in = append(in, c.CountWeights.tensor())
	}
	return in
}

// TestExtraLayersOracle compares each layer with PyTorch's or NumPy's output, then runs it
// compiled with an unknown batch dimension and compares with the eager output.
func TestExtraLayersOracle(t *testing.T) {
	for _, c := range loadExtra(t) {
		t.Run(c.Name, func(t *testing.T) {
			l := extraLayer(t, c)
			in := extraInputs(c)
			if c.Adapt != nil {
				var data []*tensor.Tensor
				for _, b := range c.Adapt {
					data = append(data, ops.Cast(b.tensor(), dtype.Float32))
				}
				if err := l.(*nn.DiscretizationLayer).Adapt(data...); err != nil {
					t.Fatal(err)
				}
				got := tensor.FromSlice(l.(*nn.DiscretizationLayer).BinBoundaries(), len(c.Boundaries.Data))
				if !tensor.AllClose(got, c.Boundaries.tensor(), 0, 0) {
					t.Fatalf("boundaries %v, want %v", got, c.Boundaries.tensor())
				}
			}
			if c.Weights != nil {
				if err := nn.Build(l, in[0].Shape()); err != nil {
					t.Fatal(err)
				}
				var ws []*tensor.Tensor
				for _, w := range c.Weights {
					ws = append(ws, w.tensor())
				}
				if err := nn.SetWeights(l, ws...); err != nil {
					t.Fatal(err)
				}
			}
			got := l.Call(nn.Inference, in...)[0]
			want := c.Output.tensor()
			if !got.Shape().Equal(want.Shape()) {
				t.Fatalf("shape %v, want %v", got.Shape(), want.Shape())
			}
			if !tensor.AllClose(ops.Cast(got, dtype.Float64), want, 1e-12, 1e-12) {
				d, i := tensor.MaxDiff(ops.Cast(got, dtype.Float64), want)
				t.Fatalf("differs by %g at %d:\n%v\nwant\n%v", d, i, got, want)
			}
			specs := make([]core.Spec, len(in))
			for i, x := range in {
				s := append([]int{}, x.Shape()...)
				if len(s) > 1 || i == 0 && len(in) == 1 {
					s[0] = -1
				}
				specs[i] = core.Spec{DType: x.DType(), Shape: s}
			}
			if c.Mask != nil {
				specs[1].Shape[0] = c.Mask.Shape[0] // the mask's batch stays known; the logits' is not
			}
			fn := graph.Compile(func(xs ...*tensor.Tensor) []*tensor.Tensor { return l.Call(nn.Inference, xs...) },
				graph.InputSpecs(specs...))
			out, err := fn.Call(in...)
			if err != nil {
				t.Fatal(err)
			}
			if !tensor.AllClose(out[0], got, 1e-12, 1e-12) {
				t.Fatalf("compiled %v, eager %v", out[0], got)
			}
		})
	}
}

func TestReshapingGradients(t *testing.T) {
	x4 := ops.Cast(tensor.RandomNormal(7, 2, 3, 4, 2), dtype.Float64)
	x3 := ops.Cast(tensor.RandomNormal(8, 2, 5, 3), dtype.Float64)
	cases := []struct {
		name string
		l    nn.Layer
		x    *tensor.Tensor
	}{
		{"zero_padding2d", nn.ZeroPadding2D([]int{1, 0, 2, 1}), x4},
		{"cropping1d", nn.Cropping1D([]int{1, 2}), x3},
		{"cropping2d_cf", nn.Cropping2D([]int{1}, nn.WithDataFormat("channels_first")), ops.Cast(tensor.RandomNormal(9, 2, 2, 4, 5), dtype.Float64)},
		{"up_sampling1d", nn.UpSampling1D([]int{2}), x3},
		{"up_sampling2d_bilinear", nn.UpSampling2D([]int{2, 3}, nn.WithInterpolation("bilinear")), x4},
		{"up_sampling3d", nn.UpSampling3D(nil), ops.Cast(tensor.RandomNormal(10, 1, 2, 2, 2, 2), dtype.Float64)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := gradcheck.Check(func(xs []*tensor.Tensor) *tensor.Tensor { return nn.Apply(c.l, nn.Inference, xs[0]) },
				[]*tensor.Tensor{c.x}, gradcheck.Tolerance(1e-6, 1e-5))
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestReshapingShapes checks output specs with unknown dimensions and Keras's default arguments.
func TestReshapingShapes(t *testing.T) {
	cases := []struct {
		l        nn.Layer
		in, want []int
	}{
		{nn.ZeroPadding1D(nil), []int{-1, 5, 3}, []int{-1, 7, 3}},
		{nn.ZeroPadding2D(nil), []int{-1, -1, 4, 3}, []int{-1, -1, 6, 3}},
		{nn.ZeroPadding3D([]int{1, 2, 3}, nn.WithDataFormat("channels_first")), []int{-1, 2, 3, 3, 3}, []int{-1, 2, 5, 7, 9}},
		{nn.Cropping1D(nil), []int{-1, 5, 3}, []int{-1, 3, 3}},
		{nn.Cropping2D(nil), []int{-1, 5, 4, 3}, []int{-1, 5, 4, 3}},
		{nn.Cropping3D(nil), []int{-1, 5, 4, 3, 2}, []int{-1, 3, 2, 1, 2}},
		{nn.UpSampling1D(nil), []int{-1, 5, 3}, []int{-1, 10, 3}},
		{nn.UpSampling2D(nil), []int{-1, 5, 4, 3}, []int{-1, 10, 8, 3}},
		{nn.UpSampling2D([]int{2, 3}, nn.WithInterpolation("bilinear"), nn.WithDataFormat("channels_first")), []int{-1, 2, 5, 4}, []int{-1, 2, 10, 12}},
		{nn.UpSampling3D([]int{1, 2, 3}), []int{-1, 2, 2, 2, 1}, []int{-1, 2, 4, 6, 1}},
	}
	for _, c := range cases {
		specs, err := nn.OutputSpecs(c.l, nn.Inference, core.Spec{DType: dtype.Float32, Shape: c.in})
		if err != nil {
			t.Fatalf("%s: %v", c.l.Name(), err)
		}
		if !specs[0].Shape.Equal(c.want) {
			t.Errorf("%s: output %v, want %v", c.l.Name(), specs[0].Shape, c.want)
		}
	}
}

func TestReshapingErrors(t *testing.T) {
	for name, f := range map[string]func(){
		"negative_padding":    func() { nn.ZeroPadding2D([]int{-1}) },
		"padding_length":      func() { nn.ZeroPadding2D([]int{1, 2, 3}) },
		"data_format":         func() { nn.ZeroPadding1D(nil, nn.WithDataFormat("nhwc")) },
		"negative_cropping":   func() { nn.Cropping1D([]int{-1, 0}) },
		"size_zero":           func() { nn.UpSampling2D([]int{0}) },
		"size_length":         func() { nn.UpSampling3D([]int{1, 2}) },
		"interpolation":       func() { nn.UpSampling2D(nil, nn.WithInterpolation("lanczos3")) },
		"interpolation_on_3d": func() { nn.UpSampling3D(nil, nn.WithInterpolation("bilinear")) },
		"data_format_on_1d":   func() { nn.UpSampling1D(nil, nn.WithDataFormat("channels_first")) },
		"rank":                func() { nn.Apply(nn.ZeroPadding2D(nil), nn.Inference, tensor.Zeros(dtype.Float32, 2, 3, 3)) },
		"crop_everything":     func() { nn.Apply(nn.Cropping1D([]int{2, 3}), nn.Inference, tensor.Zeros(dtype.Float32, 1, 5, 2)) },
		"bilinear_ints": func() {
			nn.Apply(nn.UpSampling2D(nil, nn.WithInterpolation("bilinear")), nn.Inference, tensor.Zeros(dtype.Int64, 1, 2, 2, 1))
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := core.Catch(f)
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("got %v (%T), want a *core.Error", err, err)
			}
			t.Log(err)
		})
	}
}

func TestReshapingConfig(t *testing.T) {
	check := func(l nn.Layer, key string, want any) {
		t.Helper()
		got, _ := json.Marshal(l.Config()[key])
		w, _ := json.Marshal(want)
		if string(got) != string(w) {
			t.Errorf("%s: %s = %s, want %s", l.Name(), key, got, w)
		}
	}
	check(nn.ZeroPadding1D(nil), "padding", []int{1, 1})
	check(nn.ZeroPadding2D([]int{1, 2}), "padding", [][]int{{1, 1}, {2, 2}})
	check(nn.ZeroPadding3D(nil), "data_format", "channels_last")
	check(nn.Cropping2D([]int{1, 2, 3, 4}), "cropping", [][]int{{1, 2}, {3, 4}})
	check(nn.Cropping1D(nil), "cropping", []int{1, 1})
	check(nn.UpSampling1D(nil), "size", 2)
	check(nn.UpSampling2D(nil), "size", []int{2, 2})
	check(nn.UpSampling2D(nil), "interpolation", "nearest")
	check(nn.UpSampling3D([]int{3}), "size", []int{3, 3, 3})
	if n := nn.UpSampling2D(nil).Name(); n != "up_sampling2d" {
		t.Errorf("name %q", n)
	}
}
