package ops

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/philox"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Stateless random ops. Each takes an explicit 64-bit seed in its params and draws from the
// Philox4x32-10 counter-based generator (package internal/philox, as tensor.Random): element i
// of a result depends only on (seed, i), never on the order of generation, so the same seed and
// params give the same bits on every machine and for any GOMAXPROCS. There is no hidden state: to
// get fresh numbers, pass a different seed (for instance derived from a step counter).
//
// None of them is differentiable. An op without tensor inputs (random_uniform, random_normal,
// random_truncated_normal, random_permutation) runs when it is called, also while a function is
// traced, and its result is captured as a constant: with a fixed seed that is the same value a
// graph would compute. Bernoulli and Categorical take tensor inputs and are recorded like any op,
// and so is random_normal_like (random_like.go), which takes its shape from a tensor and a step
// from an integer scalar tensor, so that a compiled train step draws fresh noise at every call.
//
// Where numbers come from: uniform and normal floats are exactly tensor.Random's (so
// RandomNormal(seed, Float32, 0, 1, dims...) equals tensor.RandomNormal(seed, dims...)) before the
// affine map to the requested range is applied in float64 and rounded once. Everything else uses
// the 64-bit word made of words 2i and 2i+1 of stream 0 for element i.

// UniformParams describes a tensor of uniform random numbers.
type UniformParams struct {
	Seed  uint64
	DType dtype.DType
	Shape []int
	// Low is included, High excluded (Low < High). For integer dtypes both must be integers in
	// the dtype's range (High may be one past its maximum).
	Low, High float64
}

// NormalParams describes a tensor of normal random numbers.
type NormalParams struct {
	Seed  uint64
	DType dtype.DType // floating point
	Shape []int
	// Mean and Stddev (>= 0) of the distribution (before truncation for the truncated normal).
	Mean, Stddev float64
}

// BernoulliParams configures bernoulli.
type BernoulliParams struct {
	Seed  uint64
	DType dtype.DType // of the result: 1 with probability p, else 0 (true/false for bool)
	// Shape of the result; p must broadcast to it. Nil means p's shape.
	Shape []int
}

// CategoricalParams configures categorical.
type CategoricalParams struct {
	Seed uint64
	// NumSamples is the number of classes drawn per row of logits (>= 0).
	NumSamples int
	DType      dtype.DType // of the result: int32 or int64
}

// PermutationParams configures random_permutation.
type PermutationParams struct {
	Seed  uint64
	N     int         // the permutation is of 0..N-1 (N >= 0)
	DType dtype.DType // int32 or int64
}

var (
	uniformOp, normalOp, truncNormalOp, bernoulliOp, categoricalOp, permutationOp *core.Op
	rndIndexTypes                                                                 = []dtype.DType{dtype.Int32, dtype.Int64}
)

func init() {
	uniformOp = core.Declare(core.Def[UniformParams]{
		Name: "random_uniform", Doc: "stateless uniform random numbers in [low, high) from a seed (ONNX RandomUniform, torch.rand / torch.randint)",
		NotDifferentiable: true, KeyInput: -1, DTypes: numericTypes, Infer: rndInferUniform,
	})
	registerRef(uniformOp, numericTypes, rndUniformRef)

	normalOp = core.Declare(core.Def[NormalParams]{
		Name: "random_normal", Doc: "stateless normal random numbers from a seed (ONNX RandomNormal, torch.randn)",
		NotDifferentiable: true, KeyInput: -1, DTypes: floatTypes,
		Infer: func(p NormalParams, in []core.Spec) ([]core.Spec, error) { return rndInferNormal(p, in) },
	})
	registerRef(normalOp, floatTypes, func(p NormalParams, _, out []*Tensor) error {
		rndNormalRef(p, out[0], tensor.Normal)
		return nil
	})

	truncNormalOp = core.Declare(core.Def[NormalParams]{
		Name: "random_truncated_normal", Doc: "stateless normal random numbers redrawn beyond 2 stddev, from a seed (tf.random.stateless_truncated_normal, torch.nn.init.trunc_normal_)",
		NotDifferentiable: true, KeyInput: -1, DTypes: floatTypes,
		Infer: func(p NormalParams, in []core.Spec) ([]core.Spec, error) { return rndInferNormal(p, in) },
	})
	registerRef(truncNormalOp, floatTypes, func(p NormalParams, _, out []*Tensor) error {
		rndNormalRef(p, out[0], tensor.Truncated)
		return nil
	})

	bernoulliOp = core.Declare(core.Def[BernoulliParams]{
		Name: "bernoulli", Doc: "stateless 0/1 draws with probabilities p from a seed (ONNX Bernoulli, torch.bernoulli)",
		NotDifferentiable: true, DTypes: floatTypes, Infer: rndInferBernoulli,
	})
	registerRef(bernoulliOp, floatTypes, rndBernoulliRef)

	categoricalOp = core.Declare(core.Def[CategoricalParams]{
		Name: "categorical", Doc: "stateless class samples from rows of logits by the Gumbel-max trick (ONNX Multinomial, torch.multinomial of softmax)",
		NotDifferentiable: true, DTypes: floatTypes, Infer: rndInferCategorical,
	})
	registerRef(categoricalOp, floatTypes, rndCategoricalRef)

	permutationOp = core.Declare(core.Def[PermutationParams]{
		Name: "random_permutation", Doc: "stateless random permutation of 0..n-1 from a seed (no ONNX op; torch.randperm)",
		NotDifferentiable: true, KeyInput: -1, DTypes: rndIndexTypes, Infer: rndInferPermutation,
	})
	registerRef(permutationOp, rndIndexTypes, func(p PermutationParams, _, out []*Tensor) error {
		ref.Store(out[0], rndPermutation(p.Seed, p.N))
		return nil
	})
}

// rndShape validates a result shape given in params.
func rndShape(dims []int) (shape.Shape, error) {
	s := shape.Shape(dims).Clone()
	if err := s.Validate(false); err != nil {
		return nil, err
	}
	if s == nil {
		s = shape.Shape{}
	}
	return s, nil
}

func rndFinite(vs ...float64) error {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("distribution parameters %v must be finite", vs)
		}
	}
	return nil
}

// rndIntRange returns the bounds of integer dtype dt as float64.
func rndIntRange(dt dtype.DType) (lo, hi float64) {
	switch dt {
	case dtype.Uint8:
		return 0, math.MaxUint8
	case dtype.Int8:
		return math.MinInt8, math.MaxInt8
	case dtype.Int32:
		return math.MinInt32, math.MaxInt32
	}
	return -(1 << 53), 1 << 53 // int64: the integers float64 holds exactly
}

func rndInferUniform(p UniformParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 0); err != nil {
		return nil, err
	}
	if !p.DType.IsFloat() && !p.DType.IsInt() {
		return nil, fmt.Errorf("dtype %v is not numeric", p.DType)
	}
	s, err := rndShape(p.Shape)
	if err != nil {
		return nil, err
	}
	if err := rndFinite(p.Low, p.High); err != nil {
		return nil, err
	}
	if !(p.Low < p.High) {
		return nil, fmt.Errorf("low %v must be below high %v", p.Low, p.High)
	}
	if p.DType.IsInt() {
		lo, hi := rndIntRange(p.DType)
		if p.Low != math.Trunc(p.Low) || p.High != math.Trunc(p.High) || p.Low < lo || p.High-1 > hi {
			return nil, fmt.Errorf("low %v and high %v must be integers with low >= %v and high <= %v for %s", p.Low, p.High, lo, hi+1, p.DType)
		}
	}
	return []core.Spec{{DType: p.DType, Shape: s}}, nil
}

func rndUniformRef(p UniformParams, _, out []*Tensor) error {
	o := out[0]
	if o.DType().IsFloat() {
		u := rndUnit(p.DType, tensor.Uniform, p.Seed, o.Shape())
		for i, x := range u {
			u[i] = p.Low + (p.High-p.Low)*x
		}
		ref.Store(o, u)
		return nil
	}
	lo, r := int64(p.Low), uint64(int64(p.High)-int64(p.Low))
	v := make([]int64, o.Size())
	for i, w := range rndWords(p.Seed, len(v)) {
		hi, _ := bits.Mul64(w, r) // floor(w·r / 2^64): bias below r/2^64
		v[i] = lo + int64(hi)
	}
	ref.Store(o, v)
	return nil
}

// rndUnit returns tensor.Random's numbers for dt (float32 ones for the half types, so that
// rounding happens once, after the affine map) as float64.
func rndUnit(dt dtype.DType, dist tensor.Distribution, seed uint64, s shape.Shape) []float64 {
	if dt != dtype.Float64 {
		dt = dtype.Float32
	}
	return tensor.Random(dt, dist, seed, s...).Float64s()
}

// rndWords returns n 64-bit words: word i is made of words 2i and 2i+1 of stream 0 under seed.
func rndWords(seed uint64, n int) []uint64 {
	w := make([]uint32, 2*n)
	philox.Uint32s(philox.KeyFromSeed(seed), 0, w)
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(w[2*i])<<32 | uint64(w[2*i+1])
	}
	return out
}

func rndInferNormal(p NormalParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 0); err != nil {
		return nil, err
	}
	if !p.DType.IsFloat() {
		return nil, fmt.Errorf("dtype %v is not floating point", p.DType)
	}
	s, err := rndShape(p.Shape)
	if err != nil {
		return nil, err
	}
	if err := rndFinite(p.Mean, p.Stddev); err != nil {
		return nil, err
	}
	if p.Stddev < 0 {
		return nil, fmt.Errorf("stddev %v must be >= 0", p.Stddev)
	}
	return []core.Spec{{DType: p.DType, Shape: s}}, nil
}

func rndNormalRef(p NormalParams, o *Tensor, dist tensor.Distribution) {
	z := rndUnit(p.DType, dist, p.Seed, o.Shape())
	for i, x := range z {
		z[i] = p.Mean + p.Stddev*x
	}
	ref.Store(o, z)
}

func rndInferBernoulli(p BernoulliParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	if !in[0].DType.IsFloat() {
		return nil, fmt.Errorf("probabilities are %s, want a floating-point dtype", in[0].DType)
	}
	if !p.DType.Valid() {
		return nil, fmt.Errorf("invalid dtype %v", p.DType)
	}
	s := in[0].Shape
	if p.Shape != nil {
		var err error
		if s, err = rndShape(p.Shape); err != nil {
			return nil, err
		}
		if !shape.BroadcastsTo(in[0].Shape, s) {
			return nil, fmt.Errorf("probabilities of shape %v do not broadcast to %v", in[0].Shape, s)
		}
	}
	return []core.Spec{{DType: p.DType, Shape: s.Clone()}}, nil
}

func rndBernoulliRef(p BernoulliParams, in, out []*Tensor) error {
	o := out[0]
	pv := in[0].Float64s()
	bi := ref.BroadcastIndex(in[0].Shape(), o.Shape())
	v := make([]int64, o.Size())
	for i, w := range rndWords(p.Seed, len(v)) {
		q := pv[bi[i]]
		if !(q >= 0 && q <= 1) {
			return fmt.Errorf("probability %v at index %d is outside [0, 1]", q, bi[i])
		}
		if float64(w>>11)*0x1p-53 < q { // u uniform on [0, 1) in steps of 2^-53: P(u < q) = q
			v[i] = 1
		}
	}
	ref.Store(o, v)
	return nil
}

func rndInferCategorical(p CategoricalParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	l := in[0]
	if !l.DType.IsFloat() {
		return nil, fmt.Errorf("logits are %s, want a floating-point dtype", l.DType)
	}
	if len(l.Shape) != 2 || l.Shape[1] == 0 {
		return nil, fmt.Errorf("logits have shape %v, want [batch, classes] with classes >= 1", l.Shape)
	}
	if p.NumSamples < 0 {
		return nil, fmt.Errorf("number of samples is %d, want >= 0", p.NumSamples)
	}
	if p.DType != dtype.Int32 && p.DType != dtype.Int64 {
		return nil, fmt.Errorf("dtype %v, want int32 or int64", p.DType)
	}
	return []core.Spec{{DType: p.DType, Shape: shape.Shape{l.Shape[0], p.NumSamples}}}, nil
}

// rndCategoricalRef draws sample s of row b as argmax over classes c of logits[b, c] + G, where
// G = -log(-log u) is Gumbel noise and u is made of the 64-bit word of element (b·S + s)·C + c:
// this samples class c with probability softmax(logits[b])[c]. The logarithms are computed by
// rndLog so the choice is the same on every machine.
func rndCategoricalRef(p CategoricalParams, in, out []*Tensor) error {
	l := in[0].Float64s()
	nb, nc, ns := in[0].Dim(0), in[0].Dim(1), p.NumSamples
	for b := 0; b < nb; b++ {
		row := l[b*nc : (b+1)*nc]
		finite := false
		for _, x := range row {
			if math.IsNaN(x) || math.IsInf(x, 1) {
				return fmt.Errorf("row %d of the logits holds %v", b, x)
			}
			finite = finite || !math.IsInf(x, -1)
		}
		if !finite && ns > 0 {
			return fmt.Errorf("row %d of the logits is all -Inf: no class has a positive probability", b)
		}
	}
	key := philox.KeyFromSeed(p.Seed)
	w := make([]uint32, 2*nc)
	v := make([]int64, nb*ns)
	for e := range v {
		b := e / max(ns, 1)
		philox.Uint32sAt(key, 0, 2*e*nc, w)
		best, arg := math.Inf(-1), -1
		for c, x := range l[b*nc : (b+1)*nc] {
			if math.IsInf(x, -1) {
				continue
			}
			u := (float64((uint64(w[2*c])<<32|uint64(w[2*c+1]))>>11) + 0.5) * 0x1p-53 // in (0, 1)
			if s := x - rndLog(-rndLog(u)); arg < 0 || s > best {
				best, arg = s, c
			}
		}
		v[e] = int64(arg)
	}
	ref.Store(out[0], v)
	return nil
}

// ln2Hi + ln2Lo = ln 2, with ln2Hi holding few enough bits that k·ln2Hi is exact for |k| < 2^11.
const (
	rndLn2Hi = 6.93147180369123816490e-01
	rndLn2Lo = 1.90821492927058770002e-10
)

// rndLog returns ln x for a positive normal float64 with a fixed sequence of correctly rounded
// operations: every product is rounded by an explicit conversion, which the Go specification
// says prevents fusing it into a multiply-add, and no assembly is involved (math.Log is assembly
// on amd64 and s390x). So the result, within an ulp or two of ln x, has the same bits everywhere,
// and so do the samples of categorical. With x = 2^k·m, m in [√½, √2), ln m = 2·atanh(s) for
// s = (m-1)/(m+1), |s| < 0.172, whose odd series converges to double precision in 12 terms.
func rndLog(x float64) float64 {
	b := math.Float64bits(x)
	k := int(b>>52&0x7ff) - 1023
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	if m >= math.Sqrt2 {
		m /= 2
		k++
	}
	f := m - 1
	s := f / (2 + f)
	z := float64(s * s)
	r := 1.0 / 23 // r = Σ z^j/(2j+1), j = 0..11, by Horner's rule
	for i := 21; i >= 1; i -= 2 {
		r = float64(r*z) + 1/float64(i)
	}
	lm := float64(float64(2*s) * r)
	kf := float64(k)
	return float64(kf*rndLn2Hi) + (lm + float64(kf*rndLn2Lo))
}

func rndInferPermutation(p PermutationParams, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 0); err != nil {
		return nil, err
	}
	if p.N < 0 {
		return nil, fmt.Errorf("n is %d, want >= 0", p.N)
	}
	if p.DType != dtype.Int32 && p.DType != dtype.Int64 {
		return nil, fmt.Errorf("dtype %v, want int32 or int64", p.DType)
	}
	if p.DType == dtype.Int32 && p.N > math.MaxInt32 {
		return nil, fmt.Errorf("n = %d does not fit int32", p.N)
	}
	return []core.Spec{{DType: p.DType, Shape: shape.Shape{p.N}}}, nil
}

// rndPermutation orders 0..n-1 by a random 64-bit key each (ties, which have probability about
// n²/2^65, by position): a uniformly random permutation that depends only on seed and n.
func rndPermutation(seed uint64, n int) []int64 {
	keys := rndWords(seed, n)
	perm := make([]int64, n)
	for i := range perm {
		perm[i] = int64(i)
	}
	slices.SortFunc(perm, func(a, b int64) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return perm
}

// RandomUniform returns a tensor of dtype dt and the given dimensions with numbers uniform on
// [low, high) drawn with seed, as tf.random.stateless_uniform and ONNX RandomUniform (with an
// explicit seed). Floats are low + (high-low)·u for tensor.Random's u, computed in float64 and
// rounded once; after rounding to the dtype a value may equal high (as in TensorFlow), which for
// float32 can only happen when high-low is not a power of two. For integer dtypes the result is
// low + floor(w·(high-low)/2^64) for a random 64-bit w (a bias below (high-low)/2^64). The same
// seed gives the same tensor on every machine. It panics with a *core.Error if low >= high, a
// bound is not finite, the dtype is not numeric, or for integers a bound is not an integer in the
// dtype's range. It is not differentiable.
func RandomUniform(seed uint64, dt dtype.DType, low, high float64, dims ...int) *Tensor {
	return core.Apply1(uniformOp, UniformParams{Seed: seed, DType: dt, Shape: append([]int{}, dims...), Low: low, High: high})
}

// RandomNormal returns a tensor of floating-point dtype dt with normal numbers of the given mean
// and standard deviation drawn with seed, as tf.random.stateless_normal: mean + stddev·z for
// tensor.Random's standard normal z (so with mean 0 and stddev 1 it equals tensor.Random). It
// panics with a *core.Error if dt is not floating point, stddev is negative or a parameter is
// not finite. It is not differentiable.
func RandomNormal(seed uint64, dt dtype.DType, mean, stddev float64, dims ...int) *Tensor {
	return core.Apply1(normalOp, NormalParams{Seed: seed, DType: dt, Shape: append([]int{}, dims...), Mean: mean, Stddev: stddev})
}

// TruncatedNormal is [RandomNormal] with values more than two standard deviations from the mean
// redrawn, as tf.random.stateless_truncated_normal and Keras's TruncatedNormal initializer.
// The result is mean + stddev·z with z in [-2, 2] (the standard deviation of the truncated
// distribution is about 0.88·stddev).
func TruncatedNormal(seed uint64, dt dtype.DType, mean, stddev float64, dims ...int) *Tensor {
	return core.Apply1(truncNormalOp, NormalParams{Seed: seed, DType: dt, Shape: append([]int{}, dims...), Mean: mean, Stddev: stddev})
}

// Bernoulli returns, for each probability in p, 1 with that probability and 0 otherwise, drawn
// with seed, with p's dtype and shape, as torch.bernoulli(p) (with an explicit seed). See
// [BernoulliWith].
func Bernoulli(seed uint64, p *Tensor) *Tensor {
	return BernoulliWith(p, BernoulliParams{Seed: seed, DType: p.DType()})
}

// BernoulliScalar returns a tensor of dtype dt and the given dimensions whose elements are 1 with
// probability p and 0 otherwise, drawn with seed. See [BernoulliWith].
func BernoulliScalar(seed uint64, p float64, dt dtype.DType, dims ...int) *Tensor {
	return BernoulliWith(tensor.Scalar(p), BernoulliParams{Seed: seed, DType: dt, Shape: append([]int{}, dims...)})
}

// BernoulliWith draws 0/1 values (false/true for bool) of dtype params.DType and shape
// params.Shape (p's shape when nil), element i being 1 when a uniform number made of random word
// i is below the probability broadcast to it. It panics with a *core.Error if p is not floating
// point or does not broadcast to the shape, and, eagerly, if a probability is outside [0, 1] or
// NaN. It is not differentiable.
func BernoulliWith(p *Tensor, params BernoulliParams) *Tensor {
	return core.Apply1(bernoulliOp, params, p)
}

// Categorical draws numSamples class indices (int64) for each row of logits [batch, classes]
// with probabilities softmax(row), as tf.random.stateless_categorical: the result has shape
// [batch, numSamples]. Each sample is the argmax of the logits plus independent Gumbel noise
// made from its own random words (the Gumbel-max trick), computed with a logarithm written in
// Tide so the same seed picks the same classes on every machine. Classes with logit -Inf are
// never drawn. It panics with a *core.Error if logits are not a floating-point matrix with at
// least one class or numSamples is negative, and, eagerly, if a row holds NaN or +Inf or is all
// -Inf. It is not differentiable.
func Categorical(seed uint64, logits *Tensor, numSamples int) *Tensor {
	return core.Apply1(categoricalOp, CategoricalParams{Seed: seed, NumSamples: numSamples, DType: dtype.Int64}, logits)
}

// RandomPermutation returns a random permutation of 0..n-1 as int64, drawn with seed, as
// torch.randperm and numpy's permutation (with an explicit seed): the positions sorted by a
// random 64-bit key each. It panics with a *core.Error if n is negative. It is not
// differentiable.
func RandomPermutation(seed uint64, n int) *Tensor {
	return core.Apply1(permutationOp, PermutationParams{Seed: seed, N: n, DType: dtype.Int64})
}

// RandomShuffle returns x with its slices along axis 0 in a random order drawn with seed, as
// tf.random.stateless_shuffle: Gather(x, RandomPermutation(seed, len), 0). The permutation
// depends only on the seed and the length, so tensors of equal length shuffled with one seed stay
// aligned (features and labels). Being a gather, it passes gradients back to x (unshuffled); the
// permutation itself is not differentiable. It panics with a *core.Error if x is a scalar or its
// first dimension is unknown.
func RandomShuffle(seed uint64, x *Tensor) *Tensor {
	if x.Rank() == 0 || x.Dim(0) < 0 {
		panic(core.Errorf("random_shuffle", "input has shape %v, want rank >= 1 with a known first dimension", x.Shape()))
	}
	return Gather(x, RandomPermutation(seed, x.Dim(0)), 0)
}
