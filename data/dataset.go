package data

import (
	"context"
	"fmt"
	"iter"
)

// Cardinality values for datasets whose length is not a plain count.
const (
	// Infinite is the cardinality of a dataset that never ends (Repeat with no count).
	Infinite int64 = -1
	// UnknownCardinality is the cardinality of a dataset whose length is only known by
	// iterating it (a file source, a Filter).
	UnknownCardinality int64 = -2
)

// genFunc produces one pass over a dataset: it calls yield for each element (or error)
// and returns when yield returns false, the pass ends, or ctx is done. It must not call
// yield again after yield returned false, and it must not leave goroutines running
// when it returns.
type genFunc func(ctx context.Context, yield func(Element, error) bool)

// Dataset is a restartable stream of [Element] values: each call to [Dataset.All] makes
// a fresh pass (an epoch) over it. Datasets are built from a source ([FromTensorSlices],
// [CSV], [TFRecord], [ImageFolder], ...) and transformed by methods that return new
// datasets ([Dataset.Map], [Dataset.Shuffle], [Dataset.Batch], ...), leaving the receiver
// unchanged. The element spec is known without iterating ([Dataset.Spec]).
//
// A Dataset is safe for concurrent use: several passes may run at once.
//
// A mistake in building a dataset (a batch size of zero, slices of different lengths)
// does not panic: the dataset records the error, [Dataset.Err] reports it, and iterating
// yields it.
type Dataset struct {
	spec Spec
	card int64
	err  error
	gen  genFunc

	// files is set on a dataset that is the sequential reading of TFRecord files and
	// nothing more, which [Dataset.ParseExampleBatch] reads by chunks of records
	// rather than element by element.
	files *recordFiles
}

// newDataset returns a dataset with the given spec, cardinality and pass function.
func newDataset(spec Spec, card int64, gen genFunc) *Dataset {
	return &Dataset{spec: spec, card: card, gen: gen}
}

// failed returns a dataset whose every pass yields err.
func failed(err error) *Dataset {
	return &Dataset{err: err, card: UnknownCardinality, gen: func(ctx context.Context, yield func(Element, error) bool) {
		yield(Element{}, err)
	}}
}

// errorf returns a failed dataset with a "data: " error.
func errorf(format string, args ...any) *Dataset {
	return failed(fmt.Errorf("data: "+format, args...))
}

// Spec returns the spec of the dataset's elements: dtypes and shapes, with
// [shape.Unknown] where a size varies from element to element.
func (d *Dataset) Spec() Spec { return d.spec }

// Err returns the error made while building the dataset or one it depends on, or nil.
func (d *Dataset) Err() error { return d.err }

// Cardinality returns the number of elements of one pass, or [Infinite] or
// [UnknownCardinality].
func (d *Dataset) Cardinality() int64 { return d.card }

// All returns an iterator over one pass of the dataset. Each element comes with a nil
// error. An error comes with an empty element; the pass may go on after a per-element
// error (a map function failed, a CSV field did not parse) and ends after one that
// leaves nothing to read (a damaged file ends that file). A caller that does not want
// to skip bad elements should stop at the first error; [Dataset.IgnoreErrors] skips them.
//
// When ctx is done the pass yields ctx.Err() and ends. Stopping early (breaking out of
// the loop) is always safe: every goroutine the pass started has ended when the loop
// statement completes.
func (d *Dataset) All(ctx context.Context) iter.Seq2[Element, error] {
	return func(yield func(Element, error) bool) {
		d.gen(ctx, yield)
	}
}

// Collect runs one pass and returns its elements, or the first error.
func (d *Dataset) Collect(ctx context.Context) ([]Element, error) {
	var out []Element
	for e, err := range d.All(ctx) {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Apply returns fn(d): it lets a reusable chain of transforms read as one more step.
func (d *Dataset) Apply(fn func(*Dataset) *Dataset) *Dataset {
	if d.err != nil {
		return d
	}
	return fn(d)
}

// derive returns a dataset built on d, or d itself if d failed to build.
func (d *Dataset) derive(spec Spec, card int64, gen genFunc) *Dataset {
	if d.err != nil {
		return d
	}
	return newDataset(spec, card, gen)
}

// ctxDone yields ctx's error if ctx is done and reports whether it was.
func ctxDone(ctx context.Context, yield func(Element, error) bool) bool {
	if err := ctx.Err(); err != nil {
		yield(Element{}, err)
		return true
	}
	return false
}
