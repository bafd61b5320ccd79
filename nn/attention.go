package nn

import (
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn/constraints"
	"github.com/tideml/tide/nn/initializers"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Attention layers: MultiHeadAttention, Attention (Luong), AdditiveAttention (Bahdanau) and a
// TransformerEncoder block. They are written with matrix products that broadcast over batch and
// head dimensions rather than with einsum or reshapes, so that a traced call may leave both the
// batch and the sequence lengths unknown.

// Interface checks.
var (
	_ MaskedCaller = (*MultiHeadAttentionLayer)(nil)
	_ MaskedCaller = (*AttentionLayer)(nil)
	_ MaskedCaller = (*TransformerEncoderLayer)(nil)
)

// WithValueDim sets MultiHeadAttention's size of each head for the value (default key_dim).
func WithValueDim(d int) Option { return rnnOpt("value_dim", d) }

// WithOutputShape sets the size of MultiHeadAttention's output features (default: the query's).
func WithOutputShape(d int) Option { return rnnOpt("output_shape", d) }

// WithAttentionAxes sets the axes of MultiHeadAttention's inputs that attention runs over
// (default: every axis between the batch and the features, flattened into one).
func WithAttentionAxes(axes ...int) Option {
	return rnnOpt("attention_axes", append([]int{}, axes...))
}

// WithUseCausalMask makes an attention layer's Call mask the keys after each query (query i
// attends to keys j <= i), as Keras's use_causal_mask call argument (default false).
func WithUseCausalMask(b bool) Option { return rnnOpt("use_causal_mask", b) }

// WithReturnAttentionScores makes an attention layer's Call also return the attention weights
// after its output, as Keras's return_attention_scores call argument (default false).
func WithReturnAttentionScores(b bool) Option { return rnnOpt("return_attention_scores", b) }

// WithUseScale sets whether Attention multiplies its scores by a learned scalar (default
// false) and AdditiveAttention its tanh terms by a learned vector (default true).
func WithUseScale(b bool) Option { return rnnOpt("use_scale", b) }

// WithScoreMode sets Attention's score function: "dot" (the default) or "concat".
func WithScoreMode(mode string) Option { return rnnOpt("score_mode", mode) }

// WithNormalizeFirst makes TransformerEncoder normalise before each sublayer (pre-norm)
// rather than after the residual connection (the default, post-norm).
func WithNormalizeFirst(b bool) Option { return rnnOpt("normalize_first", b) }

// AttentionInputs are the inputs of an attention call, as Keras's call arguments. Query and
// Value are required; Key defaults to Value. The masks are bool (true: use the position):
// AttentionMask [batch, Tq, Tv] says which keys each query may attend to; QueryMask [batch, Tq],
// ValueMask and KeyMask [batch, Tv] are the inputs' padding masks. UseCausalMask adds the causal
// mask (also set by WithUseCausalMask).
type AttentionInputs struct {
	Query, Value, Key             *tensor.Tensor
	AttentionMask                 *tensor.Tensor
	QueryMask, ValueMask, KeyMask *tensor.Tensor
	UseCausalMask                 bool
}

// attInputs sorts Call's positional inputs: query, value (default: the query, for
// self-attention), then an optional float key and an optional bool attention mask.
func attInputs(b *Base, inputs []*tensor.Tensor) AttentionInputs {
	if len(inputs) < 1 || len(inputs) > 4 {
		panic(b.errorf("takes query, value and optionally key and a bool attention mask, got %d inputs", len(inputs)))
	}
	if len(inputs) == 1 {
		return AttentionInputs{Query: inputs[0], Value: inputs[0]}
	}
	in := AttentionInputs{Query: inputs[0], Value: inputs[1]}
	for _, t := range inputs[2:] {
		switch {
		case t.DType() == dtype.Bool && in.AttentionMask == nil:
			in.AttentionMask = t
		case t.DType() != dtype.Bool && in.Key == nil:
			in.Key = t
		default:
			panic(b.errorf("takes query, value and optionally key and a bool attention mask, got inputs %v", attSpecs(inputs)))
		}
	}
	return in
}

func attSpecs(ts []*tensor.Tensor) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.DType().String()+t.Shape().String())
	}
	return s
}

// attWithMasks fills the padding masks from CallMasked's masks (query, value, key).
func attWithMasks(in AttentionInputs, masks []*tensor.Tensor) AttentionInputs {
	get := func(i int) *tensor.Tensor {
		if i < len(masks) {
			return masks[i]
		}
		return nil
	}
	in.QueryMask, in.ValueMask = get(0), get(1)
	if in.Key != nil {
		in.KeyMask = get(2)
	}
	return in
}

// attBool returns m as bool (nonzero is true), or nil.
func attBool(m *tensor.Tensor) *tensor.Tensor {
	if m == nil || m.DType() == dtype.Bool {
		return m
	}
	return ops.NotEqual(m, ops.ZerosLike(m))
}

// attAnd returns a AND b, either may be nil.
func attAnd(a, b *tensor.Tensor) *tensor.Tensor {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return ops.LogicalAnd(a, b)
}

// attPositions returns 1, 2, ..., n as float for the n positions along axis 1 of x [batch, n,
// ...], computed at run time.
func attPositions(x *tensor.Tensor) *tensor.Tensor {
	line := ops.SliceAxis(autodiff.StopGradient(x), 0, 0, 1, 1)
	for a := 2; a < line.Rank(); a++ {
		line = ops.SliceAxis(line, a, 0, 1, 1)
	}
	return ops.Cumsum(ops.OnesLike(ops.Cast(ops.Reshape(line, -1), dtype.Float32)), 0)
}

// attCausal returns Keras's causal mask [Tq, Tv]: query i may attend to key j when j <= i
// (aligned at the top left), for query [batch, Tq, ...] and value [batch, Tv, ...].
func attCausal(query, value *tensor.Tensor) *tensor.Tensor {
	rows := ops.Unsqueeze(attPositions(query), 1) // [Tq, 1]
	cols := ops.Unsqueeze(attPositions(value), 0) // [1, Tv]
	return ops.GreaterEqual(rows, cols)
}

// attLargeNegative is the bias Keras adds to masked scores before the softmax.
func attLargeNegative(dt dtype.DType) float64 {
	if dt == dtype.Float16 {
		return -3e4
	}
	return -1e9
}

// attMaskedSoftmax is Keras's Softmax layer with a mask: masked scores get a large negative
// bias, and the probabilities are multiplied by the mask, so that a row with no valid key gives
// zeros rather than NaN.
func attMaskedSoftmax(scores, mask *tensor.Tensor) *tensor.Tensor {
	if mask == nil {
		return ops.Softmax(scores, -1)
	}
	m := ops.Cast(mask, scores.DType())
	adder := ops.MulScalar(ops.Sub(ops.OnesLike(m), m), attLargeNegative(scores.DType()))
	return ops.Mul(ops.Softmax(ops.Add(scores, adder), -1), m)
}

// MultiHeadAttentionLayer is Keras's MultiHeadAttention.
type MultiHeadAttentionLayer struct {
	Base
	heads, keyDim, valueDim, outDim int
	useBias                         bool
	rate                            float64
	axes                            []int
	causal, retScores               bool
	o                               *options

	qK, qB, kK, kB, vK, vB, oK, oB *autodiff.Variable
}

// MultiHeadAttention returns Keras's MultiHeadAttention layer with numHeads heads of size
// keyDim (query and key) and WithValueDim (value, default keyDim). The query, key and value are
// projected with kernels [features, heads, size] and biases [heads, size] ("query/kernel",
// "query/bias", "key/...", "value/..."), the query scaled by 1/√keyDim, the scores softmaxed
// over the keys (masked positions excluded), dropped out while training (WithDropout), applied
// to the values, and projected back with "attention_output/kernel" [heads, value_dim, out] and
// bias [out], out being WithOutputShape or the query's features. Call takes query [batch, Tq,
// dim], value [batch, Tv, dim] and optionally key and a bool attention mask [batch, Tq, Tv]; see
// [MultiHeadAttentionLayer.Attend] for every argument. Options: WithValueDim, WithOutputShape,
// WithAttentionAxes, WithDropout, WithUseBias, WithUseCausalMask, WithReturnAttentionScores,
// kernel/bias initializers (glorot_uniform, zeros), regularizers and constraints, WithSeed,
// WithName (default "multi_head_attention"), WithDType. It panics with a *core.Error if
// numHeads or keyDim is not positive.
func MultiHeadAttention(numHeads, keyDim int, opts ...Option) *MultiHeadAttentionLayer {
	o := parse("MultiHeadAttention", opts, append([]string{"value_dim", "output_shape", "attention_axes",
		"dropout", "use_causal_mask", "return_attention_scores"}, denseKeys...)...)
	l := &MultiHeadAttentionLayer{heads: numHeads, keyDim: keyDim, useBias: o.bias(), o: o}
	l.initBase("MultiHeadAttention", "multi_head_attention", o)
	if numHeads <= 0 || keyDim <= 0 {
		panic(l.errorf("num_heads and key_dim must be positive, got %d and %d", numHeads, keyDim))
	}
	l.valueDim = rnnGet(o, "value_dim", keyDim)
	l.outDim = rnnGet(o, "output_shape", 0)
	l.axes = rnnGet[[]int](o, "attention_axes", nil)
	l.rate = rnnGet(o, "dropout", 0.0)
	l.causal = rnnGet(o, "use_causal_mask", false)
	l.retScores = rnnGet(o, "return_attention_scores", false)
	if l.valueDim <= 0 || l.outDim < 0 || !(l.rate >= 0 && l.rate <= 1) {
		panic(l.errorf("value_dim %d, output_shape %d or dropout %v out of range", l.valueDim, l.outDim, l.rate))
	}
	if o.actFn != nil {
		panic(l.errorf("takes no activation"))
	}
	return l
}

// Weights order, as Keras: query kernel and bias, key, value, attention_output.

// QueryKernel returns the query projection [dim, heads, key_dim] (nil before the first call).
func (l *MultiHeadAttentionLayer) QueryKernel() *autodiff.Variable { return l.qK }

// OutputKernel returns the output projection [heads, value_dim, out] (nil before the first call).
func (l *MultiHeadAttentionLayer) OutputKernel() *autodiff.Variable { return l.oK }

// Call runs the attention of query, value and optionally key and a bool attention mask
// [batch, Tq, Tv] (one input x is self-attention: query and value x); it returns the output [batch, Tq, out] and, with
// WithReturnAttentionScores, the attention weights [batch, heads, Tq, Tv].
func (l *MultiHeadAttentionLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.call(ctx, attInputs(&l.Base, inputs))
}

// CallMasked is Call with the padding masks of the query, the value and the key.
func (l *MultiHeadAttentionLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.call(ctx, attWithMasks(attInputs(&l.Base, inputs), masks))
}

func (l *MultiHeadAttentionLayer) call(ctx Context, in AttentionInputs) []*tensor.Tensor {
	out, scores := l.Attend(ctx, in)
	res := l.Finish(out)
	if l.retScores {
		res = append(res, scores)
	}
	return res
}

// OutputMask returns the query's mask, as Keras.
func (l *MultiHeadAttentionLayer) OutputMask(masks []*tensor.Tensor, _ ...*tensor.Tensor) *tensor.Tensor {
	if len(masks) > 0 {
		return masks[0]
	}
	return nil
}

// Attend computes the attention of in and returns the output and the attention weights
// (before dropout). It panics with a *core.Error if the inputs' ranks or feature sizes differ
// from the first call's, or a mask does not fit.
func (l *MultiHeadAttentionLayer) Attend(ctx Context, in AttentionInputs) (out, scores *tensor.Tensor) {
	q, v := l.cast(in.Query), l.cast(in.Value)
	k := v
	if in.Key != nil {
		k = l.cast(in.Key)
	}
	if q.Rank() < 3 || v.Rank() != q.Rank() || k.Rank() != q.Rank() {
		panic(l.errorf("needs query, value and key of one rank >= 3, got %v, %v and %v", q.Shape(), v.Shape(), k.Shape()))
	}
	if !rnnDimsFit(k.Shape()[1:k.Rank()-1], v.Shape()[1:v.Rank()-1]) {
		panic(l.errorf("key %v and value %v must agree but in the features", k.Shape(), v.Shape()))
	}
	l.build(q, k, v)
	g := l.geometry(q.Rank())
	mask := l.mask(in, q, v, g)
	qh := ops.MulScalar(l.project(g.fold(q), l.qK, l.qB, g), 1/math.Sqrt(float64(l.keyDim)))
	kh := l.project(g.fold(k), l.kK, l.kB, g)
	vh := l.project(g.fold(v), l.vK, l.vB, g)
	if mask != nil {
		mask = ops.Unsqueeze(mask, -3) // the heads' axis, counted from the end of the scores
	}
	probs := attMaskedSoftmax(ops.MatMulT(qh, kh, false, true), mask) // [..., heads, Tq, Tv]
	drop := probs
	if ctx.Training && l.rate > 0 {
		drop = rnnDropout(probs, ctx.Step, l.rate, mix(l.LayerSeed(), 3))
	}
	ctxv := ops.MatMul(drop, vh)                         // [..., heads, Tq, value_dim]
	y := ops.Sum(ops.MatMul(ctxv, l.oK.Value()), g.head) // [..., Tq, out]
	if l.oB != nil {
		y = ops.Add(y, l.oB.Value())
	}
	return g.unfold(y, q, l.outputDim(q)), g.unfoldScores(probs, q, v)
}

func (l *MultiHeadAttentionLayer) outputDim(q *tensor.Tensor) int {
	if l.outDim > 0 {
		return l.outDim
	}
	return q.Dim(-1)
}

// build creates the projections from the features of query, key and value.
func (l *MultiHeadAttentionLayer) build(q, k, v *tensor.Tensor) {
	for _, t := range []*tensor.Tensor{q, k, v} {
		if t.Dim(-1) < 0 {
			panic(l.errorf("needs known feature sizes, got shape %v", t.Shape()))
		}
	}
	l.BuildOnce(func() {
		proj := func(name string, in, size int) (*autodiff.Variable, *autodiff.Variable) {
			kk := l.AddWeight(name+"/kernel", []int{in, l.heads, size}, l.o.init("kernel", initializers.GlorotUniform()),
				Regularized(l.o.regs["kernel"]), Constrained(l.o.cons["kernel"]))
			var b *autodiff.Variable
			if l.useBias {
				b = l.AddWeight(name+"/bias", []int{l.heads, size}, l.o.init("bias", initializers.Zeros()),
					Regularized(l.o.regs["bias"]), Constrained(l.o.cons["bias"]))
			}
			return kk, b
		}
		l.qK, l.qB = proj("query", q.Dim(-1), l.keyDim)
		l.kK, l.kB = proj("key", k.Dim(-1), l.keyDim)
		l.vK, l.vB = proj("value", v.Dim(-1), l.valueDim)
		out := l.outputDim(q)
		l.oK = l.AddWeight("attention_output/kernel", []int{l.heads, l.valueDim, out}, l.o.init("kernel", initializers.GlorotUniform()),
			Regularized(l.o.regs["kernel"]), Constrained(l.o.cons["kernel"]))
		if l.useBias {
			l.oB = l.AddWeight("attention_output/bias", []int{out}, l.o.init("bias", initializers.Zeros()),
				Regularized(l.o.regs["bias"]), Constrained(l.o.cons["bias"]))
		}
	})
	if q.Dim(-1) != l.qK.Shape()[0] || k.Dim(-1) != l.kK.Shape()[0] || v.Dim(-1) != l.vK.Shape()[0] {
		panic(l.errorf("was built for query, key and value features %d, %d and %d, got shapes %v, %v and %v",
			l.qK.Shape()[0], l.kK.Shape()[0], l.vK.Shape()[0], q.Shape(), k.Shape(), v.Shape()))
	}
}

// project maps x [batch, other..., T, features] to [batch, other..., heads, T, size].
func (l *MultiHeadAttentionLayer) project(x *tensor.Tensor, kernel, bias *autodiff.Variable, g attGeometry) *tensor.Tensor {
	w := ops.Transpose(kernel.Value(), 1, 0, 2) // [heads, features, size]
	y := ops.MatMul(ops.Unsqueeze(x, g.head), w)
	if bias != nil {
		b := bias.Value()
		y = ops.Add(y, ops.Reshape(b, b.Dim(0), 1, b.Dim(1)))
	}
	return y
}

// mask combines the attention mask, the padding masks and the causal mask into a bool mask
// broadcastable to [batch, other..., Tq, Tv] (nil when there is none).
func (l *MultiHeadAttentionLayer) mask(in AttentionInputs, q, v *tensor.Tensor, g attGeometry) *tensor.Tensor {
	var m *tensor.Tensor
	if qm := attBool(in.QueryMask); qm != nil {
		m = attAnd(m, ops.Unsqueeze(g.foldMask(qm, q, l), -1))
	}
	for _, vm := range []*tensor.Tensor{in.ValueMask, in.KeyMask} {
		if vm = attBool(vm); vm != nil {
			m = attAnd(m, ops.Unsqueeze(g.foldMask(vm, v, l), -2))
		}
	}
	if in.UseCausalMask || l.causal {
		if q.Rank() != 3 {
			panic(l.errorf("use_causal_mask needs inputs of rank 3, got %v", q.Shape()))
		}
		m = attAnd(m, attCausal(q, v))
	}
	if am := attBool(in.AttentionMask); am != nil {
		m = attAnd(m, g.foldAttentionMask(am, q, v, l))
	}
	return m
}

// Config returns Keras's MultiHeadAttention config.
func (l *MultiHeadAttentionLayer) Config() map[string]any {
	c := l.baseConfig()
	c["num_heads"], c["key_dim"], c["value_dim"] = l.heads, l.keyDim, l.valueDim
	c["dropout"], c["use_bias"], c["seed"] = l.rate, l.useBias, l.LayerSeed()
	var outShape, axes any
	if l.outDim > 0 {
		outShape = []int{l.outDim}
	}
	if l.axes != nil {
		axes = l.axes
	}
	c["output_shape"], c["attention_axes"] = outShape, axes
	c["kernel_initializer"] = cfgOf(l.o.init("kernel", initializers.GlorotUniform()))
	c["bias_initializer"] = cfgOf(l.o.init("bias", initializers.Zeros()))
	addRegConfig(c, l.o, "kernel", "bias")
	return c
}

// attGeometry arranges inputs [batch, d1, ..., dn, features] for attention over some of the
// axes d: the other axes move next to the batch, the attention axes are flattened into one
// (which needs their sizes and the other axes' sizes known when there are several), so that
// the heads go at axis head and the products broadcast over the leading axes.
type attGeometry struct {
	rank   int
	attn   []int // attention axes, ascending
	other  []int // the other axes between batch and features
	perm   []int // input axes in folded order: batch, other..., attn..., features
	head   int   // the heads' axis in projected tensors
	folded bool  // several attention axes are flattened
}

func (l *MultiHeadAttentionLayer) geometry(rank int) attGeometry {
	g := attGeometry{rank: rank}
	isAttn := map[int]bool{}
	if l.axes == nil {
		for a := 1; a < rank-1; a++ {
			isAttn[a] = true
		}
	} else {
		for _, a := range l.axes {
			if a < 0 {
				a += rank
			}
			if a <= 0 || a >= rank-1 {
				panic(l.errorf("attention axis %d out of range for inputs of rank %d", a, rank))
			}
			isAttn[a] = true
		}
	}
	for a := 1; a < rank-1; a++ {
		if isAttn[a] {
			g.attn = append(g.attn, a)
		} else {
			g.other = append(g.other, a)
		}
	}
	g.perm = append(append(append([]int{0}, g.other...), g.attn...), rank-1)
	g.head = 1 + len(g.other)
	g.folded = len(g.attn) > 1
	return g
}

// identity reports whether the geometry leaves inputs as they are ([batch, T, features]).
func (g attGeometry) identity() bool { return len(g.other) == 0 && !g.folded }

// fold returns x [batch, d..., features] as [batch, other..., T, features].
func (g attGeometry) fold(x *tensor.Tensor) *tensor.Tensor {
	if g.identity() {
		return x
	}
	x = ops.Transpose(x, g.perm...)
	if !g.folded {
		return x
	}
	return ops.Reshape(x, g.foldedDims(x.Shape(), 1)...)
}

// foldedDims returns the folded shape of a transposed shape s whose attention axes end trail
// axes before the end (-1 for the batch).
func (g attGeometry) foldedDims(s []int, trail int) []int {
	dims := []int{-1}
	n := len(g.other)
	dims = append(dims, s[1:1+n]...)
	size := 1
	for _, d := range s[1+n : len(s)-trail] {
		size *= d
	}
	dims = append(dims, size)
	return append(dims, s[len(s)-trail:]...)
}

// foldMask maps a padding mask [batch, d...] of x to [batch, other..., T].
func (g attGeometry) foldMask(m, x *tensor.Tensor, l *MultiHeadAttentionLayer) *tensor.Tensor {
	if m.Rank() != x.Rank()-1 || !rnnDimsFit(m.Shape(), x.Shape()[:x.Rank()-1]) {
		panic(l.errorf("mask of shape %v does not fit an input of shape %v", m.Shape(), x.Shape()))
	}
	if g.identity() {
		return m
	}
	m = ops.Transpose(m, g.perm[:g.rank-1]...)
	if !g.folded {
		return m
	}
	return ops.Reshape(m, g.foldedDims(m.Shape(), 0)...)
}

// foldAttentionMask maps an attention mask [batch, other..., Tq..., Tv...] (Keras's layout) to
// [batch, other..., Tq, Tv]; rank-3 inputs take [batch, Tq, Tv] or anything broadcastable.
func (g attGeometry) foldAttentionMask(m, q, v *tensor.Tensor, l *MultiHeadAttentionLayer) *tensor.Tensor {
	if !g.folded {
		return m
	}
	n, na := len(g.other), len(g.attn)
	if m.Rank() != 1+n+2*na {
		panic(l.errorf("attention mask of shape %v does not fit query %v and value %v", m.Shape(), q.Shape(), v.Shape()))
	}
	s := m.Shape()
	tq, tv := 1, 1
	for i := 0; i < na; i++ {
		tq *= s[1+n+i]
		tv *= s[1+n+na+i]
	}
	return ops.Reshape(m, append(append([]int{-1}, s[1:1+n]...), tq, tv)...)
}

// unfold maps the output [batch, other..., Tq, out] back to the query's layout.
func (g attGeometry) unfold(y, q *tensor.Tensor, out int) *tensor.Tensor {
	if g.identity() {
		return y
	}
	if g.folded {
		qs := ops.Transpose(q, g.perm...).Shape()
		dims := append([]int{-1}, qs[1:len(qs)-1]...)
		y = ops.Reshape(y, append(dims, out)...)
	}
	inv := make([]int, len(g.perm))
	for i, p := range g.perm {
		inv[p] = i
	}
	return ops.Transpose(y, inv...)
}

// unfoldScores maps the weights [batch, other..., heads, Tq, Tv] to Keras's layout [batch,
// other..., heads, Tq..., Tv...].
func (g attGeometry) unfoldScores(p, q, v *tensor.Tensor) *tensor.Tensor {
	if !g.folded {
		return p
	}
	dims := []int{-1}
	dims = append(dims, p.Shape()[1:g.head+1]...)
	for _, a := range g.attn {
		dims = append(dims, q.Dim(a))
	}
	for _, a := range g.attn {
		dims = append(dims, v.Dim(a))
	}
	return ops.Reshape(p, dims...)
}

// AttentionLayer is Keras's Attention (dot-product, Luong) or AdditiveAttention (Bahdanau).
type AttentionLayer struct {
	Base
	additive          bool
	useScale          bool
	scoreMode         string
	rate              float64
	causal, retScores bool
	scale, concatW    *autodiff.Variable
}

func newAttention(class, defName string, additive bool, opts []Option) *AttentionLayer {
	keys := []string{"use_scale", "dropout", "use_causal_mask", "return_attention_scores", "seed"}
	if !additive {
		keys = append(keys, "score_mode")
	}
	o := parse(class, opts, keys...)
	l := &AttentionLayer{additive: additive, useScale: rnnGet(o, "use_scale", additive), scoreMode: rnnGet(o, "score_mode", "dot"),
		rate: rnnGet(o, "dropout", 0.0), causal: rnnGet(o, "use_causal_mask", false), retScores: rnnGet(o, "return_attention_scores", false)}
	l.initBase(class, defName, o)
	if l.scoreMode != "dot" && l.scoreMode != "concat" {
		panic(l.errorf("score_mode must be dot or concat, got %q", l.scoreMode))
	}
	if !(l.rate >= 0 && l.rate <= 1) {
		panic(l.errorf("dropout must be in [0, 1], got %v", l.rate))
	}
	return l
}

// Attention returns Keras's Attention layer (Luong's dot-product attention): scores
// query·keyᵀ (times a learned scalar "scale", initially 1, with WithUseScale(true)), or with
// WithScoreMode("concat") Σ tanh(scale·(query_i + key_j)) times a learned scalar
// "concat_score_weight"; the values weighted by the softmax of the scores over the keys. Call
// takes query [batch, Tq, dim], value [batch, Tv, dim] and optionally key (default value); masks
// come with CallMasked ([query_mask, value_mask]) or [AttentionLayer.Attend]: masked keys get a
// -1e9 bias and masked queries output zeros, as Keras. Options: WithUseScale, WithScoreMode,
// WithDropout, WithUseCausalMask, WithReturnAttentionScores, WithSeed, WithName (default
// "attention"), WithDType.
func Attention(opts ...Option) *AttentionLayer {
	return newAttention("Attention", "attention", false, opts)
}

// AdditiveAttention returns Keras's AdditiveAttention layer (Bahdanau's): scores
// Σ_d scale_d·tanh(query_i,d + key_j,d), with a learned "scale" [dim] (glorot_uniform) unless
// WithUseScale(false); otherwise as [Attention]. Name "additive_attention".
func AdditiveAttention(opts ...Option) *AttentionLayer {
	return newAttention("AdditiveAttention", "additive_attention", true, opts)
}

// Call attends query to value (and key; one input x attends x to itself); it returns [batch, Tq, dim] and with
// WithReturnAttentionScores the weights [batch, Tq, Tv].
func (l *AttentionLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.call(ctx, attInputs(&l.Base, inputs))
}

// CallMasked is Call with the query's and the value's masks.
func (l *AttentionLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.call(ctx, attWithMasks(attInputs(&l.Base, inputs), masks))
}

func (l *AttentionLayer) call(ctx Context, in AttentionInputs) []*tensor.Tensor {
	if in.AttentionMask != nil {
		panic(l.errorf("takes no attention mask: give the query and value masks"))
	}
	out, scores := l.Attend(ctx, in)
	res := l.Finish(out)
	if l.retScores {
		res = append(res, scores)
	}
	return res
}

// OutputMask returns the query's mask.
func (l *AttentionLayer) OutputMask(masks []*tensor.Tensor, _ ...*tensor.Tensor) *tensor.Tensor {
	if len(masks) > 0 {
		return masks[0]
	}
	return nil
}

// Attend computes the attention and returns the output and the weights. Its AttentionMask
// field must be nil (Keras's layer takes the query and value masks only); the key mask, if
// any, combines with the value mask.
func (l *AttentionLayer) Attend(ctx Context, in AttentionInputs) (out, scores *tensor.Tensor) {
	q, v := l.cast(in.Query), l.cast(in.Value)
	k := v
	if in.Key != nil {
		k = l.cast(in.Key)
	}
	if q.Rank() != 3 || v.Rank() != 3 || k.Rank() != 3 || !rnnDimsFit([]int{q.Dim(-1)}, []int{k.Dim(-1)}) {
		panic(l.errorf("needs query [batch, Tq, dim], value [batch, Tv, dim] and key [batch, Tv, dim], got %v, %v and %v", q.Shape(), v.Shape(), k.Shape()))
	}
	l.BuildOnce(func() {
		if l.additive && l.useScale {
			l.scale = l.AddWeight("scale", []int{q.Dim(-1)}, initializers.GlorotUniform())
		} else if l.useScale {
			l.scale = l.AddWeight("scale", []int{}, initializers.Ones())
		}
		if !l.additive && l.scoreMode == "concat" {
			l.concatW = l.AddWeight("concat_score_weight", []int{}, initializers.Ones())
		}
	})
	s := l.scores(q, k)
	mask := attAnd(attBool(in.ValueMask), attBool(in.KeyMask))
	if mask != nil {
		mask = ops.Unsqueeze(mask, -2) // [batch, 1, Tv]
	}
	if in.UseCausalMask || l.causal {
		mask = attAnd(mask, attCausal(q, v))
	}
	if mask != nil {
		// Keras subtracts 1e9 (65504 in float16) from the scores of padding positions.
		big := 1e9
		if s.DType() == dtype.Float16 {
			big = 65504
		}
		s = ops.Sub(s, ops.MulScalar(ops.Cast(ops.LogicalNot(mask), s.DType()), big))
	}
	w := ops.Softmax(s, -1)
	drop := w
	if ctx.Training && l.rate > 0 {
		drop = rnnDropout(w, ctx.Step, l.rate, mix(l.LayerSeed(), 3))
	}
	out = ops.MatMul(drop, v)
	if qm := attBool(in.QueryMask); qm != nil {
		out = ops.Mul(out, ops.Cast(ops.Unsqueeze(qm, -1), out.DType()))
	}
	return out, w
}

// scores returns the scores [batch, Tq, Tv].
func (l *AttentionLayer) scores(q, k *tensor.Tensor) *tensor.Tensor {
	if !l.additive && l.scoreMode == "dot" {
		s := ops.MatMulT(q, k, false, true)
		if l.scale != nil {
			s = ops.Mul(s, l.scale.Value())
		}
		return s
	}
	sum := ops.Add(ops.Unsqueeze(q, -2), ops.Unsqueeze(k, -3)) // [batch, Tq, Tv, dim]
	if l.additive {
		t := ops.Tanh(sum)
		if l.scale != nil {
			t = ops.Mul(t, l.scale.Value())
		}
		return ops.Sum(t, -1)
	}
	if l.scale != nil {
		sum = ops.Mul(sum, l.scale.Value())
	}
	return ops.Mul(ops.Sum(ops.Tanh(sum), -1), l.concatW.Value())
}

// Config returns Keras's config.
func (l *AttentionLayer) Config() map[string]any {
	c := l.baseConfig()
	c["use_scale"], c["dropout"] = l.useScale, l.rate
	if !l.additive {
		c["score_mode"] = l.scoreMode
	}
	return c
}

// TransformerEncoderLayer is a Transformer encoder block (keras_hub's TransformerEncoder).
type TransformerEncoderLayer struct {
	Base
	inter, heads int
	rate         float64
	eps          float64
	actName      string
	first        bool
	o            *options

	mha              *MultiHeadAttentionLayer
	attnNorm, ffNorm *LayerNormLayer
	ffIn, ffOut      *DenseLayer
}

// TransformerEncoder returns a Transformer encoder block, as keras_hub's TransformerEncoder:
// self-attention (MultiHeadAttention with numHeads heads of size features/numHeads), dropout, a
// residual connection and LayerNormalization, then a feed-forward network (Dense of
// intermediateDim with WithActivation, default relu, then Dense back to the features), dropout,
// a residual connection and LayerNormalization. WithNormalizeFirst normalises before each
// sublayer instead (pre-norm). Options: WithDropout (attention weights and both sublayers),
// WithActivation, WithEpsilon (default 1e-5), WithNormalizeFirst, kernel/bias initializers,
// WithSeed, WithName (default "transformer_encoder"), WithDType. Call takes x [batch, T, features]
// and optionally a bool attention mask [batch, T, T]; CallMasked takes x's padding mask. The
// weights are the attention's, the two normalisations' and the two Dense layers'.
func TransformerEncoder(intermediateDim, numHeads int, opts ...Option) *TransformerEncoderLayer {
	o := parse("TransformerEncoder", opts, "dropout", "activation", "epsilon", "normalize_first",
		"kernel_initializer", "bias_initializer", "seed")
	l := &TransformerEncoderLayer{inter: intermediateDim, heads: numHeads, rate: rnnGet(o, "dropout", 0.0),
		eps: orDefault(o.epsilon, 1e-5), first: rnnGet(o, "normalize_first", false), o: o}
	l.initBase("TransformerEncoder", "transformer_encoder", o)
	if intermediateDim <= 0 || numHeads <= 0 {
		panic(l.errorf("intermediate_dim and num_heads must be positive, got %d and %d", intermediateDim, numHeads))
	}
	l.actName = "relu"
	if o.actFn != nil {
		l.actName = o.activation
	}
	return l
}

// sub returns the options of a sublayer: its name below the block's and the block's dtype and
// seed, plus the block's initializers for the attention and Dense layers.
func (l *TransformerEncoderLayer) sub(name string, inits bool, extra ...Option) []Option {
	opts := append([]Option{WithName(l.Name() + "/" + name), WithDType(l.DType()), WithSeed(mix(l.LayerSeed(), hashString(name)))}, extra...)
	if !inits {
		return opts
	}
	if i, ok := l.o.inits["kernel"]; ok {
		opts = append(opts, WithKernelInitializer(i))
	}
	if i, ok := l.o.inits["bias"]; ok {
		opts = append(opts, WithBiasInitializer(i))
	}
	return opts
}

// buildBlock makes the sublayers for features d.
func (l *TransformerEncoderLayer) buildBlock(d int) {
	if d%l.heads != 0 {
		panic(l.errorf("features %d are not divisible by num_heads %d", d, l.heads))
	}
	act := WithActivation(l.actName)
	if l.o.actFn != nil {
		act = Option{"activation", func(o *options) { o.activation, o.actFn = l.o.activation, l.o.actFn }}
	}
	l.mha = MultiHeadAttention(l.heads, d/l.heads, l.sub("self_attention", true, WithDropout(l.rate))...)
	l.attnNorm = LayerNormalization(l.sub("self_attention_layer_norm", false, WithEpsilon(l.eps))...)
	l.ffNorm = LayerNormalization(l.sub("feedforward_layer_norm", false, WithEpsilon(l.eps))...)
	l.ffIn = Dense(l.inter, l.sub("feedforward_intermediate_dense", true, act)...)
	l.ffOut = Dense(d, l.sub("feedforward_output_dense", true)...)
}

func (l *TransformerEncoderLayer) subs() []Layer {
	if l.mha == nil {
		return nil
	}
	return []Layer{l.mha, l.attnNorm, l.ffNorm, l.ffIn, l.ffOut}
}

// Call applies the block to x and an optional bool attention mask.
func (l *TransformerEncoderLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return l.CallMasked(ctx, nil, inputs...)
}

// CallMasked is Call with x's padding mask in masks[0].
func (l *TransformerEncoderLayer) CallMasked(ctx Context, masks []*tensor.Tensor, inputs ...*tensor.Tensor) []*tensor.Tensor {
	if len(inputs) < 1 || len(inputs) > 2 || (len(inputs) == 2 && inputs[1].DType() != dtype.Bool) {
		panic(l.errorf("takes x and optionally a bool attention mask, got %v", attSpecs(inputs)))
	}
	x := l.cast(inputs[0])
	if x.Rank() != 3 || x.Dim(-1) < 0 {
		panic(l.errorf("needs an input [batch, T, features] with known features, got shape %v", x.Shape()))
	}
	l.BuildOnce(func() { l.buildBlock(x.Dim(-1)) })
	in := AttentionInputs{Query: x, Value: x}
	if len(inputs) == 2 {
		in.AttentionMask = inputs[1]
	}
	if len(masks) > 0 && masks[0] != nil {
		in.QueryMask, in.ValueMask = masks[0], masks[0]
	}
	y := l.residual(ctx, x, l.attnNorm, 1, func(h *tensor.Tensor) *tensor.Tensor {
		in.Query, in.Value = h, h
		out, _ := l.mha.Attend(ctx, in)
		return out
	})
	y = l.residual(ctx, y, l.ffNorm, 2, func(h *tensor.Tensor) *tensor.Tensor {
		return Apply(l.ffOut, ctx, Apply(l.ffIn, ctx, h))
	})
	return l.Finish(y)
}

// residual applies f with dropout, the residual connection and the normalisation (before f
// with normalize_first, after the sum otherwise).
func (l *TransformerEncoderLayer) residual(ctx Context, x *tensor.Tensor, norm *LayerNormLayer, k uint64, f func(*tensor.Tensor) *tensor.Tensor) *tensor.Tensor {
	h := x
	if l.first {
		h = Apply(norm, ctx, h)
	}
	h = f(h)
	if ctx.Training && l.rate > 0 {
		h = rnnDropout(h, ctx.Step, l.rate, mix(l.LayerSeed(), 10+k))
	}
	y := ops.Add(h, x)
	if !l.first {
		y = Apply(norm, ctx, y)
	}
	return y
}

// OutputMask returns x's mask.
func (l *TransformerEncoderLayer) OutputMask(masks []*tensor.Tensor, _ ...*tensor.Tensor) *tensor.Tensor {
	if len(masks) > 0 {
		return masks[0]
	}
	return nil
}

// SetName renames the block; its sublayers are made at the first call with names below it.
func (l *TransformerEncoderLayer) SetName(name string) { l.Base.SetName(name) }

// Weights returns the sublayers' weights: attention, attention norm, feed-forward norm and the
// two Dense layers.
func (l *TransformerEncoderLayer) Weights() []*autodiff.Variable {
	var out []*autodiff.Variable
	for _, s := range l.subs() {
		out = append(out, s.Weights()...)
	}
	return out
}

// TrainableWeights returns the trainable weights.
func (l *TransformerEncoderLayer) TrainableWeights() []*autodiff.Variable {
	return rnnTrainable(l, true)
}

// NonTrainableWeights returns the other weights.
func (l *TransformerEncoderLayer) NonTrainableWeights() []*autodiff.Variable {
	return rnnTrainable(l, false)
}

// Losses returns the sublayers' losses.
func (l *TransformerEncoderLayer) Losses() []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, s := range l.subs() {
		out = append(out, s.Losses()...)
	}
	return append(out, l.Base.Losses()...)
}

// Constrain applies the sublayers' constraints.
func (l *TransformerEncoderLayer) Constrain() { rnnConstrain(l.subs()...) }

// ConstraintOf returns the constraint of weight v, or nil.
func (l *TransformerEncoderLayer) ConstraintOf(v *autodiff.Variable) constraints.Constraint {
	return rnnConstraintOf(v, l.subs()...)
}

// Config returns keras_hub's TransformerEncoder config.
func (l *TransformerEncoderLayer) Config() map[string]any {
	c := l.baseConfig()
	c["intermediate_dim"], c["num_heads"], c["dropout"] = l.inter, l.heads, l.rate
	c["activation"], c["layer_norm_epsilon"], c["normalize_first"] = l.actName, l.eps, l.first
	return c
}
