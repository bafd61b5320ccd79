package cpu_test

import (
	"runtime"
	"testing"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/tensor"
)

func TestDropoutConformance(t *testing.T) {
	conformance.Run(t, conformance.Options{Ops: "^dropout$", Kernels: "^cpu$"})
}

// BenchmarkDropout is the dropout of mnist_convnet's flattened features, [128, 1600] at rate 0.5;
// it also reports the CPU time of the calling thread.
func BenchmarkDropout(b *testing.B) {
	x := tensor.RandomNormal(1, 128, 1600)
	p := ops.DropoutParams{Rate: 0.5, Seed: 3}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	c0 := cvThreadCPU()
	for range b.N {
		ops.Dropout(x, p)
	}
	b.ReportMetric(float64(cvThreadCPU()-c0)/float64(b.N)/1e6, "thread-cpu-ms/op")
}
