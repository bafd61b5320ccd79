package nn

import (
	"strings"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

var _ Layer = (*TextVectorizationLayer)(nil)

// WithStandardize sets TextVectorization's standardisation: "lower_and_strip_punctuation" (the
// default), "lower", "strip_punctuation" or "" (none).
func WithStandardize(mode string) Option { return rnnOpt("standardize", mode) }

// WithStandardizeFunc sets a Go function as TextVectorization's standardisation.
func WithStandardizeFunc(f func(string) string) Option { return rnnOpt("standardize_func", f) }

// WithSplit sets TextVectorization's splitting: "whitespace" (the default), "character" or ""
// (none: each text is one token).
func WithSplit(mode string) Option { return rnnOpt("split", mode) }

// WithSplitFunc sets a Go function as TextVectorization's splitting.
func WithSplitFunc(f func(string) []string) Option { return rnnOpt("split_func", f) }

// WithNgrams makes TextVectorization's tokens the n-grams of the split words for each of the
// sizes, joined by a space, all 1-grams first, then 2-grams, ...; WithNgrams(2) alone means
// sizes 1 and 2, as Keras's ngrams=2 (default: the words themselves).
func WithNgrams(sizes ...int) Option {
	if len(sizes) == 1 {
		n := sizes[0]
		sizes = nil
		for i := 1; i <= n; i++ {
			sizes = append(sizes, i)
		}
	}
	return rnnOpt("ngrams", sizes)
}

// WithOutputSequenceLength pads (with 0) or truncates TextVectorization's int output to n
// tokens (default: the longest text of the batch).
func WithOutputSequenceLength(n int) Option { return rnnOpt("output_sequence_length", n) }

// TextVectorizationLayer is Keras's TextVectorization.
type TextVectorizationLayer struct {
	Base
	lookup      *StringLookupLayer
	standardize string
	stdFunc     func(string) string
	split       string
	splitFunc   func(string) []string
	ngrams      []int
	seqLen      int
}

// TextVectorization returns Keras's TextVectorization layer. Tide has no string dtype, so its
// text side runs in Go, in the input pipeline: texts ([]string) are standardised (default:
// lowercase ASCII letters, as tf.strings.lower, and strip ASCII punctuation), split (default: on
// runs of ASCII whitespace), turned into n-grams (WithNgrams) and looked up in the vocabulary
// learned by [TextVectorizationLayer.Adapt] or given with WithVocabulary, giving int64 token
// indices ([TextVectorizationLayer.Indices]). The vocabulary starts with "" (padding, index 0)
// and "[UNK]" (index 1) in int mode, with "[UNK]" (index 0) otherwise, then the tokens by
// decreasing frequency, ties broken by decreasing token, as Keras. The layer's Call, in the
// model, turns indices into the output mode: "int" (the default) passes them through; "multi_hot",
// "count" and "tf_idf" give float vectors of the vocabulary size (or max_tokens with
// WithPadToMaxTokens). [TextVectorizationLayer.Encode] does both, as calling Keras's layer on
// strings. Options: WithMaxTokens (special tokens included), WithStandardize(Func),
// WithSplit(Func), WithNgrams, WithOutputMode, WithOutputSequenceLength, WithPadToMaxTokens,
// WithVocabulary, WithIDFWeights, WithName (default "text_vectorization"), WithDType.
func TextVectorization(opts ...Option) *TextVectorizationLayer {
	o := parse("TextVectorization", opts, "max_tokens", "standardize", "standardize_func", "split", "split_func",
		"ngrams", "output_mode", "output_sequence_length", "pad_to_max_tokens", "vocabulary", "idf_weights")
	l := &TextVectorizationLayer{standardize: rnnGet(o, "standardize", "lower_and_strip_punctuation"),
		stdFunc: rnnGet[func(string) string](o, "standardize_func", nil), split: rnnGet(o, "split", "whitespace"),
		splitFunc: rnnGet[func(string) []string](o, "split_func", nil), ngrams: rnnGet[[]int](o, "ngrams", nil),
		seqLen: rnnGet(o, "output_sequence_length", 0)}
	l.initBase("TextVectorization", "text_vectorization", o)
	switch l.standardize {
	case "lower_and_strip_punctuation", "lower", "strip_punctuation", "":
	default:
		panic(l.errorf("standardize must be lower_and_strip_punctuation, lower, strip_punctuation or \"\", got %q", l.standardize))
	}
	if l.split != "whitespace" && l.split != "character" && l.split != "" {
		panic(l.errorf("split must be whitespace, character or \"\", got %q", l.split))
	}
	for _, n := range l.ngrams {
		if n <= 0 {
			panic(l.errorf("ngram sizes must be positive, got %v", l.ngrams))
		}
	}
	mode := rnnGet(o, "output_mode", "int")
	if mode == "one_hot" || (l.seqLen != 0 && mode != "int") {
		panic(l.errorf("output_mode %q with output_sequence_length %d is not supported", mode, l.seqLen))
	}
	lo := *o
	lo.inits = map[string]initializers.Initializer{}
	for k, v := range o.inits {
		lo.inits[k] = v
	}
	lo.inits[rnnExtPrefix+"mask_token"] = rnnExt{""}
	lo.name = l.name + "/string_lookup"
	l.lookup = newStringLookup("StringLookup", "string_lookup", &lo)
	return l
}

// Tokenize standardises, splits and n-grams one text.
func (l *TextVectorizationLayer) Tokenize(text string) []string {
	switch {
	case l.stdFunc != nil:
		text = l.stdFunc(text)
	default:
		if l.standardize == "lower" || l.standardize == "lower_and_strip_punctuation" {
			text = preLowerASCII(text)
		}
		if l.standardize == "strip_punctuation" || l.standardize == "lower_and_strip_punctuation" {
			text = strings.Map(func(r rune) rune {
				if strings.ContainsRune(prePunctuation, r) {
					return -1
				}
				return r
			}, text)
		}
	}
	var words []string
	switch {
	case l.splitFunc != nil:
		words = l.splitFunc(text)
	case l.split == "whitespace":
		words = strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t\n\v\f\r", r) })
	case l.split == "character":
		for _, r := range text {
			words = append(words, string(r))
		}
	default:
		words = []string{text}
	}
	if l.ngrams == nil {
		return words
	}
	var out []string
	for _, n := range l.ngrams {
		for i := 0; i+n <= len(words); i++ {
			out = append(out, strings.Join(words[i:i+n], " "))
		}
	}
	return out
}

// prePunctuation is Keras's default strip regex, [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~'].
const prePunctuation = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'"

// preLowerASCII lowercases ASCII letters only, as tf.strings.lower without an encoding.
func preLowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// Adapt learns the vocabulary (and idf weights) from texts, each one document.
func (l *TextVectorizationLayer) Adapt(texts []string) {
	docs := make([][]string, len(texts))
	for i, t := range texts {
		docs[i] = l.Tokenize(t)
	}
	l.lookup.Adapt(docs...)
}

// SetVocabulary replaces the vocabulary (and idf weights for tf_idf), as Keras's
// set_vocabulary.
func (l *TextVectorizationLayer) SetVocabulary(tokens []string, idf []float64) error {
	return l.lookup.SetVocabulary(tokens, idf)
}

// Vocabulary returns the tokens by index, special tokens first.
func (l *TextVectorizationLayer) Vocabulary() []string { return l.lookup.Vocabulary() }

// VocabularySize returns the number of indices, special tokens included.
func (l *TextVectorizationLayer) VocabularySize() int { return l.lookup.VocabularySize() }

// Indices returns the int64 token indices of texts, [len(texts), L]: L is the output sequence
// length or the longest text's token count. Short rows are padded with 0 (the padding index in
// int mode; in the other modes with -1, which they ignore).
func (l *TextVectorizationLayer) Indices(texts []string) *tensor.Tensor {
	rows := make([][]int64, len(texts))
	width := l.seqLen
	for i, t := range texts {
		toks := l.Tokenize(t)
		rows[i] = l.lookup.Indices(toks).Int64s()
		if l.seqLen == 0 {
			width = max(width, len(rows[i]))
		}
	}
	pad := int64(0)
	if l.lookup.v.mode != "int" {
		pad = preDropped
	}
	flat := make([]int64, 0, len(texts)*width)
	for _, r := range rows {
		for j := 0; j < width; j++ {
			v := pad
			if j < len(r) {
				v = r[j]
			}
			flat = append(flat, v)
		}
	}
	return tensor.FromSlice(flat, len(texts), width)
}

// Encode returns the layer's output for texts, Call(Inference, Indices(texts)): int64
// [len(texts), L] in int mode, floats [len(texts), vocabulary] otherwise.
func (l *TextVectorizationLayer) Encode(texts []string) *tensor.Tensor {
	return l.Call(Inference, l.Indices(texts))[0]
}

// Call maps token indices [batch, L] (from Indices) to the output mode; in int mode with an
// output sequence length it pads or truncates them to it.
func (l *TextVectorizationLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	ids := l.one(inputs)
	if !ids.DType().IsInt() {
		panic(l.errorf("needs int64 token indices (from Indices), got %v", ids.DType()))
	}
	ids = ops.Cast(ids, dtype.Int64)
	if l.lookup.v.mode == "int" && l.seqLen > 0 && ids.Rank() == 2 && ids.Dim(1) >= 0 && ids.Dim(1) != l.seqLen {
		if n := ids.Dim(1); n > l.seqLen {
			ids = ops.SliceAxis(ids, 1, 0, l.seqLen, 1)
		} else {
			ids = ops.PadAxis(ids, 1, 0, l.seqLen-n)
		}
	}
	return l.Finish(l.lookup.v.encode(&l.Base, ids))
}

// Config returns Keras's TextVectorization config.
func (l *TextVectorizationLayer) Config() map[string]any {
	c := l.baseConfig()
	l.lookup.v.config(c)
	delete(c, "num_oov_indices")
	delete(c, "mask_token")
	delete(c, "oov_token")
	delete(c, "invert")
	std := any(l.standardize)
	if l.stdFunc != nil {
		std = "custom"
	} else if l.standardize == "" {
		std = nil
	}
	split := any(l.split)
	if l.splitFunc != nil {
		split = "custom"
	} else if l.split == "" {
		split = nil
	}
	var seqLen, ngrams any
	if l.seqLen > 0 {
		seqLen = l.seqLen
	}
	if l.ngrams != nil {
		ngrams = l.ngrams
	}
	c["standardize"], c["split"], c["ngrams"], c["output_sequence_length"] = std, split, ngrams, seqLen
	return c
}
