package core

import (
	"fmt"
	"slices"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Kernel computes an op's outputs from its inputs on concrete tensors. The outputs are allocated
// by the caller with the inferred specs, zero-filled unless the op is declared to overwrite
// them (Def.Overwrites, elementwise ops), and the kernel writes them; it must not keep
// references to any of them. It returns an error only for a failure the shape rules cannot see.
type Kernel func(params any, in, out []*tensor.Tensor) error

// Priorities of the standard kernel sets: the reference kernels are the floor, fast kernels
// register above them. The highest priority registered for an (op, dtype) pair runs.
const (
	PriorityRef  = 0
	PriorityFast = 100
)

// KernelInfo describes one registered implementation of an op for one dtype.
type KernelInfo struct {
	Name     string // "ref", "cpu/avx512", ...
	Priority int
	Run      Kernel
}

// RegisterKernel registers fn as an implementation of op for inputs of type dt under the given
// name and priority. It panics if the same (op, dtype, name) is registered twice.
func RegisterKernel[P any](op *Op, dt dtype.DType, name string, priority int, fn func(p P, in, out []*tensor.Tensor) error) {
	k := func(params any, in, out []*tensor.Tensor) error { return fn(params.(P), in, out) }
	op.mu.Lock()
	defer op.mu.Unlock()
	ks := op.kernels[dt]
	for _, e := range ks {
		if e.Name == name {
			panic(fmt.Sprintf("core: kernel %s for %s/%s registered twice", name, op.name, dt))
		}
	}
	ks = append(ks, KernelInfo{Name: name, Priority: priority, Run: k})
	slices.SortStableFunc(ks, func(a, b KernelInfo) int { return b.Priority - a.Priority })
	op.kernels[dt] = ks
}

// Kernels returns the implementations of op for dtype dt, highest priority first.
func (op *Op) Kernels(dt dtype.DType) []KernelInfo {
	if !dt.Valid() {
		return nil
	}
	op.mu.RLock()
	defer op.mu.RUnlock()
	return slices.Clone(op.kernels[dt])
}

// KernelDTypes returns the dtypes op has at least one kernel for.
func (op *Op) KernelDTypes() []dtype.DType {
	var out []dtype.DType
	for _, dt := range dtype.All {
		if len(op.Kernels(dt)) > 0 {
			out = append(out, dt)
		}
	}
	return out
}

func (op *Op) kernel(dt dtype.DType) Kernel {
	if !dt.Valid() {
		return nil
	}
	op.mu.RLock()
	defer op.mu.RUnlock()
	if ks := op.kernels[dt]; len(ks) > 0 {
		return ks[0].Run
	}
	return nil
}

// keyDType returns the dtype that selects op's kernel.
func (op *Op) keyDType(in []Spec, out []Spec) dtype.DType {
	if op.keyInput >= 0 && op.keyInput < len(in) {
		return in[op.keyInput].DType
	}
	if len(out) > 0 {
		return out[0].DType
	}
	return dtype.Invalid
}

// RunKernel runs the kernel k of op on concrete inputs, allocating the outputs from specs (from
// the tensor package's buffer pool: uninitialised when the op overwrites them). It is
// what eager execution and the graph executor call; conformance tests call it with each
// registered kernel in turn.
func RunKernel(op *Op, k Kernel, params any, in []*tensor.Tensor, specs []Spec) ([]*tensor.Tensor, error) {
	out := make([]*tensor.Tensor, len(specs))
	if op.view {
		out[0] = in[0].Detach().Reshape(specs[0].Shape...)
		return out, nil
	}
	for i, s := range specs {
		if op.overwrites {
			out[i] = tensor.NewUninit(s.DType, s.Shape)
		} else {
			out[i] = tensor.New(s.DType, s.Shape)
		}
	}
	if err := k(params, in, out); err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, err)
	}
	return out, nil
}

// Select returns the highest-priority kernel of op for inputs of the given specs and the
// outputs' specs, or an error naming the op and dtype when there is none. View ops need no
// kernel and get nil.
func (op *Op) Select(in, out []Spec) (Kernel, error) {
	if op.view {
		return nil, nil
	}
	dt := op.keyDType(in, out)
	if k := op.kernel(dt); k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("%s: no kernel for dtype %s (kernels exist for %v)", op.name, dt, op.KernelDTypes())
}

// RunInto runs kernel k of op writing into the caller's outputs, which must have the inferred
// specs and be zero-filled unless op.Overwrites(). Graph executors use it to place outputs in planned buffers.
func RunInto(op *Op, k Kernel, params any, in, out []*tensor.Tensor) error {
	if err := k(params, in, out); err != nil {
		return fmt.Errorf("%s: %w", op.name, err)
	}
	return nil
}
