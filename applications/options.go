package applications

import (
	"errors"
	"fmt"
	"os"

	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn/activations"
)

// Option sets one of Keras's arguments of an application builder:
//
//	model, err := applications.ResNet50(applications.IncludeTop(false), applications.Pooling("avg"))
type Option func(*config)

// config holds Keras's arguments; newConfig gives Keras's defaults except weights (nil: Tide
// downloads nothing).
type config struct {
	includeTop  bool
	weights     string
	inputShape  []int
	inputTensor *models.Symbolic
	pooling     string
	classes     int
	activation  string
	alpha       float64
	name        string
}

func newConfig(opts []Option) *config {
	c := &config{includeTop: true, classes: 1000, activation: "softmax", alpha: 1}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// IncludeTop sets whether the classifier on top of the network is built (Keras's include_top;
// default true): VGG16's three fully-connected layers, the others' global average pooling and
// "predictions" layer.
func IncludeTop(b bool) Option { return func(c *config) { c.includeTop = b } }

// Weights loads the weights of a safetensors file into the built model (Keras's weights; default
// none: the layers' initializers). The file holds one tensor per variable under its Keras path,
// "<layer>/<weight>" ("block1_conv1/kernel", "conv1_bn/moving_mean"), with the model's shapes and
// dtypes, as [models.Model.SaveWeights] writes it. Keras's "imagenet" is an error: Tide
// downloads nothing; convert the Keras weights once (see the package documentation).
func Weights(path string) Option { return func(c *config) { c.weights = path } }

// InputShape sets the shape of one image (Keras's input_shape), channels last: height, width,
// channels; -1 for a height or width of any size (Keras's None, only without the top, and only
// once package ops infers "same" convolutions of unknown sizes). By default it is the network's
// native size, 224×224×3 (InceptionV3 299×299×3); without the top Keras's default is any size,
// which Tide cannot build yet.
func InputShape(height, width, channels int) Option {
	return func(c *config) { c.inputShape = []int{height, width, channels} }
}

// InputTensor builds the network on an existing input, made by models.Input (Keras's
// input_tensor), so that models can share it; InputShape is then ignored.
func InputTensor(x *models.Symbolic) Option { return func(c *config) { c.inputTensor = x } }

// Pooling sets the pooling of the features when the top is not included (Keras's pooling): ""
// (default) returns the last convolutional block's 4-D output, "avg" a global average pooling
// and "max" a global max pooling, both 2-D.
func Pooling(mode string) Option { return func(c *config) { c.pooling = mode } }

// Classes sets the number of classes of the top's "predictions" layer (Keras's classes;
// default 1000).
func Classes(n int) Option { return func(c *config) { c.classes = n } }

// ClassifierActivation sets the activation of the "predictions" layer by Keras name (Keras's
// classifier_activation; default "softmax"; "" or "linear" returns logits). With Weights only
// "softmax" and "" are allowed, as in Keras.
func ClassifierActivation(name string) Option { return func(c *config) { c.activation = name } }

// Alpha sets MobileNetV2's width multiplier (Keras's alpha; default 1.0): every block's filters
// are scaled by it, rounded to a multiple of 8. Other builders reject it.
func Alpha(a float64) Option { return func(c *config) { c.alpha = a } }

// Name sets the model's name (default Keras's: "vgg16", "resnet50", "inception_v3",
// "mobilenetv2_1.00_224").
func Name(name string) Option { return func(c *config) { c.name = name } }

// spec says what an architecture needs of the arguments.
type spec struct {
	builder     string // "VGG16", for errors
	defaultSize int    // native image size
	minSize     int    // smallest height and width
	alpha       bool   // accepts Alpha
}

// check validates the arguments as Keras does (and a little more: an unknown pooling mode or
// a non-positive class count are errors here, not ignored).
func (c *config) check(s spec) error {
	errf := func(format string, args ...any) error {
		return fmt.Errorf("applications: %s: "+format, append([]any{s.builder}, args...)...)
	}
	switch {
	case c.weights == "imagenet":
		return errf(`weights "imagenet" would need a download, which Tide does not do; convert Keras's weights to a safetensors file and pass its path`)
	case c.weights != "":
		if _, err := os.Stat(c.weights); err != nil {
			return errf("weights: %w", err)
		}
	}
	if !s.alpha && c.alpha != 1 {
		return errf("has no width multiplier (alpha %g)", c.alpha)
	}
	if c.alpha <= 0 {
		return errf("alpha must be positive, got %g", c.alpha)
	}
	switch c.pooling {
	case "", "avg", "max":
	default:
		return errf(`pooling must be "", "avg" or "max", got %q`, c.pooling)
	}
	if c.includeTop {
		if c.classes <= 0 {
			return errf("classes must be positive, got %d", c.classes)
		}
		if _, err := activations.Get(c.activation); c.activation != "" && err != nil {
			return errf("classifier_activation: %w", err)
		}
		if c.weights != "" && c.activation != "softmax" && c.activation != "" && c.activation != "linear" {
			return errf(`only "softmax" and "" (None) classifier activations are allowed with pretrained weights, got %q`, c.activation)
		}
	}
	return nil
}

// imageShape returns the shape of one input image, as Keras's obtain_input_shape (channels last,
// weights other than "imagenet"): the given shape checked against the minimum size, else the
// native size with the top (which flattens or classifies a known shape) and any size without.
func (c *config) imageShape(s spec) ([]int, error) {
	if c.inputTensor != nil {
		if err := c.inputTensor.Err(); err != nil {
			return nil, err
		}
		dims := c.inputTensor.Shape()
		if len(dims) != 4 {
			return nil, fmt.Errorf("applications: %s: input_tensor must be a batch of images (rank 4), got shape %v", s.builder, dims)
		}
		return dims[1:], nil
	}
	in := c.inputShape
	if in == nil {
		// Keras's default without the top is (None, None, 3), any size; ops.Conv cannot yet infer
		// the shape of a "same" convolution of an unknown size, so Tide takes the native size.
		return []int{s.defaultSize, s.defaultSize, 3}, nil
	}
	for _, d := range in[:2] {
		if d >= 0 && d < s.minSize {
			return nil, fmt.Errorf("applications: %s: input size must be at least %dx%d, got input_shape %v", s.builder, s.minSize, s.minSize, in)
		}
		if d < 0 && c.includeTop {
			return nil, fmt.Errorf("applications: %s: with include_top, input_shape must be static, got %v", s.builder, in)
		}
	}
	if in[2] <= 0 {
		return nil, fmt.Errorf("applications: %s: the number of channels must be positive, got input_shape %v", s.builder, in)
	}
	return in, nil
}

// errNoModel is returned by Build for an unknown name.
var errNoModel = errors.New("applications: unknown model")
