package ops_test

import (
	"testing"

	"github.com/tideml/tide/core"
	_ "github.com/tideml/tide/ops"
)

// TestRegistryComplete walks every registered op: each has shape inference and a gradient
// decision (Declare enforces both), and a reference kernel for every dtype it declares.
func TestRegistryComplete(t *testing.T) {
	ops := core.Ops()
	if len(ops) < 20 {
		t.Fatalf("only %d ops registered", len(ops))
	}
	for _, op := range ops {
		if op.Doc() == "" {
			t.Errorf("op %s has no description", op.Name())
		}
		if len(op.DTypes()) == 0 {
			t.Errorf("op %s declares no dtypes", op.Name())
		}
		if op.IsView() {
			continue // views share their input's data and run no kernel
		}
		for _, dt := range op.DTypes() {
			ks := op.Kernels(dt)
			hasRef := false
			for _, k := range ks {
				hasRef = hasRef || (k.Name == "ref" && k.Priority == core.PriorityRef)
			}
			if !hasRef {
				t.Errorf("op %s has no reference kernel for %s", op.Name(), dt)
			}
		}
	}
}
