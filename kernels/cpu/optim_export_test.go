package cpu

// SetAdamSIMD selects the float32 Adam kernel (2 AVX-512, 1 AVX2, 0 the Go loop) and returns
// the previous setting; the caller checks that the CPU has the one it selects.
func SetAdamSIMD(level int) int {
	old := adamSIMD
	adamSIMD = level
	return old
}
