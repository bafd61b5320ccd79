package ops_test

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// garbage returns a tensor of the given shape filled with NaN, so that an element an Into
// function failed to write shows.
func garbage(dims ...int) *tensor.Tensor {
	t := tensor.New(dtype.Float32, dims)
	for i := range tensor.Data[float32](t) {
		tensor.Data[float32](t)[i] = float32(math.NaN())
	}
	return t
}

func TestIntoMatchesOps(t *testing.T) {
	x := tensor.RandomUniform(1, 3, 5)
	y := tensor.RandomUniform(2, 5)                  // broadcast along rows
	pos := ops.Add(tensor.RandomUniform(3, 3, 5), x) // positive, for log and sqrt
	m := tensor.RandomNormal(4, 2, 5, 4)
	for _, c := range []struct {
		name string
		into func(dst *tensor.Tensor) *tensor.Tensor
		want *tensor.Tensor
	}{
		{"add", func(d *tensor.Tensor) *tensor.Tensor { return ops.AddInto(d, x, y) }, ops.Add(x, y)},
		{"sub", func(d *tensor.Tensor) *tensor.Tensor { return ops.SubInto(d, x, y) }, ops.Sub(x, y)},
		{"mul", func(d *tensor.Tensor) *tensor.Tensor { return ops.MulInto(d, x, y) }, ops.Mul(x, y)},
		{"div", func(d *tensor.Tensor) *tensor.Tensor { return ops.DivInto(d, x, y) }, ops.Div(x, y)},
		{"exp", func(d *tensor.Tensor) *tensor.Tensor { return ops.ExpInto(d, x) }, ops.Exp(x)},
		{"log", func(d *tensor.Tensor) *tensor.Tensor { return ops.LogInto(d, pos) }, ops.Log(pos)},
		{"tanh", func(d *tensor.Tensor) *tensor.Tensor { return ops.TanhInto(d, x) }, ops.Tanh(x)},
		{"sigmoid", func(d *tensor.Tensor) *tensor.Tensor { return ops.SigmoidInto(d, x) }, ops.Sigmoid(x)},
		{"sqrt", func(d *tensor.Tensor) *tensor.Tensor { return ops.SqrtInto(d, pos) }, ops.Sqrt(pos)},
		{"relu", func(d *tensor.Tensor) *tensor.Tensor { return ops.ReluInto(d, ops.Sub(x, y)) }, ops.Relu(ops.Sub(x, y))},
		{"matmul", func(d *tensor.Tensor) *tensor.Tensor { return ops.MatMulInto(d, x, m) }, ops.MatMul(x, m)},
	} {
		dst := garbage(c.want.Shape()...)
		if got := c.into(dst); got != dst || !tensor.AllClose(dst, c.want, 0, 0) {
			t.Errorf("%s: got %v, want %v", c.name, dst, c.want)
		}
	}
}

// An elementwise Into may write over an input of the output's shape.
func TestIntoInPlace(t *testing.T) {
	x := tensor.RandomUniform(5, 4, 6)
	y := tensor.RandomUniform(6, 6)
	want := ops.Exp(ops.Add(x, y))
	ops.AddInto(x, x, y)
	ops.ExpInto(x, x)
	if !tensor.AllClose(x, want, 0, 0) {
		t.Errorf("in place: got %v, want %v", x, want)
	}
}

func TestIntoErrors(t *testing.T) {
	x := tensor.RandomUniform(7, 3, 4)
	sq := tensor.RandomUniform(8, 4, 4)
	tracked := autodiff.Watch(x)
	v := autodiff.NewVariable("v", x)
	row := tensor.RandomUniform(9, 1, 4)
	for want, fn := range map[string]func(){
		"add: output 0 is float32[3 5], the op computes float32[3 4]": func() { ops.AddInto(garbage(3, 5), x, x) },
		"add: output 0 is float64[3 4], the op computes float32[3 4]": func() { ops.AddInto(tensor.New(dtype.Float64, []int{3, 4}), x, x) },
		"exp: input 0 is tracked for gradients":                       func() { ops.ExpInto(garbage(3, 4), tracked) },
		"add: output 0 is a variable's storage":                       func() { ops.AddInto(v.Storage(), x, x) },
		"matmul: output 0 overlaps input 0":                           func() { ops.MatMulInto(sq, sq, sq) },
		"matmul: MatMulInto needs operands of rank >= 2":              func() { ops.MatMulInto(garbage(3), x, tensor.RandomUniform(1, 4)) },
		// A broadcast input read after its storage was written: refused.
		"add: output 0 overlaps input 1": func() {
			big := tensor.New(dtype.Float32, []int{4, 4})
			ops.AddInto(big, sq, big.Flat(0, 4).Reshape(1, 4))
		},
		"add: output 0 overlaps input 0": func() { ops.AddInto(row, row.Reshape(4), row) },
	} {
		err := core.Catch(fn)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got error %v, want one containing %q", err, want)
		}
	}
}

// Writing into a given output allocates no buffer: only a few small headers per call, whatever
// the size.
func TestIntoAllocatesNoBuffer(t *testing.T) {
	const n = 1 << 20
	x, y := tensor.RandomUniform(10, n), tensor.RandomUniform(11, n)
	dst := tensor.New(dtype.Float32, []int{n})
	ops.AddInto(dst, x, y)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const calls = 20
	for range calls {
		ops.AddInto(dst, x, y)
	}
	runtime.ReadMemStats(&after)
	if perCall := (after.TotalAlloc - before.TotalAlloc) / calls; perCall > 1024 {
		t.Errorf("AddInto on %d elements allocates %d bytes per call, want only headers (< 1 KiB)", n, perCall)
	}
}
