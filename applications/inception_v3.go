package applications

import (
	"strconv"

	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
)

var inceptionV3Spec = spec{builder: "InceptionV3", defaultSize: 299, minSize: 75}

// InceptionV3 returns Keras's InceptionV3 (keras.applications.InceptionV3; Szegedy et al.,
// "Rethinking the Inception Architecture for Computer Vision", 2016): a stem of five
// convolutions and two max poolings, then the Inception modules "mixed0" … "mixed10"
// (concatenations of 1×1, 5×5, factorised 7×7 and 3×3 branches), then with the top "avg_pool" and
// "predictions". Every convolution is conv2d_bn: a Conv2D without bias, a BatchNormalization
// without scale and a relu Activation. Keras leaves them unnamed, so they take the names of a
// fresh Keras session — "conv2d", "conv2d_1", … "conv2d_93", "batch_normalization_k",
// "activation_k", "max_pooling2d", "average_pooling2d_k", "concatenate" — the same in every
// model built, so that weight files keyed by them load. Options: IncludeTop, Weights,
// InputShape (at least 75×75), InputTensor, Pooling, Classes, ClassifierActivation, Name.
//
// With the top it has 23,851,784 parameters, 34,432 of them non-trainable (the moving
// statistics), 21,802,784 without. Inputs are expected preprocessed as PreprocessInput(x, TF).
// It returns an error for a bad argument or weights file.
func InceptionV3(opts ...Option) (*models.Model, error) {
	return build(inceptionV3Spec, opts, func(c *config, b *builder, dims []int) (*models.Model, error) {
		in := c.input(dims)
		x := b.convBN(in, 32, 3, 3, 2, "valid")
		x = b.convBN(x, 32, 3, 3, 1, "valid")
		x = b.convBN(x, 64, 3, 3, 1, "same")
		x = b.maxPool3(x)
		x = b.convBN(x, 80, 1, 1, 1, "valid")
		x = b.convBN(x, 192, 3, 3, 1, "valid")
		x = b.maxPool3(x)

		// mixed 0, 1, 2: 35 × 35 × 256, 288, 288.
		for i, poolFilters := range []int{32, 64, 64} {
			x = b.inceptionA(x, poolFilters, "mixed"+strconv.Itoa(i))
		}
		// mixed 3: 17 × 17 × 768.
		x = b.inceptionB(x)
		// mixed 4, 5, 6, 7: 17 × 17 × 768.
		for i, f := range []int{128, 160, 160, 192} {
			x = b.inceptionC(x, f, "mixed"+strconv.Itoa(4+i))
		}
		// mixed 8: 8 × 8 × 1280.
		x = b.inceptionD(x)
		// mixed 9, 10: 8 × 8 × 2048.
		for i := range 2 {
			x = b.inceptionE(x, i)
		}
		if c.includeTop {
			x = b.classifier(c, x, "avg_pool")
		} else {
			x = b.pool(c, x, b.auto("global_average_pooling2d"), b.auto("global_max_pooling2d"))
		}
		return finish(c, in, x, "inception_v3")
	})
}

// convBN is Keras's conv2d_bn: Conv2D (rows × cols, no bias), BatchNormalization (no scale),
// relu.
func (b *builder) convBN(x *models.Symbolic, filters, rows, cols, stride int, padding string) *models.Symbolic {
	return b.seq(x,
		nn.Conv2D(filters, rows, nn.WithKernelSize(rows, cols), nn.WithStrides(stride), nn.WithPadding(padding),
			nn.WithUseBias(false), nn.WithName(b.auto("conv2d"))),
		nn.BatchNormalization(nn.WithScale(false), nn.WithName(b.auto("batch_normalization"))),
		nn.Activation("relu", nn.WithName(b.auto("activation"))))
}

func (b *builder) maxPool3(x *models.Symbolic) *models.Symbolic {
	return b.call(nn.MaxPooling2D(3, nn.WithStrides(2), nn.WithName(b.auto("max_pooling2d"))), x)
}

func (b *builder) avgPool3(x *models.Symbolic) *models.Symbolic {
	return b.call(nn.AveragePooling2D(3, nn.WithStrides(1), nn.WithPadding("same"), nn.WithName(b.auto("average_pooling2d"))), x)
}

func (b *builder) concat(name string, xs ...*models.Symbolic) *models.Symbolic {
	return b.call(nn.Concatenate(nn.WithAxis(3), nn.WithName(name)), xs...)
}

// inceptionA is mixed0-2: 1×1, 5×5, double 3×3 and pooled branches.
func (b *builder) inceptionA(x *models.Symbolic, poolFilters int, name string) *models.Symbolic {
	b1 := b.convBN(x, 64, 1, 1, 1, "same")
	b5 := b.convBN(x, 48, 1, 1, 1, "same")
	b5 = b.convBN(b5, 64, 5, 5, 1, "same")
	b3 := b.convBN(x, 64, 1, 1, 1, "same")
	b3 = b.convBN(b3, 96, 3, 3, 1, "same")
	b3 = b.convBN(b3, 96, 3, 3, 1, "same")
	bp := b.convBN(b.avgPool3(x), poolFilters, 1, 1, 1, "same")
	return b.concat(name, b1, b5, b3, bp)
}

// inceptionB is mixed3: the grid reduction to 17 × 17.
func (b *builder) inceptionB(x *models.Symbolic) *models.Symbolic {
	b3 := b.convBN(x, 384, 3, 3, 2, "valid")
	bd := b.convBN(x, 64, 1, 1, 1, "same")
	bd = b.convBN(bd, 96, 3, 3, 1, "same")
	bd = b.convBN(bd, 96, 3, 3, 2, "valid")
	bp := b.maxPool3(x)
	return b.concat("mixed3", b3, bd, bp)
}

// inceptionC is mixed4-7: factorised 7×7 branches of f filters.
func (b *builder) inceptionC(x *models.Symbolic, f int, name string) *models.Symbolic {
	b1 := b.convBN(x, 192, 1, 1, 1, "same")
	b7 := b.convBN(x, f, 1, 1, 1, "same")
	b7 = b.convBN(b7, f, 1, 7, 1, "same")
	b7 = b.convBN(b7, 192, 7, 1, 1, "same")
	bd := b.convBN(x, f, 1, 1, 1, "same")
	bd = b.convBN(bd, f, 7, 1, 1, "same")
	bd = b.convBN(bd, f, 1, 7, 1, "same")
	bd = b.convBN(bd, f, 7, 1, 1, "same")
	bd = b.convBN(bd, 192, 1, 7, 1, "same")
	bp := b.convBN(b.avgPool3(x), 192, 1, 1, 1, "same")
	return b.concat(name, b1, b7, bd, bp)
}

// inceptionD is mixed8: the grid reduction to 8 × 8.
func (b *builder) inceptionD(x *models.Symbolic) *models.Symbolic {
	b3 := b.convBN(x, 192, 1, 1, 1, "same")
	b3 = b.convBN(b3, 320, 3, 3, 2, "valid")
	b7 := b.convBN(x, 192, 1, 1, 1, "same")
	b7 = b.convBN(b7, 192, 1, 7, 1, "same")
	b7 = b.convBN(b7, 192, 7, 1, 1, "same")
	b7 = b.convBN(b7, 192, 3, 3, 2, "valid")
	bp := b.maxPool3(x)
	return b.concat("mixed8", b3, b7, bp)
}

// inceptionE is mixed9 and mixed10 (i = 0, 1): expanded 3×3 branches.
func (b *builder) inceptionE(x *models.Symbolic, i int) *models.Symbolic {
	b1 := b.convBN(x, 320, 1, 1, 1, "same")
	b3 := b.convBN(x, 384, 1, 1, 1, "same")
	b31 := b.convBN(b3, 384, 1, 3, 1, "same")
	b32 := b.convBN(b3, 384, 3, 1, 1, "same")
	b3 = b.concat("mixed9_"+strconv.Itoa(i), b31, b32)
	bd := b.convBN(x, 448, 1, 1, 1, "same")
	bd = b.convBN(bd, 384, 3, 3, 1, "same")
	bd1 := b.convBN(bd, 384, 1, 3, 1, "same")
	bd2 := b.convBN(bd, 384, 3, 1, 1, "same")
	bd = b.concat(b.auto("concatenate"), bd1, bd2)
	bp := b.convBN(b.avgPool3(x), 192, 1, 1, 1, "same")
	return b.concat("mixed"+strconv.Itoa(9+i), b1, b3, bd, bp)
}
