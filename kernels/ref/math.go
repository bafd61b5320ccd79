package ref

import "math"

// Exp is math.Exp correct up to the float64 overflow threshold: the amd64 assembly of math.Exp
// returns +Inf from 1023.5·ln 2 ≈ 709.436 on, though exp(x) is finite up to ≈ 709.7827.
// Halving the argument and squaring costs at most an ulp or two there.
func Exp(x float64) float64 {
	const overflow = 7.09782712893383973096e+02 // largest x with a finite exp(x)
	if x > overflow {
		return math.Inf(1)
	}
	if x > 709 {
		h := math.Exp(x / 2)
		return h * h
	}
	return math.Exp(x)
}

// Log is math.Log correct for subnormal inputs, which the amd64 assembly of math.Log does not
// normalise (golang/go#56600): they are scaled by 2^52 first.
func Log(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p52) - 52*math.Ln2
	}
	return math.Log(x)
}
