package data

import (
	"context"
	"fmt"
	"slices"

	"github.com/tideml/tide/shape"
)

// Window returns a dataset of sliding windows over d, each stacked like a batch: window
// k holds elements k*shift, k*shift+stride, ... (size of them), like
// tf.data.Dataset.window followed by batching each window. shift and stride of 0 count
// as 1 and size. Windows at the end with fewer than size elements are kept unless
// [DropRemainder] is given. An error from d is passed on, and windows go on after it as
// if the failed element were not there.
func (d *Dataset) Window(size, shift, stride int, opts ...Option) *Dataset {
	if shift == 0 {
		shift = size
	}
	if stride == 0 {
		stride = 1
	}
	if size <= 0 || shift < 0 || stride < 0 {
		return errorf("window: size %d, shift %d, stride %d, want size > 0 and shift, stride >= 0", size, shift, stride)
	}
	o := newOptions(opts)
	span := (size-1)*stride + 1 // elements a full window covers
	return d.derive(batchSpec(d.spec, size, o.dropRemainder), UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		var buf []Element // elements from the current window's start on
		start := 0        // index (in the pass, errors excluded) of buf[0]
		next := 0         // index of the next element
		emit := func(n int) bool {
			w := make([]Element, 0, size)
			for i := 0; i < n && i*stride < len(buf); i++ {
				w = append(w, buf[i*stride])
			}
			b, err := stackElements(w, "window", start)
			return yield(b, err)
		}
		advance := func() {
			drop := min(shift, len(buf))
			buf = slices.Delete(buf, 0, drop)
			start += shift
		}
		ok := true
		d.gen(ctx, func(e Element, err error) bool {
			if err != nil {
				ok = yield(e, err)
				return ok
			}
			if next >= start {
				buf = append(buf, e)
			}
			next++
			for len(buf) >= span {
				if ok = emit(size); !ok {
					return false
				}
				advance()
			}
			return true
		})
		for ok && !o.dropRemainder && start < next && len(buf) > 0 {
			ok = emit(size)
			advance()
		}
	})
}

// GroupByWindow returns a dataset that groups d's elements by key(e) and hands each group
// of windowSize elements with the same key, or what is left of a group when d ends, to
// reduce as a dataset; the result is the concatenation of the datasets reduce returns,
// like tf.data.Dataset.group_by_window. A typical reduce batches its window. The spec is
// found by calling reduce on an empty window. An error from key is yielded in place of
// the element.
func (d *Dataset) GroupByWindow(key func(Element) (int64, error), reduce func(key int64, window *Dataset) *Dataset, windowSize int) *Dataset {
	if windowSize <= 0 || key == nil || reduce == nil {
		return errorf("group by window: window size %d, want > 0 and non-nil functions", windowSize)
	}
	return d.groupBy(key, func(int64) int { return windowSize }, reduce)
}

// groupBy is GroupByWindow with a window size per key.
func (d *Dataset) groupBy(key func(Element) (int64, error), size func(int64) int, reduce func(int64, *Dataset) *Dataset) *Dataset {
	spec := reduce(0, newDataset(d.spec, 0, func(context.Context, func(Element, error) bool) {})).Spec()
	return d.derive(spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		groups := map[int64][]Element{}
		var order []int64 // keys in order of first appearance, for a deterministic flush
		flush := func(k int64) bool {
			w := groups[k]
			delete(groups, k)
			for e, err := range reduce(k, FromElementsSpec(d.spec, w)).All(ctx) {
				if !yield(e, err) {
					return false
				}
			}
			return true
		}
		ok := true
		idx := -1
		d.gen(ctx, func(e Element, err error) bool {
			idx++
			if err != nil {
				ok = yield(e, err)
				return ok
			}
			k, err := key(e)
			if err != nil {
				ok = yield(Element{}, fmt.Errorf("data: group by window: key of element %d: %w", idx, err))
				return ok
			}
			if _, seen := groups[k]; !seen {
				order = append(order, k)
			}
			groups[k] = append(groups[k], e)
			if len(groups[k]) >= size(k) {
				ok = flush(k)
				order = slices.DeleteFunc(order, func(x int64) bool { return x == k })
			}
			return ok
		})
		for _, k := range order {
			if !ok || ctx.Err() != nil {
				return
			}
			ok = flush(k)
		}
	})
}

// FromElementsSpec is [FromElements] with the spec given rather than found from the
// elements, which lets a dataset of no elements have one. Each element is checked
// against spec.
func FromElementsSpec(spec Spec, elems []Element) *Dataset {
	for i, e := range elems {
		if err := spec.Check(e); err != nil {
			return errorf("from elements: element %d: %s", i, trimPrefix(err))
		}
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

// BucketBySequenceLength returns a dataset of padded batches of d's elements grouped by
// length, like tf.data.experimental.bucket_by_sequence_length: an element of length l
// (from length) falls in bucket i when boundaries[i-1] <= l < boundaries[i], and bucket
// i is batched by batchSizes[i] (len(boundaries)+1 sizes) with [Dataset.PaddedBatch],
// so that sequences of similar length share a batch and little padding is wasted.
// Options: [PadValue], [DropRemainder].
func (d *Dataset) BucketBySequenceLength(length func(Element) (int, error), boundaries, batchSizes []int, opts ...Option) *Dataset {
	if len(batchSizes) != len(boundaries)+1 || !slices.IsSorted(boundaries) {
		return errorf("bucket by sequence length: %d boundaries (want sorted) need %d batch sizes, got %d", len(boundaries), len(boundaries)+1, len(batchSizes))
	}
	for _, b := range batchSizes {
		if b <= 0 {
			return errorf("bucket by sequence length: batch size %d, want > 0", b)
		}
	}
	o := newOptions(opts)
	key := func(e Element) (int64, error) {
		l, err := length(e)
		if err != nil {
			return 0, err
		}
		i, found := slices.BinarySearch(boundaries, l)
		if found {
			i++
		}
		return int64(i), nil
	}
	pad := []Option{PadValue(o.padValue)}
	if o.dropRemainder {
		pad = append(pad, DropRemainder())
	}
	reduce := func(k int64, w *Dataset) *Dataset { return w.PaddedBatch(batchSizes[k], pad...) }
	spec := batchSpec(d.spec.mapShapes(func(sh shape.Shape) shape.Shape {
		out := sh.Clone()
		for i := range out {
			out[i] = shape.Unknown
		}
		return out
	}), 0, false)
	ds := d.groupBy(key, func(k int64) int { return batchSizes[k] }, reduce)
	if ds.err == nil {
		ds.spec = spec
	}
	return ds
}

// trimPrefix returns err's message without a leading "data: ".
func trimPrefix(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "data: " {
		return s[6:]
	}
	return s
}
