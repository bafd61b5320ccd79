package conformance

import (
	"math"
	"math/rand/v2"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Gen draws case inputs from a seeded generator: the same seed gives the same tensors on every
// machine.
type Gen struct {
	rng *rand.Rand
}

func newGen(seed string) *Gen {
	return &Gen{rng: rand.New(rand.NewPCG(hash64(seed), 0x9e3779b97f4a7c15))}
}

// Intn returns an int in [0, n).
func (g *Gen) Intn(n int) int { return g.rng.IntN(n) }

// Uniform returns a tensor of dtype dt and the given dimensions (none: a scalar) whose
// elements are drawn uniformly from [lo, hi]: reals rounded to dt for floats, integers for
// integer dtypes, and true with probability one half for bool.
func (g *Gen) Uniform(dt dtype.DType, lo, hi float64, dims ...int) *tensor.Tensor {
	v := make([]float64, shape.Shape(dims).Size())
	for i := range v {
		switch {
		case dt == dtype.Bool:
			v[i] = float64(g.rng.IntN(2))
		case dt.IsFloat():
			v[i] = lo + (hi-lo)*g.rng.Float64()
		default:
			v[i] = math.Floor(lo) + float64(g.rng.IntN(int(math.Floor(hi)-math.Floor(lo))+1))
		}
	}
	return fromFloat64s(dt, v, dims)
}

// Values returns a tensor of dtype dt and the given dimensions whose elements suit dt: reals
// in [-2, 2] for floats, integers in [-9, 9] for signed integers, [0, 18] for uint8, and
// random bools.
func (g *Gen) Values(dt dtype.DType, dims ...int) *tensor.Tensor {
	switch {
	case dt.IsFloat():
		return g.Uniform(dt, -2, 2, dims...)
	case dt == dtype.Uint8:
		return g.Uniform(dt, 0, 18, dims...)
	}
	return g.Uniform(dt, -9, 9, dims...)
}

// Steps returns values of dtype dt that are multiples of 1/step in [lo, hi] (integers for
// integer dtypes): ties for rounding, and repeated values for sorting.
func (g *Gen) Steps(dt dtype.DType, lo, hi, step float64, dims ...int) *tensor.Tensor {
	if !dt.IsFloat() {
		return g.Uniform(dt, lo, hi, dims...)
	}
	n := int((hi - lo) * step)
	v := make([]float64, shape.Shape(dims).Size())
	for i := range v {
		v[i] = lo + float64(g.rng.IntN(n+1))/step
	}
	return fromFloat64s(dt, v, dims)
}

// Specials returns t with NaN, +Inf, -Inf and -0 written at four places when t is floating
// point with at least eight elements, so that every kernel meets them; other tensors are
// returned as they are. t must be fresh (not yet in a case).
func (g *Gen) Specials(t *tensor.Tensor) *tensor.Tensor {
	n := t.Size()
	if !t.DType().IsFloat() || n < 8 {
		return t
	}
	flat := t.Reshape(n)
	for i, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)} {
		flat.Set(v, (i*n/4+g.rng.IntN(n/4))%n)
	}
	return t
}

// fromFloat64s returns v as a tensor of dtype dt and the given dimensions.
func fromFloat64s(dt dtype.DType, v []float64, dims []int) *tensor.Tensor {
	t := tensor.New(dt, shape.Shape(dims))
	tensor.Convert(t, tensor.Wrap(v))
	return t
}

// ints returns v as a tensor of dtype dt and the given dimensions.
func ints(dt dtype.DType, v []int64, dims ...int) *tensor.Tensor {
	t := tensor.New(dt, shape.Shape(dims))
	tensor.Convert(t, tensor.Wrap(v))
	return t
}

// convert returns t converted to dt.
func convert(t *tensor.Tensor, dt dtype.DType) *tensor.Tensor {
	c := tensor.New(dt, t.Shape())
	tensor.Convert(c, t)
	return c
}

// scalarOf returns a rank-0 one of dtype dt.
func scalarOf(dt dtype.DType) *tensor.Tensor { return tensor.Full(dt, 1) }
