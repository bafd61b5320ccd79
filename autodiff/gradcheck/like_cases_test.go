package gradcheck_test

import "github.com/tideml/tide/ops"

func init() {
	addCases("expand_like",
		gradCase{"dropped axes", func(x []*T) *T { return ops.ExpandLike(x[0], x[1], 0, 2) }, []*T{normal(60, 3), normal(61, 2, 3, 4)}, nil},
		gradCase{"kept axes", func(x []*T) *T { return ops.ExpandLike(x[0], x[1], 1) }, []*T{normal(62, 2, 1, 4), normal(63, 2, 3, 4)}, nil},
	)
	addCases("reshape_like",
		gradCase{"", func(x []*T) *T { return ops.Tanh(ops.ReshapeLike(x[0], x[1])) }, []*T{normal(64, 2, 6), normal(65, 3, 4)}, nil},
	)
}

func init() {
	addCases("squeeze", gradCase{"", func(x []*T) *T { return ops.Tanh(ops.Squeeze(x[0], 1)) }, []*T{normal(66, 3, 1, 2)}, nil})
	addCases("unsqueeze", gradCase{"", func(x []*T) *T { return ops.Tanh(ops.Unsqueeze(x[0], 0, -1)) }, []*T{normal(67, 3, 2)}, nil})
}
