package nn_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"testing"

	farm "github.com/dgryski/go-farm"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// hashValues are integers whose decimal strings cover every length from 1 to 20 bytes, and so
// every branch of FarmHash's short-string hash.
func hashValues() []int64 {
	vs := []int64{0, 1, -1, 7, 42, -42, 999, -999, 1234, 65535, -65536, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	p := int64(1)
	for k := 0; k < 18; k++ {
		p *= 10
		vs = append(vs, p, p-1, -p, p+12345%p, -(p - 7))
	}
	return vs
}

// TestHashingIntegers checks the in-model hash of integers exactly against FarmHash's
// Fingerprint64 of their decimal strings (what Keras's Hashing computes), eagerly and compiled.
func TestHashingIntegers(t *testing.T) {
	vs := hashValues()
	for _, bins := range []int{1, 7, 1 << 20, 1000003} {
		for _, masked := range []bool{false, true} {
			var opts []nn.Option
			if masked {
				opts = append(opts, nn.WithIntMaskValue(42))
			}
			l := nn.Hashing(bins, opts...)
			want := make([]int64, len(vs))
			for i, v := range vs {
				hb := uint64(bins)
				if masked && bins > 1 {
					hb--
				}
				want[i] = int64(farm.Fingerprint64([]byte(strconv.FormatInt(v, 10))) % hb)
				if masked && bins > 1 {
					want[i]++
					if v == 42 {
						want[i] = 0
					}
				}
			}
			x := tensor.FromSlice(vs, len(vs), 1)
			got := nn.Apply(l, nn.Inference, x)
			if got.DType() != dtype.Int64 {
				t.Fatalf("dtype %v", got.DType())
			}
			g := tensor.ToSlice[int64](got)
			for i := range vs {
				if g[i] != want[i] {
					t.Fatalf("bins %d masked %v: value %d hashed to %d, want %d", bins, masked, vs[i], g[i], want[i])
				}
			}
			fn := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor { return nn.Apply(l, nn.Inference, x) },
				graph.InputSpecs(core.Spec{DType: dtype.Int64, Shape: []int{-1, 1}}))
			out, err := fn.Call(x)
			if err != nil {
				t.Fatal(err)
			}
			if !tensor.Equal(out[0], got) {
				t.Fatalf("compiled %v, eager %v", out[0], got)
			}
		}
	}
}

func TestHashingStrings(t *testing.T) {
	words := []string{"", "a", "cat", "dog", "[MASK]", "a somewhat longer string of more than thirty-two bytes"}
	l := nn.Hashing(10, nn.WithMaskValue("[MASK]"))
	got := tensor.ToSlice[int64](l.Indices(words, 2, 3))
	for i, w := range words {
		want := int64(farm.Fingerprint64([]byte(w))%9) + 1
		if w == "[MASK]" {
			want = 0
		}
		if got[i] != want {
			t.Errorf("%q: bin %d, want %d", w, got[i], want)
		}
	}
	oh := nn.Hashing(10, nn.WithOutputMode("one_hot"))
	enc := oh.Encode(oh.Indices([]string{"cat"}, 1, 1))
	if !enc.Shape().Equal([]int{1, 10}) || ops.Sum(enc).Item() != 1 {
		t.Fatalf("one_hot %v", enc)
	}
	// An integer hashes as its decimal string.
	ints := tensor.ToSlice[int64](nn.Apply(nn.Hashing(97), nn.Inference, tensor.FromSlice([]int64{123, -5}, 2)))
	strs := tensor.ToSlice[int64](nn.Hashing(97).Indices([]string{"123", "-5"}))
	if ints[0] != strs[0] || ints[1] != strs[1] {
		t.Fatalf("integers %v, strings %v", ints, strs)
	}
	// Floats are truncated to int64 first, as Keras.
	fl := tensor.ToSlice[int64](nn.Apply(nn.Hashing(97), nn.Inference, tensor.FromSlice([]float32{123.7, -5.2}, 2)))
	if fl[0] != strs[0] || fl[1] != strs[1] {
		t.Fatalf("floats %v, strings %v", fl, strs)
	}
}

func TestHashingOutputModes(t *testing.T) {
	x := tensor.FromSlice([]int64{1, 2, 1, 3, 1, 1}, 2, 3)
	bins := nn.Apply(nn.Hashing(5), nn.Inference, x)
	want := nn.Apply(nn.CategoryEncoding(5, nn.WithOutputMode("count")), nn.Inference, bins)
	got := nn.Apply(nn.Hashing(5, nn.WithOutputMode("count")), nn.Inference, x)
	if !tensor.Equal(got, want) || got.DType() != dtype.Float32 {
		t.Fatalf("count %v, want %v", got, want)
	}
	mh := nn.Apply(nn.Hashing(5, nn.WithOutputMode("multi_hot")), nn.Inference, x)
	if !mh.Shape().Equal([]int{2, 5}) || ops.Max(mh).Item() != 1 {
		t.Fatalf("multi_hot %v", mh)
	}
	oh := nn.Apply(nn.Hashing(5, nn.WithOutputMode("one_hot")), nn.Inference, tensor.FromSlice([]int64{1, 2}, 2, 1))
	if !oh.Shape().Equal([]int{2, 5}) {
		t.Fatalf("one_hot of [2, 1] has shape %v, want [2 5]", oh.Shape())
	}
}

func TestCategoricalErrors(t *testing.T) {
	for name, f := range map[string]func(){
		"num_tokens":    func() { nn.CategoryEncoding(0) },
		"encoding_mode": func() { nn.CategoryEncoding(3, nn.WithOutputMode("int")) },
		"count_weights": func() {
			nn.CategoryEncoding(3).Call(nn.Inference, tensor.Zeros(dtype.Int64, 2), tensor.Zeros(dtype.Float32, 2))
		},
		"num_bins":        func() { nn.Hashing(0) },
		"hash_mode":       func() { nn.Hashing(3, nn.WithOutputMode("tf_idf")) },
		"both_masks":      func() { nn.Hashing(3, nn.WithMaskValue("a"), nn.WithIntMaskValue(1)) },
		"hash_bool":       func() { nn.Apply(nn.Hashing(3), nn.Inference, tensor.Zeros(dtype.Bool, 2)) },
		"indices_dims":    func() { nn.Hashing(3).Indices([]string{"a"}, 2) },
		"both_bins":       func() { nn.Discretization(nn.WithNumBins(3), nn.WithBinBoundaries(1, 2)) },
		"negative_bins":   func() { nn.Discretization(nn.WithNumBins(-1)) },
		"unsorted":        func() { nn.Discretization(nn.WithBinBoundaries(2, 1)) },
		"epsilon":         func() { nn.Discretization(nn.WithNumBins(3), nn.WithEpsilon(0)) },
		"not_adapted":     func() { nn.Apply(nn.Discretization(nn.WithNumBins(3)), nn.Inference, tensor.Zeros(dtype.Float32, 2)) },
		"discretize_mode": func() { nn.Discretization(nn.WithOutputMode("tf_idf")) },
		"encoding_integer": func() {
			nn.CategoryEncoding(3, nn.WithDType(dtype.Int64)).Call(nn.Inference, tensor.Zeros(dtype.Int64, 2))
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := core.Catch(f)
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("got %v (%T), want a *core.Error", err, err)
			}
		})
	}
	if err := nn.Discretization(nn.WithBinBoundaries(1)).Adapt(tensor.Zeros(dtype.Float32, 3)); err == nil {
		t.Error("adapting a layer with boundaries should fail")
	}
	if err := nn.Discretization(nn.WithNumBins(2)).Adapt(); err == nil {
		t.Error("adapting without data should fail")
	}
}

func TestDiscretizationModes(t *testing.T) {
	l := nn.Discretization(nn.WithBinBoundaries(0, 1), nn.WithOutputMode("one_hot"))
	got := nn.Apply(l, nn.Inference, tensor.FromSlice([]float32{-1, 0.5, 2}, 3))
	want := tensor.FromSlice([]float32{1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3)
	if !tensor.Equal(got, want) {
		t.Fatalf("one_hot %v, want %v", got, want)
	}
	ints := nn.Apply(nn.Discretization(nn.WithBinBoundaries(0, 1)), nn.Inference, tensor.FromSlice([]int32{-3, 0, 1, 5}, 4))
	if !tensor.Equal(ints, tensor.FromSlice([]int64{0, 1, 2, 2}, 4)) {
		t.Fatalf("integer inputs %v", ints)
	}
	l = nn.Discretization(nn.WithNumBins(4))
	data := tensor.Arange(dtype.Float32, 0, 100, 1)
	if err := l.Adapt(data); err != nil {
		t.Fatal(err)
	}
	b := l.BinBoundaries()
	// Keras's summary of 0..99 with epsilon 0.01 starts at the second value (index ⌊ε·n⌋ = 1),
	// each of 1..99 weighing 1, so its quartiles interpolate to 24.75, 49.5 and 74.25.
	if len(b) != 3 || b[0] != 24.75 || b[1] != 49.5 || b[2] != 74.25 {
		t.Fatalf("boundaries %v, want Keras's [24.75 49.5 74.25]", b)
	}
}

func TestCategoricalConfig(t *testing.T) {
	cases := []struct {
		l    nn.Layer
		name string
		want map[string]any
	}{
		{nn.CategoryEncoding(4), "category_encoding", map[string]any{"num_tokens": 4.0, "output_mode": "multi_hot", "sparse": false}},
		{nn.Hashing(8, nn.WithIntMaskValue(0)), "hashing", map[string]any{"num_bins": 8.0, "mask_value": 0.0, "salt": nil, "output_mode": "int"}},
		{nn.Discretization(nn.WithNumBins(3)), "discretization", map[string]any{"num_bins": 3.0, "bin_boundaries": nil, "epsilon": 0.01, "output_mode": "int"}},
		{nn.Discretization(nn.WithBinBoundaries(1, 2)), "discretization", map[string]any{"num_bins": nil, "bin_boundaries": []any{1.0, 2.0}}},
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

// ExampleCategoryEncoding encodes two samples of ids: which of 4 tokens each holds.
func ExampleCategoryEncoding() {
	enc := nn.CategoryEncoding(4) // multi_hot by default
	ids := tensor.FromSlice([]int64{0, 1, 1, 3, 3, 3}, 2, 3)
	fmt.Println(nn.Apply(enc, nn.Inference, ids))
	// Output:
	// [[1. 1. 0. 0.]
	//  [0. 0. 0. 1.]]
}

// TestHashingSalt checks Hashing with a salt: SipHash-2-4 against the reference vectors of its
// paper (through strings), then the in-model hash of integers against the strings' hash.
func TestHashingSalt(t *testing.T) {
	// Key 00..0f and messages 00..(n-1): the paper's vectors for n = 0 and 15 (Appendix A).
	const k0, k1 = 0x0706050403020100, 0x0f0e0d0c0b0a0908
	msg := make([]byte, 15)
	for i := range msg {
		msg[i] = byte(i)
	}
	for _, c := range []struct {
		s    string
		want uint64
	}{{"", 0x726fdb47dd0e0e31}, {string(msg), 0xa129ca6149be45e5}} {
		// With 2^20 + 7 bins (odd), the bin pins the hash's low bits: compare them.
		const bins = 1<<20 + 7
		got := tensor.ToSlice[int64](nn.Hashing(bins, nn.WithSalt(k0, k1)).Indices([]string{c.s}))[0]
		if uint64(got) != c.want%bins {
			t.Errorf("SipHash of %q: bin %d, want %d", c.s, got, c.want%bins)
		}
	}
	vs := hashValues()
	strs := make([]string, len(vs))
	for i, v := range vs {
		strs[i] = strconv.FormatInt(v, 10)
	}
	for _, bins := range []int{3, 1000003} {
		l := nn.Hashing(bins, nn.WithSalt(12345, 678), nn.WithIntMaskValue(7))
		ls := nn.Hashing(bins, nn.WithSalt(12345, 678), nn.WithMaskValue("7"))
		got := nn.Apply(l, nn.Inference, tensor.FromSlice(vs, len(vs)))
		if want := ls.Indices(strs); !tensor.Equal(got, want) {
			t.Fatalf("bins %d: integers %v, strings %v", bins, got, want)
		}
		fn := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor { return nn.Apply(l, nn.Inference, x) },
			graph.InputSpecs(core.Spec{DType: dtype.Int64, Shape: []int{-1}}))
		out, err := fn.Call(tensor.FromSlice(vs, len(vs)))
		if err != nil || !tensor.Equal(out[0], got) {
			t.Fatalf("compiled %v (%v), eager %v", out, err, got)
		}
	}
	if s := nn.Hashing(3, nn.WithSalt(1, 2)).Config()["salt"]; fmt.Sprint(s) != "[1 2]" {
		t.Errorf("salt config %v", s)
	}
}

// TestHashingMaskValue checks the mask is compared exactly with integers and with floats as
// given (Keras compares before converting floats to integers).
func TestHashingMaskValue(t *testing.T) {
	l := nn.Hashing(5, nn.WithIntMaskValue(math.MaxInt64))
	got := tensor.ToSlice[int64](nn.Apply(l, nn.Inference, tensor.FromSlice([]int64{math.MaxInt64, math.MaxInt64 - 1}, 2)))
	if got[0] != 0 || got[1] == 0 {
		t.Fatalf("bins %v: only the first is the mask", got)
	}
	l = nn.Hashing(5, nn.WithIntMaskValue(7))
	got = tensor.ToSlice[int64](nn.Apply(l, nn.Inference, tensor.FromSlice([]float32{7, 7.5}, 2)))
	if got[0] != 0 || got[1] == 0 {
		t.Fatalf("bins %v: only 7.0 is the mask", got)
	}
}
