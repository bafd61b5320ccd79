package models

import (
	"fmt"
	"sync/atomic"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Symbolic is a symbolic tensor of a functional model under construction (Keras's
// KerasTensor): a dtype and a shape whose first (batch) dimension is unknown, and the layer
// call that produces it. [Input] makes one; [Apply] and [Call] call layers on them; [Functional]
// turns the graph between inputs and outputs into a model.
//
// Building never panics: a layer that does not fit its inputs gives a Symbolic that carries
// the error (see [Symbolic.Err]); everything computed from it carries it too, and [Functional]
// returns it.
//
// An input Symbolic is also a layer (its nn.InputLayer), so that it can begin the layers of a
// [Sequential] model: Sequential(models.Input(28, 28, 1), nn.Dense(10)).
type Symbolic struct {
	spec  core.Spec
	node  *node
	index int
	err   error
}

// node is one call of a layer on symbolic tensors.
type node struct {
	layer   nn.Layer
	inputs  []*Symbolic
	outputs []*Symbolic
	seq     uint64 // creation order: a node is created after the nodes of its inputs
}

var nodeSeq atomic.Uint64

var _ nn.Layer = (*Symbolic)(nil)

// Input returns a symbolic float32 input whose examples have the given dimensions (the batch
// dimension excluded; -1 for a dimension of any size), as keras.Input(shape). Its layer is
// named "input_layer", "input_layer_1", ... See [InputWith] for a name and a dtype.
func Input(dims ...int) *Symbolic { return InputWith(dims) }

// InputWith is [Input] with nn options: nn.WithName and nn.WithDType.
func InputWith(dims []int, opts ...nn.Option) *Symbolic {
	var s *Symbolic
	err := core.Catch(func() {
		l := nn.InputWith(dims, opts...)
		functionalNamer().claim(l)
		n := &node{layer: l, seq: nodeSeq.Add(1)}
		s = &Symbolic{spec: l.Spec(), node: n}
		n.outputs = []*Symbolic{s}
	})
	if err != nil {
		return &Symbolic{err: err}
	}
	return s
}

// Spec returns the symbolic tensor's dtype and shape (batch dimension -1).
func (s *Symbolic) Spec() core.Spec { return s.spec }

// Shape returns the symbolic tensor's shape, with -1 for the batch dimension.
func (s *Symbolic) Shape() shape.Shape { return s.spec.Shape }

// DType returns the symbolic tensor's element type.
func (s *Symbolic) DType() dtype.DType { return s.spec.DType }

// Err returns the error of the layer call that made s or of one before it, or nil.
func (s *Symbolic) Err() error { return s.err }

// Layer returns the layer whose call produced s (an nn.InputLayer for an input).
func (s *Symbolic) Layer() nn.Layer {
	if s.node == nil {
		return nil
	}
	return s.node.layer
}

// String formats s as Keras prints a KerasTensor: <Symbolic shape=(None, 10), dtype=float32,
// name=dense>.
func (s *Symbolic) String() string {
	if s.err != nil {
		return fmt.Sprintf("<Symbolic error: %v>", s.err)
	}
	return fmt.Sprintf("<Symbolic shape=%s, dtype=%s, name=%s>", formatShape(s.spec.Shape), s.spec.DType, s.node.layer.Name())
}

func (s *Symbolic) isInput() bool { return s.node != nil && len(s.node.inputs) == 0 && s.index == 0 }

func (s *Symbolic) inputLayer() *nn.InputLayer {
	if s.node == nil {
		return nil
	}
	l, _ := s.node.layer.(*nn.InputLayer)
	return l
}

// Name returns the name of the layer that produced s.
func (s *Symbolic) Name() string {
	if l := s.Layer(); l != nil {
		return l.Name()
	}
	return "invalid"
}

// Call applies s's layer when s is an input (checking the shape), so that an input can begin a
// Sequential model. It panics with a *core.Error for any other symbolic tensor.
func (s *Symbolic) Call(ctx nn.Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	l := s.inputLayer()
	if l == nil {
		panic(core.Errorf("models.Symbolic", "%v is not an input and cannot be called as a layer", s))
	}
	return l.Call(ctx, inputs...)
}

// Weights returns nil: inputs have no weights.
func (s *Symbolic) Weights() []*autodiff.Variable { return nil }

// Losses returns nil.
func (s *Symbolic) Losses() []*tensor.Tensor { return nil }

// Config returns the config of s's layer.
func (s *Symbolic) Config() map[string]any {
	if l := s.Layer(); l != nil {
		return l.Config()
	}
	return nil
}

// Apply calls a layer with one output on symbolic inputs and returns its output: the
// functional counterpart of nn.Apply. See [Call].
func Apply(l nn.Layer, inputs ...*Symbolic) *Symbolic {
	outs := Call(l, inputs...)
	if len(outs) != 1 {
		err := outs[0].err
		if err == nil {
			err = fmt.Errorf("models: layer %q (%s) returned %d outputs; use Call", l.Name(), className(l), len(outs))
		}
		return &Symbolic{err: err}
	}
	return outs[0]
}

// Call calls layer l on symbolic inputs, recording the call in the graph that [Functional]
// reads, and returns its symbolic outputs (shapes inferred by tracing the call; this builds the
// layer). A layer called on several symbolic inputs, or called more than once (a shared layer,
// the same weights), gets one node per call. A layer that has not made its weights yet is first
// renamed to a name unused by layers called so far ("dense" → "dense_1"; see [ResetNames]).
// A layer may be a [Model], nesting it.
//
// Call never panics: if an input carries an error or l does not fit the inputs, the outputs
// carry the error, naming the layer and the inputs' shapes.
func Call(l nn.Layer, inputs ...*Symbolic) []*Symbolic {
	for _, in := range inputs {
		if in == nil {
			return []*Symbolic{{err: fmt.Errorf("models: layer %q: nil input", l.Name())}}
		}
		if in.err != nil {
			return []*Symbolic{{err: in.err}}
		}
	}
	functionalNamer().claim(l)
	specs := make([]core.Spec, len(inputs))
	for i, in := range inputs {
		specs[i] = in.spec
	}
	var outSpecs []core.Spec
	err := core.Catch(func() {
		var err error
		outSpecs, err = nn.OutputSpecs(l, nn.Inference, specs...)
		if err != nil {
			panic(layerError(l, specs, err))
		}
	})
	if err != nil {
		return []*Symbolic{{err: err}}
	}
	n := &node{layer: l, inputs: append([]*Symbolic(nil), inputs...), seq: nodeSeq.Add(1)}
	for i, sp := range outSpecs {
		n.outputs = append(n.outputs, &Symbolic{spec: sp, node: n, index: i})
	}
	return n.outputs
}
