//go:build !noasm && amd64

package f32

//go:generate sh -c "cd ../_asm && go run . -type f32 -set arith -out ../f32/arith_amd64.s"

// The binary elementwise kernels: dst[i] = x[i] op y[i] (VV), x[i] op s (VS) or s op y[i] (SV)
// for i < len(dst), for op in +, −, ·, / and max and min, with the bits of the Go loops of
// internal/vmath (the loops of arith_ref.go). Lengths are not checked: the caller guarantees that the
// sources are at least len(dst) long and the flag of the instruction set (HasAVX512, HasAVX2).
// dst may be x or y but must not overlap them otherwise.

// AddVVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] + y[i]
//	}
//
// giving the bits of that loop (addVVRef). The caller guarantees len(x) and len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func AddVVAVX512(dst, x, y []float32)

// AddVVAVX2 is [AddVVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func AddVVAVX2(dst, x, y []float32)

// AddVSAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] + s
//	}
//
// giving the bits of that loop (addVSRef). The caller guarantees len(x) >= len(dst) and
// HasAVX512.
//
//go:noescape
func AddVSAVX512(dst, x []float32, s float32)

// AddVSAVX2 is [AddVSAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func AddVSAVX2(dst, x []float32, s float32)

// SubVVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] - y[i]
//	}
//
// giving the bits of that loop (subVVRef). The caller guarantees len(x) and len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func SubVVAVX512(dst, x, y []float32)

// SubVVAVX2 is [SubVVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func SubVVAVX2(dst, x, y []float32)

// SubVSAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] - s
//	}
//
// giving the bits of that loop (subVSRef). The caller guarantees len(x) >= len(dst) and
// HasAVX512.
//
//go:noescape
func SubVSAVX512(dst, x []float32, s float32)

// SubVSAVX2 is [SubVSAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func SubVSAVX2(dst, x []float32, s float32)

// SubSVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = s - y[i]
//	}
//
// giving the bits of that loop (subSVRef). The caller guarantees len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func SubSVAVX512(dst []float32, s float32, y []float32)

// SubSVAVX2 is [SubSVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func SubSVAVX2(dst []float32, s float32, y []float32)

// MulVVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] * y[i]
//	}
//
// giving the bits of that loop (mulVVRef). The caller guarantees len(x) and len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func MulVVAVX512(dst, x, y []float32)

// MulVVAVX2 is [MulVVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MulVVAVX2(dst, x, y []float32)

// MulVSAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] * s
//	}
//
// giving the bits of that loop (mulVSRef). The caller guarantees len(x) >= len(dst) and
// HasAVX512.
//
//go:noescape
func MulVSAVX512(dst, x []float32, s float32)

// MulVSAVX2 is [MulVSAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MulVSAVX2(dst, x []float32, s float32)

// DivVVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] / y[i]
//	}
//
// giving the bits of that loop (divVVRef). The caller guarantees len(x) and len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func DivVVAVX512(dst, x, y []float32)

// DivVVAVX2 is [DivVVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func DivVVAVX2(dst, x, y []float32)

// DivVSAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = x[i] / s
//	}
//
// giving the bits of that loop (divVSRef). The caller guarantees len(x) >= len(dst) and
// HasAVX512.
//
//go:noescape
func DivVSAVX512(dst, x []float32, s float32)

// DivVSAVX2 is [DivVSAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func DivVSAVX2(dst, x []float32, s float32)

// DivSVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = s / y[i]
//	}
//
// giving the bits of that loop (divSVRef). The caller guarantees len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func DivSVAVX512(dst []float32, s float32, y []float32)

// DivSVAVX2 is [DivSVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func DivSVAVX2(dst []float32, s float32, y []float32)

// MaxVVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = max(x[i], y[i])
//	}
//
// giving the bits of that loop (maxVVRef). The caller guarantees len(x) and len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func MaxVVAVX512(dst, x, y []float32)

// MaxVVAVX2 is [MaxVVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MaxVVAVX2(dst, x, y []float32)

// MaxVSAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = max(x[i], s)
//	}
//
// giving the bits of that loop (maxVSRef). The caller guarantees len(x) >= len(dst) and
// HasAVX512.
//
//go:noescape
func MaxVSAVX512(dst, x []float32, s float32)

// MaxVSAVX2 is [MaxVSAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MaxVSAVX2(dst, x []float32, s float32)

// MinVVAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = min(x[i], y[i])
//	}
//
// giving the bits of that loop (minVVRef). The caller guarantees len(x) and len(y) >= len(dst) and
// HasAVX512.
//
//go:noescape
func MinVVAVX512(dst, x, y []float32)

// MinVVAVX2 is [MinVVAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MinVVAVX2(dst, x, y []float32)

// MinVSAVX512 computes, with AVX-512F,
//
//	for i := range dst {
//		dst[i] = min(x[i], s)
//	}
//
// giving the bits of that loop (minVSRef). The caller guarantees len(x) >= len(dst) and
// HasAVX512.
//
//go:noescape
func MinVSAVX512(dst, x []float32, s float32)

// MinVSAVX2 is [MinVSAVX512] with AVX2; the caller guarantees HasAVX2.
//
//go:noescape
func MinVSAVX2(dst, x []float32, s float32)
