package activations_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/nn/activations"
	"github.com/tideml/tide/tensor"
)

// TestNames checks every activation against its formula at a few points.
func TestNames(t *testing.T) {
	xs := []float64{-3, -0.5, 0, 0.7, 2.5}
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	sp := func(x float64) float64 { return math.Log1p(math.Exp(x)) }
	elementwise := map[string]func(float64) float64{
		"linear":  func(x float64) float64 { return x },
		"relu":    func(x float64) float64 { return math.Max(x, 0) },
		"relu6":   func(x float64) float64 { return math.Min(math.Max(x, 0), 6) },
		"sigmoid": sig,
		"tanh":    math.Tanh,
		"gelu":    func(x float64) float64 { return x / 2 * (1 + math.Erf(x/math.Sqrt2)) },
		"swish":   func(x float64) float64 { return x * sig(x) },
		"silu":    func(x float64) float64 { return x * sig(x) },
		"elu":     func(x float64) float64 { return map[bool]float64{true: x, false: math.Expm1(x)}[x > 0] },
		"selu": func(x float64) float64 {
			return 1.0507009873554805 * map[bool]float64{true: x, false: 1.6732632423543772 * math.Expm1(x)}[x > 0]
		},
		"softplus":     sp,
		"softsign":     func(x float64) float64 { return x / (1 + math.Abs(x)) },
		"leaky_relu":   func(x float64) float64 { return map[bool]float64{true: x, false: 0.2 * x}[x > 0] },
		"hard_sigmoid": func(x float64) float64 { return math.Min(math.Max(x+3, 0), 6) / 6 },
		"hard_silu":    func(x float64) float64 { return x * math.Min(math.Max(x+3, 0), 6) / 6 },
		"exponential":  math.Exp,
		"mish":         func(x float64) float64 { return x * math.Tanh(sp(x)) },
	}
	in := tensor.FromSlice(xs)
	for name, f := range elementwise {
		got := activations.MustGet(name)(in)
		for i, x := range xs {
			if d := got.At(i) - f(x); math.Abs(d) > 1e-12 {
				t.Errorf("%s(%v) = %v, want %v", name, x, got.At(i), f(x))
			}
		}
	}
	lse := 0.0
	for _, x := range xs {
		lse += math.Exp(x)
	}
	lse = math.Log(lse)
	soft, logSoft := activations.MustGet("softmax")(in), activations.MustGet("log_softmax")(in)
	for i, x := range xs {
		if math.Abs(soft.At(i)-math.Exp(x-lse)) > 1e-12 || math.Abs(logSoft.At(i)-(x-lse)) > 1e-12 {
			t.Errorf("softmax/log_softmax at %d: %v %v", i, soft.At(i), logSoft.At(i))
		}
	}
	if _, err := activations.Get("relu7"); err == nil {
		t.Error("unknown name: no error")
	}
	if f, err := activations.Get(""); err != nil || f(in) != in {
		t.Error(`"" is not the identity`)
	}
	if len(activations.Names()) < 18 {
		t.Errorf("names %v", activations.Names())
	}
}
