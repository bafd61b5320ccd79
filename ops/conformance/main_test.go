package conformance_test

import (
	"os"
	"testing"

	"github.com/tideml/tide/tensor"
)

// TestMain makes every eager output drawn uninitialised from the buffer pool (the outputs of
// elementwise ops and of ops declared to overwrite theirs) start as garbage, whatever its size,
// so that core.Apply in the conformance cases proves those kernels write every element.
func TestMain(m *testing.M) {
	tensor.SetPoolConfig(tensor.PoolConfig{MaxBytes: 1 << 30, Poison: true})
	os.Exit(m.Run())
}
