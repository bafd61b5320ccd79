// Package initializers provides the weight initializers of Keras under their Keras names:
// constants, random uniform and normal draws, the variance-scaling family (Glorot, He, LeCun),
// orthogonal and identity matrices.
//
// Every initializer is a pure function of a seed, a dtype and a shape: the numbers come from
// Tide's Philox generator (package tensor), so the same seed gives the same weights on every
// machine. Layers pass a seed derived from their name and the weight's name (see package nn);
// [Seeded] fixes the seed of an initializer regardless of what the layer passes.
//
//	w := initializers.GlorotUniform().Init(42, dtype.Float32, 784, 128)
//	init, err := initializers.Get("he_normal")
//
// # Fans
//
// The variance-scaling initializers compute fan_in and fan_out from the shape as Keras does:
// a 1-D shape [n] has both equal to n; a matrix [in, out] has (in, out); a convolution kernel
// [k..., in, out] has fan_in = prod(k)·in and fan_out = prod(k)·out.
package initializers

import (
	"fmt"
	"math"
	"sort"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Initializer makes the initial value of a weight.
type Initializer interface {
	// Init returns a new concrete tensor of dtype dt and the given dimensions. Random initializers
	// draw with seed (unless they were given their own with [Seeded]); the same arguments give the
	// same tensor. It panics with a *core.Error for a shape the initializer cannot fill (identity
	// of a non-matrix) or a non-float dtype for a random initializer.
	Init(seed uint64, dt dtype.DType, dims ...int) *tensor.Tensor
	// Config returns the Keras serialisation: {"class_name": "GlorotUniform", "config": {...}}.
	Config() map[string]any
}

// fill is a constant initializer.
type fill struct {
	class string
	value float64
}

func (f fill) Init(_ uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	return tensor.Full(dt, f.value, dims...)
}

func (f fill) Config() map[string]any {
	cfg := map[string]any{}
	if f.class == "Constant" {
		cfg["value"] = f.value
	}
	return classConfig(f.class, cfg)
}

// Zeros returns the initializer of zeros (Keras "zeros"), the default of biases.
func Zeros() Initializer { return fill{class: "Zeros"} }

// Ones returns the initializer of ones (Keras "ones"), the default of normalisation scales.
func Ones() Initializer { return fill{class: "Ones", value: 1} }

// Constant returns the initializer filling every element with v (Keras "constant").
func Constant(v float64) Initializer { return fill{class: "Constant", value: v} }

// uniform draws from U(low, high).
type uniform struct{ low, high float64 }

func (u uniform) Init(seed uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	return affine(random("initializers.RandomUniform", dt, tensor.Uniform, seed, dims), u.high-u.low, u.low)
}

func (u uniform) Config() map[string]any {
	return classConfig("RandomUniform", map[string]any{"minval": u.low, "maxval": u.high, "seed": nil})
}

// RandomUniform returns the initializer drawing from the uniform distribution on [low, high)
// (Keras "random_uniform"; Keras's default is [-0.05, 0.05), the "uniform" of embeddings).
func RandomUniform(low, high float64) Initializer { return uniform{low, high} }

// normal draws from N(mean, stddev²), optionally truncated at two standard deviations.
type normal struct {
	mean, stddev float64
	truncated    bool
}

func (n normal) Init(seed uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	dist := tensor.Normal
	if n.truncated {
		dist = tensor.Truncated
	}
	return affine(random("initializers.RandomNormal", dt, dist, seed, dims), n.stddev, n.mean)
}

func (n normal) Config() map[string]any {
	class := "RandomNormal"
	if n.truncated {
		class = "TruncatedNormal"
	}
	return classConfig(class, map[string]any{"mean": n.mean, "stddev": n.stddev, "seed": nil})
}

// RandomNormal returns the initializer drawing from the normal distribution with the given
// mean and standard deviation (Keras "random_normal"; Keras's defaults are 0 and 0.05).
func RandomNormal(mean, stddev float64) Initializer { return normal{mean: mean, stddev: stddev} }

// TruncatedNormal returns RandomNormal with draws beyond two standard deviations redrawn
// (Keras "truncated_normal"). The standard deviation of the result is about 0.88·stddev.
func TruncatedNormal(mean, stddev float64) Initializer {
	return normal{mean: mean, stddev: stddev, truncated: true}
}

// random returns float draws of dist, computed in float32 (float64 for float64).
func random(op string, dt dtype.DType, dist tensor.Distribution, seed uint64, dims []int) *tensor.Tensor {
	if !dt.IsFloat() {
		panic(core.Errorf(op, "random initializers need a float dtype, got %v", dt))
	}
	return tensor.Random(dt, dist, seed, dims...)
}

// affine returns t·scale + shift computed in float64 and converted back to t's dtype.
func affine(t *tensor.Tensor, scale, shift float64) *tensor.Tensor {
	v := t.Float64s()
	for i := range v {
		v[i] = v[i]*scale + shift
	}
	return fromFloat64s(t.DType(), v, t.Shape())
}

func fromFloat64s(dt dtype.DType, v []float64, dims []int) *tensor.Tensor {
	src := tensor.FromSlice(v, dims...)
	if dt == dtype.Float64 {
		return src
	}
	dst := tensor.New(dt, src.Shape())
	tensor.Convert(dst, src)
	return dst
}

func classConfig(class string, cfg map[string]any) map[string]any {
	return map[string]any{"class_name": class, "config": cfg}
}

// Fans returns fan_in and fan_out of a weight of the given dimensions, as Keras computes them:
// a scalar has 1 and 1, a vector [n] has n and n, a matrix [in, out] has in and out, and a
// convolution kernel [k..., in, out] has prod(k)·in and prod(k)·out.
func Fans(dims []int) (fanIn, fanOut int) {
	switch len(dims) {
	case 0:
		return 1, 1
	case 1:
		return dims[0], dims[0]
	case 2:
		return dims[0], dims[1]
	}
	receptive := 1
	for _, d := range dims[:len(dims)-2] {
		receptive *= d
	}
	return receptive * dims[len(dims)-2], receptive * dims[len(dims)-1]
}

// Named returns the Keras string names [Get] accepts, sorted.
func Named() []string {
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// byName maps Keras's string identifiers to initializers with Keras's default arguments.
var byName = map[string]func() Initializer{
	"zeros":            Zeros,
	"ones":             Ones,
	"constant":         func() Initializer { return Constant(0) },
	"uniform":          func() Initializer { return RandomUniform(-0.05, 0.05) },
	"random_uniform":   func() Initializer { return RandomUniform(-0.05, 0.05) },
	"normal":           func() Initializer { return RandomNormal(0, 0.05) },
	"random_normal":    func() Initializer { return RandomNormal(0, 0.05) },
	"truncated_normal": func() Initializer { return TruncatedNormal(0, 0.05) },
	"glorot_uniform":   GlorotUniform,
	"glorot_normal":    GlorotNormal,
	"he_uniform":       HeUniform,
	"he_normal":        HeNormal,
	"lecun_uniform":    LecunUniform,
	"lecun_normal":     LecunNormal,
	"variance_scaling": func() Initializer { return VarianceScaling(1, FanIn, TruncatedNormalDist) },
	"orthogonal":       func() Initializer { return Orthogonal(1) },
	"identity":         func() Initializer { return Identity(1) },
}

// Get returns the initializer with Keras's string identifier name ("glorot_uniform",
// "he_normal", "zeros", "uniform", ...) and Keras's default arguments, or an error naming the
// known identifiers.
func Get(name string) (Initializer, error) {
	f, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("initializers: unknown initializer %q (known: %v)", name, Named())
	}
	return f(), nil
}

// MustGet is [Get] that panics with a *core.Error for an unknown name.
func MustGet(name string) Initializer {
	init, err := Get(name)
	if err != nil {
		panic(core.Errorf("initializers.Get", "%v", err))
	}
	return init
}

// seeded fixes the seed of another initializer.
type seeded struct {
	Initializer
	seed uint64
}

func (s seeded) Init(_ uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	return s.Initializer.Init(s.seed, dt, dims...)
}

func (s seeded) Config() map[string]any {
	cfg := s.Initializer.Config()
	inner := map[string]any{}
	for k, v := range cfg["config"].(map[string]any) {
		inner[k] = v
	}
	inner["seed"] = s.seed
	return classConfig(cfg["class_name"].(string), inner)
}

// Seeded returns init drawing always with seed, whatever seed the layer passes: Keras's
// initializer seed argument.
func Seeded(init Initializer, seed uint64) Initializer { return seeded{init, seed} }

// sqrt is math.Sqrt, short for the formulas.
func sqrt(x float64) float64 { return math.Sqrt(x) }
