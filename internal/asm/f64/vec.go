package f64

// axpyRef is the loop [AxpyAVX512] computes.
func axpyRef(alpha float64, x, y []float64) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

// dotRef is the loop [DotAVX512] computes, up to the order of the sum.
func dotRef(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}
