package nn

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"

	farm "github.com/dgryski/go-farm"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Categorical preprocessing layers that live in the model: CategoryEncoding, Hashing and
// Discretization. Their outputs are integer indices (output_mode "int", int64) or encodings of
// the layer's float dtype ("one_hot", "multi_hot", "count"). Nothing here is differentiable.

// Interface checks.
var (
	_ Layer = (*CategoryEncodingLayer)(nil)
	_ Layer = (*HashingLayer)(nil)
	_ Layer = (*DiscretizationLayer)(nil)
)

// checkMode panics unless mode is one of the allowed output modes.
func checkMode(b *Base, mode string, allowed ...string) {
	if !slices.Contains(allowed, mode) {
		panic(b.errorf("output_mode must be one of %v, got %q", allowed, mode))
	}
}

// encodeCategorical encodes int64 indices in [0, depth) as Keras's encode_categorical_inputs:
// one_hot adds an axis of depth (replacing a last axis of size 1 when the rank is at least 2),
// multi_hot and count reduce the last axis (a scalar is one sample), weighted by weights in
// count mode if given. Indices outside [0, depth) encode to nothing.
func encodeCategorical(b *Base, idx *tensor.Tensor, mode string, depth int, weights *tensor.Tensor) *tensor.Tensor {
	if mode == "int" {
		return idx
	}
	if !b.dt.IsFloat() {
		panic(b.errorf("output_mode %q needs a floating-point dtype, has %v", mode, b.dt))
	}
	if idx.Rank() == 0 {
		idx = ops.Unsqueeze(idx, 0)
		if weights != nil {
			weights = ops.Unsqueeze(weights, 0)
		}
	}
	// ONNX's one_hot counts negative indices from the end: send every index out of range to depth.
	bad := ops.LogicalOr(ops.Less(idx, ops.ZerosLike(idx)), ops.GreaterEqual(idx, ops.FullLike(idx, float64(depth))))
	idx = ops.Where(bad, ops.FullLike(idx, float64(depth)), idx)
	if mode == "one_hot" {
		if idx.Rank() >= 2 && idx.Dim(-1) == 1 {
			idx = ops.Squeeze(idx, -1)
		}
		return ops.OneHot(idx, depth, b.dt)
	}
	oh := ops.OneHot(idx, depth, b.dt) // [..., n, depth]
	if mode == "multi_hot" {
		return ops.Max(oh, -2)
	}
	if weights != nil {
		oh = ops.Mul(oh, ops.Unsqueeze(b.cast(weights), -1))
	}
	return ops.Sum(oh, -2)
}

// CategoryEncodingLayer is Keras's CategoryEncoding.
type CategoryEncodingLayer struct {
	Base
	numTokens int
	mode      string
}

// CategoryEncoding returns Keras's CategoryEncoding layer: integer ids in [0, numTokens) encoded
// with WithOutputMode "multi_hot" (the default: 1 for each id present along the last axis),
// "count" (how many times; Call takes optional count weights of the ids' shape as a second
// input) or "one_hot" (a new last axis, or in place of a last axis of size 1). Keras limits the
// inputs to rank 2; here multi_hot and count reduce the last axis of any rank. Ids outside the
// range encode to zeros. The output has the layer's dtype (float32 by default). It panics with a
// *core.Error if numTokens is below 1 or the mode is unknown.
func CategoryEncoding(numTokens int, opts ...Option) *CategoryEncodingLayer {
	o := parse("CategoryEncoding", opts, "output_mode")
	l := &CategoryEncodingLayer{numTokens: numTokens, mode: rnnGet(o, "output_mode", "multi_hot")}
	l.initBase("CategoryEncoding", "category_encoding", o)
	if l.mode == "binary" { // Keras's deprecated name
		l.mode = "multi_hot"
	}
	checkMode(&l.Base, l.mode, "one_hot", "multi_hot", "count")
	if numTokens < 1 {
		panic(l.errorf("num_tokens must be >= 1, got %d", numTokens))
	}
	return l
}

// Call encodes inputs[0] (integer ids; floats are truncated) with the count weights inputs[1]
// in count mode.
func (l *CategoryEncodingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) != 1 && len(inputs) != 2 {
		panic(l.errorf("takes ids and optional count weights, got %d inputs", len(inputs)))
	}
	var w *tensor.Tensor
	if len(inputs) == 2 {
		if l.mode != "count" {
			panic(l.errorf("count weights need output_mode count, have %q", l.mode))
		}
		w = inputs[1]
	}
	return l.Finish(encodeCategorical(&l.Base, ops.Cast(inputs[0], dtype.Int64), l.mode, l.numTokens, w))
}

// Config returns num_tokens, output_mode and sparse.
func (l *CategoryEncodingLayer) Config() map[string]any {
	c := l.baseConfig()
	c["num_tokens"], c["output_mode"], c["sparse"] = l.numTokens, l.mode, false
	return c
}

// HashingLayer is Keras's Hashing.
type HashingLayer struct {
	Base
	numBins  int
	mode     string
	strMask  *string
	intMask  *int64
	hashBins int
	salt     *[2]uint64
}

// Hashing returns Keras's Hashing layer: values hashed into numBins bins with FarmHash's
// Fingerprint64 of their string form modulo the bins, as Keras's (TensorFlow's
// to_hash_bucket_fast): Call hashes integer tensors (floats are converted to int64 first, as
// Keras) by the decimal string of each value, computed with integer ops so that it also runs
// compiled; [HashingLayer.Indices] hashes strings in Go, since Tide has no string dtype, and
// [HashingLayer.Encode] applies the output mode to such bins in the model. With WithMaskValue
// (strings) or WithIntMaskValue (integers) the mask value goes to bin 0 and the others to
// 1 + hash mod (numBins − 1). WithSalt(k0, k1) hashes with SipHash-2-4 keyed by the salt
// instead, as Keras's salt (TensorFlow's to_hash_bucket_strong). WithOutputMode: "int" (int64
// bins, the default), "one_hot", "multi_hot" or "count" (in the layer's float dtype).
// It panics with a *core.Error if numBins is not positive or the mode is unknown.
func Hashing(numBins int, opts ...Option) *HashingLayer {
	o := parse("Hashing", opts, "output_mode", "mask_value", "int_mask_value", "salt")
	l := &HashingLayer{numBins: numBins, mode: rnnGet(o, "output_mode", "int")}
	l.initBase("Hashing", "hashing", o)
	checkMode(&l.Base, l.mode, "int", "one_hot", "multi_hot", "count")
	if numBins <= 0 {
		panic(l.errorf("num_bins must be positive, got %d", numBins))
	}
	if v, ok := o.inits[rnnExtPrefix+"mask_value"].(rnnExt); ok {
		s := v.v.(string)
		l.strMask = &s
	}
	if v, ok := o.inits[rnnExtPrefix+"int_mask_value"].(rnnExt); ok {
		i := v.v.(int64)
		l.intMask = &i
	}
	if v, ok := o.inits[rnnExtPrefix+"salt"].(rnnExt); ok {
		k := v.v.([2]uint64)
		l.salt = &k
	}
	if l.strMask != nil && l.intMask != nil {
		panic(l.errorf("takes a string or an integer mask value, not both"))
	}
	l.hashBins = numBins
	if (l.strMask != nil || l.intMask != nil) && numBins > 1 {
		l.hashBins--
	}
	return l
}

// Indices returns the int64 bins of strings (Keras's int output for string inputs) with the
// given dimensions (default: one dimension of len(values)). It panics with a *core.Error if the
// dimensions do not hold len(values) elements.
func (l *HashingLayer) Indices(values []string, dims ...int) *tensor.Tensor {
	if dims == nil {
		dims = []int{len(values)}
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	if n != len(values) {
		panic(l.errorf("dimensions %v do not hold %d values", dims, len(values)))
	}
	out := make([]int64, len(values))
	for i, v := range values {
		if l.strMask != nil && v == *l.strMask {
			continue
		}
		h := farm.Fingerprint64([]byte(v))
		if l.salt != nil {
			h = sipHash24(l.salt[0], l.salt[1], []byte(v))
		}
		out[i] = int64(h % uint64(l.hashBins))
		if l.hashBins != l.numBins {
			out[i]++
		}
	}
	return tensor.FromSlice(out, dims...)
}

// Encode applies the output mode to bins from Indices (the identity in int mode).
func (l *HashingLayer) Encode(bins *tensor.Tensor) *tensor.Tensor {
	return encodeCategorical(&l.Base, ops.Cast(bins, dtype.Int64), l.mode, l.numBins, nil)
}

// Call hashes an integer (or float, truncated) tensor and encodes the bins.
func (l *HashingLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if x.DType() == dtype.Bool || !x.DType().IsInt() && !x.DType().IsFloat() {
		panic(l.errorf("hashes integer or float inputs, got %v (hash strings with Indices)", x.DType()))
	}
	v := ops.Cast(x, dtype.Int64)
	var h *tensor.Tensor
	if l.salt != nil {
		h = sipHashDecimal(v, l.salt[0], l.salt[1])
	} else {
		h = fingerprintDecimal(v)
	}
	bins := hashBucket(h, l.hashBins)
	if l.hashBins != l.numBins {
		bins = ops.AddScalar(bins, 1)
		if l.intMask != nil {
			// Keras compares the values as given: a float is masked only if it equals the value.
			masked := ops.Equal(v, tensor.Scalar(*l.intMask)) // exact for every int64
			if x.DType().IsFloat() {
				masked = ops.Equal(x, ops.FullLike(x, float64(*l.intMask)))
			}
			bins = ops.Where(masked, ops.ZerosLike(bins), bins)
		}
	}
	return l.Finish(encodeCategorical(&l.Base, bins, l.mode, l.numBins, nil))
}

// Config returns num_bins, mask_value, salt, output_mode and sparse.
func (l *HashingLayer) Config() map[string]any {
	c := l.baseConfig()
	var mask any
	if l.strMask != nil {
		mask = *l.strMask
	} else if l.intMask != nil {
		mask = *l.intMask
	}
	var salt any
	if l.salt != nil {
		salt = []uint64{l.salt[0], l.salt[1]}
	}
	c["num_bins"], c["mask_value"], c["salt"] = l.numBins, mask, salt
	c["output_mode"], c["sparse"] = l.mode, false
	return c
}

// FarmHash's constants.
const (
	farmK0 uint64 = 0xc3a5c85c97cb3127
	farmK1 uint64 = 0xb492b66fbe98f273
	farmK2 uint64 = 0x9ae16a3b2f90404f
)

// u64 returns the int64 scalar with the bits of v: uint64 arithmetic is done on int64 tensors,
// whose addition and multiplication wrap to the same bits.
func u64(v uint64) *tensor.Tensor { return tensor.Scalar(int64(v)) }

// shr is the logical right shift of int64 bits by r (1 <= r <= 63).
func shr(x *tensor.Tensor, r int) *tensor.Tensor {
	return ops.BitwiseAnd(ops.BitwiseRightShift(x, u64(uint64(r))), u64(1<<(64-r)-1))
}

// rotr rotates the 64 bits of x right by r.
func rotr(x *tensor.Tensor, r int) *tensor.Tensor {
	return ops.BitwiseOr(shr(x, r), ops.BitwiseLeftShift(x, u64(uint64(64-r))))
}

func shiftMix(x *tensor.Tensor) *tensor.Tensor { return ops.BitwiseXor(x, shr(x, 47)) }

func hashLen16Mul(u, v, mul *tensor.Tensor) *tensor.Tensor {
	a := shiftMix(ops.Mul(ops.BitwiseXor(u, v), mul))
	b := shiftMix(ops.Mul(ops.BitwiseXor(v, a), mul))
	return ops.Mul(b, mul)
}

// decimalBytes returns the bytes of the decimal strings of int64 values v, [..., 24] (zeros
// after the end), and their lengths (1 to 20).
func decimalBytes(v *tensor.Tensor) (bytes, length *tensor.Tensor) {
	const digits = 19 // int64 has at most 19 digits
	pow := make([]int64, digits)
	pow[0] = 1
	for k := 1; k < digits; k++ {
		pow[k] = pow[k-1] * 10
	}
	q := ops.Div(ops.Unsqueeze(v, -1), tensor.FromSlice(pow, digits)) // truncated toward zero
	d := ops.Abs(ops.Sub(q, ops.Mul(ops.Div(q, u64(10)), u64(10))))   // digit k, least significant first
	hi := ops.SliceAxis(q, -1, 1, digits, 1)
	nd := ops.AddScalar(ops.Sum(ops.Cast(ops.NotEqual(hi, ops.ZerosLike(hi)), dtype.Int64), -1), 1)
	neg := ops.Cast(ops.Less(v, ops.ZerosLike(v)), dtype.Int64)
	length = ops.Add(nd, neg)
	pos := make([]int64, 24)
	for p := range pos {
		pos[p] = int64(p)
	}
	p := tensor.FromSlice(pos, 24)
	k := ops.Sub(ops.AddScalar(ops.Unsqueeze(length, -1), -1), p) // the digit at position p
	digit := ops.TakeAlongAxis(d, ops.ClipScalar(k, 0, digits-1), -1)
	b := ops.AddScalar(digit, '0')
	b = ops.Where(ops.Less(p, ops.Unsqueeze(length, -1)), b, ops.ZerosLike(b))
	sign := ops.LogicalAnd(ops.Equal(p, ops.ZerosLike(p)), ops.Unsqueeze(ops.Less(v, ops.ZerosLike(v)), -1))
	return ops.Where(sign, ops.FullLike(b, '-'), b), length
}

// fetch returns the little-endian word of n bytes at offset off (clamped into the buffer).
func fetch(b, off *tensor.Tensor, n int) *tensor.Tensor {
	j := make([]int64, n)
	sh := make([]int64, n)
	for i := range j {
		j[i], sh[i] = int64(i), int64(8*i)
	}
	idx := ops.ClipScalar(ops.Add(ops.Unsqueeze(off, -1), tensor.FromSlice(j, n)), 0, float64(b.Dim(-1)-1))
	return ops.Sum(ops.BitwiseLeftShift(ops.TakeAlongAxis(b, idx, -1), tensor.FromSlice(sh, n)), -1)
}

// fingerprintDecimal returns FarmHash's Fingerprint64 (farmhashna's Hash64) of the decimal
// string of each int64 value, as int64 bits. Decimal strings have 1 to 20 bytes, so the four
// short-string branches of the hash are computed and the one for each length selected.
func fingerprintDecimal(v *tensor.Tensor) *tensor.Tensor {
	b, n := decimalBytes(v)
	at := func(off *tensor.Tensor, k int) *tensor.Tensor { return fetch(b, off, k) }
	zero := ops.ZerosLike(n)
	off := func(d int) *tensor.Tensor { return ops.AddScalar(n, float64(-d)) }
	mul := ops.Add(u64(farmK2), ops.MulScalar(n, 2))
	// 1 to 3 bytes.
	y := ops.Add(at(zero, 1), ops.BitwiseLeftShift(at(shr(n, 1), 1), u64(8)))
	z := ops.Add(n, ops.BitwiseLeftShift(at(off(1), 1), u64(2)))
	h3 := ops.Mul(shiftMix(ops.BitwiseXor(ops.Mul(y, u64(farmK2)), ops.Mul(z, u64(farmK0)))), u64(farmK2))
	// 4 to 7 bytes.
	h7 := hashLen16Mul(ops.Add(n, ops.BitwiseLeftShift(at(zero, 4), u64(3))), at(off(4), 4), mul)
	// 8 to 16 bytes.
	a := ops.Add(at(zero, 8), u64(farmK2))
	bb := at(off(8), 8)
	c := ops.Add(ops.Mul(rotr(bb, 37), mul), a)
	d := ops.Mul(ops.Add(rotr(a, 25), bb), mul)
	h16 := hashLen16Mul(c, d, mul)
	// 17 to 32 bytes.
	a = ops.Mul(at(zero, 8), u64(farmK1))
	bb = at(ops.AddScalar(zero, 8), 8)
	c = ops.Mul(at(off(8), 8), mul)
	d = ops.Mul(at(off(16), 8), u64(farmK2))
	u := ops.Add(ops.Add(rotr(ops.Add(a, bb), 43), rotr(c, 30)), d)
	w := ops.Add(ops.Add(a, rotr(ops.Add(bb, u64(farmK2)), 18)), c)
	h32 := hashLen16Mul(u, w, mul)
	ge := func(k int) *tensor.Tensor { return ops.GreaterEqual(n, ops.FullLike(n, float64(k))) }
	return ops.Where(ge(17), h32, ops.Where(ge(8), h16, ops.Where(ge(4), h7, h3)))
}

// sipHash24 is SipHash-2-4 of s keyed by (k0, k1), the reference for sipHashDecimal.
func sipHash24(k0, k1 uint64, s []byte) uint64 {
	v := [4]uint64{k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573}
	rounds := func(n int) {
		for range n {
			v[0] += v[1]
			v[1] = bits.RotateLeft64(v[1], 13) ^ v[0]
			v[0] = bits.RotateLeft64(v[0], 32)
			v[2] += v[3]
			v[3] = bits.RotateLeft64(v[3], 16) ^ v[2]
			v[0] += v[3]
			v[3] = bits.RotateLeft64(v[3], 21) ^ v[0]
			v[2] += v[1]
			v[1] = bits.RotateLeft64(v[1], 17) ^ v[2]
			v[2] = bits.RotateLeft64(v[2], 32)
		}
	}
	block := func(m uint64) {
		v[3] ^= m
		rounds(2)
		v[0] ^= m
	}
	n := len(s) / 8 * 8
	for i := 0; i < n; i += 8 {
		block(binary.LittleEndian.Uint64(s[i:]))
	}
	last := uint64(len(s)) << 56
	for i, c := range s[n:] {
		last |= uint64(c) << (8 * i)
	}
	block(last)
	v[2] ^= 0xff
	rounds(4)
	return v[0] ^ v[1] ^ v[2] ^ v[3]
}

// sipHashDecimal returns sipHash24 of the decimal string of each int64 value, as int64 bits:
// the two possible full blocks of a string of 1 to 20 bytes are applied where the string has
// them, then the last block (the remaining bytes and the length).
func sipHashDecimal(x *tensor.Tensor, k0, k1 uint64) *tensor.Tensor {
	b, n := decimalBytes(x)
	full := ops.ZerosLike(x)
	v := [4]*tensor.Tensor{
		ops.Add(full, u64(k0^0x736f6d6570736575)), ops.Add(full, u64(k1^0x646f72616e646f6d)),
		ops.Add(full, u64(k0^0x6c7967656e657261)), ops.Add(full, u64(k1^0x7465646279746573)),
	}
	rotl := func(x *tensor.Tensor, r int) *tensor.Tensor { return rotr(x, 64-r) }
	rounds := func(v [4]*tensor.Tensor, k int) [4]*tensor.Tensor {
		for range k {
			v[0] = ops.Add(v[0], v[1])
			v[1] = ops.BitwiseXor(rotl(v[1], 13), v[0])
			v[0] = rotl(v[0], 32)
			v[2] = ops.Add(v[2], v[3])
			v[3] = ops.BitwiseXor(rotl(v[3], 16), v[2])
			v[0] = ops.Add(v[0], v[3])
			v[3] = ops.BitwiseXor(rotl(v[3], 21), v[0])
			v[2] = ops.Add(v[2], v[1])
			v[1] = ops.BitwiseXor(rotl(v[1], 17), v[2])
			v[2] = rotl(v[2], 32)
		}
		return v
	}
	block := func(v [4]*tensor.Tensor, m *tensor.Tensor) [4]*tensor.Tensor {
		v[3] = ops.BitwiseXor(v[3], m)
		v = rounds(v, 2)
		v[0] = ops.BitwiseXor(v[0], m)
		return v
	}
	nb := shr(n, 3) // full blocks: 0, 1 or 2
	for i := range 2 {
		next := block(v, fetch(b, ops.AddScalar(full, float64(8*i)), 8))
		has := ops.Greater(nb, ops.FullLike(nb, float64(i)))
		for j := range v {
			v[j] = ops.Where(has, next[j], v[j])
		}
	}
	// The bytes after the full blocks are followed by zeros in b.
	last := ops.BitwiseOr(fetch(b, ops.MulScalar(nb, 8), 8), ops.BitwiseLeftShift(n, u64(56)))
	v = block(v, last)
	v[2] = ops.BitwiseXor(v[2], u64(0xff))
	v = rounds(v, 4)
	return ops.BitwiseXor(ops.BitwiseXor(v[0], v[1]), ops.BitwiseXor(v[2], v[3]))
}

// hashBucket returns the unsigned value of the int64 bits h modulo bins: ((h >> 1) mod bins · 2
// + the low bit) mod bins, which needs no unsigned type.
func hashBucket(h *tensor.Tensor, bins int) *tensor.Tensor {
	m := u64(uint64(bins))
	half := ops.Mod(shr(h, 1), m)
	return ops.Mod(ops.Add(ops.MulScalar(half, 2), ops.BitwiseAnd(h, u64(1))), m)
}

// DiscretizationLayer is Keras's Discretization.
type DiscretizationLayer struct {
	Base
	bounds  []float64
	numBins int
	epsilon float64
	mode    string
	summary [2][]float32
}

// Discretization returns Keras's Discretization layer: each value is replaced by the index of
// its bin, the number of boundaries at or below it (bins (-inf, b0), [b0, b1), ...,
// [bn-1, inf), as numpy.digitize), as int64 with output_mode "int" (the default) or encoded
// ("one_hot", "multi_hot", "count") over the bins in the layer's float dtype. The boundaries
// are given with WithBinBoundaries or learned by [DiscretizationLayer.Adapt] for
// WithNumBins(n), with Keras's approximate quantiles of relative error WithEpsilon (default
// 0.01). It panics with a *core.Error if both or, for an encoding, neither is given, if the
// boundaries are not sorted or num_bins is negative.
func Discretization(opts ...Option) *DiscretizationLayer {
	o := parse("Discretization", opts, "bin_boundaries", "num_bins", "epsilon", "output_mode")
	l := &DiscretizationLayer{bounds: rnnGet[[]float64](o, "bin_boundaries", nil), numBins: rnnGet(o, "num_bins", -1),
		epsilon: orDefault(o.epsilon, 0.01), mode: rnnGet(o, "output_mode", "int")}
	l.initBase("Discretization", "discretization", o)
	checkMode(&l.Base, l.mode, "int", "one_hot", "multi_hot", "count")
	if l.bounds != nil && l.numBins >= 0 {
		panic(l.errorf("takes bin_boundaries or num_bins, not both"))
	}
	if l.bounds == nil && l.numBins < 0 {
		if _, set := o.inits[rnnExtPrefix+"num_bins"]; set {
			panic(l.errorf("num_bins must be >= 0, got %d", l.numBins))
		}
	}
	if !slices.IsSorted(l.bounds) {
		panic(l.errorf("bin_boundaries must be sorted, got %v", l.bounds))
	}
	if !(l.epsilon > 0 && l.epsilon <= 1) {
		panic(l.errorf("epsilon must be in (0, 1], got %v", l.epsilon))
	}
	return l
}

// BinBoundaries returns the boundaries (nil before Adapt with WithNumBins).
func (l *DiscretizationLayer) BinBoundaries() []float64 { return slices.Clone(l.bounds) }

// depth returns the number of bins.
func (l *DiscretizationLayer) depth() int {
	if l.bounds != nil {
		return len(l.bounds) + 1
	}
	return l.numBins
}

// Call bins its one input.
func (l *DiscretizationLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if l.bounds == nil {
		panic(l.errorf("has no bin boundaries: call Adapt first (or give WithBinBoundaries)"))
	}
	if x.DType() == dtype.Bool {
		panic(l.errorf("needs numeric inputs, got %v", x.DType()))
	}
	if !x.DType().IsFloat() {
		x = ops.Cast(x, dtype.Float64)
	}
	var idx *tensor.Tensor
	if len(l.bounds) == 0 {
		idx = ops.Cast(ops.ZerosLike(x), dtype.Int64)
	} else {
		b := ops.Cast(tensor.FromSlice(l.bounds, len(l.bounds)), x.DType())
		idx = ops.Sum(ops.Cast(ops.GreaterEqual(ops.Unsqueeze(x, -1), b), dtype.Int64), -1)
	}
	return l.Finish(encodeCategorical(&l.Base, idx, l.mode, l.depth(), nil))
}

// Adapt learns num_bins − 1 boundaries from the values of data (batches of any shape), with
// Keras's algorithm in float32: each batch is summarised by every (epsilon·n)-th sorted value,
// summaries are merged and compressed to 1/epsilon points by linear interpolation of their
// cumulative weights, and the boundaries are the summary compressed to num_bins quantiles. It
// returns an error for a layer given WithBinBoundaries, or no data.
func (l *DiscretizationLayer) Adapt(data ...*tensor.Tensor) (err error) {
	defer core.Recover(&err)
	if l.numBins < 0 {
		return fmt.Errorf("nn: layer %q has no num_bins; give WithNumBins (not bin_boundaries) to adapt it", l.name)
	}
	if len(data) == 0 {
		return fmt.Errorf("nn: layer %q: Adapt needs data", l.name)
	}
	sum := [2][]float32{}
	for _, x := range data {
		vals := tensor.ToSlice[float32](ops.Cast(x.Detach(), dtype.Float32))
		sum = discMerge(discSummarize(vals, l.epsilon), sum, l.epsilon)
	}
	l.summary = sum
	if l.numBins == 0 {
		l.bounds = []float64{}
		return nil
	}
	c := discCompress(sum, 1/float64(l.numBins))
	bounds := make([]float64, 0, len(c[0]))
	for _, v := range c[0][:max(len(c[0])-1, 0)] {
		bounds = append(bounds, float64(v))
	}
	l.bounds = bounds
	return nil
}

// discSummarize returns the values at the quantile steps of the sorted values and their weights.
func discSummarize(vals []float32, eps float64) [2][]float32 {
	v := slices.Clone(vals)
	slices.Sort(v)
	inc := float64(len(v)) / (1 / eps)
	step := math.Max(inc, 1)
	var s [2][]float32
	for i := int(inc); i < len(v); i += int(step) {
		s[0] = append(s[0], v[i])
		s[1] = append(s[1], float32(step))
	}
	return s
}

// discMerge joins two summaries sorted by value and compresses them.
func discMerge(a, b [2][]float32, eps float64) [2][]float32 {
	n := len(a[0]) + len(b[0])
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	at := func(i int) (float32, float32) {
		if i < len(a[0]) {
			return a[0][i], a[1][i]
		}
		return b[0][i-len(a[0])], b[1][i-len(a[0])]
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		vi, _ := at(i)
		vj, _ := at(j)
		switch {
		case vi < vj:
			return -1
		case vi > vj:
			return 1
		}
		return 0
	})
	var m [2][]float32
	for _, i := range idx {
		v, w := at(i)
		m[0], m[1] = append(m[0], v), append(m[1], w)
	}
	return discCompress(m, eps)
}

// discCompress reduces a summary to about 1/eps points: the values and cumulative weights
// interpolated at the cumulative fractions eps, 2·eps, ... (numpy.arange's count, ⌈1/eps⌉).
func discCompress(s [2][]float32, eps float64) [2][]float32 {
	if float64(len(s[0]))*eps < 1 {
		return s
	}
	n := int(math.Ceil(1 / eps))
	cum := make([]float32, len(s[1]))
	var acc float32
	for i, w := range s[1] {
		acc += w
		cum[i] = acc
	}
	frac := make([]float64, len(cum))
	xv := make([]float64, len(cum))
	cw := make([]float64, len(cum))
	for i := range cum {
		frac[i] = float64(cum[i] / cum[len(cum)-1])
		xv[i], cw[i] = float64(s[0][i]), float64(cum[i])
	}
	var out [2][]float32
	prev := 0.0
	for i := range n {
		p := eps + float64(i)*eps
		cwp := discInterp(p, frac, cw)
		out[0] = append(out[0], float32(discInterp(p, frac, xv)))
		out[1] = append(out[1], float32(cwp-prev))
		prev = cwp
	}
	return out
}

// discInterp is numpy.interp of one point: linear between the neighbouring xp, the end values
// outside.
func discInterp(x float64, xp, fp []float64) float64 {
	last := len(xp) - 1
	switch {
	case x < xp[0]:
		return fp[0]
	case x >= xp[last]:
		return fp[last]
	}
	j, _ := slices.BinarySearch(xp, x)
	if j < len(xp) && xp[j] == x {
		return fp[j]
	}
	j-- // xp[j] < x < xp[j+1]
	slope := (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])
	return slope*(x-xp[j]) + fp[j]
}

// Config returns bin_boundaries, num_bins, epsilon, output_mode and sparse.
func (l *DiscretizationLayer) Config() map[string]any {
	c := l.baseConfig()
	var bounds, bins any
	if l.bounds != nil {
		bounds = l.bounds
	}
	if l.numBins >= 0 {
		bins = l.numBins
	}
	c["bin_boundaries"], c["num_bins"], c["epsilon"] = bounds, bins, l.epsilon
	c["output_mode"], c["sparse"] = l.mode, false
	return c
}
