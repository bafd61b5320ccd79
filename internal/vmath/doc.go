// Package vmath holds Tide's vectorisable math loops: elementwise arithmetic, comparisons and
// selection, transcendental functions, reductions and the row loops of softmax, over float32
// and float64 slices. Package kernels/cpu builds the fast elementwise, reduction and softmax
// kernels on them.
//
// # Loops
//
// Every function works on whole slices and runs without per-element calls (except where a doc
// comment says it calls package math), conversions of whole slices, or allocation. The bodies
// are straight-line code made of small helpers the compiler inlines, which an out-of-order core
// overlaps across elements, and each function is a leaf that an assembly kernel (in
// internal/asm, after a CPU-feature check) can replace one at a time. Names carry the operand
// kinds: VV takes two slices, VS a slice and a scalar, SV a scalar and a slice (for operations
// that do not commute). The destination comes first and its length is the loop's; sources must
// be at least as long. A destination may be one of the sources (each element is read before it
// is written) but must not overlap one partially.
//
// Two traps of the Go compiler shape the code. Float registers have no conditional move, so
// selections choose between the bits of both candidates in integer registers; and a float
// conversion writing a register other than the one it reads also waits for that register's old
// value, which the register allocator can make a dependency from one iteration to the next
// (a 5x slowdown of Tanh32): the loops never use a float32 input after widening it.
//
// # Accuracy
//
// Arithmetic (+, −, ×, ÷, sqrt, min, max) is IEEE: correctly rounded, NaN propagating through
// min and max, +0 above −0. The float32 transcendental functions written in Go are table,
// polynomial or rational approximations evaluated in float64 and rounded once to float32
// (scalar float64 arithmetic costs what float32 does), so they are correctly rounded but for
// near-ties: the tests sweep every 61st float32 over each function's domain against float64
// math and find at most 0.501 ulp for Exp32, 0.500 for Log32, 0.504 for Tanh32, 0.500 for
// Sigmoid32, 0.532 for Erf32, 0.501 for Softplus32, and 0.500 for the powers on a grid.
//
// Where the CPU has AVX-512F, or AVX2 and FMA (amd64 builds without -tags noasm), [Exp32],
// [Log32], [Tanh32], [Sigmoid32], [Erf32], [ExpSub32] and [SumExpSub32] instead run the vector
// kernels of internal/asm/f32 (see [SIMD32]), 4-10 times faster; so do [Sqrt32] and the
// float32 [Relu] and [ReluGradVV], with the same results bit for bit. The exponential, logarithm
// and tanh evaluate in float32 lanes and are a little less accurate: over every 13th float32
// of the same domains (some 165 million inputs each) they are at most 1.244 ulp from float64
// math for the exponential, 0.804 for the logarithm and 1.345 for tanh (the tests allow 1.3,
// 0.85 and 1.4). The sigmoid and erf evaluate in float64 lanes, like their Go loops, and stay
// within 0.500 and 0.532 ulp. The kernels treat special values as described next: subnormal
// results of the exponential (and sigmoid) are rounded once, not flushed, and subnormal inputs
// of the logarithm are normalised first. A kernel call (one chunk of a parallel operation) that
// touches at least 96 MiB, sources and destination together, writes its destination with
// streaming stores, which skip reading each line before writing it but leave the result out of
// the cache: measured on the development machine, below that size the next operation finds the
// result in the cache and ordinary stores are faster overall, above it they are slower (see
// internal/asm/f32).
//
// Exp64 and Log64 are within an ulp (FreeBSD's algorithms, as package math); the other float64
// functions call package math. Subnormal inputs and results are handled (never flushed to
// zero), NaN propagates, and ±Inf and −0 give the limits IEEE math gives.
//
// [Sum32] adds in float32 with eight interleaved accumulators over blocks of 1024 elements,
// whose sums are then added pairwise: the error is at most about (128 + log2(n/1024) + 3)·ε·Σ|x|
// (ε = 2^-24) rather than n·ε·Σ|x| for a running sum. Column sums use [AccWiden], in float64.
package vmath
