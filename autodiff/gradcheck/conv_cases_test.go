package gradcheck_test

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
)

// Gradient checks of the convolution and pooling family: conv, conv_transpose and
// conv_filter_grad (each one's gradients are the other two, so second order checks all three),
// and max/avg pooling with their gradient primitives, over layouts, ranks, strides, dilations,
// groups, asymmetric and same padding, output padding and ceil mode. Max pooling inputs are
// normal draws, so ties (where the gradient jumps) do not occur.

// cvApply applies a registered op of the family directly, for the gradient primitives that
// have no exported function of their own.
func cvApply(name string, p any, in ...*T) *T { return core.Apply1(core.Lookup(name), p, in...) }

func init() {
	pNHWC := ops.ConvParams{Strides: []int{2, 1}, Pads: [][2]int{{1, 0}, {0, 2}}}
	pNCW := ops.ConvParams{Dilations: []int{2}, Groups: 2, Layout: ops.ChannelsFirst}
	pSame3 := ops.ConvParams{Strides: []int{2}, Padding: ops.PadSame}
	pNCHW := ops.ConvParams{Strides: []int{2, 2}, Dilations: []int{1, 2}, Padding: ops.PadSame, Layout: ops.ChannelsFirst}
	addCases("conv",
		gradCase{"2d nhwc stride asymmetric pads", func(x []*T) *T { return ops.Conv2D(x[0], x[1], pNHWC) },
			[]*T{normal(101, 2, 5, 6, 3), normal(102, 3, 2, 3, 4)}, nil},
		gradCase{"1d ncw dilation groups", func(x []*T) *T { return ops.Conv1D(x[0], x[1], pNCW) },
			[]*T{normal(103, 1, 4, 7), normal(104, 6, 2, 3)}, nil},
		gradCase{"3d ndhwc same stride", func(x []*T) *T { return ops.Conv3D(x[0], x[1], pSame3) },
			[]*T{normal(105, 1, 3, 4, 3, 2), normal(106, 2, 2, 2, 2, 3)}, nil},
		gradCase{"2d nchw same stride dilation", func(x []*T) *T { return ops.Conv2D(x[0], x[1], pNCHW) },
			[]*T{normal(107, 1, 2, 7, 6), normal(108, 3, 2, 3, 2)}, nil},
		gradCase{"depthwise", func(x []*T) *T { return ops.DepthwiseConv2D(x[0], x[1], ops.ConvParams{Padding: ops.PadSame}) },
			[]*T{normal(109, 1, 5, 4, 3), normal(110, 3, 3, 3, 2)}, nil},
	)
	tNHWC := ops.ConvTransposeParams{Strides: []int{2}, OutputPadding: []int{1, 0}, Pads: [][2]int{{1, 0}, {0, 1}}, Groups: 2}
	tNCW := ops.ConvTransposeParams{Strides: []int{3}, Dilations: []int{2}, Padding: ops.PadSame, Layout: ops.ChannelsFirst}
	addCases("conv_transpose",
		gradCase{"2d nhwc stride output padding groups", func(x []*T) *T { return ops.ConvTranspose2D(x[0], x[1], tNHWC) },
			[]*T{normal(111, 1, 3, 4, 4), normal(112, 3, 2, 2, 4)}, nil},
		gradCase{"1d ncw same dilation", func(x []*T) *T { return ops.ConvTranspose1D(x[0], x[1], tNCW) },
			[]*T{normal(113, 2, 3, 4), normal(114, 3, 2, 3)}, nil},
		gradCase{"3d ncdhw", func(x []*T) *T {
			return ops.ConvTranspose3D(x[0], x[1], ops.ConvTransposeParams{Strides: []int{1, 2, 1}, Layout: ops.ChannelsFirst})
		}, []*T{normal(115, 1, 2, 2, 3, 2), normal(116, 2, 1, 2, 2, 2)}, nil},
	)
	fp := ops.ConvParams{Strides: []int{2, 1}, Dilations: []int{1, 2}, Pads: [][2]int{{0, 1}, {2, 0}}, Groups: 2}
	addCases("conv_filter_grad",
		gradCase{"2d nhwc groups", func(x []*T) *T { return ops.ConvFilterGrad(x[0], x[1], []int{3, 2}, fp) },
			[]*T{normal(117, 2, 6, 5, 4), normal(118, 2, 3, 5, 2)}, nil},
		gradCase{"1d ncw", func(x []*T) *T {
			return ops.ConvFilterGrad(x[0], x[1], []int{2}, ops.ConvParams{Strides: []int{2}, Layout: ops.ChannelsFirst})
		}, []*T{normal(119, 2, 3, 7), normal(120, 2, 2, 3)}, nil},
	)

	mp2 := ops.PoolParams{Window: []int{2}}
	mpCeil := ops.PoolParams{Window: []int{3}, Strides: []int{2}, Pads: [][2]int{{1, 0}}, CeilMode: true}
	mp3 := ops.PoolParams{Window: []int{2}, Strides: []int{1}, Dilations: []int{2, 1, 1}, Layout: ops.ChannelsFirst}
	mpOverlap := ops.PoolParams{Window: []int{3, 2}, Strides: []int{1}, Padding: ops.PadSame}
	addCases("max_pool",
		gradCase{"2d nhwc", func(x []*T) *T { return ops.MaxPool2D(x[0], mp2) }, []*T{normal(121, 2, 4, 5, 3)}, nil},
		gradCase{"1d ceil pads", func(x []*T) *T { return ops.MaxPool1D(x[0], mpCeil) }, []*T{normal(122, 2, 8, 2)}, nil},
		gradCase{"3d ncdhw dilation", func(x []*T) *T { return ops.MaxPool3D(x[0], mp3) }, []*T{normal(123, 1, 2, 4, 3, 3)}, nil},
		gradCase{"2d overlapping same", func(x []*T) *T { return ops.MaxPool2D(x[0], mpOverlap) }, []*T{normal(124, 1, 5, 4, 2)}, nil},
	)
	// The explicit params the ops record for MaxPool2D(x, mpOverlap) on [1 5 4 2].
	mpExplicit := ops.PoolParams{Rank: 2, Window: []int{3, 2}, Strides: []int{1, 1}, Dilations: []int{1, 1},
		Pads: [][2]int{{1, 1}, {0, 1}}}
	addCases("max_pool_grad", gradCase{"overlapping", func(x []*T) *T {
		return cvApply("max_pool_grad", mpExplicit, x[0], x[1])
	}, []*T{normal(125, 1, 5, 4, 2), normal(126, 1, 5, 4, 2)}, nil})
	addCases("max_pool_gather", gradCase{"overlapping", func(x []*T) *T {
		return cvApply("max_pool_gather", mpExplicit, x[0], x[1])
	}, []*T{normal(127, 1, 5, 4, 2), normal(128, 1, 5, 4, 2)}, nil})

	apSame := ops.PoolParams{Window: []int{3}, Strides: []int{2}, Padding: ops.PadSame}
	apCeil := ops.PoolParams{Window: []int{3}, Strides: []int{2}, Pads: [][2]int{{1, 1}}, CeilMode: true, CountIncludePad: true}
	ap3 := ops.PoolParams{Window: []int{2}, Strides: []int{1, 2, 1}, Dilations: []int{1, 1, 2}, Layout: ops.ChannelsFirst}
	addCases("avg_pool",
		gradCase{"2d nhwc same", func(x []*T) *T { return ops.AvgPool2D(x[0], apSame) }, []*T{normal(129, 2, 5, 6, 2)}, nil},
		gradCase{"1d ceil include pad", func(x []*T) *T { return ops.AvgPool1D(x[0], apCeil) }, []*T{normal(130, 1, 6, 3)}, nil},
		gradCase{"3d ncdhw dilation", func(x []*T) *T { return ops.AvgPool3D(x[0], ap3) }, []*T{normal(131, 1, 2, 3, 4, 5)}, nil},
		gradCase{"global", func(x []*T) *T { return ops.GlobalAvgPool(x[0], ops.ChannelsLast, false) }, []*T{normal(132, 2, 3, 4, 2)}, nil},
	)
	apExplicit := ops.AvgPoolGradParams{Pool: ops.PoolParams{Rank: 1, Window: []int{3}, Strides: []int{2},
		Dilations: []int{1}, Pads: [][2]int{{1, 1}}, CeilMode: true, CountIncludePad: true}, InputSize: []int{6}}
	addCases("avg_pool_grad", gradCase{"1d ceil include pad", func(x []*T) *T {
		return cvApply("avg_pool_grad", apExplicit, x[0])
	}, []*T{normal(133, 1, 4, 3)}, nil})
}
