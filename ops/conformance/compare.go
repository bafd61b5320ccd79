package conformance

import (
	"fmt"
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Machine epsilons: the distance from 1 to the next number of each float type.
const (
	eps64   = 0x1p-52
	eps32   = 0x1p-23
	eps16   = 0x1p-10
	epsBF16 = 0x1p-7
)

// Tolerance returns the relative tolerance float results of dtype dt are held to when one
// output element goes through terms rounding steps (a reduction's length; 0 means 1): a few
// ulps of dt per step. Float16 and bfloat16 allow two ulps of their own type plus float32
// rounding per step, since kernels compute them in float32. Differences are measured against
// max(1, |want|), so the tolerance is absolute for results below 1, where cancellation leaves
// the relative error unbounded. Integer and bool results are exact.
func Tolerance(dt dtype.DType, terms int) float64 {
	n := float64(max(terms, 1))
	switch dt {
	case dtype.Float64:
		return max(1e-12, 4*eps64*n)
	case dtype.Float32:
		return 4 * eps32 * n
	case dtype.Float16:
		return 2*eps16 + 4*eps32*n
	case dtype.BFloat16:
		return 2*epsBF16 + 4*eps32*n
	}
	return 0
}

// Compare returns nil when got, the outputs of c computed some other way (a compiled graph, an
// imported model), match want, the reference's, as the suite requires of kernels: within
// Tolerance(dt, c.Terms) for floats, exactly for other dtypes and when c.Exact; else an error
// naming the first output and element that differ.
func Compare(got, want []*tensor.Tensor, c Case) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d outputs, want %d", c.Name, len(got), len(want))
	}
	for i := range want {
		if m := mismatch(got[i], want[i], c.Terms, c.Exact); m != "" {
			return fmt.Errorf("%s: output %d: %s", c.Name, i, m)
		}
	}
	return nil
}

// mismatch compares got with want (same dtype and shape) and describes the differences, or
// returns "" when got matches. Floats match within Tolerance(dt, terms), NaN matching NaN and an
// infinity only itself; with exact they must be equal, NaN matching NaN and zeros matching in
// sign. Other dtypes must be equal.
func mismatch(got, want *tensor.Tensor, terms int, exact bool) string {
	if got.DType() != want.DType() || !got.Shape().Equal(want.Shape()) {
		return fmt.Sprintf("got %s%v, want %s%v", got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	if firstDiff(got.Raw(), want.Raw(), 0) < 0 {
		return "" // the same bits
	}
	dt := got.DType()
	tol := Tolerance(dt, terms)
	if exact || !dt.IsFloat() {
		tol = 0
	}
	var gv, wv []float64
	if dt == dtype.Int64 {
		// int64 values beyond 2^53 are compared exactly through int64.
		gi, wi := got.Int64s(), want.Int64s()
		return report(len(gi), func(i int) bool { return gi[i] == wi[i] },
			func(i int) string { return fmt.Sprintf("got %d, want %d", gi[i], wi[i]) })
	}
	gv, wv = got.Float64s(), want.Float64s()
	return report(len(gv), func(i int) bool { return close(gv[i], wv[i], tol) },
		func(i int) string {
			s := fmt.Sprintf("got %v, want %v", gv[i], wv[i])
			if tol > 0 {
				s += fmt.Sprintf(" (tolerance %.3g)", tol)
			}
			return s
		})
}

// report returns "" when ok holds for all n elements, else the first failure and a count.
func report(n int, ok func(int) bool, describe func(int) string) string {
	bad, first := 0, -1
	for i := 0; i < n; i++ {
		if !ok(i) {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad == 0 {
		return ""
	}
	return fmt.Sprintf("element %d: %s; %d of %d elements differ", first, describe(first), bad, n)
}

// close reports whether got is within tol of want relative to max(1, |want|); with tol 0 they
// must be equal with zeros of one sign. NaN matches NaN; infinities match only themselves.
func close(got, want, tol float64) bool {
	switch {
	case math.IsNaN(got) || math.IsNaN(want):
		return math.IsNaN(got) && math.IsNaN(want)
	case math.IsInf(got, 0) || math.IsInf(want, 0) || tol == 0:
		return got == want && math.Signbit(got) == math.Signbit(want)
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}
