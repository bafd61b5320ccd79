package tensor

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/shape"
)

// Flat returns a one-dimensional tensor that shares elements lo to hi-1 (in row-major order) of
// t's data. Writes through either are seen by both. It panics with a *core.Error on a symbolic
// tensor or a range outside [0, t.Size()].
func (t *Tensor) Flat(lo, hi int) *Tensor {
	t.mustConcrete("tensor.Flat")
	if lo < 0 || hi < lo || hi > t.Size() {
		errs.Panic("tensor.Flat", "range [%d, %d) outside the %d elements of %v", lo, hi, t.Size(), t.shape)
	}
	var d any
	switch s := t.data.(type) {
	case []bool:
		d = s[lo:hi]
	case []uint8:
		d = s[lo:hi]
	case []int8:
		d = s[lo:hi]
	case []int32:
		d = s[lo:hi]
	case []int64:
		d = s[lo:hi]
	case []dtype.F16:
		d = s[lo:hi]
	case []dtype.BF16:
		d = s[lo:hi]
	case []float32:
		d = s[lo:hi]
	case []float64:
		d = s[lo:hi]
	}
	return &Tensor{dt: t.dt, shape: shape.Shape{hi - lo}, data: d, mem: t.mem.share()}
}
