package nn_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// checkWeightGrads compares, for each float64 weight, the directional derivative of loss along a
// random direction with central finite differences.
func checkWeightGrads(t *testing.T, loss func() *tensor.Tensor, weights []*autodiff.Variable) {
	t.Helper()
	for i, v := range weights {
		w0 := v.Value().Detach().Clone()
		dir := ops.Cast(tensor.RandomNormal(uint64(10+i), v.Shape()...), dtype.Float64)
		g := autodiff.GradVariables(loss(), v)[0]
		analytic := ops.Sum(ops.Mul(g, dir)).Item()
		const eps = 1e-6
		v.Assign(ops.Add(w0, ops.MulScalar(dir, eps)))
		up := loss().Item()
		v.Assign(ops.Sub(w0, ops.MulScalar(dir, eps)))
		down := loss().Item()
		v.Assign(w0)
		numeric := (up - down) / (2 * eps)
		if math.Abs(numeric-analytic) > 1e-6*(1+math.Abs(numeric)) {
			t.Errorf("%s: directional derivative %g, finite differences %g", v.Name(), analytic, numeric)
		}
	}
}
