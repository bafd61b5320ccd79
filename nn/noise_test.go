package nn_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/autodiff/gradcheck"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// trainAt is the training context at a step.
func trainAt(step int64) nn.Context {
	return nn.Context{Training: true, Step: tensor.Scalar(step)}
}

// moments returns the mean and the standard deviation of x's elements.
func moments(x *tensor.Tensor) (mean, std float64) {
	v := tensor.ToSlice[float64](ops.Cast(x, dtype.Float64))
	for _, a := range v {
		mean += a
	}
	mean /= float64(len(v))
	for _, a := range v {
		std += (a - mean) * (a - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

func TestNoiseInferenceIsIdentity(t *testing.T) {
	x := tensor.RandomNormal(1, 4, 6, 3)
	for _, l := range []nn.Layer{nn.SpatialDropout1D(0.5), nn.GaussianNoise(0.5), nn.GaussianDropout(0.5),
		nn.AlphaDropout(0.5), nn.ActivityRegularization(0.1, 0.1)} {
		if y := nn.Apply(l, nn.Inference, x); !tensor.Equal(y, x) {
			t.Errorf("%s changed its input at inference", l.Name())
		}
	}
}

// TestGaussianNoiseDistribution checks the noise is standard normal scaled by stddev: its mean,
// deviation and the normal's probabilities of |z| < 1, 2, 3, within a few standard errors.
func TestGaussianNoiseDistribution(t *testing.T) {
	const n = 64 * 1024
	x := tensor.Zeros(dtype.Float32, 64, 1024)
	y := nn.Apply(nn.GaussianNoise(0.5), trainAt(3), x)
	mean, std := moments(y)
	if math.Abs(mean) > 4*0.5/math.Sqrt(n) || math.Abs(std-0.5) > 0.01 {
		t.Fatalf("mean %v, std %v, want 0 and 0.5", mean, std)
	}
	z := tensor.ToSlice[float32](y)
	for k, p := range map[float64]float64{1: 0.682689, 2: 0.954500, 3: 0.997300} {
		in := 0
		for _, v := range z {
			if math.Abs(float64(v)/0.5) < k {
				in++
			}
		}
		got := float64(in) / n
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(got-p) > 5*se {
			t.Errorf("P(|z| < %v) = %v, want %v", k, got, p)
		}
	}
	// GaussianDropout multiplies by N(1, rate/(1-rate)).
	y = nn.Apply(nn.GaussianDropout(0.2), trainAt(3), ops.OnesLike(x))
	mean, std = moments(y)
	if want := math.Sqrt(0.2 / 0.8); math.Abs(mean-1) > 4*want/math.Sqrt(n) || math.Abs(std-want) > 0.01 {
		t.Fatalf("GaussianDropout: mean %v, std %v, want 1 and %v", mean, std, want)
	}
}

// TestAlphaDropoutValues checks each output is a·x + b (kept) or a·(−λα) + b (dropped), that
// about rate of them are dropped, and that standard normal inputs keep mean 0 and variance 1.
func TestAlphaDropoutValues(t *testing.T) {
	const rate = 0.2
	x := ops.Cast(tensor.RandomNormal(5, 128, 512), dtype.Float64)
	y := nn.Apply(nn.AlphaDropout(rate, nn.WithDType(dtype.Float64)), trainAt(1), x)
	alphaP := -ops.SeluAlpha * ops.SeluScale
	a := math.Pow((1-rate)*(1+rate*alphaP*alphaP), -0.5)
	b := -a * alphaP * rate
	xs, ys := tensor.ToSlice[float64](x), tensor.ToSlice[float64](y)
	dropped := 0
	for i := range xs {
		switch {
		case math.Abs(ys[i]-(a*xs[i]+b)) < 1e-12:
		case math.Abs(ys[i]-(a*alphaP+b)) < 1e-12:
			dropped++
		default:
			t.Fatalf("element %d: %v is neither kept nor dropped from %v", i, ys[i], xs[i])
		}
	}
	n := float64(len(xs))
	if f := float64(dropped) / n; math.Abs(f-rate) > 5*math.Sqrt(rate*(1-rate)/n) {
		t.Fatalf("dropped %v, want %v", f, rate)
	}
	mean, std := moments(y)
	if math.Abs(mean) > 0.02 || math.Abs(std-1) > 0.02 {
		t.Fatalf("mean %v, std %v, want 0 and 1", mean, std)
	}
}

// TestSpatialDropoutChannels checks whole channels are dropped together.
func TestSpatialDropoutChannels(t *testing.T) {
	cases := []struct {
		l    nn.Layer
		dims []int
		ch   int // the channel axis
	}{
		{nn.SpatialDropout1D(0.5), []int{8, 6, 16}, 2},
		{nn.SpatialDropout2D(0.5), []int{8, 3, 4, 16}, 3},
		{nn.SpatialDropout2D(0.5, nn.WithDataFormat("channels_first")), []int{8, 16, 3, 4}, 1},
		{nn.SpatialDropout3D(0.5), []int{4, 2, 3, 2, 16}, 4},
	}
	for _, c := range cases {
		x := tensor.Ones(dtype.Float32, c.dims...)
		y := nn.Apply(c.l, trainAt(2), x)
		// The maximum and minimum over the spatial axes agree for each (batch, channel).
		var spatial []int
		for a := 1; a < len(c.dims); a++ {
			if a != c.ch {
				spatial = append(spatial, a)
			}
		}
		hi, lo := ops.Max(y, spatial...), ops.Min(y, spatial...)
		if !tensor.Equal(hi, lo) {
			t.Errorf("%s: a channel was partly dropped", c.l.Name())
		}
		kept := tensor.ToSlice[float32](hi)
		zeros := 0
		for _, v := range kept {
			if v == 0 {
				zeros++
			} else if v != 2 {
				t.Fatalf("%s: kept value %v, want 2", c.l.Name(), v)
			}
		}
		if zeros == 0 || zeros == len(kept) {
			t.Errorf("%s: %d of %d channels dropped", c.l.Name(), zeros, len(kept))
		}
	}
}

// TestNoiseEagerCompiledParity runs the random layers eagerly and compiled (unknown batch, the
// step as an argument): equal outputs, one trace, and new noise at a new step.
func TestNoiseEagerCompiledParity(t *testing.T) {
	cases := []struct {
		l    nn.Layer
		dims []int
	}{
		{nn.SpatialDropout1D(0.3), []int{5, 4}},
		{nn.SpatialDropout2D(0.3, nn.WithDataFormat("channels_first")), []int{4, 3, 3}},
		{nn.GaussianNoise(0.3), []int{6}},
		{nn.GaussianDropout(0.3), []int{2, 3}},
		{nn.AlphaDropout(0.3), []int{6}},
		{nn.AlphaDropout(0.3, nn.WithNoiseShape(-1, 1, 3)), []int{4, 3}},
	}
	for _, c := range cases {
		t.Run(c.l.Name(), func(t *testing.T) {
			fn := graph.Compile(func(x, step *tensor.Tensor) *tensor.Tensor {
				return nn.Apply(c.l, nn.Context{Training: true, Step: step}, x)
			}, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: append([]int{-1}, c.dims...)},
				core.Spec{DType: dtype.Int64, Shape: []int{}}))
			var prev *tensor.Tensor
			for i, batch := range []int{3, 5, 5} {
				x := ops.AddScalar(sample(dtype.Float32, 1, append([]int{batch}, c.dims...)), 2)
				step := int64(i)
				out, err := fn.Call(x, tensor.Scalar(step))
				if err != nil {
					t.Fatal(err)
				}
				want := nn.Apply(c.l, trainAt(step), x)
				if !tensor.AllClose(out[0], want, 1e-6, 1e-6) {
					t.Fatalf("step %d: compiled %v, eager %v", step, out[0], want)
				}
				if again := nn.Apply(c.l, trainAt(step), x); !tensor.Equal(again, want) {
					t.Fatal("the same step drew different noise")
				}
				if prev != nil && tensor.Equal(prev, want) {
					t.Fatal("a new step drew the same noise")
				}
				if batch == 5 {
					prev = want
				}
			}
			if n := fn.Traces(); n != 1 {
				t.Errorf("traced %d times, want 1", n)
			}
		})
	}
}

func TestActivityRegularization(t *testing.T) {
	l := nn.ActivityRegularization(0.1, 0.01)
	x := tensor.FromSlice([]float32{1, -2, 3, -4}, 2, 2)
	if y := nn.Apply(l, nn.Training, x); !tensor.Equal(y, x) {
		t.Fatal("changed its input")
	}
	ls := l.Losses()
	if len(ls) != 1 || math.Abs(ls[0].Item()-(0.1*10+0.01*30)) > 1e-5 {
		t.Fatalf("losses %v, want [1.3]", ls)
	}
}

func TestNoiseErrors(t *testing.T) {
	for name, f := range map[string]func(){
		"spatial_rate":          func() { nn.SpatialDropout2D(1.5) },
		"spatial_rank":          func() { nn.Apply(nn.SpatialDropout2D(0.5), nn.Training, tensor.Zeros(dtype.Float32, 2, 3)) },
		"spatial1d_data_format": func() { nn.SpatialDropout1D(0.5, nn.WithDataFormat("channels_first")) },
		"stddev":                func() { nn.GaussianNoise(-0.1) },
		"stddev_above_one":      func() { nn.GaussianNoise(1.5) },
		"gaussian_rate":         func() { nn.GaussianDropout(1) },
		"alpha_rate":            func() { nn.AlphaDropout(-0.1) },
		"alpha_noise_shape": func() {
			nn.Apply(nn.AlphaDropout(0.5, nn.WithNoiseShape(1, 2)), nn.Training, tensor.Zeros(dtype.Float32, 2, 3))
		},
		"l1":     func() { nn.ActivityRegularization(-1, 0) },
		"option": func() { nn.GaussianNoise(0.1, nn.WithNoiseShape(1)) },
	} {
		t.Run(name, func(t *testing.T) {
			err := core.Catch(f)
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("got %v (%T), want a *core.Error", err, err)
			}
		})
	}
}

func TestNoiseConfig(t *testing.T) {
	cases := []struct {
		l    nn.Layer
		name string
		want map[string]any
	}{
		{nn.SpatialDropout1D(0.2, nn.WithSeed(7)), "spatial_dropout1d", map[string]any{"rate": 0.2, "seed": 7.0}},
		{nn.SpatialDropout2D(0.2), "spatial_dropout2d", map[string]any{"data_format": "channels_last"}},
		{nn.SpatialDropout3D(0.2), "spatial_dropout3d", map[string]any{"rate": 0.2}},
		{nn.GaussianNoise(0.1), "gaussian_noise", map[string]any{"stddev": 0.1}},
		{nn.GaussianDropout(0.1), "gaussian_dropout", map[string]any{"rate": 0.1}},
		{nn.AlphaDropout(0.1, nn.WithNoiseShape(-1, 1)), "alpha_dropout", map[string]any{"rate": 0.1, "noise_shape": []any{-1.0, 1.0}}},
		{nn.ActivityRegularization(0.1, 0.2), "activity_regularization", map[string]any{"l1": 0.1, "l2": 0.2}},
	}
	for _, c := range cases {
		if c.l.Name() != c.name {
			t.Errorf("name %q, want %q", c.l.Name(), c.name)
		}
		b, _ := json.Marshal(c.l.Config())
		var got map[string]any
		json.Unmarshal(b, &got)
		for k, v := range c.want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Errorf("%s: %s = %v, want %v", c.name, k, got[k], v)
			}
		}
	}
}

// ExampleGaussianNoise shows that the noise layers act only while training.
func ExampleGaussianNoise() {
	noise := nn.GaussianNoise(0.1, nn.WithSeed(1))
	x := tensor.Ones(dtype.Float32, 2, 3)
	fmt.Println(tensor.Equal(nn.Apply(noise, nn.Inference, x), x))
	fmt.Println(tensor.Equal(nn.Apply(noise, nn.Context{Training: true, Step: tensor.Scalar(int64(1))}, x), x))
	// Output:
	// true
	// false
}

// TestNoiseGradients checks the gradients of the random layers at a fixed step, where the noise
// is a constant: finite differences in float64.
func TestNoiseGradients(t *testing.T) {
	f64 := nn.WithDType(dtype.Float64)
	x := ops.Cast(tensor.RandomNormal(11, 3, 4, 5), dtype.Float64)
	for _, l := range []nn.Layer{nn.SpatialDropout1D(0.4, f64), nn.GaussianNoise(0.5, f64), nn.GaussianDropout(0.4, f64),
		nn.AlphaDropout(0.4, f64), nn.ActivityRegularization(0.1, 0.1, f64)} {
		t.Run(l.Name(), func(t *testing.T) {
			err := gradcheck.Check(func(xs []*tensor.Tensor) *tensor.Tensor {
				return ops.Tanh(nn.Apply(l, trainAt(4), xs[0]))
			}, []*tensor.Tensor{x}, gradcheck.Tolerance(1e-6, 1e-5))
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestGaussianNoiseStream checks the noise layers draw ops.RandomNormalLike's numbers from the
// layer's seed and the step, with the layer's mean and deviation, and that a context without a
// step tensor draws step 0's.
func TestGaussianNoiseStream(t *testing.T) {
	x := ops.Cast(tensor.RandomNormal(2, 4, 9), dtype.Float64)
	step := tensor.Scalar(int64(6))
	ctx := nn.Context{Training: true, Step: step}
	gn := nn.GaussianNoise(0.3, nn.WithSeed(17), nn.WithDType(dtype.Float64))
	want := ops.Add(x, ops.RandomNormalLike(x, step, ops.NormalLikeParams{Seed: gn.LayerSeed(), Stddev: 0.3}))
	if got := nn.Apply(gn, ctx, x); !tensor.Equal(got, want) {
		t.Errorf("GaussianNoise = %v, want %v", got, want)
	}
	gd := nn.GaussianDropout(0.2, nn.WithSeed(17), nn.WithDType(dtype.Float64))
	want = ops.Mul(x, ops.RandomNormalLike(x, step, ops.NormalLikeParams{Seed: gd.LayerSeed(), Mean: 1, Stddev: 0.5}))
	if got := nn.Apply(gd, ctx, x); !tensor.Equal(got, want) {
		t.Errorf("GaussianDropout = %v, want %v", got, want)
	}
	if a, b := nn.Apply(gn, nn.Training, x), nn.Apply(gn, trainAt(0), x); !tensor.Equal(a, b) {
		t.Error("a context without a step drew other noise than step 0")
	}
}
