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

// Repeat returns a dataset that makes count passes over d in a row, or passes forever
// when count is negative, like tf.data.Dataset.repeat. Each pass is a fresh pass of d,
// so a [Dataset.Shuffle] before Repeat draws a new order for each. An endless repeat
// stops when a pass of d yields nothing, rather than spinning.
func (d *Dataset) Repeat(count int) *Dataset {
	card := Infinite
	switch {
	case count == 0 || d.card == 0:
		card = 0
	case count > 0 && d.card >= 0:
		card = d.card * int64(count)
	case count > 0 && d.card == Infinite:
		card = Infinite
	case d.card == UnknownCardinality:
		card = UnknownCardinality
	}
	return d.derive(d.spec, card, func(ctx context.Context, yield func(Element, error) bool) {
		for i := 0; count < 0 || i < count; i++ {
			got, stopped := false, false
			d.gen(ctx, func(e Element, err error) bool {
				got = true
				if !yield(e, err) {
					stopped = true
				}
				return !stopped
			})
			if stopped || !got || ctx.Err() != nil {
				return
			}
		}
	})
}

// Take returns a dataset of at most the first n elements of d (errors do not count).
func (d *Dataset) Take(n int) *Dataset {
	card := int64(n)
	if d.card >= 0 && d.card < card {
		card = d.card
	} else if d.card == UnknownCardinality {
		card = UnknownCardinality
	}
	if n < 0 {
		return d
	}
	return d.derive(d.spec, card, func(ctx context.Context, yield func(Element, error) bool) {
		if n == 0 {
			return
		}
		taken := 0
		d.gen(ctx, func(e Element, err error) bool {
			if err != nil {
				return yield(e, err)
			}
			taken++
			return yield(e, nil) && taken < n
		})
	})
}

// Skip returns a dataset of the elements of d after the first n (errors do not count and
// are passed on).
func (d *Dataset) Skip(n int) *Dataset {
	card := d.card
	if card >= 0 {
		card = max(card-int64(n), 0)
	}
	return d.derive(d.spec, card, func(ctx context.Context, yield func(Element, error) bool) {
		seen := 0
		d.gen(ctx, func(e Element, err error) bool {
			if err != nil {
				return yield(e, err)
			}
			seen++
			return seen <= n || yield(e, nil)
		})
	})
}

// Shard returns the elements of d whose position i satisfies i % n == index, like
// tf.data.Dataset.shard: each of n workers reads a distinct 1/n of the data. Shard a
// list of files ([ListFiles]) before reading them, rather than the records, so that each
// worker reads only its own files.
func (d *Dataset) Shard(n, index int) *Dataset {
	if n <= 0 || index < 0 || index >= n {
		return errorf("shard: index %d of %d shards, want 0 <= index < n", index, n)
	}
	card := d.card
	if card >= 0 {
		card = card / int64(n)
		if int64(index) < d.card%int64(n) {
			card++
		}
	}
	return d.derive(d.spec, card, func(ctx context.Context, yield func(Element, error) bool) {
		i := -1
		d.gen(ctx, func(e Element, err error) bool {
			if err != nil {
				return yield(e, err)
			}
			i++
			return i%n != index || yield(e, nil)
		})
	})
}

// Enumerate returns a dataset of d's elements with their position (an int64 scalar,
// counting from start) put first: a tuple (index, components...), or, for named elements,
// a component named "index".
func (d *Dataset) Enumerate(start int64) *Dataset {
	if slices.Contains(d.spec.Names, "index") {
		return errorf("enumerate: elements already have a component named \"index\"")
	}
	spec := Spec{Tensors: append([]TensorSpec{{DType: dtype.Int64, Shape: shape.Shape{}}}, d.spec.Tensors...)}
	if d.spec.Names != nil {
		spec.Names = append([]string{"index"}, d.spec.Names...)
	}
	return d.derive(spec, d.card, func(ctx context.Context, yield func(Element, error) bool) {
		i := start
		d.gen(ctx, func(e Element, err error) bool {
			if err != nil {
				return yield(e, err)
			}
			out := Element{Tensors: append([]*tensor.Tensor{scalarInt64(i)}, e.Tensors...)}
			if e.Names != nil {
				out.Names = append([]string{"index"}, e.Names...)
			}
			i++
			return yield(out, nil)
		})
	})
}

// Concatenate returns a dataset of the elements of d followed by those of next. The two
// must have the same structure and dtypes; sizes that differ become unknown in the spec.
func (d *Dataset) Concatenate(next *Dataset) *Dataset {
	if next.err != nil {
		return next
	}
	spec := d.spec
	if d.spec.Tensors != nil && next.spec.Tensors != nil {
		m, err := d.spec.merge(next.spec)
		if err != nil {
			return failed(fmt.Errorf("data: concatenate: %v", err))
		}
		spec = m
	}
	card := UnknownCardinality
	switch {
	case d.card == Infinite || next.card == Infinite:
		card = Infinite
	case d.card >= 0 && next.card >= 0:
		card = d.card + next.card
	}
	return d.derive(spec, card, func(ctx context.Context, yield func(Element, error) bool) {
		stopped := false
		d.gen(ctx, func(e Element, err error) bool {
			stopped = !yield(e, err)
			return !stopped
		})
		if !stopped && ctx.Err() == nil {
			next.gen(ctx, yield)
		}
	})
}

// Zip returns a dataset whose i-th element joins the i-th elements of each of ds, like
// tf.data.Dataset.zip; it ends with the shortest. The components are concatenated in
// order: named if every input is named with distinct names, a tuple otherwise.
func Zip(ds ...*Dataset) *Dataset {
	if len(ds) == 0 {
		return errorf("zip: no datasets")
	}
	var spec Spec
	named := true
	card := Infinite
	for _, d := range ds {
		if d.err != nil {
			return d
		}
		spec.Tensors = append(spec.Tensors, d.spec.Tensors...)
		spec.Names = append(spec.Names, d.spec.Names...)
		named = named && d.spec.Names != nil
		switch {
		case d.card == UnknownCardinality && card < 0:
			card = UnknownCardinality
		case d.card >= 0 && (card < 0 || d.card < card):
			card = d.card
		}
	}
	if !named || hasDuplicates(spec.Names) {
		spec.Names = nil
	}
	return newDataset(spec, card, func(ctx context.Context, yield func(Element, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		nexts := make([]func() (Element, error, bool), len(ds))
		for i, d := range ds {
			next, stop := iter.Pull2(d.All(ctx))
			defer stop()
			nexts[i] = next
		}
		for {
			var out Element
			var firstErr error
			allNamed := true
			for _, next := range nexts {
				e, err, ok := next()
				if !ok {
					return
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out.Tensors = append(out.Tensors, e.Tensors...)
				out.Names = append(out.Names, e.Names...)
				allNamed = allNamed && e.Names != nil
			}
			if firstErr != nil {
				out = Element{}
			} else if !allNamed || hasDuplicates(out.Names) {
				out.Names = nil
			}
			if !yield(out, firstErr) {
				return
			}
		}
	})
}

func hasDuplicates(names []string) bool {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return true
		}
		seen[n] = true
	}
	return false
}
