package tensor

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/shape"
)

// offset returns the flat index of idx, panicking with a *core.Error naming op when idx does not
// address an element of t.
func (t *Tensor) offset(op string, idx []int) int {
	t.mustConcrete(op)
	if len(idx) != len(t.shape) {
		errs.Panic(op, "got %d indices for a tensor of shape %v", len(idx), t.shape)
	}
	off := 0
	for i, x := range idx {
		d := t.shape[i]
		if x < -d || x >= d {
			errs.Panic(op, "index %d out of range for dimension %d of size %d (shape %v)", x, i, d, t.shape)
		}
		if x < 0 {
			x += d
		}
		off = off*d + x
	}
	return off
}

// At returns the element at idx converted to float64 (negative indices count from the end).
// It panics with a *core.Error if idx is not a valid index of t or t is symbolic.
func (t *Tensor) At(idx ...int) float64 {
	return t.flatFloat64(t.offset("tensor.At", idx))
}

// Item returns the only element of a tensor of size 1 as a float64. It panics with a
// *core.Error if t has more or fewer elements.
func (t *Tensor) Item() float64 {
	t.mustConcrete("tensor.Item")
	if t.Size() != 1 {
		errs.Panic("tensor.Item", "tensor of shape %v has %d elements, want 1", t.shape, t.Size())
	}
	return t.flatFloat64(0)
}

func (t *Tensor) flatFloat64(i int) float64 {
	var v [1]float64
	loadFloat64(v[:], t.data, i)
	return v[0]
}

// Set stores v, converted to t's element type as by [Convert], at idx. It panics with a
// *core.Error if idx is not a valid index of t.
func (t *Tensor) Set(v float64, idx ...int) {
	off := t.offset("tensor.Set", idx)
	if t.dt == dtype.Int64 {
		// int64 values beyond 2^53 survive only through the integer path.
		t.data.([]int64)[off] = int64(v)
		return
	}
	storeFloat64(t.data, off, []float64{v})
}

// Get returns the element at idx with its own type. It panics with a *core.Error if T is not
// t's element type or idx is invalid.
func Get[T dtype.Elem](t *Tensor, idx ...int) T {
	off := t.offset("tensor.Get", idx)
	return Data[T](t)[off]
}

// ToSlice returns a copy of t's elements, which must be of type T.
func ToSlice[T dtype.Elem](t *Tensor) []T {
	return append([]T(nil), Data[T](t)...)
}

// Float64s returns t's elements converted to float64, in row-major order.
func (t *Tensor) Float64s() []float64 {
	c := New(dtype.Float64, shape.Shape{t.Size()})
	Convert(c, t)
	return c.data.([]float64)
}

// Float32s returns t's elements converted to float32, in row-major order.
func (t *Tensor) Float32s() []float32 {
	c := New(dtype.Float32, shape.Shape{t.Size()})
	Convert(c, t)
	return c.data.([]float32)
}

// Int64s returns t's elements converted to int64 as by [Convert], in row-major order.
func (t *Tensor) Int64s() []int64 {
	c := New(dtype.Int64, shape.Shape{t.Size()})
	Convert(c, t)
	return c.data.([]int64)
}

// Bools returns t's elements converted to bool (non-zero is true), in row-major order.
func (t *Tensor) Bools() []bool {
	c := New(dtype.Bool, shape.Shape{t.Size()})
	Convert(c, t)
	return c.data.([]bool)
}
