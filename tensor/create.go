package tensor

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/shape"
)

// checkDims validates dims for creation function op and returns them as a Shape (copied).
func checkDims(op string, dims []int) shape.Shape {
	s := shape.Shape(dims).Clone()
	if err := s.Validate(false); err != nil {
		panic(errs.Wrap(op, err))
	}
	return s
}

// FromSlice returns a tensor with a copy of data and the given dimensions; with no dimensions it is
// one-dimensional. It panics with a *core.Error if the dimensions do not hold len(data) elements
// (one dimension may be -1 and is then inferred).
func FromSlice[T dtype.Elem](data []T, dims ...int) *Tensor {
	s := shape.Shape{len(data)}
	if len(dims) > 0 {
		var err error
		if s, err = shape.Resolve(dims, len(data)); err != nil {
			panic(errs.Wrap("tensor.FromSlice", err))
		}
	}
	return &Tensor{dt: dtype.Of[T](), shape: s, data: append(make([]T, 0, len(data)), data...)}
}

// Wrap is FromSlice without the copy: the tensor uses data as its storage. The caller must not
// change data while the tensor is in use.
func Wrap[T dtype.Elem](data []T, dims ...int) *Tensor {
	s, err := shape.Resolve(dims, len(data))
	if len(dims) == 0 {
		s, err = shape.Shape{len(data)}, nil
	}
	if err != nil {
		panic(errs.Wrap("tensor.Wrap", err))
	}
	return &Tensor{dt: dtype.Of[T](), shape: s, data: data}
}

// Scalar returns a rank-0 tensor holding v.
func Scalar[T dtype.Elem](v T) *Tensor {
	return &Tensor{dt: dtype.Of[T](), shape: shape.Shape{}, data: []T{v}}
}

// FromRows returns a matrix with a copy of rows. It panics with a *core.Error if the rows have
// different lengths.
func FromRows[T dtype.Elem](rows [][]T) *Tensor {
	cols := 0
	if len(rows) > 0 {
		cols = len(rows[0])
	}
	data := make([]T, 0, len(rows)*cols)
	for i, r := range rows {
		if len(r) != cols {
			errs.Panic("tensor.FromRows", "row %d has %d elements, row 0 has %d", i, len(r), cols)
		}
		data = append(data, r...)
	}
	return &Tensor{dt: dtype.Of[T](), shape: shape.Shape{len(rows), cols}, data: data}
}

// New returns a zero-filled tensor of type dt and shape s, sharing nothing with s. It is what
// kernels use to allocate outputs. It panics with a *core.Error on an invalid dtype or a
// negative or unknown dimension.
func New(dt dtype.DType, s shape.Shape) *Tensor {
	if !dt.Valid() {
		errs.Panic("tensor.New", "invalid dtype %v", dt)
	}
	s = checkDims("tensor.New", s)
	t, _ := newPooled(dt, s, true)
	return t
}

func makeData(dt dtype.DType, n int) any {
	switch dt {
	case dtype.Bool:
		return make([]bool, n)
	case dtype.Uint8:
		return make([]uint8, n)
	case dtype.Int8:
		return make([]int8, n)
	case dtype.Int32:
		return make([]int32, n)
	case dtype.Int64:
		return make([]int64, n)
	case dtype.Float16:
		return make([]dtype.F16, n)
	case dtype.BFloat16:
		return make([]dtype.BF16, n)
	case dtype.Float32:
		return make([]float32, n)
	case dtype.Float64:
		return make([]float64, n)
	}
	panic("tensor: invalid dtype " + dt.String())
}

// Zeros returns a tensor of type dt filled with zeros.
func Zeros(dt dtype.DType, dims ...int) *Tensor { return New(dt, dims) }

// Ones returns a tensor of type dt filled with ones.
func Ones(dt dtype.DType, dims ...int) *Tensor { return Full(dt, 1, dims...) }

// Full returns a tensor of type dt filled with v converted to dt (see [Convert] for the rules).
func Full(dt dtype.DType, v float64, dims ...int) *Tensor {
	t := New(dt, dims)
	if v != 0 {
		fillFloat(t, v)
	}
	return t
}

func fillFloat(t *Tensor, v float64) {
	one := Scalar(v)
	c := New(t.dt, nil)
	Convert(c, one)
	fillFrom(t.data, c.data)
}

func fillFrom(dst, src any) {
	switch d := dst.(type) {
	case []bool:
		fill(d, src.([]bool)[0])
	case []uint8:
		fill(d, src.([]uint8)[0])
	case []int8:
		fill(d, src.([]int8)[0])
	case []int32:
		fill(d, src.([]int32)[0])
	case []int64:
		fill(d, src.([]int64)[0])
	case []dtype.F16:
		fill(d, src.([]dtype.F16)[0])
	case []dtype.BF16:
		fill(d, src.([]dtype.BF16)[0])
	case []float32:
		fill(d, src.([]float32)[0])
	case []float64:
		fill(d, src.([]float64)[0])
	}
}

func fill[T any](d []T, v T) {
	for i := range d {
		d[i] = v
	}
}

// Arange returns the one-dimensional tensor start, start+step, ... up to but excluding stop, as
// NumPy's arange: ceil((stop-start)/step) elements. It panics with a *core.Error if step is 0.
func Arange(dt dtype.DType, start, stop, step float64) *Tensor {
	if step == 0 || math.IsNaN(step) {
		errs.Panic("tensor.Arange", "step must be non-zero, got %v", step)
	}
	n := int(math.Ceil((stop - start) / step))
	n = max(n, 0)
	v := make([]float64, n)
	for i := range v {
		v[i] = start + float64(i)*step
	}
	return fromFloat64s(dt, v, shape.Shape{n})
}

// Linspace returns n evenly spaced values from start to stop inclusive, as NumPy's linspace.
// It panics with a *core.Error if n is negative.
func Linspace(dt dtype.DType, start, stop float64, n int) *Tensor {
	if n < 0 {
		errs.Panic("tensor.Linspace", "n must be >= 0, got %d", n)
	}
	v := make([]float64, n)
	if n == 1 {
		v[0] = start
	}
	if n > 1 {
		step := (stop - start) / float64(n-1)
		for i := range v {
			v[i] = start + float64(i)*step
		}
		v[n-1] = stop
	}
	return fromFloat64s(dt, v, shape.Shape{n})
}

// Eye returns the n×n identity matrix of type dt.
func Eye(dt dtype.DType, n int) *Tensor {
	if n < 0 {
		errs.Panic("tensor.Eye", "n must be >= 0, got %d", n)
	}
	v := make([]float64, n*n)
	for i := 0; i < n; i++ {
		v[i*n+i] = 1
	}
	return fromFloat64s(dt, v, shape.Shape{n, n})
}

func fromFloat64s(dt dtype.DType, v []float64, s shape.Shape) *Tensor {
	src := &Tensor{dt: dtype.Float64, shape: s, data: v}
	if dt == dtype.Float64 {
		return src
	}
	dst := New(dt, s)
	Convert(dst, src)
	return dst
}

// Clone returns a deep copy of t's data, with no autodiff record. It panics with a *core.Error
// on a symbolic tensor.
func (t *Tensor) Clone() *Tensor {
	t.mustConcrete("tensor.Clone")
	c := New(t.dt, t.shape)
	Convert(c, t)
	return c
}

// Reshape returns a tensor that shares t's data with new dimensions; one dimension may be -1.
// It is a plain data operation: it records no gradient and cannot be traced, so it panics with a
// *core.Error on a symbolic tensor or one tracked for gradients — use ops.Reshape in model code.
func (t *Tensor) Reshape(dims ...int) *Tensor {
	t.mustConcrete("tensor.Reshape")
	if t.Node() != nil {
		errs.Panic("tensor.Reshape", "tensor is tracked for gradients; use ops.Reshape so the gradient flows")
	}
	s, err := shape.Resolve(dims, t.Size())
	if err != nil {
		panic(errs.Wrap("tensor.Reshape", err))
	}
	return &Tensor{dt: t.dt, shape: s, data: t.data, mem: t.mem.share()}
}
