// Package ops is Tide's math API: every primitive op, declared once with its shape rule,
// reference kernel and gradient, and the composite ops written with them.
//
// Ops take and return *tensor.Tensor and work the same eagerly (the kernel runs at once), on
// symbolic tensors while a function is traced into a graph (package graph), and on tensors
// tracked for gradients (package autodiff). Binary ops broadcast as NumPy and promote mixed
// dtypes (dtype.Promote). Semantics follow NumPy and PyTorch, and ONNX where they differ; each
// function's doc comment says where.
//
// # Errors
//
// A caller's mistake — shapes that do not broadcast, an axis out of range, a dtype an op does
// not take — panics with a *core.Error that names the op, what it wanted and what it got, and the
// calling line. core.Recover (or core.Catch) turns it into an error; compiled functions and
// training entry points do so themselves.
//
// # Listing
//
// `tide ops` prints every registered op with the dtypes it has kernels for and whether it is
// differentiable; each op's one-line description names its ONNX and PyTorch counterparts. The
// families:
//
//   - Elementwise arithmetic: [Add], [Sub], [Mul], [Div], [Maximum], [Minimum], [Pow], [Neg],
//     [Abs], [Sign], [Reciprocal], [Square], [Sqrt], [Rsqrt], [Mod], [FloorDiv], [Clip], …
//   - Transcendental and activations: [Exp], [Expm1], [Log], [Log1p], [Tanh], [Sigmoid],
//     [Relu], [Gelu], [Silu], [Softplus], [Elu], [Selu], [Erf], trigonometric and hyperbolic
//     functions, …
//   - Comparison and selection: [Equal], [NotEqual], [Less], [LessEqual], [Greater],
//     [GreaterEqual], [Where], logical and bitwise ops, [IsNaN], [IsInf].
//   - Reductions: [Sum], [Mean], [Max] (each with a KeepDims form), and more.
//   - Linear algebra: [MatMul] (NumPy rules, batch broadcasting), [MatMulT] (transposes).
//   - Shape and movement: [Reshape], [Transpose], [BroadcastTo], [Cast], and the shape-free
//     forms [ReshapeLike], [ExpandLike], [ZerosLike], [OnesLike], [FullLike], [Size] that
//     gradient rules use so that graphs with an unknown batch dimension work.
//
// # Adding an op
//
// One file: the params struct, core.Declare with the shape rule and the gradient rule (written
// with the public functions, or NotDifferentiable), the reference kernel registered at
// core.PriorityRef for every dtype the op declares (built with the loops of kernels/ref), and
// the exported function. Tests add PyTorch oracle cases under testdata/ and gradcheck cases.
package ops
