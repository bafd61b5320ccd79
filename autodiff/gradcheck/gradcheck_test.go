package gradcheck_test

import (
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

type T = tensor.Tensor

func normal(seed uint64, dims ...int) *T {
	return tensor.Random(dtype.Float64, tensor.Normal, seed, dims...)
}

// positive returns values in [0.5, 2.5), away from the singularities of log, sqrt and pow.
func positive(seed uint64, dims ...int) *T {
	u := tensor.Random(dtype.Float64, tensor.Uniform, seed, dims...)
	return ops.AddScalar(ops.MulScalar(u, 2), 0.5)
}

// awayFromZero returns normal values with |x| >= 0.1, so relu and comparisons are smooth there.
func awayFromZero(seed uint64, dims ...int) *T {
	x := normal(seed, dims...)
	sign := ops.Where(ops.Less(x, tensor.Scalar(0.0)), tensor.Scalar(-1.0), tensor.Scalar(1.0))
	return ops.Add(x, ops.MulScalar(sign, 0.1))
}

type gradCase struct {
	name string
	f    gradcheck.Func
	in   []*T
	opts []gradcheck.Option // extra options (e.g. a looser tolerance, with a reason in a comment)
}

// cases lists, for every differentiable op in the registry, functions that exercise it,
// including broadcasting and the less common parameter settings. Files for other op families
// add theirs with addCases from an init function.
var cases = map[string][]gradCase{}

// addCases adds gradcheck cases for the op named op.
func addCases(op string, cs ...gradCase) { cases[op] = append(cases[op], cs...) }

func init() {
	for op, cs := range starterCases {
		addCases(op, cs...)
	}
}

var starterCases = map[string][]gradCase{
	"add": {
		{"same", func(x []*T) *T { return ops.Add(x[0], x[1]) }, []*T{normal(1, 2, 3), normal(2, 2, 3)}, nil},
		{"broadcast", func(x []*T) *T { return ops.Add(x[0], x[1]) }, []*T{normal(1, 2, 3), normal(2, 3)}, nil},
	},
	"sub":     {{"broadcast", func(x []*T) *T { return ops.Sub(x[0], x[1]) }, []*T{normal(3, 4, 1), normal(4, 1, 5)}, nil}},
	"mul":     {{"broadcast", func(x []*T) *T { return ops.Mul(x[0], x[1]) }, []*T{normal(5, 2, 3), normal(6, 1, 3)}, nil}},
	"div":     {{"broadcast", func(x []*T) *T { return ops.Div(x[0], x[1]) }, []*T{normal(7, 2, 3), positive(8, 3)}, nil}},
	"maximum": {{"broadcast", func(x []*T) *T { return ops.Maximum(x[0], x[1]) }, []*T{normal(9, 3, 4), normal(10, 4)}, nil}},
	"pow": {
		{"positive base", func(x []*T) *T { return ops.Pow(x[0], x[1]) }, []*T{positive(11, 2, 3), normal(12, 2, 3)}, nil},
		{"scalar exponent", func(x []*T) *T { return ops.PowScalar(x[0], 3) }, []*T{normal(13, 5)}, nil},
	},
	"neg":  {{"", func(x []*T) *T { return ops.Neg(x[0]) }, []*T{normal(14, 3, 2)}, nil}},
	"exp":  {{"", func(x []*T) *T { return ops.Exp(x[0]) }, []*T{normal(15, 3, 2)}, nil}},
	"log":  {{"", func(x []*T) *T { return ops.Log(x[0]) }, []*T{positive(16, 3, 2)}, nil}},
	"tanh": {{"", func(x []*T) *T { return ops.Tanh(x[0]) }, []*T{normal(17, 3, 2)}, nil}},
	"sqrt": {{"", func(x []*T) *T { return ops.Sqrt(x[0]) }, []*T{positive(18, 3, 2)}, nil}},
	"relu": {{"", func(x []*T) *T { return ops.Relu(x[0]) }, []*T{awayFromZero(19, 3, 4)}, nil}},
	"reduce_sum": {
		{"all", func(x []*T) *T { return ops.Sum(x[0]) }, []*T{normal(20, 2, 3, 4)}, nil},
		{"axes", func(x []*T) *T { return ops.Sum(x[0], 0, -1) }, []*T{normal(21, 2, 3, 4)}, nil},
		{"keepdims", func(x []*T) *T { return ops.SumKeepDims(x[0], 1) }, []*T{normal(22, 2, 3, 4)}, nil},
		{"mean", func(x []*T) *T { return ops.MeanKeepDims(x[0], -2) }, []*T{normal(23, 2, 3, 4)}, nil},
	},
	"reduce_max": {
		{"axis", func(x []*T) *T { return ops.Max(x[0], 1) }, []*T{normal(24, 2, 5, 3)}, nil},
		{"all keepdims", func(x []*T) *T { return ops.MaxKeepDims(x[0]) }, []*T{normal(25, 3, 4)}, nil},
	},
	"matmul": {
		{"plain", func(x []*T) *T { return ops.MatMul(x[0], x[1]) }, []*T{normal(26, 3, 4), normal(27, 4, 2)}, nil},
		{"batch broadcast", func(x []*T) *T { return ops.MatMul(x[0], x[1]) }, []*T{normal(28, 2, 3, 4), normal(29, 4, 5)}, nil},
		{"vector", func(x []*T) *T { return ops.MatMul(x[0], x[1]) }, []*T{normal(30, 4), normal(31, 2, 4, 3)}, nil},
		{"transA", func(x []*T) *T { return ops.MatMulT(x[0], x[1], true, false) }, []*T{normal(32, 4, 3), normal(33, 4, 2)}, nil},
		{"transB", func(x []*T) *T { return ops.MatMulT(x[0], x[1], false, true) }, []*T{normal(34, 3, 4), normal(35, 2, 4)}, nil},
		{"transAB", func(x []*T) *T { return ops.MatMulT(x[0], x[1], true, true) }, []*T{normal(36, 2, 4, 3), normal(37, 1, 2, 4)}, nil},
	},
	"reshape": {{"", func(x []*T) *T { return ops.Tanh(ops.Reshape(x[0], 3, -1)) }, []*T{normal(38, 2, 3, 2)}, nil}},
	"transpose": {
		{"matrix", func(x []*T) *T { return ops.Transpose(x[0]) }, []*T{normal(39, 2, 3)}, nil},
		{"perm", func(x []*T) *T { return ops.Transpose(x[0], 1, 2, 0) }, []*T{normal(40, 2, 3, 4)}, nil},
	},
	"broadcast_to": {{"", func(x []*T) *T { return ops.BroadcastTo(x[0], 2, 3, 4) }, []*T{normal(41, 3, 1)}, nil}},
	// The cast case rounds through float32, so finite differences are only good to ~1e-3.
	"cast": {{"float32 round trip", func(x []*T) *T {
		return ops.Cast(ops.Mul(ops.Cast(x[0], dtype.Float32), tensor.Scalar(float32(1))), dtype.Float64)
	}, []*T{normal(42, 4)}, []gradcheck.Option{gradcheck.Tolerance(1e-3, 1e-3)}}},
	"where": {{"broadcast", func(x []*T) *T {
		return ops.Where(ops.Greater(x[2], tensor.Scalar(0.0)), x[0], x[1])
	}, []*T{normal(43, 3, 4), normal(44, 4), awayFromZero(45, 3, 1)}, nil}},
}

func TestEveryDifferentiableOpHasCases(t *testing.T) {
	for _, op := range core.Ops() {
		if op.Differentiable() && len(cases[op.Name()]) == 0 {
			t.Errorf("differentiable op %q has no gradcheck case", op.Name())
		}
	}
}

func TestGradients(t *testing.T) {
	for name, cs := range cases {
		for _, c := range cs {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				opts := append([]gradcheck.Option{gradcheck.Order(2)}, c.opts...)
				if err := gradcheck.Check(c.f, c.in, opts...); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestCheckFindsWrongGradient(t *testing.T) {
	// A function whose recorded gradient is wrong on purpose: stop-gradient hides one path.
	f := func(x []*T) *T {
		return ops.Add(ops.Square(x[0]), ops.Square(x[0].Detach()))
	}
	err := gradcheck.Check(f, []*T{normal(50, 3)})
	if err == nil || !strings.Contains(err.Error(), "finite differences") {
		t.Fatalf("Check accepted a wrong gradient: %v", err)
	}
}

func TestCheckReportsCallerMistake(t *testing.T) {
	f := func(x []*T) *T { return ops.Add(x[0], x[1]) }
	err := gradcheck.Check(f, []*T{normal(51, 2, 3), normal(52, 4)})
	if err == nil || !strings.Contains(err.Error(), "add:") {
		t.Fatalf("want the op's shape error, got %v", err)
	}
}
