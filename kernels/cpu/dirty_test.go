package cpu_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/ops/conformance"
	"github.com/tideml/tide/tensor"
)

// dirtyOps are the ops whose selected kernels (the fast ones where registered, the reference
// elsewhere) write every element of their outputs, so that the graph executor can skip
// clearing a reused output buffer (core.Def.Overwrites). max_pool_grad and avg_pool_grad are
// not among them: their kernels add each window's gradient into a zero-filled output.
var dirtyOps = []string{"conv", "conv_transpose", "conv_filter_grad", "max_pool", "max_pool_gather", "avg_pool"}

// runOn runs kernel k of op on in into outputs that start as out (copied), returning them.
func runOn(op *core.Op, k core.Kernel, c conformance.Case, specs []core.Spec, fill byte) ([]*tensor.Tensor, error) {
	out := make([]*tensor.Tensor, len(specs))
	for i, s := range specs {
		b := bytes.Repeat([]byte{fill}, s.Shape.Size()*s.DType.Size())
		var err error
		if out[i], err = tensor.FromBytes(s.DType, s.Shape, b); err != nil {
			return nil, err
		}
	}
	return out, k(c.Params, c.Inputs, out)
}

// TestKernelsOnDirtyOutputs runs the selected kernel of every op in dirtyOps on every
// conformance case, and on convolutions whose windows lie wholly in the padding, twice: into
// zeroed outputs and into outputs of 0xFF bytes (NaN for floats, −1 for integers). A kernel
// that leaves elements for a zero fill, or adds into its output, gives different bytes. The
// convolutions run on each of their paths (rows, direct, im2col) and split across threads.
func TestKernelsOnDirtyOutputs(t *testing.T) {
	defer cpu.SetMinParFlops(cpu.SetMinParFlops(1))
	for _, path := range []struct {
		name        string
		direct, row bool
	}{{"rows", true, true}, {"direct", true, false}, {"im2col", false, false}} {
		oldD, oldR := cpu.SetDirectConv(path.direct), cpu.SetRowPath(path.row)
		for _, name := range dirtyOps {
			op := core.Lookup(name)
			for _, c := range append(conformance.Cases(op), paddedConvCases(name)...) {
				if !c.WantErr {
					checkDirty(t, path.name, op, c)
				}
			}
		}
		cpu.SetDirectConv(oldD)
		cpu.SetRowPath(oldR)
	}
}

func checkDirty(t *testing.T, path string, op *core.Op, c conformance.Case) {
	t.Helper()
	ks := op.Kernels(c.DType)
	k := ks[0]
	for _, ki := range ks {
		if ki.Priority > k.Priority {
			k = ki
		}
	}
	specs, err := op.Infer(c.Params, specsOf(c.Inputs))
	if err != nil {
		t.Fatalf("%s %s: %v", op.Name(), c.Name, err)
	}
	want, err1 := runOn(op, k.Run, c, specs, 0)
	got, err2 := runOn(op, k.Run, c, specs, 0xFF)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s %s: %v, %v", op.Name(), c.Name, err1, err2)
	}
	for i := range want {
		if !bytes.Equal(want[i].Bytes(), got[i].Bytes()) {
			t.Errorf("%s (%s kernel, %s path) %s %+v: output %d differs on a dirty buffer", op.Name(), k.Name, path, c.Name, c.Params, i)
			return
		}
	}
}

// paddedConvCases are channels-last 2D and 3D convolutions (and their transposes and filter
// gradients) whose padding is wider than the kernel, so that whole windows lie in it.
func paddedConvCases(name string) []conformance.Case {
	var out []conformance.Case
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		// Output rows 14 pixels wide (whole AVX-512 row panels), so that the row path runs.
		for _, pads := range [][][2]int{{{4, 4}, {0, 0}}, {{0, 0}, {5, 3}}, {{4, 3}, {0, 0}, {0, 0}}} {
			p := ops.ConvParams{Pads: pads, Layout: ops.ChannelsLast}
			xd, wd := []int{2, 3, 15, 5}, []int{3, 2, 5, 7}
			if len(pads) == 3 {
				xd, wd = []int{1, 2, 3, 15, 5}, []int{2, 3, 2, 5, 7}
			}
			x := tensor.Random(dtype.Float64, tensor.Normal, 1, xd...)
			w := tensor.Random(dtype.Float64, tensor.Normal, 2, wd...)
			x, w = ops.Cast(x, dt), ops.Cast(w, dt)
			y := ops.Conv(x, w, p)
			var c conformance.Case
			switch name {
			case "conv":
				c = conformance.Case{Params: p, Inputs: []*tensor.Tensor{x, w}}
			case "conv_transpose":
				c = conformance.Case{Params: ops.ConvTransposeParams{Pads: pads, Layout: ops.ChannelsLast},
					Inputs: []*tensor.Tensor{y, w}}
			case "conv_filter_grad":
				c = conformance.Case{Params: ops.ConvFilterGradParams{Conv: p, KernelSize: wd[:len(wd)-2]},
					Inputs: []*tensor.Tensor{x, y}}
			default:
				return nil
			}
			c.DType, c.Name = dt, fmt.Sprintf("%s/padded %v", dt, pads)
			out = append(out, c)
		}
	}
	return out
}

func specsOf(ts []*tensor.Tensor) []core.Spec {
	s := make([]core.Spec, len(ts))
	for i, t := range ts {
		s[i] = core.SpecOf(t)
	}
	return s
}
