package f32

// axpyRef is the loop [AxpyAVX512] computes.
func axpyRef(alpha float32, x, y []float32) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

// dotRef is the loop [DotAVX512] computes, up to the order of the sum.
func dotRef(x, y []float32) float32 {
	var s float32
	for i, v := range x {
		s += v * y[i]
	}
	return s
}
