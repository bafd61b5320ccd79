package cpu

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Casts between float32, float64, the integer types and bool, with the rules of
// tensor.Convert, which the reference kernel runs: float to float rounds to nearest even;
// integer to float goes through float64 (so int64 to float32 rounds twice, as there); float to
// integer truncates toward zero and saturates, NaN giving 0; integer to integer wraps; anything
// to bool is "non-zero". Other pairs (float16 and bfloat16) use tensor.Convert itself, which
// already converts in blocks.

func init() {
	op := core.Lookup("cast")
	for _, dt := range []dtype.DType{dtype.Bool, dtype.Uint8, dtype.Int8, dtype.Int32, dtype.Int64, dtype.Float32, dtype.Float64} {
		core.RegisterKernel(op, dt, "cpu", core.PriorityFast, ewCastKernel)
	}
}

func ewCastKernel(_ ops.CastParams, in, out []*tensor.Tensor) error {
	x, y := in[0], out[0]
	n := x.Size()
	if ewSerial(n, ewNsStream) {
		ewCastRange(y, x, 0, n)
		return nil
	}
	ewSplit(n, ewNsStream, 64, func(lo, hi int) { ewCastRange(y, x, lo, hi) })
	return nil
}

// ewCastRange converts elements [lo, hi) of x into y.
func ewCastRange(y, x *tensor.Tensor, lo, hi int) {
	if !ewCast(y.Raw(), x.Raw(), lo, hi) {
		tensor.Convert(y.Flat(lo, hi), x.Flat(lo, hi))
	}
}

// ewCast converts src[lo:hi] into dst[lo:hi] and reports whether it knew the pair of types.
func ewCast(dst, src any, lo, hi int) bool {
	switch s := src.(type) {
	case []float32:
		return ewCastFrom(dst, s[lo:hi], lo, hi)
	case []float64:
		return ewCastFrom(dst, s[lo:hi], lo, hi)
	case []int32:
		return ewCastFrom(dst, s[lo:hi], lo, hi)
	case []int64:
		return ewCastFrom(dst, s[lo:hi], lo, hi)
	case []uint8:
		return ewCastFrom(dst, s[lo:hi], lo, hi)
	case []int8:
		return ewCastFrom(dst, s[lo:hi], lo, hi)
	case []bool:
		switch d := dst.(type) {
		case []float32:
			ewFromBool(d[lo:hi], s[lo:hi])
		case []float64:
			ewFromBool(d[lo:hi], s[lo:hi])
		case []int32:
			ewFromBool(d[lo:hi], s[lo:hi])
		case []int64:
			ewFromBool(d[lo:hi], s[lo:hi])
		case []uint8:
			ewFromBool(d[lo:hi], s[lo:hi])
		case []int8:
			ewFromBool(d[lo:hi], s[lo:hi])
		default:
			return false
		}
		return true
	}
	return false
}

type ewReal interface {
	uint8 | int8 | int32 | int64 | float32 | float64
}

func ewCastFrom[S ewReal](dst any, s []S, lo, hi int) bool {
	switch d := dst.(type) {
	case []float32:
		ewToFloat(d[lo:hi], s)
	case []float64:
		ewToFloat(d[lo:hi], s)
	case []int32:
		ewToInt(d[lo:hi], s, -1<<31, 1<<31-1)
	case []int64:
		ewToInt64(d[lo:hi], s)
	case []uint8:
		ewToInt(d[lo:hi], s, 0, 255)
	case []int8:
		ewToInt(d[lo:hi], s, -128, 127)
	case []bool:
		for i, v := range s {
			d[lo+i] = v != 0
		}
	default:
		return false
	}
	return true
}

// ewToFloat converts through float64, as tensor.Convert does (exact from every source but
// int64, which it rounds once before rounding again to float32).
func ewToFloat[D float32 | float64, S ewReal](d []D, s []S) {
	s = s[:len(d)]
	for i, v := range s {
		d[i] = D(float64(v))
	}
}

// ewIsFloat reports whether S is a float type.
func ewIsFloat[S ewReal]() bool {
	var z S
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

// ewToInt converts to uint8, int8 or int32: integers wrap, floats truncate and saturate to
// [lo, hi], NaN gives 0.
func ewToInt[D uint8 | int8 | int32, S ewReal](d []D, s []S, lo, hi float64) {
	s = s[:len(d)]
	if !ewIsFloat[S]() {
		for i, v := range s {
			d[i] = D(int64(v))
		}
		return
	}
	for i, v := range s {
		f := float64(v)
		switch {
		case f != f:
			d[i] = 0
		case f <= lo:
			d[i] = D(lo)
		case f >= hi:
			d[i] = D(hi)
		default:
			d[i] = D(f)
		}
	}
}

// ewToInt64 converts to int64 as [ewToInt] does.
func ewToInt64[S ewReal](d []int64, s []S) {
	s = s[:len(d)]
	if !ewIsFloat[S]() {
		for i, v := range s {
			d[i] = int64(v)
		}
		return
	}
	for i, v := range s {
		f := float64(v)
		switch {
		case f != f:
			d[i] = 0
		case f >= 9223372036854775807:
			d[i] = 1<<63 - 1
		case f <= -9223372036854775808:
			d[i] = -1 << 63
		default:
			d[i] = int64(f)
		}
	}
}

func ewFromBool[D ewReal](d []D, s []bool) {
	s = s[:len(d)]
	for i, v := range s {
		var x D
		if v {
			x = 1
		}
		d[i] = x
	}
}
