package gemm

import (
	"sync"

	"github.com/tideml/tide/internal/parallel"
)

// run computes every product of the batch: one after another, each split
// over threads on its own when it is large enough, or spread over the
// threads a whole product at a time when they are small.
func (bt *batched[T]) run(kn *kernel[T], threads int) {
	if bt.batch == 0 {
		return
	}
	p := &bt.p
	flops := 2 * float64(p.m) * float64(p.n) * float64(p.k)
	if threads <= 1 || bt.batch == 1 || flops >= minThreadFlops*float64(threads) {
		for i := 0; i < bt.batch; i++ {
			q := bt.at(i)
			q.run(kn, threads)
		}
		return
	}
	grain := max(1, int(minThreadFlops/max(flops, 1)))
	j := getBatchJob[T]()
	j.kn, j.bt = kn, *bt
	parallel.ForLimit(threads, bt.batch, grain, j.fn)
	putBatchJob(j)
}

// batchJob is one batch spread over threads a product at a time. Jobs are
// recycled, with fn bound once, so that a parallel call does not allocate.
type batchJob[T float] struct {
	kn *kernel[T]
	bt batched[T]
	fn func(lo, hi int) // j.products, bound once
}

// products computes products [lo, hi) of the batch, each on one thread.
func (j *batchJob[T]) products(lo, hi int) {
	for i := lo; i < hi; i++ {
		q := j.bt.at(i)
		q.run(j.kn, 1)
	}
}

var (
	batchJobs32 = sync.Pool{New: func() any { return newBatchJob[float32]() }}
	batchJobs64 = sync.Pool{New: func() any { return newBatchJob[float64]() }}
)

func newBatchJob[T float]() *batchJob[T] {
	j := new(batchJob[T])
	j.fn = j.products
	return j
}

func getBatchJob[T float]() *batchJob[T] {
	return pick[T](&batchJobs32, &batchJobs64).Get().(*batchJob[T])
}

// putBatchJob recycles j, dropping its references to the caller's slices.
func putBatchJob[T float](j *batchJob[T]) {
	j.kn, j.bt = nil, batched[T]{}
	pick[T](&batchJobs32, &batchJobs64).Put(j)
}
