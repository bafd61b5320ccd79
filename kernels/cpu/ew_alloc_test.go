package cpu_test

import (
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestKernelsDoNotAllocate checks that the elementwise, reduction and softmax kernels allocate
// nothing on work too small to split across threads: in steady state a training step's kernels
// run in planned buffers without garbage.
func TestKernelsDoNotAllocate(t *testing.T) {
	f32 := func(s ...int) *tensor.Tensor { return tensor.RandomUniform(1, s...) }
	mask := ops.Less(f32(100, 10), tensor.Scalar(float32(0.5)))
	cases := []struct {
		name string
		op   string
		p    any
		in   []*tensor.Tensor
	}{
		{"add", "add", ops.None{}, []*tensor.Tensor{f32(1000), f32(1000)}},
		{"add row", "add", ops.None{}, []*tensor.Tensor{f32(100, 10), f32(10)}},
		{"add column", "add", ops.None{}, []*tensor.Tensor{f32(100, 100), f32(100, 1)}},
		{"mul general", "mul", ops.None{}, []*tensor.Tensor{f32(4, 1, 3, 1, 2), f32(1, 5, 1, 7, 2)}},
		{"exp", "exp", ops.None{}, []*tensor.Tensor{f32(1000)}},
		{"softplus", "softplus", ops.SoftplusParams{Beta: 1, Threshold: 20}, []*tensor.Tensor{f32(1000)}},
		{"compare", "compare", ops.CompareParams{Kind: "le"}, []*tensor.Tensor{f32(100, 10), f32(10)}},
		{"where", "where", ops.None{}, []*tensor.Tensor{mask, tensor.Scalar(float32(0)), f32(100, 10)}},
		{"cast", "cast", ops.CastParams{DType: dtype.Float64}, []*tensor.Tensor{f32(1000)}},
		{"sum rows", "reduce_sum", ops.ReduceParams{Axes: []int{1}}, []*tensor.Tensor{f32(100, 100)}},
		{"sum columns", "reduce_sum", ops.ReduceParams{Axes: []int{0}}, []*tensor.Tensor{f32(100, 100)}},
		{"max all", "reduce_max", ops.ReduceParams{}, []*tensor.Tensor{f32(100, 100)}},
		{"argmax", "argmax", ops.ArgParams{Axis: -1}, []*tensor.Tensor{f32(100, 100)}},
		{"softmax", "softmax", ops.SoftmaxParams{Axis: -1}, []*tensor.Tensor{f32(100, 100)}},
		{"softmax axis 0", "log_softmax", ops.SoftmaxParams{Axis: 0}, []*tensor.Tensor{f32(100, 100)}},
		{"expand_like", "expand_like", ops.ExpandParams{Axes: []int{0}}, []*tensor.Tensor{f32(100), f32(30, 100)}},
		{"fill_like", "fill_like", ops.FillLikeParams{Value: 1}, []*tensor.Tensor{f32(1000)}},
	}
	for _, c := range cases {
		op := core.Lookup(c.op)
		specs := make([]core.Spec, len(c.in))
		for i, x := range c.in {
			specs[i] = core.SpecOf(x)
		}
		outSpecs, err := op.Infer(c.p, specs)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		k, err := op.Select(specs, outSpecs)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		out := []*tensor.Tensor{tensor.New(outSpecs[0].DType, outSpecs[0].Shape)}
		if n := testing.AllocsPerRun(20, func() { core.RunInto(op, k, c.p, c.in, out) }); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", c.name, n)
		}
	}
}
