package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

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
// waits for the items it depends on (a block of C needs its whole B panel,
// and the same block of the step before, which wrote the same elements of
// C; packing a panel into one of the panelBufs buffers needs every block
// of the step that used the buffer before); those were claimed earlier, by
// threads that are running them. So any number of threads, even one, gets
// through the list: no thread ever waits for a thread that has not
// started, which matters because parallel.For runs chunks inline when its
// workers are busy.
//
// When the steps are short (maxWholeStepFlops) and op(A) and op(B), packed,
// fit in maxWhole bytes, both are packed once, all of them, before any
// block of C is computed (a step's panels of A and B are its pieces), and
// each block of C then runs through every step on its own. The blocks own
// their elements of C for the whole product, so there is no barrier between
// steps, only a wait for each panel to be packed, and, with A shared too, a
// block may be any rectangle of tiles at no extra packing cost. Products
// with few rows (an MLP layer at batch 128 has a few steps of ~100 µs each)
// lost most of their second thread to the barriers: the imbalance of each
// step's last block, and a wake-up per step. The split never changes the
// arithmetic of an element of C (the same k blocks, in the same order,
// through the same kernel), so results do not depend on the number of
// threads.

// Work split of a team product.
const (
	// itemsPerThread is how many blocks of C each thread gets per step on
	// average: more balance the load better, fewer repack less of A.
	itemsPerThread = 4
	// maxWholeStepFlops is the most work per thread and step (2^26 flops,
	// about 0.5 ms) for which all of A and B are packed at once.
	maxWholeStepFlops = 1 << 26
	// minBlockTiles is the fewest tiles down the rows of a block of C when
	// A is shared: each micro-panel of B loaded into L1 serves that many
	// tiles.
	minBlockTiles = 4
	// panelBufs is how many panels of B the step-by-step scheme keeps:
	// with two, the next panel is packed while the blocks of the current
	// one are computed, and a thread that finishes its blocks of a step
	// goes on to the next instead of waiting for the others.
	panelBufs = 2
	// spins is how many times a thread rechecks a condition, yielding in
	// between, before it parks: a park and wake-up costs tens of
	// microseconds on a virtual machine, longer than most waits here.
	spins = 50
)

// maxWhole is the most bytes of packed A and B packed at once (the buffer
// is kept between calls, so it stays small enough to keep). Tests lower it
// to run the step-by-step scheme on small products.
var maxWhole = 16 << 20

// team is the shared state of one parallel product.
type team[T float] struct {
	p  problem[T]
	kn *kernel[T]
	bp []T // the shared packed panel of B (whole: every step's)
	ap []T // whole: the shared packed A, a block per k block

	steps     int  // (n/nc) × (k/kc) panels, jc-major
	nk        int  // panels per jc block
	whole     bool // all of A and B are packed at once
	stepSize  int  // elements of one step's packed panel of B
	aSize     int  // elements of one k block of packed A (whole only)
	packItems int  // pieces of B per step
	aItems    int  // pieces of A per k block (whole only)
	tiles     int  // MR-row tiles of C
	colItems  int  // blocks across a step's columns
	rowItems  int  // blocks down the rows
	perStep   int  // items per step (whole: pieces only)
	blocks    int  // blocks of C (rowItems × colItems)
	next      atomic.Int64

	mu       sync.Mutex
	cond     sync.Cond
	packed   []int // per step: pieces of B packed
	computed []int // per step: blocks of C computed
	progress []int // per block: steps computed
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
	na, nb := 0, tm.stepSize*min(panelBufs, tm.steps)
	if tm.whole {
		na, nb = tm.aSize*tm.nk, nb*tm.steps
	}
	shared := getWorkspace[T](na, nb, 0)
	tm.ap, tm.bp = shared.a, shared.b
	parallel.ForLimit(t, t, 1, tm.fn)
	putWorkspace(shared)
	tm.p, tm.kn, tm.ap, tm.bp = problem[T]{}, nil, nil, nil
	pick[T](&teams32, &teams64).Put(tm)
}

// setup plans the work of a product on t threads.
func (tm *team[T]) setup(p *problem[T], kn *kernel[T], t int) {
	tm.p, tm.kn = *p, kn
	tm.nk = ceilDiv(p.k, kn.kc)
	tm.steps = ceilDiv(p.n, kn.nc) * tm.nk
	panels := ceilDiv(min(p.n, kn.nc), kn.nr)
	kc := min(kn.kc, p.k)
	tm.stepSize = kc * panels * kn.nr
	tm.tiles = ceilDiv(p.m, kn.mr)
	tm.aSize = kc * tm.tiles * kn.mr
	var zero T
	// Large steps keep the step-by-step scheme: there a step's panel of B
	// stays in L2 while a thread computes its blocks, and a barrier is
	// cheap next to a step.
	stepFlops := 2 * float64(p.m) * float64(min(p.n, kn.nc)) * float64(kc) / float64(t)
	tm.whole = stepFlops <= maxWholeStepFlops &&
		(tm.steps*tm.stepSize+tm.nk*tm.aSize)*int(unsafe.Sizeof(zero)) <= maxWhole
	tm.packItems = min(t, panels)
	tm.aItems = min(t, tm.tiles)
	// Blocks of C: runs of whole tiles down the rows (at most mc), as even
	// as whole tiles allow. Only if that gives too few blocks to balance,
	// also split across the columns: with A packed per block, each block
	// across the columns packs the same rows of A again; with A shared, the
	// blocks keep minBlockTiles rows for B's sake.
	want := t * itemsPerThread
	rows := min(want, tm.tiles)
	if tm.whole {
		rows = min(want, max(1, tm.tiles/minBlockTiles))
	}
	tm.rowItems = max(rows, ceilDiv(tm.tiles, kn.mc/kn.mr))
	tm.colItems = 1
	if tm.rowItems < want {
		tm.colItems = max(1, min(panels, ceilDiv(want, tm.rowItems)))
	}
	tm.blocks = tm.rowItems * tm.colItems
	tm.perStep = tm.packItems
	if !tm.whole {
		tm.perStep += tm.blocks
	}
	tm.next.Store(0)
	tm.failed = false
	tm.packed = resetCounts(tm.packed, tm.steps)
	tm.computed = resetCounts(tm.computed, tm.steps)
	tm.progress = resetCounts(tm.progress, tm.blocks)
}

// rows returns the rows [i0, i0+mb) of C in block row ri.
func (tm *team[T]) rows(ri int) (i0, mb int) {
	mr := tm.kn.mr
	t0, t1 := ri*tm.tiles/tm.rowItems, (ri+1)*tm.tiles/tm.rowItems
	i0 = t0 * mr
	return i0, min(t1*mr, tm.p.m) - i0
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
	na := ceilDiv(tm.tiles, tm.rowItems) * kn.mr * kc
	if tm.whole {
		na = 0
	}
	ws := getWorkspace[T](na, 0, kn.mr*kn.nr)
	defer putWorkspace(ws)
	if tm.whole {
		tm.workWhole(ws)
		return
	}
	total := tm.steps * tm.perStep
	for {
		it := int(tm.next.Add(1) - 1)
		if it >= total {
			return
		}
		s, r := it/tm.perStep, it%tm.perStep
		if r < tm.packItems {
			// Step s's buffer is free once the step before it in that
			// buffer is computed.
			if s >= panelBufs && !tm.wait(func() bool { return tm.computed[s-panelBufs] == tm.blocks }) {
				return
			}
			tm.packPiece(s, r)
			tm.done(&tm.packed[s])
			continue
		}
		// A block adds to what the same block wrote in the step before.
		r -= tm.packItems
		if !tm.wait(func() bool { return tm.packed[s] == tm.packItems && tm.progress[r] == s }) {
			return
		}
		tm.compute(s, r, ws)
		tm.mu.Lock()
		tm.computed[s]++
		tm.progress[r]++
		tm.cond.Broadcast()
		tm.mu.Unlock()
	}
}

// workWhole is work when all of A and B are packed at once: the items are
// every step's pieces of A and B, then the blocks of C, each through all
// the steps.
func (tm *team[T]) workWhole(ws *workspace[T]) {
	pieces := tm.steps*tm.packItems + tm.nk*tm.aItems
	total := pieces + tm.blocks
	for {
		it := int(tm.next.Add(1) - 1)
		if it >= total {
			return
		}
		if it < pieces {
			s, r := tm.piece(it)
			if r < tm.packItems {
				tm.packPiece(s, r)
			} else {
				tm.packPieceA(s, r-tm.packItems)
			}
			tm.done(&tm.packed[s])
			continue
		}
		for s := range tm.steps {
			// Step s needs its panel of B and its k block's panel of A,
			// packed in the first column block's step of that k block.
			q := s % tm.nk
			if !tm.wait(func() bool { return tm.packed[s] == tm.pieces(s) && tm.packed[q] == tm.pieces(q) }) {
				return
			}
			tm.compute(s, it-pieces, ws)
		}
	}
}

// pieces returns how many pieces step s packs when all is packed at once:
// its panel of B and, in the first column block, the k block of A.
func (tm *team[T]) pieces(s int) int {
	if s < tm.nk {
		return tm.packItems + tm.aItems
	}
	return tm.packItems
}

// piece returns the step and the piece within it of packing item it: B's
// pieces come first, then A's.
func (tm *team[T]) piece(it int) (s, r int) {
	first := tm.nk * (tm.packItems + tm.aItems)
	if it < first {
		return it / (tm.packItems + tm.aItems), it % (tm.packItems + tm.aItems)
	}
	it -= first
	return tm.nk + it/tm.packItems, it % tm.packItems
}

// packPieceA packs piece r of the k block of A used by step s (s < nk) into
// the shared buffer.
func (tm *team[T]) packPieceA(s, r int) {
	_, _, pc, kb := tm.step(s)
	mr := tm.kn.mr
	t0, t1 := r*tm.tiles/tm.aItems, (r+1)*tm.tiles/tm.aItems
	if t0 >= t1 {
		return
	}
	i0 := t0 * mr
	packA(tm.ap[s*tm.aSize+t0*kb*mr:], &tm.p, tm.kn, i0, min(t1*mr, tm.p.m)-i0, pc, kb)
}

// wait blocks until cond holds (true) or a thread has failed (false).
func (tm *team[T]) wait(cond func() bool) bool {
	for range spins {
		tm.mu.Lock()
		ok, failed := cond(), tm.failed
		tm.mu.Unlock()
		if ok || failed {
			return !failed
		}
		runtime.Gosched()
	}
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
	packB(tm.panel(s)[lo*kb*nr:], &tm.p, tm.kn, pc, kb, jc+j0, j1-j0)
}

// panel returns the buffer of step s's packed panel of B.
func (tm *team[T]) panel(s int) []T {
	if tm.whole {
		return tm.bp[s*tm.stepSize:]
	}
	return tm.bp[(s%panelBufs)*tm.stepSize:]
}

// compute computes block r of step s: a chunk of rows across a share of the
// step's columns.
func (tm *team[T]) compute(s, r int, ws *workspace[T]) {
	p, kn := &tm.p, tm.kn
	jc, nb, pc, kb := tm.step(s)
	ri, ci := r/tm.colItems, r%tm.colItems
	i0, mb := tm.rows(ri)
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
	pa := ws.a
	if tm.whole {
		pa = tm.ap[(s%tm.nk)*tm.aSize+(i0/kn.mr)*kb*kn.mr:]
	} else {
		packA(pa, p, kn, i0, mb, pc, kb)
	}
	p.macro(kn, pa, tm.panel(s)[lo*kb*kn.nr:], ws.tile, i0, mb, jc+j0, j1-j0, kb, pc > 0 || p.beta != 0)
	if pc+kb == p.k {
		p.finished(i0, i0+mb, jc+j0, jc+j1)
	}
}
