package autodiff_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// mlpGrads returns the gradients of a small network's loss with respect to its input and weights.
// The graph fans out (h is used twice, x + x hands one gradient to both operands, the loss adds
// two paths), so that gradients are summed, shared and handed back by identity rules.
func mlpGrads() []*tensor.Tensor {
	x := autodiff.Watch(tensor.RandomNormal(1, 64, 96))
	w1 := autodiff.Watch(tensor.RandomNormal(2, 96, 128))
	w2 := autodiff.Watch(tensor.RandomNormal(3, 128, 128))
	h := ops.Relu(ops.MatMul(ops.Add(x, x), w1))
	y := ops.Tanh(ops.MatMul(h, w2))
	loss := ops.Add(ops.Sum(ops.Mul(y, y)), ops.Sum(ops.Mul(h, ops.Sigmoid(h))))
	return autodiff.Grad(loss, x, w1, w2)
}

// TestBackwardReleasesItsGradients checks that a backward pass gives the gradients of its
// intermediate values back to the pool (the package's TestMain pools every size and poisons
// reused memory) and that the results are bitwise those of a pass without the pool.
func TestBackwardReleasesItsGradients(t *testing.T) {
	before := tensor.ReadPoolStats()
	got := mlpGrads()
	after := tensor.ReadPoolStats()
	if after.Released <= before.Released {
		t.Errorf("the backward pass released nothing: %+v then %+v", before, after)
	}
	old := tensor.SetPoolConfig(tensor.PoolConfig{MaxBytes: 0})
	want := mlpGrads()
	tensor.SetPoolConfig(old)
	for i := range want {
		if got[i].Released() || !tensor.Equal(got[i], want[i]) {
			t.Errorf("gradient %d with the pool differs from the one without", i)
		}
	}
	// The returned gradients stay usable while later passes reuse the released memory.
	again := mlpGrads()
	for i := range want {
		if !tensor.Equal(got[i], want[i]) || !tensor.Equal(again[i], want[i]) {
			t.Errorf("gradient %d changed after a later pass", i)
		}
	}
}
