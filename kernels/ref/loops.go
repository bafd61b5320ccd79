package ref

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Scalar is the type reference arithmetic is done in: float64 for every floating-point dtype
// (results are rounded once to the storage type, which for +, -, *, / and sqrt equals the
// correctly rounded float32 result) and int64 for integers (wrapped on store, as C and NumPy).
type Scalar interface{ float64 | int64 }

// Values returns t's elements as float64 or int64 (a copy).
func Values[T Scalar](t *tensor.Tensor) []T {
	var z T
	switch any(z).(type) {
	case float64:
		return any(t.Float64s()).([]T)
	default:
		return any(t.Int64s()).([]T)
	}
}

// Store writes v into out, converting to out's element type as tensor.Convert does.
func Store[T Scalar](out *tensor.Tensor, v []T) {
	tensor.Convert(out, tensor.Wrap(v, out.Shape()...))
}

// Map computes out[i] = f(x[i]) for a unary op.
func Map[T Scalar, U Scalar](out, x *tensor.Tensor, f func(T) U) {
	xv := Values[T](x)
	ov := make([]U, len(xv))
	for i, v := range xv {
		ov[i] = f(v)
	}
	Store(out, ov)
}

// Binary computes out = f(a, b) with NumPy broadcasting of a and b to out's shape.
func Binary[T Scalar, U Scalar](out, a, b *tensor.Tensor, f func(x, y T) U) {
	av, bv := Values[T](a), Values[T](b)
	os := out.Shape()
	ov := make([]U, os.Size())
	if a.Shape().Equal(os) && b.Shape().Equal(os) {
		for i := range ov {
			ov[i] = f(av[i], bv[i])
		}
	} else {
		ia, ib := BroadcastIndex(a.Shape(), os), BroadcastIndex(b.Shape(), os)
		for i := range ov {
			ov[i] = f(av[ia[i]], bv[ib[i]])
		}
	}
	Store(out, ov)
}

// Reduce folds x along axes into out (whose element count is that of x with the axes removed):
// each output starts at init and accumulates f(acc, x).
func Reduce[T Scalar](out, x *tensor.Tensor, axes []int, init T, f func(acc, v T) T) {
	xv := Values[T](x)
	idx, n := ReduceIndex(x.Shape(), axes)
	ov := make([]T, n)
	for i := range ov {
		ov[i] = init
	}
	for i, v := range xv {
		ov[idx[i]] = f(ov[idx[i]], v)
	}
	Store(out, ov)
}

// Gather sets dst's flat element i to src's flat element idx[i], keeping exact bits. dst and src
// have the same dtype.
func Gather(dst, src *tensor.Tensor, idx []int) {
	switch s := src.Raw().(type) {
	case []bool:
		gather(dst.Raw().([]bool), s, idx)
	case []uint8:
		gather(dst.Raw().([]uint8), s, idx)
	case []int8:
		gather(dst.Raw().([]int8), s, idx)
	case []int32:
		gather(dst.Raw().([]int32), s, idx)
	case []int64:
		gather(dst.Raw().([]int64), s, idx)
	case []dtype.F16:
		gather(dst.Raw().([]dtype.F16), s, idx)
	case []dtype.BF16:
		gather(dst.Raw().([]dtype.BF16), s, idx)
	case []float32:
		gather(dst.Raw().([]float32), s, idx)
	case []float64:
		gather(dst.Raw().([]float64), s, idx)
	}
}

func gather[E any](d, s []E, idx []int) {
	for i, j := range idx {
		d[i] = s[j]
	}
}

// Select computes out = where(cond, a, b) with broadcasting, keeping exact bits of a and b.
func Select(out, cond, a, b *tensor.Tensor) {
	os := out.Shape()
	c := tensor.Data[bool](cond)
	ic, ia, ib := BroadcastIndex(cond.Shape(), os), BroadcastIndex(a.Shape(), os), BroadcastIndex(b.Shape(), os)
	pick := func(i int) bool { return c[ic[i]] }
	switch o := out.Raw().(type) {
	case []bool:
		choose(o, a.Raw().([]bool), b.Raw().([]bool), ia, ib, pick)
	case []uint8:
		choose(o, a.Raw().([]uint8), b.Raw().([]uint8), ia, ib, pick)
	case []int8:
		choose(o, a.Raw().([]int8), b.Raw().([]int8), ia, ib, pick)
	case []int32:
		choose(o, a.Raw().([]int32), b.Raw().([]int32), ia, ib, pick)
	case []int64:
		choose(o, a.Raw().([]int64), b.Raw().([]int64), ia, ib, pick)
	case []dtype.F16:
		choose(o, a.Raw().([]dtype.F16), b.Raw().([]dtype.F16), ia, ib, pick)
	case []dtype.BF16:
		choose(o, a.Raw().([]dtype.BF16), b.Raw().([]dtype.BF16), ia, ib, pick)
	case []float32:
		choose(o, a.Raw().([]float32), b.Raw().([]float32), ia, ib, pick)
	case []float64:
		choose(o, a.Raw().([]float64), b.Raw().([]float64), ia, ib, pick)
	}
}

func choose[E any](o, a, b []E, ia, ib []int, pick func(int) bool) {
	for i := range o {
		if pick(i) {
			o[i] = a[ia[i]]
		} else {
			o[i] = b[ib[i]]
		}
	}
}
