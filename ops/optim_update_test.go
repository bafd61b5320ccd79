package ops_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// adamComposed is the Adam step AdamUpdate fuses, written with elementwise ops.
func adamComposed(w, g, m, v, alpha *tensor.Tensor, p ops.AdamUpdateParams) (*tensor.Tensor, *tensor.Tensor, *tensor.Tensor) {
	m = ops.Add(m, ops.MulScalar(ops.Sub(g, m), 1-p.Beta1))
	v = ops.Add(v, ops.MulScalar(ops.Sub(ops.Square(g), v), 1-p.Beta2))
	w = ops.Sub(w, ops.Div(ops.Mul(m, alpha), ops.AddScalar(ops.Sqrt(v), p.Epsilon)))
	return w, m, v
}

// TestAdamUpdateMatchesComposition checks every kernel of adam_update against the composition,
// bit for bit, with NaN, ±Inf, zeros and negative second moments among the inputs, over odd
// lengths and one long enough to be split across threads.
func TestAdamUpdateMatchesComposition(t *testing.T) {
	op := core.Lookup("adam_update")
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for _, n := range []int{0, 1, 7, 8, 9, 31, 65, 100_003} {
			w, g, m := tensor.Random(dt, tensor.Normal, 1, n), tensor.Random(dt, tensor.Normal, 2, n), tensor.Random(dt, tensor.Normal, 3, n)
			v := ops.MulScalar(tensor.Random(dt, tensor.Uniform, 4, n), 0.01)
			if n >= 7 {
				for i, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1} {
					g.Set(x, i)
				}
				v.Set(-0.5, 6)
			}
			for _, p := range []ops.AdamUpdateParams{{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}, {Beta1: 0.5, Beta2: 0.75}} {
				alpha := tensor.Full(dt, 3.1e-4)
				w1, m1, v1 := adamComposed(w, g, m, v, alpha, p)
				want := []*tensor.Tensor{w1, m1, v1}
				for _, k := range op.Kernels(dt) {
					spec := core.SpecOf(w)
					got, err := core.RunKernel(op, k.Run, p, []*tensor.Tensor{w, g, m, v, alpha}, []core.Spec{spec, spec, spec})
					if err != nil {
						t.Fatalf("%s %s n=%d: %v", k.Name, dt, n, err)
					}
					for j := range want {
						if d := firstDiff(got[j], want[j]); d >= 0 {
							t.Errorf("%s %s n=%d %+v: output %d element %d is %v, composition gives %v", k.Name, dt, n, p, j, d,
								got[j].Flat(d, d+1).Item(), want[j].Flat(d, d+1).Item())
						}
					}
				}
			}
		}
	}
}

// firstDiff returns the first index where a and b differ in bits (NaNs match), or -1.
func firstDiff(a, b *tensor.Tensor) int {
	x, y := tensor.ToSlice[float64](ops.Cast(a, dtype.Float64)), tensor.ToSlice[float64](ops.Cast(b, dtype.Float64))
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) && !(math.IsNaN(x[i]) && math.IsNaN(y[i])) {
			return i
		}
	}
	return -1
}

func TestAdamUpdateErrors(t *testing.T) {
	x, a := tensor.Zeros(dtype.Float32, 3), tensor.Scalar(float32(1))
	p := ops.AdamUpdateParams{Beta1: 0.9, Beta2: 0.999}
	cases := map[string]func(){
		"adam_update: shapes differ":           func() { ops.AdamUpdate(x, x, tensor.Zeros(dtype.Float32, 4), x, a, p) },
		"adam_update: step size has shape [1]": func() { ops.AdamUpdate(x, x, x, x, tensor.Zeros(dtype.Float32, 1), p) },
		"adam_update: dtypes differ":           func() { ops.AdamUpdate(x, x, x, x, tensor.Scalar(1.0), p) },
		"adam_update: dtype float16": func() {
			h := tensor.Zeros(dtype.Float16, 3)
			ops.AdamUpdate(h, h, h, h, tensor.Zeros(dtype.Float16), p)
		},
		"adam_update: hyperparameters":              func() { ops.AdamUpdate(x, x, x, x, a, ops.AdamUpdateParams{Epsilon: math.Inf(1)}) },
		"adam_update: got 4 inputs, want 5":         func() { core.Apply(core.Lookup("adam_update"), p, x, x, x, x) },
		"adam_update: params are ops.SoftmaxParams": func() { core.Apply(core.Lookup("adam_update"), ops.SoftmaxParams{}, x, x, x, x, a) },
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want an error containing %q", err, want)
		}
	}
}

func ExampleAdamUpdate() {
	w := tensor.FromSlice([]float32{1, 2})
	g := tensor.FromSlice([]float32{0.5, -4})
	m, v := tensor.Zeros(dtype.Float32, 2), tensor.Zeros(dtype.Float32, 2)
	// The first step: alpha = lr·√(1-β2)/(1-β1) with lr 0.001.
	alpha := tensor.Scalar(float32(0.001 * math.Sqrt(1-0.999) / (1 - 0.9)))
	w, m, v = ops.AdamUpdate(w, g, m, v, alpha, ops.AdamUpdateParams{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7})
	fmt.Printf("%.4f %.2f %.4f\n", w.Float32s(), m.Float32s(), v.Float32s())
	// Output: [0.9990 2.0010] [0.05 -0.40] [0.0003 0.0160]
}
