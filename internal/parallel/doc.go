// Package parallel runs loop bodies on a small shared pool of worker
// goroutines, for the intra-op parallelism of kernels such as GEMM.
//
// # Model
//
// [For] splits the index range [0, n) into at most [Workers] contiguous
// chunks of at least grain indices each and calls fn once per chunk. The
// calling goroutine runs the first chunk itself; the others go to persistent
// worker goroutines that are started on first use and then parked, so a call
// costs a channel send and a wake-up per extra chunk rather than a goroutine
// start. [For] returns when every chunk has finished.
//
// # When work runs inline
//
// Everything runs on the caller, with no synchronisation at all, when only
// one worker is allowed (GOMAXPROCS=1 or a limit of 1), when the range holds
// fewer than two grains, or when every worker is already busy. The last rule
// makes nested calls safe: a loop body that itself calls [For] never waits
// for a worker that is waiting for it, it simply runs its chunks in place.
//
// # Sizing
//
// The pool is sized by runtime.GOMAXPROCS at the time of each call; workers
// are added when GOMAXPROCS grows and never removed (idle ones cost only a
// parked goroutine). Callers decide whether work is worth splitting: two
// threads on a 2-core machine help only once a chunk is worth tens of
// microseconds, since a wake-up costs a few.
package parallel
