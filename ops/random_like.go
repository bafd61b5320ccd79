package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/philox"
	"github.com/tideml/tide/kernels/ref"
)

// random_normal_like is the stateless normal generator of the noise layers (GaussianNoise,
// GaussianDropout): it takes its shape from a tensor and its step from an optional integer
// scalar tensor, as dropout does, so a compiled train step draws fresh noise at every call from
// a step counter, without a static batch size and without being traced again. Unlike
// random_normal, which runs when it is called and is captured as a constant while tracing, it
// is recorded like any op with inputs.
//
// Where numbers come from: the Philox stream rndNormalLikeStreams + p.Step + step under the key
// of p.Seed. Both numbers of each Box–Muller pair are used: elements 2j and 2j+1 are the cosine
// and sine values of pair j, made by philox.Normal32 from words 2j and 2j+1 (float32 and the
// half types) or by philox.Normal64 from words 4j to 4j+3 (float64). So element i depends only
// on (seed, step, i), and a kernel that splits the elements at even offsets gets the same bits
// in every part. The result is mean + stddev·z computed in float64 (for float32 and the half
// types, z rounded to float32 first, as random_normal does) and rounded once to the dtype.
//
// Like dropout it is not declared Elementwise: graph fusion runs elementwise kernels chunk by
// chunk, and a chunk's kernel would not know the positions of its elements, on which the
// numbers depend.

// NormalLikeParams configures random_normal_like.
type NormalLikeParams struct {
	// Seed selects the random stream; Step is added to the optional step tensor and selects
	// fresh numbers: pass the training step so every step draws different noise while staying
	// reproducible.
	Seed, Step uint64
	// Mean and Stddev (>= 0, both finite) of the distribution.
	Mean, Stddev float64
}

// rndNormalLikeStreams is the first Philox stream random_normal_like draws from (the ASCII bytes
// of "norm"), so that its words are not those of dropout, random_normal or tensor.Random under
// the same seed.
const rndNormalLikeStreams = 0x6e6f726d << 32

var normalLikeOp *core.Op

func init() {
	normalLikeOp = core.Declare(core.Def[NormalLikeParams]{
		Name: "random_normal_like", Overwrites: true, Doc: "stateless normal random numbers shaped like x from a seed and a step tensor (torch.randn_like, tf.random.stateless_normal of tf.shape(x))",
		NotDifferentiable: true, DTypes: floatTypes, Infer: rndInferNormalLike,
	})
	registerRef(normalLikeOp, floatTypes, rndNormalLikeRef)
}

func rndInferNormalLike(p NormalLikeParams, in []core.Spec) ([]core.Spec, error) {
	if len(in) != 1 && len(in) != 2 {
		return nil, fmt.Errorf("got %d inputs, want x and an optional step", len(in))
	}
	if !in[0].DType.IsFloat() {
		return nil, fmt.Errorf("x is %s, want a floating-point dtype", in[0].DType)
	}
	if len(in) == 2 {
		if s := in[1]; !s.DType.IsInt() || len(s.Shape) != 0 {
			return nil, fmt.Errorf("step is %v, want an integer scalar", s)
		}
	}
	if math.IsNaN(p.Mean) || math.IsInf(p.Mean, 0) || math.IsNaN(p.Stddev) || math.IsInf(p.Stddev, 0) {
		return nil, fmt.Errorf("mean %v and stddev %v must be finite", p.Mean, p.Stddev)
	}
	if p.Stddev < 0 {
		return nil, fmt.Errorf("stddev %v must be >= 0", p.Stddev)
	}
	return []core.Spec{{DType: in[0].DType, Shape: in[0].Shape.Clone()}}, nil
}

// rndStepOf returns the value of the optional step input in[1] (0 without one), or an error if
// it is negative.
func rndStepOf(in []*Tensor) (int64, error) {
	if len(in) < 2 {
		return 0, nil
	}
	s := in[1].Int64s()[0]
	if s < 0 {
		return 0, fmt.Errorf("step %d is negative", s)
	}
	return s, nil
}

func rndNormalLikeRef(p NormalLikeParams, in, out []*Tensor) error {
	step, err := rndStepOf(in)
	if err != nil {
		return err
	}
	seed, stream := RandomNormalLikeStream(p, step)
	key := philox.KeyFromSeed(seed)
	f64 := out[0].DType() == dtype.Float64
	v := make([]float64, out[0].Size())
	for i := range v {
		// The conversion rounds the product before the sum: it forbids fusing them into a
		// multiply-add, which some machines would round once, and kernels must match this.
		v[i] = float64(p.Stddev*rndNormalLikeZ(key, stream, f64, i)) + p.Mean
	}
	ref.Store(out[0], v)
	return nil
}

// rndNormalLikeZ returns the standard normal number of element i: the cosine (i even) or sine
// (i odd) value of Box–Muller pair i/2, rounded to float32 unless f64.
func rndNormalLikeZ(key [2]uint32, stream uint64, f64 bool, i int) float64 {
	j := i / 2
	var z0, z1 float64
	if f64 {
		var w [4]uint32
		philox.Uint32sAt(key, stream, 4*j, w[:])
		z0, z1 = philox.Normal64(uint64(w[0])<<32|uint64(w[1]), uint64(w[2])<<32|uint64(w[3]))
	} else {
		var w [2]uint32
		philox.Uint32sAt(key, stream, 2*j, w[:])
		a, b := philox.Normal32(w[0], w[1])
		z0, z1 = float64(a), float64(b)
	}
	if i%2 == 0 {
		return z0
	}
	return z1
}

// RandomNormalLikeStream returns what a random_normal_like kernel needs to reproduce the
// reference exactly: the Philox key seed and the stream (see [RandomNormalLike] for the layout;
// an element is float64(stddev·z) + mean, the product rounded before the sum, rounded to the
// dtype). step is the value of the optional step input (0 without one).
func RandomNormalLikeStream(p NormalLikeParams, step int64) (seed, stream uint64) {
	return p.Seed, rndNormalLikeStreams + p.Step + uint64(step)
}

// RandomNormalLike returns normal random numbers of mean p.Mean and standard deviation
// p.Stddev with x's dtype and shape; x's values are not read, and its shape may be known only
// when a compiled graph runs. They are drawn from the Philox generator keyed by p.Seed, in a
// stream selected by p.Step plus the value of step, an optional integer scalar tensor (nil for
// none): pass the training step as a tensor so that a compiled train step draws new numbers at
// every call without being traced again. Element 2j and 2j+1 of the row-major order are the two
// values of one Box–Muller pair (philox.Normal32 for float32 and the half types, which are
// drawn as float32 and rounded, philox.Normal64 for float64), so the same (seed, step, shape)
// gives the same bits on every machine, for any GOMAXPROCS, eagerly and compiled. The result is
// mean + stddev·z computed in float64 and rounded once. It costs one logarithm, square root and
// sine-cosine pair per two elements and allocates only its result.
//
// It is not differentiable: gradients flow only through the arithmetic that uses the noise. It
// panics with a *core.Error if x is not floating point, step is not an integer scalar, mean or
// stddev is not finite or stddev is negative, and, when the kernel runs, if step is negative.
func RandomNormalLike(x, step *Tensor, p NormalLikeParams) *Tensor {
	if step == nil {
		return core.Apply1(normalLikeOp, p, x)
	}
	return core.Apply1(normalLikeOp, p, x, step)
}
