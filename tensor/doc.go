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
// # Memory reuse
//
// Large tensors draw their memory from a pool of released buffers before asking the Go
// allocator. [Tensor.Release] hands a tensor's memory back (once it and every view of it are
// released), so an eager loop that releases what it is done with reuses the same memory step
// after step — no garbage, no zeroing, no first-touch page faults — as PyTorch reuses the memory
// of freed tensors. [NewUninit] skips the zero fill for code that writes every element (the
// kernels of elementwise ops and of ops declared to overwrite their outputs get their outputs
// that way). [SetPoolConfig] bounds the pool and can poison uninitialised memory in tests;
// [ReadPoolStats] counts hits. Releasing is optional: unreleased tensors are collected as usual.
//
// # Errors
//
// A caller's mistake (a wrong index, a size mismatch) panics with a *core.Error (defined in
// internal/errs) naming the function and what was wrong; core.Recover turns it into an error.
//
// Arithmetic lives in package ops; gradients in package autodiff.
package tensor
