package data

import (
	"context"
	"sync"
)

// Prefetch returns a dataset that reads d on its own goroutine, up to n elements ahead of
// the consumer, like tf.data.Dataset.prefetch: the work of producing the next batch then
// overlaps the work of consuming this one. n of [Autotune] picks a small buffer (2).
// Stopping early ends the goroutine before the loop statement completes.
func (d *Dataset) Prefetch(n int) *Dataset {
	if n == Autotune {
		n = 2
	}
	if n <= 0 {
		return errorf("prefetch: buffer size %d, want > 0 or Autotune", n)
	}
	return d.derive(d.spec, d.card, func(ctx context.Context, yield func(Element, error) bool) {
		background(ctx, d.gen, n, yield)
	})
}

type item struct {
	e    Element
	err  error
	slot int  // the interleave slot it came from
	done bool // an interleave slot ended
}

// background runs gen on a new goroutine, passing its results to yield through a
// channel of n elements, and returns when the pass ends or yield returns false, with
// the goroutine ended.
func background(ctx context.Context, gen genFunc, n int, yield func(Element, error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan item, n)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() {
		defer close(ch)
		gen(ctx, func(e Element, err error) bool {
			select {
			case ch <- item{e: e, err: err}:
				return true
			case <-ctx.Done():
				return false
			}
		})
	})
	for {
		select {
		case it, ok := <-ch:
			if !ok {
				return
			}
			if !yield(it.e, it.err) {
				return
			}
		case <-ctx.Done():
			yield(Element{}, ctx.Err())
			return
		}
	}
}
