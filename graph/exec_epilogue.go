package graph

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Chains run as a GEMM epilogue. A fused chain headed by a matmul (a layer's bias and activation,
// an optimizer's update of a weight from its gradient) would have the matmul write its whole
// result and the chain read it back: for a weight gradient of a few megabytes, from memory, or at
// best from the last-level cache. Instead, the GEMM reports each block of the result as soon as
// it is final, on the thread that computed it (cpu.MatMulBlocks, gemm.Epilogue), and the chain
// runs on each of its chunks once every element of the chunk is final, reading the result while
// it is still in the core's cache. A chunk straddling blocks runs when its last block is
// reported; the chunks are those of the plain run, with the same views, steps and kernels, so
// the values are the same bit for bit, only the order of the chunks differs.
//
// The blocks on several threads are reported at once: each thread runs its chunks with its own
// step buffers (a chunkState), and a chunk's elements are counted atomically so that exactly one
// thread, the one completing it, runs it. The chain writes its result (into the output, or a
// buffer copied there) while the GEMM still reads its operands, so a call whose output shares
// storage with an operand of the matmul (a variable written in place by a chain whose matmul
// reads the variable) runs the matmul whole first, as a chain with any other head does.

// blocksOK reports whether the head step s, with inputs of the given specs and result out, can
// run as a GEMM with an epilogue: a single float matmul whose kernel is package cpu's, so that
// cpu.MatMulBlocks computes what the registered kernel would.
func blocksOK(s FusedStep, in []core.Spec, out core.Spec) bool {
	if noBlocks.Load() || s.Op.Name() != "matmul" || len(in) != 2 || len(out.Shape) != 2 || out.Shape.Size() == 0 {
		return false
	}
	if _, ok := s.Params.(ops.MatMulParams); !ok {
		return false
	}
	for _, sp := range in {
		if len(sp.Shape) != 2 || sp.DType != out.DType {
			return false
		}
	}
	if out.DType != dtype.Float32 && out.DType != dtype.Float64 {
		return false
	}
	ks := s.Op.Kernels(out.DType)
	return len(ks) > 0 && ks[0].Name == "cpu"
}

// noBlocks turns the epilogue off for plans made from now on (tests compare with it), and
// blockRuns counts the nodes run with it (tests check that it ran, or not).
var (
	noBlocks  atomic.Bool
	blockRuns atomic.Int64
)

// blockState is what a fused node run as a GEMM epilogue keeps between runs.
type blockState struct {
	f      *fusedState
	fp     *fusedPlan
	cols   int
	filled []atomic.Int64 // by chunk: how many of its elements are final
	ran    atomic.Int64   // chunks run
	fn     func(i0, i1, j0, j1 int)

	out  *tensor.Tensor // during a run: the node's output
	mu   sync.Mutex
	free []*chunkState // the buffers of the goroutines not running chunks
	err  error         // the first failure of a step
}

func newBlockState(f *fusedState, fp *fusedPlan) *blockState {
	b := &blockState{f: f, fp: fp, cols: fp.outSpec.Shape[1], filled: make([]atomic.Int64, fp.chunks())}
	b.free = []*chunkState{&f.chunkState}
	b.fn = b.block
	return b
}

// usable reports whether the chain may run as the epilogue of the matmul on head: its output,
// written by the chain while the matmul runs, shares no storage with the matmul's operands.
func (b *blockState) usable(head []*tensor.Tensor, out *tensor.Tensor) bool {
	sp := spanOf(out)
	for _, h := range head {
		if sp.overlaps(spanOf(h)) {
			return false
		}
	}
	return true
}

// run runs the node: the matmul on its operands (f.headArgs) into f.headOut, and the chain on
// each chunk of the result as the matmul finishes it.
func (b *blockState) run(in []*tensor.Tensor, out *tensor.Tensor) error {
	f, fp := b.f, b.fp
	blockRuns.Add(1)
	f.cutInputs(fp, in, out)
	for i := range b.filled {
		b.filled[i].Store(0)
	}
	b.ran.Store(0)
	b.out, b.err = out, nil
	s := fp.steps[0]
	ok := cpu.MatMulBlocks(s.Params.(ops.MatMulParams), f.headArgs, f.headOut, b.fn)
	b.out = nil
	switch {
	case !ok:
		return fmt.Errorf("matmul: no blocked kernel for %s %v", fp.outSpec.DType, fp.outSpec.Shape)
	case b.err != nil:
		return b.err
	case int(b.ran.Load()) != len(b.filled):
		return fmt.Errorf("matmul: the blocks reported cover %d of %d chunks", b.ran.Load(), len(b.filled))
	}
	return nil
}

// block is the epilogue: rows [i0, i1) and columns [j0, j1) of the result are final. It counts
// them into their chunks and runs the chunks it completes.
func (b *blockState) block(i0, i1, j0, j1 int) {
	var cs *chunkState
	if j0 == 0 && j1 == b.cols {
		cs = b.add(cs, i0*b.cols, i1*b.cols) // whole rows: one run of elements
	} else {
		for i := i0; i < i1; i++ {
			cs = b.add(cs, i*b.cols+j0, i*b.cols+j1)
		}
	}
	if cs != nil {
		b.mu.Lock()
		b.free = append(b.free, cs)
		b.mu.Unlock()
	}
}

// add counts elements [lo, hi) of the result as final and runs the chunks this completes, with
// cs as buffers, taking a free one first if cs is nil. It returns the buffers it used.
func (b *blockState) add(cs *chunkState, lo, hi int) *chunkState {
	fp := b.fp
	for lo < hi {
		c := lo / fp.chunk
		end := min(hi, (c+1)*fp.chunk)
		size := min((c+1)*fp.chunk, fp.n) - c*fp.chunk
		if int(b.filled[c].Add(int64(end-lo))) == size {
			if cs == nil {
				cs = b.get()
			}
			if err := b.f.runChunk(fp, cs, c, b.out); err != nil {
				b.fail(err)
			}
			b.ran.Add(1)
		}
		lo = end
	}
	return cs
}

// get takes free chunk buffers, or makes them for one more goroutine.
func (b *blockState) get() *chunkState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := len(b.free); n > 0 {
		cs := b.free[n-1]
		b.free = b.free[:n-1]
		return cs
	}
	return newChunkState(b.fp)
}

// fail records the first failure of a step.
func (b *blockState) fail(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
}
