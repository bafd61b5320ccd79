package graph

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// fusedPlan is runFused worked out once for a fused node of known shapes: the chunking, how
// each input is cut, and the steps' kernels for the (at most two) chunk lengths. The executor
// runs it with buffers and chunk views kept in the execution state, so that a steady-state
// run allocates nothing; the values are those of runFused, which remains the node's kernel
// where no plan can be made.
type fusedPlan struct {
	steps    []FusedStep
	nIn      int // the node's inputs
	first    int // 1 when the chain starts with a head op run whole
	head     core.Kernel
	n, chunk int
	unit     int
	trail    shape.Shape
	cut      []cutKind // for each input (and the head's result): how the chain reads it
	lens     []int     // the chunk lengths: the full one, then the last one if shorter
	kernels  [][]core.Kernel
	// overwrites says, by step, whether the kernel writes its whole output (see overwrites).
	overwrites []bool
	// direct: the last step writes into the output, a buffer of the memory plan, instead of
	// a chunk buffer copied there (see cutOutput).
	direct    bool
	stepSpecs [][]core.Spec // by chunk length and step: the step's output
	// scratch: the head writes into a buffer of the state instead of the output, which is a
	// variable written in place that the chain reads (see exec_inplace.go); the last step then
	// writes into the output directly.
	scratch bool
	outSpec core.Spec
	// blocks: the head is a matmul whose kernel reports the blocks of its result as they are
	// finished, and the chain runs on each chunk as soon as it is complete (see exec_epilogue.go).
	blocks bool
}

type cutKind uint8

const (
	cutNone   cutKind = iota // not read by the chain (a head's operand)
	cutChunks                // the output's size: cut into chunks
	cutScalar                // a single element, broadcast as a scalar
	cutSuffix                // broadcast along leading axes: read whole at each chunk
)

// planFused returns the plan of fused node n, or nil when runFused would run the steps on whole
// tensors or a step rejects the chunks (the kernel then runs and reports it).
func (p *Plan) planFused(n *Node) *fusedPlan {
	fp := &fusedPlan{steps: n.Params.(FusedParams).Steps, nIn: len(n.Inputs), outSpec: p.specs[n.Outputs[0]]}
	steps := fp.steps
	outSpec := fp.outSpec
	fp.n = outSpec.Shape.Size()
	specs := make([]core.Spec, fp.nIn+len(steps))
	for i, v := range n.Inputs {
		specs[i] = p.specs[v]
	}
	if !steps[0].Op.IsElementwise() {
		in := make([]core.Spec, len(steps[0].Args))
		for j, a := range steps[0].Args {
			in[j] = specs[a]
		}
		out, err := steps[0].Op.Infer(steps[0].Params, in)
		if err != nil {
			return nil
		}
		if fp.head, err = steps[0].Op.Select(in, out); err != nil {
			return nil
		}
		specs[fp.nIn] = outSpec // the head writes into the node's output
		fp.first = 1
		fp.blocks = blocksOK(steps[0], in, outSpec)
	}
	fp.overwrites = make([]bool, len(steps))
	for i, s := range steps {
		fp.overwrites[i] = overwrites(s.Op)
	}
	fp.cut = make([]cutKind, fp.nIn+fp.first)
	for _, st := range steps[fp.first:] {
		for _, a := range st.Args {
			if a < fp.nIn+fp.first {
				fp.cut[a] = cutChunks
			}
		}
	}
	fp.unit, fp.trail = 1, shape.Shape{}
	for i, s := range specs[:fp.nIn+fp.first] {
		if size := s.Shape.Size(); fp.cut[i] != cutNone && size != fp.n && size != 1 && size > fp.unit {
			fp.unit, fp.trail = size, trimOnes(s.Shape)
		}
	}
	if fp.unit > 1 && (fp.n%fp.unit != 0 || !fp.trail.Equal(outSpec.Shape[len(outSpec.Shape)-len(fp.trail):])) {
		return nil
	}
	for i, s := range specs[:fp.nIn+fp.first] {
		size := s.Shape.Size()
		switch {
		case fp.cut[i] == cutNone:
		case size == fp.n && fp.n > 1:
		case size == 1:
			fp.cut[i] = cutScalar
		case fp.unit%size != 0:
			return nil
		default:
			fp.cut[i] = cutSuffix
		}
	}
	fp.chunk = max(fp.unit, fusedChunk/fp.unit*fp.unit)
	if fp.n > 0 {
		fp.lens = append(fp.lens, min(fp.chunk, fp.n))
		if last := fp.n - (fp.n-1)/fp.chunk*fp.chunk; last != fp.lens[0] {
			fp.lens = append(fp.lens, last)
		}
	}
	for _, l := range fp.lens {
		ks, ss, ok := fp.planLength(specs, l)
		if !ok {
			return nil
		}
		fp.kernels, fp.stepSpecs = append(fp.kernels, ks), append(fp.stepSpecs, ss)
	}
	return fp
}

// planLength infers and selects the chain's steps for chunks of l elements.
func (fp *fusedPlan) planLength(whole []core.Spec, l int) ([]core.Kernel, []core.Spec, bool) {
	specs := make([]core.Spec, len(whole))
	for i, s := range whole[:fp.nIn+fp.first] {
		specs[i] = core.Spec{DType: s.DType, Shape: fp.viewShape(fp.cut[i], s.Shape, l)}
	}
	ks, out := make([]core.Kernel, len(fp.steps)), make([]core.Spec, len(fp.steps))
	for i := fp.first; i < len(fp.steps); i++ {
		s := fp.steps[i]
		args := make([]core.Spec, len(s.Args))
		for j, a := range s.Args {
			args[j] = specs[a]
		}
		o, err := s.Op.Infer(s.Params, args)
		if err != nil {
			return nil, nil, false
		}
		if ks[i], err = s.Op.Select(args, o); err != nil {
			return nil, nil, false
		}
		specs[fp.nIn+i], out[i] = o[0], o[0]
	}
	return ks, out, true
}

// viewShape is the shape of a chunk of l elements of an input of shape s cut as c.
func (fp *fusedPlan) viewShape(c cutKind, s shape.Shape, l int) shape.Shape {
	switch c {
	case cutChunks:
		if fp.unit > 1 {
			return append(shape.Shape{l / fp.unit}, fp.trail...)
		}
		return shape.Shape{l}
	case cutScalar:
		return shape.Shape{}
	case cutSuffix:
		return trimOnes(s)
	}
	return nil
}

// fusedState is a fused node's part of an execution state: the steps' chunk buffers, the
// headers over them, and the chunk views of the inputs, remade only when an input's storage
// changes (an argument's, from call to call; buffers and variables keep theirs).
type fusedState struct {
	chunkState // the calling goroutine's chunk buffers
	headArgs   []*tensor.Tensor
	headOut    []*tensor.Tensor
	keys       []any              // by input: the storage the views were made for
	views      [][]*tensor.Tensor // by input: one view per chunk, or one
	outKey     any                // the output's storage the output views were made for
	outViews   [][]*tensor.Tensor // by chunk: a one-element slice of the output's view
	scratch    *tensor.Tensor     // the head's result, with fusedPlan.scratch
	blocks     *blockState        // with fusedPlan.blocks
}

// chunkState is what running the chain on one chunk writes: the steps' outputs and the slices
// handed to their kernels. Each goroutine running chunks at once needs its own.
type chunkState struct {
	dst    [][]*tensor.Tensor   // by chunk length and step: the step's output header
	dstOut [][][]*tensor.Tensor // the same as one-element slices, for the kernels
	args   [][]*tensor.Tensor   // by step
	regs   []*tensor.Tensor
}

func newFusedState(fp *fusedPlan) *fusedState {
	f := &fusedState{keys: make([]any, len(fp.cut)), views: make([][]*tensor.Tensor, len(fp.cut)), headOut: make([]*tensor.Tensor, 1)}
	f.chunkState = *newChunkState(fp)
	if fp.first == 1 {
		f.headArgs = make([]*tensor.Tensor, len(fp.steps[0].Args))
	}
	if fp.scratch {
		f.scratch = tensor.New(fp.outSpec.DType, fp.outSpec.Shape)
	}
	if fp.blocks {
		f.blocks = newBlockState(f, fp)
	}
	return f
}

func newChunkState(fp *fusedPlan) *chunkState {
	cs := &chunkState{regs: make([]*tensor.Tensor, fp.nIn+len(fp.steps)), args: make([][]*tensor.Tensor, len(fp.steps))}
	bufs := make([]*tensor.Tensor, len(fp.steps))
	for i := fp.first; i < len(fp.steps); i++ {
		cs.args[i] = make([]*tensor.Tensor, len(fp.steps[i].Args))
		if len(fp.lens) > 0 {
			bufs[i] = tensor.New(fp.stepSpecs[0][i].DType, shape.Shape{fp.chunk})
			if dirtyBuffers {
				fill(bufs[i])
			}
		}
	}
	for li := range fp.lens {
		dst, dstOut := make([]*tensor.Tensor, len(fp.steps)), make([][]*tensor.Tensor, len(fp.steps))
		for i := fp.first; i < len(fp.steps); i++ {
			s := fp.stepSpecs[li][i]
			dst[i] = bufs[i].Flat(0, s.Shape.Size()).Reshape(s.Shape...)
			dstOut[i] = []*tensor.Tensor{dst[i]}
		}
		cs.dst, cs.dstOut = append(cs.dst, dst), append(cs.dstOut, dstOut)
	}
	return cs
}

// run runs the fused node on in into out, as runFused does. out need not be zero-filled when the
// head overwrites it (see overwrites).
func (f *fusedState) run(fp *fusedPlan, in []*tensor.Tensor, out *tensor.Tensor) error {
	if fp.first == 1 {
		s := fp.steps[0]
		for j, a := range s.Args {
			f.headArgs[j] = in[a]
		}
		f.headOut[0] = out
		if f.scratch != nil {
			f.headOut[0] = f.scratch
		}
		if f.blocks != nil && f.blocks.usable(f.headArgs, out) {
			err := f.blocks.run(in, out)
			clear(f.headArgs)
			return err
		}
		err := core.RunInto(s.Op, fp.head, s.Params, f.headArgs, f.headOut)
		clear(f.headArgs)
		if err != nil {
			return err
		}
	}
	f.cutInputs(fp, in, out)
	for c := range fp.chunks() {
		if err := f.runChunk(fp, &f.chunkState, c, out); err != nil {
			return err
		}
	}
	return nil
}

// chunks returns how many chunks the chain runs on.
func (fp *fusedPlan) chunks() int { return (fp.n + fp.chunk - 1) / fp.chunk }

// cutInputs makes the chunk views of the inputs the chain reads (and of the head's result), and
// of the output when the last step writes there directly.
func (f *fusedState) cutInputs(fp *fusedPlan, in []*tensor.Tensor, out *tensor.Tensor) {
	for i, c := range fp.cut {
		t := out
		if f.scratch != nil {
			t = f.scratch
		}
		if i < fp.nIn {
			t = in[i]
		}
		if c != cutNone {
			f.cutInput(fp, i, t)
		}
	}
	if fp.direct {
		f.cutOutput(fp, out)
	}
}

// runChunk runs the chain's steps on chunk c (elements [c*chunk, (c+1)*chunk) of the output)
// with the buffers of cs, and writes the result into out. It reads only the inputs' views, so
// goroutines may run different chunks at once, each with its own chunkState.
func (f *fusedState) runChunk(fp *fusedPlan, cs *chunkState, c int, out *tensor.Tensor) error {
	lo := c * fp.chunk
	hi := min(lo+fp.chunk, fp.n)
	li := 0
	if hi-lo != fp.lens[0] {
		li = 1
	}
	regs, nIn := cs.regs, fp.nIn
	for i, k := range fp.cut {
		switch k {
		case cutChunks:
			regs[i] = f.views[i][c]
		case cutScalar, cutSuffix:
			regs[i] = f.views[i][0]
		}
	}
	for i := fp.first; i < len(fp.steps); i++ {
		s := fp.steps[i]
		args := cs.args[i]
		for j, a := range s.Args {
			args[j] = regs[a]
		}
		dst, dstOut := cs.dst[li][i], cs.dstOut[li][i]
		if fp.direct && i == len(fp.steps)-1 {
			dst, dstOut = f.outViews[c][0], f.outViews[c]
		}
		if !fp.overwrites[i] {
			zero(dst) // the kernel may rely on a zero-filled output
		}
		if err := fp.kernels[li][i](s.Params, args, dstOut); err != nil {
			return fmt.Errorf("step %d (%s): %w", i, s.Op.Name(), err)
		}
		regs[nIn+i] = dst
	}
	if !fp.direct {
		copyAt(out, lo, regs[len(regs)-1])
	}
	return nil
}

// cutInput makes input i's chunk views unless they were made for the same storage.
func (f *fusedState) cutInput(fp *fusedPlan, i int, t *tensor.Tensor) {
	key := storageKey(t)
	if key != nil && key == f.keys[i] {
		return
	}
	f.keys[i] = key
	switch fp.cut[i] {
	case cutChunks:
		vs := f.views[i][:0]
		for lo := 0; lo < fp.n; lo += fp.chunk {
			hi := min(lo+fp.chunk, fp.n)
			v := t.Flat(lo, hi)
			if fp.unit > 1 {
				v = v.Reshape(append(shape.Shape{(hi - lo) / fp.unit}, fp.trail...)...)
			}
			vs = append(vs, v)
		}
		f.views[i] = vs
	case cutScalar:
		f.views[i] = append(f.views[i][:0], t.Detach().Reshape())
	case cutSuffix:
		f.views[i] = append(f.views[i][:0], t.Detach().Reshape(trimOnes(t.Shape())...))
	}
}

// cutOutput makes the chunk views of out that the last step writes into, unless they were made
// for the same storage. Only a chain without a head writes its result there directly: a head's
// result in out is read by the chain, and a kernel's output must not be one of its inputs.
func (f *fusedState) cutOutput(fp *fusedPlan, out *tensor.Tensor) {
	key := storageKey(out)
	if key != nil && key == f.outKey {
		return
	}
	f.outKey = key
	f.outViews = f.outViews[:0]
	last := len(fp.steps) - 1
	for lo := 0; lo < fp.n; lo += fp.chunk {
		hi := min(lo+fp.chunk, fp.n)
		li := 0
		if hi-lo != fp.lens[0] {
			li = 1
		}
		f.outViews = append(f.outViews, []*tensor.Tensor{out.Flat(lo, hi).Reshape(fp.stepSpecs[li][last].Shape...)})
	}
}

// storageKey identifies t's storage by its first element (a pointer: comparable, and boxed
// without allocating), or is nil for an empty tensor.
func storageKey(t *tensor.Tensor) any {
	if t.Size() == 0 {
		return nil
	}
	switch d := t.Raw().(type) {
	case []float32:
		return &d[0]
	case []float64:
		return &d[0]
	case []int64:
		return &d[0]
	case []int32:
		return &d[0]
	case []int8:
		return &d[0]
	case []uint8:
		return &d[0]
	case []bool:
		return &d[0]
	case []dtype.F16:
		return &d[0]
	case []dtype.BF16:
		return &d[0]
	}
	return nil
}

// copyAt copies src into dst's elements from lo on, converting if the dtypes differ.
func copyAt(dst *tensor.Tensor, lo int, src *tensor.Tensor) {
	if dst.DType() != src.DType() {
		tensor.Convert(dst.Flat(lo, lo+src.Size()), src)
		return
	}
	switch d := dst.Raw().(type) {
	case []float32:
		copy(d[lo:], src.Raw().([]float32))
	case []float64:
		copy(d[lo:], src.Raw().([]float64))
	case []int64:
		copy(d[lo:], src.Raw().([]int64))
	case []int32:
		copy(d[lo:], src.Raw().([]int32))
	case []int8:
		copy(d[lo:], src.Raw().([]int8))
	case []uint8:
		copy(d[lo:], src.Raw().([]uint8))
	case []bool:
		copy(d[lo:], src.Raw().([]bool))
	case []dtype.F16:
		copy(d[lo:], src.Raw().([]dtype.F16))
	case []dtype.BF16:
		copy(d[lo:], src.Raw().([]dtype.BF16))
	default:
		tensor.Convert(dst.Flat(lo, lo+src.Size()), src)
	}
}
