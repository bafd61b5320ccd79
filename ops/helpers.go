package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Tensor is tensor.Tensor, so op signatures read short.
type Tensor = tensor.Tensor

// None is the params type of ops without parameters.
type None struct{}

// Dtype lists used by declarations.
var (
	floatTypes   = []dtype.DType{dtype.Float16, dtype.BFloat16, dtype.Float32, dtype.Float64}
	intTypes     = []dtype.DType{dtype.Uint8, dtype.Int8, dtype.Int32, dtype.Int64}
	numericTypes = append(append([]dtype.DType{}, intTypes...), floatTypes...)
	allTypes     = dtype.All
)

// registerRef registers kernel k as the reference kernel of op for each dtype in dts.
func registerRef[P any](op *core.Op, dts []dtype.DType, k func(p P, in, out []*Tensor) error) {
	for _, dt := range dts {
		core.RegisterKernel(op, dt, "ref", core.PriorityRef, k)
	}
}

// sameDTypes returns an error unless all specs share one dtype.
func sameDTypes(in []core.Spec) error {
	for _, s := range in[1:] {
		if s.DType != in[0].DType {
			return fmt.Errorf("dtypes differ: %s", specList(in))
		}
	}
	return nil
}

func specList(in []core.Spec) string {
	s := ""
	for i, sp := range in {
		if i > 0 {
			s += " and "
		}
		s += sp.String()
	}
	return s
}

// wantInputs returns an error unless there are exactly n inputs.
func wantInputs(in []core.Spec, n int) error {
	if len(in) != n {
		return fmt.Errorf("got %d inputs, want %d", len(in), n)
	}
	return nil
}

// promote casts a and b to their promoted dtype (see dtype.Promote).
func promote(a, b *Tensor) (*Tensor, *Tensor) {
	if a.DType() == b.DType() {
		return a, b
	}
	dt := dtype.Promote(a.DType(), b.DType())
	return Cast(a, dt), Cast(b, dt)
}

// toFloat casts integer and bool tensors to float32, for ops defined only on reals.
func toFloat(x *Tensor) *Tensor {
	if x.DType().IsFloat() {
		return x
	}
	return Cast(x, dtype.Default(x.DType()))
}

// scalarLike returns a rank-0 constant v of x's dtype.
func scalarLike(x *Tensor, v float64) *Tensor { return tensor.Full(x.DType(), v) }

// sumTo sums g over the dimensions that broadcasting added or stretched so that it has shape s:
// the gradient of broadcasting s to g's shape. Leading axes are summed away and stretched ones
// kept as 1, so no static size is needed (s may have unknown dimensions).
func sumTo(g *Tensor, s shape.Shape) *Tensor {
	if g.Shape().Equal(s) {
		return g
	}
	lead := g.Rank() - len(s)
	var leading, stretched []int
	for _, a := range shape.ReducedAxes(s, g.Shape()) {
		if a < lead {
			leading = append(leading, a)
		} else {
			stretched = append(stretched, a-lead)
		}
	}
	if len(leading) > 0 {
		g = Sum(g, leading...)
	}
	if len(stretched) > 0 {
		g = SumKeepDims(g, stretched...)
	}
	return g
}
