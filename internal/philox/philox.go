package philox

import (
	"math"
	"math/bits"

	"github.com/tideml/tide/internal/errs"
)

// Philox4x32 constants from Salmon et al. (2011): the round multipliers and
// the Weyl sequence increments added to the key between rounds (the latter
// are the golden ratio and sqrt(3)-1 as 32-bit fractions).
const (
	mul0  = 0xD2511F53
	mul1  = 0xCD9E8D57
	weyl0 = 0x9E3779B9
	weyl1 = 0xBB67AE85
)

// Rounds is the number of Philox rounds that [Block] applies.
const Rounds = 10

// Block returns the Philox4x32-10 output for counter ctr under key key. It is
// a pure function and costs twenty 32x32->64-bit multiplications.
func Block(ctr [4]uint32, key [2]uint32) [4]uint32 {
	// Unrolled by hand: the compiler neither unrolls the loop in blockRounds
	// nor keeps its state in registers, and this is about twice as fast.
	c0, c1, c2, c3 := ctr[0], ctr[1], ctr[2], ctr[3]
	k0, k1 := key[0], key[1]
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	k0, k1 = k0+weyl0, k1+weyl1
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
	return [4]uint32{c0, c1, c2, c3}
}

// round is one Philox4x32 round (an S-box of two multiplications and a
// permutation) under the round key k0, k1.
func round(c0, c1, c2, c3, k0, k1 uint32) (uint32, uint32, uint32, uint32) {
	hi0, lo0 := bits.Mul32(mul0, c0)
	hi1, lo1 := bits.Mul32(mul1, c2)
	return hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
}

// blockRounds applies n Philox4x32 rounds, the round key advancing by the
// Weyl increments between rounds (not after the last one). It is the
// readable reference for Block; the known-answer tests also run it with
// n = 7 so the round structure and key schedule are checked on their own.
func blockRounds(ctr [4]uint32, key [2]uint32, n int) [4]uint32 {
	c0, c1, c2, c3 := ctr[0], ctr[1], ctr[2], ctr[3]
	k0, k1 := key[0], key[1]
	for r := 0; r < n; r++ {
		c0, c1, c2, c3 = round(c0, c1, c2, c3, k0, k1)
		k0 += weyl0
		k1 += weyl1
	}
	return [4]uint32{c0, c1, c2, c3}
}

// KeyFromSeed returns the Philox key for a 64-bit seed: its low 32 bits
// followed by its high 32 bits. Every seed gives a distinct key; the seed is
// not scrambled further because Philox is designed so that any two distinct
// keys give independent streams.
func KeyFromSeed(seed uint64) [2]uint32 {
	return [2]uint32{uint32(seed), uint32(seed >> 32)}
}

// Uint32s fills dst with words 0 to len(dst)-1 of stream stream under key
// (see the package documentation for the counter layout). It does not
// allocate; it costs one [Block] per four words.
func Uint32s(key [2]uint32, stream uint64, dst []uint32) {
	Uint32sAt(key, stream, 0, dst)
}

// Uint32sAt fills dst with words offset to offset+len(dst)-1 of stream stream
// under key, the same words that [Uint32s] would put at those indices of a
// longer slice. Calls on disjoint ranges are independent, so goroutines may
// fill parts of one tensor in parallel and get the same bits as one
// sequential call. It does not allocate. It panics with *core.Error if
// offset is negative.
func Uint32sAt(key [2]uint32, stream uint64, offset int, dst []uint32) {
	if offset < 0 {
		errs.Panic("philox.Uint32sAt", "negative offset %d", offset)
	}
	if len(dst) == 0 {
		return
	}
	s0, s1 := uint32(stream), uint32(stream>>32)
	blk := uint64(offset) / 4
	// A range that starts inside a block takes that block's tail.
	if lane := offset % 4; lane != 0 {
		out := Block([4]uint32{uint32(blk), uint32(blk >> 32), s0, s1}, key)
		n := copy(dst, out[lane:])
		dst = dst[n:]
		blk++
	}
	for len(dst) >= 4 {
		out := Block([4]uint32{uint32(blk), uint32(blk >> 32), s0, s1}, key)
		dst[0], dst[1], dst[2], dst[3] = out[0], out[1], out[2], out[3]
		dst = dst[4:]
		blk++
	}
	if len(dst) > 0 {
		out := Block([4]uint32{uint32(blk), uint32(blk >> 32), s0, s1}, key)
		copy(dst, out[:])
	}
}

// Float32 returns a number in [0, 1) from the top 23 bits of u: it fills the
// mantissa of a float32 in [1, 2) and subtracts 1, as JAX's uniform does. The
// result is a multiple of 2^-23, exact and platform independent. Zero is a
// possible result; one is not.
func Float32(u uint32) float32 {
	return math.Float32frombits(u>>9|0x3f800000) - 1
}

// Float64 returns a number in [0, 1) from the top 52 bits of the 64-bit word
// hi<<32 | lo, by the same mantissa fill as [Float32]. The result is a
// multiple of 2^-52.
func Float64(hi, lo uint32) float64 {
	u := uint64(hi)<<32 | uint64(lo)
	return math.Float64frombits(u>>12|0x3ff0000000000000) - 1
}

// Normal32 returns two independent standard normal numbers made from the
// words u1 and u2 by the Box-Muller transform, computed in float64 and
// rounded. u1 becomes a radius from the uniform (u1+1)/2^32 in (0, 1], so
// the logarithm never sees zero and the largest magnitude is about 6.66; u2
// becomes an angle 2*pi*u2/2^32. The results are identical on every platform.
func Normal32(u1, u2 uint32) (float32, float32) {
	x := (float64(u1) + 1) * 0x1p-32
	t := float64(u2) * 0x1p-32
	z0, z1 := boxMuller(x, t)
	return float32(z0), float32(z1)
}

// Normal64 returns two independent standard normal numbers made from the
// 64-bit words u1 and u2 (for instance uint64(w[0])<<32 | uint64(w[1]) from a
// block w) by the Box-Muller transform. The radius uses the top 53 bits of u1
// as a uniform in (0, 1], so the logarithm never sees zero and the largest
// magnitude is about 8.57; the angle uses the top 53 bits of u2. The results
// are identical on every platform.
func Normal64(u1, u2 uint64) (float64, float64) {
	x := float64(u1>>11+1) * 0x1p-53
	t := float64(u2>>11) * 0x1p-53
	return boxMuller(x, t)
}

// boxMuller returns r*cos(2*pi*t), r*sin(2*pi*t) with r = sqrt(-2 ln x), for
// x in (0, 1] and t in [0, 1).
func boxMuller(x, t float64) (float64, float64) {
	// Sqrt is correctly rounded everywhere. Writing 0 - 2*ln x rather than
	// -2*ln x makes the radius +0, not -0, at x = 1.
	r := math.Sqrt(0 - 2*logUnit(x))
	s, c := sincos2Pi(t)
	return float64(r * c), float64(r * s)
}
