// Package activations maps Keras's activation names to Tide's ops.
//
//	f := activations.MustGet("relu")
//	y := f(x)
//
// Every activation is a function of one tensor built from the ops of package ops, so it runs
// eagerly, traces into graphs and differentiates like any op. Softmax and log-softmax work
// along the last axis. Parameterised activations take Keras's defaults: leaky_relu has negative
// slope 0.2, elu alpha 1, gelu is the exact (erf) form and hard_sigmoid is Keras 3's
// relu6(x+3)/6.
package activations

import (
	"fmt"
	"sort"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Func is an activation function.
type Func func(x *tensor.Tensor) *tensor.Tensor

// LeakyReluSlope is the negative slope of Keras's "leaky_relu" activation function (the
// LeakyReLU layer's default is 0.3).
const LeakyReluSlope = 0.2

// Linear returns x unchanged: Keras's "linear", the activation of a layer given none.
func Linear(x *tensor.Tensor) *tensor.Tensor { return x }

// Softmax is softmax along the last axis.
func Softmax(x *tensor.Tensor) *tensor.Tensor { return ops.Softmax(x, -1) }

// LogSoftmax is log-softmax along the last axis.
func LogSoftmax(x *tensor.Tensor) *tensor.Tensor { return ops.LogSoftmax(x, -1) }

// Gelu is the exact Gaussian error linear unit, Keras 3's default (approximate=False).
func Gelu(x *tensor.Tensor) *tensor.Tensor { return ops.Gelu(x, "none") }

// Elu is the exponential linear unit with alpha 1.
func Elu(x *tensor.Tensor) *tensor.Tensor { return ops.Elu(x, 1) }

// LeakyRelu is the leaky rectifier with slope [LeakyReluSlope] below zero.
func LeakyRelu(x *tensor.Tensor) *tensor.Tensor { return ops.LeakyRelu(x, LeakyReluSlope) }

// HardSigmoid is Keras 3's hard sigmoid relu6(x+3)/6 = clip(x/6 + 1/2, 0, 1).
func HardSigmoid(x *tensor.Tensor) *tensor.Tensor { return ops.HardSigmoid(x, 1.0/6, 0.5) }

// HardSilu is x·hard_sigmoid(x), Keras's "hard_silu" (alias "hard_swish").
func HardSilu(x *tensor.Tensor) *tensor.Tensor { return ops.HardSwish(x) }

var byName = map[string]Func{
	"linear":       Linear,
	"relu":         ops.Relu,
	"relu6":        ops.Relu6,
	"sigmoid":      ops.Sigmoid,
	"tanh":         ops.Tanh,
	"softmax":      Softmax,
	"log_softmax":  LogSoftmax,
	"gelu":         Gelu,
	"swish":        ops.Silu,
	"silu":         ops.Silu,
	"elu":          Elu,
	"selu":         ops.Selu,
	"softplus":     ops.Softplus,
	"softsign":     ops.Softsign,
	"leaky_relu":   LeakyRelu,
	"hard_sigmoid": HardSigmoid,
	"hard_silu":    HardSilu,
	"hard_swish":   HardSilu,
	"exponential":  ops.Exp,
	"mish":         ops.Mish,
}

// Get returns the activation with Keras's name ("relu", "softmax", ...); "" and "linear" are the
// identity. It returns an error naming the known activations for any other name.
func Get(name string) (Func, error) {
	if name == "" {
		return Linear, nil
	}
	f, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("activations: unknown activation %q (known: %v)", name, Names())
	}
	return f, nil
}

// MustGet is [Get] that panics with a *core.Error for an unknown name.
func MustGet(name string) Func {
	f, err := Get(name)
	if err != nil {
		panic(core.Errorf("activations.Get", "%v", err))
	}
	return f
}

// Names returns the names [Get] knows, sorted.
func Names() []string {
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
