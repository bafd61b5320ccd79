//go:build noasm || !amd64

package f32

// AdamAVX512 is the loop of AdamRef over the first len(w1) &^ 15 elements; see the amd64
// version.
func AdamAVX512(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32) {
	n := len(w1) &^ 15
	AdamRef(w1[:n], m1, v1, w, g, m, v, alpha, c1, c2, eps)
}

// AdamAVX2 is the loop of AdamRef over the first len(w1) &^ 7 elements; see the amd64 version.
func AdamAVX2(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32) {
	n := len(w1) &^ 7
	AdamRef(w1[:n], m1, v1, w, g, m, v, alpha, c1, c2, eps)
}
