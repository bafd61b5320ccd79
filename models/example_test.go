package models_test

import (
	"context"
	"fmt"
	"os"

	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

func ExampleSequential() {
	model := models.Sequential(
		models.Input(784),
		nn.Dense(128, nn.WithActivation("relu")),
		nn.Dropout(0.2),
		nn.Dense(10),
	)
	if err := model.Summary(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// Model: "sequential"
	// ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
	// ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
	// ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
	// │ dense (Dense)                   │ (None, 128)            │       100,480 │
	// ├─────────────────────────────────┼────────────────────────┼───────────────┤
	// │ dropout (Dropout)               │ (None, 128)            │             0 │
	// ├─────────────────────────────────┼────────────────────────┼───────────────┤
	// │ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
	// └─────────────────────────────────┴────────────────────────┴───────────────┘
	//  Total params: 101,770 (397.54 KB)
	//  Trainable params: 101,770 (397.54 KB)
	//  Non-trainable params: 0 (0.00 B)
}

func ExampleFunctional() {
	models.ResetNames()
	in := models.Input(4)
	h := models.Apply(nn.Dense(8, nn.WithActivation("relu")), in)
	score := models.Apply(nn.Dense(1, nn.WithName("score")), h)
	class := models.Apply(nn.Dense(3, nn.WithName("class")), h)
	model, err := models.Functional([]*models.Symbolic{in}, []*models.Symbolic{score, class})
	if err != nil {
		panic(err)
	}
	fmt.Println(model.OutputSpecs())
	outs, err := model.PredictOnBatch(tensor.Ones(6, 2, 4))
	fmt.Println(outs[0].Shape(), outs[1].Shape(), err)
	// Output:
	// [float32[? 1] float32[? 3]]
	// [2 1] [2 3] <nil>
}

func ExampleModel_Fit() {
	// y = 2x - 1 from 64 points, fitted by one Dense unit.
	xs := make([]float32, 64)
	ys := make([]float32, 64)
	for i := range xs {
		xs[i] = float32(i)/32 - 1
		ys[i] = 2*xs[i] - 1
	}
	model := models.Sequential(models.Input(1), nn.Dense(1))
	if err := model.Compile(optim.SGD(optim.LearningRate(0.1)), losses.MeanSquaredError()); err != nil {
		panic(err)
	}
	hist, err := model.Fit(context.Background(),
		models.Arrays(tensor.FromSlice(xs, 64, 1), tensor.FromSlice(ys, 64, 1)),
		models.Epochs(40), models.BatchSize(16), models.Verbose(0))
	if err != nil {
		panic(err)
	}
	loss, _ := hist.Last("loss")
	w := model.Weights()
	fmt.Printf("epochs %d, loss < 1e-4: %v, w %.2f, b %.2f\n", len(hist.Epoch), loss < 1e-4, w[0].Value().Item(), w[1].Value().Item())
	// Output:
	// epochs 40, loss < 1e-4: true, w 2.00, b -1.00
}
