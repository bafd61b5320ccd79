package losses_test

import (
	"testing"

	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

type T = tensor.Tensor

func normal(seed uint64, dims ...int) *T {
	return tensor.Random(dtype.Float64, tensor.Normal, seed, dims...)
}

func uniform(seed uint64, lo, hi float64, dims ...int) *T {
	u := tensor.Random(dtype.Float64, tensor.Uniform, seed, dims...)
	return ops.AddScalar(ops.MulScalar(u, hi-lo), lo)
}

// labels returns integers in [0, n) as int64.
func labels(seed uint64, n int, dims ...int) *T {
	return ops.Cast(ops.Floor(uniform(seed, 0, float64(n)-1e-9, dims...)), dtype.Int64)
}

func binaryLabels(seed uint64, dims ...int) *T {
	return ops.Cast(labels(seed, 2, dims...), dtype.Float64)
}

func oneHot(seed uint64, batch, classes int) *T {
	return ops.OneHot(labels(seed, classes, batch), classes, dtype.Float64)
}

// awayFrom returns x moved by at least gap away from the kink at k.
func awayFrom(x *T, k, gap float64) *T {
	d := ops.AddScalar(x, -k)
	sign := ops.Where(ops.Less(d, tensor.Scalar(0.0)), tensor.Scalar(-1.0), tensor.Scalar(1.0))
	return ops.Add(x, ops.MulScalar(sign, gap))
}

type lossCase struct {
	name  string
	loss  losses.Loss
	yTrue *T // nil: yTrue is the second input, differentiated too
	in    []*T
	sw    *T
	order int
}

func TestGradcheck(t *testing.T) {
	sw := uniform(90, 0.2, 2, 4)
	cases := []lossCase{
		{"mse", losses.MeanSquaredError(), nil, []*T{normal(1, 4, 3), normal(2, 4, 3)}, sw, 2},
		{"mae", losses.MeanAbsoluteError(), normal(3, 4, 3), []*T{awayFrom(normal(3, 4, 3), 0, 0.1)}, sw, 2},
		{"mape", losses.MeanAbsolutePercentageError(), uniform(4, 1, 2, 4, 3), []*T{uniform(5, 2.2, 3, 4, 3)}, sw, 2},
		{"msle", losses.MeanSquaredLogarithmicError(), nil, []*T{uniform(6, 0.1, 3, 4, 3), uniform(7, 0.1, 3, 4, 3)}, sw, 2},
		{"huber", losses.Huber(losses.Delta(0.8)), tensor.Zeros(dtype.Float64, 4, 5), []*T{ops.MulScalar(awayFrom(awayFrom(normal(8, 4, 5), 0.8, 0.1), -0.8, 0.1), 1)}, sw, 2},
		{"log_cosh", losses.LogCosh(), nil, []*T{normal(9, 4, 3), normal(10, 4, 3)}, sw, 2},
		{"cosine", losses.CosineSimilarity(losses.Axis(1)), nil, []*T{normal(11, 4, 3, 2), normal(12, 4, 3, 2)}, sw, 2},
		{"bce logits", losses.BinaryCrossentropy(losses.FromLogits(), losses.LabelSmoothing(0.1)), binaryLabels(13, 4, 3), []*T{ops.MulScalar(normal(14, 4, 3), 3)}, sw, 2},
		{"bce probs", losses.BinaryCrossentropy(), nil, []*T{uniform(15, 0, 1, 4, 3), uniform(16, 0.05, 0.95, 4, 3)}, sw, 2},
		{"binary focal", losses.BinaryFocalCrossentropy(losses.FromLogits(), losses.ClassBalancing(), losses.Gamma(2.5)), binaryLabels(17, 4, 3), []*T{normal(18, 4, 3)}, sw, 2},
		{"cce logits", losses.CategoricalCrossentropy(losses.FromLogits(), losses.LabelSmoothing(0.2)), nil, []*T{uniform(19, 0, 1, 4, 5), normal(20, 4, 5)}, sw, 2},
		{"cce probs", losses.CategoricalCrossentropy(), oneHot(21, 4, 5), []*T{uniform(22, 0.1, 1, 4, 5)}, sw, 2},
		{"categorical focal", losses.CategoricalFocalCrossentropy(losses.FromLogits()), oneHot(23, 4, 5), []*T{normal(24, 4, 5)}, sw, 2},
		{"scce logits", losses.SparseCategoricalCrossentropy(losses.FromLogits()), labels(25, 5, 4), []*T{normal(26, 4, 5)}, sw, 2},
		{"scce probs ignore", losses.SparseCategoricalCrossentropy(losses.IgnoreClass(2)), labels(27, 5, 4, 3), []*T{uniform(28, 0.1, 1, 4, 3, 5)}, sw, 2},
		{"kld", losses.KLDivergence(), nil, []*T{uniform(29, 0.05, 1, 4, 3), uniform(30, 0.05, 1, 4, 3)}, sw, 2},
		{"poisson", losses.Poisson(), nil, []*T{uniform(31, 0, 4, 4, 3), uniform(32, 0.2, 3, 4, 3)}, sw, 2},
		{"hinge", losses.Hinge(), binaryLabels(33, 4, 3), []*T{awayFrom(awayFrom(normal(34, 4, 3), 1, 0.1), -1, 0.1)}, sw, 2},
		{"squared hinge", losses.SquaredHinge(), binaryLabels(35, 4, 3), []*T{awayFrom(awayFrom(normal(36, 4, 3), 1, 0.1), -1, 0.1)}, sw, 2},
		{"categorical hinge", losses.CategoricalHinge(), oneHot(37, 4, 5), []*T{normal(38, 4, 5)}, sw, 2},
		{"ctc", losses.CTC(), ops.Cast(tensor.FromRows([][]int64{{1, 2, 2}, {3, 1, 0}, {2, 0, 0}, {1, 3, 1}}), dtype.Float64), []*T{normal(39, 4, 7, 4)}, sw, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := func(x []*T) *T {
				yTrue := c.yTrue
				if yTrue == nil {
					yTrue = x[1]
				}
				return c.loss.Compute(yTrue, x[0], c.sw)
			}
			in := c.in
			if c.yTrue == nil {
				in = []*T{c.in[1], c.in[0]} // yPred first
			}
			if err := gradcheck.Check(f, in, gradcheck.Order(c.order)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestGradcheckCTCLengths(t *testing.T) {
	lab := tensor.FromRows([][]int64{{1, 2, 1, 3}, {2, 2, 0, 0}, {3, 1, 2, 0}})
	f := func(x []*T) *T {
		l := losses.CTCLoss(lab, x[0], tensor.FromSlice([]int64{4, 2, 0}), tensor.FromSlice([]int64{9, 5, 3}), 0, false)
		return ops.Sum(ops.Mul(l, tensor.FromSlice([]float64{0.5, 1, 2})))
	}
	if err := gradcheck.Check(f, []*T{normal(40, 3, 9, 4)}); err != nil {
		t.Error(err)
	}
}
