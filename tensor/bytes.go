package tensor

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
)

// Bytes returns t's elements little-endian and row-major, as safetensors and Tide's graph
// format store them: bool as one byte 0 or 1, float16 and bfloat16 as their bit patterns.
// It panics with a *core.Error on a symbolic tensor.
func (t *Tensor) Bytes() []byte {
	t.mustConcrete("tensor.Bytes")
	n := t.Size()
	b := make([]byte, n*t.dt.Size())
	switch d := t.data.(type) {
	case []bool:
		for i, v := range d {
			if v {
				b[i] = 1
			}
		}
	case []uint8:
		copy(b, d)
	case []int8:
		for i, v := range d {
			b[i] = byte(v)
		}
	case []int32:
		for i, v := range d {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
		}
	case []int64:
		for i, v := range d {
			binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
		}
	case []dtype.F16:
		for i, v := range d {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
		}
	case []dtype.BF16:
		for i, v := range d {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
		}
	case []float32:
		for i, v := range d {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
	case []float64:
		for i, v := range d {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
	}
	return b
}

// FromBytes returns a tensor of type dt and shape s decoded from b as [Tensor.Bytes] writes it.
// It returns an error (never panics) when dt is invalid, s has a negative dimension or too many
// elements, or len(b) does not match; a bool byte other than 0 or 1 is an error too.
func FromBytes(dt dtype.DType, s shape.Shape, b []byte) (*Tensor, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("tensor: invalid dtype %v", dt)
	}
	n := 1
	for i, d := range s {
		if d < 0 {
			return nil, fmt.Errorf("tensor: dimension %d of %v is negative", i, s)
		}
		if d > 0 && n > math.MaxInt32*64/d {
			return nil, fmt.Errorf("tensor: shape %v has too many elements", s)
		}
		n *= d
	}
	if len(b) != n*dt.Size() {
		return nil, fmt.Errorf("tensor: %s%v needs %d bytes, got %d", dt, s, n*dt.Size(), len(b))
	}
	t := &Tensor{dt: dt, shape: s.Clone(), data: makeData(dt, n)}
	if t.shape == nil {
		t.shape = shape.Shape{}
	}
	switch d := t.data.(type) {
	case []bool:
		for i := range d {
			if b[i] > 1 {
				return nil, fmt.Errorf("tensor: bool element %d is byte %d, want 0 or 1", i, b[i])
			}
			d[i] = b[i] == 1
		}
	case []uint8:
		copy(d, b)
	case []int8:
		for i := range d {
			d[i] = int8(b[i])
		}
	case []int32:
		for i := range d {
			d[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case []int64:
		for i := range d {
			d[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
		}
	case []dtype.F16:
		for i := range d {
			d[i] = dtype.F16(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case []dtype.BF16:
		for i := range d {
			d[i] = dtype.BF16(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case []float32:
		for i := range d {
			d[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case []float64:
		for i := range d {
			d[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return t, nil
}
