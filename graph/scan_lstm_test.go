package graph_test

import (
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestLSTMSavedIntermediatesBitwise checks that a compiled LSTM train step gives the same bits
// whether its backward scan reads the forward's saved intermediates or recomputes them, and the
// same bits as the eager step (the same kernels run, fused or not). The exception is the
// recurrent kernel's gradient when the intermediates are saved: it is one product over the
// stacked steps after the backward scan, a sum taken in another order than the eager running
// sum, so it is compared within float32 rounding.
func TestLSTMSavedIntermediatesBitwise(t *testing.T) {
	lstm := nn.LSTM(16, nn.WithReturnSequences(true), nn.WithSeed(3))
	if err := nn.Build(lstm, []int{-1, 7, 5}); err != nil {
		t.Fatal(err)
	}
	vars := lstm.TrainableWeights()
	step := func(x *tensor.Tensor) []*tensor.Tensor {
		out := nn.Apply(lstm, nn.Training, x)
		return append([]*tensor.Tensor{ops.Sum(ops.Square(out))}, autodiff.GradVariables(ops.Sum(ops.Square(out)), vars...)...)
	}
	x := tensor.RandomNormal(9, 4, 7, 5)
	want := step(x)
	var runs [2][]*tensor.Tensor
	for k, save := range []bool{true, false} {
		*graph.SaveScanIntermediates = save
		f := graph.Compile(step, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: []int{-1, 7, 5}}))
		got, err := f.Call(x)
		*graph.SaveScanIntermediates = true
		if err != nil {
			t.Fatal(err)
		}
		runs[k] = got
	}
	const recurrent = 2 // the results are the loss, then the gradients of kernel, recurrent_kernel, bias
	for i := range want {
		if i == recurrent {
			for k, r := range runs {
				if !tensor.AllClose(r[i], want[i].Detach(), 1e-5, 1e-6) {
					d, _ := tensor.MaxDiff(r[i], want[i].Detach())
					t.Fatalf("run %d, recurrent kernel's gradient: compiled and eager differ by %g", k, d)
				}
			}
			if !tensor.Equal(runs[1][i], want[i].Detach()) {
				d, _ := tensor.MaxDiff(runs[1][i], want[i].Detach())
				t.Fatalf("recurrent kernel's gradient: recomputing, compiled and eager differ by %g", d)
			}
			continue
		}
		if !tensor.Equal(runs[0][i], runs[1][i]) {
			d, _ := tensor.MaxDiff(runs[0][i], runs[1][i])
			t.Fatalf("result %d: saving intermediates changed it by %g", i, d)
		}
		if !tensor.Equal(runs[0][i], want[i].Detach()) {
			d, _ := tensor.MaxDiff(runs[0][i], want[i].Detach())
			t.Fatalf("result %d: compiled and eager differ by %g", i, d)
		}
	}
}
