package models

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

type kind int

const (
	kindSequential kind = iota
	kindFunctional
	kindLayer
)

// Model is a Keras-style model: layers with their weights, and the training machinery around
// them — [Model.Compile], [Model.Fit], [Model.Evaluate], [Model.Predict], callbacks,
// checkpoints and [Model.Summary]. Make one with [Sequential], [Functional] or [FromLayer].
//
// A Model is itself an nn.Layer, so models nest: a model can be a layer of another.
//
// Building a model never panics: a layer that does not fit is kept as an error, returned by
// [Model.Err] and by every method that needs the model built (Compile, Fit, Summary, ...).
// A Model is not safe for concurrent training; Predict may run while nothing trains.
type Model struct {
	name string
	kind kind
	err  error

	layers []nn.Layer     // Sequential: without the input layer; Functional: with the input layers
	input  *nn.InputLayer // Sequential: the declared input, or nil

	// Functional graph.
	inputs  []*Symbolic
	outputs []*Symbolic
	nodes   []*node // in a topological order

	inner nn.Layer // FromLayer

	inSpecs  []core.Spec              // the inputs' specs, batch -1; nil until built
	outSpecs [][]core.Spec            // Sequential and FromLayer: the output specs of each layer, once built
	modelOut []core.Spec              // the model's output specs, once built
	subOuts  map[nn.Layer][]core.Spec // FromLayer: the sub-layers' output specs, found by Summary

	train  *trainer  // set by Compile
	stop   bool      // StopTraining was called
	frozen bool      // SetTrainable(false) was called last
	fit    *fitState // while Fit runs
}

var _ nn.Layer = (*Model)(nil)

// Sequential returns a model that applies layers one after the other, as keras.Sequential.
// The first may declare the input: an [Input] (models.Input(28, 28, 1)) or an nn.Input; the
// model is then built at once, and a layer that does not fit its input is an error returned by
// [Model.Err]. Without one, the model is built by its first call (or Fit, or [Model.Build]).
// Layers that have not made their weights yet get unique names within the model ("dense",
// "dense_1", ...). The model is named "sequential" (see [Model.SetName]).
func Sequential(layers ...nn.Layer) *Model {
	m := &Model{name: "sequential", kind: kindSequential}
	names := newNamer()
	for i, l := range layers {
		if l == nil {
			m.err = fmt.Errorf("models: Sequential: layer %d is nil", i)
			return m
		}
		if in := asInputLayer(l); in != nil {
			if i != 0 {
				m.err = fmt.Errorf("models: Sequential: an input (%q) can only be the first layer, got it at %d", in.Name(), i)
				return m
			}
			m.input = in
			continue
		}
		if err := core.Catch(func() { names.claim(l) }); err != nil {
			m.err = err
			return m
		}
		m.layers = append(m.layers, l)
	}
	if m.input != nil {
		m.err = m.Build(m.input.Spec())
	}
	return m
}

// asInputLayer returns the nn.InputLayer that l is or stands for, or nil.
func asInputLayer(l nn.Layer) *nn.InputLayer {
	switch v := l.(type) {
	case *nn.InputLayer:
		return v
	case *Symbolic:
		if v.isInput() {
			return v.inputLayer()
		}
	}
	return nil
}

// Option configures [Functional] and [FromLayer].
type Option func(*Model)

// WithName names the model (default "functional", or the snake-case class name of the layer
// given to FromLayer).
func WithName(name string) Option { return func(m *Model) { m.name = name } }

// Functional returns the model that computes outputs from inputs through the layer calls
// recorded by [Apply] and [Call], as keras.Model(inputs, outputs). It returns an error carried
// by a symbolic tensor (a layer that did not fit), or if an output depends on an input not in
// inputs. Models of several inputs take them in the order of inputs, and return outputs in the
// order of outputs.
func Functional(inputs, outputs []*Symbolic, opts ...Option) (*Model, error) {
	m := &Model{name: "functional", kind: kindFunctional}
	for _, o := range opts {
		o(m)
	}
	if len(inputs) == 0 || len(outputs) == 0 {
		return nil, errors.New("models: Functional: need at least one input and one output")
	}
	for i, in := range inputs {
		if in == nil || in.err != nil {
			return nil, symErr(in, "input", i)
		}
		if !in.isInput() {
			return nil, fmt.Errorf("models: Functional: input %d (%v) is not made by Input", i, in)
		}
	}
	for i, out := range outputs {
		if out == nil || out.err != nil {
			return nil, symErr(out, "output", i)
		}
	}
	seen := map[*node]bool{}
	var visit func(n *node) error
	visit = func(n *node) error {
		if seen[n] {
			return nil
		}
		seen[n] = true
		if len(n.inputs) == 0 && !slices.ContainsFunc(inputs, func(s *Symbolic) bool { return s.node == n }) {
			return fmt.Errorf("models: Functional: the outputs depend on input %q, which is not among the model's inputs", n.layer.Name())
		}
		for _, in := range n.inputs {
			if err := visit(in.node); err != nil {
				return err
			}
		}
		m.nodes = append(m.nodes, n)
		return nil
	}
	for _, in := range inputs {
		visit(in.node)
	}
	for _, out := range outputs {
		if err := visit(out.node); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(m.nodes, func(a, b *node) int { return int(a.seq) - int(b.seq) })
	for _, n := range m.nodes {
		if !slices.Contains(m.layers, n.layer) {
			m.layers = append(m.layers, n.layer)
		}
	}
	m.inputs, m.outputs = slices.Clone(inputs), slices.Clone(outputs)
	for _, in := range inputs {
		m.inSpecs = append(m.inSpecs, in.spec)
	}
	for _, out := range outputs {
		m.modelOut = append(m.modelOut, out.spec)
	}
	return m, nil
}

func symErr(s *Symbolic, what string, i int) error {
	if s == nil {
		return fmt.Errorf("models: Functional: %s %d is nil", what, i)
	}
	return s.err
}

// FromLayer returns a model around any layer — typically a Go struct whose Call composes other
// layers (Keras's subclassed model). With inputs ([Input]) the model is built at once (errors
// are returned); without, by its first call or Fit. Its summary lists the layer's sub-layers:
// those returned by a Layers() []nn.Layer method if it has one, else the exported fields of
// type nn.Layer or []nn.Layer (or of a type implementing it, such as *nn.DenseLayer). The
// summary shows the output shapes of the sub-layers in fields of interface type (nn.Layer,
// []nn.Layer), found by tracing Call; a field of a concrete type cannot be stood in for, so its
// shape shows as "?".
func FromLayer(l nn.Layer, inputs []*Symbolic, opts ...Option) (*Model, error) {
	if l == nil {
		return nil, errors.New("models: FromLayer: nil layer")
	}
	m := &Model{name: snakeCase(className(l)), kind: kindLayer, inner: l}
	for _, o := range opts {
		o(m)
	}
	if len(inputs) == 0 {
		return m, nil
	}
	specs := make([]core.Spec, len(inputs))
	for i, in := range inputs {
		if in == nil || in.err != nil {
			return nil, symErr(in, "input", i)
		}
		specs[i] = in.spec
	}
	if err := m.Build(specs...); err != nil {
		return nil, err
	}
	return m, nil
}

// Err returns the error found while building the model, or nil.
func (m *Model) Err() error { return m.err }

// Name returns the model's name.
func (m *Model) Name() string { return m.name }

// SetName renames the model.
func (m *Model) SetName(name string) { m.name = name }

// ClassName returns "Sequential", "Functional" or the wrapped layer's class name.
func (m *Model) ClassName() string {
	switch m.kind {
	case kindSequential:
		return "Sequential"
	case kindFunctional:
		return "Functional"
	}
	return className(m.inner)
}

// Built reports whether the model knows its input specs and has made its weights.
func (m *Model) Built() bool { return m.inSpecs != nil && m.err == nil }

// InputSpecs returns the specs of the model's inputs (batch dimension -1), or nil before it is
// built.
func (m *Model) InputSpecs() []core.Spec { return slices.Clone(m.inSpecs) }

// OutputSpecs returns the specs of the model's outputs (batch dimension -1), or nil before it is
// built.
func (m *Model) OutputSpecs() []core.Spec { return slices.Clone(m.modelOut) }

// Layers returns the model's layers in order: for a functional model, input layers included;
// for a model made by FromLayer, the sub-layers it can find (see FromLayer).
func (m *Model) Layers() []nn.Layer {
	if m.kind == kindLayer {
		return subLayers(m.inner)
	}
	return slices.Clone(m.layers)
}

// Layer returns the layer named name, or nil.
func (m *Model) Layer(name string) nn.Layer {
	for _, l := range m.Layers() {
		if l.Name() == name {
			return l
		}
	}
	return nil
}

// subLayers finds the layers a layer is made of: Layers() if it has the method, else its
// exported fields of type nn.Layer or []nn.Layer.
func subLayers(l nn.Layer) []nn.Layer {
	if h, ok := l.(interface{ Layers() []nn.Layer }); ok {
		return h.Layers()
	}
	v := reflect.ValueOf(l)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []nn.Layer
	layerType := reflect.TypeFor[nn.Layer]()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Type().Implements(layerType) && (fv.Kind() != reflect.Pointer && fv.Kind() != reflect.Interface || !fv.IsNil()):
			out = append(out, fv.Interface().(nn.Layer))
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Implements(layerType):
			for j := range fv.Len() {
				if e := fv.Index(j); !(e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface) || !e.IsNil() {
					out = append(out, e.Interface().(nn.Layer))
				}
			}
		}
	}
	return out
}

// Build builds the model for inputs of the given specs (the batch dimension may be -1), making
// its layers' weights, as keras's model.build. A layer that does not fit is returned as an
// error naming the layer and the shapes. Building a built model again with the same specs does
// nothing.
func (m *Model) Build(inputs ...core.Spec) (err error) {
	if m.err != nil {
		return m.err
	}
	if m.kind == kindFunctional {
		return nil
	}
	specs := make([]core.Spec, len(inputs))
	for i, s := range inputs {
		specs[i] = core.Spec{DType: s.DType, Shape: batchUnknown(s.Shape)}
	}
	if m.inSpecs != nil {
		if !equalSpecs(m.inSpecs, specs) {
			return fmt.Errorf("models: model %q is built for inputs %v, got %v", m.name, m.inSpecs, specs)
		}
		return nil
	}
	layerOuts := make([][]core.Spec, len(m.layers))
	_, err = graph.Trace(specs, func(args []*tensor.Tensor) []*tensor.Tensor {
		if m.kind == kindLayer {
			out := callLayer(m.inner, nn.Inference, args)
			m.modelOut = specsOf(out)
			return out
		}
		x := args
		if m.input != nil {
			x = callLayer(m.input, nn.Inference, x)
		}
		for i, l := range m.layers {
			x = callLayer(l, nn.Inference, x)
			layerOuts[i] = specsOf(x)
		}
		m.modelOut = specsOf(x)
		return x
	})
	if err != nil {
		m.modelOut = nil
		return err
	}
	m.inSpecs, m.outSpecs = specs, layerOuts
	return nil
}

func batchUnknown(s shape.Shape) shape.Shape {
	out := s.Clone()
	if len(out) > 0 {
		out[0] = shape.Unknown
	}
	return out
}

func equalSpecs(a, b []core.Spec) bool {
	return slices.EqualFunc(a, b, func(x, y core.Spec) bool { return x.DType == y.DType && x.Shape.Equal(y.Shape) })
}

func specsOf(ts []*tensor.Tensor) []core.Spec {
	out := make([]core.Spec, len(ts))
	for i, t := range ts {
		out[i] = core.SpecOf(t)
	}
	return out
}

// callLayer calls l, turning a *core.Error it panics with into one that names the layer, its
// class and the inputs' shapes, so that a mistake deep in a model says where it is.
func callLayer(l nn.Layer, ctx nn.Context, in []*tensor.Tensor) []*tensor.Tensor {
	out, _ := callLayerMasked(l, ctx, in, nil)
	return out
}

// callLayerMasked calls l on inputs with the given masks (masks[i] belongs to in[i]; nil or
// short when there are none) and returns its outputs and the mask of its first output, as Keras
// propagates masks: a layer that takes masks gets them and says what its output's mask is; a
// layer that makes a mask (Embedding with mask_zero, Masking) gives its own; a layer that
// supports masking passes its single input's mask on; any other layer ends it.
func callLayerMasked(l nn.Layer, ctx nn.Context, in, masks []*tensor.Tensor) (out []*tensor.Tensor, mask *tensor.Tensor) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*core.Error); ok {
				panic(layerError(l, specsOf(in), e))
			}
			panic(r)
		}
	}()
	masked := slices.ContainsFunc(masks, func(m *tensor.Tensor) bool { return m != nil })
	mc, takesMasks := l.(nn.MaskedCaller)
	switch {
	case masked && takesMasks:
		out = mc.CallMasked(ctx, masks, in...)
		mask = mc.OutputMask(masks, in...)
	default:
		out = l.Call(ctx, in...)
		if p, ok := l.(nn.MaskPropagator); masked && ok && p.SupportsMasking() && len(in) == 1 {
			mask = masks[0]
		}
	}
	if mk, ok := l.(nn.Masker); ok {
		mask = mk.ComputeMask(in...)
	}
	return out, mask
}

// layerError wraps err, naming the layer and its inputs (once: an error that already names a
// layer of a model is kept as it is).
func layerError(l nn.Layer, in []core.Spec, err error) *core.Error {
	var ce *core.Error
	if errors.As(err, &ce) && ce.Op == "models" {
		return ce
	}
	caller := ""
	if ce != nil {
		caller = ce.Caller
		if ce.Op != "" {
			err = fmt.Errorf("%s: %w", ce.Op, ce.Err)
		} else {
			err = ce.Err
		}
	}
	parts := make([]string, len(in))
	for i, s := range in {
		parts[i] = s.DType.String() + formatShape(s.Shape)
	}
	return &core.Error{Op: "models", Caller: caller,
		Err: fmt.Errorf("layer %q (%s) called on %s: %w", l.Name(), className(l), strings.Join(parts, ", "), err)}
}

// Call runs the model on inputs (one per model input, with a batch dimension) and returns its
// outputs. It works eagerly and on symbolic tensors (inside graph.Compile, or when the model is
// a layer of another). A model that is not built yet is built for the inputs' specs first.
// It panics with a *core.Error, naming the layer, when the inputs do not fit.
func (m *Model) Call(ctx nn.Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if m.err != nil {
		panic(&core.Error{Op: "models", Err: m.err})
	}
	if m.inSpecs == nil && m.kind != kindFunctional {
		if err := m.Build(specsOf(inputs)...); err != nil {
			panic(core.Errorf("models", "%v", err))
		}
	}
	switch m.kind {
	case kindLayer:
		return callLayer(m.inner, ctx, inputs)
	case kindSequential:
		x := inputs
		if m.input != nil {
			x = callLayer(m.input, ctx, x)
		}
		var mask *tensor.Tensor
		for _, l := range m.layers {
			x, mask = callLayerMasked(l, ctx, x, []*tensor.Tensor{mask})
		}
		return x
	}
	return m.callGraph(ctx, inputs)
}

// callGraph runs the functional graph.
func (m *Model) callGraph(ctx nn.Context, inputs []*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) != len(m.inputs) {
		panic(core.Errorf("models", "model %q takes %d inputs, got %d", m.name, len(m.inputs), len(inputs)))
	}
	vals := map[*Symbolic]*tensor.Tensor{}
	masks := map[*Symbolic]*tensor.Tensor{} // the mask of each first output that has one
	for i, in := range m.inputs {
		vals[in] = inputs[i]
	}
	for _, n := range m.nodes {
		var outs []*tensor.Tensor
		if len(n.inputs) == 0 {
			outs = callLayer(n.layer, ctx, []*tensor.Tensor{vals[n.outputs[0]]})
		} else {
			ins := make([]*tensor.Tensor, len(n.inputs))
			ms := make([]*tensor.Tensor, len(n.inputs))
			for i, s := range n.inputs {
				ins[i], ms[i] = vals[s], masks[s]
			}
			var mask *tensor.Tensor
			outs, mask = callLayerMasked(n.layer, ctx, ins, ms)
			if mask != nil && len(n.outputs) > 0 {
				masks[n.outputs[0]] = mask
			}
		}
		if len(outs) != len(n.outputs) {
			panic(core.Errorf("models", "layer %q returned %d outputs, %d when the model was built", n.layer.Name(), len(outs), len(n.outputs)))
		}
		for i, s := range n.outputs {
			vals[s] = outs[i]
		}
	}
	out := make([]*tensor.Tensor, len(m.outputs))
	for i, s := range m.outputs {
		out[i] = vals[s]
	}
	return out
}

// allLayers returns the layers whose weights the model holds.
func (m *Model) allLayers() []nn.Layer {
	if m.kind == kindLayer {
		return []nn.Layer{m.inner}
	}
	return m.layers
}

// Weights returns the model's variables, each once: every layer's weights in layer order.
func (m *Model) Weights() []*autodiff.Variable {
	var out []*autodiff.Variable
	seen := map[*autodiff.Variable]bool{}
	for _, l := range m.allLayers() {
		for _, v := range l.Weights() {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// TrainableWeights returns the variables the optimizer updates.
func (m *Model) TrainableWeights() []*autodiff.Variable {
	var out []*autodiff.Variable
	for _, v := range m.Weights() {
		if v.Trainable() {
			out = append(out, v)
		}
	}
	return out
}

// SetTrainable freezes (false) or unfreezes (true) every layer of the model, nested models
// included, as Keras's model.trainable: see [nn.Base.SetTrainable]. The usual transfer-learning
// recipe freezes a pretrained base, trains a new head, then unfreezes the base (or some of its
// layers, with their own SetTrainable) and trains again with a small learning rate. The model's
// compiled steps are traced again after such a change; there is no need to call Compile again.
func (m *Model) SetTrainable(on bool) {
	m.frozen = !on
	for _, l := range m.allLayers() {
		if s, ok := l.(interface{ SetTrainable(bool) }); ok {
			s.SetTrainable(on)
		}
	}
}

// IsTrainable reports whether the model was left trainable (not frozen with SetTrainable).
func (m *Model) IsTrainable() bool { return !m.frozen }

// NonTrainableWeights returns the model's other variables (moving statistics).
func (m *Model) NonTrainableWeights() []*autodiff.Variable {
	var out []*autodiff.Variable
	for _, v := range m.Weights() {
		if !v.Trainable() {
			out = append(out, v)
		}
	}
	return out
}

// Losses returns the regularisation losses of the model's layers (of their last call).
func (m *Model) Losses() []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, l := range m.allLayers() {
		out = append(out, l.Losses()...)
	}
	return out
}

// Config returns the model's Keras-style configuration: its name and, for each layer, its class
// name and config; for a functional model also the input and output layers' names.
func (m *Model) Config() map[string]any {
	var layers []map[string]any
	for _, l := range m.Layers() {
		layers = append(layers, map[string]any{"class_name": className(l), "config": l.Config()})
	}
	c := map[string]any{"name": m.name, "layers": layers}
	if m.kind == kindFunctional {
		var ins, outs []string
		for _, s := range m.inputs {
			ins = append(ins, s.Name())
		}
		for _, s := range m.outputs {
			outs = append(outs, s.Name())
		}
		c["input_layers"], c["output_layers"] = ins, outs
	}
	if m.kind == kindLayer {
		c["config"] = m.inner.Config()
	}
	return c
}
