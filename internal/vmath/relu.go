package vmath

import (
	"math"

	"github.com/tideml/tide/internal/asm/f32"
)

// The rectifier and its gradient. In float32, where the CPU has AVX-512F or AVX2, the kernels
// of internal/asm/f32 do the whole vectors (a comparison with zero and a masked move, at memory
// speed). The Go loops, which finish the tails and do the rest, choose between the bits of a
// value and zero in integer registers, which the compiler turns into a conditional move after
// one comparison: no branch on the data, and (unlike max(x, 0), which needs two MINSS and
// three logic operations to get NaN and −0 right) a handful of instructions per element.

// reluSIMD runs the vector kernel of dst = g where x > 0 or NaN, else +0, over the whole
// vectors of dst, and returns how many elements it did (0 without one).
func reluSIMD(dst, x, g []float32, same bool) int {
	switch simdLevel {
	case 2:
		if same {
			f32.ReluAVX512(dst, x)
		} else {
			f32.ReluGradAVX512(dst, x, g)
		}
		return len(dst) &^ 15
	case 1:
		if same {
			f32.ReluAVX2(dst, x)
		} else {
			f32.ReluGradAVX2(dst, x, g)
		}
		return len(dst) &^ 7
	}
	return 0
}

// Relu sets dst[i] = max(x[i], 0): +0 for −0 and negative numbers, x[i] (its bits) for NaN.
func Relu[T Float](dst, x []T) {
	switch d := any(dst).(type) {
	case []float32:
		relu32(d, any(x).([]float32))
	case []float64:
		relu64(d, any(x).([]float64))
	default:
		x = x[:len(dst)]
		for i, v := range x {
			if v <= 0 {
				v = 0
			}
			dst[i] = v
		}
	}
}

func relu32(dst, x []float32) {
	x = x[:len(dst)]
	for i := reluSIMD(dst, x, x, true); i < len(dst); i++ {
		v := x[i]
		b := math.Float32bits(v)
		if v <= 0 {
			b = 0
		}
		dst[i] = math.Float32frombits(b)
	}
}

func relu64(dst, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		v := x[i]
		b := math.Float64bits(v)
		if v <= 0 {
			b = 0
		}
		dst[i] = math.Float64frombits(b)
	}
}

// ReluGradVV sets dst[i] = +0 where x[i] <= 0, else g[i] (its bits): the gradient g of the
// rectifier at x, passed through where x is NaN and zeroed where x is ±0, as PyTorch's
// threshold_backward. It equals selecting +0 where x <= 0 and g elsewhere bit for bit.
func ReluGradVV[T Float](dst, x, g []T) {
	switch d := any(dst).(type) {
	case []float32:
		reluGradVV32(d, any(x).([]float32), any(g).([]float32))
	case []float64:
		reluGradVV64(d, any(x).([]float64), any(g).([]float64))
	default:
		x, g = x[:len(dst)], g[:len(dst)]
		for i := range dst {
			dst[i] = g[i]
			if x[i] <= 0 {
				dst[i] = 0
			}
		}
	}
}

func reluGradVV32(dst, x, g []float32) {
	x, g = x[:len(dst)], g[:len(dst)]
	for i := reluSIMD(dst, x, g, false); i < len(dst); i++ {
		b := math.Float32bits(g[i])
		if x[i] <= 0 {
			b = 0
		}
		dst[i] = math.Float32frombits(b)
	}
}

func reluGradVV64(dst, x, g []float64) {
	x, g = x[:len(dst)], g[:len(dst)]
	for i := range dst {
		b := math.Float64bits(g[i])
		if x[i] <= 0 {
			b = 0
		}
		dst[i] = math.Float64frombits(b)
	}
}

// ReluGradVS is [ReluGradVV] with one gradient s for every x[i].
func ReluGradVS[T Float](dst, x []T, s T) {
	switch d := any(dst).(type) {
	case []float32:
		reluGradVS32(d, any(x).([]float32), any(s).(float32))
	case []float64:
		reluGradVS64(d, any(x).([]float64), any(s).(float64))
	default:
		x = x[:len(dst)]
		for i := range dst {
			dst[i] = s
			if x[i] <= 0 {
				dst[i] = 0
			}
		}
	}
}

func reluGradVS32(dst, x []float32, s float32) {
	x = x[:len(dst)]
	sb := math.Float32bits(s)
	for i := range dst {
		b := sb
		if x[i] <= 0 {
			b = 0
		}
		dst[i] = math.Float32frombits(b)
	}
}

func reluGradVS64(dst, x []float64, s float64) {
	x = x[:len(dst)]
	sb := math.Float64bits(s)
	for i := range dst {
		b := sb
		if x[i] <= 0 {
			b = 0
		}
		dst[i] = math.Float64frombits(b)
	}
}

// ReluGradSV is [ReluGradVV] with one input s for every g[i]: a copy of g, or +0s.
func ReluGradSV[T Float](dst []T, s T, g []T) {
	if s <= 0 {
		Fill(dst, 0)
		return
	}
	copy(dst, g[:len(dst)])
}
