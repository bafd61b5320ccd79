package f32

// The reference loops of the binary elementwise kernels: those of internal/vmath, one element
// at a time. Go's min and max give NaN if either operand is NaN and order −0 below +0; on amd64
// the compiler lowers them to MINSS sequences whose NaN results OR the operands' bits (and for
// max AND their signs), which the kernels reproduce.

// addVVRef sets dst[i] = x[i] + y[i].
func addVVRef(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

// addVSRef sets dst[i] = x[i] + s.
func addVSRef(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + s
	}
}

// subVVRef sets dst[i] = x[i] - y[i].
func subVVRef(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] - y[i]
	}
}

// subVSRef sets dst[i] = x[i] - s.
func subVSRef(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] - s
	}
}

// subSVRef sets dst[i] = s - y[i].
func subSVRef(dst []float32, s float32, y []float32) {
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = s - y[i]
	}
}

// mulVVRef sets dst[i] = x[i] * y[i].
func mulVVRef(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

// mulVSRef sets dst[i] = x[i] * s.
func mulVSRef(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * s
	}
}

// divVVRef sets dst[i] = x[i] / y[i].
func divVVRef(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] / y[i]
	}
}

// divVSRef sets dst[i] = x[i] / s.
func divVSRef(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] / s
	}
}

// divSVRef sets dst[i] = s / y[i].
func divSVRef(dst []float32, s float32, y []float32) {
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = s / y[i]
	}
}

// maxVVRef sets dst[i] = max(x[i], y[i]).
func maxVVRef(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = max(x[i], y[i])
	}
}

// maxVSRef sets dst[i] = max(x[i], s).
func maxVSRef(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = max(x[i], s)
	}
}

// minVVRef sets dst[i] = min(x[i], y[i]).
func minVVRef(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = min(x[i], y[i])
	}
}

// minVSRef sets dst[i] = min(x[i], s).
func minVSRef(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = min(x[i], s)
	}
}
