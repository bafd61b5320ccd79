package dtype

// Promote returns the type that a binary operation on a and b computes in.
//
// The rules follow PyTorch's for tensors, which agree with NumPy on the ordinary cases:
//   - the same type promotes to itself;
//   - within a category (bool < integer < floating point) the wider type wins;
//   - across categories the higher category wins, keeping its own width:
//     int64 with float32 gives float32 (NumPy gives float64);
//   - float16 with bfloat16 gives float32, as in PyTorch.
//
// Tide differs where it lacks a type: int8 with uint8 gives int32 (NumPy and PyTorch give int16).
// Promote returns Invalid when either argument is invalid.
func Promote(a, b DType) DType {
	if !a.Valid() || !b.Valid() {
		return Invalid
	}
	if a == b {
		return a
	}
	if a > b {
		a, b = b, a
	}
	// Now a < b in the order Bool, Uint8, Int8, Int32, Int64, Float16, BFloat16, Float32, Float64.
	switch {
	case a == Uint8 && b == Int8:
		return Int32
	case a == Float16 && b == BFloat16:
		return Float32
	}
	return b
}

// PromoteAll folds Promote over ds; it returns Invalid for an empty list.
func PromoteAll(ds ...DType) DType {
	if len(ds) == 0 {
		return Invalid
	}
	r := ds[0]
	for _, d := range ds[1:] {
		r = Promote(r, d)
	}
	return r
}

// Default returns the floating-point type that integer or boolean inputs are converted to by
// operations that only make sense on reals (exp, sqrt, mean): float32, as in PyTorch.
func Default(d DType) DType {
	if d.IsFloat() {
		return d
	}
	return Float32
}
