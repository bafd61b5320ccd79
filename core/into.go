package core

import (
	"reflect"

	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/tensor"
)

// ApplyInto runs op eagerly on concrete inputs writing into the caller's outputs instead of new
// tensors — PyTorch's out= — so that a loop can reuse its buffers: no allocation, no freshly
// touched pages, and for elementwise ops and those declared to overwrite their outputs no
// clearing either (other ops' outputs are cleared first, since their kernels may accumulate). It panics with an
// *Error naming the op when an input is symbolic or tracked for gradients (an output written in
// place has no gradient record), when an output's dtype or shape differs from what the op
// computes, or when an output overlaps an input — except that an elementwise op may write over
// an input of the output's shape, each element being read before it is written.
func ApplyInto(op *Op, params any, out []*tensor.Tensor, in ...*tensor.Tensor) {
	specs := make([]Spec, len(in))
	for i, t := range in {
		if t == nil {
			errs.Panic(op.name, "input %d is nil", i)
		}
		if t.Released() {
			errs.Panic(op.name, "input %d (%s%v) was released", i, t.DType(), t.Shape())
		}
		if t.IsSymbolic() {
			errs.Panic(op.name, "writing into given outputs needs concrete inputs; input %d is symbolic (in a traced function, call the op itself)", i)
		}
		if t.Node() != nil && !op.notDifferentiable {
			errs.Panic(op.name, "input %d is tracked for gradients; writing into given outputs records no gradient (call the op itself)", i)
		}
		specs[i] = SpecOf(t)
	}
	outSpecs, err := op.infer(params, specs)
	if err != nil {
		panic(errs.Wrap(op.name, err))
	}
	if len(out) != len(outSpecs) {
		errs.Panic(op.name, "%d outputs given, the op has %d", len(out), len(outSpecs))
	}
	for i, o := range out {
		if o == nil || o.IsSymbolic() || o.Released() {
			errs.Panic(op.name, "output %d must be a concrete tensor that was not released", i)
		}
		if got := SpecOf(o); got.DType != outSpecs[i].DType || !got.Shape.Equal(outSpecs[i].Shape) {
			errs.Panic(op.name, "output %d is %v, the op computes %v", i, got, outSpecs[i])
		}
		if o.Mutable() {
			errs.Panic(op.name, "output %d is a variable's storage; assign to the variable instead", i)
		}
		for j, t := range in {
			same, overlap := storageOverlap(o, t)
			if overlap && !(same && op.elementwise && t.Shape().Equal(o.Shape())) {
				errs.Panic(op.name, "output %d overlaps input %d (%v); only an elementwise op may write over an input of the output's shape", i, j, SpecOf(t))
			}
		}
		for j := range i {
			if _, overlap := storageOverlap(o, out[j]); overlap {
				errs.Panic(op.name, "outputs %d and %d overlap", j, i)
			}
		}
	}
	if op.view {
		errs.Panic(op.name, "is a view op: its output shares the input's storage, there is nothing to write")
	}
	k, err := op.Select(specs, outSpecs)
	if err != nil {
		panic(errs.Wrap(op.name, trimOp(op.name, err)))
	}
	if !op.overwrites {
		for _, o := range out {
			clearStorage(o)
		}
	}
	if err := k(params, in, out); err != nil {
		panic(errs.Wrap(op.name, err))
	}
}

// storageOverlap reports whether the storage of a and b is the same slice (same start and length)
// and whether it overlaps at all.
func storageOverlap(a, b *tensor.Tensor) (same, overlap bool) {
	ra, rb := reflect.ValueOf(a.Raw()), reflect.ValueOf(b.Raw())
	if ra.Len() == 0 || rb.Len() == 0 {
		return false, false
	}
	pa, pb := ra.Pointer(), rb.Pointer()
	ea := pa + uintptr(ra.Len())*ra.Type().Elem().Size()
	eb := pb + uintptr(rb.Len())*rb.Type().Elem().Size()
	return pa == pb && ea == eb, pa < eb && pb < ea
}

// clearStorage sets every element of t to zero.
func clearStorage(t *tensor.Tensor) {
	v := reflect.ValueOf(t.Raw())
	v.Clear()
}
