package cpu

import (
	"fmt"
	"sync"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/vmath"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Elementwise binary arithmetic with NumPy broadcasting (add, sub, mul, div, maximum, minimum,
// pow, relu_grad) and the unary math (neg, abs, sqrt, relu, exp, log, tanh, sigmoid, erf,
// softplus) for float32 and float64, on the loops of internal/vmath (which run the float32 exp,
// log, tanh, sigmoid and erf with the assembly of internal/asm/f32 where the CPU allows).
//
// A binary kernel plans the broadcast once (see ewNest): same shapes and a scalar on either side
// become one flat loop split across threads; a row or column broadcast becomes rows of a VV or
// VS/SV loop; any other pattern walks rows with an odometer. Short rows that repeat one
// operand's row (a bias added to a batch of narrow rows) are processed several rows at a
// time against a tiled copy of the repeated row, so the per-row cost does not dominate.

// ewFloat is the element types of the fast elementwise kernels.
type ewFloat interface{ float32 | float64 }

// ewBin is one binary operation: its three loop forms and its cost per element.
type ewBin[T ewFloat] struct {
	vv func(d, x, y []T)
	vs func(d, x []T, s T)
	sv func(d []T, s T, y []T)
	ns float64
}

// ewCommuted turns the VS form of a commutative operation into its SV form.
func ewCommuted[T ewFloat](vs func(d, x []T, s T)) func(d []T, s T, y []T) {
	return func(d []T, s T, y []T) { vs(d, y, s) }
}

// Costs per element in nanoseconds (one core of the 2-core development machine, data in
// cache), for the threading decision; measured with the loops of internal/vmath.
const (
	ewNsStream = 0.35 // one arithmetic instruction per element: memory-bound on large tensors
	ewNsDiv    = 0.8
	ewNsPow    = 12
)

func ewBinOps[T ewFloat]() map[string]ewBin[T] {
	var z T
	_, single := any(z).(float32)
	m := map[string]ewBin[T]{
		"add":     {vmath.AddVV[T], vmath.AddVS[T], ewCommuted(vmath.AddVS[T]), ewNsStream},
		"sub":     {vmath.SubVV[T], vmath.SubVS[T], vmath.SubSV[T], ewNsStream},
		"mul":     {vmath.MulVV[T], vmath.MulVS[T], ewCommuted(vmath.MulVS[T]), ewNsStream},
		"div":     {vmath.DivVV[T], vmath.DivVS[T], vmath.DivSV[T], ewNsDiv},
		"maximum": {vmath.MaxVV[T], vmath.MaxVS[T], ewCommuted(vmath.MaxVS[T]), ewNsStream},
		"minimum": {vmath.MinVV[T], vmath.MinVS[T], ewCommuted(vmath.MinVS[T]), ewNsStream},
		// relu_grad(x, g): x is the first operand, the gradient the second.
		"relu_grad": {vmath.ReluGradVV[T], vmath.ReluGradVS[T], vmath.ReluGradSV[T], ewNsStream},
	}
	if single {
		m["pow"] = any(ewBin[float32]{vmath.PowVV32, vmath.PowVS32, vmath.PowSV32, ewNsPow}).(ewBin[T])
	} else {
		m["pow"] = any(ewBin[float64]{vmath.PowVV64, vmath.PowVS64, vmath.PowSV64, ewNsPow}).(ewBin[T])
	}
	return m
}

func init() {
	for name, op := range ewBinOps[float32]() {
		core.RegisterKernel(core.Lookup(name), dtype.Float32, "cpu", core.PriorityFast, ewBinaryKernel(name, op))
	}
	for name, op := range ewBinOps[float64]() {
		core.RegisterKernel(core.Lookup(name), dtype.Float64, "cpu", core.PriorityFast, ewBinaryKernel(name, op))
	}
}

// ewBinaryKernel returns the kernel of a binary op.
func ewBinaryKernel[T ewFloat](name string, op ewBin[T]) func(ops.None, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.None, in, out []*tensor.Tensor) error {
		if !ewRunBinary(&op, in[0], in[1], out[0]) {
			return ewRef(name, in[0].DType(), p, in, out)
		}
		return nil
	}
}

// ewRunBinary computes c = a op b with broadcasting; it returns false (having done nothing) when
// the broadcast does not fit a nest (see ewNest).
func ewRunBinary[T ewFloat](op *ewBin[T], a, b, c *tensor.Tensor) bool {
	nt, ok := ewNewNest(c.Shape(), a.Shape(), b.Shape())
	if !ok {
		return false
	}
	x, y, z := tensor.Data[T](a), tensor.Data[T](b), tensor.Data[T](c)
	n, rows := nt.inner()
	if len(z) == 0 {
		return true
	}
	if n < ewTileRows && nt.rank == 2 && nt.st[0][1] == 1 && nt.st[1][1] == 1 {
		swap := nt.st[0][0] == 0 && nt.st[1][0] == n // x is the repeated row
		if swap || nt.st[1][0] == 0 && nt.st[0][0] == n {
			full, rep := x, y
			if swap {
				full, rep = y, x
			}
			if ewSerial(rows, op.ns*float64(n)) {
				ewBinTiled(op.vv, z, full, rep, n, 0, rows, swap)
				return true
			}
			f, r := full, rep // not reassigned: the closure copies them
			ewSplit(rows, op.ns*float64(n), 1, func(lo, hi int) { ewBinTiled(op.vv, z, f, r, n, lo, hi, swap) })
			return true
		}
	}
	ewDrive(nt, op.ns, ewBinRows[T]{op, z, x, y, nt.st[0][nt.rank-1], nt.st[1][nt.rank-1]})
	return true
}

// ewRowNs is the fixed cost of one row of a broadcast loop (an indirect call and the odometer).
const ewRowNs = 4

// ewRower computes rows of a broadcast operation: row(o, n, off) writes output elements
// [o, o+n), reading each input k from offset off[k] with its innermost stride.
type ewRower interface{ row(o, n int, off [3]int) }

// ewDrive runs r over every row of nest nt. A single row is cut into pieces (the offsets
// advanced accordingly); the work is split across threads when it pays, at ns nanoseconds per
// element and ewRowNs per row. r is a value (not a closure) so that the single-thread path
// allocates nothing.
func ewDrive[R ewRower](nt ewNest, ns float64, r R) {
	n, rows := nt.inner()
	if n == 0 || rows == 0 {
		return
	}
	if rows == 1 {
		if ewSerial(n, ns) {
			r.row(0, n, [3]int{})
			return
		}
		st := [3]int{nt.st[0][0], nt.st[1][0], nt.st[2][0]}
		ewSplit(n, ns, 64, func(lo, hi int) {
			r.row(lo, hi-lo, [3]int{st[0] * lo, st[1] * lo, st[2] * lo})
		})
		return
	}
	cost := ns*float64(n) + ewRowNs
	if ewSerial(rows, cost) {
		ewRows(nt, r, 0, rows)
		return
	}
	nc := nt // the closure captures a copy made here, so that nt itself stays on the stack
	ewSplit(rows, cost, 1, func(lo, hi int) { ewRows(nc, r, lo, hi) })
}

// ewRows runs r over rows [lo, hi) of nest nt. (The nest is passed by value: a pointer would
// escape through the generic call of r.row and cost an allocation.)
func ewRows[R ewRower](nt ewNest, r R, lo, hi int) {
	n, _ := nt.inner()
	var w ewWalker
	w.seek(&nt, lo)
	for i := lo; i < hi; i++ {
		r.row(i*n, n, w.off)
		w.next(&nt)
	}
}

// ewBinRows is the ewRower of a binary operation.
type ewBinRows[T ewFloat] struct {
	op      *ewBin[T]
	z, x, y []T
	sa, sb  int
}

func (b ewBinRows[T]) row(o, n int, off [3]int) {
	ewBinRow(b.op, b.z[o:o+n], b.x, b.y, b.sa, b.sb, off[0], off[1])
}

// ewBinRow computes d = x op y over one row, x and y starting at offsets oa and ob with stride
// sa and sb (1, or 0 for an element repeated along the row).
func ewBinRow[T ewFloat](op *ewBin[T], d, x, y []T, sa, sb, oa, ob int) {
	n := len(d)
	switch {
	case sa == 1 && sb == 1:
		op.vv(d, x[oa:oa+n], y[ob:ob+n])
	case sb == 1:
		op.sv(d, x[oa], y[ob:ob+n])
	default:
		op.vs(d, x[oa:oa+n*sa+1-sa], y[ob]) // sa is 1, or 0 with n == 1
	}
}

// ewTileRows is the row length below which a repeated row is tiled, and the tile's length.
const (
	ewTileRows = 64
	ewTileLen  = 512
)

// ewBinTiled computes rows [lo, hi) of z = x op y (or y op x when swap is set) of width n, where
// y is one row repeated: it copies y into a tile of as many whole rows as fit, then runs vv
// over that many rows at a time.
func ewBinTiled[T ewFloat](vv func(d, x, y []T), z, x, y []T, n, lo, hi int, swap bool) {
	tile := ewGetTile[T]()
	defer ewPutTile(tile)
	buf := tile[:]
	k := ewTileLen / n
	for j := 0; j < k; j++ {
		copy(buf[j*n:(j+1)*n], y[:n])
	}
	for r := lo; r < hi; r += k {
		m := min(k, hi-r) * n
		d, a := z[r*n:r*n+m], x[r*n:r*n+m]
		if swap {
			vv(d, buf[:m], a)
		} else {
			vv(d, a, buf[:m])
		}
	}
}

// The tiles of ewBinTiled come from pools: a stack array handed to vv, a function value, would
// move to the heap at every call anyway.
var (
	ewTiles32 = sync.Pool{New: func() any { return new([ewTileLen]float32) }}
	ewTiles64 = sync.Pool{New: func() any { return new([ewTileLen]float64) }}
)

func ewGetTile[T ewFloat]() *[ewTileLen]T {
	var z T
	if _, ok := any(z).(float32); ok {
		return ewTiles32.Get().(*[ewTileLen]T)
	}
	return ewTiles64.Get().(*[ewTileLen]T)
}

func ewPutTile[T ewFloat](t *[ewTileLen]T) {
	switch t := any(t).(type) {
	case *[ewTileLen]float32:
		ewTiles32.Put(t)
	case *[ewTileLen]float64:
		ewTiles64.Put(t)
	}
}

// ewRef runs the reference kernel of the op named name for kernel dtype dt: the fallback for
// the rare shapes the fast loops do not cover.
func ewRef(name string, dt dtype.DType, params any, in, out []*tensor.Tensor) error {
	for _, k := range core.Lookup(name).Kernels(dt) {
		if k.Name == "ref" {
			return k.Run(params, in, out)
		}
	}
	return fmt.Errorf("no reference kernel for %s", dt)
}

// ewUn is one unary operation on float32 or float64 slices.
type ewUn[T ewFloat] struct {
	f  func(d, x []T)
	ns float64
}

// Costs per element of the unary functions, in nanoseconds (one core). The float32 exp, log,
// tanh, sigmoid and erf cost less where vmath runs them with vector kernels (vmath.SIMD32):
// about ewNsStream for exp, which then runs at memory speed on large tensors.
const (
	ewNsSqrt = 1.2
	ewNsExp  = 4.5
	ewNsLog  = 5
	ewNsTanh = 7.5
	ewNsErf  = 6
	ewNsSoft = 15
	ewNsCall = 15 // float64 functions calling package math per element

	ewNsExpSIMD  = 0.5
	ewNsLogSIMD  = 1
	ewNsTanhSIMD = 1
	ewNsSigSIMD  = 1.2
	ewNsErfSIMD  = 1.2
)

// ewCosts32 returns the costs of the float32 exp, log, tanh, sigmoid and erf.
func ewCosts32() (exp, log, tanh, sigmoid, erf float64) {
	if vmath.SIMD32() {
		return ewNsExpSIMD, ewNsLogSIMD, ewNsTanhSIMD, ewNsSigSIMD, ewNsErfSIMD
	}
	return ewNsExp, ewNsLog, ewNsTanh, ewNsExp, ewNsErf
}

func init() {
	nsExp, nsLog, nsTanh, nsSig, nsErf := ewCosts32()
	un32 := map[string]ewUn[float32]{
		"neg": {vmath.Neg[float32], ewNsStream}, "abs": {vmath.Abs32, ewNsStream}, "sqrt": {vmath.Sqrt32, ewNsSqrt},
		"relu": {vmath.Relu[float32], ewNsStream}, "exp": {vmath.Exp32, nsExp}, "log": {vmath.Log32, nsLog},
		"tanh": {vmath.Tanh32, nsTanh}, "sigmoid": {vmath.Sigmoid32, nsSig}, "erf": {vmath.Erf32, nsErf},
	}
	un64 := map[string]ewUn[float64]{
		"neg": {vmath.Neg[float64], ewNsStream}, "abs": {vmath.Abs64, ewNsStream}, "sqrt": {vmath.Sqrt64, ewNsSqrt},
		"relu": {vmath.Relu[float64], ewNsStream}, "exp": {vmath.Exp64, ewNsExp}, "log": {vmath.Log64, ewNsLog},
		"tanh": {vmath.Tanh64, ewNsCall}, "sigmoid": {vmath.Sigmoid64, 2 * ewNsExp}, "erf": {vmath.Erf64, ewNsCall},
	}
	for name, op := range un32 {
		core.RegisterKernel(core.Lookup(name), dtype.Float32, "cpu", core.PriorityFast, ewUnaryKernel(op))
	}
	for name, op := range un64 {
		core.RegisterKernel(core.Lookup(name), dtype.Float64, "cpu", core.PriorityFast, ewUnaryKernel(op))
	}
	sp := core.Lookup("softplus")
	core.RegisterKernel(sp, dtype.Float32, "cpu", core.PriorityFast, ewSoftplusKernel(vmath.Softplus32, ewNsSoft))
	core.RegisterKernel(sp, dtype.Float64, "cpu", core.PriorityFast, ewSoftplusKernel(vmath.Softplus64, ewNsCall))
}

// ewUnaryKernel returns the kernel of a unary op.
func ewUnaryKernel[T ewFloat](op ewUn[T]) func(ops.None, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(_ ops.None, in, out []*tensor.Tensor) error {
		x, y := tensor.Data[T](in[0]), tensor.Data[T](out[0])
		if ewSerial(len(y), op.ns) {
			op.f(y, x)
			return nil
		}
		ewSplit(len(y), op.ns, 64, func(lo, hi int) { op.f(y[lo:hi], x[lo:hi]) })
		return nil
	}
}

func ewSoftplusKernel[T ewFloat](f func(d, x []T, beta, threshold float64), ns float64) func(ops.SoftplusParams, []*tensor.Tensor, []*tensor.Tensor) error {
	return func(p ops.SoftplusParams, in, out []*tensor.Tensor) error {
		x, y := tensor.Data[T](in[0]), tensor.Data[T](out[0])
		if ewSerial(len(y), ns) {
			f(y, x, p.Beta, p.Threshold)
			return nil
		}
		ewSplit(len(y), ns, 64, func(lo, hi int) { f(y[lo:hi], x[lo:hi], p.Beta, p.Threshold) })
		return nil
	}
}
