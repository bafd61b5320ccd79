package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tideml/tide/dtype"
)

// Printing follows NumPy's str(array): at most 8 fractional digits with trailing zeros dropped
// and the columns aligned, scientific notation when the magnitudes call for it, rows wrapped at 75
// characters, and tensors of more than 1000 elements summarised with "..." (3 items each side).
const (
	printThreshold = 1000
	printEdgeItems = 3
	printPrecision = 8
	printLineWidth = 75
)

// String formats t like NumPy prints an array: "[[1. 2.]\n [3. 4.]]". A symbolic tensor prints
// as "Tensor(float32, [? 10], symbolic)", a released one as "Tensor(float32, [2 3], released)".
func (t *Tensor) String() string {
	if t.released {
		return fmt.Sprintf("Tensor(%s, %v, released)", t.dt, t.shape)
	}
	if t.data == nil {
		return fmt.Sprintf("Tensor(%s, %v, symbolic)", t.dt, t.shape)
	}
	summarise := t.Size() > printThreshold
	f := newFormatter(t, summarise)
	var b strings.Builder
	if len(t.shape) == 0 {
		return strings.TrimSpace(f.format(0))
	}
	f.write(&b, 0, 0, 0)
	return b.String()
}

type formatter struct {
	t         *Tensor
	vals      []float64 // element values (for numbers)
	summarise bool
	width     int
	intPart   int // float: width of the integer part
	fracPart  int // float: digits after the point
	sci       bool
	isFloat   bool
	isBool    bool
	is64      bool
}

func newFormatter(t *Tensor, summarise bool) *formatter {
	f := &formatter{t: t, summarise: summarise, isFloat: t.dt.IsFloat(), isBool: t.dt == dtype.Bool, is64: t.dt == dtype.Float64}
	if f.isBool {
		f.width = 5 // NumPy pads True to the width of False even when no False is shown
		return f
	}
	f.vals = t.Float64s()
	if !f.isFloat {
		f.measureInts()
		return f
	}
	f.measureFloats()
	return f
}

// shown returns the flat indices of the elements that are printed.
func (f *formatter) shown() []int {
	var out []int
	var rec func(dim, off int)
	rec = func(dim, off int) {
		if dim == len(f.t.shape) {
			out = append(out, off)
			return
		}
		n := f.t.shape[dim]
		stride := 1
		for _, d := range f.t.shape[dim+1:] {
			stride *= d
		}
		for _, i := range f.indices(n) {
			rec(dim+1, off+i*stride)
		}
	}
	rec(0, 0)
	return out
}

// indices returns the positions printed along a dimension of size n (-1 marks "...").
func (f *formatter) indices(n int) []int {
	if !f.summarise || n <= 2*printEdgeItems {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := []int{}
	for i := 0; i < printEdgeItems; i++ {
		idx = append(idx, i)
	}
	for i := n - printEdgeItems; i < n; i++ {
		idx = append(idx, i)
	}
	return idx
}

func (f *formatter) measureInts() {
	for _, i := range f.shown() {
		f.width = max(f.width, len(strconv.FormatInt(int64(f.vals[i]), 10)))
	}
	if f.t.dt == dtype.Int64 {
		w := 0
		for _, i := range f.shown() {
			w = max(w, len(strconv.FormatInt(f.t.data.([]int64)[i], 10)))
		}
		f.width = w
	}
}

func (f *formatter) measureFloats() {
	maxAbs, minAbs := 0.0, math.Inf(1)
	finite := false
	for _, i := range f.shown() {
		v := math.Abs(f.vals[i])
		if math.IsInf(v, 0) || math.IsNaN(v) {
			continue
		}
		finite = true
		maxAbs = max(maxAbs, v)
		if v != 0 {
			minAbs = min(minAbs, v)
		}
	}
	if finite && !math.IsInf(minAbs, 1) {
		f.sci = maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs/minAbs > 1e3
	}
	for _, i := range f.shown() {
		v := f.vals[i]
		if math.IsInf(v, 0) || math.IsNaN(v) {
			f.width = max(f.width, len(nonFinite(v)))
			continue
		}
		ip, fp, _ := f.parts(v)
		f.intPart = max(f.intPart, len(ip))
		f.fracPart = max(f.fracPart, len(fp))
	}
	f.width = max(f.width, f.intPart+1+f.fracPart+f.expWidth())
}

func (f *formatter) expWidth() int {
	if f.sci {
		return 4 // e+00
	}
	return 0
}

// parts splits the shortest representation of v (at most printPrecision fractional digits)
// into the integer part, the fraction digits, and the exponent suffix in scientific mode.
func (f *formatter) parts(v float64) (string, string, string) {
	bits := 32
	if f.is64 {
		bits = 64
	}
	var s, exp string
	if f.sci {
		s = strconv.FormatFloat(v, 'e', -1, bits)
		if i := strings.IndexByte(s, 'e'); i >= 0 {
			s, exp = s[:i], s[i:]
		}
		if m, err := strconv.ParseFloat(s, 64); err == nil && len(s) > printPrecision+3 {
			s = strings.TrimRight(strconv.FormatFloat(m, 'f', printPrecision, 64), "0")
		}
		exp = fixExp(exp)
	} else {
		s = strconv.FormatFloat(v, 'f', -1, bits)
		if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > printPrecision {
			s = strings.TrimRight(strconv.FormatFloat(v, 'f', printPrecision, 64), "0")
		}
	}
	ip, fp, _ := strings.Cut(s, ".")
	return ip, fp, exp
}

// fixExp pads a one-digit exponent to two, as C's printf and NumPy: e+5 becomes e+05.
func fixExp(s string) string {
	i := strings.IndexByte(s, 'e')
	if i >= 0 && len(s)-i == 3 {
		return s[:i+2] + "0" + s[i+2:]
	}
	return s
}

func nonFinite(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case v > 0:
		return "inf"
	}
	return "-inf"
}

// format returns element i padded to the common width.
func (f *formatter) format(i int) string {
	switch {
	case f.isBool:
		s := "False"
		if f.t.data.([]bool)[i] {
			s = "True"
		}
		return pad(s, f.width)
	case !f.isFloat:
		if f.t.dt == dtype.Int64 {
			return pad(strconv.FormatInt(f.t.data.([]int64)[i], 10), f.width)
		}
		return pad(strconv.FormatInt(int64(f.vals[i]), 10), f.width)
	}
	v := f.vals[i]
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return pad(nonFinite(v), f.width)
	}
	if f.sci {
		// Scientific mantissas all get as many digits as the longest shortest representation,
		// the extra digits being those of the exact binary value, as NumPy does.
		s := strconv.FormatFloat(v, 'e', f.fracPart, 64)
		if f.fracPart == 0 {
			s = strings.Replace(s, "e", ".e", 1)
		}
		return pad(fixExp(s), f.width)
	}
	ip, fp, _ := f.parts(v)
	return pad(pad(ip, f.intPart)+"."+fp+strings.Repeat(" ", f.fracPart-len(fp)), f.width)
}

func pad(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return strings.Repeat(" ", w-len(s)) + s
}

// write prints the sub-tensor at dimension dim starting at flat offset off; col is the current
// column, used to wrap long rows.
func (f *formatter) write(b *strings.Builder, dim, off, col int) {
	b.WriteByte('[')
	n := f.t.shape[dim]
	stride := 1
	for _, d := range f.t.shape[dim+1:] {
		stride *= d
	}
	idx := f.indices(n)
	last := dim == len(f.t.shape)-1
	col += dim + 1
	line := col
	for k, i := range idx {
		if k > 0 && f.summarise && n > 2*printEdgeItems && k == printEdgeItems {
			if last {
				b.WriteString(" ...")
				line += 4
			} else {
				b.WriteString("\n" + strings.Repeat(" ", dim+1) + "...")
				b.WriteString(strings.Repeat("\n", len(f.t.shape)-dim-1) + strings.Repeat(" ", dim+1))
			}
		}
		if last {
			s := f.format(off + i*stride)
			if k > 0 {
				if line+1+len(s) > printLineWidth-1 {
					b.WriteString("\n" + strings.Repeat(" ", dim+1))
					line = dim + 1
				} else {
					b.WriteByte(' ')
					line++
				}
			}
			b.WriteString(s)
			line += len(s)
			continue
		}
		if k > 0 && !(f.summarise && n > 2*printEdgeItems && k == printEdgeItems) {
			b.WriteString(strings.Repeat("\n", len(f.t.shape)-dim-1) + strings.Repeat(" ", dim+1))
		}
		f.write(b, dim+1, off+i*stride, 0)
	}
	b.WriteByte(']')
}
