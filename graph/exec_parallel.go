package graph

import (
	"runtime"
	"sync"

	"github.com/tideml/tide/core"
)

// heavyElements is the output size from which a node is worth running beside another one:
// below it, handing the node to another goroutine costs more than the node.
const heavyElements = 1 << 15

// parallelWorthwhile reports whether the graph has two heavy nodes that do not depend on each
// other at the same depth, so that running branches side by side can pay.
func (p *Plan) parallelWorthwhile() bool {
	if runtime.GOMAXPROCS(0) < 2 {
		return false
	}
	depth := make(map[*Node]int, len(p.g.Nodes))
	heavyAt := map[int]int{}
	for _, n := range p.g.Nodes {
		d := 0
		for _, in := range n.Inputs {
			if in.Producer != nil {
				d = max(d, depth[in.Producer]+1)
			}
		}
		depth[n] = d
		if p.heavy(n) {
			heavyAt[d]++
			if heavyAt[d] >= 2 {
				return true
			}
		}
	}
	return false
}

func (p *Plan) heavy(n *Node) bool {
	for _, o := range n.Outputs {
		if p.specs[o].Shape.Size() >= heavyElements {
			return true
		}
	}
	return false
}

// parState is the scheduling state of a parallel run, kept with its execution state.
type parState struct {
	mu      sync.Mutex
	cond    *sync.Cond
	waiting []int
	ready   []int // instructions whose inputs are ready; ready[next:] are not started
	next    int
	done    int
	err     error
	wg      sync.WaitGroup
}

// runParallel executes the instructions as their inputs become ready, on up to GOMAXPROCS
// goroutines. The memory plan of a parallel plan only reuses a buffer for a node that depends
// on every reader of its previous value, so any order the workers pick is safe, and the values
// are those of the sequential run: every kernel writes whole, zeroed outputs of its own.
func (st *execState) runParallel(p *Plan) error {
	prog := p.prog
	ps := st.par
	if ps == nil {
		ps = &parState{waiting: make([]int, len(prog.instrs)), ready: make([]int, 0, len(prog.instrs))}
		ps.cond = sync.NewCond(&ps.mu)
		st.par = ps
	}
	copy(ps.waiting, prog.nProducers)
	ps.ready, ps.next, ps.done, ps.err = ps.ready[:0], 0, 0, nil
	for k, n := range prog.nProducers {
		if n == 0 {
			ps.ready = append(ps.ready, k)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	ps.wg.Add(workers - 1)
	for range workers - 1 {
		go st.worker(p, true)
	}
	st.worker(p, false)
	ps.wg.Wait()
	return ps.err
}

// worker runs ready instructions until all have run or one failed.
func (st *execState) worker(p *Plan, spawned bool) {
	ps := st.par
	if spawned {
		defer ps.wg.Done()
	}
	total := len(p.prog.instrs)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for {
		for ps.next == len(ps.ready) && ps.done < total && ps.err == nil {
			ps.cond.Wait()
		}
		if ps.done == total || ps.err != nil {
			ps.cond.Broadcast()
			return
		}
		k := ps.ready[ps.next]
		ps.next++
		ps.mu.Unlock()
		err := st.runCatching(p, k)
		ps.mu.Lock()
		if err != nil {
			if ps.err == nil {
				ps.err = err
			}
			ps.cond.Broadcast()
			return
		}
		for _, c := range p.prog.consumers[k] {
			if ps.waiting[c]--; ps.waiting[c] == 0 {
				ps.ready = append(ps.ready, c)
			}
		}
		ps.done++
		ps.cond.Broadcast()
	}
}

// runCatching runs instruction k, returning a kernel's *core.Error panic as an error: on a
// worker goroutine no caller could recover it.
func (st *execState) runCatching(p *Plan, k int) (err error) {
	defer core.Recover(&err)
	return st.run(p, k)
}

// Parallel reports whether the plan runs independent heavy branches side by side.
func (p *Plan) Parallel() bool { return p.parallel }
