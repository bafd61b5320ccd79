package applications

import (
	"strconv"

	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
)

var resnet50Spec = spec{builder: "ResNet50", defaultSize: 224, minSize: 32}

// ResNet50 returns Keras's ResNet50 (keras.applications.ResNet50; He et al., "Deep Residual
// Learning for Image Recognition", 2015): a 7×7 stem ("conv1_pad", "conv1_conv", "conv1_bn",
// "conv1_relu", "pool1_pad", "pool1_pool"), then four stacks "conv2" … "conv5" of 3, 4, 6 and 3
// bottleneck blocks ("conv2_block1_1_conv", "conv2_block1_0_conv" for the projection shortcut,
// "conv2_block1_add", "conv2_block1_out", ...), batch normalisation with epsilon 1.001e-5, then
// with the top "avg_pool" and "predictions". Options: IncludeTop, Weights, InputShape,
// InputTensor, Pooling ("avg_pool" or "max_pool"), Classes, ClassifierActivation, Name.
//
// It has 25,636,712 parameters with the top (53,120 of them non-trainable moving statistics),
// 23,587,712 without. Inputs are expected preprocessed as PreprocessInput(x, Caffe). It returns
// an error for a bad argument or weights file.
func ResNet50(opts ...Option) (*models.Model, error) {
	return build(resnet50Spec, opts, func(c *config, b *builder, dims []int) (*models.Model, error) {
		in := c.input(dims)
		x := b.seq(in,
			newZeroPadding2D(3, 3, 3, 3, nn.WithName("conv1_pad")),
			nn.Conv2D(64, 7, nn.WithStrides(2), nn.WithName("conv1_conv")),
			resnetBN("conv1_bn"),
			nn.Activation("relu", nn.WithName("conv1_relu")),
			newZeroPadding2D(1, 1, 1, 1, nn.WithName("pool1_pad")),
			nn.MaxPooling2D(3, nn.WithStrides(2), nn.WithName("pool1_pool")))
		x = b.resnetStack(x, 64, 3, 1, "conv2")
		x = b.resnetStack(x, 128, 4, 2, "conv3")
		x = b.resnetStack(x, 256, 6, 2, "conv4")
		x = b.resnetStack(x, 512, 3, 2, "conv5")
		if c.includeTop {
			x = b.classifier(c, x, "avg_pool")
		} else {
			x = b.pool(c, x, "avg_pool", "max_pool")
		}
		return finish(c, in, x, "resnet50")
	})
}

func resnetBN(name string) nn.Layer {
	return nn.BatchNormalization(nn.WithEpsilon(1.001e-5), nn.WithName(name))
}

// resnetStack is Keras's stack_residual_blocks_v1: blocks bottleneck blocks, the first with a
// projection shortcut and stride1.
func (b *builder) resnetStack(x *models.Symbolic, filters, blocks, stride1 int, name string) *models.Symbolic {
	x = b.resnetBlock(x, filters, stride1, true, name+"_block1")
	for i := 2; i <= blocks; i++ {
		x = b.resnetBlock(x, filters, 1, false, name+"_block"+strconv.Itoa(i))
	}
	return x
}

// resnetBlock is Keras's residual_block_v1 with a 3×3 bottleneck.
func (b *builder) resnetBlock(x *models.Symbolic, filters, stride int, convShortcut bool, name string) *models.Symbolic {
	shortcut := x
	if convShortcut {
		shortcut = b.seq(x,
			nn.Conv2D(4*filters, 1, nn.WithStrides(stride), nn.WithName(name+"_0_conv")),
			resnetBN(name+"_0_bn"))
	}
	x = b.seq(x,
		nn.Conv2D(filters, 1, nn.WithStrides(stride), nn.WithName(name+"_1_conv")),
		resnetBN(name+"_1_bn"),
		nn.Activation("relu", nn.WithName(name+"_1_relu")),
		nn.Conv2D(filters, 3, nn.WithPadding("same"), nn.WithName(name+"_2_conv")),
		resnetBN(name+"_2_bn"),
		nn.Activation("relu", nn.WithName(name+"_2_relu")),
		nn.Conv2D(4*filters, 1, nn.WithName(name+"_3_conv")),
		resnetBN(name+"_3_bn"))
	x = b.call(nn.Add(nn.WithName(name+"_add")), shortcut, x)
	return b.call(nn.Activation("relu", nn.WithName(name+"_out")), x)
}
