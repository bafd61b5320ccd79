package initializers_test

import (
	"math"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

func stats(t *tensor.Tensor) (mean, std, lo, hi float64) {
	v := t.Float64s()
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		mean += x
		lo, hi = min(lo, x), max(hi, x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v))), lo, hi
}

func TestFans(t *testing.T) {
	for _, c := range []struct {
		dims    []int
		in, out int
	}{{nil, 1, 1}, {[]int{7}, 7, 7}, {[]int{3, 5}, 3, 5}, {[]int{3, 3, 4, 8}, 36, 72}, {[]int{2, 2, 2, 3, 4}, 24, 32}} {
		if in, out := initializers.Fans(c.dims); in != c.in || out != c.out {
			t.Errorf("Fans(%v) = %d, %d, want %d, %d", c.dims, in, out, c.in, c.out)
		}
	}
}

// TestDistributions checks each random initializer's mean, standard deviation and range on a
// large draw against Keras's formulas.
func TestDistributions(t *testing.T) {
	const fanIn, fanOut = 300, 200
	dims := []int{fanIn, fanOut}
	uniformStd := func(limit float64) float64 { return limit / math.Sqrt(3) }
	cases := []struct {
		name      string
		init      initializers.Initializer
		std       float64
		bound     float64 // |x| must stay below it (0: unbounded)
		meanShift float64
	}{
		{"glorot_uniform", initializers.GlorotUniform(), uniformStd(math.Sqrt(6.0 / (fanIn + fanOut))), math.Sqrt(6.0 / (fanIn + fanOut)), 0},
		{"glorot_normal", initializers.GlorotNormal(), math.Sqrt(2.0 / (fanIn + fanOut)), 2 * math.Sqrt(2.0/(fanIn+fanOut)) / 0.87962566103423978, 0},
		{"he_uniform", initializers.HeUniform(), uniformStd(math.Sqrt(6.0 / fanIn)), math.Sqrt(6.0 / fanIn), 0},
		{"he_normal", initializers.HeNormal(), math.Sqrt(2.0 / fanIn), 2 * math.Sqrt(2.0/fanIn) / 0.87962566103423978, 0},
		{"lecun_uniform", initializers.LecunUniform(), uniformStd(math.Sqrt(3.0 / fanIn)), math.Sqrt(3.0 / fanIn), 0},
		{"lecun_normal", initializers.LecunNormal(), math.Sqrt(1.0 / fanIn), 2 * math.Sqrt(1.0/fanIn) / 0.87962566103423978, 0},
		{"variance_scaling_fan_out_untruncated", initializers.VarianceScaling(3, initializers.FanOut, initializers.UntruncatedNormalDist), math.Sqrt(3.0 / fanOut), 0, 0},
		{"random_uniform", initializers.RandomUniform(-0.05, 0.05), uniformStd(0.05), 0.05, 0},
		{"random_normal", initializers.RandomNormal(1, 0.05), 0.05, 0, 1},
		{"truncated_normal", initializers.TruncatedNormal(0, 0.05), 0.05 * 0.87962566103423978, 0.1, 0},
	}
	for _, c := range cases {
		for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
			x := c.init.Init(1, dt, dims...)
			if x.DType() != dt || !x.Shape().Equal(dims) {
				t.Fatalf("%s: got %v %v", c.name, x.DType(), x.Shape())
			}
			mean, std, lo, hi := stats(x)
			if math.Abs(mean-c.meanShift) > 0.02*c.std+1e-9 {
				t.Errorf("%s %v: mean %v, want %v", c.name, dt, mean, c.meanShift)
			}
			if math.Abs(std-c.std) > 0.02*c.std {
				t.Errorf("%s %v: std %v, want %v", c.name, dt, std, c.std)
			}
			if c.bound > 0 && (lo < -c.bound-1e-7 || hi > c.bound+1e-7) {
				t.Errorf("%s %v: range [%v, %v] beyond ±%v", c.name, dt, lo, hi, c.bound)
			}
		}
		// Reproducible and seed-dependent.
		a, b := c.init.Init(5, dtype.Float32, 4, 3), c.init.Init(5, dtype.Float32, 4, 3)
		if !tensor.Equal(a, b) || tensor.Equal(a, c.init.Init(6, dtype.Float32, 4, 3)) {
			t.Errorf("%s: not a function of the seed", c.name)
		}
	}
}

func TestConstants(t *testing.T) {
	if !tensor.Equal(initializers.Zeros().Init(1, dtype.Float32, 2, 3), tensor.Zeros(dtype.Float32, 2, 3)) {
		t.Error("zeros")
	}
	if !tensor.Equal(initializers.Ones().Init(1, dtype.Int64, 4), tensor.Ones(dtype.Int64, 4)) {
		t.Error("ones")
	}
	if got := initializers.Constant(2.5).Init(1, dtype.Float64, 2); !tensor.Equal(got, tensor.Full(dtype.Float64, 2.5, 2)) {
		t.Errorf("constant %v", got)
	}
	id := initializers.Identity(2).Init(0, dtype.Float32, 2, 3)
	if want := tensor.FromRows([][]float32{{2, 0, 0}, {0, 2, 0}}); !tensor.Equal(id, want) {
		t.Errorf("identity %v", id)
	}
	if core.Catch(func() { initializers.Identity(1).Init(0, dtype.Float32, 2, 2, 2) }) == nil {
		t.Error("identity of rank 3 did not panic")
	}
}

func TestOrthogonal(t *testing.T) {
	for _, dims := range [][]int{{6, 6}, {8, 3}, {3, 8}, {2, 3, 4}} {
		q := initializers.Orthogonal(1.5).Init(3, dtype.Float64, dims...)
		rows, cols := 1, dims[len(dims)-1]
		for _, d := range dims[:len(dims)-1] {
			rows *= d
		}
		m := ops.Reshape(q, rows, cols)
		// Orthonormal columns (or rows, for a wide matrix), times the gain.
		var g *tensor.Tensor
		n := min(rows, cols)
		if rows >= cols {
			g = ops.MatMulT(m, m, true, false)
		} else {
			g = ops.MatMulT(m, m, false, true)
		}
		if want := ops.MulScalar(tensor.Eye(dtype.Float64, n), 1.5*1.5); !tensor.AllClose(g, want, 1e-12, 1e-12) {
			t.Errorf("%v: QᵀQ = %v", dims, g)
		}
	}
	a := initializers.Orthogonal(1).Init(1, dtype.Float32, 4, 4)
	if tensor.Equal(a, initializers.Orthogonal(1).Init(2, dtype.Float32, 4, 4)) {
		t.Error("orthogonal ignores the seed")
	}
}

func TestGetAndSeeded(t *testing.T) {
	for _, name := range initializers.Named() {
		init, err := initializers.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		cfg := init.Config()
		if cfg["class_name"] == nil || cfg["config"] == nil {
			t.Errorf("%s: config %v", name, cfg)
		}
	}
	if _, err := initializers.Get("glorot"); err == nil {
		t.Error("unknown name: no error")
	}
	s := initializers.Seeded(initializers.HeNormal(), 42)
	if !tensor.Equal(s.Init(1, dtype.Float32, 3, 3), initializers.HeNormal().Init(42, dtype.Float32, 3, 3)) {
		t.Error("Seeded does not fix the seed")
	}
	if cfg := s.Config()["config"].(map[string]any); cfg["seed"] != uint64(42) {
		t.Errorf("seeded config %v", cfg)
	}
	if core.Catch(func() { initializers.GlorotUniform().Init(1, dtype.Int32, 2, 2) }) == nil {
		t.Error("random initializer of int32 did not panic")
	}
}

func TestFromConfigRoundTrip(t *testing.T) {
	inits := []initializers.Initializer{
		initializers.Zeros(), initializers.Ones(), initializers.Constant(3), initializers.RandomUniform(-1, 2),
		initializers.RandomNormal(1, 2), initializers.TruncatedNormal(0, 0.5), initializers.GlorotUniform(),
		initializers.GlorotNormal(), initializers.HeUniform(), initializers.HeNormal(), initializers.LecunUniform(),
		initializers.LecunNormal(), initializers.VarianceScaling(2, initializers.FanAvg, initializers.UniformDist),
		initializers.Orthogonal(2), initializers.Identity(3), initializers.Seeded(initializers.HeNormal(), 9),
	}
	for _, init := range inits {
		back, err := initializers.FromConfig(init.Config())
		if err != nil {
			t.Fatal(err)
		}
		if a, b := init.Init(4, dtype.Float32, 3, 3), back.Init(4, dtype.Float32, 3, 3); !tensor.Equal(a, b) {
			t.Errorf("%v: round trip gives %v, want %v", init.Config(), b, a)
		}
	}
	for _, bad := range []map[string]any{
		{"class_name": "Nope"},
		{"class_name": "Constant", "config": map[string]any{"value": "x"}},
		{"class_name": "VarianceScaling", "config": map[string]any{"mode": "fan_mid"}},
	} {
		if _, err := initializers.FromConfig(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
