// Package ops is Tide's math API: every primitive op, declared once with its shape rule,
// reference kernel and gradient, and the composite ops written with them.
//
// Ops take and return *tensor.Tensor and work the same eagerly (the kernel runs at once), on
// symbolic tensors while a function is traced into a graph (package graph), and on tensors
// tracked for gradients (package autodiff). Binary ops broadcast as NumPy and promote mixed
// dtypes (dtype.Promote). Semantics follow NumPy and PyTorch, and ONNX where they differ; each
// function's doc comment says where. Data layout is channels-last (NHWC) by default, with a layout
// parameter for channels-first (NCHW) where ONNX and PyTorch use it.
//
// # Errors
//
// A caller's mistake — shapes that do not broadcast, an axis out of range, a dtype an op does
// not take — panics with a *core.Error that names the op, what it wanted and what it got, and the
// calling line. core.Recover (or core.Catch) turns it into an error; compiled functions and
// training entry points do so themselves. Integer arithmetic wraps on overflow, as in C and
// NumPy; integer division or modulo by zero is an error.
//
// # Adding an op
//
// One file: the params struct, core.Declare with the shape rule and the gradient rule (written
// with the public functions, or NotDifferentiable), the reference kernel registered at
// core.PriorityRef for every dtype the op declares (built with the loops of kernels/ref), and
// the exported function. Gradient rules must not bake static shapes (a traced batch dimension may
// be unknown): they use [ReshapeLike], [ExpandLike], [ZerosLike], [OnesLike], [FullLike] and
// [Size]. Tests add PyTorch oracle cases under testdata/ and gradcheck cases. Fast kernels
// (package kernels/cpu) register above the reference ones.
//
// # The ops by family
//
// `tide ops` prints the live list with the dtypes each op has kernels for. Each primitive below is
// one registry entry (name: description (ONNX and PyTorch counterparts)); the exported Go
// functions are named after them (add is [Add], reduce_sum is [Sum], compare is [Equal] and its
// siblings). Control flow (cond, while, scan) and fused_elementwise live in package graph.
//
// # Elementwise unary
//
//   - abs: |x| elementwise (ONNX Abs, torch.abs).
//   - acos: arccosine elementwise, NaN outside [-1, 1] (ONNX Acos, torch.acos).
//   - acosh: inverse hyperbolic cosine elementwise, NaN below 1 (ONNX Acosh, torch.acosh).
//   - asin: arcsine elementwise, NaN outside [-1, 1] (ONNX Asin, torch.asin).
//   - asinh: inverse hyperbolic sine elementwise (ONNX Asinh, torch.asinh).
//   - atan: arctangent elementwise (ONNX Atan, torch.atan).
//   - atanh: inverse hyperbolic tangent elementwise, ±Inf at ±1 (ONNX Atanh, torch.atanh).
//   - ceil: smallest integer >= x elementwise, zero gradient (ONNX Ceil, torch.ceil).
//   - cos: cosine elementwise (ONNX Cos, torch.cos).
//   - cosh: hyperbolic cosine elementwise (ONNX Cosh, torch.cosh).
//   - erf: the error function elementwise (ONNX Erf, torch.erf).
//   - exp: e^x elementwise (ONNX Exp, torch.exp).
//   - expm1: e^x - 1 elementwise, accurate near 0 (no ONNX op; torch.expm1).
//   - floor: largest integer <= x elementwise, zero gradient (ONNX Floor, torch.floor).
//   - gelu: x·Φ(x) elementwise, exact (erf) or with the tanh approximation (ONNX Gelu, torch.nn.functional.gelu).
//   - log: natural logarithm elementwise (ONNX Log, torch.log).
//   - log1p: log(1 + x) elementwise, accurate near 0 (no ONNX op; torch.log1p).
//   - neg: -x elementwise (ONNX Neg, torch.neg).
//   - relu: max(x, 0) elementwise (ONNX Relu, torch.relu).
//   - round: nearest integer elementwise, halves to even, zero gradient (ONNX Round, torch.round).
//   - sigmoid: 1 / (1 + e^-x) elementwise, computed without overflow (ONNX Sigmoid, torch.sigmoid).
//   - sign: -1, 0 or 1 by the sign of x, NaN for NaN, zero gradient (ONNX Sign, torch.sign).
//   - sin: sine elementwise (ONNX Sin, torch.sin).
//   - sinh: hyperbolic sine elementwise (ONNX Sinh, torch.sinh).
//   - softplus: log(1 + e^(beta·x)) / beta elementwise, linear above a threshold (ONNX Softplus, torch.nn.functional.softplus).
//   - sqrt: square root elementwise (ONNX Sqrt, torch.sqrt).
//   - tan: tangent elementwise (ONNX Tan, torch.tan).
//   - tanh: hyperbolic tangent elementwise (ONNX Tanh, torch.tanh).
//   - trunc: integer part elementwise (rounds toward zero), zero gradient (no ONNX op; torch.trunc).
//
// Composites: Square, Reciprocal, Rsqrt, Softsign, Silu, Mish, Relu6, LeakyRelu, Elu, Selu, HardSigmoid, HardSwish.
//
// # Elementwise binary and ternary (broadcasting, dtype promotion)
//
//   - add: x + y elementwise with broadcasting (ONNX Add, torch.add).
//   - atan2: angle of the point (x, y) elementwise, in [-π, π] (no ONNX op; torch.atan2).
//   - bitwise: x and/or/xor/left_shift/right_shift y elementwise on integers with broadcasting (ONNX BitwiseAnd/Or/Xor, BitShift; torch.bitwise_*). Not differentiable.
//   - bitwise_not: the bits of x inverted elementwise, logical not on bool (ONNX BitwiseNot, torch.bitwise_not). Not differentiable.
//   - clip: x limited to [min, max] elementwise with broadcast bounds (ONNX Clip, torch.clamp).
//   - compare: elementwise comparison eq/ne/lt/le/gt/ge giving bool (ONNX Equal/Less/..., torch.eq/lt/...). Not differentiable.
//   - div: x / y elementwise; integers truncate toward zero (ONNX Div; torch.div rounding_mode='trunc').
//   - floor_div: x / y rounded down elementwise, zero gradient (no ONNX op; torch.div rounding_mode='floor').
//   - gelu_grad: g·gelu'(x) elementwise with broadcasting: the gradient of gelu (no ONNX op; torch gelu_backward). Not differentiable.
//   - isinf: whether x is +Inf and/or -Inf elementwise, as bool (ONNX IsInf, torch.isinf/isposinf/isneginf). Not differentiable.
//   - isnan: whether x is NaN elementwise, as bool (ONNX IsNaN, torch.isnan). Not differentiable.
//   - logical: x and/or/xor y elementwise on bool with broadcasting (ONNX And/Or/Xor, torch.logical_and/or/xor). Not differentiable.
//   - logical_not: not x elementwise on bool (ONNX Not, torch.logical_not). Not differentiable.
//   - maximum: larger of x and y elementwise, NaN if either is NaN (ONNX Max, torch.maximum).
//   - minimum: smaller of x and y elementwise, NaN if either is NaN (ONNX Min, torch.minimum).
//   - mod: remainder with the sign of the divisor, or of the dividend when fmod (ONNX Mod, torch.remainder/torch.fmod).
//   - mul: x * y elementwise with broadcasting (ONNX Mul, torch.mul).
//   - pow: x raised to y elementwise (ONNX Pow, torch.pow).
//   - relu_grad: g where x > 0 or x is NaN, else +0, with broadcasting: the gradient of relu (no ONNX op; torch threshold_backward with threshold 0).
//   - sub: x - y elementwise with broadcasting (ONNX Sub, torch.sub).
//   - where: select x where cond is true, else y, with broadcasting (ONNX Where, torch.where).
//
// Composites: SquaredDifference, ClipScalar, AddScalar, MulScalar, PowScalar, Equal/NotEqual/Less/LessEqual/Greater/GreaterEqual (the compare op).
//
// # Reductions and cumulative ops
//
//   - argmax: int64 index of the largest element along an axis, the first of ties, NaN largest (ONNX ArgMax, torch.argmax). Not differentiable.
//   - argmin: int64 index of the smallest element along an axis, the first of ties, NaN smallest (ONNX ArgMin, torch.argmin). Not differentiable.
//   - cumprod: running product along an axis, optionally exclusive and reversed (no ONNX op; torch.cumprod).
//   - cumsum: running sum along an axis, optionally exclusive and reversed (ONNX CumSum, torch.cumsum).
//   - reduce_all: whether every element over axes is true (non-zero), true for none (no ONNX op, ReduceMin of a cast; torch.all). Not differentiable.
//   - reduce_any: whether any element over axes is true (non-zero), false for none (no ONNX op, ReduceMax of a cast; torch.any). Not differentiable.
//   - reduce_max: maximum over axes, NaN if any is NaN (ONNX ReduceMax, torch.amax).
//   - reduce_min: minimum over axes, NaN if any is NaN (ONNX ReduceMin, torch.amin).
//   - reduce_prod: product over axes, 1 for none (ONNX ReduceProd, torch.prod).
//   - reduce_sum: sum over axes (ONNX ReduceSum, torch.sum).
//
// Composites: Mean, LogSumExp, Variance, Std, L1Norm, L2Norm (each with a KeepDims form).
//
// # Linear algebra
//
//   - matmul: batched matrix product with broadcast batch dimensions and optional transposes (ONNX MatMul/Gemm, torch.matmul).
//
// Composites: MatMul (NumPy rules), MatMulT (transposes), DotGeneral, Einsum, Outer, Gemm.
//
// # Shape and movement
//
//   - broadcast_to: repeat size-1 and missing leading dimensions to a shape (ONNX Expand, torch.broadcast_to).
//   - concat: join tensors along an existing axis (ONNX Concat, torch.cat).
//   - expand_like: broadcast x, which lacks (or has as 1) the given axes of like, to like's shape: the gradient of a reduction (XLA BroadcastInDim).
//   - fill_like: a tensor of one value with another tensor's dtype and shape (ONNX ConstantOfShape(Shape(x)), torch.full_like). Not differentiable.
//   - pad: pad each axis in constant (with interior), reflect, edge or wrap mode (ONNX Pad, torch.nn.functional.pad).
//   - repeat_interleave: repeat each element along an axis by a count or per-element counts (no ONNX op; torch.repeat_interleave, numpy.repeat).
//   - reshape: same elements, new shape; one dimension may be -1 (ONNX Reshape, torch.reshape).
//   - reshape_like: x's elements with like's shape (ONNX Reshape(x, Shape(like)), torch.reshape_as).
//   - segment_sum: sums of consecutive runs of counts[i] elements along an axis, the transpose of repeat_interleave (no ONNX op; torch.segment_reduce with lengths, tf.math.segment_sum).
//   - size: the number of elements of x along axes, as a scalar (ONNX Size, torch.numel). Not differentiable.
//   - slice: strided slice with clamped starts/ends and negative steps (ONNX Slice, numpy/torch x[start:end:step]).
//   - split: cut a tensor into consecutive parts along an axis (ONNX Split, torch.split).
//   - transpose: permute axes: dimension i of the result is dimension perm[i] (ONNX Transpose, torch.permute).
//
// Composites: Squeeze, Unsqueeze, Flatten, FlattenBatch, Stack, Tile, Repeat, Flip, Roll, PadAxis, SliceAxis, SplitSizes.
//
// # Indexing, sorting and masks
//
//   - gather: select slices along an axis by integer indices (ONNX Gather, torch.index_select / numpy.take).
//   - gather_nd: gather slices addressed by index tuples in the last axis of indices (ONNX GatherND; PyTorch x[tuple(idx.unbind(-1))]).
//   - nonzero: int64 coordinates [rank, n] of the non-zero elements, data-dependent shape, eager only (ONNX NonZero, torch.nonzero().T). Not differentiable.
//   - one_hot: one-hot encoding of integer indices along a new axis, with on/off values (ONNX OneHot, torch.nn.functional.one_hot). Not differentiable.
//   - range: start, start+delta, ... up to limit excluded (ONNX Range, torch.arange). Not differentiable.
//   - scatter_elements: copy of data with updates written or reduced (none/add/mul/max/min) at positions given along an axis (ONNX ScatterElements, torch.scatter_reduce).
//   - scatter_nd: copy of data with update slices written or reduced (none/add/mul/max/min) at index tuples (ONNX ScatterND; torch Tensor.index_put_).
//   - sort: stable sort along an axis, giving values and int64 positions (torch.sort(stable=True); ONNX TopK with k = axis length).
//   - take_along_axis: pick elements along an axis by an index tensor of the same rank (ONNX GatherElements, torch.gather).
//   - top_k: k largest or smallest values along an axis and their int64 positions, ties to the lower index (ONNX TopK, torch.topk).
//   - unique: sorted distinct values with int64 inverse indices and counts, data-dependent shape, eager only (torch.unique(sorted=True), ONNX Unique). Not differentiable.
//
// Composites: ScatterAdd, Scatter, ScatterReduce, Argsort, TopK, Tril, Triu, DepthToSpace, SpaceToDepth, ArgWhere, NonZeroPerAxis.
//
// # Casting and creation
//
//   - cast: convert elements to another dtype, saturating float to int (ONNX Cast, Tensor.to).
//   - fill: a tensor of one value (ONNX ConstantOfShape, torch.full). Not differentiable.
//
// # Convolution and pooling
//
//   - avg_pool: 1-3D average pooling with strides, dilations, pads, ceil mode and count_include_pad (ONNX AveragePool, torch.nn.functional.avg_pool1d/2d/3d).
//   - avg_pool_grad: gradient of avg_pool, its adjoint: spreads each output gradient evenly over its window (ONNX none, torch avg_pool2d_backward).
//   - conv: 1-3D convolution with strides, dilations, explicit pads and groups; NHWC/HWIO or NCHW/OIHW (ONNX Conv, torch.nn.functional.conv1d/2d/3d).
//   - conv_filter_grad: gradient of conv with respect to its filter, from the input and the output's gradient (TF Conv2DBackpropFilter; ONNX none, torch.nn.grad.conv2d_weight).
//   - conv_transpose: 1-3D transposed convolution (the adjoint of conv) with output padding (ONNX ConvTranspose, torch.nn.functional.conv_transpose1d/2d/3d).
//   - max_pool: 1-3D max pooling with strides, dilations, pads and ceil mode; ties pick the first maximum (ONNX MaxPool, torch.nn.functional.max_pool1d/2d/3d).
//   - max_pool_gather: takes from v, shaped like x, the element each max_pool window of x selects (ONNX MaxPool indices with GatherElements, torch.gather with max_pool indices).
//   - max_pool_grad: gradient of max_pool: adds each output gradient to the input element its window selected (ONNX none, torch max_pool2d_with_indices_backward).
//
// Composites and helpers: Conv1D/2D/3D, DepthwiseConv2D, ConvTranspose1D/2D/3D, MaxPool/AvgPool 1D/2D/3D, GlobalAvgPool, GlobalMaxPool, SamePads.
//
// # Neural-network ops
//
//   - adam_update: one Adam step of a variable and its moments in a single pass, ε added to √v (Keras Adam.update_step; torch.optim.Adam adds eps after the bias correction). Not differentiable.
//   - dropout: inverted dropout with a stateless Philox mask from a seed and step (ONNX Dropout, torch.nn.functional.dropout).
//   - embedding: rows of a [vocab, dim] table selected by integer ids (ONNX Gather on axis 0, torch.nn.functional.embedding).
//   - embedding_grad: zeros shaped like a table with the rows of g added at their ids, the gradient of embedding (ONNX ScatterND with reduction add, torch embedding_backward).
//   - layer_norm: (x − mean)/√(variance + ε)·scale + offset over the trailing axes, with each row's mean and 1/√(variance + ε) (ONNX LayerNormalization, torch.native_layer_norm).
//   - layer_norm_grad: gradients of layer_norm from x, its statistics, dy, the statistics' gradients and the scale: dx, dscale and doffset (ONNX none, torch.native_layer_norm_backward). Not differentiable.
//   - log_softmax: x − log Σ exp(x) along an axis, shifted by the maximum for stability (ONNX LogSoftmax, torch.log_softmax).
//   - resize: resample the spatial dimensions: nearest, (bi/tri)linear or cubic with ONNX coordinate transforms (ONNX Resize, torch.nn.functional.interpolate).
//   - resize_grad: the adjoint of resize: spreads each output gradient over the input positions it was sampled from (ONNX none, torch upsample_*_backward).
//   - rms_norm: x/√(mean(x²) + ε)·scale over the trailing axes, with each row's 1/√(mean(x²) + ε) (ONNX RMSNormalization, torch.nn.functional.rms_norm).
//   - rms_norm_grad: gradients of rms_norm from x, its statistic, dy, the statistic's gradient and the scale: dx and dscale (ONNX none, torch rms_norm's autograd). Not differentiable.
//   - softmax: exp(x) / Σ exp(x) along an axis, shifted by the maximum for stability (ONNX Softmax, torch.softmax).
//
// Composites: BatchNormTraining, BatchNorm, GroupNorm, InstanceNorm, ScaledDotProductAttention. The
// functions LayerNorm, RMSNorm and Gelu apply the layer_norm, rms_norm and gelu primitives.
//
// The gradient primitives layer_norm_grad, rms_norm_grad and gelu_grad are fused kernels, not
// differentiable: the gradient rules of layer_norm, rms_norm and gelu apply them when nothing
// they are handed is tracked, and under autodiff.CreateGraph build the same gradients from
// differentiable ops instead, so that second and higher derivatives work.
//
// # Random (counter-based Philox, explicit seeds)
//
//   - bernoulli: stateless 0/1 draws with probabilities p from a seed (ONNX Bernoulli, torch.bernoulli). Not differentiable.
//   - categorical: stateless class samples from rows of logits by the Gumbel-max trick (ONNX Multinomial, torch.multinomial of softmax). Not differentiable.
//   - random_normal: stateless normal random numbers from a seed (ONNX RandomNormal, torch.randn). Not differentiable.
//   - random_normal_like: stateless normal random numbers shaped like x from a seed and a step tensor (torch.randn_like, tf.random.stateless_normal of tf.shape(x)). Not differentiable.
//   - random_permutation: stateless random permutation of 0..n-1 from a seed (no ONNX op; torch.randperm). Not differentiable.
//   - random_truncated_normal: stateless normal random numbers redrawn beyond 2 stddev, from a seed (tf.random.stateless_truncated_normal, torch.nn.init.trunc_normal_). Not differentiable.
//   - random_uniform: stateless uniform random numbers in [low, high) from a seed (ONNX RandomUniform, torch.rand / torch.randint). Not differentiable.
//
// Composite: RandomShuffle.
package ops
