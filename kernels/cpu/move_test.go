package cpu_test

import (
	"testing"

	"github.com/tideml/tide/ops/conformance"
)

func TestMoveConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^(transpose|slice)$", Kernels: "^cpu$"})
}
