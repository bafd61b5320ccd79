package gradcheck_test

import (
	"math"

	"github.com/tideml/tide/ops"
)

// Gradient checks of the movement ops (move.go, move_pad.go). They are linear, so most cases
// square the result: the second order then checks the gradient rule's own gradient.

func mvSq(f func(x []*T) *T) func(x []*T) *T {
	return func(x []*T) *T { return ops.Square(f(x)) }
}

func init() {
	addCases("concat",
		gradCase{"axis 1", mvSq(func(x []*T) *T { return ops.Concat(1, x[0], x[1], x[2]) }),
			[]*T{normal(300, 2, 1, 3), normal(301, 2, 4, 3), normal(302, 2, 2, 3)}, nil},
		gradCase{"negative axis", func(x []*T) *T { return ops.Concat(-1, x[0], x[1]) },
			[]*T{normal(303, 3, 2), normal(304, 3, 3)}, nil},
	)
	addCases("split",
		gradCase{"equal", mvSq(func(x []*T) *T {
			p := ops.Split(x[0], 1, 3)
			return ops.Add(ops.Mul(p[0], p[2]), p[1])
		}), []*T{normal(305, 2, 6)}, nil},
		gradCase{"sizes, parts unused", func(x []*T) *T { return ops.SplitSizes(x[0], 0, 1, 3, 0, 1)[1] },
			[]*T{normal(306, 5, 2)}, nil},
	)
	addCases("slice",
		gradCase{"steps", mvSq(func(x []*T) *T {
			return ops.Slice(x[0], ops.SliceParams{Starts: []int{1, -1}, Ends: []int{math.MaxInt, math.MinInt}, Steps: []int{2, -2}})
		}), []*T{normal(307, 6, 5)}, nil},
		gradCase{"clamped axes", func(x []*T) *T {
			return ops.Slice(x[0], ops.SliceParams{Axes: []int{-1}, Starts: []int{-100}, Ends: []int{3}, Steps: []int{3}})
		}, []*T{normal(308, 2, 7)}, nil},
		gradCase{"empty", func(x []*T) *T { return ops.SliceAxis(x[0], 0, 3, 1, 1) }, []*T{normal(309, 4, 2)}, nil},
		gradCase{"flip", mvSq(func(x []*T) *T { return ops.Flip(x[0], 0, 2) }), []*T{normal(310, 2, 3, 4)}, nil},
	)
	addCases("pad",
		gradCase{"constant", mvSq(func(x []*T) *T { return ops.Pad(x[0], ops.PadConstant, 1.5, 1, 0, 2, 3) }),
			[]*T{normal(311, 2, 3)}, nil},
		gradCase{"crop and interior", mvSq(func(x []*T) *T {
			return ops.PadWith(x[0], ops.PadParams{Before: []int{-1, 2}, After: []int{1, -2}, Interior: []int{2, 1}, Value: -1})
		}), []*T{normal(312, 3, 4)}, nil},
		gradCase{"reflect", mvSq(func(x []*T) *T { return ops.Pad(x[0], ops.PadReflect, 0, 2, 1, 1, 3) }),
			[]*T{normal(313, 3, 4)}, nil},
		gradCase{"edge", mvSq(func(x []*T) *T { return ops.Pad(x[0], ops.PadEdge, 0, 0, 3, 2, 1) }),
			[]*T{normal(314, 3, 4)}, nil},
		gradCase{"wrap", mvSq(func(x []*T) *T { return ops.Pad(x[0], ops.PadWrap, 0, 3, 1, 1, 4) }),
			[]*T{normal(315, 3, 4)}, nil},
	)
	addCases("repeat_interleave",
		gradCase{"count", mvSq(func(x []*T) *T { return ops.Repeat(x[0], 1, 3) }), []*T{normal(316, 2, 3)}, nil},
		gradCase{"counts", mvSq(func(x []*T) *T { return ops.Repeat(x[0], 0, 2, 0, 1, 3) }), []*T{normal(317, 4, 2)}, nil},
	)
	addCases("segment_sum",
		gradCase{"counts", mvSq(func(x []*T) *T { return ops.SegmentSum(x[0], -1, 2, 0, 3, 1) }), []*T{normal(318, 2, 6)}, nil},
	)
	addCases("tile", gradCase{"", mvSq(func(x []*T) *T { return ops.Tile(x[0], 2, 1, 3) }), []*T{normal(319, 2, 3)}, nil})
	addCases("roll", gradCase{"", mvSq(func(x []*T) *T { return ops.Roll(x[0], []int{1, -4}, 0, 1) }), []*T{normal(320, 3, 5)}, nil})
	addCases("stack", gradCase{"", mvSq(func(x []*T) *T { return ops.Stack(-1, x[0], x[1]) }), []*T{normal(321, 2, 3), normal(322, 2, 3)}, nil})
	addCases("squeeze", gradCase{"", func(x []*T) *T { return ops.Tanh(ops.Squeeze(ops.Unsqueeze(x[0], 0, -1), 0)) }, []*T{normal(323, 3)}, nil})
	addCases("flatten", gradCase{"", func(x []*T) *T { return ops.Tanh(ops.Flatten(x[0], -1)) }, []*T{normal(324, 2, 3, 2)}, nil})
}
