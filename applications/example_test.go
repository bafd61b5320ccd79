package applications_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tideml/tide/applications"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/tensor"
)

func params(m *models.Model) int { return nn.CountParams(m) }

func ExampleMobileNetV2() {
	model, err := applications.MobileNetV2()
	if err != nil {
		panic(err)
	}
	fmt.Println(model.Name(), model.InputSpecs()[0].Shape, model.OutputSpecs()[0].Shape)
	fmt.Println(params(model), "parameters in", len(model.Layers()), "layers")
	// Output:
	// mobilenetv2_1.00_224 [? 224 224 3] [? 1000]
	// 3538984 parameters in 156 layers
}

// A ResNet50 without its classifier turns images into 2048 features each.
func ExampleResNet50() {
	model, err := applications.ResNet50(
		applications.IncludeTop(false),
		applications.Pooling("avg"),
		applications.InputShape(64, 64, 3))
	if err != nil {
		panic(err)
	}
	images := tensor.Full(dtype.Float32, 128, 2, 64, 64, 3) // two grey 64×64 images
	features := model.Call(nn.Inference, applications.PreprocessInput(images, applications.Caffe))[0]
	fmt.Println(features.Shape())
	fmt.Println(params(model))
	// Output:
	// [2 2048]
	// 23587712
}

func ExampleInceptionV3() {
	model, err := applications.InceptionV3(applications.Classes(10), applications.ClassifierActivation(""))
	if err != nil {
		panic(err)
	}
	fmt.Println(model.Name(), model.OutputSpecs()[0].Shape, params(model))
	fmt.Println(model.Layer("mixed10").Name(), model.Layer("conv2d_93") != nil)
	// Output:
	// inception_v3 [? 10] 21823274
	// mixed10 true
}

func ExampleVGG16() {
	// Without its 124M-parameter top, VGG16 is a 14.7M-parameter feature extractor.
	model, err := applications.VGG16(applications.IncludeTop(false), applications.InputShape(32, 32, 3))
	if err != nil {
		panic(err)
	}
	fmt.Println(model.OutputSpecs()[0].Shape, params(model))
	// Output:
	// [? 1 1 512] 14714688
}

// Weights loads a safetensors file keyed by Keras's weight names ("Conv1/kernel",
// "bn_Conv1/moving_mean", ...), here one written by SaveWeights.
func ExampleWeights() {
	dir, err := os.MkdirTemp("", "weights")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mobilenet_v2_0.35_96.safetensors")

	opts := []applications.Option{applications.Alpha(0.35), applications.InputShape(96, 96, 3)}
	trained, err := applications.MobileNetV2(opts...)
	if err != nil {
		panic(err)
	}
	if err := trained.SaveWeights(path); err != nil {
		panic(err)
	}
	model, err := applications.MobileNetV2(append(opts, applications.Weights(path))...)
	if err != nil {
		panic(err)
	}
	fmt.Println(model.Name(), len(model.Weights()), model.Weights()[0].Name())
	// Output:
	// mobilenetv2_0.35_96 262 Conv1/kernel
}

func ExampleNew() {
	for _, name := range applications.Names() {
		fmt.Println(name)
	}
	model, err := applications.New("mobilenet_v2", applications.IncludeTop(false), applications.InputShape(32, 32, 3))
	if err != nil {
		panic(err)
	}
	fmt.Println(model.Name(), model.OutputSpecs()[0].Shape)
	// Output:
	// inceptionv3
	// mobilenetv2
	// resnet50
	// vgg16
	// mobilenetv2_1.00_32 [? 1 1 1280]
}

func ExamplePreprocessInput() {
	pixel := tensor.FromSlice([]float32{255, 127.5, 0}, 1, 3) // red-ish, RGB in [0, 255]
	fmt.Println(applications.PreprocessInput(pixel, applications.TF).Float32s())
	fmt.Println(applications.PreprocessInput(pixel, applications.Caffe).Float32s()) // BGR, minus the mean
	// Output:
	// [1 0 -1]
	// [-103.939 10.721001 131.32]
}
