package nn_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/nn/regularizers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// actInput returns float64 values away from the kinks at 0, 0.5 and 1 of the rectifiers.
func actInput(seed uint64, dims ...int) *tensor.Tensor {
	x := ops.MulScalar(ops.Cast(tensor.RandomNormal(seed, dims...), dtype.Float64), 3)
	near := ops.Less(ops.Abs(ops.Sub(ops.MulScalar(x, 2), ops.Round(ops.MulScalar(x, 2)))), ops.FullLike(x, 0.02))
	return ops.Where(near, ops.AddScalar(x, 0.05), x)
}

func TestActivationLayerGradients(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	x := actInput(3, 3, 4, 5)
	cases := []struct {
		name string
		l    nn.Layer
	}{
		{"relu_all", nn.ReLU(f64, nn.WithMaxValue(4), nn.WithNegativeSlope(0.1), nn.WithThreshold(0.5))},
		{"leaky_relu", nn.LeakyReLU(f64)},
		{"elu", nn.ELU(f64, nn.WithAlpha(0.7))},
		{"softmax_axes", nn.Softmax(f64, nn.WithAxis(1, 2))},
		{"prelu", nn.PReLU(f64, nn.WithSharedAxes(1), nn.WithAlphaInitializer(initializers.Constant(0.25)))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := gradcheck.Check(func(xs []*tensor.Tensor) *tensor.Tensor { return nn.Apply(c.l, nn.Inference, xs[0]) },
				[]*tensor.Tensor{x}, gradcheck.Tolerance(1e-6, 1e-5))
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	// PReLU's alpha: the gradient is Σ min(x, 0) over the shared positions.
	l := cases[4].l.(*nn.PReLULayer)
	g := autodiff.GradVariables(ops.Sum(nn.Apply(l, nn.Inference, x)), l.Alpha())[0]
	want := ops.SumKeepDims(ops.Minimum(x, ops.ZerosLike(x)), 0, 1)
	if !tensor.AllClose(g, ops.Squeeze(want, 0), 1e-12, 1e-12) {
		t.Fatalf("alpha gradient %v, want %v", g, want)
	}
}

func TestPReLUWeights(t *testing.T) {
	l := nn.PReLU(nn.WithSharedAxes(1, 2), nn.WithAlphaRegularizer(regularizers.L2(0.5)),
		nn.WithAlphaInitializer(initializers.Constant(0.25)))
	if err := nn.Build(l, []int{-1, 8, 8, 3}); err != nil {
		t.Fatal(err)
	}
	if n := nn.CountParams(l); n != 3 {
		t.Fatalf("%d params, want 3 (one per channel)", n)
	}
	if s := l.Weights()[0].Name(); s != "p_re_lu/alpha" {
		t.Fatalf("weight %q", s)
	}
	if loss := l.Losses()[0].Item(); math.Abs(loss-0.5*3*0.0625) > 1e-7 {
		t.Fatalf("regularization %v", loss)
	}
	full := nn.PReLU()
	if err := nn.Build(full, []int{-1, 4, 5}); err != nil {
		t.Fatal(err)
	}
	if n := nn.CountParams(full); n != 20 {
		t.Fatalf("%d params, want 20", n)
	}
	if err := nn.Build(nn.PReLU(), []int{-1, -1, 5}); err == nil {
		t.Fatal("an unknown unshared dimension should fail")
	}
	if err := nn.Build(nn.PReLU(nn.WithSharedAxes(1)), []int{-1, -1, 5}); err != nil {
		t.Fatalf("an unknown shared dimension: %v", err)
	}
}

func TestActivationLayerErrors(t *testing.T) {
	for name, f := range map[string]func(){
		"relu_max":       func() { nn.ReLU(nn.WithMaxValue(-1)) },
		"relu_slope":     func() { nn.ReLU(nn.WithNegativeSlope(-0.1)) },
		"relu_threshold": func() { nn.ReLU(nn.WithThreshold(-1)) },
		"leaky_slope":    func() { nn.LeakyReLU(nn.WithNegativeSlope(math.NaN())) },
		"elu_alpha":      func() { nn.ELU(nn.WithAlpha(math.Inf(1))) },
		"prelu_axis":     func() { nn.PReLU(nn.WithSharedAxes(0)) },
		"prelu_range":    func() { nn.Apply(nn.PReLU(nn.WithSharedAxes(3)), nn.Inference, tensor.Zeros(dtype.Float32, 2, 3)) },
		"softmax_axis":   func() { nn.Apply(nn.Softmax(nn.WithAxis(2)), nn.Inference, tensor.Zeros(dtype.Float32, 2, 3)) },
		"softmax_inputs": func() { nn.Softmax().Call(nn.Inference) },
		"wrong_option":   func() { nn.ReLU(nn.WithAlpha(1)) },
		"int_dtype":      func() { nn.ReLU(nn.WithDType(dtype.Int32)).Call(nn.Inference, tensor.Zeros(dtype.Int32, 2)) },
	} {
		t.Run(name, func(t *testing.T) {
			err := core.Catch(f)
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("got %v (%T), want a *core.Error", err, err)
			}
		})
	}
}

func TestActivationLayerConfig(t *testing.T) {
	cases := []struct {
		l    nn.Layer
		name string
		want map[string]any
	}{
		{nn.ReLU(), "re_lu", map[string]any{"max_value": nil, "negative_slope": 0.0, "threshold": 0.0}},
		{nn.ReLU(nn.WithMaxValue(6)), "re_lu", map[string]any{"max_value": 6.0}},
		{nn.LeakyReLU(), "leaky_re_lu", map[string]any{"negative_slope": 0.3}},
		{nn.PReLU(), "p_re_lu", map[string]any{"shared_axes": nil, "alpha_regularizer": nil, "alpha_constraint": nil}},
		{nn.PReLU(nn.WithSharedAxes(1, 2)), "p_re_lu", map[string]any{"shared_axes": []any{1.0, 2.0}}},
		{nn.ELU(), "elu", map[string]any{"alpha": 1.0}},
		{nn.Softmax(), "softmax", map[string]any{"axis": -1.0}},
		{nn.Softmax(nn.WithAxis(1, 2)), "softmax", map[string]any{"axis": []any{1.0, 2.0}}},
		{nn.Identity(), "identity", map[string]any{"trainable": true}},
	}
	for _, c := range cases {
		if c.l.Name() != c.name {
			t.Errorf("name %q, want %q", c.l.Name(), c.name)
		}
		b, _ := json.Marshal(c.l.Config())
		var got map[string]any
		json.Unmarshal(b, &got)
		for k, v := range c.want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Errorf("%s: %s = %v, want %v", c.name, k, got[k], v)
			}
		}
	}
	if c := nn.PReLU().Config()["alpha_initializer"]; c == nil {
		t.Error("PReLU config lacks alpha_initializer")
	}
}

func TestIdentityAndMasking(t *testing.T) {
	x := tensor.FromSlice([]float32{1, -2, 3}, 1, 3)
	if y := nn.Apply(nn.Identity(), nn.Training, x); y != x {
		t.Fatal("Identity should return its input")
	}
	for _, l := range []nn.Layer{nn.ReLU(), nn.LeakyReLU(), nn.PReLU(), nn.ELU(), nn.Softmax(), nn.Identity(),
		nn.SpatialDropout1D(0.5), nn.GaussianNoise(0.1), nn.GaussianDropout(0.1), nn.AlphaDropout(0.1),
		nn.ActivityRegularization(0.1, 0)} {
		if m, ok := l.(nn.MaskPropagator); !ok || !m.SupportsMasking() {
			t.Errorf("%s does not propagate masks", l.Name())
		}
	}
}

// TestSoftmaxCallMasked checks Softmax's use of the mask flowing from earlier layers: a mask of
// the logits' rank equals the explicit mask input, a [batch, time] mask on [batch, time, 1]
// logits normalised over time zeroes the padded steps, one that does not reach the softmax axis
// changes nothing, an explicit mask input wins, and the output keeps the mask.
func TestSoftmaxCallMasked(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	x := actInput(1, 2, 4)
	mask := tensor.FromSlice([]bool{true, true, false, true, true, false, false, false}, 2, 4)
	sm := nn.Softmax(f64)
	got := sm.CallMasked(nn.Inference, []*tensor.Tensor{mask}, x)[0]
	if want := sm.Call(nn.Inference, x, mask)[0]; !tensor.AllClose(got, want, 0, 0) {
		t.Errorf("propagated mask %v, explicit %v", got, want)
	}
	// Row 0: the softmax of steps 0, 1 and 3 only; step 2 gets 0.
	v := x.Float64s()
	e := []float64{math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[3])}
	sum := e[0] + e[1] + e[2]
	want0 := []float64{e[0] / sum, e[1] / sum, 0, e[2] / sum}
	if !tensor.AllClose(ops.SliceAxis(got, 0, 0, 1, 1), tensor.FromSlice(want0, 1, 4), 1e-12, 1e-12) {
		t.Errorf("row 0 %v, want %v", ops.SliceAxis(got, 0, 0, 1, 1), want0)
	}
	// [batch, time] mask, logits [batch, time, 1] normalised over time (attention pooling).
	over := nn.Softmax(f64, nn.WithAxis(1))
	col := over.CallMasked(nn.Inference, []*tensor.Tensor{mask}, ops.Unsqueeze(x, -1))[0]
	if !tensor.AllClose(ops.Squeeze(col, -1), got, 1e-12, 1e-12) {
		t.Errorf("time softmax with a [batch, time] mask %v, want %v", col, got)
	}
	// A [batch, time] mask on [batch, time, classes] logits normalised over classes: unchanged.
	x3 := actInput(2, 2, 4, 3)
	if y := sm.CallMasked(nn.Inference, []*tensor.Tensor{mask}, x3)[0]; !tensor.AllClose(y, sm.Call(nn.Inference, x3)[0], 0, 0) {
		t.Error("a mask that does not reach the softmax axis changes the result")
	}
	// An explicit mask input wins over the propagated one.
	all := tensor.Ones(dtype.Bool, 2, 4)
	if y := sm.CallMasked(nn.Inference, []*tensor.Tensor{all, nil}, x, mask)[0]; !tensor.AllClose(y, got, 0, 0) {
		t.Error("the explicit mask input does not win")
	}
	if m := sm.OutputMask([]*tensor.Tensor{mask}, x); m != mask {
		t.Error("Softmax does not keep the mask")
	}
	err := core.Catch(func() { sm.CallMasked(nn.Inference, []*tensor.Tensor{tensor.Ones(dtype.Bool, 2, 5)}, x) })
	if err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("mismatched mask: %v", err)
	}
}

// ExampleReLU shows ReLU's three arguments: values above the threshold pass (capped at
// max_value), the others get negative_slope·(x − threshold).
func ExampleReLU() {
	relu := nn.ReLU(nn.WithMaxValue(2), nn.WithNegativeSlope(0.5), nn.WithThreshold(1))
	x := tensor.FromSlice([]float32{-1, 0, 1, 1.5, 3}, 1, 5)
	fmt.Println(nn.Apply(relu, nn.Inference, x))
	// Output:
	// [[-1.  -0.5  0.   1.5  2. ]]
}
