package nn_test

import (
	"slices"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/shape"
)

func spec(dt dtype.DType, dims ...int) core.Spec {
	return core.Spec{DType: dt, Shape: shape.Shape(dims)}
}

func f32(dims ...int) core.Spec { return spec(dtype.Float32, dims...) }

// TestShapesAndParams checks each layer's output shape (with an unknown batch dimension) and
// parameter count against Keras's formulas.
func TestShapesAndParams(t *testing.T) {
	cases := []struct {
		name   string
		layer  nn.Layer
		in     []core.Spec
		out    []int
		params int
	}{
		{"dense", nn.Dense(64), []core.Spec{f32(-1, 100)}, []int{-1, 64}, 100*64 + 64},
		{"dense_nobias", nn.Dense(64, nn.WithUseBias(false)), []core.Spec{f32(-1, 100)}, []int{-1, 64}, 100 * 64},
		{"dense_rank3", nn.Dense(8, nn.WithActivation("relu")), []core.Spec{f32(-1, 5, 100)}, []int{-1, 5, 8}, 808},
		{"conv2d", nn.Conv2D(32, 3), []core.Spec{f32(-1, 28, 28, 1)}, []int{-1, 26, 26, 32}, 3*3*1*32 + 32},
		{"conv2d_same_s2", nn.Conv2D(16, 3, nn.WithPadding("same"), nn.WithStrides(2)), []core.Spec{f32(-1, 28, 28, 3)}, []int{-1, 14, 14, 16}, 3*3*3*16 + 16},
		{"conv2d_groups", nn.Conv2D(8, 3, nn.WithGroups(2)), []core.Spec{f32(-1, 6, 6, 4)}, []int{-1, 4, 4, 8}, 3*3*2*8 + 8},
		{"conv2d_dilated", nn.Conv2D(2, 3, nn.WithDilation(2)), []core.Spec{f32(-1, 9, 9, 1)}, []int{-1, 5, 5, 2}, 9*2 + 2},
		{"conv2d_rect", nn.Conv2D(2, 0, nn.WithKernelSize(1, 3)), []core.Spec{f32(-1, 5, 5, 1)}, []int{-1, 5, 3, 2}, 3*2 + 2},
		{"conv2d_cf", nn.Conv2D(5, 3, nn.WithDataFormat("channels_first")), []core.Spec{f32(-1, 3, 8, 8)}, []int{-1, 5, 6, 6}, 3*3*3*5 + 5},
		{"conv1d_causal", nn.Conv1D(4, 3, nn.WithPadding("causal"), nn.WithDilation(2)), []core.Spec{f32(-1, 10, 3)}, []int{-1, 10, 4}, 3*3*4 + 4},
		{"conv3d", nn.Conv3D(4, 2), []core.Spec{f32(-1, 5, 5, 5, 2)}, []int{-1, 4, 4, 4, 4}, 2*2*2*2*4 + 4},
		{"conv2d_transpose_valid", nn.Conv2DTranspose(8, 3, nn.WithStrides(2)), []core.Spec{f32(-1, 5, 5, 4)}, []int{-1, 11, 11, 8}, 3*3*8*4 + 8},
		{"conv2d_transpose_same", nn.Conv2DTranspose(8, 3, nn.WithStrides(2), nn.WithPadding("same")), []core.Spec{f32(-1, 5, 5, 4)}, []int{-1, 10, 10, 8}, 3*3*8*4 + 8},
		{"conv1d_transpose_s_gt_k", nn.Conv1DTranspose(2, 2, nn.WithStrides(3)), []core.Spec{f32(-1, 4, 3)}, []int{-1, 12, 2}, 2*2*3 + 2},
		{"conv1d_transpose_outpad", nn.Conv1DTranspose(2, 3, nn.WithStrides(2), nn.WithPadding("same"), nn.WithOutputPadding(1)), []core.Spec{f32(-1, 4, 3)}, []int{-1, 8, 2}, 3*2*3 + 2},
		{"conv3d_transpose", nn.Conv3DTranspose(2, 2, nn.WithStrides(2)), []core.Spec{f32(-1, 2, 3, 4, 1)}, []int{-1, 4, 6, 8, 2}, 8*2 + 2},
		{"depthwise_conv2d", nn.DepthwiseConv2D(3, nn.WithDepthMultiplier(2)), []core.Spec{f32(-1, 8, 8, 3)}, []int{-1, 6, 6, 6}, 3*3*3*2 + 6},
		{"depthwise_conv1d", nn.DepthwiseConv1D(3), []core.Spec{f32(-1, 8, 3)}, []int{-1, 6, 3}, 3*3 + 3},
		{"separable_conv2d", nn.SeparableConv2D(16, 3), []core.Spec{f32(-1, 8, 8, 3)}, []int{-1, 6, 6, 16}, 27 + 3*16 + 16},
		{"separable_conv1d", nn.SeparableConv1D(4, 3, nn.WithDepthMultiplier(2), nn.WithPadding("same")), []core.Spec{f32(-1, 10, 3)}, []int{-1, 10, 4}, 18 + 24 + 4},
		{"max_pooling2d", nn.MaxPooling2D(2), []core.Spec{f32(-1, 7, 7, 3)}, []int{-1, 3, 3, 3}, 0},
		{"max_pooling2d_same", nn.MaxPooling2D(2, nn.WithPadding("same")), []core.Spec{f32(-1, 7, 7, 3)}, []int{-1, 4, 4, 3}, 0},
		{"average_pooling1d", nn.AveragePooling1D(3, nn.WithStrides(1)), []core.Spec{f32(-1, 10, 2)}, []int{-1, 8, 2}, 0},
		{"max_pooling3d", nn.MaxPooling3D(2), []core.Spec{f32(-1, 4, 4, 4, 1)}, []int{-1, 2, 2, 2, 1}, 0},
		{"average_pooling2d_cf", nn.AveragePooling2D(2, nn.WithDataFormat("channels_first")), []core.Spec{f32(-1, 3, 6, 4)}, []int{-1, 3, 3, 2}, 0},
		{"global_average_pooling2d", nn.GlobalAveragePooling2D(), []core.Spec{f32(-1, 5, 5, 3)}, []int{-1, 3}, 0},
		{"global_max_pooling1d_keep", nn.GlobalMaxPooling1D(nn.WithKeepDims(true)), []core.Spec{f32(-1, 5, 3)}, []int{-1, 1, 3}, 0},
		{"global_max_pooling3d", nn.GlobalMaxPooling3D(), []core.Spec{f32(-1, 2, 2, 2, 3)}, []int{-1, 3}, 0},
		{"batch_normalization", nn.BatchNormalization(), []core.Spec{f32(-1, 10)}, []int{-1, 10}, 40},
		{"batch_normalization_cf", nn.BatchNormalization(nn.WithAxis(1)), []core.Spec{f32(-1, 3, 4, 4)}, []int{-1, 3, 4, 4}, 12},
		{"layer_normalization", nn.LayerNormalization(), []core.Spec{f32(-1, 5, 10)}, []int{-1, 5, 10}, 20},
		{"group_normalization", nn.GroupNormalization(2), []core.Spec{f32(-1, 4, 4, 6)}, []int{-1, 4, 4, 6}, 12},
		{"unit_normalization", nn.UnitNormalization(), []core.Spec{f32(-1, 5)}, []int{-1, 5}, 0},
		{"embedding", nn.Embedding(1000, 64), []core.Spec{spec(dtype.Int64, -1, 10)}, []int{-1, 10, 64}, 64000},
		{"flatten", nn.Flatten(), []core.Spec{f32(-1, 3, 4, 5)}, []int{-1, 60}, 0},
		{"reshape", nn.Reshape([]int{-1, 2}), []core.Spec{f32(-1, 12)}, []int{-1, 6, 2}, 0},
		{"permute", nn.Permute([]int{2, 1}), []core.Spec{f32(-1, 3, 4)}, []int{-1, 4, 3}, 0},
		{"repeat_vector", nn.RepeatVector(3), []core.Spec{f32(-1, 5)}, []int{-1, 3, 5}, 0},
		{"dropout", nn.Dropout(0.5), []core.Spec{f32(-1, 5)}, []int{-1, 5}, 0},
		{"activation", nn.Activation("softmax"), []core.Spec{f32(-1, 5)}, []int{-1, 5}, 0},
		{"masking", nn.Masking(0), []core.Spec{f32(-1, 4, 5)}, []int{-1, 4, 5}, 0},
		{"input", nn.Input(28, 28, 1), []core.Spec{f32(-1, 28, 28, 1)}, []int{-1, 28, 28, 1}, 0},
		{"add", nn.Add(), []core.Spec{f32(-1, 3), f32(-1, 3), f32(-1, 3)}, []int{-1, 3}, 0},
		{"subtract", nn.Subtract(), []core.Spec{f32(-1, 3), f32(-1, 3)}, []int{-1, 3}, 0},
		{"concatenate", nn.Concatenate(), []core.Spec{f32(-1, 3), f32(-1, 4)}, []int{-1, 7}, 0},
		{"concatenate_axis1", nn.Concatenate(nn.WithAxis(1)), []core.Spec{f32(-1, 3, 2), f32(-1, 4, 2)}, []int{-1, 7, 2}, 0},
		{"dot", nn.Dot([]int{1}), []core.Spec{f32(-1, 3), f32(-1, 3)}, []int{-1, 1}, 0},
		{"dot_matrices", nn.Dot([]int{2, 1}), []core.Spec{f32(-1, 2, 3), f32(-1, 3, 4)}, []int{-1, 2, 4}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			specs, err := nn.OutputSpecs(c.layer, nn.Training, c.in...)
			want := c.out
			if err != nil {
				t.Fatal(err)
			}
			if got := specs[0].Shape; !slices.Equal(got, want) {
				t.Errorf("output shape %v, want %v", got, want)
			}
			if got := nn.CountParams(c.layer); got != c.params {
				t.Errorf("%d params, want %d", got, c.params)
			}
		})
	}
}
