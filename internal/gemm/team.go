package gemm

import (
	"sync"
	"sync/atomic"

	"github.com/tideml/tide/internal/parallel"
)

// A team computes one product on several threads the way BLIS and OpenBLAS
// do: for each step (one kc×nc panel of B), the panel is packed once into a
// buffer all threads share, then the threads share out the blocks of C
// that use it, each packing its own blocks of A.
//
// The work is a list of items, in order: for each step, the pieces of the
// B panel to pack, then the blocks of C to compute. Threads claim items in
// that order from an atomic counter, so a thread that the OS takes away
// delays only the item it holds, and the others pick up the rest. An item
// waits for the items it depends on (a block of C needs its whole B panel;
// packing the next panel needs every block of the current step, which
// reads the buffer and writes C); those were claimed earlier, by threads
// that are running them. So any number of threads, even one, gets through
// the list: no thread ever waits for a thread that has not started, which
// matters because parallel.For runs chunks inline when its workers are
// busy.

// Work split of a team product.
const (
	// itemsPerThread is how many blocks of C each thread gets per step on
	// average: more balance the load better, fewer repack less of A.
	itemsPerThread = 4
)

// team is the shared state of one parallel product.
type team[T float] struct {
	p  problem[T]
	kn *kernel[T]
	bp []T // the shared packed panel of B

	steps              int // (n/nc) × (k/kc) panels, jc-major
	nk                 int // panels per jc block
	packItems          int // pieces of B per step
	rowChunk, colItems int // rows per block of C, blocks across a step's columns
	rowItems           int // blocks down the rows
	perStep            int // items per step
	next               atomic.Int64

	mu       sync.Mutex
	cond     sync.Cond
	packed   []int // per step: pieces of B packed
	computed []int // per step: blocks of C computed
	failed   bool  // a thread panicked: the others stop waiting

	fn func(lo, hi int) // tm.work, bound once
}

var (
	teams32 = sync.Pool{New: func() any { return newTeam[float32]() }}
	teams64 = sync.Pool{New: func() any { return newTeam[float64]() }}
)

func newTeam[T float]() *team[T] {
	tm := new(team[T])
	tm.cond.L = &tm.mu
	tm.fn = tm.work
	return tm
}

// parallel computes the product on t threads as a team.
func (p *problem[T]) parallel(kn *kernel[T], t int) {
	tm := pick[T](&teams32, &teams64).Get().(*team[T])
	tm.setup(p, kn, t)
	shared := getWorkspace[T](0, min(kn.kc, p.k)*min(kn.nc, roundUp(p.n, kn.nr)), 0)
	tm.bp = shared.b
	parallel.ForLimit(t, t, 1, tm.fn)
	putWorkspace(shared)
	tm.p, tm.kn, tm.bp = problem[T]{}, nil, nil
	pick[T](&teams32, &teams64).Put(tm)
}

// setup plans the work of a product on t threads.
func (tm *team[T]) setup(p *problem[T], kn *kernel[T], t int) {
	tm.p, tm.kn = *p, kn
	tm.nk = ceilDiv(p.k, kn.kc)
	tm.steps = ceilDiv(p.n, kn.nc) * tm.nk
	panels := ceilDiv(min(p.n, kn.nc), kn.nr)
	tm.packItems = min(t, panels)
	// Blocks of C: whole tiles down the rows (at most mc). Only if that gives
	// too few blocks to balance, also split across the columns, since each
	// block across the columns packs the same rows of A again.
	want := t * itemsPerThread
	tiles := ceilDiv(p.m, kn.mr)
	tm.rowChunk = min(ceilDiv(tiles, min(want, tiles))*kn.mr, kn.mc)
	tm.rowItems = ceilDiv(p.m, tm.rowChunk)
	tm.colItems = 1
	if tm.rowItems < 2*t {
		tm.colItems = max(1, min(panels, ceilDiv(want, tm.rowItems)))
	}
	tm.perStep = tm.packItems + tm.rowItems*tm.colItems
	tm.next.Store(0)
	tm.failed = false
	tm.packed = resetCounts(tm.packed, tm.steps)
	tm.computed = resetCounts(tm.computed, tm.steps)
}

// resetCounts returns s holding n zeros, reusing its storage.
func resetCounts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// step returns the column block [jc, jc+nb) and k block [pc, pc+kb) of a
// step.
func (tm *team[T]) step(s int) (jc, nb, pc, kb int) {
	kn, p := tm.kn, &tm.p
	jc, pc = (s/tm.nk)*kn.nc, (s%tm.nk)*kn.kc
	return jc, min(kn.nc, p.n-jc), pc, min(kn.kc, p.k-pc)
}

// work is one thread of the team: it claims and runs items until none are
// left.
func (tm *team[T]) work(_, _ int) {
	defer func() {
		if r := recover(); r != nil {
			tm.mu.Lock()
			tm.failed = true
			tm.cond.Broadcast()
			tm.mu.Unlock()
			panic(r)
		}
	}()
	kn := tm.kn
	kc := min(kn.kc, tm.p.k)
	ws := getWorkspace[T](tm.rowChunk*kc, 0, kn.mr*kn.nr)
	defer putWorkspace(ws)
	total := tm.steps * tm.perStep
	for {
		it := int(tm.next.Add(1) - 1)
		if it >= total {
			return
		}
		s, r := it/tm.perStep, it%tm.perStep
		if r < tm.packItems {
			// The buffer is free once the previous step is computed.
			if s > 0 && !tm.wait(func() bool { return tm.computed[s-1] == tm.perStep-tm.packItems }) {
				return
			}
			tm.packPiece(s, r)
			tm.done(&tm.packed[s])
			continue
		}
		if !tm.wait(func() bool { return tm.packed[s] == tm.packItems }) {
			return
		}
		tm.compute(s, r-tm.packItems, ws)
		tm.done(&tm.computed[s])
	}
}

// wait blocks until cond holds (true) or a thread has failed (false).
func (tm *team[T]) wait(cond func() bool) bool {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for !cond() && !tm.failed {
		tm.cond.Wait()
	}
	return !tm.failed
}

// done counts a finished item and wakes the waiting threads.
func (tm *team[T]) done(count *int) {
	tm.mu.Lock()
	*count++
	tm.cond.Broadcast()
	tm.mu.Unlock()
}

// packPiece packs piece r of step s's panel of B into the shared buffer.
func (tm *team[T]) packPiece(s, r int) {
	jc, nb, pc, kb := tm.step(s)
	nr := tm.kn.nr
	panels := ceilDiv(nb, nr)
	lo, hi := r*panels/tm.packItems, (r+1)*panels/tm.packItems
	if lo >= hi {
		return
	}
	// Panels [lo, hi) are a packing of their own columns, placed at their
	// offset in the shared buffer.
	j0, j1 := lo*nr, min(hi*nr, nb)
	packB(tm.bp[lo*kb*nr:], &tm.p, tm.kn, pc, kb, jc+j0, j1-j0)
}

// compute computes block r of step s: a chunk of rows across a share of the
// step's columns.
func (tm *team[T]) compute(s, r int, ws *workspace[T]) {
	p, kn := &tm.p, tm.kn
	jc, nb, pc, kb := tm.step(s)
	ri, ci := r/tm.colItems, r%tm.colItems
	i0 := ri * tm.rowChunk
	mb := min(tm.rowChunk, p.m-i0)
	panels := ceilDiv(nb, kn.nr)
	lo, hi := ci*panels/tm.colItems, (ci+1)*panels/tm.colItems
	if mb <= 0 || lo >= hi {
		return
	}
	j0, j1 := lo*kn.nr, min(hi*kn.nr, nb)
	if pc == 0 && p.beta != 0 && p.beta != 1 {
		// The first k block of these elements: apply beta once.
		scaleC(p.c, p.ldc, i0, i0+mb, jc+j0, jc+j1, p.beta)
	}
	packA(ws.a, p, kn, i0, mb, pc, kb)
	p.macro(kn, ws.a, tm.bp[lo*kb*kn.nr:], ws.tile, i0, mb, jc+j0, j1-j0, kb, pc > 0 || p.beta != 0)
}
