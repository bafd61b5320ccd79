//go:build noasm || !amd64

package f32

// ExpAVX512 is the loop of expRef; see the amd64 version.
func ExpAVX512(dst, x []float32) { expRef(dst, x) }

// ExpAVX2 is the loop of expRef; see the amd64 version.
func ExpAVX2(dst, x []float32) { expRef(dst, x) }

// LogAVX512 is the loop of logRef; see the amd64 version.
func LogAVX512(dst, x []float32) { logRef(dst, x) }

// LogAVX2 is the loop of logRef; see the amd64 version.
func LogAVX2(dst, x []float32) { logRef(dst, x) }

// TanhAVX512 is the loop of tanhRef; see the amd64 version.
func TanhAVX512(dst, x []float32) { tanhRef(dst, x) }

// TanhAVX2 is the loop of tanhRef; see the amd64 version.
func TanhAVX2(dst, x []float32) { tanhRef(dst, x) }

// SigmoidAVX512 is the loop of sigmoidRef; see the amd64 version.
func SigmoidAVX512(dst, x []float32) { sigmoidRef(dst, x) }

// SigmoidAVX2 is the loop of sigmoidRef; see the amd64 version.
func SigmoidAVX2(dst, x []float32) { sigmoidRef(dst, x) }

// ErfAVX512 is the loop of erfRef; see the amd64 version.
func ErfAVX512(dst, x []float32) { erfRef(dst, x) }

// ErfAVX2 is the loop of erfRef; see the amd64 version.
func ErfAVX2(dst, x []float32) { erfRef(dst, x) }

// ReluAVX512 is the loop of reluGradRef over the first len(dst) &^ 15 elements; see the amd64
// version.
func ReluAVX512(dst, x []float32) { reluGradRef(dst[:len(dst)&^15], x, x) }

// ReluAVX2 is the loop of reluGradRef over the first len(dst) &^ 7 elements; see the amd64
// version.
func ReluAVX2(dst, x []float32) { reluGradRef(dst[:len(dst)&^7], x, x) }

// ReluGradAVX512 is the loop of reluGradRef over the first len(dst) &^ 15 elements; see the
// amd64 version.
func ReluGradAVX512(dst, x, g []float32) { reluGradRef(dst[:len(dst)&^15], x, g) }

// ReluGradAVX2 is the loop of reluGradRef over the first len(dst) &^ 7 elements; see the amd64
// version.
func ReluGradAVX2(dst, x, g []float32) { reluGradRef(dst[:len(dst)&^7], x, g) }

// SqrtAVX512 is the loop of sqrtRef over the first len(dst) &^ 15 elements; see the amd64
// version.
func SqrtAVX512(dst, x []float32) { sqrtRef(dst[:len(dst)&^15], x) }

// SqrtAVX2 is the loop of sqrtRef over the first len(dst) &^ 7 elements; see the amd64 version.
func SqrtAVX2(dst, x []float32) { sqrtRef(dst[:len(dst)&^7], x) }
