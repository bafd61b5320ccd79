package data

import (
	"context"
	"iter"
	"runtime"
	"sync"
)

// Interleave returns a dataset that maps each element of d to a dataset with fn and
// interleaves their elements, like tf.data.Dataset.interleave: cycleLength inner datasets
// are open at once, and blockLength consecutive elements are taken from each in turn;
// an exhausted one is replaced by the dataset of d's next element. Reading many files at
// once this way mixes their records and, with [Parallel], reads them concurrently.
//
// cycleLength may be [Autotune] (GOMAXPROCS). Options: [Parallel] (any level above 0)
// runs each open inner dataset on its own goroutine, [Buffer] elements ahead (default
// blockLength); [Deterministic](false) takes elements from whichever inner dataset has
// one ready instead of strictly in turn; [OutputSpec] declares the spec of the inner
// datasets' elements (otherwise the spec is empty). The order of a deterministic
// interleave is the same sequentially and in parallel.
func (d *Dataset) Interleave(fn func(Element) *Dataset, cycleLength, blockLength int, opts ...Option) *Dataset {
	if cycleLength == Autotune {
		cycleLength = runtime.GOMAXPROCS(0)
	}
	if fn == nil || cycleLength <= 0 || blockLength <= 0 {
		return errorf("interleave: cycle length %d, block length %d, want > 0 and a non-nil function", cycleLength, blockLength)
	}
	o := newOptions(opts)
	card := UnknownCardinality
	if d.card == 0 {
		card = 0
	}
	il := &interleaver{up: d, fn: fn, cycle: cycleLength, block: blockLength, o: o}
	return d.derive(o.spec(), card, il.pass)
}

// FlatMap returns a dataset of the elements of fn(e) for each element e of d in turn:
// an [Dataset.Interleave] with a cycle of one.
func (d *Dataset) FlatMap(fn func(Element) *Dataset, opts ...Option) *Dataset {
	return d.Interleave(fn, 1, 1, opts...)
}

type interleaver struct {
	up           *Dataset
	fn           func(Element) *Dataset
	cycle, block int
	o            options
}

// slot is one open inner dataset of an interleave pass.
type slot struct {
	pull func() (Element, error, bool) // sequential mode
	stop func()
	ch   chan item // parallel modes: the inner dataset's elements
}

// inner returns the dataset for input element e and err, or a dataset yielding the error.
func (il *interleaver) inner(e Element, err error) (ds *Dataset) {
	if err != nil {
		return failed(err)
	}
	defer func() {
		if ds == nil {
			ds = errorf("interleave: function returned a nil dataset")
		}
	}()
	return il.fn(e)
}

func (il *interleaver) pass(ctx context.Context, yield func(Element, error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	nextIn, stopIn := iter.Pull2(il.up.All(ctx))
	defer stopIn()
	if il.o.parallel != 0 && il.o.nondet {
		il.unordered(ctx, &wg, nextIn, yield)
		return
	}
	buf := il.o.buffer
	if buf <= 0 {
		buf = il.block
	}
	slots := make([]*slot, il.cycle)
	open := func(i int) bool {
		e, err, ok := nextIn()
		if !ok {
			return false
		}
		ds := il.inner(e, err)
		s := &slot{}
		if il.o.parallel == 0 {
			s.pull, s.stop = iter.Pull2(ds.All(ctx))
		} else {
			s.ch = make(chan item, buf)
			wg.Go(func() { sendAll(ctx, ds, s.ch, -1) })
		}
		slots[i] = s
		return true
	}
	defer func() {
		for _, s := range slots {
			if s != nil && s.stop != nil {
				s.stop()
			}
		}
	}()
	active := 0
	for i := range slots {
		if !open(i) {
			break
		}
		active++
	}
	for cur := 0; active > 0; cur = (cur + 1) % il.cycle {
		for taken := 0; slots[cur] != nil && taken < il.block; {
			e, err, ok := slots[cur].next(ctx)
			if ctx.Err() != nil {
				yield(Element{}, ctx.Err())
				return
			}
			if !ok {
				if slots[cur].stop != nil {
					slots[cur].stop()
				}
				slots[cur] = nil
				active--
				if open(cur) {
					active++
				}
				break
			}
			if !yield(e, err) {
				return
			}
			taken++
		}
	}
}

// next returns the slot's next element; ok is false at its end or when ctx is done.
func (s *slot) next(ctx context.Context) (Element, error, bool) {
	if s.pull != nil {
		return s.pull()
	}
	select {
	case it, ok := <-s.ch:
		return it.e, it.err, ok
	case <-ctx.Done():
		return Element{}, nil, false
	}
}

// sendAll sends one pass of ds to ch, tagging each item with tag (unless -1), and closes
// ch, or sends a done marker when tag is set.
func sendAll(ctx context.Context, ds *Dataset, ch chan item, tag int) {
	if tag < 0 {
		defer close(ch)
	}
	ds.gen(ctx, func(e Element, err error) bool {
		select {
		case ch <- item{e: e, err: err, slot: tag}:
			return true
		case <-ctx.Done():
			return false
		}
	})
	if tag >= 0 {
		select {
		case ch <- item{slot: tag, done: true}:
		case <-ctx.Done():
		}
	}
}

// unordered runs a non-deterministic parallel interleave: every open inner dataset sends
// to one channel, and a finished one is replaced by the next input element's dataset.
func (il *interleaver) unordered(ctx context.Context, wg *sync.WaitGroup, nextIn func() (Element, error, bool), yield func(Element, error) bool) {
	out := make(chan item, max(il.o.buffer, il.cycle*il.block))
	active := 0
	open := func() bool {
		e, err, ok := nextIn()
		if !ok {
			return false
		}
		ds := il.inner(e, err)
		wg.Go(func() { sendAll(ctx, ds, out, 0) })
		active++
		return true
	}
	for range il.cycle {
		if !open() {
			break
		}
	}
	for active > 0 {
		select {
		case it := <-out:
			if it.done {
				active--
				open()
				continue
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
