package nn_test

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func ExampleDense() {
	fc := nn.Dense(2, nn.WithActivation("relu"), nn.WithKernelInitializer(initializers.Ones()),
		nn.WithBiasInitializer(initializers.Constant(-4)))
	x := tensor.FromRows([][]float32{{1, 2, 3}, {0, 1, 0}})
	y := nn.Apply(fc, nn.Inference, x)
	fmt.Println(y)
	fmt.Println(fc.Kernel().Name(), fc.Kernel().Shape(), nn.CountParams(fc))
	// Output:
	// [[2. 2.]
	//  [0. 0.]]
	// dense/kernel [3 2] 8
}

func ExampleConv2D() {
	// A small convolutional feature extractor applied to a batch of 28×28 grey images.
	layers := []nn.Layer{
		nn.Conv2D(32, 3, nn.WithActivation("relu")),
		nn.MaxPooling2D(2),
		nn.Conv2D(64, 3, nn.WithActivation("relu"), nn.WithPadding("same")),
		nn.GlobalAveragePooling2D(),
		nn.Dense(10),
	}
	x := tensor.Zeros(dtype.Float32, 4, 28, 28, 1)
	for _, l := range layers {
		x = nn.Apply(l, nn.Inference, x)
		fmt.Printf("%-26s %-14v %6d\n", l.Name(), x.Shape(), nn.CountParams(l))
	}
	// Output:
	// conv2d                     [4 26 26 32]      320
	// max_pooling2d              [4 13 13 32]        0
	// conv2d                     [4 13 13 64]    18496
	// global_average_pooling2d   [4 64]              0
	// dense                      [4 10]            650
}

func ExampleOutputSpecs() {
	// Shapes with an unknown batch dimension, without computing anything.
	conv := nn.Conv2DTranspose(8, 3, nn.WithStrides(2), nn.WithPadding("same"))
	specs, err := nn.OutputSpecs(conv, nn.Inference, core.Spec{DType: dtype.Float32, Shape: []int{-1, 7, 7, 16}})
	fmt.Println(specs[0], err, nn.CountParams(conv))
	// Output:
	// float32[? 14 14 8] <nil> 1160
}

func ExampleBatchNormalization() {
	bn := nn.BatchNormalization(nn.WithMomentum(0.5))
	x := tensor.FromRows([][]float32{{1, 10}, {3, 30}})
	y := nn.Apply(bn, nn.Training, x) // batch statistics; the moving averages move halfway
	fmt.Printf("%.3f\n", y.Float64s())
	fmt.Println(bn.MovingMean().Value(), bn.MovingVariance().Value())
	// Output:
	// [-1.000 -1.000 1.000 1.000]
	// [ 1. 10.] [ 1.  50.5]
}

func ExampleDropout() {
	d := nn.Dropout(0.5, nn.WithSeed(1))
	x := tensor.Ones(dtype.Float32, 8)
	fmt.Println(nn.Apply(d, nn.Inference, x))
	step0 := nn.Apply(d, nn.Context{Training: true, Step: tensor.Scalar[int64](0)}, x)
	step1 := nn.Apply(d, nn.Context{Training: true, Step: tensor.Scalar[int64](1)}, x)
	fmt.Println(ops.Sum(step0).Item() > 0, tensor.Equal(step0, step1))
	// Output:
	// [1. 1. 1. 1. 1. 1. 1. 1.]
	// true false
}

func ExampleEmbedding() {
	e := nn.Embedding(100, 4, nn.WithMaskZero(true))
	ids := tensor.FromRows([][]int64{{5, 7, 0}, {9, 0, 0}})
	fmt.Println(nn.Apply(e, nn.Inference, ids).Shape())
	fmt.Println(e.ComputeMask(ids))
	// Output:
	// [2 3 4]
	// [[ True  True False]
	//  [ True False False]]
}

func ExampleConcatenate() {
	a := tensor.FromRows([][]float32{{1, 2}})
	b := tensor.FromRows([][]float32{{3}})
	fmt.Println(nn.Concatenate().Call(nn.Inference, a, b)[0])
	fmt.Println(nn.Add().Call(nn.Inference, a, a)[0])
	// Output:
	// [[1. 2. 3.]]
	// [[2. 4.]]
}

// scale is a custom layer: a learned per-feature factor.
type scale struct {
	nn.Base
	w *autodiff.Variable
}

func newScale(opts ...nn.Option) *scale {
	s := &scale{}
	s.Init("Scale", "scale", opts...)
	return s
}

func (s *scale) Call(_ nn.Context, in ...*tensor.Tensor) []*tensor.Tensor {
	s.BuildOnce(func() { s.w = s.AddWeight("w", in[0].Shape()[1:], initializers.Constant(2)) })
	return s.Finish(ops.Mul(in[0], s.w.Value()))
}

func ExampleBase_Init() {
	var l nn.Layer = newScale(nn.WithName("double"))
	fmt.Println(nn.Apply(l, nn.Inference, tensor.FromRows([][]float32{{1, 2, 3}})))
	fmt.Println(l.Weights()[0].Name(), l.Config()["name"])
	// Output:
	// [[2. 4. 6.]]
	// double/w double
}
