package nn_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

type attCase struct {
	Name          string         `json:"name"`
	Layer         string         `json:"layer"`
	Args          map[string]any `json:"args"`
	Weights       []*rnnJSON     `json:"weights"`
	Inputs        []*rnnJSON     `json:"inputs"`
	Outputs       []*rnnJSON     `json:"outputs"`
	AttentionMask *rnnJSON       `json:"attention_mask"`
	QueryMask     *rnnJSON       `json:"query_mask"`
	ValueMask     *rnnJSON       `json:"value_mask"`
}

func attNum(a map[string]any, k string) int { f, _ := a[k].(float64); return int(f) }

func attFlag(a map[string]any, k string) bool { b, _ := a[k].(bool); return b }

// attMake returns the layer a case of attention.json describes, in float64.
func attMake(c *attCase) nn.Layer {
	a := c.Args
	opts := []nn.Option{nn.WithDType(dtype.Float64)}
	switch c.Layer {
	case "MultiHeadAttention":
		if v := attNum(a, "value_dim"); v > 0 {
			opts = append(opts, nn.WithValueDim(v))
		}
		if v := attNum(a, "output_shape"); v > 0 {
			opts = append(opts, nn.WithOutputShape(v))
		}
		if axes, ok := a["attention_axes"]; ok {
			opts = append(opts, nn.WithAttentionAxes(ints(axes)...))
		}
		opts = append(opts, nn.WithUseCausalMask(attFlag(a, "use_causal_mask")), nn.WithReturnAttentionScores(true))
		return nn.MultiHeadAttention(attNum(a, "num_heads"), attNum(a, "key_dim"), opts...)
	case "Attention", "AdditiveAttention":
		opts = append(opts, nn.WithUseScale(attFlag(a, "use_scale")), nn.WithUseCausalMask(attFlag(a, "use_causal_mask")),
			nn.WithReturnAttentionScores(true))
		if c.Layer == "AdditiveAttention" {
			return nn.AdditiveAttention(opts...)
		}
		return nn.Attention(append(opts, nn.WithScoreMode(a["score_mode"].(string)))...)
	case "TransformerEncoder":
		return nn.TransformerEncoder(attNum(a, "intermediate_dim"), attNum(a, "num_heads"),
			nn.WithDType(dtype.Float64), nn.WithNormalizeFirst(attFlag(a, "normalize_first")))
	}
	panic("unknown layer " + c.Layer)
}

// TestAttentionOracle compares MultiHeadAttention (self- and cross-attention, key and value
// sizes, masks, causal masking, attention axes, value_dim and output_shape), Attention,
// AdditiveAttention and TransformerEncoder with PyTorch (testdata/attention.json, made by
// testdata/gen_attention.py).
func TestAttentionOracle(t *testing.T) {
	cases := rnnLoad[*attCase](t, "testdata/attention.json")
	if len(cases) < 12 {
		t.Fatalf("only %d cases in testdata/attention.json", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			l := attMake(c)
			inputs := make([]*tensor.Tensor, len(c.Inputs))
			for i, x := range c.Inputs {
				inputs[i] = x.tensor()
			}
			if c.AttentionMask != nil {
				inputs = append(inputs, c.AttentionMask.bools())
			}
			var masks []*tensor.Tensor
			if c.QueryMask != nil || c.ValueMask != nil {
				masks = []*tensor.Tensor{nil, nil}
				if c.QueryMask != nil {
					masks[0] = c.QueryMask.bools()
				}
				if c.ValueMask != nil {
					masks[1] = c.ValueMask.bools()
				}
			}
			// Build with a first call, then load the weights and call again.
			call := func() []*tensor.Tensor { return l.(nn.MaskedCaller).CallMasked(nn.Inference, masks, inputs...) }
			call()
			ws := make([]*tensor.Tensor, len(c.Weights))
			for i, w := range c.Weights {
				ws[i] = w.tensor()
			}
			if err := nn.SetWeights(l, ws...); err != nil {
				t.Fatal(err)
			}
			out := call()
			if len(out) != len(c.Outputs) {
				t.Fatalf("%d outputs, want %d", len(out), len(c.Outputs))
			}
			for i, want := range c.Outputs {
				w := want.tensor()
				if !out[i].Shape().Equal(w.Shape()) {
					t.Fatalf("output %d: shape %v, want %v", i, out[i].Shape(), w.Shape())
				}
				if d, _ := tensor.MaxDiff(out[i].Detach(), w); !(d < 1e-11) {
					t.Errorf("output %d differs from PyTorch by %g", i, d)
				}
			}
		})
	}
}

// TestAttentionEagerCompiledParity compiles attention layers' outputs and gradients with the
// batch and both sequence lengths unknown and compares them with eager calls for two sets of
// sizes, traced once.
func TestAttentionEagerCompiledParity(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	cases := []struct {
		name  string
		l     nn.Layer
		cross bool // query and value of different lengths
		mask  bool // a padding mask of the value
	}{
		{"mha_causal", nn.MultiHeadAttention(2, 3, f64, nn.WithUseCausalMask(true)), false, false},
		{"mha_cross_masked", nn.MultiHeadAttention(3, 2, f64, nn.WithValueDim(4), nn.WithOutputShape(5)), true, true},
		{"attention_concat", nn.Attention(f64, nn.WithScoreMode("concat"), nn.WithUseScale(true)), true, true},
		{"additive_causal", nn.AdditiveAttention(f64, nn.WithUseCausalMask(true)), false, true},
		{"transformer_encoder", nn.TransformerEncoder(8, 2, f64), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := func(q, v, vm *tensor.Tensor) []*tensor.Tensor {
				q, v = autodiff.Watch(q), autodiff.Watch(v)
				inputs := []*tensor.Tensor{q, v}
				var masks []*tensor.Tensor
				if c.name == "transformer_encoder" {
					inputs = inputs[:1]
					masks = []*tensor.Tensor{vm}
				} else if c.mask {
					masks = []*tensor.Tensor{nil, vm}
				}
				out := c.l.(nn.MaskedCaller).CallMasked(nn.Inference, masks, inputs...)[0]
				loss := ops.Sum(ops.Mul(out, out))
				xs := []*tensor.Tensor{q, v}
				for _, w := range c.l.Weights() {
					xs = append(xs, w.Value())
				}
				return append([]*tensor.Tensor{out}, autodiff.Grad(loss, xs...)...)
			}
			spec := func(dt dtype.DType, dims ...int) core.Spec { return core.Spec{DType: dt, Shape: dims} }
			compiled := graph.Compile(func(q, v, vm *tensor.Tensor) []*tensor.Tensor { return fn(q, v, vm) },
				graph.InputSpecs(spec(dtype.Float64, -1, -1, 4), spec(dtype.Float64, -1, -1, 4), spec(dtype.Bool, -1, -1)))
			for i, d := range [][3]int{{2, 3, 5}, {3, 6, 4}} {
				b, tq, tv := d[0], d[1], d[2]
				if !c.cross {
					tv = tq
				}
				q := ops.Cast(tensor.RandomNormal(uint64(i+1), b, tq, 4), dtype.Float64)
				v := ops.Cast(tensor.RandomNormal(uint64(i+11), b, tv, 4), dtype.Float64)
				if !c.cross {
					v = q
				}
				vm := ops.Greater(tensor.RandomUniform(uint64(i+21), b, tv), tensor.Scalar(float32(0.3)))
				vm = ops.LogicalOr(vm, ops.Less(ops.Cumsum(tensor.Ones(dtype.Float32, b, tv), 1), tensor.Scalar(float32(1.5))))
				want := fn(q, v, vm)
				got, err := compiled.Call(q, v, vm)
				if err != nil {
					t.Fatal(err)
				}
				for j := range want {
					if want[j] == nil {
						continue
					}
					if d, _ := tensor.MaxDiff(got[j], want[j].Detach()); !(d < 1e-10) {
						t.Errorf("sizes %v, result %d: compiled and eager differ by %g", d, j, d)
					}
				}
			}
			if n := compiled.Traces(); n != 1 {
				t.Errorf("traced %d times, want 1", n)
			}
		})
	}
}

// TestAttentionGradcheck checks the gradients of MultiHeadAttention (causal self-attention
// and cross-attention with a value mask) and AdditiveAttention with respect to their inputs by
// finite differences in float64.
func TestAttentionGradcheck(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	self := nn.MultiHeadAttention(2, 2, f64, nn.WithUseCausalMask(true))
	cross := nn.MultiHeadAttention(2, 3, f64, nn.WithValueDim(2))
	add := nn.AdditiveAttention(f64)
	q := ops.Cast(tensor.RandomNormal(1, 2, 3, 4), dtype.Float64)
	v := ops.Cast(tensor.RandomNormal(2, 2, 4, 4), dtype.Float64)
	vm := tensor.FromSlice([]bool{true, true, true, false, true, false, true, true}, 2, 4)
	f := func(xs []*tensor.Tensor) *tensor.Tensor {
		y := nn.Apply(self, nn.Inference, xs[0]) // one input: self-attention
		y = cross.CallMasked(nn.Inference, []*tensor.Tensor{nil, vm}, ops.Add(y, xs[0]), xs[1])[0]
		y = add.Call(nn.Inference, y, xs[1])[0]
		return ops.Sum(ops.Mul(y, y))
	}
	if err := gradcheck.Check(f, []*tensor.Tensor{q, v}, gradcheck.Tolerance(1e-7, 1e-6)); err != nil {
		t.Fatal(err)
	}
}

// TestAttentionMasks checks masking behaviour: a query with no valid key gives zero weights
// (not NaN), masked keys get zero weight, the causal mask is lower triangular, and the padding
// masks of CallMasked equal an explicit attention mask.
func TestAttentionMasks(t *testing.T) {
	mha := nn.MultiHeadAttention(2, 3, nn.WithReturnAttentionScores(true))
	x := tensor.RandomNormal(1, 2, 4, 6)
	none := tensor.Zeros(dtype.Bool, 2, 4, 4)
	out := mha.Call(nn.Inference, x, x, none)
	for _, v := range out[1].Float32s() {
		if v != 0 {
			t.Fatalf("fully masked weights %v, want zeros", out[1])
		}
	}
	for _, v := range out[0].Float32s() {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN output with every key masked")
		}
	}
	vm := tensor.FromSlice([]bool{true, true, false, true, true, true, true, false}, 2, 4)
	viaMasks := mha.CallMasked(nn.Inference, []*tensor.Tensor{nil, vm}, x, x)
	am := ops.LogicalAnd(tensor.Ones(dtype.Bool, 2, 4, 4), ops.Unsqueeze(vm, 1))
	explicit := mha.Call(nn.Inference, x, x, am)
	if !tensor.AllClose(viaMasks[0], explicit[0], 1e-6, 1e-6) || !tensor.AllClose(viaMasks[1], explicit[1], 1e-6, 1e-6) {
		t.Error("value mask and explicit attention mask differ")
	}
	w := viaMasks[1] // [2, heads, 4, 4]
	for h := 0; h < 2; h++ {
		for i := 0; i < 4; i++ {
			if w.At(0, h, i, 2) != 0 || w.At(1, h, i, 3) != 0 {
				t.Fatal("a masked key has weight")
			}
		}
	}
	causal := nn.MultiHeadAttention(1, 2, nn.WithUseCausalMask(true), nn.WithReturnAttentionScores(true))
	cw := causal.Call(nn.Inference, x, x)[1]
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			if (j > i) != (cw.At(0, 0, i, j) == 0) {
				t.Fatalf("causal weights %v", cw)
			}
		}
	}
	// Attention's query mask zeroes the outputs of masked queries.
	att := nn.Attention()
	qm := tensor.FromSlice([]bool{true, false, true, true, true, true, true, true}, 2, 4)
	y := att.CallMasked(nn.Inference, []*tensor.Tensor{qm, vm}, x, x)[0]
	if s := ops.Sum(ops.Abs(ops.SliceAxis(ops.SliceAxis(y, 0, 0, 1, 1), 1, 1, 2, 1))).Item(); s != 0 {
		t.Errorf("masked query output sums to %v", s)
	}
}

// TestAttentionParams checks weight names, shapes and parameter counts.
func TestAttentionParams(t *testing.T) {
	mha := nn.MultiHeadAttention(4, 8, nn.WithValueDim(6))
	if _, err := nn.OutputSpecs(mha, nn.Inference, core.Spec{DType: dtype.Float32, Shape: []int{-1, -1, 16}},
		core.Spec{DType: dtype.Float32, Shape: []int{-1, -1, 12}}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range mha.Weights() {
		names = append(names, fmt.Sprint(w.Name(), w.Shape()))
	}
	want := "multi_head_attention/query/kernel[16 4 8] multi_head_attention/query/bias[4 8] " +
		"multi_head_attention/key/kernel[12 4 8] multi_head_attention/key/bias[4 8] " +
		"multi_head_attention/value/kernel[12 4 6] multi_head_attention/value/bias[4 6] " +
		"multi_head_attention/attention_output/kernel[4 6 16] multi_head_attention/attention_output/bias[16]"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("weights\n%s\nwant\n%s", got, want)
	}
	if got, want := nn.CountParams(mha), 16*32+32+12*32+32+12*24+24+24*16+16; got != want {
		t.Errorf("%d params, want %d", got, want)
	}
	enc := nn.TransformerEncoder(32, 4)
	if err := nn.Build(enc, []int{-1, -1, 16}); err != nil {
		t.Fatal(err)
	}
	// Attention 4·(16·16+16), two norms 2·2·16, feed-forward 16·32+32 + 32·16+16.
	if got, want := nn.CountParams(enc), 4*(16*16+16)+4*16+16*32+32+32*16+16; got != want {
		t.Errorf("TransformerEncoder: %d params, want %d", got, want)
	}
	if got := enc.Weights()[0].Name(); got != "transformer_encoder/self_attention/query/kernel" {
		t.Errorf("first weight %q", got)
	}
	add := nn.AdditiveAttention()
	nn.OutputSpecs(add, nn.Inference, core.Spec{DType: dtype.Float32, Shape: []int{-1, 3, 5}}, core.Spec{DType: dtype.Float32, Shape: []int{-1, 4, 5}})
	if got := nn.CountParams(add); got != 5 {
		t.Errorf("AdditiveAttention: %d params, want 5", got)
	}
}

// TestAttentionDropout checks that attention dropout acts only while training and is
// reproducible per step.
func TestAttentionDropout(t *testing.T) {
	mha := nn.MultiHeadAttention(2, 4, nn.WithDropout(0.5))
	x := tensor.RandomNormal(3, 2, 5, 8)
	inf1, inf2 := nn.Apply(mha, nn.Inference, x), nn.Apply(mha, nn.Inference, x)
	ctx := func(s int64) nn.Context { return nn.Context{Training: true, Step: tensor.Scalar(s)} }
	a, b, c := nn.Apply(mha, ctx(3), x), nn.Apply(mha, ctx(3), x), nn.Apply(mha, ctx(4), x)
	if !tensor.AllClose(inf1, inf2, 0, 0) || !tensor.AllClose(a, b, 0, 0) {
		t.Error("not reproducible")
	}
	if tensor.AllClose(a, inf1, 1e-6, 1e-6) || tensor.AllClose(a, c, 1e-6, 1e-6) {
		t.Error("dropout does not act while training, or not per step")
	}
}

// TestAttentionErrors checks that misuse panics with a *core.Error naming the layer.
func TestAttentionErrors(t *testing.T) {
	x := tensor.Zeros(dtype.Float32, 2, 3, 4)
	cases := []struct {
		name, want string
		fn         func()
	}{
		{"heads", "num_heads", func() { nn.MultiHeadAttention(0, 2) }},
		{"inputs", `"multi_head_attention"`, func() { nn.MultiHeadAttention(2, 2).Call(nn.Inference) }},
		{"rank", "rank", func() { nn.MultiHeadAttention(2, 2).Call(nn.Inference, tensor.Zeros(dtype.Float32, 3, 4), x) }},
		{"features", "built for", func() {
			m := nn.MultiHeadAttention(2, 2)
			m.Call(nn.Inference, x, x)
			m.Call(nn.Inference, tensor.Zeros(dtype.Float32, 2, 3, 5), x)
		}},
		{"score_mode", "score_mode", func() { nn.Attention(nn.WithScoreMode("general")) }},
		{"attention_mask", "attention mask", func() { nn.Attention().Call(nn.Inference, x, x, tensor.Ones(dtype.Bool, 2, 3, 3)) }},
		{"divisible", "divisible", func() { nn.Apply(nn.TransformerEncoder(8, 3), nn.Inference, x) }},
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

// ExampleMultiHeadAttention runs causal self-attention over a batch of sequences.
func ExampleMultiHeadAttention() {
	mha := nn.MultiHeadAttention(4, 16, nn.WithUseCausalMask(true), nn.WithReturnAttentionScores(true))
	x := tensor.Ones(dtype.Float32, 2, 10, 64) // [batch, time, features]
	out := mha.Call(nn.Inference, x, x)        // query, value (key = value)
	fmt.Println(out[0].Shape(), out[1].Shape())
	fmt.Println(nn.CountParams(mha))
	// Output:
	// [2 10 64] [2 4 10 10]
	// 16640
}

// ExampleTransformerEncoder applies a Transformer encoder block.
func ExampleTransformerEncoder() {
	enc := nn.TransformerEncoder(128, 4)
	y := nn.Apply(enc, nn.Inference, tensor.Ones(dtype.Float32, 2, 7, 32))
	fmt.Println(y.Shape(), len(enc.Weights()))
	// Output:
	// [2 7 32] 16
}
