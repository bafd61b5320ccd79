package dtype

import (
	"math"

	"github.com/tideml/tide/internal/errs"
)

// F16 is an IEEE 754 binary16 number held by its bits: 1 sign bit, 5 exponent
// bits (bias 15) and 10 fraction bits. It is the storage type of [Float16];
// arithmetic converts to float32, which holds every F16 value exactly.
//
// Conversions to F16 and [BF16] round to nearest, ties to even, as IEEE 754,
// NumPy and PyTorch do. Values too large become ±Inf, values too small become
// subnormals or ±0, the sign of zero is kept, and NaN stays NaN with its sign,
// the top bits of its payload and the quiet bit set. Conversions from F16 and
// BF16 are exact, except that NaNs come out quiet.
type F16 uint16

// BF16 is a bfloat16 number held by its bits: the top 16 bits of a float32
// (1 sign bit, 8 exponent bits, 7 fraction bits). It is the storage type of
// [BFloat16]; arithmetic converts to float32, which holds every BF16 value
// exactly. Conversions behave as described for [F16].
type BF16 uint16

// F16FromBits returns the F16 with bits b.
func F16FromBits(b uint16) F16 { return F16(b) }

// Bits returns the binary16 encoding of h.
func (h F16) Bits() uint16 { return uint16(h) }

// BF16FromBits returns the BF16 with bits b.
func BF16FromBits(b uint16) BF16 { return BF16(b) }

// Bits returns the bfloat16 encoding of h.
func (h BF16) Bits() uint16 { return uint16(h) }

// F16FromFloat32 returns f rounded to the nearest binary16, ties to even.
// Magnitudes from 65520 up become ±Inf.
func F16FromFloat32(f float32) F16 {
	b := math.Float32bits(f)
	// The common case is |f| in [2^-14, 65520), where the result is a normal
	// binary16. F16sFromFloat32s repeats this test in its loop so that the
	// common case inlines there.
	if a := b & 0x7fffffff; a-0x38800000 < 0x477ff000-0x38800000 {
		return f16Normal(b, a)
	}
	return f16FromFloat32Bits(b)
}

// f16Normal converts the float32 with bits b and magnitude bits a in
// [2^-14, 65520) to binary16: it rebiases the exponent from 127 to 15 and
// rounds away 13 bits, and a carry out of the fraction correctly bumps the
// exponent.
func f16Normal(b, a uint32) F16 {
	return F16(uint16(b>>16)&0x8000 | uint16((a-112<<23+0xfff+a>>13&1)>>13))
}

// f16FromFloat32Bits converts the float32 with bits b to binary16 when the
// result is not a normal finite number.
func f16FromFloat32Bits(b uint32) F16 {
	sign := uint16(b>>16) & 0x8000
	a := b & 0x7fffffff
	switch {
	case a > 0x7f800000: // NaN
		return F16(sign | 0x7e00 | uint16(a>>13)&0x3ff)
	case a >= 0x477ff000: // 65520, halfway from the largest finite to 2^16
		return F16(sign | 0x7c00)
	case a >= 0x38800000: // normal; F16FromFloat32 handles these itself
		return f16Normal(b, a)
	case a >= 0x33000000: // at least 2^-25, half the smallest subnormal
		// With biased exponent E, |f| = m * 2^(E-150), which is
		// m / 2^(126-E) units of the smallest subnormal, 2^-24.
		m := a&0x7fffff | 0x800000
		return F16(sign | uint16(roundShift(uint64(m), uint(126-a>>23))))
	default:
		return F16(sign)
	}
}

// F16FromFloat64 returns f rounded to the nearest binary16, ties to even. It
// rounds once, from f itself: F16FromFloat32(float32(f)) can differ when the
// first rounding lands on a binary16 halfway point.
func F16FromFloat64(f float64) F16 {
	return F16(narrow64(f, 10, 15))
}

// Float32 returns h as a float32, exactly.
func (h F16) Float32() float32 {
	// Float32sFromF16s repeats this test in its loop so that the common
	// case, a normal number, inlines there.
	if e := h & 0x7c00; e != 0 && e != 0x7c00 {
		return h.float32Normal()
	}
	return h.float32Special()
}

// float32Normal converts a normal h: its exponent is rebiased from 15 to 127.
func (h F16) float32Normal() float32 {
	return math.Float32frombits(uint32(h&0x8000)<<16 | (uint32(h&0x7fff)<<13 + 112<<23))
}

// float32Special converts a zero, subnormal, infinite or NaN h.
func (h F16) float32Special() float32 {
	sign := uint32(h&0x8000) << 16
	if h&0x7c00 == 0 {
		// The fraction counts units of 2^-24. Scaling the integer keeps every
		// operand normal; reinterpreting the bits as a float32 subnormal and
		// scaling that would be as exact but can take a hundred cycles on
		// CPUs that handle subnormals in microcode.
		a := float32(h&0x3ff) * 0x1p-24
		return math.Float32frombits(sign | math.Float32bits(a))
	}
	b := sign | 0x7f800000 | uint32(h&0x3ff)<<13
	if h&0x3ff != 0 {
		b |= 0x400000 // quiet NaN
	}
	return math.Float32frombits(b)
}

// Float64 returns h as a float64, exactly.
func (h F16) Float64() float64 {
	if h&0x7fff > 0x7c00 {
		return nan64(uint16(h), 10)
	}
	return float64(h.Float32())
}

// BF16FromFloat32 returns f rounded to the nearest bfloat16, ties to even.
// Magnitudes that round above the largest finite bfloat16 become ±Inf.
func BF16FromFloat32(f float32) BF16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return BF16(uint16(b>>16) | 0x40)
	}
	// The same exponent range as float32 makes rounding a matter of the low
	// 16 bits, subnormals included; the carry reaches Inf when it should.
	return BF16((b + 0x7fff + b>>16&1) >> 16)
}

// BF16FromFloat64 returns f rounded to the nearest bfloat16, ties to even,
// in one rounding (see [F16FromFloat64]).
func BF16FromFloat64(f float64) BF16 {
	return BF16(narrow64(f, 7, 127))
}

// Float32 returns h as a float32, exactly.
func (h BF16) Float32() float32 {
	b := uint32(h) << 16
	if h&0x7fff > 0x7f80 {
		b |= 0x400000
	}
	return math.Float32frombits(b)
}

// Float64 returns h as a float64, exactly.
func (h BF16) Float64() float64 {
	if h&0x7fff > 0x7f80 {
		return nan64(uint16(h), 7)
	}
	return float64(h.Float32())
}

// nan64 returns the quiet float64 NaN with the sign and payload of the NaN
// bits b of a format with frac fraction bits. It builds the bits itself
// because converting a float32 NaN to float64 may drop both: Go's software
// floating point (GO386=softfloat, GOARM=5, softfloat MIPS) returns one
// canonical NaN.
func nan64(b uint16, frac uint) float64 {
	payload := (uint64(b) & (1<<frac - 1)) << (52 - frac)
	return math.Float64frombits(uint64(b&0x8000)<<48 | 0x7ff8000000000000 | payload)
}

// narrow64 rounds f to the nearest number, ties to even, of the binary format
// with frac fraction bits and maximum exponent emax (bias emax, minimum
// normal exponent 1-emax) and returns its bits.
func narrow64(f float64, frac, emax uint) uint16 {
	b := math.Float64bits(f)
	sign := uint16(b>>48) & 0x8000
	a := b &^ (1 << 63)
	inf := uint64(2*emax+1) << frac
	drop := 52 - frac // fraction bits lost when the result is normal
	// Thresholds as float64 bit patterns: the smallest normal of the target,
	// 2^(1-emax), and half its smallest subnormal, 2^(-emax-frac).
	minNormal := uint64(1023+1-emax) << 52
	minRounded := uint64(1023-emax-frac) << 52
	switch {
	case a >= 0x7ff0000000000000: // Inf or NaN
		if a > 0x7ff0000000000000 {
			return sign | uint16(inf) | 1<<(frac-1) | uint16(a>>drop)&(1<<frac-1)
		}
		return sign | uint16(inf)
	case a >= minNormal:
		// Rebias the exponent from 1023 to emax and round away drop bits.
		r := a - uint64(1023-emax)<<52
		r = (r + 1<<(drop-1) - 1 + r>>drop&1) >> drop
		return sign | uint16(min(r, inf))
	case a >= minRounded:
		// With biased exponent E, |f| = m * 2^(E-1075), which is
		// m / 2^(1076-emax-frac-E) units of the smallest subnormal,
		// 2^(1-emax-frac).
		m := a&(1<<52-1) | 1<<52
		return sign | uint16(roundShift(m, 1075-emax+1-frac-uint(a>>52)))
	default:
		return sign
	}
}

// roundShift returns m / 2^s rounded to nearest, ties to even, for
// 1 <= s <= 63.
func roundShift(m uint64, s uint) uint64 {
	q := m >> s
	rem := m & (1<<s - 1)
	half := uint64(1) << (s - 1)
	if rem > half || rem == half && q&1 == 1 {
		q++
	}
	return q
}

// F16sFromFloat32s sets dst[i] to F16FromFloat32(src[i]) for every i. It
// panics with *core.Error if the lengths differ.
func F16sFromFloat32s(dst []F16, src []float32) {
	if len(dst) != len(src) {
		errs.Panic("dtype.F16sFromFloat32s", "len(dst) = %d, len(src) = %d", len(dst), len(src))
	}
	dst = dst[:len(src)]
	// F16FromFloat32 by hand, so that its common case inlines.
	for i, f := range src {
		b := math.Float32bits(f)
		if a := b & 0x7fffffff; a-0x38800000 < 0x477ff000-0x38800000 {
			dst[i] = f16Normal(b, a)
		} else {
			dst[i] = f16FromFloat32Bits(b)
		}
	}
}

// Float32sFromF16s sets dst[i] to src[i].Float32() for every i. It panics
// with *core.Error if the lengths differ.
func Float32sFromF16s(dst []float32, src []F16) {
	if len(dst) != len(src) {
		errs.Panic("dtype.Float32sFromF16s", "len(dst) = %d, len(src) = %d", len(dst), len(src))
	}
	dst = dst[:len(src)]
	// F16.Float32 by hand, so that its common case inlines.
	for i, h := range src {
		if e := h & 0x7c00; e != 0 && e != 0x7c00 {
			dst[i] = h.float32Normal()
		} else {
			dst[i] = h.float32Special()
		}
	}
}

// BF16sFromFloat32s sets dst[i] to BF16FromFloat32(src[i]) for every i. It
// panics with *core.Error if the lengths differ.
func BF16sFromFloat32s(dst []BF16, src []float32) {
	if len(dst) != len(src) {
		errs.Panic("dtype.BF16sFromFloat32s", "len(dst) = %d, len(src) = %d", len(dst), len(src))
	}
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = BF16FromFloat32(f)
	}
}

// Float32sFromBF16s sets dst[i] to src[i].Float32() for every i. It panics
// with *core.Error if the lengths differ.
func Float32sFromBF16s(dst []float32, src []BF16) {
	if len(dst) != len(src) {
		errs.Panic("dtype.Float32sFromBF16s", "len(dst) = %d, len(src) = %d", len(dst), len(src))
	}
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = h.Float32()
	}
}
