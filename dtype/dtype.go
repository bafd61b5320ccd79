package dtype

import "fmt"

// DType is an element type. The zero value is Invalid.
type DType uint8

// The element types. Float32 is the fast path; Float64 is used for checks;
// Float16 and BFloat16 are storage types whose arithmetic runs in float32.
const (
	Invalid DType = iota
	Bool
	Uint8
	Int8
	Int32
	Int64
	Float16
	BFloat16
	Float32
	Float64
	numDTypes
)

// Count is the number of valid element types plus one; DType values are below it,
// so a [dtype.Count]T array can be indexed by a DType.
const Count = int(numDTypes)

var names = [numDTypes]string{
	Invalid:  "invalid",
	Bool:     "bool",
	Uint8:    "uint8",
	Int8:     "int8",
	Int32:    "int32",
	Int64:    "int64",
	Float16:  "float16",
	BFloat16: "bfloat16",
	Float32:  "float32",
	Float64:  "float64",
}

var sizes = [numDTypes]int{Bool: 1, Uint8: 1, Int8: 1, Int32: 4, Int64: 8, Float16: 2, BFloat16: 2, Float32: 4, Float64: 8}

// All lists every valid element type in promotion order.
var All = []DType{Bool, Uint8, Int8, Int32, Int64, Float16, BFloat16, Float32, Float64}

// String returns the NumPy-style name of d ("float32", "int64", ...).
func (d DType) String() string {
	if d >= numDTypes {
		return fmt.Sprintf("dtype(%d)", uint8(d))
	}
	return names[d]
}

// Valid reports whether d is one of the element types.
func (d DType) Valid() bool { return d > Invalid && d < numDTypes }

// Size returns the number of bytes of one element of type d.
func (d DType) Size() int {
	if d >= numDTypes {
		return 0
	}
	return sizes[d]
}

// IsFloat reports whether d is a floating-point type.
func (d DType) IsFloat() bool { return d == Float16 || d == BFloat16 || d == Float32 || d == Float64 }

// IsInt reports whether d is a signed or unsigned integer type (not Bool).
func (d DType) IsInt() bool { return d == Uint8 || d == Int8 || d == Int32 || d == Int64 }

// IsSigned reports whether d can hold negative values.
func (d DType) IsSigned() bool { return d == Int8 || d == Int32 || d == Int64 || d.IsFloat() }

// Parse returns the DType named s, as printed by String.
func Parse(s string) (DType, error) {
	for d := Bool; d < numDTypes; d++ {
		if names[d] == s {
			return d, nil
		}
	}
	return Invalid, fmt.Errorf("dtype: unknown element type %q", s)
}

// Elem is the set of Go types that back tensor storage.
type Elem interface {
	bool | uint8 | int8 | int32 | int64 | F16 | BF16 | float32 | float64
}

// Number is the subset of Elem on which arithmetic is defined directly in Go.
type Number interface {
	uint8 | int8 | int32 | int64 | float32 | float64
}

// Float is the set of native Go floating-point types.
type Float interface{ float32 | float64 }

// Of returns the DType whose storage element is T.
func Of[T Elem]() DType {
	var z T
	switch any(z).(type) {
	case bool:
		return Bool
	case uint8:
		return Uint8
	case int8:
		return Int8
	case int32:
		return Int32
	case int64:
		return Int64
	case F16:
		return Float16
	case BF16:
		return BFloat16
	case float32:
		return Float32
	default:
		return Float64
	}
}
