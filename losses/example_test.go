package losses_test

import (
	"fmt"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/tensor"
)

// The examples of Keras's CategoricalCrossentropy documentation give the same numbers.
func ExampleCategoricalCrossentropy() {
	yTrue := tensor.FromRows([][]float32{{0, 1, 0}, {0, 0, 1}})
	yPred := tensor.FromRows([][]float32{{0.05, 0.95, 0}, {0.1, 0.8, 0.1}})

	cce := losses.CategoricalCrossentropy()
	fmt.Printf("%.3f\n", cce.Compute(yTrue, yPred, nil).Item())
	fmt.Printf("%.3f\n", cce.Compute(yTrue, yPred, tensor.FromSlice([]float32{0.3, 0.7})).Item())
	sum := losses.CategoricalCrossentropy(losses.WithReduction(losses.Sum))
	fmt.Printf("%.3f\n", sum.Compute(yTrue, yPred, nil).Item())
	none := losses.CategoricalCrossentropy(losses.WithReduction(losses.None))
	fmt.Printf("%.4f\n", none.Compute(yTrue, yPred, nil).Float64s())
	// Output:
	// 1.177
	// 0.814
	// 2.354
	// [0.0513 2.3026]
}

func ExampleBinaryCrossentropy() {
	yTrue := tensor.FromRows([][]float32{{0, 1}, {0, 0}})
	yPred := tensor.FromRows([][]float32{{0.6, 0.4}, {0.4, 0.6}})
	bce := losses.BinaryCrossentropy()
	fmt.Printf("%.3f\n", bce.Compute(yTrue, yPred, nil).Item())
	fmt.Printf("%.3f\n", bce.Compute(yTrue, yPred, tensor.FromSlice([]float32{1, 0})).Item())

	logits := tensor.FromRows([][]float32{{18.6, 0.51}, {2.94, -12.8}})
	fmt.Printf("%.3f\n", losses.BinaryCrossentropy(losses.FromLogits()).Compute(yTrue, logits, nil).Item())
	// Output:
	// 0.815
	// 0.458
	// 5.515
}

// A training loss takes the gradient of the reduced loss with respect to the logits.
func ExampleSparseCategoricalCrossentropy() {
	labels := tensor.FromSlice([]int64{2, 0})
	logits := autodiff.Watch(tensor.FromRows([][]float64{{1, 2, 3}, {0, 0, 0}}))
	loss := losses.SparseCategoricalCrossentropy(losses.FromLogits()).Compute(labels, logits, nil)
	fmt.Printf("loss %.4f\n", loss.Item())
	g := autodiff.Grad(loss, logits)[0]
	fmt.Printf("%.4f\n", g.Float64s())
	// Output:
	// loss 0.7531
	// [0.0450 0.1224 -0.1674 -0.3333 0.1667 0.1667]
}

func ExampleHuber() {
	yTrue := tensor.FromRows([][]float32{{0, 1}, {0, 0}})
	yPred := tensor.FromRows([][]float32{{0.6, 0.4}, {0.4, 0.6}})
	fmt.Printf("%.3f\n", losses.Huber().Compute(yTrue, yPred, nil).Item())
	fmt.Printf("%.3f\n", losses.Huber(losses.Delta(0.5)).Compute(yTrue, yPred, nil).Item())
	// Output:
	// 0.155
	// 0.151
}

// CTCLoss scores a label sequence against per-step logits over all alignments; here two
// samples with different numbers of labels and steps.
func ExampleCTCLoss() {
	labels := tensor.FromRows([][]int64{{1, 2}, {1, 0}})
	logits := tensor.Zeros(dtype.Float64, 2, 4, 3) // uniform over blank, 1 and 2
	l := losses.CTCLoss(labels, logits, tensor.FromSlice([]int64{2, 1}), tensor.FromSlice([]int64{4, 2}), 0, false)
	fmt.Printf("%.4f\n", l.Float64s())
	// Output:
	// [1.6864 1.0986]
}

func ExampleGet() {
	l, err := losses.Get("mse")
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Name(), l.Config()["reduction"])
	// Output: mean_squared_error sum_over_batch_size
}
