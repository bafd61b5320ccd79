package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// AdamUpdate is a fused optimizer step: the composition it replaces (see [AdamUpdate]) makes a
// dozen passes over every parameter, each writing a temporary as large as the parameter, and
// dominates a small model's train step; the primitive makes one. It computes in the dtype of
// its inputs with the composition's roundings (every scalar converted to that dtype first, one
// rounding per operation), so it gives the composition's results bit for bit. Only float32 and
// float64 are declared: half-precision composites round every intermediate to half, which a
// single pass would not. It updates state and is not differentiated.

// AdamUpdateParams are the hyperparameters of [AdamUpdate].
type AdamUpdateParams struct {
	// Beta1 and Beta2 are the decay rates of the first and second moment estimates.
	Beta1, Beta2 float64
	// Epsilon is added to √v before the division (Keras's "epsilon hat").
	Epsilon float64
}

var adamUpdateOp *core.Op

func init() {
	adamUpdateOp = core.Declare(core.Def[AdamUpdateParams]{
		Name: "adam_update", Overwrites: true, Doc: "one Adam step of a variable and its moments in a single pass, ε added to √v (Keras Adam.update_step; torch.optim.Adam adds eps after the bias correction)",
		DTypes: []dtype.DType{dtype.Float32, dtype.Float64}, Infer: inferAdamUpdate, NotDifferentiable: true,
	})
	registerRef(adamUpdateOp, []dtype.DType{dtype.Float32}, adamUpdateRef[float32])
	registerRef(adamUpdateOp, []dtype.DType{dtype.Float64}, adamUpdateRef[float64])
}

func inferAdamUpdate(p AdamUpdateParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 5); err != nil {
		return nil, err
	}
	if err := sameDTypes(in); err != nil {
		return nil, err
	}
	if dt := in[0].DType; dt != dtype.Float32 && dt != dtype.Float64 {
		return nil, fmt.Errorf("dtype %s, want float32 or float64", dt)
	}
	for _, s := range in[1:4] {
		if !s.Shape.Equal(in[0].Shape) {
			return nil, fmt.Errorf("shapes differ: %s", specList(in[:4]))
		}
	}
	if len(in[4].Shape) != 0 {
		return nil, fmt.Errorf("step size has shape %v, want a scalar", in[4].Shape)
	}
	for _, f := range []float64{p.Beta1, p.Beta2, p.Epsilon} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("hyperparameters %+v are not all finite", p)
		}
	}
	return []core.Spec{in[0], in[0], in[0]}, nil
}

// adamUpdateRef is the reference kernel: the composition's arithmetic, element by element.
func adamUpdateRef[T float32 | float64](p AdamUpdateParams, in, out []*Tensor) error {
	w, g, m, v := tensor.Data[T](in[0]), tensor.Data[T](in[1]), tensor.Data[T](in[2]), tensor.Data[T](in[3])
	alpha := tensor.Data[T](in[4])[0]
	w1, m1, v1 := tensor.Data[T](out[0]), tensor.Data[T](out[1]), tensor.Data[T](out[2])
	c1, c2, eps := T(1-p.Beta1), T(1-p.Beta2), T(p.Epsilon)
	for i := range w {
		mi := m[i] + (g[i]-m[i])*c1
		vi := v[i] + (g[i]*g[i]-v[i])*c2
		w1[i] = w[i] - (mi*alpha)/(T(math.Sqrt(float64(vi)))+eps)
		m1[i], v1[i] = mi, vi
	}
	return nil
}

// AdamUpdate returns Adam's new variable and moments from the variable w (already weight
// decayed), its gradient g, the moments m and v, and the scalar step size alpha
// (lr·√(1-β2^t)/(1-β1^t)), all of one dtype, float32 or float64:
//
//	m' = m + (g - m)·(1 - β1)
//	v' = v + (g² - v)·(1 - β2)
//	w' = w - (m'·alpha)/(√v' + ε)
//
// It is one pass over the four tensors, and gives the same values as those expressions written
// with [Add], [Sub], [MulScalar], [Square], [Sqrt], [AddScalar] and [Div]. The inputs are not
// modified. It is not differentiable. It panics with a *core.Error if the dtypes differ or are
// not float32 or float64, w, g, m and v differ in shape, alpha is not a scalar, or a
// hyperparameter is not finite.
func AdamUpdate(w, g, m, v, alpha *Tensor, p AdamUpdateParams) (wNew, mNew, vNew *Tensor) {
	out := core.Apply(adamUpdateOp, p, w, g, m, v, alpha)
	return out[0], out[1], out[2]
}
