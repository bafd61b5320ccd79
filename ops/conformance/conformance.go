package conformance

import (
	"fmt"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Class is a family of input shapes that every kernel must handle.
type Class string

// The shape classes.
const (
	// Scalar inputs have rank 0 (or, for ops that need a rank, the smallest shape they take).
	Scalar Class = "scalar"
	// Empty inputs have a dimension of size 0.
	Empty Class = "empty"
	// Broadcast inputs have size-1 and missing leading dimensions.
	Broadcast Class = "broadcast"
	// Odd inputs have 1, 7, 9, 31 or 65 elements along the last axis: every vector tail.
	Odd Class = "odd"
	// Large inputs have tens of thousands of elements, past any small-size fast path and
	// across the blocks of a parallel kernel.
	Large Class = "large"
)

// Classes lists every shape class.
var Classes = []Class{Scalar, Empty, Broadcast, Odd, Large}

// LargeSize is the number of elements of the large elementwise cases: 2^16 + 3, so that no
// block or vector size divides it.
const LargeSize = 1<<16 + 3

// Case is one application of an op to concrete inputs. Cases are built once and shared: the
// suite never modifies Inputs, and callers must not either.
type Case struct {
	// Name identifies the case within its op: dtype, class and a number, then the input shapes
	// ("float32/odd/3 [7],[7]"), and the builder's note if any.
	Name string
	// Class is the shape class the case belongs to.
	Class Class
	// DType is the dtype that selects the kernel.
	DType dtype.DType
	// Params are the op's params (a value of its params type).
	Params any
	// Inputs are the op's inputs.
	Inputs []*tensor.Tensor
	// Terms is the number of rounding steps behind one output element: the length of the
	// reduction it folds (a matmul's inner dimension), or a factor for an ill-conditioned
	// function. Float tolerances scale with it; 0 means 1.
	Terms int
	// Exact requires every kernel to give the reference's values exactly (NaN matching NaN and
	// the sign of zero kept) for ops that move or select elements without arithmetic.
	Exact bool
	// WantErr says the inputs hold a data-dependent mistake (an index out of range) that every
	// kernel must report as an error, and the op's function as a panic with a *core.Error.
	WantErr bool
	// note is the builder's description, appended to Name.
	note string
	// late marks an illegal case that inference may accept and kernel selection rejects.
	late bool
}

// Builder makes the cases of one op. Register one for every op declared outside package ops.
type Builder struct {
	// Cases returns the legal cases of the op for kernel dtype dt in shape class c (none where
	// the class does not apply), drawing inputs from g. The suite fills in Name, Class and DType.
	Cases func(g *Gen, dt dtype.DType, c Class) []Case
	// Illegal returns cases whose shapes, dtypes or params the op must reject: its public
	// function must panic with a *core.Error. The suite adds generic ones (a missing or extra
	// input, params of the wrong type, a dtype without a kernel).
	Illegal func(g *Gen) []Case
	// Variadic says the op takes any number of inputs, so an extra one is no mistake.
	Variadic bool
}

var (
	buildersMu sync.RWMutex
	builders   = map[string]Builder{}
)

// Register sets the case builder of the op named name, replacing any before it. Packages that
// declare ops outside package ops call it (from a test's init, say) before [Run].
func Register(name string, b Builder) {
	buildersMu.Lock()
	defer buildersMu.Unlock()
	builders[name] = b
}

func builderOf(name string) (Builder, bool) {
	buildersMu.RLock()
	defer buildersMu.RUnlock()
	b, ok := builders[name]
	return b, ok
}

// HasCases reports whether the op has a case builder.
func HasCases(op *core.Op) bool {
	_, ok := builderOf(op.Name())
	return ok
}

// Cases returns the legal cases of op: every dtype it declares in every shape class, with
// inputs drawn from a generator seeded by the op's name, so every call gives equal cases. It
// returns nil for an op without a builder. Other packages use it to run the same inputs another
// way (compiled graphs against eager calls, imported models against their source).
func Cases(op *core.Op) []Case {
	var out []Case
	for _, dt := range op.DTypes() {
		for _, c := range Classes {
			out = append(out, casesOf(op, dt, c)...)
		}
	}
	return out
}

// casesOf returns the cases of op for one dtype and class, named.
func casesOf(op *core.Op, dt dtype.DType, c Class) []Case {
	b, ok := builderOf(op.Name())
	if !ok || b.Cases == nil {
		return nil
	}
	g := newGen(op.Name() + "/" + dt.String() + "/" + string(c))
	cs := b.Cases(g, dt, c)
	for i := range cs {
		cs[i].Class, cs[i].DType = c, dt
		cs[i].Name = fmt.Sprintf("%s/%s/%d %s", dt, c, i, shapesOf(cs[i].Inputs))
		if cs[i].note != "" {
			cs[i].Name += " " + cs[i].note
		}
	}
	return cs
}

// IllegalCases returns the cases op must reject with a *core.Error: its builder's and the
// generic ones.
func IllegalCases(op *core.Op) []Case {
	b, ok := builderOf(op.Name())
	if !ok {
		return nil
	}
	g := newGen(op.Name() + "/illegal")
	var out []Case
	if b.Illegal != nil {
		out = b.Illegal(g)
	}
	out = append(out, genericIllegal(op, b)...)
	for i := range out {
		out[i].Name = fmt.Sprintf("illegal/%d %s", i, shapesOf(out[i].Inputs))
		if out[i].note != "" {
			out[i].Name += " " + out[i].note
		}
	}
	return out
}

// wrongParams is a params type no op has.
type wrongParams struct{ Conformance int }

// genericIllegal derives mistakes from the op's first legal case: an input too few or too
// many, params of a type the op does not take, and inputs of a dtype without a kernel.
func genericIllegal(op *core.Op, b Builder) []Case {
	first, ok := firstCase(op)
	if !ok {
		return nil
	}
	in := first.Inputs
	out := []Case{{Params: wrongParams{}, Inputs: in, note: "params of the wrong type"}}
	if !b.Variadic && len(in) > 0 {
		out = append(out, Case{Params: first.Params, Inputs: in[:len(in)-1], note: "an input missing"})
	}
	if !b.Variadic {
		extra := append(append([]*tensor.Tensor{}, in...), scalarOf(first.DType))
		out = append(out, Case{Params: first.Params, Inputs: extra, note: "an extra input"})
	}
	if dt, ok := dtypeWithoutKernel(op); ok && len(in) > 0 {
		conv := make([]*tensor.Tensor, len(in))
		for i, t := range in {
			conv[i] = t
			if t.DType() == first.DType {
				conv[i] = convert(t, dt)
			}
		}
		out = append(out, Case{Params: first.Params, Inputs: conv, late: true,
			note: "inputs of " + dt.String() + ", which has no kernel"})
	}
	return out
}

// firstCase returns a small legal case of op, preferring the odd class.
func firstCase(op *core.Op) (Case, bool) {
	for _, c := range []Class{Odd, Broadcast, Scalar} {
		for _, dt := range op.DTypes() {
			if cs := casesOf(op, dt, c); len(cs) > 0 && !cs[0].WantErr {
				return cs[0], true
			}
		}
	}
	return Case{}, false
}

// dtypeWithoutKernel returns a dtype op has no kernel for, if any, preferring a common one.
func dtypeWithoutKernel(op *core.Op) (dtype.DType, bool) {
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Int32, dtype.Bool, dtype.Float64, dtype.Uint8} {
		if len(op.Kernels(dt)) == 0 && !op.IsView() {
			return dt, true
		}
	}
	return dtype.Invalid, false
}

// shapesOf formats the inputs' shapes as "[2 3],[3]".
func shapesOf(in []*tensor.Tensor) string {
	s := make([]string, len(in))
	for i, t := range in {
		s[i] = t.Shape().String()
	}
	if len(s) == 0 {
		return "()"
	}
	return strings.Join(s, ",")
}

// hash64 returns the FNV-1a hash of s, the seed of its generator.
func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
