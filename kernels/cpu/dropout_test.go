package cpu_test

import (
	"testing"

	"github.com/tideml/tide/ops/conformance"
)

func TestDropoutConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^dropout$", Kernels: "^cpu$"})
}
