package conformance

import (
	"fmt"
	"math"
	"runtime/debug"
	"strings"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// guardLen is the number of guard elements on each side of every input and output: more than
// the widest vector register holds elements of the smallest dtype (64 int8 lanes of AVX-512),
// so that a vector tail writing or reading one register too far lands in the guard.
const guardLen = 64

// banded is a tensor placed inside a larger buffer whose other elements are guards: NaN with a
// recognisable payload for floats (a kernel that reads them makes NaN appear in its results),
// 0xA5 bytes for integers and true for bool.
type banded struct {
	buf  *tensor.Tensor // the whole buffer, one-dimensional
	view *tensor.Tensor // the tensor the kernel sees, sharing buf's elements lead to lead+n
	lead int
	snap any // a copy of buf's elements when the kernel was called
}

// newBanded returns a zero-filled tensor of dtype dt and shape s inside guards. lead - guardLen
// extra elements come first, so that offsets vary the view's alignment.
func newBanded(dt dtype.DType, s shape.Shape, lead int) *banded {
	n := s.Size()
	buf := tensor.New(dt, shape.Shape{lead + n + guardLen})
	fillGuard(buf)
	view := buf.Flat(lead, lead+n)
	zero := tensor.New(dt, shape.Shape{n})
	tensor.Convert(view, zero)
	return &banded{buf: buf, view: view.Reshape(s...), lead: lead}
}

// bandedCopy returns a copy of t inside guards.
func bandedCopy(t *tensor.Tensor, lead int) *banded {
	b := newBanded(t.DType(), t.Shape(), lead)
	tensor.Convert(b.view, t)
	return b
}

// fillGuard fills every element of the one-dimensional t with the guard value of its dtype.
func fillGuard(t *tensor.Tensor) {
	switch d := t.Raw().(type) {
	case []bool:
		fill(d, true)
	case []uint8:
		fill(d, 0xA5)
	case []int8:
		fill(d, -0x5B) // 0xA5
	case []int32:
		fill(d, -0x5A5A5A5B) // 0xA5A5A5A5
	case []int64:
		fill(d, -0x5A5A5A5A5A5A5A5B) // 0xA5A5A5A5A5A5A5A5
	case []dtype.F16:
		fill(d, dtype.F16FromBits(0x7EA5)) // quiet NaN, payload 0xA5
	case []dtype.BF16:
		fill(d, dtype.BF16FromBits(0x7FE5))
	case []float32:
		fill(d, math.Float32frombits(0x7FE5A5A5))
	case []float64:
		fill(d, math.Float64frombits(0x7FFDA5A5A5A5A5A5))
	}
}

func fill[T any](d []T, v T) {
	for i := range d {
		d[i] = v
	}
}

// snapshot records the buffer's elements.
func (b *banded) snapshot() { b.snap = b.buf.Clone().Raw() }

// changed returns where the buffer differs from its snapshot: "" when nowhere, else which
// element of the view (or which guard) changed first. With guardsOnly the view itself may change.
func (b *banded) changed(guardsOnly bool) string {
	n := b.view.Size()
	for e := firstDiff(b.buf.Raw(), b.snap, 0); e >= 0; e = firstDiff(b.buf.Raw(), b.snap, e+1) {
		switch {
		case e < b.lead:
			return fmt.Sprintf("guard element %d before it", b.lead-e)
		case e >= b.lead+n:
			return fmt.Sprintf("guard element %d after it", e-b.lead-n+1)
		case !guardsOnly:
			return fmt.Sprintf("element %d", e-b.lead)
		case e < b.lead+n:
			e = b.lead + n - 1 // the view may change: skip to the guard after it
		}
	}
	return ""
}

// firstDiff returns the first index from i on where the bits of the elements of a and b (slices
// of one type and length) differ, or -1.
func firstDiff(a, b any, i int) int {
	switch a := a.(type) {
	case []bool:
		return diffFrom(a, b.([]bool), i, func(v bool) bool { return v })
	case []uint8:
		return diffFrom(a, b.([]uint8), i, func(v uint8) uint8 { return v })
	case []int8:
		return diffFrom(a, b.([]int8), i, func(v int8) int8 { return v })
	case []int32:
		return diffFrom(a, b.([]int32), i, func(v int32) int32 { return v })
	case []int64:
		return diffFrom(a, b.([]int64), i, func(v int64) int64 { return v })
	case []dtype.F16:
		return diffFrom(a, b.([]dtype.F16), i, func(v dtype.F16) dtype.F16 { return v })
	case []dtype.BF16:
		return diffFrom(a, b.([]dtype.BF16), i, func(v dtype.BF16) dtype.BF16 { return v })
	case []float32:
		return diffFrom(a, b.([]float32), i, math.Float32bits)
	case []float64:
		return diffFrom(a, b.([]float64), i, math.Float64bits)
	}
	return -1
}

func diffFrom[T any, B comparable](a, b []T, i int, bits func(T) B) int {
	for ; i < len(a); i++ {
		if bits(a[i]) != bits(b[i]) {
			return i
		}
	}
	return -1
}

// result is what running one kernel on one case gave.
type result struct {
	out      []*tensor.Tensor
	err      error
	panicked bool
	problems []string // broken contracts: panics, writes to inputs or guards, replaced outputs
}

// execute runs kernel k of op on a copy of c's inputs placed in guard bands, writing into
// zero-filled outputs of the given specs placed in guard bands, and checks that it kept its
// contract. lead sets the views' alignment.
func execute(op *core.Op, k core.KernelInfo, c Case, specs []core.Spec, lead int) result {
	ins := make([]*banded, len(c.Inputs))
	args := make([]*tensor.Tensor, len(c.Inputs))
	for i, t := range c.Inputs {
		ins[i] = bandedCopy(t, guardLen+lead%4)
		ins[i].snapshot()
		args[i] = ins[i].view
	}
	outs := make([]*banded, len(specs))
	res := result{out: make([]*tensor.Tensor, len(specs))}
	for i, s := range specs {
		outs[i] = newBanded(s.DType, s.Shape, guardLen+(lead+1+i)%4)
		if op.Overwrites() {
			// Kernels of elementwise ops and of ops declared to overwrite their outputs write
			// every output element (eager execution hands them uninitialised pooled memory,
			// graphs and core.ApplyInto skip clearing): start from the guard pattern, which a
			// skipped element would keep.
			fillGuard(outs[i].view.Reshape(s.Shape.Size()))
		}
		outs[i].snapshot()
		res.out[i] = outs[i].view
	}
	outArgs := append([]*tensor.Tensor(nil), res.out...)
	params := fmt.Sprintf("%#v", c.Params)
	res.err, res.panicked = call(func() error { return core.RunInto(op, k.Run, c.Params, args, outArgs) })
	if res.panicked {
		res.problems = append(res.problems, res.err.Error())
	}
	if now := fmt.Sprintf("%#v", c.Params); now != params {
		// Params are shared: a graph keeps them for every run of its node.
		res.problems = append(res.problems, fmt.Sprintf("changed its params from %s to %s", params, now))
	}
	for i, b := range ins {
		if w := b.changed(false); w != "" {
			res.problems = append(res.problems, fmt.Sprintf("wrote input %d (%v): %s changed", i, c.Inputs[i].Shape(), w))
		}
	}
	for i, b := range outs {
		if w := b.changed(true); w != "" {
			res.problems = append(res.problems, fmt.Sprintf("wrote outside output %d (%v): %s changed", i, specs[i], w))
		}
		if outArgs[i] != res.out[i] || !core.SpecOf(outArgs[i]).Shape.Equal(specs[i].Shape) || outArgs[i].DType() != specs[i].DType {
			res.problems = append(res.problems, fmt.Sprintf("replaced output %d (want %v, the inferred spec)", i, specs[i]))
		}
	}
	return res
}

// call runs f, turning a panic into an error with the frames where it happened.
func call(f func() error) (err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panicked: %v\n%s", r, panicFrames(debug.Stack())), true
		}
	}()
	return f(), false
}

// panicFrames returns the first frames of a goroutine's stack below the call to panic: where
// the kernel failed, without the suite's own frames above it.
func panicFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			lines = lines[i+2:]
			break
		}
	}
	return strings.Join(lines[:min(len(lines), 8)], "\n")
}

// apply runs op's public entry, core.Apply, and returns its outputs, or the value it panicked
// with.
func apply(op *core.Op, c Case) (out []*tensor.Tensor, panicked any) {
	defer func() { panicked = recover() }()
	return core.Apply(op, c.Params, c.Inputs...), nil
}
