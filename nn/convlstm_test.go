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
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

type convLSTMCase struct {
	Name    string         `json:"name"`
	Layer   string         `json:"layer"`
	Filters int            `json:"filters"`
	Args    map[string]any `json:"args"`
	rnnData
}

// convLSTMInts reads a list of ints from a case's JSON arguments.
func convLSTMInts(v any) []int {
	var out []int
	for _, x := range v.([]any) {
		out = append(out, int(x.(float64)))
	}
	return out
}

// convLSTMMake returns the float64 layer a case of convlstm.json describes.
func convLSTMMake(c *convLSTMCase) *nn.ConvLSTMLayer {
	a := c.Args
	opts := []nn.Option{nn.WithDType(dtype.Float64),
		nn.WithKernelSize(convLSTMInts(a["kernel_size"])...),
		nn.WithStrides(convLSTMInts(a["strides"])...),
		nn.WithDilation(convLSTMInts(a["dilation_rate"])...),
		nn.WithPadding(a["padding"].(string)),
		nn.WithDataFormat(a["data_format"].(string)),
		nn.WithReturnSequences(a["return_sequences"].(bool)),
		nn.WithReturnState(a["return_state"].(bool)),
		nn.WithGoBackwards(a["go_backwards"].(bool)),
		nn.WithUseBias(a["use_bias"].(bool)),
	}
	switch c.Layer {
	case "ConvLSTM1D":
		return nn.ConvLSTM1D(c.Filters, 0, opts...)
	case "ConvLSTM2D":
		return nn.ConvLSTM2D(c.Filters, 0, opts...)
	case "ConvLSTM3D":
		return nn.ConvLSTM3D(c.Filters, 0, opts...)
	}
	panic("unknown layer " + c.Layer)
}

// TestConvLSTMOracle compares ConvLSTM1D/2D/3D with an explicit PyTorch loop of one convolution
// per gate (testdata/convlstm.json, made by testdata/gen_convlstm.py): strides, dilation, both
// paddings (even kernels too), channels_first, go_backwards, initial states, no bias, masking.
func TestConvLSTMOracle(t *testing.T) {
	cases := rnnLoad[*convLSTMCase](t, "testdata/convlstm.json")
	if len(cases) < 10 {
		t.Fatalf("only %d cases in testdata/convlstm.json", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			c.check(t, convLSTMMake(c))
		})
	}
}

// TestConvLSTMParamCounts checks Keras's parameter counts, the weight names and layouts and the
// initial forget-gate bias.
func TestConvLSTMParamCounts(t *testing.T) {
	cases := []struct {
		l     nn.Layer
		input []int
		want  int
	}{
		{nn.ConvLSTM2D(8, 3), []int{-1, -1, 10, 10, 3}, 3200}, // 4·8·(3·3·3 + 3·3·8) + 4·8 = 864 + 2304 + 32
		{nn.ConvLSTM1D(4, 5, nn.WithUseBias(false)), []int{-1, 6, 9, 2}, 4 * 4 * (5*2 + 5*4)},
		{nn.ConvLSTM3D(2, 2, nn.WithDataFormat("channels_first")), []int{-1, 3, 5, 4, 4, 4}, 4*2*(8*5+8*2) + 4*2},
		{nn.ConvLSTM2D(3, 0, nn.WithKernelSize(1, 3)), []int{-1, 2, 5, 5, 2}, 4*3*(3*2+3*3) + 4*3},
	}
	for _, c := range cases {
		if err := nn.Build(c.l, c.input); err != nil {
			t.Fatalf("%s: %v", c.l.Name(), err)
		}
		if got := nn.CountParams(c.l); got != c.want {
			t.Errorf("%s: %d params, want %d", c.l.Name(), got, c.want)
		}
	}
	l := cases[0].l.(*nn.ConvLSTMLayer)
	var names []string
	for _, w := range l.Weights() {
		names = append(names, fmt.Sprint(w.Name(), w.Shape()))
	}
	want := "conv_lstm2d/conv_lstm_cell/kernel[3 3 3 32] conv_lstm2d/conv_lstm_cell/recurrent_kernel[3 3 8 32] conv_lstm2d/conv_lstm_cell/bias[32]"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("weights %s, want %s", got, want)
	}
	for i, v := range l.Bias().Value().Float64s() {
		if want := map[bool]float64{true: 1, false: 0}[i >= 8 && i < 16]; v != want {
			t.Fatalf("initial bias %v, want ones for the forget gate only", l.Bias().Value())
		}
	}
	specs, err := nn.OutputSpecs(nn.ConvLSTM2D(4, 3, nn.WithStrides(2), nn.WithReturnSequences(true), nn.WithReturnState(true)),
		nn.Inference, core.Spec{DType: dtype.Float32, Shape: []int{-1, -1, 9, 8, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(specs[0].Shape, specs[1].Shape, specs[2].Shape); got != "[? ? 4 3 4] [? 4 3 4] [? 4 3 4]" {
		t.Errorf("output shapes %s", got)
	}
	cfg := l.Config()
	if cfg["filters"] != 8 || cfg["padding"] != "valid" || cfg["recurrent_activation"] != "sigmoid" || cfg["unit_forget_bias"] != true {
		t.Errorf("config %v", cfg)
	}
}

// TestConvLSTMEagerCompiledParity compiles a ConvLSTM's outputs and gradients with unknown batch
// and sequence length and checks, for two batch sizes and lengths, one trace, a single scan node
// forward and one backward, and agreement with eager execution.
func TestConvLSTMEagerCompiledParity(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	cases := []struct {
		name  string
		l     *nn.ConvLSTMLayer
		input []int // without batch and time
		mask  bool
	}{
		{"2d_same", nn.ConvLSTM2D(2, 3, f64, nn.WithPadding("same"), nn.WithReturnSequences(true), nn.WithReturnState(true)), []int{4, 3, 2}, false},
		{"2d_masked_backwards", nn.ConvLSTM2D(2, 2, f64, nn.WithStrides(2), nn.WithGoBackwards(true), nn.WithReturnState(true)), []int{5, 4, 1}, true},
		{"1d_channels_first", nn.ConvLSTM1D(3, 3, f64, nn.WithDataFormat("channels_first"), nn.WithReturnSequences(true)), []int{2, 6}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := func(x, mask *tensor.Tensor) []*tensor.Tensor {
				x = autodiff.Watch(x)
				in := []*tensor.Tensor{x}
				if c.mask {
					in = append(in, mask)
				}
				outs := c.l.Call(nn.Inference, in...)
				loss := ops.Sum(ops.Square(outs[0]))
				for _, o := range outs[1:] {
					loss = ops.Add(loss, ops.Mean(o))
				}
				xs := []*tensor.Tensor{x}
				for _, v := range c.l.Weights() {
					xs = append(xs, v.Value())
				}
				return append(outs, autodiff.Grad(loss, xs...)...)
			}
			spec := append([]int{-1, -1}, c.input...)
			compiled := graph.Compile(fn, graph.InputSpecs(core.Spec{DType: dtype.Float64, Shape: spec},
				core.Spec{DType: dtype.Bool, Shape: []int{-1, -1}}))
			if err := nn.Build(c.l, spec); err != nil {
				t.Fatal(err)
			}
			for i, v := range c.l.Weights() {
				v.Assign(ops.MulScalar(ops.Cast(tensor.RandomNormal(uint64(40+i), v.Shape()...), v.DType()), 0.4))
			}
			for i, dims := range [][2]int{{2, 3}, {3, 5}} {
				x := ops.Cast(tensor.RandomNormal(uint64(i+1), append([]int{dims[0], dims[1]}, c.input...)...), dtype.Float64)
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
			x := ops.Cast(tensor.RandomNormal(9, append([]int{2, 3}, c.input...)...), dtype.Float64)
			g, err := compiled.Graph(x, tensor.Ones(dtype.Bool, 2, 3))
			if err != nil {
				t.Fatal(err)
			}
			scans := 0
			for _, n := range g.Nodes {
				if n.Op.Name() == "scan" {
					scans++
				}
			}
			if scans != 2 {
				t.Errorf("%d scan nodes, want 2 (forward and backward)", scans)
			}
		})
	}
}

// TestConvLSTMGradcheck checks the gradients of a small ConvLSTM2D with respect to its input and
// initial states (with a mask) and to its weights against finite differences in float64.
func TestConvLSTMGradcheck(t *testing.T) {
	l := nn.ConvLSTM2D(2, 2, nn.WithDType(dtype.Float64), nn.WithPadding("same"), nn.WithStrides(1, 2),
		nn.WithReturnSequences(true), nn.WithReturnState(true))
	x := ops.Cast(tensor.RandomNormal(1, 2, 3, 3, 4, 2), dtype.Float64)
	h0 := ops.MulScalar(ops.Cast(tensor.RandomNormal(2, 2, 3, 2, 2), dtype.Float64), 0.5)
	c0 := ops.MulScalar(ops.Cast(tensor.RandomNormal(3, 2, 3, 2, 2), dtype.Float64), 0.5)
	mask := tensor.FromSlice([]bool{true, false, true, true, true, false}, 2, 3)
	loss := func(xs []*tensor.Tensor) *tensor.Tensor {
		out := l.Call(nn.Inference, xs[0], mask, xs[1], xs[2])
		return ops.Add(ops.Sum(ops.Mul(out[0], out[0])), ops.Sum(ops.Mul(out[2], out[1])))
	}
	if err := gradcheck.Check(loss, []*tensor.Tensor{x, h0, c0}, gradcheck.Tolerance(1e-7, 1e-6)); err != nil {
		t.Fatal(err)
	}
	checkWeightGrads(t, func() *tensor.Tensor { return loss([]*tensor.Tensor{x, h0, c0}) }, l.Weights())
}

// TestConvLSTMMaskingAndDropout checks that CallMasked equals the explicit mask input, that the
// output mask follows return_sequences, and that dropout acts only while training, the same for
// the same step.
func TestConvLSTMMaskingAndDropout(t *testing.T) {
	l := nn.ConvLSTM2D(2, 3, nn.WithPadding("same"), nn.WithReturnSequences(true), nn.WithSeed(3))
	x := tensor.RandomNormal(1, 2, 4, 3, 3, 2)
	mask := tensor.FromSlice([]bool{true, true, false, false, true, false, true, true}, 2, 4)
	got := l.Call(nn.Inference, x, mask)[0]
	if via := l.CallMasked(nn.Inference, []*tensor.Tensor{mask}, x)[0]; !tensor.AllClose(via, got, 0, 0) {
		t.Error("CallMasked differs from the explicit mask input")
	}
	// Row 0: steps 2 and 3 are masked, so they repeat step 1's output.
	step := func(y *tensor.Tensor, b, s int) *tensor.Tensor {
		return ops.SliceAxis(ops.SliceAxis(y, 0, b, b+1, 1), 1, s, s+1, 1)
	}
	if !tensor.AllClose(step(got, 0, 3), step(got, 0, 1), 0, 0) {
		t.Error("a masked step does not repeat the previous output")
	}
	if m := l.OutputMask([]*tensor.Tensor{mask}, x); m != mask {
		t.Error("return_sequences does not pass the mask on")
	}
	if m := nn.ConvLSTM2D(2, 3).OutputMask([]*tensor.Tensor{mask}, x); m != nil {
		t.Error("a last-output layer passes a mask on")
	}
	plain := nn.ConvLSTM2D(2, 3, nn.WithName("c"))
	drop := nn.ConvLSTM2D(2, 3, nn.WithName("c"), nn.WithDropout(0.3), nn.WithRecurrentDropout(0.3))
	want := nn.Apply(plain, nn.Inference, x)
	if got := nn.Apply(drop, nn.Inference, x); !tensor.AllClose(got, want, 0, 0) {
		t.Error("dropout acts at inference")
	}
	ctx := func(s int64) nn.Context { return nn.Context{Training: true, Step: tensor.Scalar(s)} }
	a, b, c := nn.Apply(drop, ctx(1), x), nn.Apply(drop, ctx(1), x), nn.Apply(drop, ctx(2), x)
	if !tensor.AllClose(a, b, 0, 0) {
		t.Error("the same step gives different masks")
	}
	if tensor.AllClose(a, c, 1e-6, 1e-6) || tensor.AllClose(a, want, 1e-6, 1e-6) {
		t.Error("dropout changes nothing between steps")
	}
}

// TestConvLSTMErrors checks that misuse panics with a *core.Error naming the problem.
func TestConvLSTMErrors(t *testing.T) {
	f32 := func(dims ...int) *tensor.Tensor { return tensor.Zeros(dtype.Float32, dims...) }
	cases := []struct {
		name, want string
		fn         func()
	}{
		{"rank", "of rank 5", func() { nn.Apply(nn.ConvLSTM2D(2, 3), nn.Inference, f32(2, 3, 4, 4)) }},
		{"filters", "filters must be positive", func() { nn.ConvLSTM2D(0, 3) }},
		{"kernel", "kernel_size", func() { nn.ConvLSTM2D(2, 0, nn.WithKernelSize(1, 2, 3)) }},
		{"padding", "unknown padding", func() { nn.ConvLSTM1D(2, 3, nn.WithPadding("causal")) }},
		{"option", "groups", func() { nn.ConvLSTM2D(2, 3, nn.WithGroups(2)) }},
		{"dropout", "dropout rates", func() { nn.ConvLSTM3D(2, 3, nn.WithDropout(1.5)) }},
		{"small", "smaller than the dilated kernel", func() { nn.Apply(nn.ConvLSTM2D(2, 3), nn.Inference, f32(1, 2, 2, 5, 1)) }},
		{"mask", "mask", func() { nn.ConvLSTM2D(2, 3).Call(nn.Inference, f32(2, 3, 4, 4, 1), tensor.Ones(dtype.Bool, 2, 4)) }},
		{"states", "initial states", func() { nn.ConvLSTM2D(2, 3).Call(nn.Inference, f32(2, 3, 4, 4, 1), f32(2, 2, 2, 2)) }},
		{"state_shape", "initial state 1", func() {
			nn.ConvLSTM2D(2, 3).Call(nn.Inference, f32(2, 3, 4, 4, 1), f32(2, 2, 2, 2), f32(2, 4, 4, 2))
		}},
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

// ExampleConvLSTM2D runs a ConvLSTM2D over a batch of two sequences of three 8×8 RGB frames.
func ExampleConvLSTM2D() {
	l := nn.ConvLSTM2D(8, 3, nn.WithPadding("same"), nn.WithReturnSequences(true), nn.WithReturnState(true))
	out := l.Call(nn.Inference, tensor.Ones(dtype.Float32, 2, 3, 8, 8, 3))
	fmt.Println(out[0].Shape(), out[1].Shape(), out[2].Shape()) // sequences, h, c
	fmt.Println(nn.CountParams(l))                              // 4·8·(3·3·3 + 3·3·8) + 4·8
	// Output:
	// [2 3 8 8 8] [2 8 8 8] [2 8 8 8]
	// 3200
}

// TestResizingBicubicOracle checks Resizing(interpolation="bicubic") against NumPy's Keys kernel
// (a = -0.5) at half-pixel centres with the taps outside the image dropped and the rest
// renormalised, as Keras computes it (jax.image.resize; TensorFlow's resize_bicubic to ~1e-3),
// for enlarging, shrinking and mixed sizes (the "resize" cases of testdata/convlstm.json, made by
// testdata/gen_convlstm.py), and that channels_first gives the same values.
func TestResizingBicubicOracle(t *testing.T) {
	b, err := os.ReadFile("testdata/convlstm.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Resize []struct {
			Name   string   `json:"name"`
			Size   []int    `json:"size"`
			Input  *rnnJSON `json:"input"`
			Output *rnnJSON `json:"output"`
		} `json:"resize"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Resize) < 3 {
		t.Fatalf("only %d resize cases", len(f.Resize))
	}
	for _, c := range f.Resize {
		t.Run(c.Name, func(t *testing.T) {
			x, want := c.Input.tensor(), c.Output.tensor()
			got := nn.Apply(nn.Resizing(c.Size[0], c.Size[1], nn.WithInterpolation("bicubic"), nn.WithDType(dtype.Float64)), nn.Inference, x)
			if d, _ := tensor.MaxDiff(got, want); !(d < 1e-12) {
				t.Errorf("differs from the NumPy reference by %g", d)
			}
			first := nn.Resizing(c.Size[0], c.Size[1], nn.WithInterpolation("bicubic"), nn.WithDType(dtype.Float64), nn.WithDataFormat("channels_first"))
			gotFirst := nn.Apply(first, nn.Inference, ops.Transpose(x, 0, 3, 1, 2))
			if d, _ := tensor.MaxDiff(ops.Transpose(gotFirst, 0, 2, 3, 1), want); !(d < 1e-12) {
				t.Errorf("channels_first differs from the NumPy reference by %g", d)
			}
		})
	}
}
