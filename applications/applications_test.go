package applications

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func count(vs []*autodiff.Variable) int {
	n := 0
	for _, v := range vs {
		n += shape.Shape(v.Shape()).Size()
	}
	return n
}

type counts struct{ total, nonTrainable, weights, layers int }

func countsOf(m *models.Model) counts {
	return counts{count(m.Weights()), count(m.NonTrainableWeights()), len(m.Weights()), len(m.Layers())}
}

func mustBuild(t *testing.T, f func(...Option) (*models.Model, error), opts ...Option) *models.Model {
	t.Helper()
	m, err := f(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestModels checks each network's parameter, weight and layer counts against Keras's
// (model.count_params(), len(model.weights), len(model.layers) with the input layer), the totals
// of its summary, and, on one small image run eagerly, its output shape. Without the top the
// counts do not depend on the image size, so small images keep the test fast.
func TestModels(t *testing.T) {
	cases := []struct {
		name   string
		f      func(...Option) (*models.Model, error)
		opts   []Option
		want   counts
		totals []string    // the summary's last lines, Keras's
		rows   []string    // some of the summary's rows
		out    shape.Shape // the output shape for one image of the input shape, if run
	}{
		{"resnet50", ResNet50, nil, counts{25_636_712, 53_120, 320, 177}, []string{
			" Total params: 25,636,712 (97.80 MB)",
			" Trainable params: 25,583,592 (97.59 MB)",
			" Non-trainable params: 53,120 (207.50 KB)"},
			[]string{"conv1_pad (ZeroPadding2D)", "conv2_block1_0_conv", "conv5_block3_out", "avg_pool", "predictions (Dense)"}, nil},
		{"inception_v3", InceptionV3, nil, counts{23_851_784, 34_432, 378, 313}, []string{
			" Total params: 23,851,784 (90.99 MB)",
			" Trainable params: 23,817,352 (90.86 MB)",
			" Non-trainable params: 34,432 (134.50 KB)"},
			[]string{"conv2d_93 (Conv2D)", "batch_normalization_93", "activation_93", "mixed9_1", "concatenate_1", "mixed10", "average_pooling2d_8"}, nil},
		{"mobilenetv2_1.00_224", MobileNetV2, nil, counts{3_538_984, 34_112, 262, 156}, []string{
			" Total params: 3,538,984 (13.50 MB)",
			" Trainable params: 3,504,872 (13.37 MB)",
			" Non-trainable params: 34,112 (133.25 KB)"},
			[]string{"Conv1 (Conv2D)", "Conv1_relu (ReLU)", "block_1_pad (ZeroPadding2D)", "block_16_project_BN", "global_average_pooling2d"}, nil},

		{"inception_v3", InceptionV3, []Option{IncludeTop(false), InputShape(75, 75, 3)}, counts{21_802_784, 34_432, 376, 311}, nil, nil, shape.Shape{1, 1, 1, 2048}},
		{"mobilenetv2_1.00_32", MobileNetV2, []Option{IncludeTop(false), InputShape(32, 32, 3)}, counts{2_257_984, 34_112, 260, 154}, nil, nil, shape.Shape{1, 1, 1, 1280}},
		{"mobilenetv2_0.35_32", MobileNetV2, []Option{IncludeTop(false), InputShape(32, 32, 3), Alpha(0.35)}, counts{410_208, 14_080, 260, 154}, nil, nil, shape.Shape{1, 1, 1, 1280}},
		{"mobilenetv2_1.30_33", MobileNetV2, []Option{IncludeTop(false), InputShape(33, 33, 3), Alpha(1.3), Pooling("avg")}, counts{3_766_048, 44_256, 260, 155}, nil, nil, shape.Shape{1, 1664}},
		{"vgg16", VGG16, []Option{IncludeTop(false), InputShape(32, 32, 3), Pooling("max")}, counts{14_714_688, 0, 26, 20}, nil, nil, shape.Shape{1, 512}},
	}
	var inception [][]string // the weight names of the InceptionV3s, with the top and without
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustBuild(t, c.f, c.opts...)
			if c.name == "inception_v3" {
				inception = append(inception, weightNames(m))
			}
			if got := countsOf(m); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if m.Name() != c.name {
				t.Errorf("name %q, want %q", m.Name(), c.name)
			}
			if c.totals != nil {
				var b bytes.Buffer
				if err := m.Summary(&b, models.LineLength(250)); err != nil {
					t.Fatal(err)
				}
				checkTotals(t, b.String(), c.name, c.totals...)
				for _, r := range c.rows {
					if !strings.Contains(b.String(), "│ "+r) {
						t.Errorf("no row %q", r)
					}
				}
			}
			if c.out != nil {
				in := m.InputSpecs()[0].Shape
				x := tensor.RandomUniform(1, 1, in[1], in[2], in[3])
				y := m.Call(nn.Inference, x)[0]
				if !y.Shape().Equal(c.out) {
					t.Errorf("output shape %v, want %v", y.Shape(), c.out)
				}
				for i, v := range y.Float32s() {
					if v != v || v < 0 { // every network ends in a relu (or a pooling of one)
						t.Fatalf("output %d is %v", i, v)
					}
				}
			}
		})
	}
	// The second InceptionV3 has the first's names, those Keras gives in a fresh session.
	if len(inception) == 2 && (!slices.Equal(inception[0][:len(inception[1])], inception[1]) ||
		!slices.Contains(inception[1], "conv2d/kernel") || !slices.Contains(inception[1], "batch_normalization_93/moving_variance")) {
		t.Errorf("InceptionV3's weight names differ between builds or lack Keras's")
	}
}

func weightNames(m *models.Model) []string {
	var out []string
	for _, v := range m.Weights() {
		out = append(out, v.Name())
	}
	return out
}

// TestVGG16 builds the full VGG16 once (553 MB of weights) and checks what depends on it.
func TestVGG16(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 138M parameters")
	}
	m := mustBuild(t, VGG16)
	if got, want := countsOf(m), (counts{138_357_544, 0, 32, 23}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := m.OutputSpecs()[0].Shape; !got.Equal(shape.Shape{-1, 1000}) {
		t.Errorf("output shape %v", got)
	}
	if l := m.Layer("fc1"); l == nil || nn.CountParams(l) != 102_764_544 {
		t.Errorf("fc1 missing or has the wrong size")
	}
	var b bytes.Buffer
	if err := m.Summary(&b); err != nil {
		t.Fatal(err)
	}
	checkTotals(t, b.String(), "vgg16",
		" Total params: 138,357,544 (527.79 MB)",
		" Trainable params: 138,357,544 (527.79 MB)",
		" Non-trainable params: 0 (0.00 B)")
}

// checkTotals checks a summary's model name and its last lines.
func checkTotals(t *testing.T, summary, name string, lines ...string) {
	t.Helper()
	if !strings.HasPrefix(summary, `Model: "`+name+`"`+"\n") {
		t.Errorf("summary starts with %q", strings.SplitN(summary, "\n", 2)[0])
	}
	got := strings.Split(strings.TrimSuffix(summary, "\n"), "\n")
	got = got[len(got)-len(lines):]
	if !slices.Equal(got, lines) {
		t.Errorf("summary ends with\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
	}
}

// TestNamesStable builds a model twice in one program: Keras's names are kept (the models'
// unique-naming would otherwise make "Conv1_1"), so one weight file fits both.
func TestNamesStable(t *testing.T) {
	names := func(m *models.Model) []string {
		var out []string
		for _, l := range m.Layers()[1:] { // the input layer is numbered, as in Keras
			out = append(out, l.Name())
		}
		for _, v := range m.Weights() {
			out = append(out, v.Name())
		}
		return out
	}
	opts := []Option{Alpha(0.35), InputShape(32, 32, 3), Classes(3)}
	a, b := mustBuild(t, MobileNetV2, opts...), mustBuild(t, MobileNetV2, opts...)
	if na, nb := names(a), names(b); !slices.Equal(na, nb) {
		t.Fatalf("names differ between two builds:\n%v\n%v", na, nb)
	}
	for _, want := range []string{"Conv1/kernel", "bn_Conv1/gamma", "bn_Conv1/moving_mean", "expanded_conv_depthwise/depthwise_kernel",
		"expanded_conv_project_BN/beta", "block_1_expand/kernel", "block_16_project_BN/moving_variance", "Conv_1/kernel",
		"Conv_1_bn/beta", "predictions/kernel", "predictions/bias"} {
		if !slices.Contains(names(a), want) {
			t.Errorf("no weight %q", want)
		}
	}
}

func TestMakeDivisible(t *testing.T) {
	// Values of Keras's _make_divisible.
	cases := []struct {
		v    float64
		want int
	}{{32, 32}, {32 * 0.35, 16}, {32 * 0.5, 16}, {32 * 0.75, 24}, {32 * 1.3, 40}, {32 * 1.4, 48}, {5, 8}, {11, 16}, {22, 24}, {1280 * 1.3, 1664}, {1280 * 1.4, 1792}, {33, 32}, {36, 40}}
	for _, c := range cases {
		if got := makeDivisible(c.v, 8); got != c.want {
			t.Errorf("makeDivisible(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

func TestCorrectPad(t *testing.T) {
	cases := []struct {
		h, w                     int
		top, bottom, left, right int
	}{{112, 112, 0, 1, 0, 1}, {17, 17, 1, 1, 1, 1}, {16, 17, 0, 1, 1, 1}, {-1, -1, 0, 1, 0, 1}}
	for _, c := range cases {
		a, b, l, r := correctPad([]int{-1, c.h, c.w, 8}, 3)
		if a != c.top || b != c.bottom || l != c.left || r != c.right {
			t.Errorf("correctPad(%d×%d) = %d %d %d %d, want %d %d %d %d", c.h, c.w, a, b, l, r, c.top, c.bottom, c.left, c.right)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		f    func(...Option) (*models.Model, error)
		opts []Option
		want string
	}{
		{"imagenet", ResNet50, []Option{Weights("imagenet")}, "download"},
		{"missing file", MobileNetV2, []Option{Weights("testdata/nonexistent.safetensors")}, "no such file"},
		{"pooling", VGG16, []Option{IncludeTop(false), Pooling("mean")}, "pooling"},
		{"alpha", VGG16, []Option{Alpha(0.5)}, "alpha"},
		{"alpha negative", MobileNetV2, []Option{Alpha(-1)}, "alpha"},
		{"small", ResNet50, []Option{InputShape(31, 64, 3)}, "at least 32x32"},
		{"small inception", InceptionV3, []Option{IncludeTop(false), InputShape(74, 80, 3)}, "at least 75x75"},
		{"unknown size with top", MobileNetV2, []Option{InputShape(-1, -1, 3)}, "static"},
		{"classes", MobileNetV2, []Option{Classes(0)}, "classes"},
		{"activation", MobileNetV2, []Option{ClassifierActivation("nope")}, "nope"},
		{"input tensor rank", MobileNetV2, []Option{InputTensor(models.Input(32, 3))}, "rank 4"},
		{"input tensor not input", MobileNetV2, []Option{IncludeTop(false), InputTensor(models.Apply(nn.Activation("relu"), models.Input(32, 32, 3)))}, "not made by Input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := c.f(c.opts...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, %v; want an error mentioning %q", m, err, c.want)
			}
		})
	}
	if _, err := New("alexnet"); err == nil || !strings.Contains(err.Error(), "mobilenetv2") {
		t.Errorf("New(alexnet): %v", err)
	}
}

func TestNew(t *testing.T) {
	for _, n := range []string{"MobileNetV2", "mobilenet_v2", "mobilenetv2"} {
		m, err := New(n, Alpha(0.35), IncludeTop(false), InputShape(32, 32, 3))
		if err != nil || m.Name() != "mobilenetv2_0.35_32" {
			t.Errorf("New(%q): %v, %v", n, m, err)
		}
	}
	if got := Names(); !slices.Equal(got, []string{"inceptionv3", "mobilenetv2", "resnet50", "vgg16"}) {
		t.Errorf("Names() = %v", got)
	}
}

// TestInputTensor shares one input between two networks, as Keras's input_tensor.
func TestInputTensor(t *testing.T) {
	in := models.Input(32, 32, 3)
	a := mustBuild(t, MobileNetV2, InputTensor(in), Alpha(0.35), IncludeTop(false), Pooling("avg"))
	b := mustBuild(t, MobileNetV2, InputTensor(in), Alpha(0.5), IncludeTop(false), Pooling("max"), InputShape(64, 64, 3), Name("b"))
	if a.InputSpecs()[0].Shape[1] != 32 || b.InputSpecs()[0].Shape[1] != 32 {
		t.Errorf("inputs %v and %v, want the shared (None, 32, 32, 3)", a.InputSpecs(), b.InputSpecs())
	}
	if a.Name() != "mobilenetv2_0.35_32" || b.Name() != "b" {
		t.Errorf("names %q and %q", a.Name(), b.Name())
	}
}
