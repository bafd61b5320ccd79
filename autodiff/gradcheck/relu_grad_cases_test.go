package gradcheck_test

import "github.com/tideml/tide/ops"

// relu_grad is linear in g with a mask of x; x stays away from 0, where the mask jumps.
func init() {
	addCases("relu_grad",
		gradCase{"same", func(x []*T) *T { return ops.ReluGrad(x[0], x[1]) }, []*T{awayFromZero(70, 3, 4), normal(71, 3, 4)}, nil},
		gradCase{"broadcast", func(x []*T) *T { return ops.ReluGrad(x[0], x[1]) }, []*T{awayFromZero(72, 3, 4), normal(73, 4)}, nil},
		// The second order of relu itself goes through relu_grad's own rule.
		gradCase{"relu second order", func(x []*T) *T { return ops.Mul(ops.Relu(x[0]), ops.Relu(x[0])) }, []*T{awayFromZero(74, 5)}, nil},
	)
}
