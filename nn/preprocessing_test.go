package nn_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/graph"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// TestPreprocessRescaling checks x·scale + offset and the conversion of integers.
func TestPreprocessRescaling(t *testing.T) {
	x := tensor.FromSlice([]uint8{0, 51, 255}, 1, 3)
	got := nn.Apply(nn.Rescaling(1.0/255, -0.5), nn.Inference, x)
	want := tensor.FromSlice([]float32{-0.5, -0.3, 0.5}, 1, 3)
	if !tensor.AllClose(got, want, 1e-6, 1e-6) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestPreprocessNormalizationAdapt checks Adapt over several batches against NumPy's mean and
// population variance of their concatenation (testdata/rnn.json, made by gen_rnn.py), the
// normalised output, the inverse, the non-trainable weights and a compiled call.
func TestPreprocessNormalizationAdapt(t *testing.T) {
	b, err := os.ReadFile("testdata/rnn.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Normalization []struct {
			Name           string     `json:"name"`
			Axis           []int      `json:"axis"`
			Batches        []*rnnJSON `json:"batches"`
			Mean, Variance *rnnJSON
		} `json:"normalization"`
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.Normalization) == 0 {
		t.Fatalf("no normalization cases: %v", err)
	}
	for _, c := range f.Normalization {
		t.Run(c.Name, func(t *testing.T) {
			l := nn.Normalization(nn.WithAxis(c.Axis...), nn.WithDType(dtype.Float64))
			var batches []*tensor.Tensor
			for _, x := range c.Batches {
				batches = append(batches, x.tensor())
			}
			if err := l.Adapt(batches...); err != nil {
				t.Fatal(err)
			}
			if d, _ := tensor.MaxDiff(l.Mean().Value(), c.Mean.tensor()); d > 1e-12 {
				t.Errorf("mean differs from NumPy's by %g", d)
			}
			if d, _ := tensor.MaxDiff(l.Variance().Value(), c.Variance.tensor()); d > 1e-12 {
				t.Errorf("variance differs from NumPy's by %g", d)
			}
			if len(l.Weights()) != 3 || l.Weights()[0].Trainable() {
				t.Errorf("weights %v, want mean, variance and count, not trainable", l.Weights())
			}
			x := batches[1]
			y := nn.Apply(l, nn.Inference, x)
			bs := []int{1, 1, 1}
			for i, a := range c.Axis {
				bs[a] = c.Mean.Shape[i]
			}
			want := ops.Div(ops.Sub(x, c.Mean.tensor().Reshape(bs...)), ops.Sqrt(c.Variance.tensor().Reshape(bs...)))
			if !tensor.AllClose(y, want, 1e-12, 1e-12) {
				t.Error("normalised values differ")
			}
			inv := nn.Normalization(nn.WithAxis(c.Axis...), nn.WithDType(dtype.Float64), nn.WithInvert(true))
			if err := inv.Adapt(batches...); err != nil {
				t.Fatal(err)
			}
			if back := nn.Apply(inv, nn.Inference, y); !tensor.AllClose(back, x, 1e-12, 1e-12) {
				t.Error("invert does not undo the normalisation")
			}
			fn := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor { return nn.Apply(l, nn.Inference, x) },
				graph.InputSpecs(core.Spec{DType: dtype.Float64, Shape: append([]int{-1}, x.Shape()[1:]...)}))
			got, err := fn.Call(x)
			if err != nil || !tensor.AllClose(got[0], y, 0, 0) {
				t.Errorf("compiled: %v", err)
			}
		})
	}
	fixed := nn.Normalization(nn.WithMeanVariance([]float64{1, 2}, []float64{4, 0}))
	got := nn.Apply(fixed, nn.Inference, tensor.FromSlice([]float32{3, 2, 5, 3}, 2, 2))
	if want := tensor.FromSlice([]float32{1, 0, 2, 1e7}, 2, 2); !tensor.AllClose(got, want, 1e-6, 1e-6) || len(fixed.Weights()) != 0 {
		t.Errorf("fixed mean and variance: %v, want %v (std floored at 1e-7)", got, want)
	}
}

// TestPreprocessImageGeometry checks CenterCrop and Resizing values (TensorFlow's half-pixel
// conventions), channels_first and unbatched images.
func TestPreprocessImageGeometry(t *testing.T) {
	img := ops.Cast(tensor.Arange(dtype.Float32, 0, 30, 1), dtype.Float32).Reshape(1, 5, 6, 1)
	got := nn.Apply(nn.CenterCrop(3, 2), nn.Inference, img)
	want := tensor.FromSlice([]float32{8, 9, 14, 15, 20, 21}, 1, 3, 2, 1)
	if !tensor.AllClose(got, want, 0, 0) {
		t.Errorf("center crop %v, want %v", got, want)
	}
	if s := nn.Apply(nn.CenterCrop(8, 4), nn.Inference, img).Shape(); !s.Equal([]int{1, 8, 4, 1}) {
		t.Errorf("upsizing crop: shape %v", s)
	}
	small := tensor.FromSlice([]float32{0, 1, 2, 3}, 1, 2, 2, 1)
	bilinear := nn.Apply(nn.Resizing(4, 4), nn.Inference, small)
	wantB := tensor.FromSlice([]float32{0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3}, 1, 4, 4, 1)
	if !tensor.AllClose(bilinear, wantB, 1e-6, 1e-6) {
		t.Errorf("bilinear resize %v, want %v", bilinear, wantB)
	}
	nearest := nn.Apply(nn.Resizing(2, 3, nn.WithInterpolation("nearest")), nn.Inference, img)
	wantN := tensor.FromSlice([]float32{7, 9, 11, 19, 21, 23}, 1, 2, 3, 1)
	if !tensor.AllClose(nearest, wantN, 0, 0) {
		t.Errorf("nearest resize %v, want %v", nearest, wantN)
	}
	cf := nn.Apply(nn.CenterCrop(3, 2, nn.WithDataFormat("channels_first")), nn.Inference, img.Reshape(1, 1, 5, 6))
	if !tensor.AllClose(cf, want.Reshape(1, 1, 3, 2), 0, 0) {
		t.Errorf("channels_first crop %v", cf)
	}
	if s := nn.Apply(nn.Resizing(3, 3, nn.WithCropToAspectRatio(true)), nn.Inference, img.Reshape(5, 6, 1)).Shape(); !s.Equal([]int{3, 3, 1}) {
		t.Errorf("unbatched resize: shape %v", s)
	}
}

// TestPreprocessRandomLayers checks the augmentation layers: identity at inference,
// reproducible per seed and step, different across steps, flips of whole images, exact
// rotations and translations, the constant fill, and compiled calls with an unknown batch equal
// to eager ones.
func TestPreprocessRandomLayers(t *testing.T) {
	imgs := tensor.RandomUniform(1, 8, 6, 6, 2)
	step := func(s int64) nn.Context { return nn.Context{Training: true, Step: tensor.Scalar(s)} }
	layers := []nn.Layer{
		nn.RandomFlip("horizontal_and_vertical", nn.WithSeed(3)),
		nn.RandomRotation(0.2, nn.WithSeed(3)),
		nn.RandomZoom(0.3, nn.WithSeed(3)),
		nn.RandomTranslation(0.2, 0.3, nn.WithSeed(3), nn.WithFillMode("wrap")),
		nn.RandomRotation(0.1, nn.WithFillMode("constant"), nn.WithInterpolation("nearest")),
	}
	for _, l := range layers {
		t.Run(l.Name(), func(t *testing.T) {
			if got := nn.Apply(l, nn.Inference, imgs); !tensor.AllClose(got, imgs, 0, 0) {
				t.Error("acts at inference")
			}
			a, b, c := nn.Apply(l, step(5), imgs), nn.Apply(l, step(5), imgs), nn.Apply(l, step(6), imgs)
			if !tensor.AllClose(a, b, 0, 0) {
				t.Error("the same step gives different results")
			}
			if tensor.AllClose(a, c, 1e-6, 1e-6) || tensor.AllClose(a, imgs, 1e-6, 1e-6) {
				t.Error("no change between steps, or no change at all")
			}
			fn := graph.Compile(func(x, s *tensor.Tensor) *tensor.Tensor {
				return nn.Apply(l, nn.Context{Training: true, Step: s}, x)
			}, graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: []int{-1, 6, 6, 2}}, core.Spec{DType: dtype.Int64, Shape: []int{}}))
			for _, s := range []int64{5, 6} {
				got, err := fn.Call(imgs, tensor.Scalar(s))
				if err != nil {
					t.Fatal(err)
				}
				if !tensor.AllClose(got[0], nn.Apply(l, step(s), imgs), 1e-5, 1e-5) {
					t.Errorf("step %d: compiled differs from eager", s)
				}
			}
			if fn.Traces() != 1 {
				t.Errorf("traced %d times", fn.Traces())
			}
		})
	}
	// Each flipped image is the original or one of its flips.
	out := nn.Apply(layers[0], step(1), imgs)
	flips := 0
	for i := 0; i < 8; i++ {
		img := ops.SliceAxis(imgs, 0, i, i+1, 1)
		o := ops.SliceAxis(out, 0, i, i+1, 1)
		match := false
		for k, v := range []*tensor.Tensor{img, ops.Flip(img, 2), ops.Flip(img, 1), ops.Flip(img, 1, 2)} {
			if tensor.AllClose(o, v, 0, 0) {
				match = true
				if k > 0 {
					flips++
				}
			}
		}
		if !match {
			t.Fatalf("image %d is not a flip of its input", i)
		}
	}
	if flips == 0 {
		t.Error("no image flipped")
	}
	// A quarter turn is numpy's rot90 (counter-clockwise).
	sq := ops.Cast(tensor.Arange(dtype.Float32, 0, 16, 1), dtype.Float32).Reshape(1, 4, 4, 1)
	rot := nn.Apply(nn.RandomRotation(0, nn.WithFactor(0.25, 0.25)), nn.Training, sq)
	want := tensor.FromSlice([]float32{3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12}, 1, 4, 4, 1)
	if !tensor.AllClose(rot, want, 1e-4, 1e-4) {
		t.Errorf("quarter turn %v, want %v", rot, want)
	}
	// A translation one row down, reflected at the top, and with a constant fill.
	tr := nn.Apply(nn.RandomTranslation(0, 0, nn.WithFactor(0.25, 0.25)), nn.Training, sq)
	want = tensor.FromSlice([]float32{0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 1, 4, 4, 1)
	if !tensor.AllClose(tr, want, 1e-5, 1e-5) {
		t.Errorf("translation %v, want %v", tr, want)
	}
	tc := nn.Apply(nn.RandomTranslation(0, 0, nn.WithFactor(0.25, 0.25), nn.WithFillMode("constant"), nn.WithFillValue(-1)), nn.Training, sq)
	if got := ops.SliceAxis(tc, 1, 0, 1, 1).Float32s(); !reflect.DeepEqual(got, []float32{-1, -1, -1, -1}) {
		t.Errorf("constant fill row %v", got)
	}
	if z := nn.Apply(nn.RandomZoom(0), nn.Training, sq); !tensor.AllClose(z, sq, 1e-5, 1e-5) {
		t.Errorf("zoom 0 changed the image: %v", z)
	}
}

// TestTextVectorization checks Keras's documented examples: the vocabulary order (by count,
// ties by decreasing token), padding and OOV indices, a given vocabulary, and the multi_hot,
// count, tf_idf and n-gram outputs.
func TestTextVectorization(t *testing.T) {
	tv := nn.TextVectorization(nn.WithMaxTokens(5000), nn.WithOutputSequenceLength(4))
	tv.Adapt([]string{"foo bar", "bar baz", "baz bada boom"})
	if got, want := tv.Vocabulary(), []string{"", "[UNK]", "baz", "bar", "foo", "boom", "bada"}; !reflect.DeepEqual(got, want) {
		t.Errorf("vocabulary %q, want %q", got, want)
	}
	if got, want := tv.Encode([]string{"foo qux bar", "qux baz"}).Int64s(), []int64{4, 1, 3, 0, 1, 2, 0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("encoded %v, want %v", got, want)
	}
	given := nn.TextVectorization(nn.WithVocabulary([]string{"earth", "wind", "and", "fire"}))
	if got, want := given.Vocabulary(), []string{"", "[UNK]", "earth", "wind", "and", "fire"}; !reflect.DeepEqual(got, want) {
		t.Errorf("vocabulary %q, want %q", got, want)
	}
	if got := given.Encode([]string{"Earth, WIND & fire!", "and"}); !reflect.DeepEqual(got.Int64s(), []int64{2, 3, 5, 4, 0, 0}) {
		t.Errorf("standardised %v", got)
	}
	capped := nn.TextVectorization(nn.WithMaxTokens(4), nn.WithOutputMode("multi_hot"))
	capped.Adapt([]string{"a b c a", "b a d", "a"})
	if got, want := capped.Vocabulary(), []string{"[UNK]", "a", "b", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("capped vocabulary %q, want %q", got, want)
	}
	if got, want := capped.Encode([]string{"a c c", "zz"}).Float32s(), []float32{1, 1, 0, 0, 1, 0, 0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("multi_hot %v, want %v", got, want)
	}
	count := nn.TextVectorization(nn.WithOutputMode("count"), nn.WithVocabulary([]string{"a", "b"}), nn.WithPadToMaxTokens(true), nn.WithMaxTokens(5))
	if got, want := count.Encode([]string{"a a x b", ""}).Float32s(), []float32{1, 2, 1, 0, 0, 0, 0, 0, 0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("count %v, want %v", got, want)
	}
	tfidf := nn.TextVectorization(nn.WithOutputMode("tf_idf"))
	docs := []string{"a b", "a c", "a"}
	tfidf.Adapt(docs)
	// idf = log(1 + 3/(1+df)): a: log(1.75), b and c: log(2.5); OOV: their mean.
	enc := tfidf.Encode([]string{"a a c z"}).Float64s()
	la, lb := logf(1.75), logf(2.5)
	want := []float64{(la + 2*lb) / 3, 2 * la, lb, 0} // [UNK], a, c, b (ties by decreasing token)
	if got := tfidf.Vocabulary(); !reflect.DeepEqual(got, []string{"[UNK]", "a", "c", "b"}) {
		t.Errorf("tf_idf vocabulary %q", got)
	}
	for i := range want {
		if d := enc[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("tf_idf %v, want %v", enc, want)
		}
	}
	ng := nn.TextVectorization(nn.WithNgrams(2), nn.WithStandardize(""), nn.WithSplit("whitespace"))
	if got, want := ng.Tokenize("The cat sat"), []string{"The", "cat", "sat", "The cat", "cat sat"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ngrams %q, want %q", got, want)
	}
	chars := nn.TextVectorization(nn.WithSplit("character"))
	if got, want := chars.Tokenize("Ça va?"), []string{"Ç", "a", " ", "v", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("characters %q, want %q", got, want)
	}
	// The in-model part: indices from the pipeline, multi-hot in a compiled model.
	fn := graph.Compile(func(ids *tensor.Tensor) *tensor.Tensor { return nn.Apply(capped, nn.Inference, ids) },
		graph.InputSpecs(core.Spec{DType: dtype.Int64, Shape: []int{-1, -1}}))
	got, err := fn.Call(capped.Indices([]string{"a c c", "zz"}))
	if err != nil || !reflect.DeepEqual(got[0].Float32s(), []float32{1, 1, 0, 0, 1, 0, 0, 0}) {
		t.Errorf("compiled multi_hot %v, %v", got, err)
	}
}

func logf(x float64) float64 { return float64(ops.Log(tensor.Scalar(x)).Item()) }

// TestTextLookupLayers checks StringLookup and IntegerLookup against Keras's documented
// examples: indices, OOV hashing for integers, adapt order, invert, multi_hot, count and tf_idf,
// and the integer lookup compiled with unknown shapes (both the table and the comparison path).
func TestTextLookupLayers(t *testing.T) {
	data := []string{"a", "c", "d", "d", "z", "b"}
	sl := nn.StringLookup(nn.WithVocabulary([]string{"a", "b", "c", "d"}))
	if got := sl.Indices(data, 2, 3).Int64s(); !reflect.DeepEqual(got, []int64{1, 3, 4, 4, 0, 2}) {
		t.Errorf("string indices %v", got)
	}
	if got := sl.Tokens([]int64{1, 3, 4, 4, 0, 2}); !reflect.DeepEqual(got, []string{"a", "c", "d", "d", "[UNK]", "b"}) {
		t.Errorf("tokens %q", got)
	}
	mh := nn.StringLookup(nn.WithVocabulary([]string{"a", "b", "c", "d"}), nn.WithOutputMode("multi_hot"))
	if got := mh.Encode(data, 2, 3).Float32s(); !reflect.DeepEqual(got, []float32{0, 1, 0, 1, 1, 1, 0, 1, 0, 1}) {
		t.Errorf("multi_hot %v", got)
	}
	docs := []string{"a", "c", "d", "d", "d", "z", "b", "z"}
	tfidf := nn.StringLookup(nn.WithVocabulary([]string{"a", "b", "c", "d"}), nn.WithOutputMode("tf_idf"),
		nn.WithIDFWeights([]float64{0.25, 0.75, 0.6, 0.4}))
	want := []float32{0, 0.25, 0, 0.6, 0.8, 1.0, 0, 0.75, 0, 0.4}
	if got := tfidf.Encode(docs, 2, 4).Float32s(); !tensor.AllClose(tensor.FromSlice(got, 10), tensor.FromSlice(want, 10), 1e-6, 1e-6) {
		t.Errorf("tf_idf %v, want %v", got, want)
	}
	masked := nn.StringLookup(nn.WithMaskToken(""), nn.WithVocabulary([]string{"a", "b"}))
	if got := masked.Indices([]string{"a", "", "q"}).Int64s(); !reflect.DeepEqual(got, []int64{2, 0, 1}) {
		t.Errorf("masked indices %v", got)
	}

	vals := tensor.FromSlice([]int64{12, 1138, 42, 42, 1000, 36}, 2, 3)
	il := nn.IntegerLookup(nn.WithIntVocabulary([]int64{12, 36, 1138, 42}))
	if got := nn.Apply(il, nn.Inference, vals).Int64s(); !reflect.DeepEqual(got, []int64{1, 3, 4, 4, 0, 2}) {
		t.Errorf("integer indices %v", got)
	}
	ad := nn.IntegerLookup()
	if err := ad.Adapt(vals); err != nil {
		t.Fatal(err)
	}
	if got := ad.Vocabulary(); !reflect.DeepEqual(got, []int64{-1, 42, 1138, 1000, 36, 12}) {
		t.Errorf("adapted vocabulary %v", got)
	}
	two := nn.IntegerLookup(nn.WithIntVocabulary([]int64{12, 36, 1138, 42}), nn.WithNumOOVIndices(2))
	in2 := tensor.FromSlice([]int64{12, 1138, 42, 37, 1000, 36}, 2, 3)
	if got := nn.Apply(two, nn.Inference, in2).Int64s(); !reflect.DeepEqual(got, []int64{2, 4, 5, 1, 0, 3}) {
		t.Errorf("two OOV indices %v", got)
	}
	// Unknown strings spread over the OOV indices by TensorFlow's to_hash_bucket_fast, whose
	// documented example is ["Hello", "TensorFlow", "2.x"] in 3 buckets: [0, 2, 2].
	three := nn.StringLookup(nn.WithVocabulary([]string{"a", "b"}), nn.WithNumOOVIndices(3))
	if got := three.Indices([]string{"Hello", "a", "TensorFlow", "2.x", "b"}).Int64s(); !reflect.DeepEqual(got, []int64{0, 3, 2, 2, 4}) {
		t.Errorf("three OOV indices for strings %v, want [0 3 2 2 4]", got)
	}
	inv := nn.IntegerLookup(nn.WithIntVocabulary([]int64{12, 36, 1138, 42}), nn.WithInvert(true))
	if got := nn.Apply(inv, nn.Inference, tensor.FromSlice([]int64{1, 3, 4, 4, 0, 2}, 2, 3)).Int64s(); !reflect.DeepEqual(got, []int64{12, 1138, 42, 42, -1, 36}) {
		t.Errorf("inverted %v", got)
	}
	count := nn.IntegerLookup(nn.WithIntVocabulary([]int64{12, 36, 1138, 42}), nn.WithOutputMode("count"), nn.WithIntMaskToken(0))
	if got := nn.Apply(count, nn.Inference, tensor.FromSlice([]int64{12, 0, 12, 42, 7, 0}, 2, 3)).Float32s(); !reflect.DeepEqual(got,
		[]float32{0, 2, 0, 0, 0, 1, 0, 0, 0, 1}) {
		t.Errorf("count (mask dropped) %v", got)
	}
	big := nn.IntegerLookup(nn.WithIntVocabulary([]int64{-5, 1 << 40, 7}))
	for _, l := range []*nn.IntegerLookupLayer{il, big} {
		fn := graph.Compile(func(x *tensor.Tensor) *tensor.Tensor { return nn.Apply(l, nn.Inference, x) },
			graph.InputSpecs(core.Spec{DType: dtype.Int64, Shape: []int{-1, -1}}))
		x := tensor.FromSlice([]int64{12, 7, 1 << 40, -5, 36, 3}, 2, 3)
		got, err := fn.Call(x)
		if err != nil || !tensor.AllClose(got[0], nn.Apply(l, nn.Inference, x), 0, 0) {
			t.Errorf("compiled lookup %v, %v", got, err)
		}
	}
	if got := nn.Apply(big, nn.Inference, tensor.FromSlice([]int64{7, 1 << 40, -5, 0}, 4)).Int64s(); !reflect.DeepEqual(got, []int64{3, 2, 1, 0}) {
		t.Errorf("comparison lookup %v", got)
	}
}

// TestPreprocessErrors checks that misuse panics with a *core.Error naming the layer (or
// returns an error).
func TestPreprocessErrors(t *testing.T) {
	cases := []struct {
		name, want string
		fn         func()
	}{
		{"flip_mode", "mode", func() { nn.RandomFlip("diagonal") }},
		{"fill_mode", "fill_mode", func() { nn.RandomZoom(0.1, nn.WithFillMode("mirror")) }},
		{"resize_rank", `"resizing"`, func() { nn.Apply(nn.Resizing(2, 2), nn.Inference, tensor.Zeros(dtype.Float32, 4, 4)) }},
		{"interpolation", "interpolation", func() { nn.Resizing(2, 2, nn.WithInterpolation("area")) }},
		{"normalization_rank", "rank", func() {
			l := nn.Normalization()
			nn.Apply(l, nn.Inference, tensor.Zeros(dtype.Float32, 2, 3))
			nn.Apply(l, nn.Inference, tensor.Zeros(dtype.Float32, 2, 3, 3))
		}},
		{"oov", "num_oov_indices", func() {
			nn.StringLookup(nn.WithNumOOVIndices(0), nn.WithVocabulary([]string{"a"})).Indices([]string{"b"})
		}},
		{"repeated", "repeats", func() { nn.StringLookup(nn.WithVocabulary([]string{"a", "a"})) }},
		{"output_mode", "output_mode", func() { nn.IntegerLookup(nn.WithOutputMode("binary")) }},
		{"text_one_hot", "one_hot", func() { nn.TextVectorization(nn.WithOutputMode("one_hot")) }},
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
	if err := nn.Normalization(nn.WithMeanVariance([]float64{0}, []float64{1})).Adapt(tensor.Zeros(dtype.Float32, 2, 2)); err == nil {
		t.Error("adapting a fixed Normalization succeeded")
	}
}

// ExampleTextVectorization turns sentences into padded token indices, as Keras's example.
func ExampleTextVectorization() {
	tv := nn.TextVectorization(nn.WithMaxTokens(5000), nn.WithOutputSequenceLength(4))
	tv.Adapt([]string{"foo bar", "bar baz", "baz bada boom"}) // strings stay in Go
	fmt.Printf("%q\n", tv.Vocabulary())
	ids := tv.Indices([]string{"foo qux bar", "qux baz"}) // int64 indices for the model
	fmt.Println(ids.Int64s())
	// Output:
	// ["" "[UNK]" "baz" "bar" "foo" "boom" "bada"]
	// [4 1 3 0 1 2 0 0]
}

// ExampleNormalizationLayer_Adapt learns a feature's mean and variance from data.
func ExampleNormalizationLayer_Adapt() {
	norm := nn.Normalization()
	data := tensor.FromSlice([]float32{1, 10, 2, 20, 3, 30}, 3, 2)
	if err := norm.Adapt(data); err != nil {
		panic(err)
	}
	fmt.Println(norm.Mean().Value(), norm.Variance().Value())
	fmt.Println(nn.Apply(norm, nn.Inference, tensor.FromSlice([]float32{2, 30}, 1, 2)))
	// Output:
	// [ 2. 20.] [ 0.6666667 66.666664 ]
	// [[0.        1.2247449]]
}
