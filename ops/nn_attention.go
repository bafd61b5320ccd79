package ops

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Scaled dot-product attention is a composite of matmul, softmax and (optionally) dropout; its
// gradient comes from theirs. A fused kernel (flash attention) can replace it later without
// changing the results beyond rounding.

// AttentionParams configures scaled dot-product attention.
type AttentionParams struct {
	// Causal lets query i attend only to keys j <= i (a lower-triangular mask aligned at the top
	// left, as PyTorch's is_causal). It combines with an explicit mask.
	Causal bool
	// Scale multiplies the scores q·kᵀ; 0 means 1/√d, d being the last dimension of q.
	Scale float64
	// DropoutRate drops attention weights after the softmax, with [Dropout]'s stateless mask
	// drawn from Seed and Step; 0 (the default, and what inference wants) applies none.
	DropoutRate float64
	Seed, Step  uint64
}

// ScaledDotProductAttention returns softmax(q·kᵀ·scale + mask)·v, the attention of
// torch.nn.functional.scaled_dot_product_attention (PyTorch 2.0) and Keras's attention layers:
// q is [..., Lq, d], k is [..., Lk, d] and v is [..., Lk, dv], with leading (batch, head)
// dimensions broadcast as in [MatMul], and the result is [..., Lq, dv]. mask may be nil, a bool
// tensor (true where a query may attend to a key, as PyTorch's boolean attn_mask) or a float
// tensor added to the scores (use -Inf to forbid), broadcastable to the scores' shape
// [..., Lq, Lk]. A query that may attend to no key gets NaN, as PyTorch's reference math does.
// Integer inputs are converted to float32 first. It panics with a *core.Error if the ranks are
// below 2, d or Lk differ between the operands, the mask does not broadcast to the scores, the
// sequence lengths are unknown while Causal is set, or the dropout rate is outside [0, 1].
func ScaledDotProductAttention(q, k, v, mask *Tensor, p AttentionParams) *Tensor {
	const op = "scaled_dot_product_attention"
	q, k, v = toFloat(q), toFloat(k), toFloat(v)
	if q.Rank() < 2 || k.Rank() < 2 || v.Rank() < 2 {
		panic(core.Errorf(op, "q %v, k %v and v %v must have rank >= 2 ([..., length, features])", q.Shape(), k.Shape(), v.Shape()))
	}
	d, lq, lk := q.Dim(-1), q.Dim(-2), k.Dim(-2)
	if k.Dim(-1) != d && d >= 0 && k.Dim(-1) >= 0 {
		panic(core.Errorf(op, "q %v and k %v have different feature sizes %d and %d", q.Shape(), k.Shape(), d, k.Dim(-1)))
	}
	if v.Dim(-2) != lk && lk >= 0 && v.Dim(-2) >= 0 {
		panic(core.Errorf(op, "k %v and v %v have different lengths %d and %d", k.Shape(), v.Shape(), lk, v.Dim(-2)))
	}
	scale := p.Scale
	if scale == 0 {
		if d < 0 {
			panic(core.Errorf(op, "the feature size of q %v must be known to use the default scale", q.Shape()))
		}
		scale = 1 / math.Sqrt(float64(d))
	}
	s := MulScalar(MatMulT(q, k, false, true), scale)
	if mask != nil {
		if !nnBroadcastsTo(mask.Shape(), s.Shape()) {
			panic(core.Errorf(op, "mask of shape %v does not broadcast to the scores' shape %v", mask.Shape(), s.Shape()))
		}
		if mask.DType() == dtype.Bool {
			s = Where(mask, s, scalarLike(s, math.Inf(-1)))
		} else {
			s = Add(s, Cast(mask, s.DType()))
		}
	}
	if p.Causal {
		if lq < 0 || lk < 0 {
			panic(core.Errorf(op, "causal attention needs known lengths, got q %v and k %v", q.Shape(), k.Shape()))
		}
		s = Where(nnCausalMask(lq, lk), s, scalarLike(s, math.Inf(-1)))
	}
	w := Softmax(s, -1)
	if p.DropoutRate != 0 {
		w = Dropout(w, DropoutParams{Rate: p.DropoutRate, Seed: p.Seed, Step: p.Step})
	}
	return MatMul(w, v)
}

// nnCausalMask returns the [lq, lk] bool mask that is true where key j <= query i.
func nnCausalMask(lq, lk int) *Tensor {
	m := make([]bool, lq*lk)
	for i := 0; i < lq; i++ {
		for j := 0; j <= i && j < lk; j++ {
			m[i*lk+j] = true
		}
	}
	return tensor.FromSlice(m, lq, lk)
}
