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

func ExampleSgemmEpilogue() {
	// C = A*B, then a bias and a ReLU applied to each block of C as soon as it is final, while it
	// is in cache, instead of in a second pass over C.
	a := []float32{
		1, -2,
		-3, 4,
	}
	b := []float32{
		1, 0, 2,
		0, 1, -1,
	}
	bias := []float32{0.5, 0, -10}
	c := make([]float32, 2*3)
	gemm.SgemmEpilogue(false, false, 2, 3, 2, 1, a, 2, b, 3, 0, c, 3, func(i0, i1, j0, j1 int) {
		for i := i0; i < i1; i++ {
			for j := j0; j < j1; j++ {
				c[i*3+j] = max(c[i*3+j]+bias[j], 0)
			}
		}
	})
	fmt.Println(c)
	// Output: [1.5 0 0 0 4 0]
}
