package graph_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// checkFD compares the gradients grads (of loss at xs) with central finite differences of loss
// along random directions, in float64 (gradcheck runs eagerly; this checks compiled gradients).
func checkFD(t *testing.T, loss func(xs []*T) float64, xs, grads []*T) {
	t.Helper()
	const eps = 1e-6
	for d := range 3 {
		analytic := 0.0
		plus, minus := make([]*T, len(xs)), make([]*T, len(xs))
		for i, x := range xs {
			v := tensor.Random(dtype.Float64, tensor.Normal, uint64(100*d+i+1), x.Shape()...)
			analytic += ops.Sum(ops.Mul(grads[i], v)).Item()
			plus[i] = ops.Add(x, ops.MulScalar(v, eps))
			minus[i] = ops.Sub(x, ops.MulScalar(v, eps))
		}
		numeric := (loss(plus) - loss(minus)) / (2 * eps)
		if math.Abs(numeric-analytic) > 1e-6*(1+math.Abs(numeric)) {
			t.Fatalf("direction %d: gradient gives %.10g, finite differences %.10g", d, analytic, numeric)
		}
	}
}

// doubling doubles x (plus a small nonlinearity) until its norm exceeds 50: the number of
// iterations depends on x.
func doubling(x *T) *T {
	return graph.While(
		func(s []*T) *T { return ops.LessEqual(ops.Sum(ops.Square(s[0])), tensor.Scalar(2500.0)) },
		func(s []*T) []*T { return []*T{ops.Add(ops.MulScalar(s[0], 2), ops.MulScalar(ops.Sin(s[0]), 0.3))} },
		0, x)[0]
}

func TestWhileGradientDataDependentCount(t *testing.T) {
	loss := func(x *T) *T { return ops.Sum(ops.Mul(doubling(x), ops.Cos(x))) }
	grad := func(x *T) []*T {
		w := autodiff.Watch(x)
		l := loss(w)
		return []*T{l, autodiff.Grad(l, w)[0]}
	}
	f := graph.Compile(grad, graph.InputSpecs(spec(dtype.Float64, -1)))
	for _, xs := range [][]float64{{1, 2}, {0.3, -0.2, 0.1}, {20, 20}, {60}} {
		x := tensor.FromSlice(xs)
		got, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		want := grad(x) // eagerly: the loop unrolls on the tape
		if !tensor.AllClose(got[0], want[0].Detach(), 1e-12, 1e-12) || !tensor.AllClose(got[1], want[1].Detach(), 1e-12, 1e-12) {
			t.Fatalf("x=%v: compiled %v, eager %v", xs, got, want)
		}
		checkFD(t, func(a []*T) float64 { return loss(a[0]).Item() }, []*T{x}, got[1:])
	}
	if f.Traces() != 1 {
		t.Fatalf("traced %d times", f.Traces())
	}
	g, _ := f.Graph(tensor.FromSlice([]float64{1}))
	if s := g.String(); !strings.Contains(s, "while_grad") {
		t.Fatalf("no while_grad node:\n%s", s)
	}
}

func TestWhileGradientRNN(t *testing.T) {
	// h ← tanh(h·W + b) four times (a counter in the state), with W a variable and b a value of
	// the enclosing graph read inside the body.
	w := autodiff.NewVariable("w", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 3), 0.7))
	run := func(h0, b *T) *T {
		out := graph.While(
			func(s []*T) *T { return ops.Less(s[1], tensor.Scalar(4.0)) },
			func(s []*T) []*T {
				return []*T{ops.Tanh(ops.Add(ops.MatMul(s[0], w.Value()), b)), ops.AddScalar(s[1], 1)}
			},
			0, h0, tensor.Scalar(0.0))
		return ops.Sum(ops.Square(out[0]))
	}
	step := func(h0, b *T) []*T {
		hw, bw := autodiff.Watch(h0), autodiff.Watch(b)
		l := run(hw, ops.MulScalar(bw, 1.5))
		g := autodiff.Gradients([]*T{l}, []*T{hw, bw, w.Value()})
		return append([]*T{l}, g...)
	}
	// The same computation unrolled with Go control flow.
	unrolled := func(h0, b *T) []*T {
		hw, bw := autodiff.Watch(h0), autodiff.Watch(b)
		h := hw
		for range 4 {
			h = ops.Tanh(ops.Add(ops.MatMul(h, w.Value()), ops.MulScalar(bw, 1.5)))
		}
		l := ops.Sum(ops.Square(h))
		g := autodiff.Gradients([]*T{l}, []*T{hw, bw, w.Value()})
		return append([]*T{l}, g...)
	}
	f := graph.Compile(step)
	h0, b := tensor.Random(dtype.Float64, tensor.Normal, 2, 2, 3), tensor.Random(dtype.Float64, tensor.Normal, 3, 3)
	got, err := f.Call(h0, b)
	if err != nil {
		t.Fatal(err)
	}
	want := unrolled(h0, b)
	for i := range want {
		if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
			t.Fatalf("result %d: compiled %v, unrolled %v", i, got[i], want[i])
		}
	}
	w0 := w.Value().Clone()
	checkFD(t, func(a []*T) float64 {
		w.Assign(a[2])
		defer w.Assign(w0)
		return run(a[0], ops.MulScalar(a[1], 1.5)).Item()
	}, []*T{h0, b, w0}, got[1:])
}

func TestWhileGradientNestedCond(t *testing.T) {
	// Each iteration squares the state where its sum is positive and scales it by -0.9
	// elsewhere, three times.
	body := func(s []*T) []*T {
		y := graph.Cond(ops.Greater(ops.Sum(s[0]), tensor.Scalar(0.0)),
			func(a []*T) []*T { return []*T{ops.Mul(a[0], ops.Sin(a[0]))} },
			func(a []*T) []*T { return []*T{ops.MulScalar(a[0], -0.9)} }, s[0])[0]
		return []*T{y, ops.AddScalar(s[1], 1)}
	}
	loss := func(x *T) *T {
		out := graph.While(func(s []*T) *T { return ops.Less(s[1], tensor.Scalar(3.0)) }, body, 0, x, tensor.Scalar(0.0))
		return ops.Sum(ops.Mul(out[0], x))
	}
	grad := func(x *T) []*T {
		w := autodiff.Watch(x)
		l := loss(w)
		return []*T{l, autodiff.Grad(l, w)[0]}
	}
	f := graph.Compile(grad)
	for _, xs := range [][]float64{{0.5, 0.7}, {-0.5, 0.2}, {0.4, -0.9}} {
		x := tensor.FromSlice(xs)
		got, err := f.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		want := grad(x)
		if !tensor.AllClose(got[1], want[1].Detach(), 1e-12, 1e-12) {
			t.Fatalf("x=%v: compiled %v, eager %v", xs, got[1], want[1])
		}
		checkFD(t, func(a []*T) float64 { return loss(a[0]).Item() }, []*T{x}, got[1:])
	}
}

func TestWhileSecondOrderRefused(t *testing.T) {
	f := graph.Compile(func(x *T) *T {
		w := autodiff.Watch(x)
		g := autodiff.Gradients([]*T{ops.Sum(doubling(w))}, []*T{w}, autodiff.CreateGraph())[0]
		return autodiff.Grad(ops.Sum(ops.Square(g)), w)[0]
	})
	_, err := f.Call(tensor.FromSlice([]float64{1}))
	if err == nil || !strings.Contains(err.Error(), "second-order gradients through a traced While are not supported") {
		t.Fatalf("got %v", err)
	}
}

func TestWhileAndScanGradientsRoundTrip(t *testing.T) {
	// A loaded graph runs the while_grad node and the scans with saved intermediates.
	w := autodiff.NewVariable("w", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 3), 0.7))
	step := func(x *T) []*T {
		xw := autodiff.Watch(x)
		h := graph.While(func(s []*T) *T { return ops.Less(s[1], tensor.Scalar(3.0)) },
			func(s []*T) []*T { return []*T{ops.Tanh(ops.MatMul(s[0], w.Value())), ops.AddScalar(s[1], 1)} },
			0, xw, tensor.Scalar(0.0))[0]
		_, ys := graph.Scan(func(c, s []*T) ([]*T, []*T) {
			n := ops.Sin(ops.Add(ops.MatMul(c[0], w.Value()), s[0]))
			return []*T{n}, []*T{n}
		}, []*T{ops.SliceAxis(h, 0, 0, 1, 1)}, ops.Unsqueeze(h, 1))
		l := ops.Sum(ops.Square(ys[0]))
		return autodiff.Gradients([]*T{l}, []*T{xw, w.Value()})
	}
	x := tensor.Random(dtype.Float64, tensor.Normal, 2, 4, 3)
	g, err := graph.Compile(step).Graph(x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := graph.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	saved := false
	for _, n := range g2.Nodes {
		if sp, ok := n.Params.(graph.ScanParams); ok && sp.NumSaved > 0 {
			saved = true
		}
	}
	if !strings.Contains(opNames(g2), "while_grad") || !saved {
		t.Fatalf("want a while_grad node and a scan with saved intermediates:\n%s", g2)
	}
	p, err := g2.NewPlan([]core.Spec{core.SpecOf(x)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Run([]*T{x})
	if err != nil {
		t.Fatal(err)
	}
	want := step(x)
	for i := range want {
		if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
			t.Fatalf("result %d: loaded graph %v, eager %v", i, got[i], want[i])
		}
	}
}

func TestWhileGradientInsideScan(t *testing.T) {
	// Each scan step runs a While with an int64 counter; the scan's gradient differentiates it.
	w := autodiff.NewVariable("w", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 3), 0.6))
	step := func(h0, xs *T) []*T {
		hw, xw := autodiff.Watch(h0), autodiff.Watch(xs)
		carry, _ := graph.Scan(func(c, x []*T) ([]*T, []*T) {
			h := graph.While(func(s []*T) *T { return ops.Less(s[1], tensor.Scalar(int64(2))) },
				func(s []*T) []*T {
					return []*T{ops.Tanh(ops.Add(ops.MatMul(s[0], w.Value()), x[0])), ops.Add(s[1], tensor.Scalar(int64(1)))}
				}, 0, c[0], tensor.Scalar(int64(0)))[0]
			return []*T{h}, []*T{h}
		}, []*T{hw}, xw)
		l := ops.Sum(ops.Square(carry[0]))
		return append([]*T{l}, autodiff.Gradients([]*T{l}, []*T{hw, xw, w.Value()})...)
	}
	h0, xs := tensor.Random(dtype.Float64, tensor.Normal, 2, 2, 3), tensor.Random(dtype.Float64, tensor.Normal, 3, 4, 2, 3)
	want := step(h0, xs)
	got, err := graph.Compile(step).Call(h0, xs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
			t.Fatalf("result %d: compiled %v, eager %v", i, got[i], want[i])
		}
	}
}

func TestWhileGradientUntrackedOuterValue(t *testing.T) {
	// The body reads s, a value of the enclosing function that no gradient reaches.
	grad := func(x, s *T) *T {
		xw := autodiff.Watch(x)
		scale := ops.AddScalar(s, 1)
		y := graph.While(func(st []*T) *T { return ops.Less(st[1], tensor.Scalar(3.0)) },
			func(st []*T) []*T { return []*T{ops.Sin(ops.Mul(st[0], scale)), ops.AddScalar(st[1], 1)} },
			0, xw, tensor.Scalar(0.0))[0]
		return autodiff.Grad(ops.Sum(y), xw)[0]
	}
	x, s := tensor.FromSlice([]float64{0.3, -0.4}), tensor.FromSlice([]float64{0.5, 0.2})
	got, err := graph.Compile(grad).Call(x, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := grad(x, s); !tensor.AllClose(got[0], want.Detach(), 1e-12, 1e-12) {
		t.Fatalf("compiled %v, eager %v", got[0], want)
	}
}

func TestWhileGradientMaxIterations(t *testing.T) {
	// An always-true condition bounded by maxIterations: three iterations of sin.
	grad := func(x *T) *T {
		xw := autodiff.Watch(x)
		y := graph.While(func(s []*T) *T { return ops.Less(ops.Sum(s[0]), tensor.Scalar(1e9)) },
			func(s []*T) []*T { return []*T{ops.Sin(ops.MulScalar(s[0], 1.3))} }, 3, xw)[0]
		return autodiff.Grad(ops.Sum(y), xw)[0]
	}
	x := tensor.FromSlice([]float64{0.3, -0.4, 1.1})
	got, err := graph.Compile(grad).Call(x)
	if err != nil {
		t.Fatal(err)
	}
	if want := grad(x); !tensor.AllClose(got[0], want.Detach(), 1e-12, 1e-12) {
		t.Fatalf("compiled %v, eager %v", got[0], want)
	}
}
