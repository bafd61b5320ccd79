// Package autodiff computes gradients by reverse-mode automatic differentiation.
//
// # Recording
//
// A tensor is tracked when it is a trainable [Variable]'s value, was returned by [Watch], or was
// computed by a differentiable op from a tracked tensor. Each such op records a core.Node on its
// outputs (the op, its params, its inputs and outputs); untracked computations record nothing
// and cost nothing extra. The records hang off the tensors themselves, so there is no global tape:
// goroutines differentiate independently.
//
// # Differentiating
//
// [Grad] gives the gradient of a scalar; [VJP] and [Gradients] with [OutputGrads] give
// vector-Jacobian products; [CreateGraph] records the backward pass too, so gradients can be
// differentiated again. Gradient rules are written with the public ops, so the same code runs
// eagerly and on symbolic tensors being traced into a graph. [StopGradient] cuts a path.
//
//	w := autodiff.NewVariable("w", tensor.RandomNormal(42, 3, 1))
//	loss := ops.Mean(ops.Square(ops.Sub(ops.MatMul(x, w.Value()), y)))
//	g := autodiff.GradVariables(loss, w)[0]
//	w.Assign(ops.Sub(w.Value(), ops.MulScalar(g, 0.1)))
//
// A variable's [Variable.Assign] changes its contents in place; gradients of a loss computed
// before an assignment must be taken before it.
package autodiff

// The fast CPU kernels are registered for every program that computes gradients.
import _ "github.com/tideml/tide/kernels/cpu"
