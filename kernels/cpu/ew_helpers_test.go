package cpu_test

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Helpers of the elementwise, reduction and softmax kernel tests: every fast kernel runs on
// inputs copied to unaligned places inside larger buffers, writing into outputs inside guard
// bands, and is compared with the reference kernel.

// ewGuard is the number of guard elements on each side of an output.
const ewGuard = 67

// ewTol says how close a fast kernel's output must be to the reference's.
type ewTol struct {
	ulps float64 // allowed distance in ulps of the output dtype (0: bit-exact, NaN matching NaN)
	abs  float64 // and an absolute slack (for reductions: their length times ε times the scale)
}

var ewExact = ewTol{}

// ewKernels returns op's fast ("cpu") and reference kernels for dt, failing the test when the
// fast one is missing or not the one that runs.
func ewKernels(t *testing.T, op *core.Op, dt dtype.DType) (fast, ref core.Kernel) {
	t.Helper()
	ks := op.Kernels(dt)
	if len(ks) < 2 || ks[0].Name != "cpu" || ks[len(ks)-1].Name != "ref" {
		t.Fatalf("%s/%s: kernels %v, want cpu first and ref last", op, dt, ks)
	}
	return ks[0].Run, ks[len(ks)-1].Run
}

// ewUnaligned returns a copy of x whose data starts off elements into a larger buffer.
func ewUnaligned(x *tensor.Tensor, off int) *tensor.Tensor {
	buf := tensor.New(x.DType(), shape.Shape{x.Size() + off + 3})
	v := buf.Flat(off, off+x.Size())
	tensor.Convert(v, x)
	return v.Reshape(x.Shape()...)
}

// ewBanded is an output placed between guard bands of NaN (or 0xA5 bytes for other dtypes).
type ewBanded struct {
	buf, view *tensor.Tensor
	before    []byte
}

func ewNewBanded(s core.Spec, lead int) *ewBanded {
	n := s.Shape.Size()
	buf := tensor.New(s.DType, shape.Shape{lead + n + ewGuard})
	raw := buf.Bytes()
	for i := range raw {
		raw[i] = 0xA5
	}
	if s.DType == dtype.Bool {
		for i := range raw {
			raw[i] = 1
		}
	}
	g, err := tensor.FromBytes(s.DType, buf.Shape(), raw)
	if err != nil {
		panic(err)
	}
	view := g.Flat(lead, lead+n)
	tensor.Convert(view, tensor.New(s.DType, shape.Shape{n})) // zero-filled, as the contract says
	return &ewBanded{buf: g, view: view.Reshape(s.Shape...), before: g.Bytes()}
}

// guardsChanged reports whether anything outside the view changed.
func (b *ewBanded) guardsChanged(lead int) bool {
	now := b.buf.Bytes()
	es := b.buf.DType().Size()
	n := b.view.Size()
	return !bytes.Equal(now[:lead*es], b.before[:lead*es]) || !bytes.Equal(now[(lead+n)*es:], b.before[(lead+n)*es:])
}

// ewCheck runs op's fast kernel for key dtype dt on in (copied to unaligned buffers) into
// banded outputs and compares it with the reference kernel within tol. It returns the fast
// kernel's first output.
func ewCheck(t *testing.T, name string, op *core.Op, dt dtype.DType, params any, tol ewTol, in ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	specs := make([]core.Spec, len(in))
	for i, x := range in {
		specs[i] = core.SpecOf(x)
	}
	outSpecs, err := op.Infer(params, specs)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	fast, ref := ewKernels(t, op, dt)
	want, err := core.RunKernel(op, ref, params, in, outSpecs)
	if err != nil {
		t.Fatalf("%s: reference: %v", name, err)
	}
	args := make([]*tensor.Tensor, len(in))
	before := make([][]byte, len(in))
	for i, x := range in {
		args[i] = ewUnaligned(x, 1+i)
		before[i] = args[i].Bytes()
	}
	outs := make([]*ewBanded, len(outSpecs))
	views := make([]*tensor.Tensor, len(outSpecs))
	for i, s := range outSpecs {
		outs[i] = ewNewBanded(s, ewGuard+i+1)
		views[i] = outs[i].view
	}
	if err := core.RunInto(op, fast, params, args, views); err != nil {
		t.Fatalf("%s: fast kernel: %v", name, err)
	}
	for i := range args {
		if !bytes.Equal(args[i].Bytes(), before[i]) {
			t.Errorf("%s: the fast kernel changed input %d", name, i)
		}
	}
	for i, o := range outs {
		if o.guardsChanged(ewGuard + i + 1) {
			t.Errorf("%s: the fast kernel wrote outside output %d", name, i)
		}
		if msg := ewCompare(o.view, want[i], tol); msg != "" {
			t.Errorf("%s: output %d: %s", name, i, msg)
		}
	}
	return outs[0].view
}

// ewULP returns the ulp of dtype dt at v.
func ewULP(dt dtype.DType, v float64) float64 {
	mant, minExp := 52, -1022
	if dt == dtype.Float32 {
		mant, minExp = 23, -126
	}
	e := minExp
	if v != 0 && !math.IsInf(v, 0) {
		e = max(math.Ilogb(v), minExp)
	}
	return math.Ldexp(1, e-mant)
}

// ewCompare describes how got differs from want beyond tol, or returns "".
func ewCompare(got, want *tensor.Tensor, tol ewTol) string {
	if got.DType() != want.DType() || !got.Shape().Equal(want.Shape()) {
		return fmt.Sprintf("got %s%v, want %s%v", got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	if !got.DType().IsFloat() {
		g, w := got.Int64s(), want.Int64s()
		for i := range g {
			if g[i] != w[i] {
				return fmt.Sprintf("element %d: got %d, want %d", i, g[i], w[i])
			}
		}
		return ""
	}
	g, w := got.Float64s(), want.Float64s()
	bad, first := 0, -1
	for i := range g {
		if !ewClose(g[i], w[i], got.DType(), tol) {
			bad++
			if first < 0 {
				first = i
			}
		}
	}
	if bad == 0 {
		return ""
	}
	return fmt.Sprintf("element %d: got %v, want %v (%.3g ulp); %d of %d differ", first, g[first], w[first],
		math.Abs(g[first]-w[first])/ewULP(got.DType(), w[first]), bad, len(g))
}

func ewClose(g, w float64, dt dtype.DType, tol ewTol) bool {
	switch {
	case math.IsNaN(g) || math.IsNaN(w):
		return math.IsNaN(g) && math.IsNaN(w)
	case g == w:
		return tol.ulps > 0 || math.Signbit(g) == math.Signbit(w)
	case math.IsInf(g, 0) || math.IsInf(w, 0):
		return false
	}
	return math.Abs(g-w) <= tol.ulps*ewULP(dt, w)+tol.abs
}

// ewSpecials returns a float tensor of dtype dt and shape s with standard normal values times
// scale, and, when specials is set, NaN, ±Inf, ±0, subnormals and huge values at fixed
// positions.
func ewSpecials(dt dtype.DType, seed uint64, scale float64, specials bool, s ...int) *tensor.Tensor {
	x := tensor.Random(dt, tensor.Normal, seed, s...)
	v := x.Float64s()
	for i := range v {
		v[i] *= scale
	}
	if specials {
		sp := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1e-40, -1e-310, 3e38, -3e38, 1e300}
		for i := range v {
			if i%13 == 5 {
				v[i] = sp[(i/13+int(seed))%len(sp)]
			}
		}
	}
	out := tensor.New(dt, shape.Shape(s))
	tensor.Convert(out, tensor.FromSlice(v, s...))
	return out
}

// ewSizes are the lengths every elementwise kernel is tested on: empty, single, around the
// unrolling and vector widths, and past the threading threshold.
var ewSizes = []int{0, 1, 7, 8, 9, 31, 65, 1<<16 + 3}

var ewFloatTypes = []dtype.DType{dtype.Float32, dtype.Float64}
