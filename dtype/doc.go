// Package dtype defines Tide's element types and how they combine.
//
// # Types
//
// [Float32] is the fast path of every kernel, [Float64] is used for gradient checks and where
// precision matters, [Float16] and [BFloat16] are storage types ([F16], [BF16]) converted with
// round-to-nearest-even, and [Bool], [Uint8], [Int8], [Int32], [Int64] cover masks, indices and
// quantized data.
//
// # Promotion
//
// [Promote] gives the type a binary operation computes in. It follows PyTorch (and NumPy on the
// ordinary cases); its doc comment states where Tide differs.
package dtype
