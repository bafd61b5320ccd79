package cpu_test

import (
	"testing"

	"github.com/tideml/tide/ops/conformance"
)

// TestElementwiseConformance runs the op conformance suite on the fast elementwise, reduction,
// softmax and fill/expand kernels: inference against outputs, illegal cases, guard bands,
// unchanged inputs, and the reference's values within the suite's tolerances, over every
// dtype and shape class.
func TestElementwiseConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{
		Ops: "^(add|sub|mul|div|maximum|minimum|pow|relu_grad|neg|abs|sqrt|relu|exp|log|tanh|sigmoid|erf|softplus|" +
			"compare|where|cast|reduce_sum|reduce_max|reduce_min|argmax|argmin|softmax|log_softmax|" +
			"expand_like|broadcast_to|fill_like|fill)$",
		Kernels: "^cpu$",
	})
}
