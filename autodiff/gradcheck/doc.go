// Package gradcheck verifies gradients by finite differences, in float64 along random
// directions, to first and second order (after JAX's check_grads).
//
//	err := gradcheck.Check(func(x []*tensor.Tensor) *tensor.Tensor {
//		return ops.Tanh(ops.MatMul(x[0], x[1]))
//	}, []*tensor.Tensor{a, b}, gradcheck.Order(2))
//
// Choose inputs away from points where the function is not differentiable (relu at 0, ties of
// max); integer inputs are held constant.
package gradcheck
