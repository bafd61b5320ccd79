package gemm_test

import (
	"fmt"

	"github.com/tideml/tide/internal/gemm"
)

func ExampleSgemm() {
	// A is 2×3 and B is 3×2, both row-major.
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{
		7, 8,
		9, 10,
		11, 12,
	}
	c := make([]float32, 2*2)
	gemm.Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)

	// C = A*Aᵀ + C: the same A, read as its transpose for the second operand.
	gemm.Sgemm(false, true, 2, 2, 3, 1, a, 3, a, 3, 1, c, 2)
	fmt.Println(c)
	// Output:
	// [58 64 139 154]
	// [72 96 171 231]
}

func ExampleSgemmBatched() {
	// Two 2×2 matrices times one shared 2×2 matrix (strideB 0 broadcasts B).
	a := []float32{1, 0, 0, 1, 2, 0, 0, 2}
	b := []float32{1, 2, 3, 4}
	c := make([]float32, 8)
	gemm.SgemmBatched(false, false, 2, 2, 2, 2, 1, a, 2, 4, b, 2, 0, 0, c, 2, 4)
	fmt.Println(c)
	// Output: [1 2 3 4 2 4 6 8]
}
