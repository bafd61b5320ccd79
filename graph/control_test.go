package graph_test

import (
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// piecewise is x² where sum(x) > 0 and -3x elsewhere, with a data-dependent branch.
func piecewise(x *T) *T {
	pred := ops.Greater(ops.Sum(x), tensor.Scalar(0.0))
	return graph.Cond(pred,
		func(a []*T) []*T { return []*T{ops.Mul(a[0], a[0])} },
		func(a []*T) []*T { return []*T{ops.MulScalar(a[0], -3)} },
		x)[0]
}

func TestCondEagerAndCompiled(t *testing.T) {
	f := graph.Compile(piecewise, graph.InputSpecs(spec(dtype.Float64, -1)))
	for _, x := range []*T{tensor.FromSlice([]float64{1, 2}), tensor.FromSlice([]float64{-1, -2, 0.5})} {
		out, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		if want := piecewise(x); !tensor.Equal(out[0], want) {
			t.Fatalf("compiled %v, eager %v", out[0], want)
		}
	}
	if f.Traces() != 1 {
		t.Fatalf("traced %d times", f.Traces())
	}
	g, _ := f.Graph(tensor.FromSlice([]float64{1}))
	if !strings.Contains(g.String(), "cond") {
		t.Fatalf("no cond node:\n%s", g)
	}
}

func TestCondGradient(t *testing.T) {
	// d/dx sum(piecewise(x)) is 2x or -3, eagerly and compiled.
	grad := func(x *T) *T {
		w := autodiff.Watch(x)
		return autodiff.Grad(ops.Sum(piecewise(w)), w)[0]
	}
	f := graph.Compile(grad)
	for _, c := range []struct{ x, want []float64 }{{[]float64{1, 2}, []float64{2, 4}}, {[]float64{-1, -2}, []float64{-3, -3}}} {
		x := tensor.FromSlice(c.x)
		if e := grad(x); !tensor.Equal(e, tensor.FromSlice(c.want)) {
			t.Fatalf("eager gradient %v, want %v", e, c.want)
		}
		out, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.Equal(out[0], tensor.FromSlice(c.want)) {
			t.Fatalf("compiled gradient %v, want %v", out[0], c.want)
		}
	}
}

func TestWhile(t *testing.T) {
	// Double x until its sum exceeds 100; count the iterations.
	loop := func(x *T) []*T {
		return graph.While(
			func(s []*T) *T { return ops.LessEqual(ops.Sum(s[0]), tensor.Scalar(100.0)) },
			func(s []*T) []*T { return []*T{ops.MulScalar(s[0], 2), ops.AddScalar(s[1], 1)} },
			0, x, tensor.Scalar(0.0))
	}
	f := graph.Compile(func(x *T) []*T { return loop(x) }, graph.InputSpecs(spec(dtype.Float64, -1)))
	for _, xs := range [][]float64{{1, 2}, {30, 40, 50}, {200}} {
		x := tensor.FromSlice(xs)
		want := loop(x)
		got, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !tensor.Equal(got[i], want[i]) {
				t.Fatalf("x=%v: compiled %v, eager %v", xs, got, want)
			}
		}
	}
	// Bounded iterations.
	capped := graph.While(func(s []*T) *T { return tensor.Scalar(true) },
		func(s []*T) []*T { return []*T{ops.AddScalar(s[0], 1)} }, 5, tensor.Scalar(0.0))
	if capped[0].Item() != 5 {
		t.Fatalf("capped loop ran to %v", capped[0])
	}
}

func TestCondErrors(t *testing.T) {
	f := graph.Compile(func(x *T) *T {
		return graph.Cond(ops.Greater(ops.Sum(x), tensor.Scalar(0.0)),
			func(a []*T) []*T { return []*T{a[0]} },
			func(a []*T) []*T { return []*T{ops.Sum(a[0])} }, x)[0]
	})
	if _, err := f.Call(tensor.FromSlice([]float64{1, 2})); err == nil || !strings.Contains(err.Error(), "result 0 is float64[2] in the then branch and float64[] in the else branch") {
		t.Fatalf("got %v", err)
	}
	err := core.Catch(func() { graph.Cond(tensor.Scalar(1.0), nil, nil) })
	if err == nil || !strings.Contains(err.Error(), "predicate must be a bool") {
		t.Fatalf("got %v", err)
	}
}

func TestCondGradientReachesCapturedVariables(t *testing.T) {
	w := autodiff.NewVariable("w", tensor.FromSlice([]float64{2, 3}))
	// loss = sum(w·x) if sum(x) > 0 else sum(w²): the branches read w directly.
	grad := func(x *T) *T {
		y := graph.Cond(ops.Greater(ops.Sum(x), tensor.Scalar(0.0)),
			func(a []*T) []*T { return []*T{ops.Sum(ops.Mul(w.Value(), a[0]))} },
			func(a []*T) []*T { return []*T{ops.Sum(ops.Square(w.Value()))} },
			x)[0]
		return autodiff.GradVariables(y, w)[0]
	}
	f := graph.Compile(grad)
	for _, c := range []struct{ x, want []float64 }{{[]float64{1, 5}, []float64{1, 5}}, {[]float64{-1, -5}, []float64{4, 6}}} {
		x := tensor.FromSlice(c.x)
		if e := grad(x); !tensor.Equal(e, tensor.FromSlice(c.want)) {
			t.Fatalf("eager %v, want %v", e, c.want)
		}
		out, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.Equal(out[0], tensor.FromSlice(c.want)) {
			t.Fatalf("compiled %v, want %v", out[0], c.want)
		}
	}
}
