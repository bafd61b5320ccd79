package losses

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// ctcNeg stands for log 0 in the CTC recursion. A finite value keeps the gradient finite: with
// -Inf, an unreachable state would feed 0·Inf = NaN back through log and exp.
const ctcNeg = -1e30

// CTC is Keras's CTC loss (connectionist temporal classification, Graves et al. 2006), the
// negative log-likelihood of the label sequence y_true under the per-step class scores y_pred
// summed over all alignments. y_pred holds logits of shape [batch, time, classes] (log-softmax
// is applied inside); y_true holds integer labels of shape [batch, max_label_length], padded at
// the end with the blank index, so each sample's label length is its number of non-blank
// labels and its input length is the whole time axis (use CTCLoss for other lengths). Options:
// Blank (default 0, Keras's mask_index), ZeroInfinity. The result per sample is
// torch.nn.functional.ctc_loss with reduction "none"; Keras then averages over the batch.
func CTC(opts ...Option) *Func {
	c := newConfig("ctc", opts, "blank", "zero_infinity")
	extra := map[string]any{"blank": c.blank, "zero_infinity": c.zeroInfinity}
	return newFunc(c, extra, func(yTrue, yPred *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		if yTrue.Rank() != 2 {
			panic(core.Errorf("ctc", "labels have shape %v, want [batch, max_label_length]", yTrue.Shape()))
		}
		labels := ops.Cast(yTrue, dtype.Int64)
		lengths := ops.Sum(ops.Cast(ops.NotEqual(labels, tensor.Full(dtype.Int64, float64(c.blank))), dtype.Int64), 1)
		return ctcLoss("ctc", labels, yPred, lengths, nil, c.blank, c.zeroInfinity), nil
	})
}

// CTCLoss returns the CTC loss of each sample: -log Σ over the alignments of labels[b, :
// labelLengths[b]] to the first logitLengths[b] steps of logits[b] of the product of the
// alignment's per-step softmax probabilities. logits has shape [batch, time, classes]; labels
// [batch, max_label_length] holds class indices (not the blank); the lengths have shape [batch]
// and are integers, nil meaning the full axis. The result has shape [batch] and logits' dtype.
// A sample whose labels cannot fit in its steps (each repeated label needs a blank between) has
// loss +Inf, or 0 with zeroInfinity, and a zero gradient.
//
// The forward recursion of Graves et al. runs in log space over the time steps with package ops
// (a Go loop, unrolled when traced, so the time axis must be known; the batch may be unknown),
// and its gradient — the forward-backward computation — comes from autodiff. It costs
// O(batch·time·(classes + labels)) and, in graph mode, a few ops per step.
//
// CTCLoss panics with a *core.Error on shapes that do not fit or a blank outside the classes.
func CTCLoss(labels, logits, labelLengths, logitLengths *tensor.Tensor, blank int, zeroInfinity bool) *tensor.Tensor {
	if labels.Rank() != 2 {
		panic(core.Errorf("ctc_loss", "labels have shape %v, want [batch, max_label_length]", labels.Shape()))
	}
	return ctcLoss("ctc_loss", ops.Cast(labels, dtype.Int64), logits, labelLengths, logitLengths, blank, zeroInfinity)
}

func ctcLoss(name string, labels, logits, labelLengths, logitLengths *tensor.Tensor, blank int, zeroInfinity bool) *tensor.Tensor {
	logits = toFloat(logits)
	if logits.Rank() != 3 || logits.Dim(1) < 1 || logits.Dim(2) < 1 {
		panic(core.Errorf(name, "logits have shape %v, want [batch, time, classes] with known time and classes", logits.Shape()))
	}
	classes, maxLabels := logits.Dim(2), labels.Dim(1)
	if blank < 0 || blank >= classes {
		panic(core.Errorf(name, "blank index %d is outside the %d classes", blank, classes))
	}
	if maxLabels < 0 {
		panic(core.Errorf(name, "labels have shape %v, want a known label axis", labels.Shape()))
	}
	// col is a [batch, 1] tensor: the shape that per-sample values take to broadcast against
	// [batch, states], built from the logits so that the batch needs no static size.
	col := ops.Cast(ops.Sum(ops.SliceAxis(ops.SliceAxis(logits.Detach(), 1, 0, 1, 1), 2, 0, 1, 1), 1), dtype.Int64)
	ext, skip := ctcStates(labels, ops.FullLike(col, float64(blank)))

	// emit[b, t, s] = logp[b, t, ext[b, s]], as a product with the one-hot extended labels.
	logp := ops.LogSoftmax(logits, -1)
	emit := ops.MatMulT(logp, ops.OneHot(ext, classes, logp.DType()), false, true) // [B, T, S]
	var stepsCol *tensor.Tensor
	if logitLengths != nil {
		stepsCol = ops.ReshapeLike(ops.Cast(logitLengths, dtype.Int64), col)
	}
	alpha := ctcForward(emit, skip, stepsCol)

	// The paths end in the last label or the blank after it: states 2L_b - 1 and 2L_b.
	var last *tensor.Tensor
	if labelLengths != nil {
		last = ops.MulScalar(ops.ReshapeLike(ops.Cast(labelLengths, dtype.Int64), col), 2)
	} else {
		last = ops.FullLike(col, float64(2*maxLabels))
	}
	return ctcEnd(alpha, last, zeroInfinity)
}

// ctcStates returns the extended labels [blank, l1, blank, l2, ..., blank] ([B, 2L+1],
// gathered from [blank, l1, ..., lL] by a constant index) and where a path may skip the blank
// before a state: where the state is a label that differs from the label two states back.
func ctcStates(labels, blankCol *tensor.Tensor) (ext, skip *tensor.Tensor) {
	nStates := 2*labels.Dim(1) + 1
	pos := make([]int64, nStates)
	for s := 1; s < nStates; s += 2 {
		pos[s] = int64(s+1) / 2
	}
	ext = ops.Gather(ops.Concat(1, blankCol, labels), tensor.FromSlice(pos), 1)
	skip = ops.LogicalAnd(ops.NotEqual(ext, blankCol), ops.NotEqual(ext, shiftRight(ext, 2, blankCol)))
	return ext, skip
}

// ctcForward runs the forward recursion over the steps of emit [B, T, S]: alpha_0 is the first
// two states' emissions, and alpha_t[s] = emit_t[s] + log(e^alpha[s] + e^alpha[s-1] +
// e^alpha[s-2] where skip allows it). Samples whose stepsCol [B, 1] (nil: all) is reached keep
// their alpha.
func ctcForward(emit, skip, stepsCol *tensor.Tensor) *tensor.Tensor {
	dt, steps := emit.DType(), emit.Dim(1)
	perStep := ops.Split(emit, 1, steps)
	neg := scalar(dt, ctcNeg)
	state := ops.Range(dtype.Int64, 0, float64(emit.Dim(2)), 1)
	alpha := ops.Where(ops.Less(state, tensor.Full(dtype.Int64, 2)), ops.Sum(perStep[0], 1), neg)
	for t := 1; t < steps; t++ {
		negCol := ops.FullLike(ops.SliceAxis(alpha.Detach(), 1, 0, 1, 1), ctcNeg)
		a1 := shiftRight(alpha, 1, negCol)
		a2 := ops.Where(skip, shiftRight(alpha, 2, negCol), neg)
		next := ops.Add(logSumExp3(alpha, a1, a2), ops.Sum(perStep[t], 1))
		if stepsCol != nil {
			next = ops.Where(ops.Greater(stepsCol, tensor.Full(dtype.Int64, float64(t))), next, alpha)
		}
		alpha = next
	}
	return alpha
}

// ctcEnd returns -log(e^alpha[last-1] + e^alpha[last]) per sample, +Inf (or 0 with
// zeroInfinity) where no path reaches them: an impossible alignment leaves both at about
// ctcNeg.
func ctcEnd(alpha, last *tensor.Tensor, zeroInfinity bool) *tensor.Tensor {
	dt := alpha.DType()
	state := ops.Range(dtype.Int64, 0, float64(alpha.Dim(1)), 1)
	end := ops.LogicalOr(ops.Equal(state, last), ops.Equal(state, ops.AddScalar(last, -1)))
	loss := ops.Neg(ops.LogSumExp(ops.Where(end, alpha, scalar(dt, ctcNeg)), 1))
	fill := math.Inf(1)
	if zeroInfinity {
		fill = 0
	}
	return ops.Where(ops.Greater(loss, scalar(dt, -ctcNeg/2)), scalar(dt, fill), loss)
}

// shiftRight returns x [B, S] moved right by k along axis 1, the first k columns filled from
// fillCol [B, 1].
func shiftRight(x *tensor.Tensor, k int, fillCol *tensor.Tensor) *tensor.Tensor {
	s := x.Dim(1)
	parts := make([]*tensor.Tensor, 0, k+1)
	for i := 0; i < min(k, s); i++ {
		parts = append(parts, fillCol)
	}
	if s > k {
		parts = append(parts, ops.SliceAxis(x, 1, 0, s-k, 1))
	}
	return ops.Concat(1, parts...)
}

// logSumExp3 returns log(e^a + e^b + e^c) elementwise, shifted by the (constant) maximum.
func logSumExp3(a, b, c *tensor.Tensor) *tensor.Tensor {
	m := ops.Maximum(a, ops.Maximum(b, c)).Detach()
	s := ops.Add(ops.Add(ops.Exp(ops.Sub(a, m)), ops.Exp(ops.Sub(b, m))), ops.Exp(ops.Sub(c, m)))
	return ops.Add(ops.Log(s), m)
}
