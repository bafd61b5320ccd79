package models

import (
	"reflect"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/tensor"
)

// recorder stands in for a sub-layer of a struct model while its summary traces the struct's
// Call: it calls the layer and records the specs of its outputs (of the last call).
type recorder struct {
	nn.Layer
	outs map[nn.Layer][]core.Spec
}

func (r *recorder) Call(ctx nn.Context, in ...*tensor.Tensor) []*tensor.Tensor {
	out := r.Layer.Call(ctx, in...)
	r.outs[r.Layer] = specsOf(out)
	return out
}

// subLayerOutputs returns the output specs of the sub-layers of a struct model (FromLayer), for
// its summary: the struct's Call is traced on symbolic inputs of the model's input specs with
// each sub-layer held in an exported field of interface type (nn.Layer, or an element of a
// []nn.Layer) replaced by a recorder, and the fields are restored after. Sub-layers held in fields
// of a concrete type (*nn.DenseLayer) cannot be stood in for, nor those a Layers method returns:
// they are missing from the map (and show "?"). The trace only serves the summary: if the
// struct's Call fails with the recorders in place (say it type-asserts a field), the map holds
// what was recorded before.
func (m *Model) subLayerOutputs() map[nn.Layer][]core.Spec {
	outs := map[nn.Layer][]core.Spec{}
	if m.kind != kindLayer || m.inSpecs == nil {
		return outs
	}
	if _, ok := m.inner.(interface{ Layers() []nn.Layer }); ok {
		return outs
	}
	restore := standIn(m.inner, outs)
	defer restore()
	func() {
		defer func() { recover() }() // only the summary's shapes depend on this trace
		graph.Trace(m.inSpecs, func(args []*tensor.Tensor) []*tensor.Tensor {
			return m.inner.Call(nn.Inference, args...)
		})
	}()
	return outs
}

// standIn replaces the sub-layers in l's exported interface fields by recorders writing into
// outs, and returns the function that puts them back.
func standIn(l nn.Layer, outs map[nn.Layer][]core.Spec) (restore func()) {
	var undo []func()
	restore = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	v := reflect.ValueOf(l)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return restore
	}
	v = v.Elem()
	recType := reflect.TypeFor[*recorder]()
	swap := func(slot reflect.Value) {
		if slot.IsNil() {
			return
		}
		old := slot.Interface().(nn.Layer)
		if _, done := old.(*recorder); done {
			return
		}
		slot.Set(reflect.ValueOf(&recorder{Layer: old, outs: outs}))
		undo = append(undo, func() { slot.Set(reflect.ValueOf(old)) })
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		fv := v.Field(i)
		if !f.IsExported() || f.Anonymous || !fv.CanSet() {
			continue
		}
		switch {
		case fv.Kind() == reflect.Interface && recType.Implements(fv.Type()) && fv.Type().Implements(reflect.TypeFor[nn.Layer]()):
			swap(fv)
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Interface &&
			recType.Implements(fv.Type().Elem()) && fv.Type().Elem().Implements(reflect.TypeFor[nn.Layer]()):
			for j := range fv.Len() {
				swap(fv.Index(j))
			}
		}
	}
	return restore
}
