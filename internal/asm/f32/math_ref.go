package f32

import "math"

// The reference loops of the math kernels, in float64 and rounded once.

// expRef is the loop [ExpAVX512] computes.
func expRef(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(math.Exp(float64(x[i])))
	}
}

// logRef is the loop [LogAVX512] computes.
func logRef(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(math.Log(float64(x[i])))
	}
}

// tanhRef is the loop [TanhAVX512] computes.
func tanhRef(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(math.Tanh(float64(x[i])))
	}
}

// sigmoidRef is the loop [SigmoidAVX512] computes; for negative x it is
// e^x/(1+e^x), which keeps tiny results accurate.
func sigmoidRef(dst, x []float32) {
	for i := range dst {
		v := float64(x[i])
		if v >= 0 {
			dst[i] = float32(1 / (1 + math.Exp(-v)))
		} else {
			e := math.Exp(v)
			dst[i] = float32(e / (1 + e))
		}
	}
}

// erfRef is the loop [ErfAVX512] computes.
func erfRef(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(math.Erf(float64(x[i])))
	}
}

// reluGradRef is the loop [ReluGradAVX512] computes, over every element of dst (and
// [ReluAVX512] with g = x).
func reluGradRef(dst, x, g []float32) {
	for i := range dst {
		dst[i] = g[i]
		if x[i] <= 0 {
			dst[i] = 0
		}
	}
}

// sqrtRef is the loop [SqrtAVX512] computes, over every element of dst.
func sqrtRef(dst, x []float32) {
	for i := range dst {
		dst[i] = float32(math.Sqrt(float64(x[i])))
	}
}
