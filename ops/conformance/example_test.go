package conformance_test

import (
	"fmt"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops/conformance"
)

// A kernel set checks its kernels from its own tests, in kernels/cpu/conformance_test.go:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Options{Kernels: "^cpu/"})
//	}
//
// While one kernel is being written, the options narrow the run to it.
func ExampleRun() {
	testMatMul := func(t *testing.T) {
		conformance.Run(t, conformance.Options{Ops: "^matmul$", Kernels: "^cpu/", Classes: []conformance.Class{conformance.Odd}})
	}
	_ = testMatMul
}

// A package that runs ops another way (here core.Apply, where the graph package would run a
// compiled graph) reuses the suite's cases and compares as the suite does.
func ExampleCases() {
	op := core.Lookup("matmul")
	for _, c := range conformance.Cases(op) {
		if c.DType != dtype.Float32 || c.Class != conformance.Broadcast {
			continue
		}
		got := core.Apply(op, c.Params, c.Inputs...)
		want := core.Apply(op, c.Params, c.Inputs...)
		fmt.Println(c.Name, "->", got[0].Shape(), conformance.Compare(got, want, c))
	}
	// Output:
	// float32/broadcast/0 [2 1 3 4],[5 4 2] -> [2 5 3 2] <nil>
	// float32/broadcast/1 [4 3],[2 3 5] -> [2 4 5] <nil>
	// float32/broadcast/2 [1 2 3],[4 2 3] -> [4 3 3] <nil>
}

// The tolerance grows with the number of rounding steps behind an output element.
func ExampleTolerance() {
	for _, dt := range []dtype.DType{dtype.Float64, dtype.Float32, dtype.Float16, dtype.BFloat16, dtype.Int32} {
		fmt.Printf("%-8s %.2g %.2g\n", dt, conformance.Tolerance(dt, 1), conformance.Tolerance(dt, 100000))
	}
	// Output:
	// float64  1e-12 8.9e-11
	// float32  4.8e-07 0.048
	// float16  0.002 0.05
	// bfloat16 0.016 0.063
	// int32    0 0
}
