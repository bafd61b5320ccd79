package data

import (
	"context"
	"fmt"

	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// batchCard returns the number of batches of size n made from card elements.
func batchCard(card int64, n int, drop bool) int64 {
	if card < 0 {
		return card
	}
	if drop {
		return card / int64(n)
	}
	return (card + int64(n) - 1) / int64(n)
}

// batchSpec returns the spec of batches of n elements of spec s: a new first dimension,
// of size n when every batch is full, unknown otherwise.
func batchSpec(s Spec, n int, drop bool) Spec {
	first := shape.Unknown
	if drop {
		first = n
	}
	return s.mapShapes(func(sh shape.Shape) shape.Shape {
		return append(shape.Shape{first}, sh...)
	})
}

// Batch returns a dataset of batches of n consecutive elements of d, each component
// stacked along a new first axis, like tf.data.Dataset.batch. Every element of a batch
// must have the same shapes; a mismatch is an error naming the element and both shapes
// (use [Dataset.PaddedBatch] for varying shapes). The last batch may be smaller unless
// [DropRemainder] is given. An error from d is yielded in place of the batch it falls
// in, whose elements are dropped, and batching goes on after it.
func (d *Dataset) Batch(n int, opts ...Option) *Dataset {
	if n <= 0 {
		return errorf("batch: size %d, want > 0", n)
	}
	o := newOptions(opts)
	return d.groups(n, o.dropRemainder, batchSpec(d.spec, n, o.dropRemainder), func(elems []Element, first int) (Element, error) {
		return stackElements(elems, "batch", first)
	})
}

// PaddedBatch is [Dataset.Batch] for elements whose shapes vary: each component is padded
// at the end of every dimension to the largest size in the batch (or to the size given
// by [PaddedShape]) with the [PadValue] (default 0). Elements must agree in dtype and
// rank. Options: [DropRemainder], [PadValue], [PaddedShape].
func (d *Dataset) PaddedBatch(n int, opts ...Option) *Dataset {
	if n <= 0 {
		return errorf("padded batch: size %d, want > 0", n)
	}
	o := newOptions(opts)
	spec := d.spec.mapShapes(func(sh shape.Shape) shape.Shape { return sh.Clone() })
	for i, dims := range o.padShapes {
		if i < 0 || (spec.Tensors != nil && (i >= len(spec.Tensors) || len(dims) != len(spec.Tensors[i].Shape))) {
			return errorf("padded batch: padded shape %v for component %d does not fit spec %v", dims, i, d.spec)
		}
		if spec.Tensors != nil {
			spec.Tensors[i].Shape = shape.Shape(dims).Clone()
		}
	}
	return d.groups(n, o.dropRemainder, batchSpec(spec, n, o.dropRemainder), func(elems []Element, first int) (Element, error) {
		return padStack(elems, o, first)
	})
}

// padStack pads every component of elems to a common shape and stacks them.
func padStack(elems []Element, o options, first int) (Element, error) {
	n := elems[0].Len()
	padded := make([]Element, len(elems))
	for j, e := range elems {
		if e.Len() != n {
			return Element{}, fmt.Errorf("data: padded batch: element %d has %d tensors, element %d has %d", first+j, e.Len(), first, n)
		}
		padded[j] = e.with(make([]*tensor.Tensor, n))
	}
	for c := range n {
		dims, err := padTarget(elems, c, o.padShapes[c], first)
		if err != nil {
			return Element{}, err
		}
		for j, e := range elems {
			t := e.Tensors[c]
			if t.Shape().Equal(dims) {
				padded[j].Tensors[c] = t
			} else {
				padded[j].Tensors[c] = pad(t, dims, o.padValue)
			}
		}
	}
	return stackElements(padded, "padded batch", first)
}

// padTarget returns the shape component c of elems is padded to: the largest size in
// each dimension, or the size fixed by want (when not -1).
func padTarget(elems []Element, c int, want []int, first int) (shape.Shape, error) {
	t0 := elems[0].Tensors[c]
	dims := t0.Shape().Clone()
	for j, e := range elems {
		t := e.Tensors[c]
		if t.DType() != t0.DType() || t.Rank() != t0.Rank() {
			return nil, fmt.Errorf("data: padded batch: component %s of element %d is %s%v, element %d's is %s%v",
				e.name(c), first+j, t.DType(), t.Shape(), first, t0.DType(), t0.Shape())
		}
		for k, x := range t.Shape() {
			dims[k] = max(dims[k], x)
		}
	}
	if want != nil {
		for k, w := range want {
			if w < 0 {
				continue
			}
			if dims[k] > w {
				return nil, fmt.Errorf("data: padded batch: component %s has size %d in dimension %d, more than the padded shape %v",
					elems[0].name(c), dims[k], k, shape.Shape(want))
			}
			dims[k] = w
		}
	}
	return dims, nil
}

// groups returns a dataset of build applied to consecutive groups of n elements of d.
// first is the index in the pass of the group's first element.
func (d *Dataset) groups(n int, drop bool, spec Spec, build func(elems []Element, first int) (Element, error)) *Dataset {
	return d.derive(spec, batchCard(d.card, n, drop), func(ctx context.Context, yield func(Element, error) bool) {
		buf := make([]Element, 0, n)
		idx, first := 0, 0
		ok := true
		d.gen(ctx, func(e Element, err error) bool {
			idx++
			if err != nil {
				buf = buf[:0]
				first = idx
				ok = yield(Element{}, err)
				return ok
			}
			buf = append(buf, e)
			if len(buf) < n {
				return true
			}
			b, err := build(buf, first)
			buf = buf[:0]
			first = idx
			ok = yield(b, err)
			return ok
		})
		if ok && len(buf) > 0 && !drop {
			yield(build(buf, first))
		}
	})
}

// Unbatch returns a dataset of the rows of each element of d: the inverse of
// [Dataset.Batch]. Every component of an element must have the same first dimension.
func (d *Dataset) Unbatch() *Dataset {
	spec := d.spec.mapShapes(func(sh shape.Shape) shape.Shape {
		if len(sh) == 0 {
			return sh
		}
		return sh[1:]
	})
	for i, t := range d.spec.Tensors {
		if len(t.Shape) == 0 {
			return errorf("unbatch: component %s is a scalar", d.spec.componentName(i))
		}
	}
	return d.derive(spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		idx := -1
		d.gen(ctx, func(e Element, err error) bool {
			idx++
			if err != nil {
				return yield(e, err)
			}
			n, err := rowCount(e)
			if err != nil {
				return yield(Element{}, fmt.Errorf("data: unbatch element %d: %w", idx, err))
			}
			for i := range n {
				ts := make([]*tensor.Tensor, e.Len())
				for j, t := range e.Tensors {
					ts[j] = row(t, i)
				}
				if !yield(e.with(ts), nil) {
					return false
				}
			}
			return true
		})
	})
}

// rowCount returns the common first dimension of e's components.
func rowCount(e Element) (int, error) {
	n := -1
	for i, t := range e.Tensors {
		if t.Rank() == 0 {
			return 0, fmt.Errorf("component %s is a scalar", e.name(i))
		}
		if n >= 0 && t.Dim(0) != n {
			return 0, fmt.Errorf("component %s has %d rows, component %s has %d", e.name(i), t.Dim(0), e.name(0), n)
		}
		n = t.Dim(0)
	}
	return max(n, 0), nil
}

// Rebatch returns a dataset of the rows of d's batches regrouped into batches of n rows,
// like unbatching and batching again but without splitting the batches into single
// rows. Option: [DropRemainder].
func (d *Dataset) Rebatch(n int, opts ...Option) *Dataset {
	if n <= 0 {
		return errorf("rebatch: size %d, want > 0", n)
	}
	o := newOptions(opts)
	first := shape.Unknown
	if o.dropRemainder {
		first = n
	}
	spec := d.spec.mapShapes(func(sh shape.Shape) shape.Shape {
		if len(sh) == 0 {
			return sh
		}
		return append(shape.Shape{first}, sh[1:]...)
	})
	return d.derive(spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		var parts []Element // pieces of the batch being built
		have, idx := 0, -1
		emit := func() bool {
			b, err := concatRows(parts)
			parts, have = parts[:0], 0
			return yield(b, err)
		}
		ok := true
		d.gen(ctx, func(e Element, err error) bool {
			idx++
			if err != nil {
				ok = yield(e, err)
				return ok
			}
			rowsIn, err := rowCount(e)
			if err != nil {
				ok = yield(Element{}, fmt.Errorf("data: rebatch element %d: %w", idx, err))
				return ok
			}
			for lo := 0; lo < rowsIn; {
				hi := min(rowsIn, lo+n-have)
				parts = append(parts, sliceRows(e, lo, hi))
				have += hi - lo
				lo = hi
				if have == n {
					if ok = emit(); !ok {
						return false
					}
				}
			}
			return true
		})
		if ok && have > 0 && !o.dropRemainder {
			emit()
		}
	})
}

// sliceRows returns rows [lo, hi) of every component of e (e itself for all rows).
func sliceRows(e Element, lo, hi int) Element {
	if lo == 0 && hi == e.Tensors[0].Dim(0) {
		return e
	}
	ts := make([]*tensor.Tensor, e.Len())
	for i, t := range e.Tensors {
		ts[i] = rows(t, lo, hi)
	}
	return e.with(ts)
}

// concatRows concatenates the components of parts along their first dimension.
func concatRows(parts []Element) (Element, error) {
	if len(parts) == 1 {
		return parts[0], nil
	}
	ts := make([]*tensor.Tensor, parts[0].Len())
	for c := range ts {
		t0 := parts[0].Tensors[c]
		total := 0
		for _, p := range parts {
			t := p.Tensors[c]
			if t.DType() != t0.DType() || t.Rank() != t0.Rank() || !t.Shape()[1:].Equal(t0.Shape()[1:]) {
				return Element{}, fmt.Errorf("data: rebatch: component %s is %s%v in one batch and %s%v in another",
					parts[0].name(c), t.DType(), t.Shape(), t0.DType(), t0.Shape())
			}
			total += t.Dim(0)
		}
		out := tensor.New(t0.DType(), append([]int{total}, t0.Shape()[1:]...))
		off := 0
		for _, p := range parts {
			copyFlat(out, off, p.Tensors[c])
			off += p.Tensors[c].Size()
		}
		ts[c] = out
	}
	return parts[0].with(ts), nil
}
