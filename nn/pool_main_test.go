package nn_test

import (
	"os"
	"testing"

	"github.com/tideml/tide/tensor"
)

// TestMain pools every tensor whatever its size and poisons uninitialised memory, so that the
// tests here also prove that nothing reads a released tensor's memory (autodiff releases the
// gradients it made once it is done with them) and that kernels given uninitialised outputs
// write every element.
func TestMain(m *testing.M) {
	tensor.SetPoolConfig(tensor.PoolConfig{MaxBytes: 1 << 30, Poison: true})
	os.Exit(m.Run())
}
