// Package cpu registers Tide's fast CPU kernels, above the reference kernels
// (core.PriorityFast), for the ops and dtypes where they pay: today the matrix product on the
// packed, register-tiled GEMM engine (internal/gemm, AVX-512 and AVX2+FMA assembly with a
// pure-Go fallback and the noasm build tag). It also registers, for float32 and float64, the
// elementwise arithmetic with NumPy broadcasting (add, sub, mul, div, maximum, minimum, pow,
// relu_grad, gelu_grad), the unary math (neg, abs, sqrt, relu, exp, log, tanh, sigmoid, erf,
// softplus, gelu), the reductions (reduce_sum, reduce_max, reduce_min, argmax, argmin), softmax
// and log_softmax in fused passes, layer and RMS normalization and their gradients row by row
// in cache (layer_norm, layer_norm_grad, rms_norm, rms_norm_grad), and the fused Adam step
// (float32 on AVX-512 or AVX2 assembly); comparisons for the float and integer types; casts from all but float16 and bfloat16; and where and the
// helpers of the gradient rules (expand_like, broadcast_to, fill_like, fill) for every dtype:
// all on the loops of internal/vmath, split across cores only where the work pays for it.
// Convolutions (conv, conv_transpose, conv_filter_grad, which write every element of their
// outputs, so that a graph need not clear them) run on the GEMM micro-kernels directly over
// NHWC images (no column matrix; one packed input row serves every kernel row), with tiled
// im2col onto the GEMM for the other layouts and CPUs;
// pooling forward and backward are direct NHWC loops; transpose and strided slices are strided
// row copies for every dtype; dropout draws its Philox mask a block at a time.
//
// Import it for its side effect; packages autodiff and graph do, so every program that trains
// or compiles models runs on the fast kernels:
//
//	import _ "github.com/tideml/tide/kernels/cpu"
//
// Every kernel here is held to the reference kernels by the op conformance suite.
package cpu
