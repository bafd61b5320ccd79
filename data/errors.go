package data

import (
	"context"
	"sync"
	"sync/atomic"
)

// Skipped counts the elements that [Dataset.IgnoreErrors] dropped and keeps the last
// error. Its zero value is ready to use, and it is safe for concurrent use.
type Skipped struct {
	n    atomic.Int64
	mu   sync.Mutex
	last error
}

// Count returns the number of errors skipped so far.
func (s *Skipped) Count() int64 { return s.n.Load() }

// Last returns the most recent error skipped, or nil.
func (s *Skipped) Last() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *Skipped) add(err error) {
	s.n.Add(1)
	s.mu.Lock()
	s.last = err
	s.mu.Unlock()
}

// IgnoreErrors returns a dataset of d's elements without its errors, like
// tf.data.Dataset.ignore_errors: a bad record, a field that does not parse or a failed
// map call drops that element and the pass goes on (a damaged file ends that file, since
// nothing after the damage can be trusted). If skipped is not nil, every dropped error
// is counted in it. The context's own error is not ignored: a cancelled pass still ends
// with ctx.Err().
func (d *Dataset) IgnoreErrors(skipped *Skipped) *Dataset {
	return d.derive(d.spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		d.gen(ctx, func(e Element, err error) bool {
			if err == nil {
				return yield(e, nil)
			}
			if ctx.Err() != nil {
				yield(Element{}, ctx.Err())
				return false
			}
			if skipped != nil {
				skipped.add(err)
			}
			return true
		})
	})
}
