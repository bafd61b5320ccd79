package ops

import (
	"fmt"
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/tensor"
)

// Dropout is a primitive: its mask is drawn inside the kernel from the Philox generator, from
// the seed, the step and each element's position, so the same (seed, step, shape) gives the same
// mask on every machine, for any GOMAXPROCS, eagerly and in a compiled graph, and no mask tensor
// is stored between the forward and the backward pass. Being linear in x, its gradient is
// dropout of the upstream gradient with the same params: the same mask, recomputed.
//
// It is deliberately not declared Elementwise: graph fusion runs elementwise kernels chunk by
// chunk, and a chunk's kernel would not know the positions of its elements, on which the mask
// depends.

// DropoutParams configures dropout.
type DropoutParams struct {
	// Rate is the probability that an element is dropped, in [0, 1]. Kept elements are scaled
	// by 1/(1-Rate) so the expected value is unchanged (inverted dropout, as Keras and
	// PyTorch); rate 0 is the identity and rate 1 drops everything.
	Rate float64
	// Seed selects the random stream; Step is added to the optional step tensor of
	// [DropoutStep] and selects a fresh mask: pass the training step so every step drops
	// different elements while staying reproducible.
	Seed, Step uint64
}

// nnDropoutStreams is the first Philox stream dropout draws from (the ASCII bytes of "drop"),
// chosen so that masks do not repeat the words that random_uniform and tensor.Random take from
// stream 0 with the same seed.
const nnDropoutStreams = 0x64726f70 << 32

var nnDropoutOp *core.Op

func init() {
	nnDropoutOp = core.Declare(core.Def[DropoutParams]{
		Name: "dropout", Overwrites: true, Doc: "inverted dropout with a stateless Philox mask from a seed and step (ONNX Dropout, torch.nn.functional.dropout)",
		DTypes: floatTypes, Infer: nnInferDropout,
		Grad: func(p DropoutParams, in, _, g []*Tensor) []*Tensor {
			gin := append([]*Tensor{g[0]}, in[1:]...)
			gx := core.Apply1(nnDropoutOp, p, gin...)
			if len(in) == 2 {
				return []*Tensor{gx, nil}
			}
			return []*Tensor{gx}
		},
	})
	registerRef(nnDropoutOp, floatTypes, nnDropoutRef)
}

func nnInferDropout(p DropoutParams, in []core.Spec) ([]core.Spec, error) {
	if len(in) != 1 && len(in) != 2 {
		return nil, fmt.Errorf("got %d inputs, want x and an optional step", len(in))
	}
	if !(p.Rate >= 0 && p.Rate <= 1) {
		return nil, fmt.Errorf("rate %v outside [0, 1]", p.Rate)
	}
	if len(in) == 2 {
		s := in[1]
		if !s.DType.IsInt() || len(s.Shape) != 0 {
			return nil, fmt.Errorf("step is %v, want an integer scalar", s)
		}
	}
	return []core.Spec{in[0]}, nil
}

// nnDropoutThreshold is the smallest 32-bit word that keeps an element: rate·2^32 rounded up,
// so an element is kept with probability 1 - ⌈rate·2^32⌉/2^32, within 2^-32 of 1 - rate.
func nnDropoutThreshold(rate float64) uint64 { return uint64(math.Ceil(rate * (1 << 32))) }

func nnDropoutRef(p DropoutParams, in, out []*Tensor) error {
	step := p.Step
	if len(in) == 2 {
		s := in[1].Int64s()[0]
		if s < 0 {
			return fmt.Errorf("step %d is negative", s)
		}
		step += uint64(s)
	}
	x := ref.Values[float64](in[0])
	keep := ref.DropoutKeep(len(x), p.Seed, nnDropoutStreams+step, nnDropoutThreshold(p.Rate))
	scale := 0.0
	if p.Rate < 1 {
		scale = 1 / (1 - p.Rate)
	}
	for i, k := range keep {
		// A multiplication, not a selection: a dropped NaN or Inf stays NaN, as in ONNX,
		// PyTorch and TensorFlow, which all compute x·mask·scale.
		m := 0.0
		if k {
			m = scale
		}
		x[i] *= m
	}
	ref.Store(out[0], x)
	return nil
}

// Dropout returns x with each element dropped (set to zero) with probability p.Rate and the
// others scaled by 1/(1-p.Rate), as training-mode dropout in Keras and PyTorch. The mask is
// drawn from the Philox generator from p.Seed, p.Step and each element's row-major position,
// so the same params and shape give the same mask on every machine and for any GOMAXPROCS, and
// the gradient uses the same mask. Rate 0 returns x itself; rate 1 gives zeros. A dropped NaN
// or infinity gives NaN (the value is multiplied by 0, as ONNX, PyTorch and TensorFlow do).
// The masks are not PyTorch's, whose generator differs. Integer inputs are converted to
// float32 first. It panics with a *core.Error if the rate is outside [0, 1].
func Dropout(x *Tensor, p DropoutParams) *Tensor {
	x = toFloat(x)
	if p.Rate == 0 {
		return x
	}
	return core.Apply1(nnDropoutOp, p, x)
}

// DropoutStep is [Dropout] with the step given as an integer scalar tensor (added to p.Step),
// so that a compiled train step can draw a fresh mask at every call from a step counter held in
// a variable, without being traced again. A negative step panics with a *core.Error when the
// kernel runs.
func DropoutStep(x, step *Tensor, p DropoutParams) *Tensor {
	x = toFloat(x)
	if p.Rate == 0 {
		return x
	}
	return core.Apply1(nnDropoutOp, p, x, step)
}

// DropoutMask returns the mask [Dropout] with params p applies to a tensor of the given shape,
// as float32 ones (kept) and zeros (dropped), unscaled: for inspection and tests.
func DropoutMask(p DropoutParams, dims ...int) *Tensor {
	ones := tensor.Ones(dtype.Float32, dims...)
	m := core.Apply1(nnDropoutOp, p, ones)
	if p.Rate < 1 {
		m = MulScalar(m, 1-p.Rate)
	}
	return Where(Greater(m, scalarLike(m, 0)), scalarLike(m, 1), scalarLike(m, 0))
}

// DropoutStream returns what a dropout kernel needs to reproduce the reference mask exactly: the
// Philox key seed and stream (element i keeps when word i of the stream is >= threshold), and
// the scale of kept elements. step is the value of the optional step input (0 without one).
func DropoutStream(p DropoutParams, step int64) (seed, stream, threshold uint64, scale float64) {
	if p.Rate < 1 {
		scale = 1 / (1 - p.Rate)
	}
	return p.Seed, nnDropoutStreams + p.Step + uint64(step), nnDropoutThreshold(p.Rate), scale
}
