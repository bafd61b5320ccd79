package models

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// testAccuracy is a sparse categorical accuracy kept in variables, so that its updates trace
// into compiled steps (the tests do not depend on package metrics).
type testAccuracy struct {
	total, count *autodiff.Variable
}

func newTestAccuracy() *testAccuracy {
	return &testAccuracy{
		total: autodiff.NewVariable("accuracy/total", tensor.Scalar[float32](0), autodiff.NotTrainable()),
		count: autodiff.NewVariable("accuracy/count", tensor.Scalar[float32](0), autodiff.NotTrainable()),
	}
}

func (a *testAccuracy) Name() string { return "accuracy" }

func (a *testAccuracy) Update(y, p, sw *tensor.Tensor) {
	hit := ops.Cast(ops.Equal(ops.Argmax(p, -1), ops.Cast(ops.Reshape(y, -1), dtype.Int64)), dtype.Float32)
	a.total.Assign(ops.Add(a.total.Value(), ops.Sum(hit)))
	a.count.Assign(ops.Add(a.count.Value(), ops.Size(hit, dtype.Float32)))
}

func (a *testAccuracy) Result() *tensor.Tensor {
	c := a.count.Value().Item()
	if c == 0 {
		return tensor.Scalar[float32](0)
	}
	return tensor.Scalar(float32(a.total.Value().Item() / c))
}

func (a *testAccuracy) Reset() {
	a.total.Assign(tensor.Scalar[float32](0))
	a.count.Assign(tensor.Scalar[float32](0))
}

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
