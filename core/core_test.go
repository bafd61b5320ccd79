package core_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

type scaleParams struct{ By float64 }

// scaleOp is a test op with two kernels, to check priorities.
var scaleOp = core.Declare(core.Def[scaleParams]{
	Name: "test_scale", Doc: "x * by", NotDifferentiable: true, DTypes: []dtype.DType{dtype.Float64},
	Infer: func(p scaleParams, in []core.Spec) ([]core.Spec, error) {
		if len(in) != 1 {
			return nil, fmt.Errorf("got %d inputs, want 1", len(in))
		}
		if in[0].DType != dtype.Float64 {
			return nil, fmt.Errorf("input is %s, want float64", in[0].DType)
		}
		return []core.Spec{in[0]}, nil
	},
})

var lastKernel string

func init() {
	run := func(name string) func(p scaleParams, in, out []*tensor.Tensor) error {
		return func(p scaleParams, in, out []*tensor.Tensor) error {
			lastKernel = name
			o, x := tensor.Data[float64](out[0]), tensor.Data[float64](in[0])
			for i := range x {
				o[i] = x[i] * p.By
			}
			return nil
		}
	}
	core.RegisterKernel(scaleOp, dtype.Float64, "ref", core.PriorityRef, run("ref"))
	core.RegisterKernel(scaleOp, dtype.Float64, "fast", core.PriorityFast, run("fast"))
}

func TestHighestPriorityKernelRuns(t *testing.T) {
	x := tensor.FromSlice([]float64{1, 2})
	y := core.Apply1(scaleOp, scaleParams{By: 3}, x)
	if lastKernel != "fast" || !tensor.Equal(y, tensor.FromSlice([]float64{3, 6})) {
		t.Fatalf("ran %q giving %v", lastKernel, y)
	}
	ks := scaleOp.Kernels(dtype.Float64)
	if len(ks) != 2 || ks[0].Name != "fast" || ks[1].Name != "ref" {
		t.Fatalf("kernels not sorted by priority: %+v", ks)
	}
	if core.Lookup("test_scale") != scaleOp {
		t.Fatal("Lookup did not find the op")
	}
}

func TestInferenceErrorNamesOpAndCaller(t *testing.T) {
	err := core.Catch(func() { core.Apply(scaleOp, scaleParams{}, tensor.FromSlice([]float32{1})) })
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *core.Error, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"test_scale:", "input is float32, want float64", "core_test.go:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestWrongParamsAreAnError(t *testing.T) {
	err := core.Catch(func() { core.Apply(scaleOp, "wrong params", tensor.FromSlice([]float64{1})) })
	if err == nil || !strings.Contains(err.Error(), "params are string") {
		t.Fatalf("got %v", err)
	}
}

func TestRecoverOnlyCoreErrors(t *testing.T) {
	defer func() {
		if r := recover(); r != "a bug" {
			t.Fatalf("non-core panic was not propagated: %v", r)
		}
	}()
	_ = core.Catch(func() { panic("a bug") })
}

func TestDeclareRejectsIncompleteOps(t *testing.T) {
	for name, d := range map[string]core.Def[struct{}]{
		"no name":      {Infer: func(struct{}, []core.Spec) ([]core.Spec, error) { return nil, nil }, NotDifferentiable: true},
		"no inference": {Name: "x1", NotDifferentiable: true},
		"no gradient":  {Name: "x2", Infer: func(struct{}, []core.Spec) ([]core.Spec, error) { return nil, nil }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Declare did not panic", name)
				}
			}()
			core.Declare(d)
		}()
	}
}

// fakeTracer records ops instead of running them.
type fakeTracer struct{ recorded []string }

type fakeSymbol struct{ tr *fakeTracer }

func (s fakeSymbol) Tracer() core.Tracer { return s.tr }

func (f *fakeTracer) Record(op *core.Op, _ any, _ []*tensor.Tensor, out []core.Spec) []*tensor.Tensor {
	f.recorded = append(f.recorded, op.Name())
	res := make([]*tensor.Tensor, len(out))
	for i, s := range out {
		res[i] = tensor.NewSymbolic(s.DType, s.Shape, fakeSymbol{f})
	}
	return res
}

func TestSymbolicInputsAreRecordedNotRun(t *testing.T) {
	tr := &fakeTracer{}
	x := tensor.NewSymbolic(dtype.Float64, shape.Shape{shape.Unknown, 3}, fakeSymbol{tr})
	lastKernel = ""
	y := core.Apply1(scaleOp, scaleParams{By: 2}, x)
	if lastKernel != "" || len(tr.recorded) != 1 || !y.IsSymbolic() || y.Shape().String() != "[? 3]" {
		t.Fatalf("kernel %q ran, recorded %v, result %v", lastKernel, tr.recorded, y)
	}
}
