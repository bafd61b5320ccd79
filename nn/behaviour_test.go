package nn_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/nn/regularizers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func TestBatchNormTrainingVsInference(t *testing.T) {
	bn := nn.BatchNormalization(nn.WithMomentum(0.9))
	x := ops.AddScalar(ops.MulScalar(tensor.RandomNormal(1, 64, 3), 2), 5)
	// Inference before any training: moving mean 0 and variance 1, so y ≈ x/sqrt(1+ε).
	y := nn.Apply(bn, nn.Inference, x)
	if want := ops.MulScalar(x, 1/math.Sqrt(1+1e-3)); !tensor.AllClose(y.Detach(), want, 1e-5, 1e-5) {
		t.Fatalf("inference with initial statistics: %v", y)
	}
	if got := bn.MovingMean().Value().Detach(); !tensor.Equal(got, tensor.Zeros(dtype.Float32, 3)) {
		t.Fatalf("inference changed the moving mean: %v", got)
	}
	// Training normalises with the batch statistics: mean 0, variance 1 per channel.
	y = nn.Apply(bn, nn.Training, x)
	if m := ops.Mean(y, 0); !tensor.AllClose(m.Detach(), tensor.Zeros(dtype.Float32, 3), 0, 1e-5) {
		t.Errorf("training output mean %v, want 0", m)
	}
	if v := ops.Variance(y, 0, 0); !tensor.AllClose(v.Detach(), tensor.Ones(dtype.Float32, 3), 1e-3, 1e-3) {
		t.Errorf("training output variance %v, want 1", v)
	}
	// ... and moves the moving averages by (1 - momentum) towards them.
	wantMean := ops.MulScalar(ops.Mean(x, 0), 0.1)
	wantVar := ops.AddScalar(ops.MulScalar(ops.Variance(x, 0, 0), 0.1), 0.9)
	if got := bn.MovingMean().Value().Detach(); !tensor.AllClose(got, wantMean, 1e-5, 1e-6) {
		t.Errorf("moving mean %v, want %v", got, wantMean)
	}
	if got := bn.MovingVariance().Value().Detach(); !tensor.AllClose(got, wantVar, 1e-5, 1e-6) {
		t.Errorf("moving variance %v, want %v", got, wantVar)
	}
	// Many training steps converge the moving statistics to the data's.
	for i := 0; i < 100; i++ {
		nn.Apply(bn, nn.Training, x)
	}
	y = nn.Apply(bn, nn.Inference, x)
	if m := ops.Mean(y, 0); !tensor.AllClose(m.Detach(), tensor.Zeros(dtype.Float32, 3), 0, 1e-3) {
		t.Errorf("inference after training: mean %v, want 0", m)
	}
	if n := len(bn.Weights()); n != 4 || bn.Weights()[2].Trainable() || !bn.Weights()[0].Trainable() {
		t.Errorf("weights: %v", bn.Weights())
	}
}

func TestDropout(t *testing.T) {
	d := nn.Dropout(0.5)
	x := tensor.Ones(dtype.Float32, 4, 256)
	if y := nn.Apply(d, nn.Inference, x); y != x {
		t.Error("dropout at inference is not the identity")
	}
	step := func(s int64) nn.Context { return nn.Context{Training: true, Step: tensor.Scalar(s)} }
	y0 := nn.Apply(d, step(0), x)
	kept := 0
	for _, v := range y0.Float64s() {
		switch v {
		case 0:
		case 2:
			kept++
		default:
			t.Fatalf("value %v: want 0 or 1/(1-rate) = 2", v)
		}
	}
	if frac := float64(kept) / 1024; math.Abs(frac-0.5) > 0.06 {
		t.Errorf("kept %.3f of the elements, want about 0.5", frac)
	}
	if y := nn.Apply(d, step(0), x); !tensor.Equal(y, y0) {
		t.Error("the same step gave a different mask")
	}
	if y := nn.Apply(d, step(1), x); tensor.Equal(y, y0) {
		t.Error("another step gave the same mask")
	}
	if y := nn.Apply(nn.Dropout(0.5, nn.WithSeed(99)), step(0), x); tensor.Equal(y, y0) {
		t.Error("another seed gave the same mask")
	}
	// A noise shape of (batch, 1) drops whole rows.
	rows := nn.Apply(nn.Dropout(0.5, nn.WithNoiseShape(-1, 1)), step(3), tensor.Ones(dtype.Float32, 64, 8))
	for i := 0; i < 64; i++ {
		first := rows.At(i, 0)
		for j := 1; j < 8; j++ {
			if rows.At(i, j) != first {
				t.Fatalf("row %d is not dropped as a whole", i)
			}
		}
	}
}

func TestReproducibleInitialWeights(t *testing.T) {
	x := tensor.Ones(dtype.Float32, 1, 6)
	weights := func(l nn.Layer) *tensor.Tensor { nn.Apply(l, nn.Inference, x); return l.Weights()[0].Value().Detach() }
	a, b := weights(nn.Dense(4)), weights(nn.Dense(4))
	if !tensor.Equal(a, b) {
		t.Error("two layers with the same name got different initial weights")
	}
	if tensor.Equal(a, weights(nn.Dense(4, nn.WithName("dense_1")))) {
		t.Error("layers with different names got the same initial weights")
	}
	s1, s2 := weights(nn.Dense(4, nn.WithSeed(7))), weights(nn.Dense(4, nn.WithSeed(7), nn.WithName("other")))
	if !tensor.Equal(s1, s2) {
		t.Error("WithSeed does not fix the weights")
	}
	// Golden values: the same on every machine (Philox, FNV-1a and SplitMix are platform-free).
	limit := math.Sqrt(6.0 / 10)
	for _, v := range a.Float64s() {
		if math.Abs(v) > limit {
			t.Fatalf("glorot_uniform value %v beyond ±%v", v, limit)
		}
	}
	seed := nn.Dense(4).WeightSeed("kernel")
	if want := initializers.GlorotUniform().Init(seed, dtype.Float32, 6, 4); !tensor.Equal(a, want) {
		t.Error("the kernel is not glorot_uniform drawn with WeightSeed(\"kernel\")")
	}
	if a.At(0, 0) != float64(float32(-0.412312627)) || a.At(5, 3) != float64(float32(0.727562845)) {
		t.Errorf("kernel of \"dense\" starts %v and ends %v: initial weights changed between versions", a.At(0, 0), a.At(5, 3))
	}
	const golden = 0x662c671d00fb0093
	if seed != golden {
		t.Errorf("WeightSeed(\"kernel\") of \"dense\" = %#x, want %#x (seeds must not change between versions)", seed, uint64(golden))
	}
}

func TestGradients(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	x2 := ops.Cast(tensor.RandomNormal(3, 3, 4), dtype.Float64)
	x4 := ops.Cast(tensor.RandomNormal(4, 2, 5, 5, 2), dtype.Float64)
	cases := []struct {
		name  string
		layer nn.Layer
		ctx   nn.Context
		x     *tensor.Tensor
	}{
		{"dense_tanh", nn.Dense(3, nn.WithActivation("tanh"), f64), nn.Inference, x2},
		{"conv2d_same", nn.Conv2D(2, 3, nn.WithPadding("same"), nn.WithStrides(2), f64), nn.Inference, x4},
		{"conv2d_transpose", nn.Conv2DTranspose(2, 3, nn.WithStrides(2), f64), nn.Inference, x4},
		{"separable_conv2d", nn.SeparableConv2D(3, 3, f64), nn.Inference, x4},
		{"batch_norm_training", nn.BatchNormalization(f64), nn.Training, x2},
		{"layer_norm", nn.LayerNormalization(f64), nn.Inference, x2},
		{"group_norm", nn.GroupNormalization(2, f64), nn.Inference, x4},
		{"average_pooling2d", nn.AveragePooling2D(2, nn.WithPadding("same")), nn.Inference, x4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nn.Apply(c.layer, nn.Inference, c.x) // build
			// With respect to the input...
			err := gradcheck.Check(func(xs []*tensor.Tensor) *tensor.Tensor {
				return nn.Apply(c.layer, c.ctx, xs[0])
			}, []*tensor.Tensor{c.x}, gradcheck.Tolerance(1e-6, 1e-5))
			if err != nil {
				t.Fatal(err)
			}
			// ... and to each weight: the layer's ops see a variable, gradcheck a plain input,
			// so compare GradVariables with finite differences of the weight set by SetWeights.
			ws := c.layer.Weights()
			for i, w := range ws {
				if !w.Trainable() {
					continue
				}
				orig := w.Value().Detach().Clone()
				loss := func() *tensor.Tensor {
					y := nn.Apply(c.layer, nn.Inference, c.x)
					return ops.Sum(ops.Mul(y, ops.Sin(y)))
				}
				g := autodiff.GradVariables(loss(), w)[0]
				dir := ops.Cast(tensor.RandomNormal(uint64(50+i), orig.Shape()...), dtype.Float64)
				const eps = 1e-6
				w.Assign(ops.Add(orig, ops.MulScalar(dir, eps)))
				up := loss().Item()
				w.Assign(ops.Sub(orig, ops.MulScalar(dir, eps)))
				down := loss().Item()
				w.Assign(orig)
				fd := (up - down) / (2 * eps)
				an := ops.Sum(ops.Mul(g, dir)).Item()
				if math.Abs(fd-an) > 1e-5*(1+math.Abs(fd)) {
					t.Errorf("weight %s: directional derivative %v, finite differences %v", w.Name(), an, fd)
				}
			}
		})
	}
}

func TestRegularizationLosses(t *testing.T) {
	l := nn.Dense(2, nn.WithKernelRegularizer(regularizers.L2(0.1)), nn.WithBiasRegularizer(regularizers.L1(0.5)),
		nn.WithActivityRegularizer(regularizers.L1(0.01)), nn.WithBiasInitializer(initializers.Constant(-1)))
	x := tensor.Ones(dtype.Float32, 3, 4)
	y := nn.Apply(l, nn.Inference, x)
	losses := l.Losses()
	if len(losses) != 3 {
		t.Fatalf("%d losses, want 3", len(losses))
	}
	k := l.Kernel().Value().Detach()
	want := []float64{
		0.1 * ops.Sum(ops.Square(k)).Item(),
		0.5 * 2, // |−1|·2
		0.01 * ops.Sum(ops.Abs(y)).Item(),
	}
	for i, w := range want {
		if got := losses[i].Item(); math.Abs(got-w) > 1e-5*(1+math.Abs(w)) {
			t.Errorf("loss %d = %v, want %v", i, got, w)
		}
	}
	// The penalties are differentiable with respect to the weights.
	g := autodiff.GradVariables(losses[0], l.Kernel())[0]
	if !tensor.AllClose(g, ops.MulScalar(k, 0.2), 1e-6, 1e-6) {
		t.Errorf("gradient of the L2 penalty %v", g)
	}
}

func TestConstraints(t *testing.T) {
	w := tensor.FromRows([][]float32{{3, -1}, {4, 0.5}})
	check := func(name string, got *tensor.Tensor, want [][]float32) {
		t.Helper()
		if !tensor.AllClose(got, tensor.FromRows(want), 1e-5, 1e-6) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	// Column norms: 5 and sqrt(1.25).
	n2 := float32(math.Sqrt(1.25))
	check("max_norm", constraints.MaxNorm(2).Apply(w), [][]float32{{1.2, -1}, {1.6, 0.5}})
	check("non_neg", constraints.NonNeg().Apply(w), [][]float32{{3, 0}, {4, 0.5}})
	check("unit_norm", constraints.UnitNorm().Apply(w), [][]float32{{0.6, -1 / n2}, {0.8, 0.5 / n2}})
	check("min_max_norm", constraints.MinMaxNorm(2, 4, 1).Apply(w), [][]float32{{2.4, -2 / n2}, {3.2, 1 / n2}})
	check("unit_norm_axis1", constraints.UnitNorm(1).Apply(tensor.FromRows([][]float32{{3, 4}})), [][]float32{{0.6, 0.8}})

	l := nn.Dense(3, nn.WithKernelConstraint(constraints.NonNeg()), nn.WithKernelInitializer(initializers.Constant(-1)))
	nn.Apply(l, nn.Inference, tensor.Ones(dtype.Float32, 1, 2))
	if l.ConstraintOf(l.Kernel()) == nil || l.ConstraintOf(l.Bias()) != nil {
		t.Fatal("ConstraintOf")
	}
	l.Constrain()
	if !tensor.Equal(l.Kernel().Value().Detach(), tensor.Zeros(dtype.Float32, 2, 3)) {
		t.Errorf("Constrain left %v", l.Kernel().Value())
	}
}

func TestMasks(t *testing.T) {
	ids := tensor.FromRows([][]int64{{3, 1, 0, 0}, {2, 0, 0, 0}})
	e := nn.Embedding(5, 2, nn.WithMaskZero(true))
	out := nn.Apply(e, nn.Inference, ids)
	if !out.Shape().Equal([]int{2, 4, 2}) {
		t.Fatalf("embedding shape %v", out.Shape())
	}
	if got, want := e.ComputeMask(ids).Bools(), []bool{true, true, false, false, true, false, false, false}; !equalBools(got, want) {
		t.Errorf("embedding mask %v, want %v", got, want)
	}
	if nn.Embedding(5, 2).ComputeMask(ids) != nil {
		t.Error("mask without mask_zero")
	}
	row := e.Table().Value().Detach()
	if got := out.Detach(); got.At(0, 0, 1) != row.At(3, 1) {
		t.Errorf("embedding of id 3: %v, want row 3 of %v", got, row)
	}
	x := tensor.FromSlice([]float32{1, 2, 0, 0, 0, 5}, 1, 3, 2)
	m := nn.Masking(0)
	if got := nn.Apply(m, nn.Inference, x); !tensor.Equal(got, x) {
		t.Errorf("masking changed unmasked values: %v", got)
	}
	if got, want := m.ComputeMask(x).Bools(), []bool{true, false, true}; !equalBools(got, want) {
		t.Errorf("masking mask %v, want %v", got, want)
	}
	if got := nn.Apply(nn.Masking(-1), nn.Inference, tensor.FromSlice([]float32{-1, -1, 2, 3}, 1, 2, 2)); got.At(0, 0, 0) != 0 || got.At(0, 1, 0) != 2 {
		t.Errorf("masking with -1: %v", got)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMerge(t *testing.T) {
	a := tensor.FromRows([][]float32{{1, 2}, {3, 4}})
	b := tensor.FromRows([][]float32{{5, -6}, {7, 8}})
	c := tensor.FromRows([][]float32{{0, 1}, {1, 0}})
	cases := []struct {
		name  string
		layer nn.Layer
		in    []*tensor.Tensor
		want  *tensor.Tensor
	}{
		{"add", nn.Add(), []*tensor.Tensor{a, b, c}, tensor.FromRows([][]float32{{6, -3}, {11, 12}})},
		{"subtract", nn.Subtract(), []*tensor.Tensor{a, b}, tensor.FromRows([][]float32{{-4, 8}, {-4, -4}})},
		{"multiply", nn.Multiply(), []*tensor.Tensor{a, b}, tensor.FromRows([][]float32{{5, -12}, {21, 32}})},
		{"average", nn.Average(), []*tensor.Tensor{a, b}, tensor.FromRows([][]float32{{3, -2}, {5, 6}})},
		{"maximum", nn.Maximum(), []*tensor.Tensor{a, b, c}, tensor.FromRows([][]float32{{5, 2}, {7, 8}})},
		{"minimum", nn.Minimum(), []*tensor.Tensor{a, b, c}, tensor.FromRows([][]float32{{0, -6}, {1, 0}})},
		{"concatenate", nn.Concatenate(), []*tensor.Tensor{a, c}, tensor.FromRows([][]float32{{1, 2, 0, 1}, {3, 4, 1, 0}})},
		{"concatenate_axis0", nn.Concatenate(nn.WithAxis(0)), []*tensor.Tensor{a, c}, tensor.FromRows([][]float32{{1, 2}, {3, 4}, {0, 1}, {1, 0}})},
		{"dot", nn.Dot([]int{1}), []*tensor.Tensor{a, b}, tensor.FromRows([][]float32{{-7}, {53}})},
		{"dot_normalize", nn.Dot([]int{1}, nn.WithNormalize(true)), []*tensor.Tensor{a, a}, tensor.FromRows([][]float32{{1}, {1}})},
		{"dot_matrices", nn.Dot([]int{2, 1}), []*tensor.Tensor{ops.Unsqueeze(a, 0), ops.Unsqueeze(b, 0)},
			ops.Unsqueeze(tensor.FromRows([][]float32{{19, 10}, {43, 14}}), 0)},
	}
	for _, c := range cases {
		if got := c.layer.Call(nn.Inference, c.in...)[0]; !tensor.AllClose(got, c.want, 1e-6, 1e-6) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCoreLayerValues(t *testing.T) {
	x := tensor.Arange(dtype.Float32, 0, 12, 1).Reshape(2, 2, 3)
	if got := nn.Apply(nn.Flatten(), nn.Inference, x); !tensor.Equal(got, x.Reshape(2, 6)) {
		t.Errorf("flatten %v", got)
	}
	// channels_first Flatten moves the channels last first.
	cf := nn.Apply(nn.Flatten(nn.WithDataFormat("channels_first")), nn.Inference, x)
	if want := ops.FlattenBatch(ops.Transpose(x, 0, 2, 1)); !tensor.Equal(cf, want) {
		t.Errorf("channels_first flatten %v, want %v", cf, want)
	}
	if got := nn.Apply(nn.Permute([]int{2, 1}), nn.Inference, x); !tensor.Equal(got, ops.Transpose(x, 0, 2, 1)) {
		t.Errorf("permute %v", got)
	}
	if got := nn.Apply(nn.Reshape([]int{3, -1}), nn.Inference, x); !got.Shape().Equal([]int{2, 3, 2}) {
		t.Errorf("reshape %v", got.Shape())
	}
	v := tensor.FromRows([][]float32{{1, 2}, {3, 4}})
	want := tensor.FromSlice([]float32{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}, 2, 3, 2)
	if got := nn.Apply(nn.RepeatVector(3), nn.Inference, v); !tensor.Equal(got, want) {
		t.Errorf("repeat vector %v", got)
	}
	if got := nn.Apply(nn.Lambda(ops.Square), nn.Inference, v); !tensor.Equal(got, ops.Square(v)) {
		t.Errorf("lambda %v", got)
	}
	if got := nn.Apply(nn.Activation("relu6"), nn.Inference, tensor.FromSlice([]float32{-1, 3, 9})); !tensor.Equal(got, tensor.FromSlice([]float32{0, 3, 6})) {
		t.Errorf("activation %v", got)
	}
	un := nn.Apply(nn.UnitNormalization(), nn.Inference, tensor.FromRows([][]float32{{3, 4}}))
	if !tensor.AllClose(un, tensor.FromRows([][]float32{{0.6, 0.8}}), 1e-6, 1e-6) {
		t.Errorf("unit normalization %v", un)
	}
}

func TestErrors(t *testing.T) {
	panics := func(name string, fn func()) {
		t.Helper()
		if err := core.Catch(fn); err == nil {
			t.Errorf("%s: no *core.Error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	panics("option that does not apply", func() { nn.Dense(3, nn.WithStrides(2)) })
	panics("unknown activation", func() { nn.Dense(3, nn.WithActivation("nope")) })
	panics("bad padding", func() { nn.Conv2D(3, 3, nn.WithPadding("full")) })
	panics("causal conv2d", func() { nn.Conv2D(3, 3, nn.WithPadding("causal")) })
	panics("dropout rate", func() { nn.Dropout(1.5) })
	panics("rank", func() { nn.Apply(nn.Conv2D(3, 3), nn.Inference, tensor.Ones(dtype.Float32, 2, 5, 5)) })
	panics("groups", func() {
		nn.Apply(nn.Conv2D(4, 1, nn.WithGroups(2)), nn.Inference, tensor.Ones(dtype.Float32, 1, 2, 2, 3))
	})
	panics("two inputs", func() {
		nn.Dense(3).Call(nn.Inference, tensor.Ones(dtype.Float32, 1, 2), tensor.Ones(dtype.Float32, 1, 2))
	})
	panics("input shape", func() { nn.Apply(nn.Input(3), nn.Inference, tensor.Ones(dtype.Float32, 2, 4)) })
	panics("rename after build", func() {
		l := nn.Dense(2)
		nn.Apply(l, nn.Inference, tensor.Ones(dtype.Float32, 1, 2))
		l.SetName("x")
	})
	if err := nn.SetWeights(nn.Dense(2), tensor.Ones(dtype.Float32, 2)); err == nil {
		t.Error("SetWeights on an unbuilt layer: no error")
	}
	if err := nn.Build(nn.Dense(2), []int{-1, 3}); err != nil {
		t.Errorf("Build: %v", err)
	}
	if err := nn.Build(nn.Conv2D(2, 3), []int{-1, 3}); err == nil {
		t.Error("Build of a conv on a matrix: no error")
	}
}

func TestConfig(t *testing.T) {
	c := nn.Dense(64, nn.WithActivation("relu"), nn.WithName("fc1"), nn.WithKernelRegularizer(regularizers.L2(0.01))).Config()
	if c["units"] != 64 || c["activation"] != "relu" || c["name"] != "fc1" || c["use_bias"] != true {
		t.Errorf("dense config %v", c)
	}
	if ki := c["kernel_initializer"].(map[string]any); ki["class_name"] != "GlorotUniform" {
		t.Errorf("kernel_initializer %v", ki)
	}
	if kr := c["kernel_regularizer"].(map[string]any); kr["class_name"] != "L2" {
		t.Errorf("kernel_regularizer %v", kr)
	}
	conv := nn.Conv2D(32, 3, nn.WithStrides(2)).Config()
	if conv["filters"] != 32 || conv["padding"] != "valid" || conv["data_format"] != "channels_last" {
		t.Errorf("conv config %v", conv)
	}
	if bn := nn.BatchNormalization().Config(); bn["momentum"] != 0.99 || bn["epsilon"] != 1e-3 || bn["axis"] != -1 {
		t.Errorf("batch norm config %v", bn)
	}
	for _, l := range []interface {
		nn.Layer
		ClassName() string
	}{nn.Dense(1), nn.Conv2DTranspose(1, 1), nn.GlobalAveragePooling2D(), nn.LayerNormalization()} {
		t.Logf("%s (%s)", l.Name(), l.ClassName())
	}
	names := map[string]string{
		nn.Dense(1).Name(): "dense", nn.Conv2D(1, 1).Name(): "conv2d", nn.MaxPooling2D(2).Name(): "max_pooling2d",
		nn.BatchNormalization().Name(): "batch_normalization", nn.Conv2DTranspose(1, 1).Name(): "conv2d_transpose",
		nn.GlobalAveragePooling1D().Name(): "global_average_pooling1d", nn.Embedding(2, 2).Name(): "embedding",
	}
	for got, want := range names {
		if got != want {
			t.Errorf("default name %q, want %q", got, want)
		}
	}
}
