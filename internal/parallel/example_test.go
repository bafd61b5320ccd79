package parallel_test

import (
	"fmt"

	"github.com/tideml/tide/internal/parallel"
)

func ExampleFor() {
	x := make([]float64, 1000)
	// Each chunk writes only its own part of x, so no locking is needed.
	parallel.For(len(x), 100, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] = float64(i) * 2
		}
	})
	fmt.Println(x[0], x[999])
	// Output: 0 1998
}
