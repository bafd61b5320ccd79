package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// traceWith traces fn for float64 arguments of the given shapes with no passes.
func traceWith(t *testing.T, shapes [][]int, fn func(a []*T) []*T) *graph.Graph {
	t.Helper()
	specs := make([]core.Spec, len(shapes))
	for i, s := range shapes {
		specs[i] = spec(dtype.Float64, s...)
	}
	g, err := graph.Trace(specs, fn)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// run runs g on args with a fresh plan.
func run(t *testing.T, g *graph.Graph, args []*T) []*T {
	t.Helper()
	specs := make([]core.Spec, len(args))
	for i, a := range args {
		specs[i] = core.SpecOf(a)
	}
	p, err := g.NewPlan(specs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Run(args)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkPass runs pass on the graph of fn, compares the listing after it with want (op names in
// order), and checks that results are unchanged.
func checkPass(t *testing.T, pass graph.Pass, shapes [][]int, fn func(a []*T) []*T, want string) {
	t.Helper()
	g := traceWith(t, shapes, fn)
	args := make([]*T, len(shapes))
	for i, s := range shapes {
		args[i] = tensor.Random(dtype.Float64, tensor.Normal, uint64(i+1), s...)
	}
	before := run(t, g, args)
	if err := graph.Optimize(g, pass, graph.DCEPass); err != nil {
		t.Fatal(err)
	}
	if got := opNames(g); got != want {
		t.Errorf("%s: ops after the pass are %q, want %q\n%s", pass.Name, got, want, g)
	}
	after := run(t, g, args)
	for i := range before {
		if !tensor.Equal(before[i], after[i]) {
			t.Errorf("%s changed output %d: %v vs %v", pass.Name, i, before[i], after[i])
		}
	}
}

func opNames(g *graph.Graph) string {
	names := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		names[i] = n.Op.Name()
	}
	return strings.Join(names, " ")
}

func TestDCE(t *testing.T) {
	checkPass(t, graph.DCEPass, [][]int{{3}}, func(a []*T) []*T {
		_ = ops.Exp(a[0]) // unused
		return []*T{ops.Tanh(a[0])}
	}, "tanh")
}

func TestCSE(t *testing.T) {
	checkPass(t, graph.CSEPass, [][]int{{3}}, func(a []*T) []*T {
		return []*T{ops.Add(ops.Exp(a[0]), ops.Exp(a[0]))}
	}, "exp add")
}

func TestFold(t *testing.T) {
	c := tensor.FromSlice([]float64{1, 2, 3})
	checkPass(t, graph.FoldPass, [][]int{{3}}, func(a []*T) []*T {
		k := ops.Exp(ops.Mul(c, c)) // constant: folded
		return []*T{ops.Add(a[0], k)}
	}, "add")
}

func TestFoldKeepsVariables(t *testing.T) {
	// exp(v) runs eagerly while tracing (no symbolic input), but its origin is replayed into the
	// graph and not folded, since v may change between runs.
	v := autodiff.NewVariable("v", tensor.FromSlice([]float64{1, 2, 3}), autodiff.NotTrainable())
	checkPass(t, graph.FoldPass, [][]int{{3}}, func(a []*T) []*T {
		return []*T{ops.Add(a[0], ops.Exp(v.Value()))}
	}, "exp add")
	w := autodiff.NewVariable("w", tensor.FromSlice([]float64{1, 2, 3}))
	f := graph.Compile(func(x *T) *T { return ops.Add(x, ops.Sum(ops.Square(w.Value()))) })
	x := tensor.Zeros(dtype.Float64, 1)
	if out, _ := f.Call(x); out[0].Item() != 14 {
		t.Fatalf("got %v", out[0])
	}
	w.Assign(tensor.FromSlice([]float64{0, 0, 2}))
	if out, _ := f.Call(x); out[0].Item() != 4 {
		t.Fatalf("a value computed from a variable was frozen at trace time: got %v, want 4", out[0])
	}
}

func TestSimplify(t *testing.T) {
	one, zero := tensor.Scalar(1.0), tensor.Scalar(0.0)
	cases := []struct {
		name   string
		shapes [][]int
		fn     func(a []*T) []*T
		want   string
	}{
		{"x*1 and x+0", [][]int{{2, 3}}, func(a []*T) []*T { return []*T{ops.Tanh(ops.Add(ops.Mul(a[0], one), zero))} }, "tanh"},
		{"1*x broadcasting stays", [][]int{{3}}, func(a []*T) []*T {
			return []*T{ops.Mul(a[0], tensor.Ones(dtype.Float64, 2, 3))} // changes the shape: kept
		}, "mul"},
		{"double transpose", [][]int{{2, 3, 4}}, func(a []*T) []*T {
			return []*T{ops.Exp(ops.Transpose(ops.Transpose(a[0], 1, 2, 0), 2, 0, 1))}
		}, "exp"},
		{"transposes compose", [][]int{{2, 3, 4}}, func(a []*T) []*T {
			return []*T{ops.Transpose(ops.Transpose(a[0], 1, 2, 0), 1, 2, 0)}
		}, "transpose"},
		{"reshape chain", [][]int{{2, 3, 4}}, func(a []*T) []*T {
			return []*T{ops.Reshape(ops.Reshape(a[0], 6, 4), 4, 6)}
		}, "reshape"},
		{"broadcast operand", [][]int{{2, 3}}, func(a []*T) []*T {
			return []*T{ops.Mul(a[0], ops.BroadcastTo(tensor.Scalar(2.0), 2, 3))}
		}, "mul"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkPass(t, graph.SimplifyPass, c.shapes, c.fn, c.want) })
	}
}

// TestRandomGraphsThroughAllPasses builds random small graphs and checks that the default
// passes leave their results unchanged.
func TestRandomGraphsThroughAllPasses(t *testing.T) {
	unary := []func(*T) *T{ops.Exp, ops.Tanh, ops.Neg, ops.Relu, ops.Square,
		func(x *T) *T {
			if x.Rank() == 0 {
				return ops.Sum(x)
			}
			return ops.Sum(x, -1)
		}, func(x *T) *T { return ops.Transpose(x) },
		func(x *T) *T { return ops.Mul(x, tensor.Scalar(1.0)) }}
	binary := []func(a, b *T) *T{ops.Add, ops.Sub, ops.Mul, ops.Maximum}
	for seed := uint64(0); seed < 40; seed++ {
		r := tensor.Random(dtype.Float64, tensor.Uniform, seed, 64).Float64s()
		k := 0
		next := func(n int) int { k++; return int(r[k%len(r)] * float64(n)) }
		fn := func(a []*T) []*T {
			vals := []*T{a[0], a[1], tensor.Scalar(0.5), ops.Exp(tensor.Scalar(0.25))}
			for range 8 {
				x := vals[next(len(vals))]
				if next(2) == 0 {
					vals = append(vals, unary[next(len(unary))](x))
					continue
				}
				y := vals[next(len(vals))]
				if !x.Shape().Equal(y.Shape()) && x.Rank() > 0 && y.Rank() > 0 {
					y = x
				}
				vals = append(vals, binary[next(len(binary))](x, y))
			}
			return vals[len(vals)-2:]
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := traceWith(t, [][]int{{3, 3}, {3, 3}}, fn)
			args := []*T{tensor.Random(dtype.Float64, tensor.Normal, 1, 3, 3), tensor.Random(dtype.Float64, tensor.Normal, 2, 3, 3)}
			before := run(t, g, args)
			if err := graph.Optimize(g, graph.DefaultPasses()...); err != nil {
				t.Fatal(err)
			}
			after := run(t, g, args)
			for i := range before {
				if !tensor.AllClose(before[i], after[i], 1e-15, 0) {
					t.Fatalf("output %d changed: %v vs %v\n%s", i, before[i], after[i], g)
				}
			}
		})
	}
}

func TestVerifyNamesTheFailingPass(t *testing.T) {
	g := traceWith(t, [][]int{{3}}, func(a []*T) []*T { return []*T{ops.Exp(a[0])} })
	broken := graph.Pass{Name: "broken", Run: func(g *graph.Graph) error {
		g.Nodes[0].Inputs[0] = &graph.Value{ID: 99, Spec: spec(dtype.Float64, 3)} // dangling
		return nil
	}}
	err := graph.Optimize(g, broken)
	if err == nil || !strings.Contains(err.Error(), "after pass broken") || !strings.Contains(err.Error(), "not defined before it") {
		t.Fatalf("got %v", err)
	}
}

func TestFuse(t *testing.T) {
	checkPass(t, graph.FusePass, [][]int{{5000}, {5000}}, func(a []*T) []*T {
		h := ops.Tanh(ops.Mul(ops.Add(a[0], a[1]), tensor.Scalar(0.5)))
		return []*T{ops.Exp(ops.Neg(ops.Relu(h)))}
	}, "fused_elementwise")
	// A value used twice, or one that broadcasts along a trailing axis, ends a chain.
	checkPass(t, graph.FusePass, [][]int{{3, 4}, {3, 1}}, func(a []*T) []*T {
		h := ops.Exp(a[0])
		return []*T{ops.Add(ops.Mul(h, h), a[1]), ops.Tanh(ops.Neg(a[1]))}
	}, "exp mul add fused_elementwise")
}

func TestFusedUnknownBatch(t *testing.T) {
	f := graph.Compile(func(x, y *T) *T { return ops.Tanh(ops.Add(ops.Exp(x), y)) },
		graph.InputSpecs(spec(dtype.Float32, -1, 3), spec(dtype.Float32, -1, 3)))
	for _, n := range []int{1, 7, 3000} {
		x, y := tensor.RandomNormal(1, n, 3), tensor.RandomNormal(2, n, 3)
		out, err := f.Call(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if want := ops.Tanh(ops.Add(ops.Exp(x), y)); !tensor.Equal(out[0], want) {
			t.Fatalf("batch %d: fused result differs", n)
		}
	}
	// Declared shapes that broadcast at run time ([1 3] with [5 3]) fall back to whole tensors.
	x, y := tensor.RandomNormal(1, 1, 3), tensor.RandomNormal(2, 5, 3)
	out, err := f.Call(x, y)
	if err != nil || !tensor.Equal(out[0], ops.Tanh(ops.Add(ops.Exp(x), y))) {
		t.Fatalf("broadcast at run time: %v %v", out, err)
	}
	g, _ := f.Graph(x, y)
	if opNames(g) != "fused_elementwise" {
		t.Fatalf("not fused:\n%s", g)
	}
}

func TestFuseMatMulBiasActivation(t *testing.T) {
	b := tensor.Random(dtype.Float64, tensor.Normal, 9, 7)
	checkPass(t, graph.FusePass, [][]int{{600, 5}, {5, 7}}, func(a []*T) []*T {
		return []*T{ops.Relu(ops.Add(ops.MatMul(a[0], a[1]), b))}
	}, "fused_elementwise")
	w := tensor.Random(dtype.Float64, tensor.Normal, 10, 3, 3, 2, 4)
	cb := tensor.Random(dtype.Float64, tensor.Normal, 11, 4)
	checkPass(t, graph.FusePass, [][]int{{2, 9, 9, 2}}, func(a []*T) []*T {
		return []*T{ops.Tanh(ops.Add(ops.Conv2D(a[0], w, ops.ConvParams{}), cb))}
	}, "fused_elementwise")
	// A matmul whose result is also used elsewhere is not fused.
	checkPass(t, graph.FusePass, [][]int{{4, 5}, {5, 7}}, func(a []*T) []*T {
		m := ops.MatMul(a[0], a[1])
		return []*T{ops.Relu(ops.Add(m, b)), m}
	}, "matmul fused_elementwise")
}
