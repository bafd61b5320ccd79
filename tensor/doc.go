// Package tensor provides [Tensor], Tide's one user-facing n-dimensional array.
//
// # Creating tensors
//
// From Go data: [FromSlice] (copies), [Wrap] (no copy), [Scalar], [FromRows]. Filled:
// [Zeros], [Ones], [Full], [Arange], [Linspace], [Eye]. Random, from the counter-based Philox
// generator so that a seed gives the same numbers on every machine and any GOMAXPROCS:
// [RandomUniform], [RandomNormal], [TruncatedNormal], and [Random] for other dtypes.
//
// # Reading tensors
//
// [Tensor.At] and [Tensor.Item] return elements as float64, [Get] with their own type; [Data]
// gives the backing slice without a copy and [ToSlice] a copy; [Tensor.Float64s] and friends
// convert. [Tensor.String] prints like NumPy, and [AllClose] compares like numpy.allclose.
//
// # Storage
//
// A tensor is contiguous and row-major; [Tensor.Reshape] shares data. Element types are those of
// package dtype; float16 and bfloat16 are stored as [dtype.F16] and [dtype.BF16]. [Convert]
// states the conversion rules, which are the same on every machine.
//
// # Errors
//
// A caller's mistake (a wrong index, a size mismatch) panics with a *core.Error (defined in
// internal/errs) naming the function and what was wrong; core.Recover turns it into an error.
//
// Arithmetic lives in package ops; gradients in package autodiff.
package tensor
