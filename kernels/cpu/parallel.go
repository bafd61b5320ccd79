package cpu

import "github.com/tideml/tide/internal/parallel"

// Threading of the elementwise, reduction and softmax kernels. A kernel splits its work across
// cores only when each chunk is worth at least ewChunkNs of single-thread time: waking a worker
// and joining it costs a few microseconds, and two threads sharing one memory bus help a
// streaming loop far less than they help arithmetic. Each kernel states its cost per element
// (nanoseconds, measured on one core with warm caches); the grain follows from it, so an exp
// splits from about 18k elements and an add from about 230k.

// ewChunkNs is the least single-thread work, in nanoseconds, worth handing to another thread.
const ewChunkNs = 40_000

// ewGrain returns the least number of elements per chunk for work costing ns per element.
func ewGrain(ns float64) int { return max(int(ewChunkNs/ns), 1) }

// ewSerial reports whether n elements costing ns each are too few to split across threads. Call
// sites test it before building the closure they would hand to ewSplit, so that the common
// small case allocates nothing (a closure handed to other goroutines lives on the heap).
func ewSerial(n int, ns float64) bool { return n < 2*ewGrain(ns) || parallel.Workers() < 2 }

// ewSplit runs fn over [0, n) in chunks of at least ewGrain(ns) elements, each a multiple of
// align except the last, on up to parallel.Workers goroutines; it runs fn(0, n) on the caller,
// with no synchronisation, when n is too small to split.
func ewSplit(n int, ns float64, align int, fn func(lo, hi int)) {
	if ewSerial(n, ns) {
		fn(0, n)
		return
	}
	g := ewGrain(ns)
	units := (n + align - 1) / align
	parallel.For(units, max(g/align, 1), func(lo, hi int) {
		fn(lo*align, min(hi*align, n))
	})
}
