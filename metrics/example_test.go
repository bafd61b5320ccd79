package metrics_test

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/metrics"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// A metric accumulates over batches until Reset; the numbers are those of Keras's AUC
// documentation.
func ExampleAUC() {
	m := metrics.AUC(metrics.NumThresholds(3))
	m.Update(tensor.FromSlice([]float32{0, 0, 1, 1}), tensor.FromSlice([]float32{0, 0.5, 0.3, 0.9}), nil)
	fmt.Printf("%.2f\n", metrics.Value(m))

	m.Reset()
	m.Update(tensor.FromSlice([]float32{0, 0, 1, 1}), tensor.FromSlice([]float32{0, 0.5, 0.3, 0.9}),
		tensor.FromSlice([]float32{1, 0, 0, 1}))
	fmt.Printf("%.2f\n", metrics.Value(m))
	// Output:
	// 0.75
	// 1.00
}

func ExampleSparseCategoricalAccuracy() {
	m := metrics.SparseCategoricalAccuracy()
	probs := tensor.FromRows([][]float32{{0.1, 0.6, 0.3}, {0.05, 0.95, 0}})
	m.Update(tensor.FromSlice([]int64{2, 1}), probs, nil)
	fmt.Printf("%.2f\n", metrics.Value(m))
	m.Update(tensor.FromSlice([]int64{1, 1}), probs, tensor.FromSlice([]float32{3, 0}))
	fmt.Printf("%.2f\n", metrics.Value(m)) // (0 + 1 + 3·1 + 0·1) / (1 + 1 + 3 + 0)
	// Output:
	// 0.50
	// 0.80
}

// Precision with several thresholds gives one value per threshold.
func ExamplePrecision() {
	m := metrics.Precision(metrics.Thresholds(0.3, 0.5, 0.7))
	m.Update(tensor.FromSlice([]float32{0, 1, 1, 1}), tensor.FromSlice([]float32{0.4, 0.2, 0.6, 0.8}), nil)
	fmt.Printf("%.4f\n", m.Result().Float64s())
	// Output: [0.6667 1.0000 1.0000]
}

func ExampleF1Score() {
	m := metrics.F1Score(metrics.Threshold(0.5))
	yTrue := tensor.FromRows([][]float32{{1, 1, 1}, {1, 0, 0}, {1, 1, 0}})
	yPred := tensor.FromRows([][]float32{{0.2, 0.6, 0.7}, {0.2, 0.6, 0.6}, {0.6, 0.8, 0.0}})
	m.Update(yTrue, yPred, nil)
	fmt.Printf("%.4f\n", m.Result().Float64s())
	// Output: [0.5000 0.8000 0.6667]
}

func ExampleMeanIoU() {
	m := metrics.MeanIoU(2)
	m.Update(tensor.FromSlice([]int64{0, 0, 1, 1}), tensor.FromSlice([]int64{0, 1, 0, 1}), nil)
	fmt.Printf("%.4f\n", metrics.Value(m))
	fmt.Println(m.ConfusionMatrix())
	// Output:
	// 0.3333
	// [[1. 1.]
	//  [1. 1.]]
}

// An evaluation step compiled once for any batch size updates the metric's variables by
// write-backs after each call.
func ExampleMetric_compiled() {
	acc := metrics.BinaryAccuracy()
	step := graph.Compile(func(yTrue, yPred *tensor.Tensor) *tensor.Tensor {
		acc.Update(yTrue, yPred, nil)
		return yPred
	}, graph.InputSpecs(
		core.Spec{DType: dtype.Float32, Shape: shape.Of(-1, 1)},
		core.Spec{DType: dtype.Float32, Shape: shape.Of(-1, 1)}))
	step.Call(tensor.FromSlice([]float32{1, 1, 0, 0}, 4, 1), tensor.FromSlice([]float32{0.98, 1, 0, 0.6}, 4, 1))
	step.Call(tensor.FromSlice([]float32{1, 0}, 2, 1), tensor.FromSlice([]float32{0.7, 0.2}, 2, 1))
	fmt.Printf("%.4f after %d trace\n", metrics.Value(acc), step.Traces())
	// Output: 0.8333 after 1 trace
}

func ExampleConfusionMatrix() {
	cm := metrics.ConfusionMatrix(tensor.FromSlice([]int64{0, 1, 2, 2}), tensor.FromSlice([]int64{0, 2, 2, 1}), 3, nil)
	fmt.Println(cm)
	// Output:
	// [[1 0 0]
	//  [0 0 1]
	//  [0 1 1]]
}
