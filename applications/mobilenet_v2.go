package applications

import (
	"fmt"
	"strconv"

	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
)

var mobileNetV2Spec = spec{builder: "MobileNetV2", defaultSize: 224, minSize: 32, alpha: true}

// MobileNetV2 returns Keras's MobileNetV2 (keras.applications.MobileNetV2; Sandler et al.,
// "MobileNetV2: Inverted Residuals and Linear Bottlenecks", 2018): "Conv1" (3×3, stride 2),
// "bn_Conv1", "Conv1_relu" (ReLU capped at 6), 17 inverted residual blocks — "expanded_conv_*"
// for the first, then "block_1_expand", "block_1_expand_BN", "block_1_expand_relu",
// "block_1_pad" (before a stride-2 depthwise convolution), "block_1_depthwise",
// "block_1_depthwise_BN", "block_1_depthwise_relu", "block_1_project", "block_1_project_BN" and
// "block_2_add" where the block keeps its shape — then "Conv_1" (1×1, 1280 filters), "Conv_1_bn",
// "out_relu", and with the top a global average pooling and "predictions". Batch normalisation
// uses epsilon 1e-3 and momentum 0.999. Alpha scales the widths: every block's filters become
// int(filters·alpha) rounded to a multiple of 8 (and Conv_1's only when alpha > 1). Options:
// Alpha, IncludeTop, Weights, InputShape, InputTensor, Pooling, Classes, ClassifierActivation,
// Name (default "mobilenetv2_<alpha with 2 decimals>_<rows>", "mobilenetv2_1.00_224").
//
// At alpha 1 it has 3,538,984 parameters with the top (34,112 of them non-trainable),
// 2,257,984 without. Inputs are expected preprocessed as PreprocessInput(x, TF). It returns an
// error for a bad argument or weights file.
func MobileNetV2(opts ...Option) (*models.Model, error) {
	return build(mobileNetV2Spec, opts, func(c *config, b *builder, dims []int) (*models.Model, error) {
		in := c.input(dims)
		alpha := c.alpha
		x := b.seq(in,
			nn.Conv2D(makeDivisible(32*alpha, 8), 3, nn.WithStrides(2), nn.WithPadding("same"), nn.WithUseBias(false), nn.WithName("Conv1")),
			mobileBN("bn_Conv1"),
			newReLU(6, nn.WithName("Conv1_relu")))
		blocks := []struct{ filters, stride, expansion int }{
			{16, 1, 1},
			{24, 2, 6}, {24, 1, 6},
			{32, 2, 6}, {32, 1, 6}, {32, 1, 6},
			{64, 2, 6}, {64, 1, 6}, {64, 1, 6}, {64, 1, 6},
			{96, 1, 6}, {96, 1, 6}, {96, 1, 6},
			{160, 2, 6}, {160, 1, 6}, {160, 1, 6},
			{320, 1, 6},
		}
		for id, blk := range blocks {
			x = b.invertedResBlock(x, blk.expansion, blk.stride, alpha, blk.filters, id)
		}
		// No alpha on the last convolution unless it widens the network, as in the paper.
		last := 1280
		if alpha > 1 {
			last = makeDivisible(1280*alpha, 8)
		}
		x = b.seq(x,
			nn.Conv2D(last, 1, nn.WithUseBias(false), nn.WithName("Conv_1")),
			mobileBN("Conv_1_bn"),
			newReLU(6, nn.WithName("out_relu")))
		if c.includeTop {
			x = b.classifier(c, x, b.auto("global_average_pooling2d"))
		} else {
			x = b.pool(c, x, b.auto("global_average_pooling2d"), b.auto("global_max_pooling2d"))
		}
		rows := "None"
		if dims[0] >= 0 {
			rows = strconv.Itoa(dims[0])
		}
		return finish(c, in, x, fmt.Sprintf("mobilenetv2_%.2f_%s", alpha, rows))
	})
}

func mobileBN(name string) nn.Layer {
	return nn.BatchNormalization(nn.WithEpsilon(1e-3), nn.WithMomentum(0.999), nn.WithName(name))
}

// invertedResBlock is Keras's _inverted_res_block: expand (1×1, but not in block 0), depthwise
// 3×3, project (1×1, linear), and a residual connection when the shape is kept.
func (b *builder) invertedResBlock(in *models.Symbolic, expansion, stride int, alpha float64, filters, id int) *models.Symbolic {
	inChannels := in.Shape()[3]
	pointwise := makeDivisible(float64(int(float64(filters)*alpha)), 8)
	x := in
	prefix := "block_" + strconv.Itoa(id) + "_"
	if id > 0 {
		x = b.seq(x,
			nn.Conv2D(expansion*inChannels, 1, nn.WithPadding("same"), nn.WithUseBias(false), nn.WithName(prefix+"expand")),
			mobileBN(prefix+"expand_BN"),
			newReLU(6, nn.WithName(prefix+"expand_relu")))
	} else {
		prefix = "expanded_conv_"
	}
	padding := "same"
	if stride == 2 {
		top, bottom, left, right := correctPad(x.Shape(), 3)
		x = b.call(newZeroPadding2D(top, bottom, left, right, nn.WithName(prefix+"pad")), x)
		padding = "valid"
	}
	x = b.seq(x,
		nn.DepthwiseConv2D(3, nn.WithStrides(stride), nn.WithUseBias(false), nn.WithPadding(padding), nn.WithName(prefix+"depthwise")),
		mobileBN(prefix+"depthwise_BN"),
		newReLU(6, nn.WithName(prefix+"depthwise_relu")),
		nn.Conv2D(pointwise, 1, nn.WithPadding("same"), nn.WithUseBias(false), nn.WithName(prefix+"project")),
		mobileBN(prefix+"project_BN"))
	if inChannels == pointwise && stride == 1 {
		return b.call(nn.Add(nn.WithName(prefix+"add")), in, x)
	}
	return x
}

// makeDivisible is Keras's _make_divisible: v rounded to the nearest multiple of divisor (at
// least divisor), one more multiple if rounding lost more than 10%.
func makeDivisible(v float64, divisor int) int {
	n := max(divisor, int(v+float64(divisor)/2)/divisor*divisor)
	if float64(n) < 0.9*v {
		n += divisor
	}
	return n
}

// correctPad is Keras's imagenet_utils.correct_pad for a kernel of size k on [batch, h, w, c]
// images: the zero padding (top, bottom, left, right) before a stride-2 "valid" convolution
// that matches TensorFlow's "same" padding, (0, 1) on each axis of unknown size.
func correctPad(s []int, k int) (top, bottom, left, right int) {
	adjust := [2]int{1, 1}
	if s[1] >= 0 { // Keras looks at the height only to decide
		adjust = [2]int{1 - s[1]%2, 1 - s[2]%2}
		if s[2] < 0 {
			adjust[1] = 1 // Keras would fail on None % 2; pad as for an even width
		}
	}
	return k/2 - adjust[0], k / 2, k/2 - adjust[1], k / 2
}
