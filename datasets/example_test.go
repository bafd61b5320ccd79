package datasets_test

import (
	"context"
	"fmt"

	"github.com/tideml/tide/datasets"
)

func ExampleMNIST() {
	train, test, err := datasets.MNIST()
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Spec(), train.Cardinality(), test.Cardinality())
	batches, err := test.Batch(4).Take(1).Collect(context.Background())
	if err != nil {
		panic(err)
	}
	x, y := batches[0].At(0), batches[0].At(1)
	fmt.Println(x.Shape(), y)
	// Output:
	// (float32[28 28 1], int64[]) 60000 10000
	// [4 28 28 1] [7 2 1 0]
}
