package ref

import "github.com/tideml/tide/tensor"

// Ternary computes out = f(a, b, c) with NumPy broadcasting of a, b and c to out's shape
// (clip with tensor bounds).
func Ternary[T Scalar, U Scalar](out, a, b, c *tensor.Tensor, f func(x, y, z T) U) {
	av, bv, cv := Values[T](a), Values[T](b), Values[T](c)
	os := out.Shape()
	ia, ib, ic := BroadcastIndex(a.Shape(), os), BroadcastIndex(b.Shape(), os), BroadcastIndex(c.Shape(), os)
	ov := make([]U, os.Size())
	for i := range ov {
		ov[i] = f(av[ia[i]], bv[ib[i]], cv[ic[i]])
	}
	Store(out, ov)
}
