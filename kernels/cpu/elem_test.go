package cpu_test

import (
	"fmt"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// ewBroadcastShapes are pairs of input shapes covering every path of the binary kernels: same
// shape, a scalar on either side, row and column broadcasts (short rows tiled, long rows not),
// both operands broadcast, leading dimensions missing, and patterns that merge to three or
// more dimensions.
var ewBroadcastShapes = [][2][]int{
	{{3, 4}, {3, 4}},
	{{}, {5, 7}}, {{5, 7}, {}}, {{1}, {9}}, {{9}, {1, 1}},
	{{6, 9}, {9}}, {{9}, {6, 9}}, // row broadcast, tiled
	{{5, 130}, {130}}, {{1, 130}, {5, 130}}, // row broadcast, long rows
	{{6, 9}, {6, 1}}, {{6, 1}, {6, 9}}, // column broadcast
	{{6, 1}, {1, 9}}, {{1, 9}, {6, 1}}, // outer product
	{{2, 3, 4}, {3, 1}}, {{2, 1, 4}, {2, 3, 4}}, {{2, 3, 1, 5}, {3, 4, 1}},
	{{4, 1, 3, 1, 2}, {1, 5, 1, 7, 2}},
	{{2000, 3}, {3}}, {{3, 70000}, {3, 1}}, // threaded rows
	{{0, 3}, {3}}, {{2, 0}, {2, 1}},
}

var ewBinaryNames = []string{"add", "sub", "mul", "div", "maximum", "minimum", "pow", "relu_grad"}

// TestBinaryMatchesReference compares every fast binary kernel with the reference on odd
// sizes, broadcasts and special values: bit for bit for the IEEE operations, within 2 ulps for
// pow.
func TestBinaryMatchesReference(t *testing.T) {
	for _, name := range ewBinaryNames {
		op := core.Lookup(name)
		tol := ewExact
		if name == "pow" {
			tol = ewTol{ulps: 2}
		}
		for _, dt := range ewFloatTypes {
			for _, n := range append(ewSizes, 1<<18+1) { // the last is split across threads
				a := ewSpecials(dt, 1, 2, true, n)
				b := ewSpecials(dt, 2, 2, true, n)
				ewCheck(t, fmt.Sprintf("%s/%s/%d", name, dt, n), op, dt, ops.None{}, tol, a, b)
			}
			for i, s := range ewBroadcastShapes {
				a := ewSpecials(dt, uint64(3*i), 1.5, true, s[0]...)
				b := ewSpecials(dt, uint64(3*i+1), 1.5, true, s[1]...)
				ewCheck(t, fmt.Sprintf("%s/%s/%v,%v", name, dt, s[0], s[1]), op, dt, ops.None{}, tol, a, b)
			}
		}
	}
}

// TestPowExponents checks the exponents pow's scalar form treats apart, and bases of every
// sign and size.
func TestPowExponents(t *testing.T) {
	op := core.Lookup("pow")
	for _, dt := range ewFloatTypes {
		x := ewSpecials(dt, 7, 30, true, 1000)
		for _, e := range []float64{0, 1, 2, -1, 0.5, -0.5, 3, -2, 2.5, 100, -100, 1e-3} {
			ewCheck(t, fmt.Sprintf("pow/%s/x^%g", dt, e), op, dt, ops.None{}, ewTol{ulps: 2}, x, tensor.Full(dt, e))
			ewCheck(t, fmt.Sprintf("pow/%s/%g^x", dt, e), op, dt, ops.None{}, ewTol{ulps: 2}, tensor.Full(dt, e), x)
		}
		wide := tensor.Linspace(dt, 1e-30, 1e30, 4097)
		exps := tensor.Linspace(dt, -4, 4, 4097)
		ewCheck(t, fmt.Sprintf("pow/%s/grid", dt), op, dt, ops.None{}, ewTol{ulps: 2}, wide, exps)
	}
}

// ewUnaryCase is a unary kernel to check: its op, its params, the input scale and the
// tolerance per dtype.
type ewUnaryCase struct {
	name   string
	params any
	scale  float64
	tol32  ewTol
	tol64  ewTol
}

var ewUnaryCases = []ewUnaryCase{
	{"neg", ops.None{}, 3, ewExact, ewExact},
	{"abs", ops.None{}, 3, ewExact, ewExact},
	{"sqrt", ops.None{}, 3, ewExact, ewExact},
	{"relu", ops.None{}, 3, ewExact, ewExact},
	{"exp", ops.None{}, 30, ewTol{ulps: 1}, ewTol{ulps: 2}},
	{"log", ops.None{}, 30, ewTol{ulps: 1}, ewTol{ulps: 2}},
	{"tanh", ops.None{}, 4, ewTol{ulps: 1}, ewExact},
	{"sigmoid", ops.None{}, 20, ewTol{ulps: 1}, ewTol{ulps: 3}},
	{"erf", ops.None{}, 2, ewTol{ulps: 1}, ewExact},
	{"softplus", ops.SoftplusParams{Beta: 1, Threshold: 20}, 20, ewTol{ulps: 1}, ewTol{ulps: 3}},
	{"softplus", ops.SoftplusParams{Beta: -0.5, Threshold: 3}, 20, ewTol{ulps: 1}, ewTol{ulps: 3}},
	{"softplus", ops.SoftplusParams{Beta: 2, Threshold: 1e300}, 20, ewTol{ulps: 1}, ewTol{ulps: 3}},
}

// TestUnaryMatchesReference compares every fast unary kernel with the reference over odd
// sizes and special values: exactly for the IEEE operations, within an ulp of the reference's
// correctly rounded float32 results for the approximations (they are within 0.56 ulp of the
// exact value), and within a few ulps for float64.
func TestUnaryMatchesReference(t *testing.T) {
	for _, c := range ewUnaryCases {
		op := core.Lookup(c.name)
		for _, dt := range ewFloatTypes {
			tol := c.tol32
			if dt == dtype.Float64 {
				tol = c.tol64
			}
			for _, n := range append(ewSizes, 1<<18+1) {
				x := ewSpecials(dt, uint64(n), c.scale, true, n)
				ewCheck(t, fmt.Sprintf("%s%v/%s/%d", c.name, c.params, dt, n), op, dt, c.params, tol, x)
			}
		}
	}
}
