package data

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
)

// Shuffle returns a dataset of d's elements in random order, like
// tf.data.Dataset.shuffle: it fills a buffer of bufferSize elements and emits a randomly
// chosen one each time a new element arrives, so the result is a uniform shuffle when
// bufferSize is at least the dataset's length and a local one otherwise. The order is a
// function of seed alone (and of the pass number): the same seed gives the same order on
// every machine and for any parallelism upstream. Each pass draws a new order unless
// [Reshuffle](false) is given. Errors from d are passed on at once.
func (d *Dataset) Shuffle(bufferSize int, seed uint64, opts ...Option) *Dataset {
	if bufferSize <= 0 {
		return errorf("shuffle: buffer size %d, want > 0", bufferSize)
	}
	o := newOptions(opts)
	var epoch atomic.Uint64
	return d.derive(d.spec, d.card, func(ctx context.Context, yield func(Element, error) bool) {
		ep := epoch.Add(1) - 1
		if o.noReshuffle {
			ep = 0
		}
		rng := rand.New(rand.NewPCG(seed, mix(ep, 0x5eed)))
		buf := make([]Element, 0, min(bufferSize, 1<<16))
		ok := true
		d.gen(ctx, func(e Element, err error) bool {
			if err != nil {
				ok = yield(e, err)
				return ok
			}
			if len(buf) < bufferSize {
				buf = append(buf, e)
				return true
			}
			i := rng.IntN(len(buf))
			out := buf[i]
			buf[i] = e
			ok = yield(out, nil)
			return ok
		})
		for ok && len(buf) > 0 && !ctxDone(ctx, yield) {
			i := rng.IntN(len(buf))
			out := buf[i]
			last := len(buf) - 1
			buf[i] = buf[last]
			buf[last] = Element{}
			buf = buf[:last]
			ok = yield(out, nil)
		}
	})
}
