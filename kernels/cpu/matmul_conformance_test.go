package cpu_test

import (
	"testing"

	"github.com/tideml/tide/ops/conformance"
)

func TestMatMulConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^matmul$", Kernels: "^cpu"})
}
