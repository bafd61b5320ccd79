package graph

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// lstmLike is an LSTM-shaped step (gates, a cell carry, a bool mask sequence) over xs, with the
// recurrent weight u read from the enclosing code; it returns a scalar loss.
func lstmLike(u *autodiff.Variable, h0, c0, xs, mask *tensor.Tensor) *tensor.Tensor {
	carry, ys := Scan(func(c, x []*tensor.Tensor) ([]*tensor.Tensor, []*tensor.Tensor) {
		z := ops.Add(x[0], ops.MatMul(c[0], u.Value()))
		g := ops.Split(z, -1, 4)
		i, f, o := ops.Sigmoid(g[0]), ops.Sigmoid(g[1]), ops.Sigmoid(g[3])
		cn := ops.Add(ops.Mul(f, c[1]), ops.Mul(i, ops.Tanh(g[2])))
		h := ops.Mul(o, ops.Tanh(cn))
		m := ops.Unsqueeze(x[1], -1)
		h, cn = ops.Where(m, h, c[0]), ops.Where(m, cn, c[1])
		return []*tensor.Tensor{h, cn}, []*tensor.Tensor{h}
	}, []*tensor.Tensor{h0, c0}, xs, mask)
	return ops.Add(ops.Sum(ops.Square(carry[1])), ops.Sum(ops.Mul(ys[0], ys[0])))
}

func TestScanGradientSavedAndRecomputed(t *testing.T) {
	u := autodiff.NewVariable("u", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 12), 0.5))
	step := func(h0, c0, xs, mask *tensor.Tensor) []*tensor.Tensor {
		hw, cw, xw := autodiff.Watch(h0), autodiff.Watch(c0), autodiff.Watch(xs)
		l := lstmLike(u, hw, cw, xw, mask)
		return append([]*tensor.Tensor{l}, autodiff.Gradients([]*tensor.Tensor{l}, []*tensor.Tensor{hw, cw, xw, u.Value()})...)
	}
	h0, c0 := tensor.Random(dtype.Float64, tensor.Normal, 2, 2, 3), tensor.Random(dtype.Float64, tensor.Normal, 3, 2, 3)
	xs := tensor.Random(dtype.Float64, tensor.Normal, 4, 6, 2, 12)
	mask := ops.Greater(tensor.Random(dtype.Float64, tensor.Normal, 5, 6, 2), tensor.Scalar(-0.5))
	want := step(h0, c0, xs, mask)
	results := map[bool][]*tensor.Tensor{}
	for _, save := range []bool{true, false} {
		saveScanIntermediates = save
		f := Compile(step)
		got, err := f.Call(h0, c0, xs, mask)
		saveScanIntermediates = true
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
				t.Fatalf("save=%v, result %d: compiled %v, eager %v", save, i, got[i], want[i])
			}
		}
		results[save] = got
		g, _ := f.Graph(h0, c0, xs, mask)
		for _, n := range g.Nodes {
			if p, ok := n.Params.(ScanParams); ok && p.Reverse {
				if recomputes := hasOp(p.Body, "sigmoid"); recomputes == save {
					t.Fatalf("save=%v: the backward step recomputes the forward: %v\n%s", save, recomputes, p.Body)
				}
				if sums := p.NumCarry > 2; sums == save {
					t.Fatalf("save=%v: the backward step carries a running sum of u's gradient: %v (%d carries)", save, sums, p.NumCarry)
				}
			}
		}
	}
	// Saving, u's gradient (result 4) is one product over the stacked steps after the backward
	// scan, a sum in another order than the running sum of the recomputing backward: it is
	// compared with eager's above, within rounding.
	for i := range want {
		if i == 4 {
			continue
		}
		if !tensor.Equal(results[true][i], results[false][i]) {
			t.Fatalf("result %d: saving intermediates changed the bits: %v, %v", i, results[true][i], results[false][i])
		}
	}
}

func hasOp(g *Graph, name string) bool {
	for _, n := range g.Nodes {
		if n.Op.Name() == name {
			return true
		}
		if fp, ok := n.Params.(FusedParams); ok {
			for _, st := range fp.Steps {
				if st.Op.Name() == name {
					return true
				}
			}
		}
	}
	return false
}

func TestScanGradientIntegerCarryAndIdentityOutput(t *testing.T) {
	// A step counter (int64) in the carry, an output that is the incoming carry itself, and an
	// output that does not depend on anything tracked.
	step := func(h0, xs *tensor.Tensor) []*tensor.Tensor {
		hw, xw := autodiff.Watch(h0), autodiff.Watch(xs)
		carry, ys := Scan(func(c, x []*tensor.Tensor) ([]*tensor.Tensor, []*tensor.Tensor) {
			k := ops.Cast(c[1], dtype.Float64)
			h := ops.Tanh(ops.Add(ops.Mul(c[0], x[0]), k))
			return []*tensor.Tensor{h, ops.Add(c[1], tensor.Scalar(int64(1)))}, []*tensor.Tensor{c[0], ops.OnesLike(k)}
		}, []*tensor.Tensor{hw, tensor.Scalar(int64(0))}, xw)
		l := ops.Add(ops.Sum(ops.Square(carry[0])), ops.Add(ops.Sum(ops.Sin(ys[0])), ops.Sum(ys[1])))
		return append([]*tensor.Tensor{l}, autodiff.Gradients([]*tensor.Tensor{l}, []*tensor.Tensor{hw, xw})...)
	}
	h0, xs := tensor.Random(dtype.Float64, tensor.Normal, 1, 3), tensor.Random(dtype.Float64, tensor.Normal, 2, 5, 3)
	want := step(h0, xs)
	f := Compile(step)
	got, err := f.Call(h0, xs)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := f.Graph(h0, xs)
	if !savesIntermediates(g) {
		t.Fatalf("the forward scan saves nothing:\n%s", g)
	}
	for i := range want {
		if !tensor.Equal(got[i], want[i].Detach()) {
			t.Fatalf("result %d: compiled %v, eager %v", i, got[i], want[i])
		}
	}
}

func savesIntermediates(g *Graph) bool {
	for _, n := range g.Nodes {
		if p, ok := n.Params.(ScanParams); ok && p.NumSaved > 0 {
			return true
		}
	}
	return false
}

// TestScanGradientProductAfterScan checks weight gradients against eager's, within rounding: of
// u, summed by one product after the backward scan of operands that the backward step returns
// for it (tanh(h) and dz, which no sequence or output holds); of v, read by two products and so
// a running sum; and of w, whose operand x is a sequence, stacked already.
func TestScanGradientProductAfterScan(t *testing.T) {
	u := autodiff.NewVariable("u", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 3), 0.5))
	v := autodiff.NewVariable("v", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 2, 3, 3), 0.5))
	w := autodiff.NewVariable("w", ops.MulScalar(tensor.Random(dtype.Float64, tensor.Normal, 3, 4, 3), 0.5))
	step := func(h0, xs *tensor.Tensor) []*tensor.Tensor {
		_, ys := Scan(func(c, x []*tensor.Tensor) ([]*tensor.Tensor, []*tensor.Tensor) {
			z := ops.Add(ops.MatMul(ops.Tanh(c[0]), u.Value()), ops.MatMul(x[0], w.Value()))
			z = ops.Add(z, ops.MatMul(ops.Sin(c[0]), v.Value()))
			h := ops.Tanh(ops.Add(z, ops.MatMul(ops.Cos(c[0]), v.Value())))
			return []*tensor.Tensor{h}, []*tensor.Tensor{h}
		}, []*tensor.Tensor{h0}, xs)
		l := ops.Sum(ops.Square(ys[0]))
		return append([]*tensor.Tensor{l}, autodiff.GradVariables(l, u, v, w)...)
	}
	h0, xs := tensor.Random(dtype.Float64, tensor.Normal, 4, 2, 3), tensor.Random(dtype.Float64, tensor.Normal, 5, 6, 2, 4)
	want := step(h0, xs)
	f := Compile(step)
	got, err := f.Call(h0, xs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !tensor.AllClose(got[i], want[i].Detach(), 1e-12, 1e-12) {
			t.Fatalf("result %d: compiled %v, eager %v", i, got[i], want[i])
		}
	}
	g, _ := f.Graph(h0, xs)
	for _, n := range g.Nodes {
		if p, ok := n.Params.(ScanParams); ok && p.Reverse && p.NumCarry != 2 {
			t.Fatalf("the backward scan has %d carries, want 2 (h's gradient, v's running sum):\n%s", p.NumCarry, p.Body)
		}
	}
}
