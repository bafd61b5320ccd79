package tensor

import (
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
)

// Convert copies src's elements into dst, converting each to dst's element type. The two must
// have the same number of elements (shapes may differ). The rules, deterministic on every machine:
//   - integer and bool to integer: two's-complement wrap-around, as C and NumPy (300 -> uint8 44);
//   - float to integer: truncation toward zero, saturating at the type's bounds, NaN to 0
//     (NumPy's result is platform-dependent there; Go's is implementation-defined);
//   - anything to bool: non-zero (and NaN) is true;
//   - to float16/bfloat16 and float64 to float32: round to nearest, ties to even.
//
// It panics with a *core.Error on a size mismatch or a symbolic tensor.
func Convert(dst, src *Tensor) {
	dst.mustConcrete("tensor.Convert")
	src.mustConcrete("tensor.Convert")
	n := src.Size()
	if dst.Size() != n {
		errs.Panic("tensor.Convert", "sizes differ: dst %v, src %v", dst.shape, src.shape)
	}
	if dst.dt == src.dt {
		copyRaw(dst.data, src.data)
		return
	}
	useInt := !src.dt.IsFloat() && !dst.dt.IsFloat()
	var fbuf [512]float64
	var ibuf [512]int64
	for lo := 0; lo < n; lo += len(fbuf) {
		hi := min(lo+len(fbuf), n)
		if useInt {
			loadInt64(ibuf[:hi-lo], src.data, lo)
			storeInt64(dst.data, lo, ibuf[:hi-lo])
		} else {
			loadFloat64(fbuf[:hi-lo], src.data, lo)
			storeFloat64(dst.data, lo, fbuf[:hi-lo])
		}
	}
}

func copyRaw(dst, src any) {
	switch d := dst.(type) {
	case []bool:
		copy(d, src.([]bool))
	case []uint8:
		copy(d, src.([]uint8))
	case []int8:
		copy(d, src.([]int8))
	case []int32:
		copy(d, src.([]int32))
	case []int64:
		copy(d, src.([]int64))
	case []dtype.F16:
		copy(d, src.([]dtype.F16))
	case []dtype.BF16:
		copy(d, src.([]dtype.BF16))
	case []float32:
		copy(d, src.([]float32))
	case []float64:
		copy(d, src.([]float64))
	}
}

func loadInt64(dst []int64, src any, off int) {
	switch s := src.(type) {
	case []bool:
		for i := range dst {
			dst[i] = 0
			if s[off+i] {
				dst[i] = 1
			}
		}
	case []uint8:
		widen(dst, s[off:])
	case []int8:
		widen(dst, s[off:])
	case []int32:
		widen(dst, s[off:])
	case []int64:
		copy(dst, s[off:])
	}
}

func widen[T uint8 | int8 | int32 | int64](dst []int64, s []T) {
	for i := range dst {
		dst[i] = int64(s[i])
	}
}

func storeInt64(dst any, off int, src []int64) {
	switch d := dst.(type) {
	case []bool:
		for i, v := range src {
			d[off+i] = v != 0
		}
	case []uint8:
		narrow(d[off:], src)
	case []int8:
		narrow(d[off:], src)
	case []int32:
		narrow(d[off:], src)
	case []int64:
		copy(d[off:], src)
	}
}

func narrow[T uint8 | int8 | int32](d []T, src []int64) {
	for i, v := range src {
		d[i] = T(v)
	}
}

func loadFloat64(dst []float64, src any, off int) {
	switch s := src.(type) {
	case []bool:
		for i := range dst {
			dst[i] = 0
			if s[off+i] {
				dst[i] = 1
			}
		}
	case []uint8:
		toF64(dst, s[off:])
	case []int8:
		toF64(dst, s[off:])
	case []int32:
		toF64(dst, s[off:])
	case []int64:
		toF64(dst, s[off:])
	case []float32:
		toF64(dst, s[off:])
	case []float64:
		copy(dst, s[off:])
	case []dtype.F16:
		for i := range dst {
			dst[i] = s[off+i].Float64()
		}
	case []dtype.BF16:
		for i := range dst {
			dst[i] = s[off+i].Float64()
		}
	}
}

func toF64[T dtype.Number](dst []float64, s []T) {
	for i := range dst {
		dst[i] = float64(s[i])
	}
}

func storeFloat64(dst any, off int, src []float64) {
	switch d := dst.(type) {
	case []bool:
		for i, v := range src {
			d[off+i] = v != 0
		}
	case []uint8:
		saturate(d[off:], src, 0, math.MaxUint8)
	case []int8:
		saturate(d[off:], src, math.MinInt8, math.MaxInt8)
	case []int32:
		saturate(d[off:], src, math.MinInt32, math.MaxInt32)
	case []int64:
		for i, v := range src {
			switch {
			case v != v:
				d[off+i] = 0
			case v >= 9223372036854775807:
				d[off+i] = math.MaxInt64
			case v <= -9223372036854775808:
				d[off+i] = math.MinInt64
			default:
				d[off+i] = int64(v)
			}
		}
	case []float32:
		for i, v := range src {
			d[off+i] = float32(v)
		}
	case []float64:
		copy(d[off:], src)
	case []dtype.F16:
		for i, v := range src {
			d[off+i] = dtype.F16FromFloat64(v)
		}
	case []dtype.BF16:
		for i, v := range src {
			d[off+i] = dtype.BF16FromFloat64(v)
		}
	}
}

func saturate[T uint8 | int8 | int32](d []T, src []float64, lo, hi float64) {
	for i, v := range src {
		switch {
		case v != v:
			d[i] = 0
		case v <= lo:
			d[i] = T(lo)
		case v >= hi:
			d[i] = T(hi)
		default:
			d[i] = T(v)
		}
	}
}
