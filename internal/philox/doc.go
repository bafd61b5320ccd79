// Package philox implements the Philox4x32-10 counter-based random number
// generator and the helpers Tide uses to fill tensors with random numbers that
// are the same on every machine and for any GOMAXPROCS.
//
// # The generator
//
// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel Random Numbers: As
// Easy as 1, 2, 3", SC11, 2011) is a keyed bijection of a 128-bit counter:
// [Block] maps a counter of four 32-bit words and a key of two words to four
// output words. It is the generator of Random123 and of TensorFlow's
// stateless random ops, and NVIDIA's cuRAND offers it; it passes BigCrush.
// Because it has no state, the n-th number of a sequence costs one block and
// does not depend on the numbers before it.
//
// # Counter layout
//
// [Uint32s] and [Uint32sAt] give every output word a fixed address. Word i of
// stream s under key k is word i%4 of
//
//	Block([4]uint32{lo32(i/4), hi32(i/4), lo32(s), hi32(s)}, k)
//
// The first two counter words count blocks, the last two name the stream (for
// example one stream per random op in a graph). So a tensor's element i depends
// only on (seed, stream, i): a caller may split a tensor into ranges, fill them
// from as many goroutines as it likes with [Uint32sAt], and get exactly the
// bits that one sequential [Uint32s] call gives. Nothing depends on how work is
// scheduled, which is what a stateful generator shared between goroutines
// cannot promise.
//
// # Conversions
//
// [Float32] and [Float64] turn words into uniform numbers in [0, 1) by filling
// a mantissa, exactly and identically on every platform. [Normal32] and
// [Normal64] use the Box-Muller transform with a logarithm and sine/cosine
// written in this package, with every product explicitly rounded, so their
// results do not depend on the platform's math library or on whether the
// compiler fuses multiply-adds.
package philox
