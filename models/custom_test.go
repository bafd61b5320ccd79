package models

import (
	"context"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// mlp is a model written as a Go struct (Keras's subclassed model).
type mlp struct {
	Hidden *nn.DenseLayer
	Out    *nn.DenseLayer
}

func (m *mlp) Name() string { return "mlp" }
func (m *mlp) Call(ctx nn.Context, in ...*tensor.Tensor) []*tensor.Tensor {
	return []*tensor.Tensor{nn.Apply(m.Out, ctx, nn.Apply(m.Hidden, ctx, in[0]))}
}
func (m *mlp) Weights() []*autodiff.Variable {
	return append(m.Hidden.Weights(), m.Out.Weights()...)
}
func (m *mlp) Losses() []*tensor.Tensor { return nil }
func (m *mlp) Config() map[string]any   { return map[string]any{"name": "mlp"} }

func TestFromLayerStruct(t *testing.T) {
	net := &mlp{Hidden: nn.Dense(16, nn.WithActivation("relu"), nn.WithName("hidden")), Out: nn.Dense(4, nn.WithName("out"))}
	m, err := FromLayer(net, []*Symbolic{Input(2)})
	if err != nil {
		t.Fatal(err)
	}
	var s strings.Builder
	m.Summary(&s)
	golden(t, "struct.summary", s.String())
	if err := m.Compile(optim.Adam(optim.LearningRate(0.01)), losses.SparseCategoricalCrossentropy(losses.FromLogits())); err != nil {
		t.Fatal(err)
	}
	x, y := blobs(256, 4, 1)
	h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(5), Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := h.Last("loss"); l > 0.2 {
		t.Errorf("loss %v", l)
	}
}

// A custom train step: plain SGD written by hand, logging its own key.
func TestCustomTrainStep(t *testing.T) {
	step := func(m *Model, d StepData) map[string]*tensor.Tensor {
		loss, _ := m.ComputeLoss(nn.Context{Training: true, Step: d.Step}, d)
		vars := m.TrainableWeights()
		grads := autodiff.GradVariables(loss, vars...)
		for i, v := range vars {
			v.Assign(ops.Sub(v.Value().Detach(), ops.MulScalar(grads[i], 0.1)))
		}
		return map[string]*tensor.Tensor{"my_loss": loss}
	}
	for _, eager := range []bool{false, true} {
		m := newBlobModel()
		opts := []CompileOption{WithTrainStep(step)}
		if eager {
			opts = append(opts, Eager())
		}
		if err := m.Compile(optim.SGD(), losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...); err != nil {
			t.Fatal(err)
		}
		x, y := blobs(256, 4, 1)
		h, err := m.Fit(context.Background(), Arrays(x, y), Epochs(4), Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		l := h.History["my_loss"]
		if len(l) != 4 || l[3] >= l[0] {
			t.Errorf("eager %v: my_loss %v", eager, l)
		}
	}
}

// Two outputs with their own losses, weights and metrics; a nested model as a layer.
func TestMultiOutputNested(t *testing.T) {
	ResetNames()
	trunk := Sequential(nn.Dense(16, nn.WithActivation("relu")))
	trunk.SetName("trunk")
	in := Input(2)
	h := Apply(trunk, in)
	cls := Apply(nn.Dense(4, nn.WithName("cls")), h)
	reg := Apply(nn.Dense(1, nn.WithName("reg")), h)
	m, err := Functional([]*Symbolic{in}, []*Symbolic{cls, reg})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Compile(optim.Adam(optim.LearningRate(0.01)), nil,
		OutputLosses(losses.SparseCategoricalCrossentropy(losses.FromLogits()), losses.MeanSquaredError()),
		LossWeights(1, 0.5), OutputMetrics(0, "accuracy"))
	if err != nil {
		t.Fatal(err)
	}
	x, y := blobs(256, 4, 1)
	y2 := ops.Cast(ops.Reshape(y, -1, 1), 8)
	hist, err := m.Fit(context.Background(), Arrays(x, y, y2), Epochs(3), Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"loss", "cls_loss", "reg_loss", "cls_accuracy"} {
		if len(hist.History[k]) != 3 {
			t.Errorf("%s: %v (keys %v)", k, hist.History[k], hist.Keys())
		}
	}
	l, _ := hist.Last("loss")
	c, _ := hist.Last("cls_loss")
	r, _ := hist.Last("reg_loss")
	if d := l - (c + 0.5*r); d > 1e-3 || d < -1e-3 {
		t.Errorf("loss %v != cls %v + 0.5 reg %v", l, c, r)
	}
}

type scalars map[string][]float64

func (s scalars) WriteScalar(run, tag string, step int64, v float64) error {
	s[run+"/"+tag] = append(s[run+"/"+tag], v)
	return nil
}
func (s scalars) Flush() error { return nil }

func TestTensorBoardHook(t *testing.T) {
	m := compiledBlobModel(t)
	x, y := blobs(64, 4, 1)
	w := scalars{}
	if _, err := m.Fit(context.Background(), Arrays(x, y), Epochs(2), Verbose(0), ValidationData(Arrays(x, y)), Callbacks(TensorBoard(w, 1))); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"train/epoch_loss", "validation/epoch_loss", "train/epoch_accuracy", "train/epoch_learning_rate"} {
		if len(w[k]) != 2 {
			t.Errorf("%s: %v", k, w[k])
		}
	}
	if len(w["train/batch_loss"]) != 4 {
		t.Errorf("batch_loss %v", w["train/batch_loss"])
	}
}

// block is a struct model whose sub-layers sit in interface fields, and a slice of them.
type block struct {
	In    nn.Layer
	Stack []nn.Layer
	Head  *nn.DenseLayer // a concrete type: the summary cannot stand in for it
}

func (b *block) Name() string { return "block" }
func (b *block) Call(ctx nn.Context, in ...*tensor.Tensor) []*tensor.Tensor {
	x := nn.Apply(b.In, ctx, in[0])
	x = nn.Sequence(ctx, x, b.Stack...)
	return []*tensor.Tensor{nn.Apply(b.Head, ctx, x)}
}
func (b *block) Weights() []*autodiff.Variable {
	ws := b.In.Weights()
	for _, l := range b.Stack {
		ws = append(ws, l.Weights()...)
	}
	return append(ws, b.Head.Weights()...)
}
func (b *block) Losses() []*tensor.Tensor { return nil }
func (b *block) Config() map[string]any   { return map[string]any{"name": "block"} }

// The summary of a struct model traces its Call to show the output shapes of the sub-layers
// it can stand in for, and leaves the struct as it was.
func TestStructSummaryShapes(t *testing.T) {
	in := nn.Dense(8, nn.WithName("in"))
	b := &block{In: in, Stack: []nn.Layer{nn.Reshape([]int{2, 4}, nn.WithName("reshape")), nn.Flatten(nn.WithName("flatten"))}, Head: nn.Dense(3, nn.WithName("head"))}
	m, err := FromLayer(b, []*Symbolic{Input(5)})
	if err != nil {
		t.Fatal(err)
	}
	var s strings.Builder
	if err := m.Summary(&s); err != nil {
		t.Fatal(err)
	}
	golden(t, "struct_fields.summary", s.String())
	if b.In != in || len(b.Stack) != 2 {
		t.Errorf("the struct's fields were not restored: %T", b.In)
	}
	for _, l := range b.Stack {
		if _, ok := l.(*recorder); ok {
			t.Errorf("the struct's slice still holds a recorder")
		}
	}
	out, err := m.PredictOnBatch(tensor.Ones(6, 4, 5))
	if err != nil || !out[0].Shape().Equal([]int{4, 3}) {
		t.Errorf("predict after the summary: %v %v", out, err)
	}
}
