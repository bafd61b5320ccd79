package nn_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// rnnJSON is a tensor in the generators' JSON files (bool masks are stored as 0/1).
type rnnJSON struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (j *rnnJSON) tensor() *tensor.Tensor {
	if len(j.Shape) == 0 {
		return tensor.Scalar(j.Data[0])
	}
	return tensor.FromSlice(append([]float64{}, j.Data...), j.Shape...)
}

func (j *rnnJSON) bools() *tensor.Tensor {
	b := make([]bool, len(j.Data))
	for i, v := range j.Data {
		b[i] = v != 0
	}
	return tensor.FromSlice(b, j.Shape...)
}

type rnnCase struct {
	Name  string         `json:"name"`
	Layer string         `json:"layer"`
	Cell  string         `json:"cell"`
	Units int            `json:"units"`
	Args  map[string]any `json:"args"`
	rnnData
}

// rnnData is what an oracle case gives a recurrent layer and what PyTorch computed from it.
type rnnData struct {
	Weights []*rnnJSON `json:"weights"`
	Input   *rnnJSON   `json:"input"`
	States  []*rnnJSON `json:"states"`
	Mask    *rnnJSON   `json:"mask"`
	Outputs []*rnnJSON `json:"outputs"`
}

// check builds l for the case's input, sets its weights, calls it on the input, mask and
// initial states and compares every output with PyTorch's (within 1e-12, float64).
func (c *rnnData) check(t *testing.T, l nn.Layer) {
	t.Helper()
	x := c.Input.tensor()
	inputs := []*tensor.Tensor{x}
	if c.Mask != nil {
		inputs = append(inputs, c.Mask.bools())
	}
	for _, s := range c.States {
		inputs = append(inputs, s.tensor())
	}
	if err := nn.Build(l, x.Shape()); err != nil {
		t.Fatal(err)
	}
	ws := make([]*tensor.Tensor, len(c.Weights))
	for i, w := range c.Weights {
		ws[i] = w.tensor()
	}
	if err := nn.SetWeights(l, ws...); err != nil {
		t.Fatal(err)
	}
	out := l.Call(nn.Inference, inputs...)
	if len(out) != len(c.Outputs) {
		t.Fatalf("%d outputs, want %d", len(out), len(c.Outputs))
	}
	for i, want := range c.Outputs {
		if !out[i].Shape().Equal(want.tensor().Shape()) {
			t.Fatalf("output %d: shape %v, want %v", i, out[i].Shape(), want.Shape)
		}
		if d, _ := tensor.MaxDiff(out[i].Detach(), want.tensor()); !(d <= 1e-12) {
			t.Errorf("output %d differs from PyTorch by %g", i, d)
		}
	}
}

func rnnLoad[C any](t *testing.T, file string) []C {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []C `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

// rnnMake returns the recurrent layer a case of rnn.json describes, in float64.
func rnnMake(kind string, units int, a map[string]any) nn.Layer {
	opts := []nn.Option{nn.WithDType(dtype.Float64)}
	flag := func(k string) bool { b, _ := a[k].(bool); return b }
	if _, ok := a["return_sequences"]; ok {
		opts = append(opts, nn.WithReturnSequences(flag("return_sequences")))
	}
	if flag("return_state") {
		opts = append(opts, nn.WithReturnState(true))
	}
	if flag("go_backwards") {
		opts = append(opts, nn.WithGoBackwards(true))
	}
	if v, ok := a["reset_after"]; ok {
		opts = append(opts, nn.WithResetAfter(v.(bool)))
	}
	switch kind {
	case "SimpleRNN":
		return nn.SimpleRNN(units, opts...)
	case "LSTM":
		return nn.LSTM(units, opts...)
	case "GRU":
		return nn.GRU(units, opts...)
	}
	panic("unknown layer " + kind)
}

// TestRNNOracle compares SimpleRNN, LSTM, GRU and Bidirectional with PyTorch's modules
// (testdata/rnn.json, made by testdata/gen_rnn.py): sequences, last outputs, final states,
// go_backwards, initial states, both GRU formulations, merge modes and masking.
func TestRNNOracle(t *testing.T) {
	cases := rnnLoad[*rnnCase](t, "testdata/rnn.json")
	if len(cases) < 10 {
		t.Fatalf("only %d cases in testdata/rnn.json", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var l nn.Layer
			if c.Layer == "Bidirectional" {
				l = nn.Bidirectional(rnnMake(c.Cell, c.Units, c.Args).(*nn.RNNLayer),
					nn.WithMergeMode(c.Args["merge_mode"].(string)))
			} else {
				l = rnnMake(c.Layer, c.Units, c.Args)
			}
			c.check(t, l)
		})
	}
}

// TestRNNParamCounts checks the parameter counts against Keras's formulas and the weight names
// and layouts.
func TestRNNParamCounts(t *testing.T) {
	const in, u = 5, 7
	cases := []struct {
		l    nn.Layer
		want int
	}{
		{nn.SimpleRNN(u), in*u + u*u + u},
		{nn.LSTM(u), 4 * (u*(in+u) + u)},
		{nn.GRU(u), 3 * (u*(in+u) + 2*u)},
		{nn.GRU(u, nn.WithResetAfter(false)), 3 * (u*(in+u) + u)},
		{nn.LSTM(u, nn.WithUseBias(false)), 4 * u * (in + u)},
		{nn.Bidirectional(nn.LSTM(u)), 2 * 4 * (u*(in+u) + u)},
		{nn.TimeDistributed(nn.Dense(u)), in*u + u},
	}
	for _, c := range cases {
		if err := nn.Build(c.l, []int{-1, -1, in}); err != nil {
			t.Fatalf("%s: %v", c.l.Name(), err)
		}
		if got := nn.CountParams(c.l); got != c.want {
			t.Errorf("%s: %d params, want %d", c.l.Name(), got, c.want)
		}
	}
	l := nn.LSTM(3)
	if err := nn.Build(l, []int{-1, 4, 2}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range l.Weights() {
		names = append(names, fmt.Sprint(w.Name(), w.Shape()))
	}
	if got, want := strings.Join(names, " "), "lstm/lstm_cell/kernel[2 12] lstm/lstm_cell/recurrent_kernel[3 12] lstm/lstm_cell/bias[12]"; got != want {
		t.Errorf("weights %s, want %s", got, want)
	}
	// unit_forget_bias: the f block of the bias starts at one; the recurrent kernel is orthogonal.
	b := l.Weights()[2].Value().Float64s()
	for i, v := range b {
		if want := map[bool]float64{true: 1, false: 0}[i >= 3 && i < 6]; v != want {
			t.Fatalf("initial bias %v, want ones for the forget gate only", b)
		}
	}
	r := l.Weights()[1].Value()
	if !tensor.AllClose(ops.MatMulT(r, r, false, true), tensor.Eye(dtype.Float32, 3), 1e-5, 1e-5) {
		t.Errorf("recurrent kernel rows are not orthonormal: %v", r)
	}
	bi := nn.Bidirectional(nn.GRU(2))
	if err := nn.Build(bi, []int{-1, -1, 3}); err != nil {
		t.Fatal(err)
	}
	if got := bi.Weights()[3].Name(); got != "bidirectional/backward_gru/gru_cell/kernel" {
		t.Errorf("backward kernel named %q", got)
	}
	if tensor.AllClose(bi.Weights()[0].Value(), bi.Weights()[3].Value(), 0, 0) {
		t.Error("forward and backward kernels start equal")
	}
}

// rnnSeqModel computes a loss from a recurrent layer's outputs, with return_state.
func rnnOutputs(l nn.Layer, ctx nn.Context, x *tensor.Tensor, extra ...*tensor.Tensor) []*tensor.Tensor {
	return l.Call(ctx, append([]*tensor.Tensor{x}, extra...)...)
}

// TestRNNEagerCompiledParity compiles each recurrent layer's forward pass and its gradients with
// an unknown batch and an unknown sequence length and checks, for two batch sizes and lengths,
// that one trace serves both, that the loop stays one scan node (plus its backward scan), and
// that outputs and gradients equal the eager ones.
func TestRNNEagerCompiledParity(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	cases := []struct {
		name string
		l    nn.Layer
		mask bool
	}{
		{"simple_rnn", nn.SimpleRNN(3, f64, nn.WithReturnSequences(true), nn.WithReturnState(true)), false},
		{"lstm", nn.LSTM(4, f64, nn.WithReturnSequences(true), nn.WithReturnState(true)), false},
		{"lstm_masked", nn.LSTM(3, f64, nn.WithReturnState(true)), true},
		{"gru_backwards", nn.GRU(3, f64, nn.WithGoBackwards(true), nn.WithReturnState(true)), false},
		{"gru_reset_before", nn.GRU(3, f64, nn.WithResetAfter(false), nn.WithReturnSequences(true)), true},
		{"bidirectional", nn.Bidirectional(nn.LSTM(2, f64, nn.WithReturnSequences(true))), true},
		{"time_distributed", nn.TimeDistributed(nn.Dense(3, f64, nn.WithActivation("tanh"))), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := func(x, mask *tensor.Tensor) []*tensor.Tensor {
				x = autodiff.Watch(x)
				var outs []*tensor.Tensor
				if c.mask {
					outs = rnnOutputs(c.l, nn.Inference, x, mask)
				} else {
					outs = rnnOutputs(c.l, nn.Inference, x)
				}
				loss := ops.Sum(ops.Square(outs[0]))
				for _, o := range outs[1:] {
					loss = ops.Add(loss, ops.Mean(o))
				}
				vars := c.l.Weights()
				xs := []*tensor.Tensor{x}
				for _, v := range vars {
					xs = append(xs, v.Value())
				}
				return append(outs, autodiff.Grad(loss, xs...)...)
			}
			compiled := graph.Compile(func(x, mask *tensor.Tensor) []*tensor.Tensor {
				return fn(x, mask)
			}, graph.InputSpecs(core.Spec{DType: dtype.Float64, Shape: []int{-1, -1, 2}}, core.Spec{DType: dtype.Bool, Shape: []int{-1, -1}}))
			nn.Build(c.l, []int{-1, -1, 2})
			for i, v := range c.l.Weights() {
				v.Assign(ops.Cast(tensor.RandomNormal(uint64(40+i), v.Shape()...), v.DType()))
			}
			for i, dims := range [][2]int{{2, 5}, {3, 8}} {
				x := ops.Cast(tensor.RandomNormal(uint64(i+1), dims[0], dims[1], 2), dtype.Float64)
				mask := ops.Greater(tensor.RandomUniform(uint64(i+7), dims[0], dims[1]), tensor.Scalar(float32(0.3)))
				got, err := compiled.Call(x, mask)
				if err != nil {
					t.Fatal(err)
				}
				want := fn(x, mask)
				if len(got) != len(want) {
					t.Fatalf("%d results compiled, %d eagerly", len(got), len(want))
				}
				for j := range want {
					if d, _ := tensor.MaxDiff(got[j], want[j].Detach()); !(d < 1e-10) {
						t.Errorf("batch %d, length %d, result %d: compiled and eager differ by %g", dims[0], dims[1], j, d)
					}
				}
			}
			if n := compiled.Traces(); n != 1 {
				t.Errorf("traced %d times, want 1", n)
			}
			if c.name == "time_distributed" {
				return
			}
			g, err := compiled.Graph(ops.Cast(tensor.RandomNormal(9, 2, 5, 2), dtype.Float64), tensor.Ones(dtype.Bool, 2, 5))
			if err != nil {
				t.Fatal(err)
			}
			scans, nodes := 0, 0
			for _, n := range g.Nodes {
				nodes++
				if n.Op.Name() == "scan" {
					scans++
				}
			}
			want := 2
			if c.name == "bidirectional" {
				want = 4
			}
			if scans != want {
				t.Errorf("%d scan nodes in %d nodes, want %d (a forward and a backward scan per direction)", scans, nodes, want)
			}
		})
	}
}

// TestLSTMGradcheck checks the gradients of a small LSTM with respect to its input, initial
// states and weights against finite differences in float64.
func TestLSTMGradcheck(t *testing.T) {
	l := nn.LSTM(3, nn.WithDType(dtype.Float64), nn.WithReturnSequences(true), nn.WithReturnState(true))
	x := ops.Cast(tensor.RandomNormal(1, 2, 4, 2), dtype.Float64)
	h0 := ops.MulScalar(ops.Cast(tensor.RandomNormal(2, 2, 3), dtype.Float64), 0.5)
	c0 := ops.MulScalar(ops.Cast(tensor.RandomNormal(3, 2, 3), dtype.Float64), 0.5)
	mask := tensor.FromSlice([]bool{true, true, false, true, true, false, true, true}, 2, 4)
	loss := func(xs []*tensor.Tensor) *tensor.Tensor {
		out := l.Call(nn.Inference, xs[0], mask, xs[1], xs[2])
		return ops.Add(ops.Sum(ops.Mul(out[0], out[0])), ops.Sum(ops.Mul(out[2], out[1])))
	}
	if err := gradcheck.Check(loss, []*tensor.Tensor{x, h0, c0}, gradcheck.Tolerance(1e-7, 1e-6)); err != nil {
		t.Fatal(err)
	}
	checkWeightGrads(t, func() *tensor.Tensor { return loss([]*tensor.Tensor{x, h0, c0}) }, l.Weights())
}

// TestLSTMMasking checks Keras's masking rule: trailing masked steps leave the output and the
// states as after the last valid step, a masked step in the middle is skipped, an explicit mask
// input and CallMasked agree, and the output mask of return_sequences is the input's.
func TestLSTMMasking(t *testing.T) {
	l := nn.LSTM(3, nn.WithReturnState(true), nn.WithSeed(4))
	x := tensor.RandomNormal(1, 2, 6, 2)
	mask := tensor.FromSlice([]bool{
		true, true, true, true, false, false,
		true, false, true, true, true, false}, 2, 6)
	got := l.Call(nn.Inference, x, mask)
	// Row 0 equals the layer on its first 4 steps; row 1 on steps 0, 2, 3, 4.
	x0 := ops.SliceAxis(ops.SliceAxis(x, 0, 0, 1, 1), 1, 0, 4, 1)
	x1 := ops.Gather(ops.SliceAxis(x, 0, 1, 2, 1), tensor.FromSlice([]int64{0, 2, 3, 4}, 4), 1)
	for row, xr := range []*tensor.Tensor{x0, x1} {
		want := l.Call(nn.Inference, xr)
		for i := range want {
			g := ops.SliceAxis(got[i], 0, row, row+1, 1)
			if !tensor.AllClose(g, want[i], 1e-6, 1e-6) {
				t.Errorf("row %d, result %d: masked %v, truncated %v", row, i, g, want[i])
			}
		}
	}
	viaMasks := l.CallMasked(nn.Inference, []*tensor.Tensor{mask}, x)
	if !tensor.AllClose(viaMasks[0], got[0], 0, 0) {
		t.Error("CallMasked differs from the explicit mask input")
	}
	seq := nn.LSTM(3, nn.WithReturnSequences(true))
	if m := seq.OutputMask([]*tensor.Tensor{mask}, x); m != mask {
		t.Error("return_sequences does not pass the mask on")
	}
	if m := l.OutputMask([]*tensor.Tensor{mask}, x); m != nil {
		t.Error("a last-output layer passes a mask on")
	}
	// Embedding with mask_zero feeding an LSTM: padded ids change nothing.
	emb := nn.Embedding(10, 4, nn.WithMaskZero(true))
	ids := tensor.FromSlice([]int64{3, 5, 0, 0, 7, 1, 2, 0}, 2, 4)
	lstm := nn.LSTM(2)
	e := nn.Apply(emb, nn.Inference, ids)
	out := lstm.CallMasked(nn.Inference, []*tensor.Tensor{emb.ComputeMask(ids)}, e)[0]
	short := lstm.Call(nn.Inference, ops.SliceAxis(ops.SliceAxis(e, 0, 0, 1, 1), 1, 0, 2, 1))[0]
	if !tensor.AllClose(ops.SliceAxis(out, 0, 0, 1, 1), short, 1e-6, 1e-6) {
		t.Errorf("padded sequence %v, unpadded %v", out, short)
	}
}

// TestRNNDropout checks that dropout and recurrent dropout act only while training, give the
// same result for the same step and differ between steps.
func TestRNNDropout(t *testing.T) {
	plain := nn.GRU(4, nn.WithName("g"))
	drop := nn.GRU(4, nn.WithName("g"), nn.WithDropout(0.3), nn.WithRecurrentDropout(0.3))
	x := tensor.RandomNormal(1, 3, 5, 2)
	want := nn.Apply(plain, nn.Inference, x)
	if got := nn.Apply(drop, nn.Inference, x); !tensor.AllClose(got, want, 0, 0) {
		t.Error("dropout acts at inference")
	}
	step := func(s int64) nn.Context { return nn.Context{Training: true, Step: tensor.Scalar(s)} }
	a, b, c := nn.Apply(drop, step(1), x), nn.Apply(drop, step(1), x), nn.Apply(drop, step(2), x)
	if !tensor.AllClose(a, b, 0, 0) {
		t.Error("the same step gives different masks")
	}
	if tensor.AllClose(a, c, 1e-6, 1e-6) || tensor.AllClose(a, want, 1e-6, 1e-6) {
		t.Error("dropout changes nothing between steps")
	}
	// Compiled with the step as an argument: the same masks as eagerly, one trace.
	lstm := nn.LSTM(3, nn.WithDropout(0.2), nn.WithRecurrentDropout(0.4), nn.WithReturnSequences(true))
	fn := graph.Compile(func(x, s *tensor.Tensor) *tensor.Tensor {
		return nn.Apply(lstm, nn.Context{Training: true, Step: s}, x)
	}, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: []int{-1, -1, 2}}, core.Spec{DType: dtype.Int64, Shape: []int{}}))
	for _, s := range []int64{1, 2} {
		got, err := fn.Call(x, tensor.Scalar(s))
		if err != nil {
			t.Fatal(err)
		}
		if want := nn.Apply(lstm, step(s), x); !tensor.AllClose(got[0], want, 1e-6, 1e-6) {
			t.Errorf("step %d: compiled dropout differs from eager", s)
		}
	}
	if fn.Traces() != 1 {
		t.Errorf("traced %d times", fn.Traces())
	}
}

// TestRNNErrors checks that misuse panics with a *core.Error naming the layer.
func TestRNNErrors(t *testing.T) {
	cases := []struct {
		name, want string
		fn         func()
	}{
		{"rank", `"lstm"`, func() { nn.Apply(nn.LSTM(2), nn.Inference, tensor.Zeros(dtype.Float32, 2, 3)) }},
		{"states", "initial states", func() {
			nn.LSTM(2).Call(nn.Inference, tensor.Zeros(dtype.Float32, 2, 3, 4), tensor.Zeros(dtype.Float32, 2, 2))
		}},
		{"state_shape", "initial state 0", func() {
			nn.GRU(2).Call(nn.Inference, tensor.Zeros(dtype.Float32, 2, 3, 4), tensor.Zeros(dtype.Float32, 2, 3))
		}},
		{"mask", "mask", func() {
			nn.GRU(2).Call(nn.Inference, tensor.Zeros(dtype.Float32, 2, 3, 4), tensor.Ones(dtype.Bool, 2, 4))
		}},
		{"units", "units", func() { nn.SimpleRNN(0) }},
		{"option", "reset_after", func() { nn.LSTM(2, nn.WithResetAfter(false)) }},
		{"merge_mode", "merge_mode", func() { nn.Bidirectional(nn.LSTM(2), nn.WithMergeMode("max")) }},
		{"time_distributed", "rank >= 3", func() { nn.Apply(nn.TimeDistributed(nn.Dense(2)), nn.Inference, tensor.Zeros(dtype.Float32, 2, 3)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := core.Catch(c.fn)
			var ce *core.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *core.Error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestTimeDistributed checks TimeDistributed(Dense) against Dense on the whole sequence and
// TimeDistributed(Conv2D) against per-step calls, with unknown batch and time when compiled.
func TestTimeDistributed(t *testing.T) {
	d := nn.Dense(3)
	td := nn.TimeDistributed(d)
	x := tensor.RandomNormal(1, 2, 4, 5)
	if got, want := nn.Apply(td, nn.Inference, x), nn.Apply(d, nn.Inference, x); !tensor.AllClose(got, want, 1e-6, 1e-6) {
		t.Errorf("TimeDistributed(Dense) %v, Dense %v", got, want)
	}
	if d.Name() != "time_distributed/dense" {
		t.Errorf("inner layer named %q", d.Name())
	}
	conv := nn.TimeDistributed(nn.Conv2D(2, 3, nn.WithPadding("same")))
	imgs := tensor.RandomNormal(2, 2, 3, 5, 5, 1)
	out := nn.Apply(conv, nn.Inference, imgs)
	if !out.Shape().Equal([]int{2, 3, 5, 5, 2}) {
		t.Fatalf("shape %v", out.Shape())
	}
	step1 := nn.Apply(conv.Layer(), nn.Inference, ops.Squeeze(ops.SliceAxis(imgs, 1, 1, 2, 1), 1))
	if !tensor.AllClose(ops.Squeeze(ops.SliceAxis(out, 1, 1, 2, 1), 1), step1, 1e-5, 1e-5) {
		t.Error("step 1 differs from a direct call")
	}
	specs, err := nn.OutputSpecs(conv, nn.Inference, core.Spec{DType: dtype.Float32, Shape: []int{-1, -1, 5, 5, 1}})
	if err != nil || !specs[0].Shape.Equal([]int{-1, -1, 5, 5, 2}) {
		t.Errorf("specs %v, %v", specs, err)
	}
}

// rnnTestCell is a user's cell: h = x·w + h/2.
type rnnTestCell struct {
	nn.Base
	w *autodiff.Variable
}

func (c *rnnTestCell) StateSizes() []int { return []int{2} }
func (c *rnnTestCell) OutputSize() int   { return 2 }
func (c *rnnTestCell) BuildCell(in int) {
	c.BuildOnce(func() { c.w = c.AddWeight("w", []int{in, 2}, initializers.RandomNormal(0, 1)) })
}
func (c *rnnTestCell) Step(_ nn.Context, x *tensor.Tensor, s []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	c.BuildCell(x.Dim(-1))
	h := ops.Add(ops.MatMul(x, c.w.Value()), ops.MulScalar(s[0], 0.5))
	return h, []*tensor.Tensor{h}
}
func (c *rnnTestCell) Call(ctx nn.Context, in ...*tensor.Tensor) []*tensor.Tensor {
	out, next := c.Step(ctx, in[0], in[1:])
	return append([]*tensor.Tensor{out}, next...)
}

// TestRNNUserCell runs RNN over a user's cell eagerly and compiled and checks it against a loop.
func TestRNNUserCell(t *testing.T) {
	cell := &rnnTestCell{}
	cell.Init("TestCell", "test_cell")
	l := nn.RNN(cell, nn.WithReturnSequences(true))
	x := tensor.RandomNormal(1, 2, 4, 3)
	got := nn.Apply(l, nn.Inference, x)
	if n := cell.Weights()[0].Name(); n != "rnn/test_cell/w" {
		t.Errorf("cell weight named %q", n)
	}
	h := tensor.Zeros(dtype.Float32, 2, 2)
	for s := 0; s < 4; s++ {
		h, _ = cell.Step(nn.Inference, ops.Squeeze(ops.SliceAxis(x, 1, s, s+1, 1), 1), []*tensor.Tensor{h})
		if !tensor.AllClose(ops.Squeeze(ops.SliceAxis(got, 1, s, s+1, 1), 1), h, 1e-6, 1e-6) {
			t.Fatalf("step %d differs from the loop", s)
		}
	}
	fn := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor { return nn.Apply(l, nn.Inference, x) },
		graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: []int{-1, -1, 3}}))
	out, err := fn.Call(x)
	if err != nil || !tensor.AllClose(out[0], got, 1e-6, 1e-6) {
		t.Errorf("compiled: %v", err)
	}
	if err := core.Catch(func() { nn.Bidirectional(l) }); err == nil {
		t.Error("Bidirectional copied a user's cell")
	}
}

// ExampleLSTM runs an LSTM over a batch of two sequences of three steps.
func ExampleLSTM() {
	lstm := nn.LSTM(4, nn.WithReturnSequences(true), nn.WithReturnState(true))
	x := tensor.Ones(dtype.Float32, 2, 3, 5) // [batch, time, features]
	out := lstm.Call(nn.Inference, x)
	fmt.Println(out[0].Shape(), out[1].Shape(), out[2].Shape()) // sequences, h, c
	fmt.Println(nn.CountParams(lstm))                           // 4·(4·(5+4) + 4)
	// Output:
	// [2 3 4] [2 4] [2 4]
	// 160
}

// ExampleBidirectional wraps a GRU so that it reads the sequence both ways.
func ExampleBidirectional() {
	bi := nn.Bidirectional(nn.GRU(3, nn.WithReturnSequences(true)))
	y := nn.Apply(bi, nn.Inference, tensor.Ones(dtype.Float32, 2, 6, 4))
	fmt.Println(y.Shape()) // forward and backward outputs concatenated
	fmt.Println(bi.Weights()[0].Name())
	// Output:
	// [2 6 6]
	// bidirectional/forward_gru/gru_cell/kernel
}
