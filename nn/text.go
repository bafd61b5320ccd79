package nn

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	farm "github.com/dgryski/go-farm"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Lookup layers (Keras's StringLookup and IntegerLookup, and the vocabulary of
// TextVectorization). Tide has no string dtype: strings stay in Go. A string layer's Indices
// (or TextVectorization's) maps []string to int64 token indices in the input pipeline; the
// layer's Call, in the model, turns indices into its output mode (int indices pass through;
// one_hot, multi_hot, count and tf_idf are computed with ops). IntegerLookup works on integer
// tensors, so its whole lookup runs in the model.

// Interface checks.
var (
	_ Layer = (*StringLookupLayer)(nil)
	_ Layer = (*IntegerLookupLayer)(nil)
)

// WithMaxTokens caps a lookup layer's vocabulary size, special tokens included (default: none).
func WithMaxTokens(n int) Option { return rnnOpt("max_tokens", n) }

// WithNumOOVIndices sets how many indices out-of-vocabulary tokens share (default 1; with more,
// a token's index is chosen by a hash of it, as Keras: FarmHash's Fingerprint64 mod n for
// strings, the value mod n for integers).
func WithNumOOVIndices(n int) Option { return rnnOpt("num_oov_indices", n) }

// WithMaskToken sets StringLookup's mask token, mapped to index 0 in int mode and dropped in the
// other modes (default: none; TextVectorization's is "").
func WithMaskToken(token string) Option { return rnnOpt("mask_token", token) }

// WithIntMaskToken sets IntegerLookup's mask token (default: none).
func WithIntMaskToken(token int64) Option { return rnnOpt("int_mask_token", token) }

// WithOOVToken sets StringLookup's out-of-vocabulary token, returned when inverting (default
// "[UNK]").
func WithOOVToken(token string) Option { return rnnOpt("oov_token", token) }

// WithIntOOVToken sets IntegerLookup's out-of-vocabulary token (default -1).
func WithIntOOVToken(token int64) Option { return rnnOpt("int_oov_token", token) }

// WithVocabulary gives a string lookup layer (or TextVectorization) its vocabulary, without
// special tokens or starting with them in Keras's order (mask, OOV...).
func WithVocabulary(tokens []string) Option {
	return rnnOpt("vocabulary", append([]string{}, tokens...))
}

// WithIntVocabulary gives IntegerLookup its vocabulary.
func WithIntVocabulary(values []int64) Option {
	return rnnOpt("int_vocabulary", append([]int64{}, values...))
}

// WithIDFWeights gives the inverse document frequencies of a vocabulary set with
// WithVocabulary or WithIntVocabulary, for output mode tf_idf.
func WithIDFWeights(w []float64) Option { return rnnOpt("idf_weights", append([]float64{}, w...)) }

// WithOutputMode sets a lookup layer's output: "int" (indices, the default), "one_hot",
// "multi_hot", "count" or "tf_idf" (TextVectorization: all but one_hot).
func WithOutputMode(mode string) Option { return rnnOpt("output_mode", mode) }

// WithPadToMaxTokens makes the multi_hot, count and tf_idf outputs max_tokens wide whatever the
// vocabulary size (default false).
func WithPadToMaxTokens(b bool) Option { return rnnOpt("pad_to_max_tokens", b) }

var preLookupKeys = []string{"max_tokens", "num_oov_indices", "oov_token", "idf_weights", "output_mode",
	"pad_to_max_tokens", "invert"}

// preVocab is Keras's IndexLookup: a vocabulary with special tokens, learned by adapt or given.
// Index layout: [mask (int mode only)] [OOV × numOOV] [tokens by decreasing count].
type preVocab[K cmp.Ordered] struct {
	maxTokens int
	numOOV    int
	hasMask   bool
	mask, oov K
	mode      string
	padToMax  bool
	invert    bool
	tokens    []K
	index     map[K]int64
	idf       []float64 // per index, for tf_idf
	hash      func(K) uint64
}

func newPreVocab[K cmp.Ordered](b *Base, o *options, hash func(K) uint64) *preVocab[K] {
	v := &preVocab[K]{maxTokens: rnnGet(o, "max_tokens", 0), numOOV: rnnGet(o, "num_oov_indices", 1),
		mode: rnnGet(o, "output_mode", "int"), padToMax: rnnGet(o, "pad_to_max_tokens", false),
		invert: rnnGet(o, "invert", false), hash: hash}
	switch v.mode {
	case "int", "one_hot", "multi_hot", "count", "tf_idf":
	default:
		panic(b.errorf("output_mode must be int, one_hot, multi_hot, count or tf_idf, got %q", v.mode))
	}
	if v.maxTokens != 0 && v.maxTokens <= 1 || v.numOOV < 0 || v.padToMax && v.maxTokens == 0 || v.invert && v.mode != "int" {
		panic(b.errorf("invalid settings: max_tokens %d, num_oov_indices %d, pad_to_max_tokens %v, invert %v with output_mode %q",
			v.maxTokens, v.numOOV, v.padToMax, v.invert, v.mode))
	}
	return v
}

func (v *preVocab[K]) oovStart() int {
	if v.hasMask && v.mode == "int" {
		return 1
	}
	return 0
}

func (v *preVocab[K]) tokenStart() int { return v.oovStart() + v.numOOV }

// size returns the vocabulary size, special tokens included.
func (v *preVocab[K]) size() int { return v.tokenStart() + len(v.tokens) }

// depth returns the width of the multi_hot, count and tf_idf outputs.
func (v *preVocab[K]) depth() int {
	if v.padToMax {
		return v.maxTokens
	}
	return v.size()
}

// vocabulary returns the tokens by index, special tokens included.
func (v *preVocab[K]) vocabulary() []K {
	var out []K
	if v.oovStart() == 1 {
		out = append(out, v.mask)
	}
	for range v.numOOV {
		out = append(out, v.oov)
	}
	return append(out, v.tokens...)
}

// set installs tokens (and idf weights for tf_idf) as Keras's set_vocabulary.
func (v *preVocab[K]) set(tokens []K, idf []float64) error {
	special := v.vocabulary()[:v.tokenStart()]
	if len(tokens) >= len(special) && slices.Equal(tokens[:len(special)], special) {
		tokens = tokens[len(special):]
		if idf != nil && len(idf) >= len(special) {
			idf = idf[len(special):]
		}
	}
	seen := map[K]bool{}
	for _, t := range tokens {
		if seen[t] || (v.hasMask && t == v.mask) {
			return fmt.Errorf("the vocabulary repeats %v or holds the mask token", t)
		}
		seen[t] = true
	}
	if v.maxTokens > 0 && v.tokenStart()+len(tokens) > v.maxTokens {
		return fmt.Errorf("a vocabulary of %d tokens exceeds max_tokens %d", v.tokenStart()+len(tokens), v.maxTokens)
	}
	if v.mode == "tf_idf" && len(idf) != len(tokens) {
		return fmt.Errorf("tf_idf needs one idf weight per token, got %d for %d tokens", len(idf), len(tokens))
	}
	v.install(tokens, idf)
	return nil
}

// install sets the tokens and their idf weights (special tokens get the mean weight, indices
// beyond the vocabulary up to max_tokens zero), as Keras.
func (v *preVocab[K]) install(tokens []K, idf []float64) {
	v.tokens = append([]K{}, tokens...)
	v.index = make(map[K]int64, len(tokens))
	for i, t := range tokens {
		v.index[t] = int64(v.tokenStart() + i)
	}
	v.idf = nil
	if v.mode != "tf_idf" {
		return
	}
	mean := 0.0
	for _, w := range idf {
		mean += w
	}
	if len(idf) > 0 {
		mean /= float64(len(idf))
	}
	for range v.tokenStart() {
		v.idf = append(v.idf, mean)
	}
	v.idf = append(v.idf, idf...)
	for len(v.idf) < v.depth() {
		v.idf = append(v.idf, 0)
	}
}

// adapt learns the vocabulary from documents: tokens sorted by decreasing count, ties by
// decreasing token (Keras's order), capped at max_tokens; for tf_idf also the idf weights
// log(1 + documents/(1 + documents containing the token)).
func (v *preVocab[K]) adapt(docs [][]K) {
	counts, docCounts := map[K]int{}, map[K]int{}
	for _, d := range docs {
		seen := map[K]bool{}
		for _, t := range d {
			counts[t]++
			if !seen[t] {
				seen[t] = true
				docCounts[t]++
			}
		}
	}
	if v.hasMask {
		delete(counts, v.mask)
	}
	delete(counts, v.oov)
	tokens := make([]K, 0, len(counts))
	for t := range counts {
		tokens = append(tokens, t)
	}
	slices.SortFunc(tokens, func(a, b K) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	if v.maxTokens > 0 && len(tokens) > v.maxTokens-v.tokenStart() {
		tokens = tokens[:max(v.maxTokens-v.tokenStart(), 0)]
	}
	var idf []float64
	if v.mode == "tf_idf" {
		for _, t := range tokens {
			idf = append(idf, math.Log(1+float64(len(docs))/(1+float64(docCounts[t]))))
		}
	}
	v.install(tokens, idf)
}

// preDropped marks a token dropped from the multi_hot, count and tf_idf outputs (the mask).
const preDropped = -1

// lookup returns the index of t: the mask's (0 in int mode, dropped otherwise), the token's, or
// an OOV index. With no OOV indices an unknown token is an error.
func (v *preVocab[K]) lookup(t K) (int64, error) {
	if v.hasMask && t == v.mask {
		if v.mode == "int" {
			return 0, nil
		}
		return preDropped, nil
	}
	if i, ok := v.index[t]; ok {
		return i, nil
	}
	switch v.numOOV {
	case 0:
		return 0, fmt.Errorf("%v is not in the vocabulary and num_oov_indices is 0", t)
	case 1:
		return int64(v.oovStart()), nil
	}
	return int64(v.oovStart()) + int64(v.hash(t)%uint64(v.numOOV)), nil
}

// encode turns indices [..., L] (int64; negative: dropped) into the output mode.
func (v *preVocab[K]) encode(b *Base, ids *tensor.Tensor) *tensor.Tensor {
	if !ids.DType().IsInt() {
		panic(b.errorf("needs integer indices, got %v", ids.DType()))
	}
	ids = ops.Cast(ids, dtype.Int64)
	if v.mode == "int" {
		return ids
	}
	d := v.depth()
	if d <= 0 {
		panic(b.errorf("output_mode %s needs a vocabulary: adapt the layer or give one", v.mode))
	}
	// Dropped (negative) indices become d, which one_hot encodes as zeros.
	ids = ops.Where(ops.Less(ids, ops.ZerosLike(ids)), ops.FullLike(ids, float64(d)), ids)
	if v.mode == "one_hot" {
		if ids.Rank() > 1 && ids.Dim(-1) == 1 {
			ids = ops.Sum(ids, -1)
		}
		return ops.OneHot(ids, d, b.dt)
	}
	if ids.Rank() == 0 {
		panic(b.errorf("output_mode %s needs indices of rank >= 1", v.mode))
	}
	oh := ops.OneHot(ids, d, b.dt) // [..., L, d]
	if v.mode == "multi_hot" {
		return ops.Max(oh, -2)
	}
	counts := ops.Sum(oh, -2)
	if v.mode == "count" {
		return counts
	}
	return ops.Mul(counts, ops.Cast(tensor.FromSlice(v.idf, len(v.idf)), b.dt))
}

// config adds the lookup keys.
func (v *preVocab[K]) config(c map[string]any) {
	var maxTokens any
	if v.maxTokens > 0 {
		maxTokens = v.maxTokens
	}
	c["max_tokens"], c["num_oov_indices"], c["output_mode"] = maxTokens, v.numOOV, v.mode
	c["pad_to_max_tokens"], c["invert"], c["oov_token"] = v.padToMax, v.invert, v.oov
	if v.hasMask {
		c["mask_token"] = v.mask
	} else {
		c["mask_token"] = nil
	}
	c["vocabulary_size"] = v.size()
}

// StringLookupLayer is Keras's StringLookup.
type StringLookupLayer struct {
	Base
	v *preVocab[string]
}

// StringLookup returns Keras's StringLookup layer. Its string side runs in Go:
// [StringLookupLayer.Adapt] learns the vocabulary from tokens, [StringLookupLayer.Indices] maps
// tokens to int64 indices (for the input pipeline) and [StringLookupLayer.Tokens] maps indices
// back. Its Call, in the model, takes those indices and returns the output mode (WithOutputMode:
// int indices unchanged, or one_hot, multi_hot over the last axis, count, tf_idf as float
// tensors of the layer's dtype). [StringLookupLayer.Encode] does both. Options: WithMaxTokens,
// WithNumOOVIndices (1), WithMaskToken (none), WithOOVToken ("[UNK]"), WithVocabulary,
// WithIDFWeights, WithOutputMode, WithPadToMaxTokens, WithInvert (Tokens only), WithName
// (default "string_lookup"), WithDType (of the float outputs).
func StringLookup(opts ...Option) *StringLookupLayer {
	o := parse("StringLookup", opts, append([]string{"mask_token", "vocabulary"}, preLookupKeys...)...)
	return newStringLookup("StringLookup", "string_lookup", o)
}

func newStringLookup(class, name string, o *options) *StringLookupLayer {
	l := &StringLookupLayer{}
	l.initBase(class, name, o)
	l.v = newPreVocab(&l.Base, o, preHashString)
	l.v.oov = rnnGet(o, "oov_token", "[UNK]")
	if m, ok := o.inits[rnnExtPrefix+"mask_token"].(rnnExt); ok {
		l.v.hasMask, l.v.mask = true, m.v.(string)
	}
	if voc := rnnGet[[]string](o, "vocabulary", nil); voc != nil {
		if err := l.v.set(voc, rnnGet[[]float64](o, "idf_weights", nil)); err != nil {
			panic(l.errorf("%v", err))
		}
	}
	return l
}

// preHashString is TensorFlow's tf.strings.to_hash_bucket_fast hash, FarmHash's Fingerprint64,
// which Keras's StringLookup uses to spread unknown tokens over several OOV indices.
func preHashString(s string) uint64 { return farm.Fingerprint64([]byte(s)) }

// Adapt learns the vocabulary from documents of tokens (each inner slice one document; for
// tf_idf, document frequencies count documents containing a token). It replaces any previous
// vocabulary.
func (l *StringLookupLayer) Adapt(docs ...[]string) { l.v.adapt(docs) }

// SetVocabulary replaces the vocabulary (and, for tf_idf, the idf weights), as Keras's
// set_vocabulary. It returns an error for repeated tokens, the mask token among them, too many
// tokens, or missing idf weights.
func (l *StringLookupLayer) SetVocabulary(tokens []string, idf []float64) error {
	return l.v.set(tokens, idf)
}

// Vocabulary returns the tokens by index, mask and OOV tokens first.
func (l *StringLookupLayer) Vocabulary() []string { return l.v.vocabulary() }

// VocabularySize returns the number of indices, special tokens included.
func (l *StringLookupLayer) VocabularySize() int { return l.v.size() }

// Indices maps tokens to int64 indices, shaped dims (default [len(tokens)]): the mask token to
// 0 (to -1, dropped, in the other output modes), unknown tokens to the OOV indices. It panics
// with a *core.Error if a token is unknown and there are no OOV indices, or dims do not fit.
func (l *StringLookupLayer) Indices(tokens []string, dims ...int) *tensor.Tensor {
	ids := make([]int64, len(tokens))
	for i, t := range tokens {
		id, err := l.v.lookup(t)
		if err != nil {
			panic(l.errorf("%v", err))
		}
		ids[i] = id
	}
	if dims == nil {
		dims = []int{len(ids)}
	}
	if n := preProduct(dims); n != len(ids) {
		panic(l.errorf("%d tokens do not fill shape %v", len(ids), dims))
	}
	return tensor.FromSlice(ids, dims...)
}

// Tokens maps indices back to tokens (Keras's invert): indices outside the vocabulary give the
// OOV token, index 0 with a mask token the mask token.
func (l *StringLookupLayer) Tokens(ids []int64) []string {
	voc := l.v.vocabulary()
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = l.v.oov
		if id >= 0 && id < int64(len(voc)) {
			out[i] = voc[id]
		}
	}
	return out
}

// Encode is Call(Inference, Indices(tokens, dims...)): the layer's output for tokens.
func (l *StringLookupLayer) Encode(tokens []string, dims ...int) *tensor.Tensor {
	return l.Call(Inference, l.Indices(tokens, dims...))[0]
}

// Call maps int64 indices (from Indices) to the output mode.
func (l *StringLookupLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.Finish(l.v.encode(&l.Base, l.one(inputs)))
}

// Config returns Keras's StringLookup config.
func (l *StringLookupLayer) Config() map[string]any {
	c := l.baseConfig()
	l.v.config(c)
	c["vocabulary_dtype"] = "string"
	return c
}

// IntegerLookupLayer is Keras's IntegerLookup.
type IntegerLookupLayer struct {
	Base
	v *preVocab[int64]
}

// IntegerLookup returns Keras's IntegerLookup layer: integer values are mapped to indices in the
// model (by a gather from a table when the vocabulary's values are in [0, 2^20), else by
// comparing with every vocabulary value), then to the output mode as [StringLookup]; with
// WithInvert(true) indices map back to values (-1, the OOV token, outside the vocabulary).
// Unknown values take the OOV indices (value mod n with n of them, as Keras); with
// WithNumOOVIndices(0) they give -1. Options as StringLookup with WithIntMaskToken,
// WithIntOOVToken (-1) and WithIntVocabulary; name "integer_lookup".
func IntegerLookup(opts ...Option) *IntegerLookupLayer {
	o := parse("IntegerLookup", opts, append([]string{"int_mask_token", "int_oov_token", "int_vocabulary"}, preLookupKeys...)...)
	l := &IntegerLookupLayer{}
	l.initBase("IntegerLookup", "integer_lookup", o)
	l.v = newPreVocab[int64](&l.Base, o, nil)
	l.v.oov = rnnGet(o, "int_oov_token", int64(-1))
	if m, ok := o.inits[rnnExtPrefix+"int_mask_token"].(rnnExt); ok {
		l.v.hasMask, l.v.mask = true, m.v.(int64)
	}
	n := int64(max(l.v.numOOV, 1))
	l.v.hash = func(k int64) uint64 { return uint64(((k % n) + n) % n) } // floormod, as Keras
	if voc := rnnGet[[]int64](o, "int_vocabulary", nil); voc != nil {
		if err := l.v.set(voc, rnnGet[[]float64](o, "idf_weights", nil)); err != nil {
			panic(l.errorf("%v", err))
		}
	}
	return l
}

// Adapt learns the vocabulary from the values of data (each row of a rank-2 tensor one
// document, as Keras; a rank-1 tensor holds one-value documents). It replaces any previous
// vocabulary.
func (l *IntegerLookupLayer) Adapt(data ...*tensor.Tensor) (err error) {
	defer core.Recover(&err)
	var docs [][]int64
	for _, d := range data {
		if !d.DType().IsInt() {
			return fmt.Errorf("nn: layer %q: Adapt needs integers, got %v", l.name, d.DType())
		}
		vals := ops.Cast(d.Detach(), dtype.Int64).Int64s()
		width := 1
		if d.Rank() >= 2 {
			width = d.Size() / max(d.Dim(0), 1)
		}
		for i := 0; i+width <= len(vals) && width > 0; i += width {
			docs = append(docs, vals[i:i+width])
		}
	}
	l.v.adapt(docs)
	return nil
}

// SetVocabulary replaces the vocabulary (and idf weights), as Keras's set_vocabulary.
func (l *IntegerLookupLayer) SetVocabulary(values []int64, idf []float64) error {
	return l.v.set(values, idf)
}

// Vocabulary returns the values by index, mask and OOV tokens first.
func (l *IntegerLookupLayer) Vocabulary() []int64 { return l.v.vocabulary() }

// VocabularySize returns the number of indices, special tokens included.
func (l *IntegerLookupLayer) VocabularySize() int { return l.v.size() }

// Call maps the integer values of its one input to the output mode (or, inverted, indices to
// values).
func (l *IntegerLookupLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if !x.DType().IsInt() {
		panic(l.errorf("needs integer inputs, got %v", x.DType()))
	}
	x = ops.Cast(x, dtype.Int64)
	if l.v.invert {
		return l.Finish(l.decode(x))
	}
	return l.Finish(l.v.encode(&l.Base, l.indices(x)))
}

// indices looks values up in the model.
func (l *IntegerLookupLayer) indices(x *tensor.Tensor) *tensor.Tensor {
	keys := append([]int64{}, l.v.tokens...)
	vals := make([]int64, len(keys))
	for i := range keys {
		vals[i] = int64(l.v.tokenStart() + i)
	}
	if l.v.hasMask {
		m, _ := l.v.lookup(l.v.mask)
		keys, vals = append(keys, l.v.mask), append(vals, m)
	}
	const notFound = -2
	var found *tensor.Tensor
	if lo, hi := preRange(keys); lo >= 0 && hi < 1<<20 {
		table := make([]int64, hi+1)
		for i := range table {
			table[i] = notFound
		}
		for i, k := range keys {
			table[k] = vals[i]
		}
		in := ops.LogicalAnd(ops.GreaterEqual(x, ops.ZerosLike(x)), ops.LessEqual(x, ops.FullLike(x, float64(hi))))
		g := ops.Gather(tensor.FromSlice(table, len(table)), ops.ClipScalar(x, 0, float64(hi)), 0)
		found = ops.Where(in, g, ops.FullLike(x, notFound))
	} else {
		eq := ops.Equal(ops.Unsqueeze(x, -1), tensor.FromSlice(keys, len(keys))) // [..., V]
		pos := ops.Argmax(ops.Cast(eq, dtype.Int32), -1)
		g := ops.Gather(tensor.FromSlice(vals, len(vals)), pos, 0)
		found = ops.Where(ops.Any(eq, -1), g, ops.FullLike(x, notFound))
	}
	var oov *tensor.Tensor
	switch n := l.v.numOOV; n {
	case 0:
		oov = ops.FullLike(x, -1)
	case 1:
		oov = ops.FullLike(x, float64(l.v.oovStart()))
	default:
		mod := ops.Mod(x, ops.FullLike(x, float64(n)))
		mod = ops.Where(ops.Less(mod, ops.ZerosLike(mod)), ops.AddScalar(mod, float64(n)), mod)
		oov = ops.AddScalar(mod, float64(l.v.oovStart()))
	}
	return ops.Where(ops.Equal(found, ops.FullLike(found, notFound)), oov, found)
}

// decode maps indices to values (invert).
func (l *IntegerLookupLayer) decode(ids *tensor.Tensor) *tensor.Tensor {
	voc := l.v.vocabulary()
	if len(voc) == 0 {
		return ops.FullLike(ids, float64(l.v.oov))
	}
	in := ops.LogicalAnd(ops.GreaterEqual(ids, ops.ZerosLike(ids)), ops.Less(ids, ops.FullLike(ids, float64(len(voc)))))
	g := ops.Gather(tensor.FromSlice(voc, len(voc)), ops.ClipScalar(ids, 0, float64(len(voc)-1)), 0)
	return ops.Where(in, g, ops.FullLike(ids, float64(l.v.oov)))
}

// Config returns Keras's IntegerLookup config.
func (l *IntegerLookupLayer) Config() map[string]any {
	c := l.baseConfig()
	l.v.config(c)
	c["vocabulary_dtype"] = "int64"
	return c
}

func preRange(keys []int64) (lo, hi int64) {
	if len(keys) == 0 {
		return 0, 0
	}
	return slices.Min(keys), slices.Max(keys)
}

func preProduct(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}
