package conformance

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// TestReference runs the suite against the registered kernels, the reference ones: comparing
// the reference with itself still checks inference, illegal shapes, inputs and guard bands,
// and that every op has cases.
func TestReference(t *testing.T) {
	Run(t, Options{Skip: "^conformance_test_"})
}

// TestEveryOpHasCases is the completeness test: a new op fails it until it has a case builder.
func TestEveryOpHasCases(t *testing.T) {
	for _, op := range core.Ops() {
		if !HasCases(op) && op != bareOp {
			t.Errorf("%s has no conformance cases: add a builder to package ops/conformance", op)
		}
	}
}

// The ops below exist only in this test binary, to show that the suite catches broken kernels.
// Their names start with conformance_test_, which TestReference skips.
type testParams struct{ Axes []int }

var (
	doubleOp = core.Declare(core.Def[testParams]{
		Name: "conformance_test_double", Doc: "2x, with broken kernels", NotDifferentiable: true,
		DTypes: []dtype.DType{dtype.Float32},
		Infer: func(_ testParams, in []core.Spec) ([]core.Spec, error) {
			if len(in) != 1 {
				return nil, fmt.Errorf("got %d inputs, want 1", len(in))
			}
			return []core.Spec{in[0]}, nil
		},
	})
	// laxOp's inference accepts inputs of any shapes; only its kernel checks them.
	laxOp = core.Declare(core.Def[testParams]{
		Name: "conformance_test_lax", Doc: "x + y without a shape check", NotDifferentiable: true,
		DTypes: []dtype.DType{dtype.Float32},
		Infer: func(_ testParams, in []core.Spec) ([]core.Spec, error) {
			if len(in) != 2 {
				return nil, fmt.Errorf("got %d inputs, want 2", len(in))
			}
			return []core.Spec{in[0]}, nil
		},
	})
	// bareOp has no case builder.
	bareOp = core.Declare(core.Def[testParams]{
		Name: "conformance_test_bare", Doc: "no cases", NotDifferentiable: true, DTypes: []dtype.DType{dtype.Float32},
		Infer: func(_ testParams, in []core.Spec) ([]core.Spec, error) { return in, nil },
	})
)

// kernel is the signature of doubleOp's kernels.
type kernel = func(p testParams, in, out []*tensor.Tensor) error

// double returns a kernel of doubleOp from a loop over the input and output elements.
func double(f func(x, y []float32)) kernel {
	return func(_ testParams, in, out []*tensor.Tensor) error {
		f(tensor.Data[float32](in[0]), tensor.Data[float32](out[0]))
		return nil
	}
}

func doubleRef(x, y []float32) {
	for i := range x {
		y[i] = 2 * x[i]
	}
}

// brokenKernels are registered for doubleOp beside its correct reference kernel, each breaking
// the kernel contract one way; want is what the suite must say about it.
var brokenKernels = []struct {
	name, want string
	run        kernel
}{
	{"broken/tail", "output 0 differs from the reference", double(func(x, y []float32) {
		for i := range len(x) / 8 * 8 { // forgets the tail
			y[i] = 2 * x[i]
		}
	})},
	{"broken/writes-input", "wrote input 0 ([7]): element 0 changed", double(func(x, y []float32) {
		for i := range x {
			y[i], x[i] = 2*x[i], 0
		}
	})},
	{"broken/overruns", "wrote outside output 0 (float32[7]): guard element 1 after it changed", double(func(x, y []float32) {
		doubleRef(x, y)
		y = y[:len(y)+1] // a vector store past the end
		y[len(y)-1] = 0
	})},
	{"broken/overreads", "got NaN, want", double(func(x, y []float32) {
		for i := range x {
			y[i] = 2 * x[:i+2][i+1] // a vector load past the end reads the guard
		}
	})},
	{"broken/panics", "panicked: runtime error: index out of range [7] with length 7", double(func(x, y []float32) {
		for i := range x {
			y[i] = 2 * x[len(x)-i-1+len(x)%2] // off by one for odd lengths
		}
	})},
	{"broken/errs", "kernel broken/errs, float32/scalar/0 []: conformance_test_double: out of luck",
		func(testParams, []*tensor.Tensor, []*tensor.Tensor) error { return errors.New("out of luck") }},
	{"broken/params", "changed its params from conformance.testParams{Axes:[]int{1, 0}}", func(p testParams, in, out []*tensor.Tensor) error {
		slices.Sort(p.Axes) // normalises the params in place
		return double(doubleRef)(p, in, out)
	}},
	{"broken/replaces", "replaced output 0 (want float32[7], the inferred spec)", func(_ testParams, in, out []*tensor.Tensor) error {
		out[0] = tensor.New(dtype.Float32, in[0].Shape())
		doubleRef(tensor.Data[float32](in[0]), tensor.Data[float32](out[0]))
		return nil
	}},
}

func init() {
	Register(doubleOp.Name(), Builder{Cases: func(g *Gen, dt dtype.DType, c Class) []Case {
		var out []Case
		for _, s := range unaryShapes(c) {
			out = append(out, Case{Params: testParams{Axes: []int{1, 0}}, Inputs: []*tensor.Tensor{g.Values(dt, s...)}})
		}
		return out
	}})
	core.RegisterKernel(doubleOp, dtype.Float32, "ref", core.PriorityRef, double(doubleRef))
	for _, k := range brokenKernels {
		core.RegisterKernel(doubleOp, dtype.Float32, k.name, core.PriorityFast, k.run)
	}

	Register(laxOp.Name(), Builder{
		Cases: func(g *Gen, dt dtype.DType, c Class) []Case {
			return []Case{{Params: testParams{}, Inputs: []*tensor.Tensor{g.Values(dt, 3), g.Values(dt, 3)}}}
		},
		Illegal: func(g *Gen) []Case {
			return []Case{{Params: testParams{}, Inputs: []*tensor.Tensor{g.Values(dtype.Float32, 3), g.Values(dtype.Float32, 4)}}}
		},
	})
	core.RegisterKernel(laxOp, dtype.Float32, "ref", core.PriorityRef, func(_ testParams, in, out []*tensor.Tensor) error {
		if !in[0].Shape().Equal(in[1].Shape()) {
			return errors.New("shapes differ")
		}
		for i, v := range tensor.Data[float32](in[1]) {
			tensor.Data[float32](out[0])[i] = tensor.Data[float32](in[0])[i] + v
		}
		return nil
	})
	core.RegisterKernel(bareOp, dtype.Float32, "ref", core.PriorityRef, func(_ testParams, _, _ []*tensor.Tensor) error { return nil })
}

// recorder is a reporter that keeps the failures instead of failing the test.
type recorder struct {
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Logf(string, ...any)            {}
func (r *recorder) Parallel()                      {}
func (r *recorder) Run(_ string, f func(reporter)) { f(r) }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// failures runs the suite on the ops and kernels the patterns select and returns its failures.
func failures(t *testing.T, ops, kernels string) []string {
	t.Helper()
	sel, err := compile(Options{Ops: ops, Kernels: kernels})
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	run(r, sel)
	return r.errs
}

func TestCatchesBrokenKernels(t *testing.T) {
	if errs := failures(t, "^conformance_test_double$", "^ref$"); len(errs) > 0 {
		t.Fatalf("the reference kernel fails:\n%s", strings.Join(errs, "\n"))
	}
	for _, k := range brokenKernels {
		errs := failures(t, "^conformance_test_double$", "^"+k.name+"$")
		if !contains(errs, k.want) {
			t.Errorf("kernel %s: the suite says\n%s\nwant a failure containing %q", k.name, strings.Join(errs, "\n"), k.want)
		}
	}
}

func TestCatchesLaxInference(t *testing.T) {
	errs := failures(t, "^conformance_test_lax$", "")
	if want := "inference accepts what the kernel rejects"; !contains(errs, want) {
		t.Errorf("the suite says\n%s\nwant a failure containing %q", strings.Join(errs, "\n"), want)
	}
}

func TestCatchesMissingBuilder(t *testing.T) {
	errs := failures(t, "^conformance_test_bare$", "")
	if want := "conformance_test_bare has no conformance cases"; !contains(errs, want) {
		t.Errorf("the suite says %q, want a failure containing %q", errs, want)
	}
}

func contains(errs []string, want string) bool {
	for _, e := range errs {
		if strings.Contains(e, want) {
			return true
		}
	}
	return false
}

// TestCases checks on a few ops that cases are deterministic, that they cover every shape class,
// and that the odd class reaches every tail length. (TestReference draws every op's cases.)
func TestCases(t *testing.T) {
	seen := map[Class]bool{}
	for _, name := range []string{"add", "gather", "conv", "random_uniform", "reduce_sum"} {
		op := core.Lookup(name)
		a, b := Cases(op), Cases(op)
		if len(a) == 0 || len(a) != len(b) {
			t.Fatalf("%s: %d cases, then %d", op, len(a), len(b))
		}
		for i := range a {
			seen[a[i].Class] = true
			for j, x := range a[i].Inputs {
				if a[i].Name != b[i].Name || firstDiff(x.Raw(), b[i].Inputs[j].Raw(), 0) >= 0 {
					t.Fatalf("%s: case %s differs between calls", op, a[i].Name)
				}
			}
		}
	}
	for _, c := range Classes {
		if !seen[c] {
			t.Errorf("no case of class %s", c)
		}
	}
	lengths := map[int]bool{}
	for _, c := range Cases(core.Lookup("add")) {
		if c.Class == Odd {
			lengths[c.Inputs[0].Dim(-1)] = true
		}
	}
	for _, n := range oddSizes {
		if !lengths[n] {
			t.Errorf("add: no odd case of length %d", n)
		}
	}
}

func TestTolerance(t *testing.T) {
	for _, c := range []struct {
		got, want, tol float64
		ok             bool
	}{
		{1, 1, 0, true},
		{math.NaN(), math.NaN(), 0, true},
		{math.NaN(), 1, 1, false},
		{math.Inf(1), math.Inf(1), 0, true},
		{math.Inf(1), math.MaxFloat64, 1, false},
		{math.Copysign(0, -1), 0, 0, false},
		{math.Copysign(0, -1), 0, 1e-7, true},
		{100 + 5e-6, 100, 1e-7, true},
		{100 + 1e-4, 100, 1e-7, false},
		{1e-8, 0, 1e-7, true},
	} {
		if got := close(c.got, c.want, c.tol); got != c.ok {
			t.Errorf("close(%v, %v, %v) = %v", c.got, c.want, c.tol, got)
		}
	}
	if f32, f16 := Tolerance(dtype.Float32, 1), Tolerance(dtype.Float16, 1); !(f32 < f16 && f16 < Tolerance(dtype.BFloat16, 1)) {
		t.Errorf("tolerances not ordered by precision")
	}
	if Tolerance(dtype.Int32, 100) != 0 || Tolerance(dtype.Float32, 100) <= Tolerance(dtype.Float32, 1) {
		t.Errorf("tolerances do not scale with the terms")
	}
}

func TestGuardBands(t *testing.T) {
	for _, dt := range dtype.All {
		b := newBanded(dt, shape.Shape{2, 3}, guardLen+1)
		b.snapshot()
		if !tensor.Equal(b.view, tensor.New(dt, shape.Shape{2, 3})) {
			t.Errorf("%s: view not zero-filled", dt)
		}
		b.view.Set(1, 1, 2)
		if w := b.changed(true); w != "" {
			t.Errorf("%s: writing the view changed %s", dt, w)
		}
		if w := b.changed(false); w != "element 5" {
			t.Errorf("%s: writing the view reported as %q", dt, w)
		}
		b.buf.Set(0, guardLen+1+6)
		if w := b.changed(true); w != "guard element 1 after it" {
			t.Errorf("%s: writing after the view reported as %q", dt, w)
		}
	}
}
