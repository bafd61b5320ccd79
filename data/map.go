package data

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tideml/tide/internal/errs"
)

// MapFunc transforms one element. It may be called on several goroutines at once (with
// [Parallel]), so it must not share unsynchronised state between calls.
type MapFunc func(e Element) (Element, error)

// Map returns a dataset of fn applied to each element of d.
//
// Options: [Parallel] runs fn on that many goroutines ([Autotune] starts at GOMAXPROCS
// and adds goroutines while that raises throughput, which helps functions that wait on
// I/O); [Deterministic](false) lets results overtake each other; [Buffer] bounds the
// results held ahead of the consumer; [OutputSpec] declares the spec of fn's results.
// Without Parallel, fn runs on the iterating goroutine. Results keep the input order
// unless Deterministic(false) is given.
//
// Go cannot trace fn to learn what it returns, so the spec of the result is empty unless
// OutputSpec gives it; each result is then checked against it.
//
// An error returned by fn is yielded, wrapped with the element's index, in place of the
// element, and the pass goes on. A panic in fn with a *core.Error (a shape or dtype
// mistake in tensor code) becomes such an error too; any other panic is raised again on
// the iterating goroutine.
func (d *Dataset) Map(fn MapFunc, opts ...Option) *Dataset {
	if fn == nil {
		return errorf("map: nil function")
	}
	o := newOptions(opts)
	mf := func(_ context.Context, idx int64, e Element) (Element, error) {
		out, err := fn(e)
		return checkResult(o.outSpec, idx, out, err)
	}
	return d.derive(o.spec(), d.card, mapGen[Element](d.gen, func() elemFunc[Element] { return mf }, o))
}

// checkResult checks a map result against spec (if any) and wraps an error with the
// element's index.
func checkResult(spec *Spec, idx int64, out Element, err error) (Element, error) {
	if err == nil && spec != nil {
		err = spec.Check(out)
	}
	if err != nil {
		return Element{}, fmt.Errorf("data: map element %d: %s", idx, strings.TrimPrefix(err.Error(), "data: "))
	}
	return out, nil
}

// MapRandom is [Dataset.Map] for functions that draw random numbers (augmentation: random
// flips, crops, noise). fn gets a generator seeded from seed, the pass number and the
// element's position, so results are the same for any parallelism and differ from pass
// to pass, as tf.random stateless ops seeded per element do. It honours the options of
// Map.
func (d *Dataset) MapRandom(seed uint64, fn func(e Element, rng *rand.Rand) (Element, error), opts ...Option) *Dataset {
	if fn == nil {
		return errorf("map random: nil function")
	}
	o := newOptions(opts)
	var epoch atomic.Uint64
	perPass := func() elemFunc[Element] {
		ep := epoch.Add(1) - 1
		return func(_ context.Context, idx int64, e Element) (Element, error) {
			out, err := fn(e, rand.New(rand.NewPCG(seed, mix(ep, uint64(idx)))))
			return checkResult(o.outSpec, idx, out, err)
		}
	}
	return d.derive(o.spec(), d.card, mapGen[Element](d.gen, perPass, o))
}

// mix combines two values into one well-spread 64-bit seed (splitmix64 finaliser).
func mix(a, b uint64) uint64 {
	z := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e5f5
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// FilterFunc reports whether an element is kept.
type FilterFunc func(e Element) (bool, error)

// Filter returns a dataset of the elements of d for which keep returns true. An error
// from keep is yielded in place of the element. keep runs on the iterating goroutine.
func (d *Dataset) Filter(keep FilterFunc) *Dataset {
	if keep == nil {
		return errorf("filter: nil function")
	}
	return d.derive(d.spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		i := 0
		d.gen(ctx, func(e Element, err error) bool {
			defer func() { i++ }()
			if err != nil {
				return yield(e, err)
			}
			ok, err := callFilter(keep, e)
			if err != nil {
				return yield(Element{}, fmt.Errorf("data: filter element %d: %w", i, err))
			}
			return !ok || yield(e, nil)
		})
	})
}

func callFilter(keep FilterFunc, e Element) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			var ce *errs.Error
			if re, isErr := r.(error); isErr && errors.As(re, &ce) {
				err = ce
				return
			}
			panic(r)
		}
	}()
	return keep(e)
}

// elemFunc is the per-element work of a map: idx is the element's position in the pass.
// The input is an Element, or for the fused pipelines (see [Dataset.ParseExampleBatch])
// some other unit of work.
type elemFunc[T any] func(ctx context.Context, idx int64, x T) (Element, error)

// source is the pass function of an upstream of work items: a genFunc when T is Element.
type source[T any] = func(ctx context.Context, yield func(T, error) bool)

// mapGen returns the pass function of a map of up. perPass is called once per pass to
// get the function applied to each element.
func mapGen[T any](up source[T], perPass func() elemFunc[T], o options) genFunc {
	return func(ctx context.Context, yield func(Element, error) bool) {
		fn := perPass()
		if o.parallel == 0 {
			var idx int64
			up(ctx, func(e T, err error) bool {
				idx++
				if err != nil {
					el, _ := any(e).(Element) // an error passes on as it came
					return yield(el, err)
				}
				r := runSafe(ctx, fn, idx-1, e)
				if r.panicked {
					panic(r.panicVal)
				}
				return yield(r.e, r.err)
			})
			return
		}
		runParallel(ctx, up, fn, o, yield)
	}
}

// result is one element's outcome in a parallel map.
type result struct {
	e        Element
	err      error
	panicVal any
	panicked bool
	done     chan struct{}
}

// runSafe calls fn, turning a *core.Error panic into an error and recording any other.
func runSafe[T any](ctx context.Context, fn elemFunc[T], idx int64, e T) (r result) {
	defer func() {
		if p := recover(); p != nil {
			var ce *errs.Error
			if pe, ok := p.(error); ok && errors.As(pe, &ce) {
				r.err = fmt.Errorf("data: map element %d: %w", idx, ce)
				return
			}
			r.panicked, r.panicVal = true, p
		}
	}()
	out, err := fn(ctx, idx, e)
	return result{e: out, err: err}
}

type job[T any] struct {
	idx int64
	e   T
	err error
	r   *result
}

// runParallel runs one pass of a parallel map. A producer goroutine reads up and hands
// elements to the workers; in deterministic mode it also queues each element's result
// slot in order, and the caller yields the slots in that order as they complete; in
// the other mode workers send results as they finish. slots bounds the elements between
// the producer and the caller.
func runParallel[T any](ctx context.Context, up source[T], fn elemFunc[T], o options, yield func(Element, error) bool) {
	start, most := workers(o.parallel)
	buf := o.buffer
	if buf <= 0 {
		buf = 2 * most
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	jobs := make(chan job[T])
	slots := make(chan struct{}, buf)
	pending := make(chan *result, buf)
	out := make(chan result, buf)
	var target atomic.Int64
	target.Store(int64(start))

	var workerWG sync.WaitGroup
	started := 0
	spawn := func() {
		for ; started < int(target.Load()); started++ {
			workerWG.Go(func() {
				for j := range jobs {
					var r result
					if j.err != nil {
						r.err = j.err
					} else {
						r = runSafe(ctx, fn, j.idx, j.e)
					}
					if o.nondet {
						select {
						case out <- r:
						case <-ctx.Done():
							return
						}
						continue
					}
					j.r.e, j.r.err, j.r.panicVal, j.r.panicked = r.e, r.err, r.panicVal, r.panicked
					close(j.r.done)
				}
			})
		}
	}
	wg.Go(func() {
		defer func() {
			close(jobs)
			close(pending)
			workerWG.Wait()
			close(out)
		}()
		var idx int64
		up(ctx, func(e T, err error) bool {
			spawn()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			j := job[T]{idx: idx, e: e, err: err}
			idx++
			if !o.nondet {
				j.r = &result{done: make(chan struct{})}
				pending <- j.r // cannot block: pending has as much room as slots
			}
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				return false
			}
		})
	})

	tune := newTuner(&target, start, most, o.parallel == Autotune)
	for {
		t0 := time.Now()
		r, ok, cancelled := nextResult(ctx, o.nondet, pending, out)
		if cancelled {
			yield(Element{}, ctx.Err())
			return
		}
		if !ok {
			return
		}
		<-slots
		tune.observe(time.Since(t0))
		if r.panicked {
			cancel()
			wg.Wait()
			panic(r.panicVal)
		}
		if !yield(r.e, r.err) {
			return
		}
	}
}

// nextResult returns the next result of a parallel map: the next in order from pending,
// or the next finished from out. ok is false at the end of the pass; cancelled is true
// when ctx is done first.
func nextResult(ctx context.Context, nondet bool, pending chan *result, out chan result) (r result, ok, cancelled bool) {
	if nondet {
		select {
		case r, ok := <-out:
			return r, ok, false
		case <-ctx.Done():
			return result{}, false, true
		}
	}
	select {
	case p, ok := <-pending:
		if !ok {
			return result{}, false, false
		}
		select {
		case <-p.done:
			return *p, true, false
		case <-ctx.Done():
			return result{}, false, true
		}
	case <-ctx.Done():
		return result{}, false, true
	}
}

// tuner grows the number of workers of an autotuned map while the consumer keeps
// waiting for results and each step up raises throughput.
type tuner struct {
	on      bool
	target  *atomic.Int64
	most    int
	window  int
	n       int
	waited  time.Duration
	began   time.Time
	prevHz  float64
	stopped bool
}

func newTuner(target *atomic.Int64, start, most int, on bool) *tuner {
	return &tuner{on: on && most > start, target: target, most: most, window: max(4*start, 16), began: time.Now()}
}

// observe records that the consumer waited w for one result.
func (t *tuner) observe(w time.Duration) {
	if !t.on || t.stopped {
		return
	}
	t.n++
	t.waited += w
	if t.n < t.window {
		return
	}
	elapsed := time.Since(t.began)
	hz := float64(t.n) / elapsed.Seconds()
	starved := t.waited > elapsed/4
	switch {
	case t.prevHz > 0 && hz < 1.1*t.prevHz:
		t.stopped = true // the last step did not help: keep the level
	case starved && int(t.target.Load()) < t.most:
		cur := int(t.target.Load())
		t.target.Store(int64(min(2*cur, t.most)))
		t.prevHz = hz
	default:
		t.prevHz = 0
	}
	t.n, t.waited, t.began = 0, 0, time.Now()
	t.window = max(4*int(t.target.Load()), 16)
}
