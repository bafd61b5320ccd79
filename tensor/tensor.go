package tensor

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/shape"
)

// Tensor is Tide's one tensor type: an n-dimensional array of one element type, row-major and
// contiguous. The same type is used eagerly (it holds data), while a function is being traced into
// a graph (it is symbolic: a dtype and shape standing for a value computed later), and while
// gradients are recorded (it remembers the op that produced it).
//
// Tensors are values: the ops never modify their inputs. Go code that owns a tensor may change its
// data through [Data] or [Tensor.Set], but not after handing it to an op whose result is still in
// use, since gradients may read it again. Variables (package autodiff) are the mutable state.
type Tensor struct {
	dt    dtype.DType
	shape shape.Shape
	data  any // []T matching dt; nil when symbolic
	sym   any // the graph value this tensor stands for while traced
	node  any // the record of the op that produced it from a variable or tracked tensor, if any
	// detached hides node from gradients (Node returns nil) while keeping it as the tensor's
	// origin, which graph tracing replays (Origin).
	detached bool

	mutable bool // contents change between uses (a variable's storage)

	mem      *storage // the pooled memory behind data, shared by views; nil when not pooled
	released bool     // Release was called: data is gone
}

// DType returns the element type.
func (t *Tensor) DType() dtype.DType { return t.dt }

// Shape returns the dimensions. The caller must not modify the returned slice.
func (t *Tensor) Shape() shape.Shape { return t.shape }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Size returns the number of elements (-1 for a symbolic tensor with an unknown dimension).
func (t *Tensor) Size() int { return t.shape.Size() }

// Dim returns the size of dimension i; negative i counts from the end. It panics with a
// *core.Error if i is out of range.
func (t *Tensor) Dim(i int) int {
	a, err := shape.NormalizeAxis(i, len(t.shape))
	if err != nil {
		panic(errs.Wrap("tensor.Dim", err))
	}
	return t.shape[a]
}

// IsSymbolic reports whether t stands for a value in a graph being traced and so has no data.
func (t *Tensor) IsSymbolic() bool { return t.sym != nil }

// Symbol returns the graph value of a symbolic tensor, or nil. It is for the graph package.
func (t *Tensor) Symbol() any { return t.sym }

// NewSymbolic returns a symbolic tensor of dtype dt and shape s standing for the graph value sym.
// It is for the graph package; sym must not be nil.
func NewSymbolic(dt dtype.DType, s shape.Shape, sym any) *Tensor {
	if sym == nil {
		errs.Panic("tensor.NewSymbolic", "nil graph value")
	}
	return &Tensor{dt: dt, shape: s, sym: sym}
}

// Node returns the autodiff record attached to t, or nil. It is for package core and autodiff.
func (t *Tensor) Node() any {
	if t.detached {
		return nil
	}
	return t.node
}

// Origin returns the record of how t was computed from variables, whether or not t is tracked
// for gradients, or nil. Graph tracing uses it to recompute such values at every run instead of
// freezing them. It is for package core and graph.
func (t *Tensor) Origin() any { return t.node }

// SetNode attaches an autodiff record to t. It is for package core and autodiff: user code
// never needs it.
func (t *Tensor) SetNode(n any) { t.node, t.detached = n, false }

// SetOrigin attaches a record to t as its origin only: t is not tracked for gradients. It is
// for package core.
func (t *Tensor) SetOrigin(n any) { t.node, t.detached = n, true }

// SetMutable marks t as storage whose contents change between uses, as a variable's do. Graphs
// capture mutable tensors by reference and read them at every call; other concrete tensors they
// capture are constants that optimisation may fold. It is for package autodiff.
func (t *Tensor) SetMutable() { t.mutable = true }

// Mutable reports whether t was marked by SetMutable.
func (t *Tensor) Mutable() bool { return t.mutable }

// Detach returns a tensor that shares t's data (or graph value) and is not tracked for
// gradients, so gradients do not flow through it; it keeps t's origin. It costs one small
// allocation.
func (t *Tensor) Detach() *Tensor {
	if t.released {
		t.releasedError("tensor.Detach")
	}
	return &Tensor{dt: t.dt, shape: t.shape, data: t.data, sym: t.sym, mutable: t.mutable, node: t.node, detached: true, mem: t.mem.share()}
}

// Raw returns the backing slice ([]float32, []int64, ...) as an any. It panics with a *core.Error
// on a symbolic tensor. Kernels use it; typed callers use [Data].
func (t *Tensor) Raw() any {
	t.mustConcrete("tensor.Raw")
	return t.data
}

func (t *Tensor) mustConcrete(op string) {
	if t.released {
		t.releasedError(op)
	}
	if t.data == nil {
		errs.Panic(op, "tensor is symbolic (%s %v in a graph being traced): its value is only known when the graph runs", t.dt, t.shape)
	}
}

// Data returns the backing slice of t without copying. Writes through it change t. It panics with
// a *core.Error if T is not t's element type or t is symbolic.
func Data[T dtype.Elem](t *Tensor) []T {
	t.mustConcrete("tensor.Data")
	d, ok := t.data.([]T)
	if !ok {
		errs.Panic("tensor.Data", "tensor is %s, not %s", t.dt, dtype.Of[T]())
	}
	return d
}
