package core

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Spec is what is known about a tensor before it is computed: its element type and shape.
type Spec struct {
	DType dtype.DType
	Shape shape.Shape
}

// SpecOf returns the Spec of t.
func SpecOf(t *tensor.Tensor) Spec { return Spec{t.DType(), t.Shape()} }

// String formats s as "float32[2 3]".
func (s Spec) String() string { return s.DType.String() + s.Shape.String() }

// Op is the declaration of a primitive operation: its name, how its outputs' dtypes and shapes
// follow from its inputs, its gradient rule, and its kernels. Ops are created once, by [Declare],
// and identified by pointer; params are a typed struct per op.
type Op struct {
	name              string
	infer             func(params any, in []Spec) ([]Spec, error)
	grad              func(params any, in, out, gout []*tensor.Tensor) []*tensor.Tensor
	notDifferentiable bool
	view              bool
	elementwise       bool
	overwrites        bool
	keyInput          int
	dtypes            []dtype.DType
	doc               string
	paramsType        reflect.Type

	mu      sync.RWMutex
	kernels [dtype.Count][]KernelInfo // sorted by decreasing priority
}

// Def is the typed declaration of an op with parameters of type P (struct{} for none).
type Def[P any] struct {
	// Name is the op's unique name, lower snake case ("matmul", "reduce_sum").
	Name string
	// Doc is a one-line description, listed by `tide ops`.
	Doc string
	// Infer returns the outputs' specs, or an error saying what was wanted and what was got
	// (without the op name, which is added). It must be pure.
	Infer func(p P, in []Spec) ([]Spec, error)
	// Grad returns the gradient with respect to each input (nil where there is none) given the
	// gradients of the outputs (gout[i] is never nil). It is written with public ops, so it can be
	// traced and differentiated again.
	Grad func(p P, in, out, gout []*tensor.Tensor) []*tensor.Tensor
	// NotDifferentiable marks ops without gradients (comparisons, argmax, casts to integers).
	// Exactly one of Grad and NotDifferentiable must be set.
	NotDifferentiable bool
	// View marks ops whose single output shares input 0's data with a new shape (reshape);
	// they need no kernel.
	View bool
	// Elementwise marks ops whose output element i depends only on element i of each input after
	// broadcasting, with one output: graph fusion may run a chain of them chunk by chunk.
	Elementwise bool
	// Overwrites marks non-elementwise ops whose kernels (every registered one) write every
	// element of their outputs and never read them first, so that outputs can start as
	// garbage: eager execution draws them uninitialised from the buffer pool, graphs skip
	// clearing reused buffers. Kernels of other ops get zero-filled outputs (a scatter or a
	// pooling gradient accumulates into them). Elementwise ops overwrite by definition.
	Overwrites bool
	// KeyInput is the input whose dtype selects the kernel (default 0); -1 selects by output 0
	// (ops without inputs).
	KeyInput int
	// DTypes lists the dtypes the op must have a kernel for; a registry test checks it.
	DTypes []dtype.DType
}

var (
	registryMu sync.RWMutex
	registry   = map[string]*Op{}
)

// Declare creates and registers the op described by d. It panics if the name is taken or the
// declaration is incomplete: that is a programming error found at init.
func Declare[P any](d Def[P]) *Op {
	switch {
	case d.Name == "":
		panic("core: op declared without a name")
	case d.Infer == nil:
		panic("core: op " + d.Name + " declared without shape inference")
	case (d.Grad == nil) == !d.NotDifferentiable:
		panic("core: op " + d.Name + " must have exactly one of Grad and NotDifferentiable")
	}
	op := &Op{
		name:              d.Name,
		doc:               d.Doc,
		notDifferentiable: d.NotDifferentiable,
		view:              d.View,
		elementwise:       d.Elementwise,
		overwrites:        d.Overwrites || d.Elementwise,
		keyInput:          d.KeyInput,
		dtypes:            slices.Clone(d.DTypes),
		paramsType:        reflect.TypeFor[P](),
		infer: func(params any, in []Spec) ([]Spec, error) {
			p, err := paramsAs[P](d.Name, params)
			if err != nil {
				return nil, err
			}
			return d.Infer(p, in)
		},
	}
	if d.Grad != nil {
		op.grad = func(params any, in, out, gout []*tensor.Tensor) []*tensor.Tensor {
			return d.Grad(params.(P), in, out, gout)
		}
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[d.Name]; dup {
		panic("core: op " + d.Name + " declared twice")
	}
	registry[d.Name] = op
	return op
}

func paramsAs[P any](name string, params any) (P, error) {
	p, ok := params.(P)
	if !ok {
		var want P
		return want, fmt.Errorf("params are %T, want %T", params, want)
	}
	return p, nil
}

// NewParams returns a pointer to a zero value of the op's params type, for decoders.
func (op *Op) NewParams() any { return reflect.New(op.paramsType).Interface() }

// Name returns the op's name.
func (op *Op) Name() string { return op.name }

// Doc returns the op's one-line description.
func (op *Op) Doc() string { return op.doc }

// Differentiable reports whether the op has a gradient rule.
func (op *Op) Differentiable() bool { return !op.notDifferentiable }

// IsElementwise reports whether the op was declared Elementwise.
func (op *Op) IsElementwise() bool { return op.elementwise }

// Overwrites reports whether the op's kernels write every element of their outputs without
// reading them first (see [Def].Overwrites; true of elementwise ops).
func (op *Op) Overwrites() bool { return op.overwrites }

// IsView reports whether the op's output shares its input's data.
func (op *Op) IsView() bool { return op.view }

// DTypes returns the dtypes the op declares kernels for.
func (op *Op) DTypes() []dtype.DType { return op.dtypes }

// Infer returns the specs of the op's outputs for params and inputs in, or an error naming the
// op and what was wrong.
func (op *Op) Infer(params any, in []Spec) ([]Spec, error) {
	out, err := op.infer(params, in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, err)
	}
	return out, nil
}

// Grad applies the op's gradient rule. It panics if the op is not differentiable.
func (op *Op) Grad(params any, in, out, gout []*tensor.Tensor) []*tensor.Tensor {
	if op.grad == nil {
		panic("core: op " + op.name + " is not differentiable")
	}
	return op.grad(params, in, out, gout)
}

// String returns the op's name.
func (op *Op) String() string { return op.name }

// Lookup returns the op registered under name, or nil.
func Lookup(name string) *Op {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return registry[name]
}

// Ops returns every registered op sorted by name.
func Ops() []*Op {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]*Op, 0, len(registry))
	for _, op := range registry {
		out = append(out, op)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
