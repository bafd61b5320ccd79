package shape

import (
	"fmt"
	"strconv"
	"strings"
)

// Shape lists the size of each dimension, outermost first. A nil or empty Shape is a scalar.
// A dimension of Unknown (-1) stands for a size known only at run time (a batch dimension in a
// traced graph); concrete tensors never have one.
type Shape []int

// Unknown marks a dimension whose size is not known until run time.
const Unknown = -1

// Of returns a Shape of the given dimensions.
func Of(dims ...int) Shape { return Shape(dims) }

// Rank returns the number of dimensions.
func (s Shape) Rank() int { return len(s) }

// Size returns the number of elements, 1 for a scalar; it returns -1 if a dimension is Unknown.
func (s Shape) Size() int {
	n := 1
	for _, d := range s {
		if d < 0 {
			return -1
		}
		n *= d
	}
	return n
}

// Split returns the product of the leading dimensions of s and that of its last k: a tensor of
// shape s seen as a matrix of rows × cols, each row covering the last k axes (k <= s.Rank()).
func (s Shape) Split(k int) (rows, cols int) {
	rows, cols = 1, 1
	for i, d := range s {
		if i < len(s)-k {
			rows *= d
		} else {
			cols *= d
		}
	}
	return rows, cols
}

// Known reports whether every dimension is known.
func (s Shape) Known() bool {
	for _, d := range s {
		if d < 0 {
			return false
		}
	}
	return true
}

// Clone returns a copy of s that does not share memory with it.
func (s Shape) Clone() Shape {
	if s == nil {
		return nil
	}
	return append(Shape{}, s...)
}

// Equal reports whether s and t have the same dimensions.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// String formats s as "[2 3 4]", with "?" for unknown dimensions; a scalar is "[]".
func (s Shape) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		if d == Unknown {
			b.WriteByte('?')
		} else {
			b.WriteString(strconv.Itoa(d))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Strides returns the row-major strides of s in elements.
func (s Shape) Strides() []int {
	st := make([]int, len(s))
	n := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = n
		n *= s[i]
	}
	return st
}

// Validate returns an error if a dimension is negative (Unknown is allowed when allowUnknown).
func (s Shape) Validate(allowUnknown bool) error {
	for i, d := range s {
		if d < 0 && !(allowUnknown && d == Unknown) {
			return fmt.Errorf("shape %v: dimension %d is %d, want >= 0", s, i, d)
		}
	}
	return nil
}

// Resolve returns dims with a single -1 replaced by the size that makes the element count equal
// size, as NumPy's reshape does. It returns an error naming the shapes when that is impossible.
// A negative size means the element count is unknown (a traced shape with an unknown
// dimension): the -1 then stays Unknown and the count cannot be checked.
func Resolve(dims []int, size int) (Shape, error) {
	out := make(Shape, len(dims))
	infer, n := -1, 1
	for i, d := range dims {
		switch {
		case d == -1 && infer >= 0:
			return nil, fmt.Errorf("can only infer one dimension, got -1 at %d and %d in %v", infer, i, dims)
		case d == -1:
			infer = i
		case d < 0:
			return nil, fmt.Errorf("dimension %d of %v is negative", i, dims)
		default:
			n *= d
		}
		out[i] = d
	}
	if size < 0 {
		return out, nil // out[infer], if any, is already -1: Unknown
	}
	if infer >= 0 {
		if n == 0 || size%n != 0 {
			return nil, fmt.Errorf("cannot infer -1 in %v for %d elements", dims, size)
		}
		out[infer] = size / n
		return out, nil
	}
	if n != size {
		return nil, fmt.Errorf("shape %v has %d elements, want %d", Shape(dims), n, size)
	}
	return out, nil
}
