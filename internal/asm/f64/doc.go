// Package f64 holds the SIMD kernels for float64 slices that
// [github.com/tideml/tide/internal/gemm] drives: GEMM micro-kernels, the
// packing routines that feed them, and two level-1 routines for
// matrix-vector products.
//
// # Micro-kernels
//
// A micro-kernel multiplies a packed panel of A (k steps of MR elements) by a
// packed panel of B (k steps of NR elements) and stores the MR×NR product
// into C, or adds it to C. The panels are k-major: element (i, p) of the A
// panel is a[p*MR+i] and element (p, j) of the B panel is b[p*NR+j], so each
// step reads MR contiguous elements of A and NR of B. The whole C tile lives
// in vector registers: [GemmAVX512] is 14×16, with 28 of the 32 zmm
// registers as accumulators, two for B and two for broadcast elements of A;
// [GemmAVX2] is 6×8 with 12 of the 16 ymm registers. [GemmAVX512Edge] is the
// same kernel for tiles cut by the edge of C: fewer rows, and columns under
// a mask.
//
// # Packing and vectors
//
// [PackTAVX512] and [PackNAVX512] build the panels from a block of a
// row-major matrix, across or along its rows, scaling by alpha and padding
// with zeros; the transposing one works on 8×8 blocks in registers.
// [AxpyAVX512] and [DotAVX512] are y += alpha*x and x·y.
//
// # Selection and the noasm build
//
// [HasAVX512] and [HasAVX2] report whether the running CPU and OS support the
// routines, from golang.org/x/sys/cpu; calling one whose flag is false
// faults. The assembly is generated with avo (go generate runs the program
// in ../_asm). Built with -tags noasm, or on another architecture, the flags
// are false and every routine is its plain-Go reference loop, so callers
// compile everywhere and fall back to their portable code.
package f64
