package vmath

import (
	"math"

	"github.com/tideml/tide/internal/asm/f32"
)

// Float is the element types of the generic loops. Each instantiation is compiled separately
// (float32 and float64 have different shapes), so the arithmetic is the machine's own.
type Float interface{ ~float32 | ~float64 }

// The binary loops come in up to three forms: VV (dst[i] = x[i] op y[i]), VS (x[i] op s) and
// SV (s op y[i]). They reslice their sources to len(dst) first, so the compiler drops the
// bounds checks of the loop, and are unrolled by four, which halves the loop overhead per
// element on the simple ones.

// AddVV sets dst[i] = x[i] + y[i].
func AddVV[T Float](dst, x, y []T) {
	if d, ok := any(dst).([]float32); ok && addVV32(d, any(x).([]float32), any(y).([]float32)) {
		return
	}
	x, y = x[:len(dst)], y[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, a, b := dst[i:i+4:i+4], x[i:i+4:i+4], y[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a[0]+b[0], a[1]+b[1], a[2]+b[2], a[3]+b[3]
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] + y[i]
	}
}

// AddVS sets dst[i] = x[i] + s.
func AddVS[T Float](dst, x []T, s T) {
	if d, ok := any(dst).([]float32); ok && addVS32(d, any(x).([]float32), any(s).(float32)) {
		return
	}
	x = x[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, a := dst[i:i+4:i+4], x[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a[0]+s, a[1]+s, a[2]+s, a[3]+s
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] + s
	}
}

// SubVV sets dst[i] = x[i] − y[i].
func SubVV[T Float](dst, x, y []T) {
	if d, ok := any(dst).([]float32); ok && subVV32(d, any(x).([]float32), any(y).([]float32)) {
		return
	}
	x, y = x[:len(dst)], y[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, a, b := dst[i:i+4:i+4], x[i:i+4:i+4], y[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a[0]-b[0], a[1]-b[1], a[2]-b[2], a[3]-b[3]
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] - y[i]
	}
}

// SubVS sets dst[i] = x[i] − s.
func SubVS[T Float](dst, x []T, s T) {
	if d, ok := any(dst).([]float32); ok && subVS32(d, any(x).([]float32), any(s).(float32)) {
		return
	}
	x = x[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, a := dst[i:i+4:i+4], x[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a[0]-s, a[1]-s, a[2]-s, a[3]-s
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] - s
	}
}

// SubSV sets dst[i] = s − y[i].
func SubSV[T Float](dst []T, s T, y []T) {
	if d, ok := any(dst).([]float32); ok && subSV32(d, any(s).(float32), any(y).([]float32)) {
		return
	}
	y = y[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, b := dst[i:i+4:i+4], y[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = s-b[0], s-b[1], s-b[2], s-b[3]
	}
	for ; i < len(dst); i++ {
		dst[i] = s - y[i]
	}
}

// MulVV sets dst[i] = x[i] · y[i].
func MulVV[T Float](dst, x, y []T) {
	if d, ok := any(dst).([]float32); ok && mulVV32(d, any(x).([]float32), any(y).([]float32)) {
		return
	}
	x, y = x[:len(dst)], y[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, a, b := dst[i:i+4:i+4], x[i:i+4:i+4], y[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a[0]*b[0], a[1]*b[1], a[2]*b[2], a[3]*b[3]
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] * y[i]
	}
}

// MulVS sets dst[i] = x[i] · s.
func MulVS[T Float](dst, x []T, s T) {
	if d, ok := any(dst).([]float32); ok && mulVS32(d, any(x).([]float32), any(s).(float32)) {
		return
	}
	x = x[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, a := dst[i:i+4:i+4], x[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = a[0]*s, a[1]*s, a[2]*s, a[3]*s
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] * s
	}
}

// DivVV sets dst[i] = x[i] / y[i].
func DivVV[T Float](dst, x, y []T) {
	if d, ok := any(dst).([]float32); ok && divVV32(d, any(x).([]float32), any(y).([]float32)) {
		return
	}
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] / y[i]
	}
}

// DivVS sets dst[i] = x[i] / s (a division, not a multiplication by 1/s, so that results are
// correctly rounded).
func DivVS[T Float](dst, x []T, s T) {
	if d, ok := any(dst).([]float32); ok && divVS32(d, any(x).([]float32), any(s).(float32)) {
		return
	}
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] / s
	}
}

// DivSV sets dst[i] = s / y[i].
func DivSV[T Float](dst []T, s T, y []T) {
	if d, ok := any(dst).([]float32); ok && divSV32(d, any(s).(float32), any(y).([]float32)) {
		return
	}
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = s / y[i]
	}
}

// MaxVV sets dst[i] = max(x[i], y[i]): NaN if either is NaN, +0 over −0.
func MaxVV[T Float](dst, x, y []T) {
	if d, ok := any(dst).([]float32); ok && maxVV32(d, any(x).([]float32), any(y).([]float32)) {
		return
	}
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = max(x[i], y[i])
	}
}

// MaxVS sets dst[i] = max(x[i], s), as [MaxVV]. MaxVS(dst, x, 0) is the ReLU.
func MaxVS[T Float](dst, x []T, s T) {
	if d, ok := any(dst).([]float32); ok && maxVS32(d, any(x).([]float32), any(s).(float32)) {
		return
	}
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = max(x[i], s)
	}
}

// MinVV sets dst[i] = min(x[i], y[i]): NaN if either is NaN, −0 under +0.
func MinVV[T Float](dst, x, y []T) {
	if d, ok := any(dst).([]float32); ok && minVV32(d, any(x).([]float32), any(y).([]float32)) {
		return
	}
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = min(x[i], y[i])
	}
}

// MinVS sets dst[i] = min(x[i], s), as [MinVV].
func MinVS[T Float](dst, x []T, s T) {
	if d, ok := any(dst).([]float32); ok && minVS32(d, any(x).([]float32), any(s).(float32)) {
		return
	}
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = min(x[i], s)
	}
}

// Neg sets dst[i] = −x[i].
func Neg[T Float](dst, x []T) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = -x[i]
	}
}

// Abs32 sets dst[i] = |x[i]| by clearing the sign bit.
func Abs32(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(math.Float32bits(x[i]) &^ (1 << 31))
	}
}

// Abs64 sets dst[i] = |x[i]|.
func Abs64(dst, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = math.Abs(x[i])
	}
}

// Sqrt32 sets dst[i] = √x[i], correctly rounded: with the vector kernel of internal/asm/f32
// over the whole vectors where the CPU has one (VSQRTPS rounds as the scalar instruction
// does; 4 to 8 times the throughput), and the Go loop (the compiler turns the float64 square
// root of a widened float32, rounded back, into one SQRTSS) for the rest.
func Sqrt32(dst, x []float32) {
	x = x[:len(dst)]
	i := 0
	switch simdLevel {
	case 2:
		f32.SqrtAVX512(dst, x)
		i = len(dst) &^ 15
	case 1:
		f32.SqrtAVX2(dst, x)
		i = len(dst) &^ 7
	}
	for ; i < len(dst); i++ {
		dst[i] = float32(math.Sqrt(float64(x[i])))
	}
}

// Sqrt64 sets dst[i] = √x[i].
func Sqrt64(dst, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = math.Sqrt(x[i])
	}
}

// Fill sets every dst[i] to v: a loop over the first elements, then copies of what is already
// filled, doubling (copy is the runtime's vectorised memmove).
func Fill[E any](dst []E, v E) {
	k := min(len(dst), 32)
	for i := range dst[:k] {
		dst[i] = v
	}
	for ; k < len(dst); k *= 2 {
		copy(dst[k:], dst[:k])
	}
}
