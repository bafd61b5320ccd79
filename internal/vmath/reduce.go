package vmath

// Reductions of one slice to a value: sums, maxima and minima.

// sumBlock is the block length of Sum32: small enough that eight running float32 sums of
// block/8 terms each lose little, large enough that the pairwise tree above it is cheap.
const sumBlock = 1024

// Sum32 returns the sum of x in float32: each block of sumBlock elements is added with eight
// interleaved accumulators (each a running sum of every eighth element), and the block sums
// are added pairwise. The rounding error is at most about (sumBlock/8 + log2(n/sumBlock) + 3)·
// ε·Σ|x|, ε = 2^-24, against n·ε·Σ|x| for one running sum. NaN and infinities propagate as IEEE
// addition does.
func Sum32(x []float32) float32 {
	if len(x) <= sumBlock {
		return sumBlock32(x)
	}
	h := (len(x)/sumBlock + 1) / 2 * sumBlock // split on a block boundary, halving the blocks
	return Sum32(x[:h]) + Sum32(x[h:])
}

// sumBlock32 adds up to a block of float32 with eight accumulators.
func sumBlock32(x []float32) float32 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
		s4 += v[4]
		s5 += v[5]
		s6 += v[6]
		s7 += v[7]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// Sum64 returns the sum of x in float64, with the blocking of [Sum32].
func Sum64(x []float64) float64 {
	if len(x) <= sumBlock {
		return sumBlock64(x)
	}
	h := (len(x)/sumBlock + 1) / 2 * sumBlock
	return Sum64(x[:h]) + Sum64(x[h:])
}

func sumBlock64(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Max returns the largest element of x, NaN if any is NaN, +0 over −0. x must not be empty.
//
// Four elements that cannot raise the maximum are skipped after four comparisons, a branch
// taken only O(log n) times on random data (and predicted on sorted data), instead of the
// several instructions of a NaN-propagating max per element.
func Max[T Float](x []T) T {
	m := x[0]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		if !(v[0] < m && v[1] < m && v[2] < m && v[3] < m) { // one may be >= m, or NaN
			if m = max(m, v[0], v[1], v[2], v[3]); m != m {
				return m
			}
		}
	}
	for _, v := range x[i:] {
		m = max(m, v)
	}
	return m
}

// Min returns the smallest element of x, NaN if any is NaN, −0 under +0. x must not be empty.
func Min[T Float](x []T) T {
	m := x[0]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		if !(v[0] > m && v[1] > m && v[2] > m && v[3] > m) {
			if m = min(m, v[0], v[1], v[2], v[3]); m != m {
				return m
			}
		}
	}
	for _, v := range x[i:] {
		m = min(m, v)
	}
	return m
}

// AccWiden adds x into acc element by element in float64: acc[i] += float64(x[i]). Column
// sums of float32 accumulate with it, so their error is that of float64 arithmetic plus one
// rounding to float32.
func AccWiden(acc []float64, x []float32) {
	x = x[:len(acc)]
	i := 0
	for ; i+4 <= len(acc); i += 4 {
		a, v := acc[i:i+4:i+4], x[i:i+4:i+4]
		a[0] += float64(v[0])
		a[1] += float64(v[1])
		a[2] += float64(v[2])
		a[3] += float64(v[3])
	}
	for ; i < len(acc); i++ {
		acc[i] += float64(x[i])
	}
}

// AccWiden4 adds four rows into acc in float64: acc[i] += (a[i] + b[i]) + (c[i] + d[i]), with
// one pass over acc where four calls of [AccWiden] would take four.
func AccWiden4(acc []float64, a, b, c, d []float32) {
	n := len(acc)
	a, b, c, d = a[:n], b[:n], c[:n], d[:n]
	for i := range acc {
		acc[i] += (float64(a[i]) + float64(b[i])) + (float64(c[i]) + float64(d[i]))
	}
}

// AddTo4 adds four rows into acc: acc[i] += (a[i] + b[i]) + (c[i] + d[i]).
func AddTo4[T Float](acc, a, b, c, d []T) {
	n := len(acc)
	a, b, c, d = a[:n], b[:n], c[:n], d[:n]
	for i := range acc {
		acc[i] += (a[i] + b[i]) + (c[i] + d[i])
	}
}

// Narrow sets dst[i] = float32(x[i]), rounding to nearest even.
func Narrow(dst []float32, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = float32(x[i])
	}
}
