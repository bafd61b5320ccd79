package initializers_test

import (
	"fmt"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/initializers"
)

func Example() {
	w := initializers.GlorotUniform().Init(42, dtype.Float32, 784, 128)
	fmt.Println(w.Shape(), w.DType())
	he, _ := initializers.Get("he_normal")
	fmt.Println(he.Config()["class_name"])
	fmt.Println(initializers.Identity(1).Init(0, dtype.Float32, 2, 3))
	fmt.Println(initializers.Fans([]int{3, 3, 16, 32}))
	// Output:
	// [784 128] float32
	// HeNormal
	// [[1. 0. 0.]
	//  [0. 1. 0.]]
	// 144 288
}
