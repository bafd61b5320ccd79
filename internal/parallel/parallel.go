package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// task is one chunk of a For call handed to a worker.
type task struct {
	fn     func(lo, hi int)
	lo, hi int
	call   *call
}

// call is the shared state of one For call: the chunks still running and the
// first panic raised by a chunk on a worker, re-raised on the caller.
type call struct {
	wg       sync.WaitGroup
	panicked atomic.Pointer[any]
}

// maxWorkers bounds the pool (and the task queue) whatever GOMAXPROCS says.
const maxWorkers = 1024

// pool holds the persistent workers. A task is queued only while the number
// of queued or running tasks (pending) stays within the number of workers, so
// every queued task has a worker that is not running anything else and will
// take it without waiting on anyone; beyond that the caller runs the chunk
// itself.
var pool struct {
	mu      sync.Mutex
	started atomic.Int64
	pending atomic.Int64
	tasks   chan task
}

// calls recycles call records so that a parallel For does not allocate.
var calls = sync.Pool{New: func() any { return new(call) }}

func init() {
	pool.tasks = make(chan task, maxWorkers)
}

// Workers reports how many goroutines For may use at once, including the
// caller: runtime.GOMAXPROCS(0).
func Workers() int {
	return runtime.GOMAXPROCS(0)
}

// For calls fn on disjoint chunks [lo, hi) that together cover [0, n),
// running chunks concurrently on up to Workers goroutines, and returns when
// all calls have returned. Each chunk holds at least grain indices (grain < 1
// counts as 1), except that a range smaller than grain is one chunk. fn must
// be safe to call concurrently on disjoint ranges. For does nothing when
// n <= 0. If a chunk panics, For waits for the other chunks and then panics
// with the same value on the calling goroutine.
func For(n, grain int, fn func(lo, hi int)) {
	ForLimit(Workers(), n, grain, fn)
}

// ForLimit is For with at most limit goroutines (limit < 1 counts as 1, and
// limit is capped at Workers).
func ForLimit(limit, n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	chunks := Chunks(limit, n, grain)
	if chunks == 1 {
		fn(0, n)
		return
	}
	ensureWorkers(chunks - 1)
	cl := calls.Get().(*call)
	defer calls.Put(cl)
	cl.panicked.Store(nil)
	func() {
		// Wait for queued chunks even when a chunk run here panics, so no
		// chunk outlives the call.
		defer cl.wg.Wait()
		// Chunk c covers [c*n/chunks, (c+1)*n/chunks): sizes differ by at
		// most one.
		for c := 1; c < chunks; c++ {
			lo, hi := c*n/chunks, (c+1)*n/chunks
			if pool.pending.Add(1) <= pool.started.Load() {
				cl.wg.Add(1)
				pool.tasks <- task{fn: fn, lo: lo, hi: hi, call: cl}
				continue
			}
			// Every worker is busy (for example in a nested For): run the
			// chunk here rather than wait, which also rules out deadlock.
			pool.pending.Add(-1)
			fn(lo, hi)
		}
		fn(0, n/chunks)
	}()
	if p := cl.panicked.Load(); p != nil {
		panic(*p)
	}
}

// Chunks reports how many chunks ForLimit(limit, n, grain, ...) splits [0, n)
// into: min(limit, Workers(), n/grain), and at least 1.
func Chunks(limit, n, grain int) int {
	if grain < 1 {
		grain = 1
	}
	c := min(limit, Workers(), n/grain)
	return max(c, 1)
}

// ensureWorkers starts workers until at least want are running, capped at
// GOMAXPROCS-1 (the caller is the remaining one).
func ensureWorkers(want int) {
	want = min(want, Workers()-1, maxWorkers)
	if int(pool.started.Load()) >= want {
		return
	}
	pool.mu.Lock()
	for int(pool.started.Load()) < want {
		go worker()
		pool.started.Add(1)
	}
	pool.mu.Unlock()
}

// worker runs tasks forever; it parks on the channel while idle.
func worker() {
	for t := range pool.tasks {
		run(t)
	}
}

// run runs one task on a worker, recording a panic for the caller to re-raise
// instead of crashing the program from a goroutine it does not own.
func run(t task) {
	defer func() {
		if r := recover(); r != nil {
			t.call.panicked.CompareAndSwap(nil, &r)
		}
		pool.pending.Add(-1)
		t.call.wg.Done()
	}()
	t.fn(t.lo, t.hi)
}
