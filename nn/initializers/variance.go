package initializers

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// FanMode selects the fan VarianceScaling divides by.
type FanMode string

// Distribution selects what VarianceScaling draws from.
type Distribution string

// The fan modes and distributions of Keras's VarianceScaling.
const (
	FanIn  FanMode = "fan_in"
	FanOut FanMode = "fan_out"
	FanAvg FanMode = "fan_avg"

	// TruncatedNormalDist is a normal truncated at two standard deviations, with the standard
	// deviation divided by 0.87962566103423978 (the standard deviation of a standard normal
	// truncated to [-2, 2]) so that the result has the intended variance.
	TruncatedNormalDist Distribution = "truncated_normal"
	// UntruncatedNormalDist is a plain normal.
	UntruncatedNormalDist Distribution = "untruncated_normal"
	// UniformDist is uniform on [-limit, limit) with limit = sqrt(3·scale/n).
	UniformDist Distribution = "uniform"
)

// truncatedStd is the standard deviation of a standard normal truncated to [-2, 2].
const truncatedStd = 0.87962566103423978

// varianceScaling draws with variance scale/n, n the fan chosen by mode.
type varianceScaling struct {
	class string // the Keras class of a preset (GlorotUniform...), "" for VarianceScaling itself
	scale float64
	mode  FanMode
	dist  Distribution
}

// VarianceScaling returns Keras's VarianceScaling initializer: with n = fan_in, fan_out or
// (fan_in+fan_out)/2 by mode, it draws with standard deviation sqrt(scale/n) from dist.
// It panics with a *core.Error if scale is not positive or mode or dist is unknown.
func VarianceScaling(scale float64, mode FanMode, dist Distribution) Initializer {
	if scale <= 0 {
		panic(core.Errorf("initializers.VarianceScaling", "scale must be positive, got %v", scale))
	}
	switch mode {
	case FanIn, FanOut, FanAvg:
	default:
		panic(core.Errorf("initializers.VarianceScaling", "unknown mode %q (want fan_in, fan_out or fan_avg)", mode))
	}
	switch dist {
	case TruncatedNormalDist, UntruncatedNormalDist, UniformDist:
	case "normal": // Keras accepts "normal" as truncated_normal
		dist = TruncatedNormalDist
	default:
		panic(core.Errorf("initializers.VarianceScaling", "unknown distribution %q (want truncated_normal, untruncated_normal or uniform)", dist))
	}
	return varianceScaling{scale: scale, mode: mode, dist: dist}
}

// GlorotUniform returns Keras's default kernel initializer: U(-L, L), L = sqrt(6/(fan_in+fan_out)).
func GlorotUniform() Initializer { return preset("GlorotUniform", 1, FanAvg, UniformDist) }

// GlorotNormal returns the truncated normal with standard deviation sqrt(2/(fan_in+fan_out)).
func GlorotNormal() Initializer { return preset("GlorotNormal", 1, FanAvg, TruncatedNormalDist) }

// HeUniform returns U(-L, L) with L = sqrt(6/fan_in).
func HeUniform() Initializer { return preset("HeUniform", 2, FanIn, UniformDist) }

// HeNormal returns the truncated normal with standard deviation sqrt(2/fan_in).
func HeNormal() Initializer { return preset("HeNormal", 2, FanIn, TruncatedNormalDist) }

// LecunUniform returns U(-L, L) with L = sqrt(3/fan_in).
func LecunUniform() Initializer { return preset("LecunUniform", 1, FanIn, UniformDist) }

// LecunNormal returns the truncated normal with standard deviation sqrt(1/fan_in).
func LecunNormal() Initializer { return preset("LecunNormal", 1, FanIn, TruncatedNormalDist) }

func preset(class string, scale float64, mode FanMode, dist Distribution) Initializer {
	return varianceScaling{class: class, scale: scale, mode: mode, dist: dist}
}

func (v varianceScaling) Init(seed uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	fanIn, fanOut := Fans(dims)
	n := float64(fanIn)
	switch v.mode {
	case FanOut:
		n = float64(fanOut)
	case FanAvg:
		n = float64(fanIn+fanOut) / 2
	}
	if n < 1 {
		n = 1 // Keras: max(1, n), so empty shapes do not divide by zero
	}
	const op = "initializers.VarianceScaling"
	switch v.dist {
	case UniformDist:
		limit := sqrt(3 * v.scale / n)
		return affine(random(op, dt, tensor.Uniform, seed, dims), 2*limit, -limit)
	case UntruncatedNormalDist:
		return affine(random(op, dt, tensor.Normal, seed, dims), sqrt(v.scale/n), 0)
	default:
		return affine(random(op, dt, tensor.Truncated, seed, dims), sqrt(v.scale/n)/truncatedStd, 0)
	}
}

func (v varianceScaling) Config() map[string]any {
	if v.class != "" {
		return classConfig(v.class, map[string]any{"seed": nil})
	}
	return classConfig("VarianceScaling", map[string]any{
		"scale": v.scale, "mode": string(v.mode), "distribution": string(v.dist), "seed": nil,
	})
}
