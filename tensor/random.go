package tensor

import (
	"fmt"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/internal/philox"
)

// Distribution selects what [Random] draws.
type Distribution int

// The distributions. TruncatedNormal is the standard normal with values beyond two standard
// deviations redrawn, as TensorFlow's truncated_normal and Keras's TruncatedNormal initializer.
const (
	Uniform   Distribution = iota // uniform on [0, 1)
	Normal                        // standard normal
	Truncated                     // standard normal truncated to [-2, 2]
)

func (d Distribution) String() string {
	switch d {
	case Uniform:
		return "uniform"
	case Normal:
		return "normal"
	case Truncated:
		return "truncated normal"
	}
	return fmt.Sprintf("distribution(%d)", int(d))
}

// RandomUniform returns float32 numbers uniform on [0, 1) drawn with seed.
func RandomUniform(seed uint64, dims ...int) *Tensor {
	return Random(dtype.Float32, Uniform, seed, dims...)
}

// RandomNormal returns float32 standard normal numbers drawn with seed.
func RandomNormal(seed uint64, dims ...int) *Tensor {
	return Random(dtype.Float32, Normal, seed, dims...)
}

// TruncatedNormal returns float32 standard normal numbers drawn with seed, those beyond two
// standard deviations redrawn.
func TruncatedNormal(seed uint64, dims ...int) *Tensor {
	return Random(dtype.Float32, Truncated, seed, dims...)
}

// Random returns a tensor of floating-point type dt with numbers from dist drawn with seed.
//
// Numbers come from the Philox4x32-10 counter-based generator: element i of the result depends
// only on (seed, i), never on the order of generation, so the same seed gives the same tensor on
// every machine and for any GOMAXPROCS. Element i of a float32 uniform tensor uses word i of
// stream 0; float64 uses words 2i and 2i+1; normals use Box-Muller on word pairs; a truncated
// normal element that falls outside [-2, 2] is redrawn from the next stream at the same index.
// Float16 and bfloat16 are drawn as float32 and rounded. It panics with a *core.Error for a
// non-float dtype or an unknown distribution.
func Random(dt dtype.DType, dist Distribution, seed uint64, dims ...int) *Tensor {
	if !dt.IsFloat() {
		errs.Panic("tensor.Random", "dtype %v is not floating point", dt)
	}
	if dist < Uniform || dist > Truncated {
		errs.Panic("tensor.Random", "unknown distribution %v", dist)
	}
	s := checkDims("tensor.Random", dims)
	key := philox.KeyFromSeed(seed)
	n := s.Size()
	if dt == dtype.Float64 {
		v := make([]float64, n)
		random64(v, key, dist)
		return &Tensor{dt: dt, shape: s, data: v}
	}
	v := make([]float32, n)
	random32(v, key, dist)
	t := &Tensor{dt: dtype.Float32, shape: s, data: v}
	if dt == dtype.Float32 {
		return t
	}
	out := New(dt, s)
	Convert(out, t)
	return out
}

func random32(v []float32, key [2]uint32, dist Distribution) {
	if dist == Uniform {
		w := make([]uint32, len(v))
		philox.Uint32s(key, 0, w)
		for i, u := range w {
			v[i] = philox.Float32(u)
		}
		return
	}
	// Normals: element i uses words 2i and 2i+1 of its stream and keeps the first Box-Muller value,
	// so each element is independent of its neighbours (and of redraws).
	var w [2]uint32
	for i := range v {
		for stream := uint64(0); ; stream++ {
			philox.Uint32sAt(key, stream, 2*i, w[:])
			z, _ := philox.Normal32(w[0], w[1])
			if dist == Normal || (z >= -2 && z <= 2) {
				v[i] = z
				break
			}
		}
	}
}

func random64(v []float64, key [2]uint32, dist Distribution) {
	if dist == Uniform {
		var w [2]uint32
		for i := range v {
			philox.Uint32sAt(key, 0, 2*i, w[:])
			v[i] = philox.Float64(w[0], w[1])
		}
		return
	}
	var w [4]uint32
	for i := range v {
		for stream := uint64(0); ; stream++ {
			philox.Uint32sAt(key, stream, 4*i, w[:])
			z, _ := philox.Normal64(uint64(w[0])<<32|uint64(w[1]), uint64(w[2])<<32|uint64(w[3]))
			if dist == Normal || (z >= -2 && z <= 2) {
				v[i] = z
				break
			}
		}
	}
}
