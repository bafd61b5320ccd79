package graph

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/tensor"
)

// heavyElements is the output size from which a node is worth running beside another one:
// below it, handing the node to another goroutine costs more than the node.
const heavyElements = 1 << 15

// schedule is what running independent branches in parallel needs, computed once per plan.
type schedule struct {
	producers [][]int // for each node, the nodes producing its inputs
	consumers [][]int // for each node, the nodes using its outputs
	uses      map[*Value]int
	keep      map[*Value]bool
}

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

func (p *Plan) buildSchedule() *schedule {
	index := make(map[*Node]int, len(p.g.Nodes))
	for i, n := range p.g.Nodes {
		index[n] = i
	}
	s := &schedule{producers: make([][]int, len(p.g.Nodes)), consumers: make([][]int, len(p.g.Nodes)),
		uses: map[*Value]int{}, keep: map[*Value]bool{}}
	for i, n := range p.g.Nodes {
		seen := map[int]bool{}
		for _, in := range n.Inputs {
			s.uses[in]++
			if in.Producer != nil && !seen[index[in.Producer]] {
				j := index[in.Producer]
				seen[j] = true
				s.producers[i] = append(s.producers[i], j)
				s.consumers[j] = append(s.consumers[j], i)
			}
		}
	}
	for _, o := range p.g.Outputs {
		s.keep[o] = true
	}
	for _, a := range p.g.Assigns {
		s.keep[a.Value] = true
	}
	for _, n := range p.g.Nodes {
		if n.Op.IsView() {
			// A view shares its input's buffer: neither may be recycled.
			s.keep[n.Inputs[0]] = true
			for _, o := range n.Outputs {
				s.keep[o] = true
			}
		}
	}
	return s
}

// runParallel executes the nodes as their inputs become ready, on up to GOMAXPROCS goroutines,
// recycling each buffer once its last consumer has run. The values computed are those of the
// sequential run: every kernel writes whole, zeroed outputs of its own.
func (p *Plan) runParallel(vals map[*Value]*tensor.Tensor, buffers pool) error {
	p.schedOnce.Do(func() { p.sched = p.buildSchedule() })
	s := p.sched
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	waiting := make([]int, len(p.g.Nodes))
	uses := make(map[*Value]int, len(s.uses))
	for v, n := range s.uses {
		uses[v] = n
	}
	var ready []int
	for i := range p.g.Nodes {
		waiting[i] = len(s.producers[i])
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	done, running := 0, 0
	var firstErr error
	worker := func() {
		mu.Lock()
		defer mu.Unlock()
		for {
			for len(ready) == 0 && done < len(p.g.Nodes) && firstErr == nil {
				cond.Wait()
			}
			if done == len(p.g.Nodes) || firstErr != nil {
				cond.Broadcast()
				return
			}
			i := ready[0]
			ready = ready[1:]
			n := p.g.Nodes[i]
			in := make([]*tensor.Tensor, len(n.Inputs))
			for j, v := range n.Inputs {
				in[j] = vals[v]
			}
			var out []*tensor.Tensor
			if !n.Op.IsView() {
				out = make([]*tensor.Tensor, len(n.Outputs))
				for j, v := range n.Outputs {
					out[j] = buffers.get(p.specs[v])
				}
			}
			running++
			mu.Unlock()
			var err error
			if n.Op.IsView() {
				out = []*tensor.Tensor{in[0].Detach().Reshape(p.specs[n.Outputs[0]].Shape...)}
			} else {
				err = core.RunInto(n.Op, p.kernels[i], n.Params, in, out)
			}
			mu.Lock()
			running--
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("graph: node %d: %w", n.ID, err)
				}
				cond.Broadcast()
				return
			}
			for j, v := range n.Outputs {
				vals[v] = out[j]
			}
			for _, v := range n.Inputs {
				if uses[v]--; uses[v] == 0 && v.Kind == KindOutput && !s.keep[v] {
					buffers.put(vals[v])
					delete(vals, v)
				}
			}
			for _, v := range n.Outputs {
				if uses[v] == 0 && !s.keep[v] { // never read
					buffers.put(vals[v])
					delete(vals, v)
				}
			}
			for _, c := range s.consumers[i] {
				if waiting[c]--; waiting[c] == 0 {
					ready = append(ready, c)
				}
			}
			done++
			cond.Broadcast()
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Add(1)
		go func() { defer wg.Done(); worker() }()
	}
	worker()
	wg.Wait()
	return firstErr
}

// Parallel reports whether the plan runs independent heavy branches side by side.
func (p *Plan) Parallel() bool { return p.parallel }
