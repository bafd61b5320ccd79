package nn

import (
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Interface checks.
var (
	_ MaskedCaller = (*BidirectionalLayer)(nil)
	_ MaskedCaller = (*TimeDistributedLayer)(nil)
)

// WithMergeMode sets how Bidirectional combines the forward and backward outputs: "concat" (the
// default), "sum", "mul", "ave", or "" (Keras's None) to return both.
func WithMergeMode(mode string) Option { return rnnOpt("merge_mode", mode) }

// WithBackwardLayer gives Bidirectional its backward layer (default: a copy of the forward
// layer reading backwards). It must read in the other direction than the forward layer and
// return the same things.
func WithBackwardLayer(l *RNNLayer) Option { return rnnOpt("backward_layer", l) }

// BidirectionalLayer is Keras's Bidirectional wrapper of a recurrent layer.
type BidirectionalLayer struct {
	Base
	fwd, bwd         *RNNLayer
	fwdName, bwdName string
	mode             string
	retSeq, retState bool
}

// Bidirectional returns Keras's Bidirectional layer: layer reads the sequence forwards and a
// copy of it (or WithBackwardLayer's layer) backwards; their outputs, the backward one put back
// in time order with return_sequences, are merged with WithMergeMode (default "concat"). Masked
// steps output zeros with return_sequences, as Keras. The sublayers are renamed
// "<name>/forward_<layer>" and "<name>/backward_<layer>" while unbuilt (Keras's variable paths);
// the weights are the forward layer's, then the backward one's. Call takes the sequence, an
// optional bool mask and the initial states, the forward layer's then the backward layer's; it
// returns the merged output (both outputs with merge mode ""), then with return_state the
// forward and the backward final states. It panics with a *core.Error for an unknown merge mode,
// a layer of a user's cell without WithBackwardLayer, or a backward layer that does not match.
func Bidirectional(layer *RNNLayer, opts ...Option) *BidirectionalLayer {
	o := parse("Bidirectional", opts, "merge_mode", "backward_layer")
	l := &BidirectionalLayer{fwd: layer, mode: rnnGet(o, "merge_mode", "concat"), retSeq: layer.retSeq, retState: layer.retState}
	l.initBase("Bidirectional", "bidirectional", o)
	switch l.mode {
	case "concat", "sum", "mul", "ave", "":
	default:
		panic(l.errorf("merge_mode must be concat, sum, mul, ave or \"\" (None), got %q", l.mode))
	}
	l.fwdName, l.bwdName = "forward_"+layer.Name(), "backward_"+layer.Name()
	l.bwd = rnnGet[*RNNLayer](o, "backward_layer", nil)
	if l.bwd == nil {
		if layer.clone == nil {
			panic(l.errorf("the layer %q of a user's cell cannot be copied: give WithBackwardLayer", layer.Name()))
		}
		l.bwd = layer.clone(l.bwdName, !layer.back)
	} else {
		l.bwdName = "backward_" + l.bwd.Name()
		if l.bwd.back == layer.back || l.bwd.retSeq != layer.retSeq || l.bwd.retState != layer.retState {
			panic(l.errorf("the backward layer %q must read in the other direction and return what %q returns", l.bwd.Name(), layer.Name()))
		}
	}
	l.fwd.zeroMask, l.bwd.zeroMask = l.retSeq, l.retSeq
	l.SetName(l.Name())
	return l
}

// Forward returns the forward layer.
func (l *BidirectionalLayer) Forward() *RNNLayer { return l.fwd }

// Backward returns the backward layer.
func (l *BidirectionalLayer) Backward() *RNNLayer { return l.bwd }

// SetName renames the layer and, while unbuilt, its sublayers.
func (l *BidirectionalLayer) SetName(name string) {
	l.Base.SetName(name)
	for _, s := range []struct {
		r    *RNNLayer
		name string
	}{{l.fwd, l.fwdName}, {l.bwd, l.bwdName}} {
		if !s.r.Built() {
			s.r.SetName(name + "/" + s.name)
		}
	}
}

// Built reports whether both sublayers are built.
func (l *BidirectionalLayer) Built() bool { return l.fwd.Built() && l.bwd.Built() }

// Weights returns the forward layer's weights, then the backward layer's.
func (l *BidirectionalLayer) Weights() []*autodiff.Variable {
	return append(l.fwd.Weights(), l.bwd.Weights()...)
}

// TrainableWeights returns the trainable weights.
func (l *BidirectionalLayer) TrainableWeights() []*autodiff.Variable { return rnnTrainable(l, true) }

// NonTrainableWeights returns the other weights.
func (l *BidirectionalLayer) NonTrainableWeights() []*autodiff.Variable {
	return rnnTrainable(l, false)
}

// Losses returns the sublayers' losses.
func (l *BidirectionalLayer) Losses() []*tensor.Tensor {
	return append(append(l.fwd.Losses(), l.bwd.Losses()...), l.Base.Losses()...)
}

// Constrain applies the sublayers' constraints.
func (l *BidirectionalLayer) Constrain() { rnnConstrain(l.fwd, l.bwd) }

// ConstraintOf returns the constraint of weight v, or nil.
func (l *BidirectionalLayer) ConstraintOf(v *autodiff.Variable) constraints.Constraint {
	return rnnConstraintOf(v, l.fwd, l.bwd)
}

// Call runs both directions and merges them; see [Bidirectional].
func (l *BidirectionalLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.CallMasked(ctx, nil, inputs...)
}

// CallMasked is Call with the sequence's mask in masks[0] (an explicit mask input wins).
func (l *BidirectionalLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x, mask, states := l.fwd.splitInputs(inputs)
	mask = seqMask(mask, masks)
	nf := len(l.fwd.cell.StateSizes())
	var sf, sb []*tensor.Tensor
	if len(states) > 0 {
		if len(states) != nf+len(l.bwd.cell.StateSizes()) {
			panic(l.errorf("got %d initial states, want %d (forward) + %d (backward)", len(states), nf, len(l.bwd.cell.StateSizes())))
		}
		sf, sb = states[:nf], states[nf:]
	}
	l.BuildOnce(func() {})
	of := l.fwd.run(ctx, x, mask, sf)
	ob := l.bwd.run(ctx, x, mask, sb)
	yf, yb := of[0], ob[0]
	if l.retSeq {
		yb = ops.Flip(yb, 1)
	}
	var out []*tensor.Tensor
	switch l.mode {
	case "concat":
		out = l.Finish(ops.Concat(-1, yf, yb))
	case "sum":
		out = l.Finish(ops.Add(yf, yb))
	case "mul":
		out = l.Finish(ops.Mul(yf, yb))
	case "ave":
		out = l.Finish(ops.MulScalar(ops.Add(yf, yb), 0.5))
	default:
		out = l.Finish(yf, yb)
	}
	if l.retState {
		out = append(append(out, of[1:]...), ob[1:]...)
	}
	return out
}

// OutputMask returns the input mask with return_sequences, as Keras.
func (l *BidirectionalLayer) OutputMask(masks []*tensor.Tensor, inputs ...*tensor.Tensor) *tensor.Tensor {
	if !l.retSeq {
		return nil
	}
	_, mask, _ := l.fwd.splitInputs(inputs)
	return seqMask(mask, masks)
}

// Config returns Keras's Bidirectional config.
func (l *BidirectionalLayer) Config() map[string]any {
	c := l.baseConfig()
	var mode any = l.mode
	if l.mode == "" {
		mode = nil
	}
	c["merge_mode"] = mode
	c["layer"] = map[string]any{"class_name": l.fwd.ClassName(), "config": l.fwd.Config()}
	c["backward_layer"] = map[string]any{"class_name": l.bwd.ClassName(), "config": l.bwd.Config()}
	return c
}

// TimeDistributedLayer is Keras's TimeDistributed wrapper.
type TimeDistributedLayer struct {
	Base
	inner     Layer
	innerName string
}

// TimeDistributed returns Keras's TimeDistributed layer: layer is applied to every time step of
// an input [batch, time, ...] (whose dimensions after time must be known) by folding time into
// the batch, one call on [batch·time, ...], and unfolding the outputs to [batch, time, ...];
// batch and time may be unknown. The inner layer is renamed "<name>/<layer>" while unbuilt.
// Name "time_distributed". It panics with a *core.Error for an input of rank < 3.
func TimeDistributed(layer Layer, opts ...Option) *TimeDistributedLayer {
	o := parse("TimeDistributed", opts)
	l := &TimeDistributedLayer{inner: layer, innerName: layer.Name()}
	l.initBase("TimeDistributed", "time_distributed", o)
	l.SetName(l.Name())
	return l
}

// Layer returns the wrapped layer.
func (l *TimeDistributedLayer) Layer() Layer { return l.inner }

// SetName renames the layer and, while unbuilt, the wrapped one.
func (l *TimeDistributedLayer) SetName(name string) {
	l.Base.SetName(name)
	if r, ok := l.inner.(interface{ SetName(string) }); ok && !rnnBuilt(l.inner) {
		r.SetName(name + "/" + l.innerName)
	}
}

// Built reports whether the wrapped layer is built.
func (l *TimeDistributedLayer) Built() bool { return rnnBuilt(l.inner) }

// Weights returns the wrapped layer's weights.
func (l *TimeDistributedLayer) Weights() []*autodiff.Variable { return l.inner.Weights() }

// TrainableWeights returns the wrapped layer's trainable weights.
func (l *TimeDistributedLayer) TrainableWeights() []*autodiff.Variable {
	return rnnTrainable(l.inner, true)
}

// NonTrainableWeights returns the wrapped layer's other weights.
func (l *TimeDistributedLayer) NonTrainableWeights() []*autodiff.Variable {
	return rnnTrainable(l.inner, false)
}

// Losses returns the wrapped layer's losses.
func (l *TimeDistributedLayer) Losses() []*tensor.Tensor {
	return append(l.inner.Losses(), l.Base.Losses()...)
}

// Constrain applies the wrapped layer's constraints.
func (l *TimeDistributedLayer) Constrain() { rnnConstrain(l.inner) }

// ConstraintOf returns the constraint of weight v, or nil.
func (l *TimeDistributedLayer) ConstraintOf(v *autodiff.Variable) constraints.Constraint {
	return rnnConstraintOf(v, l.inner)
}

// Call applies the wrapped layer to every time step of its one input.
func (l *TimeDistributedLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if x.Rank() < 3 {
		panic(l.errorf("needs an input [batch, time, ...] of rank >= 3, got shape %v", x.Shape()))
	}
	rest := x.Shape()[2:]
	for _, d := range rest {
		if d < 0 {
			panic(l.errorf("needs known dimensions after time, got shape %v", x.Shape()))
		}
	}
	l.BuildOnce(func() {})
	ys := l.inner.Call(ctx, ops.Reshape(x, append([]int{-1}, rest...)...))
	out := make([]*tensor.Tensor, len(ys))
	for i, y := range ys {
		out[i] = l.unfold(x, y)
	}
	return l.Finish(out...)
}

// unfold reshapes y [batch·time, out...] to [batch, time, out...] for x [batch, time, ...].
func (l *TimeDistributedLayer) unfold(x, y *tensor.Tensor) *tensor.Tensor {
	out := y.Shape()[1:]
	for _, d := range out {
		if d < 0 {
			panic(l.errorf("the wrapped layer's output %v has unknown dimensions", y.Shape()))
		}
	}
	if t := x.Dim(1); t >= 0 {
		return ops.Reshape(y, append([]int{-1, t}, out...)...)
	}
	// Batch and time unknown: reshape like a [batch, time, out...] tensor made from x, without
	// reshapes (which cannot infer two unknown dimensions).
	bt := ops.ZerosLike(ops.Cast(x, dtype.Uint8))
	for a := 2; a < x.Rank(); a++ {
		bt = ops.SliceAxis(bt, a, 0, 1, 1)
	}
	for bt.Rank() > 2+len(out) {
		bt = ops.Sum(bt, -1)
	}
	for bt.Rank() < 2+len(out) {
		bt = ops.Unsqueeze(bt, -1)
	}
	like := ops.Add(bt, tensor.Zeros(dtype.Uint8, out...))
	return ops.ReshapeLike(y, like)
}

// CallMasked is Call; the wrapped layer gets no mask.
func (l *TimeDistributedLayer) CallMasked(ctx Context, _ []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Call(ctx, inputs...)
}

// OutputMask passes the input's mask on.
func (l *TimeDistributedLayer) OutputMask(masks []*tensor.Tensor, _ ...*tensor.Tensor) *tensor.Tensor {
	if len(masks) > 0 {
		return masks[0]
	}
	return nil
}

// Config returns Keras's TimeDistributed config.
func (l *TimeDistributedLayer) Config() map[string]any {
	c := l.baseConfig()
	c["layer"] = map[string]any{"class_name": rnnClassName(l.inner), "config": l.inner.Config()}
	return c
}
