package tensor_test

import (
	"math"
	"testing"
	"unsafe"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// first returns the address of t's first element.
func first(t *tensor.Tensor) unsafe.Pointer {
	return unsafe.Pointer(unsafe.SliceData(tensor.Data[float32](t)))
}

// withPool runs f with the pool configured as c, restoring the configuration after.
func withPool(t *testing.T, c tensor.PoolConfig, f func()) {
	t.Helper()
	old := tensor.SetPoolConfig(c)
	defer tensor.SetPoolConfig(old)
	f()
}

func TestPoolReusesReleasedMemory(t *testing.T) {
	withPool(t, tensor.PoolConfig{MinBytes: 1024, MaxBytes: 1 << 20}, func() {
		s := shape.Shape{64, 64} // 16 KiB
		a := tensor.NewUninit(dtype.Float32, s)
		for i := range tensor.Data[float32](a) {
			tensor.Data[float32](a)[i] = 7
		}
		p := first(a)
		before := tensor.ReadPoolStats()
		a.Release()
		b := tensor.NewUninit(dtype.Float32, s)
		if first(b) != p {
			t.Fatal("NewUninit after Release did not reuse the released memory")
		}
		if got := tensor.ReadPoolStats(); got.Hits != before.Hits+1 || got.Released != before.Released+1 {
			t.Errorf("stats went from %+v to %+v, want one more release and one more hit", before, got)
		}
		// New reuses it too, zero-filled.
		b.Release()
		c := tensor.New(dtype.Float32, s)
		if first(c) != p {
			t.Fatal("New after Release did not reuse the released memory")
		}
		for i, v := range tensor.Data[float32](c) {
			if v != 0 {
				t.Fatalf("New from the pool: element %d is %v, want 0", i, v)
			}
		}
		// Another size or dtype does not get it.
		c.Release()
		if d := tensor.New(dtype.Float32, shape.Shape{64, 63}); first(d) == p {
			t.Error("a tensor of another size got the released memory")
		}
		if e := tensor.New(dtype.Int32, s); unsafe.Pointer(unsafe.SliceData(tensor.Data[int32](e))) == p {
			t.Error("a tensor of another dtype got the released memory")
		}
		// Small tensors are left to the Go allocator.
		small := tensor.New(dtype.Float32, shape.Shape{16})
		ps := first(small)
		small.Release()
		if q := tensor.New(dtype.Float32, shape.Shape{16}); first(q) == ps {
			t.Error("a tensor below MinBytes was pooled")
		}
	})
}

func TestPoolViewsKeepMemory(t *testing.T) {
	withPool(t, tensor.PoolConfig{MinBytes: 1024, MaxBytes: 1 << 20}, func() {
		a := tensor.New(dtype.Float32, shape.Shape{32, 32})
		p := first(a)
		r, d, f := a.Reshape(1024), a.Detach(), a.Flat(0, 10)
		a.Release()
		r.Release()
		d.Release()
		if x := tensor.NewUninit(dtype.Float32, shape.Shape{32, 32}); first(x) == p {
			t.Fatal("memory returned to the pool while a view (Flat) still used it")
		}
		f.Release()
		if x := tensor.NewUninit(dtype.Float32, shape.Shape{32, 32}); first(x) != p {
			t.Fatal("memory not returned once the tensor and all its views were released")
		}
	})
}

func TestPoolBoundAndPoison(t *testing.T) {
	withPool(t, tensor.PoolConfig{MinBytes: 1024, MaxBytes: 8 << 10, Poison: true}, func() {
		s := shape.Shape{1024} // 4 KiB
		a, b, c := tensor.New(dtype.Float32, s), tensor.New(dtype.Float32, s), tensor.New(dtype.Float32, s)
		before := tensor.ReadPoolStats()
		a.Release()
		b.Release()
		c.Release() // beyond 8 KiB: dropped
		got := tensor.ReadPoolStats()
		if got.Dropped != before.Dropped+1 || got.Retained != before.Retained+8<<10 {
			t.Errorf("stats went from %+v to %+v, want 8 KiB retained and one buffer dropped", before, got)
		}
		u := tensor.NewUninit(dtype.Float32, s)
		for i, v := range tensor.Data[float32](u) {
			if v < 1e38 {
				t.Fatalf("poisoned NewUninit: element %d is %v", i, v)
			}
		}
		h := tensor.NewUninit(dtype.Float16, shape.Shape{4})
		if v := tensor.ToSlice[dtype.F16](h)[0].Float32(); !math.IsNaN(float64(v)) {
			t.Errorf("poisoned float16 element is %v, want NaN", v)
		}
		if bs := tensor.NewUninit(dtype.Bool, shape.Shape{3}).Bools(); !bs[0] || !bs[2] {
			t.Errorf("poisoned bools %v, want true", bs)
		}
		// Lowering the bound frees what is retained beyond it.
		tensor.SetPoolConfig(tensor.PoolConfig{MinBytes: 1024, MaxBytes: 0})
		if r := tensor.ReadPoolStats().Retained; r != 0 {
			t.Errorf("%d bytes retained with MaxBytes 0", r)
		}
	})
}

func TestReleaseErrors(t *testing.T) {
	a := tensor.FromSlice([]float32{1, 2, 3}, 3)
	a.Release()
	if !a.Released() || a.String() != "Tensor(float32, [3], released)" {
		t.Errorf("released tensor prints %q", a.String())
	}
	mustPanic(t, "tensor.Data: float32[3] tensor was released", func() { tensor.Data[float32](a) })
	mustPanic(t, "tensor.At: float32[3] tensor was released", func() { a.At(0) })
	mustPanic(t, "tensor.Reshape: float32[3] tensor was released", func() { a.Reshape(1, 3) })
	mustPanic(t, "tensor.Detach: float32[3] tensor was released", func() { a.Detach() })
	mustPanic(t, "already released", a.Release)
	v := tensor.FromSlice([]float32{1}, 1)
	v.SetMutable()
	mustPanic(t, "variable's storage", v.Release)
	mustPanic(t, "invalid dtype", func() { tensor.NewUninit(dtype.Invalid, nil) })
	mustPanic(t, "negative bound", func() { tensor.SetPoolConfig(tensor.PoolConfig{MaxBytes: -1}) })
}
