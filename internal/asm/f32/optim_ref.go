package f32

import "math"

// AdamRef is the loop [AdamAVX512] computes, over every element of w1: one Adam step, each
// operation rounded to float32 (the conversions keep the compiler from fusing a multiply and an
// add, which GOAMD64=v3 would otherwise do).
func AdamRef(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32) {
	n := len(w1)
	m1, v1, w, g, m, v = m1[:n], v1[:n], w[:n], g[:n], m[:n], v[:n]
	for i := range w1 {
		gi, mi, vi := g[i], m[i], v[i]
		mi += float32((gi - mi) * c1)
		vi += float32(float32(float32(gi*gi)-vi) * c2)
		w1[i] = w[i] - float32(mi*alpha)/(float32(math.Sqrt(float64(vi)))+eps)
		m1[i], v1[i] = mi, vi
	}
}
