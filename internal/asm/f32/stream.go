package f32

// streamMinBytes is the size of a call, in bytes touched (4 per element of each slice: 8 for
// the unary math kernels, VS and SV arithmetic and the rectifier, 12 for VV arithmetic and the
// rectifier's gradient), from which the amd64 math, arith, rectifier and square-root kernels
// write dst with non-temporal stores. These skip the read of each destination line that an
// ordinary store to an uncached line makes, but leave the result out of the cache (see
// ../_asm/stream.go). It must be at least 192, so that a streaming call is at least 16
// elements long; tests lower it to run the streaming path on short slices.
//
// The value is the break-even point measured on a 2-vCPU Xeon VM (AVX-512, 4 MiB of L2 per
// core, 300 MiB of L3 reported) with an operation into dst followed by dst += y, which reads
// the result, on one and on two threads (each call then being one thread's half). Below about
// 96 MiB touched per call the ordinary stores leave the result in the cache and the pair runs
// up to 20% faster with them (an exponential and the addition over 4 Mi elements: 30 against
// 27 GB/s); above it the result is evicted before it is read and the streaming stores win (over
// 16 Mi elements, 22 against 21 GB/s, and 26 against 22 with an addition first). On its own,
// over 32 Mi elements on one core, the exponential runs at 18.7 GB/s with streaming stores
// against 16.1 with ordinary ones (12-13 before the prefetching), the addition at 23-24
// against 15-17.
var streamMinBytes = 96 << 20
