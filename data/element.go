package data

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Element is one item of a [Dataset]: a single tensor, a tuple of tensors, or a named
// map of tensors (features and a label, for example).
//
// Tensors holds the components in order. Names is nil for a single tensor or a tuple;
// for a named element it holds one distinct name per tensor, in a fixed order (the
// column order of a CSV file, the sorted keys of a map given to [Named]). Transforms
// keep the names of their input.
//
// Elements are values: a transform never changes the tensors it is given, and code that
// receives an element must not change its tensors' data either, since a cached or
// repeated dataset may hand the same tensors out again. Map functions build new tensors.
//
// An element made by a dataset that recycles memory ([Dataset.ParseExampleBatch]) can
// be handed back with [Element.Release] once its consumer is done with it.
type Element struct {
	Tensors []*tensor.Tensor
	Names   []string

	// rel hands the tensors' memory back to the dataset that made them; nil for most
	// elements, and dropped by every transform that makes new elements or may hand
	// the same element out twice.
	rel *releaser
}

// releaser hands the memory of one element back for reuse, once. Each element has its
// own, so that releasing a stale copy of an element whose memory was reused since does
// nothing.
type releaser struct {
	done atomic.Bool
	mem  recycler
}

// recycler is memory that goes back to where it came from for reuse.
type recycler interface{ recycle() }

// Release hands the memory of e's tensors back to the dataset that made them, which
// reuses it for the elements it makes later, so that a pipeline whose consumer releases
// each batch when done with it (after the training step) allocates next to nothing per
// batch. Only [Dataset.ParseExample] and [Dataset.ParseExampleBatch] recycle memory so
// far, and only for their FixedLen features. Their elements stay releasable through
// the transforms that hand each element on once and unchanged ([Dataset.Prefetch],
// [Dataset.Shuffle], [Dataset.Take], [Dataset.Filter], [Dataset.Repeat], a map
// function that returns its input...), not through those that build new elements
// ([Dataset.Batch], [Element.Split]) or may hand one out twice ([Dataset.Cache],
// [FromElements]). For any other element Release does nothing, as it does for an
// element released already (or a copy of one). An element that is never released is
// never overwritten.
//
// After Release, neither e nor any tensor sharing memory with its tensors (the results
// of [Element.Split], reshapes) may be used: later elements overwrite their values.
func (e Element) Release() {
	if e.rel != nil && e.rel.done.CompareAndSwap(false, true) {
		e.rel.mem.recycle()
	}
}

// kept returns e without the ability to be released, for a dataset that keeps e to hand
// it out again (a cache, a list of elements): releasing one pass's element must not
// overwrite the next pass's.
func (e Element) kept() Element {
	e.rel = nil
	return e
}

// Single returns an element holding one tensor.
func Single(t *tensor.Tensor) Element { return Element{Tensors: []*tensor.Tensor{t}} }

// Tuple returns an element holding the given tensors in order.
func Tuple(ts ...*tensor.Tensor) Element { return Element{Tensors: ts} }

// Named returns a named element holding the tensors of m, ordered by name.
func Named(m map[string]*tensor.Tensor) Element {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	ts := make([]*tensor.Tensor, len(names))
	for i, k := range names {
		ts[i] = m[k]
	}
	return Element{Tensors: ts, Names: names}
}

// Len returns the number of tensors in e.
func (e Element) Len() int { return len(e.Tensors) }

// IsNamed reports whether e's tensors have names.
func (e Element) IsNamed() bool { return e.Names != nil }

// Tensor returns the first tensor of e, the whole of a single-tensor element, or nil if e
// is empty.
func (e Element) Tensor() *tensor.Tensor {
	if len(e.Tensors) == 0 {
		return nil
	}
	return e.Tensors[0]
}

// At returns the i-th tensor of e. It panics if i is out of range.
func (e Element) At(i int) *tensor.Tensor { return e.Tensors[i] }

// Get returns the tensor named name, or nil if e has no such tensor.
func (e Element) Get(name string) *tensor.Tensor {
	if i := slices.Index(e.Names, name); i >= 0 {
		return e.Tensors[i]
	}
	return nil
}

// Map returns e's tensors by name; an unnamed element's tensors are keyed "0", "1", ...
func (e Element) Map() map[string]*tensor.Tensor {
	m := make(map[string]*tensor.Tensor, len(e.Tensors))
	for i, t := range e.Tensors {
		m[e.name(i)] = t
	}
	return m
}

// Split returns e without the tensor named label, and that tensor: the (features, label)
// pair a model's Fit consumes. The label is nil if e has no tensor of that name.
func (e Element) Split(label string) (features Element, y *tensor.Tensor) {
	i := slices.Index(e.Names, label)
	if i < 0 {
		return e, nil
	}
	return Element{
		Tensors: slices.Delete(slices.Clone(e.Tensors), i, i+1),
		Names:   slices.Delete(slices.Clone(e.Names), i, i+1),
	}, e.Tensors[i]
}

// name returns the name of component i, or its index as text for an unnamed element.
func (e Element) name(i int) string {
	if e.Names != nil {
		return e.Names[i]
	}
	return fmt.Sprint(i)
}

// with returns an element with e's names (if any) and the tensors ts.
func (e Element) with(ts []*tensor.Tensor) Element { return Element{Tensors: ts, Names: e.Names} }

// String formats e as "(t0, t1)" or "{name: t, ...}" with each tensor printed on one
// line as dtype, shape and values.
func (e Element) String() string {
	var b strings.Builder
	open, end := "(", ")"
	if e.IsNamed() {
		open, end = "{", "}"
	}
	b.WriteString(open)
	for i, t := range e.Tensors {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsNamed() {
			b.WriteString(e.Names[i] + ": ")
		}
		b.WriteString(strings.Join(strings.Fields(t.String()), " "))
	}
	b.WriteString(end)
	return b.String()
}

// TensorSpec describes one component of the elements of a dataset: its element type and
// its shape, in which [shape.Unknown] marks a dimension whose size varies (a batch
// dimension, the length of a text line).
type TensorSpec struct {
	DType dtype.DType
	Shape shape.Shape
}

// String formats s as "float32[? 784]".
func (s TensorSpec) String() string { return s.DType.String() + s.Shape.String() }

// matches reports whether t has s's dtype and a shape that s allows.
func (s TensorSpec) matches(t *tensor.Tensor) bool {
	if t.DType() != s.DType || t.Rank() != len(s.Shape) {
		return false
	}
	for i, d := range s.Shape {
		if d != shape.Unknown && d != t.Shape()[i] {
			return false
		}
	}
	return true
}

// merge returns the most specific spec that allows both s and o (dimensions that differ
// become unknown), and false if their dtypes or ranks differ.
func (s TensorSpec) merge(o TensorSpec) (TensorSpec, bool) {
	if s.DType != o.DType || len(s.Shape) != len(o.Shape) {
		return TensorSpec{}, false
	}
	out := TensorSpec{DType: s.DType, Shape: s.Shape.Clone()}
	for i, d := range o.Shape {
		if d != out.Shape[i] {
			out.Shape[i] = shape.Unknown
		}
	}
	return out, true
}

// Spec describes the elements of a dataset without iterating it: one [TensorSpec] per
// component and, for named elements, the names.
type Spec struct {
	Tensors []TensorSpec
	Names   []string
}

// SpecOf returns the spec of e: its tensors' dtypes and exact shapes.
func SpecOf(e Element) Spec {
	s := Spec{Tensors: make([]TensorSpec, len(e.Tensors)), Names: slices.Clone(e.Names)}
	for i, t := range e.Tensors {
		s.Tensors[i] = TensorSpec{DType: t.DType(), Shape: t.Shape().Clone()}
	}
	return s
}

// Len returns the number of components.
func (s Spec) Len() int { return len(s.Tensors) }

// Get returns the spec of the component named name and whether there is one.
func (s Spec) Get(name string) (TensorSpec, bool) {
	if i := slices.Index(s.Names, name); i >= 0 {
		return s.Tensors[i], true
	}
	return TensorSpec{}, false
}

// String formats s as "(float32[? 784], int64[?])" or "{x: float32[? 784], y: int64[?]}".
func (s Spec) String() string {
	var b strings.Builder
	open, end := "(", ")"
	if s.Names != nil {
		open, end = "{", "}"
	}
	b.WriteString(open)
	for i, t := range s.Tensors {
		if i > 0 {
			b.WriteString(", ")
		}
		if s.Names != nil {
			b.WriteString(s.Names[i] + ": ")
		}
		b.WriteString(t.String())
	}
	b.WriteString(end)
	return b.String()
}

// Check returns an error if e does not have s's structure, names, dtypes and shapes.
func (s Spec) Check(e Element) error {
	if len(e.Tensors) != len(s.Tensors) {
		return fmt.Errorf("data: element has %d tensors, spec %v has %d", len(e.Tensors), s, len(s.Tensors))
	}
	if (e.Names == nil) != (s.Names == nil) || (s.Names != nil && !slices.Equal(e.Names, s.Names)) {
		return fmt.Errorf("data: element names %q do not match spec %v", e.Names, s)
	}
	for i, t := range e.Tensors {
		if t == nil {
			return fmt.Errorf("data: component %s of the element is nil", e.name(i))
		}
		if !s.Tensors[i].matches(t) {
			return fmt.Errorf("data: component %s is %s%v, spec wants %v", e.name(i), t.DType(), t.Shape(), s.Tensors[i])
		}
	}
	return nil
}

// merge returns the most specific spec allowing both s and o, or an error if their
// structures, names or dtypes differ.
func (s Spec) merge(o Spec) (Spec, error) {
	if len(s.Tensors) != len(o.Tensors) || (s.Names == nil) != (o.Names == nil) || !slices.Equal(s.Names, o.Names) {
		return Spec{}, fmt.Errorf("data: incompatible element specs %v and %v", s, o)
	}
	out := Spec{Tensors: make([]TensorSpec, len(s.Tensors)), Names: slices.Clone(s.Names)}
	for i := range s.Tensors {
		m, ok := s.Tensors[i].merge(o.Tensors[i])
		if !ok {
			return Spec{}, fmt.Errorf("data: incompatible element specs %v and %v", s, o)
		}
		out.Tensors[i] = m
	}
	return out, nil
}

// mapShapes returns s with every component's shape replaced by f(shape).
func (s Spec) mapShapes(f func(shape.Shape) shape.Shape) Spec {
	out := Spec{Tensors: make([]TensorSpec, len(s.Tensors)), Names: s.Names}
	for i, t := range s.Tensors {
		out.Tensors[i] = TensorSpec{DType: t.DType, Shape: f(t.Shape)}
	}
	return out
}

// componentName returns the name of component i, or its index as text.
func (s Spec) componentName(i int) string {
	if s.Names != nil {
		return s.Names[i]
	}
	return fmt.Sprint(i)
}

// keptElements returns a copy of elems, none of which can be released.
func keptElements(elems []Element) []Element {
	out := make([]Element, len(elems))
	for i, e := range elems {
		out[i] = e.kept()
	}
	return out
}
