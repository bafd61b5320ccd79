package gradcheck

import (
	"fmt"
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Func is a function under test: tensors in, one tensor out.
type Func func(xs []*tensor.Tensor) *tensor.Tensor

// Option configures [Check].
type Option func(*config)

type config struct {
	order      int
	eps        float64
	atol, rtol float64
	directions int
	seed       uint64
}

// Order checks derivatives up to order n (1: gradients; 2: also gradients of gradients).
func Order(n int) Option { return func(c *config) { c.order = n } }

// Eps sets the finite-difference step (default 1e-5, relative to nothing: inputs should be O(1)).
func Eps(eps float64) Option { return func(c *config) { c.eps = eps } }

// Tolerance sets the absolute and relative tolerance of the comparison (default 1e-6 each).
func Tolerance(atol, rtol float64) Option { return func(c *config) { c.atol, c.rtol = atol, rtol } }

// Directions sets how many random directions are tried (default 3).
func Directions(n int) Option { return func(c *config) { c.directions = n } }

// Seed sets the seed of the random directions (default 1).
func Seed(s uint64) Option { return func(c *config) { c.seed = s } }

// Check compares the gradients autodiff computes for f at xs with central finite differences,
// in float64, along random directions: for a random cotangent u and random directions v it checks
// that d/dε ⟨u, f(xs + εv)⟩ at 0 equals Σᵢ ⟨VJP(f, u)ᵢ, vᵢ⟩. With Order(2) it then checks the
// gradient of x ↦ ⟨VJP(f, u)(x), w⟩ the same way (a Hessian-vector product), which exercises the
// gradient rules' own gradients. Integer and bool inputs are held constant.
//
// It returns an error describing the first mismatch, or a *core.Error that f panicked with.
func Check(f Func, xs []*tensor.Tensor, opts ...Option) (err error) {
	defer core.Recover(&err)
	c := config{order: 1, eps: 1e-5, atol: 1e-6, rtol: 1e-6, directions: 3, seed: 1}
	for _, o := range opts {
		o(&c)
	}
	xs64 := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		xs64[i] = x
		if x.DType().IsFloat() {
			xs64[i] = ops.Cast(x.Detach(), dtype.Float64)
		}
	}
	return check(f, xs64, c, 1)
}

func check(f Func, xs []*tensor.Tensor, c config, order int) error {
	for d := 0; d < c.directions; d++ {
		seed := c.seed*1000 + uint64(d)*10 + uint64(order)
		if err := checkDirection(f, xs, c, seed); err != nil {
			return fmt.Errorf("gradcheck: order %d, direction %d: %w", order, d, err)
		}
	}
	if order >= c.order {
		return nil
	}
	// The next order: g(x) = ⟨VJP(f, u)(x), w⟩ is a scalar function whose gradient is a
	// Hessian-vector product; checking it checks the gradient rules' gradients.
	y := f(watchAll(xs))
	u := randomLike(y, c.seed+7)
	ws := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		ws[i] = randomLike(x, c.seed+100+uint64(i))
	}
	g := func(in []*tensor.Tensor) *tensor.Tensor {
		tracked := watchAll(in)
		out := f(tracked)
		grads := autodiff.Gradients([]*tensor.Tensor{out}, tracked, autodiff.OutputGrads(u), autodiff.CreateGraph())
		total := tensor.Scalar(0.0)
		for i, gr := range grads {
			if differentiable(in[i]) {
				total = ops.Add(total, ops.Sum(ops.Mul(gr, ws[i])))
			}
		}
		return total
	}
	return check(g, xs, c, order+1)
}

func checkDirection(f Func, xs []*tensor.Tensor, c config, seed uint64) error {
	tracked := watchAll(xs)
	y := f(tracked)
	if y.DType() != dtype.Float64 {
		return fmt.Errorf("output is %s, want float64 for float64 inputs", y.DType())
	}
	u := randomLike(y, seed)
	vs := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		vs[i] = randomLike(x, seed+uint64(i)+1)
	}
	analytic := 0.0
	if autodiff.IsTracked(y) {
		grads := autodiff.Gradients([]*tensor.Tensor{y}, tracked, autodiff.OutputGrads(u))
		for i, g := range grads {
			if differentiable(xs[i]) {
				if !g.Shape().Equal(xs[i].Shape()) {
					return fmt.Errorf("gradient of input %d has shape %v, input has %v", i, g.Shape(), xs[i].Shape())
				}
				analytic += dot(g, vs[i])
			}
		}
	}
	plus, minus := shifted(xs, vs, c.eps), shifted(xs, vs, -c.eps)
	numeric := (dot(f(plus), u) - dot(f(minus), u)) / (2 * c.eps)
	if math.IsNaN(numeric) || math.IsNaN(analytic) || math.Abs(numeric-analytic) > c.atol+c.rtol*math.Abs(numeric) {
		return fmt.Errorf("directional derivative %.10g by finite differences, %.10g by autodiff (difference %.3g)",
			numeric, analytic, numeric-analytic)
	}
	return nil
}

func differentiable(x *tensor.Tensor) bool { return x.DType().IsFloat() }

func watchAll(xs []*tensor.Tensor) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		out[i] = x
		// A tensor that is already tracked stays as it is, so that an outer check (the next
		// order) differentiates through this one.
		if differentiable(x) && !autodiff.IsTracked(x) {
			out[i] = autodiff.Watch(x)
		}
	}
	return out
}

func shifted(xs, vs []*tensor.Tensor, eps float64) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		out[i] = x
		if differentiable(x) {
			out[i] = ops.Add(x.Detach(), ops.MulScalar(vs[i], eps))
		}
	}
	return out
}

func randomLike(x *tensor.Tensor, seed uint64) *tensor.Tensor {
	return tensor.Random(dtype.Float64, tensor.Normal, seed, x.Shape()...)
}

func dot(a, b *tensor.Tensor) float64 {
	av, bv := a.Float64s(), b.Float64s()
	s := 0.0
	for i := range av {
		s += av[i] * bv[i]
	}
	return s
}
