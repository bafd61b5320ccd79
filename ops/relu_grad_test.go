package ops_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// reluGradInput draws a tensor of dt with zeros of both signs, infinities, NaNs of both signs
// and with payloads, and small integers.
func reluGradInput(rng *rand.Rand, dt dtype.DType, dims ...int) *tensor.Tensor {
	specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(), 1, -1, 5e-324}
	v := make([]float64, shape.Shape(dims).Size())
	for i := range v {
		v[i] = math.Round(rng.NormFloat64() * 3)
		if dt.IsFloat() {
			v[i] = rng.NormFloat64() * 3
			if i%3 == 1 {
				v[i] = specials[rng.IntN(len(specials))]
			}
		}
	}
	t := tensor.New(dt, dims)
	tensor.Convert(t, tensor.FromSlice(v, dims...))
	switch d := t.Raw().(type) {
	case []float32:
		for i := 2; i < len(d); i += 17 {
			d[i] = math.Float32frombits([]uint32{0xffc00000, 0x7fc00001, 0xff800001}[i%3])
		}
	case []float64:
		for i := 2; i < len(d); i += 17 {
			d[i] = math.Float64frombits([]uint64{0xfff8000000000000, 0x7ff8000000000001, 0xfff0000000000001}[i%3])
		}
	}
	return t
}

// TestReluGradIsTheComposition checks every kernel of relu_grad, for every dtype it declares,
// against the composition it replaced in relu's gradient rule, Where(LessEqual(x, 0), 0, g),
// byte for byte: +0 (not -0) where x is ±0 or negative, g's bits (NaN payloads included) where
// x is positive or NaN, with and without broadcasting.
func TestReluGradIsTheComposition(t *testing.T) {
	op := core.Lookup("relu_grad")
	rng := rand.New(rand.NewPCG(5, 6))
	shapes := [][2][]int{
		{{0}, {0}}, {{1}, {1}}, {{7}, {7}}, {{65}, {65}}, {{3, 1000}, {3, 1000}},
		{{4, 5}, {}}, {{}, {4, 5}}, {{4, 1}, {1, 6}}, {{2, 3, 4}, {3, 1}}, {{5}, {2, 5}},
	}
	for _, dt := range op.DTypes() {
		for _, s := range shapes {
			x, g := reluGradInput(rng, dt, s[0]...), reluGradInput(rng, dt, s[1]...)
			zero := tensor.Zeros(dt)
			want := ops.Where(ops.LessEqual(x, zero), zero, g)
			specs, err := op.Infer(ops.None{}, []core.Spec{core.SpecOf(x), core.SpecOf(g)})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range op.Kernels(dt) {
				name := fmt.Sprintf("%s/%s/%v,%v", k.Name, dt, s[0], s[1])
				got, err := core.RunKernel(op, k.Run, ops.None{}, []*tensor.Tensor{x, g}, specs)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !got[0].Shape().Equal(want.Shape()) || !bytes.Equal(got[0].Bytes(), want.Bytes()) {
					t.Errorf("%s: got %v, want %v", name, got[0], want)
				}
			}
			if got := ops.ReluGrad(x, g); !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("ReluGrad %s %v,%v: got %v, want %v", dt, s[0], s[1], got, want)
			}
		}
	}
}

// TestReluGradient checks relu's gradient rule, which now runs relu_grad: zero at and below 0,
// one above, passed through at NaN.
func TestReluGradient(t *testing.T) {
	x := tensor.FromSlice([]float32{-2, -0.0, 0, 0.5, float32(math.NaN()), float32(math.Inf(1))})
	g := tensor.FromSlice([]float32{1, 2, 3, 4, 5, float32(math.NaN())})
	got := ops.ReluGrad(x, g).Float64s()
	want := []float64{0, 0, 0, 4, 5, math.NaN()}
	for i := range want {
		if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) || math.Signbit(got[i]) {
			t.Fatalf("ReluGrad(%v, %v) = %v, want %v", x, g, got, want)
		}
	}
}
