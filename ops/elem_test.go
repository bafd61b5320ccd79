package ops_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestElemErrors checks that the elementwise ops' caller mistakes panic with a *core.Error
// naming the op, what was wrong and the caller's line.
func TestElemErrors(t *testing.T) {
	f32 := tensor.Zeros(dtype.Float32, 2, 3)
	b := tensor.FromSlice([]bool{true, false})
	i32 := func(v ...int32) *tensor.Tensor { return tensor.FromSlice(v) }
	apply := func(name string, p any, in ...*tensor.Tensor) func() {
		return func() { core.Apply(core.Lookup(name), p, in...) }
	}
	cases := map[string]func(){
		"minimum: shapes [2 3] and [4] cannot be broadcast": func() { ops.Minimum(f32, tensor.Zeros(dtype.Float32, 4)) },
		"atan2: shapes [2 3] and [2] cannot be broadcast":   func() { ops.Atan2(f32, tensor.Zeros(dtype.Float64, 2)) },
		"clip: shapes [2 3] and [2] and [] cannot be broadcast": func() {
			ops.Clip(f32, tensor.Zeros(dtype.Float32, 2), tensor.Scalar(float32(1)))
		},
		"clip: input is bool, want a number":                                         func() { ops.ClipScalar(b, 0, 1) },
		"clip: got 2 inputs, want 3":                                                 apply("clip", ops.ClipParams{HasMin: true, HasMax: true}, f32, f32),
		"floor_div: integer division by zero":                                        func() { ops.FloorDiv(i32(1, 2), i32(1, 0)) },
		"mod: integer modulo by zero":                                                func() { ops.Mod(i32(1, 2), i32(0)) },
		"mod: integer modulo by zero (at":                                            func() { ops.Fmod(tensor.FromSlice([]uint8{1}), tensor.FromSlice([]uint8{0})) },
		"softplus: beta is 0, want a finite non-zero number":                         func() { ops.SoftplusBeta(f32, 0, 20) },
		"softplus: beta is +Inf, want a finite non-zero number":                      func() { ops.SoftplusBeta(f32, math.Inf(1), 20) },
		"softplus: threshold is NaN":                                                 func() { ops.SoftplusBeta(f32, 1, math.NaN()) },
		`gelu: approximate is "erf", want "none" or "tanh"`:                          func() { ops.Gelu(f32, "erf") },
		"bitwise: input is float32[2 3], want an integer or bool":                    func() { ops.BitwiseAnd(f32, f32) },
		"bitwise: input is bool[2], want an integer":                                 func() { ops.BitwiseLeftShift(b, b) },
		"bitwise: shapes [2] and [3] cannot be broadcast":                            func() { ops.BitwiseXor(i32(1, 2), i32(1, 2, 3)) },
		`bitwise: unknown bitwise op "nand"`:                                         apply("bitwise", ops.BitwiseParams{Kind: "nand"}, i32(1), i32(1)),
		"bitwise_not: input is float32[2 3], want an integer or bool":                func() { ops.BitwiseNot(f32) },
		`logical: unknown logical op "nor"`:                                          apply("logical", ops.LogicalParams{Kind: "nor"}, b, b),
		"logical: input is float32[2 3], want bool":                                  apply("logical", ops.LogicalParams{Kind: "and"}, f32, f32),
		"logical: shapes [2] and [2 3] cannot be broadcast":                          func() { ops.LogicalOr(b, f32) },
		"logical_not: input is int32[1], want bool":                                  apply("logical_not", ops.None{}, i32(1)),
		"abs: no kernel for dtype bool":                                              func() { ops.Abs(b) },
		"floor: no kernel for dtype bool":                                            func() { ops.Floor(b) },
		"sign: no kernel for dtype bool":                                             func() { ops.Sign(b) },
		"isinf: got 2 inputs, want 1":                                                apply("isinf", ops.IsInfParams{}, f32, f32),
		"mod: params are ops.None, want ops.ModParams":                               apply("mod", ops.None{}, f32, f32),
		"minimum: dtypes differ: float32[2 3] and int32[2]":                          apply("minimum", ops.None{}, f32, i32(1, 2)),
		"floor_div: shapes [2 3] and [2] cannot be broadcast":                        func() { ops.FloorDiv(f32, i32(1, 2)) },
		"softplus: beta is NaN, want a finite non-zero number (at ops/elem_test.go:": func() { ops.SoftplusBeta(i32(1), math.NaN(), 1) },
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
			continue
		}
		if !strings.Contains(err.Error(), "elem_test.go:") {
			t.Errorf("error does not name the caller's line: %v", err)
		}
	}
}

// elemWant checks got's dtype, shape and values (NaN equal to NaN, the sign of zero ignored).
func elemWant(t *testing.T, what string, got *tensor.Tensor, dt dtype.DType, dims []int, want ...float64) {
	t.Helper()
	if got.DType() != dt || !slices.Equal([]int(got.Shape()), dims) {
		t.Errorf("%s: got %s%v, want %s%v", what, got.DType(), got.Shape(), dt, dims)
		return
	}
	for i, g := range got.Float64s() {
		if w := want[i]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("%s[%d] = %v, want %v (all: %v)", what, i, g, w, got)
			return
		}
	}
}

// elemWantInts is elemWant for integer results, compared exactly as int64.
func elemWantInts(t *testing.T, what string, got *tensor.Tensor, dt dtype.DType, want ...int64) {
	t.Helper()
	if got.DType() != dt || !slices.Equal(got.Int64s(), want) {
		t.Errorf("%s = %s %v, want %s %v", what, got.DType(), got.Int64s(), dt, want)
	}
}

// TestElemIntegerEdges documents the integer behaviour: two's-complement wrap-around, the sign
// conventions of floor division and modulo, and shift counts outside the width.
func TestElemIntegerEdges(t *testing.T) {
	i8 := func(v ...int8) *tensor.Tensor { return tensor.FromSlice(v) }
	i64 := func(v ...int64) *tensor.Tensor { return tensor.FromSlice(v) }
	u8 := func(v ...uint8) *tensor.Tensor { return tensor.FromSlice(v) }
	i32 := func(v ...int32) *tensor.Tensor { return tensor.FromSlice(v) }
	const minI64, maxI64 = math.MinInt64, math.MaxInt64

	elemWantInts(t, "abs int8", ops.Abs(i8(-128, -127, 5)), dtype.Int8, -128, 127, 5)
	elemWantInts(t, "abs int64", ops.Abs(i64(minI64, -1)), dtype.Int64, minI64, 1)
	elemWantInts(t, "abs uint8", ops.Abs(u8(0, 200)), dtype.Uint8, 0, 200)
	elemWantInts(t, "sign uint8", ops.Sign(u8(0, 200)), dtype.Uint8, 0, 1)
	elemWantInts(t, "sign int64", ops.Sign(i64(minI64, 0, maxI64)), dtype.Int64, -1, 0, 1)
	elemWantInts(t, "floor int64", ops.Floor(i64(minI64, maxI64)), dtype.Int64, minI64, maxI64)

	elemWantInts(t, "floor_div int8", ops.FloorDiv(i8(-128, -7, 7, -7), i8(-1, 2, -2, -2)), dtype.Int8, -128, -4, -4, 3)
	elemWantInts(t, "floor_div int64", ops.FloorDiv(i64(minI64), i64(-1)), dtype.Int64, minI64)
	elemWantInts(t, "mod int64 min by -1", ops.Mod(i64(minI64, minI64), i64(-1, 3)), dtype.Int64, 0, 1)
	elemWantInts(t, "fmod int64 min by -1", ops.Fmod(i64(minI64, minI64), i64(-1, 3)), dtype.Int64, 0, -2)
	elemWantInts(t, "mod uint8", ops.Mod(u8(200, 7), u8(7, 200)), dtype.Uint8, 4, 7)
	elemWantInts(t, "minimum int64", ops.Minimum(i64(minI64, 3), i64(0)), dtype.Int64, minI64, 0)

	// Shifts beyond the width shift every bit out.
	elemWantInts(t, "left shift int64", ops.BitwiseLeftShift(i64(-5, 5, 1, 3), i64(64, 63, 100, -1)), dtype.Int64, 0, minI64, 0, 0)
	elemWantInts(t, "left shift int32", ops.BitwiseLeftShift(i32(1, 1, 3), i32(31, 32, 30)), dtype.Int32, math.MinInt32, 0, -1<<30)
	elemWantInts(t, "right shift int64", ops.BitwiseRightShift(i64(-5, 5, minI64, -1), i64(64, 64, 63, -3)), dtype.Int64, -1, 0, -1, -1)
	elemWantInts(t, "right shift uint8", ops.BitwiseRightShift(u8(255, 255, 255), u8(7, 8, 200)), dtype.Uint8, 1, 0, 0)
	elemWantInts(t, "left shift uint8 wraps", ops.BitwiseLeftShift(u8(255, 3), u8(4, 7)), dtype.Uint8, 240, 128)
	elemWantInts(t, "bitwise_not int64", ops.BitwiseNot(i64(0, minI64)), dtype.Int64, -1, maxI64)

	// Clip with infinite scalar bounds on integers means no bound (not a saturated one).
	elemWantInts(t, "clip_scalar int64", ops.ClipScalar(i64(minI64, 0, maxI64), math.Inf(-1), 5), dtype.Int64, minI64, 0, 5)
	elemWantInts(t, "clip_scalar crossed", ops.ClipScalar(i8(-5, 0, 5), 2, -2), dtype.Int8, -2, -2, -2)
	elemWantInts(t, "clip int32 tensor", ops.Clip(i32(-5, 0, 5), i32(-1, 1, -1), nil), dtype.Int32, -1, 1, 5)
}

// TestElemFloatEdges covers NaN, infinities, signed zeros and the stability of sigmoid,
// softplus and friends at extremes.
func TestElemFloatEdges(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	f64 := func(v ...float64) *tensor.Tensor { return tensor.FromSlice(v) }
	f32 := func(v ...float64) *tensor.Tensor { return ops.Cast(tensor.FromSlice(v), dtype.Float32) }
	d := []int{4}

	elemWant(t, "sign", ops.Sign(f64(nan, -0.0, -3, inf)), dtype.Float64, d, nan, 0, -1, 1)
	elemWant(t, "round", ops.Round(f64(0.5, 1.5, 2.5, -2.5)), dtype.Float64, d, 0, 2, 2, -2)
	elemWant(t, "trunc", ops.Trunc(f64(-2.7, 2.7, inf, nan)), dtype.Float64, d, -2, 2, inf, nan)
	elemWant(t, "sigmoid", ops.Sigmoid(f64(-800, 800, 0, nan)), dtype.Float64, d, 0, 1, 0.5, nan)
	elemWant(t, "sigmoid float32", ops.Sigmoid(f32(-120, 120, -inf, inf)), dtype.Float32, d, 0, 1, 0, 1)
	elemWant(t, "softplus", ops.Softplus(f64(-800, 800, -inf, inf)), dtype.Float64, d, 0, 800, 0, inf)
	elemWant(t, "softplus float32", ops.SoftplusBeta(f32(-100, 100, 0, nan), 2, inf), dtype.Float32, d,
		0, 100, float64(float32(math.Ln2/2)), nan)
	elemWant(t, "silu", ops.Silu(f64(-800, 800, 0, nan)), dtype.Float64, d, 0, 800, 0, nan)
	elemWant(t, "mish", ops.Mish(f32(-1000, 100, 0, nan)), dtype.Float32, d, 0, 100, 0, nan)
	elemWant(t, "elu", ops.Elu(f64(-inf, 1000, 0, nan), 2), dtype.Float64, d, -2, 1000, 0, nan)
	elemWant(t, "relu6", ops.Relu6(f64(nan, -1, 7, 3)), dtype.Float64, d, nan, 0, 6, 3)
	elemWant(t, "hard_sigmoid onnx", ops.HardSigmoid(f64(-3, 3, 0, nan), 0.2, 0.5), dtype.Float64, d, 0, 1, 0.5, nan)
	elemWant(t, "is_inf +", ops.IsInf(f64(inf, -inf, nan, 1), 1), dtype.Bool, d, 1, 0, 0, 0)
	elemWant(t, "is_inf -", ops.IsInf(f64(inf, -inf, nan, 1), -1), dtype.Bool, d, 0, 1, 0, 0)
	elemWant(t, "is_inf both", ops.IsInf(f64(inf, -inf, nan, 1), 0), dtype.Bool, d, 1, 1, 0, 0)
	elemWant(t, "is_nan", ops.IsNaN(f64(inf, -inf, nan, 1)), dtype.Bool, d, 0, 0, 1, 0)
	elemWant(t, "clip nan", ops.Clip(f64(nan, 1, 1, 5), f64(0, nan, 0, 0), f64(2, 2, nan, 2)), dtype.Float64, d, nan, nan, nan, 2)
	elemWant(t, "floor_div", ops.FloorDiv(f64(5, -5, 0, 7), f64(0, 0, 0, -2)), dtype.Float64, d, inf, -inf, nan, -4)
	elemWant(t, "mod", ops.Mod(f64(5, -5, inf, 7), f64(0, 3, 2, -2)), dtype.Float64, d, nan, 1, nan, -1)
	elemWant(t, "fmod", ops.Fmod(f64(5, -5, 3, 7), f64(0, 3, inf, -2)), dtype.Float64, d, nan, -2, 3, 1)
	elemWant(t, "atan2", ops.Atan2(f64(1, -1, 0, 1), f64(0, 0, -1, inf)), dtype.Float64, d, math.Pi/2, -math.Pi/2, math.Pi, 0)

	g1, g2 := ops.Gelu(f64(-1, 0, 1, 2), ""), ops.Gelu(f64(-1, 0, 1, 2), "none")
	if !tensor.Equal(g1, g2) {
		t.Errorf(`Gelu "" = %v, "none" = %v`, g1, g2)
	}
}

// TestElemDTypes checks result dtypes: integer inputs of real functions become float32, ops
// that make sense on integers keep them, mixed inputs promote, predicates give bool.
func TestElemDTypes(t *testing.T) {
	i32 := tensor.FromSlice([]int32{1, 2})
	f64 := tensor.FromSlice([]float64{1, 2})
	u8 := tensor.FromSlice([]uint8{1, 2})
	for what, c := range map[string]struct {
		got  *tensor.Tensor
		want dtype.DType
	}{
		"sin(int32)":              {ops.Sin(i32), dtype.Float32},
		"sigmoid(uint8)":          {ops.Sigmoid(u8), dtype.Float32},
		"gelu(int32)":             {ops.Gelu(i32, "tanh"), dtype.Float32},
		"reciprocal(int32)":       {ops.Reciprocal(i32), dtype.Float32},
		"atan2(int32, int32)":     {ops.Atan2(i32, i32), dtype.Float32},
		"abs(int32)":              {ops.Abs(i32), dtype.Int32},
		"round(uint8)":            {ops.Round(u8), dtype.Uint8},
		"relu6(int32)":            {ops.Relu6(i32), dtype.Int32},
		"floor_div(int32, f64)":   {ops.FloorDiv(i32, f64), dtype.Float64},
		"mod(uint8, int32)":       {ops.Mod(u8, i32), dtype.Int32},
		"minimum(uint8, f64)":     {ops.Minimum(u8, f64), dtype.Float64},
		"clip(int32, f64, nil)":   {ops.Clip(i32, f64, nil), dtype.Float64},
		"clip_scalar(uint8)":      {ops.ClipScalar(u8, 0, 1.5), dtype.Uint8},
		"bitwise_and(uint8, i32)": {ops.BitwiseAnd(u8, i32), dtype.Int32},
		"logical_and(f64, i32)":   {ops.LogicalAnd(f64, i32), dtype.Bool},
		"is_nan(int32)":           {ops.IsNaN(i32), dtype.Bool},
		"squared_difference(i32)": {ops.SquaredDifference(i32, i32), dtype.Int32},
	} {
		if c.got.DType() != c.want {
			t.Errorf("%s is %s, want %s", what, c.got.DType(), c.want)
		}
	}
	if x := tensor.FromSlice([]float32{1, 2}); ops.Clip(x, nil, nil) != x {
		t.Error("Clip without bounds does not return x")
	}
}

// TestElemShapes covers empty tensors, size-1 broadcasting and scalars.
func TestElemShapes(t *testing.T) {
	empty := tensor.Zeros(dtype.Float32, 0, 3)
	for what, y := range map[string]*tensor.Tensor{
		"sin":      ops.Sin(empty),
		"minimum":  ops.Minimum(empty, tensor.Zeros(dtype.Float32, 1, 3)),
		"mod":      ops.Mod(empty, tensor.Scalar(float32(2))),
		"clip":     ops.Clip(empty, tensor.Zeros(dtype.Float32, 3), nil),
		"is_inf":   ops.IsInf(empty, 0),
		"gelu":     ops.Gelu(empty, "tanh"),
		"bitwise":  ops.BitwiseOr(tensor.Zeros(dtype.Int32, 0, 3), tensor.Zeros(dtype.Int32, 3)),
		"floordiv": ops.FloorDiv(tensor.Zeros(dtype.Int32, 0, 3), tensor.Zeros(dtype.Int32, 1)), // no element divides
	} {
		if !slices.Equal([]int(y.Shape()), []int{0, 3}) {
			t.Errorf("%s of [0 3]: shape %v", what, y.Shape())
		}
	}
	y := ops.Atan2(tensor.Ones(dtype.Float64, 3, 1), tensor.Ones(dtype.Float64, 1, 4))
	elemWant(t, "atan2 outer", y, dtype.Float64, []int{3, 4}, slices.Repeat([]float64{math.Pi / 4}, 12)...)
	y = ops.Clip(tensor.Scalar(5.0), tensor.Zeros(dtype.Float64, 2, 1), tensor.FromSlice([]float64{1, 2, 3}))
	elemWant(t, "clip scalar x", y, dtype.Float64, []int{2, 3}, 1, 2, 3, 1, 2, 3)
}

// TestElemGradients checks gradient decisions: piecewise-constant ops give zero gradients but
// keep the result tracked; predicates and logical ops are not tracked; discarded branches of
// composites do not leak NaN.
func TestElemGradients(t *testing.T) {
	w := autodiff.Watch(tensor.FromSlice([]float64{-1.5, 0.2, 2.7}))
	for name, f := range map[string]func(*tensor.Tensor) *tensor.Tensor{
		"floor": ops.Floor, "ceil": ops.Ceil, "round": ops.Round, "trunc": ops.Trunc, "sign": ops.Sign,
		"floor_div": func(x *tensor.Tensor) *tensor.Tensor { return ops.FloorDiv(x, tensor.Scalar(0.7)) },
	} {
		y := f(w)
		if !autodiff.IsTracked(y) {
			t.Errorf("%s: result not tracked", name)
			continue
		}
		elemWant(t, name+" gradient", autodiff.Grad(ops.Sum(y), w)[0], dtype.Float64, []int{3}, 0, 0, 0)
	}
	for name, y := range map[string]*tensor.Tensor{
		"is_nan": ops.IsNaN(w), "is_inf": ops.IsInf(w, 0), "logical_not": ops.LogicalNot(w),
		"logical_and": ops.LogicalAnd(w, w),
	} {
		if autodiff.IsTracked(y) {
			t.Errorf("%s: a bool result is tracked", name)
		}
	}
	big := autodiff.Watch(tensor.FromSlice([]float64{-2, 0, 1000}))
	for name, y := range map[string]*tensor.Tensor{
		"elu":      ops.Elu(big, 1),
		"selu":     ops.Selu(big),
		"softplus": ops.Softplus(ops.MulScalar(big, -1)),
		"mish":     ops.Mish(big),
		"silu":     ops.Silu(ops.MulScalar(big, -1)),
	} {
		for i, g := range autodiff.Grad(ops.Sum(y), big)[0].Float64s() {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				t.Errorf("%s: gradient[%d] is %v", name, i, g)
			}
		}
	}
	// The gradient of Elu at 0 is alpha; of LeakyRelu at 0 alpha; of Relu6 at 0 and 6 zero.
	z := autodiff.Watch(tensor.FromSlice([]float64{0, 6}))
	elemWant(t, "elu'(0)", autodiff.Grad(ops.Sum(ops.Elu(z, 2)), z)[0], dtype.Float64, []int{2}, 2, 1)
	elemWant(t, "leaky_relu'(0)", autodiff.Grad(ops.Sum(ops.LeakyRelu(z, 0.3)), z)[0], dtype.Float64, []int{2}, 0.3, 1)
	elemWant(t, "relu6'", autodiff.Grad(ops.Sum(ops.Relu6(z)), z)[0], dtype.Float64, []int{2}, 0, 0)
}

// elemKernelCase applies one of the family's ops to inputs of one dtype.
type elemKernelCase struct {
	name   string
	params any
	vals   [][]float64 // one list per input
}

// TestElemKernelDTypes runs every declared dtype of the family's primitives against the same
// op in float64 (or int64) on the same values: the reference kernels compute in float64/int64
// and round once, so the results must agree exactly after rounding. This covers float16 and
// bfloat16, which the PyTorch oracle does not.
func TestElemKernelDTypes(t *testing.T) {
	xs := []float64{-2.75, -1, -0.5, 0, 0.25, 0.5, 1.5, 3}
	unit := []float64{-0.875, -0.5, -0.25, 0, 0.125, 0.5, 0.75, 0.9375}
	ys := []float64{1.5, -2, 2.75, 3, -1.5, 2, -1.25, 4}
	cases := []elemKernelCase{
		{"softplus", ops.SoftplusParams{Beta: 2, Threshold: 3}, [][]float64{xs}},
		{"mod", ops.ModParams{}, [][]float64{xs, ys}}, {"mod", ops.ModParams{Fmod: true}, [][]float64{xs, ys}},
		{"minimum", ops.None{}, [][]float64{xs, ys}}, {"floor_div", ops.None{}, [][]float64{xs, ys}},
		{"atan2", ops.None{}, [][]float64{xs, ys}},
		{"clip", ops.ClipParams{HasMin: true, HasMax: true}, [][]float64{xs, {-1}, ys}},
		{"clip", ops.ClipParams{HasMax: true}, [][]float64{xs, ys}},
		{"isnan", ops.None{}, [][]float64{xs}}, {"isinf", ops.IsInfParams{DetectPositive: true}, [][]float64{xs}},
		{"bitwise", ops.BitwiseParams{Kind: "xor"}, [][]float64{{1, 2, 3, 100}, {7, 7, 1, 27}}},
		{"bitwise", ops.BitwiseParams{Kind: "right_shift"}, [][]float64{{1, 2, 100, 127}, {0, 1, 3, 9}}},
		{"bitwise_not", ops.None{}, [][]float64{{1, 2, 3, 100}}},
	}
	for _, name := range []string{"abs", "sign", "expm1", "log1p", "sin", "cos", "tan", "asin", "acos", "atan",
		"sinh", "cosh", "asinh", "acosh", "atanh", "erf", "sigmoid", "floor", "ceil", "round", "trunc"} {
		cases = append(cases, elemKernelCase{name, ops.None{}, [][]float64{unit}})
	}
	for _, c := range cases {
		op := core.Lookup(c.name)
		for _, dt := range op.DTypes() {
			wide := dtype.Float64
			if !dt.IsFloat() {
				wide = dtype.Int64
			}
			if dt == dtype.Bool {
				continue
			}
			in := make([]*tensor.Tensor, len(c.vals))
			inWide := make([]*tensor.Tensor, len(c.vals))
			for i, v := range c.vals {
				in[i] = tensor.FromSlice(v)
				if dt == dtype.Uint8 {
					in[i] = ops.Abs(in[i]) // no zero divisors from saturated negatives
				}
				in[i] = ops.Cast(in[i], dt)
				inWide[i] = ops.Cast(in[i], wide)
			}
			got := core.Apply1(op, c.params, in...)
			want := core.Apply1(op, c.params, inWide...)
			if want.DType() != dtype.Bool {
				want = ops.Cast(want, dt)
			}
			gv, wv := got.Float64s(), want.Float64s()
			for i := range gv {
				if gv[i] != wv[i] && !(math.IsNaN(gv[i]) && math.IsNaN(wv[i])) {
					t.Errorf("%s %v on %s: element %d is %v, in %s it rounds to %v", c.name, c.params, dt, i, gv[i], wide, wv[i])
				}
			}
		}
	}
}
