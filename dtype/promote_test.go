package dtype_test

import (
	"testing"

	"github.com/tideml/tide/dtype"
)

func TestPromote(t *testing.T) {
	// Expected results follow torch.promote_types, except int8 with uint8 (Tide has no int16).
	cases := []struct{ a, b, want dtype.DType }{
		{dtype.Float32, dtype.Float32, dtype.Float32},
		{dtype.Float32, dtype.Float64, dtype.Float64},
		{dtype.Int64, dtype.Float32, dtype.Float32},
		{dtype.Int32, dtype.Int64, dtype.Int64},
		{dtype.Bool, dtype.Int8, dtype.Int8},
		{dtype.Bool, dtype.Float16, dtype.Float16},
		{dtype.Uint8, dtype.Int8, dtype.Int32},
		{dtype.Uint8, dtype.Int32, dtype.Int32},
		{dtype.Float16, dtype.BFloat16, dtype.Float32},
		{dtype.Int64, dtype.BFloat16, dtype.BFloat16},
		{dtype.Float16, dtype.Float64, dtype.Float64},
		{dtype.Invalid, dtype.Float32, dtype.Invalid},
	}
	for _, c := range cases {
		if got := dtype.Promote(c.a, c.b); got != c.want {
			t.Errorf("Promote(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := dtype.Promote(c.b, c.a); got != c.want {
			t.Errorf("Promote(%v, %v) = %v, want %v (not symmetric)", c.b, c.a, got, c.want)
		}
	}
	if dtype.PromoteAll(dtype.Bool, dtype.Int32, dtype.Float16) != dtype.Float16 {
		t.Error("PromoteAll")
	}
}

func TestNamesAndSizes(t *testing.T) {
	for _, d := range dtype.All {
		p, err := dtype.Parse(d.String())
		if err != nil || p != d || d.Size() == 0 {
			t.Errorf("%v: parse %v %v, size %d", d, p, err, d.Size())
		}
	}
	if _, err := dtype.Parse("complex64"); err == nil || err.Error() != `dtype: unknown element type "complex64"` {
		t.Errorf("got %v", err)
	}
	if dtype.Of[dtype.BF16]() != dtype.BFloat16 || dtype.Of[int32]() != dtype.Int32 {
		t.Error("Of")
	}
}
