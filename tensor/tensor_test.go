package tensor_test

import (
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	err := core.Catch(f)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("want a *core.Error containing %q, got %v", want, err)
	}
}

func TestCreation(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, -1)
	if x.Shape().String() != "[2 3]" || x.At(1, -1) != 6 || x.DType() != dtype.Float32 {
		t.Fatalf("FromSlice: %v %v", x.Shape(), x)
	}
	if got := tensor.Arange(dtype.Int64, 2, 11, 3).Int64s(); len(got) != 3 || got[2] != 8 {
		t.Errorf("Arange: %v", got)
	}
	if got := tensor.Arange(dtype.Float64, 1, 0, -0.25).Float64s(); len(got) != 4 || got[3] != 0.25 {
		t.Errorf("Arange negative step: %v", got)
	}
	if got := tensor.Linspace(dtype.Float64, 0, 1, 5).Float64s(); got[1] != 0.25 || got[4] != 1 {
		t.Errorf("Linspace: %v", got)
	}
	if e := tensor.Eye(dtype.Int32, 3); e.At(1, 1) != 1 || e.At(0, 1) != 0 || e.Size() != 9 {
		t.Errorf("Eye: %v", e)
	}
	if f := tensor.Full(dtype.BFloat16, 1.5, 2); f.At(1) != 1.5 || f.DType() != dtype.BFloat16 {
		t.Errorf("Full: %v", f)
	}
	if s := tensor.Scalar(int8(-3)); s.Rank() != 0 || s.Item() != -3 {
		t.Errorf("Scalar: %v", s)
	}
	m := tensor.FromRows([][]int64{{1, 2}, {3, 4}})
	if tensor.Get[int64](m, 1, 0) != 3 {
		t.Errorf("FromRows: %v", m)
	}
}

func TestCreationErrors(t *testing.T) {
	mustPanic(t, "tensor.FromSlice: shape [4 2] has 8 elements, want 6", func() { tensor.FromSlice(make([]float32, 6), 4, 2) })
	mustPanic(t, "can only infer one dimension", func() { tensor.FromSlice(make([]float32, 6), -1, -1) })
	mustPanic(t, "row 1 has 1 elements, row 0 has 2", func() { tensor.FromRows([][]float32{{1, 2}, {3}}) })
	mustPanic(t, "dimension 1 is -3", func() { tensor.Zeros(dtype.Float32, 2, -3) })
	mustPanic(t, "step must be non-zero", func() { tensor.Arange(dtype.Float32, 0, 1, 0) })
	x := tensor.Zeros(dtype.Float32, 2, 3)
	mustPanic(t, "index 2 out of range for dimension 0 of size 2", func() { x.At(2, 0) })
	mustPanic(t, "got 1 indices for a tensor of shape [2 3]", func() { x.At(0) })
	mustPanic(t, "tensor is float32, not float64", func() { tensor.Data[float64](x) })
	mustPanic(t, "has 6 elements, want 1", func() { x.Item() })
	mustPanic(t, "cannot infer -1 in [-1 4] for 6 elements", func() { x.Reshape(-1, 4) })
}

func TestReshapeSharesData(t *testing.T) {
	x := tensor.FromSlice([]int32{1, 2, 3, 4, 5, 6})
	y := x.Reshape(3, -1)
	y.Set(10, 0, 1)
	if x.At(1) != 10 || y.Shape().String() != "[3 2]" {
		t.Fatalf("reshape: %v %v", x, y)
	}
	c := x.Clone()
	c.Set(0, 0)
	if x.At(0) != 1 {
		t.Fatal("Clone shares data")
	}
}

func TestConvertRules(t *testing.T) {
	src := tensor.FromSlice([]float64{-1.9, 2.7, 300, -300, math.NaN(), math.Inf(1), 0.5})
	cases := []struct {
		dt   dtype.DType
		want []float64
	}{
		{dtype.Int8, []float64{-1, 2, 127, -128, 0, 127, 0}},
		{dtype.Uint8, []float64{0, 2, 255, 0, 0, 255, 0}},
		{dtype.Int32, []float64{-1, 2, 300, -300, 0, math.MaxInt32, 0}},
		{dtype.Bool, []float64{1, 1, 1, 1, 1, 1, 1}},
	}
	for _, c := range cases {
		dst := tensor.New(c.dt, src.Shape())
		tensor.Convert(dst, src)
		if got := dst.Float64s(); !equalFloats(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.dt, got, c.want)
		}
	}
	// Integer narrowing wraps, as C and NumPy.
	dst := tensor.New(dtype.Uint8, []int{2})
	tensor.Convert(dst, tensor.FromSlice([]int64{300, -1}))
	if got := dst.Int64s(); got[0] != 44 || got[1] != 255 {
		t.Errorf("wrap: %v", got)
	}
	// int64 beyond 2^53 survives integer paths exactly.
	big := tensor.FromSlice([]int64{1<<62 + 1})
	if got := big.Int64s()[0]; got != 1<<62+1 {
		t.Errorf("int64 precision lost: %d", got)
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAllClose(t *testing.T) {
	a := tensor.FromSlice([]float64{1, 2, 3})
	if !tensor.AllClose(a, tensor.FromSlice([]float32{1, 2, 3.000001}), 1e-5, 0) {
		t.Error("close values not close")
	}
	if tensor.AllClose(a, tensor.FromSlice([]float64{1, 2, 3.1}), 1e-5, 1e-5) {
		t.Error("far values close")
	}
	if !tensor.AllClose(tensor.FromSlice([]float64{2, 2}, 2, 1), tensor.Scalar(2.0), 0, 0) {
		t.Error("broadcast comparison failed")
	}
	if tensor.AllClose(tensor.FromSlice([]float64{math.NaN()}), tensor.FromSlice([]float64{math.NaN()}), 1, 1) {
		t.Error("NaN is close to NaN")
	}
	if d, i := tensor.MaxDiff(a, tensor.FromSlice([]float64{1, 2.5, 3})); d != 0.5 || i != 1 {
		t.Errorf("MaxDiff = %v at %d", d, i)
	}
}

func TestRandomIsReproducible(t *testing.T) {
	for _, dist := range []tensor.Distribution{tensor.Uniform, tensor.Normal, tensor.Truncated} {
		for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64, dtype.BFloat16} {
			a := tensor.Random(dt, dist, 42, 100, 7)
			b := tensor.Random(dt, dist, 42, 100, 7)
			c := tensor.Random(dt, dist, 43, 100, 7)
			if !tensor.Equal(a, b) || tensor.Equal(a, c) {
				t.Errorf("%v %v: same seed differs or different seeds agree", dist, dt)
			}
			// A prefix of a longer tensor is the shorter tensor: element i depends on (seed, i) only.
			long := tensor.Random(dt, dist, 42, 1000).Float64s()
			if !equalFloats(long[:700], a.Float64s()) {
				t.Errorf("%v %v: element values depend on the tensor's size", dist, dt)
			}
		}
	}
	// Independent of GOMAXPROCS and of concurrent generation.
	prev := runtime.GOMAXPROCS(1)
	want := tensor.RandomNormal(7, 1000)
	runtime.GOMAXPROCS(prev)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !tensor.Equal(tensor.RandomNormal(7, 1000), want) {
				t.Error("concurrent generation differs")
			}
		}()
	}
	wg.Wait()
}

func TestRandomDistributions(t *testing.T) {
	n := 200000
	moments := func(v []float64) (mean, variance, lo, hi float64) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, x := range v {
			mean += x
			lo, hi = min(lo, x), max(hi, x)
		}
		mean /= float64(len(v))
		for _, x := range v {
			variance += (x - mean) * (x - mean)
		}
		return mean, variance / float64(len(v)), lo, hi
	}
	m, v, lo, hi := moments(tensor.RandomUniform(1, n).Float64s())
	if math.Abs(m-0.5) > 0.005 || math.Abs(v-1.0/12) > 0.002 || lo < 0 || hi >= 1 {
		t.Errorf("uniform: mean %v var %v range [%v, %v]", m, v, lo, hi)
	}
	m, v, _, _ = moments(tensor.Random(dtype.Float64, tensor.Normal, 2, n).Float64s())
	if math.Abs(m) > 0.01 || math.Abs(v-1) > 0.01 {
		t.Errorf("normal: mean %v var %v", m, v)
	}
	// The standard normal truncated to [-2, 2] has variance 0.7737.
	m, v, lo, hi = moments(tensor.TruncatedNormal(3, n).Float64s())
	if math.Abs(m) > 0.01 || math.Abs(v-0.7737) > 0.01 || lo < -2 || hi > 2 {
		t.Errorf("truncated: mean %v var %v range [%v, %v]", m, v, lo, hi)
	}
}
