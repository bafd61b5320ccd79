package data

import (
	"fmt"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// view returns a tensor of shape dims sharing t's flat elements [lo, hi).
func view(t *tensor.Tensor, lo, hi int, dims ...int) *tensor.Tensor {
	switch d := t.Raw().(type) {
	case []bool:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []uint8:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []int8:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []int32:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []int64:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []dtype.F16:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []dtype.BF16:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []float32:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	case []float64:
		return tensor.Wrap(d[lo:hi:hi], dims...)
	}
	panic(fmt.Sprintf("data: unexpected tensor storage %T", t.Raw()))
}

// copyFlat copies src's elements into dst's flat elements starting at off. The dtypes
// must match.
func copyFlat(dst *tensor.Tensor, off int, src *tensor.Tensor) {
	n := src.Size()
	if n == 0 {
		return
	}
	tensor.Convert(view(dst, off, off+n, n), view(src, 0, n, n))
}

// rows returns a copy of rows [lo, hi) of t along its first dimension.
func rows(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
	s := t.Shape()
	inner := shape.Shape(s[1:]).Size()
	dims := append([]int{hi - lo}, s[1:]...)
	out := tensor.New(t.DType(), dims)
	if n := (hi - lo) * inner; n > 0 {
		tensor.Convert(view(out, 0, n, n), view(t, lo*inner, hi*inner, n))
	}
	return out
}

// row returns a copy of row i of t along its first dimension, without that dimension.
func row(t *tensor.Tensor, i int) *tensor.Tensor {
	s := t.Shape()
	inner := shape.Shape(s[1:]).Size()
	out := tensor.New(t.DType(), s[1:])
	if inner > 0 {
		tensor.Convert(view(out, 0, inner, inner), view(t, i*inner, (i+1)*inner, inner))
	}
	return out
}

// stack stacks the component comp of elems along a new first axis. All must have the same
// dtype and shape; otherwise the error names the first element that differs.
func stack(elems []Element, comp int, op string, first int) (*tensor.Tensor, error) {
	t0 := elems[0].Tensors[comp]
	for i, e := range elems[1:] {
		t := e.Tensors[comp]
		if t.DType() != t0.DType() || !t.Shape().Equal(t0.Shape()) {
			return nil, fmt.Errorf("data: %s: component %s of element %d is %s%v, element %d's is %s%v (use PaddedBatch for varying shapes)",
				op, elems[0].name(comp), first+i+1, t.DType(), t.Shape(), first, t0.DType(), t0.Shape())
		}
	}
	n := t0.Size()
	out := tensor.New(t0.DType(), append([]int{len(elems)}, t0.Shape()...))
	for i, e := range elems {
		copyFlat(out, i*n, e.Tensors[comp])
	}
	return out, nil
}

// stackElements stacks every component of elems along a new first axis; first is the
// index of elems[0] in the pass, for error messages.
func stackElements(elems []Element, op string, first int) (Element, error) {
	ts := make([]*tensor.Tensor, elems[0].Len())
	for i := range ts {
		for j, e := range elems {
			if e.Len() != len(ts) {
				return Element{}, fmt.Errorf("data: %s: element %d has %d tensors, element %d has %d", op, first+j, e.Len(), first, len(ts))
			}
		}
		t, err := stack(elems, i, op, first)
		if err != nil {
			return Element{}, err
		}
		ts[i] = t
	}
	return elems[0].with(ts), nil
}

// pad returns t copied into a tensor of shape dims (each at least t's), the rest filled
// with v converted to t's dtype.
func pad(t *tensor.Tensor, dims []int, v float64) *tensor.Tensor {
	out := tensor.Full(t.DType(), v, dims...)
	s := t.Shape()
	if len(s) == 0 {
		copyFlat(out, 0, t)
		return out
	}
	if t.Size() == 0 {
		return out
	}
	last := s[len(s)-1]
	ost := shape.Shape(dims).Strides()
	idx := make([]int, len(s)-1)
	for src := 0; src < t.Size(); src += last {
		off := 0
		for d, x := range idx {
			off += x * ost[d]
		}
		tensor.Convert(view(out, off, off+last, last), view(t, src, src+last, last))
		for d := len(idx) - 1; d >= 0; d-- {
			if idx[d]++; idx[d] < s[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// scalarInt64 returns a rank-0 int64 tensor.
func scalarInt64(v int64) *tensor.Tensor { return tensor.Scalar(v) }

// bytesTensor returns b as a one-dimensional uint8 tensor (copied).
func bytesTensor(b []byte) *tensor.Tensor { return tensor.FromSlice(b) }

// BytesTensor returns a one-dimensional uint8 tensor holding a copy of b: how text lines,
// file names and raw records travel through a dataset, Tide having no string dtype.
func BytesTensor(b []byte) *tensor.Tensor { return bytesTensor(b) }

// StringTensor returns a one-dimensional uint8 tensor holding the bytes of s.
func StringTensor(s string) *tensor.Tensor { return tensor.FromSlice([]byte(s)) }

// TensorString returns the bytes of a uint8 tensor as a string: the inverse of
// [StringTensor]. It returns "" for a tensor of another dtype.
func TensorString(t *tensor.Tensor) string {
	if t == nil || t.DType() != dtype.Uint8 {
		return ""
	}
	return string(tensor.Data[uint8](t))
}
