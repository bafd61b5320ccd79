//go:build noasm || !amd64

package f32

// AddVVAVX512 is the loop of addVVRef; see the amd64 version.
func AddVVAVX512(dst, x, y []float32) { addVVRef(dst, x, y) }

// AddVVAVX2 is the loop of addVVRef; see the amd64 version.
func AddVVAVX2(dst, x, y []float32) { addVVRef(dst, x, y) }

// AddVSAVX512 is the loop of addVSRef; see the amd64 version.
func AddVSAVX512(dst, x []float32, s float32) { addVSRef(dst, x, s) }

// AddVSAVX2 is the loop of addVSRef; see the amd64 version.
func AddVSAVX2(dst, x []float32, s float32) { addVSRef(dst, x, s) }

// SubVVAVX512 is the loop of subVVRef; see the amd64 version.
func SubVVAVX512(dst, x, y []float32) { subVVRef(dst, x, y) }

// SubVVAVX2 is the loop of subVVRef; see the amd64 version.
func SubVVAVX2(dst, x, y []float32) { subVVRef(dst, x, y) }

// SubVSAVX512 is the loop of subVSRef; see the amd64 version.
func SubVSAVX512(dst, x []float32, s float32) { subVSRef(dst, x, s) }

// SubVSAVX2 is the loop of subVSRef; see the amd64 version.
func SubVSAVX2(dst, x []float32, s float32) { subVSRef(dst, x, s) }

// SubSVAVX512 is the loop of subSVRef; see the amd64 version.
func SubSVAVX512(dst []float32, s float32, y []float32) { subSVRef(dst, s, y) }

// SubSVAVX2 is the loop of subSVRef; see the amd64 version.
func SubSVAVX2(dst []float32, s float32, y []float32) { subSVRef(dst, s, y) }

// MulVVAVX512 is the loop of mulVVRef; see the amd64 version.
func MulVVAVX512(dst, x, y []float32) { mulVVRef(dst, x, y) }

// MulVVAVX2 is the loop of mulVVRef; see the amd64 version.
func MulVVAVX2(dst, x, y []float32) { mulVVRef(dst, x, y) }

// MulVSAVX512 is the loop of mulVSRef; see the amd64 version.
func MulVSAVX512(dst, x []float32, s float32) { mulVSRef(dst, x, s) }

// MulVSAVX2 is the loop of mulVSRef; see the amd64 version.
func MulVSAVX2(dst, x []float32, s float32) { mulVSRef(dst, x, s) }

// DivVVAVX512 is the loop of divVVRef; see the amd64 version.
func DivVVAVX512(dst, x, y []float32) { divVVRef(dst, x, y) }

// DivVVAVX2 is the loop of divVVRef; see the amd64 version.
func DivVVAVX2(dst, x, y []float32) { divVVRef(dst, x, y) }

// DivVSAVX512 is the loop of divVSRef; see the amd64 version.
func DivVSAVX512(dst, x []float32, s float32) { divVSRef(dst, x, s) }

// DivVSAVX2 is the loop of divVSRef; see the amd64 version.
func DivVSAVX2(dst, x []float32, s float32) { divVSRef(dst, x, s) }

// DivSVAVX512 is the loop of divSVRef; see the amd64 version.
func DivSVAVX512(dst []float32, s float32, y []float32) { divSVRef(dst, s, y) }

// DivSVAVX2 is the loop of divSVRef; see the amd64 version.
func DivSVAVX2(dst []float32, s float32, y []float32) { divSVRef(dst, s, y) }

// MaxVVAVX512 is the loop of maxVVRef; see the amd64 version.
func MaxVVAVX512(dst, x, y []float32) { maxVVRef(dst, x, y) }

// MaxVVAVX2 is the loop of maxVVRef; see the amd64 version.
func MaxVVAVX2(dst, x, y []float32) { maxVVRef(dst, x, y) }

// MaxVSAVX512 is the loop of maxVSRef; see the amd64 version.
func MaxVSAVX512(dst, x []float32, s float32) { maxVSRef(dst, x, s) }

// MaxVSAVX2 is the loop of maxVSRef; see the amd64 version.
func MaxVSAVX2(dst, x []float32, s float32) { maxVSRef(dst, x, s) }

// MinVVAVX512 is the loop of minVVRef; see the amd64 version.
func MinVVAVX512(dst, x, y []float32) { minVVRef(dst, x, y) }

// MinVVAVX2 is the loop of minVVRef; see the amd64 version.
func MinVVAVX2(dst, x, y []float32) { minVVRef(dst, x, y) }

// MinVSAVX512 is the loop of minVSRef; see the amd64 version.
func MinVSAVX512(dst, x []float32, s float32) { minVSRef(dst, x, s) }

// MinVSAVX2 is the loop of minVSRef; see the amd64 version.
func MinVSAVX2(dst, x []float32, s float32) { minVSRef(dst, x, s) }
