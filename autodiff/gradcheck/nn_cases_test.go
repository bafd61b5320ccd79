package gradcheck_test

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Gradient checks of the neural-network ("nn") family: the primitives of ops/nn_*.go (softmax,
// log_softmax, dropout, embedding, embedding_grad, resize, resize_grad) and its composites (the
// normalizations and attention, keyed by their own names). Linear ops (dropout, embedding,
// resize and their adjoints) are squared, so that the second order sees a non-zero Hessian.
// Integer inputs (ids, steps) are held constant by Check.

func nnSquare(f func(x []*T) *T) func(x []*T) *T {
	return func(x []*T) *T { return ops.Square(f(x)) }
}

func init() {
	addCases("softmax",
		gradCase{"last axis", func(x []*T) *T { return ops.Softmax(x[0], -1) }, []*T{normal(300, 3, 4)}, nil},
		gradCase{"first axis", func(x []*T) *T { return ops.Softmax(x[0], 0) }, []*T{normal(301, 3, 4, 2)}, nil},
		gradCase{"large", func(x []*T) *T { return ops.Softmax(ops.AddScalar(x[0], 500), 1) }, []*T{normal(302, 2, 5)}, nil},
	)
	addCases("log_softmax",
		gradCase{"last axis", func(x []*T) *T { return ops.LogSoftmax(x[0], -1) }, []*T{normal(303, 3, 4)}, nil},
		gradCase{"middle axis", func(x []*T) *T { return ops.LogSoftmax(x[0], 1) }, []*T{normal(304, 2, 3, 2)}, nil},
	)

	drop := ops.DropoutParams{Rate: 0.4, Seed: 9, Step: 2}
	addCases("dropout",
		gradCase{"params", nnSquare(func(x []*T) *T { return ops.Dropout(x[0], drop) }), []*T{normal(305, 4, 5)}, nil},
		gradCase{"step tensor", nnSquare(func(x []*T) *T { return ops.DropoutStep(x[0], x[1], drop) }),
			[]*T{normal(306, 3, 7), tensor.Scalar(int64(11))}, nil},
	)

	ids := tensor.FromSlice([]int64{3, 0, 3, 1, 4, 3}, 2, 3)
	addCases("embedding",
		gradCase{"repeats", nnSquare(func(x []*T) *T { return ops.Embedding(x[0], x[1]) }), []*T{normal(307, 5, 3), ids}, nil},
		gradCase{"int32 scalar id", nnSquare(func(x []*T) *T { return ops.Embedding(x[0], x[1]) }),
			[]*T{normal(308, 4, 2), tensor.Scalar(int32(2))}, nil},
	)
	addCases("embedding_grad",
		gradCase{"repeats", nnSquare(func(x []*T) *T { return ops.EmbeddingGrad(x[0], x[1], x[2]) }),
			[]*T{normal(309, 2, 3, 3), ids, normal(310, 5, 3)}, nil},
	)

	resize := func(p ops.ResizeParams) func(x []*T) *T {
		return nnSquare(func(x []*T) *T { return ops.Resize(x[0], p) })
	}
	addCases("resize",
		gradCase{"bilinear", resize(ops.ResizeParams{Mode: "linear", Scales: []float64{2}}), []*T{normal(311, 1, 3, 2, 2)}, nil},
		gradCase{"bilinear align corners down", resize(ops.ResizeParams{Mode: "linear", CoordinateTransform: "align_corners", Sizes: []int{2, 3}}),
			[]*T{normal(312, 2, 4, 4, 1)}, nil},
		gradCase{"nearest", resize(ops.ResizeParams{Scales: []float64{1.5, 0.5}}), []*T{normal(313, 1, 3, 4, 2)}, nil},
		gradCase{"bicubic nchw", resize(ops.ResizeParams{Mode: "cubic", Sizes: []int{5, 3}, Layout: ops.ChannelsFirst}),
			[]*T{normal(314, 1, 2, 3, 4)}, nil},
		gradCase{"cubic exclude outside 1d", resize(ops.ResizeParams{Mode: "cubic", CubicCoeff: -0.5, ExcludeOutside: true, Scales: []float64{1.7}}),
			[]*T{normal(315, 2, 4, 2)}, nil},
		gradCase{"trilinear", resize(ops.ResizeParams{Mode: "linear", Sizes: []int{3, 2, 3}}), []*T{normal(316, 1, 2, 3, 2, 1)}, nil},
	)
	addCases("resize_grad",
		gradCase{"bilinear", nnSquare(func(x []*T) *T {
			return ops.ResizeGrad(x[0], x[1], ops.ResizeParams{Mode: "linear", Scales: []float64{2}})
		}), []*T{normal(317, 1, 4, 6, 2), normal(318, 1, 2, 3, 2)}, nil},
		gradCase{"nearest", nnSquare(func(x []*T) *T {
			return ops.ResizeGrad(x[0], x[1], ops.ResizeParams{Sizes: []int{2, 5}})
		}), []*T{normal(319, 1, 2, 5, 1), normal(320, 1, 3, 3, 1)}, nil},
	)

	bn := ops.BatchNormParams{Epsilon: 1e-3}
	bnNCHW := ops.BatchNormParams{Layout: ops.ChannelsFirst}
	addCases("batch_norm_training",
		gradCase{"output", func(x []*T) *T { y, _, _ := ops.BatchNormTraining(x[0], x[1], x[2], bn); return y },
			[]*T{normal(321, 4, 2, 3), positive(322, 3), normal(323, 3)}, nil},
		gradCase{"output nchw", func(x []*T) *T { y, _, _ := ops.BatchNormTraining(x[0], x[1], x[2], bnNCHW); return y },
			[]*T{normal(324, 3, 2, 2, 2), positive(325, 2), normal(326, 2)}, nil},
		gradCase{"mean", func(x []*T) *T { _, m, _ := ops.BatchNormTraining(x[0], nil, nil, bn); return m },
			[]*T{normal(327, 5, 3)}, nil},
		gradCase{"variance", func(x []*T) *T { _, _, v := ops.BatchNormTraining(x[0], nil, nil, bnNCHW); return v },
			[]*T{normal(328, 2, 3, 2)}, nil},
	)
	addCases("batch_norm",
		gradCase{"inference", func(x []*T) *T { return ops.BatchNorm(x[0], x[1], x[2], x[3], x[4], bnNCHW) },
			[]*T{normal(329, 2, 3, 2), normal(330, 3), positive(331, 3), normal(332, 3), normal(333, 3)}, nil},
	)
	addCases("layer_norm",
		gradCase{"last axis", func(x []*T) *T { return ops.LayerNorm(x[0], x[1], x[2], ops.LayerNormParams{}) },
			[]*T{normal(334, 3, 4), normal(335, 4), normal(336, 4)}, nil},
		gradCase{"two axes no affine", func(x []*T) *T { return ops.LayerNorm(x[0], nil, nil, ops.LayerNormParams{NumAxes: 2, Epsilon: 1e-3}) },
			[]*T{normal(337, 2, 3, 2)}, nil},
	)
	addCases("rms_norm",
		gradCase{"last axis", func(x []*T) *T { return ops.RMSNorm(x[0], x[1], ops.LayerNormParams{}) },
			[]*T{normal(338, 3, 4), normal(339, 4)}, nil},
		gradCase{"two axes", func(x []*T) *T { return ops.RMSNorm(x[0], nil, ops.LayerNormParams{NumAxes: 2}) },
			[]*T{normal(340, 2, 2, 3)}, nil},
	)
	addCases("group_norm",
		gradCase{"nhwc", func(x []*T) *T { return ops.GroupNorm(x[0], x[1], x[2], ops.GroupNormParams{Groups: 2}) },
			[]*T{normal(341, 2, 2, 2, 4), normal(342, 4), normal(343, 4)}, nil},
		gradCase{"nchw matrix", func(x []*T) *T {
			return ops.GroupNorm(x[0], nil, nil, ops.GroupNormParams{Groups: 2, Layout: ops.ChannelsFirst})
		}, []*T{normal(344, 3, 8)}, nil},
	)
	addCases("instance_norm",
		gradCase{"nhwc", func(x []*T) *T { return ops.InstanceNorm(x[0], x[1], x[2], ops.GroupNormParams{}) },
			[]*T{normal(345, 2, 3, 2, 2), normal(346, 2), normal(347, 2)}, nil},
		gradCase{"ncw", func(x []*T) *T {
			return ops.InstanceNorm(x[0], nil, nil, ops.GroupNormParams{Layout: ops.ChannelsFirst, Epsilon: 1e-3})
		}, []*T{normal(348, 2, 2, 4)}, nil},
	)

	attn := func(mask *T, p ops.AttentionParams) func(x []*T) *T {
		return func(x []*T) *T { return ops.ScaledDotProductAttention(x[0], x[1], x[2], mask, p) }
	}
	boolMask := tensor.FromSlice([]bool{true, false, true, true, true, true, false, true, true, false, false, true}, 3, 4)
	addCases("scaled_dot_product_attention",
		gradCase{"plain", attn(nil, ops.AttentionParams{}), []*T{normal(349, 2, 3, 2), normal(350, 2, 4, 2), normal(351, 2, 4, 3)}, nil},
		gradCase{"bool mask", attn(boolMask, ops.AttentionParams{}), []*T{normal(352, 3, 2), normal(353, 4, 2), normal(354, 4, 2)}, nil},
		gradCase{"causal scale", attn(nil, ops.AttentionParams{Causal: true, Scale: 0.7}),
			[]*T{normal(355, 2, 3, 2), normal(356, 2, 3, 2), normal(357, 2, 3, 2)}, nil},
		gradCase{"float mask", func(x []*T) *T {
			return ops.ScaledDotProductAttention(x[0], x[1], x[2], x[3], ops.AttentionParams{})
		}, []*T{normal(358, 3, 2), normal(359, 4, 2), normal(360, 4, 2), normal(361, 3, 4)}, nil},
		gradCase{"dropout", attn(nil, ops.AttentionParams{DropoutRate: 0.3, Seed: 4}),
			[]*T{normal(362, 3, 2), normal(363, 5, 2), normal(364, 5, 3)}, nil},
	)
}
