package applications

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// PreprocessMode names one of Keras's ways of preparing images for pretrained weights
// (keras.applications.imagenet_utils.preprocess_input's mode).
type PreprocessMode string

// The modes, and the applications whose weights expect them.
const (
	// Caffe converts RGB to BGR and subtracts ImageNet's mean pixel (103.939, 116.779, 123.68),
	// without scaling: VGG16, ResNet50.
	Caffe PreprocessMode = "caffe"
	// TF scales pixels from [0, 255] to [-1, 1]: InceptionV3, MobileNetV2.
	TF PreprocessMode = "tf"
	// Torch scales pixels to [0, 1], then normalises each channel with ImageNet's mean
	// (0.485, 0.456, 0.406) and standard deviation (0.229, 0.224, 0.225).
	Torch PreprocessMode = "torch"
)

// PreprocessInput returns images x (channels last, RGB, pixels in [0, 255]; any rank, the last
// axis the channels) prepared for pretrained weights in the given mode, as Keras's
// preprocess_input. Integer inputs are converted to float32 first; x is not modified. It works
// eagerly and on symbolic tensors. It panics with a *core.Error for an unknown mode, or when the
// Caffe and Torch modes get a last axis other than 3 channels.
func PreprocessInput(x *tensor.Tensor, mode PreprocessMode) *tensor.Tensor {
	if !x.DType().IsFloat() {
		x = ops.Cast(x, dtype.Float32)
	}
	switch mode {
	case TF:
		return ops.AddScalar(ops.MulScalar(x, 1/127.5), -1)
	case Caffe, Torch:
	default:
		panic(core.Errorf("applications.PreprocessInput", "unknown mode %q (want caffe, tf or torch)", mode))
	}
	if x.Rank() == 0 || x.Shape()[x.Rank()-1] != 3 {
		panic(core.Errorf("applications.PreprocessInput", "mode %s needs 3 channels on the last axis, got shape %v", mode, x.Shape()))
	}
	perChannel := func(v [3]float32) *tensor.Tensor {
		return ops.Cast(tensor.FromSlice(v[:], 3), x.DType())
	}
	if mode == Caffe {
		return ops.Sub(ops.Flip(x, -1), perChannel([3]float32{103.939, 116.779, 123.68}))
	}
	x = ops.MulScalar(x, 1.0/255)
	return ops.Div(ops.Sub(x, perChannel([3]float32{0.485, 0.456, 0.406})), perChannel([3]float32{0.229, 0.224, 0.225}))
}
