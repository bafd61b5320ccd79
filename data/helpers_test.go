package data

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tideml/tide/tensor"
)

// ints runs one pass of a dataset of int64 scalars and returns the values, failing the
// test on any error.
func ints(t *testing.T, d *Dataset) []int64 {
	t.Helper()
	var out []int64
	for e, err := range d.All(context.Background()) {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		out = append(out, e.Tensor().Int64s()...)
	}
	return out
}

// batches returns each element's first tensor's values as int64s.
func batches(t *testing.T, d *Dataset) [][]int64 {
	t.Helper()
	var out [][]int64
	for e, err := range d.All(context.Background()) {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		out = append(out, e.Tensor().Int64s())
	}
	return out
}

// errorsOf runs a pass and returns the error messages, and the number of elements.
func errorsOf(d *Dataset) (errs []string, n int) {
	for _, err := range d.All(context.Background()) {
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			n++
		}
	}
	return errs, n
}

// noLeak returns a function that fails t if more goroutines run than when noLeak was
// called, after a short wait for exiting ones.
func noLeak(t *testing.T) func() {
	t.Helper()
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("goroutines leaked: %d before, %d after\n%s", before, n, buf)
		}
	}
}

func wantContains(t *testing.T, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("error %q does not contain %q", got, p)
		}
	}
}

func i64(v ...int64) *tensor.Tensor { return tensor.FromSlice(v) }
