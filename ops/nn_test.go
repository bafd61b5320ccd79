package ops_test

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Tests of the neural-network ("nn") family beyond the PyTorch oracle: caller mistakes, edge
// cases, dropout's statistics and reproducibility, and tracing with an unknown batch size.

func nnF64(seed uint64, dims ...int) *tensor.Tensor {
	return tensor.Random(dtype.Float64, tensor.Normal, seed, dims...)
}

func TestNNErrors(t *testing.T) {
	x := tensor.Zeros(dtype.Float32, 2, 3)
	img := tensor.Zeros(dtype.Float32, 1, 4, 4, 2)
	table := tensor.Zeros(dtype.Float32, 5, 3)
	ids := tensor.FromSlice([]int64{1, 7, 2})
	v3 := tensor.Zeros(dtype.Float32, 3)
	cases := map[string]func(){
		"softmax: axis 2 out of range for rank 2":      func() { ops.Softmax(x, 2) },
		"log_softmax: axis -3 out of range for rank 2": func() { ops.LogSoftmax(x, -3) },
		"softmax: axis 0 out of range for rank 0":      func() { ops.Softmax(tensor.Scalar(float32(1)), 0) },

		"dropout: rate 1.5 outside [0, 1]":                   func() { ops.Dropout(x, ops.DropoutParams{Rate: 1.5}) },
		"dropout: rate NaN outside [0, 1]":                   func() { ops.Dropout(x, ops.DropoutParams{Rate: math.NaN()}) },
		"dropout: step is float32[], want an integer scalar": func() { ops.DropoutStep(x, tensor.Scalar(float32(1)), ops.DropoutParams{Rate: 0.5}) },
		"dropout: step is int64[1], want an integer scalar":  func() { ops.DropoutStep(x, tensor.FromSlice([]int64{1}), ops.DropoutParams{Rate: 0.5}) },
		"dropout: step -1 is negative":                       func() { ops.DropoutStep(x, tensor.Scalar(int64(-1)), ops.DropoutParams{Rate: 0.5}) },

		"embedding: id 7 (at flat position 1 of ids [3]) out of range for a vocabulary of 5": func() { ops.Embedding(table, ids) },
		"embedding: id -1 (at flat position 0 of ids [1]) out of range for a vocabulary of 5": func() {
			ops.Embedding(table, tensor.FromSlice([]int32{-1}))
		},
		"embedding: ids are float32, want an integer dtype":                 func() { ops.Embedding(table, x) },
		"embedding: table is a scalar, want shape [vocab, dim...]":          func() { ops.Embedding(tensor.Scalar(1.0), ids) },
		"embedding_grad: gradient has shape [2 3], want [3 3]":              func() { ops.EmbeddingGrad(x, ids, table) },
		"embedding_grad: gradient is float64, table float32":                func() { ops.EmbeddingGrad(tensor.Zeros(dtype.Float64, 3, 3), ids, table) },
		"embedding_grad: id 7 (at flat position 1 of ids [3]) out of range": func() { ops.EmbeddingGrad(tensor.Zeros(dtype.Float32, 3, 3), ids, table) },

		`resize: unknown mode "area" (want nearest, linear or cubic)`: func() { ops.Resize(img, ops.ResizeParams{Mode: "area", Scales: []float64{2}}) },
		`resize: unknown coordinate transform "corners"`:              func() { ops.Resize(img, ops.ResizeParams{CoordinateTransform: "corners", Scales: []float64{2}}) },
		`resize: unknown nearest mode "round"`:                        func() { ops.Resize(img, ops.ResizeParams{NearestMode: "round", Scales: []float64{2}}) },
		"resize: exactly one of scales and sizes must be set":         func() { ops.Resize(img, ops.ResizeParams{}) },
		"resize: exactly one of scales and sizes must be set, got scales [2] and sizes [3]": func() {
			ops.Resize(img, ops.ResizeParams{Scales: []float64{2}, Sizes: []int{3}})
		},
		"resize: scale -1, want a finite number > 0":             func() { ops.Resize(img, ops.ResizeParams{Scales: []float64{-1}}) },
		"resize: output size -2 is negative":                     func() { ops.Resize(img, ops.ResizeParams{Sizes: []int{-2}}) },
		"resize: got 3 scales or sizes for 2 spatial dimensions": func() { ops.Resize(img, ops.ResizeParams{Sizes: []int{1, 2, 3}}) },
		"resize: input has shape [2 3], want rank >= 3":          func() { ops.Resize(x, ops.ResizeParams{Scales: []float64{2}}) },
		"resize: mode linear needs a floating-point input, got int32": func() {
			ops.Resize(tensor.Zeros(dtype.Int32, 1, 2, 2, 1), ops.ResizeParams{Mode: "linear", Scales: []float64{2}})
		},
		"resize: unknown layout Layout(7)": func() { ops.Resize(img, ops.ResizeParams{Scales: []float64{2}, Layout: 7}) },
		"resize: cannot resize the empty dimension 1 of [1 0 4 2] to 3": func() {
			ops.Resize(tensor.Zeros(dtype.Float32, 1, 0, 4, 2), ops.ResizeParams{Sizes: []int{3, 3}})
		},
		"resize_grad: gradient has shape [1 4 4 2], want the resized shape [1 8 8 2] of [1 4 4 2]": func() {
			ops.ResizeGrad(img, img, ops.ResizeParams{Scales: []float64{2}})
		},

		"batch_norm: scale has shape [2], want [3] (one per channel)": func() { ops.BatchNormTraining(x, tensor.Zeros(dtype.Float32, 2), nil, ops.BatchNormParams{}) },
		"batch_norm: offset has shape [3], want [4] (one per channel)": func() {
			ops.BatchNormTraining(tensor.Zeros(dtype.Float32, 2, 4, 3), nil, v3, ops.BatchNormParams{Layout: ops.ChannelsFirst})
		},
		"batch_norm: input has shape [3], want rank >= 2":       func() { ops.BatchNormTraining(v3, nil, nil, ops.BatchNormParams{}) },
		"batch_norm: mean and variance are required":            func() { ops.BatchNorm(x, nil, v3, nil, nil, ops.BatchNormParams{}) },
		"batch_norm: variance has shape [2 3], want [3]":        func() { ops.BatchNorm(x, v3, x, nil, nil, ops.BatchNormParams{}) },
		"batch_norm: epsilon -1, want a finite number >= 0":     func() { ops.BatchNorm(x, v3, v3, nil, nil, ops.BatchNormParams{Epsilon: -1}) },
		"layer_norm: normalizing over the last 3 axes of [2 3]": func() { ops.LayerNorm(x, nil, nil, ops.LayerNormParams{NumAxes: 3}) },
		"layer_norm: scale has shape [2], want one that broadcasts to the normalized shape [3]": func() {
			ops.LayerNorm(x, tensor.Zeros(dtype.Float32, 2), nil, ops.LayerNormParams{})
		},
		"layer_norm: offset has shape [4]": func() { ops.LayerNorm(x, nil, tensor.Zeros(dtype.Float32, 4), ops.LayerNormParams{}) },
		"rms_norm: epsilon NaN":            func() { ops.RMSNorm(x, nil, ops.LayerNormParams{Epsilon: math.NaN()}) },
		"group_norm: 4 groups do not divide 2 channels evenly (input [1 4 4 2])": func() {
			ops.GroupNorm(img, nil, nil, ops.GroupNormParams{Groups: 4})
		},
		"group_norm: 0 groups do not divide 3 channels":        func() { ops.GroupNorm(x, nil, nil, ops.GroupNormParams{}) },
		"group_norm: scale has shape [3], want [2]":            func() { ops.GroupNorm(img, v3, nil, ops.GroupNormParams{Groups: 1}) },
		"instance_norm: input has shape [2 3], want rank >= 3": func() { ops.InstanceNorm(x, nil, nil, ops.GroupNormParams{}) },

		"scaled_dot_product_attention: q [2 3] and k [4 2] have different feature sizes 3 and 2": func() {
			ops.ScaledDotProductAttention(x, tensor.Zeros(dtype.Float32, 4, 2), x, nil, ops.AttentionParams{})
		},
		"scaled_dot_product_attention: k [4 3] and v [2 3] have different lengths 4 and 2": func() {
			ops.ScaledDotProductAttention(x, tensor.Zeros(dtype.Float32, 4, 3), x, nil, ops.AttentionParams{})
		},
		"scaled_dot_product_attention: mask of shape [3 2] does not broadcast to the scores' shape [2 2]": func() {
			ops.ScaledDotProductAttention(x, x, x, tensor.Zeros(dtype.Bool, 3, 2), ops.AttentionParams{})
		},
		"scaled_dot_product_attention: q [3], k [2 3] and v [2 3] must have rank >= 2": func() {
			ops.ScaledDotProductAttention(v3, x, x, nil, ops.AttentionParams{})
		},
		"dropout: rate 2 outside [0, 1]": func() { ops.ScaledDotProductAttention(x, x, x, nil, ops.AttentionParams{DropoutRate: 2}) },
	}
	for want, f := range cases {
		err := core.Catch(f)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
			continue
		}
		if !strings.Contains(err.Error(), "nn_test.go:") {
			t.Errorf("error does not name the caller's line: %v", err)
		}
	}
}

func TestNNDropoutReproducible(t *testing.T) {
	x := nnF64(1, 64, 33)
	p := ops.DropoutParams{Rate: 0.3, Seed: 42, Step: 5}
	a := ops.Dropout(x, p)
	if !tensor.Equal(a, ops.Dropout(x, p)) {
		t.Fatal("the same params gave different masks")
	}
	// The step tensor adds to p.Step.
	if b := ops.DropoutStep(x, tensor.Scalar(int32(3)), ops.DropoutParams{Rate: 0.3, Seed: 42, Step: 2}); !tensor.Equal(a, b) {
		t.Error("DropoutStep with step 2+3 differs from Dropout with step 5")
	}
	for _, q := range []ops.DropoutParams{{Rate: 0.3, Seed: 42, Step: 6}, {Rate: 0.3, Seed: 43, Step: 5}} {
		if tensor.Equal(a, ops.Dropout(x, q)) {
			t.Errorf("params %+v gave the mask of %+v", q, p)
		}
	}
	// The mask depends on positions only: float32 inputs and other GOMAXPROCS give the same one.
	m := ops.DropoutMask(p, 64, 33)
	if got := ops.DropoutMask(p, 64, 33); !tensor.Equal(m, got) {
		t.Error("DropoutMask is not deterministic")
	}
	ones32, ones64 := ops.Dropout(tensor.Ones(dtype.Float32, 64, 33), p), ops.Dropout(tensor.Ones(dtype.Float64, 64, 33), p)
	if !tensor.Equal(ops.Cast(ones32, dtype.Float64), ops.Cast(ops.Cast(ones64, dtype.Float32), dtype.Float64)) {
		t.Error("float32 and float64 inputs got different masks")
	}
	old := runtime.GOMAXPROCS(1)
	one := ops.Dropout(x, p)
	runtime.GOMAXPROCS(old)
	if !tensor.Equal(a, one) {
		t.Error("the mask depends on GOMAXPROCS")
	}
	// A golden mask pins the generator, the stream layout and the threshold: the same seed must
	// give these bits on every machine and in every later release.
	got := ops.DropoutMask(ops.DropoutParams{Rate: 0.5, Seed: 1234}, 24).Float32s()
	want := nnGoldenMask
	if !slices.Equal(got, want) {
		t.Errorf("mask of seed 1234 changed:\n got %v\nwant %v", got, want)
	}
}

// nnGoldenMask is DropoutMask(DropoutParams{Rate: 0.5, Seed: 1234}, 24).
var nnGoldenMask = []float32{1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1}

func TestNNDropoutStatistics(t *testing.T) {
	const n = 200000
	x := tensor.Ones(dtype.Float32, n)
	for _, rate := range []float64{0.1, 0.5, 0.9} {
		y := ops.Dropout(x, ops.DropoutParams{Rate: rate, Seed: 7, Step: 1}).Float64s()
		kept := 0
		for _, v := range y {
			switch {
			case v == 0:
			case float32(v) == float32(1/(1-rate)): // kept elements are scaled by 1/(1-rate)
				kept++
			default:
				t.Fatalf("rate %v: element %v is neither 0 nor 1/(1-rate)", rate, v)
			}
		}
		frac := float64(kept) / n
		// Five standard deviations of the binomial fraction.
		if sd := math.Sqrt(rate * (1 - rate) / n); math.Abs(frac-(1-rate)) > 5*sd {
			t.Errorf("rate %v: kept %.4f of the elements, want %.4f ± %.4f", rate, frac, 1-rate, 5*sd)
		}
		// Inverted dropout keeps the mean.
		mean := 0.0
		for _, v := range y {
			mean += v
		}
		if mean /= n; math.Abs(mean-1) > 5*math.Sqrt(rate/(1-rate)/n) {
			t.Errorf("rate %v: mean %v, want 1", rate, mean)
		}
	}
}

func TestNNDropoutGradientUsesTheMask(t *testing.T) {
	x := nnF64(3, 10, 7)
	p := ops.DropoutParams{Rate: 0.25, Seed: 5}
	w := autodiff.Watch(x)
	y := ops.Dropout(w, p)
	dy := nnF64(4, 10, 7)
	g := autodiff.VJP(y, dy, w)[0]
	want := ops.Mul(ops.Cast(ops.DropoutMask(p, 10, 7), dtype.Float64), ops.MulScalar(dy, 1/(1-p.Rate)))
	if !tensor.AllClose(g, want, 1e-15, 0) {
		t.Errorf("gradient %v, want %v", g, want)
	}
	yv, xv := y.Float64s(), x.Float64s()
	for i, m := range ops.DropoutMask(p, 10, 7).Float64s() {
		// Kept elements are multiplied by the scale 1/(1-rate), computed once.
		if m == 1 && yv[i] != xv[i]*(1/(1-p.Rate)) || m == 0 && yv[i] != 0 {
			t.Fatalf("element %d: mask %v, x %v, y %v", i, m, xv[i], yv[i])
		}
	}
	// Rate 0 is the identity (the same tensor); rate 1 drops everything.
	if ops.Dropout(x, ops.DropoutParams{}) != x {
		t.Error("rate 0 is not the identity")
	}
	if z := ops.Dropout(x, ops.DropoutParams{Rate: 1}); !tensor.Equal(z, tensor.Zeros(dtype.Float64, 10, 7)) {
		t.Errorf("rate 1 gave %v", z)
	}
}

func TestNNEdgeCases(t *testing.T) {
	// Softmax lanes sum to 1, along negative axes too; empty tensors stay empty.
	x := nnF64(10, 3, 4, 5)
	for _, axis := range []int{-1, -2, 0} {
		s := ops.Sum(ops.Softmax(x, axis), axis)
		if !tensor.AllClose(s, ops.OnesLike(s), 1e-15, 1e-15) {
			t.Errorf("softmax along %d sums to %v", axis, s)
		}
	}
	if y := ops.Softmax(tensor.Zeros(dtype.Float32, 0, 3), 0); !y.Shape().Equal(shape.Shape{0, 3}) {
		t.Errorf("softmax of an empty tensor has shape %v", y.Shape())
	}
	if y := ops.LogSoftmax(tensor.FromSlice([]float32{-1000, 0}), 0); y.At(0) != -1000 || y.At(1) != 0 {
		t.Errorf("log_softmax([-1000 0]) = %v, want [-1000 0]", y)
	}
	// Embedding: every integer id dtype, empty ids, and the gradient accumulates repeats.
	table := nnF64(11, 4, 2)
	for _, ids := range []*tensor.Tensor{tensor.FromSlice([]uint8{3, 3}), tensor.FromSlice([]int8{3, 3}), tensor.FromSlice([]int32{3, 3})} {
		want := tensor.FromSlice([]float64{table.At(3, 0), table.At(3, 1), table.At(3, 0), table.At(3, 1)}, 2, 2)
		if got := ops.Embedding(table, ids); !tensor.Equal(got, want) {
			t.Errorf("%s ids: got %v, want %v", ids.DType(), got, want)
		}
	}
	if y := ops.Embedding(table, tensor.Zeros(dtype.Int64, 0, 5)); !y.Shape().Equal(shape.Shape{0, 5, 2}) {
		t.Errorf("empty ids give shape %v", y.Shape())
	}
	g := ops.EmbeddingGrad(tensor.Ones(dtype.Float64, 3, 2), tensor.FromSlice([]int64{1, 1, 3}), table)
	if !tensor.Equal(g, tensor.FromSlice([]float64{0, 0, 2, 2, 0, 0, 1, 1}, 4, 2)) {
		t.Errorf("embedding_grad = %v", g)
	}
	// Nearest resize keeps exact bits of every dtype, large int64 included; empty batches work.
	big := tensor.FromSlice([]int64{1<<62 + 1, -(1<<62 + 3)}, 1, 1, 2, 1)
	r := ops.Resize(big, ops.ResizeParams{Sizes: []int{2, 4}})
	if got := tensor.ToSlice[int64](r); !slices.Equal(got, []int64{1<<62 + 1, 1<<62 + 1, -(1<<62 + 3), -(1<<62 + 3), 1<<62 + 1, 1<<62 + 1, -(1<<62 + 3), -(1<<62 + 3)}) {
		t.Errorf("nearest int64 resize = %v", got)
	}
	if y := ops.Resize(tensor.Zeros(dtype.Float32, 0, 2, 2, 3), ops.ResizeParams{Mode: "linear", Scales: []float64{2}}); !y.Shape().Equal(shape.Shape{0, 4, 4, 3}) {
		t.Errorf("resize of an empty batch has shape %v", y.Shape())
	}
	if y := ops.Resize(nnF64(12, 1, 3, 3, 1), ops.ResizeParams{Sizes: []int{0, 2}}); !y.Shape().Equal(shape.Shape{1, 0, 2, 1}) {
		t.Errorf("resize to 0 has shape %v", y.Shape())
	}
	// Resizing by 1 with half_pixel is the identity in every mode.
	img := nnF64(13, 2, 3, 4, 2)
	for _, mode := range []string{"nearest", "linear", "cubic"} {
		if y := ops.Resize(img, ops.ResizeParams{Mode: mode, Scales: []float64{1}}); !tensor.AllClose(y, img, 1e-15, 1e-15) {
			t.Errorf("%s resize by 1 changed the image", mode)
		}
	}
	// The normalizations' default epsilon is 1e-5.
	v := nnF64(14, 4, 3)
	if a, b := ops.LayerNorm(v, nil, nil, ops.LayerNormParams{}), ops.LayerNorm(v, nil, nil, ops.LayerNormParams{Epsilon: 1e-5}); !tensor.Equal(a, b) {
		t.Error("layer_norm's default epsilon is not 1e-5")
	}
	// A scale of one element broadcasts over the normalized shape.
	if a, b := ops.LayerNorm(v, tensor.FromSlice([]float64{2}), nil, ops.LayerNormParams{}),
		ops.MulScalar(ops.LayerNorm(v, nil, nil, ops.LayerNormParams{}), 2); !tensor.AllClose(a, b, 1e-15, 0) {
		t.Error("layer_norm with a broadcast scale")
	}
	// Group normalization with one group per channel is instance normalization; with one group
	// on a matrix it is layer normalization.
	im := nnF64(15, 2, 3, 3, 4)
	if a, b := ops.GroupNorm(im, nil, nil, ops.GroupNormParams{Groups: 4}), ops.InstanceNorm(im, nil, nil, ops.GroupNormParams{}); !tensor.AllClose(a, b, 1e-12, 1e-12) {
		t.Error("group_norm with C groups differs from instance_norm")
	}
	if a, b := ops.GroupNorm(v, nil, nil, ops.GroupNormParams{Groups: 1}), ops.LayerNorm(v, nil, nil, ops.LayerNormParams{}); !tensor.AllClose(a, b, 1e-12, 1e-12) {
		t.Error("group_norm with one group differs from layer_norm on a matrix")
	}
	// Batch norm inference with the batch's own statistics is the training form.
	y, m, s := ops.BatchNormTraining(im, nil, nil, ops.BatchNormParams{})
	if z := ops.BatchNorm(im, m, s, nil, nil, ops.BatchNormParams{}); !tensor.AllClose(y, z, 1e-12, 1e-12) {
		t.Error("batch_norm with the batch statistics differs from batch_norm_training")
	}
	// Attention: a causal first query sees only the first key; a query that may attend to
	// nothing gets NaN.
	q := nnF64(16, 3, 2)
	o := ops.ScaledDotProductAttention(q, q, nnF64(17, 3, 4), nil, ops.AttentionParams{Causal: true})
	vv := nnF64(17, 3, 4)
	for j := 0; j < 4; j++ {
		if o.At(0, j) != vv.At(0, j) {
			t.Fatalf("causal row 0 = %v, want v[0] = %v", o, vv)
		}
	}
	none := tensor.FromSlice([]bool{false, false, false, true, true, true, true, true, true}, 3, 3)
	o = ops.ScaledDotProductAttention(q, q, vv, none, ops.AttentionParams{})
	if !math.IsNaN(o.At(0, 0)) || math.IsNaN(o.At(1, 0)) {
		t.Errorf("fully masked row: %v", o)
	}
}

// nnTracer is a minimal core.Tracer: it records op names and returns symbolic outputs with the
// inferred specs, as graph tracing does. It lets this package test that the family's forward
// passes and gradient rules trace with an unknown batch dimension (no static shape baked in, no
// data read from a symbolic tensor) without importing package graph, whose ops would join this
// test binary's registry.
type nnTracer struct{ ops []string }

type nnSymbol struct{ tr *nnTracer }

func (s nnSymbol) Tracer() core.Tracer { return s.tr }

func (tr *nnTracer) Record(op *core.Op, _ any, _ []*tensor.Tensor, out []core.Spec) []*tensor.Tensor {
	tr.ops = append(tr.ops, op.Name())
	res := make([]*tensor.Tensor, len(out))
	for i, s := range out {
		res[i] = tensor.NewSymbolic(s.DType, s.Shape, nnSymbol{tr})
	}
	return res
}

// TestNNUnknownBatch traces the family's ops and their gradients with an unknown batch
// dimension: nothing in the forward passes or the gradient rules may depend on a static batch
// size.
func TestNNUnknownBatch(t *testing.T) {
	table := autodiff.Watch(nnF64(20, 6, 4)) // a variable's value, concrete
	scale, offset := nnF64(21, 4), nnF64(22, 4)
	loss := func(x, ids, img *tensor.Tensor) *tensor.Tensor {
		e := ops.Add(ops.Embedding(table, ids), x) // [N, 3, 4]
		h := ops.LayerNorm(e, scale, offset, ops.LayerNormParams{})
		h = ops.RMSNorm(h, nil, ops.LayerNormParams{NumAxes: 2})
		h = ops.ScaledDotProductAttention(h, h, h, nil, ops.AttentionParams{Causal: true, DropoutRate: 0.2, Seed: 3})
		b, _, _ := ops.BatchNormTraining(h, scale, nil, ops.BatchNormParams{})
		im := ops.Add(img, ops.ExpandLike(b, img, 1)) // [N, 2, 3, 4]: 2×3 pixels, four channels
		im = ops.GroupNorm(im, nil, offset, ops.GroupNormParams{Groups: 2})
		im = ops.GroupNorm(ops.Transpose(im, 0, 3, 1, 2), nil, nil, ops.GroupNormParams{Groups: 2, Layout: ops.ChannelsFirst})
		im = ops.Transpose(im, 0, 2, 3, 1)
		im = ops.InstanceNorm(ops.Resize(im, ops.ResizeParams{Mode: "linear", Scales: []float64{2, 1.5}}), nil, nil, ops.GroupNormParams{})
		im = ops.Resize(im, ops.ResizeParams{Sizes: []int{3, 2}})
		im = ops.Dropout(im, ops.DropoutParams{Rate: 0.1, Seed: 8})
		return ops.Sum(ops.Mul(ops.Softmax(im, -1), ops.LogSoftmax(im, 1)))
	}
	tr := &nnTracer{}
	x := autodiff.Watch(tensor.NewSymbolic(dtype.Float64, shape.Shape{shape.Unknown, 3, 4}, nnSymbol{tr}))
	img := autodiff.Watch(tensor.NewSymbolic(dtype.Float64, shape.Shape{shape.Unknown, 2, 3, 4}, nnSymbol{tr}))
	ids := tensor.NewSymbolic(dtype.Int64, shape.Shape{shape.Unknown, 3}, nnSymbol{tr})
	var l *tensor.Tensor
	var gs []*tensor.Tensor
	if err := core.Catch(func() {
		l = loss(x, ids, img)
		gs = autodiff.Gradients([]*tensor.Tensor{l}, []*tensor.Tensor{x, img, table}, autodiff.CreateGraph())
		// The gradient of the gradient traces too.
		autodiff.Grad(ops.Sum(ops.Mul(gs[0], gs[0])), img)
	}); err != nil {
		t.Fatalf("tracing with an unknown batch: %v", err)
	}
	if !l.IsSymbolic() || l.Rank() != 0 {
		t.Errorf("loss is %v%v", l.DType(), l.Shape())
	}
	if !gs[0].Shape().Equal(x.Shape()) || !gs[1].Shape().Equal(img.Shape()) || !gs[2].Shape().Equal(table.Shape()) {
		t.Errorf("gradients have shapes %v, %v and %v", gs[0].Shape(), gs[1].Shape(), gs[2].Shape())
	}
	for _, name := range []string{"embedding", "embedding_grad", "softmax", "log_softmax", "dropout", "resize", "resize_grad"} {
		if !slices.Contains(tr.ops, name) {
			t.Errorf("%s was not traced", name)
		}
	}
}

// TestNNDTypes runs every primitive of the family for each dtype it declares and compares the
// result with the float64 computation rounded to that dtype (exactly for the lookups and
// nearest resize, which move values).
func TestNNDTypes(t *testing.T) {
	x64 := nnF64(40, 2, 3, 4, 2)
	ids := tensor.FromSlice([]int32{2, 0, 2}, 3)
	table64 := nnF64(41, 3, 5)
	near := ops.ResizeParams{Scales: []float64{1.5}}
	lin := ops.ResizeParams{Mode: "linear", Sizes: []int{2, 7}}
	drop := ops.DropoutParams{Rate: 0.5, Seed: 2}
	for _, dt := range dtype.All {
		cast := func(t *tensor.Tensor) *tensor.Tensor { return ops.Cast(t, dt) }
		x, table := cast(x64), cast(table64)
		tol := 0.0
		switch dt {
		case dtype.Float16:
			tol = 2e-3
		case dtype.BFloat16:
			tol = 1.6e-2
		case dtype.Float32:
			tol = 1e-6
		}
		check := func(what string, got, want *tensor.Tensor) {
			t.Helper()
			if got.DType() != dt {
				t.Errorf("%s %s: result is %s", what, dt, got.DType())
			}
			if !tensor.AllClose(ops.Cast(got, dtype.Float64), want, 2*tol, 2*tol) {
				t.Errorf("%s %s: got %v, want %v", what, dt, got, want)
			}
		}
		// x as dt, back in float64: the reference computes from the rounded input.
		xr, tr := ops.Cast(x, dtype.Float64), ops.Cast(table, dtype.Float64)
		check("embedding", ops.Embedding(table, ids), ops.Embedding(tr, ids))
		check("resize nearest", ops.Resize(x, near), ops.Resize(xr, near))
		if !dt.IsFloat() {
			continue
		}
		check("softmax", ops.Softmax(x, 1), ops.Softmax(xr, 1))
		check("log_softmax", ops.LogSoftmax(x, -1), ops.LogSoftmax(xr, -1))
		check("dropout", ops.Dropout(x, drop), ops.Dropout(xr, drop))
		check("resize linear", ops.Resize(x, lin), ops.Resize(xr, lin))
		g := ops.Resize(x, lin)
		check("resize_grad", ops.ResizeGrad(g, x, lin), ops.ResizeGrad(ops.Cast(g, dtype.Float64), xr, lin))
		e := ops.Embedding(table, ids)
		check("embedding_grad", ops.EmbeddingGrad(e, ids, table), ops.EmbeddingGrad(ops.Cast(e, dtype.Float64), ids, tr))
	}
}
