package models

import (
	"github.com/tideml/tide/tensor"
)

// blobs returns n points in 2-D around k centres, with their class labels: an easy
// classification problem.
func blobs(n, k int, seed uint64) (x, y *tensor.Tensor) {
	noise := tensor.RandomNormal(seed, n, 2).Float32s()
	xs := make([]float32, 2*n)
	ys := make([]int64, n)
	for i := range n {
		c := i % k
		ys[i] = int64(c)
		xs[2*i] = float32(c%2)*4 - 2 + 0.5*noise[2*i]
		xs[2*i+1] = float32(c/2)*4 - 2 + 0.5*noise[2*i+1]
	}
	return tensor.FromSlice(xs, n, 2), tensor.FromSlice(ys, n)
}
