package data

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// FromTensors returns a dataset of one element holding the given tensors (as a single
// tensor or a tuple), like tf.data.Dataset.from_tensors.
func FromTensors(ts ...*tensor.Tensor) *Dataset {
	return FromElements(Tuple(ts...))
}

// FromElements returns a dataset of the given elements, which must share one structure
// and dtypes; the spec marks dimensions that differ between elements as unknown. An
// empty list gives an empty dataset with an empty spec.
func FromElements(elems ...Element) *Dataset {
	var spec Spec
	for i, e := range elems {
		for j, t := range e.Tensors {
			if t == nil {
				return errorf("from elements: component %s of element %d is nil", e.name(j), i)
			}
		}
		if i == 0 {
			spec = SpecOf(e)
			continue
		}
		m, err := spec.merge(SpecOf(e))
		if err != nil {
			return errorf("from elements: element %d is %v, element 0 is %v", i, SpecOf(e), SpecOf(elems[0]))
		}
		spec = m
	}
	elems = keptElements(elems)
	return newDataset(spec, int64(len(elems)), func(ctx context.Context, yield func(Element, error) bool) {
		for _, e := range elems {
			if ctxDone(ctx, yield) || !yield(e, nil) {
				return
			}
		}
	})
}

// FromTensorSlices returns a dataset whose i-th element holds row i of each tensor (its
// slice along the first dimension), like tf.data.Dataset.from_tensor_slices. With one
// tensor the elements are single tensors, with several they are tuples. Every tensor
// must have rank at least 1 and the same first dimension. Each element is a copy, so
// the tensors may be changed after the call.
func FromTensorSlices(ts ...*tensor.Tensor) *Dataset {
	return slicesOf(Tuple(ts...))
}

// FromNamedSlices is [FromTensorSlices] for named elements: the i-th element maps each
// name to row i of its tensor.
func FromNamedSlices(m map[string]*tensor.Tensor) *Dataset {
	return slicesOf(Named(m))
}

func slicesOf(e Element) *Dataset {
	if e.Len() == 0 {
		return errorf("from tensor slices: no tensors")
	}
	n := -1
	for i, t := range e.Tensors {
		if t == nil || t.Rank() == 0 {
			return errorf("from tensor slices: component %s is a scalar or nil; slicing needs rank >= 1", e.name(i))
		}
		if n >= 0 && t.Dim(0) != n {
			return errorf("from tensor slices: component %s has %d rows, component %s has %d", e.name(i), t.Dim(0), e.name(0), n)
		}
		n = t.Dim(0)
	}
	src := e.with(slices.Clone(e.Tensors))
	for i, t := range src.Tensors {
		src.Tensors[i] = t.Clone()
	}
	spec := SpecOf(src).mapShapes(func(s shape.Shape) shape.Shape { return s[1:] })
	return newDataset(spec, int64(n), func(ctx context.Context, yield func(Element, error) bool) {
		for i := range n {
			ts := make([]*tensor.Tensor, src.Len())
			for j, t := range src.Tensors {
				ts[j] = row(t, i)
			}
			if ctxDone(ctx, yield) || !yield(src.with(ts), nil) {
				return
			}
		}
	})
}

// FromSlice returns a dataset of scalar tensors, one per value of v.
func FromSlice[T dtype.Elem](v []T) *Dataset {
	return FromTensorSlices(tensor.FromSlice(v))
}

// Range returns a dataset of the int64 scalars start, start+step, ... up to but not
// including stop, like Python's range. A step of zero is an error.
func Range(start, stop, step int64) *Dataset {
	if step == 0 {
		return errorf("range: step is 0")
	}
	var n int64
	if step > 0 && stop > start {
		n = (stop - start + step - 1) / step
	} else if step < 0 && stop < start {
		n = (start - stop - step - 1) / -step
	}
	spec := Spec{Tensors: []TensorSpec{{DType: dtype.Int64, Shape: shape.Shape{}}}}
	return newDataset(spec, n, func(ctx context.Context, yield func(Element, error) bool) {
		for i := range n {
			if ctxDone(ctx, yield) || !yield(Single(scalarInt64(start+i*step)), nil) {
				return
			}
		}
	})
}

// Generator returns a dataset whose passes each call gen and yield what its sequence
// yields, like tf.data.Dataset.from_generator. spec describes the elements (use
// [shape.Unknown] for sizes that vary); an element that does not fit it becomes an error
// naming the element's index. gen is called once per pass, possibly on another
// goroutine than the one iterating, and its sequence must honour a false return of yield.
func Generator(spec Spec, gen func(ctx context.Context) iter.Seq2[Element, error]) *Dataset {
	if gen == nil {
		return errorf("generator: nil function")
	}
	return newDataset(spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		i := 0
		for e, err := range gen(ctx) {
			if err == nil {
				if cerr := spec.Check(e); cerr != nil {
					err = fmt.Errorf("data: generator element %d: %s", i, trimPrefix(cerr))
					e = Element{}
				}
			}
			i++
			if ctxDone(ctx, yield) || !yield(e, err) {
				return
			}
		}
	})
}
