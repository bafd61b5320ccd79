// Package pooltest runs a package's tests with tensor memory pooled at every size and
// uninitialised memory poisoned, so that they also prove that nothing reads a released
// tensor's memory (autodiff releases the gradients it made once it is done with them) and that
// kernels given uninitialised outputs (elementwise ops, ops declared to overwrite theirs) write
// every element. A test package opts in with
//
//	func TestMain(m *testing.M) { pooltest.Main(m) }
package pooltest

import (
	"os"
	"testing"

	"github.com/tideml/tide/tensor"
)

// Main configures the pool and runs the tests, exiting with their status.
func Main(m *testing.M) {
	tensor.SetPoolConfig(tensor.PoolConfig{MaxBytes: 1 << 30, Poison: true})
	os.Exit(m.Run())
}
