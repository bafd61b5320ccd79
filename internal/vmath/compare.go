package vmath

import "math"

// Comparisons giving bool, and selection by a bool mask. Comparisons are IEEE: every one with a
// NaN operand is false except ≠, and −0 equals +0. A comparison of a scalar with a slice is the
// mirrored comparison of the slice with the scalar (s < y[i] is y[i] > s).

// Real is the element types the comparisons take: the floats and the integer types of Tide.
type Real interface {
	~uint8 | ~int8 | ~int32 | ~int64 | ~float32 | ~float64
}

// Cmp names a comparison.
type Cmp uint8

// The comparisons.
const (
	EQ Cmp = iota // ==
	NE            // !=
	LT            // <
	LE            // <=
	GT            // >
	GE            // >=
)

// Mirror returns the comparison c with its operands swapped: a c b is b c.Mirror() a.
func (c Cmp) Mirror() Cmp {
	switch c {
	case LT:
		return GT
	case LE:
		return GE
	case GT:
		return LT
	case GE:
		return LE
	}
	return c
}

// CmpVV sets dst[i] = x[i] c y[i].
func CmpVV[T Real](c Cmp, dst []bool, x, y []T) {
	x, y = x[:len(dst)], y[:len(dst)]
	switch c {
	case EQ:
		for i := range dst {
			dst[i] = x[i] == y[i]
		}
	case NE:
		for i := range dst {
			dst[i] = x[i] != y[i]
		}
	case LT:
		for i := range dst {
			dst[i] = x[i] < y[i]
		}
	case LE:
		for i := range dst {
			dst[i] = x[i] <= y[i]
		}
	case GT:
		for i := range dst {
			dst[i] = x[i] > y[i]
		}
	case GE:
		for i := range dst {
			dst[i] = x[i] >= y[i]
		}
	}
}

// CmpVS sets dst[i] = x[i] c s.
func CmpVS[T Real](c Cmp, dst []bool, x []T, s T) {
	x = x[:len(dst)]
	switch c {
	case EQ:
		for i := range dst {
			dst[i] = x[i] == s
		}
	case NE:
		for i := range dst {
			dst[i] = x[i] != s
		}
	case LT:
		for i := range dst {
			dst[i] = x[i] < s
		}
	case LE:
		for i := range dst {
			dst[i] = x[i] <= s
		}
	case GT:
		for i := range dst {
			dst[i] = x[i] > s
		}
	case GE:
		for i := range dst {
			dst[i] = x[i] >= s
		}
	}
}

// The selections load both candidates and then choose, so that the compiler can use a
// conditional move instead of a branch, which a random mask would mispredict half the time:
// on integer types directly, and on floats through their bits (float registers have no
// conditional move).

// SelectVV sets dst[i] = x[i] where c[i], else y[i], keeping the bits of the chosen value.
func SelectVV[E any](dst []E, c []bool, x, y []E) {
	switch d := any(dst).(type) {
	case []float32:
		selectVV32(d, c, any(x).([]float32), any(y).([]float32))
		return
	case []float64:
		selectVV64(d, c, any(x).([]float64), any(y).([]float64))
		return
	}
	c, x, y = c[:len(dst)], x[:len(dst)], y[:len(dst)]
	for i := range dst {
		a, b := x[i], y[i]
		if c[i] {
			b = a
		}
		dst[i] = b
	}
}

func selectVV32(dst []float32, c []bool, x, y []float32) {
	c, x, y = c[:len(dst)], x[:len(dst)], y[:len(dst)]
	for i := range dst {
		a, b := math.Float32bits(x[i]), math.Float32bits(y[i])
		if c[i] {
			b = a
		}
		dst[i] = math.Float32frombits(b)
	}
}

func selectVV64(dst []float64, c []bool, x, y []float64) {
	c, x, y = c[:len(dst)], x[:len(dst)], y[:len(dst)]
	for i := range dst {
		a, b := math.Float64bits(x[i]), math.Float64bits(y[i])
		if c[i] {
			b = a
		}
		dst[i] = math.Float64frombits(b)
	}
}

// SelectVS sets dst[i] = x[i] where c[i], else s.
func SelectVS[E any](dst []E, c []bool, x []E, s E) {
	switch d := any(dst).(type) {
	case []float32:
		selectSV32(d, c, math.Float32bits(any(s).(float32)), any(x).([]float32), true)
		return
	case []float64:
		selectSV64(d, c, math.Float64bits(any(s).(float64)), any(x).([]float64), true)
		return
	}
	c, x = c[:len(dst)], x[:len(dst)]
	for i := range dst {
		a, b := x[i], s
		if c[i] {
			b = a
		}
		dst[i] = b
	}
}

// SelectSV sets dst[i] = s where c[i], else y[i].
func SelectSV[E any](dst []E, c []bool, s E, y []E) {
	switch d := any(dst).(type) {
	case []float32:
		selectSV32(d, c, math.Float32bits(any(s).(float32)), any(y).([]float32), false)
		return
	case []float64:
		selectSV64(d, c, math.Float64bits(any(s).(float64)), any(y).([]float64), false)
		return
	}
	c, y = c[:len(dst)], y[:len(dst)]
	for i := range dst {
		b := y[i]
		if c[i] {
			b = s
		}
		dst[i] = b
	}
}

// selectSV32 sets dst[i] to the float32 with bits s where c[i] != inv, else y[i].
func selectSV32(dst []float32, c []bool, s uint32, y []float32, inv bool) {
	c, y = c[:len(dst)], y[:len(dst)]
	for i := range dst {
		b := math.Float32bits(y[i])
		if c[i] != inv {
			b = s
		}
		dst[i] = math.Float32frombits(b)
	}
}

// selectSV64 is selectSV32 for float64.
func selectSV64(dst []float64, c []bool, s uint64, y []float64, inv bool) {
	c, y = c[:len(dst)], y[:len(dst)]
	for i := range dst {
		b := math.Float64bits(y[i])
		if c[i] != inv {
			b = s
		}
		dst[i] = math.Float64frombits(b)
	}
}

// SelectSS sets dst[i] = s where c[i], else t.
func SelectSS[E any](dst []E, c []bool, s, t E) {
	switch d := any(dst).(type) {
	case []float32:
		a, b := math.Float32bits(any(s).(float32)), math.Float32bits(any(t).(float32))
		for i, ci := range c[:len(d)] {
			v := b
			if ci {
				v = a
			}
			d[i] = math.Float32frombits(v)
		}
		return
	case []float64:
		a, b := math.Float64bits(any(s).(float64)), math.Float64bits(any(t).(float64))
		for i, ci := range c[:len(d)] {
			v := b
			if ci {
				v = a
			}
			d[i] = math.Float64frombits(v)
		}
		return
	}
	c = c[:len(dst)]
	for i := range dst {
		b := t
		if c[i] {
			b = s
		}
		dst[i] = b
	}
}
