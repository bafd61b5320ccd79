//go:build !noasm && amd64

package f32

//go:generate sh -c "cd ../_asm && go run . -type f32 -set optim -out ../f32/optim_amd64.s"

// AdamAVX512 computes, with AVX-512F, one Adam step of the first len(w1) &^ 15 elements
// (whole vectors; the caller finishes the rest with [AdamRef]):
//
//	for i := range w1[:len(w1)&^15] {
//		mi := m[i] + (g[i]-m[i])*c1
//		vi := v[i] + (g[i]*g[i]-v[i])*c2
//		w1[i] = w[i] - (mi*alpha)/(float32(math.Sqrt(float64(vi)))+eps)
//		m1[i], v1[i] = mi, vi
//	}
//
// one instruction per operation, in that order and without fused multiply-adds, so its results
// are the loop's bit for bit (NaN payloads aside). Lengths are not checked: the caller
// guarantees that every slice is as long as w1, and HasAVX512. An output may be the input at
// the same position (w1 may be w, m1 m, v1 v) but must not overlap an input otherwise.
//
//go:noescape
func AdamAVX512(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32)

// AdamAVX2 is [AdamAVX512] with AVX, eight elements at a time (the first len(w1) &^ 7); the
// caller guarantees HasAVX2.
//
//go:noescape
func AdamAVX2(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32)
