//go:build !noasm && amd64

package f32

//go:generate sh -c "cd ../_asm && go run . -type f32 -set math -out ../f32/math_amd64.s"

// ExpAVX512 computes, with AVX-512F, up to the error stated in the package
// documentation,
//
//	for i := range dst {
//		dst[i] = float32(math.Exp(float64(x[i])))
//	}
//
// Lengths are not checked: the caller guarantees len(x) >= len(dst) and
// HasAVX512. dst may be x but must not overlap it otherwise.
//
//go:noescape
func ExpAVX512(dst, x []float32)

// ExpAVX2 is [ExpAVX512] with AVX2 and FMA; the caller guarantees HasAVX2.
//
//go:noescape
func ExpAVX2(dst, x []float32)

// LogAVX512 computes, with AVX-512F, up to the error stated in the package
// documentation,
//
//	for i := range dst {
//		dst[i] = float32(math.Log(float64(x[i])))
//	}
//
// (−Inf at ±0, NaN below 0). The contract is [ExpAVX512]'s.
//
//go:noescape
func LogAVX512(dst, x []float32)

// LogAVX2 is [LogAVX512] with AVX2 and FMA; the caller guarantees HasAVX2.
//
//go:noescape
func LogAVX2(dst, x []float32)

// TanhAVX512 computes, with AVX-512F, up to the error stated in the package
// documentation,
//
//	for i := range dst {
//		dst[i] = float32(math.Tanh(float64(x[i])))
//	}
//
// The contract is [ExpAVX512]'s.
//
//go:noescape
func TanhAVX512(dst, x []float32)

// TanhAVX2 is [TanhAVX512] with AVX2 and FMA; the caller guarantees HasAVX2.
//
//go:noescape
func TanhAVX2(dst, x []float32)

// SigmoidAVX512 computes, with AVX-512F, up to the error stated in the
// package documentation,
//
//	for i := range dst {
//		dst[i] = float32(1 / (1 + math.Exp(-float64(x[i]))))
//	}
//
// The contract is [ExpAVX512]'s.
//
//go:noescape
func SigmoidAVX512(dst, x []float32)

// SigmoidAVX2 is [SigmoidAVX512] with AVX2 and FMA; the caller guarantees
// HasAVX2.
//
//go:noescape
func SigmoidAVX2(dst, x []float32)

// ErfAVX512 computes, with AVX-512F, up to the error stated in the package
// documentation,
//
//	for i := range dst {
//		dst[i] = float32(math.Erf(float64(x[i])))
//	}
//
// The contract is [ExpAVX512]'s.
//
//go:noescape
func ErfAVX512(dst, x []float32)

// ErfAVX2 is [ErfAVX512] with AVX2 and FMA; the caller guarantees HasAVX2.
//
//go:noescape
func ErfAVX2(dst, x []float32)

// ReluAVX512 computes, with AVX-512F, for the first len(dst) &^ 15 elements (whole vectors;
// the caller finishes the rest),
//
//	for i := range dst[:len(dst)&^15] {
//		dst[i] = x[i]
//		if x[i] <= 0 {
//			dst[i] = 0
//		}
//	}
//
// keeping the bits of x[i] (NaN payloads included) and writing +0 for −0. Lengths are not
// checked: the caller guarantees len(x) >= len(dst) and HasAVX512. dst may be x but must not
// overlap it otherwise.
//
//go:noescape
func ReluAVX512(dst, x []float32)

// ReluAVX2 is [ReluAVX512] with AVX, for the first len(dst) &^ 7 elements; the caller
// guarantees HasAVX2.
//
//go:noescape
func ReluAVX2(dst, x []float32)

// ReluGradAVX512 computes, with AVX-512F, for the first len(dst) &^ 15 elements,
//
//	for i := range dst[:len(dst)&^15] {
//		dst[i] = g[i]
//		if x[i] <= 0 {
//			dst[i] = 0
//		}
//	}
//
// keeping the bits of g[i]: the gradient g of the rectifier at x. The contract is
// [ReluAVX512]'s, for x and g.
//
//go:noescape
func ReluGradAVX512(dst, x, g []float32)

// ReluGradAVX2 is [ReluGradAVX512] with AVX, for the first len(dst) &^ 7 elements; the caller
// guarantees HasAVX2.
//
//go:noescape
func ReluGradAVX2(dst, x, g []float32)

// SqrtAVX512 computes, with AVX-512F, for the first len(dst) &^ 15 elements (whole vectors;
// the caller finishes the rest),
//
//	for i := range dst[:len(dst)&^15] {
//		dst[i] = float32(math.Sqrt(float64(x[i])))
//	}
//
// correctly rounded, as that loop. The contract is [ReluAVX512]'s.
//
//go:noescape
func SqrtAVX512(dst, x []float32)

// SqrtAVX2 is [SqrtAVX512] with AVX, for the first len(dst) &^ 7 elements; the caller
// guarantees HasAVX2.
//
//go:noescape
func SqrtAVX2(dst, x []float32)
