// Package gemm multiplies dense row-major matrices: [Sgemm] and [Dgemm]
// compute C = alpha*op(A)*op(B) + beta*C in float32 and float64, and
// [SgemmBatched] and [DgemmBatched] do it for a strided batch. It is the
// engine under Tide's MatMul and convolution kernels.
//
// Package gemm trusts its callers, which validate shapes and return
// friendly errors: a bad argument (negative size, stride too small for its
// rows, slice too short) panics with a message naming it, as a last defence.
//
// # Blocking
//
// Large products follow the Goto/BLIS scheme. C is cut into blocks by three
// loops: nc columns of B at a time (a kc×nc panel kept in L3), kc steps of k
// at a time, and mc rows of A at a time (an mc×kc block kept in L2). Each
// block of A and panel of B is first packed: copied into contiguous
// micro-panels of MR rows (of A) or NR columns (of B), k-major, with alpha
// folded into A and every transposition handled by the packing routines, so
// that the inner kernel always reads unit-stride data. Edges are padded with
// zeros. Two more loops walk the packed block and panel in MR×NR tiles, the
// inner one over A so that one kc×NR micro-panel of B stays in L1 while A
// streams past it. When k is short (up to 128 for float32) and the panel of
// B fits in L2, mc is cut so that the block of A fits in L1 instead: a weight
// gradient xᵀ·dy, k being the batch, then runs its kernel from L1. beta is
// applied once: C is scaled before the first k block (or, for beta 0, simply
// overwritten by it, which also discards NaNs in C).
// Tiles cut by the bottom or right edge of C go to an edge variant of the
// kernel that computes fewer rows and masks columns, or, for kernels without
// one, are computed into a small buffer and copied into C.
//
// Small products (m*n*k up to 512) and matrix-vector products (m or n is 1),
// where packing cannot pay for itself, run as plain loops instead. A product
// with fewer columns than a tile (an output layer's ten classes), whose tiles
// would be mostly padding, is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ into a buffer and
// copied into C transposed, when that takes two thirds of the tiles or fewer
// and C has at most 2^18 elements; with alpha 1 (only then) each element gets
// the very same fused multiply-adds, so the result is the same bit for bit.
//
// # Kernels
//
// The micro-kernel, which holds an MR×NR tile of C in vector registers and
// performs k rank-1 updates of it, is chosen once at start-up from what the
// CPU supports (via golang.org/x/sys/cpu, in the internal/asm packages):
//
//   - avx512: 14×32 for float32 (14×16 for float64), using 28 of the 32 zmm
//     registers as accumulators, with an edge variant, assembly packing
//     routines that transpose 16×16 blocks in registers, and vector routines
//     for the matrix-vector path;
//   - avx2: 6×16 for float32 (6×8 for float64) with AVX2 and FMA;
//   - go: a 4×4 pure-Go kernel that runs everywhere.
//
// The assembly is generated with avo (see internal/asm). Built with
// -tags noasm, or on another architecture, only the pure-Go kernel and
// packing are used; the results agree to rounding.
//
// # Threads
//
// A product worth more than about 2^22 flops per thread runs on up to
// [Threads] goroutines of the shared pool in internal/parallel, as BLIS and
// OpenBLAS do it: each kc×nc panel of B is packed once, in pieces by all
// threads, into a buffer they share; then the threads share out the blocks
// of C that use the panel, each packing its own blocks of A. A product whose
// steps are short (a layer of a small network) instead packs all of A and B
// at once, shared, and each block of C then runs through every step with no
// barrier in between. Either way the split never changes how an element of
// C is computed, so the result does not depend on the thread count. The work
// is an ordered list claimed through an atomic counter, so the load balances
// itself when the OS takes a core away, and an item only ever waits for
// items claimed before it: the product completes with however many threads
// actually join, even one. A batch of products too small to split is
// instead spread over the threads a product at a time. [SetThreads] caps
// the count.
//
// What limits two threads, as measured on the 2-vCPU virtual machine used
// for tuning (AVX-512, 48 KiB L1d and 2 MiB L2 per core), shared with other
// jobs (load average 1 to 4.5, so single figures are ±5% at best):
//
//   - Wake-up. A parked worker of internal/parallel starts on its chunk
//     about 60 µs after the call that queues it (the idle vCPU has to be
//     woken), a quarter of a 256×256 product on two threads. Workers that
//     poll for their next chunk for 100 µs, yielding in between, start in
//     about 2 µs and took that product from 210-230 µs to 188 µs, but
//     slowed the MLP training step of `tide bench` by 15-40% (polling 20
//     or 50 µs: 5-20%), so they park at once. A team's own waits polling for 100 µs
//     rather than 50 yields parked less often but did not pay either.
//   - Products of 1024 and 2048 reach 1.75 to 1.85 times one thread, where
//     OpenBLAS, measured quietly, reaches 2. Timelines of those products
//     show each thread computing blocks of C 96-98% of the time: the waits
//     (one or two a product), the packing of B and the imbalance of the
//     last blocks cost about 1% each, and the macro-kernel runs each block
//     at the rate it has in a one-thread product under the same conditions.
//     Cutting the last step's blocks in two won 0.4% at 1024; nc from 512
//     to 4096, one to four blocks per thread and step, two blocks per step
//     (so that each thread tends to keep its rows of C), a private copy of
//     each panel of B per thread (no panel read from the other core's
//     cache) and column strips for the shared scheme changed the rate by
//     less than the noise. The rest of the gap lies in how fast each core
//     runs while both do, which only a quiet machine can pin down.
//
// # Epilogue
//
// [SgemmEpilogue] and [DgemmEpilogue] also call a function, an [Epilogue], on
// each block of C as soon as its elements are final (after the last k
// block), on the thread that computed it, so that elementwise work on the
// result (a bias and an activation, an optimizer's update of a weight from its
// gradient) reads it from cache rather than memory. The blocks cover C once;
// one thread reports runs of whole rows (its blocks of A, when C is at most
// nc wide), a team reports its blocks of C, which may also be cut across the
// columns, concurrently. The product is computed exactly as without an
// epilogue, in the same blocks, to the same values.
//
// # Memory
//
// Packing buffers are kept in a small free list, not a sync.Pool: a pool is
// emptied by the garbage collector, and a freshly allocated multi-megabyte
// buffer costs more in page faults than a mid-sized product. In steady state
// a call allocates nothing.
package gemm
