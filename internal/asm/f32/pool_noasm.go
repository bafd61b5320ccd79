//go:build noasm || !amd64

package f32

// MaxPoolAVX512 is the loop of maxPoolRef; see the amd64 version.
func MaxPoolAVX512(y, x []float32, offs []int, c, npix, step int) {
	maxPoolRef(y, x, offs, c, npix, step)
}

// MaxPoolGatherAVX512 is the loop of maxPoolGatherRef; see the amd64 version.
func MaxPoolGatherAVX512(y, x, v []float32, offs []int, c, npix, step int) {
	maxPoolGatherRef(y, x, v, offs, c, npix, step)
}

// MaxPoolGradAVX512 is the loop of maxPoolGradRef; see the amd64 version.
func MaxPoolGradAVX512(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool) {
	maxPoolGradRef(dx, x, dy, offs, c, npix, step, accumulate)
}

// AvgPoolAVX512 is the loop of avgPoolRef; see the amd64 version.
func AvgPoolAVX512(y, x []float32, offs []int, c, npix, step int, n float32) {
	avgPoolRef(y, x, offs, c, npix, step, n)
}

// AvgPoolGradAVX512 is the loop of avgPoolGradRef; see the amd64 version.
func AvgPoolGradAVX512(dx, dy []float32, offs []int, c, npix, step int, n float32) {
	avgPoolGradRef(dx, dy, offs, c, npix, step, n)
}

// MaxPoolAVX2 is the loop of maxPoolRef; see the amd64 version.
func MaxPoolAVX2(y, x []float32, offs []int, c, npix, step int) {
	maxPoolRef(y, x, offs, c, npix, step)
}

// MaxPoolGatherAVX2 is the loop of maxPoolGatherRef; see the amd64 version.
func MaxPoolGatherAVX2(y, x, v []float32, offs []int, c, npix, step int) {
	maxPoolGatherRef(y, x, v, offs, c, npix, step)
}

// MaxPoolGradAVX2 is the loop of maxPoolGradRef; see the amd64 version.
func MaxPoolGradAVX2(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool) {
	maxPoolGradRef(dx, x, dy, offs, c, npix, step, accumulate)
}

// AvgPoolAVX2 is the loop of avgPoolRef; see the amd64 version.
func AvgPoolAVX2(y, x []float32, offs []int, c, npix, step int, n float32) {
	avgPoolRef(y, x, offs, c, npix, step, n)
}

// AvgPoolGradAVX2 is the loop of avgPoolGradRef; see the amd64 version.
func AvgPoolGradAVX2(dx, dy []float32, offs []int, c, npix, step int, n float32) {
	avgPoolGradRef(dx, dy, offs, c, npix, step, n)
}
