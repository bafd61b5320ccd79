package applications

import (
	"fmt"

	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
)

var vgg16Spec = spec{builder: "VGG16", defaultSize: 224, minSize: 32}

// VGG16 returns Keras's VGG16 (keras.applications.VGG16; Simonyan and Zisserman, "Very Deep
// Convolutional Networks for Large-Scale Image Recognition", 2015): five blocks of 3×3
// convolutions "block1_conv1" … "block5_conv3", each ending in a 2×2 max pooling
// "block<n>_pool", then with the top "flatten", "fc1", "fc2" (4096 units, relu) and
// "predictions". Options: IncludeTop, Weights, InputShape, InputTensor, Pooling, Classes,
// ClassifierActivation, Name.
//
// With the top it has 138,357,544 parameters at 224×224 (553 MB of float32, all made at once,
// 102,764,544 of them in fc1), 14,714,688 without. Inputs are expected preprocessed as
// PreprocessInput(x, Caffe). It returns an error for a bad argument or weights file.
func VGG16(opts ...Option) (*models.Model, error) {
	return build(vgg16Spec, opts, func(c *config, b *builder, dims []int) (*models.Model, error) {
		in := c.input(dims)
		x := in
		filters := []int{64, 128, 256, 512, 512}
		convs := []int{2, 2, 3, 3, 3}
		for blk := range 5 {
			for i := range convs[blk] {
				x = b.call(nn.Conv2D(filters[blk], 3, nn.WithActivation("relu"), nn.WithPadding("same"),
					nn.WithName(fmt.Sprintf("block%d_conv%d", blk+1, i+1))), x)
			}
			x = b.call(nn.MaxPooling2D(2, nn.WithStrides(2), nn.WithName(fmt.Sprintf("block%d_pool", blk+1))), x)
		}
		if c.includeTop {
			x = b.seq(x,
				nn.Flatten(nn.WithName("flatten")),
				nn.Dense(4096, nn.WithActivation("relu"), nn.WithName("fc1")),
				nn.Dense(4096, nn.WithActivation("relu"), nn.WithName("fc2")),
				nn.Dense(c.classes, nn.WithActivation(c.activation), nn.WithName("predictions")))
		} else {
			x = b.pool(c, x, b.auto("global_average_pooling2d"), b.auto("global_max_pooling2d"))
		}
		return finish(c, in, x, "vgg16")
	})
}
