// Package f32 holds the SIMD kernels for float32 slices that
// [github.com/tideml/tide/internal/gemm] drives: GEMM micro-kernels, the
// packing routines that feed them, and two level-1 routines for
// matrix-vector products; and the transcendental functions that
// [github.com/tideml/tide/internal/vmath] runs.
//
// # Micro-kernels
//
// A micro-kernel multiplies a packed panel of A (k steps of MR elements) by a
// packed panel of B (k steps of NR elements) and stores the MR×NR product
// into C, or adds it to C. The panels are k-major: element (i, p) of the A
// panel is a[p*MR+i] and element (p, j) of the B panel is b[p*NR+j], so each
// step reads MR contiguous elements of A and NR of B. The whole C tile lives
// in vector registers: [GemmAVX512] is 14×32, with 28 of the 32 zmm
// registers as accumulators, two for B and two for broadcast elements of A;
// [GemmAVX2] is 6×16 with 12 of the 16 ymm registers. [GemmAVX512Edge] is the
// same kernel for tiles cut by the edge of C: fewer rows, and columns under
// a mask.
//
// # Packing and vectors
//
// [PackTAVX512] and [PackNAVX512] build the panels from a block of a
// row-major matrix, across or along its rows, scaling by alpha and padding
// with zeros; the transposing one works on 16×16 blocks in registers.
// [AxpyAVX512] and [DotAVX512] are y += alpha*x and x·y.
//
// # Transcendental functions
//
// [ExpAVX512], [LogAVX512], [TanhAVX512], [SigmoidAVX512] and [ErfAVX512]
// (16 lanes, the tail under a mask register), and their AVX2 twins (8
// lanes, the tail under VMASKMOVPS), compute dst[i] = f(x[i]). Exp, log and
// tanh evaluate in float32 lanes with the Cephes reductions and
// polynomials: e^x as 2^n·e^r, |r| <= ln2/2, with a degree-6 polynomial and
// 2^n applied with a single rounding (VSCALEFPS, or two exact powers of two
// with AVX2), so that subnormal results round once; ln x from the exponent
// and a degree-10 polynomial in f = m−1, m in [√½, √2), subnormal inputs
// scaled by 2^23 first; tanh x as x + x³·P(x²) below |x| = 0.625 and
// ±(1 − 2/(e^(2|x|)+1)) above. The sigmoid and erf convert to float64
// lanes and round once at the end: e/(1+e) with e = e^-|x| (numerator 1
// for x >= 0) and a degree-9 polynomial for e^r, and the rational function
// x·P(x²)/Q(x²) of internal/vmath's Erf32.
//
// Against float64 math over every 13th float32 (by bit pattern) of their
// domains, some 165 million inputs each, the largest errors are 1.244 ulp
// for exp (on [-104, 89]), 0.804 ulp for log (on (0, MaxFloat32]), 1.345
// ulp for tanh (on [-10, 10]), 0.500 ulp for the sigmoid (correctly rounded
// but for near-ties; on [-104, 20]) and 0.532 ulp for erf (on [-4, 4]);
// both instruction sets give the same results, and the tests hold them to
// 1.3, 0.85, 1.4, 0.51 and 0.54 ulp. Special values: NaN gives NaN. Exp is 0 below about −103.97
// (results from −87.34 down are subnormal, rounded once) and +Inf above
// 88.72 and at +Inf. Log is −Inf at ±0, NaN below 0 and +Inf at +Inf;
// subnormal inputs are within the stated error. Tanh is ±1 from |x| = 9.01
// on and keeps the sign of ±0. The sigmoid is 0 at −Inf, 1 at +Inf, and
// subnormal (not 0) down to −103.97. Erf is ±1 from |x| = 3.92 on.
//
// # Arithmetic and optimizer steps
//
// The arith set ([AddVVAVX512] ... [MinVSAVX2]) computes dst = x op y for
// add, sub, mul, div, max and min with two slices (VV), a slice and a scalar
// (VS) or a scalar and a slice (SV), four vectors per iteration and the tail
// under a mask, giving exactly the bits of the Go loops of
// internal/vmath — no fused multiply-add, operands in Go's order, and max and
// min built as the Go compiler builds them (two MAXPS/MINPS and a bitwise
// merge), so NaN payloads and the order of ±0 match. The optim set runs the
// fused Adam update one instruction per Go operation, in the same order.
//
// # Streaming stores and prefetching
//
// The math, arith, rectifier and square-root kernels write dst with
// non-temporal stores (VMOVNTPS) when a call touches at least 96 MiB (4
// bytes per element of each slice; see streamMinBytes for the measurements):
// an ordinary store to a line that is not cached reads it first, which a
// streaming store does not, but leaves the line out of the cache, where a
// following operation on a smaller slice would find it. A streaming call
// stores a head under a mask (or, for the rectifier and square root, one
// ordinary vector) up to a vector-aligned address, streams the rest and
// fences (SFENCE) before the tail. Calls in place store as usual. Either way
// the values are the same, bit for bit. The streaming loops, and the ordinary
// loops of the AVX-512 math kernels, also prefetch their sources 4 KiB ahead.
//
// # Selection and the noasm build
//
// [HasAVX512] and [HasAVX2] report whether the running CPU and OS support the
// routines, from golang.org/x/sys/cpu; calling one whose flag is false
// faults. The assembly is generated with avo (go generate runs the program
// in ../_asm). Built with -tags noasm, or on another architecture, the flags
// are false and every routine is its plain-Go reference loop, so callers
// compile everywhere and fall back to their portable code.
//
// # Pooling
//
// [MaxPoolAVX512], [MaxPoolGatherAVX512], [MaxPoolGradAVX512],
// [AvgPoolAVX512], [AvgPoolGradAVX512] and their AVX2 twins pool
// channels-last float32 data over a run of output pixels whose windows have
// the same taps, given as element offsets: channels go in vector registers,
// taps in window order. They give the bits of their reference loops: max
// pooling selects the first maximum, or the last NaN, by keeping the selected
// element and testing !(x <= min(selected, +Inf)), which VMINPS gives in one
// instruction; the gradient recomputes the selection as a tap index per lane
// and adds, tap by tap, under the lanes that chose it.
package f32
