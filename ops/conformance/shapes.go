package conformance

import (
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// The shapes of each class for the op families, and small helpers the builders share.

// oddSizes are the lengths of the odd class: every tail of 4, 8, 16 and 32 lanes.
var oddSizes = []int{1, 7, 9, 31, 65}

// dims is a shorthand for shape literals.
type dims = []int

// mk returns the case applying params to inputs.
func mk(params any, inputs ...*tensor.Tensor) Case { return Case{Params: params, Inputs: inputs} }

func (c Case) terms(n int) Case      { c.Terms = max(c.Terms, n); return c }
func (c Case) exact() Case           { c.Exact = true; return c }
func (c Case) named(s string) Case   { c.note = s; return c }
func (c Case) wantErr() Case         { c.WantErr = true; return c }
func (c Case) exactIf(b bool) Case   { c.Exact = c.Exact || b; return c }
func (c Case) withParams(p any) Case { c.Params = p; return c }

// unaryShapes returns the input shapes of a one-input elementwise op.
func unaryShapes(c Class) [][]int {
	switch c {
	case Scalar:
		return [][]int{{}}
	case Empty:
		return [][]int{{0}, {3, 0}}
	case Broadcast:
		return [][]int{{1}, {1, 1, 3}, {4, 1}}
	case Odd:
		return [][]int{{1}, {7}, {9}, {31}, {65}, {3, 9}}
	}
	return [][]int{{LargeSize}}
}

// binaryShapes returns the input shape pairs of a broadcasting two-input op.
func binaryShapes(c Class) [][2][]int {
	switch c {
	case Scalar:
		return [][2][]int{{{}, {}}, {{}, {7}}, {{5}, {}}}
	case Empty:
		return [][2][]int{{{0}, {0}}, {{3, 0}, {3, 1}}, {{0, 4}, {4}}, {{}, {0}}}
	case Broadcast:
		return [][2][]int{{{4, 1, 3}, {5, 1}}, {{1}, {2, 3}}, {{2, 1}, {1, 3}}, {{3}, {2, 3}}, {{2, 3, 1}, {1, 1, 4}}}
	case Odd:
		return [][2][]int{{{1}, {1}}, {{7}, {7}}, {{9}, {9}}, {{31}, {31}}, {{65}, {65}}, {{3, 31}, {31}}}
	}
	return [][2][]int{{{LargeSize}, {LargeSize}}, {{LargeSize}, {}}, {{257, 255}, {255}}}
}

// ternaryShapes returns the input shape triples of a broadcasting three-input op.
func ternaryShapes(c Class) [][3][]int {
	switch c {
	case Scalar:
		return [][3][]int{{{}, {}, {}}, {{}, {7}, {}}}
	case Empty:
		return [][3][]int{{{0}, {0}, {0}}, {{3, 0}, {1}, {3, 1}}}
	case Broadcast:
		return [][3][]int{{{4, 1, 3}, {5, 1}, {1}}, {{2, 1}, {1, 3}, {2, 3}}, {{3}, {2, 1, 3}, {}}}
	case Odd:
		return [][3][]int{{{1}, {1}, {1}}, {{7}, {7}, {7}}, {{9}, {}, {9}}, {{31}, {31}, {1}}, {{65}, {65}, {65}}}
	}
	return [][3][]int{{{LargeSize}, {LargeSize}, {LargeSize}}, {{257, 255}, {255}, {257, 1}}}
}

// axisShape is an input shape with an axis (or axes) and a keep-dims flag.
type axisShape struct {
	dims []int
	axes []int
	keep bool
}

// reduceShapes returns the input shapes and axes of a reduction.
func reduceShapes(c Class) []axisShape {
	switch c {
	case Scalar:
		return []axisShape{{dims{}, nil, false}, {dims{}, nil, true}, {dims{}, dims{}, false}}
	case Empty:
		return []axisShape{{dims{0}, nil, false}, {dims{3, 0}, dims{1}, false}, {dims{0, 4}, dims{0}, true},
			{dims{0, 4}, dims{1}, false}, {dims{3, 0}, dims{0}, false}}
	case Broadcast:
		return []axisShape{{dims{1, 5, 1}, dims{0, 2}, false}, {dims{1, 5, 1}, dims{0, 2}, true}, {dims{4, 1}, dims{1}, false},
			{dims{1, 1}, nil, false}}
	case Odd:
		out := []axisShape{}
		for _, n := range oddSizes {
			out = append(out, axisShape{dims{n}, nil, false})
		}
		return append(out, axisShape{dims{3, 9}, dims{1}, false}, axisShape{dims{9, 3}, dims{0}, true},
			axisShape{dims{2, 31, 3}, dims{0, 2}, false}, axisShape{dims{2, 7, 3}, dims{-2}, true},
			axisShape{dims{3, 65}, dims{}, false})
	}
	return []axisShape{{dims{LargeSize}, nil, false}, {dims{257, 255}, dims{1}, false}, {dims{257, 255}, dims{0}, true}}
}

// axisShapes returns input shapes with one axis, for ops along an axis (arg-reductions,
// running sums, softmax, sort); keep alternates.
func axisShapes(c Class) []axisShape {
	switch c {
	case Scalar:
		return nil
	case Empty:
		return []axisShape{{dims{0}, dims{0}, false}, {dims{3, 0}, dims{1}, false}, {dims{0, 4}, dims{1}, true},
			{dims{3, 0}, dims{0}, true}}
	case Broadcast:
		return []axisShape{{dims{1, 5, 1}, dims{1}, false}, {dims{1, 5, 1}, dims{0}, true}, {dims{4, 1}, dims{-1}, false}}
	case Odd:
		out := []axisShape{}
		for i, n := range oddSizes {
			out = append(out, axisShape{dims{n}, dims{0}, i%2 == 1})
		}
		return append(out, axisShape{dims{3, 9}, dims{1}, false}, axisShape{dims{31, 3}, dims{0}, true},
			axisShape{dims{2, 65, 3}, dims{-2}, false}, axisShape{dims{2, 3, 7}, dims{-1}, true})
	}
	return []axisShape{{dims{LargeSize}, dims{0}, false}, {dims{257, 255}, dims{1}, true}, {dims{257, 255}, dims{0}, false}}
}

// size returns the number of elements of a shape.
func size(d []int) int {
	n := 1
	for _, x := range d {
		n *= x
	}
	return n
}

// reducedCount returns the number of elements of d along axes (all when axes is nil).
func reducedCount(d, axes []int) int {
	if axes == nil {
		return size(d)
	}
	n := 1
	for _, a := range axes {
		if a < 0 {
			a += len(d)
		}
		n *= d[a]
	}
	return n
}

// indexTypes cycles through the integer dtypes indices come in.
var indexTypes = []dtype.DType{dtype.Int64, dtype.Int32, dtype.Int8, dtype.Uint8}

// intRange returns an integer tensor of dtype dt with values in [lo, hi].
func (g *Gen) intRange(dt dtype.DType, lo, hi int, d ...int) *tensor.Tensor {
	return g.Uniform(dt, float64(lo), float64(hi), d...)
}

// indices returns integer indices in [lo, hi] as one of the index dtypes chosen by i; where the
// dtype cannot hold lo, the range starts at 0.
func (g *Gen) indices(i, lo, hi int, d ...int) *tensor.Tensor {
	dt := indexTypes[i%len(indexTypes)]
	if dt == dtype.Uint8 {
		lo = max(lo, 0)
	}
	if hi > 127 {
		dt = dtype.Int64
	}
	return g.intRange(dt, lo, hi, d...)
}
