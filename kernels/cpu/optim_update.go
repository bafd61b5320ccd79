package cpu

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// The fused optimizer updates: the reference's arithmetic in one pass, split across threads. A
// step streams seven arrays (four read, three written) with a square root and a division per
// element, so it pays to split from about ten thousand elements (a few times more with the
// float32 vector kernel).

func init() {
	op := core.Lookup("adam_update")
	core.RegisterKernel(op, dtype.Float32, "cpu", core.PriorityFast, adamUpdateKernel[float32])
	core.RegisterKernel(op, dtype.Float64, "cpu", core.PriorityFast, adamUpdateKernel[float64])
}

// adamUpdateNs is the single-thread cost of one element of an Adam step: its square root and
// division, which Go computes one element at a time, take most of it.
const adamUpdateNs = 3

func adamUpdateKernel[T float32 | float64](p ops.AdamUpdateParams, in, out []*tensor.Tensor) error {
	w, g, m, v := tensor.Data[T](in[0]), tensor.Data[T](in[1]), tensor.Data[T](in[2]), tensor.Data[T](in[3])
	alpha := tensor.Data[T](in[4])[0]
	w1, m1, v1 := tensor.Data[T](out[0]), tensor.Data[T](out[1]), tensor.Data[T](out[2])
	c1, c2, eps := T(1-p.Beta1), T(1-p.Beta2), T(p.Epsilon)
	ns := float64(adamUpdateNs)
	if _, single := any(alpha).(float32); single && adamSIMD > 0 {
		ns = adamUpdateNsSIMD
	}
	if ewSerial(len(w), ns) {
		adamUpdateRange(w1, m1, v1, w, g, m, v, alpha, c1, c2, eps)
		return nil
	}
	ewSplit(len(w), ns, 16, func(lo, hi int) {
		adamUpdateRange(w1[lo:hi], m1[lo:hi], v1[lo:hi], w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], alpha, c1, c2, eps)
	})
	return nil
}

// adamSIMD selects the float32 vector kernel: 2 for AVX-512, 1 for AVX2, 0 for the Go loop.
// Tests set it to compare the paths.
var adamSIMD = func() int {
	switch {
	case f32.HasAVX512:
		return 2
	case f32.HasAVX2:
		return 1
	}
	return 0
}()

// adamUpdateNsSIMD is adamUpdateNs for the vector kernels (measured: 0.7 ns, memory-bound on
// large tensors).
const adamUpdateNsSIMD = 0.7

// adamUpdateVec runs the float32 vector kernel over the whole vectors of the range and returns
// how many elements it did (0 without one).
func adamUpdateVec[T float32 | float64](w1, m1, v1, w, g, m, v []T, alpha, c1, c2, eps T) int {
	s, ok := any(w1).([]float32)
	if !ok || adamSIMD == 0 {
		return 0
	}
	n := len(s)
	a := [6][]float32{any(m1).([]float32)[:n], any(v1).([]float32)[:n], any(w).([]float32)[:n],
		any(g).([]float32)[:n], any(m).([]float32)[:n], any(v).([]float32)[:n]}
	f := func(x T) float32 { return any(x).(float32) }
	if adamSIMD == 2 {
		f32.AdamAVX512(s, a[0], a[1], a[2], a[3], a[4], a[5], f(alpha), f(c1), f(c2), f(eps))
		return n &^ 15
	}
	f32.AdamAVX2(s, a[0], a[1], a[2], a[3], a[4], a[5], f(alpha), f(c1), f(c2), f(eps))
	return n &^ 7
}

// adamUpdateRange is the step over one range; every slice has len(w1) elements. The square
// root is taken in float64 for both dtypes: rounded to float32 it is the float32 root. In
// float32, the vector kernel of internal/asm/f32 (AVX-512 or AVX2, the same operations in the
// same order, so the same bits) does the whole vectors where the CPU has one, ten times faster
// than this loop, which finishes the rest.
//
// Four elements per iteration, their square roots side by side: SQRTSS and SQRTSD write only
// the low lane of their destination register, so each waits for the previous write to it, and
// a loop of one element per iteration runs at the latency of the square root, not its
// throughput (2.5 times slower, measured).
func adamUpdateRange[T float32 | float64](w1, m1, v1, w, g, m, v []T, alpha, c1, c2, eps T) {
	n := len(w1)
	w, g, m, v, m1, v1 = w[:n], g[:n], m[:n], v[:n], m1[:n], v1[:n]
	i := adamUpdateVec(w1, m1, v1, w, g, m, v, alpha, c1, c2, eps)
	for ; i+4 <= n; i += 4 {
		gs, ms, vs := g[i:i+4:i+4], m[i:i+4:i+4], v[i:i+4:i+4]
		ma := ms[0] + (gs[0]-ms[0])*c1
		mb := ms[1] + (gs[1]-ms[1])*c1
		mc := ms[2] + (gs[2]-ms[2])*c1
		md := ms[3] + (gs[3]-ms[3])*c1
		va := vs[0] + (gs[0]*gs[0]-vs[0])*c2
		vb := vs[1] + (gs[1]*gs[1]-vs[1])*c2
		vc := vs[2] + (gs[2]*gs[2]-vs[2])*c2
		vd := vs[3] + (gs[3]*gs[3]-vs[3])*c2
		sa, sb := T(math.Sqrt(float64(va))), T(math.Sqrt(float64(vb)))
		sc, sd := T(math.Sqrt(float64(vc))), T(math.Sqrt(float64(vd)))
		ws, wo := w[i:i+4:i+4], w1[i:i+4:i+4]
		wo[0] = ws[0] - (ma*alpha)/(sa+eps)
		wo[1] = ws[1] - (mb*alpha)/(sb+eps)
		wo[2] = ws[2] - (mc*alpha)/(sc+eps)
		wo[3] = ws[3] - (md*alpha)/(sd+eps)
		mo, vo := m1[i:i+4:i+4], v1[i:i+4:i+4]
		mo[0], mo[1], mo[2], mo[3] = ma, mb, mc, md
		vo[0], vo[1], vo[2], vo[3] = va, vb, vc, vd
	}
	for ; i < n; i++ {
		gi, mi, vi := g[i], m[i], v[i]
		mi += (gi - mi) * c1
		vi += (gi*gi - vi) * c2
		w1[i] = w[i] - (mi*alpha)/(T(math.Sqrt(float64(vi)))+eps)
		m1[i], v1[i] = mi, vi
	}
}
